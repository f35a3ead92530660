"""Kill `hetflow run` with SIGKILL at random points, resume each time, and
check what the journal promises: it is never corrupt; a task recorded done
is never run again; when the last resume ends every task is done and has
appended its id to the log.  A task whose run was cut by a kill runs again;
one that finished but was not yet recorded done when the kill came (a
window of one engine batch) may have appended twice, and only such tasks."""
import os
import random
import re
import signal
import sqlite3
import subprocess
import time
import unittest

from clitest import CliTest, HETFLOW, run

KILLS = 22


class KillAndResume(CliTest):
    def test_kill_resume(self):
        log = os.path.join(self.dir, "log")
        wf = self.write("w.yaml", "sets:\n"
                        f"  a: {{tasks: 40, command: 'sleep 0.23; echo $HETFLOW_TASK_ID >> {log}'}}\n"
                        f"  b: {{tasks: 40, command: 'sleep 0.13; echo $HETFLOW_TASK_ID >> {log}',\n"
                        "      after: [{set: a, map: one-to-one}]}\n"
                        f"  c: {{tasks: 20, command: 'sleep 0.23; echo $HETFLOW_TASK_ID >> {log}',\n"
                        "      after: [b]}\n")
        work = os.path.join(self.dir, "work")
        seed = int(os.environ.get("RESUME_SEED", time.time()))
        rng = random.Random(seed)
        print(f"seed {seed}")
        snapshots = []  # (tasks done in the journal, appends so far), at each kill
        kills = 0
        cmd = [HETFLOW, "run", wf, "--workdir", work, "--quiet"]
        while kills < KILLS:
            p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, 0.35))
            if p.poll() is not None:
                self.fail(f"the run finished after only {kills} kills (seed {seed})")
            p.send_signal(signal.SIGKILL)
            p.wait()
            kills += 1
            # A kill before the journal is complete leaves none: run again.
            if os.path.exists(os.path.join(work, "journal.db")):
                cmd = [HETFLOW, "resume", work, "--quiet"]
                states = self.journal(work)
                done = {t for t, s in states.items() if s == "done"}
                snapshots.append((done, self.appended(log)))
        rc, out, err = run("resume", work, "--quiet", "--json")
        self.assertEqual(rc, 0, err)
        states = self.journal(work)
        self.assertEqual(set(states.values()), {"done"})
        self.assertEqual(len(states), 100)
        final = self.appended(log)
        self.assertEqual(set(final), set(range(100)))  # every task ran to its end
        for done, counts in snapshots:
            for t in done:
                self.assertEqual(final[t], counts[t],
                                 f"task {t} ran again after it was recorded done")
        # Duplicates only from the window between a task's end and its batch
        # commit: at most the two running tasks per kill.
        twice = [t for t, n in final.items() if n > 1]
        self.assertLessEqual(len(twice), 2 * KILLS)
        print(f"{kills} kills; {len(twice)} tasks appended twice: {sorted(twice)}")
        deadline = time.time() + 2  # a killed process may take a moment to go
        # A task is a shell whose command line names this test's own log
        # (its sleep ends with it): other runs side by side never match.
        while subprocess.run(["pgrep", "-f", re.escape(f">> {log}")]).returncode == 0:
            self.assertLess(time.time(), deadline, "a task of a killed run still runs")
            time.sleep(0.05)

    def test_damaged_journal(self):
        # A task state the journal does not know: resume says which task,
        # and does not crash (it read the row after freeing its statement).
        wf = self.write("w.yaml", "sets:\n  a: {tasks: 3, command: [true]}\n")
        work = os.path.join(self.dir, "work")
        self.assertEqual(run("run", wf, "--workdir", work, "--quiet")[0], 0)
        db = sqlite3.connect(os.path.join(work, "journal.db"))
        db.execute("UPDATE tasks SET state = 'bogus' WHERE id = 1")
        db.commit()
        db.close()
        rc, out, err = run("resume", work, "--quiet")
        self.assertEqual(rc, 2)
        self.assertEqual(err, "hetflow: journal: task 1 has an unknown state\n")

    def test_resume_errors(self):
        rc, _, err = run("resume", os.path.join(self.dir, "nothing"))
        self.assertEqual(rc, 2)
        self.assertIn("no journal here", err)
        wf = self.write("w.yaml", "sets:\n  a: {command: [true]}\n")
        work = os.path.join(self.dir, "work")
        # What a kill while the journal was being built leaves: not a journal.
        os.makedirs(work)
        with open(os.path.join(work, "journal.db.new"), "w") as f:
            f.write("half")
        rc, _, err = run("resume", work)
        self.assertEqual(rc, 2)
        self.assertIn("no journal here", err)
        self.assertEqual(run("run", wf, "--workdir", work, "--quiet")[0], 0)
        self.assertFalse(os.path.exists(os.path.join(work, "journal.db.new")))
        rc, _, err = run("run", wf, "--workdir", work, "--quiet")
        self.assertEqual(rc, 2)
        self.assertIn("holds an earlier run", err)
        other = self.write("other.yaml", "sets:\n  b: {command: [true]}\n")
        rc, _, err = run("run", other, "--workdir", work, "--resume")
        self.assertEqual(rc, 2)
        self.assertIn("is not the workflow the journal", err)
        rc, out, err = run("run", wf, "--workdir", work, "--resume", "--quiet")
        self.assertEqual(rc, 0, err)
        self.assertIn("1 tasks already done", err)
        rc, out, _ = run("status", work)
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"a +0 +0 +0 +0 +1 +0 +0")

    def test_tuned_resume_runs_the_tuned_order(self):
        # c-DAG2 (examples/cdag2.yaml) with commands: heft would start T36
        # first (its 96 tasks take every GPU; T45 waits for them), the
        # tuned search puts T45 first.  T12[0] fails the first time and
        # stops the run before either; the resume searches again as the run
        # did, so T45 starts with the first T36 tasks, not after them.
        mark = os.path.join(self.dir, "mark")
        wf = self.write("w.yaml", "platform: {nodes: 16, cores_per_node: 48, gpus_per_node: 6}\n"
                        "policy: tuned\nsets:\n"
                        "  T0:  {tasks: 96, cores: 16, gpus: 1, duration: 190, command: [true]}\n"
                        "  T12: {tasks: 32, cores: 40, duration: 80, after: [T0],\n"
                        "        on_failure: stop,\n"
                        f"        command: 'test {{index}} != 0 || test -e {mark} || "
                        f"{{ touch {mark}; exit 1; }}'}}\n"
                        "  T36: {tasks: 96, cores: 4, gpus: 1, duration: 760, after: [T12],\n"
                        "        command: 'sleep 0.6'}\n"
                        "  T45: {tasks: 16, cores: 32, gpus: 1, duration: 240, after: [T12],\n"
                        "        command: [true]}\n"
                        "  T7:  {tasks: 16, cores: 4, duration: 460, after: [T45], command: [true]}\n")
        work = os.path.join(self.dir, "work")
        rc, _, err = run("run", wf, "--workdir", work, "--quiet")
        self.assertEqual(rc, 1, err)
        self.assertRegex(err, r"^hetflow: tuned: \d+ trial simulations, best makespan 1540.0 s\n")
        tuned = err.splitlines(keepends=True)[0]
        self.assertIn("stopped after a failure", err)
        for args in (("resume", work), ("run", wf, "--workdir", work, "--resume")):
            rc, _, err = run(*args, "--quiet")
            self.assertEqual(rc, 0, err)
            self.assertEqual(err.count("tuned:"), 1, err)
            self.assertTrue(err.startswith(tuned), err)
            db = sqlite3.connect(os.path.join(work, "journal.db"))
            first = dict(db.execute("SELECT s.name, MIN(t.start) FROM tasks t JOIN sets s "
                                    "ON s.id = t.set_id GROUP BY s.name"))
            db.close()
            self.assertLessEqual(first["T45"], first["T36"] + 0.2, args)
            if args[0] == "resume":  # a finished run resumed runs it all again
                db = sqlite3.connect(os.path.join(work, "journal.db"))
                db.execute("UPDATE tasks SET state = 'waiting' WHERE set_id IN "
                           "(SELECT id FROM sets WHERE name IN ('T36', 'T45', 'T7'))")
                db.commit()
                db.close()


if __name__ == "__main__":
    unittest.main()

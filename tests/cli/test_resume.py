"""Kill `hetflow run` with SIGKILL at random points, resume each time, and
check what the journal promises: it is never corrupt; a task recorded done
is never run again; when the last resume ends every task is done and has
appended its id to the log.  A task whose run was cut by a kill runs again;
one that finished but was not yet recorded done when the kill came (a
window of one engine batch) may have appended twice, and only such tasks."""
import json
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

    def tasks(self, work):
        db = sqlite3.connect(os.path.join(work, "journal.db"))
        try:
            return {f"{name}[{idx}]": (state, status, attempts, cause)
                    for name, idx, state, status, attempts, cause in db.execute(
                        "SELECT s.name, t.idx, t.state, t.status, t.attempts, t.cause "
                        "FROM tasks t JOIN sets s ON s.id = t.set_id")}
        finally:
            db.close()

    def test_failures_survive_resume(self):
        # A command that failed after its retry stays failed across resumes,
        # with its status, tries and the file that says why; what it
        # canceled stays canceled, a set with on_failure: continue is not
        # run again; every resume exits 1 and runs no new try.
        fixed = os.path.join(self.dir, "fixed")
        wf = self.write("w.yaml", "sets:\n"
                        f"  bad: {{tasks: 2, retries: 1, command: 'test {{index}} = 0 || "
                        f"test -e {fixed} || {{ echo broken >&2; exit 3; }}'}}\n"
                        "  one: {tasks: 2, command: [true], after: [{set: bad, map: one-to-one}]}\n"
                        "  all: {command: [true], after: [bad]}\n"
                        "  soft: {command: 'exit 4', on_failure: continue}\n"
                        "  next: {command: [true], after: [soft]}\n")
        work = os.path.join(self.dir, "work")
        rc, _, err = run("run", wf, "--workdir", work, "--quiet")
        self.assertEqual(rc, 1, err)
        first = self.tasks(work)
        want = {"bad[0]": ("done", 0, 0, None), "bad[1]": ("failed", 3, 1, None),
                "one[0]": ("done", 0, 0, None), "one[1]": ("canceled", 0, 0, "upstream"),
                "all[0]": ("canceled", 0, 0, "upstream"),
                "soft[0]": ("failed", 4, 0, None), "next[0]": ("done", 0, 0, None)}
        for k, v in want.items():
            self.assertEqual(first[k][0], v[0], k)
            if v[0] == "failed":
                self.assertEqual(first[k][1:3], v[1:3], k)
        files = sorted(os.listdir(os.path.join(work, "bad")))
        for _ in range(2):
            rc, out, err = run("resume", work, "--quiet", "--json")
            self.assertEqual(rc, 1, err)
            self.assertIn("hetflow: resuming " + work + ": 3 tasks already done, 2 failed "
                          "(kept; --retry-failed runs them again)\n", err)
            self.assertIn("task bad[1] failed after 2 tries: exit 3 (see "
                          f"{os.path.join(work, 'bad', '1.1.err')})\n", err)
            s = json.loads(out)
            self.assertEqual((s["tasks_done"], s["tasks_failed"], s["tasks_canceled"]),
                             (3, 2, 2))
            again = self.tasks(work)
            for k, v in want.items():
                self.assertEqual(again[k][0], v[0], k)
                if v[0] != "canceled":
                    self.assertEqual(again[k][1:3], first[k][1:3], k)
            self.assertEqual(again["all[0]"][3], "upstream")
            self.assertEqual(sorted(os.listdir(os.path.join(work, "bad"))), files)
        rc, out, err = run("status", work)
        self.assertIn("  bad[1]           exit 3, after 2 tries (see "
                      f"{os.path.join(work, 'bad', '1.1.err')})\n", out)
        self.assertIn("  soft[0]          exit 4 (see "
                      f"{os.path.join(work, 'soft', '0.err')})\n", out)
        # The cause fixed, --retry-failed runs the failures again (new
        # tries) and what they canceled; soft fails again, next is not rerun.
        open(fixed, "w").close()
        rc, out, err = run("resume", work, "--quiet", "--json", "--retry-failed")
        self.assertEqual(rc, 1, err)
        final = self.tasks(work)
        self.assertEqual({k: v[0] for k, v in final.items()},
                         {"bad[0]": "done", "bad[1]": "done", "one[0]": "done",
                          "one[1]": "done", "all[0]": "done", "soft[0]": "failed",
                          "next[0]": "done"})
        self.assertTrue(os.path.exists(os.path.join(work, "bad", "1.2.err")))
        self.assertTrue(os.path.exists(os.path.join(work, "soft", "0.1.err")))

    def test_stop_on_failure_stops_a_resume_again(self):
        fixed = os.path.join(self.dir, "fixed")
        wf = self.write("w.yaml", "platform: {nodes: 1, cores_per_node: 1}\nsets:\n"
                        f"  bad: {{command: 'test -e {fixed} || exit 3', on_failure: stop}}\n"
                        "  rest: {tasks: 2, command: [true], after: [bad]}\n"
                        "  other: {command: [true], priority: -1}\n")
        work = os.path.join(self.dir, "work")
        rc, _, err = run("run", wf, "--workdir", work, "--quiet", "--policy", "fifo")
        self.assertEqual(rc, 1, err)
        hint = f"once its cause is fixed, continue with 'hetflow resume --retry-failed {work}'"
        self.assertIn(hint, err)
        before = self.tasks(work)
        rc, out, err = run("resume", work, "--quiet", "--json")
        self.assertEqual(rc, 1, err)
        self.assertIn("stopped after a failure (on_failure: stop)", err)
        self.assertIn(hint, err)
        after = self.tasks(work)
        self.assertEqual(after["bad[0]"][:3], ("failed", 3, 0))
        self.assertEqual({k: v[0] for k, v in after.items()},
                         {k: v[0] for k, v in before.items()})
        # status says how to go on, --retry-failed included.
        rc, out, _ = run("status", work)
        self.assertEqual(out.splitlines()[0],
                         "run       stopped before the end (a signal, its walltime or "
                         f"on_failure: stop; continue it with 'hetflow resume {work}', or "
                         "once the failures' cause is fixed with "
                         f"'hetflow resume --retry-failed {work}')")
        open(fixed, "w").close()
        rc, out, err = run("resume", work, "--quiet", "--retry-failed")
        self.assertEqual(rc, 0, err)
        self.assertEqual(set(v[0] for v in self.tasks(work).values()), {"done"})

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
        for args in (("resume", work, "--retry-failed"),
                     ("run", wf, "--workdir", work, "--resume", "--retry-failed")):
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

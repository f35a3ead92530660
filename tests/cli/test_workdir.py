"""A run's workdir: running again where a run was (refused with what to do,
or --force to start over, deleting only what hetflow wrote), one owner at a
time (a second run or a resume of a live run is refused, and nothing runs
twice), and `status`, which tells a live run from one whose process is
gone and says why tasks failed or were canceled."""
import json
import os
import signal
import subprocess
import time
import unittest

from clitest import HETFLOW, CliTest, run


class Workdir(CliTest):
    def test_run_again_says_what_to_do_and_force_starts_over(self):
        wf = self.write("w.yaml", "sets:\n  a: {tasks: 2, command: 'echo $RANDOM'}\n"
                        "  b: {command: 'exit 1', after: [a]}\n")
        work = os.path.join(self.dir, "work")
        self.assertEqual(run("run", wf, "--workdir", work, "--quiet")[0], 1)
        # What the user keeps in the workdir is not hetflow's to delete.
        for mine in ("notes.txt", os.path.join("a", "mine.txt")):
            with open(os.path.join(work, mine), "w") as f:
                f.write("keep\n")
        rc, _, err = run("run", wf, "--workdir", work, "--quiet")
        self.assertEqual(rc, 2)
        self.assertEqual(err, f"hetflow: {work} holds an earlier run (2 of 3 tasks done): "
                         f"continue it with 'hetflow resume {work}', start over with "
                         f"'hetflow run {wf} --workdir {work} --force' (its journal and "
                         "task outputs there are deleted), or choose another --workdir\n")
        rc, _, err = run("run", wf, "--workdir", work, "--force", "--resume")
        self.assertEqual(rc, 2)
        self.assertIn("choose one", err)
        rc, out, err = run("run", wf, "--workdir", work, "--quiet", "--force", "--json")
        self.assertEqual(rc, 1, err)
        self.assertEqual(json.loads(out)["tasks_done"], 2)
        # A new run: its tries start again at 0 (the earlier run's are gone).
        self.assertEqual(sorted(os.listdir(os.path.join(work, "a"))),
                         ["0.err", "0.out", "1.err", "1.out", "mine.txt"])
        self.assertEqual(sorted(os.listdir(os.path.join(work, "b"))), ["0.err", "0.out"])
        self.assertTrue(os.path.exists(os.path.join(work, "notes.txt")))
        rc, out, _ = run("status", work, "--json")
        self.assertEqual(json.loads(out)["total"]["done"], 2)

    def test_one_owner_at_a_time(self):
        log = os.path.join(self.dir, "log")
        wf = self.write("w.yaml", "sets:\n"
                        f"  a: {{tasks: 6, command: 'sleep 0.4; echo $HETFLOW_TASK_ID >> {log}'}}\n")
        work = os.path.join(self.dir, "work")
        p = subprocess.Popen([HETFLOW, "run", wf, "--workdir", work, "--quiet"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.time() + 10
            while not os.path.exists(os.path.join(work, "journal.db")):
                self.assertLess(time.time(), deadline)
                time.sleep(0.05)
            time.sleep(0.2)
            for args in (["resume", work], ["run", wf, "--workdir", work],
                         ["run", wf, "--workdir", work, "--force"]):
                rc, _, err = run(*args, "--quiet")
                self.assertEqual(rc, 2, args)
                self.assertRegex(err, rf"^hetflow: {work} is in use by another hetflow "
                                 rf"\(pid {p.pid} on [^)]+\): wait for it to end, or stop it "
                                 r"first\n$")
            rc, out, _ = run("status", work, "--json")
            self.assertEqual(rc, 0)
            self.assertEqual(json.loads(out)["run"]["state"], "running")
            self.assertEqual(json.loads(out)["run"]["pid"], p.pid)
        finally:
            self.assertEqual(p.wait(timeout=30), 0)
        with open(log) as f:
            self.assertEqual(sorted(int(line) for line in f), list(range(6)))  # once each

    def one_of_two_refused(self, *args):
        """Start hetflow with args twice at once: one runs to its end, the
        other is refused, the workdir being in use."""
        both = [subprocess.Popen([HETFLOW, *args, "--quiet"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = sorted((p.wait(timeout=60), p.stderr.read()) for p in both)
        for p in both:
            p.stderr.close()
        self.assertEqual([rc for rc, _ in results], [0, 2], results)
        self.assertIn("is in use by another hetflow", results[1][1])

    def test_two_at_once(self):
        # Two runs started together on one new workdir, then (after a kill)
        # two resumes together: each time one owns the workdir, the other is
        # refused, and no task runs twice.
        log = os.path.join(self.dir, "log")
        wf = self.write("w.yaml", "sets:\n"
                        f"  a: {{tasks: 8, command: 'sleep 0.2; echo $HETFLOW_TASK_ID >> {log}'}}\n")
        for attempt in range(3):
            work = os.path.join(self.dir, f"work{attempt}")
            if os.path.exists(log):
                os.unlink(log)
            self.one_of_two_refused("run", wf, "--workdir", work)
            with open(log) as f:
                self.assertEqual(sorted(int(line) for line in f), list(range(8)))
        # Killed, then resumed twice at once.
        os.unlink(log)
        work = os.path.join(self.dir, "killed")
        p = subprocess.Popen([HETFLOW, "run", wf, "--workdir", work, "--quiet"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while not os.path.exists(log):
            self.assertLess(time.time(), deadline)
            time.sleep(0.02)
        p.send_signal(signal.SIGKILL)
        p.wait()
        self.one_of_two_refused("resume", work)
        with open(log) as f:
            ids = sorted(int(line) for line in f)
        self.assertEqual(sorted(set(ids)), list(range(8)))
        # A task cut by the kill runs again (at least once); none runs three
        # times, as two resumes at once would have made it.
        self.assertLessEqual(max(ids.count(i) for i in range(8)), 2)

    def test_status_after_the_process_is_gone(self):
        wf = self.write("w.yaml", "sets:\n  a: {tasks: 4, command: [sleep, '3']}\n")
        work = os.path.join(self.dir, "work")
        p = subprocess.Popen([HETFLOW, "run", wf, "--workdir", work, "--quiet"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while True:  # until two tasks are recorded running
            rc, out, _ = run("status", work, "--json")
            if rc == 0 and json.loads(out)["total"]["running"] == 2:
                break
            self.assertLess(time.time(), deadline)
            time.sleep(0.05)
        p.send_signal(signal.SIGKILL)
        p.wait()
        rc, out, _ = run("status", work)
        self.assertEqual(rc, 0)
        self.assertEqual(out.splitlines()[0],
                         "run       interrupted: its process is gone before the end "
                         f"(continue it with 'hetflow resume {work}')")
        rc, out, _ = run("status", work, "--json")
        self.assertEqual(json.loads(out)["run"], {"state": "interrupted"})
        # The resume runs a part of the workflow: no bound of the whole to
        # set its makespan against (it once said "ratio 0.667").
        rc, out, err = run("resume", work, "--quiet", "--json")
        self.assertEqual(rc, 0, err)
        s = json.loads(out)
        self.assertEqual((s["tasks_done"], s["lower_bound"], s["makespan_over_bound"]),
                         (4, None, None))
        rc, out, err = run("status", work)
        self.assertEqual(out.splitlines()[0], "run       finished")

    def test_status_says_why_tasks_failed_or_were_canceled(self):
        wf = self.write("w.yaml", "sets:\n"
                        "  a: {tasks: 2, retries: 1, command: 'exit $((HETFLOW_TASK_INDEX + 2))'}\n"
                        "  slow: {command: [sleep, '30'], timeout: 0.3}\n"
                        "  later: {tasks: 3, command: [true], after: [a]}\n"
                        "  ok: {command: [true]}\n")
        work = os.path.join(self.dir, "work")
        self.assertEqual(run("run", wf, "--workdir", work, "--quiet")[0], 1)
        rc, out, _ = run("status", work)
        self.assertEqual(rc, 0)
        self.assertEqual(out.split("\n\n", 1)[1], (
            "failed\n"
            f"  a[0]             exit 2, after 2 tries (see {work}/a/0.1.err)\n"
            f"  a[1]             exit 3, after 2 tries (see {work}/a/1.1.err)\n"
            "  slow[0]          timed out after 0.3 s: stopped by hetflow, signal 15"
            f" (Terminated) (see {work}/slow/0.err)\n"
            "\n"
            "canceled\n"
            "  later            3 tasks: a task or service it depends on failed\n"))
        self.assertEqual(out.splitlines()[0], "run       finished")
        rc, out, _ = run("status", work, "--json")
        s = json.loads(out)
        self.assertEqual(s["failed"][0], {"task": "a[0]", "set": "a", "index": 0, "tries": 2,
                                          "reason": "exit 2",
                                          "file": f"{work}/a/0.1.err"})
        self.assertEqual([c["cause"] for c in s["canceled"]], ["upstream"] * 3)


if __name__ == "__main__":
    unittest.main()

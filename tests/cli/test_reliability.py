"""Retries, timeouts, walltime and on_failure in real runs, and the journal
that records them."""
import json
import os
import sqlite3
import time
import unittest

from clitest import CliTest, run


class Reliability(CliTest):
    def attempts(self, work):
        db = sqlite3.connect(os.path.join(work, "journal.db"))
        try:
            return dict(db.execute("SELECT id, attempts FROM tasks"))
        finally:
            db.close()

    def test_retry_succeeds(self):
        # Each task fails on its first run (no mark yet) and succeeds on its
        # second, 0.3 s later.
        wf = self.write("w.yaml", "sets:\n  flaky: {tasks: 2, retries: 2, backoff: 0.3,\n"
                        "    command: 'm=$HETFLOW_WORKDIR/mark-$HETFLOW_TASK_INDEX;"
                        " test -e $m || { touch $m; exit 3; }'}\n")
        work = os.path.join(self.dir, "w")
        rc, out, err = run("run", wf, "--workdir", work, "--json", "--trace",
                           os.path.join(self.dir, "t.json"))
        self.assertEqual(rc, 0, err)
        s = json.loads(out)
        self.assertEqual(s["tasks_done"], 2)
        self.assertGreaterEqual(s["makespan"], 0.3)
        self.assertEqual(self.attempts(work), {0: 1, 1: 1})
        with open(os.path.join(self.dir, "t.json")) as f:
            states = sorted(e["args"]["state"] for e in json.load(f)["traceEvents"]
                            if e["ph"] == "X")
        self.assertEqual(states, ["done", "done", "retried", "retried"])

    def test_each_try_keeps_its_files(self):
        # Three tries of a task that says which try it is and fails: each
        # try's output stays in a file of its own, hetflow's line says why
        # each failed (the task itself wrote nothing to stderr), and the
        # failure points at the last try's file.
        wf = self.write("w.yaml", "sets:\n  f: {retries: 2, command: 'echo try"
                        " $(ls $HETFLOW_WORKDIR/f | grep -c out); exit 3'}\n")
        work = os.path.join(self.dir, "w")
        rc, _, err = run("run", wf, "--workdir", work, "--quiet")
        self.assertEqual(rc, 1)
        self.assertEqual(sorted(os.listdir(os.path.join(work, "f"))),
                         ["0.1.err", "0.1.out", "0.2.err", "0.2.out", "0.err", "0.out"])
        for name, n in (("0", 1), ("0.1", 2), ("0.2", 3)):
            with open(os.path.join(work, "f", name + ".out")) as f:
                self.assertEqual(f.read(), f"try {n}\n")
            with open(os.path.join(work, "f", name + ".err")) as f:
                self.assertEqual(f.read(), "hetflow: exit 3\n")
        self.assertIn(f"task f[0] failed after 3 tries: exit 3 (see {work}/f/0.2.err)", err)

    def test_why_a_task_ended_is_in_its_err_file(self):
        wf = self.write("w.yaml", "sets:\n"
                        "  slow: {command: [sleep, '30'], timeout: 0.3}\n"
                        "  killed: {command: 'kill -KILL $$'}\n"
                        "  noisy: {command: 'echo it broke >&2; exit 1'}\n")
        work = os.path.join(self.dir, "w")
        rc, _, err = run("run", wf, "--workdir", work, "--quiet")
        self.assertEqual(rc, 1)
        expect = {"slow": "hetflow: timed out after 0.3 s: stopped by hetflow,"
                          " signal 15 (Terminated)\n",
                  "killed": "hetflow: signal 9 (Killed)\n",
                  "noisy": "it broke\nhetflow: exit 1\n"}
        for name, text in expect.items():
            with open(os.path.join(work, name, "0.err")) as f:
                self.assertEqual(f.read(), text, name)
            why = text.splitlines()[-1][len("hetflow: "):]
            self.assertIn(f"task {name}[0] failed: {why} (see {work}/{name}/0.err)", err)

    def test_backoff_sleeps(self):
        # One task failing once, then 1.5 s of backoff with nothing running:
        # hetflow must sleep through it, not spin.
        import resource
        wf = self.write("w.yaml", "sets:\n  f: {retries: 1, backoff: 1.5, command:"
                        " 'test -e $HETFLOW_WORKDIR/m || { touch $HETFLOW_WORKDIR/m; exit 1; }'}\n")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        rc, _, err = run("run", wf, "--workdir", os.path.join(self.dir, "w"), "--quiet")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.assertEqual(rc, 0, err)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        self.assertLess(cpu, 0.5)

    def test_timeout(self):
        wf = self.write("w.yaml", "sets:\n  slow: {command: [sleep, '30'], timeout: 0.5}\n"
                        "  after: {command: [true], after: [slow]}\n"
                        "  other: {command: [true]}\n")
        t0 = time.time()
        rc, out, err = run("run", wf, "--workdir", os.path.join(self.dir, "w"), "--json")
        self.assertLess(time.time() - t0, 5)
        self.assertEqual(rc, 1)
        s = json.loads(out)
        self.assertEqual((s["tasks_done"], s["tasks_failed"], s["tasks_canceled"]), (1, 1, 1))
        self.assertIn("task slow[0] failed: timed out after 0.5 s", err)

    def test_walltime_then_resume(self):
        # 4 x 1.2 s on 2 cores, walltime 3 s: the stop comes at 3 - 3/4 =
        # 2.25 s, after the first pair (done at 1.2 s), cutting the second;
        # the resume reruns the second pair, under the same walltime.
        wf = self.write("w.yaml", "walltime: 3\nplatform: {nodes: 1, cores_per_node: 2}\n"
                        "sets:\n  a: {tasks: 4, command: [sleep, '1.2']}\n")
        work = os.path.join(self.dir, "w")
        t0 = time.time()
        rc, out, err = run("run", wf, "--workdir", work, "--json")
        took = time.time() - t0
        self.assertEqual(rc, 1, err)
        self.assertLess(took, 3)
        s = json.loads(out)
        self.assertEqual((s["tasks_done"], s["tasks_canceled"]), (2, 2))
        self.assertIn("walltime reached: 2 tasks canceled; continue with 'hetflow resume",
                      err)
        rc, out, err = run("resume", work, "--json")
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["tasks_done"], 4)

    def test_walltime_flag(self):
        wf = self.write("w.yaml", "sets:\n  a: {command: [sleep, '30']}\n")
        t0 = time.time()
        rc, _, err = run("run", wf, "--workdir", os.path.join(self.dir, "w"),
                         "--walltime", "2")
        self.assertEqual(rc, 1)
        self.assertLess(time.time() - t0, 2)
        self.assertIn("walltime reached", err)

    def test_on_failure(self):
        wf = self.write("w.yaml", "sets:\n"
                        "  bad: {command: 'exit 5', on_failure: continue}\n"
                        "  next: {command: 'echo ran', after: [bad]}\n")
        work = os.path.join(self.dir, "c")
        rc, out, err = run("run", wf, "--workdir", work, "--json")
        self.assertEqual(rc, 1)
        self.assertEqual(json.loads(out)["tasks_done"], 1)
        with open(os.path.join(work, "next", "0.out")) as f:
            self.assertEqual(f.read(), "ran\n")
        wf = self.write("s.yaml", "platform: {nodes: 1, cores_per_node: 2}\nsets:\n"
                        "  bad: {command: 'sleep 0.2; exit 5', on_failure: stop}\n"
                        "  long: {command: [sleep, '30']}\n")
        t0 = time.time()
        rc, out, err = run("run", wf, "--workdir", os.path.join(self.dir, "s"), "--json")
        self.assertEqual(rc, 1)
        self.assertLess(time.time() - t0, 5)
        s = json.loads(out)
        self.assertEqual((s["tasks_failed"], s["tasks_canceled"]), (1, 1))
        self.assertIn("stopped after a failure", err)

    def test_status_during_a_run(self):
        import subprocess
        from clitest import HETFLOW
        wf = self.write("w.yaml", "sets:\n  a: {tasks: 6, command: [sleep, '0.4']}\n")
        work = os.path.join(self.dir, "w")
        p = subprocess.Popen([HETFLOW, "run", wf, "--workdir", work, "--quiet"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.6)
        rc, out, err = run("status", work, "--json")
        p.wait(timeout=30)
        self.assertEqual(rc, 0, err)
        counts = json.loads(out)["total"]
        self.assertEqual(sum(counts.values()), 6)
        self.assertGreater(counts["running"] + counts["done"], 0)
        self.assertGreater(counts["waiting"] + counts["ready"] + counts["running"], 0)


if __name__ == "__main__":
    unittest.main()

"""SIGINT and SIGTERM to hetflow run terminate every running task's process
group, record them canceled, keep the results, and exit 128 + signal.  A
task terminated alone (its timeout) is killed alone after the grace."""
import json
import os
import signal
import subprocess
import time
import unittest

from clitest import CliTest, HETFLOW, own_seconds, run

SLEEP = own_seconds(60)  # this run's own: no_sleepers_left finds no other's


class Signals(CliTest):
    def start(self, sets, ready):
        """Run the sets; return once every file in `ready` (under the
        workdir) exists, that is once those tasks have got going."""
        wf = self.write("long.yaml", "sets:\n" + sets)
        self.work = os.path.join(self.dir, "work")
        # Tasks run in hetflow's working directory: the test's own folder,
        # so that nothing a task writes lands where the test was started.
        p = subprocess.Popen([HETFLOW, "run", wf, "--workdir", self.work, "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=self.dir)
        self.addCleanup(self.reap, p)
        deadline = time.time() + 10
        while not all(os.path.exists(os.path.join(self.work, f)) for f in ready):
            self.assertLess(time.time(), deadline, "tasks did not start")
            time.sleep(0.05)
        time.sleep(0.2)
        return p

    def reap(self, p):
        if p.poll() is None:  # a failed test must not leave the run behind
            p.kill()
        p.communicate()

    def no_sleepers_left(self):
        # A killed process may take a moment to be gone: allow 2 s.
        deadline = time.time() + 2
        while subprocess.run(["pgrep", "-f", f"[s]leep {SLEEP}"]).returncode == 0:
            self.assertLess(time.time(), deadline, "a task's process outlived the run")
            time.sleep(0.05)

    def test_sigint(self):
        p = self.start("  long: {tasks: 2, command: 'sleep %s & wait'}\n"
                       "  next: {command: [true], after: [long]}\n" % SLEEP,
                       ["long/0.out", "long/1.out"])
        t0 = time.time()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        self.assertLess(time.time() - t0, 5)  # SIGTERM suffices: no grace wait
        self.assertEqual(p.returncode, 128 + signal.SIGINT)
        s = json.loads(out)
        self.assertEqual(s["tasks_canceled"], 3)
        self.assertEqual(s["tasks_done"], 0)
        work = os.path.join(self.dir, "work")
        self.assertIn("stopped by Interrupt: 3 tasks canceled; continue with "
                      f"'hetflow resume {work}'", err)
        self.no_sleepers_left()
        # Every task ended (canceled), but the run did not finish: status
        # says it was stopped and how to go on.
        rc, out, _ = run("status", work)
        self.assertEqual(out.splitlines()[0],
                         "run       stopped before the end (a signal, its walltime or "
                         f"on_failure: stop; continue it with 'hetflow resume {work}')")
        rc, out, _ = run("status", work, "--json")
        self.assertEqual(json.loads(out)["run"], {"state": "stopped"})
        self.assertEqual({c["cause"] for c in json.loads(out)["canceled"]}, {"stopped"})

    def test_sigterm_and_a_stubborn_task(self):
        # A task ignoring SIGTERM (its sleep inherits the ignored signal) is
        # killed after the grace period, 3 s.
        # Its mark goes to an absolute path in the workdir, named by the
        # test rather than taken from the environment.
        mark = os.path.join(self.dir, "work", "trapped")
        p = self.start("  long: {command: 'sleep %s & wait'}\n"
                       "  stubborn: {command: \"trap '' TERM; touch '%s'; sleep %s\"}\n"
                       % (SLEEP, mark, SLEEP),
                       ["long/0.out", "trapped"])
        t0 = time.time()
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=20)
        took = time.time() - t0
        self.assertEqual(p.returncode, 128 + signal.SIGTERM)
        self.assertGreater(took, 2.5)
        self.assertLess(took, 10)
        s = json.loads(out)
        self.assertEqual(s["tasks_canceled"], 2)
        self.no_sleepers_left()

    def test_grace_kills_only_the_terminated_task(self):
        # stubborn ignores SIGTERM: its timeout (0.3 s) ends in SIGKILL 3 s
        # later; the grace timer must kill it alone, not steady (4.5 s).
        wf = self.write("t.yaml", "platform: {nodes: 1, cores_per_node: 2}\nsets:\n"
                        "  stubborn: {command: \"trap '' TERM; sleep 31\", timeout: 0.3}\n"
                        "  steady: {command: 'sleep 4.5'}\n")
        rc, out, err = run("run", wf, "--workdir", os.path.join(self.dir, "w"), "--quiet",
                           "--json", cwd=self.dir)
        self.assertEqual(rc, 1, err)  # stubborn failed
        out = json.loads(out)
        self.assertEqual((out["tasks_done"], out["tasks_failed"]), (1, 1))
        self.assertGreaterEqual(out["sets"]["steady"]["end"], 4.5)
        self.assertLess(out["sets"]["stubborn"]["end"], 4.5)


if __name__ == "__main__":
    unittest.main()

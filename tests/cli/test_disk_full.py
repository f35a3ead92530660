"""A full disk stops the run instead of being ignored: on a small tmpfs that
the tasks fill, the first journal write that fails stops launching, ends
the running tasks as on a walltime, and exits 1 with the reason; the
journal keeps exactly the batches committed before, so that, once there is
room, `resume` runs only what it does not record done.  The trace, the
WfFormat file and the report say so when they cannot be written, and leave
no file cut short.  The tmpfs is mounted by the test: skipped where that is
not allowed."""
import os
import subprocess
import unittest

from clitest import CliTest, run

TASKS = 200


class DiskFull(CliTest):
    def setUp(self):
        super().setUp()
        self.mounts = []

    def tearDown(self):
        for m in reversed(self.mounts):
            subprocess.run(["umount", m], capture_output=True)
        super().tearDown()

    def mount(self, name, size):
        """A tmpfs of `size` at self.dir/name, unmounted after the test."""
        path = os.path.join(self.dir, name)
        os.mkdir(path)
        try:
            p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                                path], capture_output=True, text=True)
        except FileNotFoundError:
            self.skipTest("no mount command here: a full disk needs a small tmpfs")
        if p.returncode != 0:
            self.skipTest("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): "
                          + (p.stderr.strip() or f"mount exited {p.returncode}"))
        self.mounts.append(path)
        return path

    def fill(self, mnt):
        """Write into mnt until nothing more fits."""
        with open(os.path.join(mnt, "fill"), "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 4096)
            except OSError:
                pass

    def test_journal_full_stops_then_resume_runs_the_rest(self):
        mnt = self.mount("disk", "2m")
        work = os.path.join(mnt, "work")
        log = os.path.join(self.dir, "log")  # off the tmpfs: always written
        # A task appends its id once its 50 kB are written: TASKS of them
        # need 10 MB, five times what the disk holds.
        wf = self.write("w.yaml", "sets:\n"
                        f"  a: {{tasks: {TASKS}, command: 'head -c 50000 /dev/zero >"
                        " $HETFLOW_WORKDIR/$HETFLOW_TASK_INDEX.data &&"
                        f" echo $HETFLOW_TASK_ID >> {log}'}}\n")
        rc, out, err = run("run", wf, "--workdir", work, "--quiet", "--nodes", "1",
                           "--cores-per-node", "2")
        self.assertEqual(rc, 1, err)
        self.assertRegex(err, r"hetflow: journal: write failed: database or disk is "
                         r"full: stopped, \d+ tasks canceled; free space, then continue "
                         f"with 'hetflow resume {work}'")
        ran = self.appended(log)
        # Launching stopped at the failed write: besides the tasks recorded
        # done, at most the two it had recorded running and the two it had
        # just started were launched (each left its .out in work/a).
        launched = {int(f.split(".")[0]) for f in os.listdir(os.path.join(work, "a"))}

        # Not running any more, and what the last committed batch recorded.
        rc, status, serr = run("status", work)
        self.assertEqual(rc, 0, serr)
        self.assertTrue(status.startswith("run       interrupted: its process is gone"),
                        status)
        states = self.journal(work)
        done = {t for t, s in states.items() if s == "done"}
        self.assertLess(len(done), TASKS)
        self.assertLessEqual(len(launched), len(done) + 4, sorted(launched - done))
        counts = dict(zip(["waiting", "ready", "placed", "running", "done", "failed",
                           "canceled"], map(int, status.splitlines()[-1].split()[1:])))
        self.assertEqual(counts["done"], len(done))
        self.assertEqual(sum(counts.values()), TASKS)
        # Recorded done means it ran to its end, once.
        for t in done:
            self.assertEqual(ran[t], 1, f"task {t} recorded done")

        # Room again: the resume runs only what is not recorded done.
        subprocess.run(["mount", "-o", "remount,size=64m", mnt], check=True)
        rc, out, err = run("resume", work, "--quiet")
        self.assertEqual(rc, 0, err)
        self.assertIn(f"resuming {work}: {len(done)} tasks already done", err)
        self.assertIn(f"tasks        {TASKS} done, 0 failed, 0 canceled of {TASKS}", out)
        self.assertEqual(set(self.journal(work).values()), {"done"})
        final = self.appended(log)
        self.assertEqual(set(final), set(range(TASKS)))  # every task ran to its end
        for t in done:
            self.assertEqual(final[t], 1, f"task {t} ran again after it was recorded done")
        # Run twice: only tasks that ended after the last committed batch (at
        # most the two that ended in the batch that failed and the two it had
        # just started); at least once, as guarantees.md says.
        twice = {t for t, n in final.items() if n > 1}
        self.assertTrue(twice <= set(ran) - done, twice)
        self.assertLessEqual(len(twice), 4, twice)
        self.assertEqual(max(final.values()), 1 if not twice else 2)

    def test_trace_wfformat_report_on_a_full_disk(self):
        mnt = self.mount("full", "64k")
        self.fill(mnt)
        wf = self.write("w.yaml", "sets:\n  a: {tasks: 4, command: [true]}\n")
        work = os.path.join(self.dir, "work")
        for flag, name in (("--trace", "t.json"), ("--wfformat", "w.json")):
            out_file = os.path.join(mnt, name)
            rc, out, err = run("run", wf, "--workdir", work, "--force", "--quiet", flag,
                               out_file)
            self.assertEqual(rc, 2, err)
            self.assertIn(f"hetflow: {out_file}: write failed: No space left on device",
                          err)
            self.assertFalse(os.path.exists(out_file), f"{flag}: a file cut short is left")
        trace = os.path.join(self.dir, "t.json")
        rc, out, err = run("run", wf, "--workdir", work, "--force", "--quiet", "--trace",
                           trace)
        self.assertEqual(rc, 0, err)
        for args, name in (([], "r.html"), (["--svg"], "r.svg")):
            out_file = os.path.join(mnt, name)
            rc, out, err = run("report", trace, "-o", out_file, *args)
            self.assertEqual(rc, 2, err)
            self.assertIn(f"hetflow: {out_file}: write failed: No space left on device",
                          err)
            self.assertFalse(os.path.exists(out_file), f"report {args}: a file cut short")


if __name__ == "__main__":
    unittest.main()

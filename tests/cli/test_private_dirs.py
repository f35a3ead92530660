"""Scratch and workdir safe from other users (issue 15, items 3 and 4).

The attacks as reported: a scratch root planted at the name hetflow used
to take ($BASE/hetflow-<pid>, pids are guessable) with a link inside, which
made hetflow copy into and then delete a folder outside scratch; links in
the workdir that hetflow wrote (or deleted) through; a task's staged output
that is a link, copied through at stage-out.  Now the scratch root is a new
private folder, nothing below it or in the workdir is opened through a
link, and a workdir (or set folder) someone else could change is refused.
Tests run as root: "another user" is uid 65534 (chown)."""
import os
import subprocess
import unittest

from clitest import HETFLOW, CliTest, run

OTHER = 65534


def read(path):
    with open(path) as f:
        return f.read()


def put(path, text):
    with open(path, "w") as f:
        f.write(text)


class Private(CliTest):
    def refused(self, args, message, **kw):
        rc, out, err = run(*args, **kw)
        self.assertEqual((rc, out), (2, ""), err)
        self.assertEqual(err, f"hetflow: {message}\n")

    def outside_and_input(self):
        """A folder outside scratch with 0/keep.txt, where a task a[0]'s
        scratch folder would be if a link to it were followed; and in.txt,
        for a task to stage in."""
        outside = os.path.join(self.dir, "outside")
        keep = os.path.join(outside, "0", "keep.txt")
        os.makedirs(os.path.dirname(keep))
        put(keep, "precious\n")
        put(os.path.join(self.dir, "in.txt"), "data\n")
        return outside, keep

    def test_planted_scratch_root_is_not_used(self):
        d = self.dir
        base = os.path.join(d, "scratch")
        os.makedirs(base)
        outside, keep = self.outside_and_input()
        wf = self.write("w.yaml", f"""
sets:
  a: {{inputs: [{d}/in.txt], outputs: [{d}/out.txt], stage: {{in: copy, out: copy}},
      command: 'echo $HETFLOW_SCRATCH_DIR > {d}/dir.txt; stat -c %a $HETFLOW_SCRATCH_DIR/../.. >> {d}/dir.txt; cat $HETFLOW_INPUTS > $HETFLOW_OUTPUTS'}}
""")
        # Someone else makes the root hetflow's pid would name, with a link
        # at the set's folder: exec keeps the shell's pid for hetflow.
        chown = f'chown -h {OTHER} "$P" "$P/a" && ' if os.geteuid() == 0 else ""
        script = ('P="$BASE/hetflow-$$" && mkdir "$P" && ln -s "$OUTSIDE" "$P/a" && '
                  + chown + 'exec "$HETFLOW" run "$WF" --workdir "$W" --quiet')
        env = dict(os.environ, HETFLOW_SCRATCH=base, BASE=base, OUTSIDE=outside,
                   HETFLOW=HETFLOW, WF=wf, W=os.path.join(d, "w"))
        p = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(read(keep), "precious\n")  # was deleted with its folder
        self.assertEqual(read(os.path.join(d, "out.txt")), "data\n")
        # The task's folder was in a root of the run's own, 0700, since removed;
        # the planted one is left as it was.
        planted = [n for n in os.listdir(base)]
        self.assertEqual(len(planted), 1, planted)
        self.assertTrue(os.path.islink(os.path.join(base, planted[0], "a")))
        used, mode = read(os.path.join(d, "dir.txt")).split()
        root = os.path.dirname(os.path.dirname(used))
        self.assertEqual(os.path.dirname(root), base)
        self.assertTrue(os.path.basename(root).startswith(planted[0] + "-"), root)
        self.assertEqual(used, os.path.join(root, "a", "0"))
        self.assertEqual(mode, "700")

    def test_removing_scratch_follows_no_link(self):
        # A folder below the root swapped for a link (here by the task
        # itself): removing the task's folder must not go where it points.
        d = self.dir
        outside, keep = self.outside_and_input()
        wf = self.write("w.yaml", f"""
sets:
  a: {{inputs: [{d}/in.txt], stage: {{in: copy}},
      command: 'set -e; s=$(dirname $HETFLOW_SCRATCH_DIR); mv $s {d}/moved; ln -s {outside} $s'}}
""")
        base = os.path.join(d, "scratch")
        rc, _, err = run("run", wf, "--workdir", os.path.join(d, "w"), "--quiet",
                         env=dict(os.environ, HETFLOW_SCRATCH=base))
        self.assertEqual(rc, 0, err)
        self.assertEqual(read(keep), "precious\n")
        self.assertEqual(os.listdir(base), [])  # the root went, link and all
        self.assertEqual(read(os.path.join(d, "moved", "0", "in.txt")), "data\n")

    def test_staged_output_that_is_a_link_is_refused(self):
        d = self.dir
        secret = os.path.join(d, "secret.txt")
        put(secret, "secret\n")
        wf = self.write("w.yaml", f"""
sets:
  a: {{outputs: [{d}/result.txt], stage: {{out: copy}},
      command: 'ln -s {secret} $HETFLOW_OUTPUTS'}}
""")
        work = os.path.join(d, "w")
        rc, _, err = run("run", wf, "--workdir", work, "--quiet",
                         env=dict(os.environ, HETFLOW_SCRATCH=os.path.join(d, "s")))
        self.assertEqual(rc, 1, err)
        why = read(os.path.join(work, "a", "0.err"))
        self.assertRegex(why, r"^hetflow: staging failed: '" + os.path.join(d, "s") +
                         r"/hetflow-\d+-\w{6}/a/0/result.txt' is a symbolic link: hetflow "
                         r"copies back files, not links\n$")
        self.assertIn("task a[0] failed: staging failed: ", err)
        self.assertFalse(os.path.lexists(os.path.join(d, "result.txt")))
        self.assertEqual(read(secret), "secret\n")

    def test_links_in_the_workdir_are_not_followed(self):
        d = self.dir
        outside = os.path.join(d, "outside")
        os.makedirs(outside)
        for name in ("0.out", "0.err", "x"):
            put(os.path.join(outside, name), "mine\n")
        wf = self.write("w.yaml", "sets:\n  a: {command: 'echo pwned'}\n")
        # A set's folder that is a link: refused before anything is written.
        work = os.path.join(d, "w1")
        os.makedirs(work)
        os.symlink(outside, os.path.join(work, "a"))
        self.refused(("run", wf, "--workdir", work),
                     f"{work}/a is a symbolic link: hetflow follows no link here")
        self.assertFalse(os.path.exists(os.path.join(work, "journal.db")))
        # A link at a task's .out.
        work = os.path.join(d, "w2")
        os.makedirs(os.path.join(work, "a"))
        os.symlink(os.path.join(outside, "x"), os.path.join(work, "a", "0.out"))
        self.refused(("run", wf, "--workdir", work, "--quiet"),
                     f"{work}/a/0.out is a symbolic link: hetflow writes through no link")
        # --force deletes the earlier run's files of a set in its journal
        # only: not those where a link to its folder points.
        work = os.path.join(d, "w3")
        both = self.write("both.yaml", "sets:\n  a: {command: 'true'}\n  b: {command: 'true'}\n")
        self.assertEqual(run("run", both, "--workdir", work, "--quiet")[0], 0)
        for name in os.listdir(os.path.join(work, "b")):
            os.unlink(os.path.join(work, "b", name))
        os.rmdir(os.path.join(work, "b"))
        os.symlink(outside, os.path.join(work, "b"))
        self.refused(("run", wf, "--workdir", work, "--force", "--quiet"),
                     f"{work}/b is a symbolic link: hetflow follows no link here")
        self.assertEqual(sorted(os.listdir(outside)), ["0.err", "0.out", "x"])
        for name in os.listdir(outside):
            self.assertEqual(read(os.path.join(outside, name)), "mine\n")

    def test_a_workdir_someone_else_controls_is_refused(self):
        d = self.dir
        marker = os.path.join(d, "ran")
        wf = self.write("w.yaml", f"sets:\n  a: {{command: 'touch {marker}'}}\n")
        writable = ("is writable by others (mode 0777): hetflow works only in folders "
                    "that others cannot change ('chmod o-w {}')")
        cases = [("w-open", "", 0o777, None, writable),
                 ("w-set", "a", 0o777, None, writable)]
        if os.geteuid() == 0:
            theirs = (f"is owned by uid {OTHER}, not by you (uid 0): hetflow works only in "
                      "folders of yours")
            cases += [("w-theirs", "", 0o700, OTHER, theirs),
                      ("w-set-theirs", "a", 0o700, OTHER, theirs)]
        for name, sub, mode, uid, why in cases:
            work = os.path.join(d, name)
            path = os.path.join(work, sub) if sub else work
            os.makedirs(path)
            os.chmod(path, mode)
            if uid is not None:
                os.chown(path, uid, -1)
            self.refused(("run", wf, "--workdir", work), f"{path} {why.format(path)}")
            rc, out, err = run("submit", wf, "--nodes", "1", "--walltime", "60",
                               "--workdir", work)
            self.assertEqual((rc, out), (2, ""))
            self.assertEqual(err, f"hetflow submit: {path} {why.format(path)}\n")
            self.assertFalse(os.path.exists(os.path.join(work, "submit.sh")))
        self.assertFalse(os.path.exists(marker))
        # A resume, too: the journal there names what to run (a failed
        # task runs again when retried).
        work = os.path.join(d, "w-resume")
        wf = self.write("w.yaml", f"sets:\n  a: {{command: 'touch {marker}; exit 1'}}\n")
        self.assertEqual(run("run", wf, "--workdir", work, "--quiet")[0], 1)
        os.unlink(marker)
        os.chmod(work, 0o777)
        self.refused(("resume", work, "--retry-failed"), f"{work} {writable.format(work)}")
        self.refused(("run", wf, "--workdir", work, "--resume", "--retry-failed"),
                     f"{work} {writable.format(work)}")
        self.assertFalse(os.path.exists(marker))
        os.chmod(work, 0o700)
        self.assertEqual(run("resume", work, "--quiet", "--retry-failed")[0], 1)
        self.assertTrue(os.path.exists(marker))
        # A folder its group may write (a project's, umask 002) is accepted.
        shared = os.path.join(d, "shared")
        os.makedirs(os.path.join(shared, "a"))
        os.chmod(shared, 0o2775)
        os.chmod(os.path.join(shared, "a"), 0o775)
        os.unlink(marker)
        self.assertEqual(run("run", wf, "--workdir", shared, "--quiet")[0], 1)
        self.assertTrue(os.path.exists(marker))


if __name__ == "__main__":
    unittest.main()

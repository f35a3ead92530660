"""Scratch safe from other users (issue 15, item 3 and part of 4).

The attacks as reported: a scratch root planted at the name hetflow used
to take ($BASE/hetflow-<pid>, pids are guessable) with a link inside, which
made hetflow copy into and then delete a folder outside scratch; a task's
staged output that is a link, copied through at stage-out.  Now the scratch
root is a new private folder, and nothing below it is opened through a
link.
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


if __name__ == "__main__":
    unittest.main()

"""Helpers for the CLI tests: run the built hetflow, parse its JSON, and
write workflow files into a temporary directory.

CTest passes the binary as $HETFLOW and the examples directory as $EXAMPLES.
"""
import collections
import json
import os
import sqlite3
import subprocess
import tempfile
import unittest

HETFLOW = os.path.abspath(os.environ.get("HETFLOW", "build/hetflow"))
EXAMPLES = os.path.abspath(os.environ.get("EXAMPLES", "examples"))
FAKE = os.environ.get("FAKE", "tests/fake")
FAKE_LIB = os.environ.get("FAKE_LIB", "build/tests/fake")
PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "probe.py")


def example(name):
    return os.path.join(EXAMPLES, name)


def own_seconds(seconds):
    """seconds with this test process's id in 7 digits as the fraction
    (301.0012345): a sleep that long is this run's own, so that a search for
    it (pgrep -f) finds no other run's, side by side in another build tree."""
    return f"{seconds}.{os.getpid():07d}"


def run(*args, timeout=120, cwd=None, env=None):
    """Run hetflow with args; return (exit status, stdout, stderr)."""
    p = subprocess.run([HETFLOW, *args], capture_output=True, text=True,
                       timeout=timeout, cwd=cwd, env=env)
    return p.returncode, p.stdout, p.stderr


def run_json(*args):
    """Run with --json, check the contract (exit 0, only JSON on stdout)."""
    rc, out, err = run(*args, "--json")
    if rc != 0:
        raise AssertionError(f"hetflow {' '.join(args)} exited {rc}: {err}")
    return json.loads(out)


class CliTest(unittest.TestCase):
    def setUp(self):
        self._dir = tempfile.TemporaryDirectory(prefix="hetflow-cli-")
        self.dir = self._dir.name

    def tearDown(self):
        self._dir.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def assertSpan(self, sets, name, start, end):
        self.assertAlmostEqual(sets[name]["start"], start, places=6, msg=name)
        self.assertAlmostEqual(sets[name]["end"], end, places=6, msg=name)

    def journal(self, work):
        """The state of every task in work's journal, checked intact."""
        db = sqlite3.connect(os.path.join(work, "journal.db"))
        try:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            return dict(db.execute("SELECT id, state FROM tasks"))
        finally:
            db.close()

    def appended(self, log):
        """How many times each task id was appended to log."""
        if not os.path.exists(log):
            return collections.Counter()
        with open(log) as f:
            return collections.Counter(int(line) for line in f if line.strip())

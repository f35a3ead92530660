#!/usr/bin/env python3
"""parts.py --check itself, on small trees made for it: each kind of
crossing is found at its file and line, and a tree within the rules passes."""
import os
import subprocess
import sys
import tempfile
import unittest

PARTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parts.py")


def tree(root, files):
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)


def check(root):
    p = subprocess.run([sys.executable, PARTS, "--check", root], capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


class Parts(unittest.TestCase):
    def test_within_the_rules(self):
        with tempfile.TemporaryDirectory() as d:
            tree(d, {"include/hetflow/executor.h": '#include "workflow.h"\n',
                     "include/hetflow/workflow.h": '#include "platform.h"\n',
                     "src/exec/sim.c": '#include "hetflow/executor.h"\n#include "util/fs.h"\n'
                                       '#include "worker/frame.h"\n#include "own.h"\n',
                     "src/exec/own.h": "",
                     "src/util/fs.h": "", "src/worker/frame.h": ""})
            rc, out, err = check(d)
            self.assertEqual((rc, err), (0, ""))
            self.assertIn("exec      -> executor, util, worker(private)\n", out)

    def test_each_kind_of_crossing(self):
        with tempfile.TemporaryDirectory() as d:
            tree(d, {"include/hetflow/engine.h": '#include "exec.h"\n',
                     "include/hetflow/exec.h": "",
                     "src/exec/sim.c": "#include <hetflow/engine.h>\n",
                     "src/exec/sub/deep.c": '\n#include "../../engine/internal.h"\n',
                     "src/engine/internal.h": "",
                     "src/workflow/w.c": '#include "hetflow/nothing.h"\n',
                     "src/sched/s.c": '#include "workflow/model.h"\n',
                     "src/workflow/model.h": ""})
            rc, _, err = check(d)
            self.assertEqual(rc, 1)
            rule = " (docs/architecture.md, 'What may include what')"
            self.assertEqual(sorted(err.splitlines()), sorted(line + rule for line in [
                "include/hetflow/engine.h:1: engine may not include exec",
                "src/exec/sim.c:1: exec may not include engine",
                "src/exec/sub/deep.c:2: exec may not include engine",
                "src/sched/s.c:1: sched may not include a private header of workflow",
                "src/workflow/w.c:1: workflow may not include ?hetflow/nothing.h",
            ]))


if __name__ == "__main__":
    unittest.main()

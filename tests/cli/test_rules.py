"""Rules in real runs (processes on this machine): start, cancel of running
tasks, share, repeat stopping on its condition and at max; bad rules; and
the C API example, which steers a loop from a task-end callback."""
import json
import os
import subprocess
import time
import unittest

from clitest import HETFLOW, CliTest, own_seconds, run, run_json

STEER = os.path.join(os.path.dirname(HETFLOW), "examples", "steer")


def pgrep(pattern):
    p = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True)
    return p.stdout.split()


class RulesReal(CliTest):
    def test_cancel_running_and_start(self):
        # watch ends after 0.3 s; the rule cancels long (four tasks of a
        # 5 s sleep, this run's own, running, two waiting) and starts late.
        # long's running tasks are terminated, so the run ends long before
        # 5 s; late runs on the cores they held; after_long, whose parent was
        # withdrawn, runs.
        sleep = own_seconds(5)
        path = self.write("cancel.yaml", """
platform: {nodes: 1, cores_per_node: 5, gpus_per_node: 0}
sets:
  watch: {command: [sleep, "0.3"]}
  long: {tasks: 6, command: [sleep, "%s"]}
  late: {tasks: 4, command: [true], start: on_rule}
  after_long: {command: [true], after: [long]}
rules:
  - when: {set: watch}
    do:
      - cancel: long
      - start: late
""" % sleep)
        t0 = time.monotonic()
        out = run_json("run", path, "--workdir", os.path.join(self.dir, "w"))
        elapsed = time.monotonic() - t0
        self.assertLess(elapsed, 4.0)
        self.assertEqual(out["tasks_done"], 1 + 4 + 1)
        self.assertEqual(out["tasks_canceled"], 6)
        self.assertEqual(out["tasks_failed"], 0)
        # After watch's 0.3 s, less the few ms by which a start is stamped
        # late on a loaded machine (after posix_spawn returns): 0.2992 seen.
        self.assertGreaterEqual(out["sets"]["late"]["start"], 0.29)
        self.assertEqual(len(out["marks"]), 1)
        self.assertIn("cancel 6 of long", out["marks"][0]["label"])
        self.assertEqual(pgrep(f"sleep {sleep}"), [])

    def test_share_caps_concurrency(self):
        # Four tasks of 0.2 s on 4 cores, capped at a quarter of the cores by
        # a rule that fires when kick ends: they run one at a time.
        path = self.write("share.yaml", """
platform: {nodes: 1, cores_per_node: 4, gpus_per_node: 0}
sets:
  kick: {command: [true]}
  a: {tasks: 4, command: [sleep, "0.2"], after: [kick]}
rules:
  - when: {set: kick}
    do: [share: {set: a, cores: 0.25}]
""")
        trace = os.path.join(self.dir, "t.json")
        run_json("run", path, "--workdir", os.path.join(self.dir, "w"), "--trace", trace)
        with open(trace) as f:
            all_events = json.load(f)["traceEvents"]
        events = [e for e in all_events if e.get("ph") == "X" and e["args"]["set"] == "a"]
        spans = sorted((e["ts"], e["ts"] + e["dur"]) for e in events)
        self.assertEqual(len(spans), 4)
        for (s0, e0), (s1, _) in zip(spans, spans[1:]):
            self.assertGreaterEqual(s1, e0)  # never two at once
        marks = [e for e in all_events if e.get("ph") == "i"]
        self.assertEqual(len(marks), 1)

    LOOP = """
platform: {nodes: 1, cores_per_node: 2, gpus_per_node: 0}
sets:
  sim-{iter}: {tasks: 2, command: "echo {iter} > /dev/null"}
  train-{iter}:
    after: ["sim-{iter}"]
    command: "awk -v i={iter} 'BEGIN { printf \\"{\\\\\\"loss\\\\\\": %f}\\", 1 / (i + 1) }' > $HETFLOW_RESULT"
rules:
  - when: {set: "train-{iter}"}
    do:
      - repeat: {sets: ["sim-{iter}", "train-{iter}"], until: "min(train-{iter}.loss) < 0.3", max: MAX}
"""

    def test_repeat_stops_on_until(self):
        # loss = 1 / (iter + 1): 1, 0.5, 0.33, 0.25: four iterations.
        path = self.write("loop.yaml", self.LOOP.replace("MAX", "10"))
        out = run_json("run", path, "--workdir", os.path.join(self.dir, "w"))
        self.assertEqual(sorted(out["sets"]), ["sim-0", "sim-1", "sim-2", "sim-3", "train-0",
                                               "train-1", "train-2", "train-3"])
        self.assertEqual(out["tasks_done"], 12)
        self.assertIn("until holds after 4 iterations", out["marks"][-1]["label"])
        with open(os.path.join(self.dir, "w", "train-3", "0.result.json")) as f:
            self.assertAlmostEqual(json.load(f)["loss"], 0.25)

    def test_repeat_traced_and_exported(self):
        # Sets a repeat adds have task ids past the workflow's first ones:
        # the trace, the report and the WfFormat export cover them too.
        path = self.write("loop.yaml", self.LOOP.replace("MAX", "10"))
        trace, wff = os.path.join(self.dir, "t.json"), os.path.join(self.dir, "w.json")
        out = run_json("simulate", path, "--trace", trace, "--wfformat", wff)
        with open(trace) as f:
            slices = [e for e in json.load(f)["traceEvents"] if e.get("ph") == "X"]
        self.assertEqual(len(slices), out["tasks"])
        self.assertIn("train-3", {e["args"]["set"] for e in slices})
        rc, _, err = run("report", trace, "-o", os.path.join(self.dir, "r.html"))
        self.assertEqual(rc, 0, err)
        with open(wff) as f:
            ids = {t["id"] for t in json.load(f)["workflow"]["execution"]["tasks"]}
        self.assertIn("train-3", ids)

    def test_repeat_stops_at_max(self):
        path = self.write("loop.yaml", self.LOOP.replace("MAX", "2"))
        out = run_json("run", path, "--workdir", os.path.join(self.dir, "w"))
        self.assertEqual(sorted(out["sets"]), ["sim-0", "sim-1", "train-0", "train-1"])
        self.assertIn("max 2 iterations", out["marks"][-1]["label"])

    def test_bad_rules(self):
        path = self.write("bad.yaml", """sets:
  a: {}
rules:
  - when: {set: a, result: "max(x) >> 2"}
    do: [cancel: a]
""")
        for cmd in ("validate", "simulate", "run"):
            rc, out, err = run(cmd, path)
            self.assertEqual(rc, 2)
            self.assertEqual(err.count("\n"), 1)
            self.assertTrue(err.startswith(f"{path}:4:37: result: "), err)
        path = self.write("bad2.yaml", "sets:\n  a: {}\nrules:\n  - when: {set: b}\n"
                          "    do: [cancel: a]\n")
        rc, out, err = run("validate", path)
        self.assertEqual(rc, 2)
        self.assertEqual(err, f"{path}:4:17: rule names unknown set 'b'\n")


class ApiExample(CliTest):
    def test_steer(self):
        p = subprocess.run([STEER, os.path.join(self.dir, "w"), "3"], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        # param 0, 1.8, 2.52, 2.808, 2.9232: loss (p - 3)^2 < 0.01 at the 5th.
        self.assertEqual(lines[-1], "rounds 5, final param 2.9232, tasks done 31 of 31")
        self.assertTrue(lines[0].startswith("round 0: param 0.0000 loss 9.000000"))
        with open(os.path.join(self.dir, "w", "infer-3", "0.result.json")) as f:
            self.assertAlmostEqual(json.load(f)["next"], 2.9232, places=4)


if __name__ == "__main__":
    unittest.main()

"""The trace and the report of real runs: a task is on every core lane it
held, calls are on their workers' lanes, attempts that did not succeed are
marked with why, and `report` says so when it is given what is not a trace."""
import json
import os
import shutil
import unittest

from clitest import CliTest, run

PYFUNCTIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                           "pyfunctions.py")


class Trace(CliTest):
    def setUp(self):
        super().setUp()
        shutil.copy(PYFUNCTIONS, self.dir)  # imported from the workflow's folder

    def run_traced(self, text, expect=0):
        path = self.write("w.yaml", text)
        trace = os.path.join(self.dir, "trace.json")
        rc, _, err = run("run", path, "--workdir", os.path.join(self.dir, "work"),
                         "--trace", trace, "--quiet")
        self.assertEqual(rc, expect, err)
        with open(trace) as f:
            events = json.load(f)["traceEvents"]
        return trace, events

    def report(self, trace, *flags):
        out = os.path.join(self.dir, "report.svg" if flags else "report.html")
        rc, _, err = run("report", trace, "-o", out, *flags)
        self.assertEqual(rc, 0, err)
        with open(out) as f:
            return f.read()

    def test_task_on_each_core_it_held(self):
        _, events = self.run_traced("""
platform: {nodes: 1, cores_per_node: 2}
sets:
  pair: {cores: 2, command: [true]}
  one: {tasks: 2, command: [true], after: [pair]}
""")
        pair = [e for e in events if e["ph"] == "X" and e["name"] == "pair[0]"]
        self.assertEqual(sorted(e["tid"] for e in pair), [0, 1])
        self.assertEqual(sorted(e["args"]["lane"] for e in pair), [0, 1])
        self.assertEqual(len({(e["ts"], e["dur"]) for e in pair}), 1)
        self.assertEqual(len([e for e in events if e["ph"] == "X"]), 2 + 2)

    def test_calls_on_worker_lanes(self):
        trace, events = self.run_traced("""
platform: {nodes: 1, cores_per_node: 2}
sets:
  sq:
    tasks: 6
    function: {python: "pyfunctions:square"}
    args: {x: "{index}"}
    workers: {count: 2}
""")
        slices = [e for e in events if e["ph"] == "X"]
        calls = [e for e in slices if e["cat"] == "sq"]
        workers = {e["name"]: e for e in slices if e["cat"] == "sq.workers"}
        names = {e["tid"]: e["args"]["name"] for e in events if e["name"] == "thread_name"}
        self.assertEqual(len(calls), 6)
        self.assertEqual(len(workers), 2)  # a slice each, on its core
        self.assertTrue(1 <= len(names) <= 2, names)
        lanes = {}
        for c in sorted(calls, key=lambda e: e["ts"]):
            self.assertGreaterEqual(c["tid"], 2)  # past the cores' threads
            self.assertEqual(c["args"]["worker"], names[c["tid"]])
            w = workers[c["args"]["worker"]]
            self.assertGreaterEqual(c["ts"], w["ts"])  # while its worker lived
            self.assertLessEqual(c["ts"] + c["dur"], w["ts"] + w["dur"])
            # A worker runs a call at a time, even with calls queued in its window.
            self.assertGreaterEqual(c["ts"], lanes.get(c["tid"], 0))
            lanes[c["tid"]] = c["ts"] + c["dur"]
        html = self.report(trace)
        self.assertEqual(html.count("<title>sq: call "), 6)
        for name in names.values():
            self.assertIn(f">{name}</text>", html)

    def test_report_marks_what_did_not_succeed(self):
        trace, events = self.run_traced("""
platform: {nodes: 1, cores_per_node: 2}
sets:
  ok: {command: [true]}
  bad: {command: [sh, -c, "exit 3"], on_failure: continue}
  slow: {command: [sleep, "5"], timeout: 0.3, on_failure: continue}
  boom:
    tasks: 3
    function: {python: "pyfunctions:boom"}
    args: {x: "{index}"}
    on_failure: continue
  never: {tasks: 2, command: [true], after: [{set: dies, map: one-to-one}]}
  dies: {tasks: 2, command: [sh, -c, "exit 1"]}
""", expect=1)
        ends = {e["name"]: (e["args"]["state"], e["args"]["status"], e["args"]["timed_out"])
                for e in events if e["ph"] == "X"}
        self.assertEqual(ends["ok[0]"], ("done", 0, False))
        self.assertEqual(ends["bad[0]"], ("failed", 3, False))
        self.assertEqual(ends["slow[0]"][0::2], ("failed", True))
        self.assertEqual(ends["boom[1]"], ("failed", 1, False))
        with open(trace) as f:
            self.assertEqual(json.load(f)["otherData"]["hetflow"]["canceled"],
                             [{"set": 4, "cause": "upstream", "tasks": 2}])
        html = self.report(trace)
        self.assertIn("4 failed, 1 timed out, 2 canceled before they started.", html)
        self.assertIn(">never</td><td>-</td><td>-</td><td>-</td><td style=\"text-align:"
                      "left\">2 tasks canceled before they started: a task or service it "
                      "depends on failed</td>", html)
        self.assertIn(">bad[0]</td>", html)
        self.assertIn(">failed: exit status 3</td>", html)
        self.assertIn(">timed out</td>", html)
        self.assertIn(">failed: ValueError: x must not be 1</td>", html)  # the call that raised
        self.assertNotIn(">ok[0]</td>", html)
        svg = self.report(trace, "--svg")
        self.assertIn(">failed (4)</text>", svg)
        self.assertIn(">timed out (1)</text>", svg)
        self.assertEqual(svg.count('fill="url(#hf-failed)"'), 4 + 1)  # + the legend's
        self.assertIn(": exit status 3</text>", svg)  # listed under the charts

    def test_report_of_what_is_not_a_trace(self):
        wf = self.write("w.yaml", "sets:\n  a: {tasks: 2, duration: 1}\n")
        wfformat = os.path.join(self.dir, "w.json")
        rc, _, err = run("simulate", wf, "--wfformat", wfformat)
        self.assertEqual(rc, 0, err)
        empty = self.write("empty.json", "{}")
        for path, what in ((wf, "it is a YAML workflow file"),
                           (wfformat, "it is a WfFormat instance"),
                           (empty, "it has no otherData.hetflow")):
            rc, out, err = run("report", path, "-o", os.path.join(self.dir, "r.html"))
            self.assertEqual(rc, 2, path)
            self.assertEqual(err, f"hetflow: {path}: not a trace written by hetflow ({what}); "
                             "traces come from 'simulate --trace' and 'run --trace'\n")
            self.assertEqual(out, "")
            self.assertFalse(os.path.exists(os.path.join(self.dir, "r.html")))


if __name__ == "__main__":
    unittest.main()

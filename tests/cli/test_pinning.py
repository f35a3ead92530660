"""Concurrent tasks never share a core or a GPU id.  On a machine without
GPUs, --gpus-per-node makes virtual ones: the variables are still set,
exactly as many ids as the task asked, and disjoint between tasks that run
at the same time."""
import glob
import itertools
import json
import os
import unittest

from clitest import CliTest, PROBE, run


def overlapping(a, b):
    return a["start"] < b["end"] and b["start"] < a["end"]


class Pinning(CliTest):
    def probes(self, work):
        records = []
        for path in glob.glob(os.path.join(work, "probe", "*.json")):
            with open(path) as f:
                records.append(json.load(f))
        return records

    def check(self, records, gpus_of):
        pairs = 0
        for r in records:
            ids = [g for g in r["cuda"].split(",") if g]
            self.assertEqual(len(ids), gpus_of[r["set"]], r)
            self.assertEqual(r["cuda"], r["rocr"])
            self.assertEqual(r["cuda"], r["hip"])
            self.assertEqual(r["cuda"], r["hetflow_gpus"])
            self.assertEqual(r["cpus"], sorted(int(c) for c in r["hetflow_cores"].split(",")))
        for a, b in itertools.combinations(records, 2):
            if not overlapping(a, b):
                continue
            pairs += 1
            self.assertFalse(set(a["cpus"]) & set(b["cpus"]), (a, b))
            ga = set(g for g in a["cuda"].split(",") if g)
            gb = set(g for g in b["cuda"].split(",") if g)
            self.assertFalse(ga & gb, (a, b))
        return pairs

    def test_one_node_virtual_gpus(self):
        # Every task takes one core; GPU tasks 1 or 2 of 4 virtual GPUs.
        wf = self.write("pin.yaml", "sets:\n"
                        f"  cpu: {{tasks: 6, command: [python3, {PROBE}]}}\n"
                        f"  gpu1: {{tasks: 6, gpus: 1, command: [python3, {PROBE}]}}\n"
                        f"  gpu2: {{tasks: 4, gpus: 2, command: [python3, {PROBE}]}}\n")
        work = os.path.join(self.dir, "work")
        rc, _, err = run("run", wf, "--workdir", work, "--gpus-per-node", "4", "--quiet")
        self.assertEqual(rc, 0, err)
        self.assertIn("GPU ids from 0 on are virtual", err)
        records = self.probes(work)
        self.assertEqual(len(records), 16)
        pairs = self.check(records, {"cpu": 0, "gpu1": 1, "gpu2": 2})
        # With two or more cores some tasks ran together: the check above
        # compared real concurrent pairs, it did not pass vacuously.
        if os.cpu_count() >= 2:
            self.assertGreater(pairs, 0)

    def test_virtual_nodes(self):
        # Two virtual nodes share this machine: each gets half the cores and
        # its own GPU ids (node 1's GPUs 0-1 are global GPUs 2-3).
        if len(os.sched_getaffinity(0)) < 2:
            self.skipTest("needs two cores")
        wf = self.write("pin.yaml", "sets:\n"
                        f"  g: {{tasks: 8, gpus: 1, command: [python3, {PROBE}]}}\n")
        work = os.path.join(self.dir, "work")
        rc, out, err = run("run", wf, "--workdir", work, "--nodes", "2",
                           "--gpus-per-node", "2", "--quiet")
        self.assertEqual(rc, 0, err)
        records = self.probes(work)
        self.assertGreater(self.check(records, {"g": 1}), 0)
        nodes = {r["node"] for r in records}
        self.assertEqual(nodes, {0, 1})
        for r in records:
            self.assertIn(r["cuda"], {"0", "1"} if r["node"] == 0 else {"2", "3"})


if __name__ == "__main__":
    unittest.main()

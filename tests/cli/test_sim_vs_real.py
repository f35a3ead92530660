"""A small scaled workflow (durations in tenths of a second, `sleep`) run for
real and simulated in all three modes: the real makespans are within 15% +
0.3 s of the simulated ones, and task-level asynchrony beats sequential."""
import json
import unittest

from clitest import CliTest, run

# c-DAG's shape (docs/model.md), T0 -> T12 -> {T36, T45 -> T7}, on 1 node x 2 cores
# (this machine's two cores, or two virtual ones: sleeping needs no CPU).
# By hand: T0 (2 x 0.3 s) 0-0.3; T12 (2 x 0.2 s) 0.3-0.5; T36 (2.0 s) and
# T45 (0.2 s) from 0.5; T7 (0.6 s) after T45, 0.7-1.3.
#   task and workload: max(0.5 + 2.0, 1.3) = 2.5 s
#   sequential: T7 waits for level 2 (T36): 2.5 + 0.6 = 3.1 s
WORKFLOW = """platform: {nodes: 1, cores_per_node: 2}
sets:
  T0:  {tasks: 2, duration: 0.3, command: [sleep, '0.3']}
  T12: {tasks: 2, duration: 0.2, command: [sleep, '0.2'], after: [T0]}
  T36: {duration: 2.0, command: [sleep, '2.0'], after: [T12]}
  T45: {duration: 0.2, command: [sleep, '0.2'], after: [T12]}
  T7:  {duration: 0.6, command: [sleep, '0.6'], after: [T45]}
"""
EXPECTED = {"sequential": 3.1, "workload": 2.5, "task": 2.5}


class SimVsReal(CliTest):
    def test_three_modes(self):
        wf = self.write("scaled.yaml", WORKFLOW)
        real = {}
        for mode, expected in EXPECTED.items():
            rc, out, err = run("simulate", wf, "--mode", mode, "--json")
            self.assertEqual(rc, 0, err)
            simulated = json.loads(out)["makespan"]
            self.assertAlmostEqual(simulated, expected, places=6)
            rc, out, err = run("run", wf, "--mode", mode, "--json",
                               "--workdir", f"{self.dir}/{mode}")
            self.assertEqual(rc, 0, err)
            real[mode] = json.loads(out)["makespan"]
            self.assertGreaterEqual(real[mode], simulated - 0.05, mode)
            self.assertLessEqual(real[mode], simulated * 1.15 + 0.3, mode)
        self.assertLess(real["task"], real["sequential"])


if __name__ == "__main__":
    unittest.main()

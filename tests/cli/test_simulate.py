"""hetflow simulate --json on the paper's examples, with each schedule
worked out by hand (16 nodes x 48 cores x 6 GPUs; critical-path policy:
among ready sets, the larger upward rank = longest chain of set times t
still to run goes first; a set that does not fit is passed over)."""
import json
import os
import unittest

from clitest import CliTest, example, run, run_json


class Simulate(CliTest):
    def test_fig1b(self):
        # Task mode: T0 0-500; T1, T2 500-1500; T3 1500-3500, T4 1500-5500;
        # T5 3500-5500.  Makespan 5500 = t_async.
        s = run_json("simulate", example("fig1b.yaml"))
        self.assertEqual(s["makespan"], 5500)
        self.assertSpan(s["sets"], "T5", 3500, 5500)
        self.assertSpan(s["sets"], "T4", 1500, 5500)
        # Sequential mode: T5 (level 3) waits for T4 (level 2): 5500-7500.
        s = run_json("simulate", example("fig1b.yaml"), "--mode", "sequential")
        self.assertEqual(s["makespan"], 7500)
        self.assertSpan(s["sets"], "T5", 5500, 7500)
        self.assertEqual(s["mode"], "sequential")

    def test_cdag1(self):
        s = run_json("simulate", example("cdag1.yaml"))
        sets = s["sets"]
        # T0: 96 x (16c,1g), 3 per node = 48 at once, 2 waves of 380: 0-760.
        self.assertSpan(sets, "T0", 0, 760)
        # T12: 32 x 40c, 1 per node, 2 waves of 110: 760-980.
        self.assertSpan(sets, "T12", 760, 980)
        # T45 (rank 160 + 720 = 880) before T36 (rank 120): one 32c+1g per
        # node, 980-1140; T36 16 x 4c fits beside it (16c left): 980-1100.
        self.assertSpan(sets, "T45", 980, 1140)
        self.assertSpan(sets, "T36", 980, 1100)
        # T7: 96 x (4c,1g), 6 per node by GPUs = 96, one wave: 1140-1860.
        self.assertSpan(sets, "T7", 1140, 1860)
        self.assertEqual(s["makespan"], 1860)
        self.assertEqual(s["tasks_done"], 256)
        # Core-seconds: 96x16x380 + 32x40x110 + 16x4x120 + 16x32x160
        # + 96x4x720 = 583680 + 140800 + 7680 + 81920 + 276480 = 1090560
        # over 768 cores x 1860 s.
        self.assertAlmostEqual(s["utilization"]["cores"], 1090560 / (768 * 1860),
                               places=6)
        # GPU-seconds: 96x380 + 16x160 + 96x720 = 108160 over 96 x 1860.
        self.assertAlmostEqual(s["utilization"]["gpus"], 108160 / (96 * 1860),
                               places=6)
        self.assertEqual(s["lower_bound"], 1860)
        self.assertEqual(s["makespan_over_bound"], 1)

    def test_cdag2(self):
        s = run_json("simulate", example("cdag2.yaml"))
        sets = s["sets"]
        # T0: 2 waves of 190: 0-380.  T12: 2 waves of 80: 380-540.
        self.assertSpan(sets, "T0", 0, 380)
        self.assertSpan(sets, "T12", 380, 540)
        # T36 (rank 760) before T45 (rank 240 + 460 = 700): 96 x (4c,1g)
        # take all 96 GPUs, 540-1300.  T45 needs a GPU each: it waits for
        # T36 to end, 1300-1540, and T7 follows it, 1540-2000.
        self.assertSpan(sets, "T36", 540, 1300)
        self.assertSpan(sets, "T45", 1300, 1540)
        self.assertSpan(sets, "T7", 1540, 2000)
        self.assertEqual(s["makespan"], 2000)
        # The model's 1300 assumes T45 beside T36, which the GPUs forbid.
        self.assertEqual(s["lower_bound"], 1300)
        self.assertAlmostEqual(s["makespan_over_bound"], 2000 / 1300, places=6)

    def test_cdag2_fifo_is_worse(self):
        # fifo takes T36 then T45 in file order too (same readiness, T36
        # first), so the schedule is the same: 2000.
        s = run_json("simulate", example("cdag2.yaml"), "--policy", "fifo")
        self.assertEqual(s["makespan"], 2000)
        self.assertEqual(s["policy"], "fifo")

    def test_ddmd_sequential(self):
        s = run_json("simulate", example("ddmd-sequential.yaml"))
        # Iteration k starts at 564 (k-1): sim 340, agg 85, train 63, then
        # infer 96 x (16c,1g) at 3 per node = 48 at once, 2 waves of 38.
        for k in range(3):
            base = 564 * k
            self.assertSpan(s["sets"], f"sim{k+1}", base, base + 340)
            self.assertSpan(s["sets"], f"agg{k+1}", base + 340, base + 425)
            self.assertSpan(s["sets"], f"train{k+1}", base + 425, base + 488)
            self.assertSpan(s["sets"], f"infer{k+1}", base + 488, base + 564)
        self.assertEqual(s["makespan"], 1692)

    def test_ddmd_async_task_mode(self):
        s = run_json("simulate", example("ddmd-async.yaml"))
        sets = s["sets"]
        # Each node: 48 cores, 6 GPUs.  Ranks: sim_k chain (sim2 904,
        # sim3 564) > agg 224 > train 139 > infer 76.
        #    0- 340  sim1: 96 x (4c,1g) = 6 per node, all 96 GPUs; 24 cores
        #            free per node, too few for a 32-core agg.
        #  340- 680  sim2 outranks agg1: the same picture.
        #  680-1020  sim3 outranks agg1, agg2: the same picture.
        self.assertSpan(sets, "sim1", 0, 340)
        self.assertSpan(sets, "sim2", 340, 680)
        self.assertSpan(sets, "sim3", 680, 1020)
        # 1020-1105  agg1, one per node (two never fit in 48 cores).
        # 1105-1190  agg2 (agg3 readied later); train1 (4c,1g) beside it,
        #            1105-1168.
        # 1190-1275  agg3.
        self.assertSpan(sets, "agg1", 1020, 1105)
        self.assertSpan(sets, "agg2", 1105, 1190)
        self.assertSpan(sets, "agg3", 1190, 1275)
        self.assertSpan(sets, "train1", 1105, 1168)
        # From 1168 inference (16c,1g, 38 s) fills what aggs and trains
        # leave.  Beside an agg a node has one 16-core slot; with a train
        # (4c) beside the agg, none; with neither, three.  Slots then run
        # back to back, 38 s apart, while work remains (infer2 is ready at
        # 1269, infer3 at 1338, before any slot idles):
        #   1168      16 infer1, one per node (node 0's slot then goes to
        #             train2 at 1206, which outranks inference)
        #   chain A   nodes 1-15, one slot each: 1206, 1244, ..., 1434
        #   chain C   node 0 once train2 ends: 1269, 1307, ..., 1459
        #   chain B   when agg3 ends at 1275, two slots per node 1-15 and
        #             one on node 0 (train3 holds 4 cores there until 1338):
        #             31 slots at 1275, 1313, ..., 1465
        #   chain D   node 0's third slot from 1338: 1338, 1376, 1414, 1452
        # Starts up to 1427: 16 + A 6x15 + C 5 + D 3 + B 5x31 = 269 of the
        # 288 inference tasks; then A 1434: 15 (284), D 1452: 1 (285),
        # C 1459: 1 (286), B 1465: the last 2 (288), ending 1465 + 38 = 1503.
        # infer1 (placed first, by readiness) ends with the 1313 round
        # (16+15+15+1+31+15+1 = 94 placed by 1307, the last 2 at 1313);
        # infer2 runs 1313-1427 and infer3 1389-1503 the same way.
        self.assertSpan(sets, "train2", 1206, 1269)
        self.assertSpan(sets, "train3", 1275, 1338)
        self.assertSpan(sets, "infer1", 1168, 1351)
        self.assertSpan(sets, "infer2", 1313, 1427)
        self.assertSpan(sets, "infer3", 1389, 1503)
        self.assertEqual(s["makespan"], 1503)

    def test_ddmd_async_sequential_mode(self):
        s = run_json("simulate", example("ddmd-async.yaml"), "--mode", "sequential")
        sets = s["sets"]
        # Levels: L0 sim1; L1 agg1, sim2; L2 train1, agg2, sim3;
        # L3 infer1, train2, agg3; L4 infer2, train3; L5 infer3.
        # L0    0- 340 sim1.
        # L1  340- 680 sim2 (outranks agg1, fills the GPUs, leaves 24c);
        #     680- 765 agg1.
        # L2  765-1105 sim3 (train1 needs a GPU, agg2 32 cores: both wait);
        #    1105-1190 agg2, one per node; 1105-1168 train1 beside it.
        self.assertSpan(sets, "sim2", 340, 680)
        self.assertSpan(sets, "agg1", 680, 765)
        self.assertSpan(sets, "sim3", 765, 1105)
        self.assertSpan(sets, "agg2", 1105, 1190)
        # L3 1190-1275 agg3; 1190-1253 train2 on one node (12c left there);
        #    infer1: 15 slots at 1190, 15 at 1228, 1 at 1253 (train2's
        #    node), 15 at 1266 (46); at 1275 two more per node, 32 (78);
        #    1 at 1291 (79), 15 at 1304 (94), the last 2 at 1313 -> 1351.
        self.assertSpan(sets, "agg3", 1190, 1275)
        self.assertSpan(sets, "train2", 1190, 1253)
        self.assertSpan(sets, "infer1", 1190, 1351)
        # L4 1351-1414 train3; infer2: 47 slots at 1351 (3 per node, 2 on
        #    train3's node), 47 at 1389 (94), 1 at 1414, 1 at 1427 -> 1465.
        self.assertSpan(sets, "train3", 1351, 1414)
        self.assertSpan(sets, "infer2", 1351, 1465)
        # L5 infer3: 48 at once, 2 waves of 38: 1465-1541.
        self.assertSpan(sets, "infer3", 1465, 1541)
        self.assertEqual(s["makespan"], 1541)

    def test_stddev_and_seed(self):
        path = self.write("noisy.yaml",
                          "platform: {nodes: 2, cores_per_node: 4}\n"
                          "sets:\n"
                          "  a: {tasks: 20, duration: {mean: 100, stddev: 30}}\n"
                          "  b: {tasks: 20, duration: {mean: 10, stddev: 5},\n"
                          "      after: [{set: a, map: one-to-one}]}\n")
        one = run_json("simulate", path, "--seed", "7")
        again = run_json("simulate", path, "--seed", "7")
        other = run_json("simulate", path, "--seed", "8")
        self.assertEqual(one, again)  # same input and seed, same output
        self.assertNotEqual(one["makespan"], other["makespan"])
        self.assertEqual(one["seed"], 7)

    def test_trace(self):
        out = os.path.join(self.dir, "trace.json")
        rc, stdout, _ = run("simulate", example("cdag2.yaml"), "--trace", out)
        self.assertEqual(rc, 0)
        with open(out) as f:
            trace = json.load(f)
        lanes = [e for e in trace["traceEvents"] if e["ph"] == "X"]
        slices = [e for e in lanes if e["args"]["lane"] == 0]  # a task's first core
        nodes = [e for e in trace["traceEvents"] if e["ph"] == "M"]
        self.assertEqual(len(slices), 256)  # 96 + 32 + 96 + 16 + 16 tasks
        self.assertEqual(len(lanes), sum(e["args"]["cores"] for e in slices))
        self.assertEqual(len(nodes), 16)
        t7 = [e for e in slices if e["cat"] == "T7"]
        self.assertEqual(min(e["ts"] for e in t7), 1540 * 10**6)
        self.assertEqual({e["dur"] for e in t7}, {460 * 10**6})
        self.assertIn("makespan", stdout)

    def test_json_is_alone_on_stdout(self):
        rc, out, err = run("simulate", example("fig1b.yaml"), "--json")
        self.assertEqual(rc, 0)
        obj = json.loads(out)
        for key in ("workflow", "mode", "policy", "makespan", "tasks", "tasks_done",
                    "tasks_failed", "utilization", "sets"):
            self.assertIn(key, obj)
        self.assertEqual(err, "")


if __name__ == "__main__":
    unittest.main()

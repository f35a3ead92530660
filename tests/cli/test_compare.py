"""hetflow compare: the three modes side by side, for the examples whose
schedules test_simulate.py derives by hand."""
import os
import unittest

from clitest import CliTest, example, run, run_json


def makespans(c):
    return {m: c["modes"][m]["makespan"] for m in ("sequential", "workload", "task")}


class Compare(CliTest):
    def test_ddmd_async(self):
        c = run_json("compare", example("ddmd-async.yaml"))
        # Sequential 1541 and task 1503 (test_simulate.py, level by level
        # and slot by slot).  Workload equals task here: the pipelines are
        # [sim1], [agg1 train1 infer1], [sim2], [agg2 train2 infer2],
        # [sim3 agg3 train3 infer3] (sim1 and sim2 have two children each),
        # every stage is one set whose previous stage is its only parent,
        # so the gates add nothing to the edges.
        self.assertEqual(makespans(c), {"sequential": 1541, "workload": 1503,
                                        "task": 1503})
        self.assertAlmostEqual(c["modes"]["task"]["improvement"], 1 - 1503 / 1541,
                               places=6)
        self.assertEqual(c["modes"]["sequential"]["improvement"], 0)
        # The model, and the same raised to the tight bound: 1244 (the
        # path, docs/paper.md's simulate line), so nothing changes.
        self.assertEqual(c["model"], {"t_seq": 1257, "t_async": 1244,
                                      "improvement": round(1 - 1244 / 1257, 6),
                                      "t_seq_bounded": 1257, "t_async_bounded": 1244,
                                      "improvement_bounded": round(1 - 1244 / 1257, 6),
                                      "limited_by": "dependencies"})

    def test_cdags(self):
        # c-DAG1: T7 needs T45 only, but T36 ends first (1100 < 1140), so
        # waiting for the whole level costs nothing: 1860 in every mode.
        c = run_json("compare", example("cdag1.yaml"))
        self.assertEqual(makespans(c), {"sequential": 1860, "workload": 1860,
                                        "task": 1860})
        # c-DAG2: T45 cannot start before T36 frees the GPUs (1300), so
        # every mode gives 2000 (test_simulate.py).
        c = run_json("compare", example("cdag2.yaml"))
        self.assertEqual(makespans(c), {"sequential": 2000, "workload": 2000,
                                        "task": 2000})
        self.assertEqual(c["model"]["t_async"], 1300)

    def test_cdag2_on_more_gpus(self):
        # With 12 GPUs per node T36's (4c,1g) tasks fit 12 per node, and
        # best-fit placement packs all 96 onto 8 nodes (48 cores each),
        # 540-1300.  T45 (32c,1g) gets the other 8 nodes: 16 tasks in 2
        # waves, 540-780-1020, and T7 follows, 1020-1480.  Spreading T36
        # 6 per node would have let all of T45 run at 540 (makespan 1300,
        # the model's t_async): best fit consolidates, which here costs
        # co-scheduling; better placement is the scheduling-quality work.
        c = run_json("compare", example("cdag2.yaml"), "--gpus-per-node", "12")
        # task and workload (T7 waits for T45 only): 1480.  Sequential: T7
        # (level 3) waits for T36 too: 1300 + 460 = 1760.
        self.assertEqual(makespans(c), {"sequential": 1760, "workload": 1480,
                                        "task": 1480})
        self.assertAlmostEqual(c["modes"]["task"]["improvement"], 1 - 1480 / 1760,
                               places=6)

    def test_table(self):
        rc, out, err = run("compare", example("fig1b.yaml"))
        self.assertEqual(rc, 0)
        lines = out.splitlines()
        self.assertIn("mode", lines[2])
        self.assertTrue(lines[3].startswith("sequential"))
        self.assertIn("7500.0 s", lines[3])
        self.assertIn("5500.0 s", lines[5])
        self.assertIn("0.267", lines[5])
        self.assertEqual(err, "")

    def test_bounded_model(self):
        # tests/data/resource-bound.yaml (its comment and test_analyze.py):
        # t_seq 40, t_async 30, I 0.25; the work needs 35 s on 4 cores, so
        # the bound-aware prediction is t_async 35, I 1 - 35/40 = 0.125.
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                            "resource-bound.yaml")
        rc, out, err = run("compare", path)
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual(out.splitlines()[-2:], [
            "model       t_seq 40.0 s, t_async 30.0 s, I 0.250",
            "bounded     t_seq 40.0 s, t_async 35.0 s, I 0.125; limit resources"])
        c = run_json("compare", path)
        self.assertEqual(c["model"]["t_async_bounded"], 35)
        self.assertEqual(c["model"]["improvement_bounded"], 0.125)
        self.assertEqual(c["model"]["limited_by"], "resources")
        # No schedule beats the estimate: task mode's makespan is at least 35.
        self.assertGreaterEqual(c["modes"]["task"]["makespan"], 35)

    def test_several_files(self):
        # Each file in its own mode, set against the first: fig1b's 7500 s
        # sequential (its sets' t in levels) and 5500 s in task mode.
        with open(example("fig1b.yaml")) as f:
            seq = self.write("seq.yaml", f.read() + "mode: sequential\n")
        c = run_json("compare", seq, example("fig1b.yaml"))
        rows = c["workflows"]
        self.assertEqual([r["mode"] for r in rows], ["sequential", "task"])
        self.assertEqual([r["makespan"] for r in rows], [7500, 5500])
        self.assertAlmostEqual(rows[1]["improvement"], 1 - 5500 / 7500, places=6)
        rc, out, err = run("compare", example("fig1b.yaml"), "/nonexistent.yaml")
        self.assertEqual((rc, out), (2, ""))
        self.assertEqual(err.count("\n"), 1)


if __name__ == "__main__":
    unittest.main()

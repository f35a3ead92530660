"""hetflow analyze --json on the paper's examples, against values worked
out by hand below (platform: 16 nodes x 48 cores x 6 GPUs unless said)."""
import os
import unittest

from clitest import CliTest, example, run, run_json

# Written for these tests; the hand derivation is in the file's comment.
RESOURCE_BOUND = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                              "resource-bound.yaml")


class Analyze(CliTest):
    def test_fig1b(self):
        a = run_json("analyze", example("fig1b.yaml"))
        # Levels: {T0}, {T1, T2}, {T3, T4}, {T5} with t = 500, 1000, 1000,
        # 2000, 4000, 2000 (one task each, one wave).
        # t_seq = 500 + 1000 + max(2000, 4000) + 2000 = 7500
        # t_async = max(500+1000+2000+2000, 500+1000+4000) = 5500
        # I = 1 - 5500/7500 = 0.266667
        self.assertEqual(a["t_seq"], 7500)
        self.assertEqual(a["t_async"], 5500)
        self.assertAlmostEqual(a["improvement"], 0.266667, places=6)
        self.assertEqual(a["critical_path"], 5500)
        # Work: 10500 core-seconds on 4 cores = 2625 < 5500.
        self.assertEqual(a["lower_bound"], 5500)
        # Widest antichain: two sets ({T1, T2}, {T3, T4}, ...): DOA_dep 1.
        self.assertEqual(a["doa_dep"], 1)
        self.assertEqual(a["doa_res"], 1)
        self.assertEqual(a["wla"], 1)
        self.assertEqual(a["levels"], 4)

    def test_cdag1(self):
        a = run_json("analyze", example("cdag1.yaml"))
        # Tasks at once: T0 (16c,1g) 3/node = 48 -> 96/48 = 2 waves;
        # T12 40c 1/node = 16 -> 2 waves; T36 4c 12/node = 192 -> 1;
        # T45 (32c,1g) 1/node = 16 -> 1; T7 (4c,1g) 6/node = 96 -> 1.
        waves = {k: v["waves"] for k, v in a["sets"].items()}
        self.assertEqual(waves, {"T0": 2, "T12": 2, "T36": 1, "T45": 1, "T7": 1})
        # t = 2x380, 2x110, 120, 160, 720 = 760, 220, 120, 160, 720
        # t_seq = 760 + 220 + max(120, 160) + 720 = 1860
        # t_async = 760 + 220 + max(120, 160 + 720) = 1860, I = 0
        self.assertEqual(a["t_seq"], 1860)
        self.assertEqual(a["t_async"], 1860)
        self.assertEqual(a["improvement"], 0)
        # {T36, T45}: 16x4 + 16x32 = 576 cores, 16 GPUs: fit together.
        self.assertEqual(a["doa_dep"], 1)
        self.assertEqual(a["doa_res"], 1)

    def test_cdag2(self):
        a = run_json("analyze", example("cdag2.yaml"))
        # t = 2x190, 2x80, 760, 240, 460 = 380, 160, 760, 240, 460
        # t_seq = 380 + 160 + max(760, 240) + 460 = 1760
        # t_async = 380 + 160 + max(760, 240 + 460) = 1300
        # I = 1 - 1300/1760 = 0.261364 (the paper's 0.261)
        self.assertEqual(a["t_seq"], 1760)
        self.assertEqual(a["t_async"], 1300)
        self.assertAlmostEqual(a["improvement"], 0.261364, places=6)
        self.assertEqual(a["critical_path"], 1300)
        # Work: cores 96x16x190 + 32x40x80 + 96x4x760 + 16x32x240 + 16x4x460
        #      = 291840 + 102400 + 291840 + 122880 + 29440 = 838400 / 768
        #      = 1091.67; GPUs (96x190 + 96x760 + 16x240)/96 = 990.
        self.assertAlmostEqual(a["area"]["cores"], 838400 / 768, places=5)
        self.assertEqual(a["area"]["gpus"], 990)
        self.assertEqual(a["lower_bound"], 1300)
        # {T36, T45} need 112 GPUs of 96; {T36, T7} fit: DOA_res 1.
        self.assertEqual(a["doa_dep"], 1)
        self.assertEqual(a["doa_res"], 1)
        self.assertEqual(a["wla"], 1)

    def test_ddmd(self):
        # One iteration: sim 96x(4c,1g) 6/node = 96 at once, 1 wave, 340;
        # agg 16x32c 1/node, 1 wave, 85; train 63; infer 96x(16c,1g)
        # 3/node = 48 at once, 2 waves, 76.  Sum 564.
        seq = run_json("analyze", example("ddmd-sequential.yaml"))
        # A chain of 12 sets: t_seq = t_async = 3 x 564 = 1692.
        self.assertEqual(seq["t_seq"], 1692)
        self.assertEqual(seq["t_async"], 1692)
        self.assertEqual(seq["doa_dep"], 0)
        self.assertEqual(seq["sets"]["infer2"]["waves"], 2)

        asy = run_json("analyze", example("ddmd-async.yaml"))
        # Levels: {sim1}, {agg1, sim2}, {train1, agg2, sim3},
        # {infer1, train2, agg3}, {infer2, train3}, {infer3}:
        # t_seq = 340 + 340 + 340 + 85 + 76 + 76 = 1257.
        # Longest path sim1 sim2 sim3 agg3 train3 infer3:
        # t_async = 3 x 340 + 85 + 63 + 76 = 1244; I = 1 - 1244/1257.
        self.assertEqual(asy["t_seq"], 1257)
        self.assertEqual(asy["t_async"], 1244)
        self.assertAlmostEqual(asy["improvement"], 1 - 1244 / 1257, places=6)
        # {infer1, infer2, infer3} is an antichain of 3: DOA_dep 2.  The
        # trains (4c, 1g each) fit together: DOA_res 2.
        self.assertEqual(asy["doa_dep"], 2)
        self.assertEqual(asy["doa_res"], 2)
        self.assertEqual(asy["wla"], 2)

    def test_bounded_by_resources(self):
        a = run_json("analyze", RESOURCE_BOUND)
        # One node of 4 cores.  sim 4x(1c, 10 s), fit 4: t 10, level 0;
        # train 1x(2c, 20 s) after sim: t 20; agg 4x(1c, 10 s) after sim:
        # t 10 (both level 1); infer 2x(1c, 10 s) after agg: t 10, level 2.
        # t_seq = 10 + max(20, 10) + 10 = 40
        # t_async = max(10 + 20, 10 + 10 + 10) = 30, I = 1 - 30/40 = 0.25
        self.assertEqual((a["t_seq"], a["t_async"], a["improvement"]), (40, 30, 0.25))
        # The paper's model runs train (2 cores) beside agg (4 cores) on 4
        # cores.  Work: 4x10 + 2x20 + 4x10 + 2x10 = 140 core-s / 4 = 35.
        # Tight bound: train and agg start at max(10, 0 + 40/4) = 10, infer
        # at max(20, 10 + 40/4, 0 + 80/4) = 20, path 30; tails: 20 + 10 and
        # 10 + 20 = 30; so the bound is the area, 35 (lower bound too).
        self.assertEqual(a["area"]["cores"], 35)
        self.assertEqual((a["lower_bound"], a["tight_bound"]), (35, 35))
        # Bound-aware: t_seq stays 40 (above 35), t_async rises to 35,
        # I = 1 - 35/40 = 0.125; the work over the capacity limits.
        self.assertEqual(a["t_seq_bounded"], 40)
        self.assertEqual(a["t_async_bounded"], 35)
        self.assertEqual(a["improvement_bounded"], 0.125)
        self.assertEqual(a["limited_by"], "resources")
        rc, out, err = run("analyze", RESOURCE_BOUND)
        self.assertEqual((rc, err), (0, ""))
        self.assertIn("t_seq     40.0 s\n"
                      "t_async   30.0 s\n"
                      "I         0.250\n"
                      "bounded   t_seq 40.0 s, t_async 35.0 s, I 0.125  "
                      "(each at least the tight bound)\n"
                      "limit     resources (the tight bound, work over capacity, is "
                      "above t_async)\n", out)

    def test_bounded_by_dependencies(self):
        a = run_json("analyze", example("fig1b.yaml"))
        # fig1b (test_fig1b): t_seq 7500, t_async 5500; the tight bound is
        # the path, 5500 (work 10500 core-s / 4 = 2625; T5 gathers T0, T1,
        # T3: at most 1500 + 2000/4 = 2000 < its start 3500; the long tail
        # T4 4000 after T0, T2: 4000 + max(500 + 1000/4, 1500/4) = 4750).
        # The estimate is t_async itself: dependencies limit.
        self.assertEqual(a["tight_bound"], 5500)
        self.assertEqual(a["t_seq_bounded"], 7500)
        self.assertEqual(a["t_async_bounded"], 5500)
        self.assertEqual(a["improvement_bounded"], a["improvement"])
        self.assertAlmostEqual(a["improvement_bounded"], 1 - 5500 / 7500, places=6)
        self.assertEqual(a["limited_by"], "dependencies")
        rc, out, err = run("analyze", example("fig1b.yaml"))
        self.assertIn("I         0.267\n"
                      "bounded   t_seq 7500.0 s, t_async 5500.0 s, I 0.267  "
                      "(each at least the tight bound)\n"
                      "limit     dependencies (t_async, the critical path, is at least "
                      "the tight bound)\n", out)

    def test_platform_flags_override(self):
        # On 32 nodes T0 of c-DAG2 fits in one wave: t = 190.
        a = run_json("analyze", example("cdag2.yaml"), "--nodes", "32")
        self.assertEqual(a["platform"]["nodes"], 32)
        self.assertEqual(a["sets"]["T0"]["waves"], 1)
        self.assertEqual(a["sets"]["T0"]["t"], 190)


if __name__ == "__main__":
    unittest.main()

"""hetflow analyze --json on the paper's examples, against values worked
out by hand below (platform: 16 nodes x 48 cores x 6 GPUs unless said)."""
import unittest

from clitest import CliTest, example, run_json


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

    def test_platform_flags_override(self):
        # On 32 nodes T0 of c-DAG2 fits in one wave: t = 190.
        a = run_json("analyze", example("cdag2.yaml"), "--nodes", "32")
        self.assertEqual(a["platform"]["nodes"], 32)
        self.assertEqual(a["sets"]["T0"]["waves"], 1)
        self.assertEqual(a["sets"]["T0"]["t"], 190)


if __name__ == "__main__":
    unittest.main()

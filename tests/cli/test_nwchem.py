"""The adaptive NWChem mini-app (examples/nwchem): both designs against the
workflow without rules, in simulation at scale and for real at small scale."""
import os
import subprocess
import time
import unittest

from clitest import EXAMPLES, HETFLOW, CliTest, run_json

ROOT = os.path.dirname(EXAMPLES)


def nwchem(*parts):
    return os.path.join(EXAMPLES, "nwchem", *parts)


class NwchemAtScale(CliTest):
    def test_compare_designs(self):
        out = run_json("compare", nwchem("baseline.yaml"), nwchem("design1.yaml"),
                       nwchem("design2.yaml"))
        base, d1, d2 = out["workflows"]
        # Design 1 does all the work of the baseline, sooner: pre-training
        # overlaps the second half of the DFT tasks.
        self.assertEqual(d1["tasks_done"], base["tasks_done"])
        self.assertEqual(d1["results"], base["results"])
        self.assertLess(d1["makespan"], base["makespan"])
        # Design 2 cancels half of the 128 DFT tasks left at the rule (all
        # not yet started: 64) and overlaps MD with the rest: sooner still,
        # with fewer ab-initio results.
        self.assertEqual(d2["tasks_canceled"], 64)
        self.assertEqual(d2["results"], 256 - 64)
        self.assertLess(d2["makespan"], d1["makespan"])
        self.assertGreater(d2["improvement"], 0.2)


class NwchemSmallReal(CliTest):
    def run_small(self, design):
        return run_json("run", nwchem("small", design + ".yaml"), "--workdir",
                        os.path.join(self.dir, design), "--quiet")

    def test_design1_pretrains_during_dft(self):
        out = self.run_small("design1")
        self.assertEqual(len(out["marks"]), 1)
        fired = out["marks"][0]["time"]
        self.assertGreaterEqual(out["sets"]["pretrain"]["start"], fired)
        self.assertLess(out["sets"]["pretrain"]["start"], out["sets"]["dft"]["end"])
        self.assertEqual(out["tasks_canceled"], 0)

    def test_design2_cancels_and_starts_md(self):
        out = self.run_small("design2")
        # 8 of 16 DFT tasks done: 2 running, 6 waiting; half of the 8 left
        # (4, not started) are canceled; MD starts while DFT still runs.
        self.assertEqual(out["tasks_canceled"], 4)
        self.assertEqual(out["results"], 12)
        self.assertLess(out["sets"]["md"]["start"], out["sets"]["dft"]["end"])

    def test_resume_after_the_rule(self):
        # Killed (SIGKILL) after the rule fired at ~1.2 s, resumed: the rule
        # fires again on the restored results and the run completes.  The
        # DFT tasks it cancels are half of those not done at the resume, so
        # 12 or 13 give results, depending on what was done at the kill.
        workdir = os.path.join(self.dir, "w")
        p = subprocess.Popen([HETFLOW, "run", nwchem("small", "design2.yaml"), "--workdir",
                              workdir, "--quiet"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(1.6)
        p.kill()
        p.wait()
        out = run_json("resume", workdir)
        self.assertEqual(out["tasks_failed"], 0)
        self.assertEqual(len(out["marks"]), 1)
        self.assertIn(out["results"], (12, 13))
        self.assertEqual(out["tasks_done"] + out["tasks_canceled"], 26)

    def test_real_matches_simulation(self):
        for design in ("baseline", "design1", "design2"):
            real = self.run_small(design)
            sim = run_json("simulate", nwchem("small", design + ".yaml"))
            self.assertEqual(real["tasks_done"], sim["tasks_done"], design)
            self.assertLess(abs(real["makespan"] - sim["makespan"]) / sim["makespan"], 0.25,
                            design)


if __name__ == "__main__":
    os.chdir(ROOT)  # the small designs' commands are relative to the repository
    unittest.main()

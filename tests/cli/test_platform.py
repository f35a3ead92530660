"""hetflow platform: cores from hwloc within the process's binding, GPUs from
NVML (a fake library here), nvidia-smi (a fake script), or an inherited
CUDA_VISIBLE_DEVICES, which also decides the ids tasks are given."""
import glob
import json
import os
import shutil
import subprocess
import unittest

from clitest import CliTest, FAKE, FAKE_LIB, HETFLOW, PROBE, run

PLAIN_PATH = "/usr/bin:/bin"


def env_with(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH")}
    env["PATH"] = PLAIN_PATH
    env.update(extra)
    return env


class Platform(CliTest):
    def platform(self, *args, env=None):
        rc, out, err = run("platform", "--json", *args, env=env or env_with())
        self.assertEqual(rc, 0, err)
        return json.loads(out)

    def test_cores_follow_the_binding(self):
        p = self.platform()
        self.assertEqual(p["machine"]["cores"], len(p["machine"]["cpus"]))
        cpus = sorted(c for core in p["machine"]["cpus"] for c in core)
        self.assertEqual(cpus, sorted(os.sched_getaffinity(0)))
        first = cpus[0]
        out = subprocess.run(["taskset", "-c", str(first), HETFLOW, "platform", "--json"],
                             capture_output=True, text=True, env=env_with(), check=True)
        self.assertEqual(json.loads(out.stdout)["machine"]["cpus"], [[first]])

    def test_gpu_sources(self):
        self.assertEqual(self.platform()["machine"]["gpu_source"], "none")
        p = self.platform(env=env_with(LD_LIBRARY_PATH=FAKE_LIB))
        self.assertEqual((p["machine"]["gpus"], p["machine"]["gpu_source"]), (3, "nvml"))
        self.assertEqual(p["machine"]["gpu_ids"], ["0", "1", "2"])
        p = self.platform(env=env_with(PATH=f"{FAKE}:{PLAIN_PATH}"))
        self.assertEqual((p["machine"]["gpus"], p["machine"]["gpu_source"]),
                         (2, "nvidia-smi"))
        # --nodes 3 splits them: 1 GPU per node (3 // 3), cores likewise.
        p = self.platform("--nodes", "3", env=env_with(LD_LIBRARY_PATH=FAKE_LIB))
        self.assertEqual(p["platform"]["nodes"], 3)
        self.assertEqual(p["platform"]["gpus_per_node"], 1)
        self.assertEqual(p["platform"]["cores_per_node"], max(1, p["machine"]["cores"] // 3))

    def test_inherited_visible_devices_name_task_gpus(self):
        env = env_with(LD_LIBRARY_PATH=FAKE_LIB, CUDA_VISIBLE_DEVICES="5,GPU-abc")
        p = self.platform(env=env)
        self.assertEqual(p["machine"]["gpu_ids"], ["5", "GPU-abc"])
        wf = self.write("g.yaml", f"sets:\n  g: {{tasks: 4, gpus: 1,"
                        f" command: [python3, {PROBE}, '0.05']}}\n")
        work = os.path.join(self.dir, "work")
        rc, _, err = run("run", wf, "--workdir", work, "--quiet", env=env)
        self.assertEqual(rc, 0, err)
        seen = set()
        for path in glob.glob(os.path.join(work, "probe", "*.json")):
            with open(path) as f:
                seen.add(json.load(f)["cuda"])
        self.assertTrue(seen <= {"5", "GPU-abc"} and seen, seen)

    def test_text(self):
        rc, out, _ = run("platform", env=env_with(LD_LIBRARY_PATH=FAKE_LIB))
        self.assertEqual(rc, 0)
        self.assertIn("gpus      3 (nvml): 0, 1, 2", out)
        self.assertIn("platform  1 nodes x", out)


if __name__ == "__main__":
    unittest.main()

"""The srun launcher benchmark; see run.sh."""
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, "tests/slurm")
import cluster  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
P = int(os.environ.get("P", os.cpu_count()))
HETFLOW = os.path.abspath(os.environ.get("HETFLOW", "build/hetflow"))

why = cluster.available()
if why:
    sys.exit(f"bench/srun: {why}")
c = cluster.SlurmCluster(cpus=P).start()
times = {"hetflow": [], "srun loop": []}
try:
    with tempfile.TemporaryDirectory(prefix="hetflow-bench-srun-") as d:
        wf = os.path.join(d, "wf.yaml")
        with open(wf, "w") as f:
            f.write(f"sets:\n  t: {{tasks: {N}, command: [true]}}\n")
        loop = (f"seq {N} | xargs -P {P} -I{{}} srun --exact --quiet -n1 -c1 true")
        for r in range(ROUNDS):
            for name in times:
                if name == "hetflow":
                    cmd = [HETFLOW, "run", wf, "--workdir", os.path.join(d, f"w{r}"),
                           "--launcher", "srun", "--max-steps", str(P), "--quiet"]
                else:
                    cmd = ["sh", "-c", loop]
                t0 = time.monotonic()
                p = subprocess.run(["salloc", "--quiet", "-N1", f"-n{P}", *cmd],
                                   capture_output=True, text=True, env=c.env())
                times[name].append(time.monotonic() - t0)
                if p.returncode != 0:
                    sys.exit(f"bench/srun: {name} failed: {p.stderr[-500:]}")
finally:
    c.stop()
h, s = statistics.median(times["hetflow"]), statistics.median(times["srun loop"])
print(f"tasks {N} of /bin/true, concurrency {P}, {ROUNDS} rounds (medians, each run "
      "includes salloc)")
for name, ts in times.items():
    med = statistics.median(ts)
    print(f"  {name:10s} {med:7.2f} s  {N / med:7.1f} tasks/s   runs: "
          + ", ".join(f"{t:.2f}" for t in ts))
print(f"hetflow / plain srun: {h / s:.3f} (target <= 1.10)")

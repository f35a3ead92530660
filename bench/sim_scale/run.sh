#!/bin/sh
# Scale benchmark of the simulator: a layered random DAG of 1,000,000 tasks
# in 10,000 sets on 4,096 nodes x 64 cores x 8 GPUs, simulated in task mode.
# Prints tasks simulated per second (median of RUNS runs, whole command:
# load, simulate, summary) and peak memory from /usr/bin/time -v.
# Usage: bench/sim_scale/run.sh [extra hetflow flags, e.g. --nodes 256]
set -eu
cd "$(dirname "$0")/../.."

HETFLOW=${HETFLOW:-build/hetflow}
RUNS=${RUNS:-5}
OUT=bench/sim_scale/out
FILE=$OUT/scale-1m.yaml
TASKS=1000000

mkdir -p "$OUT"
[ -f "$FILE" ] || python3 bench/sim_scale/gen.py --tasks $TASKS --sets 10000 \
    --layers 100 --nodes 4096 --cores 64 --gpus 8 --seed 1 -o "$FILE"

# Loading alone, to separate parsing from simulation.
load=$( { /usr/bin/time -f "%e" "$HETFLOW" validate "$FILE" >/dev/null; } 2>&1 )

i=0
: > "$OUT/runs.txt"
while [ $i -lt "$RUNS" ]; do
    /usr/bin/time -v "$HETFLOW" simulate "$FILE" --json "$@" \
        > "$OUT/summary.json" 2> "$OUT/time.txt"
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/time.txt")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time.txt")
    echo "$wall $rss" >> "$OUT/runs.txt"
    i=$((i + 1))
done

python3 - "$OUT/runs.txt" "$OUT/summary.json" "$load" "$TASKS" <<'PY'
import json, statistics, sys
runs, summary, load, tasks = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
def seconds(t):
    parts = [float(x) for x in t.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rows = [line.split() for line in open(runs)]
walls = [seconds(w) for w, _ in rows]
rss = max(int(r) for _, r in rows)
s = json.load(open(summary))
wall = statistics.median(walls)
print(f"workflow        {s['tasks']} tasks, makespan {s['makespan']:.0f} s simulated, "
      f"core utilization {s['utilization']['cores']:.3f}")
print(f"runs            {len(walls)}: wall " + ", ".join(f"{w:.2f}" for w in walls) + " s")
print(f"median wall     {wall:.2f} s (of which loading the file {load:.2f} s)")
print(f"throughput      {tasks / wall:,.0f} tasks/s (target >= 200,000)")
print(f"peak memory     {rss / 1024:.1f} MiB = {rss * 1024 / tasks:.0f} bytes/task "
      f"(target <= 1024)")
PY

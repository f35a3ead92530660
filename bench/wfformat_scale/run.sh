#!/bin/sh
# Scale benchmark of the WfFormat importer: a WfFormat 1.5 instance of
# 1,000,000 tasks (bench/wfformat_scale/gen.py, seed 1; 127 MiB, under the
# 128 MiB file limit) checked by `hetflow validate`, a set per task.
# Prints the median wall time of RUNS runs and the peak memory, from
# /usr/bin/time -v.
# Usage: bench/wfformat_scale/run.sh [tasks]
set -eu
cd "$(dirname "$0")/../.."

HETFLOW=${HETFLOW:-build/hetflow}
RUNS=${RUNS:-3}
TASKS=${1:-1000000}
OUT=bench/wfformat_scale/out
FILE=$OUT/wfformat-$TASKS.json

mkdir -p "$OUT"
[ -f "$FILE" ] || python3 bench/wfformat_scale/gen.py --tasks "$TASKS" --seed 1 -o "$FILE"

i=0
: > "$OUT/runs.txt"
while [ $i -lt "$RUNS" ]; do
    /usr/bin/time -v "$HETFLOW" validate "$FILE" --nodes 1000 --cores-per-node 8 \
        --gpus-per-node 0 > "$OUT/validate.txt" 2> "$OUT/time.txt"
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/time.txt")
    user=$(sed -n 's/.*User time (seconds): //p' "$OUT/time.txt")
    sys=$(sed -n 's/.*System time (seconds): //p' "$OUT/time.txt")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time.txt")
    echo "$wall $user $sys $rss" >> "$OUT/runs.txt"
    i=$((i + 1))
done

python3 - "$OUT/runs.txt" "$OUT/validate.txt" "$FILE" "$TASKS" <<'PY'
import os, statistics, sys
runs, out, path, tasks = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def seconds(t):
    parts = [float(x) for x in t.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rows = [line.split() for line in open(runs)]
walls = [seconds(r[0]) for r in rows]
cpus = [float(r[1]) + float(r[2]) for r in rows]
rss = max(int(r[3]) for r in rows)
print(open(out).read().strip())
print(f"instance        {tasks} tasks, {os.path.getsize(path) / 2**20:.1f} MiB of JSON")
print(f"runs            {len(walls)}: wall " + ", ".join(f"{w:.2f}" for w in walls) + " s")
print(f"median wall     {statistics.median(walls):.2f} s (cpu {statistics.median(cpus):.2f} s)"
      " (target <= 5 s for 10^6 tasks)")
print(f"peak memory     {rss / 1024:.1f} MiB = {rss * 1024 / tasks:.0f} bytes/task "
      "(target <= 1 GiB for 10^6 tasks)")
PY

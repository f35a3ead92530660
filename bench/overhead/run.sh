#!/bin/sh
# Scheduling overhead: 200 tasks of `sleep 0.05` at concurrency = cores.
# The ideal makespan is ceil(200 / cores) x 0.05 s; hetflow's measured
# makespan (first start to last end, from `run --json`) over it should be
# at most 1.03.  A `sleep 0.05` process takes longer than 0.05 s (exec,
# dynamic linking, timer slack), so the bare spawn loop of bench/throughput
# runs the same tasks in the same rounds: its ratio is the floor any
# launcher starts from.  Medians of ROUNDS rounds.
# Usage: bench/overhead/run.sh [ROUNDS]
set -eu
cd "$(dirname "$0")/../.."

ROUNDS=${1:-5}
HETFLOW=${HETFLOW:-build/hetflow}
LOOP=${LOOP:-build/bench/spawn_loop}
OUT=bench/overhead/out
CORES=$(nproc)
OLD=$OUT.old-$$
[ -d "$OUT" ] && mv "$OUT" "$OLD"
mkdir -p "$OUT"
trap 'rm -rf "$OLD"' EXIT

printf 'name: overhead\nplatform: {nodes: 1, cores_per_node: %s, gpus_per_node: 0}\n' \
    "$CORES" > "$OUT/sleep.yaml"
printf 'sets:\n  s: {tasks: 200, duration: 0.05, command: [sleep, "0.05"]}\n' >> "$OUT/sleep.yaml"

: > "$OUT/makespans.txt"
: > "$OUT/loop.txt"
r=0
while [ $r -lt "$ROUNDS" ]; do
    s=$(date +%s.%N)
    "$LOOP" 200 "$CORES" sleep 0.05
    echo "$(date +%s.%N) - $s" | bc >> "$OUT/loop.txt"
    "$HETFLOW" run "$OUT/sleep.yaml" --json --quiet --workdir "$OUT/work-$r" \
        > "$OUT/run-$r.json"
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["makespan"])' \
        "$OUT/run-$r.json" >> "$OUT/makespans.txt"
    r=$((r + 1))
done

python3 - "$OUT/makespans.txt" "$OUT/loop.txt" "$CORES" <<'PY'
import math, statistics, sys
spans = [float(x) for x in open(sys.argv[1])]
loop = statistics.median(float(x) for x in open(sys.argv[2]))
cores = int(sys.argv[3])
ideal = math.ceil(200 / cores) * 0.05
m = statistics.median(spans)
print(f"200 x sleep 0.05 on {cores} cores: ideal {ideal:.2f} s")
print("hetflow makespans " + ", ".join(f"{s:.3f}" for s in spans) + " s")
print(f"hetflow    median {m:.3f} s, over ideal {m / ideal:.3f} (target <= 1.03)")
print(f"bare loop  median {loop:.3f} s (wall), over ideal {loop / ideal:.3f}")
print(f"hetflow over the bare loop: {m / loop:.3f}")
PY

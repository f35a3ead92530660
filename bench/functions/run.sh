#!/bin/sh
# Function tasks' throughput on this machine: N empty calls through
# `hetflow run` in P persistent workers (C: hf_empty from the tests'
# libhffn.so; Python: pyfunctions:empty), against N process-per-task runs
# of /bin/true through `hetflow run` on P cores, and against Dask
# distributed (python3-distributed, LocalCluster of P worker processes).
# hetflow rows are wall time of the whole `hetflow run` (start-up, journal
# and workers' start included); "in run" is N over hetflow's makespan (first
# call's start to last call's end).  Rounds are interleaved; medians.
# ROWS picks rows (default: all five).
# Usage: [ROWS="c python"] bench/functions/run.sh [N] [ROUNDS]
set -eu
cd "$(dirname "$0")/../.."

N=${1:-50000}
ROUNDS=${2:-3}
P=${P:-$(nproc)}
WINDOW=${WINDOW:-64}
HETFLOW=${HETFLOW:-build/hetflow}
LIB=$(pwd)/build/tests/fake/libhffn.so
OUT=bench/functions/out
DASK_PYTHON=${DASK_PYTHON:-/usr/bin/python3}
ROWS=${ROWS:-c c-nojournal python true dask}
want() { case " $ROWS " in *" $1 "*) return 0 ;; esac; return 1; }

rm -rf "$OUT"
mkdir -p "$OUT"
cp tests/data/pyfunctions.py "$OUT/"
platform="platform: {nodes: 1, cores_per_node: $P, gpus_per_node: 0}"
printf '%s\nsets:\n  c: {tasks: %s, function: {library: %s, symbol: hf_empty}, workers: {count: %s, window: %s}}\n' \
    "$platform" "$N" "$LIB" "$P" "$WINDOW" > "$OUT/c.yaml"
printf '%s\nsets:\n  py: {tasks: %s, function: {python: "pyfunctions:empty"}, workers: {count: %s, window: %s}}\n' \
    "$platform" "$N" "$P" "$WINDOW" > "$OUT/py.yaml"
printf '%s\nsets:\n  t: {tasks: %s, command: [/bin/true]}\n' "$platform" "$N" > "$OUT/true.yaml"

# hetflow: "wall makespan" of one run.
hetflow_run() {
    rm -rf "$OUT/work"
    s=$(date +%s.%N)
    m=$("$HETFLOW" run "$1" --workdir "$OUT/work" --quiet --json $2 2>/dev/null |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["makespan"])')
    e=$(date +%s.%N)
    echo "$(echo "$e - $s" | bc) $m"
}

: > "$OUT/times.txt"
r=0
while [ $r -lt "$ROUNDS" ]; do
    want c && echo "c $(hetflow_run "$OUT/c.yaml" "")" >> "$OUT/times.txt"
    want c-nojournal &&
        echo "c-nojournal $(hetflow_run "$OUT/c.yaml" --no-journal)" >> "$OUT/times.txt"
    want python && echo "python $(hetflow_run "$OUT/py.yaml" "")" >> "$OUT/times.txt"
    want true && echo "true $(hetflow_run "$OUT/true.yaml" "")" >> "$OUT/times.txt"
    if want dask && "$DASK_PYTHON" -c 'import distributed' 2>/dev/null; then
        t=$("$DASK_PYTHON" bench/functions/dask_rate.py "$N" "$P" 2>/dev/null)
        echo "dask $t $t" >> "$OUT/times.txt"
    elif want dask && [ $r -eq 0 ]; then
        echo "no Dask row: $DASK_PYTHON cannot import distributed (python3-distributed)" >&2
    fi
    r=$((r + 1))
done

python3 - "$OUT/times.txt" "$N" "$P" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, run = line.split()
    rows.setdefault(name, []).append((float(wall), float(run)))
n, p = int(sys.argv[2]), sys.argv[3]
label = {"c": "C functions, hetflow", "c-nojournal": "C functions, hetflow --no-journal",
         "python": "Python functions, hetflow", "true": "/bin/true per process, hetflow",
         "dask": "Python functions, Dask LocalCluster"}
print(f"{n} empty tasks, {p} workers (cores), medians of "
      f"{len(next(iter(rows.values())))} rounds")
print(f"{'':38} {'wall s':>8} {'tasks/s':>10} {'in run/s':>10}")
rate = {}
for name in ("c", "c-nojournal", "python", "true", "dask"):
    if name not in rows:
        continue
    wall = statistics.median(w for w, _ in rows[name])
    run = statistics.median(r for _, r in rows[name])
    rate[name] = n / wall
    print(f"{label[name]:38} {wall:8.2f} {n / wall:10.0f} {n / run:10.0f}")
for other, what in (("dask", "hetflow over Dask"), ("true", "functions over /bin/true per process")):
    if other in rate and "c" in rate and "python" in rate:
        print(f"{what} (wall): C {rate['c'] / rate[other]:.1f}x, "
              f"Python {rate['python'] / rate[other]:.1f}x")
PY

#!/bin/sh
# Launch throughput: N tasks of /bin/true, one core each, at concurrency P
# (default: this machine's cores), through `hetflow run` and through
#   - spawn_loop: a bare posix_spawn/wait loop (bench/throughput/spawn_loop.c)
#   - xargs -P, make -j, and GNU parallel when it is installed.
# The launchers run in turn, ROUNDS times, so machine noise hits them alike;
# medians are printed with hetflow's ratio to the bare loop.  hetflow's
# workdir is a new folder on the disk under bench/throughput/out each round,
# so every round creates N .out and N .err files, as a real run does; a
# second hetflow row puts the workdir on tmpfs (/dev/shm) to show what the
# files cost.  Medians of interleaved rounds; machine noise is large here.
# With --journal, a third hetflow row runs without the journal
# (--no-journal), to measure what the journal costs (target: within 10%).
# Usage: bench/throughput/run.sh [--journal] [N] [ROUNDS]
set -eu
cd "$(dirname "$0")/../.."

JOURNAL=0
if [ "${1:-}" = "--journal" ]; then
    JOURNAL=1
    shift
fi

N=${1:-5000}
ROUNDS=${2:-5}
P=${P:-$(nproc)}
HETFLOW=${HETFLOW:-build/hetflow}
LOOP=${LOOP:-build/bench/spawn_loop}
OUT=bench/throughput/out
SHM=/dev/shm/hetflow-bench-$$

# ext4 passes over inodes freed in the last minute when it allocates new
# ones, so deleting a previous run's 10,000 files just before measuring
# slows every file creation tenfold: old output is moved aside and deleted
# only after the measurements.
OLD=$OUT.old-$$
[ -d "$OUT" ] && mv "$OUT" "$OLD"
mkdir -p "$OUT"
trap 'rm -rf "$SHM" "$OLD"' EXIT
printf 'name: throughput\nplatform: {nodes: 1, cores_per_node: %s, gpus_per_node: 0}\n' "$P" \
    > "$OUT/true.yaml"
printf 'sets:\n  t: {tasks: %s, command: [/bin/true]}\n' "$N" >> "$OUT/true.yaml"
{
    printf 'all:'
    i=0
    while [ $i -lt "$N" ]; do printf ' t%s' $i; i=$((i + 1)); done
    printf '\n.PHONY: all\nt%%:\n\t@/bin/true\n'
} > "$OUT/Makefile"

seconds() { # run a command, print its wall time
    s=$(date +%s.%N)
    "$@" > /dev/null 2>&1
    e=$(date +%s.%N)
    echo "$e - $s" | bc
}

: > "$OUT/times.txt"
r=0
while [ $r -lt "$ROUNDS" ]; do
    echo "hetflow $(seconds "$HETFLOW" run "$OUT/true.yaml" --quiet --workdir "$OUT/work-$r")" >> "$OUT/times.txt"
    echo "hetflow-tmpfs $(seconds "$HETFLOW" run "$OUT/true.yaml" --quiet --workdir "$SHM/work-$r")" >> "$OUT/times.txt"
    rm -rf "$SHM"
    if [ $JOURNAL = 1 ]; then
        echo "hetflow-no-journal $(seconds "$HETFLOW" run "$OUT/true.yaml" --quiet --no-journal --workdir "$OUT/nj-$r")" >> "$OUT/times.txt"
        echo "hetflow-tmpfs-no-journal $(seconds "$HETFLOW" run "$OUT/true.yaml" --quiet --no-journal --workdir "$SHM/nj-$r")" >> "$OUT/times.txt"
        rm -rf "$SHM"
    fi
    echo "spawn_loop $(seconds "$LOOP" "$N" "$P" /bin/true)" >> "$OUT/times.txt"
    echo "xargs $(seconds sh -c "seq $N | xargs -P $P -n 1 /bin/true")" >> "$OUT/times.txt"
    echo "make $(seconds make -s -j "$P" -f "$OUT/Makefile")" >> "$OUT/times.txt"
    if command -v parallel > /dev/null; then
        echo "parallel $(seconds sh -c "seq $N | parallel -j $P /bin/true")" >> "$OUT/times.txt"
    fi
    r=$((r + 1))
done
mkdir -p "$OLD" && mv "$OUT"/work-* "$OUT"/nj-* "$OLD"/ 2>/dev/null || true

python3 - "$OUT/times.txt" "$N" "$P" <<'PY'
import collections, statistics, sys
times = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, t = line.split()
    times[name].append(float(t))
n, p = int(sys.argv[2]), sys.argv[3]
base = statistics.median(times["spawn_loop"])
print(f"{n} tasks of /bin/true at concurrency {p}, median of {len(times['spawn_loop'])} rounds")
print(f"{'launcher':<25} {'median s':>9} {'tasks/s':>9} {'vs loop':>8}")
for name, ts in times.items():
    m = statistics.median(ts)
    print(f"{name:<25} {m:9.2f} {n / m:9.0f} {base / m:8.2f}")
for suffix, where in (("", "on disk"), ("-tmpfs", "on tmpfs")):
    if f"hetflow{suffix}-no-journal" in times:
        with_j = statistics.median(times[f"hetflow{suffix}"])
        without = statistics.median(times[f"hetflow{suffix}-no-journal"])
        print(f"journal {where}: throughput with it {without / with_j:.3f} of without "
              "(target >= 0.90)")
PY

#!/bin/sh
# Memory of a long real run: `hetflow run` of 100,000 tasks of /bin/true,
# peak resident memory from /usr/bin/time -v (target: under 200 MiB).
# Usage: bench/memory/run.sh [TASKS]
set -eu
cd "$(dirname "$0")/../.."

TASKS=${1:-100000}
HETFLOW=${HETFLOW:-build/hetflow}
OUT=bench/memory/out
OLD=$OUT.old-$$
[ -d "$OUT" ] && mv "$OUT" "$OLD"
mkdir -p "$OUT"
trap 'rm -rf "$OLD"' EXIT

printf 'name: memory\nsets:\n  t: {tasks: %s, command: [/bin/true]}\n' "$TASKS" > "$OUT/true.yaml"
/usr/bin/time -v "$HETFLOW" run "$OUT/true.yaml" --json --quiet --workdir "$OUT/work" \
    > "$OUT/summary.json" 2> "$OUT/time.txt"
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time.txt")
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$OUT/time.txt")
done_=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tasks_done"])' \
    "$OUT/summary.json")
echo "$TASKS tasks of /bin/true: $done_ done in $wall"
echo "peak resident memory $((rss / 1024)) MiB (target < 200 MiB)"

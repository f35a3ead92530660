#!/bin/sh
# Launch throughput through Slurm job steps: N tasks of /bin/true, one core
# each, at concurrency P (default: this machine's cores), inside one
# allocation of the test Slurm (tests/slurm/cluster.py starts it), through
#   - hetflow run --launcher srun (a step per task, --max-steps P), and
#   - plain srun in a shell loop: xargs -P P running `srun --exact -n1 -c1 true`.
# Both run in turn, ROUNDS times; medians of the wall times and hetflow's
# overhead over plain srun are printed (target: at most 10%).
# Usage: bench/srun/run.sh [N] [ROUNDS]     (as root, with Slurm installed)
set -eu
cd "$(dirname "$0")/../.."
exec python3 bench/srun/bench.py "$@"

#!/bin/sh
# Scheduling quality on real workflows: every WfCommons instance in
# tests/data/wfinstances simulated on 1, 2 and 4 nodes of 48 cores with each
# policy; a table of makespan / tight lower bound per instance, platform and
# policy, and the simulation time (the whole `hetflow simulate` command,
# median of ROUNDS runs).  Targets: the best policy within 1.10 of the bound
# everywhere; every instance simulated in under 0.5 s.
# Usage: bench/wfcommons/run.sh [ROUNDS]
set -eu
cd "$(dirname "$0")/../.."
exec python3 bench/wfcommons/bench.py "$@"

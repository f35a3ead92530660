#!/bin/sh
# Stand-in for the NWChem mini-app's tasks in small real runs: sleep for the
# task's time, then write its result where hetflow reads it.
#   standin.sh ROLE SECONDS
#   ROLE dft: an ab-initio calculation; its uncertainty falls with the task
#             index (0.9^index), as the surrogate's does with more data.
#   ROLE md, train, uq, pretrain: no result.
set -eu
role=$1
sleep "$2"
case $role in
dft) awk -v i="$HETFLOW_TASK_INDEX" 'BEGIN { printf "{\"uncertainty\": %.6f}\n", 0.9 ^ i }' \
        >"$HETFLOW_RESULT" ;;
md | train | uq | pretrain) ;;
*) echo "standin.sh: unknown role '$role'" >&2; exit 2 ;;
esac

#!/bin/sh
# Installs what hetflow needs to build and test on Debian 12, and nothing more.
# Idempotent: a package already installed is left alone; as root it uses apt-get,
# otherwise it prints the exact command to run.
set -eu

# Build (and `make demo`): compiler, CMake, the libraries hetflow uses, and
# python3 (the demo's tasks and the Python workers).
BUILD="build-essential cmake pkg-config libyaml-dev libjansson-dev libyajl-dev libcmocka-dev
libhwloc-dev libsqlite3-dev python3"
# Tests: procps (pgrep), chromium (renders the HTML report), time and bc
# (the benchmarks' peak memory and wall times); a Slurm started by the tests
# (slurmctld, slurmd, their client commands, munge, the PMIx plugin) and
# Open MPI (mpiexec, mpicc) for the launcher tests, iproute2 and util-linux
# (network namespaces as extra nodes); python3-jsonschema (checks exported
# WfFormat against its schema); python3-distributed (Dask, which
# bench/functions compares function tasks with).
TEST="procps chromium time bc
slurmctld slurmd slurm-client slurm-wlm-basic-plugins munge libpmix2
openmpi-bin libopenmpi-dev iproute2 util-linux python3-jsonschema python3-distributed"

# No argument: what the tests need too; `--build`: only what building and
# `make demo` need; `--fuzz`: the tests' and the libFuzzer harnesses'.
case "${1:-}" in
--build) PACKAGES="$BUILD" ;;
--fuzz) PACKAGES="$BUILD $TEST clang libclang-rt-14-dev" ;;
*) PACKAGES="$BUILD $TEST" ;;
esac

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "hetflow: missing build dependencies; run:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi

echo "hetflow: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

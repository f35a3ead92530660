#!/usr/bin/env python3
"""A task that records what it was given: its CPU affinity, its GPU
variables and the HETFLOW_* variables, with the wall-clock times around a
short sleep, in $HETFLOW_WORKDIR/probe/<set>-<index>.json."""
import json
import os
import sys
import time

start = time.time()
time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 0.3)
env = os.environ
record = {
    "set": env["HETFLOW_SET"], "index": int(env["HETFLOW_TASK_INDEX"]),
    "task": int(env["HETFLOW_TASK_ID"]), "node": int(env["HETFLOW_NODE"]),
    "cpus": sorted(os.sched_getaffinity(0)),
    "hetflow_cores": env["HETFLOW_CORES"], "hetflow_gpus": env["HETFLOW_GPUS"],
    "cuda": env["CUDA_VISIBLE_DEVICES"], "rocr": env["ROCR_VISIBLE_DEVICES"],
    "hip": env["HIP_VISIBLE_DEVICES"], "workdir": env["HETFLOW_WORKDIR"],
    "start": start, "end": time.time(),
}
d = os.path.join(env["HETFLOW_WORKDIR"], "probe")
os.makedirs(d, exist_ok=True)
with open(os.path.join(d, f"{record['set']}-{record['index']}.json"), "w") as f:
    json.dump(record, f)

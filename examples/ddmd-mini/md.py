#!/usr/bin/env python3
"""Stand-ins for DeepDriveMD's four steps, small enough for a laptop.

  md.py sim ITER INDEX SECONDS    "molecular dynamics": burn CPU, write a trajectory
  md.py agg ITER SECONDS          gather the iteration's trajectories
  md.py train ITER SECONDS        fit a tiny model (mean and spread) to them
  md.py infer ITER INDEX SECONDS  score one trajectory with the model

Every step does real work for about SECONDS of CPU time on one core and
reads and writes files under $HETFLOW_WORKDIR/data, so a step that runs
before its inputs exist fails loudly.  Python standard library only.
"""
import json
import math
import os
import random
import sys
import time


def data(name):
    d = os.path.join(os.environ.get("HETFLOW_WORKDIR", "."), "data")
    os.makedirs(d, exist_ok=True)
    return os.path.join(d, name)


def burn(seconds, seed):
    """Integrate a noisy oscillator until `seconds` of CPU time have passed."""
    rng = random.Random(seed)
    x, v, path = 1.0, 0.0, []
    end = time.process_time() + seconds
    while time.process_time() < end:
        for _ in range(2000):
            v += -x * 0.01 + rng.gauss(0, 0.001)
            x += v * 0.01
        path.append(x)
    return path


def sim(it, index, seconds):
    path = burn(seconds, seed=it * 1000 + index)
    with open(data(f"traj-{it}-{index}.json"), "w") as f:
        json.dump(path, f)


def agg(it, seconds):
    points = []
    for name in sorted(os.listdir(data(""))):
        if name.startswith(f"traj-{it}-"):
            with open(data(name)) as f:
                points.extend(json.load(f))
    if not points:
        sys.exit(f"agg {it}: no trajectories")
    burn(seconds, seed=it)
    with open(data(f"agg-{it}.json"), "w") as f:
        json.dump(points, f)


def train(it, seconds):
    with open(data(f"agg-{it}.json")) as f:
        points = json.load(f)
    burn(seconds, seed=it)
    mean = sum(points) / len(points)
    spread = math.sqrt(sum((p - mean) ** 2 for p in points) / len(points))
    with open(data(f"model-{it}.json"), "w") as f:
        json.dump({"mean": mean, "spread": spread}, f)


def infer(it, index, seconds):
    with open(data(f"model-{it}.json")) as f:
        model = json.load(f)
    with open(data(f"traj-{it}-{index}.json")) as f:
        path = json.load(f)
    burn(seconds, seed=index)
    score = max(abs(p - model["mean"]) for p in path) / (model["spread"] or 1)
    print(json.dumps({"iteration": it, "trajectory": index, "outlier_score": score}))


def main(argv):
    step, args = argv[1], [float(a) for a in argv[2:]]
    if step == "sim":
        sim(int(args[0]), int(args[1]), args[2])
    elif step == "agg":
        agg(int(args[0]), args[1])
    elif step == "train":
        train(int(args[0]), args[1])
    elif step == "infer":
        infer(int(args[0]), int(args[1]), args[2])
    else:
        sys.exit(f"unknown step {step}")


if __name__ == "__main__":
    main(sys.argv)

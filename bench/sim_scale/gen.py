#!/usr/bin/env python3
"""Generate a layered random workflow for the simulator's scale benchmark.

Sets are laid out in layers; each set after the first layer depends on one
to three sets of the layer before it, all-tasks or (when sizes match)
one-to-one.  Shapes mix CPU tasks (1-16 cores) and GPU tasks (1-8 cores with
1-2 GPUs); durations are drawn from 10-1000 s, some with a stddev.  The
random stream is seeded, so one seed always gives one file.
"""
import argparse
import random
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=1_000_000)
    ap.add_argument("--sets", type=int, default=10_000)
    ap.add_argument("--layers", type=int, default=100)
    ap.add_argument("--nodes", type=int, default=4096)
    ap.add_argument("--cores", type=int, default=64)
    ap.add_argument("--gpus", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", default="-")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    per_set = args.tasks // args.sets
    per_layer = args.sets // args.layers
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    w = out.write
    w(f"# layered random DAG: {args.sets} sets x {per_set} tasks in "
      f"{args.layers} layers (bench/sim_scale/gen.py --seed {args.seed})\n")
    w("name: sim-scale\n")
    w(f"platform: {{nodes: {args.nodes}, cores_per_node: {args.cores}, "
      f"gpus_per_node: {args.gpus}}}\n")
    w("mode: task\npolicy: critical-path\nsets:\n")
    prev = []
    for layer in range(args.layers):
        cur = []
        for k in range(per_layer):
            name = f"s{layer}_{k}"
            if rng.random() < 0.3:
                cores, gpus = rng.randint(1, 8), rng.randint(1, 2)
            else:
                cores, gpus = rng.randint(1, 16), 0
            mean = rng.randint(10, 1000)
            if rng.random() < 0.5:
                duration = f"{{mean: {mean}, stddev: {mean // 10}}}"
            else:
                duration = str(mean)
            fields = [f"tasks: {per_set}", f"cores: {cores}"]
            if gpus:
                fields.append(f"gpus: {gpus}")
            fields.append(f"duration: {duration}")
            if prev:
                parents = rng.sample(prev, min(len(prev), rng.randint(1, 3)))
                deps = []
                for i, p in enumerate(parents):
                    if i == 0 and rng.random() < 0.3:
                        deps.append(f"{{set: {p}, map: one-to-one}}")
                    else:
                        deps.append(p)
                fields.append(f"after: [{', '.join(deps)}]")
            w(f"  {name}: {{{', '.join(fields)}}}\n")
            cur.append(name)
        prev = cur
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()

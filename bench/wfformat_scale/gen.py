#!/usr/bin/env python3
"""Generate a WfFormat 1.5 instance for the importer's scale benchmark.

Tasks are laid out in layers; each task after the first layer has one or two
parents in the layer before it, listed in both its `parents` and the
parents' `children`, as WfCommons writes them.  Runtimes are drawn from
1-1000 s and core counts from 1-8.  The JSON is compact (no spaces, ids in base 36)
so that a million tasks fit under hetflow's 128 MiB file limit.  The random stream
is seeded, so one seed always gives one file.
"""
import argparse
import random
import sys


def base36(i):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = digits[i % 36]
    while i >= 36:
        i //= 36
        s = digits[i % 36] + s
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=1_000_000)
    ap.add_argument("--layers", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", default="-")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    n = args.tasks
    per_layer = max(1, n // args.layers)
    ids = [f"t{base36(i)}" for i in range(n)]
    parents = [[] for _ in range(n)]
    children = [[] for _ in range(n)]
    for i in range(per_layer, n):
        first = (i // per_layer - 1) * per_layer
        for p in rng.sample(range(first, min(first + per_layer, n)), rng.randint(1, 2)):
            parents[i].append(ids[p])
            children[p].append(ids[i])
    quoted = lambda names: ",".join(f'"{x}"' for x in names)
    specs = (f'{{"name":"{t}","id":"{t}","parents":[{quoted(parents[i])}],'
             f'"children":[{quoted(children[i])}]}}' for i, t in enumerate(ids))
    runs = (f'{{"id":"{t}","runtimeInSeconds":{rng.randint(1, 1000)},'
            f'"coreCount":{rng.randint(1, 8)}}}' for t in ids)
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    out.write('{"name":"wfformat-scale","schemaVersion":"1.5","workflow":{\n'
              '"specification":{"tasks":[\n')
    out.write(",\n".join(specs))
    out.write('\n],"files":[]},\n"execution":{"makespanInSeconds":1,'
              '"executedAt":"20240101T000000+0000","tasks":[\n')
    out.write(",\n".join(runs))
    out.write("\n]}}}\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()

"""The adaptive DeepDriveMD loop through hetflow's Python API.

Each round: MD simulations -> aggregation -> training of the model -> 
inference, which finds outliers; the next round simulates from as many
outliers as inference found, and the loop stops when training's loss is
under a target (or after MAX_ROUNDS).  The rounds are submitted from an
on-task-end callback while the run goes on, so round k+1 starts the moment
round k's inference ends.

    python3 ddmd_loop.py                 # simulate (16 nodes' worth of a DDMD run)
    python3 ddmd_loop.py --real WORKDIR  # for real: small stand-in tasks here

Needs libhetflow.so: set HETFLOW_LIB, or install hetflow (cmake --install).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "python"))
from hetflow.api import Run, Workflow  # noqa: E402

MAX_ROUNDS = 6
TARGET_LOSS = 0.1


def round_sets(k, sims, real):
    """Round k's sets: durations and result models for simulation, and
    commands writing the same results for a real run."""
    loss = 0.6 ** (k + 1)       # training improves each round
    outliers = max(2, sims - 2)  # inference keeps most simulations busy
    def sh(seconds, result=None):
        out = f' && echo \'{result}\' > "$HETFLOW_RESULT"' if result else ""
        return f"sleep {seconds}{out}"
    sets = {
        f"md{k}": {"tasks": sims, "cores": 1, "duration": 0.3 if real else 600,
                   "command": sh(0.3)},
        f"agg{k}": {"duration": 0.1 if real else 60, "command": sh(0.1)},
        f"train{k}": {"duration": 0.2 if real else 900,
                      "result": {"loss": {"start": loss, "factor": 1}},
                      "command": sh(0.2, f'{{"loss": {loss}}}')},
        f"infer{k}": {"duration": 0.1 if real else 120,
                      "result": {"outliers": {"start": outliers, "factor": 1}},
                      "command": sh(0.1, f'{{"outliers": {outliers}}}')},
    }
    chain = [(f"agg{k}", f"md{k}"), (f"train{k}", f"agg{k}"), (f"infer{k}", f"train{k}")]
    return sets, chain


def main(argv):
    real = len(argv) == 3 and argv[1] == "--real"
    workdir = argv[2] if real else None
    # The workflow starts as round 0; the others are submitted as it runs.
    sets, chain = round_sets(0, 8, real)
    for child, parent in chain:
        sets[child]["after"] = [parent]
    run = Run(Workflow({"name": "ddmd-loop", "sets": sets}),
              platform=None if real else (4, 8, 2), workdir=workdir)
    rounds = [0]

    def on_end(r, task):
        t = r.task(task)
        k = rounds[-1]
        if t["set"] != f"infer{k}" or t["state"] != "done":
            return
        loss = r.result(r.tasks_of(f"train{k}")[0])["loss"]
        outliers = int(r.result(task)["outliers"])
        print(f"round {k}: loss {loss:.4f}, {outliers} outliers")
        if loss < TARGET_LOSS or k + 1 == MAX_ROUNDS:
            return
        nxt, links = round_sets(k + 1, outliers, real)
        for name, spec in nxt.items():
            after = [p for c, p in links if c == name]
            r.submit(name, spec, after=after)
        rounds.append(k + 1)

    run.on_task_end(on_end)
    s = run.run()
    print(f"rounds {len(rounds)}, tasks {s['tasks']}, done {s['tasks_done']}, "
          f"makespan {s['makespan']:.1f} s")
    run.close()
    return 0 if s["tasks_done"] == s["tasks"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

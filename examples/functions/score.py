"""The function of examples/functions/score.yaml (docs/functions.md): each
call scores one sample.  Standard library only."""
import math


def score(args):
    """args: {"sample": N, "model": NAME}; returns the task's result."""
    i = args["sample"]
    return {"sample": i, "score": round(math.sin(i) ** 2, 6)}

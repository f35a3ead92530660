"""Python functions for the worker tests (tests/unit/test_worker.c)."""


def square(args):
    return {"square": args["x"] * args["x"]}


def boom(args):
    if args["x"] == 1:
        raise ValueError("x must not be 1")
    return None


def empty(args):
    """Nothing: for the workers' rate (bench/functions)."""
    return None

"""Python functions for the worker tests (tests/unit/test_worker.c,
tests/cli/test_functions.py)."""


def square(args):
    return {"square": args["x"] * args["x"]}


def boom(args):
    if args["x"] == 1:
        raise ValueError("x must not be 1")
    return None


def empty(args):
    """Nothing: for the workers' rate (bench/functions)."""
    return None


def nap(args):
    """Sleeps args["s"] seconds: a call to time out or to kill."""
    import time
    time.sleep(args["s"])
    return {"slept": args["s"]}


def die_once(args):
    """Kills its own worker the first time it runs for args["x"] == 1 (a
    marker file in args["dir"] remembers), as an out-of-memory kill would."""
    import os
    import signal
    marker = os.path.join(args["dir"], "died")
    if args["x"] == 1 and not os.path.exists(marker):
        open(marker, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    return {"x": args["x"], "pid": os.getpid()}

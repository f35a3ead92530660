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
    marker file in args["dir"] remembers), as an out-of-memory kill would;
    prints each call first."""
    import os
    import signal
    print(f"call {args['x']}")
    marker = os.path.join(args["dir"], "died")
    if args["x"] == 1 and not os.path.exists(marker):
        open(marker, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    return {"x": args["x"], "pid": os.getpid()}


def chatty(args):
    """Prints on every call: print, sys.stdout, os.write(1), stderr, and a
    child process once; reads stdin (empty); fails for x == 7."""
    import os
    import subprocess
    import sys
    x = args["x"]
    print(f"print {x}")
    sys.stdout.write(f"write {x}\n")
    os.write(1, f"raw {x}\n".encode())
    print(f"err {x}", file=sys.stderr)
    if x == 0:
        subprocess.run(["echo", "child"], check=True)
    if x == 7:
        raise ValueError("chatty 7")
    return {"x": x, "stdin": sys.stdin.read()}


def big_at1(args):
    """For x == 1, a result of 70,000,000 bytes as JSON, over the frame
    limit; else x and the worker's pid."""
    import os
    if args["x"] == 1:
        return {"s": "x" * (70_000_000 - 8)}
    return {"x": args["x"], "pid": os.getpid()}

"""hetflow's Python worker: a persistent process that runs Python function
tasks, speaking the frame protocol of src/worker/frame.h on stdin/stdout.

    python3 -m hetflow.worker MODULE:CALLABLE

It imports MODULE once and, for every request, calls CALLABLE with the
task's arguments (a dict from JSON).  What it returns is the task's result:
a dict as it is, None for none, anything else as {"value": it}; it must be
JSON.  An exception fails the task with its text.  Standard library only.
"""
import importlib
import json
import os
import struct
import sys
import traceback

READY = 0xFFFFFFFF
OK, FAILED = 0, 1
HEAD = struct.Struct("<III")


def frame(task, status, payload):
    return HEAD.pack(len(payload) + 8, task, status) + payload


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def load(target):
    module, sep, name = target.partition(":")
    if not sep or not module or not name:
        raise ValueError(f"'{target}' is not MODULE:CALLABLE")
    fn = importlib.import_module(module)
    for part in name.split("."):
        fn = getattr(fn, part)
    if not callable(fn):
        raise TypeError(f"{target} is not callable")
    return fn


def run(fn, payload):
    """The reply (status, bytes) for one request."""
    try:
        args = json.loads(payload) if payload else {}
        result = fn(args)
        if result is None:
            return OK, b""
        if not isinstance(result, dict):
            result = {"value": result}
        return OK, json.dumps(result, separators=(",", ":")).encode()
    except Exception as e:  # noqa: BLE001 - every failure is the task's
        text = "".join(traceback.format_exception_only(type(e), e)).strip()
        return FAILED, text.encode("utf-8", "replace")


def main(argv):
    """Requests are read in chunks (a pipeline of small tasks costs a read
    per chunk, not per task); each reply is written before the next call
    starts, so that when the worker dies hetflow has the replies of every
    call that ended and knows which one it died in."""
    if len(argv) != 2:
        write_all(1, frame(READY, FAILED, b"usage: python3 -m hetflow.worker MODULE:CALLABLE"))
        return 1
    try:
        fn = load(argv[1])
    except Exception as e:  # noqa: BLE001
        write_all(1, frame(READY, FAILED, f"{argv[1]}: {e}".encode()))
        return 1
    write_all(1, frame(READY, OK, b"hetflow-worker 1 python"))
    buf = bytearray()
    while True:
        chunk = os.read(0, 1 << 16)
        if not chunk:
            return 0  # hetflow closed the pipe
        buf += chunk
        at = 0
        while len(buf) - at >= HEAD.size:
            length, task, _ = HEAD.unpack_from(buf, at)
            if length < 8:
                return 1  # not our protocol
            if len(buf) - at < 4 + length:
                break
            payload = bytes(buf[at + HEAD.size:at + 4 + length])
            at += 4 + length
            status, reply = run(fn, payload)
            write_all(1, frame(task, status, reply))
        del buf[:at]


if __name__ == "__main__":
    sys.exit(main(sys.argv))

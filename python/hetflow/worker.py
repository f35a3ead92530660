"""hetflow's Python worker: a persistent process that runs Python function
tasks, speaking the frame protocol of src/worker/frame.h.

    python3 -m hetflow.worker MODULE:CALLABLE

The frames arrive on stdin and stdout, which the worker moves to
descriptors of its own before it imports MODULE: the function's stdin is
/dev/null and its stdout (print, sys.stdout, os.write(1, ...)) the worker's
stderr, its .err file, so that nothing it prints can break the protocol.

It imports MODULE once and, for every request, calls CALLABLE with the
task's arguments (a dict from JSON).  What it returns is the task's result:
a dict as it is, None for none, anything else as {"value": it}; it must be
JSON, and fit in a frame (64 MiB).  An exception fails the task with its
text.  Standard library only.
"""
import importlib
import io
import json
import os
import struct
import sys
import traceback

READY = 0xFFFFFFFF
OK, FAILED = 0, 1
HEAD = struct.Struct("<III")
FRAME_MAX = 64 << 20  # a frame's payload at most, as in frame.h


def frame(task, status, payload):
    return HEAD.pack(len(payload) + 8, task, status) + payload


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def own_fds():
    """The protocol's (read, write) descriptors, moved off stdin and stdout
    (os.dup's are not inherited by the function's children); fd 0 becomes
    /dev/null and fd 1 the log (fd 2), line-buffered so that prints land in
    order with stderr."""
    fds = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdout.flush()
    os.dup2(2, 1)
    sys.stdout = line_writer(1, sys.stdout)
    sys.stderr = line_writer(2, sys.stderr)
    return fds


def line_writer(fd, like):
    """A text stream on fd that writes each line whole. Python's own stderr
    (and a stdout reconfigured to line buffering) write print()'s end
    apart from its text, so hetflow's line for a call, appended to the same
    log, could land between the two."""
    raw = io.FileIO(fd, "w", closefd=False)
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding=like.encoding,
                            errors=like.errors, line_buffering=True)


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
        reply = json.dumps(result, separators=(",", ":")).encode()
        if len(reply) > FRAME_MAX:  # a frame cannot carry it: the call fails
            return FAILED, (f"result of {len(reply)} bytes is over the "
                            f"{FRAME_MAX >> 20} MiB frame limit").encode()
        return OK, reply
    except Exception as e:  # noqa: BLE001 - every failure is the task's
        text = "".join(traceback.format_exception_only(type(e), e)).strip()
        return FAILED, text.encode("utf-8", "replace")


def main(argv):
    """Requests are read in chunks (a pipeline of small tasks costs a read
    per chunk, not per task); each reply is written before the next call
    starts, so that when the worker dies hetflow has the replies of every
    call that ended and knows which one it died in."""
    rfd, wfd = own_fds()
    if len(argv) != 2:
        write_all(wfd, frame(READY, FAILED, b"usage: python3 -m hetflow.worker MODULE:CALLABLE"))
        return 1
    try:
        fn = load(argv[1])
    except Exception as e:  # noqa: BLE001
        write_all(wfd, frame(READY, FAILED, f"{argv[1]}: {e}".encode()))
        return 1
    write_all(wfd, frame(READY, OK, b"hetflow-worker 1 python"))
    buf = bytearray()
    while True:
        chunk = os.read(rfd, 1 << 16)
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
            write_all(wfd, frame(task, status, reply))
        del buf[:at]


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The Python function worker (python/hetflow/worker.py) on its own: what a
function prints reaches the log a line per write, so that hetflow's own
line for a call, appended to the same log, never lands inside one."""
import os
import socket
import subprocess
import sys
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

# The worker's set-up of its descriptors, then prints through every stream
# a function may use; each message of the socket is one write().
PRINTS = """
import sys
from hetflow import worker
worker.own_fds()
print("print 9")
print("a", "b", sep="-")
sys.stdout.write("part")
sys.stdout.write("ly\\n")
print("err 9", file=sys.stderr)
sys.stdout.flush()
sys.stderr.flush()
"""


class Worker(unittest.TestCase):
    def test_each_line_is_one_write(self):
        # A SOCK_SEQPACKET socket as the log keeps write() boundaries. With
        # Python's own streams "print 9" and its newline were two writes.
        log, ours = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
        p = subprocess.run([sys.executable, "-c", PRINTS], stdin=subprocess.DEVNULL,
                           stdout=log, stderr=log, env=env, timeout=60)
        log.close()
        self.assertEqual(p.returncode, 0)
        writes = []
        while True:
            msg = ours.recv(4096)
            if not msg:
                break
            writes.append(msg)
        self.assertEqual(writes, [b"print 9\n", b"a-b\n", b"partly\n", b"err 9\n"])


if __name__ == "__main__":
    unittest.main()

"""Function tasks for real: C and Python calls in persistent workers, their
results, a function that raises, a worker that dies mid-call (the call it
ran fails or is retried, the calls behind it run on a new worker), a
timeout, a pool shared by two sets, and bad function sets; and the pool
model in simulation, its times worked out."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import unittest

from clitest import FAKE_LIB, HETFLOW, CliTest, run, run_json

LIB = os.path.abspath(os.path.join(FAKE_LIB, "libhffn.so"))
PYFUNCTIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                           "pyfunctions.py")


class Functions(CliTest):
    def setUp(self):
        super().setUp()
        # Python workers import the module from the workflow file's folder.
        shutil.copy(PYFUNCTIONS, self.dir)
        # The same module under a name of this run's own (its process id),
        # for the workers that a search (pgrep -f) must tell from those of
        # the same test run side by side in another build tree.
        self.own = f"pyfunctions_{os.getpid():07d}"
        shutil.copy(PYFUNCTIONS, os.path.join(self.dir, self.own + ".py"))

    def journal(self, work):
        db = sqlite3.connect(os.path.join(work, "journal.db"))
        try:
            return {name + f"[{idx}]": (state, status, attempts,
                                        json.loads(result) if result else None)
                    for name, idx, state, status, attempts, result in db.execute(
                        "SELECT sets.name, idx, state, status, attempts, result "
                        "FROM tasks JOIN sets ON sets.id = tasks.set_id")}
        finally:
            db.close()

    def run_workflow(self, text, expect=0):
        path = self.write("w.yaml", text)
        work = os.path.join(self.dir, "work")
        rc, out, err = run("run", path, "--workdir", work, "--quiet", "--json")
        self.assertEqual(rc, expect, err)
        return json.loads(out), self.journal(work), work

    def test_c_and_python_results(self):
        out, tasks, _ = self.run_workflow(f"""
platform: {{nodes: 1, cores_per_node: 2}}
sets:
  echo:
    tasks: 3
    function: {{library: {LIB}, symbol: hf_echo}}
    workers: {{count: 2}}
    args: {{x: "{{index}}", name: "t{{index}}", list: [1, two, 3.5, true, null]}}
  square:
    tasks: 3
    function: {{python: "pyfunctions:square"}}
    args: {{x: "{{index}}"}}
    after: [echo]
""")
        self.assertEqual((out["tasks_done"], out["tasks_failed"]), (3 + 3 + 2 + 1, 0))
        self.assertEqual(tasks["echo[2]"][3], {"args": {"x": 2, "name": "t2",
                                                        "list": [1, "two", 3.5, True, None]}})
        self.assertEqual([tasks[f"square[{i}]"][3] for i in range(3)],
                         [{"square": 0}, {"square": 1}, {"square": 4}])
        # The pools served their sets and were stopped after them, done.
        self.assertEqual(tasks["echo.workers[1]"][0], "done")
        self.assertGreaterEqual(out["sets"]["echo.workers"]["end"], out["sets"]["echo"]["end"])
        self.assertLessEqual(out["sets"]["square.workers"]["start"],
                             out["sets"]["square"]["start"])
        self.assertGreaterEqual(out["sets"]["square.workers"]["start"],
                                out["sets"]["echo"]["end"])  # wanted only then
        # Stopped when no set needed them: no line of hetflow's that reads
        # as a failure ("stopped by hetflow, signal 15").
        for name in ("echo.workers/0.err", "echo.workers/1.err", "square.workers/0.err"):
            with open(os.path.join(self.dir, "work", name)) as f:
                self.assertNotIn("hetflow:", f.read(), name)

    def test_set_in_args(self):
        # {set} stands for the set's name in args as in a command: a JSON
        # string's text, its " and \\ escaped.
        _, tasks, _ = self.run_workflow(f"""
platform: {{nodes: 1, cores_per_node: 2}}
sets:
  'e"ch\\o':
    tasks: 2
    function: {{library: {LIB}, symbol: hf_echo}}
    args: {{who: "{{set}}", tag: "{{set}}-{{index}}"}}
""")
        self.assertEqual(tasks['e"ch\\o[1]'][3],
                         {"args": {"who": 'e"ch\\o', "tag": 'e"ch\\o-1'}})

    def test_python_with_pythonpath_set(self):
        # A user's PYTHONPATH joins the worker's, once: the worker still
        # finds hetflow.worker and the workflow's module, and the user's
        # folder is on the path too.
        extra = os.path.join(self.dir, "extra")
        os.mkdir(extra)
        with open(os.path.join(extra, "usermod.py"), "w") as f:
            f.write("VALUE = 7\n")
        path = self.write("w.yaml", """
sets:
  square:
    tasks: 2
    function: {python: "pyfunctions:square"}
    args: {x: "{index}"}
""")
        # python3 behind a shell wrapper, as pyenv's shims and module
        # systems have it: a shell keeps the last of two entries of a name.
        wrappers = os.path.join(self.dir, "bin")
        os.mkdir(wrappers)
        with open(os.path.join(wrappers, "python3"), "w") as f:
            f.write(f"#!/bin/bash\nexec {sys.executable} \"$@\"\n")
        os.chmod(os.path.join(wrappers, "python3"), 0o755)
        work = os.path.join(self.dir, "work")
        env = dict(os.environ, PYTHONPATH=extra,
                   PATH=wrappers + os.pathsep + os.environ["PATH"])
        rc, out, err = run("run", path, "--workdir", work, "--quiet", "--json", env=env)
        self.assertEqual(rc, 0, err)
        tasks = self.journal(work)
        self.assertEqual([tasks[f"square[{i}]"][3] for i in range(2)],
                         [{"square": 0}, {"square": 1}])

    def interpreter(self, name):
        """A Python behind a wrapper script in the test's folder that logs
        each start (its arguments) and execs this python."""
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(f'#!/bin/sh\necho "$*" >> "{path}.log"\nexec {sys.executable} "$@"\n')
        os.chmod(path, 0o755)
        return path

    def test_python_interpreter(self):
        # The set's interpreter starts its workers (a path relative to the
        # workflow file's folder, from elsewhere), PYTHONPATH as always;
        # validate names it.
        wrapper = self.interpreter("py.sh")
        path = self.write("w.yaml", """
platform: {nodes: 1, cores_per_node: 2}
sets:
  square:
    tasks: 3
    function: {python: "pyfunctions:square", interpreter: ./py.sh}
    workers: {count: 2}
    args: {x: "{index}"}
  again:
    after: [square]
    tasks: 2
    function: {python: "pyfunctions:square", interpreter: ./py.sh}
    workers: square
    args: {x: 5}
""")
        rc, out, err = run("validate", path, cwd="/")
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual(out.splitlines()[1], f"{path}: square.workers: Python {wrapper}")
        work = os.path.join(self.dir, "work")
        rc, out, err = run("run", path, "--workdir", work, "--quiet", "--json", cwd="/")
        self.assertEqual(rc, 0, err)
        tasks = self.journal(work)
        self.assertEqual([tasks[f"square[{i}]"][3] for i in range(3)],
                         [{"square": 0}, {"square": 1}, {"square": 4}])
        self.assertEqual(tasks["again[1]"][3], {"square": 25})
        with open(wrapper + ".log") as f:
            self.assertEqual(f.read().splitlines(), ["-m hetflow.worker pyfunctions:square"] * 2)

    def test_python_interpreter_on_path(self):
        # A name is looked up on PATH, as validate shows.
        bindir = os.path.join(self.dir, "bin")
        os.mkdir(bindir)
        shutil.move(self.interpreter("mypython"), os.path.join(bindir, "mypython"))
        path = self.write("w.yaml", """
sets:
  square: {function: {python: "pyfunctions:square", interpreter: mypython}, args: {x: 3}}
""")
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"])
        rc, out, err = run("validate", path, env=env)
        self.assertEqual(out.splitlines()[1],
                         f"{path}: square.workers: Python {bindir}/mypython")
        rc, out, err = run("validate", path)
        self.assertEqual((rc, out), (2, ""))
        self.assertEqual(err, f"{path}:3:66: interpreter 'mypython' is not on PATH\n")

    def test_bad_interpreter(self):
        # A program that is not there, or not executable, is the file's
        # error at its place, before anything runs: validate, simulate, run.
        with open(os.path.join(self.dir, "notexec"), "w") as f:
            f.write("#!/bin/sh\n")
        for given, why in (("./nope", "No such file or directory"),
                           ("notexec", "Permission denied"), ("/", "not a file")):
            resolved = given if given.startswith("/") else \
                os.path.join(self.dir, given.removeprefix("./"))
            given = given if "/" in given else "./" + given
            path = self.write("w.yaml", f"""
sets:
  square:
    function: {{python: "pyfunctions:square",
                interpreter: "{given}"}}
""")
            for cmd in ("validate", "simulate", "run"):
                work = ["--workdir", os.path.join(self.dir, "work")] if cmd == "run" else []
                rc, out, err = run(cmd, path, *work)
                self.assertEqual((rc, out), (2, ""), cmd)
                self.assertEqual(err, f"{path}:5:30: interpreter '{resolved}' is not an "
                                 f"executable file ({why})\n", cmd)

    def test_python_raises(self):
        out, tasks, work = self.run_workflow("""
sets:
  boom:
    tasks: 3
    function: {python: "pyfunctions:boom"}
    args: {x: "{index}"}
    on_failure: continue
""", expect=1)
        self.assertEqual((out["tasks_done"], out["tasks_failed"]), (3, 1))
        state, status, _, result = tasks["boom[1]"]
        self.assertEqual((state, status), ("failed", 1))
        self.assertEqual(result, {"error": "ValueError: x must not be 1"})
        self.assertEqual(tasks["boom[2]"][0], "done")
        with open(os.path.join(work, "boom.workers", "0.err")) as f:
            self.assertIn("boom[1] failed: ValueError: x must not be 1", f.read())

    def test_resume_keeps_failed_calls_and_retries_them_when_asked(self):
        # A call that failed stays failed on resume, with its error, and its
        # dependents canceled; the resume exits 1, and both name the
        # worker's .err that noted it.  --retry-failed runs it again, in a
        # pool started again (its workers were recorded done when they
        # were stopped); once it succeeds, a further resume changes nothing.
        with open(os.path.join(self.dir, "flaky.py"), "w") as f:
            f.write("import os\n"
                    "def f(args):\n"
                    "    if args['x'] == 1 and not os.path.exists(args['fixed']):\n"
                    "        raise ValueError('not yet')\n"
                    "    return {'x': args['x']}\n")
        fixed = os.path.join(self.dir, "fixed")
        out, tasks, work = self.run_workflow(f"""
sets:
  calls: {{tasks: 3, function: {{python: "flaky:f"}}, args: {{x: "{{index}}", fixed: {fixed}}}}}
  after: {{command: [true], after: [calls]}}
""", expect=1)
        log = os.path.join(work, "calls.workers", "0.err")
        self.assertEqual(tasks["calls[1]"], ("failed", 1, 0, {"error": "ValueError: not yet"}))
        rc, _, err = run("resume", work, "--quiet")
        self.assertEqual(rc, 1, err)
        self.assertIn("1 failed (kept; --retry-failed runs them again)", err)
        self.assertIn(f"task calls[1] failed: ValueError: not yet (see {log})\n", err)
        again = self.journal(work)
        self.assertEqual(again["calls[1]"], ("failed", 1, 0, {"error": "ValueError: not yet"}))
        self.assertEqual(again["after[0]"][0], "canceled")
        self.assertEqual(sorted(os.listdir(os.path.join(work, "calls.workers"))), ["0.err"])
        with open(log) as f:
            self.assertIn("hetflow: calls[1] failed: ValueError: not yet\n", f.read())
        rc, out, err = run("status", work, "--json")
        self.assertEqual(json.loads(out)["failed"],
                         [{"task": "calls[1]", "set": "calls", "index": 1, "tries": 1,
                           "file": log, "reason": "ValueError: not yet"}])
        # Retried while the cause is still there: it fails again, noted in
        # the restarted worker's own file.
        rc, _, err = run("resume", work, "--quiet", "--retry-failed")
        self.assertEqual(rc, 1, err)
        self.assertIn("task calls[1] failed: ValueError: not yet (see "
                      f"{os.path.join(work, 'calls.workers', '0.1.err')})\n", err)
        open(fixed, "w").close()
        rc, out, err = run("resume", work, "--quiet", "--json", "--retry-failed")
        self.assertEqual(rc, 0, err)
        self.assertEqual({k: v[0] for k, v in self.journal(work).items()},
                         {"calls[0]": "done", "calls[1]": "done", "calls[2]": "done",
                          "after[0]": "done", "calls.workers[0]": "done"})
        rc, out, err = run("resume", work, "--quiet", "--json")
        self.assertEqual(rc, 0, err)
        self.assertEqual(set(v[0] for v in self.journal(work).values()), {"done"})

    def test_worker_killed_mid_call_is_retried(self):
        out, tasks, work = self.run_workflow(f"""
sets:
  calls:
    tasks: 6
    function: {{python: "pyfunctions:die_once"}}
    workers: {{count: 1, window: 8}}
    args: {{x: "{{index}}", dir: "{self.dir}"}}
    retries: 1
""")
        self.assertEqual((out["tasks_done"], out["tasks_failed"]), (7, 0))
        # Call 1 killed its worker: it was retried once, on a new worker;
        # the calls queued behind it were sent again without a retry.
        self.assertEqual(tasks["calls[1]"][:3], ("done", 0, 1))
        for i in (0, 2, 3, 4, 5):
            self.assertEqual(tasks[f"calls[{i}]"][2], 0, i)
        self.assertNotEqual(tasks["calls[0]"][3]["pid"], tasks["calls[5]"][3]["pid"])
        self.assertEqual(tasks["calls[1]"][3]["pid"], tasks["calls[5]"][3]["pid"])
        # What each worker printed is in its own .err, the dead one's with
        # why it ended.
        for name, want in (("0.err", ["call 0", "call 1", "hetflow: signal 9 (Killed)"]),
                           ("0.1.err", [f"call {i}" for i in range(1, 6)])):
            with open(os.path.join(work, "calls.workers", name)) as f:
                self.assertEqual(f.read().splitlines(), want, name)

    def test_worker_dies_while_hetflow_writes(self):
        # Requests of 1 MB, 16 sent ahead, to a worker that dies on its
        # first call: hetflow's next write to the closed pipe must fail with
        # EPIPE, not kill hetflow with SIGPIPE.  The calls taken back go
        # again at once (they once waited a launcher's backoff, up to 10 s
        # each time: 20 calls took two minutes).
        pad = "x" * (1 << 20)
        t0 = time.monotonic()
        out, tasks, _ = self.run_workflow(f"""
sets:
  calls:
    tasks: 20
    function: {{library: {LIB}, symbol: hf_crash}}
    workers: {{count: 1, window: 16}}
    args: {{pad: {pad}}}
""", expect=1)
        self.assertEqual((out["tasks_done"], out["tasks_failed"]), (1, 20))  # + the pool
        self.assertLess(time.monotonic() - t0, 30)

    def test_worker_killed_from_outside(self):
        # As the OOM killer would: SIGKILL to the worker while call 0 naps.
        path = self.write("w.yaml", """
sets:
  naps:
    tasks: 2
    function: {python: "%s:nap"}
    workers: {count: 1}
    args: {s: 1.5}
    retries: 1
""" % self.own)
        work = os.path.join(self.dir, "work")
        p = subprocess.Popen([HETFLOW, "run", path, "--workdir", work, "--quiet", "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 10
        pid = ""
        while not pid and time.monotonic() < deadline:
            time.sleep(0.3)
            pid = subprocess.run(["pgrep", "-f", f"hetflow.worker {self.own}:nap"],
                                 capture_output=True, text=True).stdout.split()
        self.assertTrue(pid, "the worker did not start")
        time.sleep(0.5)  # imported, and into call 0's 1.5 s
        os.kill(int(pid[0]), 9)
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, err)
        tasks = self.journal(work)
        self.assertEqual(tasks["naps[0]"][:3], ("done", 0, 1))  # failed once, retried
        self.assertEqual(tasks["naps[1]"][:3], ("done", 0, 0))  # taken back, not failed
        # The killed worker's file keeps why it ended; its successor has its own.
        folder = os.path.join(work, "naps.workers")
        self.assertEqual(sorted(os.listdir(folder)), ["0.1.err", "0.err"])
        with open(os.path.join(folder, "0.err")) as f:
            self.assertEqual(f.read().splitlines()[-1], "hetflow: signal 9 (Killed)")

    def test_c_crash_fails_only_its_call(self):
        out, tasks, work = self.run_workflow(f"""
sets:
  calls:
    tasks: 5
    function: {{library: {LIB}, symbol: hf_crash_at2}}
    args: {{x: "{{index}}"}}
    on_failure: continue
""", expect=1)
        self.assertEqual((out["tasks_done"], out["tasks_failed"]), (5, 1))
        self.assertEqual(tasks["calls[2]"][:2], ("failed", -6))  # SIGABRT
        self.assertEqual(tasks["calls[2]"][3], {"error": "its worker died of signal 6"})
        self.assertEqual(tasks["calls[4]"][3], {"args": {"x": 4}})

    def test_prints_go_to_the_log(self):
        # Functions that print on every call (stdio, fd 1, stderr, a child)
        # run all their calls on one worker; the prints, and hetflow's line
        # for the call that failed, are all in the worker's .err.
        n = 300
        out, tasks, work = self.run_workflow(f"""
sets:
  c:
    tasks: {n}
    function: {{library: {LIB}, symbol: hf_chatty}}
    args: {{x: "{{index}}"}}
    on_failure: continue
  py:
    tasks: {n}
    function: {{python: "pyfunctions:chatty"}}
    args: {{x: "{{index}}"}}
    on_failure: continue
""", expect=1)
        self.assertEqual((out["tasks_done"], out["tasks_failed"]), (2 * (n - 1) + 2, 2))
        for i in range(n):
            if i != 7:
                self.assertEqual(tasks[f"c[{i}]"][:4], ("done", 0, 0, {"args": {"x": i}}))
                self.assertEqual(tasks[f"py[{i}]"][:4], ("done", 0, 0, {"x": i, "stdin": ""}))
        self.assertEqual(tasks["c[7]"][:4], ("failed", 1, 0, {"error": "chatty 7"}))
        self.assertEqual(tasks["py[7]"][:4],
                         ("failed", 1, 0, {"error": "ValueError: chatty 7"}))
        for name, kinds, failed in (("c", ("out", "raw", "err"), "chatty 7"),
                                    ("py", ("print", "write", "raw", "err"),
                                     "ValueError: chatty 7")):
            folder = os.path.join(work, f"{name}.workers")
            self.assertEqual(os.listdir(folder), ["0.err"])  # never started again
            with open(os.path.join(folder, "0.err")) as f:
                lines = f.read().splitlines()
            ours = f"hetflow: {name}[7] failed: {failed}"
            self.assertEqual(lines.count(ours), 1, name)
            arg = "{{\"x\":{}}}" if name == "c" else "{}"
            want = [f"{k} {arg.format(i)}" for i in range(n) for k in kinds]
            want.insert(len(kinds), "child")
            self.assertEqual([line for line in lines if line != ours], want, name)

    def test_result_over_the_frame_limit(self):
        # A 70,000,000-byte result fails its call with its size; the worker
        # lives on and runs the calls after it.
        out, tasks, work = self.run_workflow(f"""
sets:
  c:
    tasks: 4
    function: {{library: {LIB}, symbol: hf_big_at1}}
    args: {{x: "{{index}}"}}
    on_failure: continue
  py:
    tasks: 4
    function: {{python: "pyfunctions:big_at1"}}
    args: {{x: "{{index}}"}}
    on_failure: continue
""", expect=1)
        self.assertEqual((out["tasks_done"], out["tasks_failed"]), (3 + 3 + 2, 2))
        why = {"error": "result of 70000000 bytes is over the 64 MiB frame limit"}
        for name in ("c", "py"):
            self.assertEqual(tasks[f"{name}[1]"][:4], ("failed", 1, 0, why), name)
            self.assertEqual(os.listdir(os.path.join(work, f"{name}.workers")), ["0.err"])
        self.assertEqual([tasks[f"c[{i}]"][3] for i in (0, 2, 3)],
                         [{"args": {"x": i}} for i in (0, 2, 3)])
        pids = {tasks[f"py[{i}]"][3]["pid"] for i in (0, 2, 3)}
        self.assertEqual(len(pids), 1)
        self.assertEqual([tasks[f"py[{i}]"][3]["x"] for i in (0, 2, 3)], [0, 2, 3])

    def test_arguments_over_the_frame_limit(self):
        # A call whose arguments no frame can carry fails with their size,
        # unsent; the worker it was for runs the other set's calls.
        pad = "x" * 70_000_000
        out, tasks, work = self.run_workflow(f"""
sets:
  big:
    function: {{library: {LIB}, symbol: hf_echo}}
    args: {{x: 3, pad: {pad}}}
    on_failure: continue
  small:
    tasks: 3
    function: {{library: {LIB}, symbol: hf_echo}}
    workers: big
    args: {{x: "{{index}}"}}
""", expect=1)
        self.assertEqual((out["tasks_done"], out["tasks_failed"]), (3 + 1, 1))
        why = "arguments of 70000016 bytes are over the 64 MiB frame limit"
        self.assertEqual(tasks["big[0]"][:4], ("failed", 1, 0, {"error": why}))
        self.assertEqual([tasks[f"small[{i}]"][3] for i in range(3)],
                         [{"args": {"x": i}} for i in range(3)])
        self.assertEqual(tasks["big.workers[0]"][0], "done")
        folder = os.path.join(work, "big.workers")
        self.assertEqual(os.listdir(folder), ["0.err"])  # never started again
        with open(os.path.join(folder, "0.err")) as f:
            self.assertEqual(f.read(), f"hetflow: big[0] failed: {why}\n")

    def test_timeout_ends_a_running_call(self):
        t0 = time.monotonic()
        out, tasks, _ = self.run_workflow("""
sets:
  naps:
    tasks: 2
    function: {python: "%s:nap"}
    args: {s: 30}
    timeout: 0.5
""" % self.own, expect=1)
        self.assertLess(time.monotonic() - t0, 10)
        self.assertEqual(out["tasks_failed"], 2)
        self.assertEqual(tasks["naps[0]"][:2], ("failed", -9))
        p = subprocess.run(["pgrep", "-f", f"hetflow.worker {self.own}:nap"],
                           capture_output=True, text=True)
        self.assertEqual(p.stdout.strip(), "")

    def test_shared_pool(self):
        out, tasks, _ = self.run_workflow(f"""
platform: {{nodes: 1, cores_per_node: 2}}
sets:
  a:
    tasks: 4
    function: {{library: {LIB}, symbol: hf_echo}}
    workers: {{count: 2}}
  b:
    tasks: 4
    function: {{library: {LIB}, symbol: hf_echo}}
    workers: a
    after: [a]
""")
        self.assertEqual((out["tasks_done"], out["tasks_failed"]), (4 + 4 + 2, 0))
        self.assertNotIn("b.workers", out["sets"])
        self.assertGreaterEqual(out["sets"]["a.workers"]["end"], out["sets"]["b"]["end"])

    def test_worker_cannot_start(self):
        out, tasks, work = self.run_workflow("""
sets:
  calls: {tasks: 3, function: {library: ./no-such-lib.so, symbol: f}}
  after_calls: {after: [calls], command: [true]}
""", expect=1)
        self.assertEqual(out["tasks_canceled"], 4)
        self.assertEqual(tasks["calls.workers[0]"][0], "failed")
        with open(os.path.join(work, "calls.workers", "0.err")) as f:
            self.assertIn("the worker could not start", f.read())

    def test_bad_function_sets(self):
        cases = [
            ("  f: {function: {python: x}}\n", "2:17: python function 'x' is not MODULE:CALLABLE"),
            ("  f: {function: {library: l.so}}\n", "needs a 'library' and a 'symbol'"),
            ("  f: {function: {python: 'm:f', library: l.so}}\n", "either {python}"),
            ("  f: {function: {python: 'm:f'}, command: [true]}\n",
             "2:3: set 'f' has both a 'command' and a 'function'"),
            ("  f: {function: {python: 'm:f'}, ranks: 2}\n", "more than one rank"),
            ("  f: {workers: {count: 2}, command: [true]}\n", "'workers' without a 'function'"),
            ("  f: {function: {python: 'm:f'}, workers: g}\n", "workers of an unknown set"),
            ("  f: {function: {python: 'm:f'}, workers: {count: 0}}\n", "workers count"),
            ("  f: {function: {python: 'm:f'}, workers: {size: 2}}\n", "unknown workers key 'size'"),
            ("  f: {function: {python: 'm:f'}, args: [1]}\n", "args must be a mapping"),
            ("  f: {function: {python: 'm:f'}}\n  g: {function: {python: 'm:g'}, workers: f}\n",
             "the workers of a set with another function"),
            # Sets sharing workers run one program; an interpreter is Python's.
            ("  f: {function: {python: 'm:f', interpreter: sh}}\n"
             "  g: {function: {python: 'm:f'}, workers: f}\n",
             "3:3: set 'g' has the workers of a set with another interpreter"),
            ("  f: {function: {library: l.so, symbol: s, interpreter: sh}}\n",
             "2:17: an 'interpreter' is for a Python function"),
        ]
        for body, message in cases:
            path = self.write("bad.yaml", "sets:\n" + body)
            rc, _, err = run("validate", path)
            self.assertEqual(rc, 2, body)
            self.assertIn(message, err, body)
            self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_simulated_pool(self):
        # 4 cores.  prep: 2 tasks x 10 s on 1 core each.  f's pool, 2
        # workers of 2 cores, is wanted at 0 by g (no parents): worker 0
        # takes the 2 free cores at 0, worker 1 waits for prep (10 s).  f
        # and g start when both are up (10 s); f goes first (set order):
        # 10 calls x 3 s on 2 workers end at 10 + 5 x 3 = 25; g's 4 x 2 s on
        # 2 workers then end at 29; post (1 s) at 30; the pool stops at 29.
        path = self.write("sim.yaml", """
platform: {nodes: 1, cores_per_node: 4}
sets:
  prep: {tasks: 2, duration: 10}
  f: {tasks: 10, duration: 3, function: {python: "m:f"}, workers: {count: 2, cores: 2},
      after: [prep]}
  g: {tasks: 4, duration: 2, function: {python: "m:f"}, workers: f}
  post: {duration: 1, after: [f, g]}
""")
        out = run_json("simulate", path)
        sets = out["sets"]
        self.assertSpan(sets, "prep", 0, 10)
        self.assertSpan(sets, "f", 10, 25)
        self.assertSpan(sets, "g", 25, 29)
        self.assertSpan(sets, "post", 29, 30)
        self.assertSpan(sets, "f.workers", 0, 29)
        self.assertEqual(out["makespan"], 30)


if __name__ == "__main__":
    unittest.main()

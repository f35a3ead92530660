"""The Python API (python/hetflow/api.py over libhetflow.so) with Debian's
python3: a workflow from a dict, sets submitted from a callback, results,
errors; and the adaptive DeepDriveMD example in simulation and for real."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "python"))
from hetflow import api  # noqa: E402
from hetflow.api import STATES, Error, Run, Workflow  # noqa: E402

EXAMPLE = os.path.join(ROOT, "examples", "python", "ddmd_loop.py")


class Api(unittest.TestCase):
    def test_submit_from_callback(self):
        # sim: 4 tasks of 10 s on 2 cores, 0-20; the callback submits train
        # (5 s) after sim when sim's last task ends: 20-25.
        wf = Workflow({"sets": {"sim": {"tasks": 4, "duration": 10,
                                        "result": {"e": {"start": 1.0, "factor": 0.5}}}}})
        run = Run(wf, platform=(1, 2, 0))
        ended = []

        def on_end(r, task):
            t = r.task(task)
            ended.append((t["set"], t["index"]))
            if (t["set"], t["index"]) == ("sim", 3):
                r.submit("train", {"duration": 5}, after=["sim"])

        run.on_task_end(on_end)
        s = run.run()
        self.assertEqual({k: s[k] for k in ("makespan", "tasks", "tasks_done", "tasks_failed",
                                            "tasks_canceled")},
                         {"makespan": 25.0, "tasks": 5, "tasks_done": 5, "tasks_failed": 0,
                          "tasks_canceled": 0})
        # The bound is of the workflow as written (sim: 4 x 10 s on 2 cores).
        self.assertEqual(s["lower_bound"], 20.0)
        self.assertEqual(ended[-1], ("train", 0))
        self.assertEqual(run.result(run.tasks_of("sim")[3]), {"e": 0.0625})
        self.assertIsNone(run.result(run.tasks_of("train")[0]))
        self.assertEqual(run.task(run.tasks_of("train")[0])["start"], 20.0)
        self.assertEqual(run.task(run.tasks_of("train")[0])["end"], 25.0)
        run.close()

    def test_function_calls_for_real(self):
        # Python function tasks from the API, run in a worker for real; a
        # callback submits a second set into the same workers.
        data = os.path.join(ROOT, "tests", "data")
        with tempfile.TemporaryDirectory() as d:
            wf = Workflow({"sets": {"sq": {"tasks": 3, "function": {"python": "pyfunctions:square"},
                                           "env": {"PYTHONPATH": data},
                                           "args": {"x": "{index}"}}}})
            run = Run(wf, platform=(1, 2, 0), workdir=os.path.join(d, "w"))

            def on_end(r, task):
                if r.task(task)["set"] == "sq" and task == r.tasks_of("sq")[-1]:
                    r.submit("more", {"tasks": 2, "function": {"python": "pyfunctions:square"},
                                      "workers": "sq", "args": {"x": 7}})

            run.on_task_end(on_end)
            s = run.run()
            self.assertEqual((s["tasks_done"], s["tasks_failed"]), (3 + 2 + 1, 0))
            self.assertEqual([run.result(t) for t in run.tasks_of("sq")],
                             [{"square": 0}, {"square": 1}, {"square": 4}])
            self.assertEqual(run.result(run.tasks_of("more")[1]), {"square": 49})
            # The pool's worker is a task too, after the file's sets, and
            # the submitted set comes after it.
            self.assertEqual(run.tasks_of("sq.workers"), [3])
            self.assertEqual(run.task(3)["set"], "sq.workers")
            self.assertEqual(run.tasks_of("more"), [4, 5])
            with self.assertRaisesRegex(Error, "no set 'nope'"):
                run.tasks_of("nope")
            run.close()

    def test_submit_with_interpreter(self):
        # A submitted function set names the interpreter of the workers it
        # shares: the same as theirs, or it is refused; one that is not
        # there is refused at once.
        data = os.path.join(ROOT, "tests", "data")
        with tempfile.TemporaryDirectory() as d:
            wrapper = os.path.join(d, "py.sh")
            with open(wrapper, "w") as f:
                f.write(f'#!/bin/sh\necho "$*" >> {d}/log\nexec {sys.executable} "$@"\n')
            os.chmod(wrapper, 0o755)
            fn = {"python": "pyfunctions:square", "interpreter": wrapper}
            wf = Workflow({"sets": {"sq": {"function": fn, "env": {"PYTHONPATH": data},
                                           "args": {"x": 2}}}})
            run = Run(wf, platform=(1, 2, 0), workdir=os.path.join(d, "w"))
            errors = []

            def on_end(r, task):
                if r.task(task)["set"] != "sq":
                    return
                r.submit("more", {"function": fn, "workers": "sq", "args": {"x": 7}})
                for name, other in (("plain", {"python": "pyfunctions:square"}),
                                    ("gone", dict(fn, interpreter=d + "/nope"))):
                    try:
                        r.submit(name, {"function": other, "workers": "sq"})
                    except Error as e:
                        errors.append(str(e))

            run.on_task_end(on_end)
            s = run.run()
            self.assertEqual((s["tasks_done"], s["tasks_failed"]), (1 + 1 + 1, 0))
            self.assertEqual(run.result(run.tasks_of("more")[0]), {"square": 49})
            self.assertEqual(len(errors), 2, errors)
            self.assertIn("set 'plain' has the workers of a set with another interpreter",
                          errors[0])
            self.assertIn(f"interpreter '{d}/nope' is not an executable file", errors[1])
            run.close()
            with open(os.path.join(d, "log")) as f:
                self.assertEqual(f.read(), "-m hetflow.worker pyfunctions:square\n")

    def test_real_run_owns_its_workdir(self):
        # As `hetflow run`: one run at a time in a workdir, and not where an
        # earlier run's journal is.
        cli = os.path.join(os.path.dirname(os.environ.get("HETFLOW_LIB", "")), "hetflow")
        with tempfile.TemporaryDirectory() as d:
            work = os.path.join(d, "w")
            wf = Workflow({"sets": {"a": {"command": ["true"]}}})
            run = Run(wf, platform=(1, 1, 0), workdir=work)
            with self.assertRaisesRegex(Error, "^workdir: .* is in use by another hetflow"):
                Run(wf, platform=(1, 1, 0), workdir=work)
            self.assertEqual(run.run()["tasks_done"], 1)
            run.close()
            Run(wf, platform=(1, 1, 0), workdir=work).close()  # no journal: free again
            yaml = os.path.join(d, "w.yaml")
            with open(yaml, "w") as f:
                f.write("sets:\n  a: {command: [true]}\n")
            p = subprocess.run([cli, "run", yaml, "--workdir", work, "--quiet"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            with self.assertRaisesRegex(Error, r"holds an earlier run \(1 of 1 tasks done\)"):
                Run(wf, platform=(1, 1, 0), workdir=work)

    def test_errors(self):
        with self.assertRaisesRegex(Error, "unknown key 'tasksz'"):
            Workflow({"sets": {"a": {"tasksz": 1}}})
        run = Run(Workflow({"sets": {"a": {}}}), platform=(1, 1, 0))
        with self.assertRaisesRegex(Error, "cores must be at least 1"):
            run.submit("b", {"cores": 0})
        with self.assertRaisesRegex(Error, "depends on unknown set 'zz'"):
            run.submit("b", {}, after=["zz"])
        run.close()

    def test_tuned_as_the_cli(self):
        # policy="tuned" runs the tuner, as `hetflow simulate --policy
        # tuned` does: on c-DAG2 it puts T45 ahead of T36, 2000 s -> 1540 s.
        cdag2 = os.path.join(ROOT, "examples", "cdag2.yaml")
        cli = os.path.join(os.path.dirname(os.environ.get("HETFLOW_LIB", "")), "hetflow")
        p = subprocess.run([cli, "simulate", cdag2, "--policy", "tuned", "--json"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        want = json.loads(p.stdout)["makespan"]
        with open(cdag2) as f:
            wf = Workflow(f.read(), name=cdag2)
        makespans = {}
        for policy in ("heft", "tuned"):
            run = Run(wf, platform=(16, 48, 6), policy=policy)
            makespans[policy] = run.run()["makespan"]
            run.close()
        self.assertEqual(want, 1540.0)
        self.assertEqual(makespans, {"heft": 2000.0, "tuned": want})

    def test_bad_task_and_nothing_to_run(self):
        # A task id past the last is an IndexError, not a read out of
        # bounds; a set with only a duration, run for real, fails its task
        # with 127 and a line in its .err (the library crashed on both).
        wf = Workflow({"sets": {"sim": {"tasks": 2, "duration": 1}}})
        with tempfile.TemporaryDirectory() as d:
            run = Run(wf, platform=(1, 2, 0), workdir=os.path.join(d, "w"))
            summary = run.run()
            self.assertEqual((summary["tasks_done"], summary["tasks_failed"]), (0, 2))
            self.assertEqual([run.task(t)["status"] for t in range(2)], [127, 127])
            with self.assertRaises(IndexError):
                run.task(50000000)
            with open(os.path.join(d, "w", "sim", "0.err")) as f:
                self.assertEqual(f.read(), "hetflow: set 'sim' has no command to run\n")
            run.close()

    def test_summary_as_the_cli(self):
        # summary() is the library's: `simulate --json`'s object, bounds
        # too; the CLI adds only the seed it drew with.
        cli = os.path.join(os.path.dirname(os.environ.get("HETFLOW_LIB", "")), "hetflow")
        for name, policy in (("cdag2.yaml", "heft"), ("fig1b.yaml", "critical-path")):
            path = os.path.join(ROOT, "examples", name)
            p = subprocess.run([cli, "simulate", path, "--policy", policy, "--json"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            want = json.loads(p.stdout)
            self.assertEqual(want.pop("seed"), 0)
            with open(path) as f:
                wf = Workflow(f.read(), name=path)
            pl = want["platform"]
            run = Run(wf, platform=(pl["nodes"], pl["cores_per_node"], pl["gpus_per_node"]),
                      policy=policy)
            run.run()
            self.assertEqual(run.summary(), want, name)
            self.assertGreater(want["lower_bound"], 0)
            run.close()

    def test_no_struct_mirrors(self):
        # The binding builds and reads C structs only through calls of the
        # library (hf_engine_config_new, hf_engine_task_field...), and names
        # modes, policies and states by their words: a struct's layout or an
        # enum's numbers can change under it without breaking it, so no
        # ctypes mirror of one may come back.
        with open(api.__file__) as f:
            src = f.read()
        for mirror in ("Structure", "_fields_", "byref", "create_string_buffer"):
            self.assertNotIn(mirror, src)
        lib = api._library()
        self.assertEqual([lib.hf_task_state_name(i).decode() for i in range(len(STATES))],
                         STATES)
        with self.assertRaisesRegex(Error, "unknown mode 'tasks' or policy 'fifo'"):
            Run(Workflow({"sets": {"a": {}}}), platform=(1, 1, 0), mode="tasks",
                policy="fifo")


class Example(unittest.TestCase):
    def check(self, *args):
        p = subprocess.run([sys.executable, EXAMPLE, *args], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        # loss 0.6^(k+1) falls under 0.1 in round 4; outliers 8-2, 6-2, 4-2, 2, 2.
        self.assertEqual(lines[0], "round 0: loss 0.6000, 6 outliers")
        self.assertEqual(lines[4], "round 4: loss 0.0778, 2 outliers")
        self.assertTrue(lines[5].startswith("rounds 5, tasks 37, done 37"), lines[5])
        return lines[5]

    def test_simulated(self):
        # Each round: md 600 s (one wave), agg 60, train 900, infer 120.
        self.assertEqual(self.check(), "rounds 5, tasks 37, done 37, makespan 8400.0 s")

    def test_real(self):
        with tempfile.TemporaryDirectory() as d:
            self.check("--real", os.path.join(d, "w"))


if __name__ == "__main__":
    unittest.main()

"""hetflow run: outputs, exit statuses, failure semantics, JSON, bad input."""
import json
import os
import subprocess
import unittest

from clitest import HETFLOW, CliTest, run


class Run(CliTest):
    def test_outputs_and_substitution(self):
        wf = self.write("w.yaml", "name: w\nsets:\n"
                        "  a: {tasks: 3, command: [echo, '{set}:{index}', '{other}']}\n"
                        "  b: {command: 'echo from shell $HETFLOW_SET; echo err >&2',\n"
                        "      env: {GREETING: hi}, after: [a]}\n"
                        "  c: {command: 'echo $GREETING-$HETFLOW_TASK_ID', env: {GREETING: hi}}\n")
        work = os.path.join(self.dir, "work")
        rc, out, err = run("run", wf, "--workdir", work, "--quiet")
        self.assertEqual(rc, 0, err)
        for i in range(3):
            with open(os.path.join(work, "a", f"{i}.out")) as f:
                self.assertEqual(f.read(), f"a:{i} {{other}}\n")
        with open(os.path.join(work, "b", "0.out")) as f:
            self.assertEqual(f.read(), "from shell b\n")
        with open(os.path.join(work, "b", "0.err")) as f:
            self.assertEqual(f.read(), "err\n")
        with open(os.path.join(work, "c", "0.out")) as f:
            self.assertEqual(f.read(), "hi-4\n")  # tasks 0-2 are a's, 3 is b's
        self.assertIn("5 done, 0 failed, 0 canceled of 5", out)

    def test_environment_holds_each_variable_once(self):
        # hetflow's variables, then the set's, then the inherited ones, each
        # name once: two entries of one name are read differently by
        # different programs (the first by getenv, the last by a shell).
        wf = self.write("w.yaml", "sets:\n"
                        "  a: {command: [cat, /proc/self/environ],"
                        " env: {PATH: /usr/bin:/bin, FOO: set,"
                        " HETFLOW_SET: mine}}\n")
        work = os.path.join(self.dir, "work")
        env = dict(os.environ, FOO="inherited", HETFLOW_SET="inherited",
                   PYTHONPATH="/nowhere")
        rc, _, err = run("run", wf, "--workdir", work, "--quiet", env=env)
        self.assertEqual(rc, 0, err)
        with open(os.path.join(work, "a", "0.out")) as f:
            entries = [kv.split("=", 1) for kv in f.read().split("\0") if "=" in kv]
        names = [name for name, _ in entries]
        self.assertEqual(sorted(n for n in set(names) if names.count(n) > 1), [])
        seen = dict(entries)
        self.assertEqual((seen["FOO"], seen["PATH"], seen["HETFLOW_SET"], seen["PYTHONPATH"]),
                         ("set", "/usr/bin:/bin", "a", "/nowhere"))

    def test_ranks_need_an_mpi_launcher(self):
        # The local launcher starts one process per task: a task of 2 ranks
        # would silently run once.  Refused before anything runs.
        wf = self.write("w.yaml", "sets:\n  sim: {tasks: 2, command: [hostname]}\n"
                        "  mpi: {ranks: 2, command: [hostname]}\n")
        work = os.path.join(self.dir, "work")
        rc, out, err = run("run", wf, "--workdir", work, "--launcher", "local")
        self.assertEqual(rc, 2)
        self.assertEqual(err, f"{wf}:3:3: set 'mpi' has ranks: 2, but the local launcher"
                         " runs one process per task: use --launcher mpiexec (or srun in"
                         " Slurm)\n")
        self.assertFalse(os.path.exists(work))
        rc, _, err = run("run", wf, "--workdir", work)  # auto, outside Slurm: local
        self.assertEqual(rc, 2)
        self.assertIn("use --launcher mpiexec", err)

    def test_trace_folder_checked_before_running(self):
        # A trace that could not be written was found out after the whole
        # run, and lost.  Checked first; no journal is left to count as a run.
        wf = self.write("w.yaml", "sets:\n  a: {command: [true]}\n")
        work = os.path.join(self.dir, "work")
        trace = os.path.join(self.dir, "no", "such", "t.json")
        rc, out, err = run("run", wf, "--workdir", work, "--trace", trace)
        self.assertEqual(rc, 2)
        self.assertEqual(err, f"hetflow: --trace {trace}: cannot write in folder "
                         f"'{os.path.dirname(trace)}/': No such file or directory\n")
        self.assertEqual(out, "")
        self.assertFalse(os.path.exists(os.path.join(work, "journal.db")))
        # A trace in the workdir, which the run makes, is fine.
        rc, _, err = run("run", wf, "--workdir", work, "--quiet", "--trace",
                         os.path.join(work, "t.json"))
        self.assertEqual(rc, 0, err)
        self.assertTrue(os.path.exists(os.path.join(work, "t.json")))

    def test_workdir_that_is_a_file(self):
        wf = self.write("w.yaml", "sets:\n  a: {command: [true]}\n")
        rc, _, err = run("run", wf, "--workdir", wf)
        self.assertEqual(rc, 2)
        self.assertEqual(err, f"hetflow: {wf}: exists and is not a folder\n")

    def test_default_workdir(self):
        wf = self.write("w.yaml", "name: named\nsets:\n  a: {command: [echo, x]}\n")
        rc, _, err = run("run", os.path.abspath(wf), "--quiet", cwd=self.dir)
        self.assertEqual(rc, 0, err)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "named.run", "a", "0.out")))

    def test_failure_cancels_dependents_and_names_tasks(self):
        # b[1] fails: c (all of b) is canceled, d[1] (one-to-one on b) too;
        # d[0], d[2] and the independent e still run.
        wf = self.write("w.yaml", "sets:\n"
                        "  b: {tasks: 3, command: 'exit $((HETFLOW_TASK_INDEX == 1 ? 4 : 0))'}\n"
                        "  c: {command: [true], after: [b]}\n"
                        "  d: {tasks: 3, command: [true], after: [{set: b, map: one-to-one}]}\n"
                        "  e: {command: 'kill -TERM $$'}\n")
        work = os.path.join(self.dir, "work")
        rc, out, err = run("run", wf, "--workdir", work, "--json")
        self.assertEqual(rc, 1)
        s = json.loads(out)
        self.assertEqual((s["tasks_done"], s["tasks_failed"], s["tasks_canceled"]),
                         (4, 2, 2))
        self.assertIn(f"task b[1] failed: exit 4 (see {work}/b/1.err)", err)
        self.assertIn("task e[0] failed: signal 15 (Terminated)", err)
        self.assertIsNone(s["sets"]["c"]["start"])

    def test_json_matches_simulate(self):
        wf = self.write("w.yaml", "sets:\n  a: {tasks: 2, duration: 0.2,"
                        " command: [sleep, '0.2']}\n")
        rc, out, _ = run("run", wf, "--workdir", os.path.join(self.dir, "w"), "--json")
        self.assertEqual(rc, 0)
        real = json.loads(out)
        rc, out, _ = run("simulate", wf, "--json")
        sim = json.loads(out)
        self.assertEqual(set(real) - {"seed"}, set(sim) - {"seed"})
        self.assertEqual(real["tasks_done"], 2)
        self.assertGreaterEqual(real["makespan"], 0.2)

    def test_progress_line_only_on_a_terminal(self):
        wf = self.write("w.yaml", "sets:\n  a: {tasks: 4, command: [sleep, '0.3']}\n")
        cmd = f"{HETFLOW} run {wf} --workdir {self.dir}/"
        # `script` runs it on a pseudo-terminal: the status line is drawn.
        tty = subprocess.run(["script", "-qec", cmd + "tty", "/dev/null"],
                             capture_output=True, text=True, timeout=60).stdout
        self.assertRegex(tty, r"\[ *\d+\.\ds\] \d+ done, \d+ running, \d+ waiting, "
                         r"0 failed \| cores \d+/\d+, GPUs 0/0")
        quiet = subprocess.run(["script", "-qec", cmd + "quiet --quiet", "/dev/null"],
                               capture_output=True, text=True, timeout=60).stdout
        self.assertNotIn(" running, ", quiet)
        rc, _, err = run("run", wf, "--workdir", f"{self.dir}/pipe")  # stderr: a pipe
        self.assertEqual(rc, 0)
        self.assertNotIn(" running, ", err)

    def test_partial_dependency(self):
        # 4 x 0.4 s on 2 cores; b needs 2 of a and outranks a: it starts as
        # soon as the first two are done (about 0.4 s), not after all four.
        wf = self.write("w.yaml", "platform: {nodes: 1, cores_per_node: 2}\nsets:\n"
                        "  a: {tasks: 4, command: [sleep, '0.4']}\n"
                        "  b: {priority: 1, command: [true], after: [{set: a, count: 2}]}\n")
        rc, out, err = run("run", wf, "--workdir", os.path.join(self.dir, "w"), "--json")
        self.assertEqual(rc, 0, err)
        s = json.loads(out)
        self.assertLess(s["sets"]["b"]["start"], s["sets"]["a"]["end"] - 0.2)
        self.assertGreaterEqual(s["sets"]["b"]["start"], 0.4)

    def test_results(self):
        # Tasks write a JSON object to $HETFLOW_RESULT; it is kept in the
        # journal (and comes back on resume).  One writes something else:
        # it fails, saying why.
        import sqlite3
        write = ("import json, os; json.dump({'loss': int(os.environ['HETFLOW_TASK_INDEX'])},"
                 " open(os.environ['HETFLOW_RESULT'], 'w'))")
        wf = self.write("w.yaml", "sets:\n"
                        f"  good: {{tasks: 2, command: [python3, -c, \"{write}\"]}}\n"
                        "  bad: {command: 'echo [1, 2] > $HETFLOW_RESULT'}\n"
                        "  none: {command: [true]}\n")
        work = os.path.join(self.dir, "w")
        rc, out, err = run("run", wf, "--workdir", work, "--json")
        self.assertEqual(rc, 1, err)
        self.assertIn("task bad[0] failed: its result is not a JSON object", err)
        with open(os.path.join(work, "bad", "0.err")) as f:
            self.assertIn("hetflow: its result is not a JSON object: another JSON value", f.read())
        db = sqlite3.connect(os.path.join(work, "journal.db"))
        rows = dict(db.execute("SELECT id, result FROM tasks"))
        db.close()
        self.assertEqual(json.loads(rows[0]), {"loss": 0})
        self.assertEqual(json.loads(rows[1]), {"loss": 1})
        self.assertIsNone(rows[2])
        self.assertIsNone(rows[3])

    def test_bad_input(self):
        wf = self.write("w.yaml", "sets:\n  a: {command: [true]}\n  b: {duration: 1}\n")
        rc, out, err = run("run", wf)
        self.assertEqual(rc, 2)
        self.assertEqual(err, f"{wf}:3:3: set 'b' has no command to run\n")
        self.assertEqual(out, "")
        wf = self.write("ok.yaml", "sets:\n  a: {command: [true]}\n")
        rc, _, err = run("run", wf, "--workdir", "/proc/forbidden/dir")
        self.assertEqual(rc, 2)
        self.assertIn("/proc/forbidden", err)
        self.assertEqual(err.count("\n"), 1)
        rc, _, err = run("run", wf, "--seed", "3")
        self.assertEqual(rc, 2)
        self.assertIn("option '--seed' does not apply here", err)


if __name__ == "__main__":
    unittest.main()

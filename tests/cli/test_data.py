"""Files and staging for real: dependencies derived from files (one-to-one
included), inputs copied to node-local scratch and outputs copied back by
hetflow, a missing output or input failing its task with a clear line, and
asynchronous staging leaving the task's core to others while its inputs
copy (measured on a one-core platform)."""
import os
import pty
import re
import subprocess
import unittest

from clitest import HETFLOW, CliTest, run


class Data(CliTest):
    def run_json(self, path, *args, env_extra=None):
        env = dict(os.environ, HETFLOW_SCRATCH=os.path.join(self.dir, "scratch"))
        env.update(env_extra or {})
        os.makedirs(env["HETFLOW_SCRATCH"], exist_ok=True)
        rc, out, err = run("run", path, "--workdir",
                           os.path.join(self.dir, "w%d" % self.runs), "--json", "--quiet",
                           *args, env=env)
        self.runs += 1
        return subprocess.CompletedProcess(path, rc, out, err)

    def setUp(self):
        super().setUp()
        self.runs = 0

    def test_status_line_counts_what_tasks_hold(self):
        # The live line on a terminal: tasks whose outputs moved out
        # asynchronously gave their cores back before they ended, and must
        # not be counted as holding them (it once said "cores 5/2").
        d = self.dir
        path = self.write("w.yaml", f"""
platform: {{nodes: 1, cores_per_node: 2, gpus_per_node: 0}}
sets:
  gen: {{tasks: 6, outputs: ["{d}/out/g_{{index}}"], stage: {{out: copy}},
         command: 'sleep 0.2; echo x > $HETFLOW_OUTPUTS'}}
  last: {{command: [sleep, '1.2'], after: [gen]}}
""")
        os.makedirs(os.path.join(d, "scratch"))
        env = dict(os.environ, HETFLOW_SCRATCH=os.path.join(d, "scratch"))
        leader, follower = pty.openpty()
        p = subprocess.Popen([HETFLOW, "run", path, "--workdir", os.path.join(d, "w")],
                             stdout=subprocess.DEVNULL, stderr=follower, env=env)
        os.close(follower)
        text = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the run
                break
            if not chunk:
                break
            text += chunk
        os.close(leader)
        self.assertEqual(p.wait(timeout=60), 0)
        lines = re.findall(r"(\d+) done, (\d+) running, .*? \| cores (\d+)/(\d+)",
                           text.decode())
        self.assertGreaterEqual(len(lines), 3, text)
        for done, running, cores, total in lines:
            self.assertLessEqual(int(cores), int(total), text)
            self.assertLessEqual(int(running), 2, text)
        # While `last` alone runs, one core is held.
        self.assertIn(("6", "1", "1", "2"), lines)

    def test_staged_chain_and_one_to_one(self):
        d = self.dir
        with open(os.path.join(d, "seed.txt"), "w") as f:
            f.write("seed\n")
        # gen[0] is slow, gen[1] fast: with one-to-one dependencies derived
        # from the files, use[1] runs before gen[0] has ended.
        path = self.write("chain.yaml", f"""
platform: {{nodes: 1, cores_per_node: 2, gpus_per_node: 0}}
sets:
  gen: {{tasks: 2, inputs: [{d}/seed.txt], outputs: ["{d}/out/gen_{{index}}.txt"],
         stage: {{in: copy, out: copy}},
         command: 'sleep $((1 - HETFLOW_TASK_INDEX)).$HETFLOW_TASK_INDEX; cat $HETFLOW_INPUTS > $HETFLOW_OUTPUTS; echo $HETFLOW_TASK_INDEX >> $HETFLOW_OUTPUTS; date +%s.%N > {d}/gen_end_$HETFLOW_TASK_INDEX'}}
  use: {{tasks: 2, inputs: ["{d}/out/gen_{{index}}.txt"], outputs: ["{d}/out/use_{{index}}.txt"],
         stage: {{in: link}},
         command: 'date +%s.%N > {d}/use_start_$HETFLOW_TASK_INDEX; cp $HETFLOW_INPUTS $HETFLOW_OUTPUTS'}}
""")
        p = self.run_json(path)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = __import__("json").loads(p.stdout)
        self.assertEqual(out["tasks_done"], 4)
        for i in (0, 1):
            with open(os.path.join(d, "out", "use_%d.txt" % i)) as f:
                self.assertEqual(f.read(), "seed\n%d\n" % i)

        def stamp(name):
            with open(os.path.join(d, name)) as f:
                return float(f.read())
        self.assertLess(stamp("use_start_1"), stamp("gen_end_0"))
        self.assertGreaterEqual(stamp("use_start_0"), stamp("gen_end_0"))
        staging = out["staging"]
        self.assertEqual(staging["sets"]["gen"]["bytes_in"], 10)  # 2 x "seed\n"
        self.assertEqual(staging["sets"]["gen"]["bytes_out"], 14)
        self.assertEqual(staging["sets"]["use"]["bytes_in"], 0)  # linked
        # Nothing is left in the scratch directory.
        self.assertEqual(os.listdir(os.path.join(d, "scratch")), [])

    def test_missing_output_and_input(self):
        d = self.dir
        path = self.write("missing.yaml", f"""
sets:
  lazy: {{outputs: [{d}/never.txt], command: "true"}}
  staged: {{outputs: [{d}/also_never.txt], stage: {{out: copy}}, command: "true"}}
  reader: {{inputs: [{d}/no_such_input], stage: {{in: copy}}, command: "true"}}
""")
        p = self.run_json(path)
        self.assertEqual(p.returncode, 1)
        self.assertIn("hetflow: task lazy[0] failed: output '%s/never.txt' was not written"
                      % d, p.stderr)
        self.assertIn("hetflow: task staged[0] failed: output '%s/also_never.txt' was not "
                      "written (looked for " % d, p.stderr)
        self.assertIn("hetflow: task reader[0] failed: staging failed: cannot read "
                      "'%s/no_such_input': No such file or directory" % d, p.stderr)
        self.assertFalse(os.path.exists(os.path.join(d, "also_never.txt")))

    def overlap(self, sync):
        d = self.dir
        big = os.path.join(d, "big.bin")
        if not os.path.exists(big):
            with open(big, "wb") as f:
                for _ in range(64):
                    f.write(os.urandom(1 << 16) * 64)  # 256 MiB
        path = self.write("overlap.yaml", f"""
platform: {{nodes: 1, cores_per_node: 1, gpus_per_node: 0}}
policy: fifo
sets:
  big: {{inputs: [{big}], stage: {{in: copy, sync: {str(sync).lower()}}}, command: "test -s $HETFLOW_INPUTS"}}
  other: {{tasks: 6, command: "sleep 0.3"}}
""")
        p = self.run_json(path)
        self.assertEqual(p.returncode, 0, p.stderr)
        return __import__("json").loads(p.stdout)["staging"]

    def test_async_staging_leaves_the_core_to_others(self):
        # One core: whatever computes while big's inputs copy ran on the core
        # big would have held.  Asynchronous: the others compute beside the
        # copy; synchronous: big holds the core, and nothing does.
        s = self.overlap(sync=False)
        self.assertEqual(s["bytes_in"], 256 << 20)
        self.assertGreater(s["busy"], 0)
        self.assertGreater(s["overlap"], 0.9)
        s = self.overlap(sync=True)
        self.assertGreater(s["busy"], 0)
        self.assertLess(s["overlap"], 0.05)


if __name__ == "__main__":
    unittest.main()

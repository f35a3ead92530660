"""hetflow with a real Slurm (and Open MPI): a cluster started from Debian's
packages by tests/slurm/cluster.py, workflows run with --launcher srun inside
salloc, MPI programs with ranks: 2 through mpiexec and through srun, the
step-refused retry, `hetflow submit`, and, where network namespaces are
allowed, steps placed on two different hosts."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cli"))
from clitest import FAKE, HETFLOW  # noqa: E402

import cluster  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WHY_NOT = cluster.available()
CLUSTER = None
# Open MPI refuses root unless told; the tests run as root.
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1"}


def setUpModule():
    global CLUSTER
    if WHY_NOT is None:
        CLUSTER = cluster.SlurmCluster().start()


def tearDownModule():
    if CLUSTER:
        CLUSTER.stop()


class Base(unittest.TestCase):
    def setUp(self):
        if WHY_NOT:
            self.skipTest(WHY_NOT)
        self._dir = tempfile.TemporaryDirectory(prefix="hetflow-slurm-test-")
        self.dir = self._dir.name

    def tearDown(self):
        self._dir.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def salloc(self, args, nodes=1, ntasks=2, env=None, c=None, timeout=120):
        """hetflow ARGS inside `salloc -N nodes -n ntasks` (ntasks None: whole
        nodes)."""
        c = c or CLUSTER
        size = [f"-n{ntasks}"] if ntasks else ["--exclusive"]
        cmd = ["salloc", "--quiet", f"-N{nodes}", *size, HETFLOW, *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env=c.env(**(env or {})))

    def mpi_program(self):
        if not shutil.which("mpicc"):
            self.skipTest("mpicc is not installed (libopenmpi-dev)")
        out = os.path.join(self.dir, "mpi_hello")
        subprocess.run(["mpicc", "-O1", "-o", out, os.path.join(HERE, "mpi_hello.c")],
                       check=True)
        return out


class SrunLauncher(Base):
    def test_platform_shows_the_allocation(self):
        p = self.salloc(["platform", "--json"])
        self.assertEqual(p.returncode, 0, p.stderr)
        alloc = json.loads(p.stdout)["allocation"]
        self.assertEqual(alloc["source"], "slurm")
        self.assertEqual(alloc["hosts"], [CLUSTER.host])
        self.assertEqual(alloc["cores_per_node"], 2)

    def test_tasks_are_steps(self):
        # Inside a 2-CPU allocation: four 1-core tasks, then two 2-core
        # tasks; each is a job step of its own with the cores it asked for,
        # and its result comes back.
        path = self.write("wf.yaml", """
sets:
  one: {tasks: 4, command: "echo $SLURM_JOB_ID $SLURM_STEP_ID $SLURM_CPUS_PER_TASK $(hostname) > $HETFLOW_WORKDIR/one.$HETFLOW_TASK_INDEX; sleep 0.3"}
  two: {tasks: 2, cores: 2, after: [one],
        command: "echo {\\\\\\"cpus\\\\\\": $SLURM_CPUS_PER_TASK} > $HETFLOW_RESULT"}
""")
        workdir = os.path.join(self.dir, "w")
        p = self.salloc(["run", path, "--workdir", workdir, "--json", "--quiet"])
        self.assertEqual(p.returncode, 0, p.stderr)
        out = json.loads(p.stdout)
        self.assertEqual(out["platform"], {"nodes": 1, "cores_per_node": 2,
                                           "gpus_per_node": 0})
        self.assertEqual(out["tasks_done"], 6)
        lines = []
        for i in range(4):
            with open(os.path.join(workdir, f"one.{i}")) as f:
                lines.append(f.read().split())
        self.assertEqual(len({line[0] for line in lines}), 1)   # one job
        self.assertEqual(len({line[1] for line in lines}), 4)   # four steps
        self.assertEqual({line[2] for line in lines}, {"1"})
        self.assertEqual({line[3] for line in lines}, {CLUSTER.host})
        # Two 1-core tasks at a time on 2 CPUs: 0.3 s waves, not all at once.
        self.assertGreater(out["sets"]["one"]["end"] - out["sets"]["one"]["start"], 0.55)
        for i in range(2):
            with open(os.path.join(workdir, "two", f"{i}.result.json")) as f:
                self.assertEqual(json.load(f), {"cpus": 2})

    def test_mpi_ranks_through_srun(self):
        prog = self.mpi_program()
        path = self.write("mpi.yaml", f"sets:\n  hello: {{ranks: 2, command: [{prog}]}}\n")
        workdir = os.path.join(self.dir, "w")
        p = self.salloc(["run", path, "--workdir", workdir, "--json", "--quiet"],
                        env=dict(MPI_ENV, SLURM_MPI_TYPE="pmix"))
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(workdir, "hello", "0.out")) as f:
            ranks = sorted(line.split()[1] for line in f if line.startswith("rank"))
        self.assertEqual(ranks, ["0", "1"])

    def test_submit(self):
        path = self.write("wf.yaml", "sets:\n  a: {tasks: 3, command: [sleep, '0.1']}\n"
                                     "  b: {command: [true], after: [a]}\n")
        workdir = os.path.join(self.dir, "job")
        p = subprocess.run([HETFLOW, "submit", path, "--nodes", "1", "--walltime", "2:00",
                            "--workdir", workdir], capture_output=True, text=True,
                           env=CLUSTER.env(), timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        job = p.stdout.strip()
        self.assertTrue(job.isdigit(), p.stdout)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            q = subprocess.run(["squeue", "-h", "-j", job], capture_output=True, text=True,
                               env=CLUSTER.env())
            if not q.stdout.strip():
                break
            time.sleep(0.5)
        with open(os.path.join(workdir, "submit.sh")) as f:
            script = f.read()
        self.assertIn("#SBATCH --nodes=1", script)
        self.assertIn("--launcher srun", script)
        self.assertTrue(os.path.exists(os.path.join(workdir, f"slurm-{job}.out")))
        s = subprocess.run([HETFLOW, "status", workdir], capture_output=True, text=True)
        self.assertEqual(s.returncode, 0, s.stderr)
        total = [line.split() for line in s.stdout.splitlines() if line.startswith("total")]
        self.assertEqual(total[0][5], "4", s.stdout)  # the done column


class MpiexecLauncher(Base):
    def test_ranks_bound_to_their_cores(self):
        # One task of two 1-core ranks on a 2-core node: each rank bound to
        # its own core, as the rankfile says; then two 1-rank tasks, each
        # on the core it was given.
        prog = self.mpi_program()
        path = self.write("mpi.yaml", f"""
platform: {{nodes: 1, cores_per_node: 2, gpus_per_node: 0}}
sets:
  pair: {{ranks: 2, command: [{prog}]}}
  single: {{tasks: 2, command: [{prog}], after: [pair]}}
""")
        workdir = os.path.join(self.dir, "w")
        p = subprocess.run([HETFLOW, "run", path, "--launcher", "mpiexec", "--workdir",
                            workdir, "--json", "--quiet"], capture_output=True, text=True,
                           timeout=120, env=dict(os.environ, **MPI_ENV))
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(workdir, "pair", "0.out")) as f:
            lines = sorted(line.split() for line in f if line.startswith("rank"))
        self.assertEqual([(x[1], x[3]) for x in lines], [("0", "2"), ("1", "2")])
        self.assertEqual(sorted(x[7] for x in lines), ["0", "1"])   # cpus
        self.assertEqual({x[9] for x in lines}, {"2"})               # the token went round
        with open(os.path.join(workdir, "pair", "0.rankfile")) as f:
            self.assertEqual(f.read().splitlines(),
                             ["rank 0=localhost slot=0", "rank 1=localhost slot=1"])


class StepRetry(unittest.TestCase):
    def test_refused_steps_are_launched_again(self):
        # The fake srun refuses the first two steps the way Slurm does; the
        # task is launched again (not a failure, no retries: key needed) and
        # succeeds on the third call.
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "wf.yaml")
            with open(path, "w") as f:
                f.write("sets:\n  a: {command: [true]}\n")
            env = dict(os.environ, PATH=f"{FAKE}:{os.environ['PATH']}",
                       FAKE_SRUN_COUNT=os.path.join(d, "count"), FAKE_SRUN_REFUSE="2")
            p = subprocess.run([HETFLOW, "run", path, "--launcher", "srun", "--workdir",
                                os.path.join(d, "w"), "--json", "--quiet"],
                               capture_output=True, text=True, env=env, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            out = json.loads(p.stdout)
            self.assertEqual(out["tasks_done"], 1)
            with open(os.path.join(d, "count")) as f:
                self.assertEqual(f.read().strip(), "3")


class SeveralNodes(Base):
    """Two slurmd, each in a network namespace with its own hostname."""

    @classmethod
    def setUpClass(cls):
        cls.multi = None
        if WHY_NOT is None and cluster.SlurmCluster.netns_available():
            cls.multi = cluster.SlurmCluster(nodes=2, netns=True, cpus=2).start()

    @classmethod
    def tearDownClass(cls):
        if cls.multi:
            cls.multi.stop()

    def setUp(self):
        super().setUp()
        if not self.multi:
            self.skipTest("network namespaces are not allowed here: one node only")

    def test_steps_on_both_hosts(self):
        # Four 2-core tasks on two 2-core nodes: two at a time, one per node;
        # each runs on the host of the node the scheduler gave it.
        path = self.write("wf.yaml", """
sets:
  a: {tasks: 4, cores: 2, command: "echo $HETFLOW_NODE $(hostname) > $HETFLOW_WORKDIR/a.$HETFLOW_TASK_INDEX; sleep 0.2"}
""")
        workdir = os.path.join(self.dir, "w")
        p = self.salloc(["run", path, "--workdir", workdir, "--json", "--quiet"], nodes=2,
                        ntasks=None, c=self.multi)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = json.loads(p.stdout)
        self.assertEqual(out["platform"]["nodes"], 2)
        pairs = set()
        for i in range(4):
            with open(os.path.join(workdir, f"a.{i}")) as f:
                pairs.add(tuple(f.read().split()))
        self.assertEqual(pairs, {("0", self.multi.names[0]), ("1", self.multi.names[1])})

    def test_mpi_task_spans_nodes(self):
        # Two ranks of 2 cores on 2-core nodes: one rank per node, one MPI
        # job across both hosts (the token goes round through TCP).
        prog = self.mpi_program()
        path = self.write("mpi.yaml", f"sets:\n  wide: {{ranks: 2, cores: 2, command: [{prog}]}}\n")
        workdir = os.path.join(self.dir, "w")
        p = self.salloc(["run", path, "--workdir", workdir, "--json", "--quiet"], nodes=2,
                        ntasks=None, c=self.multi, env=dict(MPI_ENV, SLURM_MPI_TYPE="pmix"))
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(workdir, "wide", "0.out")) as f:
            lines = [line.split() for line in f if line.startswith("rank")]
        self.assertEqual(sorted(x[5] for x in lines), sorted(self.multi.names))
        self.assertEqual({x[9] for x in lines}, {"2"})


if __name__ == "__main__":
    unittest.main(verbosity=2)

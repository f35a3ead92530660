"""A throwaway Slurm cluster for the tests: munged, slurmctld and one slurmd
per node, from Debian's packages, started by hand (no systemd) in a
temporary directory on ports of their own, and stopped by PID.

One node is this machine.  Several nodes (SlurmCluster(nodes=N, netns=True))
are network namespaces, each with its own hostname and an address on a
bridge, so that srun really places steps on different hosts; that needs
`ip netns` and `unshare`, and SlurmCluster.netns_available() says whether
this machine allows it.

Configuration: proctrack/pgid, task/none, select/cons_tres (CR_Core), no
accounting; munge authenticates through a socket in the directory.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

SBIN = ["/usr/sbin", "/sbin", "/usr/bin"]


def which(name):
    for d in os.environ.get("PATH", "").split(":") + SBIN:
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    return None


def available():
    """Why a cluster cannot start here, or None."""
    for prog in ("munged", "slurmctld", "slurmd", "srun", "salloc", "sbatch"):
        if not which(prog):
            return f"{prog} is not installed (scripts/install-deps.sh installs it)"
    if os.geteuid() != 0:
        return "the test cluster's daemons run as root"
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*cmd, check=True, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, check=check, **kw)


class SlurmCluster:
    def __init__(self, nodes=1, netns=False, cpus=None):
        self.nodes = nodes
        self.netns = netns
        self.cpus = cpus or os.cpu_count()
        self.dir = tempfile.mkdtemp(prefix="hetflow-slurm-")
        self.pids = []
        self.namespaces = []
        self.conf = os.path.join(self.dir, "slurm.conf")
        self.munge_socket = os.path.join(self.dir, "munge.socket")
        self.host = socket.gethostname()
        self.bridge = f"hfbr{os.getpid() % 100000}"
        tag = os.urandom(3).hex()  # host names: letters and digits only
        self.names = [f"hfn{i}x{tag}" for i in range(nodes)] if netns else [self.host]

    @staticmethod
    def netns_available():
        """Whether network namespaces and a bridge can be made here."""
        if not which("ip") or not which("unshare"):
            return False
        name = f"hfprobe{os.getpid()}"
        ok = run("ip", "netns", "add", name, check=False).returncode == 0
        if ok:
            run("ip", "netns", "del", name, check=False)
        return ok

    def env(self, **extra):
        env = dict(os.environ, SLURM_CONF=self.conf)
        for k in list(env):
            if k.startswith("SLURM_") and k != "SLURM_CONF":
                del env[k]  # not from an allocation the tests run in
        env.update(extra)
        return env

    def _daemon(self, pidfile, cmd, netns=None, hostname=None):
        if netns:
            # nsenter, not `ip netns exec`, which mounts a sysfs of its own
            # without the cgroup file system slurmd needs.
            # Each node also gets a private TmpFS (PMIx keeps per-step files
            # there under names that would clash on one shared /tmp).
            private = f"{self.dir}/tmp-{hostname}"
            os.makedirs(private, exist_ok=True)
            cmd = ["nsenter", f"--net=/run/netns/{netns}", "unshare", "--uts", "--mount",
                   "sh", "-c",
                   f'hostname {hostname} && mount --bind {private} {self.dir}/tmp && '
                   f'exec "$@"', "sh", *cmd]
        run(*cmd, env=self.env())
        for _ in range(100):
            if os.path.exists(pidfile):
                with open(pidfile) as f:
                    text = f.read().strip()
                if text:
                    self.pids.append(int(text))
                    return
            time.sleep(0.05)
        raise RuntimeError(f"{cmd[0]} wrote no pid file; see {self.dir}")

    def _network(self):
        run("ip", "link", "add", self.bridge, "type", "bridge")
        run("ip", "addr", "add", "10.77.0.1/24", "dev", self.bridge)
        run("ip", "link", "set", self.bridge, "up")
        for i, name in enumerate(self.names):
            ns, veth = f"hf{i}{os.getpid()}", f"hfv{i}{os.getpid() % 10000}"
            run("ip", "netns", "add", ns)
            self.namespaces.append(ns)
            run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0",
                "netns", ns)
            run("ip", "link", "set", veth, "master", self.bridge, "up")
            run("ip", "netns", "exec", ns, "ip", "addr", "add", f"10.77.0.{10 + i}/24",
                "dev", "eth0")
            run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up")
            run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")

    def start(self):
        """Start the daemons and wait until every node is idle; on any
        failure, stop what was started and raise."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self):
        key = os.path.join(self.dir, "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o400)
        self._daemon(os.path.join(self.dir, "munged.pid"),
                     [which("munged"), "--force", f"--socket={self.munge_socket}",
                      f"--key-file={key}", f"--pid-file={self.dir}/munged.pid",
                      f"--log-file={self.dir}/munged.log",
                      f"--seed-file={self.dir}/munged.seed"])
        ctl_port, d_port = free_port(), free_port()
        if self.netns:
            self._network()
            ctl = f"{self.host}(10.77.0.1)"
            nodes = "\n".join(f"NodeName={n} NodeAddr=10.77.0.{10 + i} CPUs={self.cpus}"
                              for i, n in enumerate(self.names))
        else:
            ctl = self.host
            nodes = f"NodeName={self.host} CPUs={self.cpus}"
        d = self.dir
        with open(self.conf, "w") as f:
            f.write(f"""ClusterName=hetflowtest
SlurmctldHost={ctl}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={self.munge_socket}
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
StateSaveLocation={d}/state
TmpFS={d}/tmp
SlurmdSpoolDir={d}/spool-%n
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd-%n.pid
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd-%n.log
SlurmctldPort={ctl_port}
SlurmdPort={d_port}
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
{nodes}
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
""")
        os.makedirs(f"{d}/state")
        os.makedirs(f"{d}/tmp")
        self._daemon(f"{d}/slurmctld.pid", [which("slurmctld"), "-f", self.conf])
        for i, name in enumerate(self.names):
            os.makedirs(f"{d}/spool-{name}", exist_ok=True)
            self._daemon(f"{d}/slurmd-{name}.pid", [which("slurmd"), "-f", self.conf],
                         netns=self.namespaces[i] if self.netns else None, hostname=name)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            out = run("sinfo", "-h", "-N", "-o", "%N %t", env=self.env(), check=False).stdout
            idle = [line for line in out.splitlines() if line.split()[-1:] == ["idle"]]
            if len(idle) == self.nodes:
                return self
            time.sleep(0.2)
        raise RuntimeError("the test Slurm did not come up: " + out)

    def stop(self):
        for pid in reversed(self.pids):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        for pid in self.pids:
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
            else:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.pids = []
        for ns in self.namespaces:
            run("ip", "netns", "del", ns, check=False)
        if self.netns:
            run("ip", "link", "del", self.bridge, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

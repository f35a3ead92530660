"""hetflow's engine from Python, through ctypes over libhetflow.so (standard
library only).

    from hetflow.api import Workflow, Run

    wf = Workflow({"sets": {"sim": {"tasks": 4, "duration": 10}}})
    run = Run(wf, platform=(1, 4, 0))            # simulate; workdir=... runs for real
    run.on_task_end(lambda r, task: ...)         # each ended task, as it ends
    run.submit("train", {"duration": 5}, after=["sim"])   # from a callback, or before
    run.run()
    run.result(task), run.summary()

The callbacks run inside the engine's loop, between two batches of work:
what they submit takes effect at once.  The library is found through
$HETFLOW_LIB, next to an installed package (lib/libhetflow.so), or by the
system's loader.
"""
import ctypes
import ctypes.util
import json
import os

__all__ = ["Error", "Workflow", "Run", "STATES"]

STATES = ["waiting", "ready", "placed", "running", "done", "failed", "canceled"]
MODES = {"sequential": 0, "workload": 1, "task": 2}
POLICIES = {"fifo": 0, "critical-path": 1, "heft": 2, "tuned": 3}


class Error(Exception):
    """What hetflow said went wrong."""


class _Err(ctypes.Structure):
    _fields_ = [("text", ctypes.c_char * 1024)]  # HF_ERROR_MAX

    def raise_(self, what):
        raise Error(f"{what}: {self.text.decode(errors='replace')}")


class _Platform(ctypes.Structure):
    _fields_ = [("nodes", ctypes.c_int), ("cores_per_node", ctypes.c_int),
                ("gpus_per_node", ctypes.c_int), ("bw_shared", ctypes.c_double),
                ("bw_node", ctypes.c_double)]


class _Config(ctypes.Structure):
    _fields_ = [("mode", ctypes.c_int), ("policy", ctypes.c_int), ("platform", _Platform),
                ("walltime", ctypes.c_double), ("max_running", ctypes.c_int),
                ("stage_concurrency", ctypes.c_int)]


class _Executor(ctypes.Structure):
    _fields_ = [("ops", ctypes.c_void_p), ("ctx", ctypes.c_void_p)]


class _TaskInfo(ctypes.Structure):
    _fields_ = [("set", ctypes.c_int), ("index", ctypes.c_uint32), ("state", ctypes.c_int),
                ("status", ctypes.c_int), ("attempts", ctypes.c_int),
                ("timed_out", ctypes.c_bool), ("cancel_cause", ctypes.c_int),
                ("ready", ctypes.c_double),
                ("placed", ctypes.c_double), ("start", ctypes.c_double),
                ("end", ctypes.c_double)]


class _Usage(ctypes.Structure):
    _fields_ = [("first_start", ctypes.c_double), ("last_end", ctypes.c_double),
                ("core_seconds", ctypes.c_double), ("gpu_seconds", ctypes.c_double)]


class _Mark(ctypes.Structure):
    _fields_ = [("line", ctypes.c_int), ("col", ctypes.c_int)]


_TASK_END = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                             ctypes.c_double, ctypes.c_void_p)
_lib = None
_jansson = None


def _library():
    global _lib, _jansson
    if _lib:
        return _lib
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.environ.get("HETFLOW_LIB"),
                  os.path.join(here, "..", "..", "..", "libhetflow.so"),
                  ctypes.util.find_library("hetflow")]
    for path in candidates:
        if path and (os.path.exists(path) or not os.path.isabs(path)):
            try:
                lib = ctypes.CDLL(path)
                break
            except OSError:
                continue
    else:
        raise Error("libhetflow.so not found: set HETFLOW_LIB to its path")
    _jansson = ctypes.CDLL(ctypes.util.find_library("jansson") or "libjansson.so.4")
    _jansson.json_dumps.restype = ctypes.c_void_p
    _jansson.json_dumps.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    p, i, u32, d = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32, ctypes.c_double
    err = ctypes.POINTER(_Err)
    for name, restype, argtypes in [
        ("hf_workflow_load_buffer", p, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t, err]),
        ("hf_workflow_destroy", None, [p]),
        ("hf_workflow_nsets", i, [p]),
        ("hf_workflow_set", p, [p, i]),
        ("hf_workflow_find_set", i, [p, ctypes.c_char_p]),
        ("hf_workflow_first_task", u32, [p, i]),
        ("hf_workflow_add_dep", p, [p, p, ctypes.c_char_p, i, _Mark]),
        ("hf_dag_create", p, [p, err]),
        ("hf_dag_destroy", None, [p]),
        ("hf_set_parse", p, [ctypes.c_char_p, ctypes.c_char_p, err]),
        ("hf_set_destroy", None, [p]),
        ("hf_exec_sim_create", i, [p, ctypes.c_uint64, ctypes.POINTER(_Executor)]),
        ("hf_machine_detect", i, [p, err]),
        ("hf_machine_free", None, [p]),
        ("hf_exec_local_create", i, [p, p, ctypes.POINTER(_Platform), ctypes.c_char_p,
                                     ctypes.POINTER(_Executor), err]),
        ("hf_engine_create", p, [p, p, ctypes.POINTER(_Config), ctypes.POINTER(_Executor), err]),
        ("hf_engine_destroy", None, [p]),
        ("hf_executor_destroy", None, [ctypes.POINTER(_Executor)]),
        ("hf_engine_run", i, [p, err]),
        ("hf_engine_on_task_end", i, [p, _TASK_END, p]),
        ("hf_engine_task", None, [p, u32, ctypes.POINTER(_TaskInfo)]),
        ("hf_engine_result", p, [p, u32]),
        ("hf_engine_submit_set", i, [p, p, err]),
        ("hf_engine_ntasks", u32, [p]),
        ("hf_engine_usage", None, [p, ctypes.POINTER(_Usage)]),
        ("hf_engine_workflow_mut", p, [p]),
        ("hf_run_prepare", i, [p, p, ctypes.POINTER(_Config), ctypes.c_uint64, p, err]),
    ]:
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    _lib = lib
    return lib


def _set_name(lib, wf, s):
    # A set's name is the first member of hf_set_t.
    return ctypes.cast(lib.hf_workflow_set(wf, s), ctypes.POINTER(ctypes.c_char_p))[0].decode()


class Workflow:
    """A workflow from a dict (as a workflow file's keys) or YAML/JSON text."""

    def __init__(self, spec, name="workflow"):
        lib = _library()
        text = (json.dumps(spec) if isinstance(spec, dict) else spec).encode()
        err = _Err()
        self._lib = lib
        self._wf = lib.hf_workflow_load_buffer(name.encode(), text, len(text),
                                               ctypes.byref(err))
        if not self._wf:
            err.raise_("workflow")
        self._dag = lib.hf_dag_create(self._wf, ctypes.byref(err))
        if not self._dag:
            lib.hf_workflow_destroy(self._wf)
            err.raise_("workflow")

    def __del__(self):
        lib = getattr(self, "_lib", None)
        if lib and getattr(self, "_dag", None):
            lib.hf_dag_destroy(self._dag)
        if lib and getattr(self, "_wf", None):
            lib.hf_workflow_destroy(self._wf)


class Run:
    """One run of a workflow: simulated (the default) or for real in
    `workdir`, each task a process on this machine."""

    def __init__(self, workflow, platform=None, mode="task", policy="critical-path",
                 workdir=None, seed=0):
        lib = self._lib = workflow._lib
        self._workflow = workflow  # keeps it alive while the engine uses it
        self._callbacks = []
        self._machine = None
        err = _Err()
        x = self._exec = _Executor()
        if workdir is None:
            if not platform:
                raise Error("a simulation needs a platform: (nodes, cores, gpus)")
            if lib.hf_exec_sim_create(workflow._wf, seed, ctypes.byref(x)) < 0:
                raise Error("simulator: out of memory")
        else:
            self._machine = ctypes.create_string_buffer(512)  # holds an hf_machine_t
            if lib.hf_machine_detect(self._machine, ctypes.byref(err)) < 0:
                err.raise_("platform")
            ncores = ctypes.cast(self._machine, ctypes.POINTER(ctypes.c_int))[0]
            platform = platform or (1, ncores, 0)
            p = _Platform(*platform)
            if lib.hf_exec_local_create(workflow._wf, self._machine, ctypes.byref(p),
                                        os.fsencode(workdir), ctypes.byref(x),
                                        ctypes.byref(err)) < 0:
                err.raise_("executor")
        cfg = _Config(MODES[mode], POLICIES[policy], _Platform(*platform), 0.0, 0)
        # What the policy needs first: tuned searches set priorities.
        if lib.hf_run_prepare(workflow._wf, workflow._dag, ctypes.byref(cfg), seed, None,
                              ctypes.byref(err)) < 0:
            self._destroy_executor()
            err.raise_(policy)
        self._engine = lib.hf_engine_create(workflow._wf, workflow._dag, ctypes.byref(cfg),
                                            ctypes.byref(x), ctypes.byref(err))
        if not self._engine:
            self._destroy_executor()
            err.raise_("engine")

    def on_task_end(self, fn):
        """Call fn(run, task) for every task that ends, as it ends."""
        def trampoline(engine, task, state, now, arg):
            fn(self, task)
        cb = _TASK_END(trampoline)
        self._callbacks.append(cb)  # alive as long as the run
        if self._lib.hf_engine_on_task_end(self._engine, cb, None) < 0:
            raise Error("too many callbacks")
        return fn

    def submit(self, name, spec, after=()):
        """Add a set while running (or before): spec as a workflow file gives
        a set's keys; `after` names the sets it waits for."""
        lib, err = self._lib, _Err()
        wf = lib.hf_engine_workflow_mut(self._engine)
        s = lib.hf_set_parse(name.encode(), json.dumps(spec).encode(), ctypes.byref(err))
        if not s:
            err.raise_("submit")
        for parent in after:
            if not lib.hf_workflow_add_dep(wf, s, parent.encode(), 0, _Mark(0, 0)):
                lib.hf_set_destroy(s)
                raise Error("submit: out of memory")
        index = lib.hf_engine_submit_set(self._engine, s, ctypes.byref(err))
        if index < 0:
            lib.hf_set_destroy(s)
            err.raise_("submit")
        return index

    def run(self):
        err = _Err()
        if self._lib.hf_engine_run(self._engine, ctypes.byref(err)) < 0:
            err.raise_("run")
        return self.summary()

    def task(self, task):
        """A task's set name, index, state, exit status and times."""
        info = _TaskInfo()
        self._lib.hf_engine_task(self._engine, task, ctypes.byref(info))
        wf = self._lib.hf_engine_workflow_mut(self._engine)
        return {"set": _set_name(self._lib, wf, info.set), "index": info.index,
                "state": STATES[info.state], "status": info.status, "start": info.start,
                "end": info.end}

    def result(self, task):
        """The JSON result a task gave, as a dict, or None."""
        j = self._lib.hf_engine_result(self._engine, task)
        if not j:
            return None
        text = _jansson.json_dumps(j, 0)
        try:
            return json.loads(ctypes.string_at(text).decode())
        finally:
            ctypes.CDLL(None).free(ctypes.c_void_p(text))

    def tasks_of(self, name):
        """The task ids of set `name`."""
        wf = self._lib.hf_engine_workflow_mut(self._engine)
        s = self._lib.hf_workflow_find_set(wf, name.encode())
        if s < 0:
            raise Error(f"no set '{name}'")
        # first_task has an entry past the last set: the total.
        return list(range(self._lib.hf_workflow_first_task(wf, s),
                          self._lib.hf_workflow_first_task(wf, s + 1)))

    def summary(self):
        u = _Usage()
        self._lib.hf_engine_usage(self._engine, ctypes.byref(u))
        states = [self.task(t)["state"] for t in range(self._lib.hf_engine_ntasks(self._engine))]
        return {"makespan": u.last_end - u.first_start if u.first_start >= 0 else 0.0,
                "tasks": len(states), **{s: states.count(s) for s in ("done", "failed",
                                                                       "canceled")}}

    def _destroy_executor(self):
        if self._exec.ops:
            self._lib.hf_executor_destroy(ctypes.byref(self._exec))
            self._exec.ops = None

    def close(self):
        if getattr(self, "_engine", None):
            self._lib.hf_engine_destroy(self._engine)
            self._engine = None
        if getattr(self, "_exec", None) is not None:
            self._destroy_executor()
        if getattr(self, "_machine", None) is not None:
            self._lib.hf_machine_free(self._machine)
            self._machine = None

    def __del__(self):
        self.close()

"""hetflow's engine from Python, through ctypes over libhetflow.so (standard
library only).

    from hetflow.api import Workflow, Run

    wf = Workflow({"sets": {"sim": {"tasks": 4, "duration": 10}}})
    run = Run(wf, platform=(1, 4, 0))            # simulate; workdir=... runs for real
    run.on_task_end(lambda r, task: ...)         # each ended task, as it ends
    run.submit("train", {"duration": 5}, after=["sim"])   # from a callback, or before
    run.run()
    run.result(task), run.summary()              # as `hetflow simulate --json`

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

# The task states' names (hf_task_state_name() gives a task's); the library
# holds every struct, so nothing here mirrors a C layout or an enum's number.
STATES = ["waiting", "ready", "placed", "running", "done", "failed", "canceled"]


class Error(Exception):
    """What hetflow said went wrong."""


class _Err:
    """An hf_error_t the library allocates; pass .p where it takes one."""

    def __init__(self):
        self._lib = _library()
        self.p = self._lib.hf_error_new()
        if not self.p:
            raise MemoryError("hf_error_new")

    def raise_(self, what):
        text = self._lib.hf_error_text(self.p).decode(errors="replace")
        raise Error(f"{what}: {text}")

    def __del__(self):
        if getattr(self, "p", None):
            self._lib.hf_error_free(self.p)


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
    _jansson.json_delete.restype = None
    _jansson.json_delete.argtypes = [ctypes.c_void_p]
    p, i, u32, d, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32, ctypes.c_double, \
        ctypes.c_char_p
    for name, restype, argtypes in [
        ("hf_error_new", p, []),
        ("hf_error_text", s, [p]),
        ("hf_error_free", None, [p]),
        ("hf_workflow_load_buffer", p, [s, s, ctypes.c_size_t, p]),
        ("hf_workflow_destroy", None, [p]),
        ("hf_workflow_add_after", p, [p, p, s]),
        ("hf_dag_create", p, [p, p]),
        ("hf_dag_destroy", None, [p]),
        ("hf_set_parse", p, [s, s, p]),
        ("hf_set_destroy", None, [p]),
        ("hf_platform_new", p, [i, i, i, d, d]),
        ("hf_platform_free", None, [p]),
        ("hf_machine_new", p, [p]),
        ("hf_machine_ncores", i, [p]),
        ("hf_machine_destroy", None, [p]),
        ("hf_executor_new", p, []),
        ("hf_executor_free", None, [p]),
        ("hf_exec_sim_create", i, [p, ctypes.c_uint64, p]),
        ("hf_engine_config_new", p, [s, s, p, p]),
        ("hf_engine_config_free", None, [p]),
        ("hf_engine_create", p, [p, p, p, p, p]),
        ("hf_engine_destroy", None, [p]),
        ("hf_engine_run", i, [p, p]),
        ("hf_engine_on_task_end", i, [p, _TASK_END, p]),
        ("hf_engine_task_field", d, [p, u32, s]),
        ("hf_engine_group_name", s, [p, i]),
        ("hf_engine_ngroups", i, [p]),
        ("hf_engine_group_first", u32, [p, i]),
        ("hf_engine_group_ntasks", u32, [p, i]),
        ("hf_task_state_name", s, [i]),
        ("hf_engine_result", p, [p, u32]),
        ("hf_engine_submit_set", i, [p, p, p]),
        ("hf_engine_ntasks", u32, [p]),
        ("hf_engine_usage_field", d, [p, s]),
        ("hf_engine_workflow_mut", p, [p]),
        ("hf_run_prepare", i, [p, p, p, ctypes.c_uint64, p, p]),
        ("hf_run_summary_json", p, [p, p, ctypes.c_bool]),
        ("hf_run_open", p, [s, p, ctypes.c_bool, p]),
        ("hf_run_start_here", i, [p, p, p, p, p, p]),
        ("hf_run_engine", p, [p]),
        ("hf_run_close", None, [p]),
    ]:
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    _lib = lib
    return lib


# jansson's JSON_REAL_PRECISION(12): reals as the CLI prints them.
_REAL_PRECISION_12 = 12 << 11


def _loads(j, flags):
    """A jansson value as Python's."""
    text = _jansson.json_dumps(j, flags)
    try:
        return json.loads(ctypes.string_at(text).decode())
    finally:
        ctypes.CDLL(None).free(ctypes.c_void_p(text))


class Workflow:
    """A workflow from a dict (as a workflow file's keys) or YAML/JSON text."""

    def __init__(self, spec, name="workflow"):
        lib = _library()
        text = (json.dumps(spec) if isinstance(spec, dict) else spec).encode()
        err = _Err()
        self._lib = lib
        self._wf = lib.hf_workflow_load_buffer(name.encode(), text, len(text), err.p)
        if not self._wf:
            err.raise_("workflow")
        self._dag = lib.hf_dag_create(self._wf, err.p)
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
    `workdir`, each task a process on this machine.  A real run owns its
    workdir until close(), as `hetflow run` does (one run at a time; one
    that holds a journal of an earlier run is refused); it keeps no
    journal."""

    def __init__(self, workflow, platform=None, mode="task", policy="critical-path",
                 workdir=None, seed=0):
        lib = self._lib = workflow._lib
        self._workflow = workflow  # keeps it alive while the engine uses it
        self._callbacks = []
        self._machine = self._exec = self._engine = self._run = None
        err = _Err()
        if workdir is None and not platform:
            raise Error("a simulation needs a platform: (nodes, cores, gpus)")
        if workdir is not None:
            self._machine = lib.hf_machine_new(err.p)
            if not self._machine:
                err.raise_("platform")
            platform = platform or (1, lib.hf_machine_ncores(self._machine), 0)
        # (nodes, cores, gpus[, bw_shared, bw_node]): bandwidths 0, unlimited.
        p = lib.hf_platform_new(*(tuple(platform) + (0.0, 0.0)[len(platform) - 3:]))
        if not p:
            raise MemoryError("hf_platform_new")
        try:
            cfg = lib.hf_engine_config_new(mode.encode(), policy.encode(), p, err.p)
            if not cfg:
                err.raise_("engine")
            try:
                if workdir is not None:  # the library's run: owner, executor, engine
                    self._run = lib.hf_run_open(os.fsencode(workdir), workflow._wf, False,
                                                err.p)
                    if not self._run:
                        err.raise_("workdir")
                # What the policy needs first: tuned searches set priorities.
                if lib.hf_run_prepare(workflow._wf, workflow._dag, cfg, seed, None, err.p) < 0:
                    err.raise_(policy)
                if workdir is not None:
                    if lib.hf_run_start_here(self._run, workflow._wf, workflow._dag, cfg,
                                             self._machine, err.p) < 0:
                        err.raise_("run")
                    self._engine = lib.hf_run_engine(self._run)
                    return
                self._exec = lib.hf_executor_new()
                if not self._exec:
                    raise MemoryError("hf_executor_new")
                if lib.hf_exec_sim_create(workflow._wf, seed, self._exec) < 0:
                    raise Error("simulator: out of memory")
                self._engine = lib.hf_engine_create(workflow._wf, workflow._dag, cfg,
                                                    self._exec, err.p)
                if not self._engine:
                    err.raise_("engine")
            finally:
                lib.hf_engine_config_free(cfg)
        finally:
            lib.hf_platform_free(p)

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
        s = lib.hf_set_parse(name.encode(), json.dumps(spec).encode(), err.p)
        if not s:
            err.raise_("submit")
        for parent in after:
            if not lib.hf_workflow_add_after(wf, s, parent.encode()):
                lib.hf_set_destroy(s)
                raise Error("submit: out of memory")
        index = lib.hf_engine_submit_set(self._engine, s, err.p)
        if index < 0:
            lib.hf_set_destroy(s)
            err.raise_("submit")
        return index

    def run(self):
        err = _Err()
        if self._lib.hf_engine_run(self._engine, err.p) < 0:
            err.raise_("run")
        return self.summary()

    def task(self, task):
        """A task's set name, index, state, exit status and times."""
        lib = self._lib
        if not 0 <= task < lib.hf_engine_ntasks(self._engine):
            raise IndexError(f"no task {task}")

        def field(name):
            return lib.hf_engine_task_field(self._engine, task, name)
        return {"set": lib.hf_engine_group_name(self._engine, int(field(b"group"))).decode(),
                "index": int(field(b"index")),
                "state": lib.hf_task_state_name(int(field(b"state"))).decode(),
                "status": int(field(b"status")), "start": field(b"start"), "end": field(b"end")}

    def result(self, task):
        """The JSON result a task gave, as a dict, or None."""
        j = self._lib.hf_engine_result(self._engine, task)
        return _loads(j, 0) if j else None

    def tasks_of(self, name):
        """The task ids of set `name` (or of a pool's workers, `<set>.workers`)."""
        lib = self._lib
        g = next((g for g in range(lib.hf_engine_ngroups(self._engine))
                  if lib.hf_engine_group_name(self._engine, g).decode() == name), -1)
        if g < 0:
            raise Error(f"no set '{name}'")
        first = self._lib.hf_engine_group_first(self._engine, g)
        return list(range(first, first + self._lib.hf_engine_group_ntasks(self._engine, g)))

    def summary(self):
        """The run's summary: the object `hetflow simulate --json` prints
        (without its `seed`), bounds included."""
        j = self._lib.hf_run_summary_json(self._engine, self._workflow._dag, False)
        if not j:
            raise MemoryError("hf_run_summary_json")
        try:
            return _loads(j, _REAL_PRECISION_12)
        finally:
            _jansson.json_delete(j)  # a new object: its one reference

    def close(self):
        if getattr(self, "_run", None):  # its engine and executor with it
            self._lib.hf_run_close(self._run)
            self._run = self._engine = None
        if getattr(self, "_engine", None):
            self._lib.hf_engine_destroy(self._engine)
            self._engine = None
        if getattr(self, "_exec", None):
            self._lib.hf_executor_free(self._exec)
            self._exec = None
        if getattr(self, "_machine", None):
            self._lib.hf_machine_destroy(self._machine)
            self._machine = None

    def __del__(self):
        self.close()

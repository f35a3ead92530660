"""What may include what: the rules of docs/architecture.md, held by
parts.py --check. A part is a folder under src/; "executor" is the executor
interface (include/hetflow/executor.h) that the engine drives and the
executors implement; "all" is include/hetflow/hetflow.h.

A part may include the public headers of the parts listed for it, and its
own private headers. It may include another part's private header (under
src/) only where PRIVATE_OK lists the pair; util's headers are shared."""

_BELOW_RUN = {"util", "platform", "workflow", "analysis", "sched", "executor",
              "engine", "exec", "journal", "trace"}

ALLOWED = {
    "util": set(),
    "platform": {"util"},
    "workflow": {"util", "platform"},
    "analysis": {"util", "platform", "workflow"},
    "sched": {"util", "platform", "workflow"},
    "executor": {"util", "platform", "workflow", "sched"},
    "engine": {"util", "platform", "workflow", "sched", "executor"},
    "exec": {"util", "platform", "workflow", "sched", "executor", "worker"},
    "journal": {"util", "platform", "workflow", "sched", "engine"},
    "trace": {"util", "platform", "workflow", "sched", "engine", "analysis"},
    "run": _BELOW_RUN,
    "worker": {"util"},
    "cmd": _BELOW_RUN | {"run", "all"},
    "all": _BELOW_RUN | {"run"},
}

# The frame protocol is spoken by both ends: the pools in exec/ and
# hetflow-worker in worker/.
PRIVATE_OK = {("exec", "worker")}

/* Executors: what turns a placed task into an execution.  Every executor
 * fills one ops table; the engine drives them all the same way and never
 * knows which one it has.
 */
#ifndef HETFLOW_EXEC_H
#define HETFLOW_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "platform.h"
#include "sched.h"
#include "workflow.h"

struct hf_engine;

typedef struct {
    uint32_t task; /* flat task id */
    int set;
    uint32_t index; /* within the set */
    const hf_set_t *spec;
    const hf_alloc_t *alloc;
} hf_launch_t;

/* A staging: a task's inputs to its node-local scratch directory before it
 * runs, or its outputs from there back to their paths after it ran. */
typedef enum { HF_STAGE_IN, HF_STAGE_OUT } hf_stage_dir_t;

typedef struct {
    uint32_t task;
    int set;
    uint32_t index;
    const hf_set_t *spec;
    hf_stage_dir_t dir;
    int node; /* where the task runs or ran; -1 when not known yet */
} hf_stage_req_t;

typedef struct {
    const char *name;
    /* Seconds on the executor's clock. */
    double (*now)(void *ctx);
    /* Start a placed task.  A task that cannot start (no such program) is
     * not an error here: it is reported by the next wait() as ended with a
     * non-zero status, as a shell would.  Returns 0, or -1 with a message
     * when the executor itself fails. */
    int (*launch)(void *ctx, const hf_launch_t *launch, hf_error_t *err);
    /* Block until at least one launched task ends, or `timeout` seconds pass
     * (never when timeout < 0), and report every task that ended with
     * hf_engine_task_ended().  Returns how many were reported (0 on a
     * timeout, or if nothing runs), -1 with a message on error. */
    int (*wait)(void *ctx, struct hf_engine *engine, double timeout, hf_error_t *err);
    /* Start a task of a function set (alloc NULL): send the call to a
     * worker of its pool (the set's `pool`) that has room in its window,
     * and set *worker to that worker's task (a flat id in the pool set).
     * Returns 1 when a worker took it, 0 when none has room (none is up,
     * or all are busy; the engine offers it again after the next end), -1
     * with a message when the executor itself fails.  Its end, with the
     * result, is reported by wait().  A worker that dies fails the call it
     * was running and takes back those queued behind it
     * (HF_STATUS_LAUNCH_RETRY), and is started again. */
    int (*call)(void *ctx, const hf_launch_t *launch, uint32_t *worker, hf_error_t *err);
    /* Move a task's files (the engine keeps to its concurrency cap).  The
     * end is reported by wait() with hf_engine_stage_ended().  Returns 0,
     * or -1 with a message when the executor itself fails. */
    int (*stage)(void *ctx, const hf_stage_req_t *req, hf_error_t *err);
    /* Ask a running task to stop; its end is reported by wait() as usual.
     * A call is stopped by ending its worker, and only while it runs.  A
     * staging of the task's files is stopped too (and reported failed). */
    void (*cancel)(void *ctx, uint32_t task);
    void (*destroy)(void *ctx);
} hf_executor_ops_t;

typedef struct {
    const hf_executor_ops_t *ops;
    void *ctx;
} hf_executor_t;

/* The simulator: a virtual clock and an event heap ordered by (time,
 * insertion order).  Task durations are drawn from each set's duration model
 * by a counter-based generator keyed by (seed, set, index), so a task's
 * duration does not depend on when or where it runs: every mode and policy
 * sees the same draws.  Returns 0 or -1 with ENOMEM. */
int hf_exec_sim_create(const hf_workflow_t *wf, uint64_t seed, hf_executor_t *out);

/* The local executor: each task a process on this machine, pinned to the
 * OS CPUs of its cores (node n's core c is the machine's core n x
 * cores_per_node + c, wrapping around when the platform declares more
 * cores than the machine has) and given exactly its GPUs; its output goes
 * to workdir/<set>/<index>.out and .err (<index>.<try>.out and .err for a
 * later try of it); staged files go through node-local
 * scratch under $HETFLOW_SCRATCH (else $TMPDIR, else /tmp)/hetflow-<pid>.  Takes SIGCHLD,
 * SIGINT and SIGTERM for itself until destroyed: SIGINT or SIGTERM stops the engine,
 * which terminates every running task's process group.  Returns 0 or -1 with a message.
 */
int hf_exec_local_create(const hf_workflow_t *wf, const hf_machine_t *machine,
                         const hf_platform_t *p, const char *workdir, hf_executor_t *out,
                         hf_error_t *err);

/* How the local executor starts a task: as a process of its own on this
 * machine, or through the system's launcher, which starts its ranks on the
 * nodes of a batch allocation (srun: a job step; mpiexec: an MPI launch). */
typedef enum { HF_LAUNCHER_LOCAL, HF_LAUNCHER_SRUN, HF_LAUNCHER_MPIEXEC } hf_launcher_t;

const char *hf_launcher_name(hf_launcher_t kind);
/* Whether the launcher's program (srun, mpiexec) is on PATH. */
bool hf_launcher_found(hf_launcher_t kind);
int hf_launcher_parse(const char *s, hf_launcher_t *kind);

/* Start x's tasks through `kind` from now on; node i of the platform is
 * hosts[i % nhosts] (none: srun lets Slurm choose, mpiexec uses
 * localhost).  The launcher process runs here, unpinned; it binds the
 * ranks.  Returns 0, or -1 with a message (the launcher is not on PATH). */
int hf_exec_local_set_launcher(hf_executor_t *x, hf_launcher_t kind, char *const *hosts,
                               int nhosts, hf_error_t *err);

/* The process id (and process group id) of a task the local executor x
 * runs, or 0. */
long hf_exec_local_pid(const hf_executor_t *x, uint32_t task);

/* Kill what is left of task `task`'s process group `pid` from an earlier
 * run in `workdir`, if it is still there and still that task (its
 * environment says so).  Returns 1 if something was killed, else 0. */
int hf_exec_local_reclaim(long pid, uint32_t task, const char *workdir);

/* Why task `index` of set `set` of the run in `workdir` failed, as hetflow
 * noted it in the .err file of the task's last try: the note into `why`,
 * the file into `path` (WORKDIR/<set>/<index>.err, <index>.<try>.err for
 * a later try); returns 1.  Where no file holds a note (it could not be
 * written), `why` says what `status` (its last try's) tells, `path` is
 * empty, and it returns 0. */
int hf_exec_local_failure(const char *workdir, const char *set, uint32_t index,
                          int status, char *why, size_t why_len, char *path,
                          size_t path_len);

/* Make workdir and its folder for each set of wf (0700) where they are not
 * there, and refuse those someone else could change: owned by another
 * user, writable by group or others, or, for a set's folder, a symbolic
 * link.  Returns 0, or -1 with a message that says why. */
int hf_exec_local_check_workdir(const char *workdir, const hf_workflow_t *wf,
                                hf_error_t *err);

/* Delete the files the local executor wrote for set `set` in workdir (its
 * tasks' .out and .err of every try, results, endpoints, rankfiles), and
 * the set's folder if nothing else is left in it; a folder that is a link
 * is refused, not followed.  Returns 0, or -1 with a message. */
int hf_exec_local_forget(const char *workdir, const char *set, hf_error_t *err);

/* The duration the simulator gives task `index` of `set`. */
double hf_sim_duration(const hf_set_t *set, int set_id, uint32_t index, uint64_t seed);

/* Destroy x's executor, if it has one (a function, for bindings that do
 * not see the ops table). */
void hf_executor_destroy(hf_executor_t *x);

#endif

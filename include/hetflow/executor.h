/* The executor interface: what turns a placed task into an execution.
 * Every executor fills one ops table; the engine drives them all the same
 * way and never knows which one it has.  The executors call back into the
 * engine through the calls at the end of this header, and nothing else of
 * it.
 */
#ifndef HETFLOW_EXECUTOR_H
#define HETFLOW_EXECUTOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "platform.h"
#include "sched.h"
#include "workflow.h"

typedef struct hf_engine hf_engine_t;

/* A task to start: a set's, or a pool's worker.  The engine runs groups
 * of tasks (engine.h): the workflow's sets and the pools' workers. */
typedef struct {
    uint32_t task;        /* flat task id */
    int group;            /* the engine's group of it */
    uint32_t index;       /* within the group */
    const hf_set_t *spec; /* its set; NULL for a worker (pool_start() has its pool) */
    const char *name;     /* its group's: the set's, or the pool's ("<set>.workers") */
    const hf_alloc_t *alloc;
} hf_launch_t;

/* A staging: a task's inputs to its node-local scratch directory before it
 * runs, or its outputs from there back to their paths after it ran. */
typedef enum { HF_STAGE_IN, HF_STAGE_OUT } hf_stage_dir_t;

typedef struct {
    uint32_t task;
    int group;
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
    int (*wait)(void *ctx, hf_engine_t *engine, double timeout, hf_error_t *err);
    /* Start a worker of `pool`: `worker` is a placed task of the pool's
     * group of workers (no spec).  A persistent process that runs the pool's function
     * for the calls sent to it and reports itself up with
     * hf_engine_service_up() once it can take them; otherwise as launch().
     * The engine stops a pool by cancelling its workers. */
    int (*pool_start)(void *ctx, const hf_pool_t *pool, const hf_launch_t *worker,
                      hf_error_t *err);
    /* Start a task of a function set (alloc NULL): send the call to a
     * worker of `pool` (the set's) that is up and has room in its window,
     * and set *worker to that worker's task.  Returns 1 when a worker took
     * it, 0 when none has room (none is up, or all are busy; the engine
     * offers it again after the next end), -1 with a message when the
     * executor itself fails.  Its end, with the result, is reported by
     * wait().  A worker that dies fails the call it was running and takes
     * back those queued behind it (HF_STATUS_LAUNCH_RETRY), and is started
     * again. */
    int (*call)(void *ctx, const hf_pool_t *pool, const hf_launch_t *launch,
                uint32_t *worker, hf_error_t *err);
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

/* For bindings that do not mirror hf_executor_t (python/hetflow/api.py): an
 * empty one to create an executor in (NULL with ENOMEM), and freeing it,
 * destroying the executor it holds. */
hf_executor_t *hf_executor_new(void);
void hf_executor_free(hf_executor_t *x);

/* Destroy x's executor, if it has one (a function, for bindings that do
 * not see the ops table). */
void hf_executor_destroy(hf_executor_t *x);

/* ---- What executors call in the engine ---- */

/* The status of a task that exited 0 but whose result file was not a JSON
 * object: it fails. */
#define HF_STATUS_BAD_RESULT 1000

/* The status of a task whose launcher could not start it for now (Slurm:
 * "step creation temporarily disabled"): it is launched again after a
 * backoff, up to HF_LAUNCH_RETRIES times, without counting as a failure.
 * A call taken back from a worker that died before running it goes again
 * at once, as often as that happens. */
#define HF_STATUS_LAUNCH_RETRY 1001
#define HF_LAUNCH_RETRIES 20

/* The status of a task whose files could not be staged (an input missing,
 * a copy that failed), and of one that exited 0 without writing an output:
 * it fails (and may be retried). */
#define HF_STATUS_STAGE_FAILED 1002
#define HF_STATUS_MISSING_OUTPUT 1003

/* Before hf_engine_task_ended(): the result a task gave, a JSON object;
 * the engine takes the reference. */
void hf_engine_set_result(hf_engine_t *e, uint32_t task, json_t *result);

/* Task ended with `status`: 0 for success, the exit code (> 0), or minus
 * the signal that ended it.  A task the engine asked to cancel is recorded
 * canceled whatever its status.  Returns 0, or -1 with EINVAL if the task
 * was not running. */
int hf_engine_task_ended(hf_engine_t *e, uint32_t task, int status);

/* A staging of task's files ended: status 0, or non-zero when it failed or
 * was stopped; `bytes` moved.  Returns 0, or -1 with EINVAL if no staging
 * of the task was moving. */
int hf_engine_stage_ended(hf_engine_t *e, uint32_t task, int status, double bytes);

/* A task of a service set is up (it wrote its endpoint), or a pool's
 * worker (it can take calls).  When all of a service's tasks (a pool's
 * workers) are up, the sets that use it (call into it) may start.  Returns
 * 0, or -1 with EINVAL if the task is not a running service task or
 * worker. */
int hf_engine_service_up(hf_engine_t *e, uint32_t task);

/* What an executor may know of a task it was given: its group, index in
 * the group, set (NULL for a pool's worker) and group's name, whether it
 * runs (launched and not ended), and whether its timeout stopped it. */
typedef struct {
    int group;
    uint32_t index;
    const hf_set_t *spec;
    const char *name;
    bool running;
    bool timed_out;
} hf_exec_task_t;
void hf_engine_exec_task(const hf_engine_t *e, uint32_t task, hf_exec_task_t *out);

/* The platform the engine runs on (its bandwidths, for a simulator). */
const hf_platform_t *hf_engine_platform(const hf_engine_t *e);

/* Stop the run: launch nothing more, ask the executor to cancel every
 * running task, and record every task that has not started as canceled.
 * `why` is kept for the caller (a signal number, say, or an HF_STOP_* of
 * engine.h); safe to call from a transition callback or an executor, and
 * more than once. */
void hf_engine_stop(hf_engine_t *e, int why);

/* The `why` of the first hf_engine_stop(), or 0 if the run was not stopped. */
int hf_engine_stopped(const hf_engine_t *e);

#endif

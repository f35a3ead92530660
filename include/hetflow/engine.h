/* The engine: task states, the mode rules, and the loop that feeds ready
 * tasks to the scheduler and placements to an executor.  Every task state
 * change goes through one function here, which fires the registered
 * transition callbacks; nothing else changes a task's state.
 */
#ifndef HETFLOW_ENGINE_H
#define HETFLOW_ENGINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "dag.h"
#include "error.h"
#include "exec.h"
#include "platform.h"
#include "sched.h"
#include "workflow.h"

typedef enum {
    HF_TASK_WAITING,
    HF_TASK_READY,
    HF_TASK_PLACED,
    HF_TASK_RUNNING,
    HF_TASK_DONE,
    HF_TASK_FAILED,
    HF_TASK_CANCELED,
} hf_task_state_t;

typedef struct hf_engine hf_engine_t;

typedef struct {
    int set;
    uint32_t index;
    hf_task_state_t state;
    int status; /* when ended: 0, an exit code > 0, or -signal */
    int attempts;   /* failed runs that were retried */
    bool timed_out; /* its last run ended by its timeout */
    double ready; /* times in seconds on the executor's clock; -1 if not yet */
    double placed;
    double start;
    double end;
} hf_task_info_t;

/* Called after every state change.  `alloc` is the task's placement for
 * PLACED and RUNNING and the one it is giving back on leaving RUNNING. */
typedef void (*hf_transition_f)(hf_engine_t *e, uint32_t task, hf_task_state_t from,
                                hf_task_state_t to, double now, const hf_alloc_t *alloc,
                                void *arg);

typedef struct {
    hf_mode_t mode;
    hf_policy_t policy;
    hf_platform_t platform;
    double walltime; /* seconds the whole run may take, 0 for no limit */
} hf_engine_config_t;

/* Why a run was stopped: a signal number (> 0), or one of these. */
enum { HF_STOP_WALLTIME = -1, HF_STOP_FAILURE = -2 };

/* Create an engine for wf (finished, checked against the platform) and the
 * executor x, which it borrows.  Returns NULL with ENOMEM or EINVAL. */
hf_engine_t *hf_engine_create(const hf_workflow_t *wf, hf_dag_t *dag,
                              const hf_engine_config_t *cfg, hf_executor_t *x,
                              hf_error_t *err);
void hf_engine_destroy(hf_engine_t *e);

/* Register a transition callback (at most 8).  Returns 0 or -1 with ENOSPC. */
int hf_engine_on_transition(hf_engine_t *e, hf_transition_f cb, void *arg);

/* Run until no task can make progress.  Returns 0 when the run completed
 * (tasks may have failed: see hf_engine_count()), -1 on an executor error. */
int hf_engine_run(hf_engine_t *e, hf_error_t *err);

/* For executors, before hf_engine_task_ended(): the result a task gave, a
 * JSON object; the engine takes the reference. */
void hf_engine_set_result(hf_engine_t *e, uint32_t task, json_t *result);

/* A task's result (borrowed), or NULL when it gave none. */
const json_t *hf_engine_result(const hf_engine_t *e, uint32_t task);

/* The status of a task that exited 0 but whose result file was not a JSON
 * object: it fails. */
#define HF_STATUS_BAD_RESULT 1000

/* For executors: task ended with `status`: 0 for success, the exit code
 * (> 0), or minus the signal that ended it.  A task the engine asked to
 * cancel is recorded canceled whatever its status.  Returns 0, or -1 with
 * EINVAL if the task was not running. */
int hf_engine_task_ended(hf_engine_t *e, uint32_t task, int status);

/* Stop the run: launch nothing more, ask the executor to cancel every
 * running task, and record every task that has not started as canceled.
 * `why` is kept for the caller (a signal number, say); safe to call from a
 * transition callback or an executor, and more than once. */
void hf_engine_stop(hf_engine_t *e, int why);

/* The `why` of the first hf_engine_stop(), or 0 if the run was not stopped. */
int hf_engine_stopped(const hf_engine_t *e);

/* Call `cb` after every batch of work: a launch pass and the task ends that
 * led to it, just before the engine waits again (the journal commits
 * there), and once at the end of the run.  One at a time. */
typedef void (*hf_batch_f)(hf_engine_t *e, void *arg);
void hf_engine_on_batch(hf_engine_t *e, hf_batch_f cb, void *arg);

/* Before hf_engine_run(): record that `task` was done in an earlier run (a
 * resume), so it is not run again.  Returns 0, or -1 with EINVAL if the
 * task is not waiting. */
int hf_engine_restore_done(hf_engine_t *e, uint32_t task);

/* Call `cb` about every `period` seconds of the executor's clock while the
 * run waits on running tasks (a live progress line, say).  One at a time. */
typedef void (*hf_tick_f)(hf_engine_t *e, double now, void *arg);
void hf_engine_on_tick(hf_engine_t *e, double period, hf_tick_f cb, void *arg);

/* What the run used, over every attempt of every task (retries and
 * canceled runs included): first start, last end (-1 before any), and busy
 * core- and GPU-seconds. */
typedef struct {
    double first_start, last_end;
    double core_seconds, gpu_seconds;
} hf_usage_t;

void hf_engine_usage(const hf_engine_t *e, hf_usage_t *out);
void hf_engine_set_span(const hf_engine_t *e, int set, double *start, double *end);

const hf_workflow_t *hf_engine_workflow(const hf_engine_t *e);
const hf_engine_config_t *hf_engine_config(const hf_engine_t *e);
uint32_t hf_engine_ntasks(const hf_engine_t *e);
void hf_engine_task(const hf_engine_t *e, uint32_t task, hf_task_info_t *out);
long hf_engine_count(const hf_engine_t *e, hf_task_state_t state);
const char *hf_task_state_name(hf_task_state_t state);

#endif

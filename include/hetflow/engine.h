/* The engine, as its users see it: task states, the mode rules, and the
 * loop that feeds ready tasks to the scheduler and placements to an
 * executor.  Every task state change goes through one function here, which
 * fires the registered transition callbacks; nothing else changes a task's
 * state.  What executors implement and call is in executor.h (hf_engine_stop
 * and hf_engine_stopped, which users call too, among it).
 */
#ifndef HETFLOW_ENGINE_H
#define HETFLOW_ENGINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "dag.h"
#include "executor.h" /* the engine drives an executor; error, platform, sched, workflow */

typedef enum {
    HF_TASK_WAITING,
    HF_TASK_READY,
    HF_TASK_PLACED,
    HF_TASK_RUNNING,
    HF_TASK_DONE,
    HF_TASK_FAILED,
    HF_TASK_CANCELED,
} hf_task_state_t;

/* Why a task ended canceled. */
typedef enum {
    HF_CANCEL_NONE,      /* it was not canceled */
    HF_CANCEL_UPSTREAM,  /* a task or service it depends on failed */
    HF_CANCEL_WITHDRAWN, /* a rule or the API withdrew it (not a failure) */
    HF_CANCEL_STOPPED,   /* the run was stopped (a signal, the walltime, on_failure,
                          * the journal) */
} hf_cancel_cause_t;

/* The cause in a word ("upstream", "withdrawn", "stopped"; "" for none),
 * and back: 0, or -1 for an unknown word. */
const char *hf_cancel_cause_name(hf_cancel_cause_t cause);
/* The cause in words, for people ("a task or service it depends on
 * failed"). */
const char *hf_cancel_cause_text(hf_cancel_cause_t cause);
int hf_cancel_cause_parse(const char *name, hf_cancel_cause_t *out);

typedef struct {
    int group;      /* its group (hf_engine_group_name()) */
    int set;        /* its set (hf_workflow_get_set()), -1 for a pool's worker */
    uint32_t index; /* within its group */
    hf_task_state_t state;
    int status;     /* when ended: 0, an exit code > 0, or -signal */
    int attempts;   /* failed runs that were retried */
    bool timed_out; /* its last run ended by its timeout */
    hf_cancel_cause_t cancel_cause;
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
    double walltime;       /* seconds the whole run may take, 0 for no limit */
    int max_running;       /* tasks running at once at most (launcher steps), 0: no cap */
    int stage_concurrency; /* stagings moving at once at most; 0: the file's, else
                            * HF_STAGE_PER_NODE per node */
} hf_engine_config_t;

#define HF_STAGE_PER_NODE 4

/* Why a run was stopped: a signal number (> 0), or one of these
 * (HF_STOP_JOURNAL: the journal could not be written, a full disk say). */
enum { HF_STOP_WALLTIME = -1, HF_STOP_FAILURE = -2, HF_STOP_JOURNAL = -3 };

/* Create an engine for wf (finished, checked against the platform) and the
 * executor x, which it borrows; sets submitted during the run are appended
 * to wf.  The workflow's rules, if any, are carried out through the
 * adaptivity calls below.  dag must be wf's as written: after a run that
 * added sets, hf_workflow_truncate() it back first.
 * Returns NULL with ENOMEM or EINVAL (a message for a mismatched dag). */
hf_engine_t *hf_engine_create(hf_workflow_t *wf, hf_dag_t *dag,
                              const hf_engine_config_t *cfg, hf_executor_t *x,
                              hf_error_t *err);
void hf_engine_destroy(hf_engine_t *e);

/* Register a transition callback (at most 8).  Returns 0 or -1 with ENOSPC. */
int hf_engine_on_transition(hf_engine_t *e, hf_transition_f cb, void *arg);

/* Run until no task can make progress.  Returns 0 when the run completed
 * (tasks may have failed: see hf_engine_count()), -1 on an executor error. */
int hf_engine_run(hf_engine_t *e, hf_error_t *err);

/* A task's result (borrowed), or NULL when it gave none. */
const json_t *hf_engine_result(const hf_engine_t *e, uint32_t task);

/* Call `cb` after every batch of work: a launch pass and the task ends that
 * led to it, just before the engine waits again (the journal commits
 * there), and once at the end of the run.  One at a time. */
typedef void (*hf_batch_f)(hf_engine_t *e, void *arg);
void hf_engine_on_batch(hf_engine_t *e, hf_batch_f cb, void *arg);

/* Before hf_engine_run(): record that `task` was done in an earlier run (a
 * resume), so it is not run again.  (A service's task, a function set's
 * worker too, was only stopped when no set needed it: if a set that uses
 * it has tasks left, hf_engine_run() starts it again.)  Returns 0, or -1
 * with EINVAL if the task is not waiting. */
int hf_engine_restore_done(hf_engine_t *e, uint32_t task);

/* Before hf_engine_run(): record that `task` failed in an earlier run with
 * `status` after `attempts` retried tries, so it stays failed: the run
 * applies its set's on_failure to it as it starts (its dependents are
 * canceled, or run for `continue`; `stop` stops the run again).  Returns 0,
 * or -1 with EINVAL if the task is not waiting or attempts is out of range. */
int hf_engine_restore_failed(hf_engine_t *e, uint32_t task, int status, int attempts);

/* Call `cb` about every `period` seconds of the executor's clock while the
 * run waits on running tasks (a live progress line, say).  One at a time. */
typedef void (*hf_tick_f)(hf_engine_t *e, double now, void *arg);
void hf_engine_on_tick(hf_engine_t *e, double period, hf_tick_f cb, void *arg);

/* ---- Adaptivity: changing the workflow while it runs ----
 *
 * These calls may be made before hf_engine_run() and from an on_task_end
 * callback (never from a transition callback, which runs in the middle of
 * a state change).  The workflow file's rules are built on them alone. */

/* Called once per task that ended (done, failed or canceled), in the order
 * they ended, after the engine has passed the end on to its dependents and
 * before it places more tasks: what a callback starts, cancels or submits
 * takes effect at once.  At most 8 callbacks.  Returns 0 or -1 with ENOSPC. */
typedef void (*hf_task_end_f)(hf_engine_t *e, uint32_t task, hf_task_state_t state,
                              double now, void *arg);
int hf_engine_on_task_end(hf_engine_t *e, hf_task_end_f cb, void *arg);

/* Start a set held back with `start: on_rule`: its tasks become ready as
 * their dependencies allow.  Returns 0 (also when it was not held), or -1
 * with EINVAL for no such set. */
int hf_engine_start_set(hf_engine_t *e, int set);

/* Cancel `fraction` (0 < f <= 1) of the set's tasks that have not ended,
 * rounded up: tasks not yet started first (the highest indices), then
 * running ones (the latest started first), which are terminated and end as
 * canceled, their cores and GPUs given to other tasks.  Tasks canceled so
 * are withdrawn from the workflow: the set counts as complete without them,
 * and one-to-one dependents of them are withdrawn too.  Returns how many
 * tasks it canceled, or -1 with EINVAL. */
long hf_engine_cancel_set(hf_engine_t *e, int set, double fraction);

/* Cap the share of the platform's cores and of its GPUs (fractions in
 * [0, 1]; 1 for no cap) that the set's running tasks may hold at once; a
 * later call changes it.  One task of the set may always run.  Returns 0,
 * or -1 with EINVAL. */
int hf_engine_set_share(hf_engine_t *e, int set, double cores, double gpus);

/* Submit a new set (from hf_set_create(), with its dependencies on sets
 * already there): it joins the workflow and its tasks become ready as
 * those dependencies (already ended or not) allow.  A submitted set has no
 * stage under the sequential and workload modes: only its own edges order
 * it.  Takes the set and returns its index, or -1 with a message (the set
 * still the caller's). */
int hf_engine_submit_set(hf_engine_t *e, hf_set_t *set, hf_error_t *err);

/* Counts of a set's tasks: all, done, and ended in any way. */
typedef struct {
    uint32_t tasks, done, ended;
} hf_set_progress_t;
void hf_engine_progress_of_set(const hf_engine_t *e, int set, hf_set_progress_t *out);

/* Record a labelled moment of the run (a rule that fired, say), for the
 * trace and the report.  Returns 0, or -1 with ENOMEM. */
int hf_engine_mark(hf_engine_t *e, const char *label);
int hf_engine_nmarks(const hf_engine_t *e);
/* Mark i's time and label (valid while the engine lives). */
void hf_engine_mark_info(const hf_engine_t *e, int i, double *time, const char **label);

/* The engine's workflow, which grows as sets are submitted. */
hf_workflow_t *hf_engine_workflow_mut(hf_engine_t *e);

/* ---- The tuned policy ---- */

/* Make an executor for a trial run of wf (a simulator). */
typedef int (*hf_exec_factory_f)(const hf_workflow_t *wf, hf_executor_t *out, void *arg);

/* Search set priorities by simulation: from heft's order, try each set
 * ahead of the others of its DAG level, in level order, and keep what
 * shortens the simulated makespan, at most `budget` trials.  Leaves the
 * best priorities in wf and its makespan in *best; run with HF_POLICY_HEFT
 * (or HF_POLICY_TUNED, its name) to use them.  Returns the number of
 * trials, or -1 with a message. */
int hf_tune_priorities(hf_workflow_t *wf, hf_dag_t *dag, const hf_engine_config_t *cfg,
                       hf_exec_factory_f make, void *arg, int budget, double *best,
                       hf_error_t *err);

/* What the run used, over every attempt of every task (retries and
 * canceled runs included): first start, last end (-1 before any), and busy
 * core- and GPU-seconds. */
typedef struct {
    double first_start, last_end;
    double core_seconds, gpu_seconds;
} hf_usage_t;

void hf_engine_usage(const hf_engine_t *e, hf_usage_t *out);

/* What staging a task's files took: when its inputs moved in and its
 * outputs out (-1 when they did not, or not yet), how many bytes, and when
 * its process ended (its slot was free from then on, under asynchronous
 * staging; -1 when it has not ended).  Returns false, *out untouched, for
 * a task that did not stage. */
typedef struct {
    double in_start, in_end, out_start, out_end, compute_end;
    double bytes_in, bytes_out;
} hf_task_staging_t;
bool hf_engine_task_staging(const hf_engine_t *e, uint32_t task, hf_task_staging_t *out);

/* A group's staging: bytes moved in and out, and seconds its stagings took
 * (summed over its tasks; a pool's workers stage nothing). */
typedef struct {
    double bytes_in, bytes_out, seconds;
} hf_set_staging_t;
void hf_engine_staging_of_group(const hf_engine_t *e, int group, hf_set_staging_t *out);
/* When a group's first task started and its last ended (-1 before any). */
void hf_engine_span_of_group(const hf_engine_t *e, int group, double *start, double *end);

/* The worker a call (a task of a function set) went to at its latest
 * start: the flat id of that worker's task in the pool's group (`<set>.workers`),
 * whose cores it ran on; HF_NO_WORKER for a task that is not a call or has
 * not started.  Valid from the call's RUNNING transition on. */
#define HF_NO_WORKER UINT32_MAX
uint32_t hf_engine_task_worker(const hf_engine_t *e, uint32_t task);

/* ---- Groups: what the engine runs ----
 *
 * The engine runs groups of tasks: the workflow's sets, and the function
 * sets' pools, whose tasks are the workers (placed, journaled, traced and
 * reported as tasks, in a group named "<set>.workers").  Groups are
 * numbered in the order they joined: the workflow's sets at create, then
 * the pools, then the sets submitted while it runs; a group's tasks have
 * consecutive flat ids. */
typedef enum { HF_GROUP_SET, HF_GROUP_POOL } hf_group_kind_t;
int hf_engine_ngroups(const hf_engine_t *e);
const char *hf_engine_group_name(const hf_engine_t *e, int group);
hf_group_kind_t hf_engine_group_kind(const hf_engine_t *e, int group);
/* The group's set (hf_workflow_get_set()), NULL for a pool's workers. */
const hf_set_t *hf_engine_group_spec(const hf_engine_t *e, int group);
/* The group of set `set` (an index of hf_workflow_get_set()), -1 for none. */
int hf_engine_group_of_set(const hf_engine_t *e, int set);
/* The flat id of the group's first task, and how many tasks it has. */
uint32_t hf_engine_group_first(const hf_engine_t *e, int group);
uint32_t hf_engine_group_ntasks(const hf_engine_t *e, int group);

const hf_workflow_t *hf_engine_workflow(const hf_engine_t *e);
const hf_engine_config_t *hf_engine_config(const hf_engine_t *e);
uint32_t hf_engine_ntasks(const hf_engine_t *e);
void hf_engine_task(const hf_engine_t *e, uint32_t task, hf_task_info_t *out);
long hf_engine_count(const hf_engine_t *e, hf_task_state_t state);

/* What goes on now, for a live view: the cores and GPUs that tasks hold
 * (placed or running; a task whose outputs move out asynchronously holds
 * none), the tasks running a process or a call (not those whose outputs
 * move), and the stagings moving. */
typedef struct {
    long cores, gpus;
    long computing;
    long staging;
} hf_activity_t;
void hf_engine_activity(const hf_engine_t *e, hf_activity_t *out);
const char *hf_task_state_name(hf_task_state_t state);

/* ---- For bindings that do not mirror the structs (python/hetflow/api.py) ---- */

/* A config of the named mode and policy on a copy of p, no walltime and no
 * caps: NULL with a message for a name that is none, or ENOMEM.  Free it
 * with hf_engine_config_free(). */
hf_engine_config_t *hf_engine_config_new(const char *mode, const char *policy,
                                         const hf_platform_t *p, hf_error_t *err);
void hf_engine_config_free(hf_engine_config_t *cfg);
/* A field of hf_engine_task() by its name in hf_task_info_t ("group", "set", "index",
 * "state", "status", "attempts", "timed_out", "cancel_cause", "ready",
 * "placed", "start", "end"), or of hf_engine_usage() ("first_start",
 * "last_end", "core_seconds", "gpu_seconds"), as a double; NAN with EINVAL
 * for another name, or a task past the last. */
double hf_engine_task_field(const hf_engine_t *e, uint32_t task, const char *field);
double hf_engine_usage_field(const hf_engine_t *e, const char *field);

#endif

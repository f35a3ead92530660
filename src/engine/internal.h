/* The engine's state, shared by engine.c (task states, dependencies,
 * failure propagation), loop.c (the event loop, stops, timers) and the
 * files beside them.  The engine runs groups of tasks (engine.h): a set's
 * tasks, or a pool's workers; groups.c says what differs between them. */
#ifndef HETFLOW_ENGINE_INTERNAL_H
#define HETFLOW_ENGINE_INTERNAL_H

#include "gates.h"
#include "hetflow/engine.h"
#include "hetflow/sched.h" /* the engine feeds the scheduler */
#include "timers.h"

#define MAX_CALLBACKS 8

typedef struct {
    double ready, placed, start, end;
    hf_alloc_t *alloc; /* while placed or running */
    int32_t status;    /* when ended: 0, exit code, or -signal */
    uint16_t pending;  /* one-to-one parent tasks not yet done */
    uint8_t state;
    uint8_t cancel_asked; /* ends as canceled, whatever its status */
    uint8_t attempts;     /* failed runs retried so far */
    uint8_t timed_out;
    uint8_t cancel_cause;   /* hf_cancel_cause_t: why it ends canceled */
    uint8_t launch_retries; /* HF_STATUS_LAUNCH_RETRY ends so far */
    uint8_t service_stop;   /* a service stopped because no set needs it: done */
    uint8_t up;             /* a service task that said it serves */
    uint8_t computed;       /* its busy time counted when its process ended */
} task_t;

/* What the engine's generic paths read of a group's units: a set's
 * fields, or a worker's (groups.c). */
typedef struct {
    int cores, gpus, ranks;
    int priority;
    double duration_mean;
    int retries;
    double backoff, timeout;
    hf_on_failure_t on_failure;
} unit_t;

/* A group (engine.h): a set's tasks or a pool's workers. */
typedef struct {
    int set;        /* its set, -1 for a pool */
    int pool;       /* its pool, -1 for a set */
    uint32_t first; /* flat id of task 0 */
    uint32_t ntasks;
    uint32_t nended; /* done, failed or canceled */
    uint32_t nok;    /* done, or failed with on_failure: continue */
    uint32_t ndone;
    uint32_t nwithdrawn;
    int all_pending;  /* all-tasks parents not yet ended */
    bool released;    /* parents and gates allow its tasks to become ready */
    bool held;        /* start: on_rule, not started yet */
    int uses_pending; /* services (its pool) it uses that are not all up yet */
    uint32_t nup;     /* a serving group's tasks up (engine_serves()) */
    int users_left;   /* a serving group's user sets not yet ended */
    bool unused;      /* a service whose last user ended: stopped unless a
                       * task-end callback gives it another */
    uint32_t *calls;  /* a function set: its ready tasks, a ring */
    uint32_t calls_head, ncalls;
    double first_start, last_end; /* over every attempt; -1 before any */
    unit_t unit; /* what its units need, read once as it joins (engine_unit()) */
} group_rt_t;

/* A pool of workers (engine/pools.c). */
typedef struct {
    int group;    /* the group of its workers */
    bool started; /* a set that calls into it may start: its workers may */
} pool_rt_t;

typedef struct {
    hf_edge_t *v;
    int n, cap;
} edges_t;

typedef struct {
    double time;
    char *label;
} mark_t;

struct rules;

struct hf_engine {
    hf_workflow_t *wf;
    hf_dag_t *dag;
    int ngroups; /* (engine.h) the workflow's sets, the pools, submitted sets */
    int groups_cap;
    int *group_of;     /* per workflow set: its group (sets_cap entries) */
    edges_t *children; /* per group: the DAG's edges, and those of submitted sets */
    uint32_t tasks_cap;
    hf_engine_config_t cfg;
    hf_executor_t *exec;
    hf_sched_t *sched;
    gates_t gates;
    task_t *tasks;
    uint32_t ntasks;
    group_rt_t *groups;
    long count[HF_TASK_CANCELED + 1];
    struct {
        hf_transition_f cb;
        void *arg;
    } callbacks[MAX_CALLBACKS];
    int ncallbacks;
    uint32_t *cancel_stack; /* worklist for failure propagation */
    size_t ncancel;
    int stopped; /* the why of hf_engine_stop, 0 while running */
    double tick_period;
    double next_tick;
    hf_tick_f tick;
    void *tick_arg;
    hf_batch_f batch;
    void *batch_arg;
    timers_t timers;
    long pending_retries; /* tasks waiting out a backoff */
    hf_usage_t usage;     /* over every attempt of every task */
    json_t **results;     /* per task, allocated with the first result */
    uint32_t *worker;     /* per task: its worker + 1 (calls), allocated with the
                           * first call */
    struct {
        hf_task_end_f cb;
        void *arg;
    } on_end[MAX_CALLBACKS];
    int non_end;
    uint32_t *ended; /* tasks ended and not yet passed to on_end callbacks */
    size_t nended, ended_cap;
    mark_t *marks;
    int nmarks, marks_cap;
    struct rules *rules;     /* the workflow's rules */
    long calls_running;      /* function tasks at a worker: not launcher steps */
    long calls_queued;       /* in the function sets' rings */
    int nunused;             /* services marked unused */
    struct staging *staging; /* NULL when no set stages files */
    pool_rt_t *pools;        /* by hf_workflow_pool() index */
    long released_out;       /* running tasks whose slot is free: outputs moving */
};

/* engine.c, for loop.c */
void engine_transition(hf_engine_t *e, uint32_t id, hf_task_state_t to);
int engine_group_of(const hf_engine_t *e, uint32_t task);
int engine_make_ready(hf_engine_t *e, int group, uint32_t index);
int engine_release_group(hf_engine_t *e, int group);
int engine_propagate(hf_engine_t *e, uint32_t task); /* a task ended: its effects */
int engine_withdraw(hf_engine_t *e, uint32_t task);  /* cancel a task not started */
/* Queue a waiting task to end canceled: withdrawn, or after a failure. */
void engine_push_cancel(hf_engine_t *e, uint32_t task, bool withdrawn);
int engine_drain_cancels(hf_engine_t *e);
int engine_stop_unused(hf_engine_t *e); /* after the task-end callbacks */
/* A task that was placed, running or waiting ends with `status` (failed
 * ones may be retried), and its dependents learn of it. */
int engine_end(hf_engine_t *e, uint32_t task, int status);
/* Call `task` went to the worker that is pool task `worker`.  Returns 0, or
 * -1 with ENOMEM. */
int engine_note_worker(hf_engine_t *e, uint32_t task, uint32_t worker);
/* Count a running task's busy core- and GPU-seconds up to now, once. */
void engine_account_compute(hf_engine_t *e, uint32_t task, double now);

/* staging.c: moving tasks' files around their runs.  Each hook returns 1
 * when it took the task (the caller stops there), 0 to go on, -1 on ENOMEM. */
int staging_init(hf_engine_t *e);    /* when some set stages */
int staging_reserve(hf_engine_t *e); /* after the engine grew */
void staging_fini(hf_engine_t *e);
int staging_before_ready(hf_engine_t *e, int set, uint32_t task);
int staging_after_place(hf_engine_t *e, const hf_launch_t *l);
int staging_after_run(hf_engine_t *e, uint32_t task, int status);
int staging_dispatch(hf_engine_t *e, hf_error_t *err);    /* up to the cap */
bool staging_next_launch(hf_engine_t *e, uint32_t *task); /* staged in: launch it */
bool staging_busy(const hf_engine_t *e);
bool staging_moving(const hf_engine_t *e, uint32_t task);
int staging_in_flight(const hf_engine_t *e);           /* stagings moving now */
bool staging_out(const hf_engine_t *e, uint32_t task); /* its process has ended */
int staging_drain(hf_engine_t *e);                     /* after a stop */

/* sets.c: the one path a set joins the engine by (see there): its group
 * and tasks first, then (every set there) its uses and edges; -1 on
 * ENOMEM.  A pool's group joins at create, after the workflow's sets. */
int engine_add_set(hf_engine_t *e, int set); /* returns its group */
int engine_link_set(hf_engine_t *e, int group);
/* Tell the scheduler group g's shape (a unit's cores, GPUs, ranks, priority,
 * expected time) and its rank under ranked policies.  -1 on ENOMEM. */
int engine_shape_group(hf_engine_t *e, int g, double rank);
int engine_add_edge(hf_engine_t *e, int parent, hf_edge_t edge);
int engine_add_group(hf_engine_t *e, int set, int pool, uint32_t ntasks);

/* groups.c: what differs between a set's tasks and a pool's workers, in
 * one place.  A group's set (NULL for a pool); its units' shape; the
 * groups it uses (its services, then a function set's pool's workers).
 * engine_open(): its units may become ready beyond their dependencies (a
 * set's mode gate is open, a pool was started).  engine_start(): start a
 * placed unit (launch(), pool_start()).  engine_serves(): it serves
 * others (a service, a pool): up when all its units are, stopped when no
 * group uses it any more.  engine_wanted(): a group that uses it may start
 * (a pool starts its workers).  engine_unit_ended(): one of its units
 * ended by itself (not stopped): a service or pool not up yet is lost to
 * the sets that wait for it, a pool whose workers all ended is lost. */
const hf_set_t *engine_spec(const hf_engine_t *e, int group);
bool engine_calls(const hf_engine_t *e, int group); /* its tasks are calls */
void engine_unit(const hf_engine_t *e, int group, unit_t *out);
int engine_nuses(const hf_engine_t *e, int group);
int engine_used(const hf_engine_t *e, int group, int k);
bool engine_open(const hf_engine_t *e, int group);
int engine_start(hf_engine_t *e, const hf_launch_t *l, hf_error_t *err);
bool engine_serves(const hf_engine_t *e, int group);
int engine_wanted(hf_engine_t *e, int group);
void engine_unit_ended(hf_engine_t *e, int group);
void engine_service_lost(hf_engine_t *e, int group); /* engine.c */

/* pools.c: function sets' pools of workers (see there). */
int engine_pools_init(hf_engine_t *e);           /* their groups, after the sets' */
int engine_pool_start(hf_engine_t *e, int pool); /* a set calling into it may start */
void engine_pool_lost(hf_engine_t *e, int pool); /* one of its workers ended */

/* steer.c: the adaptivity API's state */
int steer_deliver_ends(hf_engine_t *e); /* to on_task_end callbacks */
int steer_reserve(hf_engine_t *e, int nsets, uint32_t ntasks);
void steer_fini(hf_engine_t *e);

/* run_rules.c: the workflow's rules, carried out through the public API. */
int rules_attach(hf_engine_t *e, hf_error_t *err);
void rules_destroy(struct rules *r);

#endif

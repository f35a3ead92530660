/* The engine: per-task states and times, readiness (all-tasks and one-to-one
 * edges, the mode's gates), failure propagation, and the loop between the
 * scheduler and an executor.  engine_transition() is the only place a task's
 * state changes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gates.h"
#include "hetflow/analysis.h"
#include "hetflow/engine.h"

#define MAX_CALLBACKS 8

typedef struct {
    double ready, placed, start, end;
    hf_alloc_t *alloc; /* while placed or running */
    int32_t status;    /* when ended: 0, exit code, or -signal */
    uint16_t pending;  /* one-to-one parent tasks not yet done */
    uint8_t state;
    uint8_t cancel_asked;
} task_t;

typedef struct {
    uint32_t first; /* flat id of task 0 */
    uint32_t ntasks;
    uint32_t nended; /* done, failed or canceled */
    uint32_t ndone;
    int all_pending; /* all-tasks parents not yet ended */
    bool released;   /* parents and gates allow its tasks to become ready */
} set_rt_t;

struct hf_engine {
    const hf_workflow_t *wf;
    hf_dag_t *dag;
    hf_engine_config_t cfg;
    hf_executor_t *exec;
    hf_sched_t *sched;
    gates_t gates;
    task_t *tasks;
    uint32_t ntasks;
    set_rt_t *sets;
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
};

static const char *const state_names[] = {"waiting", "ready",  "placed",  "running",
                                          "done",    "failed", "canceled"};

const char *hf_task_state_name(hf_task_state_t state)
{
    return state_names[state];
}

/* The set of a flat task id: binary search over the sets' first ids. */
static int set_of(const hf_engine_t *e, uint32_t task)
{
    int lo = 0, hi = hf_workflow_nsets(e->wf) - 1;

    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (e->sets[mid].first <= task)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static void engine_transition(hf_engine_t *e, uint32_t id, hf_task_state_t to)
{
    task_t *t = &e->tasks[id];
    hf_task_state_t from = (hf_task_state_t)t->state;
    double now = e->exec->ops->now(e->exec->ctx);

    switch (to) {
    case HF_TASK_READY:
        t->ready = now;
        break;
    case HF_TASK_PLACED:
        t->placed = now;
        break;
    case HF_TASK_RUNNING:
        t->start = now;
        break;
    default:
        t->end = now;
        break;
    }
    t->state = (uint8_t)to;
    e->count[from]--;
    e->count[to]++;
    for (int i = 0; i < e->ncallbacks; i++)
        e->callbacks[i].cb(e, id, from, to, now, t->alloc, e->callbacks[i].arg);
}

static int make_ready(hf_engine_t *e, int s, uint32_t index)
{
    if (hf_sched_push(e->sched, s, index) < 0)
        return -1;
    engine_transition(e, e->sets[s].first + index, HF_TASK_READY);
    return 0;
}

static bool may_start(const hf_engine_t *e, int s)
{
    return e->sets[s].released && e->sets[s].all_pending == 0;
}

/* Make ready every waiting task of s whose one-to-one parents are done. */
static int release_set(hf_engine_t *e, int s)
{
    set_rt_t *set = &e->sets[s];

    if (!gates_open(&e->gates, s) || set->all_pending > 0 || set->released)
        return 0;
    set->released = true;
    for (uint32_t i = 0; i < set->ntasks; i++) {
        task_t *t = &e->tasks[set->first + i];
        if (t->state == HF_TASK_WAITING && t->pending == 0 && make_ready(e, s, i) < 0)
            return -1;
    }
    return 0;
}

static void push_cancel(hf_engine_t *e, uint32_t id)
{
    if (e->tasks[id].state != HF_TASK_WAITING)
        return;
    /* Marked at once so that no task is queued twice (the stack has one
     * slot per task); the transition is recorded when it is popped. */
    e->cancel_stack[e->ncancel++] = id;
    e->tasks[id].state = HF_TASK_CANCELED;
}

static int set_ended(hf_engine_t *e, int s);

/* A task ended: count it, and pass what it means to its children. */
static int task_ended(hf_engine_t *e, uint32_t id)
{
    int s = set_of(e, id);
    set_rt_t *set = &e->sets[s];
    uint32_t index = id - set->first;
    bool ok = e->tasks[id].state == HF_TASK_DONE;
    const hf_edge_t *child = hf_dag_children(e->dag, s);

    if (ok)
        set->ndone++;
    for (int k = 0; k < hf_dag_nchildren(e->dag, s); k++) {
        int c = child[k].set;
        uint32_t cid = e->sets[c].first + index;
        if (child[k].map != HF_MAP_ONE_TO_ONE)
            continue;
        if (!ok) {
            push_cancel(e, cid);
        } else if (--e->tasks[cid].pending == 0 && may_start(e, c) &&
                   e->tasks[cid].state == HF_TASK_WAITING) {
            if (make_ready(e, c, index) < 0)
                return -1;
        }
    }
    if (++set->nended == set->ntasks)
        return set_ended(e, s);
    return 0;
}

/* Every task of s ended: release or cancel its all-tasks children, and let
 * the mode's gates move on. */
static int set_ended(hf_engine_t *e, int s)
{
    set_rt_t *set = &e->sets[s];
    const hf_edge_t *child = hf_dag_children(e->dag, s);
    int stage;

    for (int k = 0; k < hf_dag_nchildren(e->dag, s); k++) {
        int c = child[k].set;
        if (child[k].map == HF_MAP_ONE_TO_ONE)
            continue;
        e->sets[c].all_pending--;
        if (set->ndone < set->ntasks) {
            for (uint32_t i = 0; i < e->sets[c].ntasks; i++)
                push_cancel(e, e->sets[c].first + i);
        } else if (release_set(e, c) < 0) {
            return -1;
        }
    }
    if ((stage = gates_set_ended(&e->gates, s)) >= 0) {
        const stage_t *st = &e->gates.stages[stage];
        for (int i = 0; i < st->count; i++)
            if (release_set(e, e->gates.members[st->first + i]) < 0)
                return -1;
    }
    return 0;
}

/* Record the cancellations queued by failures, each of which may cancel
 * more: a worklist rather than recursion, as chains can be long. */
static int drain_cancels(hf_engine_t *e)
{
    while (e->ncancel > 0) {
        uint32_t id = e->cancel_stack[--e->ncancel];
        e->tasks[id].state = HF_TASK_WAITING;
        engine_transition(e, id, HF_TASK_CANCELED);
        if (task_ended(e, id) < 0)
            return -1;
    }
    return 0;
}

int hf_engine_task_ended(hf_engine_t *e, uint32_t id, int status)
{
    task_t *t;
    hf_task_state_t to;

    if (id >= e->ntasks || e->tasks[id].state != HF_TASK_RUNNING) {
        errno = EINVAL;
        return -1;
    }
    t = &e->tasks[id];
    t->status = status;
    if (t->cancel_asked)
        to = HF_TASK_CANCELED;
    else
        to = status == 0 ? HF_TASK_DONE : HF_TASK_FAILED;
    engine_transition(e, id, to);
    hf_sched_release(e->sched, t->alloc);
    t->alloc = NULL;
    if (task_ended(e, id) < 0)
        return -1;
    return drain_cancels(e);
}

static int setup_sched(hf_engine_t *e)
{
    int n = hf_workflow_nsets(e->wf);
    double *t = malloc((size_t)n * sizeof(double));
    double *rank = malloc((size_t)n * sizeof(double));
    int rc = -1;

    if (!t || !rank)
        goto done;
    if (!(e->sched = hf_sched_create(&e->cfg.platform, e->cfg.policy, n)))
        goto done;
    /* Critical-path order: the longest chain of set times still to run. */
    for (int s = 0; s < n; s++)
        t[s] = hf_set_model(hf_workflow_set(e->wf, s), &e->cfg.platform).t;
    hf_dag_upward_rank(e->dag, t, rank);
    for (int s = 0; s < n; s++) {
        const hf_set_t *set = hf_workflow_set(e->wf, s);
        if (hf_sched_set_shape(e->sched, s, set->cores, set->gpus, set->ranks,
                               set->priority, rank[s]) < 0)
            goto done;
    }
    rc = 0;
done:
    free(t);
    free(rank);
    return rc;
}

static int setup_tasks(hf_engine_t *e)
{
    int n = hf_workflow_nsets(e->wf);

    e->ntasks = (uint32_t)hf_workflow_ntasks(e->wf);
    e->tasks = malloc((size_t)e->ntasks * sizeof(task_t));
    e->sets = calloc((size_t)n, sizeof(set_rt_t));
    e->cancel_stack = malloc((size_t)e->ntasks * sizeof(uint32_t));
    if (!e->tasks || !e->sets || !e->cancel_stack)
        return -1;
    for (int s = 0; s < n; s++) {
        const hf_set_t *set = hf_workflow_set(e->wf, s);
        uint16_t one_to_one = 0;
        e->sets[s].first = hf_workflow_first_task(e->wf, s);
        e->sets[s].ntasks = (uint32_t)set->tasks;
        for (int j = 0; j < set->nafter; j++) {
            if (set->after[j].map == HF_MAP_ONE_TO_ONE)
                one_to_one++;
            else
                e->sets[s].all_pending++;
        }
        for (uint32_t i = 0; i < e->sets[s].ntasks; i++)
            e->tasks[e->sets[s].first + i] = (task_t){.ready = -1,
                                                      .placed = -1,
                                                      .start = -1,
                                                      .end = -1,
                                                      .pending = one_to_one,
                                                      .state = HF_TASK_WAITING};
    }
    e->count[HF_TASK_WAITING] = e->ntasks;
    return 0;
}

hf_engine_t *hf_engine_create(const hf_workflow_t *wf, hf_dag_t *dag,
                              const hf_engine_config_t *cfg, hf_executor_t *x,
                              hf_error_t *err)
{
    hf_engine_t *e = calloc(1, sizeof(*e));

    if (!e)
        goto nomem;
    e->wf = wf;
    e->dag = dag;
    e->cfg = *cfg;
    e->exec = x;
    if (hf_workflow_check_platform(wf, &cfg->platform, err) < 0) {
        hf_engine_destroy(e);
        errno = EINVAL;
        return NULL;
    }
    if (gates_init(&e->gates, dag, cfg->mode) < 0 || setup_tasks(e) < 0 ||
        setup_sched(e) < 0)
        goto nomem;
    return e;
nomem:
    hf_engine_destroy(e);
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return NULL;
}

void hf_engine_destroy(hf_engine_t *e)
{
    int saved = errno;

    if (!e)
        return;
    if (e->tasks && e->sched)
        for (uint32_t i = 0; i < e->ntasks; i++)
            hf_sched_release(e->sched, e->tasks[i].alloc);
    hf_sched_destroy(e->sched);
    gates_fini(&e->gates);
    free(e->tasks);
    free(e->sets);
    free(e->cancel_stack);
    free(e);
    errno = saved;
}

int hf_engine_on_transition(hf_engine_t *e, hf_transition_f cb, void *arg)
{
    if (e->ncallbacks == MAX_CALLBACKS) {
        errno = ENOSPC;
        return -1;
    }
    e->callbacks[e->ncallbacks].cb = cb;
    e->callbacks[e->ncallbacks].arg = arg;
    e->ncallbacks++;
    return 0;
}

void hf_engine_stop(hf_engine_t *e, int why)
{
    if (e->stopped)
        return;
    e->stopped = why ? why : -1;
    for (uint32_t id = 0; id < e->ntasks; id++) {
        if (e->tasks[id].state == HF_TASK_RUNNING && !e->tasks[id].cancel_asked) {
            e->tasks[id].cancel_asked = 1;
            e->exec->ops->cancel(e->exec->ctx, id);
        }
    }
}

int hf_engine_stopped(const hf_engine_t *e)
{
    return e->stopped;
}

void hf_engine_on_tick(hf_engine_t *e, double period, hf_tick_f cb, void *arg)
{
    e->tick_period = period;
    e->tick = cb;
    e->tick_arg = arg;
    e->next_tick = e->exec->ops->now(e->exec->ctx) + period;
}

/* After a stop, tasks that never started end as canceled (their ready
 * entries stay in the scheduler's queues, which are not consulted again). */
static void cancel_unstarted(hf_engine_t *e)
{
    for (uint32_t id = 0; id < e->ntasks; id++) {
        hf_task_state_t s = (hf_task_state_t)e->tasks[id].state;
        if (s == HF_TASK_WAITING || s == HF_TASK_READY)
            engine_transition(e, id, HF_TASK_CANCELED);
    }
}

/* Place every ready task that fits and hand it to the executor. */
static int launch_ready(hf_engine_t *e, hf_error_t *err)
{
    hf_launch_t l;
    hf_alloc_t *alloc;
    int rc;

    if (e->stopped)
        return 0;
    while ((rc = hf_sched_next(e->sched, &l.set, &l.index, &alloc)) == 1) {
        l.task = e->sets[l.set].first + l.index;
        l.spec = hf_workflow_set(e->wf, l.set);
        l.alloc = alloc;
        e->tasks[l.task].alloc = alloc;
        engine_transition(e, l.task, HF_TASK_PLACED);
        if (e->exec->ops->launch(e->exec->ctx, &l, err) < 0)
            return -1;
        engine_transition(e, l.task, HF_TASK_RUNNING);
        if (e->stopped) { /* stopped by a callback of this very launch */
            e->tasks[l.task].cancel_asked = 1;
            e->exec->ops->cancel(e->exec->ctx, l.task);
            return 0;
        }
    }
    if (rc < 0)
        hf_error_set(err, "out of memory");
    return rc;
}

int hf_engine_run(hf_engine_t *e, hf_error_t *err)
{
    int n = hf_workflow_nsets(e->wf);

    for (int s = 0; s < n; s++)
        if (release_set(e, s) < 0)
            goto nomem;
    for (;;) {
        double timeout = -1, now;
        int ended;
        if (launch_ready(e, err) < 0)
            return -1;
        if (e->count[HF_TASK_RUNNING] == 0)
            break;
        if (e->tick) {
            now = e->exec->ops->now(e->exec->ctx);
            timeout = e->next_tick > now ? e->next_tick - now : 0;
        }
        if ((ended = e->exec->ops->wait(e->exec->ctx, e, timeout, err)) < 0)
            return -1;
        if (ended == 0 && timeout < 0) {
            hf_error_set(err, "executor '%s' lost %ld running tasks", e->exec->ops->name,
                         e->count[HF_TASK_RUNNING]);
            errno = EPROTO;
            return -1;
        }
        if (e->tick && (now = e->exec->ops->now(e->exec->ctx)) >= e->next_tick) {
            e->next_tick = now + e->tick_period;
            e->tick(e, now, e->tick_arg);
        }
    }
    if (e->stopped)
        cancel_unstarted(e);
    if (e->count[HF_TASK_WAITING] + e->count[HF_TASK_READY] > 0) {
        /* Cannot happen for a workflow that passed the platform check. */
        hf_error_set(err, "%ld tasks could never start",
                     e->count[HF_TASK_WAITING] + e->count[HF_TASK_READY]);
        errno = EDEADLK;
        return -1;
    }
    return 0;
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return -1;
}

const hf_workflow_t *hf_engine_workflow(const hf_engine_t *e)
{
    return e->wf;
}

const hf_engine_config_t *hf_engine_config(const hf_engine_t *e)
{
    return &e->cfg;
}

uint32_t hf_engine_ntasks(const hf_engine_t *e)
{
    return e->ntasks;
}

void hf_engine_task(const hf_engine_t *e, uint32_t id, hf_task_info_t *out)
{
    const task_t *t = &e->tasks[id];

    out->set = set_of(e, id);
    out->index = id - e->sets[out->set].first;
    out->state = (hf_task_state_t)t->state;
    out->status = t->status;
    out->ready = t->ready;
    out->placed = t->placed;
    out->start = t->start;
    out->end = t->end;
}

long hf_engine_count(const hf_engine_t *e, hf_task_state_t state)
{
    return e->count[state];
}

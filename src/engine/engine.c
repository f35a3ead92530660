/* The engine: per-task states and times, readiness (all-tasks and one-to-one
 * edges, the mode's gates), failure propagation, and the loop between the
 * scheduler and an executor.  engine_transition() is the only place a task's
 * state changes. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const state_names[] = {"waiting", "ready",  "placed",  "running",
                                          "done",    "failed", "canceled"};

const char *hf_task_state_name(hf_task_state_t state)
{
    return state_names[state];
}

static const char *const cause_names[] = {"", "upstream", "withdrawn", "stopped"};

const char *hf_cancel_cause_name(hf_cancel_cause_t cause)
{
    return cause_names[cause];
}

const char *hf_cancel_cause_text(hf_cancel_cause_t cause)
{
    static const char *const text[] = {
        "why is not recorded", "a task or service it depends on failed",
        "withdrawn by a rule or the API", "the run was stopped"};

    return text[cause];
}

int hf_cancel_cause_parse(const char *name, hf_cancel_cause_t *out)
{
    for (size_t i = 0; i < sizeof(cause_names) / sizeof(cause_names[0]); i++) {
        if (name && strcmp(name, cause_names[i]) == 0) {
            *out = (hf_cancel_cause_t)i;
            return 0;
        }
    }
    return -1;
}

/* The group of a flat task id: binary search over the groups' first ids. */
int engine_group_of(const hf_engine_t *e, uint32_t task)
{
    int lo = 0, hi = e->ngroups - 1;

    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (e->groups[mid].first <= task)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static void account_start(hf_engine_t *e, uint32_t id, double now)
{
    group_rt_t *set = &e->groups[engine_group_of(e, id)];

    if (set->first_start < 0)
        set->first_start = now;
    if (e->usage.first_start < 0)
        e->usage.first_start = now;
}

static void account_end(hf_engine_t *e, uint32_t id, double now)
{
    int s = engine_group_of(e, id);
    unit_t u;
    double ranks_s;

    engine_unit(e, s, &u);
    ranks_s = (now - e->tasks[id].start) * u.ranks;
    if (now > e->groups[s].last_end)
        e->groups[s].last_end = now;
    if (now > e->usage.last_end)
        e->usage.last_end = now;
    if (engine_calls(e, s)) /* a call: its worker holds the cores, and counts them */
        return;
    if (e->tasks[id].computed) /* counted when its process ended */
        return;
    e->usage.core_seconds += ranks_s * u.cores;
    e->usage.gpu_seconds += ranks_s * u.gpus;
}

void engine_account_compute(hf_engine_t *e, uint32_t id, double now)
{
    account_end(e, id, now);
    e->tasks[id].computed = 1;
}

void engine_transition(hf_engine_t *e, uint32_t id, hf_task_state_t to)
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
        t->computed = 0;
        account_start(e, id, now);
        break;
    default:
        t->end = now;
        if (from == HF_TASK_RUNNING)
            account_end(e, id, now);
        if (to == HF_TASK_CANCELED && !t->cancel_cause)
            t->cancel_cause = e->stopped ? HF_CANCEL_STOPPED : HF_CANCEL_UPSTREAM;
        break;
    }
    t->state = (uint8_t)to;
    e->count[from]--;
    e->count[to]++;
    /* Room: a task ends once, and the queue holds every task. */
    if (to >= HF_TASK_DONE && e->non_end > 0)
        e->ended[e->nended++] = id;
    for (int i = 0; i < e->ncallbacks; i++)
        e->callbacks[i].cb(e, id, from, to, now, t->alloc, e->callbacks[i].arg);
}

/* A function set's ready tasks wait in a ring for room at its workers,
 * in the order they became ready; each is in it at most once. */
static int push_call(hf_engine_t *e, group_rt_t *set, uint32_t index)
{
    if (!set->calls && !(set->calls = malloc(set->ntasks * sizeof(uint32_t))))
        return -1;
    e->calls_queued++;
    set->calls[(set->calls_head + set->ncalls++) % set->ntasks] = set->first + index;
    return 0;
}

int engine_make_ready(hf_engine_t *e, int s, uint32_t index)
{
    int staged = staging_before_ready(e, s, e->groups[s].first + index);

    if (staged != 0) /* its inputs move first */
        return staged < 0 ? -1 : 0;
    if (engine_calls(e, s) ? push_call(e, &e->groups[s], index) < 0
                           : hf_sched_push(e->sched, s, index) < 0)
        return -1;
    engine_transition(e, e->groups[s].first + index, HF_TASK_READY);
    return 0;
}

static bool may_start(const hf_engine_t *e, int s)
{
    return e->groups[s].released && e->groups[s].all_pending == 0 &&
           e->groups[s].uses_pending == 0;
}

/* Make ready every waiting task of group s whose one-to-one parents are
 * done.  A set that waits only for the groups it uses to be up starts the
 * pools among them: a pool's workers hold their cores from when a set
 * needs them. */
int engine_release_group(hf_engine_t *e, int s)
{
    group_rt_t *set = &e->groups[s];

    if (!engine_open(e, s) || set->all_pending > 0 || set->released || set->held)
        return 0;
    if (set->uses_pending > 0) {
        for (int k = 0; k < engine_nuses(e, s); k++)
            if (engine_wanted(e, engine_used(e, s, k)) < 0)
                return -1;
        return 0;
    }
    set->released = true;
    for (uint32_t i = 0; i < set->ntasks; i++) {
        task_t *t = &e->tasks[set->first + i];
        if (t->state == HF_TASK_WAITING && t->pending == 0 &&
            engine_make_ready(e, s, i) < 0)
            return -1;
    }
    return 0;
}

/* Queue a waiting task to end as canceled: after a failure upstream, or
 * withdrawn from the workflow (see hf_engine_cancel_set). */
void engine_push_cancel(hf_engine_t *e, uint32_t id, bool withdrawn)
{
    if (e->tasks[id].state != HF_TASK_WAITING)
        return;
    /* Marked at once so that no task is queued twice (the stack has one
     * slot per task); the transition is recorded when it is popped. */
    e->cancel_stack[e->ncancel++] = id;
    e->tasks[id].state = HF_TASK_CANCELED;
    e->tasks[id].cancel_cause = withdrawn    ? HF_CANCEL_WITHDRAWN
                                : e->stopped ? HF_CANCEL_STOPPED
                                             : HF_CANCEL_UPSTREAM;
}

static int task_ended(hf_engine_t *e, uint32_t id);
static int set_ended(hf_engine_t *e, int s);

/* Withdraw a task that has not started.  A ready task's queue entry stays
 * in the scheduler and is skipped when it comes up. */
int engine_withdraw(hf_engine_t *e, uint32_t id)
{
    task_t *t = &e->tasks[id];

    if (t->state == HF_TASK_WAITING) {
        engine_push_cancel(e, id, true);
        return engine_drain_cancels(e);
    }
    if (t->state != HF_TASK_READY)
        return 0;
    t->cancel_cause = HF_CANCEL_WITHDRAWN;
    engine_transition(e, id, HF_TASK_CANCELED);
    if (task_ended(e, id) < 0)
        return -1;
    return engine_drain_cancels(e);
}

/* A task ended: count it, and pass what it means to its children.  A
 * failure counts as success for them when its set says on_failure:
 * continue; a withdrawn task withdraws its one-to-one children and does
 * not hold back the others. */
static int task_ended(hf_engine_t *e, uint32_t id)
{
    int s = engine_group_of(e, id);
    group_rt_t *set = &e->groups[s];
    uint32_t index = id - set->first;
    const task_t *t = &e->tasks[id];
    hf_task_state_t state = (hf_task_state_t)t->state;
    unit_t u;
    bool ok;
    const edges_t *children = &e->children[s];

    engine_unit(e, s, &u);
    ok = state == HF_TASK_DONE ||
         (state == HF_TASK_FAILED && u.on_failure == HF_ON_FAILURE_CONTINUE);

    if (state == HF_TASK_DONE)
        set->ndone++;
    if (ok)
        set->nok++;
    else if (state == HF_TASK_CANCELED && t->cancel_cause == HF_CANCEL_WITHDRAWN)
        set->nwithdrawn++;
    /* A partial dependency is met when the threshold-th task is done. */
    for (int k = 0; ok && k < children->n; k++) {
        const hf_edge_t *child = &children->v[k];
        if (child->threshold > 0 && set->nok == (uint32_t)child->threshold) {
            e->groups[child->set].all_pending--;
            if (engine_release_group(e, child->set) < 0)
                return -1;
        }
    }
    for (int k = 0; k < children->n; k++) {
        int c = children->v[k].set;
        uint32_t cid = e->groups[c].first + index;
        if (children->v[k].map != HF_MAP_ONE_TO_ONE)
            continue;
        if (!ok) {
            engine_push_cancel(e, cid, t->cancel_cause == HF_CANCEL_WITHDRAWN);
        } else if (--e->tasks[cid].pending == 0 && may_start(e, c) &&
                   e->tasks[cid].state == HF_TASK_WAITING) {
            if (engine_make_ready(e, c, index) < 0)
                return -1;
        }
    }
    if (!t->service_stop)
        engine_unit_ended(e, s);
    if (++set->nended == set->ntasks)
        return set_ended(e, s);
    return 0;
}

static void cancel_all(hf_engine_t *e, int s)
{
    for (uint32_t i = 0; i < e->groups[s].ntasks; i++)
        engine_push_cancel(e, e->groups[s].first + i, false);
}

/* Stop service set u: its running tasks are asked to end (and end done),
 * those not started are withdrawn. */
static int stop_service(hf_engine_t *e, int u)
{
    group_rt_t *svc = &e->groups[u];

    for (uint32_t i = 0; i < svc->ntasks; i++) {
        uint32_t id = svc->first + i;
        task_t *t = &e->tasks[id];
        if (t->state == HF_TASK_RUNNING && !t->cancel_asked) {
            t->service_stop = 1;
            t->cancel_asked = 1;
            e->exec->ops->cancel(e->exec->ctx, id);
        } else if ((t->state == HF_TASK_WAITING || t->state == HF_TASK_READY) &&
                   engine_withdraw(e, id) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Group s ended: the services (pools) it used lose a user; one with none
 * left is stopped once the task-end callbacks have run (they may submit a
 * set that uses it). */
static void mark_unused_services(hf_engine_t *e, int s)
{
    for (int k = 0; k < engine_nuses(e, s); k++) {
        group_rt_t *used = &e->groups[engine_used(e, s, k)];
        if (--used->users_left == 0 && !used->unused) {
            used->unused = true;
            e->nunused++;
        }
    }
}

int engine_stop_unused(hf_engine_t *e)
{
    for (int u = 0; e->nunused > 0 && u < e->ngroups; u++) {
        if (!e->groups[u].unused)
            continue;
        e->groups[u].unused = false;
        e->nunused--;
        if (e->groups[u].users_left == 0 && stop_service(e, u) < 0)
            return -1;
    }
    return 0;
}

int hf_engine_service_up(hf_engine_t *e, uint32_t id)
{
    int u;
    group_rt_t *svc;

    if (id >= e->ntasks || e->tasks[id].state != HF_TASK_RUNNING || e->tasks[id].up) {
        errno = EINVAL;
        return -1;
    }
    u = engine_group_of(e, id);
    svc = &e->groups[u];
    if (!engine_serves(e, u)) {
        errno = EINVAL;
        return -1;
    }
    e->tasks[id].up = 1;
    if (++svc->nup < svc->ntasks)
        return 0;
    if (svc->users_left == 0) /* nobody uses it: no reason to serve */
        return stop_service(e, u);
    for (int s = 0; s < e->ngroups; s++) {
        for (int k = 0; k < engine_nuses(e, s); k++) {
            if (engine_used(e, s, k) != u)
                continue;
            e->groups[s].uses_pending--;
            if (engine_release_group(e, s) < 0)
                return -1;
        }
    }
    return 0;
}

/* A service task (a worker) ended before all were up (it failed or was
 * canceled): the sets still waiting for it never start. */
void engine_service_lost(hf_engine_t *e, int u)
{
    for (int s = 0; s < e->ngroups; s++)
        for (int k = 0; k < engine_nuses(e, s); k++)
            if (engine_used(e, s, k) == u && e->groups[s].uses_pending > 0)
                cancel_all(e, s);
}

/* Every task of s ended: release or cancel its all-tasks children, and let
 * the mode's gates move on.  The set succeeded when every task of it was
 * done or withdrawn. */
static int set_ended(hf_engine_t *e, int s)
{
    group_rt_t *set = &e->groups[s];
    const edges_t *children = &e->children[s];
    bool succeeded = set->nok + set->nwithdrawn == set->ntasks;
    int stage;

    for (int k = 0; k < children->n; k++) {
        const hf_edge_t *child = &children->v[k];
        int c = child->set;
        if (child->map == HF_MAP_ONE_TO_ONE)
            continue;
        /* A partial dependency was released when its threshold was met;
         * when withdrawals kept it from being met, the parent's success
         * decides, as for a whole-set dependency. */
        if (child->threshold > 0 && set->nok >= (uint32_t)child->threshold)
            continue;
        e->groups[c].all_pending--;
        if (!succeeded)
            cancel_all(e, c);
        else if (engine_release_group(e, c) < 0)
            return -1;
    }
    mark_unused_services(e, s);
    if ((stage = gates_set_ended(&e->gates, set->set)) >= 0) {
        const stage_t *st = &e->gates.stages[stage];
        for (int i = 0; i < st->count; i++)
            if (engine_release_group(e, e->group_of[e->gates.members[st->first + i]]) < 0)
                return -1;
    }
    return 0;
}

/* Record the cancellations queued by failures, each of which may cancel
 * more: a worklist rather than recursion, as chains can be long. */
int engine_drain_cancels(hf_engine_t *e)
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

int engine_propagate(hf_engine_t *e, uint32_t id)
{
    if (task_ended(e, id) < 0)
        return -1;
    return engine_drain_cancels(e);
}

int hf_engine_task_ended(hf_engine_t *e, uint32_t id, int status)
{
    int staged;

    if (id >= e->ntasks || e->tasks[id].state != HF_TASK_RUNNING || staging_out(e, id)) {
        errno = EINVAL;
        return -1;
    }
    if (e->calls_running > 0 && engine_calls(e, engine_group_of(e, id)))
        e->calls_running--;
    if ((staged = staging_after_run(e, id, status)) != 0) /* its outputs move first */
        return staged < 0 ? -1 : 0;
    return engine_end(e, id, status);
}

int engine_end(hf_engine_t *e, uint32_t id, int status)
{
    task_t *t = &e->tasks[id];
    int s = engine_group_of(e, id);
    bool call = engine_calls(e, s);
    unit_t u;
    hf_task_state_t to;

    engine_unit(e, s, &u);
    t->status = status;
    if (t->service_stop)
        to = HF_TASK_DONE; /* stopped when no set needed it any more */
    else if (t->cancel_asked)
        to = HF_TASK_CANCELED;
    else
        to = status == 0 ? HF_TASK_DONE : HF_TASK_FAILED;
    if (to == HF_TASK_FAILED && status == HF_STATUS_LAUNCH_RETRY &&
        (call || t->launch_retries < HF_LAUNCH_RETRIES) && !e->stopped) {
        /* Not the task's failure: the launcher was busy (backoff 0.1 s,
         * doubling, at most 10 s), or a call's worker died before it ran
         * it: the call goes again at once, uncounted (each death ends the
         * call it ran, so the deaths are bounded). */
        double backoff = 0;
        if (!call)
            backoff = fmin(0.1 * (double)(1u << t->launch_retries++), 10.0);
        engine_transition(e, id, HF_TASK_WAITING);
        hf_sched_release(e->sched, t->alloc);
        t->alloc = NULL;
        e->pending_retries++;
        return timers_add(&e->timers, TIMER_RETRY, t->end + backoff, id, 0);
    }
    if (to == HF_TASK_FAILED && t->attempts < u.retries && !e->stopped) {
        /* Back to waiting, and ready again once the backoff is over. */
        t->attempts++;
        if (t->state != HF_TASK_WAITING) /* (its inputs may have failed to move) */
            engine_transition(e, id, HF_TASK_WAITING);
        hf_sched_release(e->sched, t->alloc);
        t->alloc = NULL;
        e->pending_retries++;
        return timers_add(&e->timers, TIMER_RETRY,
                          e->exec->ops->now(e->exec->ctx) + u.backoff, id, 0);
    }
    engine_transition(e, id, to);
    hf_sched_release(e->sched, t->alloc);
    t->alloc = NULL;
    if (to == HF_TASK_FAILED && u.on_failure == HF_ON_FAILURE_STOP)
        hf_engine_stop(e, HF_STOP_FAILURE);
    return engine_propagate(e, id);
}

static int setup_sched(hf_engine_t *e)
{
    int n = hf_workflow_nsets(e->wf);
    double *t = malloc((size_t)n * sizeof(double));
    double *rank = malloc((size_t)n * sizeof(double));
    int rc = -1;

    if (!t || !rank)
        goto done;
    if (!(e->sched = hf_sched_create(&e->cfg.platform, e->cfg.policy, e->ngroups)))
        goto done;
    /* Critical-path order: the longest chain of set times (waves x
     * duration) still to run; heft: of task durations, as HEFT ranks tasks
     * (a set is its tasks' stand-in: they share a duration and an edge). */
    for (int s = 0; s < n; s++)
        t[s] = hf_policy_rank_time(e->cfg.policy, hf_workflow_get_set(e->wf, s),
                                   &e->cfg.platform);
    hf_dag_upward_rank(e->dag, t, rank);
    for (int g = 0; g < e->ngroups; g++) {
        int s = e->groups[g].set; /* a pool's workers are in no DAG: no rank */
        if (engine_shape_group(e, g, s >= 0 ? rank[s] : 0) < 0)
            goto done;
    }
    rc = 0;
done:
    free(t);
    free(rank);
    return rc;
}

/* The workflow's sets, then the pools, as groups. */
static int setup_tasks(hf_engine_t *e)
{
    int n = hf_workflow_nsets(e->wf), ngroups = n + hf_workflow_npools(e->wf);

    e->tasks_cap = (uint32_t)hf_workflow_ntasks(e->wf);
    for (int p = 0; p < hf_workflow_npools(e->wf); p++)
        e->tasks_cap += (uint32_t)hf_workflow_pool(e->wf, p)->size;
    e->groups_cap = ngroups;
    e->tasks = malloc((size_t)e->tasks_cap * sizeof(task_t));
    e->groups = calloc((size_t)ngroups, sizeof(group_rt_t));
    e->group_of = calloc((size_t)ngroups, sizeof(int));
    e->children = calloc((size_t)ngroups, sizeof(edges_t));
    e->cancel_stack = malloc((size_t)e->tasks_cap * sizeof(uint32_t));
    if (!e->tasks || !e->groups || !e->group_of || !e->children || !e->cancel_stack)
        return -1;
    for (int s = 0; s < n; s++)
        engine_add_set(e, s);
    if (engine_pools_init(e) < 0)
        return -1;
    /* Every group is there before a set is linked to its parents and to
     * the services and pool it uses. */
    for (int s = 0; s < n; s++)
        if (engine_link_set(e, e->group_of[s]) < 0)
            return -1;
    return 0;
}

hf_engine_t *hf_engine_create(hf_workflow_t *wf, hf_dag_t *dag,
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
    timers_init(&e->timers);
    e->usage = (hf_usage_t){-1, -1, 0, 0};
    if (hf_dag_nsets(dag) != hf_workflow_nsets(wf)) {
        hf_error_set(err,
                     "the DAG has %d sets, the workflow %d: a run added sets "
                     "(hf_workflow_truncate() it first)",
                     hf_dag_nsets(dag), hf_workflow_nsets(wf));
        hf_engine_destroy(e);
        errno = EINVAL;
        return NULL;
    }
    if (hf_workflow_check_platform(wf, &cfg->platform, err) < 0) {
        hf_engine_destroy(e);
        errno = EINVAL;
        return NULL;
    }
    if (gates_init(&e->gates, dag, wf, cfg->mode) < 0 || setup_tasks(e) < 0 ||
        setup_sched(e) < 0 || (hf_workflow_stages(wf) && staging_init(e) < 0))
        goto nomem;
    if (rules_attach(e, err) < 0) {
        hf_engine_destroy(e);
        return NULL;
    }
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
    rules_destroy(e->rules);
    steer_fini(e);
    staging_fini(e);
    hf_sched_destroy(e->sched);
    gates_fini(&e->gates);
    for (int s = 0; e->children && s < e->ngroups; s++)
        free(e->children[s].v);
    for (int s = 0; e->groups && s < e->ngroups; s++)
        free(e->groups[s].calls);
    free(e->children);
    free(e->pools);
    timers_fini(&e->timers);
    for (uint32_t i = 0; e->results && i < e->ntasks; i++)
        json_decref(e->results[i]);
    free(e->results);
    free(e->worker);
    free(e->tasks);
    free(e->groups);
    free(e->group_of);
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

const hf_workflow_t *hf_engine_workflow(const hf_engine_t *e)
{
    return e->wf;
}

hf_workflow_t *hf_engine_workflow_mut(hf_engine_t *e)
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

    out->group = engine_group_of(e, id);
    out->set = e->groups[out->group].set;
    out->index = id - e->groups[out->group].first;
    out->state = (hf_task_state_t)t->state;
    out->status = t->status;
    out->attempts = t->attempts;
    out->timed_out = t->timed_out;
    out->cancel_cause = (hf_cancel_cause_t)t->cancel_cause;
    out->ready = t->ready;
    out->placed = t->placed;
    out->start = t->start;
    out->end = t->end;
}

void hf_engine_exec_task(const hf_engine_t *e, uint32_t id, hf_exec_task_t *out)
{
    out->group = engine_group_of(e, id);
    out->index = id - e->groups[out->group].first;
    out->spec = engine_spec(e, out->group);
    out->name = hf_engine_group_name(e, out->group);
    out->running = e->tasks[id].state == HF_TASK_RUNNING;
    out->timed_out = e->tasks[id].timed_out;
}

const hf_platform_t *hf_engine_platform(const hf_engine_t *e)
{
    return &e->cfg.platform;
}

long hf_engine_count(const hf_engine_t *e, hf_task_state_t state)
{
    return e->count[state];
}

void hf_engine_activity(const hf_engine_t *e, hf_activity_t *out)
{
    out->cores =
        hf_platform_total_cores(&e->cfg.platform) - hf_sched_free_cores(e->sched);
    out->gpus = hf_platform_total_gpus(&e->cfg.platform) - hf_sched_free_gpus(e->sched);
    out->computing = e->count[HF_TASK_RUNNING] - e->released_out;
    out->staging = staging_in_flight(e);
}

void hf_engine_usage(const hf_engine_t *e, hf_usage_t *out)
{
    *out = e->usage;
}

void hf_engine_set_result(hf_engine_t *e, uint32_t task, json_t *result)
{
    if (task >= e->ntasks || !result)
        goto drop;
    if (!e->results && !(e->results = calloc(e->tasks_cap, sizeof(json_t *))))
        goto drop; /* no memory: the result is lost, the task still counts */
    json_decref(e->results[task]);
    e->results[task] = result;
    return;
drop:
    json_decref(result);
}

const json_t *hf_engine_result(const hf_engine_t *e, uint32_t task)
{
    return e->results && task < e->ntasks ? e->results[task] : NULL;
}

int engine_note_worker(hf_engine_t *e, uint32_t task, uint32_t worker)
{
    if (!e->worker && !(e->worker = calloc(e->tasks_cap, sizeof(uint32_t)))) {
        errno = ENOMEM;
        return -1;
    }
    e->worker[task] = worker + 1;
    return 0;
}

uint32_t hf_engine_task_worker(const hf_engine_t *e, uint32_t task)
{
    return e->worker && task < e->ntasks && e->worker[task] ? e->worker[task] - 1
                                                            : HF_NO_WORKER;
}

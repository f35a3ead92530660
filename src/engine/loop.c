/* The engine's event loop: place what is ready, hand it to the executor,
 * wait for ends and timers, and go round until nothing can progress; and
 * what interrupts it (stops, timeouts, retries after a backoff, the run's
 * walltime). */
#include <errno.h>
#include <math.h>

#include "internal.h"

void hf_engine_stop(hf_engine_t *e, int why)
{
    if (e->stopped)
        return;
    e->stopped = why ? why : HF_STOP_FAILURE;
    for (uint32_t id = 0; id < e->ntasks; id++) {
        if (e->tasks[id].state == HF_TASK_RUNNING && !e->tasks[id].cancel_asked) {
            e->tasks[id].cancel_asked = 1;
            e->exec->ops->cancel(e->exec->ctx, id);
        } else if (e->tasks[id].state != HF_TASK_RUNNING && staging_moving(e, id)) {
            e->exec->ops->cancel(e->exec->ctx, id); /* its inputs stop moving */
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

void hf_engine_on_batch(hf_engine_t *e, hf_batch_f cb, void *arg)
{
    e->batch = cb;
    e->batch_arg = arg;
}

/* Not a transition: the task ended in an earlier run.  Its effects on
 * dependents are applied when the run starts, once all are restored. */
static int restore(hf_engine_t *e, uint32_t task, hf_task_state_t state)
{
    if (task >= e->ntasks || e->tasks[task].state != HF_TASK_WAITING) {
        errno = EINVAL;
        return -1;
    }
    e->tasks[task].state = (uint8_t)state;
    e->count[HF_TASK_WAITING]--;
    e->count[state]++;
    return 0;
}

int hf_engine_restore_done(hf_engine_t *e, uint32_t task)
{
    return restore(e, task, HF_TASK_DONE);
}

int hf_engine_restore_failed(hf_engine_t *e, uint32_t task, int status, int attempts)
{
    if (attempts < 0 || attempts > UINT8_MAX || restore(e, task, HF_TASK_FAILED) < 0) {
        errno = EINVAL;
        return -1;
    }
    e->tasks[task].status = status;
    e->tasks[task].attempts = (uint8_t)attempts;
    return 0;
}

/* A service's tasks (a pool's workers too) restored as done were only
 * stopped when no set needed them: where a set that uses the service (the
 * pool) has tasks left to run, they are to start again, and go back to
 * waiting.  Once per run, over every task: a resume's cost. */
static int reopen_services(hf_engine_t *e)
{
    bool *needed = calloc((size_t)e->ngroups, sizeof(bool));

    if (!needed)
        return -1;
    for (int s = 0; s < e->ngroups; s++) {
        bool left = false;
        for (uint32_t i = 0; i < e->groups[s].ntasks && !left; i++)
            left = e->tasks[e->groups[s].first + i].state == HF_TASK_WAITING;
        for (int k = 0; left && k < engine_nuses(e, s);
             k++) /* a function set's pool too */
            needed[engine_used(e, s, k)] = true;
    }
    for (int s = 0; s < e->ngroups; s++) {
        for (uint32_t i = 0; needed[s] && i < e->groups[s].ntasks; i++) {
            task_t *t = &e->tasks[e->groups[s].first + i];
            if (t->state != HF_TASK_DONE)
                continue;
            t->state = HF_TASK_WAITING;
            e->count[HF_TASK_DONE]--;
            e->count[HF_TASK_WAITING]++;
        }
    }
    free(needed);
    return 0;
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

static double now_of(const hf_engine_t *e)
{
    return e->exec->ops->now(e->exec->ctx);
}

static int start_timeout(hf_engine_t *e, const hf_launch_t *l)
{
    const task_t *t = &e->tasks[l->task];
    unit_t u;

    engine_unit(e, l->group, &u);
    return u.timeout > 0 ? timers_add(&e->timers, TIMER_TIMEOUT, t->start + u.timeout,
                                      l->task, t->start)
                         : 0;
}

/* Placed task `task` of group g, for the executor. */
static hf_launch_t launch_of(const hf_engine_t *e, int g, uint32_t task,
                             const hf_alloc_t *alloc)
{
    return (hf_launch_t){
        task, g, task - e->groups[g].first, engine_spec(e, g), hf_engine_group_name(e, g),
        alloc};
}

/* Hand function set s's ready tasks to its workers, in order, while they
 * have room.  Returns 0, or -1 with a message. */
static int call_ready(hf_engine_t *e, int s, hf_error_t *err)
{
    group_rt_t *set = &e->groups[s];
    const hf_pool_t *pool = hf_workflow_pool(e->wf, hf_set_pool(engine_spec(e, s)));

    while (set->ncalls > 0 && !e->stopped) {
        uint32_t worker;
        int taken;
        hf_launch_t l = launch_of(e, s, set->calls[set->calls_head], NULL);
        if (e->tasks[l.task].state == HF_TASK_READY) {
            if ((taken = e->exec->ops->call(e->exec->ctx, pool, &l, &worker, err)) < 0)
                return -1;
            if (taken == 0)
                break;
            if (engine_note_worker(e, l.task, worker) < 0) {
                hf_error_set(err, "out of memory");
                return -1;
            }
            e->tasks[l.task].timed_out = 0;
            engine_transition(e, l.task, HF_TASK_PLACED);
            engine_transition(e, l.task, HF_TASK_RUNNING);
            e->calls_running++;
            if (start_timeout(e, &l) < 0) {
                hf_error_set(err, "out of memory");
                return -1;
            }
        } /* else withdrawn or canceled while it waited */
        set->calls_head = (set->calls_head + 1) % set->ntasks;
        set->ncalls--;
        e->calls_queued--;
    }
    return 0;
}

/* Start placed task l (a pool's worker through pool_start).  Returns 1
 * when the run was stopped by a callback of this very launch, 0, or -1
 * with a message. */
static int launch_placed(hf_engine_t *e, const hf_launch_t *l, hf_error_t *err)
{
    task_t *t = &e->tasks[l->task];

    if (engine_start(e, l, err) < 0)
        return -1;
    engine_transition(e, l->task, HF_TASK_RUNNING);
    if (start_timeout(e, l) < 0) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    if (e->stopped) {
        t->cancel_asked = 1;
        e->exec->ops->cancel(e->exec->ctx, l->task);
        return 1;
    }
    return 0;
}

/* Tasks that hold a slot: running ones (not calls, which hold their
 * worker's, nor those whose slot is free while their outputs move) and
 * placed ones whose inputs move. */
static long holding(const hf_engine_t *e)
{
    return e->count[HF_TASK_RUNNING] + e->count[HF_TASK_PLACED] - e->calls_running -
           e->released_out;
}

/* Place every ready task that fits and hand it to the executor; calls go
 * to their workers; tasks whose inputs are in launch; stagings start as
 * the cap allows. */
static int launch_ready(hf_engine_t *e, hf_error_t *err)
{
    hf_launch_t l;
    hf_alloc_t *alloc;
    uint32_t task;
    int rc = 0, g;

    if (e->stopped)
        return 0;
    for (int s = 0; e->calls_queued > 0 && s < e->ngroups; s++)
        if (e->groups[s].ncalls > 0 && call_ready(e, s, err) < 0)
            return -1;
    while (staging_next_launch(e, &task)) {
        l = launch_of(e, engine_group_of(e, task), task, e->tasks[task].alloc);
        if ((rc = launch_placed(e, &l, err)) != 0)
            return rc < 0 ? -1 : 0;
    }
    hf_sched_set_now(e->sched, now_of(e));
    while ((e->cfg.max_running <= 0 || holding(e) < e->cfg.max_running) &&
           (rc = hf_sched_next(e->sched, &g, &task, &alloc)) == 1) {
        task_t *t;
        int staged;
        l = launch_of(e, g, e->groups[g].first + task, alloc);
        t = &e->tasks[l.task];
        if (t->state != HF_TASK_READY) { /* withdrawn while it was queued */
            hf_sched_release(e->sched, alloc);
            continue;
        }
        t->alloc = alloc;
        t->timed_out = 0;
        engine_transition(e, l.task, HF_TASK_PLACED);
        if ((staged = staging_after_place(e, &l)) < 0)
            goto nomem;
        if (staged > 0) /* its inputs move first, the slot held */
            continue;
        if ((staged = launch_placed(e, &l, err)) != 0)
            return staged < 0 ? -1 : 0;
    }
    if (rc < 0)
        goto nomem;
    if (rc == 1) /* stopped at the cap: the next pass starts afresh */
        hf_sched_end_pass(e->sched);
    return staging_dispatch(e, err);
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return -1;
}

/* A retry's backoff is over, a task's time is up, or the run's. */
static int fire_timers(hf_engine_t *e)
{
    double now = now_of(e);
    timer_t_ tm;

    while (timers_pop_due(&e->timers, now, &tm)) {
        task_t *t = &e->tasks[tm.task];
        switch (tm.kind) {
        case TIMER_TIMEOUT: /* (not while its outputs move: it ran in time) */
            if (t->state == HF_TASK_RUNNING && t->start == tm.stamp && !t->cancel_asked &&
                !t->timed_out && !staging_out(e, tm.task)) {
                t->timed_out = 1; /* it fails, and may be retried */
                e->exec->ops->cancel(e->exec->ctx, tm.task);
            }
            break;
        case TIMER_RETRY:
            e->pending_retries--;
            if (t->state == HF_TASK_WAITING && !e->stopped &&
                engine_make_ready(e, engine_group_of(e, tm.task),
                                  tm.task -
                                      e->groups[engine_group_of(e, tm.task)].first) < 0)
                return -1;
            break;
        case TIMER_WALLTIME:
            hf_engine_stop(e, HF_STOP_WALLTIME);
            break;
        }
    }
    return 0;
}

/* How long the executor may block: until the next timer or tick. */
static double wait_budget(const hf_engine_t *e)
{
    double now = now_of(e), until = timers_next(&e->timers);

    if (e->tick && (until < 0 || e->next_tick < until))
        until = e->next_tick;
    return until < 0 ? -1 : fmax(0, until - now);
}

static void end_batch(hf_engine_t *e)
{
    if (e->batch)
        e->batch(e, e->batch_arg);
}

/* The walltime stop comes early enough for running tasks to be terminated
 * (SIGTERM, then SIGKILL after the executor's grace) before the limit. */
#define WALLTIME_MARGIN 5.0

/* A set still held when nothing else can happen was never started by a
 * rule: its tasks are withdrawn, one set at a time, since the ends of one
 * may start another.  Returns 1 if a set was withdrawn, 0 if none is left,
 * -1 on error. */
static int withdraw_held(hf_engine_t *e)
{
    for (int s = 0; s < e->ngroups; s++) {
        group_rt_t *set = &e->groups[s];
        if (!set->held || set->nended == set->ntasks)
            continue;
        set->held = false;
        for (uint32_t i = 0; i < set->ntasks; i++)
            if (engine_withdraw(e, set->first + i) < 0)
                return -1;
        return 1;
    }
    return 0;
}

/* The restored tasks in `state` end as they did; a restored failure of a
 * set that says on_failure: stop stops the run again. */
static int restored_ended(hf_engine_t *e, hf_task_state_t state)
{
    for (uint32_t id = 0; id < e->ntasks; id++) {
        unit_t u;
        if (e->tasks[id].state != state)
            continue;
        engine_unit(e, engine_group_of(e, id), &u);
        if (state == HF_TASK_FAILED && u.on_failure == HF_ON_FAILURE_STOP)
            hf_engine_stop(e, HF_STOP_FAILURE); /* before its effects, as it did */
        if (engine_propagate(e, id) < 0)
            return -1;
        if (e->non_end > 0) /* callbacks (rules) see them end, as they did */
            e->ended[e->nended++] = id;
    }
    return 0;
}

int hf_engine_run(hf_engine_t *e, hf_error_t *err)
{
    int n = e->ngroups;

    if (e->cfg.walltime > 0 && timers_add(&e->timers, TIMER_WALLTIME,
                                          now_of(e) + e->cfg.walltime -
                                              fmin(WALLTIME_MARGIN, e->cfg.walltime / 4),
                                          0, 0) < 0)
        goto nomem;
    /* Tasks restored from an earlier run pass their effects on: failures
     * first, so that what they cancel needs no service started again. */
    if (e->count[HF_TASK_FAILED] > 0 && restored_ended(e, HF_TASK_FAILED) < 0)
        goto nomem;
    if (e->count[HF_TASK_DONE] > 0 &&
        (reopen_services(e) < 0 || restored_ended(e, HF_TASK_DONE) < 0))
        goto nomem;
    for (int s = 0; s < n; s++)
        if (engine_release_group(e, s) < 0)
            goto nomem;
    for (;;) {
        double budget;
        int ended;
        if (steer_deliver_ends(e) < 0 || engine_stop_unused(e) < 0)
            goto nomem;
        if (e->stopped && staging_drain(e) < 0)
            goto nomem;
        if (launch_ready(e, err) < 0)
            return -1;
        end_batch(e);
        if (e->count[HF_TASK_RUNNING] == 0 && !staging_busy(e) &&
            (e->pending_retries == 0 || e->stopped)) {
            int withdrawn = e->stopped ? 0 : withdraw_held(e);
            if (withdrawn < 0)
                goto nomem;
            if (withdrawn > 0) /* their ends go to callbacks, which may start more */
                continue;
            break;
        }
        budget = wait_budget(e);
        if ((ended = e->exec->ops->wait(e->exec->ctx, e, budget, err)) < 0)
            return -1;
        if (ended == 0 && budget < 0) {
            hf_error_set(err, "executor '%s' lost %ld running tasks%s",
                         e->exec->ops->name, e->count[HF_TASK_RUNNING],
                         staging_busy(e) ? " or stagings" : "");
            errno = EPROTO;
            return -1;
        }
        if (fire_timers(e) < 0)
            goto nomem;
        if (e->tick && now_of(e) >= e->next_tick) {
            e->next_tick = now_of(e) + e->tick_period;
            e->tick(e, now_of(e), e->tick_arg);
        }
    }
    if (e->stopped)
        cancel_unstarted(e);
    end_batch(e);
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

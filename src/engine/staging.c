/* Staging a task's files between the shared filesystem and node-local
 * scratch, around the task's run, by the executor and under one cap on
 * stagings moving at once.
 *
 * Asynchronous staging (the default) keeps the task's slot out of it: the
 * inputs move while the task is still waiting (it becomes ready once they
 * are in, and only then competes for cores and GPUs), and the slot is
 * given back when the task's process ends, before its outputs move out.
 * Synchronous staging moves the inputs after placement, the slot held, and
 * the outputs before the slot is given back.  Either way a task is done
 * only when its outputs are back: dependents, the journal and a resume
 * never see a task done whose outputs are not in place.
 *
 * Stagings that hold a slot or finish a task (synchronous stage-ins,
 * stage-outs) go before asynchronous stage-ins, which only prefetch. */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"
#include "util/grow.h"
#include "util/queue.h"

enum { PH_NONE, PH_IN_QUEUED, PH_IN_MOVING, PH_IN_DONE, PH_OUT_QUEUED, PH_OUT_MOVING };

typedef struct {
    double in_start, in_end, out_start, out_end, compute_end;
    double bytes_in, bytes_out;
    int32_t node; /* where it ran, for its stage-out */
    uint8_t phase;
    uint8_t released; /* its slot given back before its outputs moved */
} stage_task_t;

struct staging {
    stage_task_t *tasks;
    size_t ntasks;
    hf_set_staging_t *sets;
    size_t nsets;
    queue_t urgent, prefetch; /* task ids (sequence numbers unused) */
    uint32_t *launch;         /* staged in synchronously: to launch */
    size_t nlaunch, launch_cap;
    int cap, moving;
};

static int reserve(struct staging *st, size_t nsets, size_t ntasks)
{
    size_t n;

    if ((n = grow_cap(st->ntasks, ntasks)) != st->ntasks) {
        size_t old = st->ntasks;
        if (grow_to((void **)&st->tasks, old, n, sizeof(stage_task_t)) < 0)
            return -1;
        for (size_t i = old; i < n; i++)
            st->tasks[i] = (stage_task_t){-1, -1, -1, -1, -1, 0, 0, -1, PH_NONE, 0};
        st->ntasks = n;
    }
    if ((n = grow_cap(st->nsets, nsets)) != st->nsets) {
        if (grow_to((void **)&st->sets, st->nsets, n, sizeof(hf_set_staging_t)) < 0)
            return -1;
        st->nsets = n;
    }
    return 0;
}

int staging_init(hf_engine_t *e)
{
    struct staging *st;
    int cap = e->cfg.stage_concurrency;

    if (e->staging)
        return 0;
    if (!(st = calloc(1, sizeof(*st))))
        return -1;
    if (cap <= 0)
        cap = hf_workflow_stage_concurrency(e->wf);
    if (cap <= 0)
        cap = HF_STAGE_PER_NODE * e->cfg.platform.nodes;
    st->cap = cap;
    e->staging = st;
    return reserve(st, (size_t)e->groups_cap, e->tasks_cap);
}

int staging_reserve(hf_engine_t *e)
{
    return e->staging ? reserve(e->staging, (size_t)e->groups_cap, e->tasks_cap) : 0;
}

void staging_fini(hf_engine_t *e)
{
    struct staging *st = e->staging;

    if (!st)
        return;
    free(st->tasks);
    free(st->sets);
    queue_fini(&st->urgent);
    queue_fini(&st->prefetch);
    free(st->launch);
    free(st);
    e->staging = NULL;
}

/* A task's set; a pool's worker has none, and stages nothing. */
static const hf_set_t *spec_of(const hf_engine_t *e, uint32_t id)
{
    return engine_spec(e, engine_group_of(e, id));
}

int staging_before_ready(hf_engine_t *e, int s, uint32_t id)
{
    const hf_set_t *spec = engine_spec(e, s);
    stage_task_t *t;

    if (!e->staging || !spec || spec->stage.in == HF_STAGE_NONE || spec->stage.sync)
        return 0;
    t = &e->staging->tasks[id];
    if (t->phase == PH_IN_DONE) {
        t->phase = PH_NONE;
        return 0;
    }
    t->phase = PH_IN_QUEUED;
    return queue_push(&e->staging->prefetch, id, 0) < 0 ? -1 : 1;
}

int staging_after_place(hf_engine_t *e, const hf_launch_t *l)
{
    stage_task_t *t;

    if (!e->staging || !l->spec || l->spec->stage.in == HF_STAGE_NONE ||
        !l->spec->stage.sync)
        return 0;
    t = &e->staging->tasks[l->task];
    t->phase = PH_IN_QUEUED;
    t->node = (int32_t)l->alloc->slot[0].node;
    return queue_push(&e->staging->urgent, l->task, 0) < 0 ? -1 : 1;
}

int staging_after_run(hf_engine_t *e, uint32_t id, int status)
{
    task_t *task = &e->tasks[id];
    const hf_set_t *spec;
    stage_task_t *t;
    double now;

    if (!e->staging || status != 0 || task->cancel_asked)
        return 0;
    spec = spec_of(e, id);
    t = &e->staging->tasks[id];
    if (!spec || spec->stage.out == HF_STAGE_NONE || t->phase >= PH_OUT_QUEUED)
        return 0;
    now = e->exec->ops->now(e->exec->ctx);
    t->compute_end = now;
    t->phase = PH_OUT_QUEUED;
    if (task->alloc)
        t->node = (int32_t)task->alloc->slot[0].node;
    engine_account_compute(e, id, now);
    if (!spec->stage.sync) { /* the slot serves others while the outputs move */
        hf_sched_release(e->sched, task->alloc);
        task->alloc = NULL;
        t->released = 1;
        e->released_out++;
    }
    return queue_push(&e->staging->urgent, id, 0) < 0 ? -1 : 1;
}

static int dispatch(hf_engine_t *e, uint32_t id, hf_error_t *err)
{
    stage_task_t *t = &e->staging->tasks[id];
    int s = engine_group_of(e, id);
    bool out = t->phase == PH_OUT_QUEUED;
    hf_stage_req_t req = {.task = id,
                          .group = s,
                          .index = id - e->groups[s].first,
                          .spec = engine_spec(e, s),
                          .dir = out ? HF_STAGE_OUT : HF_STAGE_IN,
                          .node = t->node};
    double now = e->exec->ops->now(e->exec->ctx);

    if (e->usage.first_start < 0) /* the run starts with its first staging */
        e->usage.first_start = now;
    if (out) {
        t->out_start = now;
        t->phase = PH_OUT_MOVING;
    } else {
        t->in_start = now;
        t->phase = PH_IN_MOVING;
    }
    e->staging->moving++;
    return e->exec->ops->stage(e->exec->ctx, &req, err);
}

int staging_dispatch(hf_engine_t *e, hf_error_t *err)
{
    struct staging *st = e->staging;

    while (st && st->moving < st->cap && (st->urgent.n > 0 || st->prefetch.n > 0)) {
        uint32_t id = queue_pop(st->urgent.n > 0 ? &st->urgent : &st->prefetch).index;
        uint8_t phase = st->tasks[id].phase;
        hf_task_state_t state = (hf_task_state_t)e->tasks[id].state;
        /* A stage-in whose task was canceled while it queued is dropped. */
        if (phase != PH_OUT_QUEUED &&
            !(phase == PH_IN_QUEUED &&
              (state == HF_TASK_WAITING || state == HF_TASK_PLACED))) {
            st->tasks[id].phase = PH_NONE;
            continue;
        }
        if (dispatch(e, id, err) < 0)
            return -1;
    }
    return 0;
}

bool staging_next_launch(hf_engine_t *e, uint32_t *id)
{
    if (!e->staging || e->staging->nlaunch == 0)
        return false;
    *id = e->staging->launch[--e->staging->nlaunch];
    return true;
}

bool staging_busy(const hf_engine_t *e)
{
    const struct staging *st = e->staging;

    return st &&
           (st->moving > 0 || st->urgent.n > 0 || st->prefetch.n > 0 || st->nlaunch > 0);
}

int staging_in_flight(const hf_engine_t *e)
{
    return e->staging ? e->staging->moving : 0;
}

bool staging_moving(const hf_engine_t *e, uint32_t id)
{
    return e->staging && (e->staging->tasks[id].phase == PH_IN_MOVING ||
                          e->staging->tasks[id].phase == PH_OUT_MOVING);
}

bool staging_out(const hf_engine_t *e, uint32_t id)
{
    return e->staging && e->staging->tasks[id].phase >= PH_OUT_QUEUED;
}

/* A task placed for a synchronous stage-in that will not run. */
static void unplace(hf_engine_t *e, uint32_t id)
{
    task_t *t = &e->tasks[id];

    engine_transition(e, id, HF_TASK_CANCELED);
    hf_sched_release(e->sched, t->alloc);
    t->alloc = NULL;
}

/* The task's stage-out is over (or will not happen): it ends. */
static int end_out(hf_engine_t *e, uint32_t id, int status)
{
    stage_task_t *t = &e->staging->tasks[id];

    if (t->released)
        e->released_out--;
    t->released = 0;
    t->phase = PH_NONE;
    return engine_end(e, id, status);
}

int staging_drain(hf_engine_t *e)
{
    struct staging *st = e->staging;

    if (!st)
        return 0;
    while (st->nlaunch > 0)
        unplace(e, st->launch[--st->nlaunch]);
    while (st->urgent.n > 0 || st->prefetch.n > 0) {
        uint32_t id = queue_pop(st->urgent.n > 0 ? &st->urgent : &st->prefetch).index;
        uint8_t phase = st->tasks[id].phase;
        st->tasks[id].phase = PH_NONE;
        if (phase == PH_OUT_QUEUED && end_out(e, id, -15) < 0)
            return -1;
        if (phase == PH_IN_QUEUED && e->tasks[id].state == HF_TASK_PLACED)
            unplace(e, id);
        /* a waiting task is canceled with the others that never started */
    }
    return engine_drain_cancels(e);
}

int hf_engine_stage_ended(hf_engine_t *e, uint32_t id, int status, double bytes)
{
    struct staging *st = e->staging;
    stage_task_t *t;
    hf_set_staging_t *set;
    task_t *task;
    double now;
    bool out;
    int s;

    if (!st || id >= e->ntasks ||
        (st->tasks[id].phase != PH_IN_MOVING && st->tasks[id].phase != PH_OUT_MOVING)) {
        errno = EINVAL;
        return -1;
    }
    t = &st->tasks[id];
    task = &e->tasks[id];
    s = engine_group_of(e, id);
    set = &st->sets[s];
    now = e->exec->ops->now(e->exec->ctx);
    out = t->phase == PH_OUT_MOVING;
    st->moving--;
    if (out) {
        t->out_end = now;
        t->bytes_out = bytes;
        set->bytes_out += bytes;
        set->seconds += now - t->out_start;
        return end_out(e, id, status == 0 ? 0 : HF_STATUS_STAGE_FAILED);
    }
    t->in_end = now;
    t->bytes_in = bytes;
    set->bytes_in += bytes;
    set->seconds += now - t->in_start;
    t->phase = status == 0 ? PH_IN_DONE : PH_NONE;
    if (task->state == HF_TASK_PLACED) { /* synchronous: the slot waits */
        if (e->stopped) {
            unplace(e, id);
            return engine_drain_cancels(e);
        }
        if (status != 0)
            return engine_end(e, id, HF_STATUS_STAGE_FAILED);
        t->phase = PH_NONE;
        if (grow_room((void **)&st->launch, &st->launch_cap, st->nlaunch + 1,
                      sizeof(uint32_t)) < 0)
            return -1;
        st->launch[st->nlaunch++] = id;
        return 0;
    }
    if (task->state != HF_TASK_WAITING || e->stopped) {
        t->phase = PH_NONE; /* canceled while its inputs moved */
        return 0;
    }
    if (status != 0)
        return engine_end(e, id, HF_STATUS_STAGE_FAILED);
    return engine_make_ready(e, s, id - e->groups[s].first);
}

bool hf_engine_task_staging(const hf_engine_t *e, uint32_t id, hf_task_staging_t *out)
{
    const stage_task_t *t;

    if (!e->staging || id >= e->ntasks)
        return false;
    t = &e->staging->tasks[id];
    if (t->in_start < 0 && t->out_start < 0 && t->compute_end < 0)
        return false;
    *out = (hf_task_staging_t){t->in_start,    t->in_end,   t->out_start, t->out_end,
                               t->compute_end, t->bytes_in, t->bytes_out};
    return true;
}

void hf_engine_staging_of_group(const hf_engine_t *e, int group, hf_set_staging_t *out)
{
    if (e->staging && group >= 0 && (size_t)group < e->staging->nsets)
        *out = e->staging->sets[group];
    else
        *out = (hf_set_staging_t){0, 0, 0};
}

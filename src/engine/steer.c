/* The adaptivity API: task-end callbacks, and starting, cancelling,
 * capping and submitting sets while a run goes on (engine.h).  Every change
 * goes through the same state machine as the rest of the engine; sets
 * submitted late join by the same path as the workflow's own (sets.c),
 * with edges to parents that may have ended already. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util/grow.h"

/* The group of the workflow's set `set`, or -1 with EINVAL. */
static int group_of(const hf_engine_t *e, int set)
{
    int g = hf_engine_group_of_set(e, set);

    if (g < 0)
        errno = EINVAL;
    return g;
}

int hf_engine_on_task_end(hf_engine_t *e, hf_task_end_f cb, void *arg)
{
    if (e->non_end == MAX_CALLBACKS) {
        errno = ENOSPC;
        return -1;
    }
    /* Each task ends once: a queue of every task never overflows. */
    if (!e->ended &&
        !(e->ended = malloc(((size_t)e->tasks_cap + 1) * sizeof(uint32_t)))) {
        errno = ENOMEM;
        return -1;
    }
    e->on_end[e->non_end].cb = cb;
    e->on_end[e->non_end].arg = arg;
    e->non_end++;
    return 0;
}

int steer_deliver_ends(hf_engine_t *e)
{
    /* Callbacks may end more tasks (a cancel): those join the queue and
     * are delivered in this same pass. */
    for (size_t i = 0; i < e->nended; i++) {
        uint32_t id = e->ended[i];
        const task_t *t = &e->tasks[id];
        for (int k = 0; k < e->non_end; k++)
            e->on_end[k].cb(e, id, (hf_task_state_t)t->state, t->end, e->on_end[k].arg);
    }
    e->nended = 0;
    return 0;
}

int hf_engine_start_set(hf_engine_t *e, int set)
{
    int g = group_of(e, set);

    if (g < 0)
        return -1;
    if (!e->groups[g].held)
        return 0;
    e->groups[g].held = false;
    return engine_release_group(e, g);
}

static int by_latest_start(const void *a, const void *b, void *ctx)
{
    const hf_engine_t *e = ctx;
    double x = e->tasks[*(const uint32_t *)a].start,
           y = e->tasks[*(const uint32_t *)b].start;

    return (x < y) - (x > y);
}

long hf_engine_cancel_set(hf_engine_t *e, int set, double fraction)
{
    group_rt_t *s;
    uint32_t *running, nrunning = 0;
    long want, done = 0;
    int g = group_of(e, set);

    if (g < 0 || !(fraction > 0 && fraction <= 1)) {
        errno = EINVAL;
        return -1;
    }
    s = &e->groups[g];
    want = (long)ceil(fraction * (double)(s->ntasks - s->nended) - 1e-9);
    /* Tasks not started cost nothing to drop: they go first. */
    for (uint32_t i = s->ntasks; i-- > 0 && done < want;) {
        hf_task_state_t st = (hf_task_state_t)e->tasks[s->first + i].state;
        if (st != HF_TASK_WAITING && st != HF_TASK_READY)
            continue;
        if (engine_withdraw(e, s->first + i) < 0)
            return -1;
        done++;
    }
    if (done == want)
        return done;
    if (!(running = malloc((size_t)s->ntasks * sizeof(uint32_t)))) {
        errno = ENOMEM;
        return -1;
    }
    for (uint32_t i = 0; i < s->ntasks; i++) {
        const task_t *t = &e->tasks[s->first + i];
        if (t->state == HF_TASK_RUNNING && !t->cancel_asked)
            running[nrunning++] = s->first + i;
    }
    /* The latest started have done the least work. */
    qsort_r(running, nrunning, sizeof(uint32_t), by_latest_start, e);
    for (uint32_t k = 0; k < nrunning && done < want; k++, done++) {
        task_t *t = &e->tasks[running[k]];
        t->cancel_asked = 1;
        t->cancel_cause = HF_CANCEL_WITHDRAWN;
        e->exec->ops->cancel(e->exec->ctx, running[k]);
    }
    free(running);
    return done;
}

static long share_cap(double fraction, long total)
{
    return fraction >= 1 ? -1 : (long)floor(fraction * (double)total + 1e-9);
}

int hf_engine_set_share(hf_engine_t *e, int set, double cores, double gpus)
{
    const hf_platform_t *p = &e->cfg.platform;
    int g = group_of(e, set);

    if (g < 0 || !(cores >= 0 && cores <= 1) || !(gpus >= 0 && gpus <= 1)) {
        errno = EINVAL;
        return -1;
    }
    hf_sched_set_share(e->sched, g, share_cap(cores, (long)p->nodes * p->cores_per_node),
                       share_cap(gpus, (long)p->nodes * p->gpus_per_node));
    return 0;
}

/* Room for nsets groups and ntasks tasks in every per-group and per-task
 * array. */
int steer_reserve(hf_engine_t *e, int nsets, uint32_t ntasks)
{
    if (nsets > e->groups_cap) {
        size_t old = (size_t)e->groups_cap, cap = grow_cap(old, (size_t)nsets);
        if (grow_to((void **)&e->groups, old, cap, sizeof(group_rt_t)) < 0 ||
            grow_to((void **)&e->group_of, old, cap, sizeof(int)) < 0 ||
            grow_to((void **)&e->children, old, cap, sizeof(edges_t)) < 0)
            return -1;
        e->groups_cap = (int)cap;
    }
    if (hf_sched_grow(e->sched, nsets) < 0)
        return -1;
    if (ntasks > e->tasks_cap) {
        size_t old = e->tasks_cap, cap = grow_cap(old, ntasks);
        if (cap > HF_MAX_TOTAL_TASKS)
            cap = HF_MAX_TOTAL_TASKS;
        if (grow_to((void **)&e->tasks, old, cap, sizeof(task_t)) < 0 ||
            grow_to((void **)&e->cancel_stack, old, cap, sizeof(uint32_t)) < 0 ||
            (e->ended &&
             grow_to((void **)&e->ended, old + 1, cap + 1, sizeof(uint32_t)) < 0) ||
            (e->results &&
             grow_to((void **)&e->results, old, cap, sizeof(json_t *)) < 0) ||
            (e->worker && grow_to((void **)&e->worker, old, cap, sizeof(uint32_t)) < 0))
            return -1;
        e->tasks_cap = (uint32_t)cap;
    }
    return staging_reserve(e);
}

/* The name of a service (or pool) that `spec` would use and that has
 * stopped already, or NULL: such a set could never start. */
static const char *stopped_service(const hf_engine_t *e, const hf_set_t *spec,
                                   char **pool)
{
    *pool = spec->function ? hf_set_pool_name(spec) : NULL;
    for (int k = -1; k < spec->nuses; k++) {
        const char *name = k < 0 ? *pool : spec->uses_names[k];
        int p = k < 0 ? hf_workflow_find_pool(e->wf, name) : -1;
        int u = p >= 0 ? e->pools[p].group
                : name ? hf_engine_group_of_set(e, hf_workflow_find_set(e->wf, name))
                       : -1;
        if (u >= 0 && e->groups[u].nended == e->groups[u].ntasks)
            return name;
    }
    return NULL;
}

int hf_engine_submit_set(hf_engine_t *e, hf_set_t *spec, hf_error_t *err)
{
    uint32_t n = (uint32_t)spec->tasks;
    const char *stopped;
    char *pool;
    int s, g;

    if ((stopped = stopped_service(e, spec, &pool))) {
        hf_error_set(err, "set '%s' uses '%s', which has stopped", spec->name, stopped);
        free(pool);
        errno = EINVAL;
        return -1;
    }
    free(pool);
    if (spec->tasks < 1 || spec->tasks > HF_MAX_TASKS_PER_SET ||
        (long)e->ntasks + spec->tasks > HF_MAX_TOTAL_TASKS) {
        hf_error_set(err, "set '%s': %ld tasks is too many", spec->name, spec->tasks);
        errno = EINVAL;
        return -1;
    }
    if (hf_set_check_platform(spec, NULL, &e->cfg.platform, err) < 0)
        return -1;
    if (steer_reserve(e, e->ngroups + 1, e->ntasks + n) < 0)
        goto nomem;
    if ((spec->stage.in != HF_STAGE_NONE || spec->stage.out != HF_STAGE_NONE) &&
        staging_init(e) < 0)
        goto nomem;
    if ((s = hf_workflow_append(e->wf, spec, err)) < 0)
        return -1;
    /* From here the set is the workflow's. */
    g = engine_add_set(e, s);
    /* Its rank is its own time: a set that joins later is in no DAG. */
    if (engine_shape_group(
            e, g, hf_policy_rank_time(e->cfg.policy, spec, &e->cfg.platform)) < 0 ||
        engine_link_set(e, g) < 0)
        goto nomem;
    if (engine_drain_cancels(e) < 0 || engine_release_group(e, g) < 0)
        goto nomem;
    return s;
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return -1;
}

void hf_engine_progress_of_set(const hf_engine_t *e, int set, hf_set_progress_t *out)
{
    const group_rt_t *s = &e->groups[e->group_of[set]];

    *out = (hf_set_progress_t){s->ntasks, s->ndone, s->nended};
}

int hf_engine_mark(hf_engine_t *e, const char *label)
{
    char *copy;

    if (e->nmarks == e->marks_cap) {
        int cap = e->marks_cap ? e->marks_cap * 2 : 8;
        mark_t *marks = realloc(e->marks, (size_t)cap * sizeof(*marks));
        if (!marks)
            goto nomem;
        e->marks = marks;
        e->marks_cap = cap;
    }
    if (!(copy = strdup(label)))
        goto nomem;
    e->marks[e->nmarks++] = (mark_t){e->exec->ops->now(e->exec->ctx), copy};
    return 0;
nomem:
    errno = ENOMEM;
    return -1;
}

int hf_engine_nmarks(const hf_engine_t *e)
{
    return e->nmarks;
}

void hf_engine_mark_info(const hf_engine_t *e, int i, double *time, const char **label)
{
    *time = e->marks[i].time;
    *label = e->marks[i].label;
}

void steer_fini(hf_engine_t *e)
{
    for (int i = 0; i < e->nmarks; i++)
        free(e->marks[i].label);
    free(e->marks);
    free(e->ended);
}

/* The simulation executor: a virtual clock and a heap of task ends ordered by
 * (time, launch order), as libuv breaks timer ties by start id, so one seed
 * always gives one result.  Durations come from a counter-based generator
 * keyed by (seed, set, index, draw): a task's duration does not depend on
 * the order tasks launch in, so every mode and policy sees the same draws.
 * A pool's workers run one call at a time each: a call is taken by an idle
 * worker of its pool (the one freed last), and lasts its set's duration.
 * A staging is a flow of its files' bytes over the shared filesystem's link
 * and its node's, shared fairly with the flows in flight (flows.c); links
 * (copies) and files of no size move nothing and end at once. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "flows.h"
#include "hetflow/exec.h"
#include "hetflow/executor.h"
#include "util/grow.h"
#include "util/heap.h"

/* A launch is an event with a fixed end time; heap entries are launch
 * numbers, so no entry's key ever changes once pushed. */
typedef struct {
    const hf_workflow_t *wf;
    uint64_t seed;
    double now;
    double *ev_end;    /* per launch */
    uint32_t *ev_task; /* per launch */
    size_t ev_cap;
    uint32_t launches;
    uint32_t *current; /* per task: its latest launch */
    uint8_t *live;     /* per task: LIVE while running, MODELLED if it reports a result */
    uint32_t *canceled; /* canceled since the last wait: they end now */
    size_t ncanceled;
    size_t ntasks; /* room in the per-task arrays: sets may be added */
    heap_t events;
    uint32_t *done_in; /* per group: its tasks done so far */
    uint32_t *ups;     /* services launched since the last wait: up now */
    size_t nups, ups_cap;
    size_t nsets;   /* room in done_in and idle (groups and sets) */
    uint32_t *peer; /* per task: a call's worker; a worker's call, or NO_CALL */
    struct idle {
        uint32_t *v;
        size_t n, cap;
    } * idle; /* per pool, by its owner set: a stack of workers without a
               * call, where those stopped since (and a busy one's older
               * entry) are skipped */
    flows_t flows;
    struct stopped_flow {
        uint32_t task;
        double moved;
    } * stopped; /* flows canceled since the last wait: they end now */
    size_t nstopped, stopped_cap;
} sim_t;

enum { LIVE = 1, MODELLED = 2, CALL = 4 };
#define NO_CALL UINT32_MAX

static int reserve_sets(sim_t *sim, int set)
{
    size_t n = grow_cap(sim->nsets, (size_t)set + 1);

    if (n == sim->nsets)
        return 0;
    if (grow_to((void **)&sim->done_in, sim->nsets, n, sizeof(uint32_t)) < 0 ||
        grow_to((void **)&sim->idle, sim->nsets, n, sizeof(struct idle)) < 0)
        return -1;
    sim->nsets = n;
    return 0;
}

/* A worker of `pool` starts, idle.  A stack never holds more entries than
 * its workers ever started: each later push follows a pop. */
static int worker_started(sim_t *sim, uint32_t task, const hf_pool_t *pool)
{
    struct idle *idle;

    if (reserve_sets(sim, pool->owner) < 0)
        return -1;
    idle = &sim->idle[pool->owner];
    if (grow_room((void **)&idle->v, &idle->cap, idle->n + 1, sizeof(uint32_t)) < 0)
        return -1;
    idle->v[idle->n++] = task;
    sim->peer[task] = NO_CALL;
    return 0;
}

/* Grow the per-task arrays to hold task `task`. */
static int resize_tasks(sim_t *sim, size_t n)
{
    if (grow_to((void **)&sim->current, sim->ntasks, n, sizeof(uint32_t)) < 0 ||
        grow_to((void **)&sim->canceled, sim->ntasks, n, sizeof(uint32_t)) < 0 ||
        grow_to((void **)&sim->peer, sim->ntasks, n, sizeof(uint32_t)) < 0 ||
        grow_to((void **)&sim->live, sim->ntasks, n, 1) < 0)
        return -1;
    sim->ntasks = n;
    return 0;
}

static int reserve_tasks(sim_t *sim, uint32_t task)
{
    size_t n = grow_cap(sim->ntasks, (size_t)task + 1);

    return n == sim->ntasks ? 0 : resize_tasks(sim, n);
}

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* A uniform double in (0, 1) from the draw-th number of stream (set, index). */
static double uniform(uint64_t seed, int set, uint32_t index, uint32_t draw)
{
    uint64_t x = splitmix64(seed ^ splitmix64(((uint64_t)(uint32_t)set << 32) | index));

    x = splitmix64(x ^ draw);
    return ((double)(x >> 11) + 0.5) / 9007199254740992.0; /* 2^53 */
}

double hf_sim_duration(const hf_set_t *set, int set_id, uint32_t index, uint64_t seed)
{
    if (set->duration_stddev <= 0)
        return set->duration_mean;
    /* Box-Muller, redrawn while negative: a normal truncated at 0. */
    for (uint32_t draw = 0;; draw += 2) {
        double u1 = uniform(seed, set_id, index, draw);
        double u2 = uniform(seed, set_id, index, draw + 1);
        double z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
        double d = set->duration_mean + set->duration_stddev * z;
        if (d >= 0)
            return d;
    }
}

static bool event_before(const void *ctx, uint32_t a, uint32_t b)
{
    const sim_t *sim = ctx;

    if (sim->ev_end[a] != sim->ev_end[b])
        return sim->ev_end[a] < sim->ev_end[b];
    return a < b; /* launch order */
}

static double sim_now(void *ctx)
{
    return ((sim_t *)ctx)->now;
}

/* Task l ends its set's duration from now. */
static int schedule_end(sim_t *sim, const hf_launch_t *l)
{
    uint32_t ev = sim->launches;

    if (ev == sim->ev_cap) {
        size_t cap = sim->ev_cap * 2;
        double *end = realloc(sim->ev_end, cap * sizeof(double));
        uint32_t *task = end ? realloc(sim->ev_task, cap * sizeof(uint32_t)) : NULL;
        if (end)
            sim->ev_end = end;
        if (!task)
            return -1;
        sim->ev_task = task;
        sim->ev_cap = cap;
    }
    sim->ev_end[ev] = sim->now + hf_sim_duration(l->spec, l->group, l->index, sim->seed);
    sim->ev_task[ev] = l->task;
    if (heap_push(&sim->events, ev) < 0)
        return -1;
    sim->launches++;
    sim->current[l->task] = ev;
    sim->live[l->task] = LIVE | (l->spec->nresults > 0 ? MODELLED : 0);
    return 0;
}

/* A service's task (a pool's worker) serves at once and until it is
 * stopped: no end event. */
static int serve(sim_t *sim, const hf_launch_t *l)
{
    if (grow_room((void **)&sim->ups, &sim->ups_cap, sim->nups + 1, sizeof(uint32_t)) < 0)
        return -1;
    sim->ups[sim->nups++] = l->task;
    sim->live[l->task] = LIVE;
    sim->current[l->task] = UINT32_MAX;
    return 0;
}

static int sim_launch(void *ctx, const hf_launch_t *l, hf_error_t *err)
{
    sim_t *sim = ctx;

    if (reserve_tasks(sim, l->task) < 0 ||
        (l->spec->service ? serve(sim, l) : schedule_end(sim, l)) < 0) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    return 0;
}

static int sim_pool_start(void *ctx, const hf_pool_t *pool, const hf_launch_t *l,
                          hf_error_t *err)
{
    sim_t *sim = ctx;

    if (reserve_tasks(sim, l->task) < 0 || worker_started(sim, l->task, pool) < 0 ||
        serve(sim, l) < 0) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    return 0;
}

static int sim_call(void *ctx, const hf_pool_t *pool, const hf_launch_t *l,
                    uint32_t *worker, hf_error_t *err)
{
    sim_t *sim = ctx;
    struct idle *idle;
    uint32_t w = NO_CALL;

    if (reserve_tasks(sim, l->task) < 0 || reserve_sets(sim, pool->owner) < 0)
        goto nomem;
    idle = &sim->idle[pool->owner];
    while (w == NO_CALL && idle->n > 0) {
        w = idle->v[--idle->n];
        if (!(sim->live[w] & LIVE) || sim->peer[w] != NO_CALL)
            w = NO_CALL;
    }
    if (w == NO_CALL)
        return 0;
    if (schedule_end(sim, l) < 0)
        goto nomem;
    sim->live[l->task] |= CALL;
    sim->peer[w] = l->task;
    sim->peer[l->task] = *worker = w;
    return 1;
nomem:
    hf_error_set(err, "out of memory");
    return -1;
}

/* A call ended (done or canceled): its worker, unless stopped, is idle
 * again. */
static void call_ended(sim_t *sim, hf_engine_t *engine, uint32_t task)
{
    uint32_t w = sim->peer[task];
    hf_exec_task_t info;
    struct idle *idle;

    if (!(sim->live[w] & LIVE) || sim->peer[w] != task)
        return;
    hf_engine_exec_task(engine, task, &info);
    idle = &sim->idle[hf_workflow_pool(sim->wf, hf_set_pool(info.spec))->owner];
    sim->peer[w] = NO_CALL;
    idle->v[idle->n++] = w; /* room: see worker_started */
}

/* Whether launch ev is its task's current, uncanceled run. */
static bool is_live(const sim_t *sim, uint32_t ev)
{
    uint32_t task = sim->ev_task[ev];

    return (sim->live[task] & LIVE) && sim->current[task] == ev;
}

/* The result model: the k-th task of a set to be done reports
 * start x factor^k for each of the set's keys (counting on through a
 * repeat's iterations). */
static void model_result(sim_t *sim, hf_engine_t *engine, uint32_t task)
{
    const hf_set_t *set;
    hf_exec_task_t info;
    json_t *result;
    uint32_t k;

    hf_engine_exec_task(engine, task, &info);
    set = info.spec;
    if (!set || set->nresults == 0) /* a worker models none */
        return;
    if (reserve_sets(sim, info.group) < 0)
        return; /* no memory: the task reports no result */
    if (!(result = json_object()))
        return;
    /* A repeated set's iterations carry on where the last one stopped. */
    k = ++sim->done_in[info.group] + (uint32_t)set->iter * (uint32_t)set->tasks;
    for (int i = 0; i < set->nresults; i++)
        json_object_set_new(
            result, set->results[i].key,
            json_real(set->results[i].start * pow(set->results[i].factor, (double)k)));
    hf_engine_set_result(engine, task, result);
}

static int report(hf_engine_t *engine, uint32_t task, int status, hf_error_t *err)
{
    if (hf_engine_task_ended(engine, task, status) < 0) {
        hf_error_set(err, "simulator: engine refused a task end");
        return -1;
    }
    return 0;
}

static int sim_stage(void *ctx, const hf_stage_req_t *req, hf_error_t *err)
{
    sim_t *sim = ctx;
    bool in = req->dir == HF_STAGE_IN;
    hf_stage_kind_t kind = in ? req->spec->stage.in : req->spec->stage.out;
    double bytes = kind == HF_STAGE_COPY ? hf_set_bytes(sim->wf, req->spec, in, NULL) : 0;

    flows_advance(&sim->flows, sim->now);
    if (flows_add(&sim->flows, req->task, req->node, bytes) < 0) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    return 0;
}

/* Report the stagings stopped and those that have ended by now. */
static int report_flows(sim_t *sim, hf_engine_t *engine, hf_error_t *err)
{
    uint32_t task;
    double bytes;
    int n = 0;

    for (size_t i = 0; i < sim->nstopped; i++, n++)
        if (hf_engine_stage_ended(engine, sim->stopped[i].task, -15,
                                  sim->stopped[i].moved) < 0)
            goto refused;
    sim->nstopped = 0;
    while (flows_take_done(&sim->flows, &task, &bytes)) {
        if (hf_engine_stage_ended(engine, task, 0, bytes) < 0)
            goto refused;
        n++;
    }
    return n;
refused:
    hf_error_set(err, "simulator: engine refused a staging's end");
    return -1;
}

/* Report the tasks canceled since the last wait, ending now; or advance the
 * clock to the next end, or by `timeout` if that comes first (the engine's
 * next timer), and report every task ending then.  A canceled task's heap
 * entry stays where it is (its key never changes, so the heap stays a heap)
 * and is skipped when it comes up. */
static int sim_wait(void *ctx, hf_engine_t *engine, double timeout, hf_error_t *err)
{
    sim_t *sim = ctx;
    double next;
    int n = 0;

    if (sim->nups > 0) {
        for (size_t i = 0; i < sim->nups; i++)
            if (sim->live[sim->ups[i]] & LIVE &&
                hf_engine_service_up(engine, sim->ups[i]) < 0) {
                hf_error_set(err, "simulator: engine refused a service");
                return -1;
            }
        n = (int)sim->nups;
        sim->nups = 0;
        return n;
    }
    if (sim->nstopped > 0)
        return report_flows(sim, engine, err);
    if (sim->ncanceled > 0) {
        for (size_t i = 0; i < sim->ncanceled; i++) {
            uint32_t task = sim->canceled[i];
            if (sim->live[task] & CALL)
                call_ended(sim, engine, task);
            sim->live[task] = 0;
            if (report(engine, task, -15, err) < 0)
                return -1;
        }
        n = (int)sim->ncanceled;
        sim->ncanceled = 0;
        return n;
    }
    while (heap_size(&sim->events) > 0 && !is_live(sim, heap_top(&sim->events)))
        heap_pop(&sim->events);
    sim->flows.bw_shared = hf_engine_platform(engine)->bw_shared;
    sim->flows.bw_node = hf_engine_platform(engine)->bw_node;
    flows_advance(&sim->flows, sim->now);
    if ((next = flows_next_end(&sim->flows)) < -1) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    if (heap_size(&sim->events) > 0 &&
        (next < 0 || sim->ev_end[heap_top(&sim->events)] < next))
        next = sim->ev_end[heap_top(&sim->events)];
    if (next < 0) {
        if (timeout > 0)
            sim->now += timeout;
        return 0;
    }
    if (timeout >= 0 && next > sim->now + timeout) {
        sim->now += timeout;
        return 0;
    }
    sim->now = next;
    flows_advance(&sim->flows, sim->now);
    if ((n = report_flows(sim, engine, err)) < 0)
        return -1;
    while (heap_size(&sim->events) > 0 &&
           sim->ev_end[heap_top(&sim->events)] <= sim->now) {
        uint32_t ev = heap_pop(&sim->events), task = sim->ev_task[ev];
        if (!is_live(sim, ev))
            continue;
        if (sim->live[task] & MODELLED)
            model_result(sim, engine, task);
        if (sim->live[task] & CALL)
            call_ended(sim, engine, task);
        sim->live[task] = 0;
        if (report(engine, task, 0, err) < 0)
            return -1;
        n++;
    }
    return n;
}

/* A canceled task ends now, as if terminated (status -SIGTERM); so does a
 * staging of its files. */
static void sim_cancel(void *ctx, uint32_t task)
{
    sim_t *sim = ctx;
    double moved;

    if (flows_remove(&sim->flows, task, &moved)) {
        if (grow_room((void **)&sim->stopped, &sim->stopped_cap, sim->nstopped + 1,
                      sizeof(*sim->stopped)) == 0)
            sim->stopped[sim->nstopped++] = (struct stopped_flow){task, moved};
        return;
    }
    if (task >= sim->ntasks || !(sim->live[task] & LIVE))
        return;
    sim->live[task] &= CALL; /* not live; a call's worker is freed when it is reported */
    sim->canceled[sim->ncanceled++] = task; /* room: each task once */
}

static void sim_destroy(void *ctx)
{
    sim_t *sim = ctx;

    if (!sim)
        return;
    heap_fini(&sim->events);
    free(sim->ev_end);
    free(sim->ev_task);
    free(sim->current);
    free(sim->live);
    free(sim->canceled);
    free(sim->done_in);
    for (size_t i = 0; sim->idle && i < sim->nsets; i++)
        free(sim->idle[i].v);
    free(sim->idle);
    free(sim->peer);
    free(sim->ups);
    free(sim->stopped);
    flows_fini(&sim->flows);
    free(sim);
}

static const hf_executor_ops_t sim_ops = {
    .name = "sim",
    .now = sim_now,
    .launch = sim_launch,
    .pool_start = sim_pool_start,
    .call = sim_call,
    .wait = sim_wait,
    .stage = sim_stage,
    .cancel = sim_cancel,
    .destroy = sim_destroy,
};

int hf_exec_sim_create(const hf_workflow_t *wf, uint64_t seed, hf_executor_t *out)
{
    sim_t *sim = calloc(1, sizeof(*sim));
    size_t n = (size_t)hf_workflow_ntasks(wf);

    if (!sim)
        return -1;
    sim->wf = wf;
    sim->seed = seed;
    flows_init(&sim->flows);
    heap_init(&sim->events, event_before, sim);
    sim->ev_cap = n + 1;
    sim->ev_end = malloc(sim->ev_cap * sizeof(double));
    sim->ev_task = malloc(sim->ev_cap * sizeof(uint32_t));
    if (!sim->ev_end || !sim->ev_task || resize_tasks(sim, n + 1) < 0) {
        sim_destroy(sim);
        errno = ENOMEM;
        return -1;
    }
    out->ops = &sim_ops;
    out->ctx = sim;
    return 0;
}

/* The simulation executor: a virtual clock and a heap of task ends ordered by
 * (time, launch order), as libuv breaks timer ties by start id, so one seed
 * always gives one result.  Durations come from a counter-based generator
 * keyed by (seed, set, index, draw): a task's duration does not depend on
 * the order tasks launch in, so every mode and policy sees the same draws. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "hetflow/engine.h"
#include "hetflow/exec.h"
#include "util/heap.h"

typedef struct {
    const hf_workflow_t *wf;
    uint64_t seed;
    double now;
    double *end;   /* per task, while running */
    uint32_t *seq; /* per task: launch order, to break ties */
    uint32_t launches;
    heap_t events;
} sim_t;

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

    if (sim->end[a] != sim->end[b])
        return sim->end[a] < sim->end[b];
    return sim->seq[a] < sim->seq[b];
}

static double sim_now(void *ctx)
{
    return ((sim_t *)ctx)->now;
}

static int sim_launch(void *ctx, const hf_launch_t *l, hf_error_t *err)
{
    sim_t *sim = ctx;

    sim->end[l->task] = sim->now + hf_sim_duration(l->spec, l->set, l->index, sim->seed);
    sim->seq[l->task] = sim->launches++;
    if (heap_push(&sim->events, l->task) < 0) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    return 0;
}

/* Advance the clock to the next end and report every task ending then.
 * Virtual time never waits, so the timeout does not apply. */
static int sim_wait(void *ctx, hf_engine_t *engine, double timeout, hf_error_t *err)
{
    sim_t *sim = ctx;
    int n = 0;

    (void)timeout;
    if (heap_size(&sim->events) == 0)
        return 0;
    sim->now = sim->end[heap_top(&sim->events)];
    while (heap_size(&sim->events) > 0 && sim->end[heap_top(&sim->events)] <= sim->now) {
        if (hf_engine_task_ended(engine, heap_pop(&sim->events), 0) < 0) {
            hf_error_set(err, "simulator: engine refused a task end");
            return -1;
        }
        n++;
    }
    return n;
}

/* A canceled simulated task ends when it would have: the simulator models
 * no early termination (the engine records it canceled all the same). */
static void sim_cancel(void *ctx, uint32_t task)
{
    (void)ctx;
    (void)task;
}

static void sim_destroy(void *ctx)
{
    sim_t *sim = ctx;

    if (!sim)
        return;
    heap_fini(&sim->events);
    free(sim->end);
    free(sim->seq);
    free(sim);
}

static const hf_executor_ops_t sim_ops = {
    .name = "sim",
    .now = sim_now,
    .launch = sim_launch,
    .wait = sim_wait,
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
    heap_init(&sim->events, event_before, sim);
    sim->end = malloc(n * sizeof(double) + 1);
    sim->seq = malloc(n * sizeof(uint32_t) + 1);
    if (!sim->end || !sim->seq) {
        sim_destroy(sim);
        errno = ENOMEM;
        return -1;
    }
    out->ops = &sim_ops;
    out->ctx = sim;
    return 0;
}

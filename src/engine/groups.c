/* The engine's groups (engine.h): the workflow's sets (groups of tasks)
 * and the function sets' pools (groups of workers), numbered in the order
 * they joined.  Both are placed, run, stopped and observed the same way;
 * what differs between the two kinds is here, in one table, and nowhere
 * else in the engine. */
#include "internal.h"

typedef struct {
    const hf_set_t *(*spec)(const hf_engine_t *e, const group_rt_t *g);
    void (*unit)(const hf_engine_t *e, const group_rt_t *g, unit_t *out);
    bool (*open)(const hf_engine_t *e, const group_rt_t *g);
    int (*start)(hf_engine_t *e, const group_rt_t *g, const hf_launch_t *l,
                 hf_error_t *err);
    bool (*serves)(const hf_engine_t *e, const group_rt_t *g);
    int (*wanted)(hf_engine_t *e, const group_rt_t *g);
    void (*ended)(hf_engine_t *e, int group);
} kind_t;

/* ---- A set: tasks ---- */

static const hf_set_t *set_spec(const hf_engine_t *e, const group_rt_t *g)
{
    return hf_workflow_get_set(e->wf, g->set);
}

static void set_unit(const hf_engine_t *e, const group_rt_t *g, unit_t *out)
{
    const hf_set_t *spec = set_spec(e, g);

    *out = (unit_t){spec->cores,    spec->gpus,          spec->ranks,
                    spec->priority, spec->duration_mean, spec->retries,
                    spec->backoff,  spec->timeout,       spec->on_failure};
}

static bool set_open(const hf_engine_t *e, const group_rt_t *g)
{
    return gates_open(&e->gates, g->set);
}

static int set_start(hf_engine_t *e, const group_rt_t *g, const hf_launch_t *l,
                     hf_error_t *err)
{
    (void)g;
    return e->exec->ops->launch(e->exec->ctx, l, err);
}

static bool set_serves(const hf_engine_t *e, const group_rt_t *g)
{
    return set_spec(e, g)->service;
}

static int set_wanted(hf_engine_t *e, const group_rt_t *g)
{
    (void)e;
    (void)g;
    return 0; /* a service starts as its own dependencies allow */
}

static void set_ended(hf_engine_t *e, int group)
{
    const group_rt_t *g = &e->groups[group];

    if (set_serves(e, g) && g->nup < g->ntasks)
        engine_service_lost(e, group);
}

/* ---- A pool: workers ---- */

static const hf_set_t *pool_spec(const hf_engine_t *e, const group_rt_t *g)
{
    (void)e;
    (void)g;
    return NULL;
}

/* One rank on its pool's cores and GPUs, no priority or duration (a
 * worker serves), no timeout, no retry (the executor restarts a worker
 * that dies), and a failure that stops nothing but the pool. */
static void pool_unit(const hf_engine_t *e, const group_rt_t *g, unit_t *out)
{
    const hf_pool_t *pool = hf_workflow_pool(e->wf, g->pool);

    *out = (unit_t){.cores = pool->cores,
                    .gpus = pool->gpus,
                    .ranks = 1,
                    .on_failure = HF_ON_FAILURE_CANCEL};
}

static bool pool_open(const hf_engine_t *e, const group_rt_t *g)
{
    return e->pools[g->pool].started;
}

static int pool_start(hf_engine_t *e, const group_rt_t *g, const hf_launch_t *l,
                      hf_error_t *err)
{
    return e->exec->ops->pool_start(e->exec->ctx, hf_workflow_pool(e->wf, g->pool), l,
                                    err);
}

static bool pool_serves(const hf_engine_t *e, const group_rt_t *g)
{
    (void)e;
    (void)g;
    return true;
}

static int pool_wanted(hf_engine_t *e, const group_rt_t *g)
{
    return engine_pool_start(e, g->pool);
}

static void pool_ended(hf_engine_t *e, int group)
{
    const group_rt_t *g = &e->groups[group];

    if (g->nup < g->ntasks)
        engine_service_lost(e, group);
    else
        engine_pool_lost(e, g->pool);
}

static const kind_t kinds[] = {
    [HF_GROUP_SET] = {set_spec, set_unit, set_open, set_start, set_serves, set_wanted,
                      set_ended},
    [HF_GROUP_POOL] = {pool_spec, pool_unit, pool_open, pool_start, pool_serves,
                       pool_wanted, pool_ended},
};

static const kind_t *kind_of(const hf_engine_t *e, int group)
{
    return &kinds[hf_engine_group_kind(e, group)];
}

const hf_set_t *engine_spec(const hf_engine_t *e, int group)
{
    return kind_of(e, group)->spec(e, &e->groups[group]);
}

bool engine_calls(const hf_engine_t *e, int group)
{
    const hf_set_t *spec = engine_spec(e, group);

    return spec && hf_set_pool(spec) >= 0;
}

void engine_unit(const hf_engine_t *e, int group, unit_t *out)
{
    *out = e->groups[group].unit; /* on every task's path: not its kind's call */
}

bool engine_open(const hf_engine_t *e, int group)
{
    return kind_of(e, group)->open(e, &e->groups[group]);
}

int engine_start(hf_engine_t *e, const hf_launch_t *l, hf_error_t *err)
{
    return kind_of(e, l->group)->start(e, &e->groups[l->group], l, err);
}

bool engine_serves(const hf_engine_t *e, int group)
{
    return kind_of(e, group)->serves(e, &e->groups[group]);
}

int engine_wanted(hf_engine_t *e, int group)
{
    return kind_of(e, group)->wanted(e, &e->groups[group]);
}

void engine_unit_ended(hf_engine_t *e, int group)
{
    kind_of(e, group)->ended(e, group);
}

/* A set's services, then a function set's pool; a pool uses none. */
int engine_nuses(const hf_engine_t *e, int group)
{
    const hf_set_t *spec = engine_spec(e, group);
    int n = 0;

    if (spec)
        hf_set_uses(spec, &n);
    return n + (spec && hf_set_pool(spec) >= 0);
}

int engine_used(const hf_engine_t *e, int group, int k)
{
    const hf_set_t *spec = engine_spec(e, group);
    int n;
    const int *uses = hf_set_uses(spec, &n);

    return k < n ? e->group_of[uses[k]] : e->pools[hf_set_pool(spec)].group;
}

int engine_add_group(hf_engine_t *e, int set, int pool, uint32_t ntasks)
{
    int g = e->ngroups++;

    e->groups[g] = (group_rt_t){.set = set,
                                .pool = pool,
                                .first = e->ntasks,
                                .ntasks = ntasks,
                                .first_start = -1,
                                .last_end = -1};
    kind_of(e, g)->unit(e, &e->groups[g], &e->groups[g].unit);
    e->children[g] = (edges_t){0};
    if (set >= 0)
        e->group_of[set] = g;
    for (uint32_t i = 0; i < ntasks; i++)
        e->tasks[e->ntasks + i] = (task_t){
            .ready = -1, .placed = -1, .start = -1, .end = -1, .state = HF_TASK_WAITING};
    e->ntasks += ntasks;
    e->count[HF_TASK_WAITING] += ntasks;
    return g;
}

/* ---- What observers read ---- */

int hf_engine_ngroups(const hf_engine_t *e)
{
    return e->ngroups;
}

hf_group_kind_t hf_engine_group_kind(const hf_engine_t *e, int group)
{
    return e->groups[group].pool >= 0 ? HF_GROUP_POOL : HF_GROUP_SET;
}

const hf_set_t *hf_engine_group_spec(const hf_engine_t *e, int group)
{
    return engine_spec(e, group);
}

const char *hf_engine_group_name(const hf_engine_t *e, int group)
{
    const group_rt_t *g = &e->groups[group];

    return g->pool >= 0 ? hf_workflow_pool(e->wf, g->pool)->name
                        : hf_workflow_get_set(e->wf, g->set)->name;
}

int hf_engine_group_of_set(const hf_engine_t *e, int set)
{
    return set >= 0 && set < hf_workflow_nsets(e->wf) ? e->group_of[set] : -1;
}

uint32_t hf_engine_group_first(const hf_engine_t *e, int group)
{
    return e->groups[group].first;
}

uint32_t hf_engine_group_ntasks(const hf_engine_t *e, int group)
{
    return e->groups[group].ntasks;
}

void hf_engine_span_of_group(const hf_engine_t *e, int group, double *start, double *end)
{
    *start = e->groups[group].first_start;
    *end = e->groups[group].last_end;
}

/* The engine's groups (engine.h): the workflow's sets and the function
 * sets' pools, numbered in the order they joined, read by the observers
 * (journal, trace, summary, status line) for names and counts. */
#include "internal.h"

int hf_engine_ngroups(const hf_engine_t *e)
{
    return e->nsets;
}

hf_group_kind_t hf_engine_group_kind(const hf_engine_t *e, int group)
{
    return e->sets[group].pool >= 0 ? HF_GROUP_POOL : HF_GROUP_SET;
}

const hf_set_t *hf_engine_group_spec(const hf_engine_t *e, int group)
{
    return e->sets[group].pool >= 0 ? NULL : hf_workflow_set(e->wf, e->sets[group].set);
}

const char *hf_engine_group_name(const hf_engine_t *e, int group)
{
    const set_rt_t *g = &e->sets[group];

    return g->pool >= 0 ? hf_workflow_pool(e->wf, g->pool)->name
                        : hf_workflow_set(e->wf, g->set)->name;
}

int hf_engine_group_of_set(const hf_engine_t *e, int set)
{
    for (int g = 0; g < e->nsets; g++)
        if (e->sets[g].set == set && e->sets[g].pool < 0)
            return g;
    return -1;
}

uint32_t hf_engine_group_first(const hf_engine_t *e, int group)
{
    return e->sets[group].first;
}

uint32_t hf_engine_group_ntasks(const hf_engine_t *e, int group)
{
    return e->sets[group].ntasks;
}

void hf_engine_span_of_group(const hf_engine_t *e, int group, double *start, double *end)
{
    *start = e->sets[group].first_start;
    *end = e->sets[group].last_end;
}

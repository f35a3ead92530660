/* A set joins the engine: one path for the workflow's own sets (at
 * create) and for those submitted while it runs.  engine_add_set() gives
 * it its group (groups.c) and its waiting tasks; engine_link_set() wires it
 * to the services it uses and to its parents, which may have made progress
 * already (a submitted set), so that it waits for what is left only. */
#include <stdlib.h>

#include "internal.h"

int engine_add_set(hf_engine_t *e, int s)
{
    const hf_set_t *spec = hf_workflow_get_set(e->wf, s);
    int g = engine_add_group(e, s, -1, (uint32_t)spec->tasks);
    uint16_t one_to_one = 0;

    for (int j = 0; j < spec->nafter; j++)
        one_to_one += spec->after[j].map == HF_MAP_ONE_TO_ONE;
    e->groups[g].held = spec->start_on_rule;
    for (uint32_t i = 0; i < e->groups[g].ntasks; i++)
        e->tasks[e->groups[g].first + i].pending = one_to_one;
    return g;
}

int engine_shape_group(hf_engine_t *e, int g, double rank)
{
    unit_t u;

    engine_unit(e, g, &u);
    return hf_sched_set_shape(e->sched, g, u.cores, u.gpus, u.ranks, u.priority, rank,
                              u.duration_mean);
}

int engine_add_edge(hf_engine_t *e, int parent, hf_edge_t edge)
{
    edges_t *l = &e->children[parent];

    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        hf_edge_t *v = realloc(l->v, (size_t)cap * sizeof(*v));
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = edge;
    return 0;
}

/* What parent p of set s has done already, applied as the engine would
 * have applied it as it happened.  Returns whether s still waits on p as a
 * whole. */
static bool apply_parent(hf_engine_t *e, int s, const hf_dep_t *dep)
{
    group_rt_t *parent = &e->groups[e->group_of[dep->parent]], *child = &e->groups[s];
    bool ended = parent->nended == parent->ntasks;
    bool succeeded = parent->nok + parent->nwithdrawn == parent->ntasks;

    if (dep->map == HF_MAP_ONE_TO_ONE) {
        for (uint32_t i = 0; i < child->ntasks; i++) {
            const task_t *pt = &e->tasks[parent->first + i];
            task_t *t = &e->tasks[child->first + i];
            bool ok = pt->state == HF_TASK_DONE ||
                      (pt->state == HF_TASK_FAILED &&
                       hf_workflow_get_set(e->wf, dep->parent)->on_failure ==
                           HF_ON_FAILURE_CONTINUE);
            if (ok)
                t->pending--;
            else if (pt->state >= HF_TASK_DONE && t->state == HF_TASK_WAITING)
                engine_withdraw(e, child->first + i); /* queued: drained later */
        }
        return false;
    }
    if (dep->threshold > 0 && parent->nok >= (uint32_t)dep->threshold)
        return false;
    if (!ended)
        return true;
    if (!succeeded)
        for (uint32_t i = 0; i < child->ntasks; i++)
            engine_withdraw(e, child->first + i);
    return false;
}

int engine_link_set(hf_engine_t *e, int s)
{
    const hf_set_t *spec = engine_spec(e, s);

    for (int k = 0; k < engine_nuses(e, s); k++) { /* services, a function set's pool */
        group_rt_t *used = &e->groups[engine_used(e, s, k)];
        used->users_left++;
        if (used->nup < used->ntasks)
            e->groups[s].uses_pending++;
    }
    for (int j = 0; j < spec->nafter; j++) {
        const hf_dep_t *dep = &spec->after[j];
        hf_edge_t edge = hf_dep_edge(dep, s); /* to a group */
        if (engine_add_edge(e, e->group_of[dep->parent], edge) < 0)
            return -1;
        if (apply_parent(e, s, dep))
            e->groups[s].all_pending++;
    }
    return 0;
}

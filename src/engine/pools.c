/* Function sets' pools of workers in the engine.  Each pool's workers are
 * a group of their own (groups.c), after the workflow's sets.  A pool
 * starts when a set that calls into it may start (its workers hold their
 * cores from then, not from the start of the run); its workers are placed
 * by the scheduler like tasks and started by the executor's pool_start();
 * it is up once every worker says it can take calls, and serves, as a
 * service does, until no set calls into it.  When its last worker ended
 * by itself (it could not start again) the pool is lost: the calls still
 * waiting for it end canceled, as after a failure. */
#include <stdlib.h>

#include "internal.h"

int engine_pools_init(hf_engine_t *e)
{
    int n = hf_workflow_npools(e->wf);

    if (n > 0 && !(e->pools = calloc((size_t)n, sizeof(pool_rt_t))))
        return -1;
    for (int p = 0; p < n; p++)
        e->pools[p].group =
            engine_add_group(e, -1, p, (uint32_t)hf_workflow_pool(e->wf, p)->size);
    return 0;
}

int engine_pool_start(hf_engine_t *e, int p)
{
    if (e->pools[p].started)
        return 0;
    e->pools[p].started = true;
    return engine_release_group(e, e->pools[p].group);
}

void engine_pool_lost(hf_engine_t *e, int p)
{
    const group_rt_t *workers = &e->groups[e->pools[p].group];

    for (uint32_t i = 0; i < workers->ntasks; i++)
        if (e->tasks[workers->first + i].state == HF_TASK_RUNNING)
            return;
    for (int s = 0; s < e->ngroups; s++) {
        const hf_set_t *spec = engine_spec(e, s);
        if (!spec || hf_set_pool(spec) != p)
            continue;
        for (uint32_t i = 0; i < e->groups[s].ntasks; i++) {
            uint32_t id = e->groups[s].first + i;
            if (e->tasks[id].state == HF_TASK_READY) /* its ring entry is skipped */
                engine_transition(e, id, HF_TASK_WAITING);
            engine_push_cancel(e, id, false);
        }
    }
}

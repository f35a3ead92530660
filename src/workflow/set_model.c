/* A set on a platform: how many of its tasks fit at once, in how many
 * waves, and how long they take (docs/model.md).  The analysis and the
 * critical-path policy's ranks both read it. */
#include "hetflow/workflow.h"

long hf_set_fit(const hf_set_t *set, const hf_platform_t *p)
{
    long per_node = p->cores_per_node / set->cores;

    if (set->gpus > 0 && p->gpus_per_node / set->gpus < per_node)
        per_node = p->gpus_per_node / set->gpus;
    return per_node * p->nodes / set->ranks;
}

hf_set_model_t hf_set_model(const hf_set_t *set, const hf_platform_t *p)
{
    hf_set_model_t m;

    m.fit = hf_set_fit(set, p);
    m.waves = (set->tasks + m.fit - 1) / m.fit;
    m.t = (double)m.waves * set->duration_mean;
    return m;
}

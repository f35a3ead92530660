/* The platform description: counts, overlays of given fields, limits. */
#include <errno.h>
#include <stdlib.h>

#include "hetflow/platform.h"

void hf_platform_overlay(hf_platform_t *dst, const hf_platform_t *src)
{
    if (src->nodes >= 0)
        dst->nodes = src->nodes;
    if (src->cores_per_node >= 0)
        dst->cores_per_node = src->cores_per_node;
    if (src->gpus_per_node >= 0)
        dst->gpus_per_node = src->gpus_per_node;
    if (src->bw_shared > 0)
        dst->bw_shared = src->bw_shared;
    if (src->bw_node > 0)
        dst->bw_node = src->bw_node;
}

int hf_platform_check(const hf_platform_t *p, hf_error_t *err)
{
    if (p->nodes < 1 || p->nodes > HF_PLATFORM_MAX_NODES) {
        hf_error_set(err, "nodes must be between 1 and %d, not %d", HF_PLATFORM_MAX_NODES,
                     p->nodes);
        goto inval;
    }
    if (p->cores_per_node < 1 || p->cores_per_node > HF_PLATFORM_MAX_CORES) {
        hf_error_set(err, "cores per node must be between 1 and %d, not %d",
                     HF_PLATFORM_MAX_CORES, p->cores_per_node);
        goto inval;
    }
    if (p->gpus_per_node < 0 || p->gpus_per_node > HF_PLATFORM_MAX_GPUS) {
        hf_error_set(err, "GPUs per node must be between 0 and %d, not %d",
                     HF_PLATFORM_MAX_GPUS, p->gpus_per_node);
        goto inval;
    }
    return 0;
inval:
    errno = EINVAL;
    return -1;
}

hf_platform_t *hf_platform_new(int nodes, int cores_per_node, int gpus_per_node,
                               double bw_shared, double bw_node)
{
    hf_platform_t *p = malloc(sizeof(*p));

    if (p)
        *p = (hf_platform_t){nodes, cores_per_node, gpus_per_node, bw_shared, bw_node};
    return p;
}

void hf_platform_free(hf_platform_t *p)
{
    free(p);
}

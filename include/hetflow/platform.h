/* The platform a workflow runs on: a number of identical nodes, each with
 * cores and GPUs numbered from 0.
 */
#ifndef HETFLOW_PLATFORM_H
#define HETFLOW_PLATFORM_H

#include "error.h"

typedef struct {
    int nodes;
    int cores_per_node;
    int gpus_per_node;
} hf_platform_t;

/* Largest values accepted, so that counts and id sets stay in 32 bits and a
 * node's id bitmaps stay small. */
#define HF_PLATFORM_MAX_NODES 1000000
#define HF_PLATFORM_MAX_CORES 4096
#define HF_PLATFORM_MAX_GPUS 256

/* Describe this machine as one node.  GPUs are not detected yet (0). */
void hf_platform_detect(hf_platform_t *p);

/* Copy into dst every field of src that is not negative (given). */
void hf_platform_overlay(hf_platform_t *dst, const hf_platform_t *src);

/* Check that every count is within its limits.  Returns 0, or -1 with EINVAL
 * and a message in err. */
int hf_platform_check(const hf_platform_t *p, hf_error_t *err);

static inline long hf_platform_total_cores(const hf_platform_t *p)
{
    return (long)p->nodes * p->cores_per_node;
}

static inline long hf_platform_total_gpus(const hf_platform_t *p)
{
    return (long)p->nodes * p->gpus_per_node;
}

#endif

/* Free cores and GPUs of every node, by id, indexed for fast placement.
 * Nodes sit in buckets by (free cores, free GPUs); a bitmap per free-GPU
 * count marks which free-core counts have nodes, so finding the best-fitting
 * node is O((G + 1) x (C + 1) / 64) whatever the number of nodes. */
#ifndef HETFLOW_SCHED_NODES_H
#define HETFLOW_SCHED_NODES_H

#include <stdint.h>

#include "hetflow/platform.h"

typedef struct {
    int nnodes;
    int ncores; /* per node */
    int ngpus;
    int core_words; /* words in a node's free-core bitmap */
    int gpu_words;
    int row_words; /* words in a bucket row, over free-core counts 0..ncores */
    uint64_t *core_free;
    uint64_t *gpu_free;
    uint16_t *free_cores; /* per node */
    uint16_t *free_gpus;
    int32_t *next; /* bucket list links, per node */
    int32_t *prev;
    int32_t *head;  /* per bucket: (ngpus + 1) x (ncores + 1) */
    uint64_t *rows; /* per free-GPU count, a bit per non-empty bucket */
    long total_free_cores;
    long total_free_gpus;
} nodes_t;

int nodes_init(nodes_t *n, const hf_platform_t *p);
void nodes_fini(nodes_t *n);

/* The node with the fewest free cores that still has `cores` free cores and
 * `gpus` free GPUs (then the fewest free GPUs); -1 if none. */
int nodes_find(const nodes_t *n, int cores, int gpus);

/* Take the lowest free ids: `cores` core ids into core_ids, `gpus` GPU ids
 * into gpu_ids.  The node must have them free. */
void nodes_take(nodes_t *n, int node, int cores, uint32_t *core_ids, int gpus,
                uint32_t *gpu_ids);

/* Give ids back. */
void nodes_give(nodes_t *n, int node, int cores, const uint32_t *core_ids, int gpus,
                const uint32_t *gpu_ids);

#endif

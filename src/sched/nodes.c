/* Per-node free ids and the bucket index over them; see nodes.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nodes.h"

static int bucket_of(const nodes_t *n, int free_cores, int free_gpus)
{
    return free_gpus * (n->ncores + 1) + free_cores;
}

static uint64_t *row(const nodes_t *n, int free_gpus)
{
    return n->rows + (size_t)free_gpus * (size_t)n->row_words;
}

static void bucket_link(nodes_t *n, int node)
{
    int fc = n->free_cores[node], fg = n->free_gpus[node];
    int b = bucket_of(n, fc, fg);

    n->prev[node] = -1;
    n->next[node] = n->head[b];
    if (n->head[b] >= 0)
        n->prev[n->head[b]] = node;
    n->head[b] = node;
    row(n, fg)[fc / 64] |= 1ULL << (fc % 64);
}

static void bucket_unlink(nodes_t *n, int node)
{
    int fc = n->free_cores[node], fg = n->free_gpus[node];
    int b = bucket_of(n, fc, fg);

    if (n->prev[node] >= 0)
        n->next[n->prev[node]] = n->next[node];
    else
        n->head[b] = n->next[node];
    if (n->next[node] >= 0)
        n->prev[n->next[node]] = n->prev[node];
    if (n->head[b] < 0)
        row(n, fg)[fc / 64] &= ~(1ULL << (fc % 64));
}

static void fill_ones(uint64_t *bits, int words, int count)
{
    memset(bits, 0, (size_t)words * sizeof(*bits));
    for (int i = 0; i < count / 64; i++)
        bits[i] = ~0ULL;
    if (count % 64)
        bits[count / 64] = (1ULL << (count % 64)) - 1;
}

int nodes_init(nodes_t *n, const hf_platform_t *p)
{
    size_t nn = (size_t)p->nodes;
    size_t nbuckets = (size_t)(p->gpus_per_node + 1) * (size_t)(p->cores_per_node + 1);

    memset(n, 0, sizeof(*n));
    n->nnodes = p->nodes;
    n->ncores = p->cores_per_node;
    n->ngpus = p->gpus_per_node;
    n->core_words = (n->ncores + 63) / 64;
    n->gpu_words = (n->ngpus + 63) / 64 + 1; /* at least one, even without GPUs */
    n->row_words = (n->ncores + 1 + 63) / 64;
    n->core_free = malloc(nn * (size_t)n->core_words * sizeof(uint64_t));
    n->gpu_free = malloc(nn * (size_t)n->gpu_words * sizeof(uint64_t));
    n->free_cores = malloc(nn * sizeof(uint16_t));
    n->free_gpus = malloc(nn * sizeof(uint16_t));
    n->next = malloc(nn * sizeof(int32_t));
    n->prev = malloc(nn * sizeof(int32_t));
    n->head = malloc(nbuckets * sizeof(int32_t));
    n->rows = calloc((size_t)(n->ngpus + 1) * (size_t)n->row_words, sizeof(uint64_t));
    if (!n->core_free || !n->gpu_free || !n->free_cores || !n->free_gpus || !n->next ||
        !n->prev || !n->head || !n->rows) {
        nodes_fini(n);
        errno = ENOMEM;
        return -1;
    }
    for (size_t b = 0; b < nbuckets; b++)
        n->head[b] = -1;
    /* Linked in reverse so that node 0 heads its bucket: ties go to the
     * lowest node id and nodes fill one after another. */
    for (int i = n->nnodes - 1; i >= 0; i--) {
        fill_ones(n->core_free + (size_t)i * n->core_words, n->core_words, n->ncores);
        fill_ones(n->gpu_free + (size_t)i * n->gpu_words, n->gpu_words, n->ngpus);
        n->free_cores[i] = (uint16_t)n->ncores;
        n->free_gpus[i] = (uint16_t)n->ngpus;
        bucket_link(n, i);
    }
    n->total_free_cores = (long)n->nnodes * n->ncores;
    n->total_free_gpus = (long)n->nnodes * n->ngpus;
    return 0;
}

void nodes_fini(nodes_t *n)
{
    free(n->core_free);
    free(n->gpu_free);
    free(n->free_cores);
    free(n->free_gpus);
    free(n->next);
    free(n->prev);
    free(n->head);
    free(n->rows);
    memset(n, 0, sizeof(*n));
}

/* Lowest set bit at position >= from in bits, or -1. */
static int first_bit_from(const uint64_t *bits, int words, int from)
{
    int w = from / 64;
    uint64_t word;

    if (w >= words)
        return -1;
    word = bits[w] & (~0ULL << (from % 64));
    while (!word) {
        if (++w >= words)
            return -1;
        word = bits[w];
    }
    return w * 64 + __builtin_ctzll(word);
}

int nodes_find(const nodes_t *n, int cores, int gpus)
{
    int best_fc = n->ncores + 1, best_fg = -1;

    for (int fg = gpus; fg <= n->ngpus; fg++) {
        int fc = first_bit_from(row(n, fg), n->row_words, cores);
        if (fc >= 0 && fc < best_fc) {
            best_fc = fc;
            best_fg = fg;
            if (fc == cores)
                break; /* nothing fits tighter */
        }
    }
    return best_fg < 0 ? -1 : n->head[bucket_of(n, best_fc, best_fg)];
}

static void take_ids(uint64_t *bits, int count, uint32_t *ids)
{
    for (int w = 0, k = 0; k < count; w++) {
        while (bits[w] && k < count) {
            int b = __builtin_ctzll(bits[w]);
            bits[w] &= bits[w] - 1;
            ids[k++] = (uint32_t)(w * 64 + b);
        }
    }
}

void nodes_take(nodes_t *n, int node, int cores, uint32_t *core_ids, int gpus,
                uint32_t *gpu_ids)
{
    bucket_unlink(n, node);
    take_ids(n->core_free + (size_t)node * n->core_words, cores, core_ids);
    take_ids(n->gpu_free + (size_t)node * n->gpu_words, gpus, gpu_ids);
    n->free_cores[node] = (uint16_t)(n->free_cores[node] - cores);
    n->free_gpus[node] = (uint16_t)(n->free_gpus[node] - gpus);
    n->total_free_cores -= cores;
    n->total_free_gpus -= gpus;
    bucket_link(n, node);
}

void nodes_give(nodes_t *n, int node, int cores, const uint32_t *core_ids, int gpus,
                const uint32_t *gpu_ids)
{
    uint64_t *cbits = n->core_free + (size_t)node * n->core_words;
    uint64_t *gbits = n->gpu_free + (size_t)node * n->gpu_words;

    bucket_unlink(n, node);
    for (int i = 0; i < cores; i++)
        cbits[core_ids[i] / 64] |= 1ULL << (core_ids[i] % 64);
    for (int i = 0; i < gpus; i++)
        gbits[gpu_ids[i] / 64] |= 1ULL << (gpu_ids[i] % 64);
    n->free_cores[node] = (uint16_t)(n->free_cores[node] + cores);
    n->free_gpus[node] = (uint16_t)(n->free_gpus[node] + gpus);
    n->total_free_cores += cores;
    n->total_free_gpus += gpus;
    bucket_link(n, node);
}

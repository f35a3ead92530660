/* List scheduling: sets with ready tasks wait in a heap ordered by priority,
 * then the policy's key, then readiness.  A pass pops sets in that order and
 * places their head tasks; a set whose shape does not fit is set aside for
 * the rest of the pass, so a ready task that fits never waits behind one that
 * does not.  All tasks of a set have one shape, so a pass costs O(sets with
 * ready tasks x log) plus O(1) lookups per placed task, never a scan of every
 * task or every node. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hetflow/sched.h"
#include "nodes.h"
#include "queue.h"
#include "util/heap.h"

typedef struct {
    int cores, gpus, ranks;
    int priority;
    double upward_rank;
    queue_t ready;
    bool queued; /* in the heap or set aside in this pass: at most once */
} set_state_t;

typedef struct {
    int cores, gpus, ranks;
} shape_t;

#define MAX_FAILED_SHAPES 16

struct hf_sched {
    hf_policy_t policy;
    nodes_t nodes;
    set_state_t *sets;
    int nsets;
    heap_t heap; /* room for every set, so pushes cannot fail */
    int *aside; /* sets that did not fit in this pass */
    int naside;
    shape_t failed[MAX_FAILED_SHAPES];
    int nfailed;
    uint64_t seq;
    long nready;
};

static bool set_before(const void *ctx, uint32_t a, uint32_t b)
{
    const hf_sched_t *s = ctx;
    const set_state_t *x = &s->sets[a], *y = &s->sets[b];
    uint64_t sx, sy;

    if (x->priority != y->priority)
        return x->priority > y->priority;
    if (s->policy == HF_POLICY_CRITICAL_PATH && x->upward_rank != y->upward_rank)
        return x->upward_rank > y->upward_rank;
    sx = queue_head(&x->ready)->seq;
    sy = queue_head(&y->ready)->seq;
    return sx != sy ? sx < sy : a < b;
}

hf_sched_t *hf_sched_create(const hf_platform_t *p, hf_policy_t policy, int nsets)
{
    hf_sched_t *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->policy = policy;
    s->nsets = nsets;
    heap_init(&s->heap, set_before, s);
    if (nodes_init(&s->nodes, p) < 0 || heap_reserve(&s->heap, (size_t)nsets) < 0 ||
        !(s->sets = calloc((size_t)nsets, sizeof(*s->sets))) ||
        !(s->aside = malloc((size_t)nsets * sizeof(int)))) {
        hf_sched_destroy(s);
        errno = ENOMEM;
        return NULL;
    }
    for (int i = 0; i < nsets; i++)
        hf_sched_set_shape(s, i, 1, 0, 1, 0, 0);
    return s;
}

void hf_sched_destroy(hf_sched_t *s)
{
    int saved = errno;

    if (!s)
        return;
    for (int i = 0; s->sets && i < s->nsets; i++)
        queue_fini(&s->sets[i].ready);
    free(s->sets);
    free(s->aside);
    heap_fini(&s->heap);
    nodes_fini(&s->nodes);
    free(s);
    errno = saved;
}

void hf_sched_set_shape(hf_sched_t *s, int set, int cores, int gpus, int ranks,
                        int priority, double upward_rank)
{
    set_state_t *st = &s->sets[set];

    st->cores = cores;
    st->gpus = gpus;
    st->ranks = ranks;
    st->priority = priority;
    st->upward_rank = upward_rank;
}

int hf_sched_push(hf_sched_t *s, int set, uint32_t index)
{
    set_state_t *st = &s->sets[set];

    if (queue_push(&st->ready, index, s->seq++) < 0)
        return -1;
    s->nready++;
    if (!st->queued) {
        heap_push(&s->heap, (uint32_t)set);
        st->queued = true;
    }
    return 0;
}

static bool known_not_to_fit(const hf_sched_t *s, const set_state_t *st)
{
    for (int i = 0; i < s->nfailed; i++) {
        const shape_t *f = &s->failed[i];
        if (st->cores >= f->cores && st->gpus >= f->gpus && st->ranks >= f->ranks)
            return true;
    }
    return false;
}

static void remember_failure(hf_sched_t *s, const set_state_t *st)
{
    if (s->nfailed < MAX_FAILED_SHAPES)
        s->failed[s->nfailed++] = (shape_t){st->cores, st->gpus, st->ranks};
}

static hf_alloc_t *alloc_new(const set_state_t *st)
{
    size_t ranks = (size_t)st->ranks;
    size_t size = sizeof(hf_alloc_t) + ranks * sizeof(hf_slot_t) +
                  ranks * (size_t)(st->cores + st->gpus) * sizeof(uint32_t);
    hf_alloc_t *a = malloc(size);

    if (a)
        a->nslots = 0;
    return a;
}

/* Place every rank of a task with shape st, as many ranks per node as fit,
 * best-fitting nodes first.  On failure nothing stays taken. */
static int place(hf_sched_t *s, const set_state_t *st, hf_alloc_t *a)
{
    uint32_t *ids = (uint32_t *)(a->slot + st->ranks);
    int left = st->ranks;

    while (left > 0) {
        int node = nodes_find(&s->nodes, st->cores, st->gpus);
        hf_slot_t *slot = &a->slot[a->nslots];
        int k = left;

        if (node < 0)
            goto undo;
        if (s->nodes.free_cores[node] / st->cores < k)
            k = s->nodes.free_cores[node] / st->cores;
        if (st->gpus > 0 && s->nodes.free_gpus[node] / st->gpus < k)
            k = s->nodes.free_gpus[node] / st->gpus;
        slot->node = (uint32_t)node;
        slot->ranks = (uint32_t)k;
        slot->ncores = (uint32_t)(k * st->cores);
        slot->ngpus = (uint32_t)(k * st->gpus);
        slot->cores = ids;
        slot->gpus = ids + slot->ncores;
        ids += slot->ncores + slot->ngpus;
        nodes_take(&s->nodes, node, (int)slot->ncores, slot->cores,
                   (int)slot->ngpus, slot->gpus);
        a->nslots++;
        left -= k;
    }
    return 0;
undo:
    for (uint32_t i = 0; i < a->nslots; i++)
        nodes_give(&s->nodes, (int)a->slot[i].node, (int)a->slot[i].ncores,
                   a->slot[i].cores, (int)a->slot[i].ngpus, a->slot[i].gpus);
    a->nslots = 0;
    return -1;
}

static void end_pass(hf_sched_t *s)
{
    for (int i = 0; i < s->naside; i++)
        heap_push(&s->heap, (uint32_t)s->aside[i]);
    s->naside = 0;
    s->nfailed = 0;
}

int hf_sched_next(hf_sched_t *s, int *set, uint32_t *index, hf_alloc_t **alloc)
{
    /* Every task needs at least one core: with none free, nothing fits. */
    while (heap_size(&s->heap) > 0 && s->nodes.total_free_cores > 0) {
        int id = (int)heap_pop(&s->heap);
        set_state_t *st = &s->sets[id];
        hf_alloc_t *a;

        if (known_not_to_fit(s, st)) {
            s->aside[s->naside++] = id;
            continue;
        }
        if (!(a = alloc_new(st))) {
            heap_push(&s->heap, (uint32_t)id);
            errno = ENOMEM;
            return -1;
        }
        if (place(s, st, a) < 0) {
            free(a);
            remember_failure(s, st);
            s->aside[s->naside++] = id;
            continue;
        }
        *set = id;
        *index = queue_pop(&st->ready).index;
        *alloc = a;
        s->nready--;
        if (st->ready.n > 0)
            heap_push(&s->heap, (uint32_t)id);
        else
            st->queued = false;
        return 1;
    }
    end_pass(s);
    return 0;
}

void hf_sched_release(hf_sched_t *s, hf_alloc_t *a)
{
    if (!a)
        return;
    for (uint32_t i = 0; i < a->nslots; i++)
        nodes_give(&s->nodes, (int)a->slot[i].node, (int)a->slot[i].ncores,
                   a->slot[i].cores, (int)a->slot[i].ngpus, a->slot[i].gpus);
    free(a);
}

long hf_sched_nready(const hf_sched_t *s)
{
    return s->nready;
}

long hf_sched_free_cores(const hf_sched_t *s)
{
    return s->nodes.total_free_cores;
}

long hf_sched_free_gpus(const hf_sched_t *s)
{
    return s->nodes.total_free_gpus;
}

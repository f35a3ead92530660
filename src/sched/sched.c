/* List scheduling.  Ready sets wait in heaps ordered by priority, then the
 * policy's key, then readiness; sets of one shape (cores, GPUs, ranks) share
 * a heap, since one of them fits exactly when any of them does.  A pass
 * builds a heap of shapes keyed by their best set, pops shapes in that order
 * and places their best sets' head tasks; a shape that does not fit is set
 * aside for the rest of the pass, so a ready task that fits never waits
 * behind one that does not.  A pass costs O(shapes) plus O(log) per placed
 * task, never a scan of every ready task or every node. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hetflow/sched.h"
#include "nodes.h"
#include "util/heap.h"
#include "util/queue.h"
#include "util/strmap.h"

typedef struct {
    int shape;
    int priority;
    double upward_rank;
    double duration; /* a task's expected time */
    queue_t ready;
    bool queued; /* in its shape's heap */
    bool capped; /* out of its shape's heap: its next task would pass its cap */
    long cap_cores, cap_gpus; /* -1: none */
    long held_cores, held_gpus;
} set_state_t;

typedef struct {
    int cores, gpus, ranks;
    char key[48]; /* "cores:gpus:ranks", for the shape map */
    heap_t sets;  /* its sets with ready tasks */
    bool aside;   /* did not fit in this pass */
} shape_t;

typedef struct {
    int cores, gpus, ranks;
} failure_t;

#define MAX_FAILURES 16

struct hf_sched {
    hf_policy_features_t policy;
    nodes_t nodes;
    set_state_t *sets;
    int nsets, cap;
    shape_t *shapes;
    int nshapes;
    strmap_t shape_ids;
    heap_t pass; /* shapes to try in this pass, best first */
    bool in_pass;
    bool dirty;                     /* a push since the pass heap was built */
    failure_t failed[MAX_FAILURES]; /* shapes that did not fit this pass */
    int nfailed;
    uint64_t seq;
    long nready;
    double now;
    hf_alloc_t **running; /* placed allocations, for reservations */
    size_t nrunning, running_cap;
    bool reserving;     /* a reservation holds in this pass */
    uint32_t *deferred; /* sets held back this pass: they would delay it */
    int ndeferred;
    uint32_t reserved_node;
    double reserved_at; /* when the blocked task can start there */
};

static bool set_before(const void *ctx, uint32_t a, uint32_t b)
{
    const hf_sched_t *s = ctx;
    const set_state_t *x = &s->sets[a], *y = &s->sets[b];
    uint64_t sx, sy;

    if (x->priority != y->priority)
        return x->priority > y->priority;
    if (s->policy.ranked && x->upward_rank != y->upward_rank)
        return x->upward_rank > y->upward_rank;
    sx = queue_head(&x->ready)->seq;
    sy = queue_head(&y->ready)->seq;
    return sx != sy ? sx < sy : a < b;
}

static bool shape_before(const void *ctx, uint32_t a, uint32_t b)
{
    const hf_sched_t *s = ctx;

    return set_before(s, heap_top(&s->shapes[a].sets), heap_top(&s->shapes[b].sets));
}

hf_sched_t *hf_sched_create(const hf_platform_t *p, hf_policy_t policy, int nsets)
{
    hf_sched_t *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->policy = hf_policy_features(policy);
    s->nsets = nsets;
    strmap_init(&s->shape_ids);
    heap_init(&s->pass, shape_before, s);
    /* At most one shape per set, so room for nsets of each. */
    if (nodes_init(&s->nodes, p) < 0 || heap_reserve(&s->pass, (size_t)nsets) < 0 ||
        !(s->sets = calloc((size_t)nsets, sizeof(*s->sets))) ||
        !(s->shapes = calloc((size_t)nsets, sizeof(*s->shapes))) ||
        !(s->deferred = malloc((size_t)nsets * sizeof(uint32_t) + 1))) {
        hf_sched_destroy(s);
        errno = ENOMEM;
        return NULL;
    }
    s->cap = nsets;
    for (int i = 0; i < nsets; i++)
        s->sets[i] = (set_state_t){.shape = -1, .cap_cores = -1, .cap_gpus = -1};
    return s;
}

int hf_sched_grow(hf_sched_t *s, int nsets)
{
    int cap = s->cap;
    set_state_t *sets;
    shape_t *shapes;
    uint32_t *deferred;

    if (nsets <= s->nsets)
        return 0;
    if (nsets > cap) {
        while (cap < nsets)
            cap = cap * 2 + 16;
        /* Shapes are as many as sets at most.  The shape map borrows its
         * keys from the shapes, so it is rebuilt once they move. */
        if (!(sets = realloc(s->sets, (size_t)cap * sizeof(*sets))))
            return -1;
        s->sets = sets;
        if (!(shapes = realloc(s->shapes, (size_t)cap * sizeof(*shapes))))
            return -1;
        s->shapes = shapes;
        if (!(deferred = realloc(s->deferred, (size_t)cap * sizeof(uint32_t))))
            return -1;
        s->deferred = deferred;
        strmap_fini(&s->shape_ids);
        strmap_init(&s->shape_ids);
        for (int i = 0; i < s->nshapes; i++)
            if (strmap_put(&s->shape_ids, s->shapes[i].key, i) < 0)
                return -1;
        if (heap_reserve(&s->pass, (size_t)cap) < 0)
            return -1;
        s->cap = cap;
    }
    for (int i = s->nsets; i < nsets; i++)
        s->sets[i] = (set_state_t){.shape = -1, .cap_cores = -1, .cap_gpus = -1};
    s->nsets = nsets;
    return 0;
}

static long need_cores(const hf_sched_t *s, const set_state_t *st)
{
    return (long)s->shapes[st->shape].cores * s->shapes[st->shape].ranks;
}

static long need_gpus(const hf_sched_t *s, const set_state_t *st)
{
    return (long)s->shapes[st->shape].gpus * s->shapes[st->shape].ranks;
}

/* Whether one more task of st stays within its cap (one task always may). */
static bool within_cap(const hf_sched_t *s, const set_state_t *st)
{
    bool none_held = st->held_cores == 0 && st->held_gpus == 0;

    return none_held ||
           ((st->cap_cores < 0 || st->held_cores + need_cores(s, st) <= st->cap_cores) &&
            (st->cap_gpus < 0 || st->held_gpus + need_gpus(s, st) <= st->cap_gpus));
}

/* A capped set whose next task fits its cap again goes back in its shape's
 * heap. */
static void uncap(hf_sched_t *s, int set)
{
    set_state_t *st = &s->sets[set];

    if (!st->capped || !within_cap(s, st))
        return;
    st->capped = false;
    /* Room: a shape's heap holds each of its sets at most once. */
    if (st->ready.n > 0 && heap_push(&s->shapes[st->shape].sets, (uint32_t)set) == 0) {
        st->queued = true;
        s->dirty = true;
    }
}

void hf_sched_set_share(hf_sched_t *s, int set, long max_cores, long max_gpus)
{
    s->sets[set].cap_cores = max_cores;
    s->sets[set].cap_gpus = max_gpus;
    uncap(s, set);
}

void hf_sched_destroy(hf_sched_t *s)
{
    int saved = errno;

    if (!s)
        return;
    for (int i = 0; s->sets && i < s->nsets; i++)
        queue_fini(&s->sets[i].ready);
    for (int i = 0; i < s->nshapes; i++)
        heap_fini(&s->shapes[i].sets);
    free(s->sets);
    free(s->shapes);
    strmap_fini(&s->shape_ids);
    heap_fini(&s->pass);
    nodes_fini(&s->nodes);
    free(s->running);
    free(s->deferred);
    free(s);
    errno = saved;
}

void hf_sched_set_now(hf_sched_t *s, double now)
{
    s->now = now;
}

int hf_sched_set_shape(hf_sched_t *s, int set, int cores, int gpus, int ranks,
                       int priority, double upward_rank, double duration)
{
    set_state_t *st = &s->sets[set];
    char key[48];
    int id;

    snprintf(key, sizeof(key), "%d:%d:%d", cores, gpus, ranks);
    if ((id = strmap_get(&s->shape_ids, key)) < 0) {
        shape_t *sh = &s->shapes[s->nshapes];
        *sh = (shape_t){.cores = cores, .gpus = gpus, .ranks = ranks};
        memcpy(sh->key, key, sizeof(key));
        heap_init(&sh->sets, set_before, s);
        if (strmap_put(&s->shape_ids, sh->key, s->nshapes) < 0)
            return -1;
        id = s->nshapes++;
    }
    st->shape = id;
    st->priority = priority;
    st->upward_rank = upward_rank;
    st->duration = duration;
    return 0;
}

int hf_sched_push(hf_sched_t *s, int set, uint32_t index)
{
    set_state_t *st = &s->sets[set];

    if (queue_push(&st->ready, index, s->seq++) < 0)
        return -1;
    if (!st->queued && !st->capped) {
        if (heap_push(&s->shapes[st->shape].sets, (uint32_t)set) < 0) {
            queue_pop(&st->ready);
            return -1;
        }
        st->queued = true;
    }
    s->nready++;
    s->dirty = true;
    return 0;
}

static bool known_not_to_fit(const hf_sched_t *s, const shape_t *sh)
{
    for (int i = 0; i < s->nfailed; i++) {
        const failure_t *f = &s->failed[i];
        if (sh->cores >= f->cores && sh->gpus >= f->gpus && sh->ranks >= f->ranks)
            return true;
    }
    return false;
}

static void remember_failure(hf_sched_t *s, const shape_t *sh)
{
    if (s->nfailed < MAX_FAILURES)
        s->failed[s->nfailed++] = (failure_t){sh->cores, sh->gpus, sh->ranks};
}

/* The pass heap: every shape with ready sets not yet set aside. */
static void build_pass(hf_sched_t *s)
{
    heap_clear(&s->pass);
    for (int i = 0; i < s->nshapes; i++)
        if (heap_size(&s->shapes[i].sets) > 0 && !s->shapes[i].aside)
            heap_push(&s->pass, (uint32_t)i);
    s->dirty = false;
}

void hf_sched_end_pass(hf_sched_t *s)
{
    s->reserving = false;
    for (int i = 0; i < s->ndeferred; i++) {
        set_state_t *st = &s->sets[s->deferred[i]];
        /* Back in their heaps, which had room for them. */
        if (st->ready.n > 0 && !st->capped && !st->queued &&
            heap_push(&s->shapes[st->shape].sets, s->deferred[i]) == 0)
            st->queued = true;
    }
    s->ndeferred = 0;
    for (int i = 0; i < s->nshapes; i++)
        s->shapes[i].aside = false;
    s->nfailed = 0;
    s->in_pass = false;
}

static hf_alloc_t *alloc_new(const shape_t *st)
{
    size_t ranks = (size_t)st->ranks;
    size_t size = sizeof(hf_alloc_t) + ranks * sizeof(hf_slot_t) +
                  ranks * (size_t)(st->cores + st->gpus) * sizeof(uint32_t);
    hf_alloc_t *a = malloc(size);

    if (a) {
        a->set = -1;
        a->index = UINT32_MAX;
        a->until = 0;
        a->nslots = 0;
    }
    return a;
}

/* Place every rank of a task with shape st, as many ranks per node as fit,
 * best-fitting nodes first.  On failure nothing stays taken. */
static int place(hf_sched_t *s, const shape_t *st, hf_alloc_t *a)
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
        nodes_take(&s->nodes, node, (int)slot->ncores, slot->cores, (int)slot->ngpus,
                   slot->gpus);
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

typedef struct {
    uint32_t node;
    uint32_t cores, gpus;
    double until;
} release_t;

static int by_node_then_until(const void *a, const void *b)
{
    const release_t *x = a, *y = b;

    if (x->node != y->node)
        return x->node < y->node ? -1 : 1;
    return (x->until > y->until) - (x->until < y->until);
}

/* Backfilling (heft): the highest-priority task that does not fit now gets
 * a reservation on the node where it could start first, as the running
 * tasks there end at their expected times; later tasks of this pass may
 * use that node only if they end before then, so they never delay it (EASY
 * backfilling).  Tasks whose ranks cannot share one node get none. */
static void reserve(hf_sched_t *s, const shape_t *sh)
{
    long need_c = (long)sh->cores * sh->ranks, need_g = (long)sh->gpus * sh->ranks;
    release_t *r;
    size_t n = 0, slots = 0;
    double best = -1;

    for (size_t i = 0; i < s->nrunning; i++)
        slots += s->running[i]->nslots;
    if (need_c > s->nodes.ncores || need_g > s->nodes.ngpus ||
        !(r = malloc((slots + 1) * sizeof(*r))))
        return;
    for (size_t i = 0; i < s->nrunning; i++)
        for (uint32_t k = 0; k < s->running[i]->nslots; k++)
            r[n++] =
                (release_t){s->running[i]->slot[k].node, s->running[i]->slot[k].ncores,
                            s->running[i]->slot[k].ngpus, s->running[i]->until};
    qsort(r, n, sizeof(*r), by_node_then_until);
    for (size_t i = 0; i < n;) {
        uint32_t node = r[i].node;
        long c = s->nodes.free_cores[node], g = s->nodes.free_gpus[node];
        for (; i < n && r[i].node == node; i++) {
            c += r[i].cores;
            g += r[i].gpus;
            if (c >= need_c && g >= need_g) {
                if (best < 0 || r[i].until < best) {
                    best = r[i].until;
                    s->reserved_node = node;
                }
                break;
            }
        }
        while (i < n && r[i].node == node)
            i++;
    }
    free(r);
    s->reserving = best >= 0;
    s->reserved_at = best;
}

/* Whether a placement would delay the reservation: it holds the reserved
 * node past the reserved time. */
static bool breaks_reservation(const hf_sched_t *s, const set_state_t *st,
                               const hf_alloc_t *a)
{
    if (!s->reserving || s->now + st->duration <= s->reserved_at + 1e-9)
        return false;
    for (uint32_t i = 0; i < a->nslots; i++)
        if (a->slot[i].node == s->reserved_node)
            return true;
    return false;
}

static void give_back(hf_sched_t *s, hf_alloc_t *a)
{
    for (uint32_t i = 0; i < a->nslots; i++)
        nodes_give(&s->nodes, (int)a->slot[i].node, (int)a->slot[i].ncores,
                   a->slot[i].cores, (int)a->slot[i].ngpus, a->slot[i].gpus);
    a->nslots = 0;
}

static int track(hf_sched_t *s, hf_alloc_t *a)
{
    if (s->nrunning == s->running_cap) {
        size_t cap = s->running_cap ? s->running_cap * 2 : 64;
        hf_alloc_t **more = realloc(s->running, cap * sizeof(*more));
        if (!more)
            return -1;
        s->running = more;
        s->running_cap = cap;
    }
    a->index = (uint32_t)s->nrunning;
    s->running[s->nrunning++] = a;
    return 0;
}

static void untrack(hf_sched_t *s, hf_alloc_t *a)
{
    if (a->index < s->nrunning && s->running[a->index] == a) {
        s->running[a->index] = s->running[--s->nrunning];
        s->running[a->index]->index = a->index;
    }
}

int hf_sched_next(hf_sched_t *s, int *set, uint32_t *index, hf_alloc_t **alloc)
{
    if (!s->in_pass || s->dirty)
        build_pass(s);
    s->in_pass = true;
    /* Every task needs at least one core: with none free, nothing fits. */
    while (heap_size(&s->pass) > 0 && s->nodes.total_free_cores > 0) {
        int sid = (int)heap_pop(&s->pass);
        shape_t *sh = &s->shapes[sid];
        set_state_t *st;
        hf_alloc_t *a;
        int id;

        if (known_not_to_fit(s, sh)) {
            sh->aside = true;
            continue;
        }
        st = &s->sets[heap_top(&sh->sets)];
        if (!within_cap(s, st)) {
            /* Out of the heap until a task of it ends or its share grows. */
            heap_pop(&sh->sets);
            st->queued = false;
            st->capped = true;
            if (heap_size(&sh->sets) > 0)
                heap_push(&s->pass, (uint32_t)sid);
            continue;
        }
        if (!(a = alloc_new(sh))) {
            heap_push(&s->pass, (uint32_t)sid); /* it was just there: room */
            errno = ENOMEM;
            return -1;
        }
        if (place(s, sh, a) < 0) {
            free(a);
            if (s->policy.backfill && !s->reserving)
                reserve(s, sh);
            remember_failure(s, sh);
            sh->aside = true;
            continue;
        }
        if (s->policy.backfill &&
            breaks_reservation(s, &s->sets[heap_top(&sh->sets)], a)) {
            /* This set's tasks would delay the reservation; shorter ones of
             * the same shape may still fit in the gap. */
            uint32_t held = heap_pop(&sh->sets);
            give_back(s, a);
            free(a);
            s->sets[held].queued = false;
            s->deferred[s->ndeferred++] = held; /* room: each set once */
            if (heap_size(&sh->sets) > 0)
                heap_push(&s->pass, (uint32_t)sid);
            continue;
        }
        if (s->policy.backfill && track(s, a) < 0) {
            give_back(s, a);
            free(a);
            errno = ENOMEM;
            return -1;
        }
        id = (int)heap_pop(&sh->sets);
        st = &s->sets[id];
        st->held_cores += need_cores(s, st);
        st->held_gpus += need_gpus(s, st);
        a->set = id;
        a->until = s->now + st->duration;
        *set = id;
        *index = queue_pop(&st->ready).index;
        *alloc = a;
        s->nready--;
        /* Re-pushing what was just popped always has room. */
        if (st->ready.n > 0)
            heap_push(&sh->sets, (uint32_t)id);
        else
            st->queued = false;
        if (heap_size(&sh->sets) > 0)
            heap_push(&s->pass, (uint32_t)sid);
        return 1;
    }
    hf_sched_end_pass(s);
    return 0;
}

void hf_sched_release(hf_sched_t *s, hf_alloc_t *a)
{
    if (!a)
        return;
    if (s->policy.backfill)
        untrack(s, a);
    for (uint32_t i = 0; i < a->nslots; i++)
        nodes_give(&s->nodes, (int)a->slot[i].node, (int)a->slot[i].ncores,
                   a->slot[i].cores, (int)a->slot[i].ngpus, a->slot[i].gpus);
    if (a->set >= 0 && a->set < s->nsets) {
        set_state_t *st = &s->sets[a->set];
        st->held_cores -= need_cores(s, st);
        st->held_gpus -= need_gpus(s, st);
        uncap(s, a->set);
    }
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

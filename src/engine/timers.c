/* The engine's timers; see timers.h. */
#include <stdlib.h>
#include <string.h>

#include "timers.h"

static bool timer_before(const void *ctx, uint32_t a, uint32_t b)
{
    const timers_t *t = ctx;
    const timer_t_ *x = &t->all[a], *y = &t->all[b];

    return x->when != y->when ? x->when < y->when : x->order < y->order;
}

void timers_init(timers_t *t)
{
    memset(t, 0, sizeof(*t));
    heap_init(&t->heap, timer_before, t);
}

void timers_fini(timers_t *t)
{
    heap_fini(&t->heap);
    free(t->all);
    free(t->free_ids);
    memset(t, 0, sizeof(*t));
}

int timers_add(timers_t *t, timer_kind_t kind, double when, uint32_t task, double stamp)
{
    uint32_t id;

    if (t->nfree > 0) {
        id = t->free_ids[--t->nfree];
    } else {
        if (t->n == t->cap) {
            uint32_t cap = t->cap ? t->cap * 2 : 64;
            timer_t_ *all = realloc(t->all, cap * sizeof(*all));
            uint32_t *ids = all ? realloc(t->free_ids, cap * sizeof(*ids)) : NULL;
            if (!all || !ids) {
                if (all)
                    t->all = all;
                return -1;
            }
            t->all = all;
            t->free_ids = ids;
            t->cap = cap;
        }
        id = t->n++;
    }
    t->all[id] = (timer_t_){when, t->order++, task, kind, stamp};
    if (heap_push(&t->heap, id) < 0) {
        t->free_ids[t->nfree++] = id;
        return -1;
    }
    return 0;
}

double timers_next(const timers_t *t)
{
    return heap_size(&t->heap) ? t->all[heap_top(&t->heap)].when : -1;
}

int timers_pop_due(timers_t *t, double now, timer_t_ *out)
{
    uint32_t id;

    if (!heap_size(&t->heap) || t->all[heap_top(&t->heap)].when > now)
        return 0;
    id = heap_pop(&t->heap);
    *out = t->all[id];
    t->free_ids[t->nfree++] = id;
    return 1;
}

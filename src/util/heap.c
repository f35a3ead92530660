/* Binary min-heap of item ids; see heap.h. */
#include <errno.h>
#include <stdlib.h>

#include "heap.h"

void heap_init(heap_t *h, heap_less_f less, const void *ctx)
{
    h->items = NULL;
    h->n = 0;
    h->cap = 0;
    h->less = less;
    h->ctx = ctx;
}

void heap_fini(heap_t *h)
{
    free(h->items);
    h->items = NULL;
    h->n = h->cap = 0;
}

int heap_reserve(heap_t *h, size_t cap)
{
    uint32_t *items;

    if (cap <= h->cap)
        return 0;
    if (!(items = realloc(h->items, cap * sizeof(*items))))
        return -1;
    h->items = items;
    h->cap = cap;
    return 0;
}

int heap_push(heap_t *h, uint32_t item)
{
    size_t i;

    if (h->n == h->cap && heap_reserve(h, h->cap ? h->cap * 2 : 64) < 0)
        return -1;
    i = h->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!h->less(h->ctx, item, h->items[parent]))
            break;
        h->items[i] = h->items[parent];
        i = parent;
    }
    h->items[i] = item;
    return 0;
}

uint32_t heap_pop(heap_t *h)
{
    uint32_t top = h->items[0];
    uint32_t last = h->items[--h->n];
    size_t i = 0;

    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->n)
            break;
        if (child + 1 < h->n && h->less(h->ctx, h->items[child + 1], h->items[child]))
            child++;
        if (!h->less(h->ctx, h->items[child], last))
            break;
        h->items[i] = h->items[child];
        i = child;
    }
    if (h->n > 0)
        h->items[i] = last;
    return top;
}

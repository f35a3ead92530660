/* A binary min-heap of 32-bit item ids ordered by a caller's comparator.
 * The items are ids into the caller's own arrays, so the heap stays 4 bytes
 * an entry and the caller decides what "earlier" means (the simulator's event
 * times, the scheduler's policy keys). */
#ifndef HETFLOW_UTIL_HEAP_H
#define HETFLOW_UTIL_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef bool (*heap_less_f)(const void *ctx, uint32_t a, uint32_t b);

typedef struct {
    uint32_t *items;
    size_t n;
    size_t cap;
    heap_less_f less;
    const void *ctx;
} heap_t;

void heap_init(heap_t *h, heap_less_f less, const void *ctx);
void heap_fini(heap_t *h);

/* Make room for cap items, so that pushes up to that size cannot fail.
 * Returns 0, or -1 with ENOMEM. */
int heap_reserve(heap_t *h, size_t cap);

/* O(log n).  Returns 0, or -1 with ENOMEM. */
int heap_push(heap_t *h, uint32_t item);

/* Remove and return the least item; the heap must not be empty.  O(log n). */
uint32_t heap_pop(heap_t *h);

/* Empty the heap, keeping its room. */
static inline void heap_clear(heap_t *h)
{
    h->n = 0;
}

static inline uint32_t heap_top(const heap_t *h)
{
    return h->items[0];
}

static inline size_t heap_size(const heap_t *h)
{
    return h->n;
}

#endif

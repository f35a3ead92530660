/* A growable FIFO ring; see queue.h. */
#include <stdlib.h>
#include <string.h>

#include "queue.h"

int queue_push(queue_t *q, uint32_t index, uint64_t seq)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 8;
        ready_t *ring = malloc(cap * sizeof(*ring));
        if (!ring)
            return -1;
        for (size_t i = 0; i < q->n; i++)
            ring[i] = q->ring[(q->head + i) & (q->cap - 1)];
        free(q->ring);
        q->ring = ring;
        q->cap = cap;
        q->head = 0;
    }
    q->ring[(q->head + q->n) & (q->cap - 1)] = (ready_t){index, seq};
    q->n++;
    return 0;
}

ready_t queue_pop(queue_t *q)
{
    ready_t r = q->ring[q->head];

    q->head = (q->head + 1) & (q->cap - 1);
    if (--q->n == 0) {
        /* An idle set holds no memory: millions of sets may each be ready
         * once and never again. */
        free(q->ring);
        memset(q, 0, sizeof(*q));
    }
    return r;
}

void queue_fini(queue_t *q)
{
    free(q->ring);
    memset(q, 0, sizeof(*q));
}

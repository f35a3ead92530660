/* A growable FIFO ring of (task index, sequence number): the scheduler's
 * ready tasks of a set in the order they became ready (the sequence number
 * of the head is the set's fifo key), the engine's stagings waiting for a
 * slot. */
#ifndef HETFLOW_UTIL_QUEUE_H
#define HETFLOW_UTIL_QUEUE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t index;
    uint64_t seq;
} ready_t;

typedef struct {
    ready_t *ring;
    size_t cap; /* a power of two */
    size_t head;
    size_t n;
} queue_t;

int queue_push(queue_t *q, uint32_t index, uint64_t seq);
ready_t queue_pop(queue_t *q);
void queue_fini(queue_t *q);

static inline const ready_t *queue_head(const queue_t *q)
{
    return &q->ring[q->head];
}

#endif

/* A set's ready tasks in the order they became ready: a growable ring of
 * (task index, readiness sequence number).  The sequence number of the head
 * is the set's fifo key. */
#ifndef HETFLOW_SCHED_QUEUE_H
#define HETFLOW_SCHED_QUEUE_H

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

/* The engine's timers, on the executor's clock: a task's timeout, the end of
 * a retry's backoff, the run's walltime.  A min-heap by (time, order); a
 * timer that has lost its purpose (its task ended) is dropped when due by
 * checking the stamp it was set with. */
#ifndef HETFLOW_ENGINE_TIMERS_H
#define HETFLOW_ENGINE_TIMERS_H

#include <stdint.h>

#include "util/heap.h"

typedef enum { TIMER_TIMEOUT, TIMER_RETRY, TIMER_WALLTIME } timer_kind_t;

typedef struct {
    double when;
    uint64_t order;
    uint32_t task;
    timer_kind_t kind;
    double stamp; /* the task's start, for a timeout */
} timer_t_;

typedef struct {
    timer_t_ *all;
    uint32_t n, cap;
    uint32_t *free_ids; /* slots of fired timers, reused */
    uint32_t nfree;
    uint64_t order;
    heap_t heap;
} timers_t;

void timers_init(timers_t *t);
void timers_fini(timers_t *t);
int timers_add(timers_t *t, timer_kind_t kind, double when, uint32_t task, double stamp);

/* The earliest timer's time, or -1 when there is none. */
double timers_next(const timers_t *t);

/* Remove and return the earliest timer if it is due at `now`; 0 if none. */
int timers_pop_due(timers_t *t, double now, timer_t_ *out);

#endif

/* The scheduler: free core and GPU ids per node, the ready queue ordered by a
 * policy, and placement of ready tasks onto nodes.  It never forks, sleeps or
 * reads a clock: time and execution belong to the engine and executors.
 */
#ifndef HETFLOW_SCHED_H
#define HETFLOW_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "platform.h"
#include "workflow.h"

/* The ranks of one task placed on one node, with the exact ids they hold:
 * ranks x cores-per-rank core ids and ranks x gpus-per-rank GPU ids. */
typedef struct {
    uint32_t node;
    uint32_t ranks;
    uint32_t ncores;
    uint32_t ngpus;
    uint32_t *cores;
    uint32_t *gpus;
} hf_slot_t;

/* Where a task runs: one slot per node it uses. */
typedef struct {
    int32_t set;    /* the set whose share it counts against */
    uint32_t index; /* in the scheduler's list of running allocations */
    double until;   /* when it is expected to end (for backfilling) */
    uint32_t nslots;
    hf_slot_t slot[];
} hf_alloc_t;

typedef struct hf_sched hf_sched_t;

/* What a policy does, so that nothing reads it from the policy's place in
 * hf_policy_t: `ranked` orders sets by upward rank (else by readiness);
 * `task_ranks` ranks by task durations, as HEFT does (else by set times,
 * waves x duration); `backfill` places shorter tasks in the gap before the
 * highest blocked task's reservation; `tuned` searches set priorities by
 * simulation before the run (hf_tune_priorities()). */
typedef struct {
    bool ranked, task_ranks, backfill, tuned;
} hf_policy_features_t;

hf_policy_features_t hf_policy_features(hf_policy_t policy);

/* The time that ranks `set` on p under `policy` (its upward rank sums
 * these along the DAG): the mean task duration under task ranks, else the
 * set's time hf_set_model().t. */
double hf_policy_rank_time(hf_policy_t policy, const hf_set_t *set,
                           const hf_platform_t *p);

hf_sched_t *hf_sched_create(const hf_platform_t *p, hf_policy_t policy, int nsets);
void hf_sched_destroy(hf_sched_t *s);

/* Declare set `set`'s shape and order keys before pushing its tasks (and
 * not while it has tasks queued).  `upward_rank` orders sets under the
 * ranked policies (hf_policy_features()); `duration` is a task's expected time,
 * for backfilling.  Returns 0, or -1 with ENOMEM. */
int hf_sched_set_shape(hf_sched_t *s, int set, int cores, int gpus, int ranks,
                       int priority, double upward_rank, double duration);

/* The time now, before a pass: placements expect to end at now + their
 * set's duration (the scheduler reads no clock). */
void hf_sched_set_now(hf_sched_t *s, double now);

/* Make room for sets up to nsets - 1 (sets added while a run goes on).
 * Returns 0, or -1 with ENOMEM. */
int hf_sched_grow(hf_sched_t *s, int nsets);

/* Cap what `set` may hold at once: at most max_cores cores and max_gpus
 * GPUs (-1: no cap) over all its placed tasks.  Its ready tasks wait while
 * the next would go over; ready tasks of other sets are placed meanwhile.
 * A cap below one task's needs lets one task run at a time. */
void hf_sched_set_share(hf_sched_t *s, int set, long max_cores, long max_gpus);

/* Queue task `index` of `set` as ready.  Returns 0, or -1 with ENOMEM. */
int hf_sched_push(hf_sched_t *s, int set, uint32_t index);

/* Place the next ready task in policy order that fits now, skipping sets
 * that do not fit.  Returns 1 with *set, *index and *alloc filled, 0 when no
 * ready task fits (the pass is over), -1 with ENOMEM. */
int hf_sched_next(hf_sched_t *s, int *set, uint32_t *index, hf_alloc_t **alloc);

/* End a placement pass before hf_sched_next() has returned 0 (a cap on
 * running tasks was reached): the next call starts a new pass. */
void hf_sched_end_pass(hf_sched_t *s);

/* Give an allocation's ids back and free it. */
void hf_sched_release(hf_sched_t *s, hf_alloc_t *alloc);

long hf_sched_nready(const hf_sched_t *s);
long hf_sched_free_cores(const hf_sched_t *s);
long hf_sched_free_gpus(const hf_sched_t *s);

#endif

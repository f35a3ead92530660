/* The engine's state, shared by engine.c (task states, dependencies,
 * failure propagation) and loop.c (the event loop, stops, timers). */
#ifndef HETFLOW_ENGINE_INTERNAL_H
#define HETFLOW_ENGINE_INTERNAL_H

#include "gates.h"
#include "hetflow/engine.h"
#include "timers.h"

#define MAX_CALLBACKS 8

typedef struct {
    double ready, placed, start, end;
    hf_alloc_t *alloc; /* while placed or running */
    int32_t status;    /* when ended: 0, exit code, or -signal */
    uint16_t pending;  /* one-to-one parent tasks not yet done */
    uint8_t state;
    uint8_t cancel_asked; /* ends as canceled, whatever its status */
    uint8_t attempts;     /* failed runs retried so far */
    uint8_t timed_out;
} task_t;

typedef struct {
    uint32_t first; /* flat id of task 0 */
    uint32_t ntasks;
    uint32_t nended; /* done, failed or canceled */
    uint32_t nok;    /* done, or failed with on_failure: continue */
    int all_pending; /* all-tasks parents not yet ended */
    bool released;   /* parents and gates allow its tasks to become ready */
    double first_start, last_end; /* over every attempt; -1 before any */
} set_rt_t;

struct hf_engine {
    const hf_workflow_t *wf;
    hf_dag_t *dag;
    hf_engine_config_t cfg;
    hf_executor_t *exec;
    hf_sched_t *sched;
    gates_t gates;
    task_t *tasks;
    uint32_t ntasks;
    set_rt_t *sets;
    long count[HF_TASK_CANCELED + 1];
    struct {
        hf_transition_f cb;
        void *arg;
    } callbacks[MAX_CALLBACKS];
    int ncallbacks;
    uint32_t *cancel_stack; /* worklist for failure propagation */
    size_t ncancel;
    int stopped; /* the why of hf_engine_stop, 0 while running */
    double tick_period;
    double next_tick;
    hf_tick_f tick;
    void *tick_arg;
    hf_batch_f batch;
    void *batch_arg;
    timers_t timers;
    long pending_retries; /* tasks waiting out a backoff */
    hf_usage_t usage;     /* over every attempt of every task */
    json_t **results;     /* per task, allocated with the first result */
};

/* engine.c, for loop.c */
void engine_transition(hf_engine_t *e, uint32_t id, hf_task_state_t to);
int engine_set_of(const hf_engine_t *e, uint32_t task);
int engine_make_ready(hf_engine_t *e, int set, uint32_t index);
int engine_release_set(hf_engine_t *e, int set);
int engine_propagate(hf_engine_t *e, uint32_t task); /* a task ended: its effects */

#endif

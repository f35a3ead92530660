/* What a trace records as a run goes on: every attempt of every task on
 * every node it used, and every call on the worker that ran it.  Written
 * out by chrome.c and wfformat_out.c. */
#ifndef HETFLOW_TRACE_RECORD_H
#define HETFLOW_TRACE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "hetflow/trace.h"

/* One slice: one attempt of a task on one node, with its own times and
 * outcome (a retried task has a slice per attempt).  A call's slice is on
 * its worker's node and holds nothing: the worker holds the cores. */
typedef struct {
    uint32_t task;
    uint32_t node;
    uint32_t worker; /* a call: its worker's pool task; HF_NO_WORKER else */
    uint32_t ranks;
    uint32_t cores; /* on that node: their ids are core[core_at, + cores) */
    uint32_t gpus;
    size_t core_at;
    double start, end;
    int8_t outcome; /* hf_task_state_t it ended in; WAITING: to be retried */
    bool timed_out;
    int32_t status;
} placement_t;

struct hf_trace {
    placement_t *rows;
    size_t n, cap;
    uint32_t *core; /* the rows' core ids */
    size_t ncore, core_cap;
    size_t *open;    /* per task: its running attempt's first row, + 1; 0 if none */
    size_t ntasks;   /* room in open */
    double *free_at; /* per worker task: when its last call ended */
    size_t nfree_at; /* room in free_at */
    int failed;      /* errno of a failed append, reported at write time */
};

#endif

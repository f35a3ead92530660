/* What a trace records as a run goes on: every attempt of every task on
 * every node it used.  Written out by chrome.c and wfformat_out.c. */
#ifndef HETFLOW_TRACE_RECORD_H
#define HETFLOW_TRACE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "hetflow/trace.h"

/* One slice: one attempt of a task on one node, with its own times and
 * outcome (a retried task has a slice per attempt). */
typedef struct {
    uint32_t task;
    uint32_t node;
    uint32_t core; /* first core on that node: the slice's thread */
    uint32_t ranks;
    uint32_t cores; /* on that node */
    uint32_t gpus;
    double start, end;
    int8_t outcome; /* hf_task_state_t it ended in; WAITING: to be retried */
    int32_t status;
} placement_t;

struct hf_trace {
    placement_t *rows;
    size_t n, cap;
    size_t *open;  /* per task: its running attempt's first row, + 1; 0 if none */
    size_t ntasks; /* room in open */
    int failed;    /* errno of a failed append, reported at write time */
};

#endif

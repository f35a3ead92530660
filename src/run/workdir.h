/* The run part's private pieces shared by its files: the run object, and
 * claiming a new run's workdir (workdir.c). */
#ifndef HETFLOW_RUN_WORKDIR_H
#define HETFLOW_RUN_WORKDIR_H

#include "hetflow/run.h"

struct hf_run {
    char *workdir;
    int lock;              /* the workdir's, held from open to close */
    hf_journal_t *journal; /* NULL: none kept */
    bool resuming;
    bool retry_failed; /* a resume runs the failed tasks again */
    hf_executor_t local;
    hf_engine_t *engine;
    hf_trace_t *trace;
};

/* Become workdir's owner (*lock) for a new run of wf; see hf_run_open().
 * Returns 0, or -1 with a message (EEXIST only for an earlier run), *lock
 * then -1. */
int run_claim_workdir(const char *workdir, const hf_workflow_t *wf, bool force, int *lock,
                      hf_error_t *err);

#endif

/* What a run needs beyond the engine, shared by the CLI, the C API and the
 * Python API: the tuned policy's search before a run, and a resume's
 * replay of its journal into the engine.  This part sits above the engine,
 * the executors and the journal, and ties them together.
 */
#ifndef HETFLOW_RUN_H
#define HETFLOW_RUN_H

#include <stdint.h>

#include "engine.h"
#include "journal.h"

/* What cfg's policy needs before a run of wf: for the tuned policy, set
 * priorities searched by simulation (hf_tune_priorities() on simulators
 * drawing with `seed`, in cfg's mode on its platform), within its budget:
 * HF_TUNE_TRIALS, fewer for big workflows (about HF_TUNE_TASK_BUDGET
 * simulated tasks in all).  Leaves the best priorities in wf and, when
 * best is not NULL, their makespan in *best.  Returns the number of trials
 * (0 for a policy that searches nothing), or -1 with a message. */
#define HF_TUNE_TRIALS 64
#define HF_TUNE_TASK_BUDGET 4000000L
int hf_run_prepare(hf_workflow_t *wf, hf_dag_t *dag, const hf_engine_config_t *cfg,
                   uint64_t seed, double *best, hf_error_t *err);

/* What a resume replayed: tasks restored done, and leftovers of the last
 * run (process groups of tasks it left running) killed. */
typedef struct {
    long restored, reclaimed;
} hf_resume_counts_t;

/* Before hf_engine_run() of a resume of the run in workdir: every task the
 * journal j recorded done is restored done in e, with its result; what the
 * last run left running is killed, if it is still there and still that
 * task; then j marks every task not done as waiting.  Returns 0 with the
 * counts in *out, or -1 with a message (EINVAL: the journal's rules added sets (a
 * repeat; not supported yet), or a task was recorded done twice or out of
 * place; else the journal's error). */
int hf_run_restore(hf_engine_t *e, hf_journal_t *j, const char *workdir,
                   hf_resume_counts_t *out, hf_error_t *err);

#endif

/* What a run needs beyond the engine, shared by the CLI, the C API and the
 * Python API: the tuned policy's search before a run, a run on a workdir
 * (its owner, its journal, the local executor, a resume's replay of its
 * journal), why its tasks failed and where it stands, and its summary.
 * This part sits above the engine, the executors, the journal and the
 * trace, and ties them together.
 */
#ifndef HETFLOW_RUN_H
#define HETFLOW_RUN_H

#include <stdint.h>

#include "engine.h"
#include "exec.h"
#include "journal.h"
#include "trace.h"

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

/* What a resume replayed: tasks restored done, tasks restored failed, and
 * leftovers of the last run (process groups of tasks it left running)
 * killed. */
typedef struct {
    long restored, reclaimed, failed;
} hf_resume_counts_t;

/* Before hf_engine_run() of a resume of the run in workdir: every task the
 * journal j recorded done is restored done in e, with its result, and
 * every task it recorded failed is restored failed, with its status, tries
 * and result (its error), unless `retry_failed`: then it runs again (a new
 * try), as do the tasks canceled because of it.  What the last run left
 * running is killed, if it is still there and still that task; then j
 * marks every task that runs again as waiting.  Returns 0 with the counts
 * in *out, or -1 with a message (EINVAL: the journal's rules added sets (a
 * repeat; not supported yet), or a task was recorded ended twice or out of
 * place; else the journal's error). */
int hf_run_restore(hf_engine_t *e, hf_journal_t *j, const char *workdir,
                   bool retry_failed, hf_resume_counts_t *out, hf_error_t *err);

/* A run of a workflow for real on a workdir: its owner (the workdir's
 * lock, hf_workdir_lock()) from open to close, its journal, the local
 * executor and the engine. */
typedef struct hf_run hf_run_t;

/* Whether every set of wf has something to run for real: a command, or a
 * function (whose pool runs the workers).  Returns 0, or -1 with EINVAL
 * and a message that names the first set without ("FILE:LINE:COL: set 'S'
 * has no command to run"). */
int hf_run_check_commands(const hf_workflow_t *wf, hf_error_t *err);

/* A new run of wf in workdir: become its owner and make its set folders
 * (hf_exec_local_check_workdir()).  A workdir that holds an earlier run's
 * journal is refused with EEXIST ("WORKDIR holds an earlier run (D of T
 * tasks done)"; no other failure says EEXIST) unless `force`: then that
 * run's journal and the files the local executor wrote for its tasks (and
 * for wf's sets) are deleted, nothing else.  Returns NULL with a message. */
hf_run_t *hf_run_open(const char *workdir, const hf_workflow_t *wf, bool force,
                      hf_error_t *err);

/* Start the journal of r's new run of wf under cfg (its walltime, 0 for
 * none, is the run's), so that `hetflow status` reads it and a resume runs
 * the same.  Without it the run keeps no journal.  Returns 0, or -1 with a
 * message. */
int hf_run_record(hf_run_t *r, const hf_workflow_t *wf, const hf_engine_config_t *cfg,
                  hf_error_t *err);

/* Continue the run in workdir from its journal: become its owner before
 * anything is read (a live run's tasks are not leftovers), and open the
 * journal.  Its failed tasks stay failed, unless `retry_failed`
 * (hf_run_restore()).  Returns NULL with a message (ENOENT: no journal
 * there, EBUSY: a live process owns it). */
hf_run_t *hf_run_resume(const char *workdir, bool retry_failed, hf_error_t *err);

/* Whether wf's text is that of the workflow r's journal ran: 1 if it is,
 * 0 if not, -1 with a message when the journal cannot tell. */
int hf_run_same_workflow(const hf_run_t *r, const hf_workflow_t *wf, hf_error_t *err);

/* The workflow a resumed run started with, loaded from its journal (the
 * caller destroys it), and its settings in *cfg (mode, policy, platform,
 * walltime).  For the tuned policy, its priorities are searched again as
 * the run searched them (hf_run_prepare() with `seed` on the run's
 * platform; the search is deterministic), so the resume runs the same
 * order.  Returns what hf_run_prepare() returns (the trials, 0 for a
 * policy that searches nothing, best makespan in *best when not NULL), or
 * -1 with a message that names the workdir. */
int hf_run_reload(hf_run_t *r, uint64_t seed, hf_workflow_t **wf, hf_engine_config_t *cfg,
                  double *best, hf_error_t *err);

/* Where and how r's tasks run. */
typedef struct {
    const hf_machine_t *machine; /* this machine (hf_machine_detect()) */
    hf_launcher_t launcher;      /* HF_LAUNCHER_LOCAL, or srun or mpiexec on: */
    char *const *hosts;          /* the allocation's nodes */
    int nhosts;
    bool trace; /* record placements, for hf_run_trace() */
} hf_run_exec_t;

/* Make r's local executor and engine for wf (dag, cfg), record its
 * placements when asked; for a resume, replay the journal into the engine
 * (hf_run_restore(), counts in *counts when not NULL); then the journal
 * records the engine's changes.  Returns 0, or -1 with a message. */
int hf_run_start(hf_run_t *r, hf_workflow_t *wf, hf_dag_t *dag,
                 const hf_engine_config_t *cfg, const hf_run_exec_t *x,
                 hf_resume_counts_t *counts, hf_error_t *err);

/* hf_run_start() of a new run with the local executor on this machine
 * (`machine`), no launcher and no trace: for bindings that do not mirror
 * hf_run_exec_t (python/hetflow/api.py). */
int hf_run_start_here(hf_run_t *r, hf_workflow_t *wf, hf_dag_t *dag,
                      const hf_engine_config_t *cfg, const hf_machine_t *machine,
                      hf_error_t *err);

/* The engine (NULL before hf_run_start()), to observe and steer the run,
 * and the placements recorded (NULL unless asked). */
hf_engine_t *hf_run_engine(const hf_run_t *r);
const hf_trace_t *hf_run_trace(const hf_run_t *r);
/* The run's journal, NULL when it keeps none. */
hf_journal_t *hf_run_journal(const hf_run_t *r);

/* Run r's engine to its end: hf_engine_run(). */
int hf_run_execute(hf_run_t *r, hf_error_t *err);

/* Commit what the journal has pending and let go of the engine, before
 * the engine is read after its end (hf_journal_detach(); 0 without a
 * journal or an engine).  Returns 0, or -1 with a message (errno ENOSPC: a
 * full disk); the engine is then stopped with HF_STOP_JOURNAL, if nothing
 * stopped it before. */
int hf_run_end(hf_run_t *r, hf_error_t *err);

/* Free the engine, the executor and the trace, close the journal and let
 * go of the workdir. */
void hf_run_close(hf_run_t *r);

/* Why a failed task (set[index] of the run in workdir, of workflow wf)
 * failed: the first line of `error` (a call's error; NULL for none), with,
 * in `file`, the .err file of the worker of the set's pool that noted it
 * (hf_exec_local_call_log(); none without wf); else hetflow's note in
 * the .err file of its last try (that file in `file`), else what its exit
 * status `status` tells (`file` empty).  The reason is why_len bytes at
 * why (in `error` or in `note`), valid while both are. */
typedef struct {
    const char *why;
    int why_len;
    char file[4096];
    char note[1024];
} hf_failure_t;
void hf_run_failure(const char *workdir, const char *set, uint32_t index, int status,
                    const char *error, const hf_workflow_t *wf, hf_failure_t *out);

/* Where the run recorded in journal j (of workdir) stands. */
typedef enum {
    HF_RUN_RUNNING,     /* a live process owns the workdir: *owner says which */
    HF_RUN_FINISHED,    /* every task ended */
    HF_RUN_STOPPED,     /* it ended, stopped before the end: a signal, the
                         * walltime, on_failure: stop */
    HF_RUN_INTERRUPTED, /* its process is gone before the end */
} hf_run_state_t;
const char *hf_run_state_name(hf_run_state_t state);

/* Returns 0 with *state (and *owner when running), or -1 with a message. */
int hf_run_state(hf_journal_t *j, const char *workdir, hf_run_state_t *state,
                 hf_owner_t *owner, hf_error_t *err);

/* The summary of e's finished run, as `simulate --json` and `run --json`
 * print it (hf_summary_compute(), hf_summary_bounds() of dag, the
 * workflow as written, hf_summary_json()); `partial` for a resume, which
 * runs a part of it.  Returns NULL with ENOMEM. */
json_t *hf_run_summary_json(const hf_engine_t *e, const hf_dag_t *dag, bool partial);

#endif

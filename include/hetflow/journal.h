/* The journal: every task state change of a run, durably, in an SQLite
 * database in the workdir (WAL mode, a transaction per batch of events), so
 * that `hetflow status` can read a run while it goes on and `hetflow
 * resume` can continue one that was killed. */
#ifndef HETFLOW_JOURNAL_H
#define HETFLOW_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "workflow.h"

typedef struct hf_journal hf_journal_t;

/* Its file in the workdir, and the lock's: HF_JOURNAL_FILE and
 * HF_LOCK_FILE (workflow.h, which keeps set names off them). */

/* What a run was started with, kept so that a resume runs the same. */
typedef struct {
    const char *file; /* the workflow file's path, for messages */
    const char *text; /* the workflow file's text */
    size_t text_len;
    hf_engine_config_t cfg;
    double walltime; /* seconds, 0 for none */
} hf_run_spec_t;

/* The one process that runs a workdir's tasks holds its lock
 * (WORKDIR/run.lock) while it lives; the kernel drops it when the process
 * dies, however it dies. */
typedef struct {
    long pid;       /* 0 when it did not say */
    char host[256]; /* the host it runs on */
} hf_owner_t;

/* Become workdir's owner, creating it (0700) if need be; an existing one
 * that someone else could change (owned by another user, writable by group
 * or others) is refused with EPERM.  Returns the lock's descriptor, to keep
 * open while the run goes on, or -1 with a message: EBUSY when another
 * process owns it (named in the message). */
int hf_workdir_lock(const char *workdir, hf_error_t *err);
void hf_workdir_unlock(int fd);

/* Whether a live process owns workdir: 1 with *owner filled, 0 when none
 * does (the run ended, or its process is gone), -1 with errno. */
int hf_workdir_owner(const char *workdir, hf_owner_t *owner);

/* Start the journal of a new run in workdir (created 0600).  Refuses, with
 * EEXIST, a workdir that already has one: that run is resumed, not
 * overwritten.  Returns NULL with a message. */
hf_journal_t *hf_journal_create(const char *workdir, const hf_workflow_t *wf,
                                const hf_run_spec_t *spec, hf_error_t *err);

/* Open an existing journal, to resume (read-write: in a workdir only the
 * user can change, as hf_workdir_lock wants) or to read its status.
 * Returns NULL with a message (ENOENT when there is none). */
hf_journal_t *hf_journal_open(const char *workdir, bool writable, hf_error_t *err);
void hf_journal_close(hf_journal_t *j);

/* The run spec stored at creation; strings stay valid until close. */
int hf_journal_spec(hf_journal_t *j, hf_run_spec_t *spec, hf_error_t *err);

/* Record e's transitions from now on, committing once per engine batch.
 * `handle_of` gives an executor's handle (a process id) of a task that just
 * started; NULL for none.  The first batch that cannot be written (a full
 * disk) is rolled back and stops e with HF_STOP_JOURNAL; nothing is written
 * after it, so the journal holds exactly the batches committed before. */
typedef long (*hf_handle_f)(void *ctx, uint32_t task);
int hf_journal_attach(hf_journal_t *j, hf_engine_t *e, hf_handle_f handle_of,
                      void *handle_ctx, hf_error_t *err);

/* Commit what is pending.  Returns 0, or -1 with a message (errno ENOSPC
 * for a full disk, else EIO), also for every call after a failed one. */
int hf_journal_flush(hf_journal_t *j, hf_error_t *err);

/* Commit what is pending and let go of the engine: call it before the
 * engine is destroyed.  Returns as hf_journal_flush(); a failure stops the
 * engine with HF_STOP_JOURNAL, as a batch's does, if nothing stopped it
 * before. */
int hf_journal_detach(hf_journal_t *j, hf_error_t *err);

/* A task as the journal recorded it, for a resume (result valid during
 * the callback). */
typedef struct {
    uint32_t task;
    hf_task_state_t state;
    long handle;        /* its process id when it ran, else 0 */
    int status;         /* its last try's: an exit code, or -signal */
    int attempts;       /* failed tries that were retried */
    const char *result; /* JSON text, or NULL */
} hf_task_record_t;

/* For a resume: call `cb` for every task as recorded; then mark every task
 * that is to run again as waiting, in one transaction: every task not done,
 * but for a failed one unless `retry_failed`. */
typedef void (*hf_task_record_f)(const hf_task_record_t *t, void *arg);
int hf_journal_restart(hf_journal_t *j, bool retry_failed, hf_task_record_f cb, void *arg,
                       hf_error_t *err);

/* A task that ended failed or canceled, as the journal has it (strings
 * valid during the callback). */
typedef struct {
    const char *set;
    uint32_t index;
    hf_task_state_t state;
    int status;   /* its last try's: an exit code, or -signal */
    int attempts; /* failed tries that were retried */
    hf_cancel_cause_t cause;
    const char *result; /* JSON text, or NULL: a call's failure is {"error": ...} */
} hf_journal_task_t;
typedef void (*hf_journal_task_f)(const hf_journal_task_t *t, void *arg);

/* For `hetflow status`: cb for every task that ended failed or canceled,
 * in task order. */
int hf_journal_unsuccessful(hf_journal_t *j, hf_journal_task_f cb, void *arg,
                            hf_error_t *err);

/* The names of the run's sets, in file order (those rules added too). */
typedef void (*hf_name_f)(const char *name, void *arg);
int hf_journal_sets(hf_journal_t *j, hf_name_f cb, void *arg, hf_error_t *err);

/* Delete the journal in workdir (not open anywhere): its database and
 * SQLite's files beside it.  Returns 0 (also when there is none), or -1
 * with a message. */
int hf_journal_remove(const char *workdir, hf_error_t *err);

/* Counts of tasks per set and state, for `hetflow status`: cb is called
 * once per (set, state) with tasks in it, sets in file order. */
typedef void (*hf_count_f)(const char *set, hf_task_state_t state, long count, void *arg);
int hf_journal_counts(hf_journal_t *j, hf_count_f cb, void *arg, hf_error_t *err);

#endif

/* A resume's replay of its journal: the tasks the last run finished are
 * restored done or failed (unless failures are to be retried), and what it
 * left running is killed, before the engine runs the rest. */
#include <errno.h>
#include <jansson.h>

#include "hetflow/exec.h"
#include "hetflow/run.h"

typedef struct {
    hf_engine_t *engine;
    const char *workdir;
    bool retry_failed;
    hf_resume_counts_t counts;
    int failed, added;
} restore_t;

static void restore_task(const hf_task_record_t *t, void *arg)
{
    restore_t *r = arg;
    bool kept =
        t->state == HF_TASK_DONE || (t->state == HF_TASK_FAILED && !r->retry_failed);

    if (t->task >= hf_engine_ntasks(r->engine)) {
        r->added = 1; /* a task of a set that rules added to the last run */
    } else if (kept) {
        if ((t->state == HF_TASK_DONE
                 ? hf_engine_restore_done(r->engine, t->task)
                 : hf_engine_restore_failed(r->engine, t->task, t->status, t->attempts)) <
            0)
            r->failed = 1;
        else if (t->state == HF_TASK_DONE)
            r->counts.restored++;
        else
            r->counts.failed++;
        /* A call's failure is its result too: {"error": ...}. */
        if (t->result)
            hf_engine_set_result(r->engine, t->task, json_loads(t->result, 0, NULL));
    } else if (t->handle > 0) {
        r->counts.reclaimed += hf_exec_local_reclaim(t->handle, t->task, r->workdir);
    }
}

int hf_run_restore(hf_engine_t *e, hf_journal_t *j, const char *workdir,
                   bool retry_failed, hf_resume_counts_t *out, hf_error_t *err)
{
    restore_t r = {e, workdir, retry_failed, {0, 0, 0}, 0, 0};

    if (hf_journal_restart(j, retry_failed, restore_task, &r, err) < 0)
        return -1;
    if (r.added) {
        errno = EINVAL;
        hf_error_set(err, "journal: the run's rules added sets (a repeat); resuming "
                          "such a run is not supported yet");
        return -1;
    }
    if (r.failed) {
        errno = EINVAL;
        hf_error_set(err, "journal: a task recorded ended twice or out of place");
        return -1;
    }
    *out = r.counts;
    return 0;
}

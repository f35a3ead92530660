/* A resume's replay of its journal: the tasks the last run finished are
 * restored done, and what it left running is killed, before the engine
 * runs the rest. */
#include <errno.h>
#include <jansson.h>

#include "hetflow/exec.h"
#include "hetflow/run.h"

typedef struct {
    hf_engine_t *engine;
    const char *workdir;
    hf_resume_counts_t counts;
    int failed, added;
} restore_t;

static void restore_task(uint32_t task, hf_task_state_t state, long pid,
                         const char *result, void *arg)
{
    restore_t *r = arg;

    if (task >= hf_engine_ntasks(r->engine)) {
        r->added = 1; /* a task of a set that rules added to the last run */
    } else if (state == HF_TASK_DONE) {
        if (hf_engine_restore_done(r->engine, task) < 0)
            r->failed = 1;
        else
            r->counts.restored++;
        if (result)
            hf_engine_set_result(r->engine, task, json_loads(result, 0, NULL));
    } else if (pid > 0) {
        r->counts.reclaimed += hf_exec_local_reclaim(pid, task, r->workdir);
    }
}

int hf_run_restore(hf_engine_t *e, hf_journal_t *j, const char *workdir,
                   hf_resume_counts_t *out, hf_error_t *err)
{
    restore_t r = {e, workdir, {0, 0}, 0, 0};

    if (hf_journal_restart(j, restore_task, &r, err) < 0)
        return -1;
    if (r.added) {
        errno = EINVAL;
        hf_error_set(err, "journal: the run's rules added sets (a repeat); resuming "
                          "such a run is not supported yet");
        return -1;
    }
    if (r.failed) {
        errno = EINVAL;
        hf_error_set(err, "journal: a task recorded done twice or out of place");
        return -1;
    }
    *out = r.counts;
    return 0;
}

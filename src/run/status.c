/* Reading a run after the fact, or while it goes on: why a task failed,
 * and where the run stands, for `hetflow run`'s last lines, `hetflow
 * status` and library users alike. */
#include <stdio.h>
#include <string.h>

#include "hetflow/run.h"

void hf_run_failure(const char *workdir, const char *set, uint32_t index, int status,
                    const char *error, const hf_workflow_t *wf, hf_failure_t *out)
{
    int s = wf ? hf_workflow_find_set(wf, set) : -1;
    int pool = s >= 0 ? hf_set_pool(hf_workflow_get_set(wf, s)) : -1;

    out->file[0] = '\0';
    if (error) { /* a call's error is the reason, its worker's log the file */
        out->why = error;
        out->why_len = (int)strcspn(error, "\n");
        if (pool >= 0)
            hf_exec_local_call_log(workdir, hf_workflow_pool(wf, pool)->name, set, index,
                                   out->file, sizeof(out->file));
        return;
    }
    hf_exec_local_failure(workdir, set, index, status, out->note, sizeof(out->note),
                          out->file, sizeof(out->file));
    out->why = out->note;
    out->why_len = (int)strlen(out->note);
}

const char *hf_run_state_name(hf_run_state_t state)
{
    static const char *const names[] = {"running", "finished", "stopped", "interrupted"};

    return (unsigned)state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

typedef struct {
    long tasks, ended;
    bool stopped; /* some task was canceled because the run was stopped */
} tally_t;

static void tally(const char *set, hf_task_state_t state, long n, void *arg)
{
    tally_t *t = arg;

    (void)set;
    t->tasks += n;
    if (state == HF_TASK_DONE || state == HF_TASK_FAILED || state == HF_TASK_CANCELED)
        t->ended += n;
}

static void stopped(const hf_journal_task_t *task, void *arg)
{
    tally_t *t = arg;

    if (task->state == HF_TASK_CANCELED && task->cause == HF_CANCEL_STOPPED)
        t->stopped = true;
}

int hf_run_state(hf_journal_t *j, const char *workdir, hf_run_state_t *state,
                 hf_owner_t *owner, hf_error_t *err)
{
    tally_t t = {0, 0, false};
    hf_owner_t o;
    int live;

    if (hf_journal_counts(j, tally, &t, err) < 0 ||
        hf_journal_unsuccessful(j, stopped, &t, err) < 0)
        return -1;
    if ((live = hf_workdir_owner(workdir, owner ? owner : &o)) < 0) {
        hf_error_set(err, "%s/%s: cannot tell whether the run goes on", workdir,
                     HF_LOCK_FILE);
        return -1;
    }
    *state = live                 ? HF_RUN_RUNNING
             : t.ended != t.tasks ? HF_RUN_INTERRUPTED
             : t.stopped          ? HF_RUN_STOPPED
                                  : HF_RUN_FINISHED;
    return 0;
}

/* Claiming a new run's workdir: one owner at a time (the lock of
 * journal/owner.c), and an earlier run there refused or, when forced,
 * cleared away: its journal and the files hetflow wrote for its tasks,
 * nothing else. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "run/workdir.h"

typedef struct {
    const char *workdir;
    long tasks, done;
    int failed; /* a set's files could not be deleted */
    hf_error_t err;
} earlier_t;

static void count_done(const char *set, hf_task_state_t state, long n, void *arg)
{
    earlier_t *e = arg;

    (void)set;
    e->tasks += n;
    if (state == HF_TASK_DONE)
        e->done += n;
}

static void forget_set(const char *set, void *arg)
{
    earlier_t *e = arg;

    if (!e->failed && hf_exec_local_forget(e->workdir, set, &e->err) < 0)
        e->failed = 1;
}

/* Delete the earlier run's journal and its tasks' files, and those of the
 * sets of `wf` (a run without a journal leaves files too). */
static int start_over(const char *workdir, const hf_workflow_t *wf, hf_error_t *err)
{
    earlier_t e = {.workdir = workdir};
    hf_journal_t *j = hf_journal_open(workdir, false, NULL);

    /* A damaged journal names no sets: its files stay, and new tries
     * are numbered after them. */
    if (j)
        hf_journal_sets(j, forget_set, &e, NULL);
    hf_journal_close(j);
    for (int s = 0; s < hf_workflow_nsets(wf) && !e.failed; s++)
        forget_set(hf_workflow_get_set(wf, s)->name, &e);
    for (int p = 0; p < hf_workflow_npools(wf) && !e.failed; p++) /* workers' folders */
        forget_set(hf_workflow_pool(wf, p)->name, &e);
    if (e.failed) {
        *err = e.err;
        return -1;
    }
    return hf_journal_remove(workdir, err);
}

int run_claim_workdir(const char *workdir, const hf_workflow_t *wf, bool force, int *lock,
                      hf_error_t *err)
{
    char journal[4096];
    earlier_t e = {0};
    hf_journal_t *j;

    /* Its set folders too, before a journal says a run was there. */
    if ((*lock = hf_workdir_lock(workdir, err)) < 0 ||
        hf_exec_local_check_workdir(workdir, wf, err) < 0)
        goto error;
    snprintf(journal, sizeof(journal), "%s/%s", workdir, HF_JOURNAL_FILE);
    if (access(journal, F_OK) < 0)
        return 0;
    if (force) {
        if (start_over(workdir, wf, err) < 0)
            goto error;
        return 0;
    }
    if ((j = hf_journal_open(workdir, false, NULL))) {
        hf_journal_counts(j, count_done, &e, NULL);
        hf_journal_close(j);
    }
    hf_error_set(err, "%s holds an earlier run (%ld of %ld tasks done)", workdir, e.done,
                 e.tasks);
    hf_workdir_unlock(*lock);
    *lock = -1;
    errno = EEXIST;
    return -1;
error:
    if (errno == EEXIST) /* a file where a folder goes: not an earlier run */
        errno = ENOTDIR;
    hf_workdir_unlock(*lock);
    *lock = -1;
    return -1;
}

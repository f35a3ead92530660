/* A run on a workdir, for real: its owner from open to close, its journal
 * (started for a new run, reopened and replayed for a resume, with the
 * workflow and settings it started with), the local executor, the engine
 * and the trace recorder, made and attached in the order a resume needs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "run/workdir.h"

static hf_run_t *run_new(const char *workdir, hf_error_t *err)
{
    hf_run_t *r = calloc(1, sizeof(*r));

    if (!r || !(r->workdir = strdup(workdir))) {
        free(r);
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return NULL;
    }
    r->lock = -1;
    return r;
}

int hf_run_check_commands(const hf_workflow_t *wf, hf_error_t *err)
{
    for (int i = 0; i < hf_workflow_nsets(wf); i++) {
        const hf_set_t *set = hf_workflow_get_set(wf, i);
        if (!set->argv && !set->shell && !set->function) {
            hf_error_set(err, "%s:%d:%d: set '%s' has no command to run",
                         hf_workflow_file(wf), set->mark.line, set->mark.col, set->name);
            errno = EINVAL;
            return -1;
        }
    }
    return 0;
}

hf_run_t *hf_run_open(const char *workdir, const hf_workflow_t *wf, bool force,
                      hf_error_t *err)
{
    hf_run_t *r = run_new(workdir, err);

    if (r && run_claim_workdir(workdir, wf, force, &r->lock, err) < 0) {
        int why = errno;
        hf_run_close(r);
        errno = why;
        return NULL;
    }
    return r;
}

int hf_run_record(hf_run_t *r, const hf_workflow_t *wf, const hf_engine_config_t *cfg,
                  hf_error_t *err)
{
    hf_run_spec_t spec = {hf_workflow_file(wf), NULL, 0, *cfg, cfg->walltime};

    spec.text = hf_workflow_text(wf, &spec.text_len);
    return (r->journal = hf_journal_create(r->workdir, wf, &spec, err)) ? 0 : -1;
}

hf_run_t *hf_run_resume(const char *workdir, bool retry_failed, hf_error_t *err)
{
    hf_run_t *r = run_new(workdir, err);

    if (!r)
        return NULL;
    r->resuming = true;
    r->retry_failed = retry_failed;
    /* Owned before anything is read: a live run's tasks are not leftovers. */
    if (!(r->journal = hf_journal_open(workdir, true, err)) ||
        (r->lock = hf_workdir_lock(workdir, err)) < 0) {
        int why = errno;
        hf_run_close(r);
        errno = why;
        return NULL;
    }
    return r;
}

int hf_run_same_workflow(const hf_run_t *r, const hf_workflow_t *wf, hf_error_t *err)
{
    hf_run_spec_t spec;
    size_t len;
    const char *text = hf_workflow_text(wf, &len);

    if (hf_journal_spec(r->journal, &spec, err) < 0)
        return -1;
    return spec.text_len == len && memcmp(spec.text, text, len) == 0;
}

int hf_run_reload(hf_run_t *r, uint64_t seed, hf_workflow_t **wf, hf_engine_config_t *cfg,
                  double *best, hf_error_t *err)
{
    hf_run_spec_t spec;
    hf_error_t why = {{0}};
    hf_dag_t *dag = NULL;
    int tries = 0;

    *wf = NULL;
    if (hf_journal_spec(r->journal, &spec, &why) < 0 ||
        !(*wf = hf_workflow_load_buffer(spec.file, spec.text, spec.text_len, &why)))
        goto error;
    *cfg = spec.cfg;
    cfg->walltime = spec.walltime;
    if (hf_policy_features(cfg->policy).tuned) {
        /* The search the run made: on its platform, with the file's
         * bandwidths (the journal keeps none; only simulations use them),
         * before its walltime (a flag's, maybe) replaced the file's. */
        hf_engine_config_t search = spec.cfg;
        hf_platform_t file = {-1, -1, -1, 0, 0};
        hf_workflow_platform(*wf, &file);
        search.platform.bw_shared = file.bw_shared;
        search.platform.bw_node = file.bw_node;
        search.walltime = hf_workflow_walltime(*wf);
        if (!(dag = hf_dag_create(*wf, &why)) ||
            (tries = hf_run_prepare(*wf, dag, &search, seed, best, &why)) < 0)
            goto error;
    }
    hf_dag_destroy(dag);
    if (spec.walltime > 0)
        hf_workflow_set_walltime(*wf, spec.walltime);
    return tries;
error:
    hf_error_set(err, "%s: %s", r->workdir, why.text);
    hf_dag_destroy(dag);
    hf_workflow_destroy(*wf);
    *wf = NULL;
    return -1;
}

static long pid_of(void *ctx, uint32_t task)
{
    return hf_exec_local_pid(ctx, task);
}

int hf_run_start(hf_run_t *r, hf_workflow_t *wf, hf_dag_t *dag,
                 const hf_engine_config_t *cfg, const hf_run_exec_t *x,
                 hf_resume_counts_t *counts, hf_error_t *err)
{
    hf_resume_counts_t none;

    if (hf_exec_local_create(wf, x->machine, &cfg->platform, r->workdir, &r->local, err) <
            0 ||
        (x->launcher != HF_LAUNCHER_LOCAL &&
         hf_exec_local_set_launcher(&r->local, x->launcher, x->hosts, x->nhosts, err) <
             0) ||
        !(r->engine = hf_engine_create(wf, dag, cfg, &r->local, err)))
        return -1;
    if (x->trace && !(r->trace = hf_trace_attach(r->engine))) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    if (r->resuming && hf_run_restore(r->engine, r->journal, r->workdir, r->retry_failed,
                                      counts ? counts : &none, err) < 0)
        return -1;
    if (r->journal &&
        hf_journal_attach(r->journal, r->engine, pid_of, &r->local, err) < 0)
        return -1;
    return 0;
}

int hf_run_start_here(hf_run_t *r, hf_workflow_t *wf, hf_dag_t *dag,
                      const hf_engine_config_t *cfg, const hf_machine_t *machine,
                      hf_error_t *err)
{
    hf_run_exec_t x = {machine, HF_LAUNCHER_LOCAL, NULL, 0, false};

    return hf_run_start(r, wf, dag, cfg, &x, NULL, err);
}

hf_engine_t *hf_run_engine(const hf_run_t *r)
{
    return r->engine;
}

const hf_trace_t *hf_run_trace(const hf_run_t *r)
{
    return r->trace;
}

hf_journal_t *hf_run_journal(const hf_run_t *r)
{
    return r->journal;
}

int hf_run_execute(hf_run_t *r, hf_error_t *err)
{
    return hf_engine_run(r->engine, err);
}

int hf_run_end(hf_run_t *r, hf_error_t *err)
{
    return r->journal && r->engine ? hf_journal_detach(r->journal, err) : 0;
}

void hf_run_close(hf_run_t *r)
{
    if (!r)
        return;
    hf_trace_destroy(r->trace);
    hf_engine_destroy(r->engine);
    hf_executor_destroy(&r->local);
    hf_journal_close(r->journal);
    hf_workdir_unlock(r->lock);
    free(r->workdir);
    free(r);
}

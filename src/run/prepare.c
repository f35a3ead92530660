/* Before a run: the tuned policy's search, with simulators as its trial
 * executors and a budget that keeps big workflows affordable.  In the
 * library, so that `policy: tuned` means the same from the CLI, C and
 * Python. */
#include "hetflow/exec.h"
#include "hetflow/run.h"

static int make_sim(const hf_workflow_t *wf, hf_executor_t *out, void *arg)
{
    return hf_exec_sim_create(wf, *(const uint64_t *)arg, out);
}

int hf_run_prepare(hf_workflow_t *wf, hf_dag_t *dag, const hf_engine_config_t *cfg,
                   uint64_t seed, double *best, hf_error_t *err)
{
    /* Trials simulate the whole workflow: fewer for big ones (a million
     * tasks simulate in about a second). */
    long per = hf_workflow_ntasks(wf) > 0 ? hf_workflow_ntasks(wf) : 1;
    int budget = HF_TUNE_TASK_BUDGET / per < HF_TUNE_TRIALS
                     ? (int)(HF_TUNE_TASK_BUDGET / per)
                     : HF_TUNE_TRIALS;
    double m;

    if (!hf_policy_features(cfg->policy).tuned)
        return 0;
    return hf_tune_priorities(wf, dag, cfg, make_sim, &seed, budget, best ? best : &m,
                              err);
}

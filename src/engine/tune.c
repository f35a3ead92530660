/* The tuned policy: set priorities found by simulation.  Upward rank is
 * blind to resources: in c-DAG2, T36 (rank 760) goes before T45 (700), takes
 * every GPU, and T45 and its child wait 760 s; placing T45 first saves 460 s.
 * Starting from heft's order, each set that competes with others of its
 * level is tried ahead of them, and the change kept when the simulated
 * makespan shrinks; the executor comes from the caller (a simulator), so the
 * engine still does not know what it drives. */
#include <errno.h>
#include <stdlib.h>

#include "hetflow/engine.h"

static int simulate(hf_workflow_t *wf, hf_dag_t *dag, const hf_engine_config_t *cfg,
                    hf_exec_factory_f make, void *arg, double *makespan, hf_error_t *err)
{
    hf_executor_t x = {0};
    hf_engine_t *e;
    hf_usage_t u;
    int rc = -1;

    if (make(wf, &x, arg) < 0) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    if ((e = hf_engine_create(wf, dag, cfg, &x, err)) && hf_engine_run(e, err) == 0) {
        hf_engine_usage(e, &u);
        *makespan = u.first_start >= 0 ? u.last_end - u.first_start : 0;
        rc = 0;
    }
    hf_engine_destroy(e);
    hf_executor_destroy(&x);
    /* Rules may have added sets: the next trial starts from the file's. */
    if (hf_workflow_truncate(wf, hf_dag_nsets(dag)) < 0)
        rc = -1;
    return rc;
}

int hf_tune_priorities(hf_workflow_t *wf, hf_dag_t *dag, const hf_engine_config_t *cfg,
                       hf_exec_factory_f make, void *arg, int budget, double *best,
                       hf_error_t *err)
{
    hf_engine_config_t c = *cfg;
    int n = hf_dag_nsets(dag), tries = 0;
    double m;

    c.policy = HF_POLICY_HEFT;
    if (simulate(wf, dag, &c, make, arg, best, err) < 0)
        return -1;
    for (int level = 0; level < hf_dag_nlevels(dag) && tries < budget; level++) {
        int top = 0, members = 0;
        for (int s = 0; s < n; s++) {
            if (hf_dag_level(dag, s) != level)
                continue;
            members++;
            if (hf_workflow_get_set(wf, s)->priority > top)
                top = hf_workflow_get_set(wf, s)->priority;
        }
        if (members < 2)
            continue;
        for (int s = 0; s < n && tries < budget; s++) {
            hf_set_t *set = hf_workflow_get_set_mut(wf, s);
            int was = set->priority;
            if (hf_dag_level(dag, s) != level)
                continue;
            set->priority = top + 1;
            tries++;
            if (simulate(wf, dag, &c, make, arg, &m, err) < 0)
                return -1;
            if (m < *best - 1e-9) {
                *best = m;
                top++;
            } else {
                set->priority = was;
            }
        }
    }
    return tries;
}

/* libFuzzer harness for the workflow loader: any bytes go through
 * hf_workflow_load_buffer; a workflow that loads goes on through the DAG,
 * the platform check, the model and a short simulation, so that whatever
 * the loader accepts, the rest of hetflow must survive too. */
#include <stddef.h>
#include <stdint.h>

#include "hetflow/hetflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_platform_t p = {.nodes = 4, .cores_per_node = 16, .gpus_per_node = 2};
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_CRITICAL_PATH,
                              .platform = p,
                              .walltime = 0};
    hf_error_t err;
    hf_workflow_t *wf =
        hf_workflow_load_buffer("fuzz.yaml", (const char *)data, size, &err);
    hf_dag_t *dag = NULL;
    hf_analysis_t a;
    hf_executor_t sim = {0};
    hf_engine_t *e = NULL;

    if (!wf)
        return 0;
    /* Keep each input fast: big workflows are the benchmarks' business. */
    if (hf_workflow_ntasks(wf) > 20000 || hf_workflow_nsets(wf) > 2000 ||
        !(dag = hf_dag_create(wf, &err)) || hf_workflow_check_platform(wf, &p, &err) < 0)
        goto done;
    if (hf_analyze(wf, dag, &p, &a) == 0)
        hf_analysis_free(&a);
    for (int mode = HF_MODE_SEQUENTIAL; mode <= HF_MODE_TASK; mode++) {
        cfg.mode = (hf_mode_t)mode;
        /* As written: the run before may have added sets (a repeat). */
        if (hf_workflow_truncate(wf, hf_dag_nsets(dag)) < 0 ||
            hf_exec_sim_create(wf, 1, &sim) < 0)
            break;
        if ((e = hf_engine_create(wf, dag, &cfg, &sim, &err)))
            hf_engine_run(e, &err);
        hf_engine_destroy(e);
        hf_executor_destroy(&sim);
        e = NULL;
    }
done:
    hf_dag_destroy(dag);
    hf_workflow_destroy(wf);
    return 0;
}

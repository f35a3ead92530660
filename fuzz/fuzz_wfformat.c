/* libFuzzer harness for the WfFormat importer: bytes (seeded with the
 * shared WfCommons instances of every schema version) go through the
 * loader, a set per task or, for inputs of odd length, per category; a
 * workflow that loads goes through the DAG, the model and a simulation, and
 * is exported again, so that whatever the importer accepts the rest of
 * hetflow must survive. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "hetflow/hetflow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hf_platform_t p = {.nodes = 2, .cores_per_node = 48, .gpus_per_node = 0};
    hf_engine_config_t cfg = {
        .mode = HF_MODE_TASK, .policy = HF_POLICY_CRITICAL_PATH, .platform = p};
    hf_error_t err;
    hf_workflow_t *wf =
        hf_workflow_load_buffer_flags("fuzz.json", (const char *)data, size,
                                      size % 2 ? HF_LOAD_GROUP_BY_CATEGORY : 0, &err);
    hf_dag_t *dag = NULL;
    hf_analysis_t a;
    hf_executor_t sim = {0};
    hf_engine_t *e = NULL;
    hf_trace_t *t = NULL;
    char out[64];

    if (!wf)
        return 0;
    if (hf_workflow_ntasks(wf) > 5000 || !(dag = hf_dag_create(wf, &err)) ||
        hf_workflow_check_platform(wf, &p, &err) < 0)
        goto done;
    if (hf_analyze(wf, dag, &p, &a) == 0)
        hf_analysis_free(&a);
    if (hf_exec_sim_create(wf, 1, &sim) < 0 ||
        !(e = hf_engine_create(wf, dag, &cfg, &sim, &err)))
        goto done;
    t = hf_trace_attach(e);
    if (hf_engine_run(e, &err) == 0 && t) {
        snprintf(out, sizeof(out), "/tmp/fuzz-wfformat-%d.json", (int)getpid());
        hf_trace_write_wfformat(t, e, out, NULL, 0, 0, &err);
        unlink(out);
    }
done:
    hf_trace_destroy(t);
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);
    hf_dag_destroy(dag);
    hf_workflow_destroy(wf);
    return 0;
}

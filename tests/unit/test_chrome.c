/* Unit tests for src/trace/chrome.c: the trace parses, has a slice per
 * task and node, and no two slices overlap on one thread. */
#include "helpers.h"

static void one_slice_per_task_node(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  a: {tasks: 20, cores: 3, duration: 5}\n"
                                "  mpi: {ranks: 3, cores: 4, duration: 7, after: [a]}\n");
    hf_platform_t p = {2, 8, 0, 0, 0};
    hf_engine_config_t cfg = {
        .mode = HF_MODE_TASK, .policy = HF_POLICY_FIFO, .platform = p, .walltime = 0};
    hf_dag_t *d = hf_dag_create(wf, NULL);
    hf_executor_t sim;
    hf_engine_t *e;
    hf_trace_t *t;
    json_t *root, *events;
    json_error_t jerr;
    int slices = 0, meta = 0;
    const char *path = "/tmp/hetflow-test-trace.json";

    (void)state;
    hf_exec_sim_create(wf, 0, &sim);
    e = hf_engine_create(wf, d, &cfg, &sim, NULL);
    t = hf_trace_attach(e);
    assert_non_null(t);
    assert_int_equal(hf_engine_run(e, NULL), 0);
    assert_int_equal(hf_trace_write_chrome(t, e, path, NULL), 0);
    root = json_load_file(path, 0, &jerr);
    if (!root)
        fail_msg("trace does not parse: %s", jerr.text);
    events = json_object_get(root, "traceEvents");
    for (size_t i = 0; i < json_array_size(events); i++) {
        json_t *ev = json_array_get(events, i);
        const char *ph = json_string_value(json_object_get(ev, "ph"));
        if (strcmp(ph, "M") == 0) {
            meta++;
            continue;
        }
        slices++;
        for (size_t k = 0; k < i; k++) {
            json_t *o = json_array_get(events, k);
            if (strcmp(json_string_value(json_object_get(o, "ph")), "X") != 0 ||
                !json_equal(json_object_get(o, "pid"), json_object_get(ev, "pid")) ||
                !json_equal(json_object_get(o, "tid"), json_object_get(ev, "tid")))
                continue;
            json_int_t s1 = json_integer_value(json_object_get(o, "ts"));
            json_int_t e1 = s1 + json_integer_value(json_object_get(o, "dur"));
            json_int_t s2 = json_integer_value(json_object_get(ev, "ts"));
            json_int_t e2 = s2 + json_integer_value(json_object_get(ev, "dur"));
            assert_true(e1 <= s2 || e2 <= s1);
        }
    }
    /* 20 single-node tasks, and the 3-rank task: 2 ranks of 4 cores on one
     * node, 1 on the other: 2 slices. */
    assert_int_equal(slices, 22);
    assert_int_equal(meta, 2); /* node 0 and node 1 named */
    json_decref(root);
    unlink(path);
    hf_trace_destroy(t);
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void unwritable_path_is_an_error(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  a: {}\n");
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 1, 0, 0, 0},
                              .walltime = 0};
    hf_dag_t *d = hf_dag_create(wf, NULL);
    hf_executor_t sim;
    hf_engine_t *e;
    hf_trace_t *t;
    hf_error_t err;

    (void)state;
    hf_exec_sim_create(wf, 0, &sim);
    e = hf_engine_create(wf, d, &cfg, &sim, NULL);
    t = hf_trace_attach(e);
    hf_engine_run(e, NULL);
    assert_int_equal(hf_trace_write_chrome(t, e, "/nonexistent/t.json", &err), -1);
    assert_string_equal(err.text, "/nonexistent/t.json: No such file or directory");
    hf_trace_destroy(t);
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_slice_per_task_node),
        cmocka_unit_test(unwritable_path_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

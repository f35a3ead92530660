/* Unit tests for src/trace/summary.c: the summary and its bounds. */
#include "helpers.h"

static void makespan_and_utilization(void **state)
{
    /* 2 nodes x 4 cores x 1 GPU.  a: 2 tasks x (4 cores) 10 s, side by side;
     * then b: 1 task x (1 core, 1 GPU) 10 s.  Makespan 20; busy core-s
     * 2x4x10 + 1x10 = 90 of 8 x 20 = 160; GPU-s 10 of 2 x 20 = 40. */
    hf_workflow_t *wf = load_ok("sets:\n  a: {tasks: 2, cores: 4, duration: 10}\n"
                                "  b: {gpus: 1, duration: 10, after: [a]}\n");
    hf_platform_t p = {2, 4, 1, 0, 0};
    sim_run_t r;
    json_t *o;

    (void)state;
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &r);
    assert_true(r.summary.makespan == 20);
    assert_close(r.summary.util_cores, 90.0 / 160, 1e-12);
    assert_close(r.summary.util_gpus, 10.0 / 40, 1e-12);
    assert_int_equal(r.summary.tasks, 3);
    assert_int_equal(r.summary.done, 3);
    o = hf_summary_json(r.engine, &r.summary, NULL);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "mode")), "task");
    assert_string_equal(json_string_value(json_object_get(o, "policy")), "fifo");
    assert_true(json_number_value(json_object_get(o, "makespan")) == 20);
    assert_int_equal(json_integer_value(json_object_get(o, "tasks_done")), 3);
    assert_int_equal(json_integer_value(json_object_get(o, "tasks_failed")), 0);
    assert_close(
        json_number_value(json_object_get(json_object_get(o, "utilization"), "cores")),
        0.5625, 1e-9);
    assert_true(json_number_value(json_object_get(
                    json_object_get(json_object_get(o, "sets"), "b"), "start")) == 10);
    json_decref(o);
    sim_run_free(&r);
    hf_workflow_destroy(wf);
}

/* The bounds a summary compares with, and where they do not apply. */
static void bounds_where_they_apply(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  a: {tasks: 2, cores: 4, duration: 10}\n"
                                "  b: {gpus: 1, duration: 10, after: [a]}\n");
    hf_workflow_t *ruled =
        load_ok("sets:\n  a: {duration: 10}\n  b: {duration: 5}\n"
                "rules:\n  - when: {set: a}\n    do:\n      - cancel: {set: b}\n");
    hf_platform_t p = {2, 4, 1, 0, 0};
    hf_dag_t *d = hf_dag_create(wf, NULL), *druled = hf_dag_create(ruled, NULL);
    hf_bounds_t b;
    sim_run_t r;
    json_t *o;

    (void)state;
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &r);
    /* a then b, 10 s each: the critical path, 20, is the makespan. */
    assert_int_equal(hf_summary_bounds(r.engine, d, false, &b), 0);
    assert_int_equal(b.use, HF_BOUNDS_APPLY);
    assert_true(b.lower == 20 && b.tight == 20);
    assert_non_null(o = hf_summary_json(r.engine, &r.summary, &b));
    assert_true(json_number_value(json_object_get(o, "lower_bound")) == 20);
    assert_true(json_number_value(json_object_get(o, "makespan_over_tight_bound")) == 1);
    json_decref(o);
    /* A resume ran a part: no bound. */
    assert_int_equal(hf_summary_bounds(r.engine, d, true, &b), 0);
    assert_int_equal(b.use, HF_BOUNDS_NONE_PARTIAL);
    assert_true(b.lower == -1 && b.tight == -1);
    assert_non_null(o = hf_summary_json(r.engine, &r.summary, &b));
    assert_true(json_is_null(json_object_get(o, "lower_bound")));
    assert_true(json_is_null(json_object_get(o, "makespan_over_bound")));
    json_decref(o);
    sim_run_free(&r);
    /* Rules change the workflow the bound is of: none either. */
    simulate(ruled, &p, HF_MODE_TASK, HF_POLICY_FIFO, &r);
    assert_int_equal(hf_summary_bounds(r.engine, druled, false, &b), 0);
    assert_int_equal(b.use, HF_BOUNDS_NONE_RULES);
    sim_run_free(&r);
    hf_dag_destroy(druled);
    hf_dag_destroy(d);
    hf_workflow_destroy(ruled);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(makespan_and_utilization),
        cmocka_unit_test(bounds_where_they_apply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for service sets in simulation: started before their users,
 * serving until the last user set ends, then stopped (done); the loader's
 * checks of `uses`; and a function set's pool, which serves its calls as a
 * group of the engine's own, not a set. */
#include "helpers.h"

static void span(const hf_engine_t *e, const char *name, double *start, double *end)
{
    set_span(e, hf_workflow_find_set(hf_engine_workflow(e), name), start, end);
}

/* 4 cores.  prep 0-5; the service starts after prep and is up at once (a
 * simulated service serves from its start), holding a core: a's two tasks
 * run 5-15, b's three (after a) 15-35 on the three other cores; b was the
 * last user, so the service stops at 35 and post (after the service)
 * runs 35-38. */
static void service_serves_two_sets_then_stops(void **state)
{
    hf_workflow_t *wf =
        load_ok("sets:\n"
                "  prep: {duration: 5}\n"
                "  infer: {service: true, after: [prep]}\n"
                "  a: {tasks: 2, duration: 10, uses: infer}\n"
                "  b: {tasks: 3, duration: 20, uses: [infer], after: [a]}\n"
                "  post: {duration: 3, after: [infer]}\n");
    hf_platform_t p = {1, 4, 0, 0, 0};
    double start, end;
    sim_run_t run;

    (void)state;
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &run);
    assert_int_equal(run.summary.done, 8);
    span(run.engine, "infer", &start, &end);
    assert_close(start, 5, 1e-9);
    assert_close(end, 35, 1e-9);
    span(run.engine, "a", &start, &end);
    assert_close(start, 5, 1e-9);
    span(run.engine, "b", &start, &end);
    assert_close(start, 15, 1e-9);
    assert_close(end, 35, 1e-9);
    span(run.engine, "post", &start, &end);
    assert_close(start, 35, 1e-9);
    assert_close(run.summary.makespan, 38, 1e-9);
    sim_run_free(&run);
    /* The sequential mode gives services no stage: the same. */
    simulate(wf, &p, HF_MODE_SEQUENTIAL, HF_POLICY_FIFO, &run);
    assert_int_equal(run.summary.done, 8);
    sim_run_free(&run);
    hf_workflow_destroy(wf);
}

static void bad_uses(void **state)
{
    (void)state;
    assert_string_equal(load_error("sets:\n  a: {uses: nope}\n"),
                        "2:3: set 'a' uses 'nope', which is not a set");
    assert_string_equal(load_error("sets:\n  s: {}\n  a: {uses: [s]}\n"),
                        "3:3: set 'a' uses 's', which is not a service (service: true)");
    assert_string_equal(
        load_error("sets:\n  s: {service: true}\n  t: {service: true, uses: s}\n"),
        "3:3: set 't' uses 's', which is used by a service (services may not "
        "use others)");
    assert_string_equal(load_error("sets:\n  s: {service: yes}\n"),
                        "2:16: service must be true or false, not 'yes'");
}

/* score: 10 calls of 1 s on 2 workers of 1 core (0-5), report after it
 * (5-6).  The workflow has 2 sets and 11 tasks; the engine 3 groups: the
 * sets, then the pool's workers, whose tasks are counted, named and timed
 * as tasks; a set submitted before the run comes after the pool. */
static void pool_workers_are_a_group(void **state)
{
    hf_workflow_t *wf =
        load_ok("sets:\n"
                "  score: {tasks: 10, duration: 1, function: {python: \"m:f\"},\n"
                "          workers: {count: 2}}\n"
                "  report: {duration: 1, after: [score]}\n");
    hf_engine_config_t cfg = {.platform = {1, 4, 0, 0, 0}};
    hf_set_t *late = hf_set_create("late");
    hf_error_t err = {{0}};
    hf_task_info_t t;
    double start, end;
    sim_run_t run;

    (void)state;
    assert_int_equal(hf_workflow_nsets(wf), 2);
    assert_int_equal(hf_workflow_ntasks(wf), 11);
    sim_start(wf, &cfg, &run);
    assert_int_equal(hf_engine_ngroups(run.engine), 3);
    assert_int_equal(hf_engine_group_kind(run.engine, 0), HF_GROUP_SET);
    assert_ptr_equal(hf_engine_group_spec(run.engine, 1), hf_workflow_get_set(wf, 1));
    assert_int_equal(hf_engine_group_kind(run.engine, 2), HF_GROUP_POOL);
    assert_null(hf_engine_group_spec(run.engine, 2));
    assert_string_equal(hf_engine_group_name(run.engine, 2), "score.workers");
    assert_int_equal(hf_engine_group_first(run.engine, 2), 11);
    assert_int_equal(hf_engine_group_ntasks(run.engine, 2), 2);
    assert_int_equal(hf_engine_ntasks(run.engine), 13);
    late->duration_mean = 2;
    assert_int_equal(hf_engine_submit_set(run.engine, late, &err),
                     2);                                        /* the set's index */
    assert_int_equal(hf_engine_group_of_set(run.engine, 2), 3); /* its group */
    assert_int_equal(hf_engine_group_of_set(run.engine, 1), 1);
    assert_int_equal(hf_engine_group_of_set(run.engine, 3), -1);
    assert_int_equal(hf_engine_group_first(run.engine, 3), 13);
    sim_finish(&run);
    assert_int_equal(run.summary.done, 14); /* 10 calls, report, late, 2 workers */
    hf_engine_task(run.engine, 12, &t);
    assert_int_equal(t.group, 2);
    assert_int_equal(t.set, -1); /* a worker is no set's task */
    assert_int_equal(t.index, 1);
    assert_int_equal(t.state, HF_TASK_DONE); /* stopped once score ended */
    hf_engine_task(run.engine, 13, &t);
    assert_int_equal(t.group, 3);
    assert_int_equal(t.set, 2);
    hf_engine_span_of_group(run.engine, 2, &start, &end);
    assert_close(start, 0, 1e-9);
    assert_close(end, 5, 1e-9);
    hf_engine_span_of_group(run.engine, 0, &start, &end);
    assert_close(end, 5, 1e-9);
    assert_close(run.summary.makespan, 6, 1e-9);
    sim_run_free(&run);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(service_serves_two_sets_then_stops),
        cmocka_unit_test(bad_uses),
        cmocka_unit_test(pool_workers_are_a_group),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

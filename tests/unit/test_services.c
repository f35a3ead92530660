/* Unit tests for service sets in simulation: started before their users,
 * serving until the last user set ends, then stopped (done); and the
 * loader's checks of `uses`. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(service_serves_two_sets_then_stops),
        cmocka_unit_test(bad_uses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

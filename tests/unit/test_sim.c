/* Unit tests for src/exec/sim.c: duration draws and the virtual clock. */
#include <math.h>

#include "helpers.h"

static void fixed_durations_are_exact(void **state)
{
    hf_set_t s = {.duration_mean = 42.5};

    (void)state;
    for (uint32_t i = 0; i < 10; i++)
        assert_true(hf_sim_duration(&s, 3, i, 99) == 42.5);
}

static void draws_depend_on_seed_set_and_index_only(void **state)
{
    hf_set_t s = {.duration_mean = 100, .duration_stddev = 20};

    (void)state;
    assert_true(hf_sim_duration(&s, 1, 5, 7) == hf_sim_duration(&s, 1, 5, 7));
    assert_true(hf_sim_duration(&s, 1, 5, 7) != hf_sim_duration(&s, 1, 5, 8));
    assert_true(hf_sim_duration(&s, 1, 5, 7) != hf_sim_duration(&s, 2, 5, 7));
    assert_true(hf_sim_duration(&s, 1, 5, 7) != hf_sim_duration(&s, 1, 6, 7));
}

static void normal_truncated_at_zero(void **state)
{
    hf_set_t s = {.duration_mean = 100, .duration_stddev = 10};
    double sum = 0, sq = 0;
    const int n = 20000;

    (void)state;
    for (int i = 0; i < n; i++) {
        double d = hf_sim_duration(&s, 0, (uint32_t)i, 1);
        sum += d;
        sq += d * d;
    }
    /* Far from 0 the truncation does not matter: mean 100, sd 10, within
     * a few standard errors (0.07 for the mean). */
    assert_close(sum / n, 100, 0.5);
    assert_close(sqrt(sq / n - (sum / n) * (sum / n)), 10, 0.3);

    /* Mean 1, sd 10: most draws would be negative; none may be. */
    s.duration_mean = 1;
    for (int i = 0; i < n; i++)
        assert_true(hf_sim_duration(&s, 0, (uint32_t)i, 1) >= 0);
}

static void same_seed_same_run(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  a: {tasks: 50, cores: 2,\n"
                                "      duration: {mean: 10, stddev: 3}}\n"
                                "  b: {tasks: 50, duration: {mean: 5, stddev: 2},\n"
                                "      after: [{set: a, map: one-to-one}]}\n");
    hf_platform_t p = {2, 8, 0, 0, 0};
    sim_run_t r1, r2;

    (void)state;
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &r1);
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &r2);
    assert_true(r1.summary.makespan == r2.summary.makespan);
    for (uint32_t id = 0; id < 100; id++) {
        hf_task_info_t x, y;
        hf_engine_task(r1.engine, id, &x);
        hf_engine_task(r2.engine, id, &y);
        assert_true(x.start == y.start && x.end == y.end);
        /* The simulator's clock gives each task exactly its draw. */
        assert_close(x.end - x.start,
                     hf_sim_duration(hf_workflow_get_set(wf, x.set), x.set, x.index, 0),
                     1e-9);
    }
    sim_run_free(&r1);
    sim_run_free(&r2);
    hf_workflow_destroy(wf);
}

static void result_model(void **state)
{
    /* One core, so tasks are done in index order: the k-th done reports
     * 2 x 0.5^k: 1, 0.5, 0.25; the set without a model reports nothing. */
    hf_workflow_t *wf = load_ok("sets:\n  uq: {tasks: 3, duration: 1,\n"
                                "      result: {uncertainty: {start: 2, factor: 0.5},\n"
                                "               n: {start: 7}}}\n"
                                "  plain: {duration: 1}\n");
    hf_platform_t p = {1, 1, 0, 0, 0};
    sim_run_t r;
    const json_t *res;

    (void)state;
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &r);
    for (uint32_t i = 0; i < 3; i++) {
        res = hf_engine_result(r.engine, i);
        assert_non_null(res);
        assert_close(json_real_value(json_object_get(res, "uncertainty")),
                     2 * pow(0.5, i + 1), 1e-12);
        assert_close(json_real_value(json_object_get(res, "n")), 7, 1e-12); /* factor 1 */
    }
    assert_null(hf_engine_result(r.engine, 3));
    sim_run_free(&r);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixed_durations_are_exact),
        cmocka_unit_test(draws_depend_on_seed_set_and_index_only),
        cmocka_unit_test(normal_truncated_at_zero),
        cmocka_unit_test(same_seed_same_run),
        cmocka_unit_test(result_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

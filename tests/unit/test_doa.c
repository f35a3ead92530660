/* Unit tests for src/analysis/doa.c: DOA_dep, DOA_res and WLA. */
#include "helpers.h"

static void degrees(const char *yaml, hf_platform_t p, int dep, int res, int wla)
{
    hf_workflow_t *wf = load_ok(yaml);
    hf_dag_t *d = hf_dag_create(wf, NULL);
    hf_analysis_t a;

    assert_int_equal(hf_analyze(wf, d, &p, &a), 0);
    assert_int_equal(a.doa_dep, dep);
    assert_int_equal(a.doa_res, res);
    assert_int_equal(a.wla, wla);
    assert_true(a.doa_res_exact);
    hf_analysis_free(&a);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void independent_sets_compete_for_cores(void **state)
{
    (void)state;
    /* Three independent sets of 2 x 1 core: all three need 6 cores. */
    const char *three = "sets:\n  a: {tasks: 2}\n  b: {tasks: 2}\n  c: {tasks: 2}\n";
    degrees(three, (hf_platform_t){1, 6, 0, 0, 0}, 2, 2, 2);
    /* On 4 cores only two fit together: DOA_res = 1, WLA = min = 1. */
    degrees(three, (hf_platform_t){1, 4, 0, 0, 0}, 2, 1, 1);
    /* On 1 core no set fits whole: DOA_res is 0, not -1. */
    degrees(three, (hf_platform_t){1, 1, 0, 0, 0}, 2, 0, 0);
}

static void gpus_limit_too(void **state)
{
    (void)state;
    /* Four independent 1-GPU sets on 2 GPUs (plenty of cores). */
    degrees("sets:\n  a: {gpus: 1}\n  b: {gpus: 1}\n  c: {gpus: 1}\n  d: {gpus: 1}\n",
            (hf_platform_t){1, 64, 2, 0, 0}, 3, 1, 1);
}

static void chains_have_no_asynchronicity(void **state)
{
    (void)state;
    degrees("sets:\n  a: {}\n  b: {after: [a]}\n  c: {after: [b]}\n",
            (hf_platform_t){1, 4, 0, 0, 0}, 0, 0, 0);
}

static void antichain_must_be_incomparable(void **state)
{
    (void)state;
    /* s -> {a, b, c}; a, b, c small, s large: the best resource-feasible
     * antichain is {a, b, c} (s is comparable to all), width 3. */
    degrees("sets:\n  s: {tasks: 8}\n  a: {after: [s]}\n  b: {after: [s]}\n"
            "  c: {after: [s]}\n",
            (hf_platform_t){1, 8, 0, 0, 0}, 2, 2, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(independent_sets_compete_for_cores),
        cmocka_unit_test(gpus_limit_too),
        cmocka_unit_test(chains_have_no_asynchronicity),
        cmocka_unit_test(antichain_must_be_incomparable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

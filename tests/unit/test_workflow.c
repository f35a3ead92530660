/* Unit tests for src/workflow/workflow.c: building a workflow through the
 * API, resolving dependencies, and the platform check. */
#include <errno.h>

#include "helpers.h"

static const hf_mark_t here = {3, 5};

static void builds_with_defaults(void **state)
{
    hf_workflow_t *wf = hf_workflow_create("w", "w.yaml");
    hf_set_t *a, *b;

    (void)state;
    a = hf_workflow_add_set(wf, "a", here, NULL);
    b = hf_workflow_add_set(wf, "b", here, NULL);
    assert_non_null(a);
    assert_int_equal(a->tasks, 1);
    assert_int_equal(a->cores, 1);
    assert_int_equal(a->gpus, 0);
    assert_int_equal(a->ranks, 1);
    a->tasks = 10;
    b->tasks = 10;
    assert_non_null(hf_workflow_add_dep(wf, b, "a", HF_MAP_ONE_TO_ONE, here));
    assert_int_equal(hf_workflow_finish(wf, NULL), 0);
    assert_int_equal(b->after[0].parent, 0);
    assert_int_equal(hf_workflow_ntasks(wf), 20);
    assert_int_equal(hf_workflow_first_task(wf, 1), 10);
    assert_int_equal(hf_workflow_find_set(wf, "b"), 1);
    assert_int_equal(hf_workflow_find_set(wf, "c"), -1);
    hf_workflow_destroy(wf);
}

static void rejects_duplicate_names(void **state)
{
    hf_workflow_t *wf = hf_workflow_create("w", "w.yaml");
    hf_error_t err;

    (void)state;
    assert_non_null(hf_workflow_add_set(wf, "a", (hf_mark_t){2, 3}, &err));
    assert_null(hf_workflow_add_set(wf, "a", (hf_mark_t){4, 3}, &err));
    assert_int_equal(errno, EEXIST);
    assert_string_equal(err.text, "w.yaml:4:3: duplicate set name 'a' (first at line 2)");
    hf_workflow_destroy(wf);
}

static void rejects_bad_edges(void **state)
{
    hf_workflow_t *wf = hf_workflow_create("w", "w.yaml");
    hf_set_t *a = hf_workflow_add_set(wf, "a", here, NULL);
    hf_error_t err;

    (void)state;
    hf_workflow_add_dep(wf, a, "nope", HF_MAP_ALL, (hf_mark_t){7, 9});
    assert_int_equal(hf_workflow_finish(wf, &err), -1);
    assert_int_equal(errno, EINVAL);
    assert_string_equal(err.text, "w.yaml:7:9: set 'a' depends on unknown set 'nope'");
    hf_workflow_destroy(wf);

    wf = hf_workflow_create("w", "w.yaml");
    a = hf_workflow_add_set(wf, "a", here, NULL);
    hf_workflow_add_dep(wf, a, "a", HF_MAP_ALL, here);
    assert_int_equal(hf_workflow_finish(wf, &err), -1);
    assert_string_equal(err.text, "w.yaml:3:5: set 'a' depends on itself");
    hf_workflow_destroy(wf);

    wf = hf_workflow_create("w", "w.yaml");
    hf_workflow_add_set(wf, "a", here, NULL)->tasks = 3;
    a = hf_workflow_add_set(wf, "b", here, NULL);
    a->tasks = 4;
    hf_workflow_add_dep(wf, a, "a", HF_MAP_ONE_TO_ONE, here);
    assert_int_equal(hf_workflow_finish(wf, &err), -1);
    assert_string_equal(err.text, "w.yaml:3:5: one-to-one map needs equal task counts: "
                                  "'b' has 4, 'a' has 3");
    hf_workflow_destroy(wf);
}

static void checks_fit_on_a_node(void **state)
{
    hf_workflow_t *wf = hf_workflow_create("w", "w.yaml");
    hf_set_t *a = hf_workflow_add_set(wf, "big", (hf_mark_t){4, 3}, NULL);
    hf_platform_t p = {16, 48, 6, 0, 0};
    hf_error_t err;

    (void)state;
    a->cores = 64;
    a->gpus = 1;
    assert_int_equal(hf_workflow_finish(wf, NULL), 0);
    assert_int_equal(hf_workflow_check_platform(wf, &p, &err), -1);
    assert_string_equal(err.text, "w.yaml:4:3: set 'big' asks 64 cores and 1 GPUs per "
                                  "rank, but a node has 48 cores and 6 GPUs");
    a->cores = 4;
    a->gpus = 8;
    assert_int_equal(hf_workflow_check_platform(wf, &p, &err), -1);
    a->gpus = 1;
    a->ranks = 97; /* 6 ranks per node by GPUs, x 16 nodes = 96 */
    assert_int_equal(hf_workflow_check_platform(wf, &p, &err), -1);
    assert_non_null(strstr(err.text, "platform holds only 96 such ranks"));
    a->ranks = 96;
    assert_int_equal(hf_workflow_check_platform(wf, &p, &err), 0);
    hf_workflow_destroy(wf);
}

static void settings_and_names(void **state)
{
    hf_workflow_t *wf = hf_workflow_create("w", NULL);
    hf_platform_t p, given = {16, -1, -1, 0, 0};
    hf_mode_t mode;
    hf_policy_t policy;

    (void)state;
    assert_false(hf_workflow_mode(wf, &mode));
    assert_false(hf_workflow_policy(wf, &policy));
    assert_false(hf_workflow_platform(wf, &p));
    hf_workflow_set_platform(wf, &given);
    assert_true(hf_workflow_platform(wf, &p));
    assert_int_equal(p.nodes, 16);
    assert_int_equal(p.cores_per_node, -1);
    assert_int_equal(hf_mode_parse("workload", &mode), 0);
    assert_int_equal(mode, HF_MODE_WORKLOAD);
    assert_int_equal(hf_mode_parse("async", &mode), -1);
    assert_int_equal(hf_policy_parse("critical-path", &policy), 0);
    assert_string_equal(hf_policy_name(policy), "critical-path");
    assert_string_equal(hf_mode_name(HF_MODE_SEQUENTIAL), "sequential");
    assert_int_equal(hf_workflow_finish(wf, NULL), -1); /* no sets */
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builds_with_defaults), cmocka_unit_test(rejects_duplicate_names),
        cmocka_unit_test(rejects_bad_edges),    cmocka_unit_test(checks_fit_on_a_node),
        cmocka_unit_test(settings_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

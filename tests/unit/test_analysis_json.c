/* Unit tests for src/analysis/json.c. */
#include "helpers.h"

static void has_every_field_of_the_contract(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  a: {tasks: 4, duration: 10}\n"
                                "  b: {duration: 5, after: [a]}\n");
    hf_platform_t p = {1, 2, 0, 0, 0};
    hf_dag_t *d = hf_dag_create(wf, NULL);
    hf_analysis_t a;
    json_t *o;
    const char *keys[] = {"doa_dep",       "doa_res",         "wla",
                          "t_seq",         "t_async",         "improvement",
                          "critical_path", "lower_bound",     "sets",
                          "t_seq_bounded", "t_async_bounded", "improvement_bounded",
                          "limited_by"};

    (void)state;
    assert_int_equal(hf_analyze(wf, d, &p, &a), 0);
    o = hf_analysis_json(wf, d, &p, &a);
    assert_non_null(o);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!json_object_get(o, keys[i]))
            fail_msg("missing %s", keys[i]);
    /* a: 4 tasks, 2 at once: 2 waves x 10 = 20; b: 5; chain: 25. */
    assert_true(json_number_value(json_object_get(o, "t_seq")) == 25);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(o, "sets"), "a"), "waves")),
                     2);
    assert_true(json_number_value(json_object_get(
                    json_object_get(json_object_get(o, "sets"), "a"), "t")) == 20);
    json_decref(o);
    hf_analysis_free(&a);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(has_every_field_of_the_contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

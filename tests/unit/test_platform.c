/* Unit tests for src/platform/platform.c. */
#include "helpers.h"

static void overlays_given_fields(void **state)
{
    hf_platform_t p = {1, 8, 0, 2e9, 0}, flags = {16, -1, 6, 0, 1e9};

    (void)state;
    hf_platform_overlay(&p, &flags);
    assert_true(p.bw_shared == 2e9); /* a bandwidth not given (0) is kept */
    assert_true(p.bw_node == 1e9);
    assert_int_equal(p.nodes, 16);
    assert_int_equal(p.cores_per_node, 8);
    assert_int_equal(p.gpus_per_node, 6);
    assert_int_equal(hf_platform_total_cores(&p), 128);
    assert_int_equal(hf_platform_total_gpus(&p), 96);
}

static void rejects_out_of_range(void **state)
{
    hf_platform_t p = {0, 8, 0, 0, 0};
    hf_error_t err;

    (void)state;
    assert_int_equal(hf_platform_check(&p, &err), -1);
    assert_string_equal(err.text, "nodes must be between 1 and 1000000, not 0");
    p = (hf_platform_t){1, 5000, 0, 0, 0};
    assert_int_equal(hf_platform_check(&p, &err), -1);
    p = (hf_platform_t){1, 4, -1, 0, 0};
    assert_int_equal(hf_platform_check(&p, &err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(overlays_given_fields),
        cmocka_unit_test(rejects_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

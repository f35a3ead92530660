/* Unit tests for src/platform/gpu.c.  CTest runs this program three times:
 * with the fake NVML library on LD_LIBRARY_PATH (EXPECT=nvml:3), with only
 * the fake nvidia-smi on PATH (EXPECT=nvidia-smi:2), and with neither
 * (EXPECT=none:0). */
#include "helpers.h"

static void counts_as_expected(void **state)
{
    const char *expect = getenv("EXPECT");
    char source[HF_GPU_SOURCE_LEN], want[HF_GPU_SOURCE_LEN];
    int n, want_n;

    (void)state;
    assert_non_null(expect);
    assert_int_equal(sscanf(expect, "%23[^:]:%d", want, &want_n), 2);
    n = hf_gpu_count(source);
    assert_string_equal(source, want);
    assert_int_equal(n, want_n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_as_expected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

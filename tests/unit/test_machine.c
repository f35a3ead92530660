/* Unit tests for src/platform/machine.c: hwloc's cores within this
 * process's binding, and GPU ids from an inherited CUDA_VISIBLE_DEVICES. */
#include <sched.h>

#include "helpers.h"

static void cores_are_this_process_cpus(void **state)
{
    hf_machine_t m;
    cpu_set_t mine;
    int seen = 0;

    (void)state;
    unsetenv("CUDA_VISIBLE_DEVICES");
    assert_int_equal(sched_getaffinity(0, sizeof(mine), &mine), 0);
    assert_int_equal(hf_machine_detect(&m, NULL), 0);
    assert_true(m.ncores >= 1);
    for (int k = 0; k < m.ncores; k++) {
        assert_true(m.pu_offset[k + 1] > m.pu_offset[k]); /* at least a thread */
        for (int j = m.pu_offset[k]; j < m.pu_offset[k + 1]; j++) {
            assert_true(CPU_ISSET(m.pus[j], &mine));
            seen++;
        }
    }
    assert_int_equal(seen, CPU_COUNT(&mine));
    hf_machine_free(&m);
}

static void binding_limits_the_cores(void **state)
{
    cpu_set_t all, one;
    hf_machine_t m;

    (void)state;
    sched_getaffinity(0, sizeof(all), &all);
    CPU_ZERO(&one);
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (CPU_ISSET(c, &all)) {
            CPU_SET(c, &one);
            break;
        }
    }
    assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
    assert_int_equal(hf_machine_detect(&m, NULL), 0);
    assert_int_equal(m.ncores, 1);
    hf_machine_free(&m);
    sched_setaffinity(0, sizeof(all), &all);
}

static void inherited_visible_devices(void **state)
{
    hf_machine_t m;

    (void)state;
    setenv("CUDA_VISIBLE_DEVICES", "3,GPU-abc,-1,5", 1);
    assert_int_equal(hf_machine_detect(&m, NULL), 0);
    /* CUDA stops at "-1": two GPUs, named as given. */
    assert_int_equal(m.ngpus, 2);
    assert_string_equal(m.gpu_ids[0], "3");
    assert_string_equal(m.gpu_ids[1], "GPU-abc");
    assert_string_equal(m.gpu_source, "CUDA_VISIBLE_DEVICES");
    hf_machine_free(&m);
    setenv("CUDA_VISIBLE_DEVICES", "", 1);
    assert_int_equal(hf_machine_detect(&m, NULL), 0);
    assert_int_equal(m.ngpus, 0);
    hf_machine_free(&m);
    unsetenv("CUDA_VISIBLE_DEVICES");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cores_are_this_process_cpus),
        cmocka_unit_test(binding_limits_the_cores),
        cmocka_unit_test(inherited_visible_devices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

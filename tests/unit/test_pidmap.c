/* Unit tests for src/exec/pidmap.c. */
#include "exec/pidmap.h"
#include "helpers.h"

static void put_take_many(void **state)
{
    pidmap_t m;
    uint32_t task;

    (void)state;
    pidmap_init(&m);
    assert_int_equal(pidmap_take(&m, 5, &task), -1);
    for (pid_t pid = 1; pid <= 5000; pid++)
        assert_int_equal(pidmap_put(&m, pid * 7, (uint32_t)pid), 0);
    /* Take every other one, then check the rest are all still found: the
     * backward shift must keep every probe run intact. */
    for (pid_t pid = 1; pid <= 5000; pid += 2) {
        assert_int_equal(pidmap_take(&m, pid * 7, &task), 0);
        assert_int_equal(task, (uint32_t)pid);
    }
    for (pid_t pid = 2; pid <= 5000; pid += 2) {
        assert_int_equal(pidmap_take(&m, pid * 7, &task), 0);
        assert_int_equal(task, (uint32_t)pid);
    }
    assert_int_equal(m.n, 0);
    assert_int_equal(pidmap_take(&m, 14, &task), -1);
    pidmap_fini(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(put_take_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/engine/timers.c. */
#include "engine/timers.h"
#include "helpers.h"

static void due_in_time_order(void **state)
{
    timers_t t;
    timer_t_ tm;

    (void)state;
    timers_init(&t);
    assert_true(timers_next(&t) == -1);
    assert_int_equal(timers_add(&t, TIMER_RETRY, 5, 1, 0), 0);
    assert_int_equal(timers_add(&t, TIMER_TIMEOUT, 2, 2, 1.5), 0);
    assert_int_equal(timers_add(&t, TIMER_WALLTIME, 5, 0, 0), 0); /* ties: in order */
    assert_true(timers_next(&t) == 2);
    assert_int_equal(timers_pop_due(&t, 1.9, &tm), 0);
    assert_int_equal(timers_pop_due(&t, 2, &tm), 1);
    assert_int_equal(tm.kind, TIMER_TIMEOUT);
    assert_int_equal(tm.task, 2);
    assert_true(tm.stamp == 1.5);
    assert_int_equal(timers_pop_due(&t, 10, &tm), 1);
    assert_int_equal(tm.kind, TIMER_RETRY);
    assert_int_equal(timers_pop_due(&t, 10, &tm), 1);
    assert_int_equal(tm.kind, TIMER_WALLTIME);
    assert_int_equal(timers_pop_due(&t, 10, &tm), 0);
    /* Slots are reused: many more timers than ever live at once. */
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(timers_add(&t, TIMER_RETRY, i, (uint32_t)i, 0), 0);
        assert_int_equal(timers_pop_due(&t, i, &tm), 1);
        assert_int_equal(tm.task, (uint32_t)i);
    }
    assert_true(t.n <= 3);
    timers_fini(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(due_in_time_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

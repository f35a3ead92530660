/* Unit tests for src/util/queue.c. */
#include "helpers.h"
#include "util/queue.h"

static void fifo_through_growth_and_wrap(void **state)
{
    queue_t q = {0};
    uint32_t next_out = 0, next_in = 0;

    (void)state;
    /* Interleave pushes and pops so the ring wraps before it grows. */
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 7; i++, next_in++)
            assert_int_equal(queue_push(&q, next_in, 1000 + next_in), 0);
        for (int i = 0; i < 5; i++, next_out++) {
            assert_int_equal(queue_head(&q)->index, next_out);
            ready_t r = queue_pop(&q);
            assert_int_equal(r.index, next_out);
            assert_int_equal(r.seq, 1000 + next_out);
        }
    }
    while (q.n > 0)
        assert_int_equal(queue_pop(&q).index, next_out++);
    assert_int_equal(next_out, next_in);
    assert_null(q.ring); /* an empty queue holds no memory */
    queue_fini(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fifo_through_growth_and_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

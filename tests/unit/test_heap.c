/* Unit tests for src/util/heap.c. */
#include "helpers.h"
#include "util/heap.h"

static bool less_by_key(const void *ctx, uint32_t a, uint32_t b)
{
    const int *key = ctx;

    return key[a] != key[b] ? key[a] < key[b] : a < b;
}

static void pops_in_key_order(void **state)
{
    int key[1000];
    heap_t h;
    int last = -1;

    (void)state;
    for (int i = 0; i < 1000; i++)
        key[i] = (i * 7919) % 1000; /* a permutation of 0..999 */
    heap_init(&h, less_by_key, key);
    for (uint32_t i = 0; i < 1000; i++)
        assert_int_equal(heap_push(&h, i), 0);
    assert_int_equal(heap_size(&h), 1000);
    while (heap_size(&h) > 0) {
        uint32_t top = heap_top(&h);
        assert_int_equal(heap_pop(&h), top);
        assert_true(key[top] > last);
        last = key[top];
    }
    assert_int_equal(last, 999);
    heap_fini(&h);
}

static void ties_break_by_comparator(void **state)
{
    int key[4] = {5, 5, 5, 1};
    heap_t h;

    (void)state;
    heap_init(&h, less_by_key, key);
    assert_int_equal(heap_reserve(&h, 4), 0);
    for (uint32_t i = 0; i < 4; i++)
        heap_push(&h, i);
    assert_int_equal(heap_pop(&h), 3);
    assert_int_equal(heap_pop(&h), 0);
    assert_int_equal(heap_pop(&h), 1);
    assert_int_equal(heap_pop(&h), 2);
    heap_push(&h, 2);
    heap_clear(&h);
    assert_int_equal(heap_size(&h), 0);
    heap_fini(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pops_in_key_order),
        cmocka_unit_test(ties_break_by_comparator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

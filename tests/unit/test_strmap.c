/* Unit tests for src/util/strmap.c. */
#include "helpers.h"
#include "util/strmap.h"

static void puts_gets_and_grows(void **state)
{
    static char keys[5000][16];
    strmap_t m;

    (void)state;
    strmap_init(&m);
    assert_int_equal(strmap_get(&m, "absent"), -1);
    for (int i = 0; i < 5000; i++) {
        snprintf(keys[i], sizeof(keys[i]), "set%d", i);
        assert_int_equal(strmap_put(&m, keys[i], i), 0);
    }
    for (int i = 0; i < 5000; i++)
        assert_int_equal(strmap_get(&m, keys[i]), i);
    assert_int_equal(strmap_get(&m, "set5000"), -1);
    assert_int_equal(strmap_put(&m, keys[7], 70), 0); /* replace */
    assert_int_equal(strmap_get(&m, "set7"), 70);
    assert_int_equal(m.n, 5000);
    strmap_fini(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(puts_gets_and_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

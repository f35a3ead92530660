/* Unit tests for src/util/str.c: replacing, and the edit distance behind
 * "did you mean". */
#include "helpers.h"
#include "util/str.h"

static void replaces_every_match(void **state)
{
    char *s = str_replace("a{i}b{i}", "{i}", "12");

    (void)state;
    assert_string_equal(s, "a12b12");
    free(s);
}

static void measures_edits(void **state)
{
    (void)state;
    assert_int_equal(str_distance("command", "command", 3), 0);
    assert_int_equal(str_distance("comand", "command", 3), 1);   /* a deletion */
    assert_int_equal(str_distance("commmand", "command", 3), 1); /* an insertion */
    assert_int_equal(str_distance("cammand", "command", 3), 1);  /* a substitution */
    assert_int_equal(str_distance("comamnd", "command", 3), 1);  /* a swap */
    assert_int_equal(str_distance("ab", "ba", 3), 1);
    assert_int_equal(str_distance("", "abc", 3), 3);
    assert_int_equal(str_distance("kitten", "sitting", 3), 3);
    assert_int_equal(str_distance("kitten", "sitting", 2), 3);   /* more than max */
    assert_int_equal(str_distance("walltime", "timeout", 3), 4); /* max + 1 */
}

static void refuses_long_words(void **state)
{
    char a[STR_NEAR_MAX + 2];

    (void)state;
    memset(a, 'x', sizeof(a) - 1);
    a[sizeof(a) - 1] = '\0';
    assert_int_equal(str_distance(a, a, 5), 6);
}

static void finds_the_nearest(void **state)
{
    static const char *const keys[] = {"tasks", "cores", "gpus", "command", "stage"};
    char buf[64];
    str_near_t n;

    (void)state;
    n = str_near("comand");
    for (size_t i = 0; i < 5; i++)
        str_near_try(&n, keys[i]);
    assert_string_equal(n.best, "command");
    assert_string_equal(str_near_hint(&n, buf, sizeof(buf)),
                        " (did you mean 'command'?)");
    n = str_near("cors"); /* one edit from cores, two from gpus */
    for (size_t i = 0; i < 5; i++)
        str_near_try(&n, keys[i]);
    assert_string_equal(n.best, "cores");
    n = str_near("walltime"); /* nothing within 2 edits */
    for (size_t i = 0; i < 5; i++)
        str_near_try(&n, keys[i]);
    assert_null(n.best);
    assert_string_equal(str_near_hint(&n, buf, sizeof(buf)), "");
    n = str_near("b"); /* one or two bytes: near nothing */
    str_near_try(&n, "a");
    assert_null(n.best);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replaces_every_match),
        cmocka_unit_test(measures_edits),
        cmocka_unit_test(refuses_long_words),
        cmocka_unit_test(finds_the_nearest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

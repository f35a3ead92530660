/* Unit tests for src/util/error.c. */
#include <errno.h>

#include "helpers.h"

static void formats_with_place(void **state)
{
    hf_error_t err;

    (void)state;
    hf_error_at(&err, "w.yaml", 12, 5, "set '%s' is bad", "T7");
    assert_string_equal(err.text, "w.yaml:12:5: set 'T7' is bad");
    hf_error_at(&err, "w.yaml", 0, 0, "empty");
    assert_string_equal(err.text, "w.yaml: empty");
    hf_error_at(&err, NULL, 3, 1, "no file");
    assert_string_equal(err.text, "no file");
}

static void keeps_errno_and_accepts_null(void **state)
{
    hf_error_t err;
    char long_name[2 * HF_ERROR_MAX];

    (void)state;
    errno = EINVAL;
    hf_error_set(NULL, "ignored %d", 1);
    hf_error_at(NULL, "f", 1, 1, "ignored");
    assert_int_equal(errno, EINVAL);
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    hf_error_at(&err, "f.yaml", 1, 2, "%s", long_name);
    assert_int_equal(strlen(err.text), sizeof(err.text) - 1); /* cut, terminated */
    assert_int_equal(errno, EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(formats_with_place),
        cmocka_unit_test(keeps_errno_and_accepts_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

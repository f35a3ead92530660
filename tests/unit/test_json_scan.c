/* Unit tests for src/workflow/json_scan.c: the check of a whole text (what
 * RFC 8259 refuses, where), and the walks after it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "workflow/json_scan.h"

static js_t *checked(const char *text)
{
    static js_t j;
    size_t at;
    const char *why = NULL;

    j = js_text(text, strlen(text));
    if (js_check(&j, &at, &why) < 0)
        fail_msg("'%s': %s at %zu", text, why, at);
    return &j;
}

/* Texts js_check refuses, where and why. */
static const struct {
    const char *text;
    size_t at;
    const char *why;
} refused[] = {
    {"{\"a\": 1,}", 8, "an object's key must be a string"},
    {"[1, 2,]", 6, "not a JSON value"},
    {"{\"a\" 1}", 5, "':' expected after a key"},
    {"[01]", 2, "',' or ']' expected"},
    {"[1.]", 3, "a number without digits after its point"},
    {"[\"a\tb\"]", 3, "a control character in a string"},
    {"[\"\\x\"]", 2, "a bad escape in a string"},
    {"[\"\\udc00\"]", 2, "a lone surrogate in a string"},
    {"[\"\xc0\xaf\"]", 2, "a string that is not UTF-8"},     /* overlong '/' */
    {"[\"\xed\xa0\x80\"]", 2, "a string that is not UTF-8"}, /* a surrogate */
    {"{} {}", 3, "text after the JSON value"},
    {"[\"abc", 5, "a string without its closing quote"},
    {"  ", 2, "the text ends where a value should be"},
};

static void check_refuses(void **state)
{
    char deep[200];

    (void)state;
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        js_t j = js_text(refused[i].text, strlen(refused[i].text));
        size_t at = 0;
        const char *why = NULL;
        assert_int_equal(js_check(&j, &at, &why), -1);
        assert_string_equal(why, refused[i].why);
        assert_int_equal(at, refused[i].at);
    }
    /* 64 levels are read, 65 are not. */
    memset(deep, '[', 64);
    memset(deep + 64, ']', 64);
    deep[128] = '\0';
    checked(deep);
    memset(deep, '[', 65);
    memset(deep + 65, ']', 65);
    deep[130] = '\0';
    js_t j = js_text(deep, strlen(deep));
    size_t at;
    const char *why;
    assert_int_equal(js_check(&j, &at, &why), -1);
    assert_string_equal(why, "nesting too deep");
    assert_int_equal(at, 64);
}

static void walks(void **state)
{
    static const char *const keys[] = {"b", "a", "none"};
    const char *text =
        " {\"a\": [1, {\"x\": \"]\"}, -2.5e1], \"b\\u0020\": \"\\u00e9\\ud83d\\ude00\","
        " \"b \": 0, \"c\": null}";
    js_t *j = checked(text);
    size_t root = js_root(j), out[3], it = 0, v, repeat;
    char *s;

    (void)state;
    assert_int_equal(root, 1);
    assert_int_equal(js_end(j, root), strlen(text));
    /* "b\u0020" is "b ": a repeat once decoded. */
    assert_int_equal(js_members(j, root, (const char *[]){"b "}, 1, out, &repeat),
                     JS_NONE);
    assert_int_equal(repeat, (size_t)(strstr(text, "\"b \"") - text));
    assert_int_equal(js_members(j, root, keys, 3, out, NULL), strlen(text));
    assert_int_equal(out[2], JS_NONE);
    assert_int_equal(js_kind(j, out[1]), '[');
    v = js_next_item(j, out[1], &it);
    assert_int_equal(js_kind(j, v), '0');
    v = js_next_item(j, out[1], &it);
    assert_int_equal(js_end(j, v), (size_t)(strstr(text, "}, -2") - text) + 1);
    v = js_next_item(j, out[1], &it);
    assert_true(js_number(j, v) == -25.0);
    assert_int_equal(js_number_len(j, v), 6);
    assert_int_equal(js_next_item(j, out[1], &it), JS_NONE);
    assert_int_equal(js_members(j, root, (const char *[]){"b "}, 1, out, NULL),
                     strlen(text));
    assert_non_null(s = js_string(j, out[0], NULL));
    assert_string_equal(s, "\xc3\xa9\xf0\x9f\x98\x80"); /* é and U+1F600 */
    free(s);
    assert_true(js_string_is(j, out[0], "\xc3\xa9\xf0\x9f\x98\x80"));
}

static void nul_and_marks(void **state)
{
    const char *text = "{\n  \"\xc3\xa9\xc3\xa9\": \"a\\u0000b\"}";
    js_t *j = checked(text);
    size_t out[1];
    hf_mark_t m;

    (void)state;
    js_members(j, js_root(j), (const char *[]){"\xc3\xa9\xc3\xa9"}, 1, out, NULL);
    errno = 0;
    assert_null(js_string(j, out[0], NULL)); /* a NUL would cut it short */
    assert_int_equal(errno, EINVAL);
    m = js_mark(j, out[0]);
    assert_int_equal(m.line, 2);
    assert_int_equal(m.col, 9); /* columns count characters, not bytes */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_refuses),
        cmocka_unit_test(walks),
        cmocka_unit_test(nul_and_marks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

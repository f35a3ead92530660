/* Unit tests for src/workflow/expr.c: the rule-expression language. */
#include "helpers.h"
#include "workflow/expr.h"

/* Results as the tests see them: "uncertainty" of the rule's set is
 * {0.3, 0.1, 0.2}; "loss" of set "train" is {0.5}; nothing else exists. */
static double results(void *ctx, hf_agg_t agg, const char *set, const char *key)
{
    static const double u[] = {0.3, 0.1, 0.2}, loss[] = {0.5};
    const double *v = NULL;
    int n = 0;
    double r;

    (void)ctx;
    if (!set && strcmp(key, "uncertainty") == 0)
        v = u, n = 3;
    else if (set && strcmp(set, "train") == 0 && strcmp(key, "loss") == 0)
        v = loss, n = 1;
    if (agg == HF_AGG_COUNT)
        return n;
    if (n == 0)
        return NAN;
    r = agg == HF_AGG_MIN ? INFINITY : agg == HF_AGG_MAX ? -INFINITY : 0;
    for (int i = 0; i < n; i++) {
        if (agg == HF_AGG_MIN)
            r = fmin(r, v[i]);
        else if (agg == HF_AGG_MAX)
            r = fmax(r, v[i]);
        else
            r += v[i];
    }
    return agg == HF_AGG_MEAN ? r / n : r;
}

static double value(const char *text)
{
    char why[128];
    size_t where;
    expr_t *e = expr_parse(text, &where, why, sizeof(why));
    double v;

    if (!e)
        fail_msg("'%s': %s at %zu", text, why, where);
    v = expr_eval(e, results, NULL);
    expr_free(e);
    return v;
}

static void evaluates(void **state)
{
    (void)state;
    assert_close(value("max(uncertainty)"), 0.3, 1e-12);
    assert_close(value("min(uncertainty)"), 0.1, 1e-12);
    assert_close(value("mean(uncertainty)"), 0.2, 1e-12);
    assert_close(value("sum(uncertainty) * 10"), 6, 1e-12);
    assert_true(value("count(uncertainty)") == 3);
    assert_true(value("max(uncertainty) < 0.5") == 1);
    assert_true(value("max(uncertainty) < 0.2") == 0);
    assert_true(value("min(train.loss) <= 0.5 and count(uncertainty) >= 3") == 1);
    assert_true(value("not (1 > 2) or max(x) > 0") == 1);
    assert_true(value("1 + 2 * 3 - 4 / 2 == 5") == 1); /* precedence */
    assert_true(value("-(-2) == 2") == 1);
    assert_true(value("10 - 2 - 3") == 5); /* left-associative */
}

static void missing_results_are_false(void **state)
{
    (void)state;
    /* No "loss" in the rule's own set: NaN, and every comparison false. */
    assert_true(isnan(value("max(loss)")));
    assert_true(value("max(loss) < 1") == 0);
    assert_true(value("max(loss) >= 1") == 0);
    assert_true(value("max(loss) != 1") == 0);
    assert_true(value("max(loss) < 1 or 1") == 1);
    assert_true(value("count(loss)") == 0);
    assert_true(isnan(value("1 / 0")));
}

static void reports_where(void **state)
{
    static const struct {
        const char *text;
        size_t where;
        const char *why;
    } bad[] = {
        {"", 0, "unexpected end"},
        {"max(uncertainty", 15, "expected ')'"},
        {"max uncertainty", 4, "expected '('"},
        {"max(1)", 4, "expected a result name"},
        {"max(a.)", 6, "expected a result name after '.'"},
        {"1 < 2 3", 6, "unexpected text"},
        {"1 <", 3, "unexpected end"},
        {"order > 1", 0, "expected a number"}, /* 'or' must be a whole word */
        {"1e999", 0, "bad number"},
        {"(((1)", 5, "expected ')'"},
    };
    char why[128];
    size_t where;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expr_t *e = expr_parse(bad[i].text, &where, why, sizeof(why));
        if (e)
            fail_msg("'%s' parsed", bad[i].text);
        if (where != bad[i].where || !strstr(why, bad[i].why))
            fail_msg("'%s': %s at %zu, want %s at %zu", bad[i].text, why, where,
                     bad[i].why, bad[i].where);
    }
}

static void depth_is_bounded(void **state)
{
    char text[1000];
    char why[128];
    size_t where;

    (void)state;
    memset(text, '(', 300);
    text[300] = '\0';
    assert_null(expr_parse(text, &where, why, sizeof(why)));
    assert_non_null(strstr(why, "nested too deeply"));
}

static void collect(const char *set, void *arg)
{
    int *n = arg;

    assert_true(strcmp(set, "a") == 0 || strcmp(set, "b-2") == 0);
    (*n)++;
}

static void names_sets(void **state)
{
    char why[128];
    size_t where;
    expr_t *e =
        expr_parse("max(a.x) < min(b-2.y) and count(z) > 0", &where, why, sizeof(why));
    int n = 0;

    (void)state;
    assert_non_null(e);
    expr_sets(e, collect, &n);
    assert_int_equal(n, 2);
    expr_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evaluates),     cmocka_unit_test(missing_results_are_false),
        cmocka_unit_test(reports_where), cmocka_unit_test(depth_is_bounded),
        cmocka_unit_test(names_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

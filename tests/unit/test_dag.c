/* Unit tests for src/workflow/dag.c: order, levels, cycles, pipelines,
 * paths and antichains. */
#include <errno.h>

#include "helpers.h"

/* c-DAG's shape (docs/model.md#modes): T0 -> T12 -> {T36, T45 -> T7}. */
static const char *cdag = "sets:\n"
                          "  T0: {}\n"
                          "  T12: {after: [T0]}\n"
                          "  T36: {after: [T12]}\n"
                          "  T45: {after: [T12]}\n"
                          "  T7: {after: [T45]}\n";

static hf_dag_t *dag_of(hf_workflow_t *wf)
{
    hf_error_t err;
    hf_dag_t *d = hf_dag_create(wf, &err);

    if (!d)
        fail_msg("dag: %s", err.text);
    return d;
}

static void levels_order_children(void **state)
{
    hf_workflow_t *wf = load_ok(cdag);
    hf_dag_t *d = dag_of(wf);
    int pos[5];

    (void)state;
    assert_int_equal(hf_dag_nlevels(d), 4);
    assert_int_equal(hf_dag_level(d, 0), 0);
    assert_int_equal(hf_dag_level(d, 1), 1);
    assert_int_equal(hf_dag_level(d, 2), 2);
    assert_int_equal(hf_dag_level(d, 3), 2);
    assert_int_equal(hf_dag_level(d, 4), 3);
    for (int i = 0; i < 5; i++)
        pos[hf_dag_topo(d)[i]] = i;
    assert_true(pos[0] < pos[1] && pos[1] < pos[2] && pos[1] < pos[3] && pos[3] < pos[4]);
    assert_int_equal(hf_dag_nchildren(d, 1), 2);
    assert_int_equal(hf_dag_nchildren(d, 4), 0);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void level_is_longest_path(void **state)
{
    /* a -> b -> c and a -> c: c is at level 2, not 1. */
    hf_workflow_t *wf =
        load_ok("sets:\n  a: {}\n  b: {after: [a]}\n  c: {after: [a, b]}\n");
    hf_dag_t *d = dag_of(wf);

    (void)state;
    assert_int_equal(hf_dag_level(d, 2), 2);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void names_the_cycle(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n"
                                "  start: {}\n"
                                "  a: {after: [start, c]}\n"
                                "  b: {after: [a]}\n"
                                "  c: {after: [b]}\n"
                                "  after_cycle: {after: [c]}\n");
    hf_error_t err;
    const char *msg;

    (void)state;
    assert_null(hf_dag_create(wf, &err));
    assert_int_equal(errno, EINVAL);
    msg = strchr(err.text, ':') + 1;
    /* The walk starts at the first set left out (a) and follows parents
     * a, c, b back to a; printed along the edges from the last set walked,
     * and placed at b's edge from a (line 4, column 15). */
    assert_string_equal(msg, "4:15: dependency cycle: b -> c -> a -> b");
    hf_workflow_destroy(wf);
}

static void pipelines_default_cut(void **state)
{
    hf_workflow_t *wf = load_ok(cdag);
    hf_dag_t *d = dag_of(wf);

    (void)state;
    /* T12 has two children: its out-edges are cut, leaving [T0, T12],
     * [T36], [T45, T7]. */
    assert_int_equal(hf_dag_npipelines(d), 3);
    assert_int_equal(hf_dag_pipeline(d, 0), hf_dag_pipeline(d, 1));
    assert_int_not_equal(hf_dag_pipeline(d, 1), hf_dag_pipeline(d, 2));
    assert_int_not_equal(hf_dag_pipeline(d, 2), hf_dag_pipeline(d, 3));
    assert_int_equal(hf_dag_pipeline(d, 3), hf_dag_pipeline(d, 4));
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void pipelines_by_label(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n"
                                "  T0: {}\n"
                                "  T12: {after: [T0]}\n"
                                "  T36: {after: [T12], pipeline: late}\n"
                                "  T45: {after: [T12]}\n"
                                "  T7: {after: [T45], pipeline: late}\n");
    hf_dag_t *d = dag_of(wf);

    (void)state;
    /* Labels join T36 and T7 and take T7 out of T45's pipeline. */
    assert_int_equal(hf_dag_npipelines(d), 3);
    assert_int_equal(hf_dag_pipeline(d, 2), hf_dag_pipeline(d, 4));
    assert_int_not_equal(hf_dag_pipeline(d, 3), hf_dag_pipeline(d, 4));
    assert_int_equal(hf_dag_pipeline(d, 0), hf_dag_pipeline(d, 1));
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void ranks_and_paths(void **state)
{
    hf_workflow_t *wf = load_ok(cdag);
    hf_dag_t *d = dag_of(wf);
    double w[5] = {380, 160, 760, 240, 460}, rank[5];

    (void)state;
    hf_dag_upward_rank(d, w, rank);
    assert_true(rank[4] == 460);
    assert_true(rank[3] == 700); /* 240 + 460 */
    assert_true(rank[2] == 760);
    assert_true(rank[1] == 920);  /* 160 + max(760, 700) */
    assert_true(rank[0] == 1300); /* 380 + 920 */
    assert_true(hf_dag_reaches(d, 0, 4));
    assert_true(hf_dag_reaches(d, 1, 2));
    assert_false(hf_dag_reaches(d, 2, 4));
    assert_false(hf_dag_reaches(d, 4, 0));
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void largest_antichain(void **state)
{
    hf_workflow_t *wf = load_ok(cdag);
    hf_dag_t *d = dag_of(wf);
    int members[16], n; /* room for every set of either workflow */

    (void)state;
    /* {T36, T45} or {T36, T7}: two sets no path joins. */
    n = hf_dag_max_antichain(d, members);
    assert_int_equal(n, 2);
    assert_false(hf_dag_reaches(d, members[0], members[1]));
    assert_false(hf_dag_reaches(d, members[1], members[0]));
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);

    /* A fan of 1 -> 6 -> 1 and a chain beside it: width 7. */
    wf = load_ok("sets:\n  s: {}\n"
                 "  a: {after: [s]}\n  b: {after: [s]}\n  c: {after: [s]}\n"
                 "  d: {after: [s]}\n  e: {after: [s]}\n  f: {after: [s]}\n"
                 "  j: {after: [a, b, c, d, e, f]}\n"
                 "  x: {}\n  y: {after: [x]}\n  z: {after: [y]}\n");
    d = dag_of(wf);
    n = hf_dag_max_antichain(d, members);
    assert_int_equal(n, 7);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++)
            assert_false(i != k && hf_dag_reaches(d, members[i], members[k]));
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(levels_order_children), cmocka_unit_test(level_is_longest_path),
        cmocka_unit_test(names_the_cycle),       cmocka_unit_test(pipelines_default_cut),
        cmocka_unit_test(pipelines_by_label),    cmocka_unit_test(ranks_and_paths),
        cmocka_unit_test(largest_antichain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/engine/gates.c: which stages open when. */
#include "engine/gates.h"
#include "helpers.h"

static const char *cdag = "sets:\n  T0: {}\n  T12: {after: [T0]}\n  T36: {after: [T12]}\n"
                          "  T45: {after: [T12]}\n  T7: {after: [T45]}\n";

static void sequential_opens_level_by_level(void **state)
{
    hf_workflow_t *wf = load_ok(cdag);
    hf_dag_t *d = hf_dag_create(wf, NULL);
    gates_t g;

    (void)state;
    assert_int_equal(gates_init(&g, d, wf, HF_MODE_SEQUENTIAL), 0);
    assert_int_equal(g.nstages, 4); /* levels 0..3 */
    assert_true(gates_open(&g, 0));
    assert_false(gates_open(&g, 1));
    assert_int_equal(gates_set_ended(&g, 0), g.stage_of[1]);
    assert_true(gates_open(&g, 1));
    assert_false(gates_open(&g, 2));
    gates_set_ended(&g, 1);
    assert_true(gates_open(&g, 2) && gates_open(&g, 3));
    /* T7 waits for both sets of level 2, T36 included. */
    assert_int_equal(gates_set_ended(&g, 3), -1);
    assert_false(gates_open(&g, 4));
    assert_int_equal(gates_set_ended(&g, 2), g.stage_of[4]);
    assert_true(gates_open(&g, 4));
    gates_fini(&g);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void workload_opens_per_pipeline(void **state)
{
    hf_workflow_t *wf = load_ok(cdag);
    hf_dag_t *d = hf_dag_create(wf, NULL);
    gates_t g;

    (void)state;
    assert_int_equal(gates_init(&g, d, wf, HF_MODE_WORKLOAD), 0);
    /* [T0, T12], [T36], [T45, T7]: the first stage of each is open. */
    assert_int_equal(g.nstages, 5);
    assert_true(gates_open(&g, 0));
    assert_false(gates_open(&g, 1));
    assert_true(gates_open(&g, 2)); /* its parent edge still holds, not a gate */
    assert_true(gates_open(&g, 3));
    assert_false(gates_open(&g, 4));
    assert_int_equal(gates_set_ended(&g, 3), g.stage_of[4]); /* T36 not needed */
    assert_true(gates_open(&g, 4));
    gates_fini(&g);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void task_mode_has_no_gates(void **state)
{
    hf_workflow_t *wf = load_ok(cdag);
    hf_dag_t *d = hf_dag_create(wf, NULL);
    gates_t g;

    (void)state;
    assert_int_equal(gates_init(&g, d, wf, HF_MODE_TASK), 0);
    assert_int_equal(g.nstages, 0);
    for (int s = 0; s < 5; s++)
        assert_true(gates_open(&g, s));
    assert_int_equal(gates_set_ended(&g, 0), -1);
    gates_fini(&g);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sequential_opens_level_by_level),
        cmocka_unit_test(workload_opens_per_pipeline),
        cmocka_unit_test(task_mode_has_no_gates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

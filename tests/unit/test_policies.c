/* Unit tests for the policies beyond fifo and critical-path: heft's
 * backfilling keeps a blocked task's reservation; the tuned policy finds the
 * order that c-DAG2's upward ranks miss.  Times worked out in comments. */
#include "helpers.h"

/* 4 cores.  X (1 core, 5 s) feeds H (4 cores, 10 s) and T (1 core, 2 s);
 * twelve S (1 core, 4 s) need nothing.  Ranks: X 15, H 10, S 4, T 2.
 *   0: X and S0-S2 start; 4: S3-S5 take the three freed cores.
 *   5: X ends: H needs 4 cores, 1 is free.
 * critical-path (greedy): S6 takes the free core at 5, S7-S9 the three at
 *   8, S10 at 9, S11 at 12, T at 12; H waits for 4 free cores: 16.
 * heft: H is reserved at 8, when S3-S5 end.  S (4 s) would hold the core
 *   past 8: not allowed; T (2 s, ends at 7) backfills at 5.  H runs 8-18,
 *   then S6-S11. */
static void heft_backfills_without_delaying(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n"
                                "  X: {duration: 5}\n"
                                "  H: {cores: 4, duration: 10, after: [X]}\n"
                                "  T: {duration: 2, after: [X]}\n"
                                "  S: {tasks: 12, duration: 4}\n");
    hf_platform_t p = {1, 4, 0, 0, 0};
    sim_run_t run;

    (void)state;
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_CRITICAL_PATH, &run);
    assert_close(task_named(run.engine, "H", 0).start, 16, 1e-9);
    assert_close(task_named(run.engine, "T", 0).start, 12, 1e-9);
    sim_run_free(&run);
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_HEFT, &run);
    assert_close(task_named(run.engine, "H", 0).start, 8, 1e-9);
    assert_close(task_named(run.engine, "T", 0).start, 5, 1e-9);
    assert_close(task_named(run.engine, "S", 6).start, 18, 1e-9);
    sim_run_free(&run);
    hf_workflow_destroy(wf);
}

static int make_sim(const hf_workflow_t *wf, hf_executor_t *out, void *arg)
{
    (void)arg;
    return hf_exec_sim_create(wf, 0, out);
}

/* c-DAG2 (examples/cdag2.yaml: 16 nodes x 48 cores x 6 GPUs).  T0 (96 x 16
 * cores + 1 GPU, 190 s) runs in two waves, 0-380; T12 (32 x 40 cores, 80 s)
 * in two, 380-540.  Then T36 (96 x 4 cores + 1 GPU, 760 s) and T45 (16 x 32
 * cores + 1 GPU, 240 s, then T7: 16 x 4 cores, 460 s) are both ready.
 * Upward ranks put T36 (760) before T45 (240 + 460 = 700): T36 takes all 96
 * GPUs until 1300, T45 runs 1300-1540 and T7 1540-2000.  Sequential mode
 * does the same at its level barrier: 2000.  Asynchronicity gains nothing
 * under that order; the other order makes it pay: T45 first (one task per
 * node: 32 cores, 1 GPU), 80 of T36 beside it at 540, the last 16 at 780
 * (T45 done) until 1540, and T7 780-1240: 1540.  The tuned policy finds it,
 * so the best policy is never worse than sequential here: 1540 < 2000. */
static void tuned_learns_the_cdag2_lesson(void **state)
{
    hf_workflow_t *wf =
        load_ok("sets:\n"
                "  T0:  {tasks: 96, cores: 16, gpus: 1, duration: 190}\n"
                "  T12: {tasks: 32, cores: 40, duration: 80, after: [T0]}\n"
                "  T36: {tasks: 96, cores: 4, gpus: 1, duration: 760, "
                "after: [T12]}\n"
                "  T45: {tasks: 16, cores: 32, gpus: 1, duration: 240, "
                "after: [T12]}\n"
                "  T7:  {tasks: 16, cores: 4, duration: 460, after: [T45]}\n");
    hf_platform_t p = {16, 48, 6, 0, 0};
    hf_engine_config_t cfg = {
        .mode = HF_MODE_TASK, .policy = HF_POLICY_HEFT, .platform = p};
    hf_dag_t *dag = hf_dag_create(wf, NULL);
    hf_error_t err = {{0}};
    sim_run_t run;
    double best;

    (void)state;
    simulate(wf, &p, HF_MODE_SEQUENTIAL, HF_POLICY_CRITICAL_PATH, &run);
    assert_close(run.summary.makespan, 2000, 1e-9);
    sim_run_free(&run);
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_CRITICAL_PATH, &run);
    assert_close(run.summary.makespan, 2000, 1e-9);
    sim_run_free(&run);
    assert_true(hf_tune_priorities(wf, dag, &cfg, make_sim, NULL, 64, &best, &err) > 0);
    assert_close(best, 1540, 1e-9);
    assert_true(hf_workflow_get_set(wf, hf_workflow_find_set(wf, "T45"))->priority >
                hf_workflow_get_set(wf, hf_workflow_find_set(wf, "T36"))->priority);
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_TUNED, &run);
    assert_close(run.summary.makespan, 1540, 1e-9);
    assert_close(task_named(run.engine, "T45", 0).start, 540, 1e-9);
    assert_close(task_named(run.engine, "T7", 0).start, 780, 1e-9);
    sim_run_free(&run);
    hf_dag_destroy(dag);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(heft_backfills_without_delaying),
        cmocka_unit_test(tuned_learns_the_cdag2_lesson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

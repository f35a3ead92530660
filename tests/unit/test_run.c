/* Unit tests for src/run/: the tuned policy's search from its policy alone
 * (hf_run_prepare), and a resume's replay of a journal (hf_run_restore). */
#include <errno.h>

#include "helpers.h"
#include "hetflow/run.h"
#include "util/fs.h"

static int priority_of(const hf_workflow_t *wf, const char *name)
{
    return hf_workflow_set(wf, hf_workflow_find_set(wf, name))->priority;
}

static void prepare_tunes_only_the_tuned_policy(void **state)
{
    /* c-DAG2: heft gives 2000 s, tuned puts T45 ahead of T36 for 1540 s
     * (test_policies.c tells why). */
    hf_error_t err = {{0}};
    hf_workflow_t *wf = hf_workflow_load(EXAMPLES "/cdag2.yaml", &err);
    hf_dag_t *dag;
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK, .policy = HF_POLICY_HEFT};
    double best = -1;

    (void)state;
    if (!wf)
        fail_msg("%s", err.text);
    assert_true(hf_workflow_platform(wf, &cfg.platform));
    assert_non_null(dag = hf_dag_create(wf, NULL));
    assert_int_equal(hf_run_prepare(wf, dag, &cfg, 0, &best, &err), 0);
    assert_true(best == -1); /* heft searches nothing */
    assert_int_equal(priority_of(wf, "T45"), priority_of(wf, "T36"));
    cfg.policy = HF_POLICY_TUNED;
    assert_true(hf_run_prepare(wf, dag, &cfg, 0, &best, &err) > 0);
    assert_close(best, 1540, 1e-9);
    assert_true(priority_of(wf, "T45") > priority_of(wf, "T36"));
    hf_dag_destroy(dag);
    hf_workflow_destroy(wf);
}

static const char *yaml = "sets:\n  a: {tasks: 3, duration: 2}\n"
                          "  b: {tasks: 2, duration: 1, after: [a]}\n";

static long handle(void *ctx, uint32_t task)
{
    (void)ctx;
    (void)task;
    return 0; /* no process: nothing to reclaim */
}

/* Run wf to its end in a fresh simulator. */
static hf_engine_t *engine_of(hf_workflow_t *wf, hf_dag_t *d, hf_executor_t *sim)
{
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 4, 0, 0, 0}};
    hf_engine_t *e;

    assert_int_equal(hf_exec_sim_create(wf, 0, sim), 0);
    assert_non_null(e = hf_engine_create(wf, d, &cfg, sim, NULL));
    return e;
}

static void restore_replays_the_journal(void **state)
{
    hf_workflow_t *wf = load_ok(yaml), *part = load_ok("sets:\n  a: {tasks: 3}\n");
    hf_dag_t *d = hf_dag_create(wf, NULL), *dpart = hf_dag_create(part, NULL);
    hf_run_spec_t spec = {"w.yaml", yaml, strlen(yaml), {0}, 0};
    hf_resume_counts_t counts = {-1, -1};
    hf_executor_t sim;
    hf_engine_t *e;
    hf_journal_t *j;
    hf_error_t err = {{0}};
    char dir[64] = "/tmp/hetflow-test-run-XXXXXX";

    (void)state;
    assert_non_null(mkdtemp(dir));
    rmdir(dir); /* the journal creates it */
    assert_non_null(j = hf_journal_create(dir, wf, &spec, &err));
    e = engine_of(wf, d, &sim);
    assert_int_equal(hf_journal_attach(j, e, handle, NULL, &err), 0);
    assert_int_equal(hf_engine_run(e, NULL), 0);
    assert_int_equal(hf_journal_detach(j, &err), 0);
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);

    /* A resume: all 5 tasks were done, none is run again. */
    e = engine_of(wf, d, &sim);
    assert_int_equal(hf_run_restore(e, j, dir, &counts, &err), 0);
    assert_int_equal(counts.restored, 5);
    assert_int_equal(counts.reclaimed, 0);
    assert_int_equal(hf_engine_count(e, HF_TASK_DONE), 5);
    assert_int_equal(hf_engine_run(e, NULL), 0);
    assert_int_equal(hf_engine_count(e, HF_TASK_DONE), 5);
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);

    /* The journal knows tasks this workflow has not: refused. */
    e = engine_of(part, dpart, &sim);
    errno = 0;
    assert_int_equal(hf_run_restore(e, j, dir, &counts, &err), -1);
    assert_int_equal(errno, EINVAL);
    assert_non_null(strstr(err.text, "rules added sets"));
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);

    hf_journal_close(j);
    fs_remove_tree(dir);
    hf_dag_destroy(dpart);
    hf_dag_destroy(d);
    hf_workflow_destroy(part);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prepare_tunes_only_the_tuned_policy),
        cmocka_unit_test(restore_replays_the_journal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/exec/local.c: real processes through the engine,
 * exit statuses, a program that cannot start, and a stop that terminates
 * running process groups, one of which ignores SIGTERM. */
#include <time.h>

#include "helpers.h"

typedef struct {
    hf_machine_t machine;
    hf_dag_t *dag;
    hf_executor_t local;
    hf_engine_t *engine;
} real_run_t;

static void start(real_run_t *r, hf_workflow_t *wf, const char *workdir)
{
    hf_error_t err;
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 2, 0, 0, 0},
                              .walltime = 0};

    assert_int_equal(hf_machine_detect(&r->machine, NULL), 0);
    r->dag = hf_dag_create(wf, NULL);
    if (hf_exec_local_create(wf, &r->machine, &cfg.platform, workdir, &r->local, &err) <
        0)
        fail_msg("%s", err.text);
    r->engine = hf_engine_create(wf, r->dag, &cfg, &r->local, &err);
    assert_non_null(r->engine);
}

static void finish(real_run_t *r)
{
    hf_engine_destroy(r->engine);
    hf_executor_destroy(&r->local);
    hf_dag_destroy(r->dag);
    hf_machine_free(&r->machine);
}

static void statuses_and_times(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n"
                                "  ok: {tasks: 2, command: [sleep, '0.2']}\n"
                                "  bad: {command: 'exit 3'}\n"
                                "  killed: {command: 'kill -9 $$'}\n"
                                "  missing: {command: [/no/such/thing]}\n"
                                "  after_ok: {command: [true], after: [ok]}\n");
    real_run_t r;
    hf_task_info_t t;

    (void)state;
    start(&r, wf, test_path("local/a"));
    assert_int_equal(hf_engine_run(r.engine, NULL), 0);
    assert_int_equal(hf_engine_count(r.engine, HF_TASK_DONE), 3);
    assert_int_equal(hf_engine_count(r.engine, HF_TASK_FAILED), 3);
    hf_engine_task(r.engine, 2, &t);
    assert_int_equal(t.status, 3);
    hf_engine_task(r.engine, 3, &t);
    assert_int_equal(t.status, -9);
    hf_engine_task(r.engine, 4, &t);
    assert_int_equal(t.status, 127);
    /* Two 0.2 s sleeps on two cores run side by side; the child of ok
     * starts after both, on the executor's monotonic clock. */
    hf_engine_task(r.engine, 0, &t);
    /* A start is stamped once posix_spawn has returned, after the sleep
     * began: on a loaded machine some ms late. */
    assert_true(t.end - t.start >= 0.18 && t.end - t.start < 1.5);
    assert_true(t.ready <= t.placed && t.placed <= t.start);
    hf_engine_task(r.engine, 5, &t);
    assert_int_equal(t.state, HF_TASK_DONE);
    assert_true(t.start >= 0.2);
    finish(&r);
    hf_workflow_destroy(wf);
}

/* Stop once the stubborn task has set its trap (it leaves a marker). */
static void stop_when_trapped(hf_engine_t *e, double now, void *arg)
{
    (void)now;
    if (access(arg, F_OK) == 0)
        hf_engine_stop(e, 15);
}

static void stop_terminates_groups(void **state)
{
    /* Two long tasks, one of which ignores SIGTERM (and so does its child
     * sleep, which inherits the ignored signal); the stop comes from a tick
     * once the trap is set.  SIGTERM ends the first, SIGKILL after the
     * grace period the second and its child.  The sleeps last 37 s and this
     * process's id in 7 digits as the fraction: a search for them finds
     * this run's alone, not those of the same test run elsewhere. */
    const char *mark = test_path("trapped-mark");
    char sleep[32], yaml[512], search[256];
    hf_workflow_t *wf;
    real_run_t r;
    struct timespec t0, t1;
    double took;

    (void)state;
    snprintf(sleep, sizeof(sleep), "37.%07d", (int)getpid());
    assert_true(
        snprintf(yaml, sizeof(yaml),
                 "sets:\n"
                 "  polite: {command: [sleep, '%s']}\n"
                 "  stubborn: {command: \"trap '' TERM; touch '%s'; sleep %s; true\"}\n"
                 "  later: {command: [true], after: [polite]}\n",
                 sleep, mark, sleep) < (int)sizeof(yaml));
    wf = load_ok(yaml);
    start(&r, wf, test_path("local/b"));
    hf_engine_on_tick(r.engine, 0.05, stop_when_trapped, (void *)mark);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(hf_engine_run(r.engine, NULL), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    took = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    assert_int_equal(hf_engine_stopped(r.engine), 15);
    assert_int_equal(hf_engine_count(r.engine, HF_TASK_CANCELED), 3);
    assert_int_equal(hf_engine_count(r.engine, HF_TASK_DONE), 0);
    if (!(took >= 2.5 && took < 10)) /* the 3 s grace, not 30 s */
        fail_msg("took %.2f s", took);
    finish(&r);
    /* Nothing of it is left running.  A killed process may take a moment
     * to be gone: allow 2 s. */
    assert_true(snprintf(search, sizeof(search),
                         "for i in $(seq 40); do pgrep -f '[s]leep %s' >/dev/null ||"
                         " exit 0; sleep 0.05; done; exit 1",
                         sleep) < (int)sizeof(search));
    assert_int_equal(system(search), 0);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(statuses_and_times),
        cmocka_unit_test(stop_terminates_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

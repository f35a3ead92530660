/* Unit tests for src/engine/engine.c: readiness over both kinds of edge,
 * the three modes, failure propagation (through an executor of the test's
 * own, which also shows the engine does not know which executor it drives)
 * and the transition callbacks. */
#include "helpers.h"

static double span_start(const sim_run_t *r, int set)
{
    double start, end;

    set_span(r->engine, set, &start, &end);
    return start;
}

static void one_to_one_starts_early(void **state)
{
    /* One core.  a0 runs 0-10; b0 depends on a0 alone and outranks a1
     * (priority), so b0 runs 10-11, a1 11-21, b1 21-22.  With an
     * all-tasks edge b0 would start at 20. */
#define EDGE_YAML(map)                                                                   \
    "sets:\n  a: {tasks: 2, duration: 10}\n"                                             \
    "  b: {tasks: 2, duration: 1, priority: 1,\n"                                        \
    "      after: [{set: a, map: " map "}]}\n"
    hf_platform_t p = {1, 1, 0, 0, 0};
    sim_run_t r;
    hf_workflow_t *wf;

    (void)state;
    wf = load_ok(EDGE_YAML("one-to-one"));
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &r);
    assert_true(span_start(&r, 1) == 10);
    assert_true(r.summary.makespan == 22);
    sim_run_free(&r);
    /* Workload mode: a -> b is one pipeline, b's stage waits for all of a. */
    simulate(wf, &p, HF_MODE_WORKLOAD, HF_POLICY_FIFO, &r);
    assert_true(span_start(&r, 1) == 20);
    sim_run_free(&r);
    hf_workflow_destroy(wf);

    wf = load_ok(EDGE_YAML("all"));
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &r);
    assert_true(span_start(&r, 1) == 20);
    sim_run_free(&r);
    hf_workflow_destroy(wf);
}

static void three_modes(void **state)
{
    /* T0 -> T12 -> {T36, T45 -> T7} on ample resources; T36 is long.
     * task:       T7 runs 30-40 after T45; makespan = 10+10+100 = 120.
     * workload:   T7 waits only for its pipeline [T45, T7]: also 120.
     * sequential: T7 (level 3) waits for T36 (level 2): 120 + 10 = 130. */
    hf_workflow_t *wf = load_ok("sets:\n  T0: {duration: 10}\n"
                                "  T12: {duration: 10, after: [T0]}\n"
                                "  T36: {duration: 100, after: [T12]}\n"
                                "  T45: {duration: 10, after: [T12]}\n"
                                "  T7: {duration: 10, after: [T45]}\n");
    hf_platform_t p = {1, 8, 0, 0, 0};
    sim_run_t r;

    (void)state;
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_CRITICAL_PATH, &r);
    assert_true(span_start(&r, 4) == 30);
    assert_true(r.summary.makespan == 120);
    sim_run_free(&r);
    simulate(wf, &p, HF_MODE_WORKLOAD, HF_POLICY_CRITICAL_PATH, &r);
    assert_true(span_start(&r, 4) == 30);
    assert_true(r.summary.makespan == 120);
    sim_run_free(&r);
    simulate(wf, &p, HF_MODE_SEQUENTIAL, HF_POLICY_CRITICAL_PATH, &r);
    assert_true(span_start(&r, 4) == 120);
    assert_true(r.summary.makespan == 130);
    sim_run_free(&r);
    hf_workflow_destroy(wf);
}

/* An executor that ends tasks in launch order, failing one chosen task. */
typedef struct {
    uint32_t fail;
    uint32_t running[64];
    int head, n;
    double clock;
} scripted_t;

static double scripted_now(void *ctx)
{
    return ((scripted_t *)ctx)->clock;
}

static int scripted_launch(void *ctx, const hf_launch_t *l, hf_error_t *err)
{
    scripted_t *x = ctx;

    (void)err;
    x->running[(x->head + x->n++) % 64] = l->task;
    return 0;
}

static int scripted_wait(void *ctx, hf_engine_t *e, double timeout, hf_error_t *err)
{
    scripted_t *x = ctx;
    uint32_t task;

    (void)err;
    (void)timeout;
    if (x->n == 0)
        return 0;
    task = x->running[x->head];
    x->head = (x->head + 1) % 64;
    x->n--;
    x->clock += 1;
    assert_int_equal(hf_engine_task_ended(e, task, task == x->fail ? 1 : 0), 0);
    return 1;
}

static void scripted_cancel(void *ctx, uint32_t task)
{
    (void)ctx;
    (void)task;
}

static void scripted_destroy(void *ctx)
{
    (void)ctx;
}

static const hf_executor_ops_t scripted_ops = {
    .name = "scripted",
    .now = scripted_now,
    .launch = scripted_launch,
    .wait = scripted_wait,
    .cancel = scripted_cancel,
    .destroy = scripted_destroy,
};

static void failure_cancels_dependents(void **state)
{
    /* a (2 tasks) -> b (all) -> c; a -> d (one-to-one); e alone.
     * Task a[1] (flat id 1) fails: b and c are canceled, d[1] is
     * canceled, a[0], d[0] and e[0] are done. */
    hf_workflow_t *wf = load_ok("sets:\n  a: {tasks: 2}\n  b: {after: [a]}\n"
                                "  c: {after: [b]}\n"
                                "  d: {tasks: 2, after: [{set: a, map: one-to-one}]}\n"
                                "  e: {}\n");
    hf_dag_t *d = hf_dag_create(wf, NULL);
    scripted_t ctx = {.fail = 1};
    hf_executor_t x = {&scripted_ops, &ctx};
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 4, 0, 0, 0},
                              .walltime = 0};
    hf_engine_t *e = hf_engine_create(wf, d, &cfg, &x, NULL);
    hf_task_info_t t;

    (void)state;
    assert_non_null(e);
    assert_int_equal(hf_engine_run(e, NULL), 0);
    assert_int_equal(hf_engine_count(e, HF_TASK_DONE), 3);
    assert_int_equal(hf_engine_count(e, HF_TASK_FAILED), 1);
    assert_int_equal(hf_engine_count(e, HF_TASK_CANCELED), 3);
    hf_engine_task(e, 1, &t);
    assert_int_equal(t.state, HF_TASK_FAILED);
    hf_engine_task(e, hf_workflow_first_task(wf, 3) + 1, &t);
    assert_int_equal(t.set, 3);
    assert_int_equal(t.index, 1);
    assert_int_equal(t.state, HF_TASK_CANCELED);
    assert_true(t.start < 0); /* never ran */
    hf_engine_task(e, hf_workflow_first_task(wf, 4), &t);
    assert_int_equal(t.state, HF_TASK_DONE);
    hf_engine_destroy(e);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static int transitions[HF_TASK_CANCELED + 1][HF_TASK_CANCELED + 1];

static void count_transition(hf_engine_t *e, uint32_t task, hf_task_state_t from,
                             hf_task_state_t to, double now, const hf_alloc_t *alloc,
                             void *arg)
{
    (void)e;
    (void)task;
    (void)now;
    (void)arg;
    if (to == HF_TASK_PLACED || to == HF_TASK_RUNNING)
        assert_non_null(alloc);
    transitions[from][to]++;
}

static void every_transition_is_reported(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  a: {tasks: 5, duration: 2}\n"
                                "  b: {tasks: 3, duration: 1, after: [a]}\n");
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 2, 0, 0, 0},
                              .walltime = 0};
    sim_run_t r;

    (void)state;
    sim_start(wf, &cfg, &r);
    assert_int_equal(hf_engine_on_transition(r.engine, count_transition, NULL), 0);
    sim_finish(&r);
    assert_int_equal(transitions[HF_TASK_WAITING][HF_TASK_READY], 8);
    assert_int_equal(transitions[HF_TASK_READY][HF_TASK_PLACED], 8);
    assert_int_equal(transitions[HF_TASK_PLACED][HF_TASK_RUNNING], 8);
    assert_int_equal(transitions[HF_TASK_RUNNING][HF_TASK_DONE], 8);
    assert_int_equal(hf_engine_count(r.engine, HF_TASK_DONE), 8);
    assert_int_equal(hf_engine_count(r.engine, HF_TASK_WAITING), 0);
    sim_run_free(&r);
    hf_workflow_destroy(wf);
}

static void refuses_ends_of_tasks_not_running(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  a: {}\n");
    hf_dag_t *d = hf_dag_create(wf, NULL);
    hf_executor_t sim;
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 1, 0, 0, 0},
                              .walltime = 0};
    hf_engine_t *e;
    hf_error_t err;

    (void)state;
    hf_exec_sim_create(wf, 0, &sim);
    e = hf_engine_create(wf, d, &cfg, &sim, NULL);
    assert_int_equal(hf_engine_task_ended(e, 0, 0), -1);
    assert_int_equal(hf_engine_task_ended(e, 7, 0), -1);
    hf_engine_destroy(e);
    /* A platform the workflow cannot fit is refused at creation. */
    cfg.platform.gpus_per_node = 0;
    hf_workflow_get_set_mut(wf, 0)->gpus = 1;
    assert_null(hf_engine_create(wf, d, &cfg, &sim, &err));
    assert_non_null(strstr(err.text, "asks 1 cores and 1 GPUs per rank"));
    hf_executor_destroy(&sim);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void retries_and_timeouts(void **state)
{
    /* Two cores.  a (2 x 10 s, timeout 4, one retry after 1 s) outranks c:
     * both a run 0-4 and time out; c runs 4-7; the retries are ready at 5:
     * a[0] 5-9, a[1] 7-11 (after c), both time out again and fail; b (all
     * of a) is canceled.  Makespan 11. */
    hf_workflow_t *wf = load_ok("sets:\n"
                                "  a: {tasks: 2, duration: 10, timeout: 4, retries: 1,"
                                " backoff: 1}\n"
                                "  b: {duration: 1, after: [a]}\n"
                                "  c: {duration: 3}\n");
    hf_platform_t p = {1, 2, 0, 0, 0};
    sim_run_t r;
    hf_task_info_t t;

    (void)state;
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_CRITICAL_PATH, &r);
    assert_true(r.summary.makespan == 11);
    hf_engine_task(r.engine, 1, &t);
    assert_int_equal(t.state, HF_TASK_FAILED);
    assert_int_equal(t.attempts, 1);
    assert_true(t.timed_out);
    assert_int_equal(t.status, -15);
    assert_true(t.start == 7 && t.end == 11);
    hf_engine_task(r.engine, 2, &t);
    assert_int_equal(t.state, HF_TASK_CANCELED);
    hf_engine_task(r.engine, 3, &t);
    assert_int_equal(t.state, HF_TASK_DONE);
    assert_true(t.start == 4 && t.end == 7);
    /* Busy core-seconds over all attempts: 4 + 4 + 3 + 4 + 4 = 19 of 2 x 11. */
    assert_close(r.summary.util_cores, 19.0 / 22, 1e-12);
    sim_run_free(&r);
    hf_workflow_destroy(wf);
}

static void on_failure(void **state)
{
    /* a times out at 2 and fails.  continue: b runs after it, 2-3.
     * stop: the run stops at 2, long (0-100) is canceled there. */
    hf_workflow_t *wf = load_ok("sets:\n"
                                "  a: {duration: 10, timeout: 2, on_failure: continue}\n"
                                "  b: {duration: 1, after: [a]}\n");
    hf_platform_t p = {1, 2, 0, 0, 0};
    sim_run_t r;
    double start, end;

    (void)state;
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &r);
    set_span(r.engine, 1, &start, &end);
    assert_true(start == 2 && end == 3);
    assert_int_equal(r.summary.failed, 1);
    assert_int_equal(r.summary.done, 1);
    sim_run_free(&r);
    hf_workflow_destroy(wf);

    wf = load_ok("sets:\n  a: {duration: 10, timeout: 2, on_failure: stop}\n"
                 "  long: {duration: 100}\n  b: {duration: 1, after: [a]}\n");
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &r);
    assert_int_equal(hf_engine_stopped(r.engine), HF_STOP_FAILURE);
    assert_true(r.summary.makespan == 2);
    assert_int_equal(r.summary.failed, 1);
    assert_int_equal(r.summary.canceled, 2);
    sim_run_free(&r);
    hf_workflow_destroy(wf);
}

static void walltime_stops_in_time(void **state)
{
    /* One core, 5 tasks of 6 s, walltime 20: the stop comes at
     * 20 - min(5, 20/4) = 15, during the third task, which is canceled
     * then, with the two that never started. */
    hf_workflow_t *wf = load_ok("walltime: 20\nsets:\n  a: {tasks: 5, duration: 6}\n");
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 1, 0, 0, 0},
                              .walltime = 20};
    sim_run_t r;

    (void)state;
    sim_start(wf, &cfg, &r);
    sim_finish(&r);
    assert_int_equal(hf_engine_stopped(r.engine), HF_STOP_WALLTIME);
    assert_true(r.summary.makespan == 15);
    assert_int_equal(r.summary.done, 2);
    assert_int_equal(r.summary.canceled, 3);
    sim_run_free(&r);
    hf_workflow_destroy(wf);
}

static void restored_tasks_are_not_run(void **state)
{
    /* a[0] and a[1] were done in an earlier run: only a[2] and b run, and
     * b, which needs all of a, still waits for a[2]. */
    hf_workflow_t *wf = load_ok("sets:\n  a: {tasks: 3, duration: 5}\n"
                                "  b: {duration: 1, after: [a]}\n");
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 4, 0, 0, 0},
                              .walltime = 0};
    sim_run_t r;
    hf_usage_t u;

    (void)state;
    sim_start(wf, &cfg, &r);
    assert_int_equal(hf_engine_restore_done(r.engine, 0), 0);
    assert_int_equal(hf_engine_restore_done(r.engine, 1), 0);
    assert_int_equal(hf_engine_restore_done(r.engine, 1), -1); /* not waiting any more */
    sim_finish(&r);
    hf_engine_usage(r.engine, &u);
    assert_true(u.first_start == 0 && u.last_end == 6); /* a[2] 0-5, b 5-6 */
    assert_true(u.core_seconds == 6);
    assert_int_equal(hf_engine_count(r.engine, HF_TASK_DONE), 4);
    sim_run_free(&r);
    hf_workflow_destroy(wf);
}

static void restored_failures_stay_failed(void **state)
{
    /* a[0] failed (exit 3, after 1 retry) in an earlier run, a[1] was
     * done: nothing of a runs again; b[0] (one-to-one) and c (all of a)
     * are canceled as upstream of a failure, b[1] runs; d, after a set
     * with on_failure: continue, runs.  A restored failure of a set with
     * on_failure: stop stops the run before anything starts. */
    hf_workflow_t *wf = load_ok("sets:\n  a: {tasks: 2, duration: 5}\n"
                                "  b: {tasks: 2, duration: 1,"
                                " after: [{set: a, map: one-to-one}]}\n"
                                "  c: {duration: 1, after: [a]}\n"
                                "  s: {duration: 1, on_failure: continue}\n"
                                "  d: {duration: 1, after: [s]}\n");
    hf_workflow_t *stop = load_ok("sets:\n  a: {duration: 5, on_failure: stop}\n"
                                  "  o: {duration: 1}\n");
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 4, 0, 0, 0},
                              .walltime = 0};
    hf_task_info_t t;
    sim_run_t r;

    (void)state;
    sim_start(wf, &cfg, &r);
    assert_int_equal(hf_engine_restore_failed(r.engine, 0, 3, 1), 0);
    assert_int_equal(hf_engine_restore_done(r.engine, 1), 0);
    assert_int_equal(hf_engine_restore_failed(r.engine, 5, 1, 0), 0);    /* s */
    assert_int_equal(hf_engine_restore_failed(r.engine, 0, 3, 1), -1);   /* not waiting */
    assert_int_equal(hf_engine_restore_failed(r.engine, 2, 3, 300), -1); /* tries */
    sim_finish(&r);
    hf_engine_task(r.engine, 0, &t);
    assert_int_equal(t.state, HF_TASK_FAILED);
    assert_int_equal(t.status, 3);
    assert_int_equal(t.attempts, 1);
    hf_engine_task(r.engine, 2, &t); /* b[0] */
    assert_int_equal(t.state, HF_TASK_CANCELED);
    assert_int_equal(t.cancel_cause, HF_CANCEL_UPSTREAM);
    hf_engine_task(r.engine, 3, &t); /* b[1] */
    assert_int_equal(t.state, HF_TASK_DONE);
    hf_engine_task(r.engine, 4, &t); /* c */
    assert_int_equal(t.state, HF_TASK_CANCELED);
    hf_engine_task(r.engine, 6, &t); /* d */
    assert_int_equal(t.state, HF_TASK_DONE);
    assert_int_equal(hf_engine_count(r.engine, HF_TASK_FAILED), 2);
    assert_int_equal(hf_engine_stopped(r.engine), 0);
    sim_run_free(&r);

    sim_start(stop, &cfg, &r);
    assert_int_equal(hf_engine_restore_failed(r.engine, 0, 3, 0), 0);
    sim_finish(&r);
    assert_int_equal(hf_engine_stopped(r.engine), HF_STOP_FAILURE);
    hf_engine_task(r.engine, 1, &t);
    assert_int_equal(t.state, HF_TASK_CANCELED);
    assert_int_equal(t.cancel_cause, HF_CANCEL_STOPPED);
    sim_run_free(&r);
    hf_workflow_destroy(stop);
    hf_workflow_destroy(wf);
}

static void partial_dependencies(void **state)
{
    /* Two cores.  a: 4 x 10 s in two waves, 0-10 and 10-20.  b waits for 2
     * of a (count), outranks a by priority: it starts at 10, beside a[2];
     * a[3] follows b, 15-25.  c waits for all of a: 25-26.  d waits for
     * half of a (fraction 0.5 -> 2 tasks) too, ready at 10 but outranked
     * by b and a: it takes the core a[2] frees at 20, 20-21. */
    hf_workflow_t *wf =
        load_ok("sets:\n  a: {tasks: 4, duration: 10}\n"
                "  b: {duration: 5, priority: 1, after: [{set: a, count: 2}]}\n"
                "  c: {duration: 1, after: [a]}\n"
                "  d: {duration: 1, priority: -1,"
                " after: [{set: a, fraction: 0.5}]}\n");
    hf_platform_t p = {1, 2, 0, 0, 0};
    sim_run_t r;
    double start, end;

    (void)state;
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &r);
    set_span(r.engine, 1, &start, &end);
    assert_true(start == 10 && end == 15);
    set_span(r.engine, 0, &start, &end);
    assert_true(start == 0 && end == 25);
    set_span(r.engine, 2, &start, &end);
    assert_true(start == 25 && end == 26);
    set_span(r.engine, 3, &start, &end);
    assert_true(start == 20 && end == 21);
    assert_true(r.summary.makespan == 26);
    sim_run_free(&r);
    hf_workflow_destroy(wf);
}

static void partial_dependency_never_met(void **state)
{
    /* a: 2 tasks, each timing out: none done, so b (count 1) is canceled
     * when a ends; the partial edge never released it. */
    hf_workflow_t *wf = load_ok("sets:\n  a: {tasks: 2, duration: 10, timeout: 1}\n"
                                "  b: {duration: 1, after: [{set: a, count: 1}]}\n");
    hf_platform_t p = {1, 2, 0, 0, 0};
    sim_run_t r;

    (void)state;
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &r);
    assert_int_equal(r.summary.failed, 2);
    assert_int_equal(r.summary.canceled, 1);
    sim_run_free(&r);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_to_one_starts_early),
        cmocka_unit_test(three_modes),
        cmocka_unit_test(failure_cancels_dependents),
        cmocka_unit_test(every_transition_is_reported),
        cmocka_unit_test(refuses_ends_of_tasks_not_running),
        cmocka_unit_test(retries_and_timeouts),
        cmocka_unit_test(on_failure),
        cmocka_unit_test(walltime_stops_in_time),
        cmocka_unit_test(restored_tasks_are_not_run),
        cmocka_unit_test(restored_failures_stay_failed),
        cmocka_unit_test(partial_dependencies),
        cmocka_unit_test(partial_dependency_never_met),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

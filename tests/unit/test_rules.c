/* Unit tests for rules and the adaptivity API, in simulation: each action
 * (start, cancel, share, repeat), their timing worked out by hand in the
 * comments, and the loader's errors for bad rules. */
#include <errno.h>

#include "helpers.h"

static void run_text(const char *text, hf_policy_t policy, sim_run_t *run)
{
    hf_workflow_t *wf = load_ok(text);
    hf_platform_t p;

    hf_workflow_platform(wf, &p);
    simulate(wf, &p, HF_MODE_TASK, policy, run);
}

static void free_run(sim_run_t *run)
{
    hf_workflow_t *wf = hf_engine_workflow_mut(run->engine);

    sim_run_free(run);
    hf_workflow_destroy(wf);
}

/* a: 4 tasks of 4 cores on 8 cores, two at a time: 0-100, 100-200.  Half
 * done at 100 starts b, which outranks a (priority): b runs 100-150 beside
 * a[2] (100-200); a[3] follows b at 150-250. */
static void start_on_partial_done(void **state)
{
    sim_run_t run;

    (void)state;
    run_text("platform: {nodes: 1, cores_per_node: 8, gpus_per_node: 0}\n"
             "sets:\n"
             "  a: {tasks: 4, cores: 4, duration: 100}\n"
             "  b: {tasks: 1, cores: 4, duration: 50, start: on_rule, priority: 1}\n"
             "rules:\n"
             "  - when: {set: a, done_fraction: 0.5}\n"
             "    do: [start: b]\n",
             HF_POLICY_FIFO, &run);
    assert_close(task_named(run.engine, "b", 0).start, 100, 1e-9);
    assert_close(task_named(run.engine, "a", 3).start, 150, 1e-9);
    assert_close(run.summary.makespan, 250, 1e-9);
    assert_int_equal(hf_engine_nmarks(run.engine), 1);
    free_run(&run);
}

/* A held set no rule starts is withdrawn once nothing else can run: the
 * run completes, the set canceled, its dependents run. */
static void held_set_never_started(void **state)
{
    sim_run_t run;

    (void)state;
    run_text(
        "platform: {nodes: 1, cores_per_node: 8, gpus_per_node: 0}\n"
        "sets:\n"
        "  a: {tasks: 2, cores: 4, duration: 100, result: {x: {start: 1, factor: 1}}}\n"
        "  b: {tasks: 3, duration: 50, start: on_rule}\n"
        "  c: {duration: 10, after: [b]}\n"
        "rules:\n"
        "  - when: {set: a, result: \"max(x) > 5\"}\n"
        "    do: [start: b]\n",
        HF_POLICY_FIFO, &run);
    assert_int_equal(hf_engine_nmarks(run.engine), 0);
    assert_int_equal(task_named(run.engine, "b", 0).state, HF_TASK_CANCELED);
    assert_int_equal(task_named(run.engine, "c", 0).state, HF_TASK_DONE);
    assert_close(task_named(run.engine, "c", 0).start, 100, 1e-9);
    free_run(&run);
}

/* watch (2 cores, 50 s) and three of long's six tasks (2 cores, 100 s)
 * start at 0 on 8 cores.  At 50 the rule cancels all of long: its three
 * running tasks end canceled at 50, the three queued never start.  Their
 * cores go at once to other's four tasks (2 cores each: 8 cores), 50-60;
 * after_long, whose parent was withdrawn rather than failed, runs 60-70. */
static void cancel_running_tasks(void **state)
{
    sim_run_t run;

    (void)state;
    run_text("platform: {nodes: 1, cores_per_node: 8, gpus_per_node: 0}\n"
             "sets:\n"
             "  watch: {cores: 2, duration: 50}\n"
             "  long: {tasks: 6, cores: 2, duration: 100}\n"
             "  other: {tasks: 4, cores: 2, duration: 10, after: [watch]}\n"
             "  after_long: {cores: 8, duration: 10, after: [long]}\n"
             "rules:\n"
             "  - when: {set: watch}\n"
             "    do: [cancel: long]\n",
             HF_POLICY_FIFO, &run);
    for (uint32_t i = 0; i < 6; i++)
        assert_int_equal(task_named(run.engine, "long", i).state, HF_TASK_CANCELED);
    for (uint32_t i = 0; i < 3; i++) {
        hf_task_info_t t = task_named(run.engine, "long", i);
        assert_close(t.start, 0, 1e-9);
        assert_close(t.end, 50, 1e-9);
        assert_close(task_named(run.engine, "long", 3 + i).start, -1, 0);
    }
    for (uint32_t i = 0; i < 4; i++)
        assert_close(task_named(run.engine, "other", i).start, 50, 1e-9);
    assert_int_equal(task_named(run.engine, "after_long", 0).state, HF_TASK_DONE);
    assert_close(task_named(run.engine, "after_long", 0).start, 60, 1e-9);
    assert_close(run.summary.makespan, 70, 1e-9);
    free_run(&run);
}

/* a: ten 8-core tasks of 10 s, one at a time.  Two done at 20: cancel half
 * of the eight left, those not started and with the highest indices (6-9).
 * a[2..5] run 20-60. */
static void cancel_fraction(void **state)
{
    sim_run_t run;

    (void)state;
    run_text("platform: {nodes: 1, cores_per_node: 8, gpus_per_node: 0}\n"
             "sets:\n"
             "  a: {tasks: 10, cores: 8, duration: 10}\n"
             "rules:\n"
             "  - when: {set: a, done_count: 2}\n"
             "    do: [cancel: {set: a, fraction: 0.5}]\n",
             HF_POLICY_FIFO, &run);
    for (uint32_t i = 0; i < 6; i++)
        assert_int_equal(task_named(run.engine, "a", i).state, HF_TASK_DONE);
    for (uint32_t i = 6; i < 10; i++)
        assert_int_equal(task_named(run.engine, "a", i).state, HF_TASK_CANCELED);
    assert_int_equal(run.summary.canceled, 4);
    assert_close(run.summary.makespan, 60, 1e-9);
    free_run(&run);
}

/* kick (no time) caps a at a quarter of 8 cores: a's eight 1-core tasks
 * run two at a time, 0-10, 10-20.  Four done at 20 lift the cap: the last
 * four run at once, 20-30.  Without rules all eight would run 0-10. */
static void share_caps_and_changes(void **state)
{
    sim_run_t run;

    (void)state;
    run_text("platform: {nodes: 1, cores_per_node: 8, gpus_per_node: 2}\n"
             "sets:\n"
             "  kick: {duration: 0}\n"
             "  a: {tasks: 8, duration: 10, after: [kick]}\n"
             "rules:\n"
             "  - when: {set: kick}\n"
             "    do: [share: {set: a, cores: 0.25}]\n"
             "  - when: {set: a, done_count: 4}\n"
             "    do: [share: {set: a, cores: 1.0}]\n",
             HF_POLICY_FIFO, &run);
    assert_close(task_named(run.engine, "a", 1).start, 0, 1e-9);
    assert_close(task_named(run.engine, "a", 2).start, 10, 1e-9);
    assert_close(task_named(run.engine, "a", 3).start, 10, 1e-9);
    for (uint32_t i = 4; i < 8; i++)
        assert_close(task_named(run.engine, "a", i).start, 20, 1e-9);
    assert_close(run.summary.makespan, 30, 1e-9);
    assert_int_equal(hf_engine_nmarks(run.engine), 2);
    free_run(&run);
}

/* One iteration: sim 100 s (4 x 2 cores at once), train 50 s, infer 10 s:
 * 160 s after prep's 5.  train's loss model halves per task done, counting
 * on across iterations: 0.5, 0.25, 0.125, 0.0625.  Until "< 0.1" holds
 * after the 4th iteration: 5 + 4 x 160 = 645 s.  With max 3 and a
 * condition that never holds: 5 + 3 x 160 = 485 s. */
static const char loop_yaml[] =
    "platform: {nodes: 1, cores_per_node: 8, gpus_per_node: 1}\n"
    "sets:\n"
    "  prep: {duration: 5}\n"
    "  sim-{iter}: {tasks: 4, cores: 2, duration: 100, after: [prep]}\n"
    "  train-{iter}: {gpus: 1, duration: 50, after: [\"sim-{iter}\"],\n"
    "                 result: {loss: {start: 1.0, factor: 0.5}}}\n"
    "  infer: {tasks: 2, duration: 10, after: [\"train-{iter}\"]}\n"
    "rules:\n"
    "  - when: {set: infer}\n"
    "    do:\n"
    "      - repeat: {sets: [\"sim-{iter}\", \"train-{iter}\", infer],\n"
    "                 until: \"min(train-{iter}.loss) < %s\", max: %d}\n";

static void repeat_until_and_max(void **state)
{
    char text[sizeof(loop_yaml) + 32];
    sim_run_t run;

    (void)state;
    snprintf(text, sizeof(text), loop_yaml, "0.1", 10);
    run_text(text, HF_POLICY_FIFO, &run);
    assert_close(run.summary.makespan, 645, 1e-9);
    assert_int_equal(hf_workflow_nsets(hf_engine_workflow(run.engine)), 4 + 3 * 3);
    assert_true(hf_workflow_find_set(hf_engine_workflow(run.engine), "sim-3") >= 0);
    assert_true(hf_workflow_find_set(hf_engine_workflow(run.engine), "infer.3") >= 0);
    assert_close(task_named(run.engine, "sim-3", 0).start, 5 + 3 * 160, 1e-9);
    {
        /* The workflow grew: an engine over the DAG as written refuses it
         * (it read past the DAG's sets) until it is truncated back. */
        hf_workflow_t *wf = hf_engine_workflow_mut(run.engine);
        hf_engine_config_t cfg = *hf_engine_config(run.engine);
        hf_executor_t sim;
        hf_error_t err = {{0}};
        hf_engine_t *again;
        assert_int_equal(hf_exec_sim_create(wf, 0, &sim), 0);
        assert_null(hf_engine_create(wf, run.dag, &cfg, &sim, &err));
        assert_int_equal(errno, EINVAL);
        assert_string_equal(err.text, "the DAG has 4 sets, the workflow 13: a run added "
                                      "sets (hf_workflow_truncate() it first)");
        assert_int_equal(hf_workflow_truncate(wf, hf_dag_nsets(run.dag)), 0);
        assert_non_null(again = hf_engine_create(wf, run.dag, &cfg, &sim, &err));
        hf_engine_destroy(again);
        hf_executor_destroy(&sim);
    }
    free_run(&run);

    snprintf(text, sizeof(text), loop_yaml, "0", 3);
    run_text(text, HF_POLICY_FIFO, &run);
    assert_close(run.summary.makespan, 485, 1e-9);
    assert_int_equal(hf_workflow_nsets(hf_engine_workflow(run.engine)), 4 + 2 * 3);
    free_run(&run);
}

/* The C API: a task-end callback submits a set that depends on one already
 * done and on one still running. */
typedef struct {
    int submitted;
} api_ctx_t;

static void submit_on_end(hf_engine_t *e, uint32_t task, hf_task_state_t st, double now,
                          void *arg)
{
    api_ctx_t *ctx = arg;
    hf_error_t err = {{0}};
    hf_set_t *set;

    (void)task;
    (void)st;
    (void)now;
    if (ctx->submitted++)
        return;
    set = hf_set_create("late");
    set->tasks = 2;
    set->duration_mean = 5;
    assert_non_null(hf_workflow_add_dep(hf_engine_workflow_mut(e), set, "first",
                                        HF_MAP_ALL, (hf_mark_t){0, 0}));
    assert_non_null(hf_workflow_add_dep(hf_engine_workflow_mut(e), set, "second",
                                        HF_MAP_ALL, (hf_mark_t){0, 0}));
    if (hf_engine_submit_set(e, set, &err) < 0)
        fail_msg("submit: %s", err.text);
}

/* first (10 s) ends at 10 and submits late, which waits for second (0-30)
 * and runs 30-35. */
static void api_submit_from_callback(void **state)
{
    hf_workflow_t *wf =
        load_ok("platform: {nodes: 1, cores_per_node: 4, gpus_per_node: 0}\n"
                "sets:\n"
                "  first: {duration: 10}\n"
                "  second: {duration: 30}\n");
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 4, 0, 0, 0},
                              .walltime = 0};
    api_ctx_t ctx = {0};
    sim_run_t run;

    (void)state;
    sim_start(wf, &cfg, &run);
    assert_int_equal(hf_engine_on_task_end(run.engine, submit_on_end, &ctx), 0);
    sim_finish(&run);
    assert_int_equal(ctx.submitted, 4); /* first, second, late x 2 */
    assert_int_equal(run.summary.done, 4);
    assert_close(task_named(run.engine, "late", 1).start, 30, 1e-9);
    assert_close(run.summary.makespan, 35, 1e-9);
    free_run(&run);
}

static const char held_sets[] = "sets:\n"
                                "  a: {tasks: 4}\n"
                                "  b: {start: on_rule}\n";

static void bad_rules(void **state)
{
    char text[512];

    (void)state;
    snprintf(text, sizeof(text), "%srules:\n  - when: {set: nope}\n    do: [start: b]\n",
             held_sets);
    assert_string_equal(load_error(text), "5:17: rule names unknown set 'nope'");
    snprintf(text, sizeof(text), "%srules:\n  - when: {set: a}\n    do: [cancel: zz]\n",
             held_sets);
    assert_string_equal(load_error(text), "6:18: cancel names unknown set 'zz'");
    snprintf(text, sizeof(text),
             "%srules:\n  - when: {set: a, result: \"max(x) <\"}\n    do: [start: b]\n",
             held_sets);
    assert_string_equal(load_error(text),
                        "5:37: result: unexpected end of the expression");
    snprintf(
        text, sizeof(text),
        "%srules:\n  - when: {set: a, result: 'mean(q.x) > 1'}\n    do: [start: b]\n",
        held_sets);
    assert_string_equal(load_error(text), "5:29: result names unknown set 'q'");
    snprintf(text, sizeof(text), "%srules:\n  - when: {set: b}\n    do: [start: a]\n",
             held_sets);
    assert_string_equal(load_error(text),
                        "6:17: set 'a' starts with its dependencies: give it 'start: "
                        "on_rule' for a rule to start it");
    assert_string_equal(load_error(held_sets),
                        "3:3: set 'b' has 'start: on_rule' but no rule starts it");
    snprintf(text, sizeof(text), "%srules:\n  - when: {set: a}\n    do: [explode: b]\n",
             held_sets);
    assert_string_equal(load_error(text),
                        "6:10: unknown action 'explode' (known: start, cancel, share, "
                        "repeat)");
    assert_string_equal(
        load_error("sets:\n  a: {}\n  b: {after: [a]}\n"
                   "rules:\n  - when: {set: a}\n"
                   "    do: [repeat: {sets: [a]}]\n"),
        "3:15: set 'b' depends on 'a', which a rule repeats: only sets of "
        "the same repeat may depend on it");
    assert_string_equal(load_error("sets:\n  a: {}\nrules:\n  - when: {set: a}\n"
                                   "    do: [share: {set: a, cores: 1.5}]\n"),
                        "5:33: cores share must be between 0 and 1, not 1.5");
    assert_string_equal(load_error("sets:\n  a: {}\nrules:\n  - do: [start: a]\n"),
                        "4:5: a rule needs 'when' and 'do'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(start_on_partial_done),
        cmocka_unit_test(held_set_never_started),
        cmocka_unit_test(cancel_running_tasks),
        cmocka_unit_test(cancel_fraction),
        cmocka_unit_test(share_caps_and_changes),
        cmocka_unit_test(repeat_until_and_max),
        cmocka_unit_test(api_submit_from_callback),
        cmocka_unit_test(bad_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

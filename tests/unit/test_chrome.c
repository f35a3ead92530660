/* Unit tests for src/trace/chrome.c: the trace parses, has a slice per
 * core a task held (on the threads of those cores), a slice per call on its
 * worker's thread, each attempt's end, and no two slices overlap on one
 * thread. */
#include "helpers.h"

/* The Chrome trace of a simulation of yaml on p (fifo), stopped at
 * `walltime` if not 0. */
static json_t *simulated(const char *yaml, hf_platform_t p, double walltime)
{
    const char *path = test_path("trace.json");
    hf_workflow_t *wf = load_ok(yaml);
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = p,
                              .walltime = walltime};
    hf_dag_t *d = hf_dag_create(wf, NULL);
    hf_executor_t sim;
    hf_engine_t *e;
    hf_trace_t *t;
    json_t *root;

    hf_exec_sim_create(wf, 0, &sim);
    e = hf_engine_create(wf, d, &cfg, &sim, NULL);
    t = hf_trace_attach(e);
    assert_non_null(t);
    hf_engine_run(e, NULL);
    assert_int_equal(hf_trace_write_chrome(t, e, path, NULL), 0);
    root = json_load_file(path, 0, NULL);
    assert_non_null(root); /* it parses */
    unlink(path);
    hf_trace_destroy(t);
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
    return root;
}

/* The X events named `name`, or all with NULL. */
static json_t *slices_of(json_t *root, const char *name)
{
    json_t *events = json_object_get(root, "traceEvents"), *out = json_array();
    size_t i;
    json_t *ev;

    json_array_foreach(events, i, ev)
    {
        if (strcmp(json_string_value(json_object_get(ev, "ph")), "X") == 0 &&
            (!name || strcmp(json_string_value(json_object_get(ev, "name")), name) == 0))
            json_array_append(out, ev);
    }
    return out;
}

static json_int_t int_of(json_t *ev, const char *key)
{
    return json_integer_value(json_object_get(ev, key));
}

static json_t *arg(json_t *ev, const char *key)
{
    return json_object_get(json_object_get(ev, "args"), key);
}

static void a_slice_per_core_held(void **state)
{
    json_t *root = simulated("sets:\n  a: {tasks: 20, cores: 3, duration: 5}\n"
                             "  mpi: {ranks: 3, cores: 4, duration: 7, after: [a]}\n",
                             (hf_platform_t){2, 8, 0, 0, 0}, 0);
    json_t *events;
    int slices = 0, meta = 0, first_lanes = 0;

    (void)state;
    events = json_object_get(root, "traceEvents");
    for (size_t i = 0; i < json_array_size(events); i++) {
        json_t *ev = json_array_get(events, i);
        const char *ph = json_string_value(json_object_get(ev, "ph"));
        if (strcmp(ph, "M") == 0) {
            meta++;
            continue;
        }
        slices++;
        first_lanes += json_integer_value(arg(ev, "lane")) == 0;
        for (size_t k = 0; k < i; k++) {
            json_t *o = json_array_get(events, k);
            if (strcmp(json_string_value(json_object_get(o, "ph")), "X") != 0 ||
                !json_equal(json_object_get(o, "pid"), json_object_get(ev, "pid")) ||
                !json_equal(json_object_get(o, "tid"), json_object_get(ev, "tid")))
                continue;
            json_int_t s1 = json_integer_value(json_object_get(o, "ts"));
            json_int_t e1 = s1 + json_integer_value(json_object_get(o, "dur"));
            json_int_t s2 = json_integer_value(json_object_get(ev, "ts"));
            json_int_t e2 = s2 + json_integer_value(json_object_get(ev, "dur"));
            assert_true(e1 <= s2 || e2 <= s1);
        }
    }
    /* 20 single-node tasks of 3 cores, and the 3-rank task: 2 ranks of 4
     * cores on one node, 1 on the other: a slice per core, the first of
     * each task on each node counted. */
    assert_int_equal(slices, 20 * 3 + 8 + 4);
    assert_int_equal(first_lanes, 22);
    assert_int_equal(meta, 2); /* node 0 and node 1 named */
    json_decref(root);
}

/* Cores 1 and 3 come free at once: the 2-core task is on those threads. */
static void lanes_are_the_cores_held(void **state)
{
    json_t *root = simulated("sets:\n  l0: {duration: 10}\n  s0: {duration: 1}\n"
                             "  l1: {duration: 10}\n  s1: {duration: 1}\n"
                             "  w: {cores: 2, duration: 5, after: [s0, s1]}\n",
                             (hf_platform_t){1, 4, 0, 0, 0}, 0);
    json_t *w = slices_of(root, "w[0]");

    (void)state;
    assert_int_equal(json_array_size(w), 2);
    assert_int_equal(int_of(json_array_get(w, 0), "tid"), 1);
    assert_int_equal(int_of(json_array_get(w, 1), "tid"), 3);
    assert_int_equal(json_integer_value(arg(json_array_get(w, 1), "lane")), 1);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(int_of(json_array_get(w, i), "ts"), 1000000);
        assert_int_equal(int_of(json_array_get(w, i), "dur"), 5000000);
    }
    json_decref(w);
    json_decref(root);
}

/* 20 calls of 1 s on 4 workers of 1 core: 5 a worker, back to back, each
 * on its worker's thread (named after it), none on the cores' threads. */
static void calls_on_worker_threads(void **state)
{
    json_t *root = simulated("sets:\n  score: {tasks: 20, duration: 1, function: "
                             "{python: \"m:f\"}, workers: {count: 4}}\n",
                             (hf_platform_t){1, 4, 0, 0, 0}, 0);
    json_t *all = slices_of(root, NULL), *events = json_object_get(root, "traceEvents");
    json_int_t per_tid[64] = {0}, end_of[64] = {0};
    const char *name_of[64] = {0};
    int calls = 0, workers = 0, named = 0, seen = 0, k;
    size_t i;
    json_t *ev;

    (void)state;
    json_array_foreach(events, i, ev)
    {
        json_int_t tid = int_of(ev, "tid");
        if (strcmp(json_string_value(json_object_get(ev, "name")), "thread_name") != 0)
            continue;
        named++;
        assert_true(tid >= 4 && tid < 64);
        name_of[tid] = json_string_value(arg(ev, "name"));
        assert_int_equal(sscanf(name_of[tid], "score.workers[%d]", &k), 1);
        seen |= 1 << k;
    }
    assert_int_equal(named, 4);
    assert_int_equal(seen, 0xf);
    json_array_foreach(all, i, ev)
    {
        json_int_t tid = int_of(ev, "tid");
        if (strcmp(json_string_value(arg(ev, "set")), "score.workers") == 0) {
            workers++;
            assert_true(tid < 4);
            continue;
        }
        calls++;
        assert_string_equal(json_string_value(arg(ev, "set")), "score");
        assert_true(tid >= 4 && tid < 64);
        assert_non_null(name_of[tid]);
        assert_string_equal(json_string_value(arg(ev, "worker")), name_of[tid]);
        assert_true(int_of(ev, "ts") >= end_of[tid]); /* one at a time */
        end_of[tid] = int_of(ev, "ts") + int_of(ev, "dur");
        assert_int_equal(int_of(ev, "dur"), 1000000);
        assert_int_equal(json_integer_value(arg(ev, "cores")), 0);
        per_tid[tid]++;
    }
    assert_int_equal(calls, 20);
    assert_int_equal(workers, 4);
    for (int tid = 4; tid < 64; tid++) {
        if (!name_of[tid])
            continue;
        assert_int_equal(per_tid[tid], 5);
        assert_int_equal(end_of[tid], 5000000);
    }
    json_decref(all);
    json_decref(root);
}

/* Each attempt's end: a timed-out task failed, a task canceled by the
 * walltime, a done one. */
static void ends_in_args(void **state)
{
    json_t *root = simulated("sets:\n  ok: {duration: 1}\n"
                             "  slow: {duration: 10, timeout: 2, on_failure: continue}\n"
                             "  late: {duration: 10, after: [ok]}\n",
                             (hf_platform_t){1, 4, 0, 0, 0}, 5);
    json_t *ok = slices_of(root, "ok[0]"), *slow = slices_of(root, "slow[0]"),
           *late = slices_of(root, "late[0]");

    (void)state;
    assert_string_equal(json_string_value(arg(json_array_get(ok, 0), "state")), "done");
    assert_true(json_is_false(arg(json_array_get(ok, 0), "timed_out")));
    assert_string_equal(json_string_value(arg(json_array_get(slow, 0), "state")),
                        "failed");
    assert_true(json_is_true(arg(json_array_get(slow, 0), "timed_out")));
    assert_int_equal(int_of(json_array_get(slow, 0), "dur"), 2000000);
    assert_string_equal(json_string_value(arg(json_array_get(late, 0), "state")),
                        "canceled");
    assert_int_equal(json_integer_value(arg(json_array_get(late, 0), "status")), -15);
    json_decref(ok);
    json_decref(slow);
    json_decref(late);
    json_decref(root);
}

static void unwritable_path_is_an_error(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  a: {}\n");
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 1, 0, 0, 0},
                              .walltime = 0};
    hf_dag_t *d = hf_dag_create(wf, NULL);
    hf_executor_t sim;
    hf_engine_t *e;
    hf_trace_t *t;
    hf_error_t err;

    (void)state;
    hf_exec_sim_create(wf, 0, &sim);
    e = hf_engine_create(wf, d, &cfg, &sim, NULL);
    t = hf_trace_attach(e);
    hf_engine_run(e, NULL);
    assert_int_equal(hf_trace_write_chrome(t, e, "/nonexistent/t.json", &err), -1);
    assert_string_equal(err.text, "/nonexistent/t.json: No such file or directory");
    hf_trace_destroy(t);
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_slice_per_core_held),
        cmocka_unit_test(lanes_are_the_cores_held),
        cmocka_unit_test(calls_on_worker_threads),
        cmocka_unit_test(ends_in_args),
        cmocka_unit_test(unwritable_path_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

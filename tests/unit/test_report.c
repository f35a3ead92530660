/* Unit tests for src/trace/report.c and svg.c: a trace read back and drawn. */
#include "helpers.h"

static const char *trace_of(const char *yaml, hf_platform_t p)
{
    const char *path = test_path("report.json");
    hf_workflow_t *wf = load_ok(yaml);
    hf_engine_config_t cfg = {
        .mode = HF_MODE_TASK, .policy = HF_POLICY_FIFO, .platform = p, .walltime = 0};
    hf_dag_t *d = hf_dag_create(wf, NULL);
    hf_executor_t sim;
    hf_engine_t *e;
    hf_trace_t *t;

    hf_exec_sim_create(wf, 0, &sim);
    e = hf_engine_create(wf, d, &cfg, &sim, NULL);
    t = hf_trace_attach(e);
    hf_engine_run(e, NULL);
    assert_int_equal(hf_trace_write_chrome(t, e, path, NULL), 0);
    hf_trace_destroy(t);
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
    return path;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text;
    long n;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    text = malloc((size_t)n + 1);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

static int count(const char *text, const char *what)
{
    int n = 0;

    for (const char *p = text; (p = strstr(p, what)); p++)
        n++;
    return n;
}

static void html_has_sets_and_charts(void **state)
{
    const char *trace =
        trace_of("name: r<&>\n"
                 "sets:\n  sim: {tasks: 4, gpus: 1, duration: 10}\n"
                 "  \"a<b\": {tasks: 2, cores: 2, duration: 5, after: [sim]}\n",
                 (hf_platform_t){2, 4, 2, 0, 0});
    char *html;

    (void)state;
    assert_int_equal(hf_report_write(trace, test_path("report.html"), false, NULL), 0);
    html = slurp(test_path("report.html"));
    assert_non_null(strstr(html, "<title>hetflow report: r&lt;&amp;&gt;</title>"));
    assert_non_null(strstr(html, "a&lt;b")); /* escaped set name */
    assert_null(strstr(html, "a<b"));
    assert_non_null(strstr(html, "Cores in use (of 8)"));
    assert_non_null(strstr(html, "GPUs in use (of 4)"));
    assert_int_equal(count(html, "<title>sim: "), 4); /* a Gantt bar per task */
    assert_int_equal(count(html, "<title>a&lt;b: "), 2);
    assert_int_equal(count(html, "<svg"), 1);
    free(html);
}

/* The report of trace, an SVG or a page, as text (the caller's). */
static char *drawn(const char *trace, bool svg)
{
    const char *out = svg ? test_path("report.svg") : test_path("report.html");

    assert_int_equal(hf_report_write(trace, out, svg, NULL), 0);
    return slurp(out);
}

/* The y of each rect whose title starts with `title`, in order. */
static int ys_of(const char *text, const char *title, double *ys, int max)
{
    int n = 0;

    for (const char *p = text; (p = strstr(p, title)) && n < max; p++) {
        const char *y = p;
        while (y > text && strncmp(y, " y=\"", 4) != 0)
            y--;
        assert_true(y > text);
        ys[n++] = atof(y + 4);
    }
    return n;
}

/* Cores 1 and 3 come free at once: the 2-core task w is drawn on those
 * lanes (20 px each on 4 cores), not on 1 and 2. */
static void a_task_on_each_core_lane(void **state)
{
    const char *trace = trace_of("sets:\n  l0: {duration: 10}\n  s0: {duration: 1}\n"
                                 "  l1: {duration: 10}\n  s1: {duration: 1}\n"
                                 "  w: {cores: 2, duration: 5, after: [s0, s1]}\n",
                                 (hf_platform_t){1, 4, 0, 0, 0});
    double w[4], s0[2];
    char *svg = drawn(trace, true);

    (void)state;
    assert_int_equal(ys_of(svg, "<title>s0: task 0,", s0, 2), 1);
    assert_int_equal(ys_of(svg, "<title>w: task 0,", w, 4), 2);
    assert_close(w[0], s0[0], 1e-9); /* core 1, where s0 ran */
    assert_close(w[1] - w[0], 2 * 20, 1e-9);
    free(svg);
}

/* 20 calls on 4 workers: a lane per worker under the node's cores, named
 * after the worker, 5 calls on each; the workers' cores as in use. */
static void calls_on_worker_lanes(void **state)
{
    const char *trace =
        trace_of("sets:\n  score: {tasks: 20, duration: 1, function: {python: \"m:f\"}, "
                 "workers: {count: 4}}\n",
                 (hf_platform_t){1, 4, 0, 0, 0});
    double ys[32] = {0}, held[4] = {0}, top;
    char *html = drawn(trace, false);

    (void)state;
    assert_int_equal(ys_of(html, "<title>score: call ", ys, 32), 20);
    /* The workers hold the 4 cores: the highest is the node's top. */
    assert_int_equal(ys_of(html, "<title>score.workers: task ", held, 4), 4);
    top = fmin(fmin(held[0], held[1]), fmin(held[2], held[3]));
    for (int k = 0; k < 4; k++) {
        char label[32];
        int on_lane = 0;
        snprintf(label, sizeof(label), ">score.workers[%d]</text>", k);
        assert_non_null(strstr(html, label));
        /* Lane k: below the 4 core lanes of 20 px. */
        for (int i = 0; i < 20; i++)
            on_lane += fabs(ys[i] - (top + (4 + k) * 20)) < 1e-9;
        assert_int_equal(on_lane, 5);
    }
    /* score: 20 slices counted, holding no core of its own. */
    assert_non_null(strstr(html, ">score</td><td>20</td><td>0.0</td><td>5.0</td><td>0<"));
    free(html);
}

/* A trace with every way an attempt ends: the page lists those that did
 * not succeed with why, the charts hatch them, the legend counts them. */
static void failed_attempts_marked(void **state)
{
    const char *path = write_temp(
        "{\"otherData\": {\"hetflow\": {\"workflow\": \"w\", \"mode\": \"task\", "
        "\"policy\": \"fifo\", \"platform\": {\"nodes\": 1, \"cores_per_node\": 2, "
        "\"gpus_per_node\": 0}, \"sets\": [\"a\", \"f\", \"f.workers\"],\n"
        "\"canceled\": [{\"set\": 0, \"cause\": \"upstream\", \"tasks\": 2}]}},\n"
        "\"traceEvents\": [\n"
        "{\"ph\": \"X\", \"ts\": 0, \"dur\": 1000000, \"pid\": 0, \"tid\": 0, \"args\": "
        "{\"set\": \"a\", \"index\": 0, \"cores\": 1, \"state\": \"done\", \"status\": "
        "0, "
        "\"timed_out\": false, \"lane\": 0}},\n"
        "{\"ph\": \"X\", \"ts\": 1000000, \"dur\": 1000000, \"pid\": 0, \"tid\": 0, "
        "\"args\": {\"set\": \"a\", \"index\": 1, \"cores\": 1, \"state\": \"failed\", "
        "\"status\": 3, \"timed_out\": false, \"lane\": 0}},\n"
        "{\"ph\": \"X\", \"ts\": 0, \"dur\": 500000, \"pid\": 0, \"tid\": 1, \"args\": "
        "{\"set\": \"a\", \"index\": 2, \"cores\": 1, \"state\": \"retried\", "
        "\"status\": -9, \"timed_out\": false, \"lane\": 0}},\n"
        "{\"ph\": \"X\", \"ts\": 500000, \"dur\": 2000000, \"pid\": 0, \"tid\": 1, "
        "\"args\": {\"set\": \"a\", \"index\": 2, \"cores\": 1, \"state\": \"failed\", "
        "\"status\": -9, \"timed_out\": true, \"lane\": 0}},\n"
        "{\"ph\": \"X\", \"ts\": 2500000, \"dur\": 500000, \"pid\": 0, \"tid\": 1, "
        "\"args\": {\"set\": \"a\", \"index\": 3, \"cores\": 1, \"state\": \"canceled\", "
        "\"status\": -15, \"timed_out\": false, \"lane\": 0, \"cause\": "
        "\"withdrawn\"}},\n"
        "{\"ph\": \"X\", \"ts\": 2000000, \"dur\": 100000, \"pid\": 0, \"tid\": 9, "
        "\"args\": {\"set\": \"f\", \"index\": 0, \"cores\": 0, \"state\": \"failed\", "
        "\"status\": 1, \"timed_out\": false, \"lane\": 0, \"worker\": "
        "\"f.workers[0]\"}},\n"
        "{\"ph\": \"X\", \"ts\": 2100000, \"dur\": 0, \"pid\": 0, \"tid\": 9, \"args\": "
        "{\"set\": \"f\", \"index\": 1, \"cores\": 0, \"state\": \"retried\", "
        "\"status\": 1001, \"timed_out\": false, \"lane\": 0, \"worker\": "
        "\"f.workers[0]\"}}\n"
        "]}\n");
    char *html = drawn(path, false), *svg = drawn(path, true);

    (void)state;
    unlink(path);
    assert_non_null(strstr(html, "7 task slices, 3 failed, 1 timed out, 2 canceled, 2 "
                                 "canceled before they started."));
    assert_non_null(strstr(html, "Tasks that did not succeed"));
    assert_null(strstr(html, "<tr><td>a[0]</td>")); /* done: not listed */
    assert_non_null(strstr(html, "<tr><td>a[1]</td><td>0</td><td>1.0</td><td>2.0</td><td "
                                 "style=\"text-align:left\">failed: exit status 3</td>"));
    assert_non_null(strstr(html, "<tr><td>a[2]</td><td>0</td><td>0.0</td><td>0.5</td><td "
                                 "style=\"text-align:left\">failed: killed by signal 9 "
                                 "(Killed), retried</td>"));
    assert_non_null(strstr(html, ">timed out</td>"));
    assert_non_null(strstr(html,
                           "<tr><td>a[3]</td><td>0</td><td>2.5</td><td>3.0</td><td "
                           "style=\"text-align:left\">canceled: withdrawn by a rule "
                           "or the API</td>"));
    /* Tasks that never started have no slice: a row per set and cause. */
    assert_non_null(strstr(html, "<tr><td>a</td><td>-</td><td>-</td><td>-</td><td "
                                 "style=\"text-align:left\">2 tasks canceled before they "
                                 "started: a task or service it depends on failed</td>"));
    assert_non_null(strstr(svg, ">a: 2 tasks canceled before they started: a task or "
                                "service it depends on failed</text>"));
    assert_non_null(strstr(html, "<tr><td>f[0]</td><td>0</td><td>2.0</td><td>2.1</td><td "
                                 "style=\"text-align:left\">failed: status 1</td>"));
    assert_non_null(strstr(html, "<tr><td>f[1]</td><td>0</td><td>2.1</td><td>2.1</td><td "
                                 "style=\"text-align:left\">not started, launched "
                                 "again</td>"));
    /* Hatched: each slice, and its legend key with the count. */
    assert_int_equal(count(svg, "fill=\"url(#hf-failed)\""), 3 + 1);
    assert_int_equal(count(svg, "fill=\"url(#hf-timed-out)\""), 1 + 1);
    assert_int_equal(count(svg, "fill=\"url(#hf-canceled)\""), 2 + 1);
    assert_non_null(strstr(svg, ">failed (3)</text>"));
    assert_non_null(strstr(svg, ">timed out (1)</text>"));
    assert_non_null(strstr(svg, ">canceled (2)</text>"));
    assert_non_null(strstr(svg, "<title>a: task 1, 1.00-2.00 s, 1 cores, 0 GPUs; failed: "
                                "exit status 3</title>"));
    /* The bare SVG lists them too; the page does in its table only. */
    assert_non_null(strstr(svg, ">a[1] on node 0, 1.0-2.0 s: failed: exit status 3<"));
    assert_null(strstr(html, " on node 0, "));
    free(html);
    free(svg);
}

static void svg_alone(void **state)
{
    const char *trace =
        trace_of("sets:\n  a: {tasks: 3, duration: 1}\n", (hf_platform_t){1, 2, 0, 0, 0});
    char *svg;

    (void)state;
    assert_int_equal(hf_report_write(trace, test_path("report.svg"), true, NULL), 0);
    svg = slurp(test_path("report.svg"));
    assert_true(strncmp(svg, "<svg xmlns=", 11) == 0);
    assert_non_null(strstr(svg, "no GPUs on this platform"));
    assert_non_null(strstr(svg, "</svg>\n"));
    assert_null(strstr(svg, "<html"));
    free(svg);
}

static void rejects_other_json(void **state)
{
    hf_error_t err;
    const char *path = write_temp("{\"traceEvents\": []}");

    (void)state;
    assert_int_equal(hf_report_write(path, test_path("x.html"), false, &err), -1);
    assert_non_null(strstr(err.text, "not a trace written by hetflow"));
    unlink(path);
    path = write_temp("{\"traceEvents\": [\n");
    assert_int_equal(hf_report_write(path, test_path("x.html"), false, &err), -1);
    assert_non_null(strstr(err.text, ":2:")); /* where the JSON broke */
    unlink(path);
}

/* What is not a trace is said to be so, and what it is where that is easy. */
static void says_what_is_not_a_trace(void **state)
{
    struct {
        const char *text, *says;
    } cases[] = {
        {"# a workflow\nname: w\nsets:\n  a: {duration: 1}\n",
         "not a trace written by hetflow (it is a YAML workflow file); traces come from "
         "'simulate --trace' and 'run --trace'"},
        {"{\"name\": \"w\", \"schemaVersion\": \"1.5\", \"workflow\": {}}",
         "not a trace written by hetflow (it is a WfFormat instance)"},
        {"{}", "not a trace written by hetflow (it has no otherData.hetflow)"},
        {"\x7f"
         "ELF binary",
         "not a trace written by hetflow (it is not JSON)"},
    };
    hf_error_t err;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *path = write_temp(cases[i].text);
        assert_int_equal(hf_report_write(path, test_path("x.html"), false, &err), -1);
        unlink(path);
        if (!strstr(err.text, cases[i].says))
            fail_msg("%s: says '%s'", cases[i].text, err.text);
        assert_null(strchr(err.text, '\n'));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(html_has_sets_and_charts),
        cmocka_unit_test(svg_alone),
        cmocka_unit_test(rejects_other_json),
        cmocka_unit_test(says_what_is_not_a_trace),
        cmocka_unit_test(a_task_on_each_core_lane),
        cmocka_unit_test(calls_on_worker_lanes),
        cmocka_unit_test(failed_attempts_marked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

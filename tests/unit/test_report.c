/* Unit tests for src/trace/report.c and svg.c: a trace read back and drawn. */
#include "helpers.h"

static const char *trace_of(const char *yaml, hf_platform_t p)
{
    static const char *path = "/tmp/hetflow-test-report.json";
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
    assert_int_equal(hf_report_write(trace, "/tmp/hetflow-test-report.html", false, NULL),
                     0);
    html = slurp("/tmp/hetflow-test-report.html");
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

static void svg_alone(void **state)
{
    const char *trace =
        trace_of("sets:\n  a: {tasks: 3, duration: 1}\n", (hf_platform_t){1, 2, 0, 0, 0});
    char *svg;

    (void)state;
    assert_int_equal(hf_report_write(trace, "/tmp/hetflow-test-report.svg", true, NULL),
                     0);
    svg = slurp("/tmp/hetflow-test-report.svg");
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
    assert_int_equal(hf_report_write(path, "/tmp/hetflow-test-x.html", false, &err), -1);
    assert_non_null(strstr(err.text, "not a trace written by hetflow"));
    unlink(path);
    path = write_temp("{\"traceEvents\": [\n");
    assert_int_equal(hf_report_write(path, "/tmp/hetflow-test-x.html", false, &err), -1);
    assert_non_null(strstr(err.text, ":2:")); /* where the JSON broke */
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(html_has_sets_and_charts),
        cmocka_unit_test(svg_alone),
        cmocka_unit_test(rejects_other_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/workflow/load_wfformat.c: WfFormat instances of every
 * schema version import to the same DAG, category grouping, and errors
 * with the JSON line. */
#include "helpers.h"

#include <yajl/yajl_parse.h>

/* Copies of real WfCommons instances: tests/data/wfinstances/README.md. */
#define INSTANCES TEST_DATA "/wfinstances/"

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A workflow's DAG as text: "set cores duration <- parents" per set,
 * sorted, so that two imports can be compared whatever their order. */
static char *dag_text(const hf_workflow_t *wf)
{
    int n = hf_workflow_nsets(wf);
    char **lines = calloc((size_t)n, sizeof(char *)), *out;
    size_t len = 0;

    for (int s = 0; s < n; s++) {
        const hf_set_t *set = hf_workflow_get_set(wf, s);
        char buf[8192];
        int k = snprintf(buf, sizeof(buf), "%s %d %.6f <-", set->name, set->cores,
                         set->duration_mean);
        /* Parents sorted by name: insertion sort over a copy. */
        const char *p[512];
        int np = set->nafter < 512 ? set->nafter : 512;
        for (int j = 0; j < np; j++) {
            int i = j;
            p[j] = set->after[j].parent_name;
            while (i > 0 && strcmp(p[i - 1], p[i]) > 0) {
                const char *t = p[i];
                p[i] = p[i - 1];
                p[--i] = t;
            }
        }
        for (int j = 0; j < np && k < (int)sizeof(buf) - 200; j++)
            k += snprintf(buf + k, sizeof(buf) - (size_t)k, " %s", p[j]);
        lines[s] = strdup(buf);
        len += strlen(buf) + 1;
    }
    qsort(lines, (size_t)n, sizeof(char *), by_string);
    out = calloc(len + 1, 1);
    for (int s = 0; s < n; s++) {
        strcat(out, lines[s]);
        strcat(out, "\n");
        free(lines[s]);
    }
    free(lines);
    return out;
}

static void blast_three_versions_alike(void **state)
{
    const char *files[] = {"v1.0__makeflow-instances__blast-chameleon-small-001.json",
                           "v1.4__makeflow-instances__blast-chameleon-small-001.json",
                           "v1.5__WfInstances__blast-chameleon-small-001.json"};
    char *text[3];
    hf_error_t err = {{0}};

    (void)state;
    for (int i = 0; i < 3; i++) {
        char path[512];
        hf_workflow_t *wf;
        snprintf(path, sizeof(path), "%s%s", INSTANCES, files[i]);
        if (!(wf = hf_workflow_load(path, &err)))
            fail_msg("%s: %s", files[i], err.text);
        assert_int_equal(hf_workflow_nsets(wf), 43);
        text[i] = dag_text(wf);
        hf_workflow_destroy(wf);
    }
    assert_string_equal(text[0], text[1]);
    assert_string_equal(text[0], text[2]);
    /* One of them by hand: split_fasta feeds every blastall. */
    assert_non_null(strstr(text[0], "blastall_ID000002 1 "));
    assert_non_null(strstr(text[0], "<- split_fasta_ID000001\n"));
    for (int i = 0; i < 3; i++)
        free(text[i]);
}

static void every_instance_imports(void **state)
{
    static const struct {
        const char *file;
        int tasks;
    } all[] = {
        {"v1.5__WfInstances__helloworld-forkjoin-10-chameleon.json", 10},
        {"v1.5__WfInstances__epigenomics-chameleon-hep-1seq-100k-001.json", 41},
        {"v1.5__WfInstances__montage-chameleon-2mass-005d-001.json", 58},
        {"v1.5__WfInstances__rnaseq-dirt02-001.json", 197},
        {"v1.5__WfInstances__cycles-chameleon-5l-2c-9p-001.json", 662},
        {"v1.5__WfInstances__bwa-chameleon-large-001.json", 1004},
        {"v1.3__makeflow-instances__bwa-chameleon-small-001.json", 104},
    };
    hf_error_t err = {{0}};

    (void)state;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        char path[512];
        hf_workflow_t *wf;
        hf_dag_t *dag;
        snprintf(path, sizeof(path), "%s%s", INSTANCES, all[i].file);
        if (!(wf = hf_workflow_load(path, &err)))
            fail_msg("%s: %s", all[i].file, err.text);
        assert_int_equal(hf_workflow_ntasks(wf), all[i].tasks);
        assert_non_null(dag = hf_dag_create(wf, &err));
        hf_dag_destroy(dag);
        hf_workflow_destroy(wf);
    }
}

static void group_by_category(void **state)
{
    hf_error_t err = {{0}};
    hf_workflow_t *wf = hf_workflow_load_flags(
        INSTANCES "v1.5__WfInstances__blast-chameleon-small-001.json",
        HF_LOAD_GROUP_BY_CATEGORY, &err);
    int split, blast, cat;

    (void)state;
    if (!wf)
        fail_msg("%s", err.text);
    /* split_fasta -> 40 blastall -> cat_blast, cat */
    assert_int_equal(hf_workflow_nsets(wf), 4);
    split = hf_workflow_find_set(wf, "split_fasta");
    blast = hf_workflow_find_set(wf, "blastall");
    cat = hf_workflow_find_set(wf, "cat_blast");
    assert_true(split >= 0 && blast >= 0 && cat >= 0);
    assert_int_equal(hf_workflow_get_set(wf, blast)->tasks, 40);
    assert_int_equal(hf_workflow_get_set(wf, blast)->nafter, 1);
    assert_string_equal(hf_workflow_get_set(wf, blast)->after[0].parent_name,
                        "split_fasta");
    assert_true(hf_workflow_get_set(wf, blast)->duration_stddev > 0);
    hf_workflow_destroy(wf);
}

static const char tiny[] =
    "{\n"
    "  \"name\": \"tiny\",\n"
    "  \"schemaVersion\": \"1.5\",\n"
    "  \"workflow\": {\n"
    "    \"specification\": {\"tasks\": [\n"
    "      {\"name\": \"a\", \"id\": \"a\", \"parents\": [], \"children\": [\"b\"]},\n"
    "      {\"name\": \"b\", \"id\": \"b\", \"parents\": [\"%s\"], \"children\": []}\n"
    "    ]},\n"
    "    \"execution\": {\"makespanInSeconds\": 3, \"executedAt\": \"x\", \"tasks\": [\n"
    "      {\"id\": \"a\", \"runtimeInSeconds\": 1.5, \"coreCount\": 2.4},\n"
    "      {\"id\": \"b\"%s}\n"
    "    ]}\n"
    "  }\n"
    "}\n";

static void tiny_and_errors(void **state)
{
    char text[2048];
    hf_workflow_t *wf;
    const hf_set_t *a;

    (void)state;
    snprintf(text, sizeof(text), tiny, "a", ", \"runtimeInSeconds\": 2");
    wf = load_ok(text);
    a = hf_workflow_get_set(wf, hf_workflow_find_set(wf, "a"));
    assert_int_equal(a->cores, 3); /* 2.4 rounds up */
    assert_close(a->duration_mean, 1.5, 1e-12);
    assert_string_equal(a->argv[0], "sleep"); /* a stand-in for `run` */
    assert_int_equal(hf_workflow_get_set(wf, hf_workflow_find_set(wf, "b"))->cores, 1);
    hf_workflow_destroy(wf);
    snprintf(text, sizeof(text), tiny, "zz", ", \"runtimeInSeconds\": 2");
    assert_string_equal(load_error(text), "7:44: task 'b' names unknown parent 'zz'");
    snprintf(text, sizeof(text), tiny, "a", "");
    assert_string_equal(load_error(text), /* at its execution record */
                        "11:7: task 'b' has no runtime (runtimeInSeconds or runtime)");
    snprintf(text, sizeof(text), tiny, "b", ", \"runtimeInSeconds\": 2");
    assert_string_equal(load_error(text), "7:44: task 'b' depends on itself");
}

/* A recorded name is data: a task named t{iter} and files named a{index}.dat
 * or x{all}.dat are those names, not placeholders (x{all}.dat, which no
 * task writes, was an input {all} that needed a writer). */
static void recorded_names_literal(void **state)
{
    static const char text[] =
        "{\"name\": \"w\", \"schemaVersion\": \"1.5\", \"workflow\": {\"specification\": "
        "{\"tasks\": [{\"name\": \"t\", \"id\": \"t{iter}\", \"children\": [\"u\"], "
        "\"outputFiles\": [\"a{index}.dat\"]},\n"
        "{\"name\": \"u\", \"id\": \"u\", \"parents\": [\"t{iter}\"], "
        "\"inputFiles\": [\"a{index}.dat\", \"x{all}.dat\"]}],\n"
        "\"files\": [{\"id\": \"a{index}.dat\", \"sizeInBytes\": 10}, "
        "{\"id\": \"x{all}.dat\", \"sizeInBytes\": 20}]},\n"
        "\"execution\": {\"tasks\": [{\"id\": \"t{iter}\", \"runtimeInSeconds\": 1},"
        " {\"id\": \"u\", \"runtimeInSeconds\": 2}]}}}\n";
    hf_workflow_t *wf = load_ok(text);
    const hf_set_t *t, *u;
    char path[64];

    (void)state;
    assert_int_equal(hf_workflow_find_set(wf, "t{iter}"), 0);
    t = hf_workflow_get_set(wf, 0);
    u = hf_workflow_get_set(wf, 1);
    assert_string_equal(t->name, "t{iter}");
    assert_int_equal(u->nafter, 1);
    assert_int_equal(u->after[0].parent, 0);
    assert_int_equal(u->after[0].map, HF_MAP_ALL);
    assert_true(u->inputs[0].literal);
    assert_int_equal(u->inputs[0].producer, 0);
    assert_int_equal(u->inputs[1].producer, -1);
    assert_int_equal(hf_file_count(wf, &u->inputs[1]), 1);
    assert_int_equal(hf_file_path(wf, u, &u->inputs[0], 3, 0, path, sizeof(path)), 0);
    assert_string_equal(path, "a{index}.dat");
    assert_int_equal(hf_file_path(wf, u, &u->inputs[1], 0, 0, path, sizeof(path)), 0);
    assert_string_equal(path, "x{all}.dat");
    assert_close(hf_set_bytes(wf, u, true, NULL), 30, 0);
    hf_workflow_destroy(wf);
}

/* Execution records in another order than the tasks: joined by id. */
static void runs_out_of_order(void **state)
{
    static const char text[] =
        "{\"name\": \"w\", \"schemaVersion\": \"1.5\", \"workflow\": {\"specification\": "
        "{\"tasks\": [{\"name\": \"a\", \"id\": \"a\", \"parents\": []},\n"
        "{\"name\": \"b\", \"id\": \"b\", \"parents\": [\"a\"]},\n"
        "{\"name\": \"c\", \"id\": \"c\", \"parents\": [\"b\"]}]},\n"
        "\"execution\": {\"tasks\": [{\"id\": \"c\", \"runtimeInSeconds\": 3, "
        "\"gpuCount\": 0.5},\n"
        "{\"id\": \"a\", \"runtimeInSeconds\": 1}, {\"id\": \"b\", \"runtimeInSeconds\": "
        "2, "
        "\"coreCount\": null}]}}}\n";
    hf_workflow_t *wf = load_ok(text);

    (void)state;
    for (int i = 0; i < 3; i++) {
        const hf_set_t *set = hf_workflow_get_set(wf, i);
        assert_int_equal(set->name[0], 'a' + i);
        assert_close(set->duration_mean, i + 1, 1e-12);
        assert_int_equal(set->cores, 1);             /* null: as absent */
        assert_int_equal(set->gpus, i == 2 ? 1 : 0); /* a fraction rounds up */
    }
    assert_int_equal(hf_workflow_get_set(wf, 2)->after[0].mark.line,
                     3); /* its edge's place */
    assert_int_equal(hf_workflow_get_set(wf, 2)->after[0].mark.col, 38);
    hf_workflow_destroy(wf);
}

/* Found by fuzz/fuzz_wfformat.c (UBSan): an instance with no edge at all
 * walked its empty list of edges from a NULL pointer. */
static void no_edges(void **state)
{
    static const char text[] =
        "{\"name\": \"w\", \"schemaVersion\": \"1.5\", \"workflow\": {\"specification\": "
        "{\"tasks\": [{\"name\": \"a\", \"id\": \"a\"}, {\"name\": \"b\", \"id\": "
        "\"b\"}]},\n"
        "\"execution\": {\"tasks\": [{\"id\": \"a\", \"runtimeInSeconds\": 1},"
        " {\"id\": \"b\", \"runtimeInSeconds\": 2}]}}}\n";
    hf_workflow_t *wf = load_ok(text);

    (void)state;
    assert_int_equal(hf_workflow_nsets(wf), 2);
    assert_int_equal(hf_workflow_get_set(wf, 1)->nafter, 0);
    hf_workflow_destroy(wf);
}

/* Found by fuzz/fuzz_wfformat.c: a category longer than a set name may be
 * was cut to fit, then looked up whole, and its edges went nowhere. */
static void long_category_rejected(void **state)
{
    char text[4096], cat[201];
    hf_error_t err = {{0}};
    hf_workflow_t *wf;
    const char *path;

    (void)state;
    memset(cat, 'c', 200);
    cat[200] = '\0';
    snprintf(text, sizeof(text),
             "{\"name\": \"w\", \"schemaVersion\": \"1.4\", \"workflow\": {\"tasks\": [\n"
             "{\"name\": \"a\", \"category\": \"%s\", \"parents\": [], \"runtime\": 1},\n"
             "{\"name\": \"b\", \"parents\": [\"a\"], \"runtime\": 1}]}}\n",
             cat);
    path = write_temp(text);
    wf = hf_workflow_load_flags(path, HF_LOAD_GROUP_BY_CATEGORY, &err);
    unlink(path);
    assert_null(wf);
    assert_non_null(
        strstr(err.text, ":2:10: category of 'a': set name must be 1 to 128 bytes"));
}

/* The importer relies on this of yajl, which its header does not say:
 * in a callback, yajl_get_bytes_consumed() is the offset just past the
 * token read (values' places are found from it). */
static yajl_handle consumed_handle;
static size_t consumed[8];
static int nconsumed;

static int note_consumed(void *ctx)
{
    (void)ctx;
    consumed[nconsumed++] = yajl_get_bytes_consumed(consumed_handle);
    return nconsumed < 8;
}

static int note_string(void *ctx, const unsigned char *s, size_t n)
{
    (void)s;
    (void)n;
    return note_consumed(ctx);
}

static int note_number(void *ctx, const char *s, size_t n)
{
    (void)s;
    (void)n;
    return note_consumed(ctx);
}

static void yajl_consumed_is_past_the_token(void **state)
{
    static const char text[] = " {\"ab\" : [12, \"c\\u0064\" ,{}] }";
    static const yajl_callbacks cb = {.yajl_number = note_number,
                                      .yajl_string = note_string,
                                      .yajl_start_map = note_consumed,
                                      .yajl_map_key = note_string,
                                      .yajl_end_map = note_consumed,
                                      .yajl_start_array = note_consumed,
                                      .yajl_end_array = note_consumed};
    /* {  "ab"  [  12  "c\u0064"  {  }  ]  } */
    static const size_t past[] = {2, 6, 10, 12, 23, 26, 27, 28};

    (void)state;
    nconsumed = 0;
    assert_non_null(consumed_handle = yajl_alloc(&cb, NULL, NULL));
    yajl_parse(consumed_handle, (const unsigned char *)text, strlen(text));
    yajl_free(consumed_handle);
    assert_int_equal(nconsumed, 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(consumed[i], past[i]);
}

/* An instance that is not JSON: one line, at the token a parse error is
 * about, the byte a lexical error is about, or the end of a text cut short;
 * before "workflow" or "schemaVersion" shows it an instance, the text is
 * the YAML loader's. */
static void malformed_json(void **state)
{
    /* Each text follows `{"schemaVersion": "1.5", "workflow": ` (37 bytes). */
    static const struct {
        const char *text, *error;
    } bad[] = {
        {"{\"a\": 1,}}",
         "1:46: JSON: parse error: invalid object key (must be a string)"},
        {"[1, 2,]}",
         "1:44: JSON: parse error: unallowed token at this point in JSON text"},
        {"{\"a\" 1}}",
         "1:43: JSON: parse error: object key and value must be separated by a colon "
         "(':')"},
        {"[01]}", "1:40: JSON: parse error: after array element, I expect ',' or ']'"},
        {"[1.]}",
         "1:41: JSON: lexical error: malformed number, a digit is required after "
         "the decimal point."},
        {"[\"a\tb\"]}", "1:41: JSON: lexical error: invalid character inside string."},
        {"[\"\\x\"]}", "1:41: JSON: lexical error: inside a string, '\\' occurs before a "
                       "character which it may not."},
        {"{}} {}", "1:42: JSON: parse error: trailing garbage"},
        /* yajl lets these through, jansson (which writes names) does not. */
        {"[\"a\xc0\xaf"
         "b\"]}",
         "1:39: JSON: a string that is not UTF-8"},                   /* overlong */
        {"[\"\\udc00\"]}", "1:39: JSON: a string that is not UTF-8"}, /* lone */
        {"[\"abc", "1:43: JSON: parse error: premature EOF"},
        {"[1,\n\n  2,\n  {\"x\": nul}]}",
         "4:12: JSON: lexical error: invalid string in json "
         "text."},
    };
    char text[512], deep[128];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(text, sizeof(text), "{\"schemaVersion\": \"1.5\", \"workflow\": %s",
                 bad[i].text);
        assert_string_equal(load_error(text), bad[i].error);
    }
    /* 64 levels are read (the instance and its workflow are two), 65 are
     * not. */
    memset(deep, '[', 63);
    memset(deep + 63, ']', 63);
    snprintf(text, sizeof(text),
             "{\"schemaVersion\": \"1.5\", \"workflow\": {\"x\": %.*s%.*s}}", 62, deep,
             62, deep + 63);
    assert_string_equal(load_error(text),
                        "1:38: WfFormat 1.5: workflow.execution.tasks is "
                        "missing: no runtimes");
    snprintf(text, sizeof(text),
             "{\"schemaVersion\": \"1.5\", \"workflow\": {\"x\": %.126s}}", deep);
    assert_string_equal(load_error(text), "1:106: nesting deeper than 64 levels");
    /* Not yet an instance: the YAML loader's message. */
    assert_non_null(strstr(load_error("{\"name\": \"w\" \"schemaVersion\": \"1.5\"}"),
                           "1:14: YAML: "));
}

/* The workflow before the schema version (read in a second walk), the
 * execution records before the specification and in another order, keys
 * and names written with escapes. */
static void any_order_and_escapes(void **state)
{
    static const char text[] =
        "{\"name\": \"w\", \"workflow\": {\"execution\": {\"tasks\": [\n"
        "  {\"id\": \"b\", \"runtimeInSeconds\": 2, \"c\\u006freCount\": 2},\n"
        "  {\"id\": \"\\u00e9\\ud83d\\ude00\", \"runtimeInSeconds\": 1}]},\n"
        " \"specification\": {\"tasks\": [\n"
        "  {\"id\": \"\\u00e9\\ud83d\\ude00\", \"parents\": []},\n"
        "  {\"name\": \"\xc3\xa9\xc3\xa9\", \"i\\u0064\": \"b\", \"parents\": "
        "[\"\xc3\xa9\xf0\x9f\x98\x80\"]}]}},\n"
        " \"schemaVersion\": \"1.5\"}\n";
    hf_workflow_t *wf = load_ok(text);
    const hf_set_t *a, *b;

    (void)state;
    assert_int_equal(hf_workflow_nsets(wf), 2);
    a = hf_workflow_get_set(wf, 0);
    b = hf_workflow_get_set(wf, 1);
    assert_string_equal(a->name, "\xc3\xa9\xf0\x9f\x98\x80"); /* é and U+1F600 */
    assert_close(a->duration_mean, 1, 1e-12);
    assert_string_equal(b->name, "b");
    assert_close(b->duration_mean, 2, 1e-12);
    assert_int_equal(b->cores, 2);
    assert_int_equal(b->nafter, 1);
    assert_string_equal(b->after[0].parent_name, a->name);
    assert_int_equal(b->after[0].mark.line, 6); /* columns count characters */
    assert_int_equal(b->after[0].mark.col, 46);
    hf_workflow_destroy(wf);
}

/* Keys compare decoded; a NUL in a name makes it no task's. */
static void escapes_in_errors(void **state)
{
    (void)state;
    assert_string_equal(
        load_error(
            "{\"name\": \"w\", \"schemaVersion\": \"1.4\", \"workflow\": {\"tasks\": "
            "[{\"name\": \"a\", \"n\\u0061me\": \"b\", \"runtime\": 1}]}}"),
        "1:76: key 'name' repeated");
    assert_string_equal(
        load_error(
            "{\"name\": \"w\", \"schemaVersion\": \"1.4\", \"workflow\": {\"tasks\": "
            "[\n{\"name\": \"\xc3\xa9\xc3\xa9\", \"parents\": [\"a\\u0000b\"], "
            "\"runtime\": 1}]}}"),
        "2:28: task '\xc3\xa9\xc3\xa9' names unknown parent '?'");
}

/* A JSON text with "sets" at its top is a workflow file, for the YAML
 * loader, whatever else it holds. */
static void workflow_file_in_json(void **state)
{
    hf_workflow_t *wf = load_ok("{\"sets\": {\"a\": {\"tasks\": 2}}}");

    (void)state;
    assert_int_equal(hf_workflow_ntasks(wf), 2);
    hf_workflow_destroy(wf);
    assert_non_null(strstr(load_error("{\"schemaVersion\": \"1.5\", \"workflow\": {}, "
                                      "\"sets\": {\"a\": {}}}"),
                           "1:2: unknown key 'schemaVersion'"));
}

/* Numbers are read as written: a size past 64-bit integers is kept. */
static void big_numbers(void **state)
{
    hf_workflow_t *wf = load_ok(
        "{\"name\": \"w\", \"schemaVersion\": \"1.4\", \"workflow\": {\"tasks\": "
        "[{\"name\": "
        "\"a\", \"runtime\": 1e2, \"files\": [{\"link\": \"input\", \"name\": \"f\", "
        "\"size\": 100000000000000000000000}]}]}}");
    const hf_set_t *a = hf_workflow_get_set(wf, 0);

    (void)state;
    assert_close(a->duration_mean, 100, 1e-12);
    assert_int_equal(a->ninputs, 1);
    assert_string_equal(a->inputs[0].path, "f");
    assert_close(a->inputs[0].size, 1e23, 1e9);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blast_three_versions_alike),
        cmocka_unit_test(every_instance_imports),
        cmocka_unit_test(group_by_category),
        cmocka_unit_test(tiny_and_errors),
        cmocka_unit_test(recorded_names_literal),
        cmocka_unit_test(runs_out_of_order),
        cmocka_unit_test(no_edges),
        cmocka_unit_test(long_category_rejected),
        cmocka_unit_test(yajl_consumed_is_past_the_token),
        cmocka_unit_test(malformed_json),
        cmocka_unit_test(any_order_and_escapes),
        cmocka_unit_test(escapes_in_errors),
        cmocka_unit_test(workflow_file_in_json),
        cmocka_unit_test(big_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

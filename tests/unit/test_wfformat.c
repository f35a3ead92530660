/* Unit tests for src/workflow/load_wfformat.c: WfFormat instances of every
 * schema version import to the same DAG, category grouping, and errors
 * with the JSON line. */
#include "helpers.h"

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
        const hf_set_t *set = hf_workflow_set(wf, s);
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
    assert_int_equal(hf_workflow_set(wf, blast)->tasks, 40);
    assert_int_equal(hf_workflow_set(wf, blast)->nafter, 1);
    assert_string_equal(hf_workflow_set(wf, blast)->after[0].parent_name, "split_fasta");
    assert_true(hf_workflow_set(wf, blast)->duration_stddev > 0);
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
    a = hf_workflow_set(wf, hf_workflow_find_set(wf, "a"));
    assert_int_equal(a->cores, 3); /* 2.4 rounds up */
    assert_close(a->duration_mean, 1.5, 1e-12);
    assert_string_equal(a->argv[0], "sleep"); /* a stand-in for `run` */
    assert_int_equal(hf_workflow_set(wf, hf_workflow_find_set(wf, "b"))->cores, 1);
    hf_workflow_destroy(wf);
    snprintf(text, sizeof(text), tiny, "zz", ", \"runtimeInSeconds\": 2");
    assert_string_equal(load_error(text), "7:44: task 'b' names unknown parent 'zz'");
    snprintf(text, sizeof(text), tiny, "a", "");
    assert_string_equal(load_error(text), /* at its execution record */
                        "11:7: task 'b' has no runtime (runtimeInSeconds or runtime)");
    snprintf(text, sizeof(text), tiny, "b", ", \"runtimeInSeconds\": 2");
    assert_string_equal(load_error(text), "7:44: task 'b' depends on itself");
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
        const hf_set_t *set = hf_workflow_set(wf, i);
        assert_int_equal(set->name[0], 'a' + i);
        assert_close(set->duration_mean, i + 1, 1e-12);
        assert_int_equal(set->cores, 1);             /* null: as absent */
        assert_int_equal(set->gpus, i == 2 ? 1 : 0); /* a fraction rounds up */
    }
    assert_int_equal(hf_workflow_set(wf, 2)->after[0].mark.line,
                     3); /* its edge's place */
    assert_int_equal(hf_workflow_set(wf, 2)->after[0].mark.col, 38);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blast_three_versions_alike),
        cmocka_unit_test(every_instance_imports),
        cmocka_unit_test(group_by_category),
        cmocka_unit_test(tiny_and_errors),
        cmocka_unit_test(runs_out_of_order),
        cmocka_unit_test(long_category_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

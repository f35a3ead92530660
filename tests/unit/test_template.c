/* Unit tests for src/workflow/template.c: the placeholders each place takes,
 * how each writes a value, and the one message for an unknown placeholder
 * wherever the loaders meet it. */
#include <errno.h>

#include "helpers.h"

static const hf_template_values_t every = {HF_TEMPLATE_INDEX | HF_TEMPLATE_ITER |
                                               HF_TEMPLATE_SET | HF_TEMPLATE_ALL,
                                           7, 2, "a b'c", 3};

static char *expand(const char *tmpl, hf_template_place_t place)
{
    static char out[256];
    size_t n = hf_template_write(out, sizeof(out), tmpl, place, &every);

    assert_true(n < sizeof(out));
    assert_int_equal(strlen(out), n);
    return out;
}

static void writes_values_as_the_place_needs(void **state)
{
    (void)state;
    assert_string_equal(expand("x_{index}_{iter}_{all}.h5", HF_TEMPLATE_INPUT),
                        "x_7_2_3.h5");
    assert_string_equal(expand("{set}:{index}", HF_TEMPLATE_ARGV), "a b'c:7");
    /* sh reads {set} as one word: quoted, ' written '\'' ; a plain word
     * stays as it is. */
    assert_string_equal(expand("echo {set} {index}", HF_TEMPLATE_SHELL),
                        "echo 'a b'\\''c' 7");
    hf_template_values_t plain = every;
    plain.set = "sim-0.1_a+b,c:d@e%f\xc3\xa9";
    char out[64];
    hf_template_write(out, sizeof(out), "{set}", HF_TEMPLATE_SHELL, &plain);
    assert_string_equal(out, plain.set);
    /* In args a string that is only "{index}" or "{iter}" is the number;
     * {set} is a JSON string's text, " and \ escaped. */
    plain.set = "q\"b\\";
    hf_template_write(out, sizeof(out),
                      "{\"i\":\"{index}\",\"t\":\"{iter}\",\"s\":\"{set}\"}",
                      HF_TEMPLATE_ARGS, &plain);
    assert_string_equal(out, "{\"i\":7,\"t\":2,\"s\":\"q\\\"b\\\\\"}");
    hf_template_write(out, sizeof(out), "[\"x{index}\",\"{index}x\",\"\\\"\"]",
                      HF_TEMPLATE_ARGS, &plain);
    assert_string_equal(out, "[\"x7\",\"7x\",\"\\\"\"]");
    /* Braces that are no placeholder are text: sh's, JSON's. */
    assert_string_equal(expand("awk '{print $1}' {} ${x} {", HF_TEMPLATE_SHELL),
                        "awk '{print $1}' {} ${x} {");
}

static void leaves_what_it_is_not_given(void **state)
{
    hf_template_values_t iter = {.have = HF_TEMPLATE_ITER, .iter = 12};
    char *s;

    (void)state;
    /* A file's key: {iter} replaced, {index} and {all} as written. */
    assert_non_null(
        s = hf_template_expand("r{iter}/x_{index}_{all}", HF_TEMPLATE_INPUT, &iter));
    assert_string_equal(s, "r12/x_{index}_{all}");
    free(s);
    assert_non_null(s = hf_template_expand("sim-{iter}-{iter}", HF_TEMPLATE_NAME, &iter));
    assert_string_equal(s, "sim-12-12");
    free(s);
    assert_non_null(s = hf_template_expand("", HF_TEMPLATE_NAME, &iter));
    assert_string_equal(s, "");
    free(s);
}

static void counts_what_does_not_fit(void **state)
{
    char out[8];

    (void)state;
    /* As snprintf: the whole length, what fits, NUL-terminated. */
    assert_int_equal(hf_template_write(out, sizeof(out), "abc_{index}{index}{index}",
                                       HF_TEMPLATE_OUTPUT, &every),
                     7);
    assert_string_equal(out, "abc_777");
    assert_int_equal(hf_template_write(out, 4, "{set}", HF_TEMPLATE_SHELL, &every), 10);
    assert_string_equal(out, "'a ");
    assert_int_equal(hf_template_write(NULL, 0, "{set}", HF_TEMPLATE_ARGV, &every), 5);
}

static void checks_each_place(void **state)
{
    static const struct {
        const char *tmpl;
        hf_template_place_t place;
        const char *want; /* NULL: accepted */
    } cases[] = {
        {"echo {set} {index} {iter} {x} ${y}", HF_TEMPLATE_SHELL, NULL},
        {"{set}", HF_TEMPLATE_ARGS, NULL},
        {"sim-{iter}{x}", HF_TEMPLATE_NAME, NULL},
        {"d/x_{all}_{iter}", HF_TEMPLATE_INPUT, NULL},
        {"echo {all}", HF_TEMPLATE_SHELL,
         "command 'echo {all}': unknown placeholder (known: {index}, {iter}, {set})"},
        {"{all}", HF_TEMPLATE_ARGV,
         "command '{all}': unknown placeholder (known: {index}, {iter}, {set})"},
        {"a{index}", HF_TEMPLATE_NAME,
         "set name 'a{index}': unknown placeholder (known: {iter})"},
        {"x{", HF_TEMPLATE_OUTPUT,
         "file 'x{': unknown placeholder (known: {index}, {iter})"},
        {"x_{set}", HF_TEMPLATE_INPUT,
         "file 'x_{set}': unknown placeholder (known: {index}, {iter}, {all})"},
        {"x_{all}", HF_TEMPLATE_OUTPUT, "{all} is for inputs: an output is one file"},
        {"x_{all}_{index}", HF_TEMPLATE_INPUT,
         "file 'x_{all}_{index}' has both {all} and {index}"},
        {"{all}{all}", HF_TEMPLATE_INPUT, "file '{all}{all}' has {all} twice"},
    };
    char why[256];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = hf_template_check(cases[i].tmpl, cases[i].place, why, sizeof(why));
        assert_int_equal(rc, cases[i].want ? -1 : 0);
        if (cases[i].want)
            assert_string_equal(why, cases[i].want);
    }
}

/* The loaders give one message, at the placeholder's node, in each place. */
static void loaders_say_the_same(void **state)
{
    (void)state;
    assert_string_equal(
        load_error("sets:\n  a: {command: 'echo {all}'}\n"),
        "2:16: command 'echo {all}': unknown placeholder (known: {index}, "
        "{iter}, {set})");
    assert_string_equal(
        load_error("sets:\n  a: {command: [echo, '{all}']}\n"),
        "2:23: command '{all}': unknown placeholder (known: {index}, {iter}, "
        "{set})");
    assert_string_equal(
        load_error("sets:\n  a:\n    function: {python: 'm:f'}\n"
                   "    args: {x: [1, '{all}']}\n"),
        "4:19: args '{all}': unknown placeholder (known: {index}, {iter}, "
        "{set})");
    assert_string_equal(
        load_error("sets:\n  a:\n    function: {python: 'm:f'}\n"
                   "    args: {'{all}': 1}\n"),
        "4:12: args '{all}': unknown placeholder (known: {index}, {iter}, "
        "{set})");
    assert_string_equal(load_error("sets:\n  'a{index}': {}\n"),
                        "2:3: set name 'a{index}': unknown placeholder (known: {iter})");
    assert_string_equal(
        load_error("sets:\n  a: {inputs: ['x_{set}']}\n"),
        "2:16: file 'x_{set}': unknown placeholder (known: {index}, {iter}, "
        "{all})");
    assert_string_equal(
        load_error("sets:\n  a: {outputs: ['x_{task}']}\n"),
        "2:17: file 'x_{task}': unknown placeholder (known: {index}, {iter})");
}

/* {set} in args reaches the call, as in a command (it was left as written). */
static void loads_set_in_args(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  'f\"n':\n    function: {python: 'm:f'}\n"
                                "    args: {who: '{set}', i: '{index}'}\n");
    const hf_set_t *set = hf_workflow_get_set(wf, 0);
    hf_template_values_t v = {HF_TEMPLATE_INDEX | HF_TEMPLATE_ITER | HF_TEMPLATE_SET, 4,
                              set->iter, set->name, 0};
    char *args;

    (void)state;
    assert_non_null(args = hf_template_expand(set->args, HF_TEMPLATE_ARGS, &v));
    assert_string_equal(args, "{\"who\":\"f\\\"n\",\"i\":4}");
    free(args);
    hf_workflow_destroy(wf);
}

/* What the files and the rules ask of a template: whether it holds a
 * placeholder, which value makes it a given text, the output an {all}
 * reads. */
static void finds_and_matches(void **state)
{
    char *s;

    (void)state;
    assert_true(hf_template_has("x_{index}.h5", HF_TEMPLATE_INDEX));
    assert_true(hf_template_has("x_{all}", HF_TEMPLATE_INDEX | HF_TEMPLATE_ALL));
    assert_false(hf_template_has("x_{index}.h5", HF_TEMPLATE_ALL));
    assert_false(hf_template_has("{inde} {iter", HF_TEMPLATE_INDEX | HF_TEMPLATE_ITER));
    /* A decimal without leading zeros, the same at each place, a literal
     * digit after it tried at each length. */
    assert_int_equal(hf_template_match("x_{index}.h5", HF_TEMPLATE_INDEX, "x_12.h5"), 12);
    assert_int_equal(hf_template_match("x_{index}.h5", HF_TEMPLATE_INDEX, "x_012.h5"),
                     -1);
    assert_int_equal(hf_template_match("x_{index}.h5", HF_TEMPLATE_INDEX, "x_.h5"), -1);
    assert_int_equal(hf_template_match("x_{index}.h5", HF_TEMPLATE_INDEX, "x_1.h"), -1);
    assert_int_equal(hf_template_match("x_{index}", HF_TEMPLATE_INDEX, "x_1234567890"),
                     -1);
    assert_int_equal(hf_template_match("s{iter}1", HF_TEMPLATE_ITER, "s121"), 12);
    assert_int_equal(hf_template_match("s{iter}-{iter}", HF_TEMPLATE_ITER, "s3-3"), 3);
    assert_int_equal(hf_template_match("s{iter}-{iter}", HF_TEMPLATE_ITER, "s3-4"), -1);
    assert_int_equal(hf_template_match("s{index}", HF_TEMPLATE_ITER, "s{index}"), 0);
    assert_int_equal(hf_template_match("s", HF_TEMPLATE_ITER, "t"), -1);
    assert_non_null(s = hf_template_all_as_index("r{iter}/x_{all}.h5"));
    assert_string_equal(s, "r{iter}/x_{index}.h5");
    free(s);
}

/* Sets that come from no file are checked as the loader checks a file's,
 * when the workflow is finished or the set appended, without a place. */
static void api_sets_checked(void **state)
{
    hf_workflow_t *wf = hf_workflow_create("w", NULL);
    hf_error_t err = {{0}};
    hf_set_t *a, *b;

    (void)state;
    assert_non_null(a = hf_workflow_add_set(wf, "a", (hf_mark_t){0, 0}, &err));
    assert_non_null(a->argv = calloc(3, sizeof(char *)));
    assert_non_null(a->argv[0] = strdup("echo"));
    assert_non_null(a->argv[1] = strdup("{all}"));
    assert_int_equal(hf_workflow_finish(wf, &err), -1);
    assert_int_equal(errno, EINVAL);
    assert_string_equal(err.text, "set 'a': command '{all}': unknown placeholder (known: "
                                  "{index}, {iter}, {set})");
    strcpy(a->argv[1], "{set}");
    assert_non_null(b = hf_workflow_add_set(wf, "b{index}", (hf_mark_t){0, 0}, &err));
    assert_int_equal(hf_workflow_finish(wf, &err), -1);
    assert_string_equal(err.text,
                        "set name 'b{index}': unknown placeholder (known: {iter})");
    assert_int_equal(hf_workflow_truncate(wf, 1), 0);
    assert_int_equal(hf_workflow_finish(wf, &err), 0);

    /* Appended (hf_engine_submit_set() appends): a file of each kind. */
    assert_non_null(b = hf_set_create("b"));
    assert_non_null(b->outputs = calloc(1, sizeof(hf_file_t)));
    b->outputs[0] = (hf_file_t){.path = strdup("o_{all}"), .size = -1, .producer = -1};
    b->noutputs = 1;
    assert_int_equal(hf_workflow_append(wf, b, &err), -1);
    assert_string_equal(err.text, "set 'b': {all} is for inputs: an output is one file");
    b->outputs[0].literal = true; /* a name as it is: no placeholder */
    assert_non_null(b->args = strdup("{\"x\": \"{all}\"}"));
    assert_int_equal(hf_workflow_append(wf, b, &err), -1);
    assert_string_equal(err.text, "set 'b': args '{\"x\": \"{all}\"}': unknown "
                                  "placeholder (known: {index}, {iter}, {set})");
    free(b->args); /* args are a function set's, which this is not */
    b->args = NULL;
    assert_int_equal(hf_workflow_append(wf, b, &err), 1);
    assert_string_equal(hf_workflow_get_set(wf, 1)->outputs[0].path, "o_{all}");
    hf_workflow_destroy(wf);
}

/* A set submitted while a run goes is appended, and checked there. */
static void submitted_sets_checked(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  sim: {duration: 1}\n");
    hf_error_t err = {{0}};
    hf_dag_t *dag = hf_dag_create(wf, &err);
    hf_platform_t p = {1, 1, 0, 0, 0};
    hf_engine_config_t *cfg = hf_engine_config_new("task", "fifo", &p, &err);
    hf_executor_t *x = hf_executor_new();
    hf_set_t *post = hf_set_create("post");
    hf_engine_t *e;

    (void)state;
    assert_int_equal(hf_exec_sim_create(wf, 0, x), 0);
    assert_non_null(e = hf_engine_create(wf, dag, cfg, x, &err));
    hf_engine_config_free(cfg);
    assert_non_null(post->shell = strdup("echo {all}"));
    assert_int_equal(hf_engine_submit_set(e, post, &err), -1);
    assert_string_equal(err.text, "set 'post': command 'echo {all}': unknown placeholder "
                                  "(known: {index}, {iter}, {set})");
    strcpy(post->shell, "echo {set}");
    assert_int_equal(hf_engine_submit_set(e, post, &err), 1);
    hf_engine_destroy(e);
    hf_executor_free(x);
    hf_dag_destroy(dag);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writes_values_as_the_place_needs),
        cmocka_unit_test(leaves_what_it_is_not_given),
        cmocka_unit_test(counts_what_does_not_fit),
        cmocka_unit_test(checks_each_place),
        cmocka_unit_test(loaders_say_the_same),
        cmocka_unit_test(loads_set_in_args),
        cmocka_unit_test(finds_and_matches),
        cmocka_unit_test(api_sets_checked),
        cmocka_unit_test(submitted_sets_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

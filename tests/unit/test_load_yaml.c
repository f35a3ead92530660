/* Unit tests for src/workflow/load_yaml.c: every key of the format, and
 * every kind of bad input with its line and column. */
#include "helpers.h"

static void reads_every_key(void **state)
{
    hf_workflow_t *wf =
        load_ok("name: full\n"
                "platform: {nodes: 4, cores_per_node: 8, gpus_per_node: 2}\n"
                "mode: workload\n"
                "policy: fifo\n"
                "sets:\n"
                "  a: {tasks: 4, cores: 2, gpus: 1, ranks: 2, duration: 1.5,\n"
                "      command: [echo, '{index}'], env: {A: 1, B: x}, pipeline: p,\n"
                "      priority: 3}\n"
                "  b:\n"
                "    tasks: 4\n"
                "    duration: {mean: 10, stddev: 2}\n"
                "    command: echo hi | cat\n"
                "    after: [{set: a, map: one-to-one}]\n"
                "  c: {after: b}\n"
                "  d:\n");
    const hf_set_t *a = hf_workflow_get_set(wf, 0), *b = hf_workflow_get_set(wf, 1);
    const hf_set_t *c = hf_workflow_get_set(wf, 2), *d = hf_workflow_get_set(wf, 3);
    hf_platform_t p;
    hf_mode_t mode;
    hf_policy_t policy;

    (void)state;
    assert_string_equal(hf_workflow_name(wf), "full");
    assert_true(hf_workflow_platform(wf, &p));
    assert_int_equal(p.nodes, 4);
    assert_int_equal(p.cores_per_node, 8);
    assert_int_equal(p.gpus_per_node, 2);
    assert_true(hf_workflow_mode(wf, &mode));
    assert_int_equal(mode, HF_MODE_WORKLOAD);
    assert_true(hf_workflow_policy(wf, &policy));
    assert_int_equal(policy, HF_POLICY_FIFO);
    assert_int_equal(a->tasks, 4);
    assert_int_equal(a->cores, 2);
    assert_int_equal(a->gpus, 1);
    assert_int_equal(a->ranks, 2);
    assert_true(a->duration_mean == 1.5);
    assert_string_equal(a->argv[0], "echo");
    assert_string_equal(a->argv[1], "{index}");
    assert_null(a->argv[2]);
    assert_string_equal(a->env[0], "A=1");
    assert_string_equal(a->env[1], "B=x");
    assert_null(a->env[2]);
    assert_string_equal(a->pipeline, "p");
    assert_int_equal(a->priority, 3);
    assert_int_equal(a->mark.line, 6);
    assert_int_equal(a->mark.col, 3);
    assert_true(b->duration_mean == 10 && b->duration_stddev == 2);
    assert_string_equal(b->shell, "echo hi | cat");
    assert_int_equal(b->nafter, 1);
    assert_int_equal(b->after[0].parent, 0);
    assert_int_equal(b->after[0].map, HF_MAP_ONE_TO_ONE);
    assert_int_equal(c->nafter, 1);
    assert_int_equal(c->after[0].map, HF_MAP_ALL);
    assert_int_equal(d->tasks, 1); /* `d:` alone takes every default */
    assert_int_equal(hf_workflow_ntasks(wf), 10);
    hf_workflow_destroy(wf);
}

static void name_defaults_to_file(void **state)
{
    hf_workflow_t *wf = load_ok("sets: {a: {}}\n");

    (void)state;
    assert_string_equal(hf_workflow_name(wf), hf_workflow_file(wf) + 5); /* /tmp/ */
    hf_workflow_destroy(wf);
}

static void reads_json(void **state)
{
    hf_workflow_t *wf =
        load_ok("{\"name\": \"j\", \"sets\": {\"a\": {\"tasks\": 3, \"duration\": 2},\n"
                " \"b\": {\"after\": [\"a\"]}}}\n");

    (void)state;
    assert_int_equal(hf_workflow_nsets(wf), 2);
    assert_int_equal(hf_workflow_get_set(wf, 0)->tasks, 3);
    assert_int_equal(hf_workflow_get_set(wf, 1)->after[0].parent, 0);
    hf_workflow_destroy(wf);
}

/* Each bad input and the message (after the file name) it must give. */
static const struct {
    const char *yaml;
    const char *message;
} bad[] = {
    {"", "file is empty"},
    {"- a\n", "1:1: a workflow must be a mapping with 'sets', not a list"},
    {"name: x\n", "1:1: workflow has no sets: name at least one under 'sets:'"},
    {"sets: {a: {}}\nfoo: 1\n", "2:1: unknown key 'foo' (known: name, platform, mode, "
                                "policy, walltime, staging, sets, rules)"},
    {"sets:\n  a: {tasks: 2, colour: red}\n",
     "2:17: unknown key 'colour' in set 'a' (known: tasks, cores, gpus, ranks, duration, "
     "command, env, after, pipeline, priority, retries, backoff, timeout, on_failure, "
     "result, start, service, uses, function, workers, args, inputs, outputs, stage)"},
    /* A misspelt key or value: the nearest, within one edit in three. */
    {"sets:\n  a: {comand: [x]}\n",
     "2:7: unknown key 'comand' in set 'a' (did you mean 'command'?)"},
    {"sest:\n  a: {}\n", "1:1: unknown key 'sest' (did you mean 'sets'?)"},
    {"sets:\n  a: {}\n  b: {after: [{set: a, mpa: all}]}\n",
     "3:24: unknown after key 'mpa' (did you mean 'map'?)"},
    {"mode: tsk\nsets: {a: {}}\n", "1:7: unknown mode 'tsk' (did you mean 'task'?)"},
    {"policy: heff\nsets: {a: {}}\n",
     "1:9: unknown policy 'heff' (did you mean 'heft'?)"},
    {"sets:\n  a: {on_failure: contniue}\n",
     "2:19: unknown on_failure 'contniue' (did you mean 'continue'?)"},
    {"sets:\n  prepare: {}\n  b: {after: [prepar]}\n",
     "3:15: set 'b' depends on unknown set 'prepar' (did you mean 'prepare'?)"},
    {"sets:\n  a: {stage: {snyc: true}}\n",
     "2:15: unknown stage key 'snyc' (did you mean 'sync'?)"},
    /* Wrong types: what was expected, and what was given. */
    {"sets:\n  a: {command: 5}\n",
     "2:16: command must be a list of arguments or a string, not a number"},
    {"sets:\n  a: {command: true}\n",
     "2:16: command must be a list of arguments or a string, not a boolean"},
    {"sets:\n  a: {command: ~}\n",
     "2:16: command must be a list of arguments or a string, not null"},
    {"sets:\n  a: {service: \"true\"}\n",
     "2:16: service must be true or false, not a quoted string"},
    {"sets:\n  a: {function: {python: 5}}\n",
     "2:26: function python must be a string, not a number"},
    {"sets:\n  a: {function: {python: 'm:f'}, workers: 4}\n",
     "2:43: workers must be a mapping ({count: N, ...}) or a function set's name, not a "
     "number"},
    {"sets:\n  a: {inputs: x.h5}\n",
     "2:15: inputs must be a list of files, not a string"},
    {"sets:\n  a: {env: {A: [1]}}\n",
     "2:16: env value of 'A' must be a string, not a list"},
    {"sets:\n  a: 5\n", "2:6: a set must be a mapping, not a number"},
    {"name: ~\nsets: {a: {}}\n", "1:7: name must be a string, not null"},
    {"sets:\n  a: {tasks: 4}\n  b: {after: [{set: a, fraction: half}]}\n",
     "3:34: fraction must be a number, not 'half'"},
    {"sets:\n  a: {tasks: many}\n", "2:14: tasks must be an integer, not 'many'"},
    {"sets:\n  a: {tasks: [1]}\n", "2:14: tasks must be an integer, not a list"},
    {"sets:\n  a: {tasks: \"16\"}\n",
     "2:14: tasks must be an integer, not a quoted string"},
    {"sets:\n  a: {cores: 1.5}\n", "2:14: cores must be an integer, not '1.5'"},
    {"sets:\n  a: {tasks: 0}\n", "2:14: tasks must be at least 1, not 0"},
    {"sets:\n  a: {cores: -4}\n", "2:14: cores must be at least 1, not -4"},
    {"sets:\n  a: {ranks: 0}\n", "2:14: ranks must be at least 1, not 0"},
    {"sets:\n  a: {gpus: -1}\n", "2:13: gpus must be between 0 and 256, not -1"},
    {"sets:\n  a: {tasks: 99999999999999999999999}\n",
     "2:14: tasks must be between 1 and 100000000, not 99999999999999999999999"},
    {"sets:\n  a: {duration: -3}\n", "2:17: duration must be between 0 and 1e12 seconds"},
    {"sets:\n  a: {duration: soon}\n", "2:17: duration must be a number of seconds"},
    {"sets:\n  a: {duration: {stddev: 1}}\n", "2:17: duration needs a 'mean'"},
    {"sets:\n  a: {duration: {mean: 1, sd: 1}}\n", "2:27: unknown duration key 'sd'"},
    {"sets:\n  a: {after: [T9]}\n", "2:15: set 'a' depends on unknown set 'T9'"},
    {"sets:\n  a: {}\n  b: {after: [{set: a, map: some}]}\n",
     "3:29: unknown map 'some' (known: all, one-to-one)"},
    {"sets:\n  a: {}\n  b: {after: [{map: all}]}\n", "3:15: after entry needs a 'set'"},
    {"sets:\n  a: {}\n  a: {}\n", "3:3: duplicate set name 'a' (first at line 2)"},
    {"sets:\n  a: {tasks: 1, tasks: 2}\n", "2:17: key 'tasks' repeated in a set"},
    {"sets:\n  a: {command: []}\n", "2:16: command must not be an empty list"},
    {"sets:\n  a: {command: [[x]]}\n",
     "2:17: command arguments must be strings, not a list"},
    {"sets:\n  a: {env: [A]}\n", "2:12: env must be a mapping, not a list"},
    {"sets:\n  a: {env: {A=B: 1}}\n",
     "2:13: environment variable name 'A=B' contains '='"},
    {"mode: fast\nsets: {a: {}}\n", "1:7: unknown mode 'fast'"},
    {"policy: lpt\nsets: {a: {}}\n", "1:9: unknown policy 'lpt'"},
    {"platform: {nodes: 0}\nsets: {a: {}}\n", "1:19: nodes must be at least 1, not 0"},
    {"platform: {sockets: 2}\nsets: {a: {}}\n", "1:12: unknown platform key 'sockets'"},
    {"sets: [a, b]\n", "1:7: sets must be a mapping of set names, not a list"},
    {"sets:\n  a: {tasks: 1\n", "3:1: YAML: did not find expected ',' or '}'"},
    {"sets:\n  a: {tasks: 2}\n  b: {tasks: 3, after: [{set: a, map: one-to-one}]}\n",
     "3:25: one-to-one map needs equal task counts: 'b' has 3, 'a' has 2"},
    {"sets:\n  \"\": {}\n", "2:3: a key must not be empty"},
    {"sets:\n  a: {tasks: 2}\n  b: {after: [a, a]}\n",
     "3:18: set 'b' lists 'a' twice in 'after'"},
    {"sets:\n  a: {result: {u: {factor: 2}}}\n", "2:19: result 'u' needs a 'start'"},
    {"sets:\n  a: {result: {u: {start: x}}}\n", "2:27: start must be a number, not 'x'"},
    {"sets:\n  a: {result: {u: {begin: 1}}}\n", "2:20: unknown result key 'begin'"},
    {"sets:\n  a: {tasks: 4}\n  b: {after: [{set: a, fraction: 0}]}\n",
     "3:34: fraction must be more than 0 and at most 1, not 0"},
    {"sets:\n  a: {tasks: 4}\n  b: {after: [{set: a, fraction: 1.5}]}\n",
     "3:34: fraction must be more than 0 and at most 1, not 1.5"},
    {"sets:\n  a: {tasks: 4}\n  b: {after: [{set: a, count: 5}]}\n",
     "3:15: set 'b' waits for 5 tasks of 'a', which has 4"},
    {"sets:\n  a: {tasks: 4}\n  b: {after: [{set: a, count: 1, fraction: 0.5}]}\n",
     "3:15: after entry gives both a fraction and a count"},
    {"sets:\n  a: {tasks: 4}\n  b: {tasks: 4, after: [{set: a, map: one-to-one, count: "
     "2}]}\n",
     "3:25: a one-to-one map waits for one task: no fraction or count"},
};

static void rejects_bad_input(void **state)
{
    int wrong = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *msg = load_error(bad[i].yaml);
        if (!strstr(msg, bad[i].message)) {
            print_error("case %zu: got '%s', want '%s'\n", i, msg, bad[i].message);
            wrong++;
        }
    }
    assert_int_equal(wrong, 0);
}

/* Numbers and booleans are text where text is a name or an argument. */
static void reads_scalars_as_text(void **state)
{
    hf_workflow_t *wf = load_ok("name: 2024\n"
                                "sets:\n"
                                "  5: {command: [echo, 5, true], pipeline: 7}\n"
                                "  b: {command: \"5\", after: [5], env: {N: 1}}\n"
                                "  c: ~\n");
    const hf_set_t *a = hf_workflow_get_set(wf, 0), *b = hf_workflow_get_set(wf, 1);

    (void)state;
    assert_string_equal(hf_workflow_name(wf), "2024");
    assert_string_equal(a->name, "5");
    assert_string_equal(a->argv[1], "5");
    assert_string_equal(a->argv[2], "true");
    assert_string_equal(a->pipeline, "7");
    assert_string_equal(b->shell, "5");
    assert_int_equal(b->after[0].parent, 0);
    assert_int_equal(hf_workflow_get_set(wf, 2)->tasks, 1); /* `c: ~` as `c:` */
    hf_workflow_destroy(wf);
}

static void rejects_missing_file(void **state)
{
    hf_error_t err;

    (void)state;
    assert_null(hf_workflow_load("/nonexistent/w.yaml", &err));
    assert_string_equal(err.text, "/nonexistent/w.yaml: No such file or directory");
}

static void rejects_invalid_utf8(void **state)
{
    const char *msg = load_error("sets:\n  a\xff: {}\n");

    (void)state;
    assert_non_null(strstr(msg, "YAML: invalid"));
}

/* A set read alone: a function set that shares workers names them, and
 * carries no pool or use of its own load's. */
static void parses_a_set_alone(void **state)
{
    hf_error_t err;
    hf_set_t *set = hf_set_parse(
        "more", "{\"tasks\": 4, \"function\": {\"python\": \"m:f\"}, \"workers\": \"f\"}",
        &err);
    int n;

    (void)state;
    assert_non_null(set);
    assert_int_equal(set->tasks, 4);
    assert_string_equal(set->workers.share, "f");
    assert_int_equal(set->nuses, 0);
    hf_set_uses(set, &n);
    assert_int_equal(n, 0);
    assert_int_equal(hf_set_pool(set), -1);
    hf_set_destroy(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_every_key),
        cmocka_unit_test(name_defaults_to_file),
        cmocka_unit_test(reads_json),
        cmocka_unit_test(rejects_bad_input),
        cmocka_unit_test(reads_scalars_as_text),
        cmocka_unit_test(rejects_missing_file),
        cmocka_unit_test(rejects_invalid_utf8),
        cmocka_unit_test(parses_a_set_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

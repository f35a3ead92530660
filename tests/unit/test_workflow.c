/* Unit tests for the workflow model (src/workflow/): building a workflow
 * through the API, resolving dependencies, pools, and the platform check. */
#include <errno.h>

#include "helpers.h"

static const hf_mark_t here = {3, 5};

static void builds_with_defaults(void **state)
{
    hf_workflow_t *wf = hf_workflow_create("w", "w.yaml");
    hf_set_t *a, *b;

    (void)state;
    a = hf_workflow_add_set(wf, "a", here, NULL);
    b = hf_workflow_add_set(wf, "b", here, NULL);
    assert_non_null(a);
    assert_int_equal(a->tasks, 1);
    assert_int_equal(a->cores, 1);
    assert_int_equal(a->gpus, 0);
    assert_int_equal(a->ranks, 1);
    a->tasks = 10;
    b->tasks = 10;
    assert_non_null(hf_workflow_add_dep(wf, b, "a", HF_MAP_ONE_TO_ONE, here));
    assert_int_equal(hf_workflow_finish(wf, NULL), 0);
    assert_int_equal(b->after[0].parent, 0);
    assert_int_equal(hf_workflow_ntasks(wf), 20);
    assert_int_equal(hf_workflow_first_task(wf, 1), 10);
    assert_int_equal(hf_workflow_find_set(wf, "b"), 1);
    assert_int_equal(hf_workflow_find_set(wf, "c"), -1);
    hf_workflow_destroy(wf);
}

static void rejects_duplicate_names(void **state)
{
    hf_workflow_t *wf = hf_workflow_create("w", "w.yaml");
    hf_error_t err;

    (void)state;
    assert_non_null(hf_workflow_add_set(wf, "a", (hf_mark_t){2, 3}, &err));
    assert_null(hf_workflow_add_set(wf, "a", (hf_mark_t){4, 3}, &err));
    assert_int_equal(errno, EEXIST);
    assert_string_equal(err.text, "w.yaml:4:3: duplicate set name 'a' (first at line 2)");
    hf_workflow_destroy(wf);
}

static void rejects_bad_edges(void **state)
{
    hf_workflow_t *wf = hf_workflow_create("w", "w.yaml");
    hf_set_t *a = hf_workflow_add_set(wf, "a", here, NULL);
    hf_error_t err;

    (void)state;
    hf_workflow_add_dep(wf, a, "nope", HF_MAP_ALL, (hf_mark_t){7, 9});
    assert_int_equal(hf_workflow_finish(wf, &err), -1);
    assert_int_equal(errno, EINVAL);
    assert_string_equal(err.text, "w.yaml:7:9: set 'a' depends on unknown set 'nope'");
    hf_workflow_destroy(wf);

    wf = hf_workflow_create("w", "w.yaml");
    a = hf_workflow_add_set(wf, "a", here, NULL);
    hf_workflow_add_dep(wf, a, "a", HF_MAP_ALL, here);
    assert_int_equal(hf_workflow_finish(wf, &err), -1);
    assert_string_equal(err.text, "w.yaml:3:5: set 'a' depends on itself");
    hf_workflow_destroy(wf);

    wf = hf_workflow_create("w", "w.yaml");
    hf_workflow_add_set(wf, "a", here, NULL)->tasks = 3;
    a = hf_workflow_add_set(wf, "b", here, NULL);
    a->tasks = 4;
    hf_workflow_add_dep(wf, a, "a", HF_MAP_ONE_TO_ONE, here);
    assert_int_equal(hf_workflow_finish(wf, &err), -1);
    assert_string_equal(err.text, "w.yaml:3:5: one-to-one map needs equal task counts: "
                                  "'b' has 4, 'a' has 3");
    hf_workflow_destroy(wf);
}

static void checks_fit_on_a_node(void **state)
{
    hf_workflow_t *wf = hf_workflow_create("w", "w.yaml");
    hf_set_t *a = hf_workflow_add_set(wf, "big", (hf_mark_t){4, 3}, NULL);
    hf_platform_t p = {16, 48, 6, 0, 0};
    hf_error_t err;

    (void)state;
    a->cores = 64;
    a->gpus = 1;
    assert_int_equal(hf_workflow_finish(wf, NULL), 0);
    assert_int_equal(hf_workflow_check_platform(wf, &p, &err), -1);
    assert_string_equal(err.text, "w.yaml:4:3: set 'big' asks 64 cores and 1 GPUs per "
                                  "rank, but a node has 48 cores and 6 GPUs");
    a->cores = 4;
    a->gpus = 8;
    assert_int_equal(hf_workflow_check_platform(wf, &p, &err), -1);
    a->gpus = 1;
    a->ranks = 97; /* 6 ranks per node by GPUs, x 16 nodes = 96 */
    assert_int_equal(hf_workflow_check_platform(wf, &p, &err), -1);
    assert_non_null(strstr(err.text, "platform holds only 96 such ranks"));
    a->ranks = 96;
    assert_int_equal(hf_workflow_check_platform(wf, &p, &err), 0);
    hf_workflow_destroy(wf);
}

static void settings_and_names(void **state)
{
    hf_workflow_t *wf = hf_workflow_create("w", NULL);
    hf_platform_t p, given = {16, -1, -1, 0, 0};
    hf_mode_t mode;
    hf_policy_t policy;

    (void)state;
    assert_false(hf_workflow_mode(wf, &mode));
    assert_false(hf_workflow_policy(wf, &policy));
    assert_false(hf_workflow_platform(wf, &p));
    hf_workflow_set_platform(wf, &given);
    assert_true(hf_workflow_platform(wf, &p));
    assert_int_equal(p.nodes, 16);
    assert_int_equal(p.cores_per_node, -1);
    assert_int_equal(hf_mode_parse("workload", &mode), 0);
    assert_int_equal(mode, HF_MODE_WORKLOAD);
    assert_int_equal(hf_mode_parse("async", &mode), -1);
    assert_int_equal(hf_policy_parse("critical-path", &policy), 0);
    assert_string_equal(hf_policy_name(policy), "critical-path");
    assert_string_equal(hf_mode_name(HF_MODE_SEQUENTIAL), "sequential");
    assert_int_equal(hf_workflow_finish(wf, NULL), -1); /* no sets */
    hf_workflow_destroy(wf);
}

/* A function set gets a pool of its own, one that shares it calls into
 * that pool, and a pool is not a set. */
static void pools_are_their_own(void **state)
{
    hf_workflow_t *wf = hf_workflow_create("w", "w.yaml");
    hf_set_t *f = hf_workflow_add_set(wf, "f", here, NULL);
    hf_set_t *g = hf_workflow_add_set(wf, "g", here, NULL);
    hf_set_t *svc = hf_workflow_add_set(wf, "svc", here, NULL);
    hf_set_t *u = hf_workflow_add_set(wf, "u", here, NULL);
    const hf_pool_t *pool;
    const int *uses;
    hf_dep_t *dep;
    hf_error_t err;
    char hint[64];
    int n;

    (void)state;
    f->function = calloc(1, sizeof(*f->function));
    g->function = calloc(1, sizeof(*g->function));
    f->function->python = strdup("m:f");
    g->function->python = strdup("m:f");
    f->tasks = 8;
    f->cores = 2;
    f->workers.count = 3;
    g->workers.share = strdup("f");
    svc->service = true;
    u->uses_names = calloc(2, sizeof(char *));
    u->uses_names[0] = strdup("svc");
    u->nuses = 1;
    dep = hf_workflow_add_dep(wf, u, "f", HF_MAP_ALL, here);
    dep->count = 5;
    assert_int_equal(hf_workflow_finish(wf, NULL), 0);

    assert_int_equal(hf_workflow_npools(wf), 1);
    pool = hf_workflow_pool(wf, 0);
    /* A pool is no set: the workflow keeps the file's sets and tasks. */
    assert_int_equal(hf_workflow_find_set(wf, "f.workers"), -1);
    assert_int_equal(hf_workflow_nsets(wf), 4);
    assert_int_equal(hf_workflow_ntasks(wf), 8 + 1 + 1 + 1);
    assert_int_equal(hf_workflow_find_pool(wf, "f.workers"), 0);
    assert_int_equal(hf_workflow_find_pool(wf, "g.workers"), -1);
    assert_string_equal(pool->name, "f.workers");
    assert_int_equal(pool->owner, 0);
    assert_int_equal(pool->size, 3);
    assert_int_equal(pool->window, HF_WORKERS_WINDOW);
    assert_int_equal(pool->cores, 2);
    assert_int_equal(pool->gpus, 0);
    assert_ptr_equal(pool->function, f->function);
    assert_int_equal(hf_set_pool(f), 0);
    assert_int_equal(hf_set_pool(g), 0);
    assert_int_equal(g->cores, 2); /* its calls run on f's workers */
    assert_int_equal(hf_set_pool(u), -1);
    /* A function set's pool is not among the services it uses. */
    uses = hf_set_uses(g, &n);
    assert_int_equal(n, 0);
    assert_int_equal(g->nuses, 0);
    uses = hf_set_uses(u, &n);
    assert_int_equal(n, 1);
    assert_int_equal(uses[0], 2);
    /* A pool's name is hetflow's, never a hint for a misspelt set. */
    assert_string_equal(hf_workflow_near_set(wf, "f.worker", hint, sizeof(hint)), "");
    /* A dependency becomes its edge in one place. */
    {
        hf_edge_t e = hf_dep_edge(&u->after[0], 3);
        assert_int_equal(e.set, 3);
        assert_int_equal(e.map, HF_MAP_ALL);
        assert_int_equal(e.threshold, 5);
    }
    /* The pool's name is the workers' folder: no set takes it. */
    assert_null(hf_workflow_add_set(wf, "f.workers", (hf_mark_t){9, 1}, &err));
    assert_int_equal(errno, EEXIST);
    assert_string_equal(err.text,
                        "w.yaml:9:1: duplicate set name 'f.workers' (first at line 3)");
    assert_int_equal(hf_workflow_truncate(wf, 4), 0); /* no set added: nothing goes */
    assert_int_equal(hf_workflow_npools(wf), 1);
    assert_int_equal(hf_workflow_truncate(wf, 0), 0); /* the pool goes with its owner */
    assert_int_equal(hf_workflow_npools(wf), 0);
    hf_workflow_destroy(wf);

    /* Nor does a set of the file: finish names it. */
    wf = hf_workflow_create("w", "w.yaml");
    f = hf_workflow_add_set(wf, "f", (hf_mark_t){2, 3}, NULL);
    f->function = calloc(1, sizeof(*f->function));
    f->function->python = strdup("m:f");
    assert_non_null(hf_workflow_add_set(wf, "f.workers", (hf_mark_t){5, 3}, NULL));
    assert_int_equal(hf_workflow_finish(wf, &err), -1);
    assert_string_equal(err.text,
                        "w.yaml:2:3: duplicate set name 'f.workers' (first at line 5)");
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builds_with_defaults), cmocka_unit_test(rejects_duplicate_names),
        cmocka_unit_test(rejects_bad_edges),    cmocka_unit_test(checks_fit_on_a_node),
        cmocka_unit_test(settings_and_names),   cmocka_unit_test(pools_are_their_own),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/analysis/model.c: waves, t_seq, t_async, I, the
 * critical path and the lower bound, on the paper's examples. */
#include "helpers.h"

static hf_workflow_t *load_example(const char *name, hf_platform_t *p)
{
    char path[512];
    hf_error_t err;
    hf_workflow_t *wf;

    snprintf(path, sizeof(path), "%s/%s", EXAMPLES, name);
    if (!(wf = hf_workflow_load(path, &err)))
        fail_msg("%s", err.text);
    assert_true(hf_workflow_platform(wf, p));
    return wf;
}

static void analyze(hf_workflow_t *wf, const hf_platform_t *p, hf_analysis_t *a,
                    hf_dag_t **dag)
{
    *dag = hf_dag_create(wf, NULL);
    assert_non_null(*dag);
    assert_int_equal(hf_analyze(wf, *dag, p, a), 0);
}

static void fit_packs_node_by_node(void **state)
{
    hf_platform_t p = {16, 48, 6, 0, 0};
    hf_set_t s = {.tasks = 96, .cores = 16, .gpus = 1, .ranks = 1};

    (void)state;
    assert_int_equal(hf_set_fit(&s, &p), 48); /* 3 per node by cores */
    s.cores = 4;
    assert_int_equal(hf_set_fit(&s, &p), 96); /* 6 per node by GPUs */
    s.gpus = 0;
    assert_int_equal(hf_set_fit(&s, &p), 192); /* 12 per node */
    s.ranks = 5;
    assert_int_equal(hf_set_fit(&s, &p), 38); /* 192 ranks / 5 per task */
}

static void fig1b_masking(void **state)
{
    hf_platform_t p;
    hf_workflow_t *wf = load_example("fig1b.yaml", &p);
    hf_analysis_t a;
    hf_dag_t *d;

    (void)state;
    analyze(wf, &p, &a, &d);
    /* t_seq = 500 + max(1000, 1000) + max(2000, 4000) + 2000 = 7500;
     * t_async = max(500+1000+2000+2000, 500+1000+4000) = 5500;
     * I = 1 - 5500/7500 = 0.2667 (the paper's numbers). */
    assert_true(a.t_seq == 7500);
    assert_true(a.t_async == 5500);
    assert_close(a.improvement, 0.266667, 1e-6);
    assert_true(a.critical_path == 5500);
    /* Core-seconds 10500 over 4 cores = 2625 < 5500: the path bounds. */
    assert_close(a.area_cores, 2625, 1e-9);
    assert_true(a.lower_bound == 5500);
    hf_analysis_free(&a);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void cdag_times(void **state)
{
    hf_platform_t p;
    hf_workflow_t *wf = load_example("cdag2.yaml", &p);
    hf_analysis_t a;
    hf_dag_t *d;

    (void)state;
    analyze(wf, &p, &a, &d);
    /* Waves on 16 x (48c, 6g): T0 96/48 = 2, T12 32/16 = 2, T36 96/96 = 1,
     * T45 16/16 = 1, T7 16/192 = 1; t = waves x duration:
     * 380, 160, 760, 240, 460. */
    assert_int_equal(a.sets[0].waves, 2);
    assert_int_equal(a.sets[1].waves, 2);
    assert_int_equal(a.sets[2].waves, 1);
    assert_true(a.sets[0].t == 380 && a.sets[1].t == 160 && a.sets[2].t == 760);
    assert_true(a.sets[3].t == 240 && a.sets[4].t == 460);
    /* t_seq = 380 + 160 + max(760, 240) + 460 = 1760;
     * t_async = 380 + 160 + max(760, 240 + 460) = 1300; I = 0.261 (paper). */
    assert_true(a.t_seq == 1760);
    assert_true(a.t_async == 1300);
    assert_close(a.improvement, 1 - 1300.0 / 1760, 1e-12);
    hf_analysis_free(&a);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);

    wf = load_example("cdag1.yaml", &p);
    analyze(wf, &p, &a, &d);
    /* t = 760, 220, 120, 160, 720: t_seq = 760 + 220 + 160 + 720 = 1860 and
     * t_async = 760 + 220 + max(120, 160 + 720) = 1860: I = 0. */
    assert_true(a.t_seq == 1860);
    assert_true(a.t_async == 1860);
    assert_true(a.improvement == 0);
    hf_analysis_free(&a);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void bound_with_one_to_one(void **state)
{
    /* a -> b one-to-one, 4 tasks each of 10 s, 2 at once each (2 waves):
     * a's last task ends at 20 at the earliest and b's copy of it needs 10
     * more, so the bound is 30, not the set-level path 20 + 20 = 40 (which
     * a schedule overlapping the waves beats when a and b use different
     * resources). */
    hf_workflow_t *wf = load_ok("sets:\n"
                                "  a: {tasks: 4, cores: 2, duration: 10}\n"
                                "  b: {tasks: 4, gpus: 1, duration: 10,\n"
                                "      after: [{set: a, map: one-to-one}]}\n");
    hf_platform_t p = {1, 5, 2, 0, 0};
    hf_dag_t *d = hf_dag_create(wf, NULL);

    (void)state;
    assert_true(hf_lower_bound(wf, d, &p) == 30);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void bound_by_area(void **state)
{
    /* Two independent sets of 100 one-core tasks of 10 s on 8 cores: each
     * set alone needs 13 waves, t = 130, the longest path; the work is
     * 2000 core-seconds over 8 cores = 250, which bounds tighter. */
    hf_workflow_t *wf = load_ok("sets:\n  a: {tasks: 100, duration: 10}\n"
                                "  b: {tasks: 100, duration: 10}\n");
    hf_platform_t p = {1, 8, 0, 0, 0};
    hf_dag_t *d = hf_dag_create(wf, NULL);

    (void)state;
    assert_true(hf_lower_bound(wf, d, &p) == 250);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

/* The bound-aware estimate on bound_by_area's sets: t_seq = t_async = 130
 * (13 waves, side by side in the paper's model), both below the work
 * bound 250, so both rise to it and I is 0, not 1 - 250/130 < 0; the
 * resources limit.  On fig1b the path (5500) is the tight bound, so the
 * estimate is t_async and the dependencies limit. */
static void bound_aware_estimate(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  a: {tasks: 100, duration: 10}\n"
                                "  b: {tasks: 100, duration: 10}\n");
    hf_platform_t p = {1, 8, 0, 0, 0};
    hf_analysis_t a;
    hf_dag_t *d;

    (void)state;
    analyze(wf, &p, &a, &d);
    assert_true(a.t_seq == 130 && a.t_async == 130 && a.improvement == 0);
    assert_true(a.tight_bound == 250);
    assert_true(a.t_seq_bounded == 250 && a.t_async_bounded == 250);
    assert_true(a.improvement_bounded == 0);
    assert_int_equal(a.limit, HF_LIMIT_RESOURCES);
    assert_string_equal(hf_limit_name(a.limit), "resources");
    hf_analysis_free(&a);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);

    wf = load_example("fig1b.yaml", &p);
    analyze(wf, &p, &a, &d);
    assert_true(a.tight_bound == 5500);
    assert_true(a.t_seq_bounded == 7500 && a.t_async_bounded == 5500);
    assert_true(a.improvement_bounded == a.improvement);
    assert_int_equal(a.limit, HF_LIMIT_DEPENDENCIES);
    assert_string_equal(hf_limit_name(a.limit), "dependencies");
    hf_analysis_free(&a);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void partial_edges_shorten_the_path(void **state)
{
    /* a: 4 x 10 s, 2 at once: t = 20.  b waits for 2 of a: one wave of a,
     * 10 s after a starts, then its own 5 s: it can end at 15.  c waits for
     * all of a: 20 + 1 = 21 = t_async.  Without the partial edge, b would
     * end at 25 and be the path. */
    hf_workflow_t *wf = load_ok("sets:\n  a: {tasks: 4, duration: 10}\n"
                                "  b: {duration: 5, after: [{set: a, count: 2}]}\n"
                                "  c: {duration: 1, after: [a]}\n");
    hf_platform_t p = {1, 2, 0, 0, 0};
    hf_dag_t *d = hf_dag_create(wf, NULL);
    hf_analysis_t a;

    (void)state;
    assert_int_equal(hf_analyze(wf, d, &p, &a), 0);
    assert_true(a.t_async == 21);
    assert_true(a.critical_path == 21);
    /* Work: 40 + 5 + 1 = 46 core-seconds on 2 cores = 23 > 21. */
    assert_true(a.lower_bound == 23);
    hf_analysis_free(&a);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

/* a (100 s) -> ten one-task sets b0..b9 (10 s) -> c (50 s) on 2 cores, as a
 * WfCommons instance imports.  The lower bound: the path 100 + 10 + 50 = 160
 * (the area, 250 / 2 = 125, is less).  But c waits for all of b, which
 * cannot start before 100: c starts no earlier than 100 + 100 / 2 = 150,
 * and ends at 200, which the simulator reaches (five waves of b). */
static void tight_bound_sees_the_wave(void **state)
{
    char text[1024] = "sets:\n  a: {duration: 100}\n";
    hf_platform_t p = {1, 2, 0, 0, 0};
    hf_workflow_t *wf;
    hf_dag_t *d;
    sim_run_t run;

    (void)state;
    for (int i = 0; i < 10; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text),
                 "  b%d: {duration: 10, after: [a]}\n", i);
    strcat(text,
           "  c: {duration: 50, after: [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9]}\n");
    wf = load_ok(text);
    d = hf_dag_create(wf, NULL);
    assert_close(hf_lower_bound(wf, d, &p), 160, 1e-9);
    assert_close(hf_tight_bound(wf, d, &p), 200, 1e-9);
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_CRITICAL_PATH, &run);
    assert_close(run.summary.makespan, 200, 1e-9);
    sim_run_free(&run);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

/* Two 50 s sets each after eight 10 s tasks of their own, on 4 cores: the
 * path is two waves of feeders and a long set, 20 + 50 = 70; the area
 * (160 + 100) / 4 = 65.  But both long sets start by
 * makespan - 50, after all sixteen feeders (160 core-s over 4 cores):
 * makespan >= 50 + 40 = 90, which the simulator reaches. */
static void tight_bound_long_tails(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n"
                                "  f1: {tasks: 8, duration: 10}\n"
                                "  f2: {tasks: 8, duration: 10}\n"
                                "  p1: {duration: 50, after: [f1]}\n"
                                "  p2: {duration: 50, after: [f2]}\n");
    hf_platform_t p = {1, 4, 0, 0, 0};
    hf_dag_t *d = hf_dag_create(wf, NULL);
    sim_run_t run;

    (void)state;
    assert_close(hf_lower_bound(wf, d, &p), 70, 1e-9);
    assert_close(hf_tight_bound(wf, d, &p), 90, 1e-9);
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_CRITICAL_PATH, &run);
    assert_close(run.summary.makespan, 90, 1e-9);
    sim_run_free(&run);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fit_packs_node_by_node),
        cmocka_unit_test(fig1b_masking),
        cmocka_unit_test(cdag_times),
        cmocka_unit_test(bound_with_one_to_one),
        cmocka_unit_test(bound_by_area),
        cmocka_unit_test(bound_aware_estimate),
        cmocka_unit_test(partial_edges_shorten_the_path),
        cmocka_unit_test(tight_bound_sees_the_wave),
        cmocka_unit_test(tight_bound_long_tails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

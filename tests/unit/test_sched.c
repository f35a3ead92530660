/* Unit tests for src/sched/sched.c and policy.c: policy order, skipping
 * sets that do not fit, multi-rank placement and exact ids, and what each
 * policy does. */
#include "helpers.h"

typedef struct {
    int set;
    uint32_t index;
    hf_alloc_t *alloc;
} placed_t;

/* Run one pass; returns how many tasks were placed into out. */
static int pass(hf_sched_t *s, placed_t *out, int max)
{
    int n = 0, rc;

    while (n < max &&
           (rc = hf_sched_next(s, &out[n].set, &out[n].index, &out[n].alloc)) == 1)
        n++;
    return n;
}

static void fifo_by_readiness(void **state)
{
    hf_platform_t p = {1, 4, 0, 0, 0};
    hf_sched_t *s = hf_sched_create(&p, HF_POLICY_FIFO, 2);
    placed_t got[8];

    (void)state;
    hf_sched_set_shape(s, 0, 1, 0, 1, 0, 100, 0);
    hf_sched_set_shape(s, 1, 1, 0, 1, 0, 1, 0);
    hf_sched_push(s, 1, 0);
    hf_sched_push(s, 0, 0);
    hf_sched_push(s, 1, 1);
    hf_sched_push(s, 0, 1);
    hf_sched_push(s, 0, 2);
    assert_int_equal(hf_sched_nready(s), 5);
    assert_int_equal(pass(s, got, 8), 4); /* 4 cores */
    assert_int_equal(got[0].set, 1);
    assert_int_equal(got[1].set, 0);
    assert_int_equal(got[2].set, 1);
    assert_int_equal(got[2].index, 1);
    assert_int_equal(got[3].set, 0);
    assert_int_equal(got[3].index, 1);
    assert_int_equal(got[0].alloc->slot[0].cores[0], 0);
    assert_int_equal(got[3].alloc->slot[0].cores[0], 3);
    hf_sched_release(s, got[1].alloc);
    assert_int_equal(pass(s, got + 1, 8), 1);
    assert_int_equal(got[1].set, 0);
    assert_int_equal(got[1].index, 2);
    assert_int_equal(got[1].alloc->slot[0].cores[0], 1); /* the id freed */
    for (int i = 0; i < 4; i++)
        hf_sched_release(s, got[i].alloc);
    assert_int_equal(hf_sched_free_cores(s), 4);
    hf_sched_destroy(s);
}

static void critical_path_then_priority(void **state)
{
    hf_platform_t p = {1, 1, 0, 0, 0};
    hf_sched_t *s = hf_sched_create(&p, HF_POLICY_CRITICAL_PATH, 3);
    placed_t got[1];
    int order[3];

    (void)state;
    hf_sched_set_shape(s, 0, 1, 0, 1, 0, 10, 0);
    hf_sched_set_shape(s, 1, 1, 0, 1, 0, 50, 0);
    hf_sched_set_shape(s, 2, 1, 0, 1, 1, 5, 0); /* priority beats rank */
    for (int i = 0; i < 3; i++)
        hf_sched_push(s, i, 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pass(s, got, 1), 1);
        order[i] = got[0].set;
        hf_sched_release(s, got[0].alloc);
    }
    assert_int_equal(order[0], 2);
    assert_int_equal(order[1], 1);
    assert_int_equal(order[2], 0);
    hf_sched_destroy(s);
}

static void small_tasks_pass_a_big_one(void **state)
{
    hf_platform_t p = {2, 8, 1, 0, 0};
    hf_sched_t *s = hf_sched_create(&p, HF_POLICY_CRITICAL_PATH, 3);
    placed_t got[8];

    (void)state;
    hf_sched_set_shape(s, 0, 6, 0, 1, 0, 100, 0); /* first in order */
    hf_sched_set_shape(s, 1, 1, 1, 1, 0, 90, 0);
    hf_sched_set_shape(s, 2, 1, 0, 1, 0, 80, 0);
    for (uint32_t i = 0; i < 3; i++)
        hf_sched_push(s, 0, i);
    hf_sched_push(s, 1, 0);
    hf_sched_push(s, 1, 1);
    hf_sched_push(s, 1, 2);
    hf_sched_push(s, 2, 0);
    /* Two 6-core tasks fill 12 of 16 cores; the third does not fit but the
     * 1-core tasks behind it do: 2 GPU tasks (one GPU per node) and one
     * CPU task; the third GPU task waits. */
    assert_int_equal(pass(s, got, 8), 5);
    assert_int_equal(got[0].set, 0);
    assert_int_equal(got[1].set, 0);
    assert_int_equal(got[2].set, 1);
    assert_int_equal(got[3].set, 1);
    assert_int_equal(got[4].set, 2);
    assert_int_equal(got[0].alloc->slot[0].node, 0);
    assert_int_equal(got[1].alloc->slot[0].node, 1);
    assert_int_equal(hf_sched_nready(s), 2);
    assert_int_equal(hf_sched_free_gpus(s), 0);
    for (int i = 0; i < 5; i++)
        hf_sched_release(s, got[i].alloc);
    hf_sched_destroy(s);
}

static void ranks_span_nodes(void **state)
{
    hf_platform_t p = {3, 8, 2, 0, 0};
    hf_sched_t *s = hf_sched_create(&p, HF_POLICY_FIFO, 1);
    placed_t got[2];
    const hf_alloc_t *a;

    (void)state;
    /* 5 ranks of (3 cores, 1 GPU): 2 fit per node (cores 6 of 8, GPUs 2). */
    hf_sched_set_shape(s, 0, 3, 1, 5, 0, 0, 0);
    hf_sched_push(s, 0, 0);
    hf_sched_push(s, 0, 1);
    assert_int_equal(pass(s, got, 2), 1); /* the second needs 5 more ranks */
    a = got[0].alloc;
    assert_int_equal(a->nslots, 3);
    assert_int_equal(a->slot[0].ranks + a->slot[1].ranks + a->slot[2].ranks, 5);
    assert_int_equal(a->slot[0].ncores, a->slot[0].ranks * 3);
    assert_int_equal(a->slot[0].ngpus, a->slot[0].ranks);
    assert_int_equal(hf_sched_free_gpus(s), 1);
    assert_int_equal(hf_sched_free_cores(s), 24 - 15);
    /* A failed placement leaves nothing taken. */
    assert_int_equal(hf_sched_free_cores(s), 9);
    hf_sched_release(s, got[0].alloc);
    assert_int_equal(pass(s, got, 2), 1);
    assert_int_equal(got[0].index, 1);
    hf_sched_release(s, got[0].alloc);
    assert_int_equal(hf_sched_free_cores(s), 24);
    assert_int_equal(hf_sched_free_gpus(s), 6);
    hf_sched_destroy(s);
}

static void policies_say_what_they_do(void **state)
{
    hf_policy_features_t f;
    hf_platform_t p = {2, 8, 0, 0, 0};
    hf_set_t set = {.tasks = 40, .cores = 2, .gpus = 0, .ranks = 1, .duration_mean = 3};

    (void)state;
    f = hf_policy_features(HF_POLICY_FIFO);
    assert_false(f.ranked || f.task_ranks || f.backfill || f.tuned);
    f = hf_policy_features(HF_POLICY_CRITICAL_PATH);
    assert_true(f.ranked);
    assert_false(f.task_ranks || f.backfill || f.tuned);
    f = hf_policy_features(HF_POLICY_HEFT);
    assert_true(f.ranked && f.task_ranks && f.backfill);
    assert_false(f.tuned);
    f = hf_policy_features(HF_POLICY_TUNED);
    assert_true(f.ranked && f.task_ranks && f.backfill && f.tuned);
    f = hf_policy_features((hf_policy_t)99); /* none: no feature */
    assert_false(f.ranked || f.task_ranks || f.backfill || f.tuned);
    /* 8 fit at once: 5 waves of 3 s; heft ranks by the task's 3 s. */
    assert_true(hf_policy_rank_time(HF_POLICY_CRITICAL_PATH, &set, &p) == 15);
    assert_true(hf_policy_rank_time(HF_POLICY_HEFT, &set, &p) == 3);
    assert_true(hf_policy_rank_time(HF_POLICY_TUNED, &set, &p) == 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fifo_by_readiness),
        cmocka_unit_test(critical_path_then_priority),
        cmocka_unit_test(small_tasks_pass_a_big_one),
        cmocka_unit_test(ranks_span_nodes),
        cmocka_unit_test(policies_say_what_they_do),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/sched/nodes.c: free ids and best-fit lookup. */
#include "helpers.h"
#include "sched/nodes.h"

static void takes_lowest_ids_and_gives_back(void **state)
{
    hf_platform_t p = {2, 70, 3, 0, 0}; /* 70 cores: two bitmap words */
    nodes_t n;
    uint32_t cores[70], gpus[3];

    (void)state;
    assert_int_equal(nodes_init(&n, &p), 0);
    assert_int_equal(n.total_free_cores, 140);
    assert_int_equal(nodes_find(&n, 4, 1), 0); /* ties go to node 0 */
    nodes_take(&n, 0, 66, cores, 2, gpus);
    assert_int_equal(cores[0], 0);
    assert_int_equal(cores[65], 65);
    assert_int_equal(gpus[1], 1);
    assert_int_equal(n.free_cores[0], 4);
    assert_int_equal(n.total_free_gpus, 4);
    /* Best fit: node 0 has exactly 4 cores and a GPU left. */
    assert_int_equal(nodes_find(&n, 4, 1), 0);
    assert_int_equal(nodes_find(&n, 5, 0), 1);
    assert_int_equal(nodes_find(&n, 4, 2), 1);
    nodes_give(&n, 0, 2, (uint32_t[]){3, 64}, 1, (uint32_t[]){0});
    nodes_take(&n, 0, 3, cores, 1, gpus);
    assert_int_equal(cores[0], 3); /* ids given back are reused, lowest first */
    assert_int_equal(cores[1], 64);
    assert_int_equal(cores[2], 66);
    assert_int_equal(gpus[0], 0);
    nodes_fini(&n);
}

static void finds_nothing_when_full(void **state)
{
    hf_platform_t p = {3, 4, 0, 0, 0};
    nodes_t n;
    uint32_t ids[4];

    (void)state;
    assert_int_equal(nodes_init(&n, &p), 0);
    for (int i = 0; i < 3; i++) {
        int node = nodes_find(&n, 4, 0);
        assert_true(node >= 0);
        nodes_take(&n, node, 4, ids, 0, NULL);
    }
    assert_int_equal(nodes_find(&n, 1, 0), -1);
    assert_int_equal(nodes_find(&n, 1, 1), -1);
    assert_int_equal(n.total_free_cores, 0);
    nodes_fini(&n);
}

static void many_nodes_stay_consistent(void **state)
{
    hf_platform_t p = {4096, 64, 8, 0, 0};
    nodes_t n;
    uint32_t cores[64], gpus[8];

    (void)state;
    assert_int_equal(nodes_init(&n, &p), 0);
    /* 3 x 20 cores per node fill nodes one after another: best fit keeps
     * going back to the partly used node. */
    for (int i = 0; i < 3 * 4096; i++) {
        int node = nodes_find(&n, 20, 2);
        assert_int_equal(node, i / 3);
        nodes_take(&n, node, 20, cores, 2, gpus);
    }
    assert_int_equal(nodes_find(&n, 5, 0), -1);
    assert_true(nodes_find(&n, 4, 2) >= 0); /* every node has 4 cores, 2 GPUs */
    assert_int_equal(n.total_free_cores, 4096 * 4);
    nodes_fini(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(takes_lowest_ids_and_gives_back),
        cmocka_unit_test(finds_nothing_when_full),
        cmocka_unit_test(many_nodes_stay_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

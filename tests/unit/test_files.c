/* Unit tests for src/workflow/files.c (file-derived dependencies, paths),
 * src/exec/flows.c (fair sharing of links) and simulated staging. */
#include "helpers.h"

#include "exec/flows.h"

static const hf_dep_t *dep_on(const hf_workflow_t *wf, const char *set,
                              const char *parent)
{
    const hf_set_t *s = hf_workflow_get_set(wf, hf_workflow_find_set(wf, set));

    for (int j = 0; j < s->nafter; j++)
        if (strcmp(s->after[j].parent_name, parent) == 0)
            return &s->after[j];
    return NULL;
}

static void derives_dependencies(void **state)
{
    hf_workflow_t *wf = load_ok(
        "sets:\n"
        "  gen: {tasks: 4, outputs: [{path: 'd/e_{index}.h5', size: 2 GB}, d/log.txt]}\n"
        "  sim: {tasks: 4, inputs: ['d/e_{index}.h5'], outputs: ['d/l_{index}.h5']}\n"
        "  few: {tasks: 2, inputs: ['d/e_{index}.h5']}\n"
        "  merge: {inputs: ['d/l_{all}.h5', d/e_2.h5, /etc/hostname]}\n"
        "  told: {inputs: [d/log.txt], after: [sim]}\n"
        "  self: {outputs: [x], inputs: [x]}\n");
    const hf_set_t *merge = hf_workflow_get_set(wf, hf_workflow_find_set(wf, "merge"));
    const hf_set_t *sim = hf_workflow_get_set(wf, hf_workflow_find_set(wf, "sim"));

    (void)state;
    /* Same template, as many tasks: task i reads what task i wrote. */
    assert_non_null(dep_on(wf, "sim", "gen"));
    assert_int_equal(dep_on(wf, "sim", "gen")->map, HF_MAP_ONE_TO_ONE);
    assert_close(sim->inputs[0].size, 2e9, 0); /* the writer's size */
    /* Fewer tasks: on the whole writer. */
    assert_int_equal(dep_on(wf, "few", "gen")->map, HF_MAP_ALL);
    /* {all} and a literal instance of a template: whole sets; external: none. */
    assert_int_equal(merge->nafter, 2);
    assert_int_equal(dep_on(wf, "merge", "sim")->map, HF_MAP_ALL);
    assert_int_equal(dep_on(wf, "merge", "gen")->map, HF_MAP_ALL);
    assert_int_equal(merge->inputs[2].producer, -1);
    assert_int_equal(hf_file_count(wf, &merge->inputs[0]), 4);
    /* `after` given: files add no dependency, but still find their writer. */
    assert_null(dep_on(wf, "told", "gen"));
    assert_int_equal(
        hf_workflow_get_set(wf, hf_workflow_find_set(wf, "told"))->inputs[0].producer,
        hf_workflow_find_set(wf, "gen"));
    assert_int_equal(hf_workflow_get_set(wf, hf_workflow_find_set(wf, "self"))->nafter,
                     0);
    hf_workflow_destroy(wf);
}

static void expands_paths(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n"
                                "  a: {tasks: 3, outputs: ['r{iter}/a_{index}.h5']}\n"
                                "  b: {inputs: ['r{iter}/a_{all}.h5']}\n");
    const hf_set_t *b = hf_workflow_get_set(wf, 1);
    char path[64];

    (void)state;
    assert_int_equal(hf_file_path(wf, hf_workflow_get_set(wf, 0),
                                  &hf_workflow_get_set(wf, 0)->outputs[0], 7, 0, path,
                                  sizeof(path)),
                     0);
    assert_string_equal(path, "r0/a_7.h5");
    assert_int_equal(hf_file_path(wf, b, &b->inputs[0], 0, 2, path, sizeof(path)), 0);
    assert_string_equal(path, "r0/a_2.h5");
    assert_int_equal(hf_file_path(wf, b, &b->inputs[0], 0, 2, path, 5), -1);
    hf_workflow_destroy(wf);
}

static void rejects_bad_files(void **state)
{
    (void)state;
    assert_string_equal(load_error("sets:\n  a: {outputs: [x]}\n  b: {outputs: [x]}\n"),
                        "3:17: file 'x' is written by set 'b' and by set 'a' (line 2)");
    assert_string_equal(load_error("sets:\n  a: {inputs: ['x_{all}']}\n"),
                        "2:16: set 'a' reads 'x_{all}', but no set writes 'x_{index}'");
    assert_string_equal(load_error("sets:\n  a: {inputs: ['x_{task}']}\n"),
                        "2:16: file 'x_{task}': unknown placeholder (known: {index}, "
                        "{iter}, {all})");
    assert_string_equal(load_error("sets:\n  a: {outputs: ['x_{all}']}\n"),
                        "2:17: {all} is for inputs: an output is one file");
    assert_string_equal(load_error("sets:\n  a: {inputs: ['a b']}\n"),
                        "2:16: file 'a b' has whitespace or a control character");
    assert_string_equal(
        load_error("sets:\n  a: {inputs: [{path: x, size: 3 parsecs}]}\n"),
        "2:32: size must be a number of bytes, with B, kB, MB, GB, TB, "
        "PB, KiB, MiB, GiB or TiB after it if you like, not '3 parsecs'");
    assert_string_equal(
        load_error("sets:\n  a: {inputs: [d1/x, d2/x], stage: {in: copy}}\n"),
        "2:22: set 'a' stages 'd1/x' and 'd2/x', whose names are the same in its scratch "
        "directory");
    assert_string_equal(
        load_error("sets:\n  a: {service: true, stage: {in: copy}}\n"),
        "2:3: set 'a': a service does not stage files (its tasks run inside "
        "workers or serve others)");
    assert_string_equal(load_error("sets:\n  a: {stage: {in: move}}\n"),
                        "2:19: unknown stage in 'move' (known: copy, link, none)");
    assert_string_equal(load_error("sets:\n  a: {stage: {out: link}}\n"),
                        "2:20: unknown stage out 'link' (known: copy, none)");
    assert_string_equal(
        load_error("platform: {bandwidth: {shared: 0}}\nsets:\n  a: {}\n"),
        "1:32: a bandwidth must be more than 0");
}

static void shares_links_fairly(void **state)
{
    flows_t f;
    uint32_t task;
    double bytes;

    (void)state;
    flows_init(&f);
    /* Shared link 300 B/s, node links 100 B/s.  Node 0 carries 3 flows
     * (100/3 each), node 1 one: the shared link's 300 - 100 = 200 left goes
     * to node 1's flow and the flow with no node, but node 1's link caps
     * its flow at 100, so the node-less flow gets 100. */
    f.bw_shared = 300;
    f.bw_node = 100;
    for (uint32_t t = 0; t < 3; t++)
        assert_int_equal(flows_add(&f, t, 0, 100), 0);
    assert_int_equal(flows_add(&f, 3, 1, 100), 0);
    assert_int_equal(flows_add(&f, 4, -1, 100), 0);
    assert_close(flows_next_end(&f), 1.0, 1e-12); /* 100 B at 100 B/s */
    for (size_t i = 0; i < f.n; i++)
        assert_close(f.v[i].rate, f.v[i].node == 0 ? 100.0 / 3 : 100, 1e-9);
    flows_advance(&f, 1.0);
    assert_true(flows_take_done(&f, &task, &bytes));
    assert_true(flows_take_done(&f, &task, &bytes));
    assert_false(flows_take_done(&f, &task, &bytes));
    /* Node 0's three flows have 200/3 B left each, at 100/3 B/s: 2 s. */
    assert_close(flows_next_end(&f), 3.0, 1e-9);
    flows_fini(&f);
}

/* A transfer-bound workflow, worked out by hand.  2 nodes x 2 cores; the
 * shared filesystem 300 MB/s, each node's link 100 MB/s.  4 tasks of 10 s,
 * each reading 300 MB (staged in) and writing 150 MB (staged out).
 *
 * Synchronous: all 4 are placed at 0, 2 per node, and stage in holding
 * their cores: node links give 100/2 = 50 MB/s each (the shared link
 * would give 75): 300 MB in 6 s.  They compute 6-16, then stage out with
 * their cores held: 150 MB at 50 MB/s, 3 s: makespan 19 s.
 *
 * Asynchronous: the inputs move before placement, where no node is known
 * yet: the shared link alone, 300/4 = 75 MB/s, 4 s.  Compute 4-14; outputs
 * out from their nodes, 50 MB/s, 3 s: makespan 17 s.  The data bound is
 * (1200 + 600) MB / 300 MB/s = 6 s. */
#define TRANSFER_BOUND(sync)                                                             \
    "platform: {nodes: 2, cores_per_node: 2, gpus_per_node: 0,\n"                        \
    "           bandwidth: {shared: 300 MB/s, node: 100 MB/s}}\n"                        \
    "sets:\n"                                                                            \
    "  reco: {tasks: 4, duration: 10, inputs: [{path: 'raw_{index}', size: 300 MB}],\n"  \
    "         outputs: [{path: 'reco_{index}', size: 150 MB}],\n"                        \
    "         stage: {in: copy, out: copy, sync: " sync "}}\n"

static void simulates_transfer_bound(void **state)
{
    hf_platform_t p;
    sim_run_t run;
    hf_analysis_t a;
    hf_set_staging_t st;

    (void)state;
    for (int sync = 0; sync < 2; sync++) {
        hf_workflow_t *wf =
            load_ok(sync ? TRANSFER_BOUND("true") : TRANSFER_BOUND("false"));
        assert_true(hf_workflow_platform(wf, &p));
        simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &run);
        assert_close(run.summary.makespan, sync ? 19.0 : 17.0, 1e-6);
        hf_engine_staging_of_group(run.engine, 0, &st);
        assert_close(st.bytes_in, 1.2e9, 1);
        assert_close(st.bytes_out, 0.6e9, 1);
        assert_close(st.seconds, sync ? 4 * (6 + 3) : 4 * (4 + 3), 1e-6);
        /* Utilization counts computing only: 40 core-s of 4 x makespan. */
        assert_close(run.summary.util_cores, 40.0 / (4 * (sync ? 19.0 : 17.0)), 1e-9);
        assert_int_equal(hf_analyze(wf, run.dag, &p, &a), 0);
        assert_close(a.data.staged, 1.8e9, 1);
        assert_close(a.data.bound, 6.0, 1e-9);
        assert_close(a.lower_bound, 10.0, 1e-9); /* the critical path binds */
        hf_analysis_free(&a);
        sim_run_free(&run);
        hf_workflow_destroy(wf);
    }
}

/* While one task's inputs move (asynchronously), the only core runs
 * another: 1 core, `big` stages 100 MB at 10 MB/s (10 s) and computes 1 s;
 * `other` computes 4 x 3 s.  Async: other runs 0-12 while big's inputs
 * move 0-10; big computes 12-13.  Sync (fifo, big first): big holds the
 * core 0-10 staging, computes 10-11, other 11-23. */
static void async_staging_frees_the_slot(void **state)
{
#define ONE_CORE(sync)                                                                   \
    "platform: {nodes: 1, cores_per_node: 1, gpus_per_node: 0,\n"                        \
    "           bandwidth: {shared: 10 MB/s}}\n"                                         \
    "sets:\n"                                                                            \
    "  big: {duration: 1, inputs: [{path: in, size: 100 MB}],\n"                         \
    "        stage: {in: copy, sync: " sync "}}\n"                                       \
    "  other: {tasks: 4, duration: 3}\n"

    (void)state;
    for (int sync = 0; sync < 2; sync++) {
        hf_platform_t p;
        sim_run_t run;
        hf_staging_summary_t s;
        hf_workflow_t *wf = load_ok(sync ? ONE_CORE("true") : ONE_CORE("false"));
        assert_true(hf_workflow_platform(wf, &p));
        simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &run);
        assert_close(run.summary.makespan, sync ? 23.0 : 13.0, 1e-6);
        assert_int_equal(hf_staging_compute(run.engine, &s), 0);
        assert_close(s.busy, 10.0, 1e-6);
        assert_close(s.overlap, sync ? 0.0 : 1.0, 1e-9);
        assert_close(task_named(run.engine, "big", 0).start, sync ? 10.0 : 12.0, 1e-6);
        sim_run_free(&run);
        hf_workflow_destroy(wf);
    }
}

/* Without bandwidths, files move at once: the makespan is the compute's
 * (it once ended with "executor 'sim' lost 4 running tasks or stagings"). */
static void staging_without_bandwidth(void **state)
{
    hf_workflow_t *wf = load_ok(
        "platform: {nodes: 1, cores_per_node: 2, gpus_per_node: 0}\n"
        "sets:\n"
        "  gen: {tasks: 4, duration: 3, outputs: [{path: 'g_{index}', size: 1 GB}],\n"
        "        stage: {out: copy}}\n"
        "  use: {tasks: 4, duration: 2, inputs: ['g_{index}'], stage: {in: copy, sync: "
        "true}}\n");
    hf_platform_t p;
    sim_run_t run;

    (void)state;
    assert_true(hf_workflow_platform(wf, &p));
    simulate(wf, &p, HF_MODE_TASK, HF_POLICY_FIFO, &run);
    assert_int_equal(run.summary.done, 8);
    assert_close(run.summary.makespan, 3 + 3 + 2 + 2, 1e-9); /* 2 waves of each */
    sim_run_free(&run);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(derives_dependencies),
        cmocka_unit_test(expands_paths),
        cmocka_unit_test(rejects_bad_files),
        cmocka_unit_test(shares_links_fairly),
        cmocka_unit_test(simulates_transfer_bound),
        cmocka_unit_test(async_staging_frees_the_slot),
        cmocka_unit_test(staging_without_bandwidth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

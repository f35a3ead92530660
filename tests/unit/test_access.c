/* Unit tests for the calls bindings use instead of mirroring structs
 * (src/engine/access.c, src/workflow/access.c, and those of error.c,
 * platform.c and machine.c): each gives what the struct holds. */
#include <errno.h>

#include "helpers.h"

static void errors_and_platforms(void **state)
{
    hf_error_t *err = hf_error_new();
    hf_platform_t *p = hf_platform_new(2, 8, 1, 5e9, 0);

    (void)state;
    assert_non_null(err);
    assert_string_equal(hf_error_text(err), "");
    hf_error_set(err, "x %d", 3);
    assert_string_equal(hf_error_text(err), "x 3");
    assert_ptr_equal(hf_error_text(err), err->text);
    hf_error_free(err);
    hf_error_free(NULL);
    assert_non_null(p);
    assert_int_equal(p->nodes, 2);
    assert_int_equal(p->cores_per_node, 8);
    assert_int_equal(p->gpus_per_node, 1);
    assert_close(p->bw_shared, 5e9, 0);
    assert_close(p->bw_node, 0, 0);
    hf_platform_free(p);
}

static void this_machine(void **state)
{
    hf_error_t err = {{0}};
    hf_machine_t *m = hf_machine_new(&err);
    hf_machine_t same;

    (void)state;
    if (!m)
        fail_msg("machine: %s", err.text);
    assert_int_equal(hf_machine_detect(&same, &err), 0);
    assert_int_equal(hf_machine_ncores(m), same.ncores);
    assert_true(hf_machine_ncores(m) >= 1);
    hf_machine_free(&same);
    hf_machine_destroy(m);
    hf_machine_destroy(NULL);
}

static void configs_by_name(void **state)
{
    hf_error_t err = {{0}};
    hf_platform_t p = {1, 4, 0, 0, 0};
    hf_engine_config_t *cfg = hf_engine_config_new("workload", "heft", &p, &err);

    (void)state;
    assert_non_null(cfg);
    assert_int_equal(cfg->mode, HF_MODE_WORKLOAD);
    assert_int_equal(cfg->policy, HF_POLICY_HEFT);
    assert_int_equal(cfg->platform.cores_per_node, 4);
    assert_close(cfg->walltime, 0, 0);
    assert_int_equal(cfg->max_running, 0);
    assert_int_equal(cfg->stage_concurrency, 0);
    hf_engine_config_free(cfg);
    errno = 0;
    assert_null(hf_engine_config_new("task", "fastest", &p, &err));
    assert_int_equal(errno, EINVAL);
    assert_string_equal(err.text, "unknown mode 'task' or policy 'fastest'");
    assert_null(hf_engine_config_new("tasks", "fifo", &p, &err));
}

/* A run built and read through the calls alone: sim (2 tasks of 3 s on 1
 * core, 0-6), then post after it through hf_workflow_add_after (1 s, 6-7). */
static void a_run_read_by_name(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  sim: {tasks: 2, duration: 3}\n");
    hf_error_t err = {{0}};
    hf_dag_t *dag = hf_dag_create(wf, &err);
    hf_platform_t p = {1, 1, 0, 0, 0};
    hf_engine_config_t *cfg = hf_engine_config_new("task", "fifo", &p, &err);
    hf_executor_t *x = hf_executor_new();
    hf_engine_t *e;
    hf_set_t *post;

    (void)state;
    assert_non_null(x);
    assert_null(x->ops);
    assert_int_equal(hf_exec_sim_create(wf, 0, x), 0);
    assert_non_null(e = hf_engine_create(wf, dag, cfg, x, &err));
    hf_engine_config_free(cfg); /* the engine keeps a copy */
    assert_non_null(post = hf_set_parse("post", "{\"duration\": 1}", &err));
    assert_non_null(hf_workflow_add_after(hf_engine_workflow_mut(e), post, "sim"));
    assert_int_equal(post->nafter, 1);
    assert_int_equal(post->after[0].map, HF_MAP_ALL);
    assert_int_equal(post->after[0].mark.line, 0);
    assert_int_equal(hf_engine_submit_set(e, post, &err), 1);
    assert_int_equal(hf_engine_run(e, &err), 0);

    assert_string_equal(hf_engine_group_name(e, 1), "post");
    assert_close(hf_engine_task_field(e, 2, "set"), 1, 0);
    assert_close(hf_engine_task_field(e, 2, "group"), 1, 0);
    assert_close(hf_engine_task_field(e, 1, "index"), 1, 0);
    assert_close(hf_engine_task_field(e, 2, "state"), HF_TASK_DONE, 0);
    assert_close(hf_engine_task_field(e, 2, "status"), 0, 0);
    assert_close(hf_engine_task_field(e, 1, "start"), 3, 1e-9);
    assert_close(hf_engine_task_field(e, 2, "end"), 7, 1e-9);
    assert_close(hf_engine_task_field(e, 2, "cancel_cause"), HF_CANCEL_NONE, 0);
    assert_close(hf_engine_usage_field(e, "first_start"), 0, 1e-9);
    assert_close(hf_engine_usage_field(e, "last_end"), 7, 1e-9);
    assert_close(hf_engine_usage_field(e, "core_seconds"), 7, 1e-9);
    errno = 0;
    assert_true(isnan(hf_engine_task_field(e, 0, "stat")));
    assert_int_equal(errno, EINVAL);
    assert_true(isnan(hf_engine_usage_field(e, "makespan")));
    errno = 0; /* a task past the last: refused, not read out of bounds */
    assert_true(isnan(hf_engine_task_field(e, hf_engine_ntasks(e), "set")));
    assert_int_equal(errno, EINVAL);
    assert_true(isnan(hf_engine_task_field(e, 50000000, "state")));

    hf_engine_destroy(e);
    hf_executor_free(x); /* destroys the simulator too */
    hf_executor_free(NULL);
    hf_dag_destroy(dag);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(errors_and_platforms),
        cmocka_unit_test(this_machine),
        cmocka_unit_test(configs_by_name),
        cmocka_unit_test(a_run_read_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

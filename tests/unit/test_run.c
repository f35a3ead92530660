/* Unit tests for src/run/: the tuned policy's search from its policy alone
 * (hf_run_prepare), a resume's replay of a journal (hf_run_restore), a run
 * on a workdir from open to close and its resume (hf_run_open ...
 * hf_run_close, hf_run_resume, hf_run_reload), why a task failed, where a
 * run stands, and the summary object. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "helpers.h"
#include "hetflow/run.h"
#include "util/fs.h"

static int priority_of(const hf_workflow_t *wf, const char *name)
{
    return hf_workflow_get_set(wf, hf_workflow_find_set(wf, name))->priority;
}

static void prepare_tunes_only_the_tuned_policy(void **state)
{
    /* c-DAG2: heft gives 2000 s, tuned puts T45 ahead of T36 for 1540 s
     * (test_policies.c tells why). */
    hf_error_t err = {{0}};
    hf_workflow_t *wf = hf_workflow_load(EXAMPLES "/cdag2.yaml", &err);
    hf_dag_t *dag;
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK, .policy = HF_POLICY_HEFT};
    double best = -1;

    (void)state;
    if (!wf)
        fail_msg("%s", err.text);
    assert_true(hf_workflow_platform(wf, &cfg.platform));
    assert_non_null(dag = hf_dag_create(wf, NULL));
    assert_int_equal(hf_run_prepare(wf, dag, &cfg, 0, &best, &err), 0);
    assert_true(best == -1); /* heft searches nothing */
    assert_int_equal(priority_of(wf, "T45"), priority_of(wf, "T36"));
    cfg.policy = HF_POLICY_TUNED;
    assert_true(hf_run_prepare(wf, dag, &cfg, 0, &best, &err) > 0);
    assert_close(best, 1540, 1e-9);
    assert_true(priority_of(wf, "T45") > priority_of(wf, "T36"));
    hf_dag_destroy(dag);
    hf_workflow_destroy(wf);
}

static const char *yaml = "sets:\n  a: {tasks: 3, duration: 2}\n"
                          "  b: {tasks: 2, duration: 1, after: [a]}\n";

static long handle(void *ctx, uint32_t task)
{
    (void)ctx;
    (void)task;
    return 0; /* no process: nothing to reclaim */
}

/* Run wf to its end in a fresh simulator. */
static hf_engine_t *engine_of(hf_workflow_t *wf, hf_dag_t *d, hf_executor_t *sim)
{
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 4, 0, 0, 0}};
    hf_engine_t *e;

    assert_int_equal(hf_exec_sim_create(wf, 0, sim), 0);
    assert_non_null(e = hf_engine_create(wf, d, &cfg, sim, NULL));
    return e;
}

static void restore_replays_the_journal(void **state)
{
    hf_workflow_t *wf = load_ok(yaml), *part = load_ok("sets:\n  a: {tasks: 3}\n");
    hf_dag_t *d = hf_dag_create(wf, NULL), *dpart = hf_dag_create(part, NULL);
    hf_run_spec_t spec = {"w.yaml", yaml, strlen(yaml), {0}, 0};
    hf_resume_counts_t counts = {-1, -1, -1};
    hf_executor_t sim;
    hf_engine_t *e;
    hf_journal_t *j;
    hf_error_t err = {{0}};
    char dir[64] = "/tmp/hetflow-test-run-XXXXXX";

    (void)state;
    assert_non_null(mkdtemp(dir));
    rmdir(dir); /* the journal creates it */
    assert_non_null(j = hf_journal_create(dir, wf, &spec, &err));
    e = engine_of(wf, d, &sim);
    assert_int_equal(hf_journal_attach(j, e, handle, NULL, &err), 0);
    assert_int_equal(hf_engine_run(e, NULL), 0);
    assert_int_equal(hf_journal_detach(j, &err), 0);
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);

    /* A resume: all 5 tasks were done, none is run again. */
    e = engine_of(wf, d, &sim);
    assert_int_equal(hf_run_restore(e, j, dir, false, &counts, &err), 0);
    assert_int_equal(counts.restored, 5);
    assert_int_equal(counts.reclaimed, 0);
    assert_int_equal(hf_engine_count(e, HF_TASK_DONE), 5);
    assert_int_equal(hf_engine_run(e, NULL), 0);
    assert_int_equal(hf_engine_count(e, HF_TASK_DONE), 5);
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);

    /* The journal knows tasks this workflow has not: refused. */
    e = engine_of(part, dpart, &sim);
    errno = 0;
    assert_int_equal(hf_run_restore(e, j, dir, false, &counts, &err), -1);
    assert_int_equal(errno, EINVAL);
    assert_non_null(strstr(err.text, "rules added sets"));
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);

    hf_journal_close(j);
    fs_remove_tree(dir);
    hf_dag_destroy(dpart);
    hf_dag_destroy(d);
    hf_workflow_destroy(part);
    hf_workflow_destroy(wf);
}

/* A fresh workdir path (not made). */
static void new_workdir(char dir[64])
{
    strcpy(dir, "/tmp/hetflow-test-run-XXXXXX");
    assert_non_null(mkdtemp(dir));
    rmdir(dir);
}

static const char *failing = "sets:\n  a: {tasks: 2, command: [true]}\n"
                             "  b: {command: 'exit 3', after: [a]}\n"
                             "  c: {command: [true], after: [b]}\n";

/* Run wf for real through r to its end; returns the engine's tasks done. */
static long run_to_end(hf_run_t *r, hf_workflow_t *wf, hf_dag_t *dag,
                       hf_resume_counts_t *counts)
{
    hf_machine_t m;
    hf_engine_config_t cfg = {
        .mode = HF_MODE_TASK, .policy = HF_POLICY_FIFO, .platform = {1, 1, 0, 0, 0}};
    hf_run_exec_t x = {&m, HF_LAUNCHER_LOCAL, NULL, 0, true};
    hf_error_t err = {{0}};
    long done;

    assert_int_equal(hf_machine_detect(&m, NULL), 0);
    if (hf_run_start(r, wf, dag, &cfg, &x, counts, &err) < 0)
        fail_msg("%s", err.text);
    assert_non_null(hf_run_trace(r));
    assert_int_equal(hf_run_execute(r, &err), 0);
    assert_int_equal(hf_run_end(r, &err), 0);
    done = hf_engine_count(hf_run_engine(r), HF_TASK_DONE);
    hf_machine_free(&m);
    return done;
}

static void open_claims_records_and_resumes(void **state)
{
    hf_workflow_t *wf = load_ok(failing), *again = NULL,
                  *other = load_ok("sets:\n  z: {}\n");
    hf_dag_t *dag = hf_dag_create(wf, NULL);
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = {1, 1, 0, 0, 0},
                              .walltime = 50},
                       back;
    hf_resume_counts_t counts = {-1, -1, -1};
    hf_error_t err = {{0}};
    hf_run_state_t st;
    hf_owner_t owner;
    hf_failure_t why;
    hf_journal_t *j;
    hf_run_t *r, *r2;
    json_t *sum;
    char dir[64], path[128];

    (void)state;
    new_workdir(dir);
    /* No journal there: nothing to resume. */
    errno = 0;
    assert_null(hf_run_resume(dir, false, &err));
    assert_int_equal(errno, ENOENT);

    assert_non_null(r = hf_run_open(dir, wf, false, &err));
    assert_null(hf_run_journal(r));
    assert_null(hf_run_engine(r));
    /* One owner at a time, in this process too. */
    errno = 0;
    assert_null(r2 = hf_run_open(dir, wf, false, &err));
    assert_int_equal(errno, EBUSY);
    assert_int_equal(hf_run_record(r, wf, &cfg, &err), 0);
    assert_non_null(hf_run_journal(r));
    assert_int_equal(run_to_end(r, wf, dag, NULL), 2);
    assert_int_equal(hf_run_state(hf_run_journal(r), dir, &st, &owner, &err), 0);
    assert_int_equal(st, HF_RUN_RUNNING);
    assert_string_equal(hf_run_state_name(st), "running");
    assert_true(owner.pid == (long)getpid());
    /* The summary run --json prints: 2 done, b failed, c canceled; no
     * durations, no bound. */
    assert_non_null(sum = hf_run_summary_json(hf_run_engine(r), dag, false));
    assert_int_equal(json_integer_value(json_object_get(sum, "tasks_done")), 2);
    assert_int_equal(json_integer_value(json_object_get(sum, "tasks_failed")), 1);
    assert_int_equal(json_integer_value(json_object_get(sum, "tasks_canceled")), 1);
    json_decref(sum);
    /* b's note, in the .err file of its try. */
    hf_run_failure(dir, "b", 0, 3, NULL, wf, &why);
    snprintf(path, sizeof(path), "%s/b/0.err", dir);
    assert_string_equal(why.file, path);
    assert_ptr_equal(why.why, why.note);
    assert_int_equal(why.why_len, (int)strlen(why.note));
    assert_true(why.why_len > 0);
    hf_run_close(r);
    /* Its process let go: every task ended, none stopped. */
    assert_non_null(j = hf_journal_open(dir, false, &err));
    assert_int_equal(hf_run_state(j, dir, &st, NULL, &err), 0);
    assert_int_equal(st, HF_RUN_FINISHED);
    assert_string_equal(hf_run_state_name(st), "finished");
    hf_journal_close(j);

    /* A new run there is refused, saying how far the earlier one got. */
    errno = 0;
    assert_null(hf_run_open(dir, wf, false, &err));
    assert_int_equal(errno, EEXIST);
    assert_non_null(strstr(err.text, "holds an earlier run (2 of 4 tasks done)"));

    /* A resume: the same workflow and settings, the done tasks restored. */
    assert_non_null(r = hf_run_resume(dir, false, &err));
    assert_int_equal(hf_run_same_workflow(r, wf, &err), 1);
    assert_int_equal(hf_run_same_workflow(r, other, &err), 0);
    assert_int_equal(hf_run_reload(r, 0, &again, &back, NULL, &err), 0);
    assert_int_equal(hf_workflow_nsets(again), 3);
    assert_int_equal(back.policy, HF_POLICY_FIFO);
    assert_int_equal(back.platform.cores_per_node, 1);
    assert_close(back.walltime, 50, 0);
    assert_int_equal(run_to_end(r, wf, dag, &counts), 2);
    assert_int_equal(counts.restored, 2);
    /* b stays failed, as it was (no new try), and c canceled again. */
    assert_int_equal(counts.failed, 1);
    assert_int_equal(hf_engine_count(hf_run_engine(r), HF_TASK_FAILED), 1);
    assert_int_equal(hf_engine_count(hf_run_engine(r), HF_TASK_CANCELED), 1);
    assert_int_equal(hf_engine_count(hf_run_engine(r), HF_TASK_RUNNING), 0);
    hf_run_close(r);
    snprintf(path, sizeof(path), "%s/b/0.1.err", dir);
    assert_int_equal(access(path, F_OK), -1);
    hf_run_failure(dir, "b", 0, 3, NULL, wf, &why);
    snprintf(path, sizeof(path), "%s/b/0.err", dir);
    assert_string_equal(why.file, path);
    /* Asked to, a resume runs b again (a new try) and c after it. */
    assert_non_null(r = hf_run_resume(dir, true, &err));
    assert_int_equal(run_to_end(r, wf, dag, &counts), 2);
    assert_int_equal(counts.restored, 2);
    assert_int_equal(counts.failed, 0);
    assert_int_equal(hf_engine_count(hf_run_engine(r), HF_TASK_FAILED), 1);
    hf_run_close(r);
    hf_run_failure(dir, "b", 0, 3, NULL, wf, &why);
    snprintf(path, sizeof(path), "%s/b/0.1.err", dir);
    assert_string_equal(why.file, path);
    hf_workflow_destroy(again);

    /* --force: start over, the earlier journal and task files gone. */
    assert_non_null(r = hf_run_open(dir, wf, true, &err));
    assert_int_equal(hf_run_record(r, wf, &cfg, &err), 0);
    hf_run_close(r);
    assert_int_equal(access(dir, F_OK), 0);
    assert_int_equal(access(path, F_OK), -1);
    /* A journal whose tasks did not all end, and no process: interrupted. */
    assert_non_null(j = hf_journal_open(dir, false, &err));
    assert_int_equal(hf_run_state(j, dir, &st, NULL, &err), 0);
    assert_int_equal(st, HF_RUN_INTERRUPTED);
    hf_journal_close(j);
    fs_remove_tree(dir);
    hf_dag_destroy(dag);
    hf_workflow_destroy(other);
    hf_workflow_destroy(wf);
}

static void reload_searches_as_the_run_did(void **state)
{
    /* c-DAG2 under tuned: the resume's priorities are the run's. */
    hf_error_t err = {{0}};
    hf_workflow_t *wf = hf_workflow_load(EXAMPLES "/cdag2.yaml", &err), *again = NULL;
    hf_dag_t *dag;
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK, .policy = HF_POLICY_TUNED}, back;
    double best = -1, best2 = -1;
    int tries;
    hf_run_t *r;
    char dir[64];

    (void)state;
    if (!wf)
        fail_msg("%s", err.text);
    assert_true(hf_workflow_platform(wf, &cfg.platform));
    assert_non_null(dag = hf_dag_create(wf, NULL));
    assert_true((tries = hf_run_prepare(wf, dag, &cfg, 0, &best, &err)) > 0);
    new_workdir(dir);
    assert_non_null(r = hf_run_open(dir, wf, false, &err));
    assert_int_equal(hf_run_record(r, wf, &cfg, &err), 0);
    hf_run_close(r);
    assert_non_null(r = hf_run_resume(dir, false, &err));
    assert_int_equal(hf_run_reload(r, 0, &again, &back, &best2, &err), tries);
    assert_close(best2, best, 0);
    assert_close(best2, 1540, 1e-9);
    assert_int_equal(back.policy, HF_POLICY_TUNED);
    for (int s = 0; s < hf_workflow_nsets(wf); s++)
        assert_int_equal(hf_workflow_get_set(again, s)->priority,
                         hf_workflow_get_set(wf, s)->priority);
    assert_true(priority_of(again, "T45") > priority_of(again, "T36"));
    hf_run_close(r);
    hf_workflow_destroy(again);
    fs_remove_tree(dir);
    hf_dag_destroy(dag);
    hf_workflow_destroy(wf);
}

static void start_here_runs_without_a_journal(void **state)
{
    hf_workflow_t *wf = load_ok(failing);
    hf_dag_t *dag = hf_dag_create(wf, NULL);
    hf_engine_config_t cfg = {
        .mode = HF_MODE_TASK, .policy = HF_POLICY_FIFO, .platform = {1, 1, 0, 0, 0}};
    hf_error_t err = {{0}};
    hf_machine_t m;
    hf_run_t *r;
    char dir[64];

    (void)state;
    new_workdir(dir);
    assert_int_equal(hf_machine_detect(&m, NULL), 0);
    assert_non_null(r = hf_run_open(dir, wf, false, &err));
    assert_int_equal(hf_run_start_here(r, wf, dag, &cfg, &m, &err), 0);
    assert_null(hf_run_trace(r));
    assert_null(hf_run_journal(r));
    assert_int_equal(hf_run_execute(r, &err), 0);
    assert_int_equal(hf_run_end(r, &err), 0);
    assert_int_equal(hf_engine_count(hf_run_engine(r), HF_TASK_DONE), 2);
    assert_int_equal(hf_engine_count(hf_run_engine(r), HF_TASK_FAILED), 1);
    hf_run_close(r);
    /* No journal: the workdir is free for a new run. */
    assert_non_null(r = hf_run_open(dir, wf, false, &err));
    hf_run_close(r);
    hf_machine_free(&m);
    fs_remove_tree(dir);
    hf_dag_destroy(dag);
    hf_workflow_destroy(wf);
}

static void check_commands_names_the_set(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  a: {command: [true]}\n  b: {command: 'true'}\n"
                                "  c: {tasks: 2, duration: 1}\n");
    hf_error_t err = {{0}};
    const char *at;

    (void)state;
    errno = 0;
    assert_int_equal(hf_run_check_commands(wf, &err), -1);
    assert_int_equal(errno, EINVAL);
    assert_non_null(at = strchr(err.text, ':'));
    assert_string_equal(at, ":4:3: set 'c' has no command to run");
    hf_workflow_destroy(wf);
    wf = load_ok(failing);
    assert_int_equal(hf_run_check_commands(wf, &err), 0);
    hf_workflow_destroy(wf);
}

static void failure_says_why(void **state)
{
    hf_failure_t f;

    (void)state;
    /* A call's error: its first line. */
    hf_run_failure("/nonexistent", "s", 0, 1, "ValueError: no\nTraceback", NULL, &f);
    assert_int_equal(f.why_len, 14);
    assert_memory_equal(f.why, "ValueError: no", 14);
    assert_string_equal(f.file, "");
    /* No note written: what the exit status says. */
    hf_run_failure("/nonexistent", "s", 0, 3, NULL, NULL, &f);
    assert_string_equal(f.file, "");
    assert_string_equal(f.note, "exit 3");
    assert_ptr_equal(f.why, f.note);
    assert_int_equal(f.why_len, 6);
}

/* Write `text` to dir/name, modified `age` seconds ago. */
static void write_aged(const char *dir, const char *name, const char *text, int age)
{
    char path[256];
    struct timespec t[2];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    assert_non_null(f = fopen(path, "w"));
    fputs(text, f);
    fclose(f);
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= age;
    t[1] = t[0];
    assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static void failed_call_names_its_workers_log(void **state)
{
    /* calls[1] failed on worker 0, then on worker 1 started again: the
     * newer note's file is named; calls[0]'s note is another call's. */
    hf_workflow_t *wf =
        load_ok("sets:\n  calls: {tasks: 2, function: {python: 'm:f'}}\n");
    char dir[64], pool[128], path[256];
    hf_failure_t f;

    (void)state;
    new_workdir(dir);
    snprintf(pool, sizeof(pool), "%s/calls.workers", dir);
    assert_int_equal(fs_mkdirs(pool, 0700, NULL), 0);
    write_aged(pool, "0.err", "print\nhetflow: calls[1] failed: ValueError: a\n", 20);
    write_aged(pool, "1.err", "hetflow: calls[0] failed: ValueError: c\n", 0);
    write_aged(pool, "1.1.err", "hetflow: calls[1] failed: ValueError: b\n", 10);
    write_aged(pool, "notes.txt", "hetflow: calls[1] failed: ValueError: d\n", 0);
    hf_run_failure(dir, "calls", 1, 1, "ValueError: b", wf, &f);
    snprintf(path, sizeof(path), "%s/1.1.err", pool);
    assert_string_equal(f.file, path);
    assert_memory_equal(f.why, "ValueError: b", 13);
    /* Without the workflow, or for a call no worker noted: no file. */
    hf_run_failure(dir, "calls", 1, 1, "ValueError: b", NULL, &f);
    assert_string_equal(f.file, "");
    hf_run_failure(dir, "calls", 5, 1, "ValueError: b", wf, &f);
    assert_string_equal(f.file, "");
    fs_remove_tree(dir);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prepare_tunes_only_the_tuned_policy),
        cmocka_unit_test(restore_replays_the_journal),
        cmocka_unit_test(open_claims_records_and_resumes),
        cmocka_unit_test(reload_searches_as_the_run_did),
        cmocka_unit_test(start_here_runs_without_a_journal),
        cmocka_unit_test(check_commands_names_the_set),
        cmocka_unit_test(failure_says_why),
        cmocka_unit_test(failed_call_names_its_workers_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

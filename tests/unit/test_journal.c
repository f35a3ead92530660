/* Unit tests for src/journal/journal.c: a run recorded, its settings read
 * back, counts, a restart, a workdir that already has a journal, and a
 * write that fails. */
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "helpers.h"
#include "hetflow/journal.h"
#include "util/fs.h"

static const char *yaml = "sets:\n  a: {tasks: 3, duration: 2}\n"
                          "  b: {tasks: 2, duration: 1, after: [a]}\n";

/* The directories the tests made, removed after them all. */
static char made[16][64];
static int nmade;

static void fresh_dir(char *dir)
{
    strcpy(dir, "/tmp/hetflow-test-journal-XXXXXX");
    assert_non_null(mkdtemp(dir));
    rmdir(dir); /* the journal creates it, 0700 */
    if (nmade < 16)
        strcpy(made[nmade++], dir);
}

static int remove_made(void **state)
{
    (void)state;
    for (int i = 0; i < nmade; i++)
        fs_remove_tree(made[i]);
    return 0;
}

static long handle(void *ctx, uint32_t task)
{
    (void)ctx;
    return 1000 + task;
}

typedef struct {
    long n[HF_TASK_CANCELED + 1];
    long rows;
} tally_t;

static void tally(const char *set, hf_task_state_t state, long count, void *arg)
{
    tally_t *t = arg;

    (void)set;
    t->n[state] += count;
    t->rows++;
}

static void seen(const hf_task_record_t *r, void *arg)
{
    tally_t *t = arg;

    t->n[r->state]++;
    if (r->state == HF_TASK_DONE)
        assert_int_equal(r->handle, 1000 + (long)r->task);
    assert_int_equal(r->status, 0);
    assert_int_equal(r->attempts, 0);
    assert_null(r->result); /* no result model in this workflow */
    t->rows++;
}

static void record_and_reopen(void **state)
{
    hf_workflow_t *wf = load_ok(yaml);
    hf_dag_t *d = hf_dag_create(wf, NULL);
    hf_engine_config_t cfg = {.mode = HF_MODE_WORKLOAD,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 4, 0, 0, 0},
                              .walltime = 0};
    hf_run_spec_t spec = {"w.yaml", yaml, strlen(yaml), cfg, 30}, back;
    hf_executor_t sim;
    hf_engine_t *e;
    hf_journal_t *j;
    hf_error_t err;
    tally_t t = {{0}, 0};
    char dir[64], path[128];
    struct stat st;

    (void)state;
    fresh_dir(dir);
    j = hf_journal_create(dir, wf, &spec, &err);
    if (!j)
        fail_msg("%s", err.text);
    snprintf(path, sizeof(path), "%s/journal.db", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    stat(dir, &st);
    assert_int_equal(st.st_mode & 0777, 0700);
    hf_exec_sim_create(wf, 0, &sim);
    e = hf_engine_create(wf, d, &cfg, &sim, NULL);
    assert_int_equal(hf_journal_attach(j, e, handle, NULL, &err), 0);
    assert_int_equal(hf_engine_run(e, NULL), 0);
    assert_int_equal(hf_journal_detach(j, &err), 0);
    hf_journal_close(j);

    /* A second run into the same workdir is refused. */
    assert_null(hf_journal_create(dir, wf, &spec, &err));
    assert_non_null(strstr(err.text, "holds the journal of an earlier run"));

    assert_non_null(j = hf_journal_open(dir, false, &err));
    assert_int_equal(hf_journal_counts(j, tally, &t, &err), 0);
    assert_int_equal(t.n[HF_TASK_DONE], 5);
    assert_int_equal(t.rows, 2); /* (a, done) and (b, done) */
    assert_int_equal(hf_journal_spec(j, &back, &err), 0);
    assert_string_equal(back.file, "w.yaml");
    assert_string_equal(back.text, yaml);
    assert_int_equal(back.cfg.mode, HF_MODE_WORKLOAD);
    assert_int_equal(back.cfg.policy, HF_POLICY_FIFO);
    assert_int_equal(back.cfg.platform.cores_per_node, 4);
    assert_true(back.walltime == 30);
    hf_journal_close(j);

    /* A restart sees every task, then sets all that are not done waiting. */
    assert_non_null(j = hf_journal_open(dir, true, &err));
    memset(&t, 0, sizeof(t));
    assert_int_equal(hf_journal_restart(j, false, seen, &t, &err), 0);
    assert_int_equal(t.rows, 5);
    assert_int_equal(t.n[HF_TASK_DONE], 5);
    hf_journal_close(j);
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

static void missing_journal(void **state)
{
    hf_error_t err;

    (void)state;
    assert_null(hf_journal_open("/tmp/hetflow-no-such-dir", false, &err));
    assert_non_null(strstr(err.text, "no journal here"));
}

/* Once `after` tasks have ended, the journal's file may not grow: its next
 * commit fails as on a full disk (EFBIG here, SQLite's disk I/O error). */
typedef struct {
    const char *dir;
    long after;
    long committed; /* tasks done in the journal then: its last batch's */
    bool limited;
    struct rlimit saved;
} wall_t;

/* Tasks in `state` in dir's journal. */
static long in_state(const char *dir, const char *state)
{
    char path[128];
    sqlite3 *db;
    sqlite3_stmt *st;
    long n = -1;

    snprintf(path, sizeof(path), "%s/journal.db", dir);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM tasks WHERE state = ?1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static long done_in(const char *dir)
{
    return in_state(dir, "done");
}

static void failed_seen(const hf_task_record_t *r, void *arg)
{
    tally_t *t = arg;

    t->n[r->state]++;
    if (r->state == HF_TASK_FAILED) {
        assert_int_equal(r->task, 0);
        assert_int_equal(r->status, 3);
        assert_int_equal(r->attempts, 2);
        assert_string_equal(r->result, "{\"error\": \"no\"}");
    }
}

static void restart_keeps_failed_unless_retried(void **state)
{
    hf_workflow_t *wf = load_ok(yaml);
    hf_run_spec_t spec = {"w.yaml", yaml, strlen(yaml), {0}, 0};
    hf_journal_t *j;
    hf_error_t err;
    tally_t t = {{0}, 0};
    char dir[64], path[128];
    sqlite3 *db;

    (void)state;
    fresh_dir(dir);
    assert_non_null(j = hf_journal_create(dir, wf, &spec, &err));
    hf_journal_close(j);
    /* As a run leaves them: a[0] failed after 3 tries, a[1] canceled. */
    snprintf(path, sizeof(path), "%s/journal.db", dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE tasks SET state = 'failed', status = 3, "
                                  "attempts = 2, result = '{\"error\": \"no\"}' "
                                  "WHERE id = 0; UPDATE tasks SET state = 'canceled', "
                                  "cause = 'upstream' WHERE id = 1",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_non_null(j = hf_journal_open(dir, true, &err));
    assert_int_equal(hf_journal_restart(j, false, failed_seen, &t, &err), 0);
    assert_int_equal(t.n[HF_TASK_FAILED], 1);
    assert_int_equal(t.n[HF_TASK_CANCELED], 1);
    assert_int_equal(in_state(dir, "failed"), 1); /* kept */
    assert_int_equal(in_state(dir, "waiting"), 4);
    memset(&t, 0, sizeof(t));
    assert_int_equal(hf_journal_restart(j, true, failed_seen, &t, &err), 0);
    assert_int_equal(t.n[HF_TASK_FAILED], 1);
    assert_int_equal(in_state(dir, "failed"), 0); /* to run again */
    assert_int_equal(in_state(dir, "waiting"), 5);
    hf_journal_close(j);
    hf_workflow_destroy(wf);
}

static void wall_up(hf_engine_t *e, uint32_t task, hf_task_state_t state, double now,
                    void *arg)
{
    wall_t *w = arg;
    char path[128];
    struct stat st;

    (void)task, (void)state, (void)now;
    if (w->limited || hf_engine_count(e, HF_TASK_DONE) < w->after)
        return;
    w->committed = done_in(w->dir);
    snprintf(path, sizeof(path), "%s/journal.db-wal", w->dir);
    assert_int_equal(stat(path, &st), 0);
    getrlimit(RLIMIT_FSIZE, &w->saved);
    setrlimit(RLIMIT_FSIZE, &(struct rlimit){(rlim_t)st.st_size, w->saved.rlim_max});
    w->limited = true;
}

static void failed_write_stops(void **state)
{
    static const char *many = "sets:\n  a: {tasks: 20, duration: 1}\n";
    hf_workflow_t *wf = load_ok(many);
    hf_dag_t *d = hf_dag_create(wf, NULL);
    hf_engine_config_t cfg = {.mode = HF_MODE_TASK,
                              .policy = HF_POLICY_FIFO,
                              .platform = (hf_platform_t){1, 2, 0, 0, 0}};
    hf_run_spec_t spec = {"w.yaml", many, strlen(many), cfg, 0};
    hf_executor_t sim;
    hf_engine_t *e;
    hf_journal_t *j;
    hf_error_t err = {{0}};
    char dir[64];
    wall_t w = {dir, 6, -1, false, {0, 0}};
    long done;

    (void)state;
    fresh_dir(dir);
    if (!(j = hf_journal_create(dir, wf, &spec, &err)))
        fail_msg("%s", err.text);
    hf_exec_sim_create(wf, 0, &sim);
    e = hf_engine_create(wf, d, &cfg, &sim, NULL);
    assert_int_equal(hf_journal_attach(j, e, handle, NULL, &err), 0);
    assert_int_equal(hf_engine_on_task_end(e, wall_up, &w), 0);
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(hf_engine_run(e, NULL), 0);
    setrlimit(RLIMIT_FSIZE, &w.saved);
    signal(SIGXFSZ, SIG_DFL);

    /* The batch that could not be written stopped the run: two tasks a
     * batch on two cores, so the 6th end's batch was the 3rd. */
    assert_true(w.limited);
    assert_int_equal(hf_engine_stopped(e), HF_STOP_JOURNAL);
    assert_int_equal(w.committed, 4);
    done = hf_engine_count(e, HF_TASK_DONE);
    assert_int_equal(done, 6);
    assert_int_equal(hf_engine_count(e, HF_TASK_CANCELED), 20 - done);
    /* Reported at every flush after, writing nothing (room again now). */
    assert_int_equal(hf_journal_detach(j, &err), -1);
    assert_int_equal(errno, EIO);
    assert_string_equal(err.text, "journal: write failed: disk I/O error");
    hf_journal_close(j);
    assert_int_equal(done_in(dir), w.committed);

    hf_engine_destroy(e);
    hf_executor_destroy(&sim);
    hf_dag_destroy(d);
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(record_and_reopen),
        cmocka_unit_test(missing_journal),
        cmocka_unit_test(restart_keeps_failed_unless_retried),
        cmocka_unit_test(failed_write_stops),
    };
    return cmocka_run_group_tests(tests, NULL, remove_made);
}

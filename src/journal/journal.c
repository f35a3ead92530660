/* The journal in SQLite; see journal.h.
 *
 * One row per task holds its latest state, times, exit status and process
 * id; a run's settings and the workflow's text sit in `meta`.  The tasks
 * that changed in one engine batch (a launch pass and the ends that led to
 * it) are written in one transaction, each once, through one prepared
 * statement: a commit per batch, not a write per event.  WAL mode lets
 * `hetflow status` read while a run writes, and synchronous=NORMAL keeps
 * every committed batch across a crash of hetflow (a power loss may lose
 * the last batches, never the database). */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hetflow/journal.h"
#include "util/fs.h"
#include "util/grow.h"

struct hf_journal {
    sqlite3 *db;
    sqlite3_stmt *update;
    hf_engine_t *engine;
    hf_handle_f handle_of;
    void *handle_ctx;
    uint32_t *dirty; /* tasks changed in this batch, each once */
    size_t ndirty;
    uint8_t *is_dirty;
    size_t ntasks;     /* room in dirty and is_dirty */
    int nsets;         /* groups with rows: sets submitted later get theirs at a flush */
    int failed;        /* SQLite error code of the first failed write: none after */
    char *file, *text; /* the stored spec's strings */
    double now;        /* of the latest transition */
    double committed;  /* when the last batch was written */
    bool only_calls;   /* what is dirty is calls that ended */
};

/* Built under a temporary name in rollback mode, switched to WAL once it
 * has its final name: WAL files are named after the database. */
static const char schema[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value);"
    "CREATE TABLE sets(id INTEGER PRIMARY KEY, name TEXT NOT NULL, tasks INTEGER NOT "
    "NULL);"
    "CREATE TABLE tasks(id INTEGER PRIMARY KEY, set_id INTEGER NOT NULL,"
    " idx INTEGER NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    " status INTEGER, pid INTEGER, ready REAL, placed REAL, start REAL, end REAL,"
    " run INTEGER, result TEXT, cause TEXT);"
    "CREATE TABLE runs(id INTEGER PRIMARY KEY, started INTEGER, pid INTEGER);";

static int fail(hf_journal_t *j, hf_error_t *err, const char *what)
{
    hf_error_set(err, "journal: %s: %s", what, j && j->db ? sqlite3_errmsg(j->db) : "?");
    errno = EIO;
    return -1;
}

static int exec(hf_journal_t *j, const char *sql, hf_error_t *err)
{
    return sqlite3_exec(j->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0
                                                                   : fail(j, err, sql);
}

static int open_db(hf_journal_t *j, const char *path, int flags, hf_error_t *err)
{
    if (sqlite3_open_v2(path, &j->db, flags, NULL) != SQLITE_OK)
        return fail(j, err, path);
    /* A reader may meet a writer's lock for a moment: wait, do not fail. */
    sqlite3_busy_timeout(j->db, 5000);
    return 0;
}

static int put_meta(sqlite3_stmt *st, const char *key, const char *text, size_t len,
                    double number)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (text)
        sqlite3_bind_text(st, 2, text, (int)len, SQLITE_STATIC);
    else
        sqlite3_bind_double(st, 2, number);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

/* The engine's groups from `from` on (engine.h: a set's tasks, a pool's
 * workers), as the "sets" of the journal, each task a row.  Before the
 * engine exists (e NULL), wf's groups as the engine will number them: its
 * sets, then its pools. */
static int store_sets(hf_journal_t *j, const hf_engine_t *e, const hf_workflow_t *wf,
                      int from)
{
    int nsets = hf_workflow_nsets(wf),
        n = e ? hf_engine_ngroups(e) : nsets + hf_workflow_npools(wf);
    sqlite3_stmt *set = NULL, *task = NULL;
    uint32_t id = 0;
    int rc = -1;

    if (sqlite3_prepare_v2(j->db, "INSERT OR IGNORE INTO sets VALUES(?1, ?2, ?3)", -1,
                           &set, NULL) ||
        sqlite3_prepare_v2(j->db,
                           "INSERT OR IGNORE INTO tasks(id, set_id, idx, state) "
                           "VALUES(?1, ?2, ?3, 'waiting')",
                           -1, &task, NULL))
        goto done;
    for (int g = from; g < n; g++) {
        const char *name = e           ? hf_engine_group_name(e, g)
                           : g < nsets ? hf_workflow_get_set(wf, g)->name
                                       : hf_workflow_pool(wf, g - nsets)->name;
        long ntasks = e           ? (long)hf_engine_group_ntasks(e, g)
                      : g < nsets ? hf_workflow_get_set(wf, g)->tasks
                                  : hf_workflow_pool(wf, g - nsets)->size;
        if (e)
            id = hf_engine_group_first(e, g);
        sqlite3_reset(set);
        sqlite3_bind_int(set, 1, g);
        sqlite3_bind_text(set, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(set, 3, ntasks);
        if (sqlite3_step(set) != SQLITE_DONE)
            goto done;
        for (long i = 0; i < ntasks; i++, id++) {
            sqlite3_reset(task);
            sqlite3_bind_int64(task, 1, (sqlite3_int64)id);
            sqlite3_bind_int(task, 2, g);
            sqlite3_bind_int64(task, 3, i);
            if (sqlite3_step(task) != SQLITE_DONE)
                goto done;
        }
    }
    j->nsets = n;
    rc = 0;
done:
    sqlite3_finalize(set);
    sqlite3_finalize(task);
    return rc;
}

static int store_spec(hf_journal_t *j, const hf_workflow_t *wf, const hf_run_spec_t *spec)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;

    if (sqlite3_prepare_v2(j->db, "INSERT INTO meta VALUES(?1, ?2)", -1, &st, NULL))
        goto done;
    if (put_meta(st, "version", "2", 1, 0) ||
        put_meta(st, "file", spec->file, strlen(spec->file), 0) ||
        put_meta(st, "text", spec->text, spec->text_len, 0) ||
        put_meta(st, "mode", hf_mode_name(spec->cfg.mode),
                 strlen(hf_mode_name(spec->cfg.mode)), 0) ||
        put_meta(st, "policy", hf_policy_name(spec->cfg.policy),
                 strlen(hf_policy_name(spec->cfg.policy)), 0) ||
        put_meta(st, "nodes", NULL, 0, spec->cfg.platform.nodes) ||
        put_meta(st, "cores_per_node", NULL, 0, spec->cfg.platform.cores_per_node) ||
        put_meta(st, "gpus_per_node", NULL, 0, spec->cfg.platform.gpus_per_node) ||
        put_meta(st, "walltime", NULL, 0, spec->walltime))
        goto done;
    rc = store_sets(j, NULL, wf, 0);
done:
    sqlite3_finalize(st);
    return rc;
}

hf_journal_t *hf_journal_create(const char *workdir, const hf_workflow_t *wf,
                                const hf_run_spec_t *spec, hf_error_t *err)
{
    hf_journal_t *j = calloc(1, sizeof(*j));
    char path[4096], building[4096 + 8];
    int fd;

    if (!j) {
        hf_error_set(err, "out of memory");
        return NULL;
    }
    snprintf(path, sizeof(path), "%s/%s", workdir, HF_JOURNAL_FILE);
    snprintf(building, sizeof(building), "%s.new", path);
    if (fs_mkdirs(workdir, 0700, err) < 0)
        goto error;
    if (access(path, F_OK) == 0) {
        errno = EEXIST;
        goto exists;
    }
    /* Built complete under another name and linked into place, so that a
     * kill at any moment leaves either no journal or a whole one: resume
     * never meets a journal without its run.  Created here, private,
     * before SQLite opens it; a leftover of a killed creation goes. */
    unlink(building);
    if ((fd = open(building, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                   0600)) < 0) {
        hf_error_set(err, "%s: %s", building, strerror(errno));
        goto error;
    }
    close(fd);
    if (open_db(j, building, SQLITE_OPEN_READWRITE, err) < 0 ||
        exec(j, schema, err) < 0 || exec(j, "BEGIN", err) < 0)
        goto error;
    if (store_spec(j, wf, spec) < 0) {
        fail(j, err, "storing the run");
        goto error;
    }
    if (exec(j, "COMMIT", err) < 0)
        goto error;
    sqlite3_close(j->db);
    j->db = NULL;
    if (link(building, path) < 0) {
        unlink(building);
        goto exists;
    }
    unlink(building);
    if (open_db(j, path, SQLITE_OPEN_READWRITE, err) < 0 ||
        exec(j, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", err) < 0)
        goto error;
    return j;
exists:
    if (errno == EEXIST)
        hf_error_set(err,
                     "%s holds the journal of an earlier run: resume it with "
                     "'hetflow resume %s', or choose another --workdir",
                     workdir, workdir);
    else
        hf_error_set(err, "%s: %s", path, strerror(errno));
error:
    hf_journal_close(j);
    return NULL;
}

hf_journal_t *hf_journal_open(const char *workdir, bool writable, hf_error_t *err)
{
    hf_journal_t *j = calloc(1, sizeof(*j));
    char path[4096];

    if (!j) {
        hf_error_set(err, "out of memory");
        return NULL;
    }
    snprintf(path, sizeof(path), "%s/%s", workdir, HF_JOURNAL_FILE);
    /* To resume, the workdir must be the user's alone (as hf_workdir_lock
     * wants): a journal someone else could write names what to run. */
    if (writable && access(workdir, F_OK) == 0 &&
        fs_check_private(workdir, true, err) < 0) {
        free(j);
        return NULL;
    }
    if (access(path, F_OK) < 0) {
        hf_error_set(err,
                     "%s: no journal here (%s): give the workdir of a run (its "
                     "--workdir; by default ./<workflow name>.run)",
                     workdir, strerror(errno));
        free(j);
        errno = ENOENT;
        return NULL;
    }
    if (open_db(j, path, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, err) <
            0 ||
        (writable && exec(j, "PRAGMA synchronous=NORMAL", err) < 0)) {
        hf_journal_close(j);
        return NULL;
    }
    /* A journal of version 1 has no cause column: a resume adds it (and
     * the error of a second add is harmless). */
    if (writable)
        sqlite3_exec(j->db, "ALTER TABLE tasks ADD COLUMN cause TEXT", NULL, NULL, NULL);
    return j;
}

void hf_journal_close(hf_journal_t *j)
{
    if (!j)
        return;
    sqlite3_finalize(j->update);
    free(j->dirty);
    free(j->is_dirty);
    sqlite3_close(j->db);
    free(j->file);
    free(j->text);
    free(j);
}

static char *get_text(hf_journal_t *j, const char *key, size_t *len)
{
    sqlite3_stmt *st;
    char *out = NULL;

    if (sqlite3_prepare_v2(j->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL))
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        const unsigned char *v = sqlite3_column_text(st, 0);
        if (v && (out = malloc((size_t)n + 1))) {
            memcpy(out, v, (size_t)n);
            out[n] = '\0';
            if (len)
                *len = (size_t)n;
        }
    }
    sqlite3_finalize(st);
    return out;
}

static double get_number(hf_journal_t *j, const char *key)
{
    char *v = get_text(j, key, NULL);
    double d = v ? atof(v) : 0;

    free(v);
    return d;
}

int hf_journal_spec(hf_journal_t *j, hf_run_spec_t *spec, hf_error_t *err)
{
    char *mode = get_text(j, "mode", NULL), *policy = get_text(j, "policy", NULL);
    int rc = -1;

    memset(spec, 0, sizeof(*spec));
    free(j->file);
    free(j->text);
    j->file = get_text(j, "file", NULL);
    j->text = get_text(j, "text", &spec->text_len);
    if (!j->file || !j->text || !mode || !policy ||
        hf_mode_parse(mode, &spec->cfg.mode) < 0 ||
        hf_policy_parse(policy, &spec->cfg.policy) < 0) {
        hf_error_set(err, "journal: the run's settings are missing or damaged");
        errno = EINVAL;
        goto done;
    }
    spec->file = j->file;
    spec->text = j->text;
    spec->cfg.platform.nodes = (int)get_number(j, "nodes");
    spec->cfg.platform.cores_per_node = (int)get_number(j, "cores_per_node");
    spec->cfg.platform.gpus_per_node = (int)get_number(j, "gpus_per_node");
    spec->walltime = get_number(j, "walltime");
    rc = 0;
done:
    free(mode);
    free(policy);
    return rc;
}

/* Room in the dirty list for task `task` (tasks are added with sets). */
static int reserve(hf_journal_t *j, uint32_t task)
{
    size_t n = grow_cap(j->ntasks, (size_t)task + 1);

    if (grow_to((void **)&j->dirty, j->ntasks, n, sizeof(uint32_t)) < 0 ||
        grow_to((void **)&j->is_dirty, j->ntasks, n, 1) < 0)
        return -1;
    j->ntasks = n;
    return 0;
}

/* A transition marks its task; the batch writes each marked task once.
 * Within a transaction the states a task passed through are never visible
 * (the commit is atomic) and its row keeps every time, so one write of its
 * latest state loses nothing: a batch that readies, places and starts a
 * task costs one UPDATE, not three. */
static void on_transition(hf_engine_t *e, uint32_t task, hf_task_state_t from,
                          hf_task_state_t to, double now, const hf_alloc_t *alloc,
                          void *arg)
{
    hf_journal_t *j = arg;
    bool call = false;

    (void)from;
    j->now = now;
    /* A call (a function task, placed nowhere) is written when it ends,
     * not on its way there: it lasts milliseconds, and a resume runs it
     * again whether it had started or not. */
    if (!alloc) {
        hf_task_info_t t;
        hf_engine_task(e, task, &t);
        call = t.set >= 0 &&
               hf_set_pool(hf_workflow_get_set(hf_engine_workflow(e), t.set)) >= 0;
        if (call && to >= HF_TASK_READY && to <= HF_TASK_RUNNING)
            return;
    }
    if (!call)
        j->only_calls = false;
    if (task >= j->ntasks && reserve(j, task) < 0) {
        j->failed = SQLITE_NOMEM;
        return;
    }
    if (!j->is_dirty[task]) {
        j->is_dirty[task] = 1;
        j->dirty[j->ndirty++] = task;
    }
}

static int write_task(hf_journal_t *j, uint32_t task)
{
    sqlite3_stmt *st = j->update;
    hf_task_info_t t;
    const json_t *result;
    char *text;

    hf_engine_task(j->engine, task, &t);
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, hf_task_state_name(t.state), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, t.attempts);
    sqlite3_bind_int(st, 3, t.status);
    if (t.state == HF_TASK_RUNNING && j->handle_of)
        sqlite3_bind_int64(st, 4, j->handle_of(j->handle_ctx, task));
    else
        sqlite3_bind_int64(st, 4, -1); /* keep */
    sqlite3_bind_double(st, 5, t.ready);
    sqlite3_bind_double(st, 6, t.placed);
    sqlite3_bind_double(st, 7, t.start);
    sqlite3_bind_double(st, 8, t.end);
    sqlite3_bind_int64(st, 9, task);
    if (t.state == HF_TASK_CANCELED)
        sqlite3_bind_text(st, 12, hf_cancel_cause_name(t.cancel_cause), -1,
                          SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 12);
    result = hf_engine_result(j->engine, task);
    text = result ? json_dumps(result, JSON_COMPACT) : NULL;
    if (text)
        sqlite3_bind_text(st, 11, text, -1, free);
    else
        sqlite3_bind_null(st, 11);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

/* Remember the first failed write: its SQLite error code, never 0. */
static void write_failed(hf_journal_t *j)
{
    int code = sqlite3_errcode(j->db);

    j->failed = code != SQLITE_OK && code != SQLITE_DONE ? code : SQLITE_ERROR;
}

int hf_journal_flush(hf_journal_t *j, hf_error_t *err)
{
    if (j->ndirty == 0 || j->failed)
        goto done;
    if (sqlite3_exec(j->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        write_failed(j);
        goto done;
    }
    if (j->nsets < hf_engine_ngroups(j->engine) &&
        store_sets(j, j->engine, hf_engine_workflow(j->engine), j->nsets) < 0)
        write_failed(j);
    for (size_t i = 0; i < j->ndirty && !j->failed; i++)
        if (write_task(j, j->dirty[i]) < 0)
            write_failed(j);
    if (!j->failed && sqlite3_exec(j->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        write_failed(j);
    /* A failed write or commit (a full disk) may leave the transaction
     * open, or SQLite may have rolled it back already: either way the
     * journal keeps the batches committed before, nothing of this one. */
    sqlite3_reset(j->update);
    if (j->failed && !sqlite3_get_autocommit(j->db))
        sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
    for (size_t i = 0; i < j->ndirty; i++)
        j->is_dirty[j->dirty[i]] = 0;
    j->ndirty = 0;
done:
    if (j->failed) {
        /* Sticky: a later batch written over a lost one would record a
         * state the journal never passed through. */
        hf_error_set(err, "journal: write failed: %s", sqlite3_errstr(j->failed));
        errno = j->failed == SQLITE_FULL ? ENOSPC : EIO;
        return -1;
    }
    return 0;
}

int hf_journal_detach(hf_journal_t *j, hf_error_t *err)
{
    int rc = j->engine ? hf_journal_flush(j, err) : 0;

    if (rc < 0) { /* as a batch's failure: the run did not end as recorded */
        int why = errno;
        hf_engine_stop(j->engine, HF_STOP_JOURNAL);
        errno = why;
    }

    j->engine = NULL;
    j->ndirty = 0;
    return rc;
}

/* Batches that end nothing but calls are written together, at most
 * CALLS_PERIOD seconds apart: at hundreds of thousands of calls a second a
 * commit per batch of a few dozen would cost more than the calls, and a
 * crash loses at most that much of them (a resume runs them again). */
#define CALLS_PERIOD 0.02
#define CALLS_MAX 65536

static void on_batch(hf_engine_t *e, void *arg)
{
    hf_journal_t *j = arg;

    if (j->only_calls && j->ndirty < CALLS_MAX && j->now - j->committed < CALLS_PERIOD)
        return;
    /* A run the journal cannot follow any more stops, as on a walltime:
     * what it did from here on would be run again by a resume anyway. */
    if (hf_journal_flush(j, NULL) < 0)
        hf_engine_stop(e, HF_STOP_JOURNAL);
    j->committed = j->now;
    j->only_calls = true;
}

int hf_journal_attach(hf_journal_t *j, hf_engine_t *e, hf_handle_f handle_of,
                      void *handle_ctx, hf_error_t *err)
{
    static const char update[] =
        "UPDATE tasks SET state = ?1, attempts = ?2, status = ?3,"
        " pid = CASE WHEN ?4 = -1 THEN pid ELSE ?4 END,"
        " ready = ?5, placed = ?6, start = ?7, end = ?8, run = ?10, result = ?11,"
        " cause = ?12 WHERE id = ?9";
    char sql[96];

    j->engine = e;
    j->handle_of = handle_of;
    j->handle_ctx = handle_ctx;
    j->nsets = hf_engine_ngroups(e);
    if (reserve(j, hf_engine_ntasks(e)) < 0) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    snprintf(sql, sizeof(sql), "INSERT INTO runs(started, pid) VALUES(%lld, %d)",
             (long long)time(NULL), (int)getpid());
    if (exec(j, sql, err) < 0)
        return -1;
    if (sqlite3_prepare_v2(j->db, update, -1, &j->update, NULL) != SQLITE_OK)
        return fail(j, err, "preparing the update");
    /* Bindings survive sqlite3_reset: the run's id is bound once. */
    sqlite3_bind_int64(j->update, 10, sqlite3_last_insert_rowid(j->db));
    if (hf_engine_on_transition(e, on_transition, j) < 0) {
        hf_error_set(err, "journal: too many transition callbacks");
        return -1;
    }
    hf_engine_on_batch(e, on_batch, j);
    return 0;
}

static int state_of(const char *name)
{
    for (int s = HF_TASK_WAITING; s <= HF_TASK_CANCELED; s++)
        if (name && strcmp(name, hf_task_state_name((hf_task_state_t)s)) == 0)
            return s;
    return -1;
}

int hf_journal_restart(hf_journal_t *j, bool retry_failed, hf_task_record_f cb, void *arg,
                       hf_error_t *err)
{
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(j->db,
                           "SELECT id, state, pid, status, attempts, result FROM tasks "
                           "ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(j, err, "reading tasks");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hf_task_record_t t = {
            .task = (uint32_t)sqlite3_column_int64(st, 0),
            .handle = (long)sqlite3_column_int64(st, 2), /* NULL reads 0 */
            .status = sqlite3_column_int(st, 3),
            .attempts = sqlite3_column_int(st, 4),
            .result = (const char *)sqlite3_column_text(st, 5),
        };
        int state = state_of((const char *)sqlite3_column_text(st, 1));
        if (state < 0) {
            sqlite3_finalize(st); /* after it, st's columns are gone */
            hf_error_set(err, "journal: task %lu has an unknown state",
                         (unsigned long)t.task);
            errno = EINVAL;
            return -1;
        }
        t.state = (hf_task_state_t)state;
        cb(&t, arg);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(j, err, "reading tasks");
    return exec(j,
                retry_failed ? "UPDATE tasks SET state = 'waiting', pid = NULL "
                               "WHERE state != 'done'"
                             : "UPDATE tasks SET state = 'waiting', pid = NULL "
                               "WHERE state NOT IN ('done', 'failed')",
                err);
}

int hf_journal_counts(hf_journal_t *j, hf_count_f cb, void *arg, hf_error_t *err)
{
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(
            j->db,
            "SELECT s.name, t.state, count(*) FROM tasks t JOIN sets s"
            " ON s.id = t.set_id GROUP BY t.set_id, t.state ORDER BY t.set_id",
            -1, &st, NULL) != SQLITE_OK)
        return fail(j, err, "counting");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int state = state_of((const char *)sqlite3_column_text(st, 1));
        if (state >= 0)
            cb((const char *)sqlite3_column_text(st, 0), (hf_task_state_t)state,
               (long)sqlite3_column_int64(st, 2), arg);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fail(j, err, "counting");
}

int hf_journal_sets(hf_journal_t *j, hf_name_f cb, void *arg, hf_error_t *err)
{
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(j->db, "SELECT name FROM sets ORDER BY id", -1, &st, NULL) !=
        SQLITE_OK)
        return fail(j, err, "reading sets");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cb((const char *)sqlite3_column_text(st, 0), arg);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fail(j, err, "reading sets");
}

int hf_journal_remove(const char *workdir, hf_error_t *err)
{
    static const char *const files[] = {"", "-wal", "-shm", "-journal", ".new"};
    char path[4096];

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s%s", workdir, HF_JOURNAL_FILE, files[i]);
        if (unlink(path) < 0 && errno != ENOENT) {
            hf_error_set(err, "%s: %s", path, strerror(errno));
            return -1;
        }
    }
    return 0;
}

int hf_journal_unsuccessful(hf_journal_t *j, hf_journal_task_f cb, void *arg,
                            hf_error_t *err)
{
    /* The second for a journal of version 1, which has no causes. */
    static const char *const queries[] = {
        "SELECT s.name, t.idx, t.state, t.status, t.attempts, t.result, t.cause"
        " FROM tasks t JOIN sets s ON s.id = t.set_id"
        " WHERE t.state IN ('failed', 'canceled') ORDER BY t.id",
        "SELECT s.name, t.idx, t.state, t.status, t.attempts, t.result, NULL"
        " FROM tasks t JOIN sets s ON s.id = t.set_id"
        " WHERE t.state IN ('failed', 'canceled') ORDER BY t.id"};
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(j->db, queries[0], -1, &st, NULL) != SQLITE_OK &&
        sqlite3_prepare_v2(j->db, queries[1], -1, &st, NULL) != SQLITE_OK)
        return fail(j, err, "reading tasks");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hf_journal_task_t t = {
            .set = (const char *)sqlite3_column_text(st, 0),
            .index = (uint32_t)sqlite3_column_int64(st, 1),
            .state = (hf_task_state_t)state_of((const char *)sqlite3_column_text(st, 2)),
            .status = sqlite3_column_int(st, 3),
            .attempts = sqlite3_column_int(st, 4),
            .result = (const char *)sqlite3_column_text(st, 5),
        };
        if (hf_cancel_cause_parse((const char *)sqlite3_column_text(st, 6), &t.cause) < 0)
            t.cause = HF_CANCEL_NONE;
        cb(&t, arg);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fail(j, err, "reading tasks");
}

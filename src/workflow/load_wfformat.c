/* WfFormat (WfCommons) instances, schema 1.0 to 1.6, read into a workflow:
 * a set of one task per recorded task (or, grouped by category, one set per
 * category), its cores, its recorded runtime as its duration, and the
 * recorded edges.  A task runs as a stand-in that sleeps its runtime, so
 * `hetflow run` replays an instance's shape with real processes.
 *
 * The versions differ (tests/data/wfinstances/README.md):
 *   1.5, 1.6  workflow.specification.tasks (parents/children by id) joined on
 *             id with workflow.execution.tasks (runtimeInSeconds, coreCount);
 *   1.3, 1.4  workflow.tasks, parents/children by name, runtime (1.3) or
 *             runtimeInSeconds (1.4), cores;
 *   1.0-1.2   workflow.jobs, runtime, cores, parents/children by name.
 * The JSON is read in place (json_scan.h): a million tasks in 130 MB of
 * text, not 1.8 GB of jansson values, and every error at the line and
 * column of the value it is about. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hetflow/workflow.h"
#include "json_scan.h"
#include "util/grow.h"
#include "util/strmap.h"
#include "wfformat.h"

/* The members of a task record that hetflow reads: the specification's
 * and, from 1.5, the execution's. */
enum {
    K_ID,
    K_NAME,
    K_PARENTS,
    K_CHILDREN,
    K_RUNTIME_S,
    K_RUNTIME,
    K_CORE_COUNT,
    K_CORES,
    K_GPU_COUNT,
    K_GPUS,
    K_INPUTS,
    K_OUTPUTS,
    K_FILES,
    NKEYS
};
static const char *const task_keys[NKEYS] = {
    "id",         "name",        "parents", "children", "runtimeInSeconds",
    "runtime",    "coreCount",   "cores",   "gpuCount", "gpus",
    "inputFiles", "outputFiles", "files"};

typedef struct {
    char *key;                /* id (1.5+) or name: what parents name */
    char *set;                /* its set's name: key, or a copy made a name */
    size_t at;                /* its record (the specification's) */
    size_t parents, children; /* lists in it, or JS_NONE */
    size_t inputs, outputs;   /* 1.5+ its files' ids; before, `files` in inputs */
    hf_mark_t at_mark, mark;  /* of the record, of its key */
    double runtime;
    int cores, gpus;
} wtask_t;

typedef struct {
    const char *path;
    const js_t *j; /* checked */
    hf_error_t *err;
    wtask_t *tasks;
    size_t n;
    strmap_t by_key;
    int version;  /* major * 10 + minor */
    size_t files; /* 1.5+: specification.files, or JS_NONE */
    strmap_t file_by_id;
    char **file_ids;    /* its keys */
    double *file_sizes; /* -1: no size */
    size_t nfiles;
    size_t run_list; /* 1.5+: workflow.execution.tasks */
    size_t *runs;    /* ... its records, listed if not in the tasks' order */
    size_t nruns;
    strmap_t run_by_id; /* ... by id, made when they are not in order */
    char **run_ids;
    size_t cursor; /* marks are counted on from here, */
    hf_mark_t cursor_mark;
    char *buf; /* a name decoded */
    size_t buf_cap;
} wf_t;

static int fail_ap(wf_t *w, hf_mark_t m, const char *fmt, va_list ap)
{
    char msg[sizeof(w->err->text)];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    hf_error_at(w->err, w->path, m.line, m.col, "%s", msg);
    errno = EINVAL;
    return -1;
}

static int fail_at(wf_t *w, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_task(wf_t *w, const wtask_t *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A message at offset `at` (JS_NONE: the file alone). */
static int fail_at(wf_t *w, size_t at, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = fail_ap(w, at == JS_NONE ? (hf_mark_t){0, 0} : js_mark(w->j, at), fmt, ap);
    va_end(ap);
    return rc;
}

/* A message at task t's key. */
static int fail_task(wf_t *w, const wtask_t *t, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = fail_ap(w, t->mark, fmt, ap);
    va_end(ap);
    return rc;
}

static int nomem(wf_t *w)
{
    hf_error_set(w->err, "out of memory");
    errno = ENOMEM;
    return -1;
}

/* The mark of offset `at`, counted on from the last one asked: records
 * are read in the order of the text. */
static hf_mark_t mark_on(wf_t *w, size_t at)
{
    if (at < w->cursor) {
        w->cursor = 0;
        w->cursor_mark = (hf_mark_t){1, 1};
    }
    w->cursor_mark = js_mark_from(w->j, w->cursor, w->cursor_mark, at);
    w->cursor = at;
    return w->cursor_mark;
}

/* The mark of offset `at` inside task t's record. */
static hf_mark_t mark_in(const wf_t *w, const wtask_t *t, size_t at)
{
    return js_mark_from(w->j, t->at, t->at_mark, at);
}

/* The string at v decoded into w->buf, or NULL if v is no string or holds
 * a NUL (ENOMEM: errno). */
static const char *name_at(wf_t *w, size_t v)
{
    errno = EINVAL;
    if (js_kind(w->j, v) != '"' ||
        grow_room((void **)&w->buf, &w->buf_cap, js_end(w->j, v) - v, 1) < 0 ||
        js_decode(w->j, v, w->buf) < 0)
        return NULL;
    return w->buf;
}

/* The members of object o named keys, a repeated one an error. */
static int members(wf_t *w, size_t o, const char *const *keys, size_t n, size_t *out)
{
    size_t repeat;

    if (js_members(w->j, o, keys, n, out, &repeat) != JS_NONE)
        return 0;
    return fail_at(w, repeat, "key '%s' repeated", name_at(w, repeat) ?: "?");
}

/* The object member `key` of o (JS_NONE if o is no object or has none). */
static int member(wf_t *w, size_t o, const char *key, size_t *out)
{
    *out = JS_NONE;
    return o == JS_NONE || js_kind(w->j, o) != '{' ? 0 : members(w, o, &key, 1, out);
}

static int parse_version(wf_t *w, size_t v)
{
    const char *s = v == JS_NONE ? NULL : name_at(w, v);
    int major, minor;

    if (!s || sscanf(s, "%d.%d", &major, &minor) != 2)
        return -1;
    return major * 10 + minor;
}

/* "blastall_ID000002" -> "blastall", "x_17" -> "x": the family of a task
 * whose record has no category. */
static char *category_of(const char *name)
{
    size_t n = strlen(name), end = n;

    while (end > 0 && isdigit((unsigned char)name[end - 1]))
        end--;
    if (end < n && end >= 3 && strncmp(name + end - 3, "_ID", 3) == 0)
        end -= 3;
    else if (end < n && end >= 1 && name[end - 1] == '_')
        end -= 1;
    else
        end = n;
    return strndup(name, end ? end : n);
}

/* A set name from a task's key: '/' (allowed in WfFormat ids) and
 * whitespace become '_'; the key itself when it has neither. */
static char *set_name_of(char *key)
{
    char *s;

    if (!strpbrk(key, "/ \t\n\v\f\r"))
        return key;
    if ((s = strdup(key)))
        for (char *p = s; *p; p++)
            if (*p == '/' || isspace((unsigned char)*p))
                *p = '_';
    return s;
}

/* A count of cores or GPUs at v (absent or null: *out unchanged): a
 * number at least `min` and more than 0 for cores, fractions rounded up (a
 * share of a core used is a core), at most `max`. */
static int read_count(wf_t *w, const wtask_t *t, size_t v, const char *what, int min,
                      int max, int *out)
{
    double x;

    if (v == JS_NONE || js_kind(w->j, v) == 'n')
        return 0;
    if (js_kind(w->j, v) != '0')
        return fail_at(w, v, "task '%s': %s must be a number, not %s", t->key, what,
                       js_kind_name(w->j, v));
    x = js_number(w->j, v);
    if (min > 0 ? !(x > 0) : !(x >= min))
        return fail_at(w, v, "task '%s': %s must be %s, not %.*s", t->key, what,
                       min > 0 ? "more than 0" : "at least 0", js_number_len(w->j, v),
                       w->j->text + v);
    x = fmax(ceil(x - 1e-9), min);
    if (x > max)
        return fail_at(w, v, "task '%s': %s must be at most %d, not %.*s", t->key, what,
                       max, js_number_len(w->j, v), w->j->text + v);
    *out = (int)x;
    return 0;
}

/* The records of a list: their offsets in a new array, their count in *n. */
static size_t *items_of(wf_t *w, size_t list, size_t *n)
{
    size_t it = 0, cap = 0, *items = NULL, v;

    *n = 0;
    while ((v = js_next_item(w->j, list, &it)) != JS_NONE) {
        if (grow_room((void **)&items, &cap, *n + 1, sizeof(size_t)) < 0) {
            free(items);
            return NULL;
        }
        items[(*n)++] = v;
    }
    return items ? items : calloc(1, sizeof(size_t));
}

/* The execution record of the task keyed `id` (1.5+) when it is not where
 * WfCommons puts it: every record listed and keyed once, then looked up. */
static size_t run_of(wf_t *w, const char *id)
{
    size_t at;
    int k;

    if (!w->run_ids) {
        if (!(w->runs = items_of(w, w->run_list, &w->nruns)) ||
            !(w->run_ids = calloc(w->nruns + 1, sizeof(char *))))
            return JS_NONE;
        for (size_t r = 0; r < w->nruns; r++) {
            if (member(w, w->runs[r], "id", &at) < 0)
                return JS_NONE;
            if (at == JS_NONE || js_kind(w->j, at) != '"' ||
                !(w->run_ids[r] = js_string(w->j, at, NULL)))
                continue; /* none, or with a NUL: no task has that id */
            if (strmap_put(&w->run_by_id, w->run_ids[r], (int)r) < 0)
                return JS_NONE;
        }
    }
    k = strmap_get(&w->run_by_id, id);
    errno = EINVAL;
    return k >= 0 ? w->runs[k] : JS_NONE;
}

/* One task record: its key, runtime, cores, edges and files; the runtime
 * and counts from its execution record from 1.5 (`next`, the one after
 * the last task's, is where it should be).  *end: past the record, *run:
 * past its execution record. */
static int read_task(wf_t *w, size_t i, size_t spec, size_t next, wtask_t *t, size_t *end,
                     size_t *run_end)
{
    const char *what = w->version >= 15 ? "id" : "name";
    size_t m[NKEYS], x[NKEYS], *rec = m, key, run, rt, repeat;

    if (js_kind(w->j, spec) != '{')
        return fail_at(w, spec, "task %zu is not an object", i);
    if ((*end = js_members(w->j, spec, task_keys, NKEYS, m, &repeat)) == JS_NONE)
        return fail_at(w, repeat, "key '%s' repeated", name_at(w, repeat) ?: "?");
    t->at = spec;
    t->at_mark = mark_on(w, spec);
    key = m[w->version >= 15 ? K_ID : K_NAME];
    if (key == JS_NONE || js_kind(w->j, key) != '"' || js_end(w->j, key) - key == 2)
        return fail_at(w, key == JS_NONE ? spec : key, "a task without an %s", what);
    if (!(t->key = js_string(w->j, key, NULL)))
        return errno == ENOMEM ? nomem(w)
                               : fail_at(w, key, "a task's %s contains a NUL byte", what);
    t->mark = mark_in(w, t, key);
    if (!(t->set = set_name_of(t->key)))
        return nomem(w);
    run = key;
    if (w->run_list != JS_NONE) {
        /* The next execution record is the task's in WfCommons' files. */
        if (next != JS_NONE && js_kind(w->j, next) == '{' &&
            (*run_end = js_members(w->j, next, task_keys, NKEYS, x, &repeat)) == JS_NONE)
            return fail_at(w, repeat, "key '%s' repeated", name_at(w, repeat) ?: "?");
        run = next;
        if (next == JS_NONE || js_kind(w->j, next) != '{' || x[K_ID] == JS_NONE ||
            !js_string_is(w->j, x[K_ID], t->key)) {
            if ((run = run_of(w, t->key)) == JS_NONE)
                return errno == ENOMEM
                           ? nomem(w)
                           : fail_at(w, key,
                                     "task '%s' has no execution record (no runtime)",
                                     t->key);
            if (js_kind(w->j, run) != '{')
                return fail_at(w, run, "task '%s': its execution record is not an object",
                               t->key);
            if (members(w, run, task_keys, NKEYS, x) < 0)
                return -1;
        }
        rec = x;
    }
    rt = rec[K_RUNTIME_S] != JS_NONE ? rec[K_RUNTIME_S] : rec[K_RUNTIME];
    if (rt == JS_NONE || js_kind(w->j, rt) != '0')
        return fail_at(w, run, "task '%s' has no runtime (runtimeInSeconds or runtime)",
                       t->key);
    t->runtime = js_number(w->j, rt);
    if (!(t->runtime >= 0) || !isfinite(t->runtime))
        return fail_at(w, rt, "task '%s': runtime must be at least 0 seconds, not %.*s",
                       t->key, js_number_len(w->j, rt), w->j->text + rt);
    t->cores = 1;
    t->gpus = 0;
    if (read_count(w, t, rec[K_CORE_COUNT] != JS_NONE ? rec[K_CORE_COUNT] : rec[K_CORES],
                   rec[K_CORE_COUNT] != JS_NONE ? "coreCount" : "cores", 1,
                   HF_PLATFORM_MAX_CORES, &t->cores) < 0 ||
        read_count(w, t, rec[K_GPU_COUNT] != JS_NONE ? rec[K_GPU_COUNT] : rec[K_GPUS],
                   rec[K_GPU_COUNT] != JS_NONE ? "gpuCount" : "gpus", 0,
                   HF_PLATFORM_MAX_GPUS, &t->gpus) < 0)
        return -1;
    t->parents = m[K_PARENTS];
    t->children = m[K_CHILDREN];
    for (int side = 0; side < 2; side++) {
        size_t list = side ? t->children : t->parents;
        if (list != JS_NONE && js_kind(w->j, list) != '[')
            return fail_at(w, list,
                           "task '%s': parents and children must be lists, not %s",
                           t->key, js_kind_name(w->j, list));
    }
    t->inputs = w->version >= 15 ? m[K_INPUTS] : m[K_FILES];
    t->outputs = w->version >= 15 ? m[K_OUTPUTS] : JS_NONE;
    return 0;
}

static int read_tasks(wf_t *w, size_t workflow)
{
    static const char *const parts[] = {"specification", "execution"};
    static const char *const spec_keys[] = {"tasks", "files"};
    size_t part[2] = {JS_NONE, JS_NONE}, list = JS_NONE, in[2], it = 0, run_it = 0, v,
           cap = 0;

    if (workflow == JS_NONE || js_kind(w->j, workflow) != '{')
        return fail_at(w, workflow, "WfFormat: workflow must be an object");
    if (w->version >= 15) {
        if (members(w, workflow, parts, 2, part) < 0)
            return -1;
        in[0] = in[1] = JS_NONE;
        if ((part[0] != JS_NONE && js_kind(w->j, part[0]) == '{' &&
             members(w, part[0], spec_keys, 2, in) < 0) ||
            member(w, part[1], "tasks", &w->run_list) < 0)
            return -1;
        list = in[0];
        w->files = in[1];
        if (w->run_list == JS_NONE || js_kind(w->j, w->run_list) != '[')
            return fail_at(w, part[1] != JS_NONE ? part[1] : workflow,
                           "WfFormat %d.%d: workflow.execution.tasks is missing: no "
                           "runtimes",
                           w->version / 10, w->version % 10);
    } else if (member(w, workflow, w->version >= 13 ? "tasks" : "jobs", &list) < 0) {
        return -1;
    }
    if (list == JS_NONE || js_kind(w->j, list) != '[' ||
        js_next_item(w->j, list, &(size_t){0}) == JS_NONE)
        return fail_at(w, list != JS_NONE ? list : workflow,
                       "WfFormat %d.%d: no tasks (workflow.%s)", w->version / 10,
                       w->version % 10,
                       w->version >= 15   ? "specification.tasks"
                       : w->version >= 13 ? "tasks"
                                          : "jobs");
    /* The records one after the other, the execution's alongside. */
    while ((v = js_item_after(w->j, list, it)) != JS_NONE) {
        size_t next = w->run_list != JS_NONE && !w->runs
                          ? js_item_after(w->j, w->run_list, run_it)
                          : JS_NONE,
               run_end = JS_NONE;
        wtask_t *t;
        if (grow_room((void **)&w->tasks, &cap, w->n + 1, sizeof(wtask_t)) < 0)
            return nomem(w);
        t = &w->tasks[w->n++];
        if (read_task(w, w->n - 1, v, next, t, &it, &run_end) < 0)
            return -1;
        /* Out of order, the list is walked from where this one was. */
        if (next != JS_NONE && run_end != JS_NONE)
            run_it = run_end;
        if (strmap_get(&w->by_key, t->key) >= 0)
            return fail_task(w, t, "task '%s' appears twice", t->key);
        if (strmap_put(&w->by_key, t->key, (int)(w->n - 1)) < 0)
            return nomem(w);
    }
    return 0;
}

/* Every edge, from the parents lists and the children lists alike (some
 * files give only one), as (parent, child) task indices with the offset
 * of the name in the list of task `owner`; a name neither list resolves is
 * an error. */
typedef int (*edge_f)(wf_t *w, size_t parent, size_t child, size_t owner, size_t at,
                      void *arg);

static int each_edge(wf_t *w, edge_f cb, void *arg)
{
    for (size_t i = 0; i < w->n; i++) {
        for (int side = 0; side < 2; side++) {
            size_t list = side ? w->tasks[i].children : w->tasks[i].parents, it = 0, v;
            while (list != JS_NONE && (v = js_next_item(w->j, list, &it)) != JS_NONE) {
                const char *other = name_at(w, v);
                int j = other ? strmap_get(&w->by_key, other) : -1;
                if (j < 0)
                    return !other && errno == ENOMEM
                               ? nomem(w)
                               : fail_at(w, v, "task '%s' names unknown %s '%s'",
                                         w->tasks[i].key, side ? "child" : "parent",
                                         other ? other : "?");
                if (cb(w, side ? i : (size_t)j, side ? (size_t)j : i, i, v, arg) < 0)
                    return -1;
            }
        }
    }
    return 0;
}

/* Sets are added in the tasks' order: task i's set is set i. */
static int add_task_edge(wf_t *w, size_t parent, size_t child, size_t owner, size_t at,
                         void *arg)
{
    hf_set_t *set = hf_workflow_set_mut(arg, (int)child);

    /* The same edge from both sides once: skip a parent already listed. */
    for (int k = 0; k < set->nafter; k++)
        if (strcmp(set->after[k].parent_name, w->tasks[parent].set) == 0)
            return 0;
    if (parent == child)
        return fail_at(w, at, "task '%s' depends on itself", w->tasks[child].key);
    return hf_workflow_add_dep(arg, set, w->tasks[parent].set, HF_MAP_ALL,
                               mark_in(w, &w->tasks[owner], at))
               ? 0
               : nomem(w);
}

static int stand_in(hf_set_t *set, double seconds)
{
    char buf[64];

    snprintf(buf, sizeof(buf), "%.6f", seconds);
    if (!(set->argv = calloc(3, sizeof(char *))) || !(set->argv[0] = strdup("sleep")) ||
        !(set->argv[1] = strdup(buf)))
        return -1;
    return 0;
}

/* One of a task's files, named and sized as recorded (-1: no size); path
 * is taken. */
static int add_file(hf_set_t *set, bool input, char *path, double size)
{
    hf_file_t **files = input ? &set->inputs : &set->outputs;
    int *n = input ? &set->ninputs : &set->noutputs;
    hf_file_t *more = path ? realloc(*files, (size_t)(*n + 1) * sizeof(hf_file_t)) : NULL;

    if (!more) {
        free(path);
        return -1;
    }
    *files = more;
    more[(*n)++] =
        (hf_file_t){.path = path, .mark = set->mark, .size = size, .producer = -1};
    return 0;
}

/* A file record's size in bytes: sizeInBytes or size, -1 when neither. */
static double size_of(wf_t *w, size_t file)
{
    static const char *const keys[] = {"sizeInBytes", "size"};
    size_t m[2];
    double x;

    if (js_kind(w->j, file) != '{')
        return -1;
    js_members(w->j, file, keys, 2, m, NULL);
    if (m[0] == JS_NONE)
        m[0] = m[1];
    if (m[0] == JS_NONE || js_kind(w->j, m[0]) != '0')
        return -1;
    x = js_number(w->j, m[0]);
    return x >= 0 && isfinite(x) ? x : -1;
}

/* 1.5+: specification.files, the sizes of files by id. */
static int read_files(wf_t *w)
{
    size_t *files, id;

    if (w->files == JS_NONE || js_kind(w->j, w->files) != '[')
        return 0;
    if (!(files = items_of(w, w->files, &w->nfiles)) ||
        !(w->file_ids = calloc(w->nfiles + 1, sizeof(char *))) ||
        !(w->file_sizes = malloc((w->nfiles + 1) * sizeof(double)))) {
        free(files);
        return nomem(w);
    }
    for (size_t i = 0; i < w->nfiles; i++) {
        w->file_sizes[i] = size_of(w, files[i]);
        if (member(w, files[i], "id", &id) < 0)
            goto fail;
        if (id == JS_NONE || js_kind(w->j, id) != '"' ||
            !(w->file_ids[i] = js_string(w->j, id, NULL)))
            continue;
        if (strmap_put(&w->file_by_id, w->file_ids[i], (int)i) < 0) {
            nomem(w);
            goto fail;
        }
    }
    free(files);
    return 0;
fail:
    free(files);
    return -1;
}

/* The task's files with their sizes: 1.5+ lists ids (inputFiles,
 * outputFiles) sized in specification.files; earlier versions a `files`
 * list of {link, name, size}.  Files are for the simulator and analyze:
 * the recorded edges stay the dependencies. */
static int add_files(wf_t *w, hf_set_t *set, const wtask_t *t)
{
    static const char *const fkeys[] = {"link", "name", "id"};
    size_t it = 0, v;

    if (w->version >= 15) {
        for (int side = 0; side < 2; side++) {
            size_t list = side ? t->outputs : t->inputs;
            for (it = 0; list != JS_NONE && js_kind(w->j, list) == '[' &&
                         (v = js_next_item(w->j, list, &it)) != JS_NONE;) {
                const char *id = name_at(w, v);
                int k = id ? strmap_get(&w->file_by_id, id) : -1;
                if (id &&
                    add_file(set, !side, strdup(id), k >= 0 ? w->file_sizes[k] : -1) < 0)
                    return -1;
            }
        }
        return 0;
    }
    while (t->inputs != JS_NONE && js_kind(w->j, t->inputs) == '[' &&
           (v = js_next_item(w->j, t->inputs, &it)) != JS_NONE) {
        size_t f[3];
        const char *name;
        bool input;
        if (js_kind(w->j, v) != '{')
            continue;
        js_members(w->j, v, fkeys, 3, f, NULL);
        if (f[0] == JS_NONE || js_kind(w->j, f[0]) != '"')
            continue;
        input = js_string_is(w->j, f[0], "input");
        if ((name = name_at(w, f[1] != JS_NONE   ? f[1]
                               : f[2] != JS_NONE ? f[2]
                                                 : v)) &&
            add_file(set, input, strdup(name), size_of(w, v)) < 0)
            return -1;
    }
    return 0;
}

/* A set per task. */
static int build_per_task(wf_t *w, hf_workflow_t *wf)
{
    for (size_t i = 0; i < w->n; i++) {
        const wtask_t *t = &w->tasks[i];
        char why[200];
        hf_set_t *set;
        if (hf_set_name_check(t->set, why, sizeof(why)) < 0)
            return fail_task(w, t, "task '%s': %s", t->key, why);
        if (!(set = hf_workflow_add_set(wf, t->set, t->mark, w->err)))
            return -1;
        set->cores = t->cores;
        set->gpus = t->gpus;
        set->duration_mean = t->runtime;
        if (stand_in(set, t->runtime) < 0 || add_files(w, set, t) < 0)
            return nomem(w);
    }
    return each_edge(w, add_task_edge, wf);
}

typedef struct {
    hf_workflow_t *wf;
    char **category; /* per task */
} cat_ctx_t;

static int add_category_edge(wf_t *w, size_t parent, size_t child, size_t owner,
                             size_t at, void *arg)
{
    cat_ctx_t *ctx = arg;
    const char *p = ctx->category[parent], *c = ctx->category[child];
    hf_set_t *set = hf_workflow_set_mut(ctx->wf, hf_workflow_find_set(ctx->wf, c));

    if (strcmp(p, c) == 0)
        return fail_at(
            w, at,
            "--group-by category: task '%s' depends on '%s' of its own category "
            "'%s'",
            w->tasks[child].key, w->tasks[parent].key, c);
    for (int k = 0; k < set->nafter; k++)
        if (strcmp(set->after[k].parent_name, p) == 0)
            return 0;
    return hf_workflow_add_dep(ctx->wf, set, p, HF_MAP_ALL,
                               mark_in(w, &w->tasks[owner], at))
               ? 0
               : nomem(w);
}

/* Task t's category: its record's, else from its name (or key). */
static char *category_of_task(wf_t *w, const wtask_t *t)
{
    static const char *const keys[] = {"category", "name"};
    size_t m[2];
    const char *s;

    js_members(w->j, t->at, keys, 2, m, NULL);
    if (m[0] != JS_NONE && js_kind(w->j, m[0]) == '"')
        return js_string(w->j, m[0], NULL);
    s = m[1] != JS_NONE ? name_at(w, m[1]) : NULL;
    return category_of(s ? s : t->key);
}

/* A set per category: its tasks' count, the most cores and GPUs any asks,
 * their runtimes' mean and standard deviation; an edge between categories
 * where any of their tasks had one. */
static int build_per_category(wf_t *w, hf_workflow_t *wf)
{
    cat_ctx_t ctx = {wf, calloc(w->n + 1, sizeof(char *))};
    int rc = -1;

    if (!ctx.category)
        return nomem(w);
    for (size_t i = 0; i < w->n; i++) {
        const wtask_t *t = &w->tasks[i];
        const char *name;
        hf_set_t *set;
        int s;
        if (!(name = ctx.category[i] = category_of_task(w, t))) {
            errno == ENOMEM
                ? nomem(w)
                : fail_task(w, t, "the category of '%s' contains a NUL byte", t->key);
            goto done;
        }
        if ((s = hf_workflow_find_set(wf, name)) >= 0) {
            set = hf_workflow_set_mut(wf, s);
            set->tasks++;
        } else {
            char why[200];
            if (hf_set_name_check(name, why, sizeof(why)) < 0) {
                fail_task(w, t, "category of '%s': %s", t->key, why);
                goto done;
            }
            if (!(set = hf_workflow_add_set(wf, name, t->mark, w->err)))
                goto done;
            set->tasks = 1;
            set->cores = set->gpus = 0;
        }
        if (t->cores > set->cores)
            set->cores = t->cores;
        if (t->gpus > set->gpus)
            set->gpus = t->gpus;
        /* Running sums for now: mean and variance at the end. */
        set->duration_mean += t->runtime;
        set->duration_stddev += t->runtime * t->runtime;
    }
    for (int s = 0; s < hf_workflow_nsets(wf); s++) {
        hf_set_t *set = hf_workflow_set_mut(wf, s);
        double n = (double)set->tasks, mean = set->duration_mean / n;
        double var = set->duration_stddev / n - mean * mean;
        set->duration_mean = mean;
        set->duration_stddev = var > 0 ? sqrt(var) : 0;
        if (stand_in(set, mean) < 0) {
            nomem(w);
            goto done;
        }
    }
    rc = each_edge(w, add_category_edge, &ctx);
done:
    for (size_t i = 0; i < w->n; i++)
        free(ctx.category[i]);
    free(ctx.category);
    return rc;
}

bool hf_wfformat_detect(const char *text, size_t len, js_t *j)
{
    static const char *const keys[] = {"workflow", "schemaVersion", "sets"};
    size_t root, m[3], at;
    const char *why;

    *j = js_text(text, len);
    root = js_root(j);
    if (root >= len || text[root] != '{' || js_check(j, &at, &why) < 0)
        return false; /* the YAML loader reports what is wrong with it */
    js_members(j, root, keys, 3, m, NULL);
    return m[0] != JS_NONE && m[1] != JS_NONE && m[2] == JS_NONE;
}

static void wf_fini(wf_t *w)
{
    for (size_t i = 0; w->tasks && i < w->n; i++) {
        if (w->tasks[i].set != w->tasks[i].key)
            free(w->tasks[i].set);
        free(w->tasks[i].key);
    }
    free(w->tasks);
    for (size_t i = 0; w->file_ids && i < w->nfiles; i++)
        free(w->file_ids[i]);
    free(w->file_ids);
    free(w->file_sizes);
    for (size_t i = 0; w->run_ids && i < w->nruns; i++)
        free(w->run_ids[i]);
    free(w->run_ids);
    free(w->runs);
    free(w->buf);
    strmap_fini(&w->by_key);
    strmap_fini(&w->file_by_id);
    strmap_fini(&w->run_by_id);
}

hf_workflow_t *hf_wfformat_load(const char *path, const js_t *j, int flags,
                                hf_error_t *err)
{
    static const char *const keys[] = {"schemaVersion", "name", "workflow"};
    wf_t w = {.path = path,
              .j = j,
              .err = err,
              .files = JS_NONE,
              .run_list = JS_NONE,
              .cursor_mark = {1, 1}};
    hf_workflow_t *wf = NULL;
    size_t m[3];
    char *name = NULL;

    strmap_init(&w.by_key);
    strmap_init(&w.file_by_id);
    strmap_init(&w.run_by_id);
    if (members(&w, js_root(w.j), keys, 3, m) < 0)
        goto done;
    w.version = parse_version(&w, m[0]);
    if (w.version < 10 || w.version > 16) {
        fail_at(&w, m[0],
                "WfFormat schemaVersion '%s' is not one this reads (1.0 to 1.6)",
                m[0] != JS_NONE && name_at(&w, m[0]) ? w.buf : "?");
        goto done;
    }
    if (m[1] != JS_NONE && js_kind(w.j, m[1]) == '"' && js_end(w.j, m[1]) - m[1] > 2 &&
        !(name = js_string(w.j, m[1], NULL))) {
        errno == ENOMEM ? nomem(&w) : fail_at(&w, m[1], "name contains a NUL byte");
        goto done;
    }
    if (read_tasks(&w, m[2]) < 0 || read_files(&w) < 0)
        goto done;
    if (!(wf = hf_workflow_create(name ? name : "wfformat", path))) {
        nomem(&w);
        goto done;
    }
    hf_workflow_set_recorded(wf); /* files as recorded, writers and all */
    if ((flags & HF_LOAD_GROUP_BY_CATEGORY ? build_per_category(&w, wf)
                                           : build_per_task(&w, wf)) < 0) {
        hf_workflow_destroy(wf);
        wf = NULL;
        goto done;
    }
    /* The importer's own memory goes before the workflow is finished. */
    wf_fini(&w);
    memset(&w, 0, sizeof(w));
    if (hf_workflow_finish(wf, err) < 0) {
        hf_workflow_destroy(wf);
        wf = NULL;
    }
done:
    wf_fini(&w);
    free(name);
    return wf;
}

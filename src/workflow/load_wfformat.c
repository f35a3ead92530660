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
 * jansson keeps no positions of values, so errors name the line where the
 * offending task's id or parent first appears in the text. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hetflow/workflow.h"
#include "util/strmap.h"
#include "wfformat.h"

typedef struct {
    const char *key; /* id (1.5+) or name: what parents name */
    char *set;       /* its set's name */
    double runtime;
    int cores, gpus;
    json_t *parents, *children; /* borrowed */
    json_t *spec;               /* borrowed: its files */
    char *category;
    hf_mark_t mark; /* where its key first appears in the text */
} wtask_t;

typedef struct {
    const char *path, *text;
    size_t len;
    hf_error_t *err;
    wtask_t *tasks;
    size_t n;
    strmap_t by_key;
    int version;   /* major * 10 + minor */
    json_t *files; /* 1.5+: specification.files (borrowed) */
    strmap_t file_by_id;
} wf_t;

/* Whether the string starting at byte i is the value of a key ("id":
 * "x"), not an item of a list. */
static bool is_value(const wf_t *w, size_t i)
{
    while (i > 0 && isspace((unsigned char)w->text[i - 1]))
        i--;
    return i > 0 && w->text[i - 1] == ':';
}

/* The place of the first `"needle"` in the text at or after byte `from`
 * (the value of a key when `as_value`): where a message about it points.
 * Sets *line (0 if absent). */
static size_t place_of(const wf_t *w, const char *needle, size_t from, bool as_value,
                       int *line, int *col)
{
    size_t n = strlen(needle);

    *line = 0;
    *col = 0;
    for (size_t i = from; i + n + 2 <= w->len; i++) {
        if (w->text[i] == '"' && memcmp(w->text + i + 1, needle, n) == 0 &&
            w->text[i + n + 1] == '"' && (!as_value || is_value(w, i))) {
            *line = 1;
            *col = 1;
            for (size_t k = 0; k < i; k++) {
                if (w->text[k] == '\n') {
                    (*line)++;
                    *col = 1;
                } else {
                    (*col)++;
                }
            }
            return i;
        }
    }
    return from;
}

static int fail_at(wf_t *w, const char *needle, const char *near, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_at(wf_t *w, const char *needle, const char *near, const char *fmt, ...)
{
    char msg[sizeof(w->err->text)];
    int line = 0, col = 0;
    size_t from = 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* `near`: the task the message is about, where it is defined; `needle`:
     * what is wrong in it, after that (or, alone, a key's value). */
    if (near)
        from = place_of(w, near, 0, true, &line, &col);
    if (needle)
        place_of(w, needle, from, !near, &line, &col);
    hf_error_at(w->err, w->path, line, col, "%s", msg);
    errno = EINVAL;
    return -1;
}

static int parse_version(const char *s)
{
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

/* A set name from a task's: '/' (allowed in WfFormat ids) becomes '_'. */
static char *set_name_of(const char *key)
{
    char *s = strdup(key);

    for (char *p = s; p && *p; p++)
        if (*p == '/' || isspace((unsigned char)*p))
            *p = '_';
    return s;
}

static double number(json_t *o, const char *key, double dflt)
{
    json_t *v = json_object_get(o, key);

    return json_is_number(v) ? json_number_value(v) : dflt;
}

/* One task record: its key, runtime, cores and edges; exec is the 1.5+
 * execution record joined on id (NULL before 1.5). */
static int read_task(wf_t *w, json_t *spec, json_t *exec, wtask_t *t)
{
    const char *key =
        json_string_value(json_object_get(spec, w->version >= 15 ? "id" : "name"));
    json_t *rt, *cores, *rec = exec ? exec : spec;
    const char *cat = json_string_value(json_object_get(spec, "category"));

    if (!key || !*key)
        return fail_at(w, NULL, NULL, "a task without an %s",
                       w->version >= 15 ? "id" : "name");
    t->key = key;
    t->spec = spec;
    rt = json_object_get(rec, "runtimeInSeconds");
    if (!rt)
        rt = json_object_get(rec, "runtime");
    if (!json_is_number(rt) || !isfinite(json_number_value(rt)) ||
        json_number_value(rt) < 0)
        return fail_at(w, key, NULL,
                       "task '%s' has no runtime (runtimeInSeconds or runtime)", key);
    t->runtime = json_number_value(rt);
    cores = json_object_get(rec, "coreCount");
    if (!cores)
        cores = json_object_get(rec, "cores");
    /* Fractional counts (a share of a core used) round up; absent means 1. */
    t->cores = json_is_number(cores) && json_number_value(cores) > 0
                   ? (int)ceil(json_number_value(cores) - 1e-9)
                   : 1;
    t->gpus = (int)number(rec, "gpuCount", number(rec, "gpus", 0));
    if (t->cores > HF_PLATFORM_MAX_CORES || t->gpus < 0 || t->gpus > HF_PLATFORM_MAX_GPUS)
        return fail_at(w, key, NULL, "task '%s' asks %d cores and %d GPUs", key, t->cores,
                       t->gpus);
    t->parents = json_object_get(spec, "parents");
    t->children = json_object_get(spec, "children");
    if ((t->parents && !json_is_array(t->parents)) ||
        (t->children && !json_is_array(t->children)))
        return fail_at(w, key, NULL, "task '%s': parents and children must be lists",
                       key);
    if (!(t->set = set_name_of(key)) ||
        !(t->category =
              cat ? strdup(cat)
                  : category_of(json_string_value(json_object_get(spec, "name")) ?: key)))
        return -1;
    return 0;
}

static int read_tasks(wf_t *w, json_t *root)
{
    json_t *wf = json_object_get(root, "workflow"), *list, *exec_list = NULL;
    strmap_t exec_by_id;
    int rc = -1;

    strmap_init(&exec_by_id);
    if (w->version >= 15) {
        list = json_object_get(json_object_get(wf, "specification"), "tasks");
        exec_list = json_object_get(json_object_get(wf, "execution"), "tasks");
        if (!json_is_array(exec_list))
            return fail_at(w, "execution", NULL,
                           "WfFormat %d.%d: workflow.execution.tasks "
                           "is missing: no runtimes",
                           w->version / 10, w->version % 10);
        for (size_t i = 0; i < json_array_size(exec_list); i++) {
            const char *id =
                json_string_value(json_object_get(json_array_get(exec_list, i), "id"));
            if (id && strmap_put(&exec_by_id, id, (int)i) < 0)
                goto done;
        }
    } else {
        list = json_object_get(wf, w->version >= 13 ? "tasks" : "jobs");
    }
    if (!json_is_array(list) || json_array_size(list) == 0) {
        fail_at(w, NULL, NULL, "WfFormat %d.%d: no tasks (workflow.%s)", w->version / 10,
                w->version % 10,
                w->version >= 15   ? "specification.tasks"
                : w->version >= 13 ? "tasks"
                                   : "jobs");
        goto done;
    }
    w->n = json_array_size(list);
    if (!(w->tasks = calloc(w->n, sizeof(wtask_t))))
        goto done;
    for (size_t i = 0; i < w->n; i++) {
        json_t *spec = json_array_get(list, i), *exec = NULL;
        if (!json_is_object(spec)) {
            fail_at(w, NULL, NULL, "task %zu is not an object", i);
            goto done;
        }
        if (exec_list) {
            const char *id = json_string_value(json_object_get(spec, "id"));
            int k = id ? strmap_get(&exec_by_id, id) : -1;
            if (k < 0) {
                fail_at(w, id, NULL, "task '%s' has no execution record (no runtime)",
                        id ? id : "?");
                goto done;
            }
            exec = json_array_get(exec_list, (size_t)k);
        }
        if (read_task(w, spec, exec, &w->tasks[i]) < 0)
            goto done;
        if (strmap_get(&w->by_key, w->tasks[i].key) >= 0) {
            fail_at(w, w->tasks[i].key, NULL, "task '%s' appears twice", w->tasks[i].key);
            goto done;
        }
        if (strmap_put(&w->by_key, w->tasks[i].key, (int)i) < 0)
            goto done;
    }
    rc = 0;
done:
    strmap_fini(&exec_by_id);
    if (rc < 0 && errno == ENOMEM)
        hf_error_set(w->err, "out of memory");
    return rc;
}

/* Every edge, from the parents lists and the children lists alike (some
 * files give only one), as (parent, child) task indices; a name neither
 * list resolves is an error. */
static int each_edge(wf_t *w, int (*cb)(wf_t *w, size_t parent, size_t child, void *arg),
                     void *arg)
{
    for (size_t i = 0; i < w->n; i++) {
        for (int side = 0; side < 2; side++) {
            json_t *list = side ? w->tasks[i].children : w->tasks[i].parents;
            for (size_t k = 0; k < json_array_size(list); k++) {
                const char *other = json_string_value(json_array_get(list, k));
                int j = other ? strmap_get(&w->by_key, other) : -1;
                if (j < 0)
                    return fail_at(w, other, w->tasks[i].key,
                                   "task '%s' names unknown %s '%s'", w->tasks[i].key,
                                   side ? "child" : "parent", other ? other : "?");
                if (cb(w, side ? i : (size_t)j, side ? (size_t)j : i, arg) < 0)
                    return -1;
            }
        }
    }
    return 0;
}

static int add_task_edge(wf_t *w, size_t parent, size_t child, void *arg)
{
    hf_workflow_t *wf = arg;
    int c = hf_workflow_find_set(wf, w->tasks[child].set);
    hf_set_t *set = hf_workflow_set_mut(wf, c);

    /* The same edge from both sides once: skip a parent already listed. */
    for (int k = 0; k < set->nafter; k++)
        if (strcmp(set->after[k].parent_name, w->tasks[parent].set) == 0)
            return 0;
    if (parent == child)
        return fail_at(w, w->tasks[child].key, NULL, "task '%s' depends on itself",
                       w->tasks[child].key);
    return hf_workflow_add_dep(wf, set, w->tasks[parent].set, HF_MAP_ALL,
                               (hf_mark_t){0, 0})
               ? 0
               : -1;
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

/* Where each task's key first appears, in one pass over the text: every
 * JSON string is looked up among the keys. */
static void place_tasks(wf_t *w)
{
    int line = 1, col = 1;
    char key[512];

    for (size_t i = 0; i < w->len; i++) {
        if (w->text[i] == '"') {
            size_t start = i + 1, k = start;
            int c0 = col;
            while (k < w->len && w->text[k] != '"')
                k += w->text[k] == '\\' ? 2 : 1;
            if (k - start < sizeof(key)) {
                int t;
                memcpy(key, w->text + start, k - start);
                key[k - start] = '\0';
                if ((t = strmap_get(&w->by_key, key)) >= 0 &&
                    w->tasks[t].mark.line == 0 && is_value(w, i))
                    w->tasks[t].mark = (hf_mark_t){line, c0};
            }
            col += (int)(k - i) + 1;
            i = k < w->len ? k : w->len;
            continue;
        }
        if (w->text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
}

/* One of a task's files, named and sized as recorded (-1: no size). */
static int add_file(hf_set_t *set, bool input, const char *name, double size)
{
    hf_file_t **files = input ? &set->inputs : &set->outputs;
    int *n = input ? &set->ninputs : &set->noutputs;
    hf_file_t *more = realloc(*files, (size_t)(*n + 1) * sizeof(hf_file_t));

    if (!more)
        return -1;
    *files = more;
    more[*n] = (hf_file_t){
        .path = strdup(name), .mark = set->mark, .size = size, .producer = -1};
    return more[(*n)++].path ? 0 : -1;
}

static double size_of(const json_t *file)
{
    const json_t *s = json_object_get(file, "sizeInBytes");

    if (!s)
        s = json_object_get(file, "size");
    return json_is_number(s) && json_number_value(s) >= 0 ? json_number_value(s) : -1;
}

/* The task's files with their sizes: 1.5+ lists ids (inputFiles,
 * outputFiles) sized in specification.files; earlier versions a `files`
 * list of {link, name, size}.  Files are for the simulator and analyze:
 * the recorded edges stay the dependencies. */
static int add_files(wf_t *w, hf_set_t *set, const json_t *spec)
{
    if (w->version >= 15) {
        for (int side = 0; side < 2; side++) {
            const json_t *ids =
                json_object_get(spec, side ? "outputFiles" : "inputFiles");
            for (size_t i = 0; i < json_array_size(ids); i++) {
                const char *id = json_string_value(json_array_get(ids, i));
                int k = id ? strmap_get(&w->file_by_id, id) : -1;
                if (id && add_file(set, !side, id,
                                   k >= 0 ? size_of(json_array_get(w->files, (size_t)k))
                                          : -1) < 0)
                    return -1;
            }
        }
        return 0;
    }
    const json_t *files = json_object_get(spec, "files");
    for (size_t i = 0; i < json_array_size(files); i++) {
        const json_t *f = json_array_get(files, i);
        const char *link = json_string_value(json_object_get(f, "link"));
        const char *name = json_string_value(json_object_get(f, "name"));
        if (!name)
            name = json_string_value(json_object_get(f, "id"));
        if (name && link &&
            add_file(set, strcmp(link, "input") == 0, name, size_of(f)) < 0)
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
            return fail_at(w, t->key, NULL, "task '%s': %s", t->key, why);
        if (!(set = hf_workflow_add_set(wf, t->set, t->mark, w->err)))
            return -1;
        set->cores = t->cores;
        set->gpus = t->gpus;
        set->duration_mean = t->runtime;
        if (stand_in(set, t->runtime) < 0 || add_files(w, set, t->spec) < 0)
            return -1;
    }
    return each_edge(w, add_task_edge, wf);
}

typedef struct {
    hf_workflow_t *wf;
    strmap_t *set_of_cat;
} cat_ctx_t;

static int add_category_edge(wf_t *w, size_t parent, size_t child, void *arg)
{
    hf_workflow_t *wf = arg;
    const char *p = w->tasks[parent].category, *c = w->tasks[child].category;
    hf_set_t *set = hf_workflow_set_mut(wf, hf_workflow_find_set(wf, c));

    if (strcmp(p, c) == 0)
        return fail_at(
            w, w->tasks[child].key, NULL,
            "--group-by category: task '%s' depends on '%s' of its own category "
            "'%s'",
            w->tasks[child].key, w->tasks[parent].key, c);
    for (int k = 0; k < set->nafter; k++)
        if (strcmp(set->after[k].parent_name, p) == 0)
            return 0;
    return hf_workflow_add_dep(wf, set, p, HF_MAP_ALL, (hf_mark_t){0, 0}) ? 0 : -1;
}

/* A set per category: its tasks' count, the most cores and GPUs any asks,
 * their runtimes' mean and standard deviation; an edge between categories
 * where any of their tasks had one. */
static int build_per_category(wf_t *w, hf_workflow_t *wf)
{
    for (size_t i = 0; i < w->n; i++) {
        const wtask_t *t = &w->tasks[i];
        const char *name = t->category;
        hf_set_t *set;
        int s;
        if ((s = hf_workflow_find_set(wf, name)) >= 0) {
            set = hf_workflow_set_mut(wf, s);
            set->tasks++;
        } else {
            char why[200];
            if (hf_set_name_check(name, why, sizeof(why)) < 0)
                return fail_at(w, t->key, NULL, "category of '%s': %s", t->key, why);
            if (!(set = hf_workflow_add_set(wf, name, (hf_mark_t){0, 0}, w->err)))
                return -1;
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
        if (stand_in(set, mean) < 0)
            return -1;
    }
    return each_edge(w, add_category_edge, wf);
}

bool hf_wfformat_detect(const char *text, size_t len, json_t **root)
{
    size_t i = 0;
    json_t *r;

    *root = NULL;
    while (i < len && isspace((unsigned char)text[i]))
        i++;
    if (i == len || text[i] != '{')
        return false;
    if (!(r = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL)))
        return false; /* the YAML loader reports what is wrong with it */
    if (!json_is_object(r) || !json_object_get(r, "workflow") ||
        !json_object_get(r, "schemaVersion") || json_object_get(r, "sets")) {
        json_decref(r);
        return false;
    }
    *root = r;
    return true;
}

hf_workflow_t *hf_wfformat_load(const char *path, const char *text, size_t len,
                                json_t *root, int flags, hf_error_t *err)
{
    wf_t w = {.path = path, .text = text, .len = len, .err = err};
    const char *version = json_string_value(json_object_get(root, "schemaVersion"));
    const char *name = json_string_value(json_object_get(root, "name"));
    hf_workflow_t *wf = NULL;

    strmap_init(&w.by_key);
    strmap_init(&w.file_by_id);
    w.version = parse_version(version);
    if (w.version < 10 || w.version > 16) {
        fail_at(&w, version, NULL,
                "WfFormat schemaVersion '%s' is not one this reads (1.0 to 1.6)",
                version ? version : "?");
        goto done;
    }
    if (read_tasks(&w, root) < 0)
        goto done;
    w.files = json_object_get(
        json_object_get(json_object_get(root, "workflow"), "specification"), "files");
    for (size_t i = 0; i < json_array_size(w.files); i++) {
        const char *id =
            json_string_value(json_object_get(json_array_get(w.files, i), "id"));
        if (id && strmap_put(&w.file_by_id, id, (int)i) < 0) {
            hf_error_set(err, "out of memory");
            goto done;
        }
    }
    place_tasks(&w);
    if (!(wf = hf_workflow_create(name && *name ? name : "wfformat", path))) {
        hf_error_set(err, "out of memory");
        goto done;
    }
    hf_workflow_set_recorded(wf); /* files as recorded, writers and all */
    if ((flags & HF_LOAD_GROUP_BY_CATEGORY ? build_per_category(&w, wf)
                                           : build_per_task(&w, wf)) < 0 ||
        hf_workflow_finish(wf, err) < 0 || hf_workflow_set_text(wf, text, len) < 0) {
        if (errno == ENOMEM && err && !err->text[0])
            hf_error_set(err, "out of memory");
        hf_workflow_destroy(wf);
        wf = NULL;
    }
done:
    for (size_t i = 0; w.tasks && i < w.n; i++) {
        free(w.tasks[i].set);
        free(w.tasks[i].category);
    }
    free(w.tasks);
    strmap_fini(&w.by_key);
    strmap_fini(&w.file_by_id);
    return wf;
}

/* The workflow built from the WfFormat records once the text is read
 * (wfformat_read.h): a set per task, a `sleep` of its runtime as its
 * stand-in, its cores, GPUs and files, and the recorded edges; or, grouped
 * by category, a set per category.  Names are data: sets and files are
 * made literal, with no placeholders read in them. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "wfformat_read.h"

/* The array *arr of n elements without room to spare. */
static void shrink(void *arr, size_t n, size_t elem)
{
    void *less = n ? realloc(*(void **)arr, n * elem) : NULL;

    if (less)
        *(void **)arr = less;
}

/* What the walk needed and the build does not, before the sets take their
 * room: the maps (names are indices now), the execution records, the
 * arrays' room to grow. */
void wfr_trim(wf_t *w)
{
    strmap_fini(&w->names.map);
    strmap_fini(&w->files.map);
    strmap_fini(&w->cats.map);
    free(w->runs);
    free(w->bads);
    w->runs = NULL;
    w->bads = NULL;
    w->nruns = w->nbads = 0;
    shrink(&w->tasks, w->ntasks, sizeof(wtask_t));
    shrink(&w->refs, w->nrefs, sizeof(ref_t));
    shrink(&w->names.v, w->names.n, sizeof(name_t));
}

/* A set name from a task's key: '/' (allowed in WfFormat ids) and
 * whitespace become '_'; the key itself when it has neither. */
static char *set_name_of(const char *key)
{
    char *s;

    if (!strpbrk(key, "/ \t\n\v\f\r"))
        return (char *)key;
    if ((s = strdup(key)))
        for (char *p = s; *p; p++)
            if (*p == '/' || isspace((unsigned char)*p))
                *p = '_';
    return s;
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

/* One of a task's files, named and sized as recorded (-1: no size): a
 * literal path, which no placeholder is read in; path is taken. */
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
    more[(*n)++] = (hf_file_t){
        .path = path, .mark = set->mark, .size = size, .producer = -1, .literal = true};
    return 0;
}

/* The task's files with their sizes: 1.5+ lists ids (inputFiles,
 * outputFiles) sized in specification.files; earlier versions a `files`
 * list of {link, name, size}.  Files are for the simulator and analyze:
 * the recorded edges stay the dependencies. */
static int add_files(const wf_t *w, hf_set_t *set, const wtask_t *t)
{
    for (uint32_t k = t->files; k < t->files + t->nfiles; k++) {
        const fref_t *f = &w->frefs[k];
        const name_t *file = &w->files.v[f->file];
        if (add_file(set, f->input, strdup(file->s),
                     w->version >= 15 ? file->size : f->size) < 0)
            return -1;
    }
    return 0;
}

/* Every edge, from the parents lists and the children lists alike (some
 * files give only one), as (parent, child) task indices with the place of
 * the name; a name no task has is an error. */
typedef int (*edge_f)(wf_t *w, size_t parent, size_t child, const ref_t *ref, void *arg);

static int each_edge(wf_t *w, edge_f cb, void *arg)
{
    for (size_t i = 0; i < w->ntasks; i++) {
        const wtask_t *t = &w->tasks[i];
        for (int side = 0; side < 2; side++) {
            uint32_t from = side ? t->children : t->parents;
            uint32_t n = side ? t->nchildren : t->nparents;
            /* Indexed: with no edges at all refs is NULL, and NULL + 0 is
             * undefined (UBSan, under the fuzzer). */
            for (uint32_t k = 0; k < n; k++) {
                const ref_t *ref = &w->refs[from + k];
                int32_t j = ref->name == NONE ? -1 : w->names.v[ref->name].task;
                if (j < 0)
                    return wfr_fail_mark(w, ref->mark, "task '%s' names unknown %s '%s'",
                                         w->names.v[t->key].s, side ? "child" : "parent",
                                         ref->name == NONE ? "?"
                                                           : w->names.v[ref->name].s);
                if (cb(w, side ? i : (size_t)j, side ? (size_t)j : i, ref, arg) < 0)
                    return -1;
            }
        }
    }
    return 0;
}

/* An edge to set `child` from set `parent`, once: the same edge comes
 * from both sides (the dependency's parent index is the one
 * hf_workflow_finish() sets again). */
static int add_edge(wf_t *w, hf_workflow_t *wf, int child, int parent, hf_mark_t mark)
{
    hf_set_t *set = hf_workflow_get_set_mut(wf, child);
    hf_dep_t *dep;

    for (int k = 0; k < set->nafter; k++)
        if (set->after[k].parent == parent)
            return 0;
    if (!(dep = hf_workflow_add_dep(wf, set, hf_workflow_get_set(wf, parent)->name,
                                    HF_MAP_ALL, mark)))
        return wfr_nomem(w);
    dep->parent = parent;
    return 0;
}

/* Sets are added in the tasks' order: task i's set is set i. */
static int add_task_edge(wf_t *w, size_t parent, size_t child, const ref_t *ref,
                         void *arg)
{
    if (parent == child)
        return wfr_fail_mark(w, ref->mark, "task '%s' depends on itself",
                             w->names.v[w->tasks[child].key].s);
    return add_edge(w, arg, (int)child, (int)parent, ref->mark);
}

/* A set per task. */
static int build_per_task(wf_t *w, hf_workflow_t *wf)
{
    for (size_t i = 0; i < w->ntasks; i++) {
        const wtask_t *t = &w->tasks[i];
        const char *key = w->names.v[t->key].s;
        char why[200], *name = set_name_of(key);
        hf_set_t *set;
        if (!name)
            return wfr_nomem(w);
        if (hf_set_name_check(name, why, sizeof(why)) < 0) {
            if (name != key)
                free(name);
            return wfr_fail_mark(w, t->mark, "task '%s': %s", key, why);
        }
        set = set_index_add(wf, name, t->mark, true, w->err); /* a name as recorded */
        if (name != key)
            free(name);
        if (!set)
            return w->failed = true, -1;
        set->cores = t->cores;
        set->gpus = t->gpus;
        set->duration_mean = t->runtime;
        if (stand_in(set, t->runtime) < 0 || add_files(w, set, t) < 0)
            return wfr_nomem(w);
    }
    return each_edge(w, add_task_edge, wf);
}

static int add_category_edge(wf_t *w, size_t parent, size_t child, const ref_t *ref,
                             void *arg)
{
    const name_t *p = &w->cats.v[w->tasks[parent].category];
    const name_t *c = &w->cats.v[w->tasks[child].category];

    if (p == c)
        return wfr_fail_mark(
            w, ref->mark,
            "--group-by category: task '%s' depends on '%s' of its own category '%s'",
            w->names.v[w->tasks[child].key].s, w->names.v[w->tasks[parent].key].s, c->s);
    return add_edge(w, arg, c->task, p->task, ref->mark);
}

/* A set per category: its tasks' count, the most cores and GPUs any asks,
 * their runtimes' mean and standard deviation; an edge between categories
 * where any of their tasks had one. */
static int build_per_category(wf_t *w, hf_workflow_t *wf)
{
    for (size_t i = 0; i < w->ntasks; i++) {
        const wtask_t *t = &w->tasks[i];
        name_t *cat = &w->cats.v[t->category];
        hf_set_t *set;
        if (cat->task >= 0) {
            set = hf_workflow_get_set_mut(wf, cat->task);
            set->tasks++;
        } else {
            char why[200];
            if (hf_set_name_check(cat->s, why, sizeof(why)) < 0)
                return wfr_fail_mark(w, t->mark, "category of '%s': %s",
                                     w->names.v[t->key].s, why);
            if (!(set = set_index_add(wf, cat->s, t->mark, true, w->err)))
                return w->failed = true, -1;
            cat->task = hf_workflow_nsets(wf) - 1;
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
        hf_set_t *set = hf_workflow_get_set_mut(wf, s);
        double n = (double)set->tasks, mean = set->duration_mean / n;
        double var = set->duration_stddev / n - mean * mean;
        set->duration_mean = mean;
        set->duration_stddev = var > 0 ? sqrt(var) : 0;
        if (stand_in(set, mean) < 0)
            return wfr_nomem(w);
    }
    return each_edge(w, add_category_edge, wf);
}

/* A set per task, or with --group-by category a set per category. */
int wfr_build(wf_t *w, hf_workflow_t *wf)
{
    return w->flags & HF_LOAD_GROUP_BY_CATEGORY ? build_per_category(w, wf)
                                                : build_per_task(w, wf);
}

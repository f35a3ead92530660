/* A workflow's files: which set writes what another reads, dependencies
 * derived from that, and the paths of a task's files.
 *
 * Files are matched by their path as written with {iter} replaced (the
 * key; a literal file's key is its path): a reader's {index} template
 * matches the same template of a writer (one-to-one when both sets have as
 * many tasks), its {all} that template with {index}, and a path without
 * placeholders a writer's such path or a writer's template of which it is
 * an instance (hetflow/template.h).  A map from key to writer makes
 * linking O(files), as WfFormat instances have a set per task. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "hetflow/template.h"
#include "util/grow.h"
#include "util/strmap.h"

typedef struct {
    const hf_set_t *set;
    int id; /* its index in the workflow (the appended set: nsets) */
    const hf_file_t *file;
} writer_t;

typedef struct {
    strmap_t by_key;
    char **keys;
    writer_t *writers;
    size_t n, cap;
    size_t *templates; /* writers whose key is a template with {index} */
    size_t ntemplates, templates_cap;
} index_t;

/* f's key: its path with {iter} replaced, {index} and {all} as written (a
 * literal file's path as it is).  A new string, or NULL with ENOMEM. */
static char *file_key(const hf_file_t *f, const hf_set_t *set, hf_template_place_t place)
{
    return hf_template_expand(
        f->path, place,
        &(hf_template_values_t){.have = f->literal ? 0 : HF_TEMPLATE_ITER,
                                .iter = set->iter});
}

static void index_fini(index_t *ix)
{
    for (size_t i = 0; i < ix->n; i++)
        free(ix->keys[i]);
    free(ix->keys);
    free(ix->writers);
    free(ix->templates);
    strmap_fini(&ix->by_key);
}

static int index_add(index_t *ix, const hf_workflow_t *wf, const hf_set_t *set, int id,
                     const hf_file_t *f, hf_error_t *err)
{
    const char *file = hf_workflow_file(wf);
    char *key = file_key(f, set, HF_TEMPLATE_OUTPUT);
    size_t old = ix->cap;
    int other;

    /* The writers grow with the keys, and only when they do: growing them
     * to the capacity on every add cleared its unused part each time. */
    if (!key || grow_room((void **)&ix->keys, &ix->cap, ix->n + 1, sizeof(char *)) < 0 ||
        (ix->cap != old &&
         grow_to((void **)&ix->writers, old, ix->cap, sizeof(writer_t)) < 0))
        goto nomem;
    if ((other = strmap_get(&ix->by_key, key)) >= 0 && hf_workflow_recorded(wf)) {
        free(key); /* as recorded: the first writer counts */
        return 0;
    }
    if (other >= 0) {
        hf_error_at(err, file, f->mark.line, f->mark.col,
                    "file '%s' is written by set '%s' and by set '%s' (line %d)", key,
                    set->name, ix->writers[other].set->name,
                    ix->writers[other].file->mark.line);
        free(key);
        errno = EINVAL;
        return -1;
    }
    if (!f->literal && hf_template_has(key, HF_TEMPLATE_INDEX)) {
        if (grow_room((void **)&ix->templates, &ix->templates_cap, ix->ntemplates + 1,
                      sizeof(size_t)) < 0)
            goto nomem;
        ix->templates[ix->ntemplates++] = ix->n;
    }
    ix->keys[ix->n] = key;
    ix->writers[ix->n] = (writer_t){set, id, f};
    if (strmap_put(&ix->by_key, key, (int)ix->n++) < 0)
        goto nomem_kept;
    return 0;
nomem:
    free(key);
nomem_kept:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return -1;
}

static int index_set(index_t *ix, const hf_workflow_t *wf, const hf_set_t *set, int id,
                     hf_error_t *err)
{
    for (int k = 0; k < set->noutputs; k++)
        if (index_add(ix, wf, set, id, &set->outputs[k], err) < 0)
            return -1;
    return 0;
}

/* The writer of input f of `set` by its key `key`, or NULL; *map gets how
 * the reader depends on it; for an {all}, *fixed the key it reads each
 * file of (NULL with ENOMEM). */
static const writer_t *find_writer(const index_t *ix, const hf_set_t *set,
                                   const hf_file_t *f, const char *key, hf_map_t *map,
                                   char **fixed)
{
    int w;

    *map = HF_MAP_ALL;
    if (!f->literal && hf_template_has(key, HF_TEMPLATE_ALL)) {
        if (!(*fixed = hf_template_all_as_index(key)))
            return NULL;
        w = strmap_get(&ix->by_key, *fixed);
        return w >= 0 ? &ix->writers[w] : NULL;
    }
    if ((w = strmap_get(&ix->by_key, key)) >= 0) {
        if (!f->literal && hf_template_has(key, HF_TEMPLATE_INDEX) &&
            ix->writers[w].set->tasks == set->tasks)
            *map = HF_MAP_ONE_TO_ONE;
        return &ix->writers[w];
    }
    if (!f->literal && hf_template_has(key, HF_TEMPLATE_INDEX))
        return NULL; /* a template matches only the same template */
    for (size_t i = 0; i < ix->ntemplates; i++) {
        const writer_t *wr = &ix->writers[ix->templates[i]];
        long v = hf_template_match(ix->keys[ix->templates[i]], HF_TEMPLATE_INDEX, key);
        if (v >= 0 && v < wr->set->tasks)
            return wr;
    }
    return NULL;
}

/* Depend on `writer` (once: on the whole writer if any input says so). */
static int add_dep(hf_workflow_t *wf, hf_set_t *set, int nexplicit, const char *writer,
                   hf_map_t map, hf_mark_t mark)
{
    for (int j = nexplicit; j < set->nafter; j++) {
        if (strcmp(set->after[j].parent_name, writer) == 0) {
            if (map == HF_MAP_ALL)
                set->after[j].map = HF_MAP_ALL;
            return 0;
        }
    }
    return hf_workflow_add_dep(wf, set, writer, map, mark) ? 0 : -1;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

/* A staged task's files meet in one scratch directory under their base
 * names, so those must differ. */
static int check_base_names(const char *file, const hf_set_t *set, hf_error_t *err)
{
    int n = (set->stage.in != HF_STAGE_NONE ? set->ninputs : 0) +
            (set->stage.out != HF_STAGE_NONE ? set->noutputs : 0);

    if (set->stage.in == HF_STAGE_NONE && set->stage.out == HF_STAGE_NONE)
        return 0;
    if (set->function || set->service) {
        hf_error_at(err, file, set->mark.line, set->mark.col,
                    "set '%s': a %s does not stage files (its tasks run inside workers "
                    "or serve others)",
                    set->name, set->function ? "function set" : "service");
        errno = EINVAL;
        return -1;
    }
    for (int a = 0; a < set->ninputs + set->noutputs; a++) {
        const hf_file_t *fa =
            a < set->ninputs ? &set->inputs[a] : &set->outputs[a - set->ninputs];
        for (int b = 0; b < a && n > 1; b++) {
            const hf_file_t *fb =
                b < set->ninputs ? &set->inputs[b] : &set->outputs[b - set->ninputs];
            if (strcmp(base_name(fa->path), base_name(fb->path)) == 0) {
                hf_error_at(err, file, fa->mark.line, fa->mark.col,
                            "set '%s' stages '%s' and '%s', whose names are the same in "
                            "its scratch directory",
                            set->name, fb->path, fa->path);
                errno = EINVAL;
                return -1;
            }
        }
    }
    return 0;
}

static int link_set(hf_workflow_t *wf, const index_t *ix, hf_set_t *set, hf_error_t *err)
{
    const char *file = hf_workflow_file(wf);
    int nexplicit = set->nafter;

    if (check_base_names(file, set, err) < 0)
        return -1;
    for (int k = 0; k < set->ninputs; k++) {
        hf_file_t *f = &set->inputs[k];
        char *key = file_key(f, set, HF_TEMPLATE_INPUT), *fixed = NULL;
        const writer_t *w = NULL;
        hf_map_t map;
        int rc = 0;
        bool all = !f->literal && key && hf_template_has(key, HF_TEMPLATE_ALL);
        if (key)
            w = find_writer(ix, set, f, key, &map, &fixed);
        if (!key || (all && !fixed)) {
            hf_error_set(err, "out of memory");
            rc = -1;
        } else if (all && !w) {
            hf_error_at(err, file, f->mark.line, f->mark.col,
                        "set '%s' reads '%s', but no set writes '%s'", set->name, key,
                        fixed);
            errno = EINVAL;
            rc = -1;
        } else if (w && w->set != set) {
            f->producer = w->id;
            if (f->size < 0)
                f->size = w->file->size;
            if (nexplicit == 0 &&
                add_dep(wf, set, nexplicit, w->set->name, map, f->mark) < 0) {
                hf_error_set(err, "out of memory");
                rc = -1;
            }
        }
        free(key);
        free(fixed);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int files_link(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    int n = hf_workflow_nsets(wf);
    index_t ix = {0};
    int rc = 0;

    /* A set added while running (a repeat's copy) that names no file has
     * nothing to link: the index of every set's files is built anew for
     * each added set, so a loop of thousands of iterations was quadratic. */
    if (set && set->ninputs == 0 && set->noutputs == 0)
        return 0;
    strmap_init(&ix.by_key);
    for (int i = 0; i < n && rc == 0; i++)
        rc = index_set(&ix, wf, hf_workflow_get_set(wf, i), i, err);
    if (rc == 0 && set)
        rc = index_set(&ix, wf, set, n, err);
    if (rc == 0 && set)
        rc = link_set(wf, &ix, set, err);
    for (int i = 0; i < n && rc == 0 && !set; i++)
        rc = link_set(wf, &ix, hf_workflow_get_set_mut(wf, i), err);
    index_fini(&ix);
    return rc;
}

int hf_file_path(const hf_workflow_t *wf, const hf_set_t *set, const hf_file_t *f,
                 uint32_t index, uint32_t k, char *out, size_t len)
{
    hf_template_values_t v = {
        f->literal ? 0 : HF_TEMPLATE_INDEX | HF_TEMPLATE_ITER | HF_TEMPLATE_ALL, index,
        set->iter, NULL, k};

    (void)wf;
    if (hf_template_write(out, len, f->path, HF_TEMPLATE_INPUT, &v) >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

long hf_file_count(const hf_workflow_t *wf, const hf_file_t *f)
{
    if (f->producer >= 0 && !f->literal && hf_template_has(f->path, HF_TEMPLATE_ALL))
        return hf_workflow_get_set(wf, f->producer)->tasks;
    return 1;
}

double hf_set_bytes(const hf_workflow_t *wf, const hf_set_t *set, bool inputs,
                    long *unknown)
{
    const hf_file_t *files = inputs ? set->inputs : set->outputs;
    int n = inputs ? set->ninputs : set->noutputs;
    double bytes = 0;

    for (int i = 0; i < n; i++) {
        if (files[i].size >= 0)
            bytes += files[i].size * (double)hf_file_count(wf, &files[i]);
        else if (unknown)
            ++*unknown;
    }
    return bytes;
}

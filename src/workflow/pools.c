/* Function sets' pools of workers: what a function set may be, whose
 * workers it may share, and the pool each one that does not share gets at
 * finish.  A pool is not a set: the DAG, the analysis and the counts see
 * the user's sets only; the engine runs a pool's workers as a group of its
 * own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util/fs.h"
#include "util/str.h"

char *hf_set_pool_name(const hf_set_t *set)
{
    const char *owner = set->workers.share ? set->workers.share : set->name;
    char *name = malloc(strlen(owner) + sizeof(".workers"));

    if (name)
        sprintf(name, "%s.workers", owner);
    return name;
}

static bool same_function(const hf_function_t *a, const hf_function_t *b)
{
    if (a->python || b->python)
        return a->python && b->python && strcmp(a->python, b->python) == 0;
    return strcmp(a->library, b->library) == 0 && strcmp(a->symbol, b->symbol) == 0;
}

/* Workers run one program: sets sharing them name the same (or none). */
static bool same_interpreter(const hf_function_t *a, const hf_function_t *b)
{
    return a->interpreter && b->interpreter ? strcmp(a->interpreter, b->interpreter) == 0
                                            : a->interpreter == b->interpreter;
}

char *hf_function_program(const hf_function_t *f)
{
    return f->interpreter ? strdup(f->interpreter) : fs_which("python3");
}

/* What a function set may not be, and whose workers it may share. */
int pools_check(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    char hint[STR_NEAR_HINT];
    const char *why = NULL;
    int owner = 0;

    if (!set->function) {
        why = set->workers.count || set->workers.share ? "'workers' without a 'function'"
              : set->args                              ? "'args' without a 'function'"
                                                       : NULL;
    } else if (set->argv || set->shell) {
        why = "both a 'command' and a 'function'";
    } else if (set->service) {
        why = "a 'function' on a service";
    } else if (set->ranks > 1) {
        why = "a 'function' with more than one rank";
    } else if (!set->workers.share) {
        if (set->workers.count == 0)
            set->workers.count = 1;
        if (set->workers.window == 0)
            set->workers.window = HF_WORKERS_WINDOW;
    } else {
        owner = hf_workflow_find_set(wf, set->workers.share);
        why = owner < 0                ? "workers of an unknown set"
              : wf->sets[owner] == set ? "workers of its own name"
              : !wf->sets[owner]->function || wf->sets[owner]->workers.share
                  ? "workers of a set that has no pool"
              : !same_function(set->function, wf->sets[owner]->function)
                  ? "the workers of a set with another function"
              : !same_interpreter(set->function, wf->sets[owner]->function)
                  ? "the workers of a set with another interpreter"
                  : NULL;
        if (!why) { /* its calls run on those workers' cores */
            set->cores = wf->sets[owner]->cores;
            set->gpus = wf->sets[owner]->gpus;
        }
    }
    if (why && owner < 0) /* a misspelt name, perhaps */
        hf_error_at(err, wf->file, set->mark.line, set->mark.col,
                    "set '%s' has %s '%s'%s", set->name, why, set->workers.share,
                    hf_workflow_near_set(wf, set->workers.share, hint, sizeof(hint)));
    else if (why)
        hf_error_at(err, wf->file, set->mark.line, set->mark.col, "set '%s' has %s",
                    set->name, why);
    if (why) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int hf_workflow_find_pool(const hf_workflow_t *wf, const char *name)
{
    for (int p = 0; name && p < wf->npools; p++)
        if (strcmp(wf->pools[p].name, name) == 0)
            return p;
    return -1;
}

/* The pool of function set fn (set index i).  Its name is the workers'
 * folder in the workdir, and no set may take it. */
static int add_pool(hf_workflow_t *wf, int i, hf_error_t *err)
{
    hf_set_t *fn = wf->sets[i];
    char *name = hf_set_pool_name(fn);
    hf_pool_t *pools =
        name ? realloc(wf->pools, (size_t)(wf->npools + 1) * sizeof(*pools)) : NULL;
    int taken;

    if (!pools) {
        free(name);
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    wf->pools = pools;
    if ((taken = hf_workflow_find_set(wf, name)) >= 0) {
        hf_error_at(err, wf->file, fn->mark.line, fn->mark.col,
                    "duplicate set name '%s' (first at line %d)", name,
                    wf->sets[taken]->mark.line);
        free(name);
        errno = EEXIST;
        return -1;
    }
    pools[wf->npools++] = (hf_pool_t){.name = name,
                                      .owner = i,
                                      .size = fn->workers.count,
                                      .window = fn->workers.window,
                                      .cores = fn->cores,
                                      .gpus = fn->gpus,
                                      .function = fn->function,
                                      .env = fn->env};
    return 0;
}

int pools_add(hf_workflow_t *wf, hf_error_t *err)
{
    int n = wf->nsets;

    for (int i = 0; i < n; i++)
        if (pools_check(wf, wf->sets[i], err) < 0)
            return -1;
    for (int i = 0; i < n; i++) {
        hf_set_t *set = wf->sets[i];
        if (!set->function || set->workers.share || set_state(set)->pool_added)
            continue;
        set_state(set)->pool_added = true; /* once, should finish be called again */
        if (add_pool(wf, i, err) < 0)
            return -1;
    }
    return 0;
}

int pools_resolve(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    set_state_t *st = set_state(set);
    char *name;

    st->pool = -1;
    if (!set->function)
        return 0;
    if (!(name = hf_set_pool_name(set))) {
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    st->pool = hf_workflow_find_pool(wf, name);
    free(name);
    return 0;
}

void pools_free(hf_workflow_t *wf)
{
    for (int p = 0; p < wf->npools; p++)
        free((char *)wf->pools[p].name);
    free(wf->pools);
}

int hf_set_pool(const hf_set_t *set)
{
    return set_state(set)->pool;
}

int hf_workflow_npools(const hf_workflow_t *wf)
{
    return wf->npools;
}

const hf_pool_t *hf_workflow_pool(const hf_workflow_t *wf, int i)
{
    return &wf->pools[i];
}

/* Function sets' pools of workers: what a function set may be, whose
 * workers it may share, and the pool each one that does not share gets at
 * finish. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
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

/* What a function set may not be, and whose workers it may share. */
int pools_check(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    char hint[STR_NEAR_HINT];
    const char *why = NULL;
    int owner = 0;

    if (set_state(set)->is_pool)
        return 0;
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

/* The pool of function set fn: a service set of its workers, which serve
 * while any set that calls into it has tasks left. */
static int add_pool(hf_workflow_t *wf, hf_set_t *fn, hf_error_t *err)
{
    char *name = hf_set_pool_name(fn);
    hf_set_t *pool;

    if (!name)
        goto nomem;
    pool = hf_workflow_add_set(wf, name, fn->mark, err);
    free(name);
    if (!pool)
        return -1;
    pool->tasks = fn->workers.count;
    pool->cores = fn->cores;
    pool->gpus = fn->gpus;
    pool->service = true;
    set_state(pool)->is_pool = true;
    pool->iter = fn->iter;
    pool->workers = fn->workers;
    if (!(pool->function = set_function_copy(fn->function)) ||
        set_dup_strv(&pool->env, fn->env) < 0)
        goto nomem;
    return 0;
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return -1;
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
        if (add_pool(wf, set, err) < 0)
            return -1;
    }
    return 0;
}

int pools_resolve(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    set_state_t *st = set_state(set);
    char *name;

    st->pool = -1;
    if (!set->function || st->is_pool)
        return 0;
    if (!(name = hf_set_pool_name(set))) {
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    /* Its calls wait for the pool as for a service it uses: the last use. */
    st->pool = st->uses[st->nuses++] = hf_workflow_find_set(wf, name);
    free(name);
    return 0;
}

bool hf_set_is_pool(const hf_set_t *set)
{
    return set_state(set)->is_pool;
}

int hf_set_pool(const hf_set_t *set)
{
    return set_state(set)->pool;
}

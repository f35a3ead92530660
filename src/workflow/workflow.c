/* The workflow model: sets, their dependencies by name, and the settings a
 * workflow file may carry (mode, policy, platform).  Loaders build a workflow
 * through the same calls a library user makes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "files.h"
#include "hetflow/journal.h"
#include "hetflow/template.h"
#include "hetflow/workflow.h"
#include "hetflow/workflow_rules.h"
#include "rules_check.h"
#include "util/str.h"
#include "util/strmap.h"

struct hf_workflow {
    char *name;
    char *file;
    hf_set_t **sets;
    int nsets;
    int cap;
    strmap_t by_name;
    uint32_t *first_task; /* nsets + 1 entries, after finish */
    bool has_mode, has_policy;
    hf_mode_t mode;
    hf_policy_t policy;
    hf_platform_t platform; /* fields -1 when not given */
    double walltime;
    int stage_concurrency; /* 0: not given */
    bool recorded;         /* read from a record of a run */
    char *text;            /* what it was loaded from */
    size_t text_len;
    hf_rule_t *rules;
    int nrules;
    bool finished;
};

static const char *const mode_names[] = {"sequential", "workload", "task"};
static const char *const policy_names[] = {"fifo", "critical-path", "heft", "tuned"};

hf_workflow_t *hf_workflow_create(const char *name, const char *file)
{
    hf_workflow_t *wf = calloc(1, sizeof(*wf));

    if (!wf)
        return NULL;
    strmap_init(&wf->by_name);
    wf->platform = (hf_platform_t){-1, -1, -1, 0, 0};
    wf->name = strdup(name ? name : "workflow");
    wf->file = file ? strdup(file) : NULL;
    if (!wf->name || (file && !wf->file)) {
        hf_workflow_destroy(wf);
        errno = ENOMEM;
        return NULL;
    }
    return wf;
}

static void free_strv(char **v)
{
    if (v) {
        for (char **p = v; *p; p++)
            free(*p);
        free(v);
    }
}

static void function_destroy(hf_function_t *f)
{
    if (f) {
        free(f->library);
        free(f->symbol);
        free(f->python);
        free(f);
    }
}

static hf_function_t *function_copy(const hf_function_t *from)
{
    hf_function_t *f = calloc(1, sizeof(*f));

    if (f && (!from->library || (f->library = strdup(from->library))) &&
        (!from->symbol || (f->symbol = strdup(from->symbol))) &&
        (!from->python || (f->python = strdup(from->python))))
        return f;
    function_destroy(f);
    return NULL;
}

static void files_destroy(hf_file_t *files, int n)
{
    for (int i = 0; i < n; i++)
        free(files[i].path);
    free(files);
}

/* A copy of n files, producers not yet known; NULL for none or ENOMEM. */
static hf_file_t *files_copy(const hf_file_t *from, int n)
{
    hf_file_t *files = n > 0 ? calloc((size_t)n, sizeof(*files)) : NULL;

    for (int i = 0; files && i < n; i++) {
        files[i] = from[i];
        files[i].producer = -1;
        if (!(files[i].path = strdup(from[i].path))) {
            files_destroy(files, i);
            return NULL;
        }
    }
    return files;
}

void hf_set_destroy(hf_set_t *set)
{
    if (!set)
        return;
    files_destroy(set->inputs, set->ninputs);
    files_destroy(set->outputs, set->noutputs);
    function_destroy(set->function);
    free(set->workers.share);
    free(set->args);
    free(set->name);
    free(set->name_template);
    free_strv(set->argv);
    free(set->shell);
    free_strv(set->env);
    for (int i = 0; i < set->nafter; i++)
        free(set->after[i].parent_name);
    free(set->after);
    free(set->pipeline);
    for (int i = 0; i < set->nresults; i++)
        free(set->results[i].key);
    free(set->results);
    for (int i = 0; i < set->nuses; i++)
        free(set->uses_names[i]);
    free(set->uses_names);
    free(set->uses);
    free(set);
}

static void cond_fini(hf_cond_t *c)
{
    free(c->text);
    expr_free(c->parsed);
}

static void rule_fini(hf_rule_t *r)
{
    free(r->set_name);
    cond_fini(&r->result);
    for (int i = 0; i < r->nactions; i++) {
        hf_action_t *a = &r->actions[i];
        free(a->set_name);
        for (int k = 0; k < a->ngroup; k++)
            free(a->group_names[k]);
        free(a->group_names);
        free(a->group_marks);
        free(a->group);
        cond_fini(&a->until);
    }
    free(r->actions);
}

void hf_workflow_destroy(hf_workflow_t *wf)
{
    int saved = errno;

    if (!wf)
        return;
    for (int i = 0; i < wf->nsets; i++)
        hf_set_destroy(wf->sets[i]);
    free(wf->sets);
    for (int i = 0; i < wf->nrules; i++)
        rule_fini(&wf->rules[i]);
    free(wf->rules);
    strmap_fini(&wf->by_name);
    free(wf->first_task);
    free(wf->name);
    free(wf->file);
    free(wf->text);
    free(wf);
    errno = saved;
}

/* A set name template's iteration iter: a new string, or NULL with ENOMEM. */
static char *iter_name(const char *tmpl, int iter)
{
    return hf_template_expand(
        tmpl, HF_TEMPLATE_NAME,
        &(hf_template_values_t){.have = HF_TEMPLATE_ITER, .iter = iter});
}

char *hf_set_iter_name(const hf_set_t *set, int iter)
{
    char *name;

    if (set->name_template)
        return iter_name(set->name_template, iter);
    if (iter == 0)
        return strdup(set->name);
    if ((name = malloc(strlen(set->name) + 16)))
        sprintf(name, "%s.%d", set->name, iter);
    return name;
}

hf_set_t *hf_set_create(const char *name)
{
    hf_set_t *set = calloc(1, sizeof(*set));

    if (!set)
        return NULL;
    if (strstr(name, "{iter}")) {
        /* The file's sets are iteration 0 of any repeat. */
        set->name_template = strdup(name);
        set->name = iter_name(name, 0);
    } else {
        set->name = strdup(name);
    }
    if (!set->name || (strstr(name, "{iter}") && !set->name_template)) {
        hf_set_destroy(set);
        return NULL;
    }
    set->tasks = 1;
    set->cores = 1;
    set->ranks = 1;
    set->pool = -1;
    return set;
}

static int dup_strv(char ***out, char *const *v)
{
    size_t n = 0;

    *out = NULL;
    if (!v)
        return 0;
    while (v[n])
        n++;
    if (!(*out = calloc(n + 1, sizeof(char *))))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!((*out)[i] = strdup(v[i])))
            return -1;
    return 0;
}

hf_set_t *hf_set_copy(const hf_set_t *from, const char *name)
{
    hf_set_t *set = hf_set_create(name);
    bool ok;

    if (!set)
        return NULL;
    set->mark = from->mark;
    set->tasks = from->tasks;
    set->cores = from->cores;
    set->gpus = from->gpus;
    set->ranks = from->ranks;
    set->duration_mean = from->duration_mean;
    set->duration_stddev = from->duration_stddev;
    set->priority = from->priority;
    set->retries = from->retries;
    set->backoff = from->backoff;
    set->timeout = from->timeout;
    set->on_failure = from->on_failure;
    set->start_on_rule = from->start_on_rule;
    set->service = from->service;
    set->iter = from->iter;
    free(set->name_template);
    set->name_template = NULL;
    if (from->nuses > 0) {
        if (!(set->uses_names = calloc((size_t)from->nuses, sizeof(char *)))) {
            hf_set_destroy(set);
            return NULL;
        }
        for (int i = 0; i < from->nuses; i++, set->nuses++)
            if (!(set->uses_names[i] = strdup(from->uses_names[i]))) {
                hf_set_destroy(set);
                return NULL;
            }
    }
    set->workers = from->workers;
    set->workers.share = NULL;
    set->stage = from->stage;
    if ((from->ninputs > 0 && !(set->inputs = files_copy(from->inputs, from->ninputs))) ||
        (from->noutputs > 0 &&
         !(set->outputs = files_copy(from->outputs, from->noutputs)))) {
        hf_set_destroy(set);
        return NULL;
    }
    set->ninputs = from->ninputs;
    set->noutputs = from->noutputs;
    ok = dup_strv(&set->argv, from->argv) == 0 && dup_strv(&set->env, from->env) == 0 &&
         (!from->function || (set->function = function_copy(from->function))) &&
         (!from->workers.share || (set->workers.share = strdup(from->workers.share))) &&
         (!from->args || (set->args = strdup(from->args))) &&
         (!from->shell || (set->shell = strdup(from->shell))) &&
         (!from->name_template || (set->name_template = strdup(from->name_template))) &&
         (!from->pipeline || (set->pipeline = strdup(from->pipeline)));
    if (ok && from->nresults > 0) {
        ok = (set->results = calloc((size_t)from->nresults, sizeof(*set->results)));
        for (int i = 0; ok && i < from->nresults; i++) {
            set->results[i] = from->results[i];
            ok = (set->results[i].key = strdup(from->results[i].key));
            set->nresults = i + 1;
        }
    }
    if (!ok) {
        hf_set_destroy(set);
        return NULL;
    }
    return set;
}

/* Put set into wf under its name.  Returns 0, or -1 with EEXIST or ENOMEM
 * (the set still the caller's). */
static int put_set(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    int other = strmap_get(&wf->by_name, set->name);

    if (other >= 0) {
        hf_error_at(err, wf->file, set->mark.line, set->mark.col,
                    "duplicate set name '%s' (first at line %d)", set->name,
                    wf->sets[other]->mark.line);
        errno = EEXIST;
        return -1;
    }
    if (wf->nsets == wf->cap) {
        int cap = wf->cap ? wf->cap * 2 : 16;
        hf_set_t **sets = realloc(wf->sets, (size_t)cap * sizeof(*sets));
        if (!sets)
            goto nomem;
        wf->sets = sets;
        wf->cap = cap;
    }
    if (strmap_put(&wf->by_name, set->name, wf->nsets) < 0)
        goto nomem;
    wf->sets[wf->nsets++] = set;
    return 0;
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return -1;
}

hf_set_t *hf_workflow_add_set(hf_workflow_t *wf, const char *name, hf_mark_t mark,
                              hf_error_t *err)
{
    hf_set_t *set = hf_set_create(name);

    if (!set) {
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return NULL;
    }
    set->mark = mark;
    if (put_set(wf, set, err) < 0) {
        hf_set_destroy(set);
        return NULL;
    }
    return set;
}

hf_dep_t *hf_workflow_add_dep(hf_workflow_t *wf, hf_set_t *set, const char *parent,
                              hf_map_t map, hf_mark_t mark)
{
    hf_dep_t *after;
    char *copy = strdup(parent);

    (void)wf;
    after = copy ? realloc(set->after, (size_t)(set->nafter + 1) * sizeof(*after)) : NULL;
    if (!after) {
        free(copy);
        errno = ENOMEM;
        return NULL;
    }
    set->after = after;
    after[set->nafter] =
        (hf_dep_t){.parent_name = copy, .parent = -1, .map = map, .mark = mark};
    return &after[set->nafter++];
}

/* The services a set uses: known sets marked `service: true`. */
static int resolve_uses(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    free(set->uses);
    set->uses = NULL;
    if (set->nuses == 0)
        return 0;
    if (!(set->uses = malloc((size_t)set->nuses * sizeof(int)))) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    for (int i = 0; i < set->nuses; i++) {
        char hint[STR_NEAR_HINT];
        int s = hf_workflow_find_set(wf, set->uses_names[i]);
        const char *why = s < 0                   ? "is not a set"
                          : !wf->sets[s]->service ? "is not a service (service: true)"
                          : wf->sets[s] == set    ? "is the set itself"
                          : set->service
                              ? "is used by a service (services may not use others)"
                              : NULL;
        if (why) {
            hf_error_at(
                err, wf->file, set->mark.line, set->mark.col,
                "set '%s' uses '%s', which %s%s", set->name, set->uses_names[i], why,
                s < 0 ? hf_workflow_near_set(wf, set->uses_names[i], hint, sizeof(hint))
                      : "");
            return -1;
        }
        set->uses[i] = s;
    }
    return 0;
}

static int resolve_deps(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    for (int j = 0; j < set->nafter; j++) {
        hf_dep_t *dep = &set->after[j];
        int p = hf_workflow_find_set(wf, dep->parent_name);
        char hint[STR_NEAR_HINT];

        if (p < 0) {
            hf_error_at(err, wf->file, dep->mark.line, dep->mark.col,
                        "set '%s' depends on unknown set '%s'%s", set->name,
                        dep->parent_name,
                        hf_workflow_near_set(wf, dep->parent_name, hint, sizeof(hint)));
            return -1;
        }
        if (wf->sets[p] == set) {
            hf_error_at(err, wf->file, dep->mark.line, dep->mark.col,
                        "set '%s' depends on itself", set->name);
            return -1;
        }
        for (int k = 0; k < j; k++) {
            if (set->after[k].parent == p) {
                hf_error_at(err, wf->file, dep->mark.line, dep->mark.col,
                            "set '%s' lists '%s' twice in 'after'", set->name,
                            dep->parent_name);
                return -1;
            }
        }
        if (dep->fraction > 0 || dep->count > 0) {
            long tasks = wf->sets[p]->tasks;
            if (dep->count > tasks) {
                hf_error_at(err, wf->file, dep->mark.line, dep->mark.col,
                            "set '%s' waits for %ld tasks of '%s', which has %ld",
                            set->name, dep->count, dep->parent_name, tasks);
                return -1;
            }
            dep->threshold =
                dep->count > 0 ? dep->count : (long)ceil(dep->fraction * (double)tasks);
            if (dep->threshold < 1)
                dep->threshold = 1;
        }
        if (dep->map == HF_MAP_ONE_TO_ONE && wf->sets[p]->tasks != set->tasks) {
            hf_error_at(err, wf->file, dep->mark.line, dep->mark.col,
                        "one-to-one map needs equal task counts: '%s' has %ld, "
                        "'%s' has %ld",
                        set->name, set->tasks, wf->sets[p]->name, wf->sets[p]->tasks);
            return -1;
        }
        dep->parent = p;
    }
    if (resolve_uses(wf, set, err) < 0)
        return -1;
    if (set->function && !set->is_pool) /* its pool is the use added last */
        set->pool = set->uses[set->nuses - 1];
    return 0;
}

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
static int check_function(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    char hint[STR_NEAR_HINT];
    const char *why = NULL;
    int owner = 0;

    if (set->is_pool)
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

/* Function set fn runs in the pool named by hf_set_pool_name(): a use. */
static int use_pool(hf_set_t *fn)
{
    char *name = hf_set_pool_name(fn);
    char **names =
        name ? realloc(fn->uses_names, (size_t)(fn->nuses + 2) * sizeof(char *)) : NULL;

    if (!names) {
        free(name);
        return -1;
    }
    fn->uses_names = names;
    names[fn->nuses++] = name;
    names[fn->nuses] = NULL;
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
    pool->is_pool = true;
    pool->iter = fn->iter;
    pool->workers = fn->workers;
    if (!(pool->function = function_copy(fn->function)) ||
        dup_strv(&pool->env, fn->env) < 0 || use_pool(fn) < 0)
        goto nomem;
    return 0;
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return -1;
}

/* Every function set gets its pool, or the use of the one it shares. */
static int add_pools(hf_workflow_t *wf, hf_error_t *err)
{
    int n = wf->nsets;

    for (int i = 0; i < n; i++)
        if (check_function(wf, wf->sets[i], err) < 0)
            return -1;
    for (int i = 0; i < n; i++) {
        hf_set_t *set = wf->sets[i];
        if (!set->function || set->pool_added)
            continue;
        set->pool_added = true; /* once, should finish be called again */
        if (set->workers.share ? use_pool(set) < 0 : add_pool(wf, set, err) < 0) {
            if (errno == ENOMEM)
                hf_error_set(err, "out of memory");
            return -1;
        }
    }
    return 0;
}

int hf_workflow_finish(hf_workflow_t *wf, hf_error_t *err)
{
    long total = 0;

    if (wf->nsets == 0) {
        hf_error_at(err, wf->file, 0, 0, "workflow has no sets");
        goto inval;
    }
    if (add_pools(wf, err) < 0 || files_link(wf, NULL, err) < 0)
        return -1;
    for (int i = 0; i < wf->nsets; i++) {
        if (resolve_deps(wf, wf->sets[i], err) < 0)
            goto inval;
        total += wf->sets[i]->tasks;
        if (total > HF_MAX_TOTAL_TASKS) {
            hf_error_at(err, wf->file, wf->sets[i]->mark.line, wf->sets[i]->mark.col,
                        "workflow has more than %ld tasks", HF_MAX_TOTAL_TASKS);
            goto inval;
        }
    }
    free(wf->first_task);
    if (!(wf->first_task = malloc((size_t)(wf->nsets + 1) * sizeof(uint32_t)))) {
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    wf->first_task[0] = 0;
    for (int i = 0; i < wf->nsets; i++)
        wf->first_task[i + 1] = wf->first_task[i] + (uint32_t)wf->sets[i]->tasks;
    if (rules_check(wf, err) < 0)
        goto inval;
    wf->finished = true;
    return 0;
inval:
    errno = EINVAL;
    return -1;
}

int hf_workflow_append(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    char why[256];
    uint32_t *first;
    long total = hf_workflow_ntasks(wf) + set->tasks;

    if (!wf->finished) {
        hf_error_set(err, "set '%s': the workflow is not finished", set->name);
        errno = EINVAL;
        return -1;
    }
    if (hf_set_name_check(set->name, why, sizeof(why)) < 0) {
        hf_error_set(err, "%s", why);
        errno = EINVAL;
        return -1;
    }
    if (set->tasks < 1 || set->tasks > HF_MAX_TASKS_PER_SET ||
        total > HF_MAX_TOTAL_TASKS || set->cores < 1 || set->gpus < 0 || set->ranks < 1) {
        hf_error_set(err,
                     "set '%s': bad tasks, cores, GPUs or ranks, or more than %ld "
                     "tasks in all",
                     set->name, HF_MAX_TOTAL_TASKS);
        errno = EINVAL;
        return -1;
    }
    if (set->function && !set->workers.share) {
        hf_error_set(err,
                     "set '%s': a function set added while the workflow runs must share "
                     "the workers of one in the file (workers: NAME)",
                     set->name);
        errno = EINVAL;
        return -1;
    }
    if (check_function(wf, set, err) < 0 || (set->function && use_pool(set) < 0) ||
        files_link(wf, set, err) < 0 || resolve_deps(wf, set, err) < 0) {
        errno = EINVAL;
        return -1;
    }
    if (!(first = realloc(wf->first_task, (size_t)(wf->nsets + 2) * sizeof(uint32_t)))) {
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    wf->first_task = first;
    if (put_set(wf, set, err) < 0)
        return -1;
    first[wf->nsets] = first[wf->nsets - 1] + (uint32_t)set->tasks;
    return wf->nsets - 1;
}

int hf_workflow_truncate(hf_workflow_t *wf, int n)
{
    if (n < 0 || n >= wf->nsets)
        return 0;
    /* The name map borrows the names: rebuilt from those left first. */
    strmap_fini(&wf->by_name);
    strmap_init(&wf->by_name);
    for (int i = 0; i < n; i++)
        if (strmap_put(&wf->by_name, wf->sets[i]->name, i) < 0)
            return -1;
    for (int i = n; i < wf->nsets; i++)
        hf_set_destroy(wf->sets[i]);
    wf->nsets = n;
    return 0;
}

int hf_set_check_platform(const hf_set_t *s, const char *file, const hf_platform_t *p,
                          hf_error_t *err)
{
    long ranks_per_node;

    if (s->cores > p->cores_per_node || s->gpus > p->gpus_per_node) {
        hf_error_at(err, file, s->mark.line, s->mark.col,
                    "set '%s' asks %d cores and %d GPUs per rank, but a node "
                    "has %d cores and %d GPUs",
                    s->name, s->cores, s->gpus, p->cores_per_node, p->gpus_per_node);
        errno = EINVAL;
        return -1;
    }
    ranks_per_node = p->cores_per_node / s->cores;
    if (s->gpus > 0 && p->gpus_per_node / s->gpus < ranks_per_node)
        ranks_per_node = p->gpus_per_node / s->gpus;
    if ((long)s->ranks > ranks_per_node * p->nodes) {
        hf_error_at(err, file, s->mark.line, s->mark.col,
                    "set '%s' asks %d ranks of %d cores and %d GPUs, but the "
                    "platform holds only %ld such ranks",
                    s->name, s->ranks, s->cores, s->gpus, ranks_per_node * p->nodes);
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int hf_workflow_check_platform(const hf_workflow_t *wf, const hf_platform_t *p,
                               hf_error_t *err)
{
    for (int i = 0; i < wf->nsets; i++)
        if (hf_set_check_platform(wf->sets[i], wf->file, p, err) < 0)
            return -1;
    return 0;
}

const char *hf_workflow_name(const hf_workflow_t *wf)
{
    return wf->name;
}

const char *hf_workflow_file(const hf_workflow_t *wf)
{
    return wf->file;
}

int hf_workflow_nsets(const hf_workflow_t *wf)
{
    return wf->nsets;
}

const hf_set_t *hf_workflow_set(const hf_workflow_t *wf, int i)
{
    return wf->sets[i];
}

hf_set_t *hf_workflow_set_mut(hf_workflow_t *wf, int i)
{
    return wf->sets[i];
}

int hf_workflow_find_set(const hf_workflow_t *wf, const char *name)
{
    char *first;
    int id;

    if (!strstr(name, "{iter}"))
        return strmap_get(&wf->by_name, name);
    if (!(first = iter_name(name, 0)))
        return -1;
    id = strmap_get(&wf->by_name, first);
    free(first);
    return id;
}

const char *hf_workflow_near_set(const hf_workflow_t *wf, const char *name, char *buf,
                                 size_t len)
{
    str_near_t near = str_near(name);

    for (int i = 0; i < wf->nsets; i++)
        if (!wf->sets[i]->is_pool) /* named by hetflow, not in the file */
            str_near_try(&near, wf->sets[i]->name);
    return str_near_hint(&near, buf, len);
}

hf_rule_t *hf_workflow_add_rule(hf_workflow_t *wf, const char *set, hf_mark_t mark)
{
    hf_rule_t *rules = realloc(wf->rules, (size_t)(wf->nrules + 1) * sizeof(*rules));
    hf_rule_t *r;

    if (!rules)
        return NULL;
    wf->rules = rules;
    r = &rules[wf->nrules];
    *r = (hf_rule_t){.mark = mark, .set = -1};
    if (!(r->set_name = strdup(set)))
        return NULL;
    wf->nrules++;
    return r;
}

hf_action_t *hf_rule_add_action(hf_rule_t *rule, hf_action_kind_t kind, hf_mark_t mark)
{
    hf_action_t *a = realloc(rule->actions, (size_t)(rule->nactions + 1) * sizeof(*a));

    if (!a)
        return NULL;
    rule->actions = a;
    a = &a[rule->nactions++];
    *a = (hf_action_t){.kind = kind,
                       .mark = mark,
                       .set = -1,
                       .fraction = 1,
                       .cores = 1,
                       .gpus = 1,
                       .max = HF_REPEAT_DEFAULT_MAX};
    return a;
}

int hf_workflow_nrules(const hf_workflow_t *wf)
{
    return wf->nrules;
}

const hf_rule_t *hf_workflow_rule(const hf_workflow_t *wf, int i)
{
    return &wf->rules[i];
}

hf_rule_t *hf_workflow_rule_mut(hf_workflow_t *wf, int i)
{
    return &wf->rules[i];
}

const char *hf_action_name(hf_action_kind_t kind)
{
    static const char *const names[] = {"start", "cancel", "share", "repeat"};

    return names[kind];
}

long hf_workflow_ntasks(const hf_workflow_t *wf)
{
    return wf->first_task ? (long)wf->first_task[wf->nsets] : 0;
}

uint32_t hf_workflow_first_task(const hf_workflow_t *wf, int i)
{
    return wf->first_task[i];
}

bool hf_workflow_mode(const hf_workflow_t *wf, hf_mode_t *mode)
{
    if (wf->has_mode)
        *mode = wf->mode;
    return wf->has_mode;
}

bool hf_workflow_policy(const hf_workflow_t *wf, hf_policy_t *policy)
{
    if (wf->has_policy)
        *policy = wf->policy;
    return wf->has_policy;
}

bool hf_workflow_platform(const hf_workflow_t *wf, hf_platform_t *p)
{
    *p = wf->platform;
    return wf->platform.nodes >= 0 || wf->platform.cores_per_node >= 0 ||
           wf->platform.gpus_per_node >= 0;
}

void hf_workflow_set_mode(hf_workflow_t *wf, hf_mode_t mode)
{
    wf->mode = mode;
    wf->has_mode = true;
}

void hf_workflow_set_policy(hf_workflow_t *wf, hf_policy_t policy)
{
    wf->policy = policy;
    wf->has_policy = true;
}

void hf_workflow_set_platform(hf_workflow_t *wf, const hf_platform_t *p)
{
    hf_platform_overlay(&wf->platform, p);
}

const char *hf_mode_name(hf_mode_t mode)
{
    return mode_names[mode];
}

const char *hf_policy_name(hf_policy_t policy)
{
    return policy_names[policy];
}

static int parse_name(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    errno = EINVAL;
    return -1;
}

int hf_mode_parse(const char *s, hf_mode_t *mode)
{
    int i = parse_name(s, mode_names, 3);

    if (i >= 0)
        *mode = (hf_mode_t)i;
    return i < 0 ? -1 : 0;
}

int hf_policy_parse(const char *s, hf_policy_t *policy)
{
    int i = parse_name(s, policy_names, 4);

    if (i >= 0)
        *policy = (hf_policy_t)i;
    return i < 0 ? -1 : 0;
}

const char *hf_workflow_text(const hf_workflow_t *wf, size_t *len)
{
    if (len)
        *len = wf->text_len;
    return wf->text;
}

int hf_workflow_set_text(hf_workflow_t *wf, const char *text, size_t len)
{
    char *copy = malloc(len + 1);

    if (!copy)
        return -1;
    memcpy(copy, text, len);
    hf_workflow_take_text(wf, copy, len);
    return 0;
}

void hf_workflow_take_text(hf_workflow_t *wf, char *text, size_t len)
{
    text[len] = '\0';
    free(wf->text);
    wf->text = text;
    wf->text_len = len;
}

int hf_set_name_check(const char *name, char *why, size_t len)
{
    size_t n = strlen(name);
    const unsigned char *p = (const unsigned char *)name;

    if (n == 0 || n > HF_MAX_NAME) {
        snprintf(why, len, "set name must be 1 to %d bytes, not %zu", HF_MAX_NAME, n);
        return -1;
    }
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || name[0] == '-') {
        snprintf(why, len, "set name '%s' is not allowed", name);
        return -1;
    }
    /* A set's folder sits beside the workdir's own files: the journal
     * (journal.db and what SQLite keeps next to it) and the lock.  In any
     * case, for case-insensitive filesystems. */
    if (strncasecmp(name, HF_JOURNAL_FILE, strlen(HF_JOURNAL_FILE)) == 0 ||
        strcasecmp(name, HF_LOCK_FILE) == 0) {
        snprintf(why, len,
                 "set name '%s' is taken by hetflow's own files in the workdir (%s*, %s)",
                 name, HF_JOURNAL_FILE, HF_LOCK_FILE);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        /* U+202A..U+202E and U+2066..U+2069 reorder text on screen (and
         * hide what a name says): E2 80 AA..AE, E2 81 A6..A9 in UTF-8. */
        bool bidi = p[i] == 0xE2 && i + 2 < n &&
                    ((p[i + 1] == 0x80 && p[i + 2] >= 0xAA && p[i + 2] <= 0xAE) ||
                     (p[i + 1] == 0x81 && p[i + 2] >= 0xA6 && p[i + 2] <= 0xA9));
        if (p[i] < 0x20 || p[i] == 0x7F || p[i] == ' ' || p[i] == '/' || bidi) {
            snprintf(why, len,
                     "set name '%.*s...' has a character not allowed in names "
                     "(byte %zu: '/', whitespace, control or bidirectional)",
                     (int)(i < 40 ? i : 40), name, i + 1);
            return -1;
        }
    }
    return 0;
}

int hf_workflow_stage_concurrency(const hf_workflow_t *wf)
{
    return wf->stage_concurrency;
}

void hf_workflow_set_stage_concurrency(hf_workflow_t *wf, int n)
{
    wf->stage_concurrency = n;
}

void hf_workflow_set_recorded(hf_workflow_t *wf)
{
    wf->recorded = true;
}

bool hf_workflow_recorded(const hf_workflow_t *wf)
{
    return wf->recorded;
}

bool hf_workflow_stages(const hf_workflow_t *wf)
{
    for (int i = 0; i < wf->nsets; i++)
        if (wf->sets[i]->stage.in != HF_STAGE_NONE ||
            wf->sets[i]->stage.out != HF_STAGE_NONE)
            return true;
    return false;
}

double hf_workflow_walltime(const hf_workflow_t *wf)
{
    return wf->walltime;
}

void hf_workflow_set_walltime(hf_workflow_t *wf, double seconds)
{
    wf->walltime = seconds;
}

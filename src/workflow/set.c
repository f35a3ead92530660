/* A set's lifecycle: created with the defaults, copied (a repeat's next
 * iteration), destroyed; and its name in a repeat iteration. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hetflow/template.h"
#include "model.h"
#include "util/str.h"

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
        free(f->interpreter);
        free(f);
    }
}

hf_function_t *set_function_copy(const hf_function_t *from)
{
    hf_function_t *f = calloc(1, sizeof(*f));

    if (f && (!from->library || (f->library = strdup(from->library))) &&
        (!from->symbol || (f->symbol = strdup(from->symbol))) &&
        (!from->python || (f->python = strdup(from->python))) &&
        (!from->interpreter || (f->interpreter = strdup(from->interpreter))))
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
    free(set_state(set)->name_template);
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
    free(set_state(set)->uses);
    free(set_state(set));
}

char *set_name_at(const char *tmpl, int iter)
{
    return hf_template_expand(
        tmpl, HF_TEMPLATE_NAME,
        &(hf_template_values_t){.have = HF_TEMPLATE_ITER, .iter = iter});
}

char *hf_set_iter_name(const hf_set_t *set, int iter)
{
    const char *tmpl = set_state(set)->name_template;
    char *name;

    if (tmpl)
        return set_name_at(tmpl, iter);
    if (iter == 0)
        return strdup(set->name);
    if ((name = malloc(strlen(set->name) + 16)))
        sprintf(name, "%s.%d", set->name, iter);
    return name;
}

hf_set_t *set_create(const char *name, bool literal)
{
    set_state_t *st = calloc(1, sizeof(*st));
    bool tmpl = !literal && hf_template_has(name, HF_TEMPLATE_ITER);
    hf_set_t *set;

    if (!st)
        return NULL;
    set = &st->spec;
    st->literal = literal;
    if (tmpl) {
        /* The file's sets are iteration 0 of any repeat. */
        st->name_template = strdup(name);
        set->name = set_name_at(name, 0);
    } else {
        set->name = strdup(name);
    }
    if (!set->name || (tmpl && !st->name_template)) {
        hf_set_destroy(set);
        return NULL;
    }
    set->tasks = 1;
    set->cores = 1;
    set->ranks = 1;
    st->pool = -1;
    return set;
}

hf_set_t *hf_set_create(const char *name)
{
    return set_create(name, false);
}

int set_dup_strv(char ***out, char *const *v)
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
    hf_set_t *set = set_create(name, set_state(from)->literal);
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
    free(set_state(set)->name_template);
    set_state(set)->name_template = NULL;
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
    ok = set_dup_strv(&set->argv, from->argv) == 0 &&
         set_dup_strv(&set->env, from->env) == 0 &&
         (!from->function || (set->function = set_function_copy(from->function))) &&
         (!from->workers.share || (set->workers.share = strdup(from->workers.share))) &&
         (!from->args || (set->args = strdup(from->args))) &&
         (!from->shell || (set->shell = strdup(from->shell))) &&
         (!set_state(from)->name_template ||
          (set_state(set)->name_template = strdup(set_state(from)->name_template))) &&
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

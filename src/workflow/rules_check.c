/* Rules checked against the workflow's sets: every name a rule uses names a
 * set, every expression parses (its errors placed at the exact column),
 * a repeat's sets are closed (nothing outside depends on them, since the
 * next iteration replaces them), no set has the name a repeat gives a copy,
 * the tasks repeats can make stay within the task cap, and every held set is
 * started by a rule. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "hetflow/template.h"
#include "model.h"
#include "rules_check.h"
#include "util/str.h"
#include "util/strmap.h"

typedef struct {
    const hf_workflow_t *wf;
    const char *missing; /* the first unknown set an expression names */
} names_ctx_t;

static int bad(const hf_workflow_t *wf, hf_error_t *err, hf_mark_t m, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));

static int bad(const hf_workflow_t *wf, hf_error_t *err, hf_mark_t m, const char *fmt,
               ...)
{
    char msg[sizeof(err->text)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    hf_error_at(err, hf_workflow_file(wf), m.line, m.col, "%s", msg);
    errno = EINVAL;
    return -1;
}

static int unknown_set(const hf_workflow_t *wf, hf_error_t *err, hf_mark_t m,
                       const char *role, const char *name)
{
    char hint[STR_NEAR_HINT];

    return bad(wf, err, m, "%s names unknown set '%s'%s", role, name,
               hf_workflow_near_set(wf, name, hint, sizeof(hint)));
}

static int resolve(const hf_workflow_t *wf, const char *name, hf_mark_t m, int *out,
                   const char *role, hf_error_t *err)
{
    if ((*out = hf_workflow_find_set(wf, name)) < 0)
        return unknown_set(wf, err, m, role, name);
    return 0;
}

static void check_name(const char *set, void *arg)
{
    names_ctx_t *ctx = arg;

    if (!ctx->missing && hf_workflow_find_set(ctx->wf, set) < 0)
        ctx->missing = set;
}

/* Parse c; an error's column is the expression's start plus its offset
 * (exact for an expression on one line, as rules are written). */
static int parse(const hf_workflow_t *wf, hf_cond_t *c, const char *what, hf_error_t *err)
{
    names_ctx_t ctx = {wf, NULL};
    char why[200];
    size_t where;

    if (!c->text)
        return 0;
    expr_free(c->parsed);
    if (!(c->parsed = expr_parse(c->text, &where, why, sizeof(why)))) {
        hf_error_at(err, hf_workflow_file(wf), c->mark.line, c->mark.col + (int)where,
                    "%s: %s", what, why);
        errno = EINVAL;
        return -1;
    }
    expr_sets(c->parsed, check_name, &ctx);
    if (ctx.missing)
        return unknown_set(wf, err, c->mark, what, ctx.missing);
    return 0;
}

static int check_action(hf_workflow_t *wf, hf_action_t *a, int *group_of, int tag,
                        hf_error_t *err)
{
    const hf_set_t *set;

    if (a->kind != HF_ACTION_REPEAT) {
        if (resolve(wf, a->set_name, a->mark, &a->set, hf_action_name(a->kind), err) < 0)
            return -1;
        set = hf_workflow_get_set(wf, a->set);
        if (a->kind == HF_ACTION_START && !set->start_on_rule)
            return bad(wf, err, a->mark,
                       "set '%s' starts with its dependencies: give it 'start: on_rule' "
                       "for a rule to start it",
                       set->name);
        return 0;
    }
    free(a->group);
    if (!(a->group = malloc((size_t)a->ngroup * sizeof(int) + 1))) {
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    for (int k = 0; k < a->ngroup; k++) {
        if (resolve(wf, a->group_names[k], a->group_marks[k], &a->group[k], "repeat",
                    err) < 0)
            return -1;
        if (group_of[a->group[k]] == tag)
            return bad(wf, err, a->group_marks[k], "repeat lists set '%s' twice",
                       a->group_names[k]);
        if (group_of[a->group[k]] >= 0)
            return bad(wf, err, a->group_marks[k],
                       "set '%s' is already repeated by another rule", a->group_names[k]);
        group_of[a->group[k]] = tag;
    }
    return parse(wf, &a->until, "until", err);
}

/* A set outside a repeat must not depend on one of its sets: which
 * iteration it would wait for is not known when it could start. */
static int check_closed(const hf_workflow_t *wf, const int *group_of, hf_error_t *err)
{
    for (int s = 0; s < hf_workflow_nsets(wf); s++) {
        const hf_set_t *set = hf_workflow_get_set(wf, s);
        for (int j = 0; j < set->nafter; j++) {
            int p = set->after[j].parent;
            if (group_of[p] >= 0 && group_of[p] != group_of[s])
                return bad(wf, err, set->after[j].mark,
                           "set '%s' depends on '%s', which a rule repeats: only sets of "
                           "the same repeat may depend on it",
                           set->name, hf_workflow_get_set(wf, p)->name);
        }
    }
    return 0;
}

/* The iteration `name` is of a set named without {iter} ("x" makes "x.1",
 * "x.2"...), its base name's length in *base, or -1. */
static long copy_iter(const char *name, size_t *base)
{
    const char *dot = strrchr(name, '.');
    char *end;
    long k;

    if (!dot || dot == name || dot[1] < '1' || dot[1] > '9' || strlen(dot + 1) > 9)
        return -1;
    k = strtol(dot + 1, &end, 10);
    if (*end)
        return -1;
    *base = (size_t)(dot - name);
    return k;
}

typedef struct {
    const hf_set_t *set;
    const hf_action_t *repeat;
} repeated_t;

/* No set of the file may have the name a repeat will give a copy of one of
 * its sets (iterations 1 to max - 1): the copy could not be made, and the
 * rule would fail while the workflow runs. */
static int check_copy_names(const hf_workflow_t *wf, const repeated_t *rep, int nrep,
                            hf_error_t *err)
{
    strmap_t plain; /* repeated sets named without {iter}, by name */
    int rc = -1;

    strmap_init(&plain);
    for (int i = 0; i < nrep; i++)
        if (!set_state(rep[i].set)->name_template &&
            strmap_put(&plain, rep[i].set->name, i) < 0) {
            hf_error_set(err, "out of memory");
            errno = ENOMEM;
            goto done;
        }
    for (int s = 0; s < hf_workflow_nsets(wf); s++) {
        const hf_set_t *set = hf_workflow_get_set(wf, s);
        char base[HF_MAX_NAME + 16];
        size_t len;
        long k = copy_iter(set->name, &len);
        int r = -1;
        if (k > 0 && len < sizeof(base)) {
            memcpy(base, set->name, len);
            base[len] = '\0';
            if ((r = strmap_get(&plain, base)) >= 0 && k >= rep[r].repeat->max)
                r = -1;
        }
        for (int i = 0; r < 0 && i < nrep; i++)
            if (set_state(rep[i].set)->name_template &&
                (k = hf_template_match(set_state(rep[i].set)->name_template,
                                       HF_TEMPLATE_ITER, set->name)) > 0 &&
                k < rep[i].repeat->max)
                r = i;
        if (r >= 0) {
            bad(wf, err, set->mark,
                "set '%s' has the name of iteration %ld of '%s', which the rule at line "
                "%d "
                "repeats: rename one of them",
                set->name, k,
                set_state(rep[r].set)->name_template
                    ? set_state(rep[r].set)->name_template
                    : rep[r].set->name,
                rep[r].repeat->mark.line);
            goto done;
        }
    }
    rc = 0;
done:
    strmap_fini(&plain);
    return rc;
}

/* The tasks repeats can make count against the workflow's cap: each makes
 * up to max - 1 more iterations of its sets. */
static int check_repeat_tasks(const hf_workflow_t *wf, hf_error_t *err)
{
    long total = hf_workflow_ntasks(wf);

    for (int i = 0; i < hf_workflow_nrules(wf); i++) {
        const hf_rule_t *r = hf_workflow_rule(wf, i);
        for (int k = 0; k < r->nactions; k++) {
            const hf_action_t *a = &r->actions[k];
            long group = 0;
            if (a->kind != HF_ACTION_REPEAT)
                continue;
            for (int g = 0; g < a->ngroup; g++)
                group += hf_workflow_get_set(wf, a->group[g])->tasks;
            /* Both at most 10^8 or so: no overflow in 64 bits. */
            total += (long)(a->max - 1) * group;
            if (total > HF_MAX_TOTAL_TASKS)
                return bad(wf, err, a->mark,
                           "repeat may make %d iterations of %ld tasks: the workflow "
                           "would have more than %ld tasks (give a smaller max)",
                           a->max, group, HF_MAX_TOTAL_TASKS);
        }
    }
    return 0;
}

int rules_check(hf_workflow_t *wf, hf_error_t *err)
{
    int n = hf_workflow_nsets(wf);
    int *group_of = malloc((size_t)n * sizeof(int));
    bool *started = calloc((size_t)n, sizeof(bool));
    repeated_t *rep = NULL;
    int rc = -1, nrep = 0;

    if (!group_of || !started) {
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        goto done;
    }
    for (int s = 0; s < n; s++)
        group_of[s] = -1;
    for (int i = 0; i < hf_workflow_nrules(wf); i++) {
        hf_rule_t *r = hf_workflow_rule_mut(wf, i);
        if (resolve(wf, r->set_name, r->mark, &r->set, "rule", err) < 0 ||
            parse(wf, &r->result, "result", err) < 0)
            goto done;
        for (int k = 0; k < r->nactions; k++) {
            if (check_action(wf, &r->actions[k], group_of, i * 65536 + k, err) < 0)
                goto done;
            if (r->actions[k].kind == HF_ACTION_START)
                started[r->actions[k].set] = true;
        }
    }
    if (check_closed(wf, group_of, err) < 0 || check_repeat_tasks(wf, err) < 0)
        goto done;
    for (int pass = 0; pass < 2; pass++) { /* count, then list, the repeated sets */
        for (int i = 0; i < hf_workflow_nrules(wf); i++) {
            const hf_rule_t *r = hf_workflow_rule(wf, i);
            for (int k = 0; k < r->nactions; k++) {
                const hf_action_t *a = &r->actions[k];
                for (int g = 0; a->kind == HF_ACTION_REPEAT && g < a->ngroup; g++, nrep++)
                    if (rep)
                        rep[nrep] = (repeated_t){hf_workflow_get_set(wf, a->group[g]), a};
            }
        }
        if (pass == 0 && nrep > 0 && !(rep = malloc((size_t)nrep * sizeof(*rep)))) {
            hf_error_set(err, "out of memory");
            errno = ENOMEM;
            goto done;
        }
        if (pass == 0)
            nrep = 0;
    }
    if (nrep > 0 && check_copy_names(wf, rep, nrep, err) < 0)
        goto done;
    for (int s = 0; s < n; s++) {
        const hf_set_t *set = hf_workflow_get_set(wf, s);
        if (set->start_on_rule && !started[s]) {
            bad(wf, err, set->mark, "set '%s' has 'start: on_rule' but no rule starts it",
                set->name);
            goto done;
        }
    }
    rc = 0;
done:
    free(group_of);
    free(started);
    free(rep);
    return rc;
}

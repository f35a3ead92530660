/* The workflow file's rules, carried out through the engine's public
 * adaptivity API (on_task_end, start, cancel, share, submit) and nothing
 * else, so that what a rule can do a library user can do too.
 *
 * Rules name the file's sets.  A repeat makes new sets, one per member per
 * iteration; a rule then means the latest iteration of the set it names:
 * `current` maps each file set to its latest instance, `template_of` maps
 * every instance back.  A rule fires once per instance of its watched set.
 * Aggregates over results are kept as tasks end (min, max, sum, count per
 * set and key), so a condition costs the same on the millionth task as on
 * the first. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hetflow/workflow_rules.h"
#include "internal.h"
#include "util/grow.h"

typedef struct {
    char *key;
    double min, max, sum;
    long count;
} agg_t_;

typedef struct {
    agg_t_ *v;
    int n;
} set_aggs_t;

typedef struct {
    int fired_on; /* the instance of the watched set it last fired for, or -1 */
} rule_rt_t;

typedef struct {
    int iterations; /* made so far, the file's included */
    bool finished;
} repeat_rt_t;

typedef struct {
    bool given;
    double cores, gpus;
} share_t;

struct rules {
    hf_engine_t *e;
    int nfile;        /* the file's sets */
    int *current;     /* per file set: its latest instance */
    share_t *shares;  /* per file set: its share, given again to new instances */
    int *template_of; /* per set: the file set it is an instance of */
    set_aggs_t *aggs; /* per set */
    int nsets_cap;
    rule_rt_t *rule;
    repeat_rt_t **repeat; /* per rule, per action (repeats only) */
    char why[200];        /* the first action that failed */
};

static const hf_workflow_t *wf_of(const struct rules *r)
{
    return hf_engine_workflow(r->e);
}

/* Room for per-set state of set s. */
static int reserve(struct rules *r, int s)
{
    size_t old = (size_t)r->nsets_cap, cap = grow_cap(old, (size_t)s + 1);

    if (cap == old)
        return 0;
    if (grow_to((void **)&r->template_of, old, cap, sizeof(int)) < 0 ||
        grow_to((void **)&r->aggs, old, cap, sizeof(set_aggs_t)) < 0)
        return -1;
    for (size_t i = old; i < cap; i++)
        r->template_of[i] = -1;
    r->nsets_cap = (int)cap;
    return 0;
}

static agg_t_ *find_agg(set_aggs_t *sa, const char *key, bool add)
{
    agg_t_ *v;

    for (int i = 0; i < sa->n; i++)
        if (strcmp(sa->v[i].key, key) == 0)
            return &sa->v[i];
    if (!add || !(v = realloc(sa->v, (size_t)(sa->n + 1) * sizeof(*v))))
        return NULL;
    sa->v = v;
    v = &v[sa->n];
    *v = (agg_t_){NULL, INFINITY, -INFINITY, 0, 0};
    if (!(v->key = strdup(key)))
        return NULL;
    sa->n++;
    return v;
}

/* Every number at the top of a done task's result joins its set's
 * aggregates. */
static void add_result(struct rules *r, int set, const json_t *result)
{
    const char *key;
    json_t *value;

    json_object_foreach((json_t *)result, key, value)
    {
        agg_t_ *a;
        double x;
        if (!json_is_number(value) || !(a = find_agg(&r->aggs[set], key, true)))
            continue;
        x = json_number_value(value);
        a->min = fmin(a->min, x);
        a->max = fmax(a->max, x);
        a->sum += x;
        a->count++;
    }
}

typedef struct {
    struct rules *r;
    int own; /* the instance a key without a set refers to */
} eval_ctx_t;

static double aggregate(void *arg, hf_agg_t agg, const char *set, const char *key)
{
    eval_ctx_t *ctx = arg;
    int s = ctx->own;
    agg_t_ *a;

    if (set) {
        int t = hf_workflow_find_set(wf_of(ctx->r), set);
        s = t >= 0 && t < ctx->r->nfile ? ctx->r->current[t] : t;
    }
    if (s < 0 || !(a = find_agg(&ctx->r->aggs[s], key, false)) || a->count == 0)
        return agg == HF_AGG_COUNT ? 0 : NAN;
    switch (agg) {
    case HF_AGG_MIN:
        return a->min;
    case HF_AGG_MAX:
        return a->max;
    case HF_AGG_MEAN:
        return a->sum / (double)a->count;
    case HF_AGG_SUM:
        return a->sum;
    default:
        return (double)a->count;
    }
}

static bool holds(struct rules *r, const hf_cond_t *c, int own)
{
    eval_ctx_t ctx = {r, own};
    double v = hf_cond_eval(c, aggregate, &ctx);

    return !isnan(v) && v != 0;
}

static bool rule_holds(struct rules *r, const hf_rule_t *rule, int inst)
{
    hf_set_progress_t p;
    bool any = rule->done_fraction > 0 || rule->done_count > 0 || rule->result.parsed;

    hf_engine_progress_of_set(r->e, inst, &p);
    if (!any)
        return p.ended == p.tasks; /* no condition: when the whole set has ended */
    if (rule->done_fraction > 0 && (double)p.done < rule->done_fraction * p.tasks - 1e-9)
        return false;
    if (rule->done_count > 0 && p.done < (uint32_t)rule->done_count)
        return false;
    return !rule->result.parsed || holds(r, &rule->result, inst);
}

static int fail(struct rules *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Keep the first reason an action failed. */
static int fail(struct rules *r, const char *fmt, ...)
{
    va_list ap;

    if (!r->why[0]) {
        va_start(ap, fmt);
        vsnprintf(r->why, sizeof(r->why), fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* The group's members in an order where parents come first. */
static int *group_order(struct rules *r, const hf_action_t *a)
{
    int *order = malloc((size_t)a->ngroup * sizeof(int)), n = 0;

    if (!order)
        return NULL;
    for (int i = 0; i < r->nfile; i++) {
        int s = hf_dag_topo(r->e->dag)[i];
        for (int k = 0; k < a->ngroup; k++)
            if (a->group[k] == s)
                order[n++] = s;
    }
    return order;
}

static int make_iteration(struct rules *r, const hf_action_t *a, int iter,
                          hf_error_t *err)
{
    hf_workflow_t *wf = hf_engine_workflow_mut(r->e);
    int *order = group_order(r, a);
    int rc = -1;

    if (!order)
        return fail(r, "out of memory");
    for (int k = 0; k < a->ngroup; k++) {
        int m = order[k], s;
        const hf_set_t *tmpl = hf_workflow_get_set(wf, m);
        char *name = hf_set_iter_name(tmpl, iter);
        hf_set_t *copy = name ? hf_set_copy(tmpl, name) : NULL;
        free(name);
        if (!copy)
            goto done;
        copy->iter = iter;
        for (int j = 0; j < tmpl->nafter; j++) {
            const hf_dep_t *d = &tmpl->after[j];
            /* Inside the group, the parent's newest instance: made first. */
            int p = r->template_of[d->parent] >= 0 ? r->current[r->template_of[d->parent]]
                                                   : d->parent;
            hf_dep_t *dep = hf_workflow_add_dep(
                wf, copy, hf_workflow_get_set(wf, p)->name, d->map, d->mark);
            if (!dep) {
                hf_set_destroy(copy);
                goto done;
            }
            dep->fraction = d->fraction;
            dep->count = d->count;
        }
        if ((s = hf_engine_submit_set(r->e, copy, err)) < 0) {
            hf_set_destroy(copy);
            fail(r, "repeat: %s", err->text);
            goto done;
        }
        if (reserve(r, s) < 0)
            goto done;
        r->template_of[s] = m;
        r->current[m] = s;
        if (r->shares[m].given)
            hf_engine_set_share(r->e, s, r->shares[m].cores, r->shares[m].gpus);
    }
    rc = 0;
done:
    free(order);
    if (rc < 0 && !r->why[0])
        fail(r, "repeat: out of memory");
    return rc;
}

/* Carry out one action; appends what it did to `said`. */
static int act(struct rules *r, int ri, int ai, char *said, size_t len)
{
    const hf_action_t *a = &hf_workflow_rule(wf_of(r), ri)->actions[ai];
    int s = a->kind == HF_ACTION_REPEAT ? -1 : r->current[a->set];
    const char *name = s >= 0 ? hf_workflow_get_set(wf_of(r), s)->name : "";
    size_t n = strlen(said);
    hf_error_t err = {{0}};
    repeat_rt_t *rep;
    long k;

    switch (a->kind) {
    case HF_ACTION_START:
        snprintf(said + n, len - n, "; start %s", name);
        return hf_engine_start_set(r->e, s);
    case HF_ACTION_CANCEL:
        if ((k = hf_engine_cancel_set(r->e, s, a->fraction)) < 0)
            return fail(r, "cancel %s: %s", name, strerror(errno));
        snprintf(said + n, len - n, "; cancel %ld of %s", k, name);
        return 0;
    case HF_ACTION_SHARE:
        r->shares[a->set] = (share_t){true, a->cores, a->gpus};
        snprintf(said + n, len - n, "; share %s cores %g gpus %g", name, a->cores,
                 a->gpus);
        return hf_engine_set_share(r->e, s, a->cores, a->gpus);
    case HF_ACTION_REPEAT:
        break;
    }
    rep = &r->repeat[ri][ai];
    if (rep->finished)
        return 0;
    if (a->until.parsed &&
        holds(r, &a->until, r->current[hf_workflow_rule(wf_of(r), ri)->set])) {
        rep->finished = true;
        snprintf(said + n, len - n, "; repeat done: until holds after %d iterations",
                 rep->iterations);
        return 0;
    }
    if (rep->iterations >= a->max) {
        rep->finished = true;
        snprintf(said + n, len - n, "; repeat done: max %d iterations", a->max);
        return 0;
    }
    if (make_iteration(r, a, rep->iterations, &err) < 0)
        return -1;
    snprintf(said + n, len - n, "; repeat: iteration %d", rep->iterations);
    rep->iterations++;
    return 0;
}

static void fire(struct rules *r, int ri, int inst)
{
    const hf_rule_t *rule = hf_workflow_rule(wf_of(r), ri);
    char said[512] = "", label[700];

    r->rule[ri].fired_on = inst;
    for (int k = 0; k < rule->nactions; k++) {
        if (act(r, ri, k, said, sizeof(said)) < 0) {
            char msg[400];
            snprintf(msg, sizeof(msg), "rule %d failed: %s", ri + 1,
                     r->why[0] ? r->why : strerror(errno));
            hf_engine_mark(r->e, msg);
            hf_engine_stop(r->e, HF_STOP_FAILURE);
            return;
        }
    }
    /* Each action appended "; what it did". */
    snprintf(label, sizeof(label), "rule %d (%s): %s", ri + 1,
             hf_workflow_get_set(wf_of(r), inst)->name, said + 2);
    hf_engine_mark(r->e, label);
}

static void on_end(hf_engine_t *e, uint32_t task, hf_task_state_t state, double now,
                   void *arg)
{
    struct rules *r = arg;
    hf_task_info_t info;
    const json_t *result;
    int tmpl;

    (void)now;
    hf_engine_task(e, task, &info);
    if (info.set < 0 || /* a pool's worker */
        info.set >= r->nsets_cap || (tmpl = r->template_of[info.set]) < 0)
        return;
    if (state == HF_TASK_DONE && (result = hf_engine_result(e, task)))
        add_result(r, info.set, result);
    if (r->current[tmpl] != info.set || hf_engine_stopped(e))
        return;
    for (int i = 0; i < hf_workflow_nrules(wf_of(r)); i++) {
        const hf_rule_t *rule = hf_workflow_rule(wf_of(r), i);
        if (rule->set == tmpl && r->rule[i].fired_on != info.set &&
            rule_holds(r, rule, info.set))
            fire(r, i, info.set);
    }
}

void rules_destroy(struct rules *r)
{
    if (!r)
        return;
    for (int s = 0; r->aggs && s < r->nsets_cap; s++) {
        for (int k = 0; k < r->aggs[s].n; k++)
            free(r->aggs[s].v[k].key);
        free(r->aggs[s].v);
    }
    for (int i = 0; r->repeat && i < hf_workflow_nrules(wf_of(r)); i++)
        free(r->repeat[i]);
    free(r->repeat);
    free(r->rule);
    free(r->aggs);
    free(r->template_of);
    free(r->current);
    free(r->shares);
    free(r);
}

int rules_attach(hf_engine_t *e, hf_error_t *err)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);
    int nrules = hf_workflow_nrules(wf), n = hf_workflow_nsets(wf);
    struct rules *r;

    if (nrules == 0)
        return 0;
    if (!(r = e->rules = calloc(1, sizeof(*r))))
        goto nomem;
    r->e = e;
    r->nfile = n;
    if (!(r->current = malloc((size_t)n * sizeof(int))) ||
        !(r->shares = calloc((size_t)n, sizeof(share_t))) || reserve(r, n) < 0 ||
        !(r->rule = calloc((size_t)nrules, sizeof(rule_rt_t))) ||
        !(r->repeat = calloc((size_t)nrules, sizeof(repeat_rt_t *))))
        goto nomem;
    for (int s = 0; s < n; s++)
        r->current[s] = r->template_of[s] = s;
    for (int i = 0; i < nrules; i++) {
        const hf_rule_t *rule = hf_workflow_rule(wf, i);
        r->rule[i].fired_on = -1;
        if (!(r->repeat[i] = calloc((size_t)rule->nactions, sizeof(repeat_rt_t))))
            goto nomem;
        for (int k = 0; k < rule->nactions; k++)
            r->repeat[i][k].iterations = 1; /* the file's sets are the first */
    }
    if (hf_engine_on_task_end(e, on_end, r) < 0)
        goto nomem;
    return 0;
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return -1;
}

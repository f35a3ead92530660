/* The degree-of-asynchronicity model (Pascuzzi, Kilic, Turilli, Jha) with
 * the definitions of docs/model.md: per-set waves and times, t_seq (Eq. 2 with
 * the levels as stages), t_async (Eq. 3), I (Eq. 4), DOA_dep, DOA_res, WLA
 * (Eq. 1), the critical path, a makespan lower bound and the bound-aware
 * estimate. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "doa.h"
#include "hetflow/analysis.h"

static double t_seq_by_levels(const hf_dag_t *dag, const hf_set_model_t *m)
{
    int nlevels = hf_dag_nlevels(dag);
    double *widest = calloc((size_t)nlevels, sizeof(double));
    double sum = 0;

    if (!widest)
        return -1;
    for (int s = 0; s < hf_dag_nsets(dag); s++) {
        int l = hf_dag_level(dag, s);
        if (m[s].t > widest[l])
            widest[l] = m[s].t;
    }
    for (int l = 0; l < nlevels; l++)
        sum += widest[l];
    free(widest);
    return sum;
}

/* Core- and GPU-seconds of the whole workflow over the platform's capacity:
 * no schedule finishes before the platform has done that much work. */
static void areas(const hf_workflow_t *wf, int n, const hf_platform_t *p, double *cores,
                  double *gpus)
{
    double core_s = 0, gpu_s = 0;

    for (int s = 0; s < n; s++) {
        const hf_set_t *set = hf_workflow_get_set(wf, s);
        double task_s = (double)set->tasks * set->ranks * set->duration_mean;
        core_s += task_s * set->cores;
        gpu_s += task_s * set->gpus;
    }
    *cores = core_s / (double)hf_platform_total_cores(p);
    *gpus = hf_platform_total_gpus(p) > 0 ? gpu_s / (double)hf_platform_total_gpus(p) : 0;
}

typedef struct {
    double start, work_c, work_g;
} earlier_t;

static int by_start_desc(const void *a, const void *b)
{
    double x = ((const earlier_t *)a)->start, y = ((const earlier_t *)b)->start;

    return (x < y) - (x > y);
}

/* Sets up to which the gather bound looks at every ancestor (n^2 / 64 words
 * of bitsets); beyond, at parents only. */
#define GATHER_MAX_SETS 5000

/* A set waits for all the work of its ancestors through all-tasks edges,
 * none of which starts before that ancestor's earliest start: for every
 * time tau, the work of those that cannot start before tau, spread over
 * the whole platform, is done after tau.  So the set starts no earlier than
 *   max over tau of tau + work(ancestors starting at or after tau) / capacity.
 * One sweep over the ancestors sorted by earliest start.  This is what sees
 * a phase of a thousand one-task sets (a WfCommons instance) as the waves
 * it is.  `anc` lists the ancestors (NULL: the parents only).  Returns the
 * bound, 0 without such ancestors, -1 without memory. */
static double gather_bound(const hf_workflow_t *wf, const hf_set_t *set,
                           const uint64_t *anc, int n, const double *start,
                           const hf_platform_t *p)
{
    double cores = (double)hf_platform_total_cores(p),
           gpus = (double)hf_platform_total_gpus(p);
    double work_c = 0, work_g = 0, bound = 0;
    int cap = anc ? n : set->nafter, k = 0;

    earlier_t *v;

    if (cap == 0)
        return 0;
    if (!(v = malloc((size_t)cap * sizeof(*v))))
        return -1;
    for (int i = 0; i < cap; i++) {
        int a;
        const hf_set_t *x;
        double task_s;
        if (anc) {
            if (!(anc[i / 64] >> (i % 64) & 1))
                continue;
            a = i;
        } else {
            const hf_dep_t *dep = &set->after[i];
            if (dep->map == HF_MAP_ONE_TO_ONE || dep->threshold > 0)
                continue; /* waits for part of the parent only */
            a = dep->parent;
        }
        x = hf_workflow_get_set(wf, a);
        task_s = (double)x->tasks * x->ranks * x->duration_mean;
        v[k++] = (earlier_t){start[a], task_s * x->cores, task_s * x->gpus};
    }
    qsort(v, (size_t)k, sizeof(*v), by_start_desc);
    for (int i = 0; i < k; i++) {
        double at;
        work_c += v[i].work_c;
        work_g += v[i].work_g;
        at = v[i].start + work_c / cores;
        if (gpus > 0 && v[i].start + work_g / gpus > at)
            at = v[i].start + work_g / gpus;
        if (at > bound)
            bound = at;
    }
    free(v);
    return bound;
}

typedef struct {
    double t;
    int set;
} by_t_t;

static int by_t_desc(const void *a, const void *b)
{
    double x = ((const by_t_t *)a)->t, y = ((const by_t_t *)b)->t;

    return (x < y) - (x > y);
}

/* Long tails: every set lasting at least L must have started by the
 * makespan less L, so by then all the work of all their ancestors is done:
 *   makespan >= L + gather(union of the ancestors of sets with t >= L),
 * for L over the longest few set times (two 266 s plots fed by separate
 * halves of a workflow: the second cannot start before both halves are
 * done).  Returns the bound, -1 without memory. */
#define TAIL_LENGTHS 32

static double tails_bound(const hf_workflow_t *wf, const hf_dag_t *dag,
                          const uint64_t *anc, size_t words, const double *start,
                          const hf_platform_t *p)
{
    int n = hf_dag_nsets(dag), distinct = 0;
    by_t_t *v = malloc((size_t)n * sizeof(*v) + 1);
    uint64_t *all = calloc(words + 1, sizeof(uint64_t));
    double bound = 0;

    if (!v || !all) {
        free(v);
        free(all);
        return -1;
    }
    for (int s = 0; s < n; s++)
        v[s] = (by_t_t){hf_set_model(hf_workflow_get_set(wf, s), p).t, s};
    qsort(v, (size_t)n, sizeof(*v), by_t_desc);
    for (int i = 0; i < n && distinct < TAIL_LENGTHS; i++) {
        const uint64_t *mine = anc + (size_t)v[i].set * words;
        double at;
        for (size_t w = 0; w < words; w++)
            all[w] |= mine[w];
        if (i + 1 < n && v[i + 1].t == v[i].t)
            continue; /* take every set of this length first */
        distinct++;
        if ((at = gather_bound(wf, NULL, all, n, start, p)) < 0) {
            bound = -1;
            break;
        }
        if (v[i].t + at > bound)
            bound = v[i].t + at;
    }
    free(v);
    free(all);
    return bound;
}

/* Ancestor bitsets of every set through all-tasks edges, in topological
 * order; NULL when there are too many sets (or no memory). */
static uint64_t *all_ancestors(const hf_workflow_t *wf, const hf_dag_t *dag,
                               size_t *words)
{
    int n = hf_dag_nsets(dag);
    const int *topo = hf_dag_topo(dag);
    uint64_t *anc;

    *words = ((size_t)n + 63) / 64;
    if (n > GATHER_MAX_SETS || !(anc = calloc((size_t)n * *words + 1, sizeof(uint64_t))))
        return NULL;
    for (int i = 0; i < n; i++) {
        int s = topo[i];
        const hf_set_t *set = hf_workflow_get_set(wf, s);
        uint64_t *mine = anc + (size_t)s * *words;
        for (int j = 0; j < set->nafter; j++) {
            const hf_dep_t *dep = &set->after[j];
            const uint64_t *theirs = anc + (size_t)dep->parent * *words;
            if (dep->map == HF_MAP_ONE_TO_ONE || dep->threshold > 0)
                continue;
            mine[dep->parent / 64] |= 1ULL << (dep->parent % 64);
            for (size_t w = 0; w < *words; w++)
                mine[w] |= theirs[w];
        }
    }
    return anc;
}

/* The longest path through the sets, earliest start and finish of each:
 * a set starts after its all-tasks parents finish, or, for a partial
 * dependency, once `threshold` of the parent's tasks can be done:
 * ceil(threshold / fit) waves after the parent starts.  With `relax`, a
 * one-to-one edge lets the child's first task follow the parent's first and
 * its last follow the parent's last (the waves of the two may overlap): a
 * bound no schedule beats.  Without, one-to-one counts as all-tasks, as in
 * the paper's model. */
static double longest_path(const hf_workflow_t *wf, const hf_dag_t *dag,
                           const hf_platform_t *p, bool relax, bool tight)
{
    int n = hf_dag_nsets(dag);
    double *start = malloc((size_t)n * sizeof(double) + 1);
    double *finish = malloc((size_t)n * sizeof(double));
    const int *topo = hf_dag_topo(dag);
    double path = 0;
    size_t words = 0;
    uint64_t *anc = tight ? all_ancestors(wf, dag, &words) : NULL;

    if (!start || !finish)
        goto nomem;
    for (int i = 0; i < n; i++) {
        int s = topo[i];
        const hf_set_t *set = hf_workflow_get_set(wf, s);
        double t = hf_set_model(set, p).t, late = 0;
        start[s] = 0;
        for (int j = 0; j < set->nafter; j++) {
            const hf_dep_t *dep = &set->after[j];
            const hf_set_t *parent = hf_workflow_get_set(wf, dep->parent);
            double at;
            if (dep->threshold > 0) {
                long fit = hf_set_fit(parent, p);
                at = start[dep->parent] +
                     (double)((dep->threshold + fit - 1) / fit) * parent->duration_mean;
            } else if (dep->map == HF_MAP_ONE_TO_ONE && relax) {
                at = start[dep->parent] + parent->duration_mean;
                if (finish[dep->parent] + set->duration_mean > late)
                    late = finish[dep->parent] + set->duration_mean;
            } else {
                at = finish[dep->parent];
            }
            if (at > start[s])
                start[s] = at;
        }
        if (tight) {
            double at =
                gather_bound(wf, set, anc ? anc + (size_t)s * words : NULL, n, start, p);
            if (at < 0)
                goto nomem;
            if (at > start[s])
                start[s] = at;
        }
        finish[s] = start[s] + t > late ? start[s] + t : late;
        if (finish[s] > path)
            path = finish[s];
    }
    if (anc) {
        double tails = tails_bound(wf, dag, anc, words, start, p);
        if (tails < 0)
            goto nomem;
        if (tails > path)
            path = tails;
    }
    free(anc);
    free(start);
    free(finish);
    return path;
nomem:
    free(anc);
    free(start);
    free(finish);
    return -1;
}

/* The lower bound (tight: false) or the tight bound (tight: true) of
 * docs/model.md. */
static double bound(const hf_workflow_t *wf, const hf_dag_t *dag, const hf_platform_t *p,
                    bool tight)
{
    double path = longest_path(wf, dag, p, true, tight), area_c, area_g, b;

    if (path < 0)
        return -1;
    areas(wf, hf_dag_nsets(dag), p, &area_c, &area_g);
    b = path;
    if (area_c > b)
        b = area_c;
    if (area_g > b)
        b = area_g;
    return fmax(b, hf_data_model(wf, p).bound);
}

hf_data_model_t hf_data_model(const hf_workflow_t *wf, const hf_platform_t *p)
{
    hf_data_model_t d = {0};

    for (int s = 0; s < hf_workflow_nsets(wf); s++) {
        const hf_set_t *set = hf_workflow_get_set(wf, s);
        double tasks = (double)set->tasks;
        double in = hf_set_bytes(wf, set, true, &d.unknown) * tasks;
        double out = hf_set_bytes(wf, set, false, &d.unknown) * tasks;
        d.read += in;
        d.written += out;
        d.staged += (set->stage.in == HF_STAGE_COPY ? in : 0) +
                    (set->stage.out == HF_STAGE_COPY ? out : 0);
    }
    d.bound = p->bw_shared > 0 ? d.staged / p->bw_shared : 0;
    return d;
}

double hf_lower_bound(const hf_workflow_t *wf, const hf_dag_t *dag,
                      const hf_platform_t *p)
{
    return bound(wf, dag, p, false);
}

double hf_tight_bound(const hf_workflow_t *wf, const hf_dag_t *dag,
                      const hf_platform_t *p)
{
    return bound(wf, dag, p, true);
}

const char *hf_limit_name(hf_limit_t limit)
{
    return limit == HF_LIMIT_RESOURCES ? "resources" : "dependencies";
}

/* The paper's times raised to the tight bound (no less than the lower
 * bound, and as valid), and I from them.  t_async never falls below the
 * bound's critical path (the relaxed path is no longer), so a bound above
 * it comes from the work over the platform's capacity: resources limit. */
static void bound_aware(hf_analysis_t *a)
{
    a->t_seq_bounded = fmax(a->t_seq, a->tight_bound);
    a->t_async_bounded = fmax(a->t_async, a->tight_bound);
    a->improvement_bounded =
        a->t_seq_bounded > 0 ? 1.0 - a->t_async_bounded / a->t_seq_bounded : 0;
    a->limit = a->tight_bound > a->t_async ? HF_LIMIT_RESOURCES : HF_LIMIT_DEPENDENCIES;
}

int hf_analyze(const hf_workflow_t *wf, hf_dag_t *dag, const hf_platform_t *p,
               hf_analysis_t *out)
{
    int n = hf_dag_nsets(dag);
    double *t = malloc((size_t)n * sizeof(double));

    memset(out, 0, sizeof(*out));
    out->nsets = n;
    if (!t || !(out->sets = calloc((size_t)n, sizeof(*out->sets))))
        goto nomem;
    for (int s = 0; s < n; s++) {
        out->sets[s] = hf_set_model(hf_workflow_get_set(wf, s), p);
        t[s] = out->sets[s].t;
    }
    out->t_seq = t_seq_by_levels(dag, out->sets);
    out->t_async = longest_path(wf, dag, p, false, false);
    out->lower_bound = hf_lower_bound(wf, dag, p);
    out->tight_bound = hf_tight_bound(wf, dag, p);
    if (out->t_seq < 0 || out->t_async < 0 || out->lower_bound < 0 ||
        out->tight_bound < 0)
        goto nomem;
    out->improvement = out->t_seq > 0 ? 1.0 - out->t_async / out->t_seq : 0;
    out->critical_path = out->t_async;
    out->data = hf_data_model(wf, p);
    areas(wf, hf_dag_nsets(dag), p, &out->area_cores, &out->area_gpus);
    bound_aware(out);
    if (doa_compute(wf, dag, p, out) < 0)
        goto nomem;
    free(t);
    return 0;
nomem:
    free(t);
    hf_analysis_free(out);
    errno = ENOMEM;
    return -1;
}

void hf_analysis_free(hf_analysis_t *a)
{
    if (a) {
        free(a->sets);
        a->sets = NULL;
    }
}

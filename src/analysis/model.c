/* The degree-of-asynchronicity model (Pascuzzi, Kilic, Turilli, Jha) with
 * the definitions of DESIGN.md: per-set waves and times, t_seq (Eq. 2 with
 * the levels as stages), t_async (Eq. 3), I (Eq. 4), DOA_dep, DOA_res, WLA
 * (Eq. 1), the critical path and a makespan lower bound. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "doa.h"
#include "hetflow/analysis.h"

long hf_set_fit(const hf_set_t *set, const hf_platform_t *p)
{
    long per_node = p->cores_per_node / set->cores;

    if (set->gpus > 0 && p->gpus_per_node / set->gpus < per_node)
        per_node = p->gpus_per_node / set->gpus;
    return per_node * p->nodes / set->ranks;
}

hf_set_model_t hf_set_model(const hf_set_t *set, const hf_platform_t *p)
{
    hf_set_model_t m;

    m.fit = hf_set_fit(set, p);
    m.waves = (set->tasks + m.fit - 1) / m.fit;
    m.t = (double)m.waves * set->duration_mean;
    return m;
}

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
        const hf_set_t *set = hf_workflow_set(wf, s);
        double task_s = (double)set->tasks * set->ranks * set->duration_mean;
        core_s += task_s * set->cores;
        gpu_s += task_s * set->gpus;
    }
    *cores = core_s / (double)hf_platform_total_cores(p);
    *gpus = hf_platform_total_gpus(p) > 0 ? gpu_s / (double)hf_platform_total_gpus(p) : 0;
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
                           const hf_platform_t *p, bool relax)
{
    int n = hf_dag_nsets(dag);
    double *start = malloc((size_t)n * sizeof(double));
    double *finish = malloc((size_t)n * sizeof(double));
    const int *topo = hf_dag_topo(dag);
    double path = 0;

    if (!start || !finish) {
        free(start);
        free(finish);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        int s = topo[i];
        const hf_set_t *set = hf_workflow_set(wf, s);
        double t = hf_set_model(set, p).t, late = 0;
        start[s] = 0;
        for (int j = 0; j < set->nafter; j++) {
            const hf_dep_t *dep = &set->after[j];
            const hf_set_t *parent = hf_workflow_set(wf, dep->parent);
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
        finish[s] = start[s] + t > late ? start[s] + t : late;
        if (finish[s] > path)
            path = finish[s];
    }
    free(start);
    free(finish);
    return path;
}

double hf_lower_bound(const hf_workflow_t *wf, const hf_dag_t *dag,
                      const hf_platform_t *p)
{
    double path = longest_path(wf, dag, p, true), area_c, area_g, bound;

    if (path < 0)
        return -1;
    areas(wf, hf_dag_nsets(dag), p, &area_c, &area_g);
    bound = path;
    if (area_c > bound)
        bound = area_c;
    if (area_g > bound)
        bound = area_g;
    return bound;
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
        out->sets[s] = hf_set_model(hf_workflow_set(wf, s), p);
        t[s] = out->sets[s].t;
    }
    out->t_seq = t_seq_by_levels(dag, out->sets);
    out->t_async = longest_path(wf, dag, p, false);
    out->lower_bound = hf_lower_bound(wf, dag, p);
    if (out->t_seq < 0 || out->t_async < 0 || out->lower_bound < 0)
        goto nomem;
    out->improvement = out->t_seq > 0 ? 1.0 - out->t_async / out->t_seq : 0;
    out->critical_path = out->t_async;
    areas(wf, hf_dag_nsets(dag), p, &out->area_cores, &out->area_gpus);
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

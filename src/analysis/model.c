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
static void areas(const hf_workflow_t *wf, const hf_platform_t *p, double *cores,
                  double *gpus)
{
    double core_s = 0, gpu_s = 0;

    for (int s = 0; s < hf_workflow_nsets(wf); s++) {
        const hf_set_t *set = hf_workflow_set(wf, s);
        double task_s = (double)set->tasks * set->ranks * set->duration_mean;
        core_s += task_s * set->cores;
        gpu_s += task_s * set->gpus;
    }
    *cores = core_s / (double)hf_platform_total_cores(p);
    *gpus = hf_platform_total_gpus(p) > 0 ? gpu_s / (double)hf_platform_total_gpus(p) : 0;
}

/* Earliest possible finish of each set: it needs its own t after an
 * all-tasks parent ends, but only one task's duration after a one-to-one
 * parent's last task ends (its other tasks may have run alongside). */
double hf_lower_bound(const hf_workflow_t *wf, const hf_dag_t *dag,
                      const hf_platform_t *p)
{
    int n = hf_workflow_nsets(wf);
    double *finish = malloc((size_t)n * sizeof(double));
    double path = 0, area_c, area_g, bound;
    const int *topo = hf_dag_topo(dag);

    if (!finish)
        return -1;
    for (int i = 0; i < n; i++) {
        int s = topo[i];
        const hf_set_t *set = hf_workflow_set(wf, s);
        double t = hf_set_model(set, p).t;
        finish[s] = t;
        for (int j = 0; j < set->nafter; j++) {
            double f = finish[set->after[j].parent] +
                       (set->after[j].map == HF_MAP_ONE_TO_ONE ? set->duration_mean : t);
            if (f > finish[s])
                finish[s] = f;
        }
        if (finish[s] > path)
            path = finish[s];
    }
    free(finish);
    areas(wf, p, &area_c, &area_g);
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
    int n = hf_workflow_nsets(wf);
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
    out->t_async = hf_dag_longest_path(dag, t);
    out->lower_bound = hf_lower_bound(wf, dag, p);
    if (out->t_seq < 0 || out->t_async < 0 || out->lower_bound < 0)
        goto nomem;
    out->improvement = out->t_seq > 0 ? 1.0 - out->t_async / out->t_seq : 0;
    out->critical_path = out->t_async;
    areas(wf, p, &out->area_cores, &out->area_gpus);
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

/* DOA_dep and DOA_res.  DOA_dep is polynomial (Dilworth, in the DAG part).
 * DOA_res, the largest antichain whose sets fit together when every task of
 * each runs at once, is a two-dimensional knapsack over antichains and so
 * NP-hard in general: a branch and bound finds it exactly for the DAGs of
 * real workflows and stops at a budget of search nodes on huge ones, saying
 * the result is then only a lower bound. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doa.h"

#define DOA_SEARCH_BUDGET 2000000L

typedef struct {
    hf_dag_t *dag;
    int ncand;
    int *cand;          /* sets that fit the platform alone, by core demand */
    double *need_cores; /* per candidate position */
    double *need_gpus;
    double cap_cores, cap_gpus;
    size_t words;           /* of a bit row over candidate positions */
    uint64_t *incomparable; /* ncand rows */
    uint64_t *scratch;      /* (depth + 1) rows of allowed positions */
    int best;
    int ceiling; /* DOA_dep + 1: no antichain is larger */
    long budget;
} search_t;

static int popcount_row(const uint64_t *row, size_t words)
{
    int n = 0;

    for (size_t w = 0; w < words; w++)
        n += __builtin_popcountll(row[w]);
    return n;
}

/* `allowed` holds candidate positions after `from` that are incomparable
 * with every chosen set. */
static void search(search_t *s, const uint64_t *allowed, int depth, double cores,
                   double gpus)
{
    uint64_t *next = s->scratch + (size_t)(depth + 1) * s->words;

    if (depth > s->best)
        s->best = depth;
    if (s->best >= s->ceiling || --s->budget < 0)
        return;
    if (depth + popcount_row(allowed, s->words) <= s->best)
        return;
    for (size_t w = 0; w < s->words; w++) {
        uint64_t bits = allowed[w];
        while (bits) {
            int i = (int)(w * 64) + __builtin_ctzll(bits);
            const uint64_t *inc = s->incomparable + (size_t)i * s->words;
            bits &= bits - 1;
            if (cores + s->need_cores[i] > s->cap_cores ||
                gpus + s->need_gpus[i] > s->cap_gpus)
                continue;
            /* Positions after i that stay allowed with i chosen. */
            for (size_t v = 0; v < s->words; v++)
                next[v] = allowed[v] & inc[v];
            next[w] &= ~((2ULL << (i % 64)) - 1);
            for (size_t v = 0; v < w; v++)
                next[v] = 0;
            search(s, next, depth + 1, cores + s->need_cores[i], gpus + s->need_gpus[i]);
            if (s->best >= s->ceiling || s->budget < 0)
                return;
        }
    }
}

/* qsort_r comparator: candidates by the cores they need all at once. */
static int by_core_need(const void *a, const void *b, void *arg)
{
    const hf_workflow_t *wf = arg;
    const hf_set_t *x = hf_workflow_get_set(wf, *(const int *)a);
    const hf_set_t *y = hf_workflow_get_set(wf, *(const int *)b);
    double nx = (double)x->tasks * x->ranks * x->cores;
    double ny = (double)y->tasks * y->ranks * y->cores;

    if (nx != ny)
        return nx < ny ? -1 : 1;
    return *(const int *)a - *(const int *)b;
}

static int doa_res(const hf_workflow_t *wf, hf_dag_t *dag, const hf_platform_t *p,
                   int ceiling, bool *exact)
{
    search_t s = {.dag = dag, .ceiling = ceiling, .budget = DOA_SEARCH_BUDGET};
    int n = hf_dag_nsets(dag);
    int rc = -1;

    s.cap_cores = (double)hf_platform_total_cores(p);
    s.cap_gpus = (double)hf_platform_total_gpus(p);
    if (!(s.cand = malloc((size_t)n * sizeof(int))))
        goto done;
    for (int i = 0; i < n; i++) {
        const hf_set_t *set = hf_workflow_get_set(wf, i);
        double tasks = (double)set->tasks * set->ranks;
        if (tasks * set->cores <= s.cap_cores && tasks * set->gpus <= s.cap_gpus)
            s.cand[s.ncand++] = i;
    }
    /* Smallest sets first, so the first branch is the greedy answer and
     * prunes the rest early. */
    qsort_r(s.cand, (size_t)s.ncand, sizeof(int), by_core_need, (void *)wf);
    s.words = ((size_t)s.ncand + 63) / 64;
    s.need_cores = malloc((size_t)s.ncand * sizeof(double) + 1);
    s.need_gpus = malloc((size_t)s.ncand * sizeof(double) + 1);
    s.incomparable = calloc((size_t)s.ncand * s.words + 1, sizeof(uint64_t));
    s.scratch = calloc(((size_t)s.ncand + 2) * s.words + 1, sizeof(uint64_t));
    if (!s.need_cores || !s.need_gpus || !s.incomparable || !s.scratch)
        goto done;
    for (int i = 0; i < s.ncand; i++) {
        const hf_set_t *set = hf_workflow_get_set(wf, s.cand[i]);
        uint64_t *row = s.incomparable + (size_t)i * s.words;
        double tasks = (double)set->tasks * set->ranks;
        s.need_cores[i] = tasks * set->cores;
        s.need_gpus[i] = tasks * set->gpus;
        for (int j = 0; j < s.ncand; j++) {
            if (j != i && !hf_dag_reaches(dag, s.cand[i], s.cand[j]) &&
                !hf_dag_reaches(dag, s.cand[j], s.cand[i]))
                row[j / 64] |= 1ULL << (j % 64);
        }
        s.scratch[i / 64] |= 1ULL << (i % 64); /* row 0: all allowed */
    }
    search(&s, s.scratch, 0, 0, 0);
    *exact = s.budget >= 0;
    rc = s.best;
done:
    free(s.cand);
    free(s.need_cores);
    free(s.need_gpus);
    free(s.incomparable);
    free(s.scratch);
    if (rc < 0)
        errno = ENOMEM;
    return rc;
}

int doa_compute(const hf_workflow_t *wf, hf_dag_t *dag, const hf_platform_t *p,
                hf_analysis_t *out)
{
    int width, fitting;

    if (hf_workflow_nsets(wf) > DOA_MAX_SETS) {
        out->doa_dep = out->doa_res = out->wla = -1;
        out->doa_res_exact = false;
        return 0;
    }
    if ((width = hf_dag_max_antichain(dag, NULL)) < 0)
        return -1;
    if ((fitting = doa_res(wf, dag, p, width, &out->doa_res_exact)) < 0)
        return -1;
    out->doa_dep = width - 1;
    out->doa_res = fitting > 0 ? fitting - 1 : 0;
    out->wla = out->doa_dep < out->doa_res ? out->doa_dep : out->doa_res;
    return 0;
}

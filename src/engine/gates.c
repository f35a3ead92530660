/* Stages and their gates for the sequential and workload modes; see gates.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gates.h"

typedef struct {
    int pipeline, level, set;
} stage_key_t;

static int by_stage(const void *a, const void *b)
{
    const stage_key_t *x = a, *y = b;

    if (x->pipeline != y->pipeline)
        return x->pipeline - y->pipeline;
    if (x->level != y->level)
        return x->level - y->level;
    return x->set - y->set;
}

int gates_init(gates_t *g, const hf_dag_t *dag, const hf_workflow_t *wf, hf_mode_t mode)
{
    int n = hf_dag_nsets(dag), nkeys = 0;
    stage_key_t *keys = NULL;

    memset(g, 0, sizeof(*g));
    g->nsets = n;
    if (!(g->stage_of = malloc((size_t)n * sizeof(int))))
        goto nomem;
    for (int s = 0; s < n; s++)
        g->stage_of[s] = -1;
    if (mode == HF_MODE_TASK)
        return 0;
    keys = malloc((size_t)n * sizeof(*keys));
    g->members = malloc((size_t)n * sizeof(int));
    g->stages = calloc((size_t)n, sizeof(stage_t));
    if (!keys || !g->members || !g->stages)
        goto nomem;
    /* Services have no stage (nor have pools, which are no sets): they
     * serve the stages of their users, and end only after them. */
    for (int s = 0; s < n; s++)
        if (!hf_workflow_get_set(wf, s)->service)
            keys[nkeys++] =
                (stage_key_t){mode == HF_MODE_SEQUENTIAL ? 0 : hf_dag_pipeline(dag, s),
                              hf_dag_level(dag, s), s};
    qsort(keys, (size_t)nkeys, sizeof(*keys), by_stage);
    for (int i = 0; i < nkeys; i++) {
        bool new_stage = i == 0 || keys[i].pipeline != keys[i - 1].pipeline ||
                         keys[i].level != keys[i - 1].level;
        stage_t *st;
        if (new_stage) {
            st = &g->stages[g->nstages++];
            st->first = i;
            st->next = -1;
            /* A pipeline's first stage is open from the start. */
            st->open = i == 0 || keys[i].pipeline != keys[i - 1].pipeline;
            if (!st->open)
                g->stages[g->nstages - 2].next = g->nstages - 1;
        }
        st = &g->stages[g->nstages - 1];
        st->count++;
        st->unfinished++;
        g->members[i] = keys[i].set;
        g->stage_of[keys[i].set] = g->nstages - 1;
    }
    free(keys);
    return 0;
nomem:
    free(keys);
    gates_fini(g);
    errno = ENOMEM;
    return -1;
}

void gates_fini(gates_t *g)
{
    free(g->stages);
    free(g->members);
    free(g->stage_of);
    memset(g, 0, sizeof(*g));
}

int gates_set_ended(gates_t *g, int s)
{
    stage_t *st;

    if (s < 0 || s >= g->nsets || g->stage_of[s] < 0) /* a pool; a set submitted late */
        return -1;
    st = &g->stages[g->stage_of[s]];
    if (--st->unfinished > 0 || st->next < 0)
        return -1;
    g->stages[st->next].open = true;
    return st->next;
}

/* The mode rules as gates.  Sets are grouped into stages, (pipeline, level)
 * pairs; a pipeline's stages open one after another, each when every set of
 * the stage before has ended.  `sequential` puts every set in one pipeline,
 * `workload` uses the DAG's pipelines, `task` has no gates at all. */
#ifndef HETFLOW_ENGINE_GATES_H
#define HETFLOW_ENGINE_GATES_H

#include <stdbool.h>

#include "hetflow/dag.h"

typedef struct {
    int first; /* into gates_t.members */
    int count;
    int unfinished; /* sets of this stage not yet ended */
    int next;       /* the pipeline's next stage, or -1 */
    bool open;
} stage_t;

typedef struct {
    stage_t *stages;
    int nstages;
    int *members;  /* set ids grouped by stage */
    int *stage_of; /* per set, -1 under `task` mode */
    int nsets;     /* sets added later have no gate: their own edges order them */
} gates_t;

int gates_init(gates_t *g, const hf_dag_t *dag, const hf_workflow_t *wf, hf_mode_t mode);
void gates_fini(gates_t *g);

/* Whether set s may start under the mode's rules. */
static inline bool gates_open(const gates_t *g, int s)
{
    return s >= g->nsets || g->stage_of[s] < 0 || g->stages[g->stage_of[s]].open;
}

/* Note that set s ended.  Returns the stage that opened as a result, or -1. */
int gates_set_ended(gates_t *g, int s);

#endif

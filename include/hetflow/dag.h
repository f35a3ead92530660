/* DAG facts about a workflow's sets (part of the workflow part): topological
 * order, levels, children, pipelines, weighted paths and antichains.  Built
 * once per workflow; everything is per set, never per task.
 */
#ifndef HETFLOW_DAG_H
#define HETFLOW_DAG_H

#include <stdbool.h>

#include "workflow.h"

typedef struct hf_dag hf_dag_t;

typedef struct {
    int set;
    hf_map_t map;
    long threshold; /* parent tasks done that release the child; 0 for all */
} hf_edge_t;

/* The edge from its parent that dependency `dep` of set `child` becomes
 * (after hf_workflow_finish()): the one place a dependency turns into an
 * edge, for the DAG and the engine alike. */
hf_edge_t hf_dep_edge(const hf_dep_t *dep, int child);

/* Build the DAG of wf's sets.  Returns NULL with EINVAL and a message naming
 * the sets on a cycle, or ENOMEM. */
hf_dag_t *hf_dag_create(const hf_workflow_t *wf, hf_error_t *err);
void hf_dag_destroy(hf_dag_t *dag);

int hf_dag_nsets(const hf_dag_t *dag);

/* Sets in a topological order (parents before children), stable in file order. */
const int *hf_dag_topo(const hf_dag_t *dag);

/* Length of the longest edge path from a source set to `set`. */
int hf_dag_level(const hf_dag_t *dag, int set);
int hf_dag_nlevels(const hf_dag_t *dag);

int hf_dag_nchildren(const hf_dag_t *dag, int set);

/* Pipelines for workload mode: the default cut of docs/model.md (remove every edge
 * leaving a set with more than one child; each weakly connected component is a
 * pipeline), with sets carrying the same `pipeline:` label joined instead.
 * Pipeline ids are dense, numbered in order of their first set in the file. */
int hf_dag_pipeline(const hf_dag_t *dag, int set);
int hf_dag_npipelines(const hf_dag_t *dag);

/* rank[s] = w[s] + max over children c of rank[c] (0 without children). */
void hf_dag_upward_rank(const hf_dag_t *dag, const double *w, double *rank);

/* True when a path of edges leads from set a to set b (a != b).  The first
 * call builds the transitive closure: O(n^2 / 64) words of memory. */
bool hf_dag_reaches(hf_dag_t *dag, int a, int b);

/* Largest set of sets no two of which are joined by a path (Dilworth, via a
 * maximum matching on the closure).  Writes the members to `members` (room
 * for nsets) when not NULL and returns their number, or -1 with ENOMEM. */
int hf_dag_max_antichain(hf_dag_t *dag, int *members);

#endif

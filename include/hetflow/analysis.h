/* The degree-of-asynchronicity model of Pascuzzi, Kilic, Turilli and Jha:
 * per-set waves and times, t_seq, t_async, the improvement I, DOA_dep,
 * DOA_res, WLA, the critical path and a makespan lower bound, exactly as
 * docs/model.md defines them (a set's own model, hf_set_model(), is in
 * workflow.h: the scheduler's ranks read it too).  Nothing here runs
 * anything.
 */
#ifndef HETFLOW_ANALYSIS_H
#define HETFLOW_ANALYSIS_H

#include <jansson.h>
#include <stdbool.h>

#include "dag.h"
#include "platform.h"
#include "workflow.h"

/* The workflow's data: bytes its tasks read and write (files of known
 * size), bytes that staging copies across the shared filesystem, and the
 * time that takes at the shared bandwidth (0 when unlimited): no schedule
 * moves its files faster, so the bounds include it. */
typedef struct {
    double read, written, staged;
    double bound;
    long unknown; /* files of no known size, counted 0 */
} hf_data_model_t;

hf_data_model_t hf_data_model(const hf_workflow_t *wf, const hf_platform_t *p);

typedef struct {
    int nsets;
    hf_set_model_t *sets; /* per set, in file order */
    double t_seq;
    double t_async;
    double improvement; /* 1 - t_async / t_seq; 0 when t_seq is 0 */
    int doa_dep;
    int doa_res;
    bool doa_res_exact; /* false when the search hit its budget */
    int wla;
    double critical_path;
    double area_cores; /* total core-seconds / platform cores */
    double area_gpus;  /* total GPU-seconds / platform GPUs (0 without GPUs) */
    double lower_bound;
    double tight_bound; /* hf_tight_bound() */
    hf_data_model_t data;
} hf_analysis_t;

/* Fill `out` for wf on p.  The workflow must have passed
 * hf_workflow_check_platform().  Returns 0, or -1 with ENOMEM. */
int hf_analyze(const hf_workflow_t *wf, hf_dag_t *dag, const hf_platform_t *p,
               hf_analysis_t *out);
void hf_analysis_free(hf_analysis_t *a);

/* A makespan no schedule can beat: the set-level critical path (with
 * one-to-one edges charged one task, not the child's waves) and the areas.
 * Returns the bound (0 or more), or -1 with ENOMEM. */
double hf_lower_bound(const hf_workflow_t *wf, const hf_dag_t *dag,
                      const hf_platform_t *p);

/* A tighter bound, no less than hf_lower_bound(): a set also waits for
 * all the work of its ancestors (through all-tasks edges) spread over the
 * platform, after the earliest those can start; and the sets lasting at
 * least L start by makespan - L, after all their ancestors' work.  Exact
 * over ancestors up to 5000 sets, over parents beyond.  What `simulate`
 * and bench/wfcommons set makespans against.  Returns the bound (0 or
 * more), or -1 with ENOMEM. */
double hf_tight_bound(const hf_workflow_t *wf, const hf_dag_t *dag,
                      const hf_platform_t *p);

/* The `analyze --json` object (docs/cli.md).  Returns NULL with ENOMEM. */
json_t *hf_analysis_json(const hf_workflow_t *wf, const hf_dag_t *dag,
                         const hf_platform_t *p, const hf_analysis_t *a);

#endif

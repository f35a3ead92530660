/* The degree-of-asynchronicity model of Pascuzzi, Kilic, Turilli and Jha:
 * per-set waves and times, t_seq, t_async, the improvement I, DOA_dep,
 * DOA_res, WLA, the critical path, a makespan lower bound and the
 * bound-aware estimate, exactly as docs/model.md defines them (a set's own
 * model, hf_set_model(), is in workflow.h: the scheduler's ranks read it
 * too).  Nothing here runs anything.
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

/* What limits a workflow: its dependencies (t_async, the paper's critical
 * path, is at least the tight bound) or its resources (the tight bound's
 * work over the platform's capacity is above t_async). */
typedef enum { HF_LIMIT_DEPENDENCIES, HF_LIMIT_RESOURCES } hf_limit_t;

/* "dependencies" or "resources". */
const char *hf_limit_name(hf_limit_t limit);

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
    /* The bound-aware estimate: the paper's model sees each set's fit
     * alone, so t_seq and t_async may promise less than the tight bound,
     * which no schedule beats; here they are raised to it. */
    double t_seq_bounded;       /* max(t_seq, tight_bound) */
    double t_async_bounded;     /* max(t_async, tight_bound) */
    double improvement_bounded; /* 1 - t_async_bounded / t_seq_bounded; 0 when 0 */
    hf_limit_t limit;           /* resources when tight_bound > t_async */
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

/* Add the bound-aware estimate's keys (t_seq_bounded, t_async_bounded,
 * improvement_bounded, limited_by) to `o`, as `analyze --json` and
 * `compare --json` give them.  Returns 0, or -1 with ENOMEM. */
int hf_analysis_json_bounded(json_t *o, const hf_analysis_t *a);

#endif

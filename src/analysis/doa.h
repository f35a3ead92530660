/* Degrees of asynchronicity: DOA_dep from the largest antichain of sets,
 * DOA_res from the largest antichain whose sets fit the platform together. */
#ifndef HETFLOW_ANALYSIS_DOA_H
#define HETFLOW_ANALYSIS_DOA_H

#include "hetflow/analysis.h"

/* Above this many sets the closure (n^2 bits, twice) is not built and the
 * DOA fields are reported as not computed (-1). */
#define DOA_MAX_SETS 16384

/* Fill out->doa_dep, doa_res, doa_res_exact and wla.  Returns 0, or -1 with
 * ENOMEM. */
int doa_compute(const hf_workflow_t *wf, hf_dag_t *dag, const hf_platform_t *p,
                hf_analysis_t *out);

#endif

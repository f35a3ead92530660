/* A finished run's summary object, the one `simulate --json` and `run
 * --json` print, in one call for library users (Python's Run.summary()). */

#include "hetflow/run.h"

json_t *hf_run_summary_json(const hf_engine_t *e, const hf_dag_t *dag, bool partial)
{
    hf_summary_t s;
    hf_bounds_t b;

    hf_summary_compute(e, &s);
    if (hf_summary_bounds(e, dag, partial, &b) < 0)
        return NULL;
    return hf_summary_json(e, &s, &b);
}

/* The `analyze --json` object (docs/cli.md) and the bound-aware estimate's
 * keys, which `compare --json` shares. */
#include <errno.h>
#include <math.h>

#include "hetflow/analysis.h"

static json_t *number(double v)
{
    return json_real(round(v * 1e6) / 1e6);
}

/* DOA values are -1 when not computed (too many sets): null in JSON. */
static json_t *degree(int v)
{
    return v < 0 ? json_null() : json_integer(v);
}

int hf_analysis_json_bounded(json_t *o, const hf_analysis_t *a)
{
    if (json_object_set_new(o, "t_seq_bounded", number(a->t_seq_bounded)) < 0 ||
        json_object_set_new(o, "t_async_bounded", number(a->t_async_bounded)) < 0 ||
        json_object_set_new(o, "improvement_bounded", number(a->improvement_bounded)) <
            0 ||
        json_object_set_new(o, "limited_by", json_string(hf_limit_name(a->limit))) < 0) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

json_t *hf_analysis_json(const hf_workflow_t *wf, const hf_dag_t *dag,
                         const hf_platform_t *p, const hf_analysis_t *a)
{
    json_t *sets = json_object(), *all;

    if (!sets)
        return NULL;
    for (int s = 0; s < a->nsets; s++) {
        const hf_set_model_t *m = &a->sets[s];
        json_t *o = json_pack("{s:o,s:I,s:I,s:i,s:i}", "t", number(m->t), "waves",
                              (json_int_t)m->waves, "fit", (json_int_t)m->fit, "level",
                              hf_dag_level(dag, s), "pipeline", hf_dag_pipeline(dag, s));
        if (!o || json_object_set_new(sets, hf_workflow_get_set(wf, s)->name, o) < 0) {
            json_decref(sets);
            return NULL;
        }
    }
    all = json_pack(
        "{s:s,s:{s:i,s:i,s:i},s:o,s:o,s:b,s:o,s:o,s:o,s:o,s:o,s:o,"
        "s:o,s:{s:o,s:o},s:i,s:i,s:o,s:{s:o,s:o,s:o,s:o,s:I}}",
        "workflow", hf_workflow_name(wf), "platform", "nodes", p->nodes, "cores_per_node",
        p->cores_per_node, "gpus_per_node", p->gpus_per_node, "doa_dep",
        degree(a->doa_dep), "doa_res", degree(a->doa_res), "doa_res_exact",
        a->doa_res_exact, "wla", degree(a->wla), "t_seq", number(a->t_seq), "t_async",
        number(a->t_async), "improvement", number(a->improvement), "critical_path",
        number(a->critical_path), "lower_bound", number(a->lower_bound), "tight_bound",
        number(a->tight_bound), "area", "cores", number(a->area_cores), "gpus",
        number(a->area_gpus), "levels", hf_dag_nlevels(dag), "pipelines",
        hf_dag_npipelines(dag), "sets", sets, "data", "read", number(a->data.read),
        "written", number(a->data.written), "staged", number(a->data.staged), "bound",
        number(a->data.bound), "unknown_sizes", (json_int_t)a->data.unknown);
    if (all && hf_analysis_json_bounded(all, a) < 0) {
        json_decref(all);
        return NULL;
    }
    return all;
}

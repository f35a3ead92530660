/* The summary of a run, from the engine's task records: makespan, tasks by
 * outcome, utilization, and each set's first start and last end. */
#include <math.h>
#include <stdlib.h>

#include "hetflow/trace.h"

void hf_summary_compute(const hf_engine_t *e, hf_summary_t *out)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);
    const hf_platform_t *p = &hf_engine_config(e)->platform;
    double first = INFINITY, last = -INFINITY, core_s = 0, gpu_s = 0;
    hf_task_info_t t;

    for (uint32_t id = 0; id < hf_engine_ntasks(e); id++) {
        const hf_set_t *set;
        hf_engine_task(e, id, &t);
        if (t.start < 0 || t.end < 0)
            continue;
        set = hf_workflow_set(wf, t.set);
        if (t.start < first)
            first = t.start;
        if (t.end > last)
            last = t.end;
        core_s += (t.end - t.start) * set->ranks * set->cores;
        gpu_s += (t.end - t.start) * set->ranks * set->gpus;
    }
    out->first_start = isfinite(first) ? first : 0;
    out->makespan = isfinite(first) ? last - first : 0;
    out->util_cores = out->makespan > 0
                          ? core_s / ((double)hf_platform_total_cores(p) * out->makespan)
                          : 0;
    out->util_gpus = out->makespan > 0 && hf_platform_total_gpus(p) > 0
                         ? gpu_s / ((double)hf_platform_total_gpus(p) * out->makespan)
                         : 0;
    out->tasks = hf_engine_ntasks(e);
    out->done = hf_engine_count(e, HF_TASK_DONE);
    out->failed = hf_engine_count(e, HF_TASK_FAILED);
    out->canceled = hf_engine_count(e, HF_TASK_CANCELED);
}

/* Round to microseconds: beyond that the numbers are noise, and stable
 * digits keep the JSON comparable between runs and machines. */
static json_t *seconds(double s)
{
    return json_real(round(s * 1e6) / 1e6);
}

static json_t *sets_json(const hf_engine_t *e, double origin)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);
    int n = hf_workflow_nsets(wf);
    double *start = malloc((size_t)n * sizeof(double));
    double *end = malloc((size_t)n * sizeof(double));
    json_t *sets = json_object();
    hf_task_info_t t;

    if (!start || !end || !sets)
        goto error;
    for (int s = 0; s < n; s++) {
        start[s] = INFINITY;
        end[s] = -INFINITY;
    }
    for (uint32_t id = 0; id < hf_engine_ntasks(e); id++) {
        hf_engine_task(e, id, &t);
        if (t.start >= 0 && t.start < start[t.set])
            start[t.set] = t.start;
        if (t.end >= 0 && t.start >= 0 && t.end > end[t.set])
            end[t.set] = t.end;
    }
    for (int s = 0; s < n; s++) {
        json_t *o = isfinite(start[s])
                        ? json_pack("{s:o,s:o}", "start", seconds(start[s] - origin),
                                    "end", seconds(end[s] - origin))
                        : json_pack("{s:n,s:n}", "start", "end");
        if (!o || json_object_set_new(sets, hf_workflow_set(wf, s)->name, o) < 0)
            goto error;
    }
    free(start);
    free(end);
    return sets;
error:
    free(start);
    free(end);
    json_decref(sets);
    return NULL;
}

json_t *hf_summary_json(const hf_engine_t *e, const hf_summary_t *s)
{
    const hf_engine_config_t *cfg = hf_engine_config(e);
    json_t *sets = sets_json(e, s->first_start);

    if (!sets)
        return NULL;
    return json_pack(
        "{s:s,s:s,s:s,s:o,s:I,s:I,s:I,s:I,s:{s:o,s:o},s:{s:i,s:i,s:i},s:o}", "workflow",
        hf_workflow_name(hf_engine_workflow(e)), "mode", hf_mode_name(cfg->mode),
        "policy", hf_policy_name(cfg->policy), "makespan", seconds(s->makespan), "tasks",
        (json_int_t)s->tasks, "tasks_done", (json_int_t)s->done, "tasks_failed",
        (json_int_t)s->failed, "tasks_canceled", (json_int_t)s->canceled, "utilization",
        "cores", seconds(s->util_cores), "gpus", seconds(s->util_gpus), "platform",
        "nodes", cfg->platform.nodes, "cores_per_node", cfg->platform.cores_per_node,
        "gpus_per_node", cfg->platform.gpus_per_node, "sets", sets);
}

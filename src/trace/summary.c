/* The summary of a run, from the engine's accounting over every attempt of
 * every task: makespan, tasks by outcome, utilization, and each set's first
 * start and last end; and the makespan bounds it compares with. */
#include <errno.h>
#include <math.h>

#include "hetflow/analysis.h"
#include "hetflow/trace.h"
#include "hetflow/workflow_rules.h"

void hf_summary_compute(const hf_engine_t *e, hf_summary_t *out)
{
    const hf_platform_t *p = &hf_engine_config(e)->platform;
    hf_usage_t u;

    hf_engine_usage(e, &u);
    out->first_start = u.first_start >= 0 ? u.first_start : 0;
    out->makespan = u.first_start >= 0 ? u.last_end - u.first_start : 0;
    out->util_cores =
        out->makespan > 0
            ? u.core_seconds / ((double)hf_platform_total_cores(p) * out->makespan)
            : 0;
    out->util_gpus =
        out->makespan > 0 && hf_platform_total_gpus(p) > 0
            ? u.gpu_seconds / ((double)hf_platform_total_gpus(p) * out->makespan)
            : 0;
    out->tasks = hf_engine_ntasks(e);
    out->done = hf_engine_count(e, HF_TASK_DONE);
    out->failed = hf_engine_count(e, HF_TASK_FAILED);
    out->canceled = hf_engine_count(e, HF_TASK_CANCELED);
    out->results = 0;
    for (uint32_t id = 0; id < out->tasks; id++) {
        hf_task_info_t t;
        if (!hf_engine_result(e, id)) /* the cheap test first */
            continue;
        hf_engine_task(e, id, &t);
        out->results += t.state == HF_TASK_DONE;
    }
}

/* Round to microseconds: beyond that the numbers are noise, and stable
 * digits keep the JSON comparable between runs and machines. */
static json_t *seconds(double s)
{
    return json_real(round(s * 1e6) / 1e6);
}

static json_t *sets_json(const hf_engine_t *e, double origin)
{
    json_t *sets = json_object();

    for (int g = 0; sets && g < hf_engine_ngroups(e); g++) {
        double start, end;
        json_t *o;
        hf_engine_span_of_group(e, g, &start, &end);
        o = start >= 0 ? json_pack("{s:o,s:o}", "start", seconds(start - origin), "end",
                                   seconds(end - origin))
                       : json_pack("{s:n,s:n}", "start", "end");
        if (!o || json_object_set_new(sets, hf_engine_group_name(e, g), o) < 0) {
            json_decref(sets);
            return NULL;
        }
    }
    return sets;
}

/* The marks (rules that fired), in the order they were made. */
static json_t *marks_json(const hf_engine_t *e, double origin)
{
    json_t *marks = json_array();

    for (int i = 0; marks && i < hf_engine_nmarks(e); i++) {
        const char *label;
        double time;
        hf_engine_mark_info(e, i, &time, &label);
        if (json_array_append_new(marks,
                                  json_pack("{s:o,s:s}", "time", seconds(time - origin),
                                            "label", label)) < 0) {
            json_decref(marks);
            return NULL;
        }
    }
    return marks;
}

static json_t *summary_object(const hf_engine_t *e, const hf_summary_t *s, json_t *sets,
                              json_t *marks);

static json_t *summary_json(const hf_engine_t *e, const hf_summary_t *s)
{
    json_t *sets = sets_json(e, s->first_start), *marks = marks_json(e, s->first_start);

    if (!sets || !marks) {
        json_decref(sets);
        json_decref(marks);
        return NULL;
    }
    if (hf_workflow_stages(hf_engine_workflow(e))) {
        hf_staging_summary_t st;
        json_t *o = hf_staging_compute(e, &st) == 0 ? hf_staging_json(e, &st) : NULL;
        if (!o) {
            json_decref(sets);
            json_decref(marks);
            return NULL;
        }
        json_t *all = summary_object(e, s, sets, marks);
        if (!all || json_object_set_new(all, "staging", o) < 0) {
            json_decref(all);
            return NULL;
        }
        return all;
    }
    return summary_object(e, s, sets, marks);
}

static json_t *summary_object(const hf_engine_t *e, const hf_summary_t *s, json_t *sets,
                              json_t *marks)
{
    const hf_engine_config_t *cfg = hf_engine_config(e);

    return json_pack(
        "{s:s,s:s,s:s,s:o,s:I,s:I,s:I,s:I,s:I,s:{s:o,s:o},s:{s:i,s:i,s:i},s:o,s:o}",
        "workflow", hf_workflow_name(hf_engine_workflow(e)), "mode",
        hf_mode_name(cfg->mode), "policy", hf_policy_name(cfg->policy), "makespan",
        seconds(s->makespan), "tasks", (json_int_t)s->tasks, "tasks_done",
        (json_int_t)s->done, "tasks_failed", (json_int_t)s->failed, "tasks_canceled",
        (json_int_t)s->canceled, "results", (json_int_t)s->results, "utilization",
        "cores", seconds(s->util_cores), "gpus", seconds(s->util_gpus), "platform",
        "nodes", cfg->platform.nodes, "cores_per_node", cfg->platform.cores_per_node,
        "gpus_per_node", cfg->platform.gpus_per_node, "sets", sets, "marks", marks);
}

int hf_summary_bounds(const hf_engine_t *e, const hf_dag_t *dag, bool partial,
                      hf_bounds_t *out)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);
    const hf_platform_t *p = &hf_engine_config(e)->platform;

    *out = (hf_bounds_t){HF_BOUNDS_APPLY, -1, -1};
    if (hf_workflow_nrules(wf) > 0) {
        out->use = HF_BOUNDS_NONE_RULES;
        return 0;
    }
    if (partial) {
        out->use = HF_BOUNDS_NONE_PARTIAL;
        return 0;
    }
    if ((out->lower = hf_lower_bound(wf, dag, p)) < 0 ||
        (out->tight = hf_tight_bound(wf, dag, p)) < 0) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

/* A makespan over a bound, to 6 digits; 1 for a bound of 0 (a run of sets
 * without durations). */
static json_t *ratio(double makespan, double bound)
{
    return json_real(bound > 0 ? round(makespan / bound * 1e6) / 1e6 : 1.0);
}

json_t *hf_summary_json(const hf_engine_t *e, const hf_summary_t *s, const hf_bounds_t *b)
{
    json_t *o = summary_json(e, s);
    bool none;

    if (!o || !b)
        return o;
    none = b->use != HF_BOUNDS_APPLY;
    if (json_object_set_new(o, "lower_bound", none ? json_null() : seconds(b->lower)) <
            0 ||
        json_object_set_new(o, "makespan_over_bound",
                            none ? json_null() : ratio(s->makespan, b->lower)) < 0 ||
        json_object_set_new(o, "tight_bound", none ? json_null() : seconds(b->tight)) <
            0 ||
        json_object_set_new(o, "makespan_over_tight_bound",
                            none ? json_null() : ratio(s->makespan, b->tight)) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

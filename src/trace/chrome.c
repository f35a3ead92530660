/* Chrome trace-event output (the JSON that Perfetto and chrome://tracing
 * open): a process per node, a thread per core, and a complete ("X") slice
 * per task on every node it used, on the thread of its first core there.
 * No two tasks hold a core at once, so slices on one thread never overlap.
 * The file is streamed event by event, so a trace of a million tasks never
 * exists as one JSON tree. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hetflow/trace.h"
#include "record.h"

/* Write one event and a separator; the object is consumed. */
static int emit(FILE *f, json_t *ev, bool *first)
{
    int rc;

    if (!ev)
        return -1;
    if (!*first)
        fputs(",\n", f);
    *first = false;
    rc = json_dumpf(ev, f, JSON_COMPACT);
    json_decref(ev);
    return rc;
}

/* Workflow, mode, policy, platform and the sets in file order. */
static json_t *run_info(const hf_engine_t *e)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);
    const hf_engine_config_t *cfg = hf_engine_config(e);
    json_t *sets = json_array();

    for (int s = 0; sets && s < hf_workflow_nsets(wf); s++)
        json_array_append_new(sets, json_string(hf_workflow_set(wf, s)->name));
    return json_pack("{s:s,s:s,s:s,s:{s:i,s:i,s:i},s:o*}", "workflow",
                     hf_workflow_name(wf), "mode", hf_mode_name(cfg->mode), "policy",
                     hf_policy_name(cfg->policy), "platform", "nodes",
                     cfg->platform.nodes, "cores_per_node", cfg->platform.cores_per_node,
                     "gpus_per_node", cfg->platform.gpus_per_node, "sets", sets);
}

static int write_names(FILE *f, const hf_trace_t *t, bool *first)
{
    uint32_t max_node = 0;
    char name[64];

    for (size_t i = 0; i < t->n; i++)
        if (t->rows[i].node > max_node)
            max_node = t->rows[i].node;
    for (uint32_t node = 0; t->n > 0 && node <= max_node; node++) {
        snprintf(name, sizeof(name), "node %u", node);
        if (emit(f,
                 json_pack("{s:s,s:s,s:I,s:{s:s}}", "name", "process_name", "ph", "M",
                           "pid", (json_int_t)node, "args", "name", name),
                 first) < 0)
            return -1;
    }
    return 0;
}

int hf_trace_write_chrome(const hf_trace_t *t, const hf_engine_t *e, const char *path,
                          hf_error_t *err)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);
    FILE *f;
    bool first = true;
    hf_task_info_t info;
    const char *outcome;
    char name[256];

    if (t->failed) {
        hf_error_set(err, "%s: trace incomplete: out of memory while recording", path);
        errno = t->failed;
        return -1;
    }
    if (!(f = fopen(path, "w"))) {
        hf_error_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    /* What a report needs beyond the slices, where trace viewers ignore it. */
    fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"hetflow\":", f);
    if (emit(f, run_info(e), &first) < 0)
        goto error;
    first = true;
    fputs("},\"traceEvents\":[\n", f);
    if (write_names(f, t, &first) < 0)
        goto error;
    for (size_t i = 0; i < t->n; i++) {
        const placement_t *p = &t->rows[i];
        const hf_set_t *set;
        hf_engine_task(e, p->task, &info);
        set = hf_workflow_set(wf, info.set);
        snprintf(name, sizeof(name), "%s[%u]", set->name, info.index);
        /* An attempt that went back to waiting was retried. */
        outcome = p->outcome == HF_TASK_WAITING
                      ? "retried"
                      : hf_task_state_name((hf_task_state_t)p->outcome);
        /* Trace times are integral microseconds. */
        if (emit(
                f,
                json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:{s:s,s:I,s:I,s:I,s:I,s:s,s:i}}",
                          "name", name, "cat", set->name, "ph", "X", "ts",
                          (json_int_t)(p->start * 1e6 + 0.5), "dur",
                          (json_int_t)((p->end - p->start) * 1e6 + 0.5), "pid",
                          (json_int_t)p->node, "tid", (json_int_t)p->core, "args", "set",
                          set->name, "index", (json_int_t)info.index, "ranks",
                          (json_int_t)p->ranks, "cores", (json_int_t)p->cores, "gpus",
                          (json_int_t)p->gpus, "state", outcome, "status", p->status),
                &first) < 0)
            goto error;
    }
    /* Marks (the rules that fired) as instant events across the timeline. */
    for (int i = 0; i < hf_engine_nmarks(e); i++) {
        const char *label;
        double time;
        hf_engine_mark_info(e, i, &time, &label);
        if (emit(f,
                 json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I}", "name", label, "cat", "rule",
                           "ph", "i", "s", "g", "ts", (json_int_t)(time * 1e6 + 0.5),
                           "pid", (json_int_t)0, "tid", (json_int_t)0),
                 &first) < 0)
            goto error;
    }
    fputs("\n]}\n", f);
    if (ferror(f) | fclose(f)) {
        hf_error_set(err, "%s: write failed: %s", path, strerror(errno));
        return -1;
    }
    return 0;
error:
    fclose(f);
    hf_error_set(err, "%s: write failed: %s", path, strerror(errno ? errno : EIO));
    return -1;
}

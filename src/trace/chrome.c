/* Chrome trace-event output (the JSON that Perfetto and chrome://tracing
 * open): a process per node, a thread per core, and a complete ("X") slice
 * per task on every core it held (args "lane": which of its cores on that
 * node, 0 for the first, where its slice is counted).  A function set's
 * calls are on a thread per worker (tid: cores per node + the worker's
 * task id, named after it), a slice per call from its start to its end.
 * No two tasks hold a core at once and a worker runs one call at a time,
 * so slices on one thread never overlap.  The file is streamed event by
 * event, so a trace of a million tasks never exists as one JSON tree. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hetflow/trace.h"
#include "record.h"
#include "util/fs.h"

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
/* Tasks canceled before they ever started have no slice: counted per set
 * and cause, [{set, cause, tasks}], in task order. */
static json_t *canceled_unstarted(const hf_engine_t *e)
{
    json_t *out = json_array(), *last = NULL;
    hf_task_info_t t;
    int set = -1;
    hf_cancel_cause_t cause = HF_CANCEL_NONE;

    for (uint32_t id = 0; out && id < hf_engine_ntasks(e); id++) {
        hf_engine_task(e, id, &t);
        if (t.state != HF_TASK_CANCELED || t.start >= 0)
            continue;
        if (last && t.set == set && t.cancel_cause == cause) {
            json_object_set_new(
                last, "tasks",
                json_integer(json_integer_value(json_object_get(last, "tasks")) + 1));
            continue;
        }
        set = t.set;
        cause = t.cancel_cause;
        last = json_pack("{s:i,s:s,s:i}", "set", set, "cause",
                         hf_cancel_cause_name(cause), "tasks", 1);
        json_array_append_new(out, last);
    }
    return out;
}

static json_t *run_info(const hf_engine_t *e)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);
    const hf_engine_config_t *cfg = hf_engine_config(e);
    json_t *sets = json_array();

    for (int g = 0; sets && g < hf_engine_ngroups(e); g++)
        json_array_append_new(sets, json_string(hf_engine_group_name(e, g)));
    return json_pack("{s:s,s:s,s:s,s:{s:i,s:i,s:i},s:o*,s:o*}", "workflow",
                     hf_workflow_name(wf), "mode", hf_mode_name(cfg->mode), "policy",
                     hf_policy_name(cfg->policy), "platform", "nodes",
                     cfg->platform.nodes, "cores_per_node", cfg->platform.cores_per_node,
                     "gpus_per_node", cfg->platform.gpus_per_node, "sets", sets,
                     "canceled", canceled_unstarted(e));
}

/* Worker w's thread on its node. */
static json_int_t worker_tid(const hf_engine_t *e, uint32_t w)
{
    return (json_int_t)hf_engine_config(e)->platform.cores_per_node + w;
}

/* Task's name, set[index], into buf. */
static const char *task_name(const hf_engine_t *e, uint32_t task, char *buf, size_t len)
{
    hf_task_info_t info;

    hf_engine_task(e, task, &info);
    snprintf(buf, len, "%s[%u]", hf_engine_group_name(e, info.group), info.index);
    return buf;
}

/* Nodes' processes, and the threads of the workers that ran calls. */
static int write_names(FILE *f, const hf_trace_t *t, const hf_engine_t *e, bool *first)
{
    uint8_t *named = calloc((size_t)hf_engine_ntasks(e) + 1, 1);
    uint32_t max_node = 0;
    char name[HF_MAX_NAME + 32];
    int rc = -1;

    for (size_t i = 0; i < t->n; i++)
        if (t->rows[i].node > max_node)
            max_node = t->rows[i].node;
    for (uint32_t node = 0; t->n > 0 && node <= max_node; node++) {
        snprintf(name, sizeof(name), "node %u", node);
        if (emit(f,
                 json_pack("{s:s,s:s,s:I,s:{s:s}}", "name", "process_name", "ph", "M",
                           "pid", (json_int_t)node, "args", "name", name),
                 first) < 0)
            goto done;
    }
    for (size_t i = 0; named && i < t->n; i++) {
        const placement_t *p = &t->rows[i];
        if (p->worker == HF_NO_WORKER || p->worker >= hf_engine_ntasks(e) ||
            named[p->worker])
            continue;
        named[p->worker] = 1;
        if (emit(f,
                 json_pack("{s:s,s:s,s:I,s:I,s:{s:s}}", "name", "thread_name", "ph", "M",
                           "pid", (json_int_t)p->node, "tid", worker_tid(e, p->worker),
                           "args", "name", task_name(e, p->worker, name, sizeof(name))),
                 first) < 0)
            goto done;
    }
    rc = named ? 0 : -1;
done:
    free(named);
    return rc;
}

/* Row p's slice on thread tid, the lane-th of its cores. */
static json_t *slice(const hf_engine_t *e, const placement_t *p, json_int_t tid,
                     uint32_t lane)
{
    hf_task_info_t info;
    const char *set;
    char name[HF_MAX_NAME + 32];
    /* Trace times are integral microseconds; the end rounded as the start,
     * so a slice ends where one starting then begins. */
    json_int_t ts = (json_int_t)(p->start * 1e6 + 0.5),
               end = (json_int_t)(p->end * 1e6 + 0.5);
    /* An attempt that went back to waiting was retried. */
    const char *outcome = p->outcome == HF_TASK_WAITING
                              ? "retried"
                              : hf_task_state_name((hf_task_state_t)p->outcome);
    json_t *ev;

    hf_engine_task(e, p->task, &info);
    set = hf_engine_group_name(e, info.group);
    ev = json_pack(
        "{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:{s:s,s:I,s:I,s:I,s:I,s:s,s:i,s:b,s:I}}", "name",
        task_name(e, p->task, name, sizeof(name)), "cat", set, "ph", "X", "ts", ts, "dur",
        end - ts, "pid", (json_int_t)p->node, "tid", tid, "args", "set", set, "index",
        (json_int_t)info.index, "ranks", (json_int_t)p->ranks, "cores",
        (json_int_t)p->cores, "gpus", (json_int_t)p->gpus, "state", outcome, "status",
        p->status, "timed_out", p->timed_out, "lane", (json_int_t)lane);
    if (ev && p->outcome == HF_TASK_CANCELED &&
        json_object_set_new(json_object_get(ev, "args"), "cause",
                            json_string(hf_cancel_cause_name(info.cancel_cause))) < 0) {
        json_decref(ev);
        return NULL;
    }
    /* A failed call's reason is its error, a result the trace keeps. */
    if (ev && p->worker != HF_NO_WORKER && p->outcome != HF_TASK_DONE) {
        const char *error =
            json_string_value(json_object_get(hf_engine_result(e, p->task), "error"));
        if (error && json_object_set_new(json_object_get(ev, "args"), "error",
                                         json_stringn(error, strcspn(error, "\n"))) < 0) {
            json_decref(ev);
            return NULL;
        }
    }
    if (ev && p->worker != HF_NO_WORKER &&
        json_object_set_new(json_object_get(ev, "args"), "worker",
                            json_string(task_name(e, p->worker, name, sizeof(name)))) <
            0) {
        json_decref(ev);
        return NULL;
    }
    return ev;
}

int hf_trace_write_chrome(const hf_trace_t *t, const hf_engine_t *e, const char *path,
                          hf_error_t *err)
{
    FILE *f;
    bool first = true;

    if (t->failed) {
        hf_error_set(err, "%s: trace incomplete: out of memory while recording", path);
        errno = t->failed;
        return -1;
    }
    if (!(f = fopen(path, "w"))) {
        hf_error_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    errno = 0; /* a failed write's reason, for fs_close_written() */
    /* What a report needs beyond the slices, where trace viewers ignore it. */
    fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"hetflow\":", f);
    if (emit(f, run_info(e), &first) < 0)
        goto error;
    first = true;
    fputs("},\"traceEvents\":[\n", f);
    if (write_names(f, t, e, &first) < 0)
        goto error;
    for (size_t i = 0; i < t->n; i++) {
        const placement_t *p = &t->rows[i];
        if (p->worker != HF_NO_WORKER) {
            if (emit(f, slice(e, p, worker_tid(e, p->worker), 0), &first) < 0)
                goto error;
            continue;
        }
        /* A task with no core (GPUs only) is drawn on core 0's thread. */
        for (uint32_t k = 0; k < (p->cores ? p->cores : 1); k++)
            if (emit(f, slice(e, p, p->cores ? t->core[p->core_at + k] : 0, k), &first) <
                0)
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
    return fs_close_written(f, path, err);
error: /* a write failed, or an event could not be made */
    if (fs_close_written(f, path, err) == 0) {
        unlink(path);
        hf_error_set(err, "%s: out of memory", path);
        errno = ENOMEM;
    }
    return -1;
}

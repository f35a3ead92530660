/* WfFormat 1.5 output of a run: the specification (a task per hetflow task,
 * its parents and children from the set edges) and the execution (each
 * task's last attempt: start, runtime, cores, machines), so that a run or a
 * simulation can be shared and compared as WfCommons instances are.
 *
 * Task ids: the set's name for a set of one task (an imported instance
 * keeps its ids), else set_index; characters WfFormat ids do not allow
 * ([0-9a-zA-Z-_.]) become '_', and a clash gets a suffix.  A set's
 * dependency on all of a parent's tasks (or on a share of them) gives every
 * task of the child every task of the parent as parents; one-to-one gives
 * task i of the parent.
 *
 * A function set's calls are tasks like any other, each with its runtime
 * (from its start at its worker to its end) and the cores of a worker, on
 * the worker's machine; the pools (`<set>.workers`) are left out, as the
 * processes that ran those tasks rather than work of the workflow.  Such
 * an export re-imports to the same simulated makespan where the pool held
 * the calls back no more than the cores would have (as many workers as
 * calls could run at once) and the calls did not wait for their workers
 * to start. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "record.h"
#include "util/fs.h"
#include "util/strmap.h"

typedef struct {
    char **id; /* per task */
    uint32_t n;
    strmap_t taken;
} ids_t;

static bool id_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '-' || c == '_' || c == '.';
}

/* The flat id of set s's first task in the run (the pools' workers, which
 * are no set, are left out). */
static uint32_t first_of(const hf_engine_t *e, int s)
{
    return hf_engine_group_first(e, hf_engine_group_of_set(e, s));
}

static int make_ids(const hf_engine_t *e, ids_t *ids)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);

    ids->n = hf_engine_ntasks(e);
    strmap_init(&ids->taken);
    if (!(ids->id = calloc(ids->n + 1, sizeof(char *))))
        return -1;
    for (int s = 0; s < hf_workflow_nsets(wf); s++) {
        const hf_set_t *set = hf_workflow_get_set(wf, s);
        uint32_t first = first_of(e, s);
        for (long i = 0; i < set->tasks; i++) {
            char buf[HF_MAX_NAME + 64], *p;
            size_t len;
            if (set->tasks == 1)
                snprintf(buf, sizeof(buf), "%s", set->name);
            else
                snprintf(buf, sizeof(buf), "%s_%ld", set->name, i);
            for (p = buf; *p; p++)
                if (!id_char(*p))
                    *p = '_';
            len = strlen(buf);
            for (int k = 2; strmap_get(&ids->taken, buf) >= 0; k++)
                snprintf(buf + len, sizeof(buf) - len, "-%d", k);
            if (!(ids->id[first + i] = strdup(buf)) ||
                strmap_put(&ids->taken, ids->id[first + i], (int)(first + i)) < 0)
                return -1;
        }
    }
    return 0;
}

static void ids_free(ids_t *ids)
{
    for (uint32_t i = 0; ids->id && i < ids->n; i++)
        free(ids->id[i]);
    free(ids->id);
    strmap_fini(&ids->taken);
}

/* Parents (children) of task i of set s, appended to `out` as ids. */
static int parents_of(const hf_engine_t *e, const ids_t *ids, int s, long i, json_t *out)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);
    const hf_set_t *set = hf_workflow_get_set(wf, s);

    for (int j = 0; j < set->nafter; j++) {
        const hf_dep_t *d = &set->after[j];
        uint32_t first = first_of(e, d->parent);
        long n = hf_workflow_get_set(wf, d->parent)->tasks;
        if (d->map == HF_MAP_ONE_TO_ONE) {
            if (json_array_append_new(out, json_string(ids->id[first + i])) < 0)
                return -1;
            continue;
        }
        for (long k = 0; k < n; k++)
            if (json_array_append_new(out, json_string(ids->id[first + k])) < 0)
                return -1;
    }
    return 0;
}

static int add_children(const hf_engine_t *e, const ids_t *ids, json_t **children)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);

    for (int s = 0; s < hf_workflow_nsets(wf); s++) {
        const hf_set_t *set = hf_workflow_get_set(wf, s);
        uint32_t first = first_of(e, s);
        for (int j = 0; j < set->nafter; j++) {
            const hf_dep_t *d = &set->after[j];
            uint32_t pfirst = first_of(e, d->parent);
            long pn = hf_workflow_get_set(wf, d->parent)->tasks;
            for (long i = 0; i < set->tasks; i++) {
                for (long k = d->map == HF_MAP_ONE_TO_ONE ? i : 0;
                     k < (d->map == HF_MAP_ONE_TO_ONE ? i + 1 : pn); k++)
                    if (json_array_append_new(children[pfirst + k],
                                              json_string(ids->id[first + i])) < 0)
                        return -1;
            }
        }
    }
    return 0;
}

static void iso_time(double epoch, char *out, size_t len)
{
    time_t t = (time_t)epoch;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *host_of(char *const *hosts, int nhosts, uint32_t node, char *buf,
                           size_t len)
{
    if (nhosts > 0)
        return hosts[node % (uint32_t)nhosts];
    snprintf(buf, len, "node%u", node);
    return buf;
}

/* The last attempt's rows of each task: its slots. */
static json_t *execution(const hf_trace_t *t, const hf_engine_t *e, const ids_t *ids,
                         char *const *hosts, int nhosts, double epoch)
{
    const hf_platform_t *p = &hf_engine_config(e)->platform;
    json_t *tasks = json_array(), *machines = json_array();
    size_t *last = calloc((size_t)ids->n + 1, sizeof(size_t));
    hf_summary_t s;
    char when[32], name[32];

    if (!tasks || !machines || !last)
        goto nomem;
    for (size_t r = 0; r < t->n; r++)
        if (t->rows[r].task < ids->n &&
            (r == 0 || t->rows[r - 1].task != t->rows[r].task ||
             t->rows[r - 1].start != t->rows[r].start))
            last[t->rows[r].task] = r + 1;
    for (uint32_t id = 0; id < ids->n; id++) {
        json_t *task, *on;
        uint32_t cores = 0;
        size_t r;
        if (!last[id] || !ids->id[id])
            continue; /* never ran, or a worker */
        r = last[id] - 1;
        if (!(on = json_array()))
            goto nomem;
        for (size_t k = r;
             k < t->n && t->rows[k].task == id && t->rows[k].start == t->rows[r].start;
             k++) {
            cores += t->rows[k].cores;
            json_array_append_new(on, json_string(host_of(hosts, nhosts, t->rows[k].node,
                                                          name, sizeof(name))));
        }
        if (!cores) { /* a call holds none: it had its worker's, its set's */
            hf_task_info_t info;
            hf_engine_task(e, id, &info);
            cores = (uint32_t)hf_workflow_get_set(hf_engine_workflow(e), info.set)->cores;
        }
        iso_time(epoch + t->rows[r].start, when, sizeof(when));
        task = json_pack("{s:s,s:f,s:s,s:i,s:o}", "id", ids->id[id], "runtimeInSeconds",
                         t->rows[r].end - t->rows[r].start, "executedAt", when,
                         "coreCount", cores ? (int)cores : 1, "machines", on);
        if (!task || json_array_append_new(tasks, task) < 0)
            goto nomem;
    }
    for (int n = 0; n < p->nodes && n < 100000; n++)
        json_array_append_new(
            machines, json_pack("{s:s,s:{s:i}}", "nodeName",
                                host_of(hosts, nhosts, (uint32_t)n, name, sizeof(name)),
                                "cpu", "coreCount", p->cores_per_node));
    free(last);
    hf_summary_compute(e, &s);
    iso_time(epoch + s.first_start, when, sizeof(when));
    return json_pack("{s:f,s:s,s:o,s:o}", "makespanInSeconds", s.makespan, "executedAt",
                     when, "tasks", tasks, "machines", machines);
nomem:
    free(last);
    json_decref(tasks);
    json_decref(machines);
    return NULL;
}

static json_t *specification(const hf_engine_t *e, const ids_t *ids)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);
    json_t *tasks = json_array(),
           **children = calloc((size_t)ids->n + 1, sizeof(json_t *));
    bool ok = tasks && children;

    for (uint32_t i = 0; ok && i < ids->n; i++)
        ok = (children[i] = json_array()) != NULL;
    ok = ok && add_children(e, ids, children) == 0;
    for (int s = 0; ok && s < hf_workflow_nsets(wf); s++) {
        const hf_set_t *set = hf_workflow_get_set(wf, s);
        uint32_t first = first_of(e, s);
        for (long i = 0; ok && i < set->tasks; i++) {
            json_t *parents = json_array(), *task;
            ok = parents && parents_of(e, ids, s, i, parents) == 0;
            task = json_pack("{s:s,s:s,s:o,s:O,s:[],s:[]}", "name", set->name, "id",
                             ids->id[first + i], "parents", parents, "children",
                             children[first + i], "inputFiles", "outputFiles");
            ok = ok && task && json_array_append_new(tasks, task) == 0;
        }
    }
    for (uint32_t i = 0; children && i < ids->n; i++)
        json_decref(children[i]);
    free(children);
    if (!ok) {
        json_decref(tasks);
        return NULL;
    }
    return json_pack("{s:o,s:[]}", "tasks", tasks, "files");
}

int hf_trace_write_wfformat(const hf_trace_t *t, const hf_engine_t *e, const char *path,
                            char *const *hosts, int nhosts, double epoch, hf_error_t *err)
{
    ids_t ids = {0};
    json_t *spec = NULL, *exec = NULL, *root = NULL;
    char now[32];
    int dumped;
    FILE *f;
    int rc = -1;

    if (t->failed) {
        hf_error_set(err, "%s: incomplete: out of memory while recording", path);
        return -1;
    }
    iso_time((double)time(NULL), now, sizeof(now));
    if (make_ids(e, &ids) < 0 || !(spec = specification(e, &ids)) ||
        !(exec = execution(t, e, &ids, hosts, nhosts, epoch)))
        goto nomem;
    root = json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s},s:{s:O,s:O}}", "name",
                     hf_workflow_name(hf_engine_workflow(e)), "description",
                     "Written by hetflow", "createdAt", now, "schemaVersion", "1.5",
                     "runtimeSystem", "name", "hetflow", "version", "0.1.0", "workflow",
                     "specification", spec, "execution", exec);
    if (!root)
        goto nomem;
    if (!(f = fopen(path, "w"))) {
        hf_error_set(err, "%s: %s", path, strerror(errno));
        goto done;
    }
    errno = 0; /* a failed write's reason, for fs_close_written() */
    dumped = json_dumpf(root, f, JSON_INDENT(1) | JSON_REAL_PRECISION(9));
    if ((rc = fs_close_written(f, path, err)) == 0 && dumped < 0) {
        unlink(path); /* not a write that failed: jansson's own error */
        hf_error_set(err, "%s: could not be written", path);
        rc = -1;
    }
    goto done;
nomem:
    hf_error_set(err, "out of memory");
done:
    json_decref(root);
    json_decref(spec);
    json_decref(exec);
    ids_free(&ids);
    return rc;
}

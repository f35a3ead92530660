/* WfFormat (WfCommons) instances, schema 1.0 to 1.6, read into a workflow:
 * a set of one task per recorded task (or, grouped by category, one set per
 * category), its cores, its recorded runtime as its duration, and the
 * recorded edges.  A task runs as a stand-in that sleeps its runtime, so
 * `hetflow run` replays an instance's shape with real processes.
 *
 * The versions differ (tests/data/wfinstances/README.md):
 *   1.5, 1.6  workflow.specification.tasks (parents/children by id) joined on
 *             id with workflow.execution.tasks (runtimeInSeconds, coreCount);
 *   1.3, 1.4  workflow.tasks, parents/children by name, runtime (1.3) or
 *             runtimeInSeconds (1.4), cores;
 *   1.0-1.2   workflow.jobs, runtime, cores, parents/children by name.
 *
 * The JSON is streamed through yajl's callbacks, never made a tree of
 * values (a million tasks are 127 MiB of text, and were 1.8 GB of jansson
 * values): the callbacks keep what hetflow uses of each record in compact
 * arrays (a task's key, edges, files, runtime and counts; every name
 * interned once), and the workflow is built from them once the text is read
 * (a 1.5 task's execution record may come before or after it).  The
 * workflow is read once the schema version is known: if it comes before
 * "schemaVersion", the text is streamed a second time.
 *
 * This file is the entry: the walks (wfformat_walk.c), the checks after
 * them, and the build (wfformat_build.c); wfformat_read.h says what the
 * parts share. */
#include <errno.h>
#include <stdlib.h>

#include "hetflow/workflow.h"
#include "wfformat.h"
#include "wfformat_read.h"

/* ---- After the walk ---- */

/* What the end of the text shows missing: the task list, the execution
 * records (1.5+). */
static int check_lists(wf_t *w)
{
    const val_t *workflow = &w->root.m[R_WORKFLOW], *list, *exec = &w->workflow.m[W_EXEC];
    static const val_t absent = {0};

    if (workflow->kind != '{')
        return wfr_fail_at(w, workflow->at, "WfFormat: workflow must be an object");
    if (w->version >= 15) {
        if (exec->kind != '{' || w->exec.m[0].kind != '[')
            return wfr_fail_at(w, exec->kind ? exec->at : workflow->at,
                               "WfFormat %d.%d: workflow.execution.tasks is missing: no "
                               "runtimes",
                               w->version / 10, w->version % 10);
        list = w->workflow.m[W_SPEC].kind == '{' ? &w->spec.m[S_TASKS] : &absent;
    } else {
        list = &w->workflow.m[w->version >= 13 ? W_TASKS : W_JOBS];
    }
    if (list->kind != '[' || w->ntasks == 0)
        return wfr_fail_at(w, list->kind ? list->at : workflow->at,
                           "WfFormat %d.%d: no tasks (workflow.%s)", w->version / 10,
                           w->version % 10,
                           w->version >= 15   ? "specification.tasks"
                           : w->version >= 13 ? "tasks"
                                              : "jobs");
    return 0;
}

/* 1.5+: each task's runtime and counts from its execution record, the one
 * at its place in the list when its id is the task's, else the last of its
 * id. */
static int join_runs(wf_t *w)
{
    for (size_t i = 0; i < w->ntasks; i++) {
        wtask_t *t = &w->tasks[i];
        const char *key = w->names.v[t->key].s;
        int32_t r =
            i < w->nruns && w->runs[i].id == t->key ? (int32_t)i : w->names.v[t->key].run;
        if (r < 0)
            return wfr_fail_mark(w, t->mark,
                                 "task '%s' has no execution record (no runtime)", key);
        if (w->runs[r].bad >= 0)
            return wfr_fail_bad(w, key, &w->bads[w->runs[r].bad]);
        t->runtime = w->runs[r].runtime;
        t->cores = w->runs[r].cores;
        t->gpus = w->runs[r].gpus;
    }
    return 0;
}

/* Read the text: 1 if it is an instance (w->failed: a bad one), 0 if not. */
static int read_text(wf_t *w)
{
    wfr_walk(w);
    if (w->nomem)
        return 1;
    if (w->sets)
        return 0;
    if (w->stopped) { /* bad JSON, or too deep */
        if (!w->top)
            return 0;
        if (!w->failed)
            wfr_fail_at(w, w->json_at, "%s", w->json_msg);
        return 1;
    }
    if (!w->root.m[R_VERSION].kind || !w->root.m[R_WORKFLOW].kind)
        return 0;
    if (w->failed)
        return 1;
    if (!wfr_version_known(w)) {
        const val_t *v = &w->root.m[R_VERSION];
        wfr_fail_at(w, v->at,
                    "WfFormat schemaVersion '%s' is not one this reads (1.0 to 1.6)",
                    v->kind == '"' && !v->nul ? v->s : "?");
        return 1;
    }
    if (w->root.m[R_WORKFLOW].kind == '{' && !w->workflow_read) {
        /* The workflow came before the version: again, the version known. */
        wfr_walk(w);
        if (w->failed || w->stopped) {
            if (!w->failed)
                wfr_fail_at(w, w->json_at, "%s", w->json_msg);
            return 1;
        }
    }
    if (check_lists(w) == 0 && w->version >= 15)
        join_runs(w);
    return 1;
}

/* ---- The interface (wfformat.h) ---- */

bool hf_wfformat_detect(const char *text, size_t len)
{
    size_t p = 0;

    while (p < len &&
           (text[p] == ' ' || text[p] == '\t' || text[p] == '\n' || text[p] == '\r'))
        p++;
    return p < len && text[p] == '{';
}

int hf_wfformat_load(const char *path, const char *text, size_t len, int flags,
                     hf_workflow_t **out, hf_error_t *err)
{
    wf_t *w = calloc(1, sizeof(*w));
    hf_workflow_t *wf = NULL;
    const val_t *name;
    int rc;

    *out = NULL;
    if (!w) {
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return 1;
    }
    w->path = path;
    w->text = text;
    w->len = len;
    w->flags = flags;
    w->err = err;
    w->cursor_mark = (hf_mark_t){1, 1};
    if ((rc = read_text(w)) == 0 || w->failed)
        goto done;
    wfr_trim(w);
    name = &w->root.m[R_NAME];
    if (!(wf = hf_workflow_create(name->kind == '"' && name->n ? name->s : "wfformat",
                                  path))) {
        wfr_nomem(w);
        goto done;
    }
    hf_workflow_set_recorded(wf); /* files as recorded, writers and all */
    if (wfr_build(w, wf) < 0) {
        hf_workflow_destroy(wf);
        wf = NULL;
        goto done;
    }
    /* The importer's own memory goes before the workflow is finished. */
    wfr_fini(w);
    if (hf_workflow_finish(wf, err) < 0) {
        hf_workflow_destroy(wf);
        wf = NULL;
    }
done:
    wfr_fini(w);
    free(w);
    *out = wf;
    return rc;
}

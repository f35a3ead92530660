/* Recording placements as tasks start and end; see record.h. */
#include <errno.h>
#include <stdlib.h>

#include "record.h"
#include "util/grow.h"

static int append(hf_trace_t *t, placement_t p)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        placement_t *rows = realloc(t->rows, cap * sizeof(*rows));
        if (!rows)
            return -1;
        t->rows = rows;
        t->cap = cap;
    }
    t->rows[t->n++] = p;
    return 0;
}

static void on_transition(hf_engine_t *e, uint32_t task, hf_task_state_t from,
                          hf_task_state_t to, double now, const hf_alloc_t *alloc,
                          void *arg)
{
    hf_trace_t *t = arg;

    if (from == HF_TASK_RUNNING && task < t->ntasks && t->open[task]) {
        hf_task_info_t info;
        hf_task_staging_t st;
        double end = now;
        hf_engine_task(e, task, &info);
        /* Its cores were free from its process's end when its outputs moved
         * out asynchronously. */
        if (hf_engine_task_staging(e, task, &st) && st.compute_end >= info.start &&
            !hf_workflow_set(hf_engine_workflow(e), info.set)->stage.sync)
            end = st.compute_end;
        for (size_t r = t->open[task] - 1; r < t->n && t->rows[r].task == task; r++) {
            t->rows[r].end = end;
            t->rows[r].outcome = (int8_t)to;
            t->rows[r].status = info.status;
        }
        t->open[task] = 0;
    }
    if (to != HF_TASK_RUNNING || !alloc)
        return;
    if (task >= t->ntasks) { /* a task of a set added while running */
        size_t n = grow_cap(t->ntasks, (size_t)task + 1);
        if (grow_to((void **)&t->open, t->ntasks, n, sizeof(size_t)) < 0) {
            t->failed = ENOMEM;
            return;
        }
        t->ntasks = n;
    }
    t->open[task] = t->n + 1;
    for (uint32_t i = 0; i < alloc->nslots; i++) {
        const hf_slot_t *s = &alloc->slot[i];
        placement_t p = {task,     s->node,   s->ncores ? s->cores[0] : 0,
                         s->ranks, s->ncores, s->ngpus,
                         now,      now,       HF_TASK_RUNNING,
                         0};
        if (append(t, p) < 0)
            t->failed = ENOMEM;
    }
}

hf_trace_t *hf_trace_attach(hf_engine_t *e)
{
    hf_trace_t *t = calloc(1, sizeof(*t));

    if (t)
        t->ntasks = (size_t)hf_engine_ntasks(e) + 1;
    if (!t || !(t->open = calloc(t->ntasks, sizeof(size_t))) ||
        hf_engine_on_transition(e, on_transition, t) < 0) {
        hf_trace_destroy(t);
        return NULL;
    }
    return t;
}

void hf_trace_destroy(hf_trace_t *t)
{
    if (t) {
        free(t->rows);
        free(t->open);
        free(t);
    }
}

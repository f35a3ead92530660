/* Recording placements as tasks start and end; see record.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "util/grow.h"

static int append(hf_trace_t *t, placement_t p, const uint32_t *cores)
{
    if (grow_room((void **)&t->rows, &t->cap, t->n + 1, sizeof(*t->rows)) < 0 ||
        grow_room((void **)&t->core, &t->core_cap, t->ncore + p.cores, sizeof(uint32_t)) <
            0)
        return -1;
    p.core_at = t->ncore;
    if (p.cores && cores) /* a call holds no cores of its own: NULL */
        memcpy(t->core + t->ncore, cores, p.cores * sizeof(uint32_t));
    t->ncore += p.cores;
    t->rows[t->n++] = p;
    return 0;
}

/* Task's running attempt ended: its rows get their end and outcome. */
static void close_rows(hf_trace_t *t, hf_engine_t *e, uint32_t task, hf_task_state_t to,
                       double now)
{
    placement_t *first = &t->rows[t->open[task] - 1];
    hf_task_info_t info;
    hf_task_staging_t st;
    double end = now;

    hf_engine_task(e, task, &info);
    /* Its cores were free from its process's end when its outputs moved out
     * asynchronously. */
    if (hf_engine_task_staging(e, task, &st) && st.compute_end >= info.start &&
        !hf_engine_group_spec(e, info.group)->stage.sync) /* only a set's stage */
        end = st.compute_end;
    for (placement_t *p = first; p < t->rows + t->n && p->task == task; p++) {
        p->end = end;
        p->outcome = (int8_t)to;
        p->status = info.status;
        p->timed_out = info.timed_out;
    }
    /* A worker runs its calls in the order they were sent: one sent while
     * another ran (a window of more than one) started when that one ended. */
    if (first->worker != HF_NO_WORKER) {
        if (grow_room((void **)&t->free_at, &t->nfree_at, (size_t)first->worker + 1,
                      sizeof(double)) < 0) {
            t->failed = ENOMEM;
        } else {
            if (t->free_at[first->worker] > first->start)
                first->start =
                    t->free_at[first->worker] < end ? t->free_at[first->worker] : end;
            t->free_at[first->worker] = end;
        }
    }
    t->open[task] = 0;
}

static void on_transition(hf_engine_t *e, uint32_t task, hf_task_state_t from,
                          hf_task_state_t to, double now, const hf_alloc_t *alloc,
                          void *arg)
{
    hf_trace_t *t = arg;
    uint32_t worker = HF_NO_WORKER;

    if (from == HF_TASK_RUNNING && task < t->ntasks && t->open[task])
        close_rows(t, e, task, to, now);
    if (to != HF_TASK_RUNNING)
        return;
    if (!alloc && (worker = hf_engine_task_worker(e, task)) == HF_NO_WORKER)
        return;
    /* A task of a set added while running. */
    if (grow_room((void **)&t->open, &t->ntasks, (size_t)task + 1, sizeof(size_t)) < 0) {
        t->failed = ENOMEM;
        return;
    }
    t->open[task] = t->n + 1;
    if (worker != HF_NO_WORKER) { /* a call, on its worker's node */
        placement_t p = {.task = task,
                         .worker = worker,
                         .ranks = 1,
                         .start = now,
                         .end = now,
                         .outcome = HF_TASK_RUNNING};
        if (worker < t->ntasks && t->open[worker])
            p.node = t->rows[t->open[worker] - 1].node;
        if (append(t, p, NULL) < 0)
            t->failed = ENOMEM;
        return;
    }
    for (uint32_t i = 0; i < alloc->nslots; i++) {
        const hf_slot_t *s = &alloc->slot[i];
        placement_t p = {.task = task,
                         .node = s->node,
                         .worker = HF_NO_WORKER,
                         .ranks = s->ranks,
                         .cores = s->ncores,
                         .gpus = s->ngpus,
                         .start = now,
                         .end = now,
                         .outcome = HF_TASK_RUNNING};
        if (append(t, p, s->cores) < 0)
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
        free(t->core);
        free(t->open);
        free(t->free_at);
        free(t);
    }
}

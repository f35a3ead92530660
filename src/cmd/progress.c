/* The live status line of `hetflow run` on a terminal: tasks done, running
 * and waiting, cores and GPUs in use, elapsed time.  Redrawn on the engine's
 * tick, never from the hot path of transitions, which only count. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

struct progress {
    hf_engine_t *engine;
    long busy_cores, busy_gpus;
};

static void on_transition(hf_engine_t *e, uint32_t task, hf_task_state_t from,
                          hf_task_state_t to, double now, const hf_alloc_t *alloc,
                          void *arg)
{
    progress_t *p = arg;
    int sign = to == HF_TASK_RUNNING ? 1 : from == HF_TASK_RUNNING ? -1 : 0;

    (void)e;
    (void)task;
    (void)now;
    if (!sign || !alloc)
        return;
    for (uint32_t i = 0; i < alloc->nslots; i++) {
        p->busy_cores += sign * (long)alloc->slot[i].ncores;
        p->busy_gpus += sign * (long)alloc->slot[i].ngpus;
    }
}

static void on_tick(hf_engine_t *e, double now, void *arg)
{
    progress_t *p = arg;
    const hf_platform_t *plat = &hf_engine_config(e)->platform;

    fprintf(stderr,
            "\r[%6.1fs] %ld done, %ld running, %ld waiting, %ld failed | cores %ld/%ld, "
            "GPUs %ld/%ld\033[K",
            now, hf_engine_count(e, HF_TASK_DONE), hf_engine_count(e, HF_TASK_RUNNING),
            hf_engine_count(e, HF_TASK_WAITING) + hf_engine_count(e, HF_TASK_READY),
            hf_engine_count(e, HF_TASK_FAILED), p->busy_cores,
            hf_platform_total_cores(plat), p->busy_gpus, hf_platform_total_gpus(plat));
    fflush(stderr);
}

progress_t *progress_start(hf_engine_t *e)
{
    progress_t *p = calloc(1, sizeof(*p));

    if (!p || hf_engine_on_transition(e, on_transition, p) < 0) {
        free(p);
        return NULL; /* a run without a status line is still a run */
    }
    p->engine = e;
    hf_engine_on_tick(e, 0.25, on_tick, p);
    return p;
}

void progress_finish(progress_t *p)
{
    if (!p)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    free(p);
}

/* The live status line of `hetflow run` on a terminal: tasks done, running
 * and waiting, stagings moving, cores and GPUs held, elapsed time.  Redrawn
 * on the engine's tick from what the engine holds now. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

struct progress {
    hf_engine_t *engine;
};

static void on_tick(hf_engine_t *e, double now, void *arg)
{
    const hf_platform_t *plat = &hf_engine_config(e)->platform;
    hf_activity_t a;
    char staging[32] = "";

    (void)arg;
    hf_engine_activity(e, &a);
    if (a.staging > 0)
        snprintf(staging, sizeof(staging), ", %ld staging", a.staging);
    fprintf(
        stderr,
        "\r[%6.1fs] %ld done, %ld running%s, %ld waiting, %ld failed | cores %ld/%ld, "
        "GPUs %ld/%ld\033[K",
        now, hf_engine_count(e, HF_TASK_DONE), a.computing, staging,
        hf_engine_count(e, HF_TASK_WAITING) + hf_engine_count(e, HF_TASK_READY),
        hf_engine_count(e, HF_TASK_FAILED), a.cores, hf_platform_total_cores(plat),
        a.gpus, hf_platform_total_gpus(plat));
    fflush(stderr);
}

progress_t *progress_start(hf_engine_t *e)
{
    progress_t *p = calloc(1, sizeof(*p));

    if (!p)
        return NULL; /* a run without a status line is still a run */
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

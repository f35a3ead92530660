/* A workflow's settings beside its sets: mode, policy, platform, walltime,
 * staging concurrency, where it came from and the text it was loaded
 * from. */
#include <stdlib.h>
#include <string.h>

#include "model.h"

bool hf_workflow_mode(const hf_workflow_t *wf, hf_mode_t *mode)
{
    if (wf->has_mode)
        *mode = wf->mode;
    return wf->has_mode;
}

bool hf_workflow_policy(const hf_workflow_t *wf, hf_policy_t *policy)
{
    if (wf->has_policy)
        *policy = wf->policy;
    return wf->has_policy;
}

bool hf_workflow_platform(const hf_workflow_t *wf, hf_platform_t *p)
{
    *p = wf->platform;
    return wf->platform.nodes >= 0 || wf->platform.cores_per_node >= 0 ||
           wf->platform.gpus_per_node >= 0;
}

void hf_workflow_set_mode(hf_workflow_t *wf, hf_mode_t mode)
{
    wf->mode = mode;
    wf->has_mode = true;
}

void hf_workflow_set_policy(hf_workflow_t *wf, hf_policy_t policy)
{
    wf->policy = policy;
    wf->has_policy = true;
}

void hf_workflow_set_platform(hf_workflow_t *wf, const hf_platform_t *p)
{
    hf_platform_overlay(&wf->platform, p);
}

const char *hf_workflow_text(const hf_workflow_t *wf, size_t *len)
{
    if (len)
        *len = wf->text_len;
    return wf->text;
}

int hf_workflow_set_text(hf_workflow_t *wf, const char *text, size_t len)
{
    char *copy = malloc(len + 1);

    if (!copy)
        return -1;
    memcpy(copy, text, len);
    hf_workflow_take_text(wf, copy, len);
    return 0;
}

void hf_workflow_take_text(hf_workflow_t *wf, char *text, size_t len)
{
    text[len] = '\0';
    free(wf->text);
    wf->text = text;
    wf->text_len = len;
}

int hf_workflow_stage_concurrency(const hf_workflow_t *wf)
{
    return wf->stage_concurrency;
}

void hf_workflow_set_stage_concurrency(hf_workflow_t *wf, int n)
{
    wf->stage_concurrency = n;
}

void hf_workflow_set_recorded(hf_workflow_t *wf)
{
    wf->recorded = true;
}

bool hf_workflow_recorded(const hf_workflow_t *wf)
{
    return wf->recorded;
}

bool hf_workflow_stages(const hf_workflow_t *wf)
{
    for (int i = 0; i < wf->nsets; i++)
        if (wf->sets[i]->stage.in != HF_STAGE_NONE ||
            wf->sets[i]->stage.out != HF_STAGE_NONE)
            return true;
    return false;
}

double hf_workflow_walltime(const hf_workflow_t *wf)
{
    return wf->walltime;
}

void hf_workflow_set_walltime(hf_workflow_t *wf, double seconds)
{
    wf->walltime = seconds;
}

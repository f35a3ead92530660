/* The workflow model: a workflow and its sets, in the order added.  Loaders
 * build a workflow through the same calls a library user makes; the model's
 * other concerns are in set.c (a set's lifecycle), set_index.c (names),
 * finish.c (resolution), pools.c (function sets' workers), rule_store.c,
 * names.c and settings.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

hf_workflow_t *hf_workflow_create(const char *name, const char *file)
{
    hf_workflow_t *wf = calloc(1, sizeof(*wf));

    if (!wf)
        return NULL;
    strmap_init(&wf->by_name);
    wf->platform = (hf_platform_t){-1, -1, -1, 0, 0};
    wf->name = strdup(name ? name : "workflow");
    wf->file = file ? strdup(file) : NULL;
    if (!wf->name || (file && !wf->file)) {
        hf_workflow_destroy(wf);
        errno = ENOMEM;
        return NULL;
    }
    return wf;
}

void hf_workflow_destroy(hf_workflow_t *wf)
{
    int saved = errno;

    if (!wf)
        return;
    for (int i = 0; i < wf->nsets; i++)
        hf_set_destroy(wf->sets[i]);
    free(wf->sets);
    rules_free(wf);
    pools_free(wf);
    strmap_fini(&wf->by_name);
    free(wf->first_task);
    free(wf->name);
    free(wf->file);
    free(wf->text);
    free(wf);
    errno = saved;
}

const char *hf_workflow_name(const hf_workflow_t *wf)
{
    return wf->name;
}

const char *hf_workflow_file(const hf_workflow_t *wf)
{
    return wf->file;
}

int hf_workflow_nsets(const hf_workflow_t *wf)
{
    return wf->nsets;
}

const hf_set_t *hf_workflow_get_set(const hf_workflow_t *wf, int i)
{
    return wf->sets[i];
}

hf_set_t *hf_workflow_get_set_mut(hf_workflow_t *wf, int i)
{
    return wf->sets[i];
}

long hf_workflow_ntasks(const hf_workflow_t *wf)
{
    return wf->first_task ? (long)wf->first_task[wf->nsets] : 0;
}

uint32_t hf_workflow_first_task(const hf_workflow_t *wf, int i)
{
    return wf->first_task[i];
}

/* The workflow's calls for bindings that do not mirror its structs
 * (python/hetflow/api.py): what they would read or build from a field. */
#include "hetflow/workflow.h"

hf_dep_t *hf_workflow_add_after(hf_workflow_t *wf, hf_set_t *set, const char *parent)
{
    return hf_workflow_add_dep(wf, set, parent, HF_MAP_ALL, (hf_mark_t){0, 0});
}

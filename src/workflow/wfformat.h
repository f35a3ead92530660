/* The WfFormat importer (load_wfformat.c), for the workflow loader. */
#ifndef HETFLOW_WORKFLOW_WFFORMAT_H
#define HETFLOW_WORKFLOW_WFFORMAT_H

#include <stdbool.h>

#include "hetflow/workflow.h"
#include "json_scan.h"

/* Whether text is a WfFormat instance: valid JSON, an object with
 * "workflow" and "schemaVersion" (and no "sets", a workflow file's).  If
 * so, *j is the text checked, for hf_wfformat_load(). */
bool hf_wfformat_detect(const char *text, size_t len, js_t *j);

/* The workflow of the WfFormat instance j (hf_wfformat_detect()'s).  NULL
 * with a file:line:col message. */
hf_workflow_t *hf_wfformat_load(const char *path, const js_t *j, int flags,
                                hf_error_t *err);

#endif

/* The WfFormat importer (load_wfformat.c), for the workflow loader. */
#ifndef HETFLOW_WORKFLOW_WFFORMAT_H
#define HETFLOW_WORKFLOW_WFFORMAT_H

#include <jansson.h>
#include <stdbool.h>

#include "hetflow/workflow.h"

/* Whether text is a WfFormat instance (a JSON object with "workflow" and
 * "schemaVersion"); if so, *root is its parsed JSON (the caller's). */
bool hf_wfformat_detect(const char *text, size_t len, json_t **root);

/* The workflow of a WfFormat instance; takes nothing from root (still the
 * caller's).  NULL with a file:line:col message. */
hf_workflow_t *hf_wfformat_load(const char *path, const char *text, size_t len,
                                json_t *root, int flags, hf_error_t *err);

#endif

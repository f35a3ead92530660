/* The WfFormat importer (load_wfformat.c), for the workflow loader. */
#ifndef HETFLOW_WORKFLOW_WFFORMAT_H
#define HETFLOW_WORKFLOW_WFFORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "hetflow/workflow.h"

/* Whether text may be a WfFormat instance, at the cost of a look at its
 * first bytes: a JSON object (its first byte past blanks is '{').
 * hf_wfformat_load() tells for sure. */
bool hf_wfformat_detect(const char *text, size_t len);

/* Read text as a WfFormat instance.  Returns 1 with *wf its workflow, or
 * NULL with a file:line:col message in err; 0 if it is no instance, for
 * the YAML loader: no "workflow" and "schemaVersion" at its top, "sets"
 * there (a workflow file written in JSON), or not JSON before either key. */
int hf_wfformat_load(const char *path, const char *text, size_t len, int flags,
                     hf_workflow_t **wf, hf_error_t *err);

#endif

/* Checking a workflow's rules once its sets are known: names resolved,
 * expressions parsed, and what a repeat or a held set needs; see rules.h. */
#ifndef HETFLOW_WORKFLOW_RULES_CHECK_H
#define HETFLOW_WORKFLOW_RULES_CHECK_H

#include "hetflow/workflow_rules.h"

/* Returns 0, or -1 with a file:line:col message. */
int rules_check(hf_workflow_t *wf, hf_error_t *err);

#endif

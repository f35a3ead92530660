/* Linking a workflow's files: which set writes what another reads. */
#ifndef HETFLOW_WORKFLOW_FILES_H
#define HETFLOW_WORKFLOW_FILES_H

#include "hetflow/workflow.h"

/* Find the writer of every input (its `producer`, and its size when the
 * input gave none) and, for a set without `after`, add a dependency on
 * each writer: one-to-one when reader and writer name the file by the
 * same {index} template and have as many tasks, on the whole writer
 * otherwise.  With `set` NULL every set of wf is linked (at finish); else
 * only `set`, which is being appended.  Two sets writing one file, or a
 * staged set whose files share a base name, is an error.  Returns 0, or -1
 * with a file:line:col message. */
int files_link(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err);

#endif

/* Where a task's files are: node-local scratch for the files it stages
 * (ROOT/<set>/<index>/<base name>), their own paths otherwise.  ROOT is a
 * run's own private folder (local.c), and what is below it is reached from
 * ROOT's descriptor without following links: <set>/<index> is the task's
 * folder relative to it. */
#ifndef HETFLOW_EXEC_SCRATCH_H
#define HETFLOW_EXEC_SCRATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "hetflow/workflow.h"

/* The task's scratch directory relative to the root ("<set>/<index>").
 * Returns 0, or -1 with ENAMETOOLONG. */
int scratch_task_rel(const hf_set_t *set, uint32_t index, char *out, size_t len);

/* The task's scratch directory.  Returns 0, or -1 with ENAMETOOLONG. */
int scratch_task_dir(const char *root, const hf_set_t *set, uint32_t index, char *out,
                     size_t len);

/* Whether the task stages its inputs, or its outputs. */
bool scratch_staged(const hf_set_t *set, bool inputs);

/* The k-th file that file f of the task names, where the task sees it: in
 * its scratch directory when staged, else the file's own path. */
int scratch_file(const char *root, const hf_workflow_t *wf, const hf_set_t *set,
                 uint32_t index, const hf_file_t *f, uint32_t k, bool staged, char *out,
                 size_t len);

/* "NAME=path path ..." for the task's inputs or outputs as it sees them: a
 * new string, or NULL with ENOMEM or ENAMETOOLONG. */
char *scratch_file_var(const char *name, const char *root, const hf_workflow_t *wf,
                       const hf_set_t *set, uint32_t index, bool inputs);

#endif

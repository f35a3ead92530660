/* The command and Python path of a pool's workers (worker_cmd.c). */
#ifndef HETFLOW_EXEC_WORKER_CMD_H
#define HETFLOW_EXEC_WORKER_CMD_H

#include "hetflow/workflow.h"

/* The worker's argv for function f, its program an absolute path where it
 * was found; a relative library is taken from the workflow file's folder.
 * NULL with errno (ENOENT: no hetflow-worker or python3). */
char **worker_argv(const hf_function_t *f, const char *wf_file);

/* "PYTHONPATH=..." for a Python worker: hetflow's python/ folder when run
 * from the source tree, the workflow file's folder, then `inherited`. */
char *worker_pythonpath(const char *wf_file, const char *inherited);

#endif

/* Small file-system helpers. */
#ifndef HETFLOW_UTIL_FS_H
#define HETFLOW_UTIL_FS_H

#include <sys/types.h>

#include "hetflow/error.h"

/* mkdir -p: create path and its missing parents with `mode` (an existing
 * folder is fine).  Returns 0, or -1 with a message naming the path. */
int fs_mkdirs(const char *path, mode_t mode, hf_error_t *err);

#endif

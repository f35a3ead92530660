/* Small file-system helpers. */
#ifndef HETFLOW_UTIL_FS_H
#define HETFLOW_UTIL_FS_H

#include <stdio.h>
#include <sys/types.h>

#include "hetflow/error.h"

/* mkdir -p: create path and its missing parents with `mode` (an existing
 * folder is fine).  Returns 0, or -1 with a message naming the path. */
int fs_mkdirs(const char *path, mode_t mode, hf_error_t *err);

/* Find `name` on PATH as execvp would: a new string, or NULL with errno
 * when it is not there.  Names with a slash are taken as they are. */
char *fs_which(const char *name);

/* rm -rf: remove path and everything under it, not following links.
 * Returns 0 (also when it is not there), or -1 with errno. */
int fs_remove_tree(const char *path);

/* Close f, written to path: when a write to it or the close failed (a
 * full disk), path is removed rather than left cut short, and the message
 * says why: the errno the failed write left, so the caller sets errno to 0
 * once f is open (EIO when it is 0).  Returns 0, or -1 with errno. */
int fs_close_written(FILE *f, const char *path, hf_error_t *err);

#endif

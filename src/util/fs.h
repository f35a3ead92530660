/* Small file-system helpers. */
#ifndef HETFLOW_UTIL_FS_H
#define HETFLOW_UTIL_FS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "hetflow/error.h"

/* mkdir -p: create path and its missing parents with `mode` (an existing
 * folder is fine).  Returns 0, or -1 with a message naming the path. */
int fs_mkdirs(const char *path, mode_t mode, hf_error_t *err);

/* Find `name` on PATH as execvp would: a new string, or NULL with errno
 * when it is not there.  Names with a slash are taken as they are. */
char *fs_which(const char *name);

/* The folder of `path`, resolved (realpath), into out (PATH_MAX bytes);
 * false when path is NULL, not there or has none. */
bool fs_folder_of(const char *path, char *out);

/* rm -rf: remove path and everything under it.  No link is followed below
 * path, nor path itself if it is one: a link is removed, not what it points
 * to.  Returns 0 (also when it is not there), or -1 with errno. */
int fs_remove_tree(const char *path);

/* Close f, written to path: when a write to it or the close failed (a
 * full disk), path is removed rather than left cut short, and the message
 * says why: the errno the failed write left, so the caller sets errno to 0
 * once f is open (EIO when it is 0).  Returns 0, or -1 with errno. */
int fs_close_written(FILE *f, const char *path, hf_error_t *err);

/* The folder `name` in folder dirfd (AT_FDCWD: a path), opened without
 * following a link at its end: a link gives ELOOP, another file ENOTDIR.
 * Returns its descriptor, or -1 with errno. */
int fs_open_dir_at(int dirfd, const char *name);

/* The folder `rel` ("a/b") below folder dirfd, opened one name at a time
 * without following any link (a link gives ELOOP), each made with `mode`
 * first when `create`.  Returns its descriptor, or -1 with errno. */
int fs_open_dirs_at(int dirfd, const char *rel, bool create, mode_t mode);

/* fs_remove_tree of `rel` below folder dirfd, no link followed on the way
 * (one there: nothing is removed beyond it).  Returns 0, or -1 with errno. */
int fs_remove_tree_at(int dirfd, const char *rel);

/* Whether path is a folder that others cannot change: owned by this user,
 * not writable by others (its group may write), and not a symbolic link
 * unless link_ok
 * (then the link is the user's too).  Returns 0, or -1 with errno and a
 * message that says why it is refused. */
int fs_check_private(const char *path, bool link_ok, hf_error_t *err);

/* Make path (and its missing parents) with `mode` when it is not there;
 * then fs_check_private. */
int fs_private_dir(const char *path, mode_t mode, bool link_ok, hf_error_t *err);

#endif

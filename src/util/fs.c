/* File-system helpers; see fs.h. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"

static int make_dir(const char *path, mode_t mode, hf_error_t *err)
{
    struct stat st;

    if (mkdir(path, mode) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
        hf_error_set(err, "%s: exists and is not a folder", path);
        errno = ENOTDIR;
        return -1;
    }
    if (errno == EEXIST)
        return 0;
    hf_error_set(err, "%s: %s", path, strerror(errno));
    return -1;
}

int fs_mkdirs(const char *path, mode_t mode, hf_error_t *err)
{
    char *copy = strdup(path);
    int rc = 0;

    if (!copy) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    for (char *p = copy + 1; *p && rc == 0; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        rc = make_dir(copy, mode, err);
        *p = '/';
    }
    if (rc == 0)
        rc = make_dir(copy, mode, err);
    free(copy);
    return rc;
}

/* Find `name` on PATH as execvp would; NULL with errno when it is not
 * there.  Names with a slash are taken as they are. */
char *fs_which(const char *name)
{
    const char *path = getenv("PATH");
    char candidate[4096];
    int saved = ENOENT;

    if (strchr(name, '/'))
        return strdup(name);
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *dir = path; *dir;) {
        size_t len = strcspn(dir, ":");
        snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)len, len ? dir : ".",
                 name);
        if (access(candidate, X_OK) == 0)
            return strdup(candidate);
        if (errno != ENOENT && errno != ENOTDIR)
            saved = errno;
        dir += len + (dir[len] == ':');
    }
    errno = saved;
    return NULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int fs_remove_tree(const char *path)
{
    if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
        return -1;
    return 0;
}

int fs_close_written(FILE *f, const char *path, hf_error_t *err)
{
    /* A stream drops what it failed to write, keeping only its error flag:
     * the reason is the errno that write left. */
    int why = fflush(f) != 0 || ferror(f) ? (errno ? errno : EIO) : 0;

    if (fclose(f) != 0 && why == 0)
        why = errno;
    if (why == 0)
        return 0;
    unlink(path);
    hf_error_set(err, "%s: write failed: %s", path, strerror(why));
    errno = why;
    return -1;
}

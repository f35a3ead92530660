/* File-system helpers; see fs.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs.h"

static int make_dir(const char *path, mode_t mode, hf_error_t *err)
{
    if (mkdir(path, mode) == 0 || errno == EEXIST)
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

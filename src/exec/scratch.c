/* Paths of tasks' files; see scratch.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scratch.h"

int scratch_task_rel(const hf_set_t *set, uint32_t index, char *out, size_t len)
{
    int n = snprintf(out, len, "%s/%u", set->name, index);

    if (n < 0 || (size_t)n >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

int scratch_task_dir(const char *root, const hf_set_t *set, uint32_t index, char *out,
                     size_t len)
{
    int n = snprintf(out, len, "%s/%s/%u", root, set->name, index);

    if (n < 0 || (size_t)n >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

bool scratch_staged(const hf_set_t *set, bool inputs)
{
    return (inputs ? set->stage.in : set->stage.out) != HF_STAGE_NONE;
}

int scratch_file(const char *root, const hf_workflow_t *wf, const hf_set_t *set,
                 uint32_t index, const hf_file_t *f, uint32_t k, bool staged, char *out,
                 size_t len)
{
    char path[4096], dir[4096];
    const char *base;
    int n;

    if (hf_file_path(wf, set, f, index, k, path, sizeof(path)) < 0)
        return -1;
    if (!staged) {
        n = snprintf(out, len, "%s", path);
    } else {
        if (scratch_task_dir(root, set, index, dir, sizeof(dir)) < 0)
            return -1;
        base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        n = snprintf(out, len, "%s/%s", dir, base);
    }
    if (n < 0 || (size_t)n >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

char *scratch_file_var(const char *name, const char *root, const hf_workflow_t *wf,
                       const hf_set_t *set, uint32_t index, bool inputs)
{
    const hf_file_t *files = inputs ? set->inputs : set->outputs;
    int nfiles = inputs ? set->ninputs : set->noutputs;
    bool staged = scratch_staged(set, inputs);
    size_t cap = strlen(name) + 2, n;
    char *s = malloc(cap), path[4096];

    if (!s)
        return NULL;
    n = (size_t)sprintf(s, "%s=", name);
    for (int i = 0; i < nfiles; i++) {
        for (long k = 0; k < hf_file_count(wf, &files[i]); k++) {
            size_t len;
            char *more;
            if (scratch_file(root, wf, set, index, &files[i], (uint32_t)k, staged, path,
                             sizeof(path)) < 0)
                goto fail;
            len = strlen(path);
            if (!(more = realloc(s, n + len + 2)))
                goto fail;
            s = more;
            if (n > strlen(name) + 1)
                s[n++] = ' ';
            memcpy(s + n, path, len + 1);
            n += len;
        }
    }
    return s;
fail:
    free(s);
    return NULL;
}

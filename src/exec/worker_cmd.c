/* How a pool's workers start: hetflow-worker LIBRARY SYMBOL for a C
 * function, PYTHON -m hetflow.worker MODULE:CALLABLE for a Python one (its
 * interpreter, or python3 on PATH),
 * and where Python finds hetflow's worker module and the workflow's own. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fs.h"
#include "worker_cmd.h"

/* hetflow-worker: $HETFLOW_WORKER, else beside the program or the library
 * that holds this code (a build tree), else in its bin/ (an install), else
 * on PATH. */
static char *worker_program(void)
{
    static const char *const beside[] = {"hetflow-worker", "../bin/hetflow-worker"};
    const char *given = getenv("HETFLOW_WORKER");
    char dirs[2][PATH_MAX], candidate[PATH_MAX + 32];
    bool have[2];
    Dl_info self;

    if (given && *given)
        return strdup(given);
    have[0] = fs_folder_of("/proc/self/exe", dirs[0]);
    have[1] = dladdr((void *)worker_argv, &self) && fs_folder_of(self.dli_fname, dirs[1]);
    for (int d = 0; d < 2; d++) {
        for (size_t i = 0; have[d] && i < sizeof(beside) / sizeof(beside[0]); i++) {
            if (snprintf(candidate, sizeof(candidate), "%s/%s", dirs[d], beside[i]) <
                    (int)sizeof(candidate) &&
                access(candidate, X_OK) == 0)
                return strdup(candidate);
        }
    }
    return fs_which("hetflow-worker");
}

/* A library named by a relative path is found from the workflow file's
 * folder; a bare name is left to dlopen's search. */
static char *library_path(const char *library, const char *wf_file)
{
    char dir[PATH_MAX], *out;

    if (library[0] == '/' || !strchr(library, '/') || !fs_folder_of(wf_file, dir))
        return strdup(library);
    if (!(out = malloc(strlen(dir) + strlen(library) + 2)))
        return NULL;
    sprintf(out, "%s/%s", dir, library);
    return out;
}

char **worker_argv(const hf_function_t *f, const char *wf_file)
{
    char **argv = calloc(5, sizeof(char *));

    if (!argv)
        return NULL;
    if (f->python) {
        argv[0] = hf_function_program(f);
        argv[1] = strdup("-m");
        argv[2] = strdup("hetflow.worker");
        argv[3] = strdup(f->python);
    } else {
        argv[0] = worker_program();
        argv[1] = library_path(f->library, wf_file);
        argv[2] = strdup(f->symbol);
    }
    for (int i = 0; i < (f->python ? 4 : 3); i++) {
        if (!argv[i]) {
            int saved = errno ? errno : ENOENT;
            for (int k = 0; k < 4; k++)
                free(argv[k]);
            free(argv);
            errno = saved;
            return NULL;
        }
    }
    return argv;
}

char *worker_pythonpath(const char *wf_file, const char *inherited)
{
    const char *parts[3] = {HETFLOW_PYTHON_DIR, NULL, inherited};
    char dir[PATH_MAX], module[PATH_MAX + 32], *out;
    size_t len = sizeof("PYTHONPATH=");

    snprintf(module, sizeof(module), "%s/hetflow/worker.py", parts[0]);
    if (access(module, R_OK) < 0)
        parts[0] = NULL; /* installed: python3 finds it in dist-packages */
    if (fs_folder_of(wf_file, dir))
        parts[1] = dir;
    for (int i = 0; i < 3; i++)
        len += parts[i] ? strlen(parts[i]) + 1 : 0;
    if (!(out = malloc(len)))
        return NULL;
    strcpy(out, "PYTHONPATH=");
    for (int i = 0, n = 0; i < 3; i++) {
        if (!parts[i] || !*parts[i])
            continue;
        if (n++)
            strcat(out, ":");
        strcat(out, parts[i]);
    }
    return out;
}

/* hetflow-worker: a persistent process that runs C function tasks.
 *
 *   hetflow-worker LIBRARY SYMBOL     (frames on stdin and stdout)
 *
 * It dlopens LIBRARY once, finds
 *     int SYMBOL(const char *args_json, char **result_json)
 * and then, for every request frame, calls it with the task's arguments: 0
 * means success (*result_json, malloc'd or NULL, is the task's result), any
 * other value failure (*result_json, if set, says why).  hetflow pins the
 * worker to its cores and restarts it if it dies; a crash in the function
 * fails the task that was running: each reply is written before the next
 * call starts, so that when the worker dies, hetflow has the replies of
 * every call that ended and knows which one it died in. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"

typedef int (*function_f)(const char *args_json, char **result_json);

static int refuse(const char *why)
{
    frame_write(1, FRAME_READY, FRAME_FAILED, why, strlen(why));
    return 1;
}

int main(int argc, char **argv)
{
    frame_reader_t r = {0};
    function_f fn;
    void *lib;
    char *args = NULL, why[512];
    size_t args_cap = 0;
    long got;

    if (argc != 3)
        return refuse("usage: hetflow-worker LIBRARY SYMBOL");
    if (!(lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL))) {
        snprintf(why, sizeof(why), "%s", dlerror());
        return refuse(why);
    }
    if (!(fn = (function_f)(uintptr_t)dlsym(lib, argv[2]))) {
        snprintf(why, sizeof(why), "%s: no symbol '%s'", argv[1], argv[2]);
        return refuse(why);
    }
    if (frame_write(1, FRAME_READY, FRAME_OK, "hetflow-worker 1", 16) < 0)
        return 1;
    while ((got = frame_fill(&r, 0)) > 0) {
        frame_t f;
        int rc;
        while ((rc = frame_next(&r, &f)) == 1) {
            char *result = NULL;
            int status;
            /* The function gets a NUL-terminated copy of the arguments. */
            if (f.len + 1 > args_cap) {
                char *more = realloc(args, f.len + 1);
                if (!more)
                    return 1;
                args = more;
                args_cap = f.len + 1;
            }
            memcpy(args, f.payload, f.len);
            args[f.len] = '\0';
            status = fn(args, &result) == 0 ? FRAME_OK : FRAME_FAILED;
            if (frame_write(1, f.task, (uint32_t)status, result ? result : "",
                            result ? strlen(result) : 0) < 0)
                return 1;
            free(result);
        }
        if (rc < 0)
            return 1;
    }
    frame_reader_free(&r);
    free(args);
    return 0;
}

/* hetflow-worker: a persistent process that runs C function tasks.
 *
 *   hetflow-worker LIBRARY SYMBOL     (frames on stdin and stdout)
 *
 * The frames arrive on stdin and stdout, the only descriptors a launcher
 * (srun, mpiexec) forwards; before it loads anything, the worker moves
 * them to descriptors of its own, reads stdin from /dev/null and points
 * stdout at stderr (its .err file): what the function prints, or a child
 * it starts, goes to the log and cannot break the protocol.
 *
 * It dlopens LIBRARY once, finds
 *     int SYMBOL(const char *args_json, char **result_json)
 * and then, for every request frame, calls it with the task's arguments: 0
 * means success (*result_json, malloc'd or NULL, is the task's result), any
 * other value failure (*result_json, if set, says why).  A result over the
 * frame limit fails its call.  hetflow pins the worker to its cores and
 * restarts it if it dies; a crash in the function fails the task that was
 * running: each reply is written before the next call starts, so that when
 * the worker dies, hetflow has the replies of every call that ended and
 * knows which one it died in. */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"

typedef int (*function_f)(const char *args_json, char **result_json);

/* The protocol's ends: stdin and stdout until own_fds() moves them. */
static int from = 0, to = 1;

static int refuse(const char *why)
{
    frame_write(to, FRAME_READY, FRAME_FAILED, why, strlen(why));
    return 1;
}

/* The frames on descriptors of their own (not inherited by the function's
 * children), stdin from /dev/null, stdout into the log, line-buffered so
 * that prints land in order with stderr.  Returns 0, or -1. */
static int own_fds(void)
{
    int in = fcntl(0, F_DUPFD_CLOEXEC, 3), out = fcntl(1, F_DUPFD_CLOEXEC, 3), null;

    if (in < 0 || out < 0)
        return -1;
    from = in;
    to = out;
    if ((null = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 || dup2(null, 0) < 0 ||
        dup2(2, 1) < 0)
        return -1;
    close(null);
    setvbuf(stdout, NULL, _IOLBF, 0);
    return 0;
}

int main(int argc, char **argv)
{
    frame_reader_t r = {0};
    function_f fn;
    void *lib;
    char *args = NULL, why[512];
    size_t args_cap = 0;
    long got;

    if (own_fds() < 0)
        return refuse("hetflow-worker: cannot set up its descriptors");
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
    if (frame_write(to, FRAME_READY, FRAME_OK, "hetflow-worker 1", 16) < 0)
        return 1;
    while ((got = frame_fill(&r, from)) > 0) {
        frame_t f;
        int rc;
        while ((rc = frame_next(&r, &f)) == 1) {
            char *result = NULL;
            const char *reply;
            size_t len;
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
            reply = result ? result : "";
            len = strlen(reply);
            if (len > FRAME_MAX) { /* a frame cannot carry it: the call fails */
                snprintf(why, sizeof(why),
                         "result of %zu bytes is over the %u MiB frame limit", len,
                         FRAME_MAX >> 20);
                status = FRAME_FAILED;
                reply = why;
                len = strlen(why);
            }
            if (frame_write(to, f.task, (uint32_t)status, reply, len) < 0)
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

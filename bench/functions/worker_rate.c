/* The rate a function worker alone sustains: N empty tasks pipelined to it
 * in windows of W requests (as an executor keeping W in flight would), the
 * replies read back; prints tasks per second.  An upper bound for function
 * tasks through hetflow, which adds the engine's work per task.
 *   worker_rate N W WORKER-COMMAND... */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "worker/frame.h"

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    long n, window, sent = 0, got = 0;
    int in[2], out[2];
    frame_reader_t r = {0};
    frame_t f;
    pid_t pid;
    double t0;

    if (argc < 4) {
        fprintf(stderr, "usage: worker_rate N W WORKER-COMMAND...\n");
        return 2;
    }
    n = atol(argv[1]);
    window = atol(argv[2]);
    if (pipe(in) < 0 || pipe(out) < 0 || (pid = fork()) < 0)
        return 1;
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execvp(argv[3], argv + 3);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    while (frame_next(&r, &f) == 0)
        if (frame_fill(&r, out[0]) <= 0)
            return 1;
    if (f.task != FRAME_READY || f.status != FRAME_OK)
        return 1;
    t0 = now();
    while (got < n) {
        long before = got;
        while (sent < n && sent - got < window)
            if (frame_write(in[1], (uint32_t)sent++, 0, "{}", 2) < 0)
                return 1;
        while (frame_next(&r, &f) == 1)
            got++;
        /* Wait for more replies only when none were waiting. */
        if (got == before && frame_fill(&r, out[0]) <= 0)
            return 1;
    }
    printf("%.0f\n", (double)n / (now() - t0));
    close(in[1]);
    waitpid(pid, NULL, 0);
    return 0;
}

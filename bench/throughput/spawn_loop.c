/* The baseline of bench/throughput: run N copies of a command, at most P at
 * a time, with nothing but posix_spawn and waitpid.  No pinning, no output
 * files, no bookkeeping: the fastest a launcher can be on this machine.
 * Usage: spawn_loop N P COMMAND [ARGS...] */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
    long n, p, started = 0, running = 0;

    if (argc < 4 || (n = atol(argv[1])) < 1 || (p = atol(argv[2])) < 1) {
        fprintf(stderr, "usage: spawn_loop N P COMMAND [ARGS...]\n");
        return 2;
    }
    while (started < n || running > 0) {
        while (started < n && running < p) {
            pid_t pid;
            if (posix_spawnp(&pid, argv[3], NULL, NULL, argv + 3, environ) != 0) {
                perror("posix_spawnp");
                return 1;
            }
            started++;
            running++;
        }
        if (wait(NULL) > 0)
            running--;
    }
    return 0;
}

/* Launchers: turning a placed task into the command line of the system's
 * own launcher (srun, mpiexec), which starts its ranks on the nodes and
 * cores the scheduler chose.  hetflow starts no daemon of its own there. */
#ifndef HETFLOW_EXEC_LAUNCHER_H
#define HETFLOW_EXEC_LAUNCHER_H

#include <stdbool.h>

#include "hetflow/exec.h"

typedef struct {
    hf_launcher_t kind;
    char **hosts; /* node i of the platform is hosts[i % nhosts]; NULL: none named */
    int nhosts;
    char *program; /* srun or mpiexec, found on PATH */
    bool openmpi;  /* mpiexec is Open MPI's (else MPICH's Hydra) */
} launcher_t;

/* Find the launcher's program and, for mpiexec, its flavour.  hosts are
 * copied.  Returns 0, or -1 with a message. */
int launcher_init(launcher_t *ln, hf_launcher_t kind, char *const *hosts, int nhosts,
                  hf_error_t *err);
void launcher_fini(launcher_t *ln);

/* The command line for task l (a worker of `pool`, or NULL): the
 * launcher's options for its placement, then `task`, whose strings move
 * into the result (the array itself is freed).  rank_cpus[r] lists rank
 * r's CPUs ("3,4"), ranks in slot order; Open MPI binds through a rankfile
 * written at `rankfile`.  NULL with a message on failure, `task` freed. */
char **launcher_argv(const launcher_t *ln, const hf_launch_t *l, const hf_pool_t *pool,
                     char *const *rank_cpus, const char *rankfile, char **task,
                     hf_error_t *err);

#endif

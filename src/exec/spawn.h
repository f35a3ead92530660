/* Turning a placed task into a process: its argv with {index} and {set}
 * replaced, its environment (the set's env, the HETFLOW_* variables, and
 * exactly its GPUs in CUDA/ROCR/HIP_VISIBLE_DEVICES), stdout and stderr in
 * the .out and .err files of a new try (task_files.h), stdin from
 * /dev/null, its own process group, and a CPU affinity of exactly its
 * cores, inherited by its children. */
#ifndef HETFLOW_EXEC_SPAWN_H
#define HETFLOW_EXEC_SPAWN_H

#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/types.h>

#include "hetflow/exec.h"
#include "hetflow/platform.h"
#include "launcher.h"

typedef struct {
    const hf_workflow_t *wf;
    const hf_machine_t *machine;
    hf_platform_t platform;
    char *workdir;
    char **base_env; /* this process's environment less what tasks get anew */
    size_t nbase;
    sigset_t ignored; /* signals ignored here, set back to default in tasks */
    char **programs;  /* per group, its program resolved on PATH, once */
    launcher_t launcher;
    cpu_set_t own_cpus; /* this process's: what a launcher process runs on */
    int ngroups;        /* groups known (room in programs and made) */
    int nstart;         /* groups at the start (sets, pools): folders made then */
    bool *made;         /* per group: a later one's folder was made */
    int devnull;
    const char *scratch; /* the root of tasks' scratch directories (borrowed) */
    int *tries;          /* per task, the tries it has had in this run */
    size_t ntries;       /* room in tries: sets may be added */
} spawner_t;

/* Prepare to spawn wf's tasks on p mapped onto machine, writing under
 * workdir (created, with a folder per set).  Returns 0, or -1 with a
 * message. */
int spawner_init(spawner_t *sp, const hf_workflow_t *wf, const hf_machine_t *machine,
                 const hf_platform_t *p, const char *workdir, hf_error_t *err);
void spawner_fini(spawner_t *sp);

/* A file of task `index` of group `group` (a set's name, or a pool's)
 * itself: WORKDIR/<group>/<index>.<name>, where name is "result.json" (its
 * $HETFLOW_RESULT), "endpoint" or "rankfile". */
void spawner_task_path(const spawner_t *sp, const char *group, uint32_t index,
                       const char *name, char *out, size_t len);

/* The file `ext` ("out", "err") of the latest try of l's task in this
 * run.  Returns 0, or -1 when it has had none (or the path is too long). */
int spawner_try_path(const spawner_t *sp, const hf_launch_t *l, const char *ext,
                     char *out, size_t len);

/* Add a line from hetflow ("hetflow: " and the message) to the .err file
 * of the task's latest try: why it failed.  With `new_try`, the line
 * starts a try of its own: the task failed before a process of this try
 * started (its inputs could not be staged). */
void spawner_vnote(spawner_t *sp, const hf_launch_t *l, bool new_try, const char *fmt,
                   va_list ap) __attribute__((format(printf, 4, 0)));

/* Start the task, or a worker of `pool` (NULL for a task: a worker runs
 * the pool's function, with the pool's environment), its stdin and stdout
 * io[0] and io[1] when io is given (a worker's pipes), else /dev/null and
 * its .out file.  Returns its pid (also its process
 * group id); 0 when the program cannot be started, with *status the shell's code for it
 * (127 not found, 126 otherwise) and the reason written to the task's .err file; -1 with
 * a message when the executor itself fails (its files cannot be opened, no memory). */
pid_t spawner_start(spawner_t *sp, const hf_launch_t *l, const hf_pool_t *pool,
                    const int *io, int *status, hf_error_t *err);

#endif

/* The executors hetflow has: the simulator and the local executor (with
 * its launchers), and what the local one leaves in a run's workdir.  Each
 * fills the ops table of executor.h.
 */
#ifndef HETFLOW_EXEC_H
#define HETFLOW_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "executor.h"
#include "platform.h"
#include "workflow.h"

/* The simulator: a virtual clock and an event heap ordered by (time,
 * insertion order).  Task durations are drawn from each set's duration model
 * by a counter-based generator keyed by (seed, set, index), so a task's
 * duration does not depend on when or where it runs: every mode and policy
 * sees the same draws.  Returns 0 or -1 with ENOMEM. */
int hf_exec_sim_create(const hf_workflow_t *wf, uint64_t seed, hf_executor_t *out);

/* The local executor: each task a process on this machine, pinned to the
 * OS CPUs of its cores (node n's core c is the machine's core n x
 * cores_per_node + c, wrapping around when the platform declares more
 * cores than the machine has) and given exactly its GPUs; its output goes
 * to workdir/<set>/<index>.out and .err (<index>.<try>.out and .err for a
 * later try of it); staged files go through node-local
 * scratch under $HETFLOW_SCRATCH (else $TMPDIR, else /tmp)/hetflow-<pid>.  Takes SIGCHLD,
 * SIGINT and SIGTERM for itself until destroyed: SIGINT or SIGTERM stops the engine,
 * which terminates every running task's process group.  Returns 0 or -1 with a message.
 */
int hf_exec_local_create(const hf_workflow_t *wf, const hf_machine_t *machine,
                         const hf_platform_t *p, const char *workdir, hf_executor_t *out,
                         hf_error_t *err);

/* How the local executor starts a task: as a process of its own on this
 * machine, or through the system's launcher, which starts its ranks on the
 * nodes of a batch allocation (srun: a job step; mpiexec: an MPI launch). */
typedef enum { HF_LAUNCHER_LOCAL, HF_LAUNCHER_SRUN, HF_LAUNCHER_MPIEXEC } hf_launcher_t;

/* Whether the launcher's program (srun, mpiexec) is on PATH. */
bool hf_launcher_found(hf_launcher_t kind);
int hf_launcher_parse(const char *s, hf_launcher_t *kind);

/* Start x's tasks through `kind` from now on; node i of the platform is
 * hosts[i % nhosts] (none: srun lets Slurm choose, mpiexec uses
 * localhost).  The launcher process runs here, unpinned; it binds the
 * ranks.  Returns 0, or -1 with a message (the launcher is not on PATH). */
int hf_exec_local_set_launcher(hf_executor_t *x, hf_launcher_t kind, char *const *hosts,
                               int nhosts, hf_error_t *err);

/* The process id (and process group id) of a task the local executor x
 * runs, or 0. */
long hf_exec_local_pid(const hf_executor_t *x, uint32_t task);

/* Kill what is left of task `task`'s process group `pid` from an earlier
 * run in `workdir`, if it is still there and still that task (its
 * environment says so).  Returns 1 if something was killed, else 0. */
int hf_exec_local_reclaim(long pid, uint32_t task, const char *workdir);

/* The .err file of pool `pool`'s worker that noted the failure of call
 * `index` of set `set` (hetflow's line "set[index] failed: ..."), the
 * newest of them, into `path` (WORKDIR/<pool>/<worker>.err, or
 * <worker>.<try>.err for a worker started again); returns 1, or 0 with
 * `path` empty when no file has that line. */
int hf_exec_local_call_log(const char *workdir, const char *pool, const char *set,
                           uint32_t index, char *path, size_t path_len);

/* Why task `index` of set `set` of the run in `workdir` failed, as hetflow
 * noted it in the .err file of the task's last try: the note into `why`,
 * the file into `path` (WORKDIR/<set>/<index>.err, <index>.<try>.err for
 * a later try); returns 1.  Where no file holds a note (it could not be
 * written), `why` says what `status` (its last try's) tells, `path` is
 * empty, and it returns 0. */
int hf_exec_local_failure(const char *workdir, const char *set, uint32_t index,
                          int status, char *why, size_t why_len, char *path,
                          size_t path_len);

/* Make workdir and its folder for each set of wf (0700) where they are not
 * there, and refuse those someone else could change: owned by another
 * user, writable by group or others, or, for a set's folder, a symbolic
 * link.  Returns 0, or -1 with a message that says why. */
int hf_exec_local_check_workdir(const char *workdir, const hf_workflow_t *wf,
                                hf_error_t *err);

/* Delete the files the local executor wrote for set `set` in workdir (its
 * tasks' .out and .err of every try, results, endpoints, rankfiles), and
 * the set's folder if nothing else is left in it; a folder that is a link
 * is refused, not followed.  Returns 0, or -1 with a message. */
int hf_exec_local_forget(const char *workdir, const char *set, hf_error_t *err);

/* The duration the simulator gives task `index` of `set`. */
double hf_sim_duration(const hf_set_t *set, int set_id, uint32_t index, uint64_t seed);

#endif

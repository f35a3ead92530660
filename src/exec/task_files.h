/* Where a task's files are in a run's workdir, and which are hetflow's.
 *
 * WORKDIR/<set>/<index>.out and .err hold a task's first try; every later
 * try (a retry, a worker started again, a resumed run) gets its own,
 * <index>.<try>.out and .err, so that no try's output hides another's.  A
 * try's number is the first free one, so a resume goes on counting where
 * the killed run stopped.  The files of the task itself (its result, a
 * service's endpoint, a launcher's rankfile) are <index>.<name>. */
#ifndef HETFLOW_EXEC_TASK_FILES_H
#define HETFLOW_EXEC_TASK_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The path of try `try` of task (set, index) with extension ext ("out",
 * "err"), or, with try < 0, of the task's own file `ext`.  Returns 0, or -1
 * when it does not fit in len. */
int task_file_path(const char *workdir, const char *set, uint32_t index, int try,
                   const char *ext, char *out, size_t len);

/* Create the .err file of a new try of the task, the first free number
 * from `from` on (0600, O_EXCL: a file never stands for two tries;
 * O_APPEND: what the task and hetflow write there never overlaps).
 * Returns the descriptor with *try set, or -1 with errno. */
int task_file_new_try(const char *workdir, const char *set, uint32_t index, int from,
                      int *try);

/* The number of the task's last try with an .err file, or -1 when it has
 * none. */
int task_file_last_try(const char *workdir, const char *set, uint32_t index);

/* Why a try ended with `status` (an exit code, -signal, or one of the
 * engine's HF_STATUS_*), from the status alone: "exit 3", "signal 9
 * (Killed)". */
void task_status_text(int status, char *out, size_t len);

/* Whether `name`, in a set's folder, is a file hetflow writes there. */
bool task_file_is_own(const char *name);

#endif

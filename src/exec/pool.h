/* Worker pools for the local executor: the processes that run function
 * tasks, each started like a task (pinned to the cores of its pool task)
 * with pipes for stdin and stdout that carry the frames of
 * src/worker/frame.h (the worker moves them to descriptors of its own).  Calls go to a
 * worker of their set's pool with room in its window; requests are buffered and written
 * once per loop turn. */
#ifndef HETFLOW_EXEC_POOL_H
#define HETFLOW_EXEC_POOL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hetflow/executor.h"
#include "spawn.h"

/* Epoll data of a worker's reply pipe: this bit and the worker's slot. */
#define POOL_TAG (UINT64_C(1) << 63)

typedef struct worker worker_t;

/* A call whose arguments no frame can carry: failed by the next wait. */
typedef struct {
    uint32_t task;
    size_t len;
} pool_refused_t;

typedef struct {
    spawner_t *spawner;
    int epfd;
    worker_t **slot; /* every worker started, by slot; NULL once gone */
    size_t nslots;
    size_t cursor; /* where the next call looks for a worker first */
    pool_refused_t *refused;
    size_t nrefused, refused_cap;
} pools_t;

void pools_init(pools_t *p, spawner_t *sp, int epfd);
void pools_fini(pools_t *p);

/* Start the worker of `pool` that is task l (of the pool's group of
 * workers, no set).  Returns its pid (and process group), 0 when it cannot start
 * (*status as for spawner_start()), -1 with a message. */
pid_t pools_start(pools_t *p, const hf_pool_t *pool, const hf_launch_t *l, int *status,
                  hf_error_t *err);

/* Send call l to a worker of `pool` with room: 1 (*worker: the worker's
 * task), 0 when none has room, -1 with a message.  A call whose
 * arguments are over the frame limit is not sent: it fails at the next
 * pools_refused(). */
int pools_call(pools_t *p, const hf_pool_t *pool, const hf_launch_t *l, uint32_t *worker,
               hf_error_t *err);

/* End the calls refused since the last time (their arguments are over the
 * frame limit), failed with the reason as their result.  Returns how many,
 * -1 with a message. */
int pools_refused(pools_t *p, hf_engine_t *engine, hf_error_t *err);

/* Write the requests buffered since the last flush, as far as the pipes
 * take them (the rest when they can take more). */
void pools_flush(pools_t *p);

/* Epoll said worker `tag` may be read (or written): report its replies to
 * the engine.  Returns how many calls ended and workers became ready (the
 * engine has work to give them), -1 with a
 * message. */
int pools_ready(pools_t *p, uint64_t tag, uint32_t events, hf_engine_t *engine,
                hf_error_t *err);

/* Whether `task` is the pool task of a live worker. */
bool pools_is_worker(const pools_t *p, uint32_t task);

/* The worker that was pool task `task` exited with `status`: its replies
 * are read to the end and its calls in flight end (the one it was running
 * fails, those behind it are taken back), counted in *ended.  If it died
 * running a call and was not asked to stop, it is started again: returns
 * its new pid.  Returns 0 when the pool task itself ends with *status (it
 * was stopped, failed to start, or could not start again), -1 with a
 * message. */
pid_t pools_exited(pools_t *p, uint32_t task, int *status, hf_engine_t *engine,
                   int *ended, hf_error_t *err);

/* The engine asks `task` to stop.  A call being run is stopped by killing
 * its worker; a call queued behind another ends when its reply comes; a
 * worker's pool task is marked so as not to be started again.  Returns
 * true when `task` was a call (nothing more to do). */
bool pools_cancel(pools_t *p, uint32_t task);

#endif

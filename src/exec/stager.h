/* The local executor's stager: threads that copy (or link) tasks' files
 * between their paths and node-local scratch, so that the event loop never
 * blocks on a copy.  In scratch nothing is opened through a link: a task
 * that leaves a link as an output has it refused, not copied through.  Finished jobs wait
 * on a list, and an eventfd in the loop's epoll set says there are some. */
#ifndef HETFLOW_EXEC_STAGER_H
#define HETFLOW_EXEC_STAGER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct stage_job {
    uint32_t task;
    bool in;     /* to scratch, its folder made first (else back from it) */
    bool link;   /* symlink each file rather than copy it */
    bool remove; /* remove the task's scratch folder after */
    /* The scratch root (borrowed), and the task's folder below it
     * ("<set>/<index>"): reached from root_fd, no link followed. */
    int root_fd;
    const char *root; /* the root's path, for messages (borrowed) */
    char *dir;
    char **own, **name; /* nfiles each: a file's path, its name in dir */
    int nfiles;
    atomic_bool abort;
    /* Results, for the loop. */
    int status; /* 0, or an errno */
    double bytes;
    char why[512];
    struct stage_job *next;
} stage_job_t;

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    stage_job_t *queue, *queue_tail; /* not yet taken */
    stage_job_t **running;           /* per thread, what it moves */
    stage_job_t *done;
    pthread_t *threads;
    int nthreads, idle;
    bool stopping;
    int efd; /* readable while `done` has jobs */
} stager_t;

#define STAGER_MAX_THREADS 64

int stager_init(stager_t *st);
/* Abort what moves, and wait for the threads; jobs left are freed. */
void stager_fini(stager_t *st);
/* Hand a job over (the stager owns it until stager_take_done() gives it
 * back).  Returns 0, or -1 with errno (no thread could start). */
int stager_submit(stager_t *st, stage_job_t *job);
/* Ask task's job, queued or moving, to stop (it ends with ECANCELED). */
void stager_abort(stager_t *st, uint32_t task);
/* The jobs finished since the last call, as a list. */
stage_job_t *stager_take_done(stager_t *st);
void stage_job_free(stage_job_t *job);

#endif

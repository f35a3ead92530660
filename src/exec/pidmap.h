/* pid -> task for the processes an executor has running: open addressing
 * with linear probing and backward-shift deletion, so lookups stay O(1)
 * without tombstones however many tasks come and go. */
#ifndef HETFLOW_EXEC_PIDMAP_H
#define HETFLOW_EXEC_PIDMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
    pid_t *pids; /* 0 marks an empty slot */
    uint32_t *tasks;
    size_t n;
    size_t cap; /* a power of two, kept at most half full */
} pidmap_t;

void pidmap_init(pidmap_t *m);
void pidmap_fini(pidmap_t *m);
int pidmap_put(pidmap_t *m, pid_t pid, uint32_t task); /* 0, or -1 ENOMEM */

/* Remove pid; returns 0 with *task set, or -1 if absent. */
int pidmap_take(pidmap_t *m, pid_t pid, uint32_t *task);

#endif

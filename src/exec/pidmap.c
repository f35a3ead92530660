/* pid -> task map; see pidmap.h. */
#include <stdlib.h>
#include <string.h>

#include "pidmap.h"

static size_t slot_of(const pidmap_t *m, pid_t pid)
{
    return ((size_t)pid * 2654435761u) & (m->cap - 1);
}

void pidmap_init(pidmap_t *m)
{
    memset(m, 0, sizeof(*m));
}

void pidmap_fini(pidmap_t *m)
{
    free(m->pids);
    free(m->tasks);
    memset(m, 0, sizeof(*m));
}

static int grow(pidmap_t *m)
{
    pidmap_t bigger = {.cap = m->cap ? m->cap * 2 : 64};

    bigger.pids = calloc(bigger.cap, sizeof(pid_t));
    bigger.tasks = calloc(bigger.cap, sizeof(uint32_t));
    if (!bigger.pids || !bigger.tasks) {
        pidmap_fini(&bigger);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->pids[i])
            pidmap_put(&bigger, m->pids[i], m->tasks[i]);
    pidmap_fini(m);
    *m = bigger;
    return 0;
}

int pidmap_put(pidmap_t *m, pid_t pid, uint32_t task)
{
    size_t i;

    if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
        return -1;
    for (i = slot_of(m, pid); m->pids[i] && m->pids[i] != pid; i = (i + 1) & (m->cap - 1))
        ;
    if (!m->pids[i])
        m->n++;
    m->pids[i] = pid;
    m->tasks[i] = task;
    return 0;
}

int pidmap_take(pidmap_t *m, pid_t pid, uint32_t *task)
{
    size_t i, j;

    if (m->cap == 0)
        return -1;
    for (i = slot_of(m, pid); m->pids[i] != pid; i = (i + 1) & (m->cap - 1))
        if (!m->pids[i])
            return -1;
    *task = m->tasks[i];
    /* Backward shift: move later entries of the probe run into the hole
     * when their home slot does not lie between the hole and them. */
    for (j = (i + 1) & (m->cap - 1); m->pids[j]; j = (j + 1) & (m->cap - 1)) {
        size_t home = slot_of(m, m->pids[j]);
        if (((j - home) & (m->cap - 1)) >= ((j - i) & (m->cap - 1))) {
            m->pids[i] = m->pids[j];
            m->tasks[i] = m->tasks[j];
            i = j;
        }
    }
    m->pids[i] = 0;
    m->n--;
    return 0;
}

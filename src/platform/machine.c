/* Detection of this machine's cores with hwloc: the cores inside both the
 * allowed cpuset (cgroups) and the process's current binding, so hetflow
 * started under `taskset` or a Slurm step bound to some CPUs uses only those.
 * Each core keeps the OS ids of its hardware threads: a task pinned to a
 * core may use all of them. */
#include <errno.h>
#include <hwloc.h>
#include <stdlib.h>
#include <string.h>

#include "hetflow/platform.h"

static int add_core(hf_machine_t *m, hwloc_const_bitmap_t pus, int *cap)
{
    int id;

    if (hwloc_bitmap_iszero(pus))
        return 0;
    hwloc_bitmap_foreach_begin(id, pus)
    {
        if (m->pu_offset[m->ncores + 1] == *cap) {
            int *more = realloc(m->pus, (size_t)(*cap * 2) * sizeof(int));
            if (!more)
                return -1;
            m->pus = more;
            *cap *= 2;
        }
        m->pus[m->pu_offset[m->ncores + 1]++] = id;
    }
    hwloc_bitmap_foreach_end();
    m->ncores++;
    m->pu_offset[m->ncores + 1] = m->pu_offset[m->ncores];
    return 0;
}

static int detect_cores(hf_machine_t *m, hf_error_t *err)
{
    hwloc_topology_t topo;
    hwloc_bitmap_t usable = NULL, pus = NULL;
    hwloc_obj_type_t type = HWLOC_OBJ_CORE;
    int n, cap = 64, rc = -1;

    if (hwloc_topology_init(&topo) < 0 || hwloc_topology_load(topo) < 0) {
        hf_error_set(err, "hwloc cannot read this machine's topology");
        return -1;
    }
    usable = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(topo));
    pus = hwloc_bitmap_alloc();
    if (!usable || !pus)
        goto nomem;
    if (hwloc_get_cpubind(topo, pus, HWLOC_CPUBIND_PROCESS) == 0)
        hwloc_bitmap_and(usable, usable, pus);
    /* Some virtual machines show no core objects: count threads instead. */
    if ((n = hwloc_get_nbobjs_by_type(topo, type)) <= 0) {
        type = HWLOC_OBJ_PU;
        n = hwloc_get_nbobjs_by_type(topo, type);
    }
    m->pu_offset = calloc((size_t)n + 2, sizeof(int));
    m->pus = malloc((size_t)cap * sizeof(int));
    if (!m->pu_offset || !m->pus)
        goto nomem;
    for (int i = 0; i < n; i++) {
        hwloc_obj_t core = hwloc_get_obj_by_type(topo, type, (unsigned)i);
        hwloc_bitmap_and(pus, core->cpuset, usable);
        if (add_core(m, pus, &cap) < 0)
            goto nomem;
    }
    if (m->ncores == 0) {
        hf_error_set(err, "hwloc found no core this process may use");
        goto done;
    }
    rc = 0;
    goto done;
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
done:
    hwloc_bitmap_free(usable);
    hwloc_bitmap_free(pus);
    hwloc_topology_destroy(topo);
    return rc;
}

/* GPU ids: an inherited CUDA_VISIBLE_DEVICES says which devices this
 * process may use (and by which names); otherwise 0 .. n-1. */
static int detect_gpus(hf_machine_t *m)
{
    const char *visible = getenv("CUDA_VISIBLE_DEVICES");
    char *list, *save = NULL;
    int n;

    if (visible) {
        snprintf(m->gpu_source, sizeof(m->gpu_source), "CUDA_VISIBLE_DEVICES");
        if (!(list = strdup(visible)))
            return -1;
        n = 1;
        for (const char *c = visible; *c; c++)
            n += *c == ',';
        if (!(m->gpu_ids = calloc((size_t)n + 1, sizeof(char *)))) {
            free(list);
            return -1;
        }
        for (char *tok = strtok_r(list, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            /* CUDA stops at the first invalid entry; "-1" hides all. */
            if (*tok == '\0' || strcmp(tok, "-1") == 0)
                break;
            if (!(m->gpu_ids[m->ngpus++] = strdup(tok))) {
                free(list);
                return -1;
            }
        }
        free(list);
        return 0;
    }
    n = hf_gpu_count(m->gpu_source);
    if (!(m->gpu_ids = calloc((size_t)n + 1, sizeof(char *))))
        return -1;
    for (int i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof(id), "%d", i);
        if (!(m->gpu_ids[i] = strdup(id)))
            return -1;
        m->ngpus++;
    }
    return 0;
}

int hf_machine_detect(hf_machine_t *m, hf_error_t *err)
{
    memset(m, 0, sizeof(*m));
    if (detect_cores(m, err) < 0)
        goto error;
    if (detect_gpus(m) < 0) {
        hf_error_set(err, "out of memory");
        goto error;
    }
    return 0;
error:
    hf_machine_free(m);
    return -1;
}

void hf_machine_free(hf_machine_t *m)
{
    int saved = errno;

    free(m->pu_offset);
    free(m->pus);
    for (int i = 0; m->gpu_ids && m->gpu_ids[i]; i++)
        free(m->gpu_ids[i]);
    free(m->gpu_ids);
    memset(m, 0, sizeof(*m));
    errno = saved;
}

hf_machine_t *hf_machine_new(hf_error_t *err)
{
    hf_machine_t *m = calloc(1, sizeof(*m));

    if (!m) {
        hf_error_set(err, "out of memory");
        return NULL;
    }
    if (hf_machine_detect(m, err) < 0) {
        free(m);
        return NULL;
    }
    return m;
}

int hf_machine_ncores(const hf_machine_t *m)
{
    return m->ncores;
}

void hf_machine_destroy(hf_machine_t *m)
{
    int saved = errno;

    if (m)
        hf_machine_free(m);
    free(m);
    errno = saved;
}

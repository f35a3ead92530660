/* Batch allocations: the nodes a job was given, found from the batch
 * system's environment (Slurm, PBS, LSF) or a hostfile.  Part of the
 * platform part: it names nodes, it does not schedule on them. */
#ifndef HETFLOW_ALLOC_H
#define HETFLOW_ALLOC_H

#include "error.h"
#include "platform.h"

typedef struct {
    char **hosts; /* node i's host name, in the allocation's order */
    int nhosts;
    int cores_per_node; /* the smallest node's, or -1 when not said */
    int gpus_per_node;  /* -1 when not said */
    char source[16];    /* "slurm", "pbs", "lsf", "hostfile" */
} hf_allocation_t;

/* Most hosts a host list may name (a bracket range can name millions). */
#define HF_MAX_HOSTS HF_PLATFORM_MAX_NODES

/* Expand a Slurm host list ("n[001-004,007],gpu[1-2]", "a[1-2]b[3-4]"):
 * ranges keep their zero padding, several brackets in one name multiply.
 * Returns 0 with *hosts (malloc'd, each string too) and *n, or -1 with
 * EINVAL and a message naming the byte where the list is wrong. */
int hf_hostlist_expand(const char *list, char ***hosts, int *n, hf_error_t *err);

/* The allocation this process runs in: `hostfile` when not NULL (lines
 * "host", "host slots=N" or "host:N"; a host repeated counts its slots),
 * else Slurm (SLURM_JOB_NODELIST, SLURM_JOB_CPUS_PER_NODE or
 * SLURM_CPUS_ON_NODE, SLURM_GPUS_ON_NODE or SLURM_JOB_GPUS), else PBS
 * (PBS_NODEFILE: a line per slot), else LSF (LSB_DJOB_HOSTFILE: likewise).
 * Returns 1 when one was found, 0 when none (a zeroed *a), -1 with a
 * message when one was found but is malformed. */
int hf_allocation_detect(hf_allocation_t *a, const char *hostfile, hf_error_t *err);
void hf_allocation_free(hf_allocation_t *a);

#endif

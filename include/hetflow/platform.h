/* The platform a workflow runs on: a number of identical nodes, each with
 * cores and GPUs numbered from 0.
 */
#ifndef HETFLOW_PLATFORM_H
#define HETFLOW_PLATFORM_H

#include "error.h"

typedef struct {
    int nodes;
    int cores_per_node;
    int gpus_per_node;
    /* Bytes per second of the shared filesystem, and of each node's link to
     * it, for the simulator's transfers; 0 (or less): unlimited. */
    double bw_shared;
    double bw_node;
} hf_platform_t;

/* Largest values accepted, so that counts and id sets stay in 32 bits and a
 * node's id bitmaps stay small. */
#define HF_PLATFORM_MAX_NODES 1000000
#define HF_PLATFORM_MAX_CORES 4096
#define HF_PLATFORM_MAX_GPUS 256

#define HF_GPU_SOURCE_LEN 24

/* What detection found on this machine: the cores this process may use,
 * each with the OS ids of its hardware threads, and the GPUs it may use,
 * each with the id to put in CUDA_VISIBLE_DEVICES (the device's index, or
 * the entry of an inherited CUDA_VISIBLE_DEVICES, which may be a UUID). */
typedef struct {
    int ncores;
    int *pu_offset; /* ncores + 1: core k's threads are pus[pu_offset[k]..] */
    int *pus;
    int ngpus;
    char **gpu_ids;
    char gpu_source[HF_GPU_SOURCE_LEN]; /* "nvml", "nvidia-smi", "CUDA_VISIBLE_DEVICES",
                                           "none" */
} hf_machine_t;

/* Detect this machine: cores with hwloc (within the process's CPU binding),
 * GPUs through NVML loaded at run time, else `nvidia-smi -L`; no GPU is not
 * an error.  Returns 0, or -1 with a message. */
int hf_machine_detect(hf_machine_t *m, hf_error_t *err);
void hf_machine_free(hf_machine_t *m);

/* For bindings that do not mirror the structs (python/hetflow/api.py): this
 * machine detected into a new hf_machine_t (NULL with a message), its
 * cores, and freeing it; a new platform of nodes x cores x GPUs and the
 * bandwidths (NULL with ENOMEM), and freeing it. */
hf_machine_t *hf_machine_new(hf_error_t *err);
int hf_machine_ncores(const hf_machine_t *m);
void hf_machine_destroy(hf_machine_t *m);
hf_platform_t *hf_platform_new(int nodes, int cores_per_node, int gpus_per_node,
                               double bw_shared, double bw_node);
void hf_platform_free(hf_platform_t *p);

/* The GPUs NVML or nvidia-smi report, ignoring CUDA_VISIBLE_DEVICES: a
 * count, and where it came from (source has room for HF_GPU_SOURCE_LEN). */
int hf_gpu_count(char *source);

/* Copy into dst every count of src that is not negative and every
 * bandwidth that is positive (given). */
void hf_platform_overlay(hf_platform_t *dst, const hf_platform_t *src);

/* Check that every count is within its limits.  Returns 0, or -1 with EINVAL
 * and a message in err. */
int hf_platform_check(const hf_platform_t *p, hf_error_t *err);

static inline long hf_platform_total_cores(const hf_platform_t *p)
{
    return (long)p->nodes * p->cores_per_node;
}

static inline long hf_platform_total_gpus(const hf_platform_t *p)
{
    return (long)p->nodes * p->gpus_per_node;
}

#endif

/* How `run` reaches the nodes: the launcher (--launcher, auto by default:
 * srun inside a Slurm allocation, else local) and, for srun and mpiexec,
 * the allocation's nodes (--hostfile, else Slurm, PBS or LSF), which then
 * are the platform, narrowed by the platform flags. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

/* The local launcher starts a task as one process: a task of several
 * ranks would silently run once.  Returns 0, or -1 naming the first such
 * set and the launchers that start ranks. */
static int check_ranks(const hf_workflow_t *wf, hf_error_t *err)
{
    for (int i = 0; i < hf_workflow_nsets(wf); i++) {
        const hf_set_t *set = hf_workflow_get_set(wf, i);
        if (set->ranks > 1) {
            hf_error_set(err,
                         "%s:%d:%d: set '%s' has ranks: %d, but the local launcher "
                         "runs one process per task: use --launcher mpiexec (or srun "
                         "in Slurm)",
                         hf_workflow_file(wf), set->mark.line, set->mark.col, set->name,
                         set->ranks);
            return -1;
        }
    }
    return 0;
}

int cmd_choose_launcher(const cmd_opts_t *opts, cmd_input_t *in, hf_error_t *err)
{
    hf_platform_t p, file;
    int found;

    if (opts->has_launcher)
        in->launcher = opts->launcher;
    else
        in->launcher = getenv("SLURM_JOB_ID") && hf_launcher_found(HF_LAUNCHER_SRUN)
                           ? HF_LAUNCHER_SRUN
                           : HF_LAUNCHER_LOCAL;
    if (in->launcher == HF_LAUNCHER_LOCAL && check_ranks(in->wf, err) < 0)
        return -1;
    if (in->launcher == HF_LAUNCHER_LOCAL && !opts->hostfile)
        return 0;
    if ((found = hf_allocation_detect(&in->alloc, opts->hostfile, err)) < 0)
        return -1;
    if (found == 0)
        return 0; /* srun makes its own job; mpiexec runs here */
    in->has_alloc = true;
    p = (hf_platform_t){
        in->alloc.nhosts,
        in->alloc.cores_per_node > 0 ? in->alloc.cores_per_node : in->machine.ncores,
        in->alloc.gpus_per_node >= 0 ? in->alloc.gpus_per_node : in->machine.ngpus,
        in->platform.bw_shared, in->platform.bw_node};
    if (opts->platform.nodes > in->alloc.nhosts) {
        hf_error_set(err, "--nodes %d: the allocation (%s) has %d nodes",
                     opts->platform.nodes, in->alloc.source, in->alloc.nhosts);
        return -1;
    }
    hf_platform_overlay(&p, &opts->platform);
    if (hf_workflow_platform(in->wf, &file) &&
        (file.nodes != p.nodes || file.cores_per_node != p.cores_per_node ||
         file.gpus_per_node != p.gpus_per_node))
        fprintf(stderr,
                "hetflow: note: running on the allocation (%s): %d nodes x %d cores "
                "x %d GPUs, not the workflow file's platform\n",
                in->alloc.source, p.nodes, p.cores_per_node, p.gpus_per_node);
    in->platform = p;
    return 0;
}

/* hetflow platform: what detection finds on this machine, and the platform
 * the flags make of it. */
#include <stdio.h>

#include "cmd.h"

const cmd_entry_t cmd_platform_entry = {
    .name = "platform",
    .usage =
        "[--nodes N] [--cores-per-node C] [--gpus-per-node G] [--hostfile F] [--json]",
    .summary = "show the cores and GPUs detected on this machine",
    .help = "Cores come from hwloc, within this process's CPU binding; GPUs from NVML\n"
            "(loaded at run time), else 'nvidia-smi -L', and an inherited\n"
            "CUDA_VISIBLE_DEVICES says which of them may be used.  With the flags, the\n"
            "platform that 'run' would use: --nodes N splits this machine into N\n"
            "virtual nodes.  Inside a batch allocation (Slurm, PBS, LSF) or with\n"
            "--hostfile, also the allocation's nodes, which 'run' uses with the srun or\n"
            "mpiexec launcher.\n"
            "\n  --json   print one JSON object on stdout\n",
    .exec = cmd_platform,
};

static json_t *machine_json(const hf_machine_t *m, const hf_platform_t *p)
{
    json_t *cores = json_array(), *gpus = json_array();

    for (int k = 0; k < m->ncores; k++) {
        json_t *pus = json_array();
        for (int j = m->pu_offset[k]; j < m->pu_offset[k + 1]; j++)
            json_array_append_new(pus, json_integer(m->pus[j]));
        json_array_append_new(cores, pus);
    }
    for (int g = 0; g < m->ngpus; g++)
        json_array_append_new(gpus, json_string(m->gpu_ids[g]));
    return json_pack("{s:{s:i,s:o,s:i,s:o,s:s},s:{s:i,s:i,s:i}}", "machine", "cores",
                     m->ncores, "cpus", cores, "gpus", m->ngpus, "gpu_ids", gpus,
                     "gpu_source", m->gpu_source, "platform", "nodes", p->nodes,
                     "cores_per_node", p->cores_per_node, "gpus_per_node",
                     p->gpus_per_node);
}

/* -1 for a count the allocation does not give. */
static json_t *allocation_json(const hf_allocation_t *a)
{
    json_t *hosts = json_array();

    for (int i = 0; hosts && i < a->nhosts; i++)
        json_array_append_new(hosts, json_string(a->hosts[i]));
    return json_pack("{s:s,s:o,s:i,s:i}", "source", a->source, "hosts", hosts,
                     "cores_per_node", a->cores_per_node, "gpus_per_node",
                     a->gpus_per_node);
}

int cmd_platform(int argc, char **argv)
{
    cmd_opts_t opts;
    hf_machine_t m;
    hf_platform_t p, none = {-1, -1, -1, 0, 0};
    hf_error_t err = {{0}};
    bool done;
    hf_allocation_t alloc;
    int found;
    int rc = cmd_parse(&cmd_platform_entry,
                       OPT_PLATFORM | OPT_JSON | OPT_NO_FILE | OPT_HOSTFILE, argc, argv,
                       &opts, &done);

    if (rc != EXIT_OK || done)
        return rc;
    if (hf_machine_detect(&m, &err) < 0) {
        fprintf(stderr, "hetflow: %s\n", err.text);
        return EXIT_BAD_INPUT;
    }
    if ((found = hf_allocation_detect(&alloc, opts.hostfile, &err)) < 0) {
        fprintf(stderr, "hetflow platform: %s\n", err.text);
        hf_machine_free(&m);
        return EXIT_BAD_INPUT;
    }
    cmd_resolve_platform(&m, &none, &opts.platform, &p);
    if (hf_platform_check(&p, &err) < 0) {
        fprintf(stderr, "hetflow platform: %s\n", err.text);
        hf_machine_free(&m);
        return EXIT_BAD_INPUT;
    }
    if (opts.json) {
        json_t *o = machine_json(&m, &p);
        if (found && o)
            json_object_set_new(o, "allocation", allocation_json(&alloc));
        cmd_print_json(o);
    } else {
        printf("cores     %d:", m.ncores);
        for (int k = 0; k < m.ncores; k++) {
            printf(" ");
            for (int j = m.pu_offset[k]; j < m.pu_offset[k + 1]; j++)
                printf("%s%d", j > m.pu_offset[k] ? "+" : "", m.pus[j]);
        }
        printf("\ngpus      %d (%s)", m.ngpus, m.gpu_source);
        for (int g = 0; g < m.ngpus; g++)
            printf("%s%s", g ? ", " : ": ", m.gpu_ids[g]);
        printf("\nplatform  %d nodes x %d cores x %d GPUs\n", p.nodes, p.cores_per_node,
               p.gpus_per_node);
        if (found) {
            printf("allocation (%s) %d nodes x %d cores x ", alloc.source, alloc.nhosts,
                   alloc.cores_per_node);
            if (alloc.gpus_per_node >= 0)
                printf("%d GPUs:", alloc.gpus_per_node);
            else
                printf("GPUs not said:");
            for (int i = 0; i < alloc.nhosts && i < 32; i++)
                printf(" %s", alloc.hosts[i]);
            printf("%s\n", alloc.nhosts > 32 ? " ..." : "");
        }
    }
    hf_allocation_free(&alloc);
    hf_machine_free(&m);
    return EXIT_OK;
}

/* hetflow analyze: the degree-of-asynchronicity model of a workflow on a
 * platform, before running anything. */
#include <stdio.h>

#include "cmd.h"

const cmd_entry_t cmd_analyze_entry = {
    .name = "analyze",
    .usage = "FILE [--nodes N] [--cores-per-node C] [--gpus-per-node G] [--json]\n"
             "       [--group-by task|category]",
    .summary = "predict what asynchronous execution gains (DOA, t_seq, t_async, I)",
    .help = "Per set: tasks that fit at once, waves and time t = waves x duration.\n"
            "t_seq sums the largest t of each level; t_async is the longest path\n"
            "weighted by t; I = 1 - t_async / t_seq.  DOA_dep is the largest\n"
            "antichain of sets minus one, DOA_res the largest whose sets fit the\n"
            "platform together minus one, WLA their minimum.  The lower bound is\n"
            "the critical path or the work over the platform's capacity.  'bounded'\n"
            "raises t_seq and t_async to the tight bound, which no schedule beats,\n"
            "and 'limit' says whether dependencies or resources set it.\n"
            "\n  --json         print one JSON object on stdout\n"
            "  --group-by G   for a WfFormat file: task (default) or category\n",
    .exec = cmd_analyze,
};

static void print_degree(const char *name, int v)
{
    if (v < 0)
        printf("%-9s n/a (more sets than the exact search handles)\n", name);
    else
        printf("%-9s %d\n", name, v);
}

static void print_text(const cmd_input_t *in, const hf_analysis_t *a)
{
    const hf_platform_t *p = &in->platform;

    printf("workflow %s on %d nodes x %d cores x %d GPUs\n\n", hf_workflow_name(in->wf),
           p->nodes, p->cores_per_node, p->gpus_per_node);
    printf("%-16s %8s %5s %4s %5s %10s %7s %6s %10s %5s\n", "set", "tasks", "cores",
           "gpus", "ranks", "duration", "fit", "waves", "t", "level");
    for (int s = 0; s < a->nsets; s++) {
        const hf_set_t *set = hf_workflow_get_set(in->wf, s);
        printf("%-16s %8ld %5d %4d %5d %10.1f %7ld %6ld %10.1f %5d\n", set->name,
               set->tasks, set->cores, set->gpus, set->ranks, set->duration_mean,
               a->sets[s].fit, a->sets[s].waves, a->sets[s].t, hf_dag_level(in->dag, s));
    }
    printf("\nt_seq     %.1f s\nt_async   %.1f s\nI         %.3f\n", a->t_seq, a->t_async,
           a->improvement);
    printf("bounded   t_seq %.1f s, t_async %.1f s, I %.3f  (each at least the tight "
           "bound)\n",
           a->t_seq_bounded, a->t_async_bounded, a->improvement_bounded);
    if (a->limit == HF_LIMIT_RESOURCES)
        printf("limit     resources (the tight bound, work over capacity, is above "
               "t_async)\n");
    else
        printf("limit     dependencies (t_async, the critical path, is at least the "
               "tight bound)\n");
    print_degree("DOA_dep", a->doa_dep);
    print_degree("DOA_res", a->doa_res);
    if (a->doa_res >= 0 && !a->doa_res_exact)
        printf("          (search budget reached: DOA_res is a lower bound)\n");
    print_degree("WLA", a->wla);
    printf("critical path  %.1f s\nlower bound    %.1f s  (work/capacity: cores "
           "%.1f s, GPUs %.1f s; files across the shared filesystem %.1f s)\ntight bound "
           "   %.1f s  (with ancestors' work and long "
           "tails)\n",
           a->critical_path, a->lower_bound, a->area_cores, a->area_gpus, a->data.bound,
           a->tight_bound);
    if (a->data.read + a->data.written > 0 || a->data.unknown > 0) {
        char r[32], w[32], st[32];
        printf("data           %s read, %s written, %s staged across the shared "
               "filesystem",
               cmd_bytes(a->data.read, r, sizeof(r)),
               cmd_bytes(a->data.written, w, sizeof(w)),
               cmd_bytes(a->data.staged, st, sizeof(st)));
        if (a->data.bound > 0)
            printf(": at least %.1f s", a->data.bound);
        printf("\n");
        if (a->data.unknown > 0)
            printf("               (%ld files of unknown size counted 0)\n",
                   a->data.unknown);
    }
}

int cmd_analyze(int argc, char **argv)
{
    cmd_opts_t opts;
    cmd_input_t in;
    hf_analysis_t a;
    bool done;
    int rc = cmd_parse(&cmd_analyze_entry, OPT_PLATFORM | OPT_JSON | OPT_GROUP_BY, argc,
                       argv, &opts, &done);

    if (rc != EXIT_OK || done)
        return rc;
    if ((rc = cmd_load(&opts, false, &in)) != EXIT_OK)
        return rc;
    if (hf_analyze(in.wf, in.dag, &in.platform, &a) < 0)
        cmd_die_nomem();
    if (opts.json)
        cmd_print_json(hf_analysis_json(in.wf, in.dag, &in.platform, &a));
    else
        print_text(&in, &a);
    hf_analysis_free(&a);
    cmd_input_free(&in);
    return EXIT_OK;
}

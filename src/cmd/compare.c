/* hetflow compare: simulate a workflow in the three modes and set each
 * against sequential, next to what the model predicts. */
#include <math.h>
#include <stdio.h>

#include "cmd.h"

const cmd_entry_t cmd_compare_entry = {
    .name = "compare",
    .usage = "FILE [--policy P] [--nodes N] [--cores-per-node C] [--gpus-per-node G]\n"
             "       [--seed N] [--json]",
    .summary = "simulate in sequential, workload and task modes and compare",
    .help = "For each mode: makespan, core and GPU utilization, and the improvement\n"
            "I = 1 - makespan / sequential makespan; then the model's prediction\n"
            "(t_seq, t_async, I) from 'hetflow analyze'.\n"
            "\n  --json   print one JSON object on stdout\n",
    .exec = cmd_compare,
};

static const hf_mode_t modes[] = {HF_MODE_SEQUENTIAL, HF_MODE_WORKLOAD, HF_MODE_TASK};

static json_t *round6(double v)
{
    return json_real(round(v * 1e6) / 1e6);
}

int cmd_compare(int argc, char **argv)
{
    int allowed = OPT_PLATFORM | OPT_POLICY | OPT_SEED | OPT_JSON;
    cmd_opts_t opts;
    cmd_input_t in;
    hf_summary_t s[3];
    hf_analysis_t a;
    json_t *by_mode;
    bool done;
    int rc = cmd_parse(&cmd_compare_entry, allowed, argc, argv, &opts, &done);

    if (rc != EXIT_OK || done)
        return rc;
    if ((rc = cmd_load(&opts, false, &in)) != EXIT_OK)
        return rc;
    for (int m = 0; m < 3; m++) {
        hf_executor_t sim;
        hf_engine_t *e = cmd_simulate(&in, modes[m], opts.seed, &sim, NULL);
        if (!e) {
            cmd_input_free(&in);
            return EXIT_BAD_INPUT;
        }
        hf_summary_compute(e, &s[m]);
        hf_engine_destroy(e);
        hf_executor_destroy(&sim);
    }
    if (hf_analyze(in.wf, in.dag, &in.platform, &a) < 0 || !(by_mode = json_object()))
        cmd_die_nomem();
    if (!opts.json) {
        printf("workflow %s: %s policy, %d nodes x %d cores x %d GPUs\n\n",
               hf_workflow_name(in.wf), hf_policy_name(in.policy), in.platform.nodes,
               in.platform.cores_per_node, in.platform.gpus_per_node);
        printf("%-11s %11s %8s %8s %8s\n", "mode", "makespan", "cores", "gpus", "I");
    }
    for (int m = 0; m < 3; m++) {
        double improvement = s[0].makespan > 0 ? 1 - s[m].makespan / s[0].makespan : 0;
        if (opts.json) {
            json_object_set_new(
                by_mode, hf_mode_name(modes[m]),
                json_pack("{s:o,s:{s:o,s:o},s:o,s:I}", "makespan", round6(s[m].makespan),
                          "utilization", "cores", round6(s[m].util_cores), "gpus",
                          round6(s[m].util_gpus), "improvement", round6(improvement),
                          "tasks_done", (json_int_t)s[m].done));
        } else {
            printf("%-11s %9.1f s %7.1f%% %7.1f%% %8.3f\n", hf_mode_name(modes[m]),
                   s[m].makespan, 100 * s[m].util_cores, 100 * s[m].util_gpus,
                   improvement);
        }
    }
    if (opts.json) {
        cmd_print_json(json_pack("{s:s,s:s,s:o,s:{s:o,s:o,s:o}}", "workflow",
                                 hf_workflow_name(in.wf), "policy",
                                 hf_policy_name(in.policy), "modes", by_mode, "model",
                                 "t_seq", round6(a.t_seq), "t_async", round6(a.t_async),
                                 "improvement", round6(a.improvement)));
    } else {
        json_decref(by_mode);
        printf("\nmodel       t_seq %.1f s, t_async %.1f s, I %.3f\n", a.t_seq, a.t_async,
               a.improvement);
    }
    hf_analysis_free(&a);
    cmd_input_free(&in);
    return EXIT_OK;
}

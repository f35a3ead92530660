/* hetflow compare: simulate a workflow in the three modes and set each
 * against sequential, next to what the model predicts. */
#include <math.h>
#include <stdio.h>

#include "cmd.h"

const cmd_entry_t cmd_compare_entry = {
    .name = "compare",
    .usage = "FILE [FILE...] [--policy P] [--nodes N] [--cores-per-node C]\n"
             "       [--gpus-per-node G] [--seed N] [--json] [--group-by task|category]",
    .summary = "simulate in sequential, workload and task modes and compare",
    .help = "With one FILE, for each mode: makespan, core and GPU utilization, and the\n"
            "improvement I = 1 - makespan / sequential makespan; then the model's\n"
            "prediction (t_seq, t_async, I) from 'hetflow analyze', and the same\n"
            "raised to the tight bound, with what limits the workflow.\n"
            "\n"
            "With several FILEs (an adaptive design and the workflow without its\n"
            "rules, say), each is simulated once in its own mode, and set against the\n"
            "first: makespan, utilization, tasks done and canceled, and the tasks done\n"
            "that gave a result (the work that counts).\n"
            "\n"
            "A workflow that stages files is also simulated with every staging\n"
            "synchronous (inside the task's slot) and asynchronous (outside it).\n"
            "\n  --json         print one JSON object on stdout\n"
            "  --group-by G   for a WfFormat file: task (default) or category\n",
    .exec = cmd_compare,
};

static const hf_mode_t modes[] = {HF_MODE_SEQUENTIAL, HF_MODE_WORKLOAD, HF_MODE_TASK};

static json_t *round6(double v)
{
    return json_real(round(v * 1e6) / 1e6);
}

/* Several workflows, each simulated once in its own mode. */
static void free_inputs(cmd_input_t *in, int n)
{
    for (int i = 0; i < n; i++)
        cmd_input_free(&in[i]);
}

static int compare_files(cmd_opts_t *opts)
{
    cmd_input_t in[CMD_MAX_FILES];
    json_t *rows = json_array();
    double first = 0;
    int rc = EXIT_OK;

    if (!rows)
        cmd_die_nomem();
    /* Every file is loaded before any is simulated: a bad one is reported
     * alone, not after half a table. */
    for (int i = 0; i < opts->nfiles; i++) {
        opts->file = opts->files[i];
        if ((rc = cmd_load(opts, false, &in[i])) != EXIT_OK) {
            free_inputs(in, i);
            json_decref(rows);
            return rc;
        }
    }
    if (!opts->json)
        printf("%-24s %-10s %11s %7s %7s %7s %9s %8s %7s\n", "workflow", "mode",
               "makespan", "cores", "gpus", "done", "canceled", "results", "I");
    for (int i = 0; i < opts->nfiles; i++) {
        hf_executor_t sim;
        hf_summary_t s;
        hf_engine_t *e;
        double improvement;
        if (!(e = cmd_simulate(&in[i], in[i].mode, opts->seed, &sim, NULL))) {
            rc = EXIT_BAD_INPUT;
            break;
        }
        hf_summary_compute(e, &s);
        if (i == 0)
            first = s.makespan;
        improvement = first > 0 ? 1 - s.makespan / first : 0;
        if (opts->json)
            json_array_append_new(
                rows,
                json_pack("{s:s,s:s,s:s,s:o,s:{s:o,s:o},s:I,s:I,s:I,s:o}", "file",
                          opts->files[i], "workflow", hf_workflow_name(in[i].wf), "mode",
                          hf_mode_name(in[i].mode), "makespan", round6(s.makespan),
                          "utilization", "cores", round6(s.util_cores), "gpus",
                          round6(s.util_gpus), "tasks_done", (json_int_t)s.done,
                          "tasks_canceled", (json_int_t)s.canceled, "results",
                          (json_int_t)s.results, "improvement", round6(improvement)));
        else
            printf("%-24.24s %-10s %9.1f s %6.1f%% %6.1f%% %7ld %9ld %8ld %7.3f\n",
                   hf_workflow_name(in[i].wf), hf_mode_name(in[i].mode), s.makespan,
                   100 * s.util_cores, 100 * s.util_gpus, s.done, s.canceled, s.results,
                   improvement);
        hf_engine_destroy(e);
        hf_executor_destroy(&sim);
    }
    free_inputs(in, opts->nfiles);
    if (rc != EXIT_OK) {
        json_decref(rows);
        return rc;
    }
    if (opts->json)
        return cmd_print_json(json_pack("{s:o}", "workflows", rows)) < 0 ? EXIT_BAD_INPUT
                                                                         : EXIT_OK;
    json_decref(rows);
    printf("\nI = 1 - makespan / the first workflow's makespan\n");
    return EXIT_OK;
}

/* Every staged set synchronous, or asynchronous. */
static void force_staging(hf_workflow_t *wf, bool sync)
{
    for (int s = 0; s < hf_workflow_nsets(wf); s++)
        hf_workflow_get_set_mut(wf, s)->stage.sync = sync;
}

/* A workflow that stages files, simulated in its mode with synchronous and
 * with asynchronous staging: printed, and returned as JSON. */
static json_t *compare_staging(cmd_input_t *in, const cmd_opts_t *opts)
{
    json_t *o = json_object();
    double sync_makespan = 0;

    if (!opts->json)
        printf("\n%-11s %11s %8s %8s %9s %8s %8s\n", "staging", "makespan", "cores",
               "gpus", "moving", "beside", "I");
    for (int sync = 1; sync >= 0; sync--) {
        hf_executor_t sim;
        hf_summary_t s;
        hf_staging_summary_t st;
        hf_engine_t *e;
        double improvement;
        force_staging(in->wf, sync);
        if (!(e = cmd_simulate(in, in->mode, opts->seed, &sim, NULL)) ||
            hf_staging_compute(e, &st) < 0)
            cmd_die_nomem();
        hf_summary_compute(e, &s);
        if (sync)
            sync_makespan = s.makespan;
        improvement = sync_makespan > 0 ? 1 - s.makespan / sync_makespan : 0;
        if (opts->json)
            json_object_set_new(
                o, sync ? "sync" : "async",
                json_pack("{s:o,s:{s:o,s:o},s:o,s:o,s:o}", "makespan", round6(s.makespan),
                          "utilization", "cores", round6(s.util_cores), "gpus",
                          round6(s.util_gpus), "staging_busy", round6(st.busy), "overlap",
                          round6(st.overlap), "improvement", round6(improvement)));
        else
            printf("%-11s %9.1f s %7.1f%% %7.1f%% %7.1f s %7.0f%% %8.3f\n",
                   sync ? "sync" : "async", s.makespan, 100 * s.util_cores,
                   100 * s.util_gpus, st.busy, 100 * st.overlap, improvement);
        hf_engine_destroy(e);
        hf_executor_destroy(&sim);
    }
    if (!opts->json)
        printf("(in %s mode; moving: time files moved, beside: share of it with tasks "
               "computing)\n",
               hf_mode_name(in->mode));
    return o;
}

int cmd_compare(int argc, char **argv)
{
    int allowed =
        OPT_PLATFORM | OPT_POLICY | OPT_SEED | OPT_JSON | OPT_FILES | OPT_GROUP_BY;
    cmd_opts_t opts;
    cmd_input_t in;
    hf_summary_t s[3];
    hf_analysis_t a;
    json_t *by_mode;
    bool done;
    int rc = cmd_parse(&cmd_compare_entry, allowed, argc, argv, &opts, &done);

    if (rc != EXIT_OK || done)
        return rc;
    if (opts.nfiles > 1)
        return compare_files(&opts);
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
        json_t *o =
            json_pack("{s:s,s:s,s:o,s:{s:o,s:o,s:o}}", "workflow",
                      hf_workflow_name(in.wf), "policy", hf_policy_name(in.policy),
                      "modes", by_mode, "model", "t_seq", round6(a.t_seq), "t_async",
                      round6(a.t_async), "improvement", round6(a.improvement));
        if (!o || hf_analysis_json_bounded(json_object_get(o, "model"), &a) < 0 ||
            (hf_workflow_stages(in.wf) &&
             json_object_set_new(o, "staging", compare_staging(&in, &opts)) < 0))
            cmd_die_nomem();
        cmd_print_json(o);
    } else {
        json_decref(by_mode);
        printf("\nmodel       t_seq %.1f s, t_async %.1f s, I %.3f\n", a.t_seq, a.t_async,
               a.improvement);
        printf("bounded     t_seq %.1f s, t_async %.1f s, I %.3f; limit %s\n",
               a.t_seq_bounded, a.t_async_bounded, a.improvement_bounded,
               hf_limit_name(a.limit));
        if (hf_workflow_stages(in.wf))
            json_decref(compare_staging(&in, &opts));
    }
    hf_analysis_free(&a);
    cmd_input_free(&in);
    return EXIT_OK;
}

/* hetflow simulate: run a workflow on the simulator, with the same engine
 * and scheduler as a real run, and report what it would do. */
#include <math.h>
#include <stdio.h>

#include "cmd.h"

const cmd_entry_t cmd_simulate_entry = {
    .name = "simulate",
    .usage = "FILE [--mode M] [--policy P] [--nodes N] [--cores-per-node C]\n"
             "       [--gpus-per-node G] [--seed N] [--json] [--trace OUT]",
    .summary = "simulate a workflow with the scheduler it runs with",
    .help =
        "  --mode M       sequential | workload | task (default: the file's, else task)\n"
        "  --policy P     fifo | critical-path (default: the file's, else\n"
        "                 critical-path)\n"
        "  --seed N       seed for durations given as {mean, stddev} (default 0)\n"
        "  --json         print one JSON object on stdout\n"
        "  --trace OUT    write a Chrome trace-event file (open it in Perfetto)\n",
    .exec = cmd_simulate_main,
};

static void print_text(const cmd_input_t *in, const hf_engine_t *e, const hf_summary_t *s,
                       double bound)
{
    const hf_platform_t *p = &in->platform;
    const hf_engine_config_t *cfg = hf_engine_config(e);
    json_t *sets = NULL;

    printf("workflow %s: %s mode, %s policy, %d nodes x %d cores x %d GPUs\n",
           hf_workflow_name(in->wf), hf_mode_name(cfg->mode), hf_policy_name(cfg->policy),
           p->nodes, p->cores_per_node, p->gpus_per_node);
    printf("makespan     %.1f s  (lower bound %.1f s, ratio %.3f)\n", s->makespan, bound,
           bound > 0 ? s->makespan / bound : 1.0);
    printf("tasks        %ld done, %ld failed, %ld canceled of %ld\n", s->done, s->failed,
           s->canceled, s->tasks);
    printf("utilization  cores %.1f%%, GPUs %.1f%%\n\n", 100 * s->util_cores,
           100 * s->util_gpus);
    printf("%-16s %10s %10s\n", "set", "start", "end");
    if (!(sets = hf_summary_json(e, s)))
        cmd_die_nomem();
    for (int i = 0; i < hf_workflow_nsets(in->wf); i++) {
        const char *name = hf_workflow_set(in->wf, i)->name;
        json_t *o = json_object_get(json_object_get(sets, "sets"), name);
        printf("%-16s %10.1f %10.1f\n", name,
               json_number_value(json_object_get(o, "start")),
               json_number_value(json_object_get(o, "end")));
    }
    json_decref(sets);
}

int cmd_simulate_main(int argc, char **argv)
{
    int allowed = OPT_PLATFORM | OPT_MODE | OPT_POLICY | OPT_SEED | OPT_JSON | OPT_TRACE;
    cmd_opts_t opts;
    cmd_input_t in;
    hf_executor_t sim;
    hf_engine_t *e;
    hf_trace_t *trace = NULL;
    hf_summary_t s;
    hf_error_t err = {{0}};
    double bound;
    bool done;
    int rc = cmd_parse(&cmd_simulate_entry, allowed, argc, argv, &opts, &done);

    if (rc != EXIT_OK || done)
        return rc;
    if ((rc = cmd_load(&opts, &in)) != EXIT_OK)
        return rc;
    if (!(e = cmd_simulate(&in, in.mode, opts.seed, &sim, opts.trace ? &trace : NULL))) {
        cmd_input_free(&in);
        return EXIT_BAD_INPUT;
    }
    hf_summary_compute(e, &s);
    bound = hf_lower_bound(in.wf, in.dag, &in.platform);
    if (opts.trace && hf_trace_write_chrome(trace, e, opts.trace, &err) < 0) {
        fprintf(stderr, "hetflow: %s\n", err.text);
        rc = EXIT_BAD_INPUT;
    } else if (opts.json) {
        json_t *o = hf_summary_json(e, &s);
        if (!o)
            cmd_die_nomem();
        json_object_set_new(o, "lower_bound", json_real(round(bound * 1e6) / 1e6));
        json_object_set_new(
            o, "makespan_over_bound",
            json_real(bound > 0 ? round(s.makespan / bound * 1e6) / 1e6 : 1.0));
        json_object_set_new(o, "seed", json_integer((json_int_t)opts.seed));
        cmd_print_json(o);
    } else {
        print_text(&in, e, &s, bound);
    }
    if (rc == EXIT_OK && s.failed > 0)
        rc = EXIT_TASK_FAILED;
    hf_trace_destroy(trace);
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);
    cmd_input_free(&in);
    return rc;
}

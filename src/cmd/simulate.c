/* hetflow simulate: run a workflow on the simulator, with the same engine
 * and scheduler as a real run, and report what it would do. */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "cmd.h"

const cmd_entry_t cmd_simulate_entry = {
    .name = "simulate",
    .usage =
        "FILE [--mode M] [--policy P] [--nodes N] [--cores-per-node C]\n"
        "       [--gpus-per-node G] [--seed N] [--json] [--trace OUT] [--wfformat OUT]\n"
        "       [--group-by task|category]",
    .summary = "simulate a workflow with the scheduler it runs with",
    .help =
        "  --mode M       sequential | workload | task (default: the file's, else task)\n"
        "  --policy P     fifo | critical-path | heft | tuned (default: the file's,\n"
        "                 else critical-path); tuned simulates first to order sets\n"
        "  --seed N       seed for durations given as {mean, stddev} (default 0)\n"
        "  --json         print one JSON object on stdout\n"
        "  --trace OUT    write a Chrome trace-event file (open it in Perfetto)\n"
        "  --wfformat OUT write what ran as a WfFormat 1.5 instance\n"
        "  --group-by G   for a WfFormat file: task (a set per task, the default) or\n"
        "                 category (a set per task category)\n",
    .exec = cmd_simulate_main,
};

int cmd_simulate_main(int argc, char **argv)
{
    int allowed = OPT_PLATFORM | OPT_MODE | OPT_POLICY | OPT_SEED | OPT_JSON | OPT_TRACE |
                  OPT_GROUP_BY;
    cmd_opts_t opts;
    cmd_input_t in;
    hf_executor_t sim;
    hf_engine_t *e;
    hf_trace_t *trace = NULL;
    hf_summary_t s;
    hf_bounds_t bounds;
    double epoch;
    bool done;
    int rc = cmd_parse(&cmd_simulate_entry, allowed, argc, argv, &opts, &done);

    if (rc != EXIT_OK || done)
        return rc;
    if ((rc = cmd_load(&opts, false, &in)) != EXIT_OK)
        return rc;
    if (cmd_check_traces(&opts) < 0) {
        cmd_input_free(&in);
        return EXIT_BAD_INPUT;
    }
    epoch = (double)time(NULL);
    if (!(e = cmd_simulate(&in, in.mode, opts.seed, &sim,
                           opts.trace || opts.wfformat ? &trace : NULL))) {
        cmd_input_free(&in);
        return EXIT_BAD_INPUT;
    }
    hf_summary_compute(e, &s);
    if (hf_summary_bounds(e, in.dag, false, &bounds) < 0)
        cmd_die_nomem();
    if (cmd_write_traces(&opts, &in, trace, e, epoch) < 0) {
        rc = EXIT_BAD_INPUT;
    } else if (opts.json) {
        json_t *o = hf_summary_json(e, &s, &bounds);
        if (!o || json_object_set_new(o, "seed", json_integer((json_int_t)opts.seed)) < 0)
            cmd_die_nomem();
        cmd_print_json(o);
    } else {
        cmd_print_summary(&in, e, &s, &bounds);
    }
    /* As `run` exits: a walltime, an `on_failure: stop` or a rule that
     * failed stopped the workflow. */
    if (rc == EXIT_OK && (s.failed > 0 || hf_engine_stopped(e) != 0))
        rc = EXIT_TASK_FAILED;
    hf_trace_destroy(trace);
    hf_engine_destroy(e);
    hf_executor_destroy(&sim);
    cmd_input_free(&in);
    return rc;
}

/* hetflow run: execute a workflow on this machine with the local executor,
 * through the same engine and scheduler as `simulate`. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

const cmd_entry_t cmd_run_entry = {
    .name = "run",
    .usage = "FILE [--mode M] [--policy P] [--nodes N] [--cores-per-node C]\n"
             "       [--gpus-per-node G] [--workdir DIR] [--json] [--trace OUT] [--quiet]",
    .summary = "run a workflow on this machine",
    .help = "Each task runs its set's command (a list: no shell; a string: /bin/sh -c),\n"
            "with {index} and {set} replaced, pinned to the cores the scheduler gave it\n"
            "and seeing exactly its GPUs (CUDA/ROCR/HIP_VISIBLE_DEVICES).  Tasks also get\n"
            "HETFLOW_SET, HETFLOW_TASK_INDEX, HETFLOW_TASK_ID, HETFLOW_CORES (OS CPU ids),\n"
            "HETFLOW_GPUS, HETFLOW_NODE and HETFLOW_WORKDIR.  Output goes to\n"
            "DIR/<set>/<index>.out and .err.  A failed task cancels its dependents; the\n"
            "rest goes on.  --nodes N on one machine splits it into N virtual nodes.\n"
            "\n"
            "  --workdir DIR  where outputs go (default: ./<workflow name>.run)\n"
            "  --json         print one JSON object on stdout (as simulate --json)\n"
            "  --trace OUT    write a Chrome trace-event file (for 'hetflow report')\n"
            "  --quiet        no live status line\n"
            "\nexit status: 0 all done, 1 a task failed, 2 bad input, 128+N stopped by\n"
            "signal N (SIGINT, SIGTERM: running tasks are terminated and canceled)\n",
    .exec = cmd_run,
};

/* Every set needs something to run. */
static int check_commands(const cmd_input_t *in)
{
    for (int i = 0; i < hf_workflow_nsets(in->wf); i++) {
        const hf_set_t *set = hf_workflow_set(in->wf, i);
        if (!set->argv && !set->shell) {
            fprintf(stderr, "%s:%d:%d: set '%s' has no command to run\n",
                    hf_workflow_file(in->wf), set->mark.line, set->mark.col, set->name);
            return EXIT_BAD_INPUT;
        }
    }
    return EXIT_OK;
}

static void note_oversubscription(const cmd_input_t *in)
{
    long cores = hf_platform_total_cores(&in->platform);
    long gpus = hf_platform_total_gpus(&in->platform);

    if (cores > in->machine.ncores)
        fprintf(stderr, "hetflow: note: the platform has %ld cores, this machine %d: "
                "tasks share cores\n", cores, in->machine.ncores);
    if (gpus > in->machine.ngpus)
        fprintf(stderr, "hetflow: note: the platform has %ld GPUs, this machine %d: "
                "GPU ids from %d on are virtual\n", gpus, in->machine.ngpus,
                in->machine.ngpus);
}

/* Name the failed tasks, a line each, the first ten of them. */
static void report_failures(const hf_engine_t *e, const char *workdir, long failed)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);
    hf_task_info_t t;
    long shown = 0;

    for (uint32_t id = 0; id < hf_engine_ntasks(e) && shown < 10; id++) {
        hf_engine_task(e, id, &t);
        if (t.state != HF_TASK_FAILED)
            continue;
        const char *name = hf_workflow_set(wf, t.set)->name;
        if (t.status > 0)
            fprintf(stderr, "hetflow: task %s[%u] failed: exit %d (see %s/%s/%u.err)\n",
                    name, t.index, t.status, workdir, name, t.index);
        else
            fprintf(stderr, "hetflow: task %s[%u] failed: signal %d (%s)\n", name, t.index,
                    -t.status, strsignal(-t.status));
        shown++;
    }
    if (failed > shown)
        fprintf(stderr, "hetflow: ... and %ld more failed tasks\n", failed - shown);
}

int cmd_run(int argc, char **argv)
{
    int allowed = OPT_PLATFORM | OPT_MODE | OPT_POLICY | OPT_JSON | OPT_TRACE |
                  OPT_WORKDIR | OPT_QUIET;
    cmd_opts_t opts;
    cmd_input_t in;
    hf_executor_t local;
    hf_engine_config_t cfg;
    hf_engine_t *e = NULL;
    hf_trace_t *trace = NULL;
    progress_t *progress = NULL;
    hf_summary_t s;
    hf_error_t err = {{0}};
    char workdir[4096];
    bool done;
    int rc = cmd_parse(&cmd_run_entry, allowed, argc, argv, &opts, &done);

    if (rc != EXIT_OK || done)
        return rc;
    if ((rc = cmd_load(&opts, true, &in)) != EXIT_OK)
        return rc;
    if ((rc = check_commands(&in)) != EXIT_OK)
        goto done;
    if (opts.workdir)
        snprintf(workdir, sizeof(workdir), "%s", opts.workdir);
    else
        snprintf(workdir, sizeof(workdir), "%s.run", hf_workflow_name(in.wf));
    note_oversubscription(&in);
    cfg = (hf_engine_config_t){in.mode, in.policy, in.platform};
    if (hf_exec_local_create(in.wf, &in.machine, &in.platform, workdir, &local, &err) < 0) {
        fprintf(stderr, "hetflow: %s\n", err.text);
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    if (!(e = hf_engine_create(in.wf, in.dag, &cfg, &local, &err)) ||
        (opts.trace && !(trace = hf_trace_attach(e)))) {
        fprintf(stderr, "hetflow: %s\n", err.text);
        rc = EXIT_BAD_INPUT;
        goto destroy;
    }
    if (!opts.quiet && isatty(STDERR_FILENO))
        progress = progress_start(e);
    if (hf_engine_run(e, &err) < 0) {
        progress_finish(progress);
        fprintf(stderr, "hetflow: %s\n", err.text);
        rc = EXIT_BAD_INPUT;
        goto destroy;
    }
    progress_finish(progress);
    hf_summary_compute(e, &s);
    /* What ran is written out even when the run was stopped or failed. */
    if (opts.trace && hf_trace_write_chrome(trace, e, opts.trace, &err) < 0) {
        fprintf(stderr, "hetflow: %s\n", err.text);
        rc = EXIT_BAD_INPUT;
    }
    if (opts.json)
        cmd_print_json(cmd_summary_json(e, &s, hf_lower_bound(in.wf, in.dag, &in.platform)));
    else
        cmd_print_summary(&in, e, &s, hf_lower_bound(in.wf, in.dag, &in.platform));
    report_failures(e, workdir, s.failed);
    if (hf_engine_stopped(e) > 0) {
        fprintf(stderr, "hetflow: stopped by %s: %ld tasks canceled\n",
                strsignal(hf_engine_stopped(e)), s.canceled);
        rc = 128 + hf_engine_stopped(e);
    } else if (rc == EXIT_OK && s.failed > 0) {
        rc = EXIT_TASK_FAILED;
    }
destroy:
    hf_trace_destroy(trace);
    hf_engine_destroy(e);
    hf_executor_destroy(&local);
done:
    cmd_input_free(&in);
    return rc;
}

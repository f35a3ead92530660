/* hetflow run: execute a workflow on this machine with the local executor,
 * through the same engine and scheduler as `simulate`. */
#include <errno.h>
#include <stdio.h>

#include "cmd.h"

const cmd_entry_t cmd_run_entry = {
    .name = "run",
    .usage = "FILE [--mode M] [--policy P] [--nodes N] [--cores-per-node C]\n"
             "       [--gpus-per-node G] [--workdir DIR] [--resume [--retry-failed] | "
             "--force]\n"
             "       [--walltime S] [--json] [--trace OUT] [--quiet] [--no-journal]\n"
             "       [--launcher L] [--hostfile F]"
             "\n"
             "       [--max-steps N] [--wfformat OUT] [--group-by task|category]",
    .summary = "run a workflow on this machine or in a batch allocation",
    .help =
        "Each task runs its set's command (a list: no shell; a string: /bin/sh -c),\n"
        "with {index} and {set} replaced, pinned to the cores the scheduler gave it\n"
        "and seeing exactly its GPUs (CUDA/ROCR/HIP_VISIBLE_DEVICES).  Tasks also get\n"
        "HETFLOW_SET, HETFLOW_TASK_INDEX, HETFLOW_TASK_ID, HETFLOW_CORES (OS CPU ids),\n"
        "HETFLOW_GPUS, HETFLOW_NODE and HETFLOW_WORKDIR.  Output goes to\n"
        "DIR/<set>/<index>.out and .err (<index>.<try>.out and .err for a retry);\n"
        "when a try fails, hetflow adds why to its .err.  A failed task cancels its\n"
        "dependents; the rest goes on.  --nodes N on one machine splits it into N\n"
        "virtual nodes.  ranks > 1 needs --launcher mpiexec or srun.\n"
        "\n"
        "Every task state change goes to DIR/journal.db: 'hetflow status DIR' reads\n"
        "it, 'hetflow resume DIR' continues a run that was killed.\n"
        "\n"
        "  --workdir DIR   where outputs and the journal go (default:\n"
        "                  ./<workflow name>.run); one run at a time uses it, and\n"
        "                  one that holds an earlier run is refused unless:\n"
        "  --resume        continue the run in DIR (FILE must be what it ran; with\n"
        "                  --retry-failed its failed tasks run again), or\n"
        "  --force         start over in DIR: the earlier run's journal and the\n"
        "                  files hetflow wrote for its tasks are deleted\n"
        "  --walltime S    stop in time for running tasks to end within S seconds\n"
        "  --json          print one JSON object on stdout (as simulate --json)\n"
        "  --trace OUT     write a Chrome trace-event file (for 'hetflow report')\n"
        "  --wfformat OUT  write what ran as a WfFormat 1.5 instance\n"
        "  --group-by G    for a WfFormat file: task (default) or category\n"
        "  --quiet         no live status line\n"
        "  --no-journal    keep no journal (no status, no resume)\n"
        "  --launcher L    local (a process per task, here), srun (a job step per\n"
        "                  task), mpiexec, or auto (the default: srun inside a Slurm\n"
        "                  allocation, else local)\n"
        "  --hostfile F    the nodes to use, a line each ('host', 'host slots=N' or\n"
        "                  'host:N'); else Slurm's, PBS's or LSF's allocation\n"
        "  --max-steps N   launcher processes running at once (default 256 with\n"
        "                  srun or mpiexec)\n"
        "\nexit status: 0 all done, 1 a task failed or the walltime, a failure or a\n"
        "journal that could not be written (a full disk) stopped the run, 2 bad\n"
        "input, 128+N stopped by signal N (SIGINT, SIGTERM: running tasks are\n"
        "terminated and canceled)\n",
    .exec = cmd_run,
};

int cmd_run(int argc, char **argv)
{
    int allowed = OPT_GROUP_BY | OPT_PLATFORM | OPT_MODE | OPT_POLICY | OPT_JSON |
                  OPT_TRACE | OPT_WORKDIR | OPT_QUIET | OPT_RESUME | OPT_WALLTIME |
                  OPT_NO_JOURNAL | OPT_LAUNCHER | OPT_HOSTFILE | OPT_FORCE | OPT_RETRY;
    cmd_opts_t opts;
    cmd_input_t in;
    hf_run_t *r = NULL;
    hf_error_t err = {{0}};
    char workdir[4096];
    bool done;
    int rc = cmd_parse(&cmd_run_entry, allowed, argc, argv, &opts, &done);

    if (rc != EXIT_OK || done)
        return rc;
    /* With --resume the file is only compared with what ran. */
    if ((rc = cmd_load(&opts, !opts.resume, &in)) != EXIT_OK)
        return rc;
    if (hf_run_check_commands(in.wf, &err) < 0) {
        fprintf(stderr, "%s\n", err.text);
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    if (opts.workdir)
        snprintf(workdir, sizeof(workdir), "%s", opts.workdir);
    else
        snprintf(workdir, sizeof(workdir), "%s.run", hf_workflow_name(in.wf));
    if (opts.resume && opts.force) {
        fprintf(stderr, "hetflow run: --resume continues a run, --force starts it over: "
                        "choose one (try 'hetflow run --help')\n");
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    if (opts.retry_failed && !opts.resume) {
        fprintf(stderr,
                "hetflow run: --retry-failed goes with --resume (try 'hetflow run "
                "--help')\n");
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    if (opts.resume) { /* the same as `hetflow resume`, once FILE is what ran */
        rc = cmd_resume_workdir(workdir, &opts, in.wf);
        goto done;
    }
    rc = EXIT_BAD_INPUT;
    if (!(r = hf_run_open(workdir, in.wf, opts.force, &err))) {
        if (errno == EEXIST)
            fprintf(stderr,
                    "hetflow: %s: continue it with 'hetflow resume %s', start over with "
                    "'hetflow run %s --workdir %s --force' (its journal and task outputs "
                    "there are deleted), or choose another --workdir\n",
                    err.text, workdir, opts.file, workdir);
        else
            fprintf(stderr, "hetflow: %s\n", err.text);
        goto done;
    }
    /* The traces' folders are checked once the workdir, which may hold
     * them, is there; before the journal, which would count as a run. */
    if (cmd_check_traces(&opts) < 0)
        goto done;
    if (!opts.no_journal) {
        hf_engine_config_t cfg = {
            .mode = in.mode,
            .policy = in.policy,
            .platform = in.platform,
            .walltime = opts.walltime > 0 ? opts.walltime : hf_workflow_walltime(in.wf)};
        if (hf_run_record(r, in.wf, &cfg, &err) < 0) {
            fprintf(stderr, "hetflow: %s\n", err.text);
            goto done;
        }
    }
    rc = cmd_execute(&in, workdir, &opts, r, false);
done:
    hf_run_close(r);
    cmd_input_free(&in);
    return rc;
}

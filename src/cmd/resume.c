/* hetflow resume: continue a run that was killed, from its journal. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

const cmd_entry_t cmd_resume_entry = {
    .name = "resume",
    .usage = "WORKDIR [--retry-failed] [--json] [--trace OUT] [--wfformat OUT]\n"
             "       [--quiet] [--launcher L] [--hostfile F] [--max-steps N]",
    .summary = "continue a killed run from the journal in its workdir",
    .help = "Reloads the workflow text, mode, policy, platform and walltime the run\n"
            "started with from WORKDIR/journal.db.  Tasks recorded done are not run\n"
            "again; what was left running is killed (if it is still there and still\n"
            "that task) and run again, as is every task that had not finished.\n"
            "Failed tasks stay failed, with their reasons, and so do the tasks\n"
            "canceled because of them; the exit status is 1 when any task failed.\n"
            "\n"
            "  --retry-failed  run the failed tasks again (new tries), and what was\n"
            "                  canceled because they failed\n"
            "  --json          print one JSON object on stdout (as run --json)\n"
            "  --trace OUT     write a Chrome trace-event file of this part of the run\n"
            "  --wfformat OUT  write this part of the run as a WfFormat 1.5 instance\n"
            "  --quiet         no live status line\n"
            "  --launcher, --hostfile, --max-steps   as for 'hetflow run'; in a new\n"
            "                  allocation, its nodes are the platform\n",
    .exec = cmd_resume,
};

/* Fill `in` from the journal of r: the workflow and settings the run
 * started with (tuned: its priorities).  Returns 0, or prints the error
 * and returns 2. */
static int load_journal(hf_run_t *r, const char *workdir, const cmd_opts_t *opts,
                        cmd_input_t *in)
{
    hf_engine_config_t cfg;
    hf_error_t err = {{0}};
    double best;
    int tries;

    memset(in, 0, sizeof(*in));
    if ((tries = hf_run_reload(r, 0, &in->wf, &cfg, &best, &err)) < 0) {
        fprintf(stderr, "hetflow: %s\n", err.text);
        return EXIT_BAD_INPUT;
    }
    if (hf_policy_features(cfg.policy).tuned)
        cmd_note_tuned(tries, best);
    in->platform = cfg.platform;
    in->mode = cfg.mode;
    in->policy = cfg.policy;
    if (hf_machine_detect(&in->machine, &err) < 0)
        goto error;
    in->has_machine = true;
    /* A resume may run in a new allocation: its nodes are the platform. */
    if (cmd_choose_launcher(opts, in, &err) < 0 || cmd_check_input(in, &err) < 0)
        goto error;
    return EXIT_OK;
error:
    fprintf(stderr, "hetflow: %s: %s\n", workdir, err.text);
    cmd_input_free(in);
    return EXIT_BAD_INPUT;
}

int cmd_resume_workdir(const char *workdir, const cmd_opts_t *opts,
                       const hf_workflow_t *same)
{
    hf_error_t err = {{0}};
    cmd_input_t in;
    hf_run_t *r;
    int same_rc, rc = EXIT_BAD_INPUT;

    if (!(r = hf_run_resume(workdir, opts->retry_failed, &err))) {
        fprintf(stderr, "hetflow: %s\n", err.text);
        return rc;
    }
    if (same && (same_rc = hf_run_same_workflow(r, same, &err)) < 0) {
        fprintf(stderr, "hetflow: %s\n", err.text);
        goto done;
    }
    if (same && same_rc == 0) {
        fprintf(stderr,
                "hetflow: %s is not the workflow the journal in %s ran: continue that "
                "run with 'hetflow resume %s', or start over with 'hetflow run %s "
                "--workdir %s --force'\n",
                opts->file, workdir, workdir, opts->file, workdir);
        goto done;
    }
    if (cmd_check_traces(opts) < 0)
        goto done;
    if ((rc = load_journal(r, workdir, opts, &in)) == EXIT_OK) {
        rc = cmd_execute(&in, workdir, opts, r, true);
        hf_run_close(r);
        r = NULL;
        cmd_input_free(&in);
    }
done:
    hf_run_close(r);
    return rc;
}

int cmd_resume(int argc, char **argv)
{
    cmd_opts_t opts;
    bool done;
    int rc = cmd_parse(&cmd_resume_entry,
                       OPT_JSON | OPT_TRACE | OPT_QUIET | OPT_LAUNCHER | OPT_HOSTFILE |
                           OPT_RETRY,
                       argc, argv, &opts, &done);

    if (rc != EXIT_OK || done)
        return rc;
    return cmd_resume_workdir(opts.file, &opts, NULL);
}

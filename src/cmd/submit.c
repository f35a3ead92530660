/* hetflow submit: write an sbatch script that runs the workflow inside its
 * allocation (each task a job step) and submit it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

const cmd_entry_t cmd_submit_entry = {
    .name = "submit",
    .usage = "FILE --nodes N --walltime T [--partition P] [--account A] [--workdir DIR]\n"
             "       [--mode M] [--policy P] [--cores-per-node C] [--gpus-per-node G]\n"
             "       [--dry-run]",
    .summary = "submit a workflow to Slurm as one batch job",
    .help = "Writes DIR/submit.sh, an sbatch script asking for N whole nodes for T\n"
            "(seconds, or [D-]HH:MM:SS), that runs 'hetflow run FILE --launcher srun'\n"
            "inside the allocation with its walltime a little shorter, so that the\n"
            "journal is closed cleanly before Slurm ends the job; submits it with\n"
            "sbatch and prints the job id.  DIR (default ./<workflow name>.run) must be\n"
            "on a file system the nodes share; 'hetflow status DIR' follows the run and\n"
            "'hetflow resume DIR' continues it in a new allocation.\n"
            "\n"
            "  --mode, --policy, --cores-per-node, --gpus-per-node   passed on to\n"
            "              'hetflow run'\n"
            "  --dry-run   print the script instead of writing and submitting it\n",
    .exec = cmd_submit,
};

/* Time `hetflow run` leaves before the job's end: start-up and the final
 * commit, the engine then keeping its own margin to terminate tasks. */
static double run_walltime(double job)
{
    return job - fmin(60.0, job / 10);
}

/* s in single quotes for sh: ' becomes '\''. */
static void shell_quote(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        fputs(*s == '\'' ? "'\\''" : (char[]){*s, 0}, f);
    fputc('\'', f);
}

static void write_script(FILE *f, const cmd_opts_t *opts, const hf_workflow_t *wf,
                         const char *hetflow, const char *file, const char *workdir)
{
    long t = (long)ceil(opts->walltime);

    fprintf(f, "#!/bin/sh\n");
    fprintf(f, "#SBATCH --job-name=hetflow-%s\n", hf_workflow_name(wf));
    fprintf(f, "#SBATCH --nodes=%d\n", opts->platform.nodes);
    fprintf(f, "#SBATCH --exclusive\n");
    fprintf(f, "#SBATCH --time=%ld:%02ld:%02ld\n", t / 3600, t / 60 % 60, t % 60);
    fprintf(f, "#SBATCH --output=%s/slurm-%%j.out\n", workdir);
    if (opts->partition)
        fprintf(f, "#SBATCH --partition=%s\n", opts->partition);
    if (opts->account)
        fprintf(f, "#SBATCH --account=%s\n", opts->account);
    fprintf(f,
            "# Written by 'hetflow submit': the workflow runs inside this allocation,\n"
            "# each task a job step on the node the scheduler chose.\n");
    fputs("exec ", f);
    shell_quote(f, hetflow);
    fputs(" run ", f);
    shell_quote(f, file);
    fputs(" --workdir ", f);
    shell_quote(f, workdir);
    fprintf(f, " --launcher srun --quiet --walltime %.0f", run_walltime(opts->walltime));
    if (opts->has_mode)
        fprintf(f, " --mode %s", hf_mode_name(opts->mode));
    if (opts->has_policy)
        fprintf(f, " --policy %s", hf_policy_name(opts->policy));
    if (opts->platform.cores_per_node > 0)
        fprintf(f, " --cores-per-node %d", opts->platform.cores_per_node);
    if (opts->platform.gpus_per_node >= 0)
        fprintf(f, " --gpus-per-node %d", opts->platform.gpus_per_node);
    fputc('\n', f);
}

/* sbatch --parsable SCRIPT: its first line is the job id. */
static int sbatch(const char *script, char *jobid, size_t len)
{
    char cmd[PATH_MAX + 64];
    FILE *p;
    int status;

    snprintf(cmd, sizeof(cmd), "sbatch --parsable '%s'", script);
    if (!(p = popen(cmd, "r")))
        return -1;
    if (!fgets(jobid, (int)len, p))
        jobid[0] = '\0';
    status = pclose(p);
    jobid[strcspn(jobid, ";\n")] = '\0';
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 && jobid[0] ? 0 : -1;
}

int cmd_submit(int argc, char **argv)
{
    int allowed =
        OPT_PLATFORM | OPT_MODE | OPT_POLICY | OPT_WORKDIR | OPT_WALLTIME | OPT_SUBMIT;
    char file[PATH_MAX], workdir[PATH_MAX], hetflow[PATH_MAX], script[PATH_MAX + 16];
    char jobid[64];
    cmd_opts_t opts;
    hf_workflow_t *wf = NULL;
    hf_dag_t *dag;
    hf_error_t err = {{0}};
    ssize_t n;
    bool done;
    FILE *f;
    int fd, rc = cmd_parse(&cmd_submit_entry, allowed, argc, argv, &opts, &done);

    if (rc != EXIT_OK || done)
        return rc;
    if (opts.platform.nodes < 1 || opts.walltime <= 0) {
        fprintf(stderr,
                "hetflow submit: --nodes and --walltime are required (try 'hetflow "
                "submit --help')\n");
        return EXIT_BAD_INPUT;
    }
    /* Checked as a workflow only: the nodes it will run on are not known here. */
    if (!(wf = hf_workflow_load(opts.file, &err)) || !(dag = hf_dag_create(wf, &err))) {
        fprintf(stderr, "%s\n", err.text);
        hf_workflow_destroy(wf);
        return EXIT_BAD_INPUT;
    }
    hf_dag_destroy(dag);
    if (!realpath(opts.file, file) ||
        (n = readlink("/proc/self/exe", hetflow, sizeof(hetflow) - 1)) < 0) {
        fprintf(stderr, "hetflow submit: %s: %s\n", opts.file, strerror(errno));
        hf_workflow_destroy(wf);
        return EXIT_BAD_INPUT;
    }
    hetflow[n] = '\0';
    if (opts.workdir && opts.workdir[0] == '/')
        snprintf(workdir, sizeof(workdir), "%s", opts.workdir);
    else if (!getcwd(workdir, sizeof(workdir)) ||
             strlen(workdir) +
                     strlen(opts.workdir ? opts.workdir : hf_workflow_name(wf)) + 8 >=
                 sizeof(workdir))
        goto too_long;
    else
        snprintf(workdir + strlen(workdir), sizeof(workdir) - strlen(workdir), "/%s%s",
                 opts.workdir ? opts.workdir : hf_workflow_name(wf),
                 opts.workdir ? "" : ".run");
    if (opts.dry_run) {
        write_script(stdout, &opts, wf, hetflow, file, workdir);
        hf_workflow_destroy(wf);
        return EXIT_OK;
    }
    snprintf(script, sizeof(script), "%s/submit.sh", workdir);
    /* The workdir as the run will want it, and the script not written
     * through a link. */
    if (hf_exec_local_check_workdir(workdir, wf, &err) < 0) {
        fprintf(stderr, "hetflow submit: %s\n", err.text);
        hf_workflow_destroy(wf);
        return EXIT_BAD_INPUT;
    }
    if ((fd = open(script, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) <
            0 ||
        !(f = fdopen(fd, "w"))) {
        fprintf(stderr, "hetflow submit: %s: %s\n", script, strerror(errno));
        if (fd >= 0)
            close(fd);
        hf_workflow_destroy(wf);
        return EXIT_BAD_INPUT;
    }
    write_script(f, &opts, wf, hetflow, file, workdir);
    if (ferror(f) | fclose(f) || sbatch(script, jobid, sizeof(jobid)) < 0) {
        fprintf(stderr, "hetflow submit: sbatch failed for %s\n", script);
        hf_workflow_destroy(wf);
        return EXIT_BAD_INPUT;
    }
    printf("%s\n", jobid);
    fprintf(stderr, "hetflow: submitted job %s; follow it with 'hetflow status %s'\n",
            jobid, workdir);
    hf_workflow_destroy(wf);
    return EXIT_OK;
too_long:
    fprintf(stderr, "hetflow submit: the workdir's path is too long\n");
    hf_workflow_destroy(wf);
    return EXIT_BAD_INPUT;
}

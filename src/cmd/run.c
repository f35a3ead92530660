/* hetflow run: execute a workflow on this machine with the local executor,
 * through the same engine and scheduler as `simulate`. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

const cmd_entry_t cmd_run_entry = {
    .name = "run",
    .usage =
        "FILE [--mode M] [--policy P] [--nodes N] [--cores-per-node C]\n"
        "       [--gpus-per-node G] [--workdir DIR] [--resume | --force] [--walltime S]\n"
        "       [--json] [--trace OUT] [--quiet] [--no-journal] [--launcher L] "
        "[--hostfile F]\n"
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
        "  --resume        continue the run in DIR (FILE must be what it ran), or\n"
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

/* Every set needs something to run: a command, or a function (whose pool
 * runs the workers). */
static int check_commands(const cmd_input_t *in)
{
    for (int i = 0; i < hf_workflow_nsets(in->wf); i++) {
        const hf_set_t *set = hf_workflow_set(in->wf, i);
        if (!set->argv && !set->shell && !set->function &&
            hf_workflow_pool_of(in->wf, i) < 0) {
            fprintf(stderr, "%s:%d:%d: set '%s' has no command to run\n",
                    hf_workflow_file(in->wf), set->mark.line, set->mark.col, set->name);
            return EXIT_BAD_INPUT;
        }
    }
    return EXIT_OK;
}

/* Launcher processes (srun, mpiexec) running at once, unless --max-steps
 * says otherwise: each is a process on this node, and Slurm's controller
 * handles every step. */
#define DEFAULT_MAX_STEPS 256

static void note_oversubscription(const cmd_input_t *in)
{
    long cores = hf_platform_total_cores(&in->platform);
    long gpus = hf_platform_total_gpus(&in->platform);

    if (cores > in->machine.ncores)
        fprintf(stderr,
                "hetflow: note: the platform has %ld cores, this machine %d: "
                "tasks share cores\n",
                cores, in->machine.ncores);
    if (gpus > in->machine.ngpus)
        fprintf(stderr,
                "hetflow: note: the platform has %ld GPUs, this machine %d: "
                "GPU ids from %d on are virtual\n",
                gpus, in->machine.ngpus, in->machine.ngpus);
}

/* Name the failed tasks, a line each, the first ten of them: why, and the
 * file that says so. */
static void report_failures(const hf_engine_t *e, const char *workdir, long failed)
{
    const hf_workflow_t *wf = hf_engine_workflow(e);
    char why[1024], path[4096], tries[32] = "";
    hf_task_info_t t;
    long shown = 0;

    for (uint32_t id = 0; id < hf_engine_ntasks(e) && shown < 10; id++) {
        hf_engine_task(e, id, &t);
        if (t.state != HF_TASK_FAILED)
            continue;
        const hf_set_t *set = hf_workflow_set(wf, t.set);
        const json_t *error = json_object_get(hf_engine_result(e, id), "error");
        if (t.attempts > 0)
            snprintf(tries, sizeof(tries), " after %d tries", t.attempts + 1);
        if (hf_set_pool(set) >= 0 &&
            json_is_string(error)) /* a call: its error is the reason */
            fprintf(stderr, "hetflow: task %s[%u] failed%s: %.*s\n", set->name, t.index,
                    tries, (int)strcspn(json_string_value(error), "\n"),
                    json_string_value(error));
        else if (hf_exec_local_failure(workdir, set->name, t.index, t.status, why,
                                       sizeof(why), path, sizeof(path)))
            fprintf(stderr, "hetflow: task %s[%u] failed%s: %s (see %s)\n", set->name,
                    t.index, tries, why, path);
        else
            fprintf(stderr, "hetflow: task %s[%u] failed%s: %s\n", set->name, t.index,
                    tries, why);
        tries[0] = '\0';
        shown++;
    }
    if (failed > shown)
        fprintf(stderr, "hetflow: ... and %ld more failed tasks\n", failed - shown);
}

/* Kill what an earlier run left of tasks that were running when it died,
 * and mark every task it finished as done, before a resume starts. */
typedef struct {
    hf_engine_t *engine;
    const char *workdir;
    long restored, reclaimed;
    int failed, added;
} restore_t;

static void restore_task(uint32_t task, hf_task_state_t state, long pid,
                         const char *result, void *arg)
{
    restore_t *r = arg;

    if (task >= hf_engine_ntasks(r->engine)) {
        r->added = 1; /* a task of a set that rules added to the last run */
    } else if (state == HF_TASK_DONE) {
        if (hf_engine_restore_done(r->engine, task) < 0)
            r->failed = 1;
        else
            r->restored++;
        if (result)
            hf_engine_set_result(r->engine, task, json_loads(result, 0, NULL));
    } else if (pid > 0) {
        r->reclaimed += hf_exec_local_reclaim(pid, task, r->workdir);
    }
}

static long pid_of(void *ctx, uint32_t task)
{
    return hf_exec_local_pid(ctx, task);
}

/* Why the run stopped before the end, and, with a journal, how it goes on;
 * `jfail`, why the journal could not be written (NULL when it could), and
 * `full`, whether that was a full disk. */
static void report_stop(const hf_engine_t *e, const hf_summary_t *s, const char *workdir,
                        bool journal, const char *jfail, bool full)
{
    int why = hf_engine_stopped(e);
    char more[4200] = "";

    if (jfail && why != HF_STOP_JOURNAL) /* it failed once the run was stopped */
        fprintf(stderr, "hetflow: %s\n", jfail);
    if (why == 0)
        return;
    if (journal)
        snprintf(more, sizeof(more), "; continue with 'hetflow resume %s'", workdir);
    if (why > 0)
        fprintf(stderr, "hetflow: stopped by %s: %ld tasks canceled%s\n", strsignal(why),
                s->canceled, more);
    else if (why == HF_STOP_WALLTIME)
        fprintf(stderr, "hetflow: walltime reached: %ld tasks canceled%s\n", s->canceled,
                more);
    else if (why == HF_STOP_FAILURE)
        fprintf(stderr,
                "hetflow: stopped after a failure (on_failure: stop): %ld tasks "
                "canceled%s\n",
                s->canceled, more);
    else if (why == HF_STOP_JOURNAL)
        fprintf(stderr,
                "hetflow: %s: stopped, %ld tasks canceled; %s continue with "
                "'hetflow resume %s'\n",
                jfail ? jfail : "journal: write failed", s->canceled,
                full ? "free space, then" : "once it can be written,", workdir);
}

int cmd_execute(cmd_input_t *in, const char *workdir, const cmd_opts_t *opts,
                hf_journal_t *journal, bool resuming)
{
    hf_executor_t local = {0};
    hf_engine_config_t cfg;
    hf_engine_t *e = NULL;
    hf_trace_t *trace = NULL;
    progress_t *progress = NULL;
    hf_summary_t s;
    hf_error_t err = {{0}}, jerr = {{0}};
    double bound, tight;
    bool disk_full = false;
    int rc = EXIT_OK;
    /* The executor's time 0 is about now: the WfFormat timestamps' origin. */
    double epoch = (double)time(NULL);

    if (in->launcher == HF_LAUNCHER_LOCAL)
        note_oversubscription(in);
    cfg = (hf_engine_config_t){
        .mode = in->mode,
        .policy = in->policy,
        .platform = in->platform,
        .walltime = opts->walltime > 0 ? opts->walltime : hf_workflow_walltime(in->wf),
        .max_running = opts->max_steps > 0                 ? opts->max_steps
                       : in->launcher != HF_LAUNCHER_LOCAL ? DEFAULT_MAX_STEPS
                                                           : 0};
    if (hf_exec_local_create(in->wf, &in->machine, &in->platform, workdir, &local, &err) <
            0 ||
        (in->launcher != HF_LAUNCHER_LOCAL &&
         hf_exec_local_set_launcher(&local, in->launcher, in->alloc.hosts,
                                    in->alloc.nhosts, &err) < 0))
        goto error;
    if (!(e = hf_engine_create(in->wf, in->dag, &cfg, &local, &err)) ||
        ((opts->trace || opts->wfformat) && !(trace = hf_trace_attach(e))))
        goto error;
    if (resuming) {
        restore_t r = {e, workdir, 0, 0, 0, 0};
        if (hf_journal_restart(journal, restore_task, &r, &err) < 0)
            goto error;
        if (r.added) {
            hf_error_set(&err, "journal: the run's rules added sets (a repeat); resuming "
                               "such a run is not supported yet");
            goto error;
        }
        if (r.failed) {
            hf_error_set(&err, "journal: a task recorded done twice or out of place");
            goto error;
        }
        fprintf(stderr, "hetflow: resuming %s: %ld tasks already done%s\n", workdir,
                r.restored, r.reclaimed ? ", leftovers of the last run killed" : "");
    }
    if (journal && hf_journal_attach(journal, e, pid_of, &local, &err) < 0)
        goto error;
    if (!opts->quiet && isatty(STDERR_FILENO))
        progress = progress_start(e);
    if (hf_engine_run(e, &err) < 0) {
        progress_finish(progress);
        goto error;
    }
    progress_finish(progress);
    if (journal && hf_journal_detach(journal, &jerr) < 0)
        disk_full = errno == ENOSPC;
    hf_summary_compute(e, &s);
    /* What ran is written out even when the run was stopped or failed. */
    if (cmd_write_traces(opts, in, trace, e, epoch) < 0)
        rc = EXIT_BAD_INPUT;
    /* A resume ran a part of the workflow: its bound is of all of it. */
    bound = resuming ? -1 : hf_lower_bound(in->wf, in->dag, &in->platform);
    tight = resuming ? -1 : hf_tight_bound(in->wf, in->dag, &in->platform);
    if (opts->json)
        cmd_print_json(cmd_summary_json(e, &s, bound, tight));
    else
        cmd_print_summary(in, e, &s, bound, tight);
    report_failures(e, workdir, s.failed);
    report_stop(e, &s, workdir, journal != NULL, jerr.text[0] ? jerr.text : NULL,
                disk_full);
    if (hf_engine_stopped(e) > 0)
        rc = 128 + hf_engine_stopped(e);
    else if (rc == EXIT_OK && (s.failed > 0 || hf_engine_stopped(e) != 0))
        rc = EXIT_TASK_FAILED;
    goto done;
error:
    fprintf(stderr, "hetflow: %s\n", err.text);
    /* What the error left unwritten is written, while the engine still is. */
    if (journal && e && hf_journal_detach(journal, &jerr) < 0)
        fprintf(stderr, "hetflow: %s\n", jerr.text);
    rc = EXIT_BAD_INPUT;
done:
    hf_trace_destroy(trace);
    hf_engine_destroy(e);
    hf_executor_destroy(&local);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    int allowed = OPT_GROUP_BY | OPT_PLATFORM | OPT_MODE | OPT_POLICY | OPT_JSON |
                  OPT_TRACE | OPT_WORKDIR | OPT_QUIET | OPT_RESUME | OPT_WALLTIME |
                  OPT_NO_JOURNAL | OPT_LAUNCHER | OPT_HOSTFILE | OPT_FORCE;
    cmd_opts_t opts;
    cmd_input_t in;
    hf_journal_t *journal = NULL;
    hf_error_t err = {{0}};
    char workdir[4096];
    bool done;
    int lock = -1, rc = cmd_parse(&cmd_run_entry, allowed, argc, argv, &opts, &done);

    if (rc != EXIT_OK || done)
        return rc;
    /* With --resume the file is only compared with what ran. */
    if ((rc = cmd_load(&opts, !opts.resume, &in)) != EXIT_OK)
        return rc;
    if ((rc = check_commands(&in)) != EXIT_OK)
        goto done;
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
    if (opts.resume) {
        /* The same as `hetflow resume`, once FILE is the workflow that ran. */
        size_t len;
        const char *text = hf_workflow_text(in.wf, &len);
        rc = cmd_resume_workdir(workdir, &opts, opts.file, text, len);
        goto done;
    }
    /* The traces' folders are checked once the workdir, which may hold
     * them, is there; before the journal, which would count as a run. */
    if ((rc = cmd_claim_workdir(workdir, &opts, in.wf, &lock)) != EXIT_OK)
        goto done;
    if (cmd_check_traces(&opts) < 0) {
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    if (!opts.no_journal) {
        hf_run_spec_t spec = {
            hf_workflow_file(in.wf),
            NULL,
            0,
            {.mode = in.mode, .policy = in.policy, .platform = in.platform},
            opts.walltime > 0 ? opts.walltime : hf_workflow_walltime(in.wf)};
        spec.text = hf_workflow_text(in.wf, &spec.text_len);
        if (!(journal = hf_journal_create(workdir, in.wf, &spec, &err))) {
            fprintf(stderr, "hetflow: %s\n", err.text);
            rc = EXIT_BAD_INPUT;
            goto done;
        }
    }
    rc = cmd_execute(&in, workdir, &opts, journal, false);
done:
    hf_journal_close(journal);
    hf_workdir_unlock(lock);
    cmd_input_free(&in);
    return rc;
}

/* A real run of a loaded workflow, for `run` and `resume`, through the
 * library's run (hf_run_start()): the live status line, and what is
 * printed when it ends. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

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

/* A resume's note on the failures it kept: how many, and how to retry. */
static const char *failed_kept(long n)
{
    static char text[96];

    if (n == 0)
        return "";
    snprintf(text, sizeof(text), ", %ld failed (kept; --retry-failed runs them again)",
             n);
    return text;
}

/* Name the failed tasks, a line each, the first ten of them: why, and the
 * file that says so. */
static void report_failures(const hf_engine_t *e, const char *workdir, long failed)
{
    char tries[32] = "";
    hf_task_info_t t;
    hf_failure_t why;
    long shown = 0;

    for (uint32_t id = 0; id < hf_engine_ntasks(e) && shown < 10; id++) {
        hf_engine_task(e, id, &t);
        if (t.state != HF_TASK_FAILED)
            continue;
        const hf_set_t *spec = hf_engine_group_spec(e, t.group);
        const char *set = hf_engine_group_name(e, t.group);
        const char *error =
            json_string_value(json_object_get(hf_engine_result(e, id), "error"));
        if (t.attempts > 0)
            snprintf(tries, sizeof(tries), " after %d tries", t.attempts + 1);
        hf_run_failure(workdir, set, t.index, t.status,
                       spec && hf_set_pool(spec) >= 0 ? error : NULL,
                       hf_engine_workflow(e), &why);
        fprintf(stderr,
                why.file[0] ? "hetflow: task %s[%u] failed%s: %.*s (see %s)\n"
                            : "hetflow: task %s[%u] failed%s: %.*s\n",
                set, t.index, tries, why.why_len, why.why, why.file);
        tries[0] = '\0';
        shown++;
    }
    if (failed > shown)
        fprintf(stderr, "hetflow: ... and %ld more failed tasks\n", failed - shown);
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
    /* A plain resume keeps the failure, and stops again on it. */
    if (journal)
        snprintf(more, sizeof(more),
                 why == HF_STOP_FAILURE
                     ? "; once its cause is fixed, continue with 'hetflow resume "
                       "--retry-failed %s'"
                     : "; continue with 'hetflow resume %s'",
                 workdir);
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

int cmd_execute(cmd_input_t *in, const char *workdir, const cmd_opts_t *opts, hf_run_t *r,
                bool resuming)
{
    hf_run_exec_t x = {&in->machine, in->launcher, in->alloc.hosts, in->alloc.nhosts,
                       opts->trace || opts->wfformat};
    hf_engine_config_t cfg;
    hf_engine_t *e;
    progress_t *progress = NULL;
    hf_resume_counts_t counts;
    hf_summary_t s;
    hf_error_t err = {{0}}, jerr = {{0}};
    hf_bounds_t bounds;
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
    if (hf_run_start(r, in->wf, in->dag, &cfg, &x, &counts, &err) < 0)
        goto error;
    e = hf_run_engine(r);
    if (resuming)
        fprintf(stderr, "hetflow: resuming %s: %ld tasks already done%s%s\n", workdir,
                counts.restored, failed_kept(counts.failed),
                counts.reclaimed ? ", leftovers of the last run killed" : "");
    if (!opts->quiet && isatty(STDERR_FILENO))
        progress = progress_start(e);
    if (hf_run_execute(r, &err) < 0) {
        progress_finish(progress);
        goto error;
    }
    progress_finish(progress);
    if (hf_run_end(r, &jerr) < 0)
        disk_full = errno == ENOSPC;
    hf_summary_compute(e, &s);
    /* What ran is written out even when the run was stopped or failed. */
    if (cmd_write_traces(opts, in, hf_run_trace(r), e, epoch) < 0)
        rc = EXIT_BAD_INPUT;
    /* A resume ran a part of the workflow: its bound is of all of it. */
    if (hf_summary_bounds(e, in->dag, resuming, &bounds) < 0)
        cmd_die_nomem();
    if (opts->json)
        cmd_print_json(hf_summary_json(e, &s, &bounds));
    else
        cmd_print_summary(in, e, &s, &bounds);
    report_failures(e, workdir, s.failed);
    report_stop(e, &s, workdir, hf_run_journal(r) != NULL,
                jerr.text[0] ? jerr.text : NULL, disk_full);
    if (hf_engine_stopped(e) > 0)
        rc = 128 + hf_engine_stopped(e);
    else if (rc == EXIT_OK && (s.failed > 0 || hf_engine_stopped(e) != 0))
        rc = EXIT_TASK_FAILED;
    return rc;
error:
    fprintf(stderr, "hetflow: %s\n", err.text);
    /* What the error left unwritten is written, while the engine still is. */
    if (hf_run_end(r, &jerr) < 0)
        fprintf(stderr, "hetflow: %s\n", jerr.text);
    return EXIT_BAD_INPUT;
}

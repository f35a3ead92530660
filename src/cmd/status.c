/* hetflow status: where a run stands, from its journal, also while it goes
 * on: whether its process still runs, tasks per set and state, and why
 * tasks failed or were canceled. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

const cmd_entry_t cmd_status_entry = {
    .name = "status",
    .usage = "WORKDIR [--json]",
    .summary = "show where a run stands: its process, tasks per state, failures",
    .help =
        "Reads WORKDIR/journal.db (while the run goes on, too) and prints whether\n"
        "the run is running, finished, stopped before the end (by a signal, its\n"
        "walltime or on_failure: stop) or interrupted (its process is gone\n"
        "before the end); 'hetflow resume WORKDIR' continues the last two, and\n"
        "'hetflow resume --retry-failed WORKDIR' runs failed tasks again.  Then, per\n"
        "set, how many tasks are\n"
        "waiting, ready, placed, running, done, failed and canceled; and each\n"
        "failed task with why it failed and the file that says so, and the\n"
        "canceled tasks with why.\n"
        "\n  --json   print one JSON object on stdout\n",
    .exec = cmd_status,
};

#define NSTATES (HF_TASK_CANCELED + 1)
/* Failed tasks listed in the text, at most; --json lists them all. */
#define SHOW_FAILED 20

typedef struct {
    const char *workdir;
    hf_workflow_t *wf; /* what the run ran, NULL when it cannot be read */
    json_t *sets;      /* name -> {state: count} */
    json_t *order;     /* names in file order */
    json_t *failed;    /* [{task, set, index, tries, reason, file}] */
    json_t *canceled;  /* [{task, set, index, cause}] */
    long total[NSTATES];
} status_t;

static void count(const char *set, hf_task_state_t state, long n, void *arg)
{
    status_t *st = arg;
    json_t *row = json_object_get(st->sets, set);

    if (!row) {
        row = json_object();
        json_object_set_new(st->sets, set, row);
        json_array_append_new(st->order, json_string(set));
    }
    json_object_set_new(row, hf_task_state_name(state), json_integer(n));
    st->total[state] += n;
}

/* A failed task's row: why it failed (hf_run_failure()). */
static json_t *failure(const status_t *st, const hf_journal_task_t *t)
{
    json_t *result = t->result ? json_loads(t->result, 0, NULL) : NULL;
    hf_failure_t why;
    char name[300];
    json_t *row;

    hf_run_failure(st->workdir, t->set, t->index, t->status,
                   json_string_value(json_object_get(result, "error")), st->wf, &why);
    snprintf(name, sizeof(name), "%s[%u]", t->set, t->index);
    row = json_pack("{s:s,s:s,s:i,s:i}", "task", name, "set", t->set, "index",
                    (int)t->index, "tries", t->attempts + 1);
    if (why.file[0])
        json_object_set_new(row, "file", json_string(why.file));
    json_object_set_new(row, "reason", json_stringn(why.why, (size_t)why.why_len));
    json_decref(result);
    return row;
}

static void unsuccessful(const hf_journal_task_t *t, void *arg)
{
    status_t *st = arg;
    char name[300];

    if (t->state == HF_TASK_FAILED) {
        json_array_append_new(st->failed, failure(st, t));
        return;
    }
    snprintf(name, sizeof(name), "%s[%u]", t->set, t->index);
    json_array_append_new(
        st->canceled, json_pack("{s:s,s:s,s:i,s:s}", "task", name, "set", t->set, "index",
                                (int)t->index, "cause",
                                t->cause ? hf_cancel_cause_name(t->cause) : "unknown"));
}

/* The run's state (hf_run_state()), with its process while it runs. */
static json_t *run_state(hf_journal_t *j, const char *workdir, hf_error_t *err)
{
    hf_run_state_t state;
    hf_owner_t owner;

    if (hf_run_state(j, workdir, &state, &owner, err) < 0)
        return NULL;
    if (state == HF_RUN_RUNNING)
        return json_pack("{s:s,s:i,s:s}", "state", hf_run_state_name(state), "pid",
                         (int)owner.pid, "host", owner.host);
    return json_pack("{s:s}", "state", hf_run_state_name(state));
}

static void print_run(const status_t *st, const json_t *run)
{
    const char *state = json_string_value(json_object_get(run, "state"));

    if (strcmp(state, "running") == 0)
        printf("run       running (pid %lld on %s)\n",
               (long long)json_integer_value(json_object_get(run, "pid")),
               json_string_value(json_object_get(run, "host")));
    else if (strcmp(state, "finished") == 0)
        printf("run       finished\n");
    else if (strcmp(state, "stopped") == 0 && json_array_size(st->failed) > 0)
        printf("run       stopped before the end (a signal, its walltime or on_failure: "
               "stop; continue it with 'hetflow resume %s', or once the failures' cause "
               "is fixed with 'hetflow resume --retry-failed %s')\n",
               st->workdir, st->workdir);
    else if (strcmp(state, "stopped") == 0)
        printf("run       stopped before the end (a signal, its walltime or on_failure: "
               "stop; continue it with 'hetflow resume %s')\n",
               st->workdir);
    else
        printf("run       interrupted: its process is gone before the end (continue it "
               "with 'hetflow resume %s')\n",
               st->workdir);
}

static void print_table(const status_t *st)
{
    size_t i;
    json_t *name;

    printf("%-16s", "set");
    for (int s = 0; s < NSTATES; s++)
        printf(" %8s", hf_task_state_name((hf_task_state_t)s));
    printf("\n");
    json_array_foreach(st->order, i, name)
    {
        json_t *row = json_object_get(st->sets, json_string_value(name));
        printf("%-16s", json_string_value(name));
        for (int s = 0; s < NSTATES; s++)
            printf(" %8lld", (long long)json_integer_value(json_object_get(
                                 row, hf_task_state_name((hf_task_state_t)s))));
        printf("\n");
    }
    printf("%-16s", "total");
    for (int s = 0; s < NSTATES; s++)
        printf(" %8ld", st->total[s]);
    printf("\n");
}

/* Each failed task, a line; the canceled ones a line per set and cause. */
static void print_unsuccessful(const status_t *st)
{
    size_t i, n = json_array_size(st->failed);
    json_t *t;

    if (n > 0)
        printf("\nfailed\n");
    json_array_foreach(st->failed, i, t)
    {
        const char *file = json_string_value(json_object_get(t, "file"));
        long long tries = json_integer_value(json_object_get(t, "tries"));
        if (i == SHOW_FAILED) {
            printf("  ... and %zu more ('hetflow status %s --json' lists them all)\n",
                   n - i, st->workdir);
            break;
        }
        printf("  %-16s %s", json_string_value(json_object_get(t, "task")),
               json_string_value(json_object_get(t, "reason")));
        if (tries > 1)
            printf(", after %lld tries", tries);
        printf(file ? " (see %s)\n" : "\n", file);
    }
    if (json_array_size(st->canceled) > 0)
        printf("\ncanceled\n");
    for (i = 0; i < json_array_size(st->canceled);) {
        json_t *first = json_array_get(st->canceled, i);
        const char *set = json_string_value(json_object_get(first, "set"));
        const char *cause = json_string_value(json_object_get(first, "cause"));
        hf_cancel_cause_t c;
        size_t k = i;
        while (k < json_array_size(st->canceled) &&
               strcmp(json_string_value(
                          json_object_get(json_array_get(st->canceled, k), "set")),
                      set) == 0 &&
               strcmp(json_string_value(
                          json_object_get(json_array_get(st->canceled, k), "cause")),
                      cause) == 0)
            k++;
        if (hf_cancel_cause_parse(cause, &c) < 0)
            c = HF_CANCEL_NONE;
        printf("  %-16s %zu task%s: %s\n", set, k - i, k - i == 1 ? "" : "s",
               hf_cancel_cause_text(c));
        i = k;
    }
}

int cmd_status(int argc, char **argv)
{
    cmd_opts_t opts;
    hf_journal_t *j = NULL;
    hf_error_t err = {{0}};
    status_t st = {.sets = json_object(),
                   .order = json_array(),
                   .failed = json_array(),
                   .canceled = json_array()};
    hf_run_spec_t spec;
    json_t *run = NULL;
    bool done;
    int rc = cmd_parse(&cmd_status_entry, OPT_JSON, argc, argv, &opts, &done);

    if (rc != EXIT_OK || done)
        goto out;
    st.workdir = opts.file;
    if ((j = hf_journal_open(opts.file, false, &err)) &&
        hf_journal_spec(j, &spec, NULL) == 0) /* to find a failed call's worker */
        st.wf = hf_workflow_load_buffer(spec.file, spec.text, spec.text_len, NULL);
    if (!j || hf_journal_counts(j, count, &st, &err) < 0 ||
        hf_journal_unsuccessful(j, unsuccessful, &st, &err) < 0 ||
        !(run = run_state(j, opts.file, &err))) {
        fprintf(stderr, "hetflow: %s\n", err.text);
        rc = EXIT_BAD_INPUT;
        goto out;
    }
    if (opts.json) {
        json_t *total = json_object();
        for (int s = 0; s < NSTATES; s++)
            json_object_set_new(total, hf_task_state_name((hf_task_state_t)s),
                                json_integer(st.total[s]));
        cmd_print_json(json_pack("{s:s,s:O,s:O,s:o,s:O,s:O}", "workdir", opts.file, "run",
                                 run, "sets", st.sets, "total", total, "failed",
                                 st.failed, "canceled", st.canceled));
        goto out;
    }
    print_run(&st, run);
    print_table(&st);
    print_unsuccessful(&st);
out:
    hf_workflow_destroy(st.wf);
    hf_journal_close(j);
    json_decref(run);
    json_decref(st.sets);
    json_decref(st.order);
    json_decref(st.failed);
    json_decref(st.canceled);
    return rc;
}

/* hetflow status: tasks per set and state, from a run's journal, also while
 * the run goes on. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

const cmd_entry_t cmd_status_entry = {
    .name = "status",
    .usage = "WORKDIR [--json]",
    .summary = "count a run's tasks per set and state, from its journal",
    .help = "Reads WORKDIR/journal.db (while the run goes on, too) and prints, per set,\n"
            "how many tasks are waiting, ready, placed, running, done, failed and\n"
            "canceled.\n"
            "\n  --json   print one JSON object on stdout\n",
    .exec = cmd_status,
};

#define NSTATES (HF_TASK_CANCELED + 1)

typedef struct {
    json_t *sets;  /* name -> {state: count} */
    json_t *order; /* names in file order */
    long total[NSTATES];
} counts_t;

static void count(const char *set, hf_task_state_t state, long n, void *arg)
{
    counts_t *c = arg;
    json_t *row = json_object_get(c->sets, set);

    if (!row) {
        row = json_object();
        json_object_set_new(c->sets, set, row);
        json_array_append_new(c->order, json_string(set));
    }
    json_object_set_new(row, hf_task_state_name(state), json_integer(n));
    c->total[state] += n;
}

int cmd_status(int argc, char **argv)
{
    cmd_opts_t opts;
    hf_journal_t *j;
    hf_error_t err = {{0}};
    counts_t c = {json_object(), json_array(), {0}};
    size_t i;
    json_t *name;
    bool done;
    int rc = cmd_parse(&cmd_status_entry, OPT_JSON, argc, argv, &opts, &done);

    if (rc != EXIT_OK || done)
        goto out;
    if (!(j = hf_journal_open(opts.file, false, &err)) ||
        hf_journal_counts(j, count, &c, &err) < 0) {
        fprintf(stderr, "hetflow: %s\n", err.text);
        hf_journal_close(j);
        rc = EXIT_BAD_INPUT;
        goto out;
    }
    hf_journal_close(j);
    if (opts.json) {
        json_t *total = json_object();
        for (int s = 0; s < NSTATES; s++)
            json_object_set_new(total, hf_task_state_name((hf_task_state_t)s),
                                json_integer(c.total[s]));
        cmd_print_json(json_pack("{s:s,s:O,s:o}", "workdir", opts.file, "sets", c.sets,
                                 "total", total));
        goto out;
    }
    printf("%-16s", "set");
    for (int s = 0; s < NSTATES; s++)
        printf(" %8s", hf_task_state_name((hf_task_state_t)s));
    printf("\n");
    json_array_foreach(c.order, i, name)
    {
        json_t *row = json_object_get(c.sets, json_string_value(name));
        printf("%-16s", json_string_value(name));
        for (int s = 0; s < NSTATES; s++)
            printf(" %8lld", (long long)json_integer_value(json_object_get(
                                 row, hf_task_state_name((hf_task_state_t)s))));
        printf("\n");
    }
    printf("%-16s", "total");
    for (int s = 0; s < NSTATES; s++)
        printf(" %8ld", c.total[s]);
    printf("\n");
out:
    json_decref(c.sets);
    json_decref(c.order);
    return rc;
}

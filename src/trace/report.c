/* hetflow report: read a Chrome trace written by `simulate --trace` or
 * `run --trace` and write a self-contained HTML page (or a bare SVG) with
 * core and GPU utilization over time by set and a per-node Gantt chart. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"
#include "util/fs.h"
#include "util/strmap.h"

/* Tableau's twenty, strong and light in turn, then grey for "other". */
static const char *const colours[REPORT_COLOURS + 1] = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
    "#ff9da7", "#9c755f", "#499894", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6",
    "#8cd17d", "#f1ce63", "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e", "#bab0ac",
};

const char *report_colour(int group)
{
    return colours[group];
}

void report_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

#define NOT_A_TRACE                                                                      \
    "not a trace written by hetflow (%s); traces come from 'simulate --trace' and "      \
    "'run --trace'"

static char *dup_string(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return strdup(s ? s : "");
}

/* The sets with the most resource-seconds get colours of their own. */
static int assign_groups(report_t *r)
{
    double *weight = calloc((size_t)r->nsets, sizeof(double));
    int *order = malloc((size_t)r->nsets * sizeof(int));

    if (!weight || !order || !(r->group = malloc((size_t)r->nsets * sizeof(int)))) {
        free(weight);
        free(order);
        return -1;
    }
    for (size_t i = 0; i < r->nslices; i++) {
        const rslice_t *s = &r->slices[i];
        if (s->counted)
            weight[s->set] += (s->end - s->start) * (s->cores + s->gpus);
    }
    for (int i = 0; i < r->nsets; i++) {
        order[i] = i;
        r->group[i] = GROUP_OTHER;
    }
    /* A selection of the heaviest: sets are few next to slices. */
    for (int g = 0; g < REPORT_COLOURS && g < r->nsets; g++) {
        int best = g;
        for (int i = g + 1; i < r->nsets; i++)
            if (weight[order[i]] > weight[order[best]])
                best = i;
        int tmp = order[g];
        order[g] = order[best];
        order[best] = tmp;
    }
    /* Colours follow file order among the chosen, so the legend reads as
     * the workflow does. */
    for (int i = 0, g = 0; i < r->nsets && g < REPORT_COLOURS; i++) {
        for (int k = 0; k < REPORT_COLOURS && k < r->nsets; k++) {
            if (order[k] == i) {
                r->group[i] = g++;
                break;
            }
        }
    }
    free(weight);
    free(order);
    return 0;
}

const char *report_how_name(rend_t how)
{
    static const char *const names[END_KINDS] = {"done", "failed", "timed out",
                                                 "canceled"};

    return names[how];
}

const char *report_how(const rslice_t *s, char *buf, size_t len)
{
    const char *again = s->retried ? ", retried" : "";

    if (s->retried && s->status == HF_STATUS_LAUNCH_RETRY)
        snprintf(buf, len, "not started, launched again");
    else if (s->how == END_CANCELED && s->cause != HF_CANCEL_NONE)
        snprintf(buf, len, "canceled: %s",
                 hf_cancel_cause_text((hf_cancel_cause_t)s->cause));
    else if (s->how == END_DONE || s->how == END_CANCELED || s->how == END_TIMED_OUT)
        snprintf(buf, len, "%s%s", report_how_name((rend_t)s->how), again);
    else if (s->status == HF_STATUS_BAD_RESULT)
        snprintf(buf, len, "failed: its result was not a JSON object%s", again);
    else if (s->status == HF_STATUS_STAGE_FAILED)
        snprintf(buf, len, "failed: its files could not be staged%s", again);
    else if (s->status == HF_STATUS_MISSING_OUTPUT)
        snprintf(buf, len, "failed: an output is missing%s", again);
    else if (s->error)
        snprintf(buf, len, "failed: %s%s", s->error, again);
    else if (s->status < 0)
        snprintf(buf, len, "failed: killed by signal %d (%s)%s", -s->status,
                 strsignal(-s->status), again);
    else
        snprintf(buf, len, "failed: %s %d%s", s->call ? "status" : "exit status",
                 s->status, again);
    return buf;
}

/* The end of slice s from its event's args. */
static void read_end(rslice_t *s, json_t *args)
{
    const char *state = json_string_value(json_object_get(args, "state")) ?: "";

    hf_cancel_cause_t cause = HF_CANCEL_NONE;

    s->status = (int32_t)json_integer_value(json_object_get(args, "status"));
    s->retried = strcmp(state, "retried") == 0;
    hf_cancel_cause_parse(json_string_value(json_object_get(args, "cause")), &cause);
    s->cause = (uint8_t)cause;
    /* One taken back before it started (a busy launcher, a call queued at
     * a worker that died) did not fail: it was called off and sent again. */
    s->how = json_is_true(json_object_get(args, "timed_out")) ? END_TIMED_OUT
             : strcmp(state, "canceled") == 0 ||
                     (s->retried && s->status == HF_STATUS_LAUNCH_RETRY)
                 ? END_CANCELED
             : s->retried || strcmp(state, "failed") == 0 ? END_FAILED
                                                          : END_DONE;
}

static int lane_cmp(const void *a, const void *b)
{
    const rlane_t *x = a, *y = b;

    if (x->node != y->node)
        return x->node < y->node ? -1 : 1;
    return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* The workers' lanes, from one entry per call (its name borrowed from
 * the trace's JSON), sorted, one per thread, their names copied; and each
 * call's row.  Returns 0, or -1 with ENOMEM. */
static int make_lanes(report_t *r)
{
    size_t n = 0;
    int rc = 0;

    qsort(r->lanes, r->nlanes, sizeof(rlane_t), lane_cmp);
    for (size_t i = 0; i < r->nlanes; i++) {
        if (n > 0 && lane_cmp(&r->lanes[n - 1], &r->lanes[i]) == 0)
            continue;
        r->lanes[n] = r->lanes[i];
        r->lanes[n].row = n > 0 && r->lanes[n - 1].node == r->lanes[i].node
                              ? r->lanes[n - 1].row + 1
                              : (uint32_t)r->platform.cores_per_node;
        n++;
    }
    r->nlanes = n;
    for (size_t i = 0; i < n; i++) {
        char *name = rc == 0 ? strdup(r->lanes[i].name) : NULL;
        if (!name)
            rc = -1;
        r->lanes[i].name = name;
    }
    for (size_t i = 0; i < r->nslices; i++) {
        rslice_t *s = &r->slices[i];
        rlane_t key = {.node = s->node, .tid = s->row}, *lane;
        if (s->call && (lane = bsearch(&key, r->lanes, n, sizeof(rlane_t), lane_cmp)))
            s->row = lane->row;
    }
    return rc;
}

/* Whether slice i is listed among those that did not succeed: counted,
 * and its attempt's first node (its other nodes' slices come next). */
static bool listed(const report_t *r, size_t i)
{
    const rslice_t *s = &r->slices[i], *before = i > 0 ? s - 1 : NULL;

    return s->counted && s->how != END_DONE &&
           !(before && !before->call && before->set == s->set &&
             before->index == s->index && before->start == s->start);
}

static int load_slices(report_t *r, json_t *events, hf_error_t *err, const char *path)
{
    size_t n = json_array_size(events);
    uint32_t cores = (uint32_t)r->platform.cores_per_node;
    strmap_t by_name;

    strmap_init(&by_name);
    for (int i = 0; i < r->nsets; i++)
        if (strmap_put(&by_name, r->sets[i], i) < 0)
            goto fail;
    if (!(r->slices = malloc((n + 1) * sizeof(rslice_t))) ||
        !(r->marks = malloc((n + 1) * sizeof(rmark_t))) ||
        !(r->lanes = malloc((n + 1) * sizeof(rlane_t))))
        goto fail;
    for (size_t i = 0; i < n; i++) {
        json_t *ev = json_array_get(events, i), *args = json_object_get(ev, "args");
        const char *ph = json_string_value(json_object_get(ev, "ph"));
        rslice_t *s = &r->slices[r->nslices];
        json_t *lane = json_object_get(args, "lane");
        int set;

        if (ph && strcmp(ph, "i") == 0 && r->nmarks < n) {
            rmark_t *m = &r->marks[r->nmarks];
            m->time = (double)json_integer_value(json_object_get(ev, "ts")) / 1e6;
            if (!(m->label =
                      strdup(json_string_value(json_object_get(ev, "name")) ?: "")))
                goto fail;
            r->nmarks++;
            continue;
        }
        if (!ph || strcmp(ph, "X") != 0)
            continue;
        set = strmap_get(&by_name, json_string_value(json_object_get(args, "set")) ?: "");
        if (set < 0) {
            hf_error_set(err, "%s: event %zu names no set of the workflow", path, i);
            errno = EINVAL;
            goto fail;
        }
        s->set = set;
        s->index = (uint32_t)json_integer_value(json_object_get(args, "index"));
        s->start = (double)json_integer_value(json_object_get(ev, "ts")) / 1e6;
        s->end = s->start + (double)json_integer_value(json_object_get(ev, "dur")) / 1e6;
        s->node = (uint32_t)json_integer_value(json_object_get(ev, "pid"));
        s->row = (uint32_t)json_integer_value(json_object_get(ev, "tid"));
        s->cores = (uint32_t)json_integer_value(json_object_get(args, "cores"));
        s->gpus = (uint32_t)json_integer_value(json_object_get(args, "gpus"));
        s->counted = !lane || json_integer_value(lane) == 0; /* older traces: no lane */
        s->call = s->row >= cores;
        s->error = NULL;
        if (s->call && json_is_string(json_object_get(args, "error")) &&
            !(s->error = strdup(json_string_value(json_object_get(args, "error")))))
            goto fail;
        read_end(s, args);
        if (s->call) /* the name is copied once per lane by make_lanes() */
            r->lanes[r->nlanes++] = (rlane_t){
                .node = s->node,
                .tid = s->row,
                .name = (char *)(json_string_value(json_object_get(args, "worker"))
                                     ?: "worker")};
        if (s->counted)
            r->ncounted++;
        if (listed(r, r->nslices))
            r->nended[s->how]++;
        if (s->end > r->end)
            r->end = s->end;
        r->nslices++;
    }
    strmap_fini(&by_name);
    return make_lanes(r);
fail:
    r->nlanes = 0; /* their names are the JSON's */
    strmap_fini(&by_name);
    return -1;
}

/* The counts of tasks canceled before they started (traces before them
 * have none).  Returns 0, or -1 with ENOMEM. */
static int load_unstarted(report_t *r, json_t *canceled)
{
    size_t i;
    json_t *c;

    if (!(r->unstarted = calloc(json_array_size(canceled) + 1, sizeof(runstarted_t))))
        return -1;
    json_array_foreach(canceled, i, c)
    {
        hf_cancel_cause_t cause = HF_CANCEL_NONE;
        json_int_t set = json_integer_value(json_object_get(c, "set")),
                   tasks = json_integer_value(json_object_get(c, "tasks"));
        if (set < 0 || set >= r->nsets || tasks <= 0)
            continue;
        hf_cancel_cause_parse(json_string_value(json_object_get(c, "cause")), &cause);
        r->unstarted[r->nunstarted++] =
            (runstarted_t){(int)set, (uint8_t)cause, (size_t)tasks};
        r->ncanceled_unstarted += (size_t)tasks;
    }
    return 0;
}

/* What a file that is not JSON seems to be, from its start; NULL when it
 * starts as JSON does (a trace cut short, say: its parse error tells where). */
static const char *not_json(const char *path)
{
    char head[4096];
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(head, 1, sizeof(head) - 1, f) : 0, i = 0;

    if (f)
        fclose(f);
    head[n] = '\0';
    while (i < n && strchr(" \t\r\n", head[i]))
        i++;
    if (i < n && (head[i] == '{' || head[i] == '['))
        return NULL;
    if (strncmp(head, "sets:", 5) == 0 || strstr(head, "\nsets:"))
        return "it is a YAML workflow file";
    return "it is not JSON";
}

/* What a JSON document that is not a hetflow trace is. */
static const char *json_kind(json_t *root)
{
    if (json_object_get(root, "workflow") && json_object_get(root, "schemaVersion"))
        return "it is a WfFormat instance";
    if (json_object_get(root, "sets"))
        return "it is a workflow file";
    return "it has no otherData.hetflow";
}

int report_load(report_t *r, const char *path, hf_error_t *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr), *info, *platform, *sets;
    const char *what;
    struct stat st;

    memset(r, 0, sizeof(*r));
    if (!root && stat(path, &st) < 0) {
        hf_error_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!root && S_ISDIR(st.st_mode)) {
        hf_error_set(err, "%s: is a folder, not a trace (write one with --trace FILE)",
                     path);
        errno = EISDIR;
        return -1;
    }
    if (!root) {
        if (jerr.line <= 0 || !(what = not_json(path)))
            hf_error_at(err, path, jerr.line, jerr.column, "%s", jerr.text);
        else
            hf_error_set(err, "%s: " NOT_A_TRACE, path, what);
        errno = EINVAL;
        return -1;
    }
    info = json_object_get(json_object_get(root, "otherData"), "hetflow");
    platform = json_object_get(info, "platform");
    sets = json_object_get(info, "sets");
    if (!json_is_object(platform) || !json_is_array(sets)) {
        hf_error_set(err, "%s: " NOT_A_TRACE, path, json_kind(root));
        errno = EINVAL;
        goto error;
    }
    r->workflow = dup_string(info, "workflow");
    r->mode = dup_string(info, "mode");
    r->policy = dup_string(info, "policy");
    r->platform.nodes = (int)json_integer_value(json_object_get(platform, "nodes"));
    r->platform.cores_per_node =
        (int)json_integer_value(json_object_get(platform, "cores_per_node"));
    r->platform.gpus_per_node =
        (int)json_integer_value(json_object_get(platform, "gpus_per_node"));
    r->nsets = (int)json_array_size(sets);
    if (!(r->sets = calloc((size_t)r->nsets + 1, sizeof(char *))))
        goto nomem;
    for (int i = 0; i < r->nsets; i++)
        if (!(r->sets[i] =
                  strdup(json_string_value(json_array_get(sets, (size_t)i)) ?: "")))
            goto nomem;
    if (hf_platform_check(&r->platform, NULL) < 0) {
        hf_error_set(err, "%s: the trace's platform is not valid", path);
        errno = EINVAL;
        goto error;
    }
    if (load_unstarted(r, json_object_get(info, "canceled")) < 0)
        goto nomem;
    if (load_slices(r, json_object_get(root, "traceEvents"), err, path) < 0) {
        if (errno == ENOMEM)
            goto nomem;
        goto error;
    }
    if (assign_groups(r) < 0)
        goto nomem;
    json_decref(root);
    return 0;
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
error:
    json_decref(root);
    report_free(r);
    return -1;
}

void report_free(report_t *r)
{
    for (int i = 0; r->sets && i < r->nsets; i++)
        free(r->sets[i]);
    free(r->sets);
    for (size_t i = 0; r->slices && i < r->nslices; i++)
        free(r->slices[i].error);
    free(r->slices);
    free(r->unstarted);
    for (size_t i = 0; i < r->nlanes; i++)
        free(r->lanes[i].name);
    free(r->lanes);
    for (size_t i = 0; i < r->nmarks; i++)
        free(r->marks[i].label);
    free(r->marks);
    free(r->group);
    free(r->workflow);
    free(r->mode);
    free(r->policy);
    memset(r, 0, sizeof(*r));
}

/* Per set: slices, first start, last end, busy core- and GPU-seconds; one
 * pass over the slices.  Long workflows show their first sets only. */
#define TABLE_SETS 100

static void set_table(FILE *f, const report_t *r)
{
    size_t n = (size_t)r->nsets;
    double *start = malloc(n * sizeof(double)), *end = malloc(n * sizeof(double));
    double *core_s = calloc(n, sizeof(double)), *gpu_s = calloc(n, sizeof(double));
    size_t *count = calloc(n, sizeof(size_t));

    if (!start || !end || !core_s || !gpu_s || !count)
        goto done; /* the charts still come */
    for (size_t k = 0; k < n; k++)
        start[k] = end[k] = -1;
    for (size_t i = 0; i < r->nslices; i++) {
        const rslice_t *s = &r->slices[i];
        if (!s->counted)
            continue;
        count[s->set]++;
        if (start[s->set] < 0 || s->start < start[s->set])
            start[s->set] = s->start;
        if (s->end > end[s->set])
            end[s->set] = s->end;
        core_s[s->set] += (s->end - s->start) * s->cores;
        gpu_s[s->set] += (s->end - s->start) * s->gpus;
    }
    fputs("<table><tr><th></th><th>set</th><th>slices</th><th>start (s)</th>"
          "<th>end (s)</th><th>core-s</th><th>GPU-s</th></tr>\n",
          f);
    for (int set = 0; set < r->nsets && set < TABLE_SETS; set++) {
        fprintf(f, "<tr><td><span class=\"key\" style=\"background:%s\"></span></td><td>",
                report_colour(r->group[set]));
        report_escape(f, r->sets[set]);
        if (count[set])
            fprintf(f,
                    "</td><td>%zu</td><td>%.1f</td><td>%.1f</td><td>%.0f</td><td>%.0f"
                    "</td></tr>\n",
                    count[set], start[set], end[set], core_s[set], gpu_s[set]);
        else
            fputs("</td><td>0</td><td>-</td><td>-</td><td>0</td><td>0</td></tr>\n", f);
    }
    fputs("</table>\n", f);
    if (r->nsets > TABLE_SETS)
        fprintf(f, "<p>... and %d more sets.</p>\n", r->nsets - TABLE_SETS);
done:
    free(start);
    free(end);
    free(core_s);
    free(gpu_s);
    free(count);
}

size_t report_failures(const report_t *r, const rslice_t **out, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < r->nslices; i++)
        if (listed(r, i) && n++ < max)
            out[n - 1] = &r->slices[i];
    return n;
}

const char *report_unstarted(const runstarted_t *u, char *buf, size_t len)
{
    snprintf(buf, len, "%zu task%s canceled before %s started: %s", u->tasks,
             u->tasks == 1 ? "" : "s", u->tasks == 1 ? "it" : "they",
             hf_cancel_cause_text((hf_cancel_cause_t)u->cause));
    return buf;
}

/* The tasks that did not succeed, an attempt a row, and those canceled
 * before they started, a row per set and cause. */
static void failure_table(FILE *f, const report_t *r)
{
    const rslice_t *list[REPORT_LIST];
    size_t n = report_failures(r, list, REPORT_LIST);
    char how[192];

    if (n == 0 && r->nunstarted == 0)
        return;
    fputs("<p>Tasks that did not succeed (hatched in the charts):</p>\n<table><tr>"
          "<th>task</th><th>node</th><th>start (s)</th><th>end (s)</th><th>how it "
          "ended</th></tr>\n",
          f);
    for (size_t i = 0; i < n && i < REPORT_LIST; i++) {
        fputs("<tr><td>", f);
        report_escape(f, r->sets[list[i]->set]);
        fprintf(f,
                "[%u]</td><td>%u</td><td>%.1f</td><td>%.1f</td><td style=\"text-align:"
                "left\">",
                list[i]->index, list[i]->node, list[i]->start, list[i]->end);
        report_escape(f, report_how(list[i], how, sizeof(how))); /* a call's error */
        fputs("</td></tr>\n", f);
    }
    for (size_t i = 0; i < r->nunstarted; i++) {
        fputs("<tr><td>", f);
        report_escape(f, r->sets[r->unstarted[i].set]);
        fprintf(f,
                "</td><td>-</td><td>-</td><td>-</td><td style=\"text-align:left\">%s"
                "</td></tr>\n",
                report_unstarted(&r->unstarted[i], how, sizeof(how)));
    }
    fputs("</table>\n", f);
    if (n > REPORT_LIST)
        fprintf(f, "<p>... and %zu more.</p>\n", n - REPORT_LIST);
}

static void write_html(FILE *f, const report_t *r)
{
    const hf_platform_t *p = &r->platform;

    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>"
          "hetflow report: ",
          f);
    report_escape(f, r->workflow);
    fputs("</title>\n<style>body{font-family:sans-serif;margin:24px;color:#222}"
          "table{border-collapse:collapse;margin:12px 0}td,th{padding:2px 10px;"
          "text-align:right}th{border-bottom:1px solid #999}td:nth-child(2){text-align:"
          "left}.key{display:inline-block;width:12px;height:12px}</style></head><body>\n"
          "<h1>",
          f);
    report_escape(f, r->workflow);
    /* Every string from the trace is escaped: a trace is a file anyone may
     * have written. */
    fputs("</h1>\n<p>", f);
    report_escape(f, r->mode);
    fputs(" mode, ", f);
    report_escape(f, r->policy);
    fprintf(
        f,
        " policy, %d nodes &times; %d cores &times; %d GPUs; makespan %.1f s; %zu task "
        "slices",
        p->nodes, p->cores_per_node, p->gpus_per_node, r->end, r->ncounted);
    for (int how = END_FAILED; how < END_KINDS; how++)
        if (r->nended[how])
            fprintf(f, ", %zu %s", r->nended[how], report_how_name((rend_t)how));
    if (r->ncanceled_unstarted)
        fprintf(f, ", %zu canceled before they started", r->ncanceled_unstarted);
    fputs(".</p>\n", f);
    set_table(f, r);
    failure_table(f, r);
    if (r->nmarks > 0) {
        fputs("<p>Rules that fired (dashed lines in the "
              "charts):</p>\n<table><tr><th>time (s)"
              "</th><th>what</th></tr>\n",
              f);
        for (size_t i = 0; i < r->nmarks; i++) {
            fprintf(f, "<tr><td>%.1f</td><td style=\"text-align:left\">",
                    r->marks[i].time);
            report_escape(f, r->marks[i].label);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    report_svg(f, r, false);
    fputs("\n<p>Written by <code>hetflow report</code>.</p>\n</body></html>\n", f);
}

int hf_report_write(const char *trace, const char *out, bool svg, hf_error_t *err)
{
    report_t r;
    FILE *f;
    int rc = 0;

    if (report_load(&r, trace, err) < 0)
        return -1;
    if (!(f = fopen(out, "w"))) {
        hf_error_set(err, "%s: %s", out, strerror(errno));
        report_free(&r);
        return -1;
    }
    errno = 0; /* a failed write's reason, for fs_close_written() */
    if (svg)
        report_svg(f, &r, true);
    else
        write_html(f, &r);
    rc = fs_close_written(f, out, err);
    report_free(&r);
    return rc;
}

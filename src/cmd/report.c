/* hetflow report: draw a run's trace as an HTML page or an SVG. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

const cmd_entry_t cmd_report_entry = {
    .name = "report",
    .usage = "TRACE [-o OUT] [--svg]",
    .summary = "draw utilization and a per-node Gantt chart from a trace",
    .help =
        "TRACE is a file written by 'simulate --trace' or 'run --trace'.  The report\n"
        "shows cores and GPUs in use over time, stacked by set, and the tasks on\n"
        "each node, on a lane per core they held and, for function calls, a lane\n"
        "per worker.  Failed, timed-out and canceled tries are hatched and listed\n"
        "with their reason; the HTML page adds a table per set.  Both are single\n"
        "self-contained files.\n"
        "\n"
        "  -o, --output OUT  where to write (default: TRACE with .html or .svg)\n"
        "  --svg             write a bare SVG instead of an HTML page\n",
    .exec = cmd_report,
};

int cmd_report(int argc, char **argv)
{
    cmd_opts_t opts;
    hf_error_t err = {{0}};
    char out[4096];
    bool done;
    int rc = cmd_parse(&cmd_report_entry, OPT_OUTPUT | OPT_SVG, argc, argv, &opts, &done);

    if (rc != EXIT_OK || done)
        return rc;
    if (opts.output) {
        snprintf(out, sizeof(out), "%s", opts.output);
    } else {
        const char *dot = strrchr(opts.file, '.'), *slash = strrchr(opts.file, '/');
        int stem = dot && (!slash || dot > slash) ? (int)(dot - opts.file)
                                                  : (int)strlen(opts.file);
        snprintf(out, sizeof(out), "%.*s.%s", stem, opts.file, opts.svg ? "svg" : "html");
    }
    if (hf_report_write(opts.file, out, opts.svg, &err) < 0) {
        fprintf(stderr, "hetflow: %s\n", err.text);
        return EXIT_BAD_INPUT;
    }
    if (!opts.json)
        fprintf(stderr, "hetflow: wrote %s\n", out);
    return EXIT_OK;
}

/* What a run leaves behind: the summary object of `simulate --json`, and a
 * Chrome trace-event file (one slice per task per node it used) that
 * Perfetto and chrome://tracing open.  Nothing here changes task state.
 */
#ifndef HETFLOW_TRACE_H
#define HETFLOW_TRACE_H

#include <jansson.h>
#include <stdbool.h>

#include "engine.h"

typedef struct {
    double makespan; /* first start to last end */
    double first_start;
    double util_cores; /* busy core-seconds / (cores x makespan) */
    double util_gpus;
    long tasks;
    long done;
    long failed;
    long canceled;
    long results; /* tasks done that gave a result */
} hf_summary_t;

void hf_summary_compute(const hf_engine_t *e, hf_summary_t *out);

/* The makespan bounds a summary compares with: hf_lower_bound() and
 * hf_tight_bound() of the workflow as written, on the engine's platform.
 * They do not apply (`use` says why, lower and tight -1) when rules
 * changed the workflow, or to a run of a part of it (`partial`: a
 * resume). */
typedef enum {
    HF_BOUNDS_APPLY,
    HF_BOUNDS_NONE_RULES,
    HF_BOUNDS_NONE_PARTIAL,
} hf_bounds_use_t;
typedef struct {
    hf_bounds_use_t use;
    double lower, tight;
} hf_bounds_t;

/* Fill *out for e's finished run; dag is the workflow's as written.
 * Returns 0, or -1 with ENOMEM. */
int hf_summary_bounds(const hf_engine_t *e, const hf_dag_t *dag, bool partial,
                      hf_bounds_t *out);

/* The `simulate --json` / `run --json` object (docs/cli.md); with bounds
 * `b` (NULL: none), their keys last: lower_bound, makespan_over_bound,
 * tight_bound, makespan_over_tight_bound (null where they do not apply; a
 * ratio over a bound of 0 is 1).  Returns NULL with ENOMEM. */
json_t *hf_summary_json(const hf_engine_t *e, const hf_summary_t *s,
                        const hf_bounds_t *b);

/* Staging over a run: bytes moved in and out, the seconds stagings took
 * (summed), the time at least one moved (busy), and the share of that time
 * during which some task computed (overlap, 0 to 1). */
typedef struct {
    bool staged; /* some task staged files */
    double bytes_in, bytes_out, seconds, busy, overlap;
} hf_staging_summary_t;

/* Returns 0, or -1 with ENOMEM. */
int hf_staging_compute(const hf_engine_t *e, hf_staging_summary_t *out);
/* {"bytes_in", "bytes_out", "seconds", "busy", "overlap", "sets": {NAME:
 * {"bytes_in", "bytes_out", "seconds"}}}, or NULL with ENOMEM. */
json_t *hf_staging_json(const hf_engine_t *e, const hf_staging_summary_t *s);

typedef struct hf_trace hf_trace_t;

/* Start recording placements of e's tasks.  Returns NULL with ENOMEM. */
hf_trace_t *hf_trace_attach(hf_engine_t *e);
void hf_trace_destroy(hf_trace_t *t);

/* Write the Chrome trace-event JSON.  Returns 0, or -1 with a message. */
int hf_trace_write_chrome(const hf_trace_t *t, const hf_engine_t *e, const char *path,
                          hf_error_t *err);

/* Write what ran as a WfFormat 1.5 instance (specification and execution).
 * Node n is hosts[n % nhosts] (none: "node<n>"); times are `epoch` (Unix
 * seconds at the executor's time 0) plus the run's.  Returns 0, or -1 with
 * a message. */
int hf_trace_write_wfformat(const hf_trace_t *t, const hf_engine_t *e, const char *path,
                            char *const *hosts, int nhosts, double epoch,
                            hf_error_t *err);

/* Read a trace written by hf_trace_write_chrome() and write a report: a
 * self-contained HTML page, or a bare SVG when `svg`.  Returns 0, or -1
 * with a message. */
int hf_report_write(const char *trace, const char *out, bool svg, hf_error_t *err);

#endif

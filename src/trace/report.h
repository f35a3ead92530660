/* A run as the report sees it, read back from a hetflow Chrome trace: the
 * platform, the sets and one slice per task per node. */
#ifndef HETFLOW_TRACE_REPORT_H
#define HETFLOW_TRACE_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "hetflow/trace.h"

typedef struct {
    double start, end; /* seconds */
    int set;
    uint32_t node;
    uint32_t core; /* first core on the node */
    uint32_t cores, gpus;
} rslice_t;

/* A labelled moment: a rule that fired. */
typedef struct {
    double time;
    char *label;
} rmark_t;

typedef struct {
    char *workflow, *mode, *policy;
    hf_platform_t platform;
    char **sets;
    int nsets;
    rslice_t *slices;
    size_t nslices;
    rmark_t *marks;
    size_t nmarks;
    double end; /* last end, seconds */
    int *group; /* per set: its colour group, GROUP_OTHER when lumped */
} report_t;

/* Sets drawn in a colour of their own; the rest are lumped as "other". */
#define REPORT_COLOURS 20
#define GROUP_OTHER REPORT_COLOURS

int report_load(report_t *r, const char *path, hf_error_t *err);
void report_free(report_t *r);

/* Write the charts as one SVG document. */
void report_svg(FILE *f, const report_t *r);

/* Write s with &, <, > and quotes escaped for XML and HTML. */
void report_escape(FILE *f, const char *s);

/* The colour of a group, as #rrggbb. */
const char *report_colour(int group);

#endif

/* A run as the report sees it, read back from a hetflow Chrome trace: the
 * platform, the sets, a slice per task per core lane it held, and a slice
 * per call on its worker's lane. */
#ifndef HETFLOW_TRACE_REPORT_H
#define HETFLOW_TRACE_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "hetflow/trace.h"

/* How an attempt ended, as the charts mark it. */
typedef enum { END_DONE, END_FAILED, END_TIMED_OUT, END_CANCELED, END_KINDS } rend_t;

typedef struct {
    double start, end; /* seconds */
    int set;
    uint32_t index; /* within its set */
    uint32_t node;
    uint32_t row;         /* its lane: a core, or cores per node + a worker lane */
    uint32_t cores, gpus; /* the task's on the node */
    int32_t status;
    uint8_t how;   /* rend_t */
    uint8_t cause; /* hf_cancel_cause_t, when canceled */
    bool retried;  /* a failed attempt that was run again */
    bool counted;  /* the first lane of its task on the node: counted once */
    bool call;     /* on a worker's lane */
    char *error;   /* a failed call's error, or NULL */
} rslice_t;

/* A worker's lane on its node, below the node's cores. */
typedef struct {
    uint32_t node, tid;
    uint32_t row;
    char *name;
} rlane_t;

/* Tasks of a set canceled before they ever started, for one cause: they
 * have no slice. */
typedef struct {
    int set;
    uint8_t cause; /* hf_cancel_cause_t */
    size_t tasks;
} runstarted_t;

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
    size_t ncounted;          /* slices counted: tasks' attempts on a node */
    size_t nended[END_KINDS]; /* attempts that did not succeed, by how */
    rlane_t *lanes;           /* by node, then thread */
    size_t nlanes;
    rmark_t *marks;
    size_t nmarks;
    runstarted_t *unstarted;
    size_t nunstarted, ncanceled_unstarted; /* entries; tasks over them */
    double end;                             /* last end, seconds */
    int *group; /* per set: its colour group, GROUP_OTHER when lumped */
} report_t;

/* Sets drawn in a colour of their own; the rest are lumped as "other". */
#define REPORT_COLOURS 20
#define GROUP_OTHER REPORT_COLOURS

int report_load(report_t *r, const char *path, hf_error_t *err);
void report_free(report_t *r);

/* Write the charts as one SVG document; `alone` (not in a page) adds the
 * list of tasks that did not succeed. */
void report_svg(FILE *f, const report_t *r, bool alone);

/* Write s with &, <, > and quotes escaped for XML and HTML. */
void report_escape(FILE *f, const char *s);

/* The colour of a group, as #rrggbb. */
const char *report_colour(int group);

/* How slice s ended, in words ("failed: exit status 3"), into buf. */
const char *report_how(const rslice_t *s, char *buf, size_t len);

/* Tasks canceled before they started, in words ("2 tasks canceled before
 * they started: the run was stopped"), into buf. */
const char *report_unstarted(const runstarted_t *u, char *buf, size_t len);

/* What ended as `how` is called in the legend ("failed"). */
const char *report_how_name(rend_t how);

/* The attempts that did not succeed, in the trace's order, a slice each
 * (its first node's): the first `max` into out.  Returns how many there
 * are in all. */
size_t report_failures(const report_t *r, const rslice_t **out, size_t max);

/* The page lists attempts that did not succeed up to this many. */
#define REPORT_LIST 100

#endif

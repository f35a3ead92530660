/* The WfFormat importer's parts, for one another (wfformat.h is what the
 * loader sees): the reader's state, the compact records the walk keeps of
 * the text, and the functions one part calls of another.
 *   load_wfformat.c     the entry: the walks, the checks after them, the build;
 *   wfformat_walk.c     the walk of the text through yajl's callbacks;
 *   wfformat_records.c  kept and interned strings, members' values, and the
 *                       records they make as each ends;
 *   wfformat_msg.c      places in the text and the messages said at them;
 *   wfformat_build.c    the workflow's sets and edges from the records. */
#ifndef HETFLOW_WORKFLOW_WFFORMAT_READ_H
#define HETFLOW_WORKFLOW_WFFORMAT_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_parse.h>

#include "hetflow/workflow.h"
#include "util/strmap.h"

#define NONE UINT32_MAX

/* The members hetflow reads of each object, indices into the member tables
 * of wfformat_walk.c (and bits of rec_t.seen).  The instance's: */
enum { R_VERSION, R_NAME, R_WORKFLOW, R_SETS };

/* workflow's: specification and execution from 1.5, tasks in 1.3 and 1.4,
 * jobs before; */
enum { W_SPEC, W_EXEC, W_TASKS, W_JOBS };

/* workflow.specification's (1.5+); workflow.execution's is tasks alone; */
enum { S_TASKS, S_FILES };

/* a task record's, the specification's and, from 1.5, the execution's; */
enum {
    K_ID,
    K_NAME,
    K_PARENTS,
    K_CHILDREN,
    K_RUNTIME_S,
    K_RUNTIME,
    K_CORE_COUNT,
    K_CORES,
    K_GPU_COUNT,
    K_GPUS,
    K_INPUTS,
    K_OUTPUTS,
    K_FILES,
    K_CATEGORY,
    NKEYS
};

/* a record of specification.files (1.5+); */
enum { F_ID, F_SIZE_B, F_SIZE };

/* a file of a task's files list (before 1.5). */
enum { TF_LINK, TF_NAME, TF_ID, TF_SIZE_B, TF_SIZE };

/* What an open container is to the reader. */
typedef enum {
    C_SKIP,       /* read past */
    C_ROOT,       /* the instance */
    C_WORKFLOW,   /* its workflow */
    C_SPEC,       /* workflow.specification (1.5+) */
    C_EXEC,       /* workflow.execution (1.5+) */
    C_TASKS,      /* the task records' list */
    C_RUNS,       /* workflow.execution.tasks (1.5+) */
    C_FILES,      /* workflow.specification.files (1.5+) */
    C_TASK,       /* a task record */
    C_RUN,        /* an execution record (1.5+) */
    C_FILE,       /* a record of specification.files */
    C_NAMES,      /* a task's parents or children */
    C_FILE_IDS,   /* a task's inputFiles or outputFiles (1.5+) */
    C_TASK_FILES, /* a task's files (before 1.5) */
    C_TASK_FILE,  /* one of them */
} ctx_t;

typedef struct {
    uint8_t ctx;  /* ctx_t */
    uint8_t side; /* C_NAMES: children; C_FILE_IDS: outputs */
} frame_t;

/* A member's value as read: its kind, where it starts, a number's value
 * and text, a string's text (copied: yajl's is gone after the callback). */
typedef struct {
    char kind; /* 0: absent, or '{', '[', '"', '0' (a number), 'n', 'b' */
    size_t at;
    double num;
    size_t len; /* a number's text */
    char *s;    /* a string, NUL-terminated */
    size_t n, cap;
    bool nul; /* the string holds a NUL (\u0000) */
} val_t;

/* The members of the object open in a context. */
typedef struct {
    val_t m[NKEYS];
    uint32_t seen; /* bit k: member k met */
    size_t at;     /* the object's '{' */
} rec_t;

/* Interned strings: index -> string through a map, and what each names. */
typedef struct {
    const char *s; /* NUL-terminated, in the reader's blocks */
    int32_t task;  /* names: the task keyed so; categories: their set; -1: none */
    int32_t run;   /* names: the last execution record of that id, -1: none */
    double size;   /* files: bytes, -1: unknown */
} name_t;

typedef struct {
    strmap_t map;
    name_t *v;
    size_t n, cap;
} names_t;

/* Blocks of kept strings, which never move: the maps borrow them. */
typedef struct block {
    struct block *next;
    size_t used, cap;
    char data[];
} block_t;

/* A name in a task's parents or children list, and its place. */
typedef struct {
    uint32_t name; /* NONE: not a string, or one with a NUL */
    hf_mark_t mark;
} ref_t;

/* One of a task's files. */
typedef struct {
    uint32_t file; /* in the files' names */
    bool input;
    double size; /* before 1.5; from 1.5 the file's record says */
} fref_t;

typedef struct {
    uint32_t key;                 /* in names: id (1.5+) or name */
    uint32_t parents, nparents;   /* in refs */
    uint32_t children, nchildren; /* ... */
    uint32_t files, nfiles;       /* in frefs */
    uint32_t category;            /* --group-by category: in cats */
    hf_mark_t mark;               /* of its key */
    double runtime;
    int cores, gpus;
} wtask_t;

/* What is wrong with a record's runtime or counts; an execution record's is
 * said only if a task takes it. */
typedef enum { BAD_NO_RUNTIME, BAD_RUNTIME, BAD_TYPE, BAD_LOW, BAD_HIGH } bad_what_t;

typedef struct {
    bad_what_t what;
    size_t at;
    const char *field;
    char kind;  /* BAD_TYPE: what the value is */
    size_t len; /* the number's text */
    int limit;  /* BAD_LOW: the least; BAD_HIGH: the most */
} bad_t;

/* An execution record (1.5+). */
typedef struct {
    uint32_t id; /* in names, NONE: none */
    int32_t bad; /* in bads, -1: fine */
    double runtime;
    int cores, gpus;
} wrun_t;

typedef struct {
    const char *path, *text;
    size_t len;
    int flags;
    hf_error_t *err;
    /* The walk */
    yajl_handle yajl;
    bool finishing; /* in yajl_complete_parse(): no places */
    size_t last;    /* past the last token read */
    size_t cursor;  /* marks are counted on from here */
    hf_mark_t cursor_mark;
    frame_t stack[HF_MAX_NESTING];
    int depth;
    int key; /* the member whose value comes next, -1: one not read */
    rec_t root, workflow, spec, exec, rec, frec; /* rec: a task's or run's */
    char *scratch;
    size_t scratch_cap;
    /* What it found */
    bool top;           /* "workflow" or "schemaVersion" at the top */
    bool sets;          /* "sets" there: a workflow file */
    bool failed;        /* an error is in err; the rest is read for "sets" */
    bool stopped;       /* the walk ended early: ENOMEM, bad JSON, too deep */
    bool nomem;         /* ... for want of memory */
    size_t json_at;     /* bad JSON or nesting: where, */
    char json_msg[256]; /* ... what */
    int version;        /* major * 10 + minor, -1: unreadable */
    bool workflow_read; /* in this walk: the version was known at it */
    /* The records */
    block_t *blocks;
    names_t names, files, cats;
    wtask_t *tasks;
    size_t ntasks, tasks_cap;
    ref_t *refs;
    size_t nrefs, refs_cap;
    fref_t *frefs;
    size_t nfrefs, frefs_cap;
    wrun_t *runs;
    size_t nruns, runs_cap;
    bad_t *bads;
    size_t nbads, bads_cap;
} wf_t;

/* ---- wfformat_msg.c ---- */

/* The line and column of offset at, counted on from the last place asked. */
hf_mark_t wfr_mark_at(wf_t *w, size_t at);
/* A message at offset at (the first said is the one kept); -1, EINVAL. */
int wfr_fail_at(wf_t *w, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A message at mark m, likewise. */
int wfr_fail_mark(wf_t *w, hf_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Out of memory: said, and the walk stops; -1, ENOMEM. */
int wfr_nomem(wf_t *w);
/* What a value of kind ('{', '[', '"', '0', 'n', 'b') is, for a message. */
const char *wfr_kind_name(char kind);

/* ---- wfformat_records.c ---- */

/* The index of s[0..n) in t, added if new; NONE for want of memory. */
uint32_t wfr_intern(wf_t *w, names_t *t, const char *s, size_t n);
/* No members read yet of the object that opens at offset at. */
void wfr_rec_reset(rec_t *r, size_t at);
/* A member's value read at offset at: its kind, and a number's or string's text. */
int wfr_set_value(wf_t *w, val_t *v, char kind, size_t at, const char *s, size_t n);
/* The message for what *b says is wrong with task key's runtime or counts. */
int wfr_fail_bad(wf_t *w, const char *key, const bad_t *b);
/* A task record, as it ends. */
int wfr_end_task(wf_t *w);
/* An execution record (1.5+), as it ends. */
int wfr_end_run(wf_t *w);
/* A record of specification.files (1.5+), as it ends. */
int wfr_end_file(wf_t *w);
/* A file of a task's files list (before 1.5), as it ends. */
int wfr_end_task_file(wf_t *w);
/* One of the open task's files: an index in w->files. */
int wfr_add_fref(wf_t *w, uint32_t file, bool input, double size);
/* A name (s NULL: an item that is none) in the open task's parents (side 0)
 * or children (side 1) list. */
int wfr_add_ref(wf_t *w, int side, const char *s, size_t n, size_t at);
/* All the reader holds, let go; *w is zeroed. */
void wfr_fini(wf_t *w);

/* The task record being read: the next of w->tasks, room made for it. */
static inline wtask_t *wfr_task_open(wf_t *w)
{
    return &w->tasks[w->ntasks];
}

/* ---- wfformat_walk.c ---- */

/* One walk of the text through yajl, filling the records. */
void wfr_walk(wf_t *w);

/* Whether the schema version is one this reads (1.0 to 1.6). */
static inline bool wfr_version_known(const wf_t *w)
{
    return w->version >= 10 && w->version <= 16;
}

/* ---- wfformat_build.c ---- */

/* What the walk needed and the build does not, let go before the build. */
void wfr_trim(wf_t *w);
/* The workflow's sets and edges from the records: a set per task, or per
 * category with HF_LOAD_GROUP_BY_CATEGORY. */
int wfr_build(wf_t *w, hf_workflow_t *wf);

#endif

/* WfFormat (WfCommons) instances, schema 1.0 to 1.6, read into a workflow:
 * a set of one task per recorded task (or, grouped by category, one set per
 * category), its cores, its recorded runtime as its duration, and the
 * recorded edges.  A task runs as a stand-in that sleeps its runtime, so
 * `hetflow run` replays an instance's shape with real processes.
 *
 * The versions differ (tests/data/wfinstances/README.md):
 *   1.5, 1.6  workflow.specification.tasks (parents/children by id) joined on
 *             id with workflow.execution.tasks (runtimeInSeconds, coreCount);
 *   1.3, 1.4  workflow.tasks, parents/children by name, runtime (1.3) or
 *             runtimeInSeconds (1.4), cores;
 *   1.0-1.2   workflow.jobs, runtime, cores, parents/children by name.
 *
 * The JSON is streamed through yajl's callbacks, never made a tree of
 * values (a million tasks are 127 MiB of text, and were 1.8 GB of jansson
 * values): the callbacks keep what hetflow uses of each record in compact
 * arrays (a task's key, edges, files, runtime and counts; every name
 * interned once), and the workflow is built from them once the text is read
 * (a 1.5 task's execution record may come before or after it).  The
 * workflow is read once the schema version is known: if it comes before
 * "schemaVersion", the text is streamed a second time.
 *
 * Places: yajl_get_bytes_consumed() in a callback is the offset just past
 * the token read, and the token starts past the blanks, commas and colons
 * after the one before it, so every value's place is the offset of its
 * first byte; its line and column are counted on from the last place asked,
 * since places are asked in the order of the text. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "hetflow/workflow.h"
#include "util/grow.h"
#include "util/strmap.h"
#include "wfformat.h"

#define NONE UINT32_MAX

/* The members of the objects hetflow reads, each object's own: a member
 * read `once` is an error when repeated; of the others the first counts. */
typedef struct {
    const char *name;
    size_t len;
    bool once;
} member_t;

#define MEMBER(s, once)                                                                  \
    {                                                                                    \
        s, sizeof(s) - 1, once                                                           \
    }

static const member_t root_keys[] = {MEMBER("schemaVersion", true), MEMBER("name", true),
                                     MEMBER("workflow", true), MEMBER("sets", false)};
enum { R_VERSION, R_NAME, R_WORKFLOW, R_SETS };

/* workflow's: specification and execution from 1.5, tasks in 1.3 and 1.4,
 * jobs before. */
static const member_t workflow_keys[] = {MEMBER("specification", true),
                                         MEMBER("execution", true), MEMBER("tasks", true),
                                         MEMBER("jobs", true)};
enum { W_SPEC, W_EXEC, W_TASKS, W_JOBS };

static const member_t spec_keys[] = {MEMBER("tasks", true), MEMBER("files", true)};
enum { S_TASKS, S_FILES };

static const member_t exec_keys[] = {MEMBER("tasks", true)};

/* A task record's, the specification's and, from 1.5, the execution's. */
static const member_t task_keys[] = {MEMBER("id", true),
                                     MEMBER("name", true),
                                     MEMBER("parents", true),
                                     MEMBER("children", true),
                                     MEMBER("runtimeInSeconds", true),
                                     MEMBER("runtime", true),
                                     MEMBER("coreCount", true),
                                     MEMBER("cores", true),
                                     MEMBER("gpuCount", true),
                                     MEMBER("gpus", true),
                                     MEMBER("inputFiles", true),
                                     MEMBER("outputFiles", true),
                                     MEMBER("files", true),
                                     MEMBER("category", false)};
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

/* A record of specification.files (1.5+). */
static const member_t file_keys[] = {MEMBER("id", true), MEMBER("sizeInBytes", false),
                                     MEMBER("size", false)};
enum { F_ID, F_SIZE_B, F_SIZE };

/* A file of a task's files list (before 1.5). */
static const member_t task_file_keys[] = {
    MEMBER("link", false), MEMBER("name", false), MEMBER("id", false),
    MEMBER("sizeInBytes", false), MEMBER("size", false)};
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

/* ---- Messages and places ---- */

/* The line and column (1-based; columns count characters) of offset at,
 * counted on from the last asked. */
static hf_mark_t mark_at(wf_t *w, size_t at)
{
    const char *p, *end, *nl;

    if (at > w->len)
        at = w->len;
    if (at < w->cursor) {
        w->cursor = 0;
        w->cursor_mark = (hf_mark_t){1, 1};
    }
    p = w->text + w->cursor;
    end = w->text + at;
    while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
        w->cursor_mark.line++;
        w->cursor_mark.col = 1;
        p = nl + 1;
    }
    for (; p < end; p++)
        w->cursor_mark.col += ((unsigned char)*p & 0xC0) != 0x80;
    w->cursor = at;
    return w->cursor_mark;
}

static int fail_ap(wf_t *w, hf_mark_t m, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static int fail_ap(wf_t *w, hf_mark_t m, const char *fmt, va_list ap)
{
    char msg[sizeof(w->err->text)];

    if (!w->failed) { /* the first error is the one said */
        vsnprintf(msg, sizeof(msg), fmt, ap);
        hf_error_at(w->err, w->path, m.line, m.col, "%s", msg);
    }
    w->failed = true;
    errno = EINVAL;
    return -1;
}

static int fail_at(wf_t *w, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_mark(wf_t *w, hf_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A message at offset at. */
static int fail_at(wf_t *w, size_t at, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = fail_ap(w, w->failed ? (hf_mark_t){0, 0} : mark_at(w, at), fmt, ap);
    va_end(ap);
    return rc;
}

static int fail_mark(wf_t *w, hf_mark_t m, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = fail_ap(w, m, fmt, ap);
    va_end(ap);
    return rc;
}

static int nomem(wf_t *w)
{
    if (!w->failed)
        hf_error_set(w->err, "out of memory");
    w->failed = w->stopped = w->nomem = true;
    errno = ENOMEM;
    return -1;
}

static const char *kind_name(char kind)
{
    switch (kind) {
    case '{':
        return "an object";
    case '[':
        return "a list";
    case '"':
        return "a string";
    case '0':
        return "a number";
    case 'n':
        return "null";
    default:
        return "a boolean";
    }
}

/* ---- Strings kept, and interned ---- */

/* A NUL-terminated copy of s[0..n) that stays where it is. */
static const char *keep(wf_t *w, const char *s, size_t n)
{
    block_t *b = w->blocks;
    char *out;

    if (!b || b->cap - b->used < n + 1) {
        size_t cap = n + 1 > (1 << 20) ? n + 1 : (1 << 20);
        if (!(b = malloc(sizeof(*b) + cap)))
            return NULL;
        b->next = w->blocks;
        b->used = 0;
        b->cap = cap;
        w->blocks = b;
    }
    out = b->data + b->used;
    memcpy(out, s, n);
    out[n] = '\0';
    b->used += n + 1;
    return out;
}

/* The index of s[0..n) in t, added if new; NONE for want of memory. */
static uint32_t intern(wf_t *w, names_t *t, const char *s, size_t n)
{
    int k;

    if (grow_room((void **)&w->scratch, &w->scratch_cap, n + 1, 1) < 0)
        return NONE;
    memcpy(w->scratch, s, n);
    w->scratch[n] = '\0';
    if ((k = strmap_get(&t->map, w->scratch)) >= 0)
        return (uint32_t)k;
    if (t->n >= INT32_MAX ||
        grow_room((void **)&t->v, &t->cap, t->n + 1, sizeof(name_t)) < 0)
        return NONE;
    t->v[t->n] = (name_t){.task = -1, .run = -1, .size = -1};
    if (!(t->v[t->n].s = keep(w, s, n)) ||
        strmap_put(&t->map, t->v[t->n].s, (int)t->n) < 0)
        return NONE;
    return (uint32_t)t->n++;
}

static void names_fini(names_t *t)
{
    strmap_fini(&t->map);
    free(t->v);
}

/* ---- Values of records ---- */

static void rec_reset(rec_t *r, size_t at)
{
    for (int k = 0; k < NKEYS; k++) {
        r->m[k].kind = 0;
        r->m[k].n = 0;
        r->m[k].nul = false;
    }
    r->seen = 0;
    r->at = at;
}

static void rec_fini(rec_t *r)
{
    for (int k = 0; k < NKEYS; k++)
        free(r->m[k].s);
}

static int set_value(wf_t *w, val_t *v, char kind, size_t at, const char *s, size_t n)
{
    v->kind = kind;
    v->at = at;
    if (kind == '0') {
        /* Copied out to end it with a NUL. */
        char small[64], *buf = small;
        if (n >= sizeof(small)) {
            if (grow_room((void **)&w->scratch, &w->scratch_cap, n + 1, 1) < 0)
                return nomem(w);
            buf = w->scratch;
        }
        memcpy(buf, s, n);
        buf[n] = '\0';
        v->num = strtod(buf, NULL);
        v->len = n;
    } else if (kind == '"') {
        if (grow_room((void **)&v->s, &v->cap, n + 1, 1) < 0)
            return nomem(w);
        memcpy(v->s, s, n);
        v->s[n] = '\0';
        v->n = n;
        v->nul = memchr(s, '\0', n) != NULL;
    }
    return 0;
}

/* A count of cores or GPUs (absent or null: *out unchanged): a number at
 * least `min` and more than 0 for cores, fractions rounded up (a share of a
 * core used is a core), at most `max`. */
static int read_count(const val_t *v, const char *field, int min, int max, int *out,
                      bad_t *bad)
{
    double x;

    if (!v->kind || v->kind == 'n')
        return 0;
    *bad = (bad_t){.at = v->at, .field = field, .kind = v->kind, .len = v->len};
    if (v->kind != '0') {
        bad->what = BAD_TYPE;
        return -1;
    }
    x = v->num;
    if (min > 0 ? !(x > 0) : !(x >= min)) {
        bad->what = BAD_LOW;
        bad->limit = min;
        return -1;
    }
    x = fmax(ceil(x - 1e-9), min);
    if (x > max) {
        bad->what = BAD_HIGH;
        bad->limit = max;
        return -1;
    }
    *out = (int)x;
    return 0;
}

/* A record's runtime, cores and GPUs; or what is wrong in *bad (no runtime
 * is said at `none_at`). */
static int read_values(const rec_t *r, size_t none_at, double *runtime, int *cores,
                       int *gpus, bad_t *bad)
{
    const val_t *rt = &r->m[r->m[K_RUNTIME_S].kind ? K_RUNTIME_S : K_RUNTIME];
    bool core_count = r->m[K_CORE_COUNT].kind, gpu_count = r->m[K_GPU_COUNT].kind;

    if (rt->kind != '0') {
        *bad = (bad_t){.what = BAD_NO_RUNTIME, .at = none_at};
        return -1;
    }
    if (!(rt->num >= 0) || !isfinite(rt->num)) {
        *bad = (bad_t){.what = BAD_RUNTIME, .at = rt->at, .len = rt->len};
        return -1;
    }
    *runtime = rt->num;
    *cores = 1;
    *gpus = 0;
    if (read_count(&r->m[core_count ? K_CORE_COUNT : K_CORES],
                   core_count ? "coreCount" : "cores", 1, HF_PLATFORM_MAX_CORES, cores,
                   bad) < 0 ||
        read_count(&r->m[gpu_count ? K_GPU_COUNT : K_GPUS],
                   gpu_count ? "gpuCount" : "gpus", 0, HF_PLATFORM_MAX_GPUS, gpus,
                   bad) < 0)
        return -1;
    return 0;
}

static int fail_bad(wf_t *w, const char *key, const bad_t *b)
{
    const char *num = w->text + b->at;
    int len = (int)b->len;

    switch (b->what) {
    case BAD_NO_RUNTIME:
        return fail_at(w, b->at, "task '%s' has no runtime (runtimeInSeconds or runtime)",
                       key);
    case BAD_RUNTIME:
        return fail_at(w, b->at,
                       "task '%s': runtime must be at least 0 seconds, not %.*s", key,
                       len, num);
    case BAD_TYPE:
        return fail_at(w, b->at, "task '%s': %s must be a number, not %s", key, b->field,
                       kind_name(b->kind));
    case BAD_LOW:
        return fail_at(w, b->at, "task '%s': %s must be %s, not %.*s", key, b->field,
                       b->limit > 0 ? "more than 0" : "at least 0", len, num);
    default:
        return fail_at(w, b->at, "task '%s': %s must be at most %d, not %.*s", key,
                       b->field, b->limit, len, num);
    }
}

/* A file record's size in bytes: sizeInBytes or size, -1 when neither. */
static double size_of(const val_t *in_bytes, const val_t *size)
{
    const val_t *v = in_bytes->kind ? in_bytes : size;

    return v->kind == '0' && v->num >= 0 && isfinite(v->num) ? v->num : -1;
}

/* "blastall_ID000002" -> "blastall", "x_17" -> "x": the family of a task
 * whose record has no category. */
static char *category_of(const char *name)
{
    size_t n = strlen(name), end = n;

    while (end > 0 && isdigit((unsigned char)name[end - 1]))
        end--;
    if (end < n && end >= 3 && strncmp(name + end - 3, "_ID", 3) == 0)
        end -= 3;
    else if (end < n && end >= 1 && name[end - 1] == '_')
        end -= 1;
    else
        end = n;
    return strndup(name, end ? end : n);
}

/* ---- The records as they end ---- */

static wtask_t *task_open(wf_t *w)
{
    return &w->tasks[w->ntasks];
}

/* A task record: its key, edges' and files' lists, category, and before
 * 1.5 its runtime and counts. */
static int end_task(wf_t *w)
{
    const rec_t *r = &w->rec;
    const val_t *m = r->m;
    int k = w->version >= 15 ? K_ID : K_NAME;
    const char *what = w->version >= 15 ? "id" : "name", *key;
    wtask_t *t = task_open(w);
    bad_t bad;

    if (m[k].kind != '"' || m[k].n == 0)
        return fail_at(w, m[k].kind ? m[k].at : r->at, "a task without an %s", what);
    if (m[k].nul)
        return fail_at(w, m[k].at, "a task's %s contains a NUL byte", what);
    if ((t->key = intern(w, &w->names, m[k].s, m[k].n)) == NONE)
        return nomem(w);
    key = w->names.v[t->key].s;
    if (w->version < 15 &&
        read_values(r, m[k].at, &t->runtime, &t->cores, &t->gpus, &bad) < 0)
        return fail_bad(w, key, &bad);
    for (int list = K_PARENTS; list <= K_CHILDREN; list++)
        if (m[list].kind && m[list].kind != '[')
            return fail_at(w, m[list].at,
                           "task '%s': parents and children must be lists, not %s", key,
                           kind_name(m[list].kind));
    if (w->flags & HF_LOAD_GROUP_BY_CATEGORY) {
        /* Its record's category, else the family of its name (or key). */
        const val_t *c = &m[K_CATEGORY], *name = &m[K_NAME];
        char *made = NULL;
        if (c->kind == '"' && c->nul)
            return fail_mark(w, t->mark, "the category of '%s' contains a NUL byte", key);
        if (c->kind != '"' &&
            !(made = category_of(name->kind == '"' && !name->nul ? name->s : key)))
            return nomem(w);
        t->category = made ? intern(w, &w->cats, made, strlen(made))
                           : intern(w, &w->cats, c->s, c->n);
        free(made);
        if (t->category == NONE)
            return nomem(w);
    }
    if (w->names.v[t->key].task >= 0)
        return fail_mark(w, t->mark, "task '%s' appears twice", key);
    w->names.v[t->key].task = (int32_t)w->ntasks++;
    return 0;
}

/* An execution record (1.5+), for the task of its id. */
static int end_run(wf_t *w)
{
    const val_t *id = &w->rec.m[K_ID];
    wrun_t run = {.id = NONE, .bad = -1};
    bad_t bad;

    if (id->kind == '"' && !id->nul &&
        (run.id = intern(w, &w->names, id->s, id->n)) == NONE)
        return nomem(w);
    if (run.id != NONE &&
        read_values(&w->rec, w->rec.at, &run.runtime, &run.cores, &run.gpus, &bad) < 0) {
        if (grow_room((void **)&w->bads, &w->bads_cap, w->nbads + 1, sizeof(bad_t)) < 0)
            return nomem(w);
        w->bads[w->nbads] = bad;
        run.bad = (int32_t)w->nbads++;
    }
    if (w->nruns >= INT32_MAX ||
        grow_room((void **)&w->runs, &w->runs_cap, w->nruns + 1, sizeof(wrun_t)) < 0)
        return nomem(w);
    if (run.id != NONE)
        w->names.v[run.id].run = (int32_t)w->nruns; /* the last one counts */
    w->runs[w->nruns++] = run;
    return 0;
}

/* A record of specification.files (1.5+): the size of the file of its id. */
static int end_file(wf_t *w)
{
    const val_t *m = w->frec.m;
    uint32_t f;

    if (m[F_ID].kind != '"' || m[F_ID].nul)
        return 0;
    if ((f = intern(w, &w->files, m[F_ID].s, m[F_ID].n)) == NONE)
        return nomem(w);
    w->files.v[f].size = size_of(&m[F_SIZE_B], &m[F_SIZE]);
    return 0;
}

static int add_fref(wf_t *w, uint32_t file, bool input, double size)
{
    if (grow_room((void **)&w->frefs, &w->frefs_cap, w->nfrefs + 1, sizeof(fref_t)) < 0)
        return nomem(w);
    w->frefs[w->nfrefs++] = (fref_t){file, input, size};
    task_open(w)->nfiles++;
    return 0;
}

/* A file of a task's files list (before 1.5): {link, name or id, size}. */
static int end_task_file(wf_t *w)
{
    const val_t *m = w->frec.m, *name = &m[m[TF_NAME].kind ? TF_NAME : TF_ID];
    uint32_t f;

    if (m[TF_LINK].kind != '"' || name->kind != '"' || name->nul)
        return 0;
    if ((f = intern(w, &w->files, name->s, name->n)) == NONE)
        return nomem(w);
    return add_fref(w, f, strcmp(m[TF_LINK].s, "input") == 0 && !m[TF_LINK].nul,
                    size_of(&m[TF_SIZE_B], &m[TF_SIZE]));
}

/* A name in a task's parents (side 0) or children (side 1) list, or an
 * item that is no name (s NULL). */
static int add_ref(wf_t *w, int side, const char *s, size_t n, size_t at)
{
    wtask_t *t = task_open(w);
    ref_t ref = {NONE, mark_at(w, at)};

    if (s && !memchr(s, '\0', n) && (ref.name = intern(w, &w->names, s, n)) == NONE)
        return nomem(w);
    if (w->nrefs >= UINT32_MAX - 1 ||
        grow_room((void **)&w->refs, &w->refs_cap, w->nrefs + 1, sizeof(ref_t)) < 0)
        return nomem(w);
    w->refs[w->nrefs++] = ref;
    side ? t->nchildren++ : t->nparents++;
    return 0;
}

/* ---- The walk: yajl's callbacks ---- */

/* The walk ends on JSON no instance may hold. */
static int stop(wf_t *w, size_t at, const char *what)
{
    w->json_at = at;
    snprintf(w->json_msg, sizeof(w->json_msg), "%s", what);
    w->stopped = true;
    return -1;
}

/* yajl checks the UTF-8 of strings loosely (overlong forms, surrogates and
 * \u escapes of lone low surrogates go through): a string is taken when
 * jansson, which writes names out again, takes it. */
static int check_utf8(wf_t *w, const char *s, size_t n, size_t at)
{
    json_t *copy;
    size_t i = 0;

    while (i < n && (unsigned char)s[i] < 0x80)
        i++;
    if (i == n)
        return 0;
    if (!(copy = json_stringn(s, n)))
        return stop(w, at, "JSON: a string that is not UTF-8");
    json_decref(copy);
    return 0;
}

/* The offset of the token yajl has just read: past the blanks, commas and
 * colons after the one before it. */
static size_t token(wf_t *w)
{
    size_t at = w->last;

    if (w->finishing) /* yajl reads a blank of its own: no place */
        return w->len;
    while (at < w->len &&
           (w->text[at] == ' ' || w->text[at] == '\t' || w->text[at] == '\n' ||
            w->text[at] == '\r' || w->text[at] == ',' || w->text[at] == ':'))
        at++;
    w->last = yajl_get_bytes_consumed(w->yajl);
    return at;
}

static bool version_known(const wf_t *w)
{
    return w->version >= 10 && w->version <= 16;
}

/* Whether workflow's member k is this version's. */
static bool workflow_member(int version, size_t k)
{
    return version >= 15 ? k == W_SPEC || k == W_EXEC
                         : k == (version >= 13 ? W_TASKS : W_JOBS);
}

/* Whether a context is a list, whose values are items. */
static bool is_list(ctx_t c)
{
    return c == C_TASKS || c == C_RUNS || c == C_FILES || c == C_NAMES ||
           c == C_FILE_IDS || c == C_TASK_FILES;
}

/* The members read in a context, and where their values go. */
static rec_t *members_of(wf_t *w, ctx_t ctx, const member_t **keys, size_t *n)
{
#define TABLE(t, r)                                                                      \
    do {                                                                                 \
        *keys = t;                                                                       \
        *n = sizeof(t) / sizeof(t[0]);                                                   \
        return r;                                                                        \
    } while (0)
    switch (ctx) {
    case C_ROOT:
        TABLE(root_keys, &w->root);
    case C_WORKFLOW:
        TABLE(workflow_keys, &w->workflow);
    case C_SPEC:
        TABLE(spec_keys, &w->spec);
    case C_EXEC:
        TABLE(exec_keys, &w->exec);
    case C_TASK:
    case C_RUN:
        TABLE(task_keys, &w->rec);
    case C_FILE:
        TABLE(file_keys, &w->frec);
    case C_TASK_FILE:
        TABLE(task_file_keys, &w->frec);
    default:
        *n = 0;
        return NULL;
    }
#undef TABLE
}

static int on_key(void *ctx, const unsigned char *s, size_t n)
{
    wf_t *w = ctx;
    size_t at = token(w), nkeys;
    ctx_t c = w->stack[w->depth - 1].ctx;
    const member_t *keys;
    rec_t *r = members_of(w, c, &keys, &nkeys);

    w->key = -1;
    if (check_utf8(w, (const char *)s, n, at) < 0)
        return 0;
    for (size_t k = 0; k < nkeys && (!w->failed || c == C_ROOT); k++) {
        if (keys[k].len != n || memcmp(keys[k].name, s, n) != 0)
            continue;
        if (c == C_WORKFLOW && !workflow_member(w->version, k))
            break; /* another version's */
        if (c == C_ROOT) {
            if (k == R_SETS) {
                w->sets = true;
                return 0; /* a workflow file in JSON */
            }
            w->top = w->top || k == R_VERSION || k == R_WORKFLOW;
        }
        if (r->seen & 1u << k) {
            if (keys[k].once)
                fail_at(w, at, "key '%.*s' repeated", (int)n, s);
            break;
        }
        r->seen |= 1u << k;
        w->key = (int)k;
        break;
    }
    return !w->stopped;
}

/* A member's value, or an item's (key -1), that is no container. */
static int on_scalar(wf_t *w, char kind, const char *s, size_t n)
{
    size_t at = token(w), nkeys;
    frame_t *f = &w->stack[w->depth - 1];
    int key = w->key;
    const member_t *keys;
    rec_t *r;

    w->key = -1;
    if (w->failed || w->finishing || (kind == '"' && check_utf8(w, s, n, at) < 0))
        return !w->stopped;
    if (key < 0) {
        if (f->ctx == C_TASKS)
            fail_at(w, at, "task %zu is not an object", w->ntasks);
        else if (f->ctx == C_NAMES)
            add_ref(w, f->side, kind == '"' ? s : NULL, n, at);
        else if (f->ctx == C_FILE_IDS && kind == '"' && !memchr(s, '\0', n)) {
            uint32_t file = intern(w, &w->files, s, n);
            if (file == NONE)
                nomem(w);
            else
                add_fref(w, file, !f->side, -1);
        }
        return !w->stopped;
    }
    r = members_of(w, f->ctx, &keys, &nkeys);
    if (set_value(w, &r->m[key], kind, at, s, n) < 0)
        return 0;
    if (f->ctx == C_TASK && key == (w->version >= 15 ? K_ID : K_NAME))
        task_open(w)->mark = mark_at(w, at);
    if (f->ctx == C_ROOT && key == R_VERSION) {
        int major, minor;
        w->version = kind == '"' && !r->m[key].nul &&
                             sscanf(r->m[key].s, "%d.%d", &major, &minor) == 2
                         ? major * 10 + minor
                         : -1;
    }
    if (f->ctx == C_ROOT && key == R_NAME && kind == '"' && r->m[key].nul)
        fail_at(w, at, "name contains a NUL byte");
    return !w->stopped;
}

static int on_null(void *ctx)
{
    return on_scalar(ctx, 'n', NULL, 0);
}

static int on_boolean(void *ctx, int b)
{
    (void)b;
    return on_scalar(ctx, 'b', NULL, 0);
}

static int on_number(void *ctx, const char *s, size_t n)
{
    return on_scalar(ctx, '0', s, n);
}

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
    return on_scalar(ctx, '"', (const char *)s, n);
}

/* What a container at member `key` of a context (-1: an item) is. */
static ctx_t inner(wf_t *w, ctx_t c, int key, char kind, size_t at)
{
    bool list = kind == '[';

    switch (c) {
    case C_ROOT:
        if (key == R_WORKFLOW && !list && version_known(w)) {
            w->workflow_read = true;
            return C_WORKFLOW;
        }
        break;
    case C_WORKFLOW:
        if (key == W_SPEC || key == W_EXEC)
            return list ? C_SKIP : key == W_SPEC ? C_SPEC : C_EXEC;
        return list ? C_TASKS : C_SKIP;
    case C_SPEC:
        return !list ? C_SKIP : key == S_TASKS ? C_TASKS : C_FILES;
    case C_EXEC:
        return list ? C_RUNS : C_SKIP;
    case C_TASKS:
        if (list) {
            fail_at(w, at, "task %zu is not an object", w->ntasks);
            break;
        }
        if (grow_room((void **)&w->tasks, &w->tasks_cap, w->ntasks + 1, sizeof(wtask_t)) <
                0 ||
            w->ntasks >= INT32_MAX) {
            nomem(w);
            break;
        }
        *task_open(w) = (wtask_t){.files = (uint32_t)w->nfrefs, .category = NONE};
        return C_TASK;
    case C_RUNS:
        return list ? C_SKIP : C_RUN;
    case C_FILES:
        return list ? C_SKIP : C_FILE;
    case C_TASK:
        if (!list)
            break;
        if (key == K_PARENTS || key == K_CHILDREN) {
            wtask_t *t = task_open(w);
            *(key == K_PARENTS ? &t->parents : &t->children) = (uint32_t)w->nrefs;
            return C_NAMES;
        }
        if ((key == K_INPUTS || key == K_OUTPUTS) && w->version >= 15)
            return C_FILE_IDS;
        if (key == K_FILES && w->version < 15)
            return C_TASK_FILES;
        break;
    case C_TASK_FILES:
        return list ? C_SKIP : C_TASK_FILE;
    case C_NAMES:
        add_ref(w, w->stack[w->depth - 1].side, NULL, 0, at);
        break;
    default:
        break;
    }
    return C_SKIP;
}

static int on_open(wf_t *w, char kind)
{
    size_t at = token(w), nkeys;
    int key = w->key;
    ctx_t c = C_SKIP;
    const member_t *keys;
    rec_t *r;

    w->key = -1;
    if (w->depth == HF_MAX_NESTING) {
        char what[64];
        snprintf(what, sizeof(what), "nesting deeper than %d levels", HF_MAX_NESTING);
        return stop(w, at, what), 0;
    }
    if (w->depth == 0) {
        c = kind == '{' ? C_ROOT : C_SKIP;
    } else if (!w->failed) {
        ctx_t outer = w->stack[w->depth - 1].ctx;
        if (key >= 0) {
            r = members_of(w, outer, &keys, &nkeys);
            set_value(w, &r->m[key], kind, at, NULL, 0);
            c = inner(w, outer, key, kind, at);
        } else if (is_list(outer)) {
            c = inner(w, outer, -1, kind, at);
        }
    }
    if (w->failed && c != C_ROOT)
        c = C_SKIP;
    w->stack[w->depth++] = (frame_t){.ctx = c,
                                     .side = c == C_NAMES      ? key == K_CHILDREN
                                             : c == C_FILE_IDS ? key == K_OUTPUTS
                                                               : 0};
    if ((r = members_of(w, c, &keys, &nkeys)))
        rec_reset(r, at);
    return !w->stopped;
}

static int on_close(wf_t *w)
{
    ctx_t c;

    token(w);
    w->key = -1;
    c = w->stack[--w->depth].ctx;
    if (w->failed)
        return !w->stopped;
    if (c == C_TASK)
        end_task(w);
    else if (c == C_RUN)
        end_run(w);
    else if (c == C_FILE)
        end_file(w);
    else if (c == C_TASK_FILE)
        end_task_file(w);
    return !w->stopped;
}

static int on_start_map(void *ctx)
{
    return on_open(ctx, '{');
}

static int on_start_array(void *ctx)
{
    return on_open(ctx, '[');
}

static int on_end(void *ctx)
{
    return on_close(ctx);
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number, /* numbers as written: no overflow errors */
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_end,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end,
};

/* Where yajl stopped on bad JSON: at the byte a lexical error is about; at
 * the start of the token a parse error is about (yajl has read past it;
 * what came between it and the token before was right); at the end of the
 * text when it ended early. */
static size_t json_error_at(const wf_t *w, bool lexical)
{
    size_t end = yajl_get_bytes_consumed(w->yajl), at = w->last;

    if (w->finishing || end > w->len)
        return w->len;
    if (lexical)
        return end;
    for (;;) {
        while (at < end && (w->text[at] == ' ' || w->text[at] == '\t' ||
                            w->text[at] == '\n' || w->text[at] == '\r'))
            at++;
        if (at + 1 < end && (w->text[at] == ',' || w->text[at] == ':'))
            at++;
        else
            return at;
    }
}

/* One walk of the text. */
static void walk(wf_t *w)
{
    yajl_status st;

    w->depth = 0;
    w->key = -1;
    w->last = w->cursor = 0;
    w->cursor_mark = (hf_mark_t){1, 1};
    w->finishing = false;
    w->workflow_read = false;
    if (!(w->yajl = yajl_alloc(&callbacks, NULL, w))) {
        nomem(w);
        return;
    }
    st = yajl_parse(w->yajl, (const unsigned char *)w->text, w->len);
    if (st == yajl_status_ok) {
        w->finishing = true;
        st = yajl_complete_parse(w->yajl);
    }
    if (st == yajl_status_error) {
        unsigned char *msg = yajl_get_error(w->yajl, 0, NULL, 0);
        const char *text = msg ? (const char *)msg : "not JSON";
        char what[sizeof(w->json_msg)];
        /* One line: yajl's message ends with a newline. */
        snprintf(what, sizeof(what), "JSON: %.*s", (int)strcspn(text, "\n"), text);
        stop(w, json_error_at(w, strncmp(text, "lexical", 7) == 0), what);
        if (msg)
            yajl_free_error(w->yajl, msg);
    }
    yajl_free(w->yajl);
    w->yajl = NULL;
}

/* ---- After the walk ---- */

/* What the end of the text shows missing: the task list, the execution
 * records (1.5+). */
static int check_lists(wf_t *w)
{
    const val_t *workflow = &w->root.m[R_WORKFLOW], *list, *exec = &w->workflow.m[W_EXEC];
    static const val_t absent = {0};

    if (workflow->kind != '{')
        return fail_at(w, workflow->at, "WfFormat: workflow must be an object");
    if (w->version >= 15) {
        if (exec->kind != '{' || w->exec.m[0].kind != '[')
            return fail_at(w, exec->kind ? exec->at : workflow->at,
                           "WfFormat %d.%d: workflow.execution.tasks is missing: no "
                           "runtimes",
                           w->version / 10, w->version % 10);
        list = w->workflow.m[W_SPEC].kind == '{' ? &w->spec.m[S_TASKS] : &absent;
    } else {
        list = &w->workflow.m[w->version >= 13 ? W_TASKS : W_JOBS];
    }
    if (list->kind != '[' || w->ntasks == 0)
        return fail_at(w, list->kind ? list->at : workflow->at,
                       "WfFormat %d.%d: no tasks (workflow.%s)", w->version / 10,
                       w->version % 10,
                       w->version >= 15   ? "specification.tasks"
                       : w->version >= 13 ? "tasks"
                                          : "jobs");
    return 0;
}

/* 1.5+: each task's runtime and counts from its execution record, the one
 * at its place in the list when its id is the task's, else the last of its
 * id. */
static int join_runs(wf_t *w)
{
    for (size_t i = 0; i < w->ntasks; i++) {
        wtask_t *t = &w->tasks[i];
        const char *key = w->names.v[t->key].s;
        int32_t r =
            i < w->nruns && w->runs[i].id == t->key ? (int32_t)i : w->names.v[t->key].run;
        if (r < 0)
            return fail_mark(w, t->mark, "task '%s' has no execution record (no runtime)",
                             key);
        if (w->runs[r].bad >= 0)
            return fail_bad(w, key, &w->bads[w->runs[r].bad]);
        t->runtime = w->runs[r].runtime;
        t->cores = w->runs[r].cores;
        t->gpus = w->runs[r].gpus;
    }
    return 0;
}

/* Read the text: 1 if it is an instance (w->failed: a bad one), 0 if not. */
static int read_text(wf_t *w)
{
    walk(w);
    if (w->nomem)
        return 1;
    if (w->sets)
        return 0;
    if (w->stopped) { /* bad JSON, or too deep */
        if (!w->top)
            return 0;
        if (!w->failed)
            fail_at(w, w->json_at, "%s", w->json_msg);
        return 1;
    }
    if (!w->root.m[R_VERSION].kind || !w->root.m[R_WORKFLOW].kind)
        return 0;
    if (w->failed)
        return 1;
    if (!version_known(w)) {
        const val_t *v = &w->root.m[R_VERSION];
        fail_at(w, v->at,
                "WfFormat schemaVersion '%s' is not one this reads (1.0 to 1.6)",
                v->kind == '"' && !v->nul ? v->s : "?");
        return 1;
    }
    if (w->root.m[R_WORKFLOW].kind == '{' && !w->workflow_read) {
        /* The workflow came before the version: again, the version known. */
        walk(w);
        if (w->failed || w->stopped) {
            if (!w->failed)
                fail_at(w, w->json_at, "%s", w->json_msg);
            return 1;
        }
    }
    if (check_lists(w) == 0 && w->version >= 15)
        join_runs(w);
    return 1;
}

/* ---- The workflow ---- */

/* The array *arr of n elements without room to spare. */
static void shrink(void *arr, size_t n, size_t elem)
{
    void *less = n ? realloc(*(void **)arr, n * elem) : NULL;

    if (less)
        *(void **)arr = less;
}

/* What the walk needed and the build does not, before the sets take their
 * room: the maps (names are indices now), the execution records, the
 * arrays' room to grow. */
static void trim(wf_t *w)
{
    strmap_fini(&w->names.map);
    strmap_fini(&w->files.map);
    strmap_fini(&w->cats.map);
    free(w->runs);
    free(w->bads);
    w->runs = NULL;
    w->bads = NULL;
    w->nruns = w->nbads = 0;
    shrink(&w->tasks, w->ntasks, sizeof(wtask_t));
    shrink(&w->refs, w->nrefs, sizeof(ref_t));
    shrink(&w->names.v, w->names.n, sizeof(name_t));
}

/* A set name from a task's key: '/' (allowed in WfFormat ids) and
 * whitespace become '_'; the key itself when it has neither. */
static char *set_name_of(const char *key)
{
    char *s;

    if (!strpbrk(key, "/ \t\n\v\f\r"))
        return (char *)key;
    if ((s = strdup(key)))
        for (char *p = s; *p; p++)
            if (*p == '/' || isspace((unsigned char)*p))
                *p = '_';
    return s;
}

static int stand_in(hf_set_t *set, double seconds)
{
    char buf[64];

    snprintf(buf, sizeof(buf), "%.6f", seconds);
    if (!(set->argv = calloc(3, sizeof(char *))) || !(set->argv[0] = strdup("sleep")) ||
        !(set->argv[1] = strdup(buf)))
        return -1;
    return 0;
}

/* One of a task's files, named and sized as recorded (-1: no size); path
 * is taken. */
static int add_file(hf_set_t *set, bool input, char *path, double size)
{
    hf_file_t **files = input ? &set->inputs : &set->outputs;
    int *n = input ? &set->ninputs : &set->noutputs;
    hf_file_t *more = path ? realloc(*files, (size_t)(*n + 1) * sizeof(hf_file_t)) : NULL;

    if (!more) {
        free(path);
        return -1;
    }
    *files = more;
    more[(*n)++] =
        (hf_file_t){.path = path, .mark = set->mark, .size = size, .producer = -1};
    return 0;
}

/* The task's files with their sizes: 1.5+ lists ids (inputFiles,
 * outputFiles) sized in specification.files; earlier versions a `files`
 * list of {link, name, size}.  Files are for the simulator and analyze:
 * the recorded edges stay the dependencies. */
static int add_files(const wf_t *w, hf_set_t *set, const wtask_t *t)
{
    for (uint32_t k = t->files; k < t->files + t->nfiles; k++) {
        const fref_t *f = &w->frefs[k];
        const name_t *file = &w->files.v[f->file];
        if (add_file(set, f->input, strdup(file->s),
                     w->version >= 15 ? file->size : f->size) < 0)
            return -1;
    }
    return 0;
}

/* Every edge, from the parents lists and the children lists alike (some
 * files give only one), as (parent, child) task indices with the place of
 * the name; a name no task has is an error. */
typedef int (*edge_f)(wf_t *w, size_t parent, size_t child, const ref_t *ref, void *arg);

static int each_edge(wf_t *w, edge_f cb, void *arg)
{
    for (size_t i = 0; i < w->ntasks; i++) {
        const wtask_t *t = &w->tasks[i];
        for (int side = 0; side < 2; side++) {
            uint32_t from = side ? t->children : t->parents;
            uint32_t n = side ? t->nchildren : t->nparents;
            for (const ref_t *ref = w->refs + from; ref < w->refs + from + n; ref++) {
                int32_t j = ref->name == NONE ? -1 : w->names.v[ref->name].task;
                if (j < 0)
                    return fail_mark(w, ref->mark, "task '%s' names unknown %s '%s'",
                                     w->names.v[t->key].s, side ? "child" : "parent",
                                     ref->name == NONE ? "?" : w->names.v[ref->name].s);
                if (cb(w, side ? i : (size_t)j, side ? (size_t)j : i, ref, arg) < 0)
                    return -1;
            }
        }
    }
    return 0;
}

/* An edge to set `child` from set `parent`, once: the same edge comes
 * from both sides (the dependency's parent index is the one
 * hf_workflow_finish() sets again). */
static int add_edge(wf_t *w, hf_workflow_t *wf, int child, int parent, hf_mark_t mark)
{
    hf_set_t *set = hf_workflow_set_mut(wf, child);
    hf_dep_t *dep;

    for (int k = 0; k < set->nafter; k++)
        if (set->after[k].parent == parent)
            return 0;
    if (!(dep = hf_workflow_add_dep(wf, set, hf_workflow_set(wf, parent)->name,
                                    HF_MAP_ALL, mark)))
        return nomem(w);
    dep->parent = parent;
    return 0;
}

/* Sets are added in the tasks' order: task i's set is set i. */
static int add_task_edge(wf_t *w, size_t parent, size_t child, const ref_t *ref,
                         void *arg)
{
    if (parent == child)
        return fail_mark(w, ref->mark, "task '%s' depends on itself",
                         w->names.v[w->tasks[child].key].s);
    return add_edge(w, arg, (int)child, (int)parent, ref->mark);
}

/* A set per task. */
static int build_per_task(wf_t *w, hf_workflow_t *wf)
{
    for (size_t i = 0; i < w->ntasks; i++) {
        const wtask_t *t = &w->tasks[i];
        const char *key = w->names.v[t->key].s;
        char why[200], *name = set_name_of(key);
        hf_set_t *set;
        if (!name)
            return nomem(w);
        if (hf_set_name_check(name, why, sizeof(why)) < 0) {
            if (name != key)
                free(name);
            return fail_mark(w, t->mark, "task '%s': %s", key, why);
        }
        set = hf_workflow_add_set(wf, name, t->mark, w->err);
        if (name != key)
            free(name);
        if (!set)
            return w->failed = true, -1;
        set->cores = t->cores;
        set->gpus = t->gpus;
        set->duration_mean = t->runtime;
        if (stand_in(set, t->runtime) < 0 || add_files(w, set, t) < 0)
            return nomem(w);
    }
    return each_edge(w, add_task_edge, wf);
}

static int add_category_edge(wf_t *w, size_t parent, size_t child, const ref_t *ref,
                             void *arg)
{
    const name_t *p = &w->cats.v[w->tasks[parent].category];
    const name_t *c = &w->cats.v[w->tasks[child].category];

    if (p == c)
        return fail_mark(
            w, ref->mark,
            "--group-by category: task '%s' depends on '%s' of its own category '%s'",
            w->names.v[w->tasks[child].key].s, w->names.v[w->tasks[parent].key].s, c->s);
    return add_edge(w, arg, c->task, p->task, ref->mark);
}

/* A set per category: its tasks' count, the most cores and GPUs any asks,
 * their runtimes' mean and standard deviation; an edge between categories
 * where any of their tasks had one. */
static int build_per_category(wf_t *w, hf_workflow_t *wf)
{
    for (size_t i = 0; i < w->ntasks; i++) {
        const wtask_t *t = &w->tasks[i];
        name_t *cat = &w->cats.v[t->category];
        hf_set_t *set;
        if (cat->task >= 0) {
            set = hf_workflow_set_mut(wf, cat->task);
            set->tasks++;
        } else {
            char why[200];
            if (hf_set_name_check(cat->s, why, sizeof(why)) < 0)
                return fail_mark(w, t->mark, "category of '%s': %s", w->names.v[t->key].s,
                                 why);
            if (!(set = hf_workflow_add_set(wf, cat->s, t->mark, w->err)))
                return w->failed = true, -1;
            cat->task = hf_workflow_nsets(wf) - 1;
            set->tasks = 1;
            set->cores = set->gpus = 0;
        }
        if (t->cores > set->cores)
            set->cores = t->cores;
        if (t->gpus > set->gpus)
            set->gpus = t->gpus;
        /* Running sums for now: mean and variance at the end. */
        set->duration_mean += t->runtime;
        set->duration_stddev += t->runtime * t->runtime;
    }
    for (int s = 0; s < hf_workflow_nsets(wf); s++) {
        hf_set_t *set = hf_workflow_set_mut(wf, s);
        double n = (double)set->tasks, mean = set->duration_mean / n;
        double var = set->duration_stddev / n - mean * mean;
        set->duration_mean = mean;
        set->duration_stddev = var > 0 ? sqrt(var) : 0;
        if (stand_in(set, mean) < 0)
            return nomem(w);
    }
    return each_edge(w, add_category_edge, wf);
}

bool hf_wfformat_detect(const char *text, size_t len)
{
    size_t p = 0;

    while (p < len &&
           (text[p] == ' ' || text[p] == '\t' || text[p] == '\n' || text[p] == '\r'))
        p++;
    return p < len && text[p] == '{';
}

static void wf_fini(wf_t *w)
{
    rec_t *recs[] = {&w->root, &w->workflow, &w->spec, &w->exec, &w->rec, &w->frec};

    for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
        rec_fini(recs[i]);
    names_fini(&w->names);
    names_fini(&w->files);
    names_fini(&w->cats);
    while (w->blocks) {
        block_t *next = w->blocks->next;
        free(w->blocks);
        w->blocks = next;
    }
    free(w->tasks);
    free(w->refs);
    free(w->frefs);
    free(w->runs);
    free(w->bads);
    free(w->scratch);
    memset(w, 0, sizeof(*w));
}

int hf_wfformat_load(const char *path, const char *text, size_t len, int flags,
                     hf_workflow_t **out, hf_error_t *err)
{
    wf_t *w = calloc(1, sizeof(*w));
    hf_workflow_t *wf = NULL;
    const val_t *name;
    int rc;

    *out = NULL;
    if (!w) {
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return 1;
    }
    w->path = path;
    w->text = text;
    w->len = len;
    w->flags = flags;
    w->err = err;
    w->cursor_mark = (hf_mark_t){1, 1};
    if ((rc = read_text(w)) == 0 || w->failed)
        goto done;
    trim(w);
    name = &w->root.m[R_NAME];
    if (!(wf = hf_workflow_create(name->kind == '"' && name->n ? name->s : "wfformat",
                                  path))) {
        nomem(w);
        goto done;
    }
    hf_workflow_set_recorded(wf); /* files as recorded, writers and all */
    if ((flags & HF_LOAD_GROUP_BY_CATEGORY ? build_per_category(w, wf)
                                           : build_per_task(w, wf)) < 0) {
        hf_workflow_destroy(wf);
        wf = NULL;
        goto done;
    }
    /* The importer's own memory goes before the workflow is finished. */
    wf_fini(w);
    if (hf_workflow_finish(wf, err) < 0) {
        hf_workflow_destroy(wf);
        wf = NULL;
    }
done:
    wf_fini(w);
    free(w);
    *out = wf;
    return rc;
}

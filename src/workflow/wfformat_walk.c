/* The WfFormat walk: the text streamed through yajl's callbacks, never
 * made a tree of values (wfformat_read.h).  A stack of contexts says what
 * each open container is; the members read of the object open in a
 * context are kept as values, and each record is kept (wfformat_records.c)
 * as its object ends. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "util/grow.h"
#include "wfformat_read.h"

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

/* The members read of each object, each table in the order of its enum
 * (wfformat_read.h).  The instance's: */
static const member_t root_keys[] = {MEMBER("schemaVersion", true), MEMBER("name", true),
                                     MEMBER("workflow", true), MEMBER("sets", false)};

/* workflow's: specification and execution from 1.5, tasks in 1.3 and 1.4,
 * jobs before. */
static const member_t workflow_keys[] = {MEMBER("specification", true),
                                         MEMBER("execution", true), MEMBER("tasks", true),
                                         MEMBER("jobs", true)};

static const member_t spec_keys[] = {MEMBER("tasks", true), MEMBER("files", true)};

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
_Static_assert(sizeof(task_keys) / sizeof(task_keys[0]) == NKEYS, "a member per K_");

/* A record of specification.files (1.5+). */
static const member_t file_keys[] = {MEMBER("id", true), MEMBER("sizeInBytes", false),
                                     MEMBER("size", false)};

/* A file of a task's files list (before 1.5). */
static const member_t task_file_keys[] = {
    MEMBER("link", false), MEMBER("name", false), MEMBER("id", false),
    MEMBER("sizeInBytes", false), MEMBER("size", false)};

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
                wfr_fail_at(w, at, "key '%.*s' repeated", (int)n, s);
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
            wfr_fail_at(w, at, "task %zu is not an object", w->ntasks);
        else if (f->ctx == C_NAMES)
            wfr_add_ref(w, f->side, kind == '"' ? s : NULL, n, at);
        else if (f->ctx == C_FILE_IDS && kind == '"' && !memchr(s, '\0', n)) {
            uint32_t file = wfr_intern(w, &w->files, s, n);
            if (file == NONE)
                wfr_nomem(w);
            else
                wfr_add_fref(w, file, !f->side, -1);
        }
        return !w->stopped;
    }
    r = members_of(w, f->ctx, &keys, &nkeys);
    if (wfr_set_value(w, &r->m[key], kind, at, s, n) < 0)
        return 0;
    if (f->ctx == C_TASK && key == (w->version >= 15 ? K_ID : K_NAME))
        wfr_task_open(w)->mark = wfr_mark_at(w, at);
    if (f->ctx == C_ROOT && key == R_VERSION) {
        int major, minor;
        w->version = kind == '"' && !r->m[key].nul &&
                             sscanf(r->m[key].s, "%d.%d", &major, &minor) == 2
                         ? major * 10 + minor
                         : -1;
    }
    if (f->ctx == C_ROOT && key == R_NAME && kind == '"' && r->m[key].nul)
        wfr_fail_at(w, at, "name contains a NUL byte");
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
        if (key == R_WORKFLOW && !list && wfr_version_known(w)) {
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
            wfr_fail_at(w, at, "task %zu is not an object", w->ntasks);
            break;
        }
        if (grow_room((void **)&w->tasks, &w->tasks_cap, w->ntasks + 1, sizeof(wtask_t)) <
                0 ||
            w->ntasks >= INT32_MAX) {
            wfr_nomem(w);
            break;
        }
        *wfr_task_open(w) = (wtask_t){.files = (uint32_t)w->nfrefs, .category = NONE};
        return C_TASK;
    case C_RUNS:
        return list ? C_SKIP : C_RUN;
    case C_FILES:
        return list ? C_SKIP : C_FILE;
    case C_TASK:
        if (!list)
            break;
        if (key == K_PARENTS || key == K_CHILDREN) {
            wtask_t *t = wfr_task_open(w);
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
        wfr_add_ref(w, w->stack[w->depth - 1].side, NULL, 0, at);
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
            wfr_set_value(w, &r->m[key], kind, at, NULL, 0);
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
        wfr_rec_reset(r, at);
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
        wfr_end_task(w);
    else if (c == C_RUN)
        wfr_end_run(w);
    else if (c == C_FILE)
        wfr_end_file(w);
    else if (c == C_TASK_FILE)
        wfr_end_task_file(w);
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
void wfr_walk(wf_t *w)
{
    yajl_status st;

    w->depth = 0;
    w->key = -1;
    w->last = w->cursor = 0;
    w->cursor_mark = (hf_mark_t){1, 1};
    w->finishing = false;
    w->workflow_read = false;
    if (!(w->yajl = yajl_alloc(&callbacks, NULL, w))) {
        wfr_nomem(w);
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

/* What the WfFormat walk keeps of the text (wfformat_read.h): strings kept
 * in blocks that never move and interned once, the values of the members
 * of the object being read, and the compact records they make as each
 * object ends (a task's key, edges, files, runtime and counts; an
 * execution record's; a file's size). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "wfformat_read.h"

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
uint32_t wfr_intern(wf_t *w, names_t *t, const char *s, size_t n)
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

void wfr_rec_reset(rec_t *r, size_t at)
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

int wfr_set_value(wf_t *w, val_t *v, char kind, size_t at, const char *s, size_t n)
{
    v->kind = kind;
    v->at = at;
    if (kind == '0') {
        /* Copied out to end it with a NUL. */
        char small[64], *buf = small;
        if (n >= sizeof(small)) {
            if (grow_room((void **)&w->scratch, &w->scratch_cap, n + 1, 1) < 0)
                return wfr_nomem(w);
            buf = w->scratch;
        }
        memcpy(buf, s, n);
        buf[n] = '\0';
        v->num = strtod(buf, NULL);
        v->len = n;
    } else if (kind == '"') {
        if (grow_room((void **)&v->s, &v->cap, n + 1, 1) < 0)
            return wfr_nomem(w);
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

int wfr_fail_bad(wf_t *w, const char *key, const bad_t *b)
{
    const char *num = w->text + b->at;
    int len = (int)b->len;

    switch (b->what) {
    case BAD_NO_RUNTIME:
        return wfr_fail_at(w, b->at,
                           "task '%s' has no runtime (runtimeInSeconds or runtime)", key);
    case BAD_RUNTIME:
        return wfr_fail_at(w, b->at,
                           "task '%s': runtime must be at least 0 seconds, not %.*s", key,
                           len, num);
    case BAD_TYPE:
        return wfr_fail_at(w, b->at, "task '%s': %s must be a number, not %s", key,
                           b->field, wfr_kind_name(b->kind));
    case BAD_LOW:
        return wfr_fail_at(w, b->at, "task '%s': %s must be %s, not %.*s", key, b->field,
                           b->limit > 0 ? "more than 0" : "at least 0", len, num);
    default:
        return wfr_fail_at(w, b->at, "task '%s': %s must be at most %d, not %.*s", key,
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

/* A task record: its key, edges' and files' lists, category, and before
 * 1.5 its runtime and counts. */
int wfr_end_task(wf_t *w)
{
    const rec_t *r = &w->rec;
    const val_t *m = r->m;
    int k = w->version >= 15 ? K_ID : K_NAME;
    const char *what = w->version >= 15 ? "id" : "name", *key;
    wtask_t *t = wfr_task_open(w);
    bad_t bad;

    if (m[k].kind != '"' || m[k].n == 0)
        return wfr_fail_at(w, m[k].kind ? m[k].at : r->at, "a task without an %s", what);
    if (m[k].nul)
        return wfr_fail_at(w, m[k].at, "a task's %s contains a NUL byte", what);
    if ((t->key = wfr_intern(w, &w->names, m[k].s, m[k].n)) == NONE)
        return wfr_nomem(w);
    key = w->names.v[t->key].s;
    if (w->version < 15 &&
        read_values(r, m[k].at, &t->runtime, &t->cores, &t->gpus, &bad) < 0)
        return wfr_fail_bad(w, key, &bad);
    for (int list = K_PARENTS; list <= K_CHILDREN; list++)
        if (m[list].kind && m[list].kind != '[')
            return wfr_fail_at(w, m[list].at,
                               "task '%s': parents and children must be lists, not %s",
                               key, wfr_kind_name(m[list].kind));
    if (w->flags & HF_LOAD_GROUP_BY_CATEGORY) {
        /* Its record's category, else the family of its name (or key). */
        const val_t *c = &m[K_CATEGORY], *name = &m[K_NAME];
        char *made = NULL;
        if (c->kind == '"' && c->nul)
            return wfr_fail_mark(w, t->mark, "the category of '%s' contains a NUL byte",
                                 key);
        if (c->kind != '"' &&
            !(made = category_of(name->kind == '"' && !name->nul ? name->s : key)))
            return wfr_nomem(w);
        t->category = made ? wfr_intern(w, &w->cats, made, strlen(made))
                           : wfr_intern(w, &w->cats, c->s, c->n);
        free(made);
        if (t->category == NONE)
            return wfr_nomem(w);
    }
    if (w->names.v[t->key].task >= 0)
        return wfr_fail_mark(w, t->mark, "task '%s' appears twice", key);
    w->names.v[t->key].task = (int32_t)w->ntasks++;
    return 0;
}

/* An execution record (1.5+), for the task of its id. */
int wfr_end_run(wf_t *w)
{
    const val_t *id = &w->rec.m[K_ID];
    wrun_t run = {.id = NONE, .bad = -1};
    bad_t bad;

    if (id->kind == '"' && !id->nul &&
        (run.id = wfr_intern(w, &w->names, id->s, id->n)) == NONE)
        return wfr_nomem(w);
    if (run.id != NONE &&
        read_values(&w->rec, w->rec.at, &run.runtime, &run.cores, &run.gpus, &bad) < 0) {
        if (grow_room((void **)&w->bads, &w->bads_cap, w->nbads + 1, sizeof(bad_t)) < 0)
            return wfr_nomem(w);
        w->bads[w->nbads] = bad;
        run.bad = (int32_t)w->nbads++;
    }
    if (w->nruns >= INT32_MAX ||
        grow_room((void **)&w->runs, &w->runs_cap, w->nruns + 1, sizeof(wrun_t)) < 0)
        return wfr_nomem(w);
    if (run.id != NONE)
        w->names.v[run.id].run = (int32_t)w->nruns; /* the last one counts */
    w->runs[w->nruns++] = run;
    return 0;
}

/* A record of specification.files (1.5+): the size of the file of its id. */
int wfr_end_file(wf_t *w)
{
    const val_t *m = w->frec.m;
    uint32_t f;

    if (m[F_ID].kind != '"' || m[F_ID].nul)
        return 0;
    if ((f = wfr_intern(w, &w->files, m[F_ID].s, m[F_ID].n)) == NONE)
        return wfr_nomem(w);
    w->files.v[f].size = size_of(&m[F_SIZE_B], &m[F_SIZE]);
    return 0;
}

int wfr_add_fref(wf_t *w, uint32_t file, bool input, double size)
{
    if (grow_room((void **)&w->frefs, &w->frefs_cap, w->nfrefs + 1, sizeof(fref_t)) < 0)
        return wfr_nomem(w);
    w->frefs[w->nfrefs++] = (fref_t){file, input, size};
    wfr_task_open(w)->nfiles++;
    return 0;
}

/* A file of a task's files list (before 1.5): {link, name or id, size}. */
int wfr_end_task_file(wf_t *w)
{
    const val_t *m = w->frec.m, *name = &m[m[TF_NAME].kind ? TF_NAME : TF_ID];
    uint32_t f;

    if (m[TF_LINK].kind != '"' || name->kind != '"' || name->nul)
        return 0;
    if ((f = wfr_intern(w, &w->files, name->s, name->n)) == NONE)
        return wfr_nomem(w);
    return wfr_add_fref(w, f, strcmp(m[TF_LINK].s, "input") == 0 && !m[TF_LINK].nul,
                        size_of(&m[TF_SIZE_B], &m[TF_SIZE]));
}

/* A name in a task's parents (side 0) or children (side 1) list, or an
 * item that is no name (s NULL). */
int wfr_add_ref(wf_t *w, int side, const char *s, size_t n, size_t at)
{
    wtask_t *t = wfr_task_open(w);
    ref_t ref = {NONE, wfr_mark_at(w, at)};

    if (s && !memchr(s, '\0', n) && (ref.name = wfr_intern(w, &w->names, s, n)) == NONE)
        return wfr_nomem(w);
    if (w->nrefs >= UINT32_MAX - 1 ||
        grow_room((void **)&w->refs, &w->refs_cap, w->nrefs + 1, sizeof(ref_t)) < 0)
        return wfr_nomem(w);
    w->refs[w->nrefs++] = ref;
    side ? t->nchildren++ : t->nparents++;
    return 0;
}

/* ---- Let go ---- */

void wfr_fini(wf_t *w)
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

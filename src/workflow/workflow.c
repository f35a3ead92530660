/* The workflow model: sets, their dependencies by name, and the settings a
 * workflow file may carry (mode, policy, platform).  Loaders build a workflow
 * through the same calls a library user makes. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "hetflow/workflow.h"
#include "util/strmap.h"

struct hf_workflow {
    char *name;
    char *file;
    hf_set_t **sets;
    int nsets;
    int cap;
    strmap_t by_name;
    uint32_t *first_task; /* nsets + 1 entries, after finish */
    bool has_mode, has_policy;
    hf_mode_t mode;
    hf_policy_t policy;
    hf_platform_t platform; /* fields -1 when not given */
    double walltime;
    char *text;             /* what it was loaded from */
    size_t text_len;
};

static const char *const mode_names[] = {"sequential", "workload", "task"};
static const char *const policy_names[] = {"fifo", "critical-path"};

hf_workflow_t *hf_workflow_create(const char *name, const char *file)
{
    hf_workflow_t *wf = calloc(1, sizeof(*wf));

    if (!wf)
        return NULL;
    strmap_init(&wf->by_name);
    wf->platform = (hf_platform_t){-1, -1, -1};
    wf->name = strdup(name ? name : "workflow");
    wf->file = file ? strdup(file) : NULL;
    if (!wf->name || (file && !wf->file)) {
        hf_workflow_destroy(wf);
        errno = ENOMEM;
        return NULL;
    }
    return wf;
}

static void free_strv(char **v)
{
    if (v) {
        for (char **p = v; *p; p++)
            free(*p);
        free(v);
    }
}

static void set_destroy(hf_set_t *set)
{
    if (!set)
        return;
    free(set->name);
    free_strv(set->argv);
    free(set->shell);
    free_strv(set->env);
    for (int i = 0; i < set->nafter; i++)
        free(set->after[i].parent_name);
    free(set->after);
    free(set->pipeline);
    for (int i = 0; i < set->nresults; i++)
        free(set->results[i].key);
    free(set->results);
    free(set);
}

void hf_workflow_destroy(hf_workflow_t *wf)
{
    int saved = errno;

    if (!wf)
        return;
    for (int i = 0; i < wf->nsets; i++)
        set_destroy(wf->sets[i]);
    free(wf->sets);
    strmap_fini(&wf->by_name);
    free(wf->first_task);
    free(wf->name);
    free(wf->file);
    free(wf->text);
    free(wf);
    errno = saved;
}

hf_set_t *hf_workflow_add_set(hf_workflow_t *wf, const char *name, hf_mark_t mark,
                              hf_error_t *err)
{
    hf_set_t *set;
    int other = strmap_get(&wf->by_name, name);

    if (other >= 0) {
        hf_error_at(err, wf->file, mark.line, mark.col,
                    "duplicate set name '%s' (first at line %d)", name,
                    wf->sets[other]->mark.line);
        errno = EEXIST;
        return NULL;
    }
    if (wf->nsets == wf->cap) {
        int cap = wf->cap ? wf->cap * 2 : 16;
        hf_set_t **sets = realloc(wf->sets, (size_t)cap * sizeof(*sets));
        if (!sets)
            goto nomem;
        wf->sets = sets;
        wf->cap = cap;
    }
    if (!(set = calloc(1, sizeof(*set))) || !(set->name = strdup(name))) {
        free(set);
        goto nomem;
    }
    set->mark = mark;
    set->tasks = 1;
    set->cores = 1;
    set->ranks = 1;
    if (strmap_put(&wf->by_name, set->name, wf->nsets) < 0) {
        set_destroy(set);
        goto nomem;
    }
    wf->sets[wf->nsets++] = set;
    return set;
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return NULL;
}

hf_dep_t *hf_workflow_add_dep(hf_workflow_t *wf, hf_set_t *set, const char *parent,
                              hf_map_t map, hf_mark_t mark)
{
    hf_dep_t *after;
    char *copy = strdup(parent);

    (void)wf;
    after = copy ? realloc(set->after, (size_t)(set->nafter + 1) * sizeof(*after)) : NULL;
    if (!after) {
        free(copy);
        errno = ENOMEM;
        return NULL;
    }
    set->after = after;
    after[set->nafter] =
        (hf_dep_t){.parent_name = copy, .parent = -1, .map = map, .mark = mark};
    return &after[set->nafter++];
}

static int resolve_deps(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    for (int j = 0; j < set->nafter; j++) {
        hf_dep_t *dep = &set->after[j];
        int p = strmap_get(&wf->by_name, dep->parent_name);

        if (p < 0) {
            hf_error_at(err, wf->file, dep->mark.line, dep->mark.col,
                        "set '%s' depends on unknown set '%s'", set->name,
                        dep->parent_name);
            return -1;
        }
        if (wf->sets[p] == set) {
            hf_error_at(err, wf->file, dep->mark.line, dep->mark.col,
                        "set '%s' depends on itself", set->name);
            return -1;
        }
        for (int k = 0; k < j; k++) {
            if (set->after[k].parent == p) {
                hf_error_at(err, wf->file, dep->mark.line, dep->mark.col,
                            "set '%s' lists '%s' twice in 'after'", set->name,
                            dep->parent_name);
                return -1;
            }
        }
        if (dep->fraction > 0 || dep->count > 0) {
            long tasks = wf->sets[p]->tasks;
            if (dep->count > tasks) {
                hf_error_at(err, wf->file, dep->mark.line, dep->mark.col,
                            "set '%s' waits for %ld tasks of '%s', which has %ld",
                            set->name, dep->count, dep->parent_name, tasks);
                return -1;
            }
            dep->threshold = dep->count > 0 ? dep->count
                                            : (long)ceil(dep->fraction * (double)tasks);
            if (dep->threshold < 1)
                dep->threshold = 1;
        }
        if (dep->map == HF_MAP_ONE_TO_ONE && wf->sets[p]->tasks != set->tasks) {
            hf_error_at(err, wf->file, dep->mark.line, dep->mark.col,
                        "one-to-one map needs equal task counts: '%s' has %ld, "
                        "'%s' has %ld",
                        set->name, set->tasks, wf->sets[p]->name, wf->sets[p]->tasks);
            return -1;
        }
        dep->parent = p;
    }
    return 0;
}

int hf_workflow_finish(hf_workflow_t *wf, hf_error_t *err)
{
    long total = 0;

    if (wf->nsets == 0) {
        hf_error_at(err, wf->file, 0, 0, "workflow has no sets");
        goto inval;
    }
    for (int i = 0; i < wf->nsets; i++) {
        if (resolve_deps(wf, wf->sets[i], err) < 0)
            goto inval;
        total += wf->sets[i]->tasks;
        if (total > HF_MAX_TOTAL_TASKS) {
            hf_error_at(err, wf->file, wf->sets[i]->mark.line, wf->sets[i]->mark.col,
                        "workflow has more than %ld tasks", HF_MAX_TOTAL_TASKS);
            goto inval;
        }
    }
    free(wf->first_task);
    if (!(wf->first_task = malloc((size_t)(wf->nsets + 1) * sizeof(uint32_t)))) {
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    wf->first_task[0] = 0;
    for (int i = 0; i < wf->nsets; i++)
        wf->first_task[i + 1] = wf->first_task[i] + (uint32_t)wf->sets[i]->tasks;
    return 0;
inval:
    errno = EINVAL;
    return -1;
}

int hf_workflow_check_platform(const hf_workflow_t *wf, const hf_platform_t *p,
                               hf_error_t *err)
{
    for (int i = 0; i < wf->nsets; i++) {
        const hf_set_t *s = wf->sets[i];
        long ranks_per_node;

        if (s->cores > p->cores_per_node || s->gpus > p->gpus_per_node) {
            hf_error_at(err, wf->file, s->mark.line, s->mark.col,
                        "set '%s' asks %d cores and %d GPUs per rank, but a node "
                        "has %d cores and %d GPUs",
                        s->name, s->cores, s->gpus, p->cores_per_node, p->gpus_per_node);
            errno = EINVAL;
            return -1;
        }
        ranks_per_node = p->cores_per_node / s->cores;
        if (s->gpus > 0 && p->gpus_per_node / s->gpus < ranks_per_node)
            ranks_per_node = p->gpus_per_node / s->gpus;
        if ((long)s->ranks > ranks_per_node * p->nodes) {
            hf_error_at(err, wf->file, s->mark.line, s->mark.col,
                        "set '%s' asks %d ranks of %d cores and %d GPUs, but the "
                        "platform holds only %ld such ranks",
                        s->name, s->ranks, s->cores, s->gpus, ranks_per_node * p->nodes);
            errno = EINVAL;
            return -1;
        }
    }
    return 0;
}

const char *hf_workflow_name(const hf_workflow_t *wf)
{
    return wf->name;
}

const char *hf_workflow_file(const hf_workflow_t *wf)
{
    return wf->file;
}

int hf_workflow_nsets(const hf_workflow_t *wf)
{
    return wf->nsets;
}

const hf_set_t *hf_workflow_set(const hf_workflow_t *wf, int i)
{
    return wf->sets[i];
}

hf_set_t *hf_workflow_set_mut(hf_workflow_t *wf, int i)
{
    return wf->sets[i];
}

int hf_workflow_find_set(const hf_workflow_t *wf, const char *name)
{
    return strmap_get(&wf->by_name, name);
}

long hf_workflow_ntasks(const hf_workflow_t *wf)
{
    return wf->first_task ? (long)wf->first_task[wf->nsets] : 0;
}

uint32_t hf_workflow_first_task(const hf_workflow_t *wf, int i)
{
    return wf->first_task[i];
}

bool hf_workflow_mode(const hf_workflow_t *wf, hf_mode_t *mode)
{
    if (wf->has_mode)
        *mode = wf->mode;
    return wf->has_mode;
}

bool hf_workflow_policy(const hf_workflow_t *wf, hf_policy_t *policy)
{
    if (wf->has_policy)
        *policy = wf->policy;
    return wf->has_policy;
}

bool hf_workflow_platform(const hf_workflow_t *wf, hf_platform_t *p)
{
    *p = wf->platform;
    return wf->platform.nodes >= 0 || wf->platform.cores_per_node >= 0 ||
           wf->platform.gpus_per_node >= 0;
}

void hf_workflow_set_mode(hf_workflow_t *wf, hf_mode_t mode)
{
    wf->mode = mode;
    wf->has_mode = true;
}

void hf_workflow_set_policy(hf_workflow_t *wf, hf_policy_t policy)
{
    wf->policy = policy;
    wf->has_policy = true;
}

void hf_workflow_set_platform(hf_workflow_t *wf, const hf_platform_t *p)
{
    hf_platform_overlay(&wf->platform, p);
}

const char *hf_mode_name(hf_mode_t mode)
{
    return mode_names[mode];
}

const char *hf_policy_name(hf_policy_t policy)
{
    return policy_names[policy];
}

static int parse_name(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    errno = EINVAL;
    return -1;
}

int hf_mode_parse(const char *s, hf_mode_t *mode)
{
    int i = parse_name(s, mode_names, 3);

    if (i >= 0)
        *mode = (hf_mode_t)i;
    return i < 0 ? -1 : 0;
}

int hf_policy_parse(const char *s, hf_policy_t *policy)
{
    int i = parse_name(s, policy_names, 2);

    if (i >= 0)
        *policy = (hf_policy_t)i;
    return i < 0 ? -1 : 0;
}

const char *hf_workflow_text(const hf_workflow_t *wf, size_t *len)
{
    if (len)
        *len = wf->text_len;
    return wf->text;
}

int hf_workflow_set_text(hf_workflow_t *wf, const char *text, size_t len)
{
    char *copy = malloc(len + 1);

    if (!copy)
        return -1;
    memcpy(copy, text, len);
    copy[len] = '\0';
    free(wf->text);
    wf->text = copy;
    wf->text_len = len;
    return 0;
}

int hf_set_name_check(const char *name, char *why, size_t len)
{
    size_t n = strlen(name);
    const unsigned char *p = (const unsigned char *)name;

    if (n == 0 || n > HF_MAX_NAME) {
        snprintf(why, len, "set name must be 1 to %d bytes, not %zu", HF_MAX_NAME, n);
        return -1;
    }
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || name[0] == '-') {
        snprintf(why, len, "set name '%s' is not allowed", name);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        /* U+202A..U+202E and U+2066..U+2069 reorder text on screen (and
         * hide what a name says): E2 80 AA..AE, E2 81 A6..A9 in UTF-8. */
        bool bidi = p[i] == 0xE2 && i + 2 < n &&
                    ((p[i + 1] == 0x80 && p[i + 2] >= 0xAA && p[i + 2] <= 0xAE) ||
                     (p[i + 1] == 0x81 && p[i + 2] >= 0xA6 && p[i + 2] <= 0xA9));
        if (p[i] < 0x20 || p[i] == 0x7F || p[i] == ' ' || p[i] == '/' || bidi) {
            snprintf(why, len, "set name '%.*s...' has a character not allowed in names "
                     "(byte %zu: '/', whitespace, control or bidirectional)",
                     (int)(i < 40 ? i : 40), name, i + 1);
            return -1;
        }
    }
    return 0;
}

double hf_workflow_walltime(const hf_workflow_t *wf)
{
    return wf->walltime;
}

void hf_workflow_set_walltime(hf_workflow_t *wf, double seconds)
{
    wf->walltime = seconds;
}

/* The data keys of a workflow file: a set's `inputs`, `outputs` and
 * `stage`, the platform's `bandwidth`, and the top-level `staging`.  Sizes
 * and bandwidths take units ("1.5 GB", "200 MiB", "10 GB/s"), since nobody
 * writes a file's size in bytes by heart. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "yaml_read.h"

/* Largest size or bandwidth accepted: an exabyte. */
#define MAX_BYTES 1e18

static const struct {
    const char *unit;
    double factor;
} units[] = {{"B", 1},
             {"kB", 1e3},
             {"KB", 1e3},
             {"MB", 1e6},
             {"GB", 1e9},
             {"TB", 1e12},
             {"PB", 1e15},
             {"KiB", 1024.0},
             {"MiB", 1 << 20},
             {"GiB", 1 << 30},
             {"TiB", 1099511627776.0}};

/* A number of bytes, with an optional unit, and "/s" after it when
 * `per_second`. */
static int ld_bytes(loader_t *ld, const yaml_node_t *node, const char *what,
                    bool per_second, double *out)
{
    const char *s = ld_scalar(node);
    const char *kind = per_second ? "bytes per second" : "bytes";
    char unit[8] = "";
    size_t n;
    double factor = 1;
    char *end;
    double v;

    if (!ld_is_plain(node))
        return ld_fail(ld, node, "%s must be a number of %s, not %s", what, kind,
                       ld_type_name(node));
    v = strtod(s, &end);
    while (*end == ' ')
        end++;
    n = strlen(end);
    if (per_second && n >= 2 && strcmp(end + n - 2, "/s") == 0)
        n -= 2;
    if (end == s || !isfinite(v) || n >= sizeof(unit))
        goto bad;
    memcpy(unit, end, n);
    unit[n] = '\0';
    if (n > 0) {
        size_t i = 0;
        while (i < sizeof(units) / sizeof(units[0]) && strcmp(units[i].unit, unit) != 0)
            i++;
        if (i == sizeof(units) / sizeof(units[0]))
            goto bad;
        factor = units[i].factor;
    }
    v *= factor;
    if (v < 0 || v > MAX_BYTES)
        return ld_fail(ld, node, "%s must be between 0 and 1e18 %s, not %s", what, kind,
                       s);
    *out = v;
    return 0;
bad:
    return ld_fail(ld, node,
                   "%s must be a number of %s, with B, kB, MB, GB, TB, PB, KiB, MiB, GiB "
                   "or TiB after it if you like, not '%s'",
                   what, kind, s);
}

static int bandwidth_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                          yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"shared", "node", NULL};
    hf_platform_t *p = arg;
    double *field = strcmp(name, "shared") == 0 ? &p->bw_shared
                    : strcmp(name, "node") == 0 ? &p->bw_node
                                                : NULL;

    if (!field)
        return ld_unknown(ld, key, name, keys, "unknown bandwidth key '%s'", name);
    if (ld_bytes(ld, value, name[0] == 's' ? "shared bandwidth" : "node bandwidth", true,
                 field) < 0)
        return -1;
    return *field > 0 ? 0 : ld_fail(ld, value, "a bandwidth must be more than 0");
}

int ld_bandwidth(loader_t *ld, hf_platform_t *p, yaml_node_t *node)
{
    return ld_each_pair(ld, node, "bandwidth", true, bandwidth_pair, p);
}

/* A file's path: its placeholders those of hetflow/template.h for an input
 * or an output.  Whitespace is refused: a task gets its files as one
 * space-separated list ($HETFLOW_INPUTS). */
static int check_path(loader_t *ld, const yaml_node_t *node, const char *path, bool input)
{
    size_t n = strlen(path);

    if (n == 0)
        return ld_fail(ld, node, "a file's path must not be empty");
    if (path[n - 1] == '/')
        return ld_fail(ld, node, "file '%s' names a directory, not a file", path);
    for (const char *c = path; *c; c++)
        if (isspace((unsigned char)*c) || iscntrl((unsigned char)*c))
            return ld_fail(ld, node, "file '%s' has whitespace or a control character",
                           path);
    return ld_template(ld, node, path, input ? HF_TEMPLATE_INPUT : HF_TEMPLATE_OUTPUT);
}

static int file_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                     yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"path", "size", NULL};
    hf_file_t *f = arg;
    const char *s;

    if (strcmp(name, "path") == 0) {
        if (ld_string(ld, value, "path", &s) < 0)
            return -1;
        return (f->path = strdup(s)) ? 0 : -1;
    }
    if (strcmp(name, "size") == 0)
        return ld_bytes(ld, value, "size", false, &f->size);
    return ld_unknown(ld, key, name, keys, "unknown file key '%s'", name);
}

/* A file: its path, or {path, size}. */
static int ld_file(loader_t *ld, yaml_node_t *node, bool input, hf_file_t *f)
{
    const char *s;

    *f = (hf_file_t){.mark = ld_mark(node), .size = -1, .producer = -1};
    if (node->type == YAML_MAPPING_NODE) {
        if (ld_each_pair(ld, node, "a file", true, file_pair, f) < 0)
            return -1;
        if (!f->path)
            return ld_fail(ld, node, "a file needs a 'path'");
    } else {
        if (ld_string(ld, node, "a file", &s) < 0)
            return -1;
        if (!(f->path = strdup(s)))
            return -1;
    }
    return check_path(ld, node, f->path, input);
}

int ld_files(loader_t *ld, hf_set_t *set, yaml_node_t *node, bool input)
{
    const char *what = input ? "inputs" : "outputs";
    hf_file_t **files = input ? &set->inputs : &set->outputs;
    int *n = input ? &set->ninputs : &set->noutputs;
    yaml_node_item_t *start, *top;

    if (node->type != YAML_SEQUENCE_NODE)
        return ld_fail(ld, node, "%s must be a list of files, not %s", what,
                       ld_type_name(node));
    start = node->data.sequence.items.start;
    top = node->data.sequence.items.top;
    if (!(*files = calloc((size_t)(top - start) + 1, sizeof(hf_file_t))))
        return -1;
    for (yaml_node_item_t *i = start; i < top; i++, (*n)++)
        if (ld_file(ld, ld_node(ld, *i), input, &(*files)[*n]) < 0) {
            (*n)++; /* its path is freed with the set */
            return -1;
        }
    return 0;
}

/* An output is not linked back. */
static int stage_kind(loader_t *ld, const yaml_node_t *node, const char *what,
                      bool link_ok, hf_stage_kind_t *out)
{
    static const char *const names[] = {"copy", "link", "none", NULL};
    static const char *const out_names[] = {"copy", "none", NULL};
    static const hf_stage_kind_t kinds[] = {HF_STAGE_COPY, HF_STAGE_LINK, HF_STAGE_NONE};
    static const hf_stage_kind_t out_kinds[] = {HF_STAGE_COPY, HF_STAGE_NONE};
    int i = ld_enum(ld, node, what, link_ok ? names : out_names);

    if (i < 0)
        return -1;
    *out = link_ok ? kinds[i] : out_kinds[i];
    return 0;
}

static int stage_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                      yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"in", "out", "to", "sync", NULL};
    static const char *const places[] = {"node-local", NULL};
    hf_stage_t *st = arg;

    if (strcmp(name, "in") == 0)
        return stage_kind(ld, value, "stage in", true, &st->in);
    if (strcmp(name, "out") == 0)
        return stage_kind(ld, value, "stage out", false, &st->out);
    if (strcmp(name, "to") == 0)
        return ld_enum(ld, value, "stage to", places) < 0 ? -1 : 0;
    if (strcmp(name, "sync") == 0)
        return ld_bool(ld, value, "sync", &st->sync);
    return ld_unknown(ld, key, name, keys, "unknown stage key '%s'", name);
}

int ld_stage(loader_t *ld, hf_set_t *set, yaml_node_t *node)
{
    return ld_each_pair(ld, node, "stage", true, stage_pair, &set->stage);
}

static int staging_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                        yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"concurrency", NULL};
    int n;

    (void)arg;
    if (strcmp(name, "concurrency") != 0)
        return ld_unknown(ld, key, name, keys, "unknown staging key '%s'", name);
    if (ld_int(ld, value, "staging concurrency", 1, 100000, &n) < 0)
        return -1;
    hf_workflow_set_stage_concurrency(ld->wf, n);
    return 0;
}

int ld_staging(loader_t *ld, yaml_node_t *node)
{
    return ld_each_pair(ld, node, "staging", true, staging_pair, NULL);
}

/* The keys of a function set: `function` (and a Python one's interpreter),
 * `workers` and `args`.  The
 * arguments are YAML turned into JSON text once, here, so that a call
 * costs a copy of that text (its placeholders replaced), not a walk. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"
#include "yaml_read.h"

/* A Python function's `interpreter`: a name found on PATH, an absolute
 * path, or a relative one taken from the workflow file's folder (from the
 * current folder for a set with no file: hf_set_parse()).  It is kept
 * resolved, so that the workers run the program that was checked. */
static int interpreter(loader_t *ld, const yaml_node_t *node, const char *given,
                       char **out)
{
    char dir[PATH_MAX], *path = NULL;
    struct stat st;

    if (!strchr(given, '/')) {
        if (!(path = fs_which(given)))
            return ld_fail(ld, node, "interpreter '%s' is not on PATH", given);
    } else if (given[0] != '/' && fs_folder_of(ld->file, dir)) {
        while (strncmp(given, "./", 2) == 0) /* not resolved further: a venv's */
            given += 2;                      /* python is a link it needs */
        if (asprintf(&path, "%s/%s", dir, given) < 0)
            path = NULL;
    } else {
        path = strdup(given);
    }
    if (!path)
        return ld_fail(ld, node, "interpreter: out of memory");
    const char *why = stat(path, &st) < 0      ? strerror(errno)
                      : !S_ISREG(st.st_mode)   ? "not a file"
                      : access(path, X_OK) < 0 ? strerror(errno)
                                               : NULL;
    if (why) {
        ld_fail(ld, node, "interpreter '%s' is not an executable file (%s)", path, why);
        free(path);
        return -1;
    }
    *out = path;
    return 0;
}

static int function_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                         yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"library", "symbol", "python", "interpreter",
                                       NULL};
    hf_function_t *f = arg;
    char what[32];
    const char *s;
    char **field = strcmp(name, "library") == 0       ? &f->library
                   : strcmp(name, "symbol") == 0      ? &f->symbol
                   : strcmp(name, "python") == 0      ? &f->python
                   : strcmp(name, "interpreter") == 0 ? &f->interpreter
                                                      : NULL;

    if (!field)
        return ld_unknown(ld, key, name, keys, "unknown function key '%s'", name);
    snprintf(what, sizeof(what), "function %s", name);
    if (ld_text(ld, value, what, &s) < 0)
        return -1;
    if (field == &f->interpreter)
        return interpreter(ld, value, s, field);
    return (*field = strdup(s)) ? 0 : -1;
}

int ld_function(loader_t *ld, hf_set_t *set, yaml_node_t *node)
{
    hf_function_t *f;

    if (!(f = set->function = calloc(1, sizeof(*f))))
        return -1;
    if (ld_each_pair(ld, node, "function", true, function_pair, f) < 0)
        return -1;
    if (f->interpreter && !f->python)
        return ld_fail(ld, node, "an 'interpreter' is for a Python function");
    if (f->python && (f->library || f->symbol))
        return ld_fail(ld, node, "a function is either {python} or {library, symbol}");
    if (f->python && (!strchr(f->python, ':') || f->python[0] == ':' ||
                      f->python[strlen(f->python) - 1] == ':'))
        return ld_fail(ld, node, "python function '%s' is not MODULE:CALLABLE",
                       f->python);
    if (!f->python && (!f->library || !f->symbol))
        return ld_fail(ld, node, "a C function needs a 'library' and a 'symbol'");
    return 0;
}

static int workers_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                        yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"count", "cores", "gpus", "window", NULL};
    hf_set_t *set = arg;

    if (strcmp(name, "count") == 0)
        return ld_int(ld, value, "workers count", 1, 1000000, &set->workers.count);
    if (strcmp(name, "cores") == 0)
        return ld_int(ld, value, "workers cores", 1, HF_PLATFORM_MAX_CORES, &set->cores);
    if (strcmp(name, "gpus") == 0)
        return ld_int(ld, value, "workers gpus", 0, HF_PLATFORM_MAX_GPUS, &set->gpus);
    if (strcmp(name, "window") == 0)
        return ld_int(ld, value, "workers window", 1, 65536, &set->workers.window);
    return ld_unknown(ld, key, name, keys, "unknown workers key '%s'", name);
}

/* `workers: {count, cores, gpus, window}`, or `workers: NAME` to share the
 * workers of function set NAME.  A worker's cores and GPUs are the set's.
 * `workers: 4` is a count mistaken for a name: refused. */
int ld_workers(loader_t *ld, hf_set_t *set, yaml_node_t *node)
{
    const char *s;

    if (ld_is_text(node)) {
        if (ld_string(ld, node, "workers", &s) < 0)
            return -1;
        return (set->workers.share = strdup(s)) ? 0 : -1;
    }
    if (node->type != YAML_MAPPING_NODE)
        return ld_fail(ld, node,
                       "workers must be a mapping ({count: N, ...}) or a function set's "
                       "name, not %s",
                       ld_type_name(node));
    return ld_each_pair(ld, node, "workers", true, workers_pair, set);
}

/* A plain scalar as YAML 1.2's core schema reads it; quoted ones are
 * strings. */
static json_t *scalar_json(const yaml_node_t *node)
{
    const char *s = ld_scalar(node);
    char *end;

    if (ld_is_plain(node)) {
        if (!*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0)
            return json_null();
        if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
            return json_boolean(s[0] == 't');
        errno = 0;
        long long i = strtoll(s, &end, 10);
        if (!*end && end != s && errno == 0)
            return json_integer(i);
        double d = strtod(s, &end);
        if (!*end && end != s && isfinite(d))
            return json_real(d);
    }
    return json_stringn(s, node->data.scalar.length);
}

static void *args_nomem(loader_t *ld, const yaml_node_t *node)
{
    ld_fail(ld, node, "args: out of memory");
    errno = ENOMEM;
    return NULL;
}

/* node as JSON, aliases expanded: the loader has checked that they stay
 * within HF_MAX_ALIAS_VALUES (check_aliases in load_yaml.c). */
static json_t *node_json(loader_t *ld, yaml_node_t *node, int depth)
{
    json_t *out;

    if (depth > HF_MAX_NESTING) {
        ld_fail(ld, node, "args nest deeper than %d", HF_MAX_NESTING);
        return NULL;
    }
    switch (node->type) {
    case YAML_SCALAR_NODE:
        /* Arguments reach the functions as C strings too: a NUL would cut
         * them short. */
        if (strlen(ld_scalar(node)) != node->data.scalar.length) {
            ld_fail(ld, node, "args: a string contains a NUL byte");
            return NULL;
        }
        if (ld_template(ld, node, ld_scalar(node), HF_TEMPLATE_ARGS) < 0)
            return NULL;
        if (!(out = scalar_json(node)))
            ld_fail(ld, node, "args: out of memory or not UTF-8");
        return out;
    case YAML_SEQUENCE_NODE:
        if (!(out = json_array()))
            return args_nomem(ld, node);
        for (yaml_node_item_t *i = node->data.sequence.items.start;
             i < node->data.sequence.items.top; i++) {
            json_t *item = node_json(ld, ld_node(ld, *i), depth + 1);
            if (!item || json_array_append_new(out, item) < 0) {
                json_decref(out);
                return item ? args_nomem(ld, node) : NULL;
            }
        }
        return out;
    case YAML_MAPPING_NODE:
        if (!(out = json_object()))
            return args_nomem(ld, node);
        for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
             p < node->data.mapping.pairs.top; p++) {
            yaml_node_t *key = ld_node(ld, p->key);
            const char *name;
            json_t *value;
            if (key->type != YAML_SCALAR_NODE) {
                ld_fail(ld, key, "args keys must be strings, not %s", ld_type_name(key));
                json_decref(out);
                return NULL;
            }
            name = ld_scalar(key);
            if (strlen(name) != key->data.scalar.length) {
                ld_fail(ld, key, "args: a key contains a NUL byte");
                json_decref(out);
                return NULL;
            }
            if (ld_template(ld, key, name, HF_TEMPLATE_ARGS) < 0) {
                json_decref(out);
                return NULL;
            }
            if (json_object_get(out, name)) {
                ld_fail(ld, key, "args key '%s' is repeated", name);
                json_decref(out);
                return NULL;
            }
            if (!(value = node_json(ld, ld_node(ld, p->value), depth + 1)) ||
                json_object_set_new(out, name, value) < 0) {
                json_decref(out);
                return value ? args_nomem(ld, node) : NULL;
            }
        }
        return out;
    default:
        ld_fail(ld, node, "args: unexpected YAML node");
        return NULL;
    }
}

/* `args: {...}`: the JSON object every call of the set gets. */
int ld_args(loader_t *ld, hf_set_t *set, yaml_node_t *node)
{
    json_t *args;

    if (node->type != YAML_MAPPING_NODE)
        return ld_fail(ld, node, "args must be a mapping, not %s", ld_type_name(node));
    if (!(args = node_json(ld, node, 0)))
        return -1;
    set->args = json_dumps(args, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(args);
    if (!set->args) {
        args_nomem(ld, node);
        return -1;
    }
    return 0;
}

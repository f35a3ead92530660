/* The workflow file loader: YAML (and JSON, which the same parser reads)
 * through libyaml's document API, whose nodes carry their line and column,
 * so every error names the place in the file.  Keys are checked against the
 * format of docs/format.md; anything unknown, repeated or of the wrong type is an
 * error rather than a guess. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "hetflow/workflow.h"
#include "util/grow.h"
#include "wfformat.h"
#include "yaml_read.h"

static int platform_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                         yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"nodes", "cores_per_node", "gpus_per_node",
                                       "bandwidth", NULL};
    hf_platform_t *p = arg;

    if (strcmp(name, "nodes") == 0)
        return ld_int(ld, value, "nodes", 1, HF_PLATFORM_MAX_NODES, &p->nodes);
    if (strcmp(name, "cores_per_node") == 0)
        return ld_int(ld, value, "cores_per_node", 1, HF_PLATFORM_MAX_CORES,
                      &p->cores_per_node);
    if (strcmp(name, "gpus_per_node") == 0)
        return ld_int(ld, value, "gpus_per_node", 0, HF_PLATFORM_MAX_GPUS,
                      &p->gpus_per_node);
    if (strcmp(name, "bandwidth") == 0)
        return ld_bandwidth(ld, p, value);
    return ld_unknown(ld, key, name, keys, "unknown platform key '%s'", name);
}

static int duration_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                         yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"mean", "stddev", NULL};
    hf_set_t *set = arg;

    if (strcmp(name, "mean") == 0)
        return ld_seconds(ld, value, "duration mean", &set->duration_mean);
    if (strcmp(name, "stddev") == 0)
        return ld_seconds(ld, value, "duration stddev", &set->duration_stddev);
    return ld_unknown(ld, key, name, keys, "unknown duration key '%s'", name);
}

static int load_duration(loader_t *ld, hf_set_t *set, yaml_node_t *node)
{
    if (node->type != YAML_MAPPING_NODE)
        return ld_seconds(ld, node, "duration", &set->duration_mean);
    set->duration_mean = -1;
    if (ld_each_pair(ld, node, "duration", true, duration_pair, set) < 0)
        return -1;
    if (set->duration_mean < 0)
        return ld_fail(ld, node, "duration needs a 'mean'");
    return 0;
}

static char **strv_new(size_t n)
{
    return calloc(n + 1, sizeof(char *));
}

static int load_command(loader_t *ld, hf_set_t *set, yaml_node_t *node)
{
    const char *s;
    size_t n;

    if (ld_is_text(node)) {
        if (ld_string(ld, node, "command", &s) < 0 ||
            ld_template(ld, node, s, HF_TEMPLATE_SHELL) < 0)
            return -1;
        return (set->shell = strdup(s)) ? 0 : -1;
    }
    if (node->type != YAML_SEQUENCE_NODE)
        return ld_fail(ld, node,
                       "command must be a list of arguments or a string, "
                       "not %s",
                       ld_type_name(node));
    n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    if (n == 0)
        return ld_fail(ld, node, "command must not be an empty list");
    if (!(set->argv = strv_new(n)))
        return -1;
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *arg = ld_node(ld, node->data.sequence.items.start[i]);
        /* 5 is an argument as "5" is: argv is text. */
        if (arg->type != YAML_SCALAR_NODE)
            return ld_fail(ld, arg, "command arguments must be strings, not %s",
                           ld_type_name(arg));
        if (strlen(ld_scalar(arg)) != arg->data.scalar.length)
            return ld_fail(ld, arg, "a command argument contains a NUL byte");
        if (ld_template(ld, arg, ld_scalar(arg), HF_TEMPLATE_ARGV) < 0)
            return -1;
        if (!(set->argv[i] = strdup(ld_scalar(arg))))
            return -1;
    }
    return 0;
}

typedef struct {
    hf_set_t *set;
    size_t n;
} env_ctx_t;

static int env_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                    yaml_node_t *value, void *arg)
{
    env_ctx_t *ctx = arg;
    char *kv;

    if (strchr(name, '='))
        return ld_fail(ld, key, "environment variable name '%s' contains '='", name);
    if (value->type != YAML_SCALAR_NODE)
        return ld_fail(ld, value, "env value of '%s' must be a string, not %s", name,
                       ld_type_name(value));
    if (strlen(ld_scalar(value)) != value->data.scalar.length)
        return ld_fail(ld, value, "env value of '%s' contains a NUL byte", name);
    if (!(kv = malloc(strlen(name) + value->data.scalar.length + 2)))
        return -1;
    sprintf(kv, "%s=%s", name, ld_scalar(value));
    ctx->set->env[ctx->n++] = kv;
    return 0;
}

static int load_env(loader_t *ld, hf_set_t *set, yaml_node_t *node)
{
    env_ctx_t ctx = {set, 0};

    if (node->type != YAML_MAPPING_NODE)
        return ld_fail(ld, node, "env must be a mapping, not %s", ld_type_name(node));
    if (!(set->env = strv_new(
              (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start))))
        return -1;
    return ld_each_pair(ld, node, "env", true, env_pair, &ctx);
}

typedef struct {
    const char *parent;
    hf_map_t map;
    double fraction;
    long count;
} dep_ctx_t;

static int dep_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                    yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"set", "map", "fraction", "count", NULL};
    static const char *const maps[] = {"all", "one-to-one", NULL}; /* hf_map_t */
    dep_ctx_t *dep = arg;
    int map;

    if (strcmp(name, "set") == 0)
        return ld_string(ld, value, "after set", &dep->parent);
    if (strcmp(name, "map") == 0) {
        if ((map = ld_enum(ld, value, "map", maps)) < 0)
            return -1;
        dep->map = (hf_map_t)map;
        return 0;
    }
    if (strcmp(name, "fraction") == 0) {
        if (ld_number(ld, value, "fraction", -INFINITY, INFINITY, &dep->fraction) < 0)
            return -1;
        return dep->fraction > 0 && dep->fraction <= 1
                   ? 0
                   : ld_fail(ld, value,
                             "fraction must be more than 0 and at most 1, not %s",
                             ld_scalar(value));
    }
    if (strcmp(name, "count") == 0)
        return ld_long(ld, value, "count", 1, HF_MAX_TASKS_PER_SET, &dep->count);
    return ld_unknown(ld, key, name, keys, "unknown after key '%s'", name);
}

static int load_dep(loader_t *ld, hf_set_t *set, yaml_node_t *node)
{
    dep_ctx_t dep = {NULL, HF_MAP_ALL, 0, 0};
    hf_dep_t *added;

    if (node->type == YAML_MAPPING_NODE) {
        if (ld_each_pair(ld, node, "after entry", true, dep_pair, &dep) < 0)
            return -1;
        if (!dep.parent)
            return ld_fail(ld, node, "after entry needs a 'set'");
        if (dep.fraction > 0 && dep.count > 0)
            return ld_fail(ld, node, "after entry gives both a fraction and a count");
        if ((dep.fraction > 0 || dep.count > 0) && dep.map == HF_MAP_ONE_TO_ONE)
            return ld_fail(ld, node,
                           "a one-to-one map waits for one task: no fraction or "
                           "count");
    } else if (ld_string(ld, node, "after entry", &dep.parent) < 0) {
        return -1;
    }
    if (!(added = hf_workflow_add_dep(ld->wf, set, dep.parent, dep.map, ld_mark(node))))
        return -1;
    added->fraction = dep.fraction;
    added->count = dep.count;
    return 0;
}

static int load_after(loader_t *ld, hf_set_t *set, yaml_node_t *node)
{
    if (node->type != YAML_SEQUENCE_NODE)
        return load_dep(ld, set, node); /* a single name or entry */
    for (yaml_node_item_t *i = node->data.sequence.items.start;
         i < node->data.sequence.items.top; i++) {
        if (load_dep(ld, set, ld_node(ld, *i)) < 0)
            return -1;
    }
    return 0;
}

typedef struct {
    hf_result_model_t *model;
    bool has_start, has_factor;
} result_ctx_t;

static int result_field(loader_t *ld, const yaml_node_t *key, const char *name,
                        yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"start", "factor", NULL};
    result_ctx_t *r = arg;
    double v;

    if (strcmp(name, "start") != 0 && strcmp(name, "factor") != 0)
        return ld_unknown(ld, key, name, keys, "unknown result key '%s'", name);
    if (ld_number(ld, value, name, -INFINITY, INFINITY, &v) < 0)
        return -1;
    if (name[0] == 's') {
        r->model->start = v;
        r->has_start = true;
    } else {
        r->model->factor = v;
        r->has_factor = true;
    }
    return 0;
}

static int result_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                       yaml_node_t *value, void *arg)
{
    hf_set_t *set = arg;
    hf_result_model_t *models;
    result_ctx_t r;

    (void)key;
    models = realloc(set->results, (size_t)(set->nresults + 1) * sizeof(*models));
    if (!models)
        return -1;
    set->results = models;
    r = (result_ctx_t){&models[set->nresults], false, false};
    *r.model = (hf_result_model_t){NULL, 0, 1};
    if (!(r.model->key = strdup(name)))
        return -1;
    set->nresults++;
    if (ld_each_pair(ld, value, "a result model", true, result_field, &r) < 0)
        return -1;
    if (!r.has_start)
        return ld_fail(ld, value, "result '%s' needs a 'start'", name);
    return 0;
}

/* uses: a service's name or a list of them. */
static int load_uses(loader_t *ld, hf_set_t *set, yaml_node_t *node)
{
    yaml_node_item_t *start, *top;
    yaml_node_item_t one;

    if (node->type == YAML_SCALAR_NODE) {
        one = (yaml_node_item_t)(node - ld->doc->nodes.start + 1);
        start = &one;
        top = &one + 1;
    } else if (node->type == YAML_SEQUENCE_NODE) {
        start = node->data.sequence.items.start;
        top = node->data.sequence.items.top;
    } else {
        return ld_fail(ld, node, "uses must be a service's name or a list, not %s",
                       ld_type_name(node));
    }
    if (!(set->uses_names = calloc((size_t)(top - start) + 1, sizeof(char *))))
        return -1;
    for (yaml_node_item_t *i = start; i < top; i++) {
        const char *s;
        if (ld_string(ld, ld_node(ld, *i), "a used service", &s) < 0)
            return -1;
        if (!(set->uses_names[set->nuses] = strdup(s)))
            return -1;
        set->nuses++;
    }
    return 0;
}

static int set_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                    yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {
        "tasks",  "cores",    "gpus",     "ranks",   "duration", "command", "env",
        "after",  "pipeline", "priority", "retries", "backoff",  "timeout", "on_failure",
        "result", "start",    "service",  "uses",    "function", "workers", "args",
        "inputs", "outputs",  "stage",    NULL};
    static const char *const starts[] = {"auto", "on_rule", NULL};
    static const char *const on_failure[] = {"cancel-dependents", "continue", "stop",
                                             NULL}; /* hf_on_failure_t */
    hf_set_t *set = arg;
    const char *s;
    int i;

    if (strcmp(name, "tasks") == 0)
        return ld_long(ld, value, "tasks", 1, HF_MAX_TASKS_PER_SET, &set->tasks);
    if (strcmp(name, "cores") == 0)
        return ld_int(ld, value, "cores", 1, HF_PLATFORM_MAX_CORES, &set->cores);
    if (strcmp(name, "gpus") == 0)
        return ld_int(ld, value, "gpus", 0, HF_PLATFORM_MAX_GPUS, &set->gpus);
    if (strcmp(name, "ranks") == 0)
        return ld_int(ld, value, "ranks", 1, 1000000, &set->ranks);
    if (strcmp(name, "duration") == 0)
        return load_duration(ld, set, value);
    if (strcmp(name, "command") == 0)
        return load_command(ld, set, value);
    if (strcmp(name, "env") == 0)
        return load_env(ld, set, value);
    if (strcmp(name, "after") == 0)
        return load_after(ld, set, value);
    if (strcmp(name, "pipeline") == 0) {
        if (ld_string(ld, value, "pipeline", &s) < 0)
            return -1;
        return (set->pipeline = strdup(s)) ? 0 : -1;
    }
    if (strcmp(name, "start") == 0) {
        if ((i = ld_enum(ld, value, "start", starts)) < 0)
            return -1;
        set->start_on_rule = i == 1;
        return 0;
    }
    if (strcmp(name, "service") == 0)
        return ld_bool(ld, value, "service", &set->service);
    if (strcmp(name, "uses") == 0)
        return load_uses(ld, set, value);
    if (strcmp(name, "function") == 0)
        return ld_function(ld, set, value);
    if (strcmp(name, "workers") == 0)
        return ld_workers(ld, set, value);
    if (strcmp(name, "args") == 0)
        return ld_args(ld, set, value);
    if (strcmp(name, "inputs") == 0 || strcmp(name, "outputs") == 0)
        return ld_files(ld, set, value, name[0] == 'i');
    if (strcmp(name, "stage") == 0)
        return ld_stage(ld, set, value);
    if (strcmp(name, "priority") == 0)
        return ld_int(ld, value, "priority", -1000000, 1000000, &set->priority);
    if (strcmp(name, "retries") == 0)
        return ld_int(ld, value, "retries", 0, 100, &set->retries);
    if (strcmp(name, "result") == 0)
        return ld_each_pair(ld, value, "result", true, result_pair, set);
    if (strcmp(name, "backoff") == 0)
        return ld_seconds(ld, value, "backoff", &set->backoff);
    if (strcmp(name, "timeout") == 0) {
        if (ld_seconds(ld, value, "timeout", &set->timeout) < 0)
            return -1;
        return set->timeout > 0
                   ? 0
                   : ld_fail(ld, value, "timeout must be more than 0 seconds");
    }
    if (strcmp(name, "on_failure") == 0) {
        if ((i = ld_enum(ld, value, "on_failure", on_failure)) < 0)
            return -1;
        set->on_failure = (hf_on_failure_t)i;
        return 0;
    }
    return ld_unknown(ld, key, name, keys, "unknown key '%s' in set '%s'", name,
                      set->name);
}

static int sets_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                     yaml_node_t *value, void *arg)
{
    hf_set_t *set;

    (void)arg;
    if (hf_set_name_check(name, ld_msg(ld), sizeof(ld->err->text)) < 0)
        return ld_fail(ld, key, "%s", ld_msg(ld));
    if (ld_template(ld, key, name, HF_TEMPLATE_NAME) < 0)
        return -1;
    if (!(set = hf_workflow_add_set(ld->wf, name, ld_mark(key), ld->err)))
        return -1;
    if (ld_is_null(value))
        return 0; /* `name:` alone is a set with every default */
    return ld_each_pair(ld, value, "a set", true, set_pair, set);
}

static int top_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                    yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"name",   "platform", "mode",
                                       "policy", "walltime", "staging",
                                       "sets",   "rules",    NULL};
    const char *const modes[] = {hf_mode_name(HF_MODE_SEQUENTIAL),
                                 hf_mode_name(HF_MODE_WORKLOAD),
                                 hf_mode_name(HF_MODE_TASK), NULL};
    const char *const policies[] = {
        hf_policy_name(HF_POLICY_FIFO), hf_policy_name(HF_POLICY_CRITICAL_PATH),
        hf_policy_name(HF_POLICY_HEFT), hf_policy_name(HF_POLICY_TUNED), NULL};
    hf_platform_t p = {-1, -1, -1, 0, 0};
    const char *s;
    int i;

    (void)arg;
    if (strcmp(name, "name") == 0)
        return ld_string(ld, value, "name", &s); /* read before the walk */
    if (strcmp(name, "platform") == 0) {
        if (ld_each_pair(ld, value, "platform", true, platform_pair, &p) < 0)
            return -1;
        hf_workflow_set_platform(ld->wf, &p);
        return 0;
    }
    if (strcmp(name, "mode") == 0) {
        if ((i = ld_enum(ld, value, "mode", modes)) < 0)
            return -1;
        hf_workflow_set_mode(ld->wf, (hf_mode_t)i);
        return 0;
    }
    if (strcmp(name, "policy") == 0) {
        if ((i = ld_enum(ld, value, "policy", policies)) < 0)
            return -1;
        hf_workflow_set_policy(ld->wf, (hf_policy_t)i);
        return 0;
    }
    if (strcmp(name, "walltime") == 0) {
        double seconds;
        if (ld_seconds(ld, value, "walltime", &seconds) < 0)
            return -1;
        if (seconds <= 0)
            return ld_fail(ld, value, "walltime must be more than 0 seconds");
        hf_workflow_set_walltime(ld->wf, seconds);
        return 0;
    }
    if (strcmp(name, "rules") == 0)
        return ld_rules(ld, value);
    if (strcmp(name, "staging") == 0)
        return ld_staging(ld, value);
    if (strcmp(name, "sets") == 0) {
        if (value->type != YAML_MAPPING_NODE)
            return ld_fail(ld, value, "sets must be a mapping of set names, not %s",
                           ld_type_name(value));
        /* Repeated set names are caught by hf_workflow_add_set in O(1). */
        return ld_each_pair(ld, value, "sets", false, sets_pair, NULL);
    }
    return ld_unknown(ld, key, name, keys, "unknown key '%s'", name);
}

/* The workflow's name: its `name:` key, else the file's base name. */
static const char *workflow_name(loader_t *ld, yaml_node_t *root, char *buf, size_t len)
{
    const char *base = strrchr(ld->file, '/');
    char *dot;

    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *key = ld_node(ld, p->key), *value = ld_node(ld, p->value);
        if (key->type == YAML_SCALAR_NODE && strcmp(ld_scalar(key), "name") == 0 &&
            value->type == YAML_SCALAR_NODE && value->data.scalar.length > 0)
            return ld_scalar(value);
    }
    snprintf(buf, len, "%s", base ? base + 1 : ld->file);
    if ((dot = strrchr(buf, '.')) && dot != buf)
        *dot = '\0';
    return buf;
}

/* libyaml's error at its mark in text; a tab where it wanted a token is
 * said plainly, as it is what people type. */
static void syntax_error(loader_t *ld, const yaml_parser_t *parser, const char *text,
                         size_t len)
{
    const yaml_mark_t *m = parser->problem ? &parser->problem_mark : &parser->mark;

    if (parser->error == YAML_MEMORY_ERROR) {
        hf_error_at(ld->err, ld->file, 0, 0, "out of memory while parsing");
        errno = ENOMEM;
        return;
    }
    if (m->index < len && text[m->index] == '\t') {
        hf_error_at(ld->err, ld->file, (int)m->line + 1, (int)m->column + 1,
                    "YAML: a tab, where YAML wants spaces (indent with spaces)");
        errno = EINVAL;
        return;
    }
    hf_error_at(ld->err, ld->file, (int)m->line + 1, (int)m->column + 1, "YAML: %s%s%s",
                parser->problem ? parser->problem : "syntax error",
                parser->context ? " " : "", parser->context ? parser->context : "");
    errno = EINVAL;
}

static hf_workflow_t *load_document(loader_t *ld)
{
    yaml_node_t *root = yaml_document_get_root_node(ld->doc);
    char namebuf[128];

    if (!root) {
        hf_error_at(ld->err, ld->file, 0, 0, "file is empty");
        errno = EINVAL;
        return NULL;
    }
    if (root->type != YAML_MAPPING_NODE) {
        ld_fail(ld, root, "a workflow must be a mapping with 'sets', not %s",
                ld_type_name(root));
        return NULL;
    }
    if (!(ld->wf = hf_workflow_create(workflow_name(ld, root, namebuf, sizeof(namebuf)),
                                      ld->file)))
        return NULL;
    if (ld_each_pair(ld, root, "the workflow", true, top_pair, NULL) < 0)
        goto error;
    if (hf_workflow_nsets(ld->wf) == 0) {
        ld_fail(ld, root, "workflow has no sets: name at least one under 'sets:'");
        goto error;
    }
    if (hf_workflow_finish(ld->wf, ld->err) < 0)
        goto error;
    return ld->wf;
error:
    if (errno == ENOMEM && ld->err)
        hf_error_at(ld->err, ld->file, 0, 0, "out of memory");
    hf_workflow_destroy(ld->wf);
    return NULL;
}

/* libyaml's scanner rechecks every open flow collection for each token, so
 * deep flow nesting ([[[[...) takes quadratic time: a million levels would
 * hang it.  Count the depth first, outside quotes and comments; no real
 * workflow nests more than a few levels. */
static int check_nesting(const char *path, const char *text, size_t len, hf_error_t *err)
{
    int depth = 0, line = 1, col = 0;
    char quote = 0;

    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        col++;
        if (c == '\n') {
            line++;
            col = 0;
            if (quote == '#')
                quote = 0;
            continue;
        }
        if (quote) {
            if (quote == '"' && c == '\\' && i + 1 < len)
                i++, col++;
            else if (c == quote && quote != '#')
                quote = 0;
            continue;
        }
        if (c == '"' || c == '\'' ||
            (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\n')))
            quote = c;
        else if ((c == '[' || c == '{') && ++depth > HF_MAX_NESTING) {
            hf_error_at(err, path, line, col, "nesting deeper than %d levels",
                        HF_MAX_NESTING);
            errno = EINVAL;
            return -1;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return 0;
}

/* Whether child is written inside parent; if not, parent holds an alias of
 * it (libyaml's document points an alias at the node it names, which may
 * be parent itself). */
static bool written_in(const yaml_node_t *parent, const yaml_node_t *child)
{
    return child != parent && child->start_mark.index >= parent->start_mark.index &&
           child->start_mark.index < parent->end_mark.index;
}

/* A collection's children as node ids: items, or keys and values. */
typedef struct {
    const int *at; /* a pair is two ids, key and value */
    size_t n;
} kids_t;

static kids_t kids_of(const yaml_node_t *node)
{
    if (node->type == YAML_SEQUENCE_NODE)
        return (kids_t){
            node->data.sequence.items.start,
            (size_t)(node->data.sequence.items.top - node->data.sequence.items.start)};
    if (node->type == YAML_MAPPING_NODE)
        return (kids_t){
            (const int *)node->data.mapping.pairs.start,
            2 * (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start)};
    return (kids_t){NULL, 0};
}

static bool holds_alias(loader_t *ld, const yaml_node_t *node)
{
    kids_t k = kids_of(node);

    for (size_t i = 0; i < k.n; i++)
        if (!written_in(node, ld_node(ld, k.at[i])))
            return true;
    return false;
}

typedef struct {
    int id;
    size_t next; /* the child to look at next */
} walk_t;

/* Each node's size with aliases expanded (itself and all below it), at
 * most `cap`; a node that holds itself through an alias counts as `cap`
 * and sets *endless.  Iterative: block nesting has no depth limit.  size[]
 * is 0 for nodes not yet seen, -1 for those on the walk.  Returns 0, or -1
 * with ENOMEM. */
static int expand_sizes(loader_t *ld, int32_t *size, int32_t cap, bool *endless)
{
    size_t n = (size_t)(ld->doc->nodes.top - ld->doc->nodes.start), depth = 0, room = 0;
    walk_t *walk = NULL;
    int64_t *sum = NULL;
    int rc = -1;

    for (size_t root = 1; root <= n; root++) {
        if (size[root - 1])
            continue;
        depth = 0;
        if (grow_room((void **)&walk, &room, 1, sizeof(*walk)) < 0 ||
            grow_to((void **)&sum, 0, room, sizeof(*sum)) < 0)
            goto nomem;
        walk[depth] = (walk_t){(int)root, 0};
        sum[depth++] = 1;
        size[root - 1] = -1;
        while (depth > 0) {
            walk_t *w = &walk[depth - 1];
            kids_t k = kids_of(ld_node(ld, w->id));
            if (w->next < k.n) {
                int c = k.at[w->next++];
                if (size[c - 1] == 0) {
                    size_t old = room;
                    if (grow_room((void **)&walk, &room, depth + 1, sizeof(*walk)) < 0 ||
                        (room != old &&
                         grow_to((void **)&sum, old, room, sizeof(*sum)) < 0))
                        goto nomem;
                    walk[depth] = (walk_t){c, 0};
                    sum[depth++] = 1;
                    size[c - 1] = -1;
                } else {
                    *endless |= size[c - 1] < 0;
                    sum[depth - 1] += size[c - 1] < 0 ? cap : size[c - 1];
                }
                continue;
            }
            size[w->id - 1] = sum[depth - 1] < cap ? (int32_t)sum[depth - 1] : cap;
            if (--depth > 0)
                sum[depth - 1] += size[w->id - 1];
        }
    }
    rc = 0;
nomem:
    free(walk);
    free(sum);
    if (rc < 0)
        errno = ENOMEM;
    return rc;
}

/* libyaml's document shares an anchored node among its aliases, and every
 * walk of the loader (args turned into JSON, above all) expands them: nine
 * levels of ten aliases are a billion values from 500 bytes.  Refuse a
 * document whose aliases add more than HF_MAX_ALIAS_VALUES values to what
 * the file writes out, at the collection where they do. */
static int check_aliases(loader_t *ld)
{
    size_t n = (size_t)(ld->doc->nodes.top - ld->doc->nodes.start);
    int32_t cap = (int32_t)(n + HF_MAX_ALIAS_VALUES + 1), *size;
    yaml_node_t *node;
    bool any = false, endless = false;

    for (size_t i = 1; i <= n && !any; i++)
        any = holds_alias(ld, ld_node(ld, (int)i));
    if (!any)
        return 0;
    if (!(size = calloc(n, sizeof(*size))) || expand_sizes(ld, size, cap, &endless) < 0) {
        free(size);
        hf_error_at(ld->err, ld->file, 0, 0, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    node = ld_node(ld, 1);
    if (size[0] < cap) {
        free(size);
        return 0;
    }
    /* Down the largest child to where the aliases are, or to where values
     * add up past the limit with no child past it alone. */
    while (!holds_alias(ld, node)) {
        kids_t k = kids_of(node);
        int best = 0;
        for (size_t i = 0; i < k.n; i++)
            if (!best || size[k.at[i] - 1] > size[best - 1])
                best = k.at[i];
        if (!best || size[best - 1] < cap)
            break;
        node = ld_node(ld, best);
    }
    free(size);
    if (endless)
        return ld_fail(ld, node,
                       "an alias here is inside the node it names: it repeats "
                       "without end");
    return ld_fail(ld, node, "aliases here repeat more than %ld values (an alias bomb?)",
                   HF_MAX_ALIAS_VALUES);
}

/* After the workflow's document, nothing but the end of the stream: a
 * second document would be silently ignored, so it is refused. */
static int only_document(loader_t *ld, yaml_parser_t *parser, const char *text,
                         size_t len)
{
    yaml_document_t next;
    yaml_node_t *root;

    if (!yaml_parser_load(parser, &next)) {
        syntax_error(ld, parser, text, len);
        return -1;
    }
    if ((root = yaml_document_get_root_node(&next))) {
        ld_fail(ld, root, "a workflow file holds one YAML document, this is a second");
        yaml_document_delete(&next);
        return -1;
    }
    yaml_document_delete(&next);
    return 0;
}

hf_workflow_t *hf_workflow_load_buffer(const char *path, const char *text, size_t len,
                                       hf_error_t *err)
{
    return hf_workflow_load_buffer_flags(path, text, len, 0, err);
}

/* The workflow in text, which it does not keep (the callers give it). */
static hf_workflow_t *load_text(const char *path, const char *text, size_t len, int flags,
                                hf_error_t *err)
{
    loader_t ld = {.file = path, .err = err};
    yaml_parser_t parser;
    yaml_document_t doc;
    hf_workflow_t *wf = NULL;

    if (hf_wfformat_detect(text, len) &&
        hf_wfformat_load(path, text, len, flags, &wf, err))
        return wf;
    if (check_nesting(path, text, len, err) < 0)
        return NULL;
    if (!yaml_parser_initialize(&parser)) {
        errno = ENOMEM;
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        syntax_error(&ld, &parser, text, len);
        goto done;
    }
    ld.doc = &doc;
    wf = check_aliases(&ld) < 0 ? NULL : load_document(&ld);
    yaml_document_delete(&doc);
    if (wf && only_document(&ld, &parser, text, len) < 0) {
        hf_workflow_destroy(wf);
        wf = NULL;
    }
done:
    yaml_parser_delete(&parser);
    return wf;
}

hf_workflow_t *hf_workflow_load_buffer_flags(const char *path, const char *text,
                                             size_t len, int flags, hf_error_t *err)
{
    hf_workflow_t *wf = load_text(path, text, len, flags, err);

    if (wf && hf_workflow_set_text(wf, text, len) < 0) {
        hf_error_at(err, path, 0, 0, "out of memory");
        hf_workflow_destroy(wf);
        return NULL;
    }
    return wf;
}

hf_workflow_t *hf_workflow_load(const char *path, hf_error_t *err)
{
    return hf_workflow_load_flags(path, 0, err);
}

hf_workflow_t *hf_workflow_load_flags(const char *path, int flags, hf_error_t *err)
{
    hf_workflow_t *wf = NULL;
    struct stat st;
    char *text = NULL;
    FILE *f = fopen(path, "rb");

    if (!f || fstat(fileno(f), &st) < 0) {
        hf_error_at(err, path, 0, 0, "%s", strerror(errno));
        goto done;
    }
    if (S_ISDIR(st.st_mode)) {
        hf_error_at(err, path, 0, 0, "is a directory");
        errno = EISDIR;
        goto done;
    }
    if (st.st_size > HF_MAX_FILE_SIZE) {
        hf_error_at(err, path, 0, 0, "file is larger than %d MiB",
                    (int)(HF_MAX_FILE_SIZE >> 20));
        errno = EFBIG;
        goto done;
    }
    if (!(text = malloc((size_t)st.st_size + 1))) {
        hf_error_at(err, path, 0, 0, "out of memory");
        goto done;
    }
    if (fread(text, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        hf_error_at(err, path, 0, 0, "read error");
        errno = EIO;
        goto done;
    }
    /* The workflow keeps the text read: a copy would be as large again. */
    if ((wf = load_text(path, text, (size_t)st.st_size, flags, err))) {
        hf_workflow_take_text(wf, text, (size_t)st.st_size);
        text = NULL;
    }
done:
    free(text);
    if (f)
        fclose(f);
    return wf;
}

hf_set_t *hf_set_parse(const char *name, const char *spec, hf_error_t *err)
{
    json_t *doc = json_pack("{s:{s:o?}}", "sets", name, json_loads(spec, 0, NULL));
    json_t *given = doc ? json_object_get(json_object_get(doc, "sets"), name) : NULL;
    char *text = NULL, *share = NULL, label[HF_MAX_NAME + 16];
    hf_workflow_t *wf = NULL;
    hf_set_t *set = NULL;

    snprintf(label, sizeof(label), "set '%.*s'", HF_MAX_NAME, name);
    if (!given || !json_is_object(given)) {
        hf_error_set(err, "%s: its keys must be a JSON object", label);
        errno = EINVAL;
        goto done;
    }
    if (json_object_get(given, "after")) {
        hf_error_set(err, "%s: give dependencies with hf_workflow_add_dep()", label);
        errno = EINVAL;
        goto done;
    }
    /* The set is read alone: the workers it shares are another set's, named
     * once it is read (they are found when it is appended). */
    if (json_is_string(json_object_get(given, "workers"))) {
        if (!(share = strdup(json_string_value(json_object_get(given, "workers")))))
            goto done;
        json_object_del(given, "workers");
    }
    if (!(text = json_dumps(doc, JSON_COMPACT)))
        goto done;
    if ((wf = hf_workflow_load_buffer(label, text, strlen(text), err)))
        set = hf_set_copy(hf_workflow_get_set(wf, 0), name);
    if (set && set->function) {
        set->workers.share = share;
        share = NULL;
    }
done:
    free(share);
    free(text);
    json_decref(doc);
    hf_workflow_destroy(wf);
    return set;
}

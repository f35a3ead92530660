/* The `rules:` section of a workflow file; see workflow_rules.h for what
 * rules mean.
 *
 *   rules:
 *     - when: {set: S, done_fraction: F, done_count: N, result: "EXPR"}
 *       do:
 *         - start: SET
 *         - cancel: SET | {set: SET, fraction: F}
 *         - share: {set: SET, cores: F, gpus: F}
 *         - repeat: {sets: [SET, ...], until: "EXPR", max: N}
 *
 * Names and expressions are checked once every set is known
 * (rules_check.c); here, only the shape of what is written. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hetflow/workflow_rules.h"
#include "yaml_read.h"

/* An expression's text and the place of its first character. */
static int load_cond(loader_t *ld, const yaml_node_t *node, const char *what,
                     hf_cond_t *c)
{
    const char *text;

    if (ld_string(ld, node, what, &text) < 0)
        return -1;
    c->mark = ld_mark(node);
    if (node->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
        node->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
        c->mark.col++;
    return (c->text = strdup(text)) ? 0 : -1;
}

static int when_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                     yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"set", "done_fraction", "done_count", "result",
                                       NULL};
    hf_rule_t *r = arg;
    const char *set;

    if (strcmp(name, "set") == 0) {
        if (ld_string(ld, value, "when set", &set) < 0)
            return -1;
        free(r->set_name);
        r->mark = ld_mark(value);
        return (r->set_name = strdup(set)) ? 0 : -1;
    }
    if (strcmp(name, "done_fraction") == 0) {
        if (ld_number(ld, value, "done_fraction", 0, 1, &r->done_fraction) < 0)
            return -1;
        return r->done_fraction > 0
                   ? 0
                   : ld_fail(ld, value, "done_fraction must be more than 0");
    }
    if (strcmp(name, "done_count") == 0)
        return ld_long(ld, value, "done_count", 1, HF_MAX_TASKS_PER_SET, &r->done_count);
    if (strcmp(name, "result") == 0)
        return load_cond(ld, value, "result", &r->result);
    return ld_unknown(ld, key, name, keys, "unknown when key '%s'", name);
}

static int cancel_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                       yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"set", "fraction", NULL};
    hf_action_t *a = arg;
    const char *set;

    if (strcmp(name, "set") == 0) {
        if (ld_string(ld, value, "cancel set", &set) < 0)
            return -1;
        a->mark = ld_mark(value);
        return (a->set_name = strdup(set)) ? 0 : -1;
    }
    if (strcmp(name, "fraction") == 0) {
        if (ld_number(ld, value, "fraction", 0, 1, &a->fraction) < 0)
            return -1;
        return a->fraction > 0 ? 0 : ld_fail(ld, value, "fraction must be more than 0");
    }
    return ld_unknown(ld, key, name, keys, "unknown cancel key '%s'", name);
}

static int share_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                      yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"set", "cores", "gpus", NULL};
    hf_action_t *a = arg;
    const char *set;

    if (strcmp(name, "set") == 0) {
        if (ld_string(ld, value, "share set", &set) < 0)
            return -1;
        a->mark = ld_mark(value);
        return (a->set_name = strdup(set)) ? 0 : -1;
    }
    if (strcmp(name, "cores") == 0)
        return ld_number(ld, value, "cores share", 0, 1, &a->cores);
    if (strcmp(name, "gpus") == 0)
        return ld_number(ld, value, "gpus share", 0, 1, &a->gpus);
    return ld_unknown(ld, key, name, keys, "unknown share key '%s'", name);
}

static int load_group(loader_t *ld, hf_action_t *a, yaml_node_t *node)
{
    size_t n;

    if (node->type != YAML_SEQUENCE_NODE)
        return ld_fail(ld, node, "repeat sets must be a list of set names, not %s",
                       ld_type_name(node));
    n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    if (n == 0)
        return ld_fail(ld, node, "repeat sets must not be empty");
    if (n > 10000)
        return ld_fail(ld, node, "repeat names more than 10000 sets");
    if (!(a->group_names = calloc(n, sizeof(char *))) ||
        !(a->group_marks = calloc(n, sizeof(hf_mark_t))))
        return -1;
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = ld_node(ld, node->data.sequence.items.start[i]);
        const char *name;
        if (ld_string(ld, item, "a repeated set", &name) < 0)
            return -1;
        a->group_marks[i] = ld_mark(item);
        if (!(a->group_names[i] = strdup(name)))
            return -1;
        a->ngroup = (int)i + 1;
    }
    return 0;
}

static int repeat_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                       yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"sets", "until", "max", NULL};
    hf_action_t *a = arg;

    if (strcmp(name, "sets") == 0)
        return load_group(ld, a, value);
    if (strcmp(name, "until") == 0)
        return load_cond(ld, value, "until", &a->until);
    if (strcmp(name, "max") == 0)
        return ld_int(ld, value, "max", 1, 100000, &a->max);
    return ld_unknown(ld, key, name, keys, "unknown repeat key '%s'", name);
}

/* One action: a mapping with one key, the action's name. */
static int load_action(loader_t *ld, hf_rule_t *r, yaml_node_t *node)
{
    static const char *const kinds[] = {"start", "cancel", "share", "repeat",
                                        NULL}; /* hf_action_kind_t */
    yaml_node_t *key, *value;
    const char *name, *set;
    hf_action_t *a;
    int kind;

    if (node->type != YAML_MAPPING_NODE ||
        node->data.mapping.pairs.top - node->data.mapping.pairs.start != 1)
        return ld_fail(ld, node,
                       "an action is a mapping with one key (start, cancel, "
                       "share or repeat)");
    key = ld_node(ld, node->data.mapping.pairs.start->key);
    value = ld_node(ld, node->data.mapping.pairs.start->value);
    if ((kind = ld_enum(ld, key, "action", kinds)) < 0)
        return -1;
    name = kinds[kind];
    if (!(a = hf_rule_add_action(r, (hf_action_kind_t)kind, ld_mark(value))))
        return -1;
    if (value->type == YAML_SCALAR_NODE && kind != HF_ACTION_SHARE &&
        kind != HF_ACTION_REPEAT) {
        if (ld_string(ld, value, name, &set) < 0)
            return -1;
        return (a->set_name = strdup(set)) ? 0 : -1;
    }
    if (kind == HF_ACTION_START)
        return ld_fail(ld, value, "start takes a set name, not %s", ld_type_name(value));
    if (ld_each_pair(ld, value, name, true,
                     kind == HF_ACTION_CANCEL  ? cancel_pair
                     : kind == HF_ACTION_SHARE ? share_pair
                                               : repeat_pair,
                     a) < 0)
        return -1;
    if (kind != HF_ACTION_REPEAT && !a->set_name)
        return ld_fail(ld, value, "%s needs a 'set'", name);
    if (kind == HF_ACTION_REPEAT && a->ngroup == 0)
        return ld_fail(ld, value, "repeat needs 'sets'");
    return 0;
}

typedef struct {
    yaml_node_t *when, *actions;
} rule_nodes_t;

static int rule_pair(loader_t *ld, const yaml_node_t *key, const char *name,
                     yaml_node_t *value, void *arg)
{
    static const char *const keys[] = {"when", "do", NULL};
    rule_nodes_t *r = arg;

    if (strcmp(name, "when") == 0)
        r->when = value;
    else if (strcmp(name, "do") == 0)
        r->actions = value;
    else
        return ld_unknown(ld, key, name, keys, "unknown rule key '%s'", name);
    return 0;
}

static int load_rule(loader_t *ld, yaml_node_t *node)
{
    rule_nodes_t nodes = {NULL, NULL};
    hf_rule_t *r;

    if (ld_each_pair(ld, node, "a rule", true, rule_pair, &nodes) < 0)
        return -1;
    if (!nodes.when || !nodes.actions)
        return ld_fail(ld, node, "a rule needs 'when' and 'do'");
    if (!(r = hf_workflow_add_rule(ld->wf, "", ld_mark(nodes.when))))
        return -1;
    if (ld_each_pair(ld, nodes.when, "when", true, when_pair, r) < 0)
        return -1;
    if (r->set_name[0] == '\0')
        return ld_fail(ld, nodes.when,
                       "when needs a 'set': the set whose tasks' ends "
                       "the rule watches");
    if (nodes.actions->type != YAML_SEQUENCE_NODE)
        return load_action(ld, r, nodes.actions);
    if (nodes.actions->data.sequence.items.top ==
        nodes.actions->data.sequence.items.start)
        return ld_fail(ld, nodes.actions, "do must list at least one action");
    for (yaml_node_item_t *i = nodes.actions->data.sequence.items.start;
         i < nodes.actions->data.sequence.items.top; i++)
        if (load_action(ld, r, ld_node(ld, *i)) < 0)
            return -1;
    return 0;
}

int ld_rules(loader_t *ld, yaml_node_t *node)
{
    if (node->type != YAML_SEQUENCE_NODE)
        return ld_fail(ld, node, "rules must be a list, not %s", ld_type_name(node));
    for (yaml_node_item_t *i = node->data.sequence.items.start;
         i < node->data.sequence.items.top; i++)
        if (load_rule(ld, ld_node(ld, *i)) < 0)
            return -1;
    return 0;
}

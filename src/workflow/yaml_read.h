/* Typed reading of libyaml document nodes for the workflow loaders, each
 * error a file:line:col message naming what was expected. */
#ifndef HETFLOW_WORKFLOW_YAML_READ_H
#define HETFLOW_WORKFLOW_YAML_READ_H

#include <stdbool.h>
#include <yaml.h>

#include "hetflow/template.h"
#include "hetflow/workflow.h"

typedef struct {
    const char *file;
    yaml_document_t *doc;
    hf_workflow_t *wf;
    hf_error_t *err;
    char scratch[sizeof(((hf_error_t *)0)->text)];
} loader_t;

/* ld->scratch, room for a message. */
char *ld_msg(loader_t *ld);
hf_mark_t ld_mark(const yaml_node_t *node);
/* Set ld->err to "file:line:col: message" at node; returns -1 with EINVAL. */
int ld_fail(loader_t *ld, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Check tmpl, read from node, as a template of `place` (hetflow/template.h):
 * 0, or -1 having failed at node. */
int ld_template(loader_t *ld, const yaml_node_t *node, const char *tmpl,
                hf_template_place_t place);
yaml_node_t *ld_node(loader_t *ld, int id);
const char *ld_scalar(const yaml_node_t *node);
bool ld_is_plain(const yaml_node_t *node);
/* A plain scalar that YAML reads as null: empty, ~ or null. */
bool ld_is_null(const yaml_node_t *node);
/* What node is, for "X must be ..., not a list": a mapping, a list, a
 * quoted string, or for a plain scalar what YAML reads it as (a number, a
 * boolean, null, a string). */
const char *ld_type_name(const yaml_node_t *node);
/* A scalar's text, for names, labels and paths: not empty, not null, no NUL
 * byte; YAML's numbers and booleans count as their text (a set may be
 * called 5, as a key may). */
int ld_string(loader_t *ld, const yaml_node_t *node, const char *what, const char **out);
/* A string YAML would not read as anything else: quoted, or plain and not
 * null, a boolean or a number. */
bool ld_is_text(const yaml_node_t *node);
/* As ld_string, for text that is code (a command, a function) or where a
 * number means a mistake (`workers: 4`): only ld_is_text() nodes; "5",
 * quoted, if that is what is meant. */
int ld_text(loader_t *ld, const yaml_node_t *node, const char *what, const char **out);
/* Fail at node with "unknown ..." (fmt) followed by "(did you mean 'K'?)"
 * when one of `known` (NULL-terminated) is near `word`, else by the whole
 * list: "(known: a, b, c)". */
int ld_unknown(loader_t *ld, const yaml_node_t *node, const char *word,
               const char *const *known, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* A scalar that is one of `names` (NULL-terminated): its index, or -1
 * having failed with "unknown WHAT 'S'" as ld_unknown says it. */
int ld_enum(loader_t *ld, const yaml_node_t *node, const char *what,
            const char *const *names);
int ld_long(loader_t *ld, const yaml_node_t *node, const char *what, long min, long max,
            long *out);
int ld_int(loader_t *ld, const yaml_node_t *node, const char *what, long min, long max,
           int *out);
/* "true" or "false", plain. */
int ld_bool(loader_t *ld, const yaml_node_t *node, const char *what, bool *out);
int ld_seconds(loader_t *ld, const yaml_node_t *node, const char *what, double *out);
int ld_number(loader_t *ld, const yaml_node_t *node, const char *what, double min,
              double max, double *out);

/* A function set's keys (load_function.c). */
int ld_function(loader_t *ld, hf_set_t *set, yaml_node_t *node);
int ld_workers(loader_t *ld, hf_set_t *set, yaml_node_t *node);
int ld_args(loader_t *ld, hf_set_t *set, yaml_node_t *node);

/* The data keys (load_files.c): a set's inputs or outputs and its stage,
 * the platform's bandwidth, the top-level staging. */
int ld_files(loader_t *ld, hf_set_t *set, yaml_node_t *node, bool input);
int ld_stage(loader_t *ld, hf_set_t *set, yaml_node_t *node);
int ld_bandwidth(loader_t *ld, hf_platform_t *p, yaml_node_t *node);
int ld_staging(loader_t *ld, yaml_node_t *node);

/* The `rules:` list (load_rules.c). */
int ld_rules(loader_t *ld, yaml_node_t *node);
/* Walk a mapping's pairs, rejecting non-string and repeated keys.  `visit`
 * gets each key's text and value node.  O(k^2) on repeated-key checks, so
 * large mappings (sets) detect repeats themselves through their names. */
typedef int (*ld_pair_f)(loader_t *ld, const yaml_node_t *key, const char *name,
                         yaml_node_t *value, void *arg);

int ld_each_pair(loader_t *ld, yaml_node_t *map, const char *what, bool check_repeats,
                 ld_pair_f visit, void *arg);

#endif

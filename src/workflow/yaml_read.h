/* Typed reading of libyaml document nodes for the workflow loaders, each
 * error a file:line:col message naming what was expected. */
#ifndef HETFLOW_WORKFLOW_YAML_READ_H
#define HETFLOW_WORKFLOW_YAML_READ_H

#include <stdbool.h>
#include <yaml.h>

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
yaml_node_t *ld_node(loader_t *ld, int id);
const char *ld_scalar(const yaml_node_t *node);
bool ld_is_plain(const yaml_node_t *node);
const char *ld_type_name(const yaml_node_t *node);
int ld_string(loader_t *ld, const yaml_node_t *node, const char *what, const char **out);
int ld_long(loader_t *ld, const yaml_node_t *node, const char *what, long min, long max,
            long *out);
int ld_int(loader_t *ld, const yaml_node_t *node, const char *what, long min, long max,
           int *out);
/* "true" or "false". */
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

/* The workflow model's private parts, shared by its files: the workflow
 * itself, what the library resolves about a set beside the spec a user
 * writes, and the helpers the set, pool and finish files use. */
#ifndef HETFLOW_WORKFLOW_MODEL_H
#define HETFLOW_WORKFLOW_MODEL_H

#include "hetflow/workflow.h"
#include "hetflow/workflow_rules.h"
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
    int stage_concurrency; /* 0: not given */
    bool recorded;         /* read from a record of a run */
    char *text;            /* what it was loaded from */
    size_t text_len;
    hf_rule_t *rules;
    int nrules;
    hf_pool_t *pools;
    int npools;
    bool finished;
};

/* A set as the library holds it: the spec a user writes first (so an
 * hf_set_t from hf_set_create() is one of these), then what the library
 * resolves and keeps for itself. */
typedef struct {
    hf_set_t spec;
    char *name_template; /* the name as written when it has {iter}, or NULL */
    bool literal;        /* recorded (WfFormat): its name holds no placeholders */
    int *uses;           /* spec.uses_names resolved */
    int nuses;
    int pool;        /* a function set's pool, -1 otherwise */
    bool pool_added; /* a function set's pool was made */
} set_state_t;

static inline set_state_t *set_state(const hf_set_t *set)
{
    return (set_state_t *)set;
}

/* set.c: hf_set_create(), or with `literal` a set whose name is taken as
 * it is (a recorded one's: no placeholders); a set name template's
 * iteration iter (a new string, or NULL with ENOMEM); copies of a set's
 * parts (-1 or NULL with ENOMEM). */
hf_set_t *set_create(const char *name, bool literal);
char *set_name_at(const char *tmpl, int iter);
int set_dup_strv(char ***out, char *const *v);
hf_function_t *set_function_copy(const hf_function_t *from);

/* set_index.c: put set into wf under its name.  Returns 0, or -1 with
 * EEXIST or ENOMEM (the set still the caller's).  set_index_add() is
 * hf_workflow_add_set(), `literal` as set_create() takes it. */
int set_index_put(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err);
hf_set_t *set_index_add(hf_workflow_t *wf, const char *name, hf_mark_t mark, bool literal,
                        hf_error_t *err);

/* pools.c: pools_check() checks what a function set may be and whose
 * workers it shares; pools_add() gives every function set of wf that does
 * not share its pool; pools_resolve() finds the pool of a function set.
 * Return 0, or -1 with a message.  pools_free() frees wf's pools. */
int pools_check(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err);
int pools_add(hf_workflow_t *wf, hf_error_t *err);
int pools_resolve(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err);
void pools_free(hf_workflow_t *wf);

/* set_templates.c: every placeholder of set checked where it stands, as
 * the loader checks a file's (hf_template_check()); a recorded set's name
 * and literal files hold none.  Returns 0, or -1 with EINVAL and "set
 * 'NAME': <why>". */
int set_templates_check(const hf_set_t *set, hf_error_t *err);

/* rule_store.c: free a workflow's rules. */
void rules_free(hf_workflow_t *wf);

#endif

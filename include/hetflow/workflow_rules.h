/* Rules: what a workflow file says to do while it runs.  A rule watches one
 * set; whenever a task of it ends, the rule's conditions are checked (a
 * share of its tasks done, an expression over task results) and, the first
 * time they hold, its actions run: start a set held back with `start:
 * on_rule`, cancel part of a set, cap a set's share of the platform, or
 * repeat a group of sets as a new iteration.  This header is the model (part
 * of the workflow part); the engine carries rules out through its public
 * API (engine.h), in src/engine/run_rules.c. */
#ifndef HETFLOW_WORKFLOW_RULES_H
#define HETFLOW_WORKFLOW_RULES_H

#include "workflow.h"

struct expr;

/* An expression as written and where it starts in the file (its first
 * character, inside any quotes); parsed by hf_workflow_finish(). */
typedef struct {
    char *text; /* NULL: none */
    hf_mark_t mark;
    struct expr *parsed;
} hf_cond_t;

typedef enum {
    HF_ACTION_START,
    HF_ACTION_CANCEL,
    HF_ACTION_SHARE,
    HF_ACTION_REPEAT,
} hf_action_kind_t;

typedef struct {
    hf_action_kind_t kind;
    hf_mark_t mark;     /* of the set's name for start, cancel and share */
    char *set_name;     /* start, cancel, share: as written */
    int set;            /* ... resolved by hf_workflow_finish() */
    double fraction;    /* cancel: share of the set's unfinished tasks, 1 for all */
    double cores, gpus; /* share: the most of the platform's cores and GPUs the
                         * set may hold at once, as fractions (1: no cap) */
    char **group_names; /* repeat: the sets of one iteration, as written */
    hf_mark_t *group_marks;
    int *group; /* ... resolved, in the order given */
    int ngroup;
    hf_cond_t until; /* repeat: no new iteration once this holds */
    int max;         /* repeat: iterations in all, the first included */
} hf_action_t;

typedef struct {
    hf_mark_t mark;       /* of the watched set's name */
    char *set_name;       /* the watched set, as written */
    int set;              /* ... resolved */
    double done_fraction; /* of its tasks done; 0 for no such condition */
    long done_count;      /* or this many; 0 for none */
    hf_cond_t result;     /* an expression over results; text NULL for none */
    hf_action_t *actions;
    int nactions;
} hf_rule_t;

/* Iterations a repeat makes when it names no `max`. */
#define HF_REPEAT_DEFAULT_MAX 100

/* Add a rule watching `set` (a name, resolved at finish) / an action to a
 * rule, zeroed but for defaults (fraction, cores, gpus 1; max the default).
 * Return NULL with ENOMEM. */
hf_rule_t *hf_workflow_add_rule(hf_workflow_t *wf, const char *set, hf_mark_t mark);
hf_action_t *hf_rule_add_action(hf_rule_t *rule, hf_action_kind_t kind, hf_mark_t mark);

int hf_workflow_nrules(const hf_workflow_t *wf);
const hf_rule_t *hf_workflow_rule(const hf_workflow_t *wf, int i);
hf_rule_t *hf_workflow_rule_mut(hf_workflow_t *wf, int i);

const char *hf_action_name(hf_action_kind_t kind);

/* What a condition aggregates over the numbers under a key of the results
 * of a set's done tasks. */
typedef enum { HF_AGG_MIN, HF_AGG_MAX, HF_AGG_MEAN, HF_AGG_SUM, HF_AGG_COUNT } hf_agg_t;

/* Aggregate `key` over the results of `set` (NULL: the rule's own set);
 * NaN when there are none (count: 0). */
typedef double (*hf_agg_f)(void *ctx, hf_agg_t agg, const char *set, const char *key);

/* The value of parsed condition c (its `parsed` not NULL), aggregates read
 * through `agg`: it holds when the value is a number other than 0 (NaN,
 * from an aggregate over no results, never holds). */
double hf_cond_eval(const hf_cond_t *c, hf_agg_f agg, void *ctx);

#endif

/* Rule storage: a workflow's rules and their actions as the loader adds
 * them (checked by rules_check.c once the sets are known). */
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "model.h"

static void cond_fini(hf_cond_t *c)
{
    free(c->text);
    expr_free(c->parsed);
}

static void rule_fini(hf_rule_t *r)
{
    free(r->set_name);
    cond_fini(&r->result);
    for (int i = 0; i < r->nactions; i++) {
        hf_action_t *a = &r->actions[i];
        free(a->set_name);
        for (int k = 0; k < a->ngroup; k++)
            free(a->group_names[k]);
        free(a->group_names);
        free(a->group_marks);
        free(a->group);
        cond_fini(&a->until);
    }
    free(r->actions);
}

hf_rule_t *hf_workflow_add_rule(hf_workflow_t *wf, const char *set, hf_mark_t mark)
{
    hf_rule_t *rules = realloc(wf->rules, (size_t)(wf->nrules + 1) * sizeof(*rules));
    hf_rule_t *r;

    if (!rules)
        return NULL;
    wf->rules = rules;
    r = &rules[wf->nrules];
    *r = (hf_rule_t){.mark = mark, .set = -1};
    if (!(r->set_name = strdup(set)))
        return NULL;
    wf->nrules++;
    return r;
}

hf_action_t *hf_rule_add_action(hf_rule_t *rule, hf_action_kind_t kind, hf_mark_t mark)
{
    hf_action_t *a = realloc(rule->actions, (size_t)(rule->nactions + 1) * sizeof(*a));

    if (!a)
        return NULL;
    rule->actions = a;
    a = &a[rule->nactions++];
    *a = (hf_action_t){.kind = kind,
                       .mark = mark,
                       .set = -1,
                       .fraction = 1,
                       .cores = 1,
                       .gpus = 1,
                       .max = HF_REPEAT_DEFAULT_MAX};
    return a;
}

int hf_workflow_nrules(const hf_workflow_t *wf)
{
    return wf->nrules;
}

const hf_rule_t *hf_workflow_rule(const hf_workflow_t *wf, int i)
{
    return &wf->rules[i];
}

hf_rule_t *hf_workflow_rule_mut(hf_workflow_t *wf, int i)
{
    return &wf->rules[i];
}

void rules_free(hf_workflow_t *wf)
{
    for (int i = 0; i < wf->nrules; i++)
        rule_fini(&wf->rules[i]);
    free(wf->rules);
}

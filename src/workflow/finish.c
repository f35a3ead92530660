/* Finishing a workflow: dependency and service names resolved, edges
 * checked, tasks numbered; the same for a set appended while it runs; and
 * whether the sets fit a platform. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "model.h"
#include "rules_check.h"
#include "util/str.h"

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

/* The services a set uses: known sets marked `service: true`; and a
 * function set's pool. */
static int resolve_uses(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    set_state_t *st = set_state(set);

    free(st->uses);
    st->nuses = 0;
    if (!(st->uses = malloc((size_t)set->nuses * sizeof(int) + 1))) {
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    for (int i = 0; i < set->nuses; i++) {
        char hint[STR_NEAR_HINT];
        int s = hf_workflow_find_set(wf, set->uses_names[i]);
        const char *why = s < 0                   ? "is not a set"
                          : !wf->sets[s]->service ? "is not a service (service: true)"
                          : wf->sets[s] == set    ? "is the set itself"
                          : set->service
                              ? "is used by a service (services may not use others)"
                              : NULL;
        if (why) {
            hf_error_at(
                err, wf->file, set->mark.line, set->mark.col,
                "set '%s' uses '%s', which %s%s", set->name, set->uses_names[i], why,
                s < 0 ? hf_workflow_near_set(wf, set->uses_names[i], hint, sizeof(hint))
                      : "");
            return -1;
        }
        st->uses[st->nuses++] = s;
    }
    return pools_resolve(wf, set, err);
}

static int resolve_deps(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    for (int j = 0; j < set->nafter; j++) {
        hf_dep_t *dep = &set->after[j];
        int p = hf_workflow_find_set(wf, dep->parent_name);
        char hint[STR_NEAR_HINT];

        if (p < 0) {
            hf_error_at(err, wf->file, dep->mark.line, dep->mark.col,
                        "set '%s' depends on unknown set '%s'%s", set->name,
                        dep->parent_name,
                        hf_workflow_near_set(wf, dep->parent_name, hint, sizeof(hint)));
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
            dep->threshold =
                dep->count > 0 ? dep->count : (long)ceil(dep->fraction * (double)tasks);
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
    return resolve_uses(wf, set, err);
}

int hf_workflow_finish(hf_workflow_t *wf, hf_error_t *err)
{
    long total = 0;

    if (wf->nsets == 0) {
        hf_error_at(err, wf->file, 0, 0, "workflow has no sets");
        goto inval;
    }
    for (int i = 0; i < wf->nsets; i++)
        if (set_templates_check(wf->sets[i], err) < 0)
            return -1;
    if (pools_add(wf, err) < 0 || files_link(wf, NULL, err) < 0)
        return -1;
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
    if (rules_check(wf, err) < 0)
        goto inval;
    wf->finished = true;
    return 0;
inval:
    errno = EINVAL;
    return -1;
}

int hf_workflow_append(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    char why[256];
    uint32_t *first;
    long total = hf_workflow_ntasks(wf) + set->tasks;

    if (!wf->finished) {
        hf_error_set(err, "set '%s': the workflow is not finished", set->name);
        errno = EINVAL;
        return -1;
    }
    if (hf_set_name_check(set->name, why, sizeof(why)) < 0) {
        hf_error_set(err, "%s", why);
        errno = EINVAL;
        return -1;
    }
    if (set->tasks < 1 || set->tasks > HF_MAX_TASKS_PER_SET ||
        total > HF_MAX_TOTAL_TASKS || set->cores < 1 || set->gpus < 0 || set->ranks < 1) {
        hf_error_set(err,
                     "set '%s': bad tasks, cores, GPUs or ranks, or more than %ld "
                     "tasks in all",
                     set->name, HF_MAX_TOTAL_TASKS);
        errno = EINVAL;
        return -1;
    }
    if (set->function && !set->workers.share) {
        hf_error_set(err,
                     "set '%s': a function set added while the workflow runs must share "
                     "the workers of one in the file (workers: NAME)",
                     set->name);
        errno = EINVAL;
        return -1;
    }
    if (set_templates_check(set, err) < 0 || pools_check(wf, set, err) < 0 ||
        files_link(wf, set, err) < 0 || resolve_deps(wf, set, err) < 0) {
        errno = EINVAL;
        return -1;
    }
    if (!(first = realloc(wf->first_task, (size_t)(wf->nsets + 2) * sizeof(uint32_t)))) {
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return -1;
    }
    wf->first_task = first;
    if (set_index_put(wf, set, err) < 0)
        return -1;
    first[wf->nsets] = first[wf->nsets - 1] + (uint32_t)set->tasks;
    return wf->nsets - 1;
}

int hf_set_check_platform(const hf_set_t *s, const char *file, const hf_platform_t *p,
                          hf_error_t *err)
{
    long ranks_per_node;

    if (s->cores > p->cores_per_node || s->gpus > p->gpus_per_node) {
        hf_error_at(err, file, s->mark.line, s->mark.col,
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
        hf_error_at(err, file, s->mark.line, s->mark.col,
                    "set '%s' asks %d ranks of %d cores and %d GPUs, but the "
                    "platform holds only %ld such ranks",
                    s->name, s->ranks, s->cores, s->gpus, ranks_per_node * p->nodes);
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int hf_workflow_check_platform(const hf_workflow_t *wf, const hf_platform_t *p,
                               hf_error_t *err)
{
    for (int i = 0; i < wf->nsets; i++)
        if (hf_set_check_platform(wf->sets[i], wf->file, p, err) < 0)
            return -1;
    return 0;
}

const int *hf_set_uses(const hf_set_t *set, int *n)
{
    *n = set_state(set)->nuses;
    return set_state(set)->uses;
}

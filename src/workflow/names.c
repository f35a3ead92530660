/* Name tables: modes, policies and rule actions as files and flags spell
 * them. */
#include <errno.h>
#include <string.h>

#include "hetflow/workflow.h"
#include "hetflow/workflow_rules.h"

static const char *const mode_names[] = {"sequential", "workload", "task"};
static const char *const policy_names[] = {"fifo", "critical-path", "heft", "tuned"};

const char *hf_action_name(hf_action_kind_t kind)
{
    static const char *const names[] = {"start", "cancel", "share", "repeat"};

    return names[kind];
}

const char *hf_mode_name(hf_mode_t mode)
{
    return mode_names[mode];
}

const char *hf_policy_name(hf_policy_t policy)
{
    return policy_names[policy];
}

static int parse_name(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    errno = EINVAL;
    return -1;
}

int hf_mode_parse(const char *s, hf_mode_t *mode)
{
    int i = parse_name(s, mode_names, 3);

    if (i >= 0)
        *mode = (hf_mode_t)i;
    return i < 0 ? -1 : 0;
}

int hf_policy_parse(const char *s, hf_policy_t *policy)
{
    int i = parse_name(s, policy_names, 4);

    if (i >= 0)
        *policy = (hf_policy_t)i;
    return i < 0 ? -1 : 0;
}

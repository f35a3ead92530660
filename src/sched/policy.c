/* The policies' features, one row each: a new policy says what it does
 * here rather than inheriting it from its place in the enum. */
#include "hetflow/sched.h"

static const hf_policy_features_t features[] = {
    [HF_POLICY_FIFO] = {.ranked = false},
    [HF_POLICY_CRITICAL_PATH] = {.ranked = true},
    [HF_POLICY_HEFT] = {.ranked = true, .task_ranks = true, .backfill = true},
    [HF_POLICY_TUNED] = {.ranked = true,
                         .task_ranks = true,
                         .backfill = true,
                         .tuned = true},
};

hf_policy_features_t hf_policy_features(hf_policy_t policy)
{
    if ((unsigned)policy >= sizeof(features) / sizeof(features[0]))
        return (hf_policy_features_t){0};
    return features[policy];
}

double hf_policy_rank_time(hf_policy_t policy, const hf_set_t *set,
                           const hf_platform_t *p)
{
    return hf_policy_features(policy).task_ranks ? set->duration_mean
                                                 : hf_set_model(set, p).t;
}

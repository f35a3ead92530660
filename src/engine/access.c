/* The engine's calls for bindings that do not mirror its structs
 * (python/hetflow/api.py): a config built from names, an executor to create
 * into, and a task's and the run's fields read by name, so that a change of
 * a struct is a change of this file, not a silent one of Python's. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hetflow/engine.h"

hf_engine_config_t *hf_engine_config_new(const char *mode, const char *policy,
                                         const hf_platform_t *p, hf_error_t *err)
{
    hf_engine_config_t *cfg = calloc(1, sizeof(*cfg));

    if (!cfg) {
        hf_error_set(err, "out of memory");
        return NULL;
    }
    cfg->platform = *p;
    if (hf_mode_parse(mode, &cfg->mode) < 0 ||
        hf_policy_parse(policy, &cfg->policy) < 0) {
        hf_error_set(err, "unknown mode '%s' or policy '%s'", mode, policy);
        free(cfg);
        errno = EINVAL;
        return NULL;
    }
    return cfg;
}

void hf_engine_config_free(hf_engine_config_t *cfg)
{
    free(cfg);
}

hf_executor_t *hf_executor_new(void)
{
    return calloc(1, sizeof(hf_executor_t));
}

void hf_executor_free(hf_executor_t *x)
{
    if (x && x->ops)
        hf_executor_destroy(x);
    free(x);
}

typedef struct {
    const char *name;
    double value;
} field_t;

/* The value of `name` among n fields. */
static double field_of(const field_t *fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fields[i].name, name) == 0)
            return fields[i].value;
    errno = EINVAL;
    return NAN;
}

double hf_engine_task_field(const hf_engine_t *e, uint32_t task, const char *field)
{
    hf_task_info_t t;

    if (task >= hf_engine_ntasks(e)) {
        errno = EINVAL;
        return NAN;
    }
    hf_engine_task(e, task, &t);
    const field_t fields[] = {
        {"group", t.group},         {"set", t.set},
        {"index", t.index},         {"state", t.state},
        {"status", t.status},       {"attempts", t.attempts},
        {"timed_out", t.timed_out}, {"cancel_cause", t.cancel_cause},
        {"ready", t.ready},         {"placed", t.placed},
        {"start", t.start},         {"end", t.end},
    };
    return field_of(fields, sizeof(fields) / sizeof(fields[0]), field);
}

double hf_engine_usage_field(const hf_engine_t *e, const char *field)
{
    hf_usage_t u;

    hf_engine_usage(e, &u);
    const field_t fields[] = {
        {"first_start", u.first_start},
        {"last_end", u.last_end},
        {"core_seconds", u.core_seconds},
        {"gpu_seconds", u.gpu_seconds},
    };
    return field_of(fields, sizeof(fields) / sizeof(fields[0]), field);
}

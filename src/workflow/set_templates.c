/* A set's placeholders checked where each stands (hetflow/template.h): the
 * loader checks a file's as it reads them, with their line; this check is
 * the one every set passes when a workflow is finished or a set appended,
 * so that sets made through the API or submitted while a workflow runs
 * meet the same rules. */
#include <errno.h>

#include "hetflow/template.h"
#include "model.h"

/* tmpl checked for `place`; the message names the set (a name names
 * itself). */
static int check(const hf_set_t *set, const char *tmpl, hf_template_place_t place,
                 hf_error_t *err)
{
    char why[HF_ERROR_MAX];

    if (hf_template_check(tmpl, place, why, sizeof(why)) == 0)
        return 0;
    if (place == HF_TEMPLATE_NAME)
        hf_error_set(err, "%s", why);
    else
        hf_error_set(err, "set '%s': %s", set->name, why);
    errno = EINVAL;
    return -1;
}

static int check_files(const hf_set_t *set, const hf_file_t *files, int n,
                       hf_template_place_t place, hf_error_t *err)
{
    for (int i = 0; i < n; i++)
        if (!files[i].literal && check(set, files[i].path, place, err) < 0)
            return -1;
    return 0;
}

int set_templates_check(const hf_set_t *set, hf_error_t *err)
{
    const set_state_t *st = set_state(set);

    if (!st->literal && check(set, st->name_template ? st->name_template : set->name,
                              HF_TEMPLATE_NAME, err) < 0)
        return -1;
    for (char **a = set->argv; a && *a; a++)
        if (check(set, *a, HF_TEMPLATE_ARGV, err) < 0)
            return -1;
    /* The args' text as a whole: a placeholder stands inside its strings,
     * and the braces of JSON are text to the check. */
    if ((set->shell && check(set, set->shell, HF_TEMPLATE_SHELL, err) < 0) ||
        (set->args && check(set, set->args, HF_TEMPLATE_ARGS, err) < 0))
        return -1;
    return check_files(set, set->inputs, set->ninputs, HF_TEMPLATE_INPUT, err) < 0
               ? -1
               : check_files(set, set->outputs, set->noutputs, HF_TEMPLATE_OUTPUT, err);
}

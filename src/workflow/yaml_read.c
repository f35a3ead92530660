/* Typed reading of libyaml nodes; see yaml_read.h. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "yaml_read.h"

char *ld_msg(loader_t *ld)
{
    return ld->scratch;
}

hf_mark_t ld_mark(const yaml_node_t *node)
{
    return (hf_mark_t){(int)node->start_mark.line + 1, (int)node->start_mark.column + 1};
}

int ld_fail(loader_t *ld, const yaml_node_t *node, const char *fmt, ...)
{
    char msg[sizeof(ld->err->text)];
    hf_mark_t m = ld_mark(node);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    hf_error_at(ld->err, ld->file, m.line, m.col, "%s", msg);
    errno = EINVAL;
    return -1;
}

int ld_template(loader_t *ld, const yaml_node_t *node, const char *tmpl,
                hf_template_place_t place)
{
    if (hf_template_check(tmpl, place, ld->scratch, sizeof(ld->scratch)) < 0)
        return ld_fail(ld, node, "%s", ld->scratch);
    return 0;
}

yaml_node_t *ld_node(loader_t *ld, int id)
{
    return yaml_document_get_node(ld->doc, id);
}

const char *ld_scalar(const yaml_node_t *node)
{
    return (const char *)node->data.scalar.value;
}

bool ld_is_plain(const yaml_node_t *node)
{
    return node->type == YAML_SCALAR_NODE &&
           node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

bool ld_is_null(const yaml_node_t *node)
{
    const char *s;

    if (!ld_is_plain(node))
        return false;
    s = ld_scalar(node);
    return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* YAML 1.2's core schema: true, True, TRUE and the same of false. */
static bool is_boolean(const char *s)
{
    return strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0 ||
           strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0;
}

/* A number as the core schema reads one closely enough: all of it a
 * strtod number with a digit in it (1, -2.5, 1e3, 0x1f), or .inf or .nan. */
static bool is_number(const char *s)
{
    char *end;

    if (strcmp(s + (*s == '-' || *s == '+'), ".inf") == 0 || strcmp(s, ".nan") == 0)
        return true;
    (void)strtod(s, &end);
    return end != s && !*end && strpbrk(s, "0123456789");
}

const char *ld_type_name(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a list";
    default:
        if (!ld_is_plain(node))
            return "a quoted string";
        return ld_is_null(node)              ? "null"
               : is_boolean(ld_scalar(node)) ? "a boolean"
               : is_number(ld_scalar(node))  ? "a number"
                                             : "a string";
    }
}

int ld_string(loader_t *ld, const yaml_node_t *node, const char *what, const char **out)
{
    if (node->type != YAML_SCALAR_NODE)
        return ld_fail(ld, node, "%s must be a string, not %s", what, ld_type_name(node));
    if (node->data.scalar.length == 0)
        return ld_fail(ld, node, "%s must not be empty", what);
    if (ld_is_null(node))
        return ld_fail(ld, node, "%s must be a string, not null", what);
    if (strlen(ld_scalar(node)) != node->data.scalar.length)
        return ld_fail(ld, node, "%s contains a NUL byte", what);
    *out = ld_scalar(node);
    return 0;
}

bool ld_is_text(const yaml_node_t *node)
{
    return node->type == YAML_SCALAR_NODE &&
           (!ld_is_plain(node) || (!ld_is_null(node) && !is_boolean(ld_scalar(node)) &&
                                   !is_number(ld_scalar(node))));
}

int ld_text(loader_t *ld, const yaml_node_t *node, const char *what, const char **out)
{
    if (!ld_is_text(node))
        return ld_fail(ld, node, "%s must be a string, not %s", what, ld_type_name(node));
    return ld_string(ld, node, what, out);
}

int ld_unknown(loader_t *ld, const yaml_node_t *node, const char *word,
               const char *const *known, const char *fmt, ...)
{
    /* What was written may be long: half the message at most, so that the
     * keys it could have been are all said. */
    char front[HF_ERROR_MAX / 2], list[HF_ERROR_MAX / 2], hint[STR_NEAR_HINT];
    str_near_t near = str_near(word);
    size_t n = 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(front, sizeof(front), fmt, ap);
    va_end(ap);
    for (const char *const *k = known; *k; k++)
        str_near_try(&near, *k);
    if (near.best)
        return ld_fail(ld, node, "%s%s", front, str_near_hint(&near, hint, sizeof(hint)));
    list[0] = '\0';
    for (const char *const *k = known; *k && n < sizeof(list); k++)
        n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", k == known ? "" : ", ",
                              *k);
    return ld_fail(ld, node, "%s (known: %s)", front, list);
}

int ld_enum(loader_t *ld, const yaml_node_t *node, const char *what,
            const char *const *names)
{
    const char *s;

    if (ld_string(ld, node, what, &s) < 0)
        return -1;
    for (int i = 0; names[i]; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return ld_unknown(ld, node, s, names, "unknown %s '%s'", what, s);
}

int ld_long(loader_t *ld, const yaml_node_t *node, const char *what, long min, long max,
            long *out)
{
    char *end;
    long v;

    if (!ld_is_plain(node))
        return ld_fail(ld, node, "%s must be an integer, not %s", what,
                       ld_type_name(node));
    errno = 0;
    v = strtol(ld_scalar(node), &end, 10);
    if (end == ld_scalar(node) || *end != '\0')
        return ld_fail(ld, node, "%s must be an integer, not '%s'", what,
                       ld_scalar(node));
    if (errno == ERANGE || v < min || v > max) {
        if (min == 1 && v < 1)
            return ld_fail(ld, node, "%s must be at least 1, not %s", what,
                           ld_scalar(node));
        return ld_fail(ld, node, "%s must be between %ld and %ld, not %s", what, min, max,
                       ld_scalar(node));
    }
    *out = v;
    return 0;
}

int ld_int(loader_t *ld, const yaml_node_t *node, const char *what, long min, long max,
           int *out)
{
    long v;

    if (ld_long(ld, node, what, min, max, &v) < 0)
        return -1;
    *out = (int)v;
    return 0;
}

int ld_bool(loader_t *ld, const yaml_node_t *node, const char *what, bool *out)
{
    const char *s;

    if (!ld_is_plain(node) || ld_is_null(node))
        return ld_fail(ld, node, "%s must be true or false, not %s", what,
                       ld_type_name(node));
    s = ld_scalar(node);
    if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
        return ld_fail(ld, node, "%s must be true or false, not '%s'", what, s);
    *out = s[0] == 't';
    return 0;
}

int ld_seconds(loader_t *ld, const yaml_node_t *node, const char *what, double *out)
{
    char *end;
    double v;

    if (!ld_is_plain(node))
        return ld_fail(ld, node, "%s must be a number of seconds, not %s", what,
                       ld_type_name(node));
    v = strtod(ld_scalar(node), &end);
    if (end == ld_scalar(node) || *end != '\0' || !isfinite(v))
        return ld_fail(ld, node, "%s must be a number of seconds, not '%s'", what,
                       ld_scalar(node));
    if (v < 0 || v > 1e12)
        return ld_fail(ld, node, "%s must be between 0 and 1e12 seconds, not %s", what,
                       ld_scalar(node));
    *out = v;
    return 0;
}

int ld_each_pair(loader_t *ld, yaml_node_t *map, const char *what, bool check_repeats,
                 ld_pair_f visit, void *arg)
{
    yaml_node_pair_t *start = map->data.mapping.pairs.start;
    yaml_node_pair_t *top = map->data.mapping.pairs.top;

    if (map->type != YAML_MAPPING_NODE)
        return ld_fail(ld, map, "%s must be a mapping, not %s", what, ld_type_name(map));
    for (yaml_node_pair_t *p = start; p < top; p++) {
        yaml_node_t *key = ld_node(ld, p->key);
        const char *name;

        if (ld_string(ld, key, "a key", &name) < 0)
            return -1;
        for (yaml_node_pair_t *q = start; check_repeats && q < p; q++) {
            if (strcmp(ld_scalar(ld_node(ld, q->key)), name) == 0)
                return ld_fail(ld, key, "key '%s' repeated in %s", name, what);
        }
        if (visit(ld, key, name, ld_node(ld, p->value), arg) < 0)
            return -1;
    }
    return 0;
}

int ld_number(loader_t *ld, const yaml_node_t *node, const char *what, double min,
              double max, double *out)
{
    char *end;
    double v;

    if (!ld_is_plain(node))
        return ld_fail(ld, node, "%s must be a number, not %s", what, ld_type_name(node));
    v = strtod(ld_scalar(node), &end);
    if (end == ld_scalar(node) || *end != '\0' || !isfinite(v))
        return ld_fail(ld, node, "%s must be a number, not '%s'", what, ld_scalar(node));
    if (v < min || v > max)
        return ld_fail(ld, node, "%s must be between %g and %g, not %s", what, min, max,
                       ld_scalar(node));
    *out = v;
    return 0;
}

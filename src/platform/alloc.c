/* Batch allocations; see alloc.h.  The host-list grammar is Slurm's:
 *
 *   list  := name ("," name)*
 *   name  := (text | "[" range ("," range)* "]")+
 *   range := NUM | NUM "-" NUM        (the width of the first NUM pads)
 *
 * expanded left to right, every bracket multiplying what came before. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hetflow/alloc.h"

typedef struct {
    char **v;
    int n, cap;
} strv_t;

static int strv_push(strv_t *s, char *str)
{
    if (!str)
        return -1;
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 16;
        char **v = realloc(s->v, (size_t)cap * sizeof(char *));
        if (!v) {
            free(str);
            return -1;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = str;
    return 0;
}

static void strv_free(strv_t *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    *s = (strv_t){0};
}

static int bad(hf_error_t *err, const char *list, size_t at, const char *why)
{
    hf_error_set(err, "host list '%.60s%s': %s at byte %zu", list,
                 strlen(list) > 60 ? "..." : "", why, at + 1);
    errno = EINVAL;
    return -1;
}

/* Every string of `in` followed by every one of `tails`, into *out. */
static int multiply(strv_t *in, const strv_t *tails, strv_t *out)
{
    if ((long)in->n * tails->n > HF_MAX_HOSTS)
        return -2;
    for (int i = 0; i < in->n; i++) {
        for (int k = 0; k < tails->n; k++) {
            size_t a = strlen(in->v[i]), b = strlen(tails->v[k]);
            char *s = malloc(a + b + 1);
            if (s) {
                memcpy(s, in->v[i], a);
                memcpy(s + a, tails->v[k], b + 1);
            }
            if (strv_push(out, s) < 0)
                return -1;
        }
    }
    return 0;
}

/* The ranges inside one pair of brackets, starting after '[' at *p. */
static int bracket(const char *list, const char **p, strv_t *out, hf_error_t *err)
{
    for (;;) {
        const char *start = *p;
        char *end;
        unsigned long lo, hi;
        int width;
        if (!isdigit((unsigned char)**p))
            return bad(err, list, (size_t)(*p - list), "expected a number");
        lo = hi = strtoul(start, &end, 10);
        width = (int)(end - start);
        *p = end;
        if (**p == '-') {
            (*p)++;
            if (!isdigit((unsigned char)**p))
                return bad(err, list, (size_t)(*p - list), "expected a number after '-'");
            hi = strtoul(*p, &end, 10);
            *p = end;
        }
        if (width > 18 || hi < lo || hi - lo >= (unsigned long)HF_MAX_HOSTS)
            return bad(err, list, (size_t)(start - list), "bad range");
        if ((long)(out->n + (hi - lo + 1)) > HF_MAX_HOSTS)
            return bad(err, list, (size_t)(start - list), "too many hosts");
        for (unsigned long v = lo; v <= hi; v++) {
            char num[32];
            snprintf(num, sizeof(num), "%0*lu", width, v);
            if (strv_push(out, strdup(num)) < 0)
                goto nomem;
        }
        if (**p == ']') {
            (*p)++;
            return 0;
        }
        if (**p != ',')
            return bad(err, list, (size_t)(*p - list), "expected ',' or ']'");
        (*p)++;
    }
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return -1;
}

/* One name, up to a top-level ',' or the end, expanded onto *hosts. */
static int name(const char *list, const char **p, strv_t *hosts, hf_error_t *err)
{
    strv_t acc = {0}, tails = {0}, next = {0};
    int rc = -1, m;

    if (strv_push(&acc, strdup("")) < 0)
        goto nomem;
    while (**p && **p != ',') {
        tails = (strv_t){0};
        if (**p == '[') {
            (*p)++;
            if (bracket(list, p, &tails, err) < 0)
                goto done;
        } else {
            size_t n = strcspn(*p, "[],");
            if (**p == ']') {
                bad(err, list, (size_t)(*p - list), "']' without '['");
                goto done;
            }
            if (strv_push(&tails, strndup(*p, n)) < 0)
                goto nomem;
            *p += n;
        }
        next = (strv_t){0};
        if ((m = multiply(&acc, &tails, &next)) < 0) {
            strv_free(&next);
            if (m == -2) {
                bad(err, list, (size_t)(*p - list), "too many hosts");
                goto done;
            }
            goto nomem;
        }
        strv_free(&acc);
        strv_free(&tails);
        acc = next;
    }
    if (acc.n == 1 && acc.v[0][0] == '\0') {
        bad(err, list, (size_t)(*p - list), "empty host name");
        goto done;
    }
    for (int i = 0; i < acc.n; i++) {
        if (hosts->n >= HF_MAX_HOSTS) {
            bad(err, list, (size_t)(*p - list), "too many hosts");
            goto done;
        }
        if (strv_push(hosts, acc.v[i]) < 0)
            goto nomem;
        acc.v[i] = NULL;
    }
    rc = 0;
    goto done;
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
done:
    strv_free(&acc);
    strv_free(&tails);
    return rc;
}

int hf_hostlist_expand(const char *list, char ***hosts, int *n, hf_error_t *err)
{
    strv_t out = {0};
    const char *p = list;

    while (isspace((unsigned char)*p))
        p++;
    if (!*p)
        return bad(err, list, 0, "empty");
    for (;;) {
        if (name(list, &p, &out, err) < 0) {
            strv_free(&out);
            return -1;
        }
        if (!*p)
            break;
        p++; /* the ',' between names */
    }
    *hosts = out.v;
    *n = out.n;
    return 0;
}

void hf_allocation_free(hf_allocation_t *a)
{
    for (int i = 0; a->hosts && i < a->nhosts; i++)
        free(a->hosts[i]);
    free(a->hosts);
    *a = (hf_allocation_t){0};
}

/* SLURM_JOB_CPUS_PER_NODE: "48(x4),32": the smallest count. */
static int slurm_cpus(const char *s)
{
    int min = -1;

    while (s && *s) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v <= 0)
            return -1;
        if (min < 0 || v < min)
            min = (int)v;
        s = end;
        if (*s == '(')
            s = strchr(s, ')') ? strchr(s, ')') + 1 : s + strlen(s);
        if (*s == ',')
            s++;
    }
    return min;
}

/* A count of GPUs: a number, or a list of ids "0,1,2" (SLURM_JOB_GPUS). */
static int gpu_count(const char *s)
{
    int n = 1;

    if (!s || !*s)
        return -1;
    if (!strchr(s, ','))
        return (int)strtol(s, NULL, 10);
    for (; *s; s++)
        n += *s == ',';
    return n;
}

static int from_slurm(hf_allocation_t *a, hf_error_t *err)
{
    const char *list = getenv("SLURM_JOB_NODELIST");
    const char *cpus = getenv("SLURM_JOB_CPUS_PER_NODE");
    const char *gpus = getenv("SLURM_GPUS_ON_NODE");

    if (!list)
        list = getenv("SLURM_NODELIST");
    if (!list)
        return 0;
    if (hf_hostlist_expand(list, &a->hosts, &a->nhosts, err) < 0)
        return -1;
    a->cores_per_node = cpus ? slurm_cpus(cpus) : -1;
    if (a->cores_per_node < 0 && getenv("SLURM_CPUS_ON_NODE"))
        a->cores_per_node = atoi(getenv("SLURM_CPUS_ON_NODE"));
    a->gpus_per_node = gpus ? gpu_count(gpus) : gpu_count(getenv("SLURM_JOB_GPUS"));
    snprintf(a->source, sizeof(a->source), "slurm");
    return 1;
}

/* A file of host names, one per slot or with a count: "host", "host
 * slots=N", "host:N"; '#' starts a comment.  Hosts keep the order they are
 * first named in; each one's slots add up; cores per node is the least. */
static int from_file(hf_allocation_t *a, const char *path, const char *source,
                     hf_error_t *err)
{
    FILE *f = fopen(path, "r");
    strv_t hosts = {0};
    int *slots = NULL, line = 0;
    char buf[1024];

    if (!f) {
        hf_error_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    while (fgets(buf, sizeof(buf), f)) {
        char *p = buf, *host, *count;
        long n = 1;
        int i;
        line++;
        if (!strchr(buf, '\n') && !feof(f)) {
            hf_error_at(err, path, line, 1, "line longer than %zu bytes",
                        sizeof(buf) - 1);
            goto error;
        }
        p[strcspn(p, "#\n")] = '\0';
        if (!(host = strtok(p, " \t")))
            continue;
        if ((count = strchr(host, ':')))
            *count++ = '\0';
        else if ((count = strtok(NULL, " \t")) && strncmp(count, "slots=", 6) == 0)
            count += 6;
        else if (count) {
            hf_error_at(err, path, line, (int)(count - buf) + 1, "expected 'slots=N'");
            goto error;
        }
        if (count) {
            char *end;
            n = strtol(count, &end, 10);
            if (end == count || *end || n < 1 || n > HF_PLATFORM_MAX_CORES) {
                hf_error_at(err, path, line, (int)(count - buf) + 1,
                            "slots must be 1 to %d", HF_PLATFORM_MAX_CORES);
                goto error;
            }
        }
        for (i = 0; i < hosts.n && strcmp(hosts.v[i], host) != 0; i++)
            ;
        if (i == hosts.n) {
            int *more = realloc(slots, (size_t)(hosts.n + 1) * sizeof(int));
            if (more)
                slots = more;
            if (!more || hosts.n >= HF_MAX_HOSTS || strv_push(&hosts, strdup(host)) < 0) {
                hf_error_set(err, "%s: out of memory or too many hosts", path);
                goto error;
            }
            slots[i] = 0;
        }
        slots[i] = slots[i] + (int)n > HF_PLATFORM_MAX_CORES ? HF_PLATFORM_MAX_CORES
                                                             : slots[i] + (int)n;
    }
    if (hosts.n == 0) {
        hf_error_at(err, path, 0, 0, "no hosts");
        goto error;
    }
    a->hosts = hosts.v;
    a->nhosts = hosts.n;
    a->cores_per_node = slots[0];
    for (int i = 1; i < hosts.n; i++)
        if (slots[i] < a->cores_per_node)
            a->cores_per_node = slots[i];
    a->gpus_per_node = -1;
    snprintf(a->source, sizeof(a->source), "%s", source);
    free(slots);
    fclose(f);
    return 1;
error:
    errno = EINVAL;
    strv_free(&hosts);
    free(slots);
    fclose(f);
    return -1;
}

int hf_allocation_detect(hf_allocation_t *a, const char *hostfile, hf_error_t *err)
{
    int rc;

    *a = (hf_allocation_t){0};
    if (hostfile)
        rc = from_file(a, hostfile, "hostfile", err);
    else if ((rc = from_slurm(a, err)) == 0 && getenv("PBS_NODEFILE"))
        rc = from_file(a, getenv("PBS_NODEFILE"), "pbs", err);
    else if (rc == 0 && getenv("LSB_DJOB_HOSTFILE"))
        rc = from_file(a, getenv("LSB_DJOB_HOSTFILE"), "lsf", err);
    if (rc <= 0)
        hf_allocation_free(a);
    return rc;
}

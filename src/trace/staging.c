/* What staging cost a run: bytes moved in and out (in all and per set),
 * seconds the stagings took (summed, and the time at least one moved), and
 * how much of that time compute ran beside it: with synchronous staging a
 * workflow's tasks wait on their files with nothing else to do, with
 * asynchronous staging others compute meanwhile. */
#include <math.h>
#include <stdlib.h>

#include "hetflow/trace.h"

typedef struct {
    double start, end;
} span_t;

static int by_start(const void *a, const void *b)
{
    double x = ((const span_t *)a)->start, y = ((const span_t *)b)->start;

    return (x > y) - (x < y);
}

/* Merge spans into their union, in place, in time order; returns how many. */
static size_t merge(span_t *v, size_t n)
{
    size_t k = 0;

    qsort(v, n, sizeof(*v), by_start);
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && v[i].start <= v[k - 1].end)
            v[k - 1].end = fmax(v[k - 1].end, v[i].end);
        else
            v[k++] = v[i];
    }
    return k;
}

static double length(const span_t *v, size_t n)
{
    double sum = 0;

    for (size_t i = 0; i < n; i++)
        sum += v[i].end - v[i].start;
    return sum;
}

/* The length of the intersection of two unions. */
static double common(const span_t *a, size_t na, const span_t *b, size_t nb)
{
    double sum = 0;

    for (size_t i = 0, j = 0; i < na && j < nb;) {
        double lo = fmax(a[i].start, b[j].start), hi = fmin(a[i].end, b[j].end);
        if (hi > lo)
            sum += hi - lo;
        if (a[i].end < b[j].end)
            i++;
        else
            j++;
    }
    return sum;
}

int hf_staging_compute(const hf_engine_t *e, hf_staging_summary_t *out)
{
    uint32_t n = hf_engine_ntasks(e);
    span_t *moving = malloc(2 * (size_t)n * sizeof(span_t) + 1);
    span_t *computing = malloc((size_t)n * sizeof(span_t) + 1);
    size_t nm = 0, nc = 0;

    *out = (hf_staging_summary_t){0};
    if (!moving || !computing) {
        free(moving);
        free(computing);
        return -1;
    }
    for (uint32_t id = 0; id < n; id++) {
        hf_task_staging_t st;
        hf_task_info_t t;
        hf_engine_task(e, id, &t);
        bool staged = hf_engine_task_staging(e, id, &st);
        const hf_set_t *spec = hf_engine_group_spec(e, t.group);
        if (t.start >= 0 && !(spec && hf_set_pool(spec) >= 0)) { /* not a call */
            double end = staged && st.compute_end >= 0 ? st.compute_end : t.end;
            if (end >= t.start)
                computing[nc++] = (span_t){t.start, end};
        }
        if (!staged)
            continue;
        out->staged = true;
        if (st.in_start >= 0 && st.in_end >= st.in_start)
            moving[nm++] = (span_t){st.in_start, st.in_end};
        if (st.out_start >= 0 && st.out_end >= st.out_start)
            moving[nm++] = (span_t){st.out_start, st.out_end};
        out->bytes_in += st.bytes_in;
        out->bytes_out += st.bytes_out;
    }
    for (size_t i = 0; i < nm; i++)
        out->seconds += moving[i].end - moving[i].start;
    nm = merge(moving, nm);
    nc = merge(computing, nc);
    out->busy = length(moving, nm);
    out->overlap = out->busy > 0 ? common(moving, nm, computing, nc) / out->busy : 0;
    free(moving);
    free(computing);
    return 0;
}

static json_t *rounded(double v)
{
    return json_real(round(v * 1e6) / 1e6);
}

json_t *hf_staging_json(const hf_engine_t *e, const hf_staging_summary_t *s)
{
    json_t *sets = json_object();

    for (int g = 0; sets && g < hf_engine_ngroups(e); g++) {
        const hf_set_t *set = hf_engine_group_spec(e, g);
        hf_set_staging_t st;
        if (!set || (set->stage.in == HF_STAGE_NONE && set->stage.out == HF_STAGE_NONE))
            continue;
        hf_engine_staging_of_group(e, g, &st);
        json_object_set_new(sets, set->name,
                            json_pack("{s:o,s:o,s:o}", "bytes_in", rounded(st.bytes_in),
                                      "bytes_out", rounded(st.bytes_out), "seconds",
                                      rounded(st.seconds)));
    }
    if (!sets)
        return NULL;
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "bytes_in", rounded(s->bytes_in),
                     "bytes_out", rounded(s->bytes_out), "seconds", rounded(s->seconds),
                     "busy", rounded(s->busy), "overlap", rounded(s->overlap), "sets",
                     sets);
}

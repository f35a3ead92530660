/* Fair sharing of the simulator's links; see flows.h.
 *
 * Every flow crosses the shared link (when it is limited) and its node's
 * link (when that is limited and the node known).  Max-min fairness by
 * progressive filling: the node groups whose fair share of their own link
 * is below the shared link's fair share among the flows still unfixed are
 * fixed at that share, tightest first (most flows per node first, as every
 * node link has the same bandwidth); the flows left split what remains of
 * the shared link equally.  O(n log n) in the flows in flight, which the
 * staging cap bounds. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "flows.h"
#include "util/grow.h"

void flows_init(flows_t *f)
{
    *f = (flows_t){0};
}

void flows_fini(flows_t *f)
{
    free(f->v);
    free(f->order);
}

void flows_advance(flows_t *f, double now)
{
    double dt = now - f->at;

    /* A flow over no limited link (no bandwidth given) moves at once: it
     * ends at the time it started, where dt is 0. */
    for (size_t i = 0; i < f->n; i++) {
        flow_t *x = &f->v[i];
        if (isinf(x->rate))
            x->left = 0;
        else if (dt > 0)
            x->left = fmax(0, x->left - x->rate * dt);
    }
    if (now > f->at)
        f->at = now;
}

int flows_add(flows_t *f, uint32_t task, int node, double bytes)
{
    if (grow_room((void **)&f->v, &f->cap, f->n + 1, sizeof(flow_t)) < 0)
        return -1;
    f->v[f->n++] = (flow_t){task, node, bytes, bytes, 0};
    f->dirty = true;
    return 0;
}

bool flows_remove(flows_t *f, uint32_t task, double *moved)
{
    for (size_t i = 0; i < f->n; i++) {
        if (f->v[i].task != task)
            continue;
        *moved = f->v[i].total - f->v[i].left;
        f->v[i] = f->v[--f->n];
        f->dirty = true;
        return true;
    }
    return false;
}

static int by_node(const void *a, const void *b)
{
    int x = ((const flow_ref_t *)a)->node, y = ((const flow_ref_t *)b)->node;

    return (x > y) - (x < y);
}

/* Node groups of flows: [start, end) in f->order, by decreasing size. */
typedef struct {
    size_t start, end;
} group_t;

static int by_size(const void *a, const void *b)
{
    const group_t *x = a, *y = b;
    size_t nx = x->end - x->start, ny = y->end - y->start;

    return (nx < ny) - (nx > ny);
}

static int share(flows_t *f)
{
    bool shared = f->bw_shared > 0, node = f->bw_node > 0;
    double left = f->bw_shared; /* of the shared link */
    size_t unfixed = f->n, ngroups = 0;
    group_t *groups;

    f->dirty = false;
    if (grow_room((void **)&f->order, &f->order_cap, f->n, sizeof(flow_ref_t)) < 0 ||
        !(groups = malloc((f->n + 1) * sizeof(group_t))))
        return -1;
    for (size_t i = 0; i < f->n; i++)
        f->order[i] = (flow_ref_t){f->v[i].node, i};
    qsort(f->order, f->n, sizeof(flow_ref_t), by_node);
    for (size_t i = 0; i < f->n;) {
        size_t j = i;
        while (j < f->n && f->order[j].node == f->order[i].node)
            j++;
        if (node && f->order[i].node >= 0)
            groups[ngroups++] = (group_t){i, j};
        i = j;
    }
    qsort(groups, ngroups, sizeof(group_t), by_size);
    for (size_t g = 0; g < ngroups; g++) {
        size_t k = groups[g].end - groups[g].start;
        double own = f->bw_node / (double)k;
        if (shared && own >= left / (double)unfixed)
            break; /* the shared link binds the rest */
        for (size_t i = groups[g].start; i < groups[g].end; i++)
            f->v[f->order[i].i].rate = -own; /* fixed: marked negative for now */
        left -= own * (double)k;
        unfixed -= k;
    }
    for (size_t i = 0; i < f->n; i++) {
        flow_t *x = &f->v[i];
        if (x->rate < 0)
            x->rate = -x->rate;
        else
            x->rate = shared ? left / (double)unfixed : INFINITY;
    }
    free(groups);
    return 0;
}

double flows_next_end(flows_t *f)
{
    double next = -1;

    if (f->dirty && share(f) < 0)
        return -2; /* no memory: the caller reports it */
    for (size_t i = 0; i < f->n; i++) {
        double end = f->v[i].left <= 0 || isinf(f->v[i].rate)
                         ? f->at
                         : f->at + f->v[i].left / f->v[i].rate;
        if (next < 0 || end < next)
            next = end;
    }
    return next;
}

/* Bytes left that count as none: rounding in rate x time. */
static bool ended(const flow_t *x)
{
    return x->left <= 1e-9 * x->total + 1e-6;
}

bool flows_take_done(flows_t *f, uint32_t *task, double *bytes)
{
    for (size_t i = 0; i < f->n; i++) {
        if (!ended(&f->v[i]))
            continue;
        *task = f->v[i].task;
        *bytes = f->v[i].total;
        f->v[i] = f->v[--f->n];
        f->dirty = true;
        return true;
    }
    return false;
}

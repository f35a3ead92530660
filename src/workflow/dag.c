/* DAG facts over a workflow's sets: topological order (Kahn), the cycle that
 * stops one, levels, children, pipelines (union-find), the transitive closure
 * as bit rows, and the largest antichain (Dilworth's theorem: n minus a
 * maximum matching on the closure, with the members read off König's cover). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hetflow/dag.h"
#include "util/strmap.h"

struct hf_dag {
    const hf_workflow_t *wf;
    int n;
    int *topo;
    int *level;
    int nlevels;
    int *child_off; /* n + 1: children of s are child[child_off[s] ..] */
    hf_edge_t *child;
    int *pipeline;
    int npipelines;
    uint64_t *reach; /* n rows of `words` words, built on first use */
    size_t words;
};

hf_edge_t hf_dep_edge(const hf_dep_t *dep, int child)
{
    return (hf_edge_t){child, dep->map, dep->threshold};
}

static int build_children(hf_dag_t *d)
{
    int *fill;

    if (!(d->child_off = calloc((size_t)d->n + 1, sizeof(int))))
        return -1;
    for (int s = 0; s < d->n; s++) {
        const hf_set_t *set = hf_workflow_get_set(d->wf, s);
        for (int j = 0; j < set->nafter; j++)
            d->child_off[set->after[j].parent + 1]++;
    }
    for (int s = 0; s < d->n; s++)
        d->child_off[s + 1] += d->child_off[s];
    if (!(d->child = malloc(((size_t)d->child_off[d->n] + 1) * sizeof(hf_edge_t))))
        return -1;
    if (!(fill = malloc((size_t)d->n * sizeof(int))))
        return -1;
    memcpy(fill, d->child_off, (size_t)d->n * sizeof(int));
    for (int s = 0; s < d->n; s++) {
        const hf_set_t *set = hf_workflow_get_set(d->wf, s);
        for (int j = 0; j < set->nafter; j++) {
            int p = set->after[j].parent;
            d->child[fill[p]++] = hf_dep_edge(&set->after[j], s);
        }
    }
    free(fill);
    return 0;
}

/* Every set left out of a topological order has a parent also left out, so
 * walking parents from any of them comes back to a set already on the walk;
 * the walk from there is the cycle, child to parent.  Printed reversed, it
 * reads in the direction of the edges. */
static void name_cycle(hf_dag_t *d, const int *indeg, hf_error_t *err)
{
    const char *file = hf_workflow_file(d->wf);
    int *pos = malloc((size_t)d->n * sizeof(int));
    int *walk = malloc((size_t)d->n * sizeof(int));
    hf_mark_t *via = malloc((size_t)d->n * sizeof(hf_mark_t));
    char names[sizeof(err->text)] = "";
    size_t len = 0;
    int s = 0, nwalk = 0, first;

    if (!pos || !walk || !via) {
        hf_error_at(err, file, 0, 0, "the sets' dependencies form a cycle");
        goto done;
    }
    for (int i = 0; i < d->n; i++)
        pos[i] = -1;
    while (indeg[s] == 0)
        s++;
    while (pos[s] < 0) {
        const hf_set_t *set = hf_workflow_get_set(d->wf, s);
        pos[s] = nwalk;
        walk[nwalk] = s;
        for (int j = 0; j < set->nafter; j++) {
            if (indeg[set->after[j].parent] > 0) {
                via[nwalk] = set->after[j].mark;
                s = set->after[j].parent;
                break;
            }
        }
        nwalk++;
    }
    first = pos[s];
    /* Names along the edges; a cycle too long for one line is cut, saying
     * so, rather than closed with an edge it does not have. */
    size_t room =
        sizeof(names) - (file ? strlen(file) : 0) - 60; /* the prefix, the cut */
    for (int i = nwalk - 1; i >= first; i--) {
        const char *name = hf_workflow_get_set(d->wf, walk[i])->name;
        if (len + strlen(name) + 4 > room || room > sizeof(names)) {
            snprintf(names + len, sizeof(names) - len, "... (%d sets in all)",
                     nwalk - first);
            len = sizeof(names);
            break;
        }
        len += (size_t)snprintf(names + len, sizeof(names) - len, "%s -> ", name);
    }
    if (len < sizeof(names))
        snprintf(names + len, sizeof(names) - len, "%s",
                 hf_workflow_get_set(d->wf, walk[nwalk - 1])->name);
    hf_error_at(err, file, via[nwalk - 1].line, via[nwalk - 1].col,
                "dependency cycle: %s", names);
done:
    free(pos);
    free(walk);
    free(via);
}

static int build_topo(hf_dag_t *d, hf_error_t *err)
{
    int *indeg = calloc((size_t)d->n, sizeof(int));
    int head = 0, tail = 0;

    if (!indeg || !(d->topo = malloc((size_t)d->n * sizeof(int))) ||
        !(d->level = calloc((size_t)d->n, sizeof(int)))) {
        free(indeg);
        return -1;
    }
    for (int s = 0; s < d->n; s++) {
        indeg[s] = hf_workflow_get_set(d->wf, s)->nafter;
        if (indeg[s] == 0)
            d->topo[tail++] = s;
    }
    while (head < tail) {
        int s = d->topo[head++];
        for (int k = d->child_off[s]; k < d->child_off[s + 1]; k++) {
            int c = d->child[k].set;
            if (d->level[c] < d->level[s] + 1)
                d->level[c] = d->level[s] + 1;
            if (--indeg[c] == 0)
                d->topo[tail++] = c;
        }
    }
    if (tail < d->n) {
        name_cycle(d, indeg, err);
        free(indeg);
        errno = EINVAL;
        return -1;
    }
    for (int s = 0; s < d->n; s++)
        if (d->level[s] + 1 > d->nlevels)
            d->nlevels = d->level[s] + 1;
    free(indeg);
    return 0;
}

static int uf_find(int *parent, int x)
{
    while (parent[x] != x)
        x = parent[x] = parent[parent[x]];
    return x;
}

static void uf_union(int *parent, int a, int b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a != b)
        parent[a > b ? a : b] = a < b ? a : b; /* root is the earliest set */
}

static int build_pipelines(hf_dag_t *d)
{
    int *uf = malloc((size_t)d->n * sizeof(int));
    int *id = malloc((size_t)d->n * sizeof(int));
    strmap_t labels;
    int rc = -1;

    strmap_init(&labels);
    if (!uf || !id || !(d->pipeline = malloc((size_t)d->n * sizeof(int))))
        goto done;
    for (int s = 0; s < d->n; s++)
        uf[s] = s;
    for (int s = 0; s < d->n; s++) {
        const hf_set_t *set = hf_workflow_get_set(d->wf, s);
        if (set->pipeline) {
            int first = strmap_get(&labels, set->pipeline);
            if (first >= 0)
                uf_union(uf, first, s);
            else if (strmap_put(&labels, set->pipeline, s) < 0)
                goto done;
            continue;
        }
        /* The default cut keeps an edge only out of a set with one child. */
        if (hf_dag_nchildren(d, s) == 1) {
            int c = d->child[d->child_off[s]].set;
            if (!hf_workflow_get_set(d->wf, c)->pipeline)
                uf_union(uf, s, c);
        }
    }
    for (int s = 0; s < d->n; s++)
        id[s] = -1;
    for (int s = 0; s < d->n; s++) {
        int root = uf_find(uf, s);
        if (id[root] < 0)
            id[root] = d->npipelines++;
        d->pipeline[s] = id[root];
    }
    rc = 0;
done:
    strmap_fini(&labels);
    free(uf);
    free(id);
    return rc;
}

hf_dag_t *hf_dag_create(const hf_workflow_t *wf, hf_error_t *err)
{
    hf_dag_t *d = calloc(1, sizeof(*d));

    if (!d)
        goto nomem;
    d->wf = wf;
    d->n = hf_workflow_nsets(wf);
    if (build_children(d) < 0)
        goto nomem;
    if (build_topo(d, err) < 0) {
        if (errno == EINVAL) {
            hf_dag_destroy(d);
            errno = EINVAL;
            return NULL;
        }
        goto nomem;
    }
    if (build_pipelines(d) < 0)
        goto nomem;
    return d;
nomem:
    hf_dag_destroy(d);
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return NULL;
}

void hf_dag_destroy(hf_dag_t *d)
{
    int saved = errno;

    if (!d)
        return;
    free(d->topo);
    free(d->level);
    free(d->child_off);
    free(d->child);
    free(d->pipeline);
    free(d->reach);
    free(d);
    errno = saved;
}

int hf_dag_nsets(const hf_dag_t *d)
{
    return d->n;
}

const int *hf_dag_topo(const hf_dag_t *d)
{
    return d->topo;
}

int hf_dag_level(const hf_dag_t *d, int set)
{
    return d->level[set];
}

int hf_dag_nlevels(const hf_dag_t *d)
{
    return d->nlevels;
}

int hf_dag_nchildren(const hf_dag_t *d, int set)
{
    return d->child_off[set + 1] - d->child_off[set];
}

int hf_dag_pipeline(const hf_dag_t *d, int set)
{
    return d->pipeline[set];
}

int hf_dag_npipelines(const hf_dag_t *d)
{
    return d->npipelines;
}

void hf_dag_upward_rank(const hf_dag_t *d, const double *w, double *rank)
{
    for (int i = d->n - 1; i >= 0; i--) {
        int s = d->topo[i];
        double best = 0;
        for (int k = d->child_off[s]; k < d->child_off[s + 1]; k++)
            if (rank[d->child[k].set] > best)
                best = rank[d->child[k].set];
        rank[s] = w[s] + best;
    }
}

static uint64_t *reach_row(const hf_dag_t *d, int s)
{
    return d->reach + (size_t)s * d->words;
}

static int build_reach(hf_dag_t *d)
{
    d->words = ((size_t)d->n + 63) / 64;
    if (!(d->reach = calloc((size_t)d->n * d->words, sizeof(uint64_t))))
        return -1;
    for (int i = d->n - 1; i >= 0; i--) {
        int s = d->topo[i];
        uint64_t *row = reach_row(d, s);
        for (int k = d->child_off[s]; k < d->child_off[s + 1]; k++) {
            int c = d->child[k].set;
            const uint64_t *crow = reach_row(d, c);
            row[c / 64] |= 1ULL << (c % 64);
            for (size_t w = 0; w < d->words; w++)
                row[w] |= crow[w];
        }
    }
    return 0;
}

bool hf_dag_reaches(hf_dag_t *d, int a, int b)
{
    if (!d->reach && build_reach(d) < 0)
        return false;
    return (reach_row(d, a)[b / 64] >> (b % 64)) & 1;
}

typedef struct {
    hf_dag_t *d;
    int *match_left;  /* right vertex matched to left u, or -1 */
    int *match_right; /* left vertex matched to right v, or -1 */
    uint64_t *visited;
} matching_t;

/* Kuhn's augmenting path from left vertex u over closure edges u -> v.
 * Recursion depth is bounded by the matching's size (at most n). */
static bool augment(matching_t *m, int u)
{
    const uint64_t *row = reach_row(m->d, u);

    for (size_t w = 0; w < m->d->words; w++) {
        uint64_t cand = row[w] & ~m->visited[w];
        while (cand) {
            int v = (int)(w * 64) + __builtin_ctzll(cand);
            cand &= cand - 1;
            m->visited[w] |= 1ULL << (v % 64);
            if (m->match_right[v] < 0 || augment(m, m->match_right[v])) {
                m->match_left[u] = v;
                m->match_right[v] = u;
                return true;
            }
        }
    }
    return false;
}

/* König: Z = vertices reached from unmatched left vertices by alternating
 * paths.  x is in the antichain when its left copy is in Z and its right
 * copy is not. */
static int read_antichain(matching_t *m, int *members)
{
    hf_dag_t *d = m->d;
    int n = d->n, count = 0, head = 0, tail = 0;
    bool *left_z = calloc((size_t)n, sizeof(bool));
    bool *right_z = calloc((size_t)n, sizeof(bool));
    int *queue = malloc((size_t)n * sizeof(int));

    if (!left_z || !right_z || !queue) {
        count = -1;
        goto done;
    }
    for (int u = 0; u < n; u++) {
        if (m->match_left[u] < 0) {
            left_z[u] = true;
            queue[tail++] = u;
        }
    }
    while (head < tail) {
        int u = queue[head++];
        for (int v = 0; v < n; v++) {
            if (!right_z[v] && hf_dag_reaches(d, u, v)) {
                int u2 = m->match_right[v];
                right_z[v] = true;
                if (u2 >= 0 && !left_z[u2]) {
                    left_z[u2] = true;
                    queue[tail++] = u2;
                }
            }
        }
    }
    for (int x = 0; x < n; x++)
        if (left_z[x] && !right_z[x] && members)
            members[count++] = x;
        else if (left_z[x] && !right_z[x])
            count++;
done:
    free(left_z);
    free(right_z);
    free(queue);
    if (count < 0)
        errno = ENOMEM;
    return count;
}

int hf_dag_max_antichain(hf_dag_t *d, int *members)
{
    matching_t m = {.d = d};
    int count = -1;

    if (!d->reach && build_reach(d) < 0)
        goto done;
    m.match_left = malloc((size_t)d->n * sizeof(int));
    m.match_right = malloc((size_t)d->n * sizeof(int));
    m.visited = malloc(d->words * sizeof(uint64_t));
    if (!m.match_left || !m.match_right || !m.visited)
        goto done;
    for (int s = 0; s < d->n; s++)
        m.match_left[s] = m.match_right[s] = -1;
    for (int u = 0; u < d->n; u++) {
        memset(m.visited, 0, d->words * sizeof(uint64_t));
        augment(&m, u);
    }
    count = read_antichain(&m, members);
done:
    free(m.match_left);
    free(m.match_right);
    free(m.visited);
    if (count < 0)
        errno = ENOMEM;
    return count;
}

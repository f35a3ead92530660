/* The simulator's data transfers: flows of bytes over the shared
 * filesystem's link and each node's link to it, which the flows in flight
 * share fairly (max-min: no flow can go faster without slowing one that is
 * no faster than it). */
#ifndef HETFLOW_EXEC_FLOWS_H
#define HETFLOW_EXEC_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t task;
    int node; /* -1: no node link */
    double total, left, rate;
} flow_t;

typedef struct {
    int node;
    size_t i;
} flow_ref_t;

typedef struct {
    double bw_shared, bw_node; /* bytes/s, 0 or less: unlimited */
    flow_t *v;
    size_t n, cap;
    double at;         /* the time the flows' `left` are as of */
    bool dirty;        /* flows came or went: rates to share again */
    flow_ref_t *order; /* scratch: flows by node */
    size_t order_cap;
} flows_t;

void flows_init(flows_t *f);
void flows_fini(flows_t *f);
/* Bring every flow's bytes left to time `now` at its rate. */
void flows_advance(flows_t *f, double now);
/* A flow of `bytes` for task's staging, starting at f->at.  Returns 0, or
 * -1 with ENOMEM. */
int flows_add(flows_t *f, uint32_t task, int node, double bytes);
/* Stop task's flow; *moved gets its bytes moved so far.  Returns whether
 * it had one. */
bool flows_remove(flows_t *f, uint32_t task, double *moved);
/* When the next flow ends (after sharing the links again if flows came or
 * went), or a negative number when none moves. */
double flows_next_end(flows_t *f);
/* Take a flow that has ended (as of f->at).  Returns whether there was one. */
bool flows_take_done(flows_t *f, uint32_t *task, double *bytes);

#endif

/* The rule-expression language: arithmetic and comparisons over
 * aggregates of task results, combined with and/or/not.
 *
 *   expr    := or
 *   or      := and ("or" and)*
 *   and     := not ("and" not)*
 *   not     := "not" not | cmp
 *   cmp     := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
 *   sum     := product (("+" | "-") product)*
 *   product := unary (("*" | "/") unary)*
 *   unary   := "-" unary | primary
 *   primary := NUMBER | "(" expr ")" | AGG "(" [SET "."] KEY ")"
 *   AGG     := "min" | "max" | "mean" | "sum" | "count"
 *
 * Truth is a number not 0; an aggregate over no results is undefined (NaN),
 * and a comparison with NaN is false, so a rule waits until results exist.
 * Parsed once into a flat tree; evaluated as often as tasks end. */
#ifndef HETFLOW_WORKFLOW_EXPR_H
#define HETFLOW_WORKFLOW_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "hetflow/workflow_rules.h" /* hf_agg_t, hf_agg_f */

typedef struct expr expr_t;

/* Parse text.  Returns the expression, or NULL with `*where` the byte offset
 * of the error in text and `why` a message. */
expr_t *expr_parse(const char *text, size_t *where, char *why, size_t why_len);
void expr_free(expr_t *e);

double expr_eval(const expr_t *e, hf_agg_f agg, void *ctx);

/* Call cb on every set name the expression mentions (to check they exist). */
void expr_sets(const expr_t *e, void (*cb)(const char *set, void *arg), void *arg);

#endif

/* The rule-expression parser and evaluator; see expr.h for the grammar.
 * Recursive descent over a hand-sized grammar: no library parses this
 * language, and depth is bounded (MAX_DEPTH) so no input can exhaust the
 * stack. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

#define MAX_DEPTH 64
#define MAX_NODES 4096

typedef enum { N_NUM, N_AGG, N_NEG, N_NOT, N_BIN } kind_t;

typedef struct {
    kind_t kind;
    int op; /* N_BIN: one of the operator codes below */
    int left, right;
    double num;
    hf_agg_t agg;
    char *set, *key;
} node_t;

struct expr {
    node_t *nodes;
    int n, cap, root;
};

enum {
    OP_OR = 1,
    OP_AND,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_EQ,
    OP_NE,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV
};

typedef struct {
    const char *text;
    size_t pos;
    int depth;
    expr_t *e;
    char *why;
    size_t why_len;
    bool failed;
} parser_t;

static int fail(parser_t *p, const char *msg)
{
    if (!p->failed)
        snprintf(p->why, p->why_len, "%s", msg);
    p->failed = true;
    return -1;
}

static void skip_space(parser_t *p)
{
    while (isspace((unsigned char)p->text[p->pos]))
        p->pos++;
}

static bool accept(parser_t *p, const char *tok)
{
    size_t n = strlen(tok);

    skip_space(p);
    if (strncmp(p->text + p->pos, tok, n) != 0)
        return false;
    /* Words end at a word boundary: "order" is not "or". */
    if (isalpha((unsigned char)tok[0]) &&
        (isalnum((unsigned char)p->text[p->pos + n]) || p->text[p->pos + n] == '_'))
        return false;
    p->pos += n;
    return true;
}

static int add(parser_t *p, node_t node)
{
    if (p->e->n == MAX_NODES)
        return fail(p, "expression too long");
    if (p->e->n == p->e->cap) {
        int cap = p->e->cap ? p->e->cap * 2 : 16;
        node_t *nodes = realloc(p->e->nodes, (size_t)cap * sizeof(*nodes));
        if (!nodes)
            return fail(p, "out of memory");
        p->e->nodes = nodes;
        p->e->cap = cap;
    }
    p->e->nodes[p->e->n] = node;
    return p->e->n++;
}

static int parse_or(parser_t *p);

/* NAME: a letter or '_', then letters, digits, '_', '-' or braces (set
 * names of workflows may have dashes, and {iter} in repeated sets). */
static char *name(parser_t *p)
{
    size_t start;
    char *s;

    skip_space(p);
    start = p->pos;
    if (!isalpha((unsigned char)p->text[p->pos]) && p->text[p->pos] != '_')
        return NULL;
    while (isalnum((unsigned char)p->text[p->pos]) ||
           (p->text[p->pos] && strchr("_-{}", p->text[p->pos])))
        p->pos++;
    if (!(s = strndup(p->text + start, p->pos - start)))
        fail(p, "out of memory");
    return s;
}

static int parse_agg(parser_t *p, hf_agg_t agg)
{
    node_t node = {.kind = N_AGG, .agg = agg};
    char *first, *second = NULL;
    int id;

    if (!accept(p, "("))
        return fail(p, "expected '(' after the aggregate");
    if (!(first = name(p)))
        return fail(p, "expected a result name, or set.name");
    if (accept(p, ".") && !(second = name(p))) {
        free(first);
        return fail(p, "expected a result name after '.'");
    }
    if (!accept(p, ")")) {
        free(first);
        free(second);
        return fail(p, "expected ')'");
    }
    node.set = second ? first : NULL;
    node.key = second ? second : first;
    if ((id = add(p, node)) < 0) {
        free(node.set);
        free(node.key);
    }
    return id;
}

static int parse_primary(parser_t *p)
{
    static const struct {
        const char *word;
        hf_agg_t agg;
    } aggs[] = {{"min", HF_AGG_MIN},
                {"max", HF_AGG_MAX},
                {"mean", HF_AGG_MEAN},
                {"sum", HF_AGG_SUM},
                {"count", HF_AGG_COUNT}};
    const char *at;
    char *end;
    double v;
    int id;

    skip_space(p);
    at = p->text + p->pos;
    if (accept(p, "(")) {
        if ((id = parse_or(p)) < 0)
            return -1;
        return accept(p, ")") ? id : fail(p, "expected ')'");
    }
    for (size_t i = 0; i < sizeof(aggs) / sizeof(aggs[0]); i++)
        if (accept(p, aggs[i].word))
            return parse_agg(p, aggs[i].agg);
    if (isdigit((unsigned char)*at) || *at == '.') {
        errno = 0;
        v = strtod(at, &end);
        if (end == at || errno == ERANGE || !isfinite(v))
            return fail(p, "bad number");
        p->pos += (size_t)(end - at);
        return add(p, (node_t){.kind = N_NUM, .num = v});
    }
    return fail(p, *at ? "expected a number, an aggregate (min, max, mean, sum, count) "
                         "or '('"
                       : "unexpected end of the expression");
}

static int enter(parser_t *p)
{
    return ++p->depth > MAX_DEPTH ? fail(p, "expression nested too deeply") : 0;
}

static int parse_unary(parser_t *p)
{
    int id, sub;

    if (enter(p) < 0)
        return -1;
    if (accept(p, "-")) {
        if ((sub = parse_unary(p)) < 0)
            return -1;
        id = add(p, (node_t){.kind = N_NEG, .left = sub});
    } else {
        id = parse_primary(p);
    }
    p->depth--;
    return id;
}

/* A left-associative chain of binary operators at one level. */
static int chain(parser_t *p, int (*next)(parser_t *), const char *const *toks,
                 const int *ops, int ntoks, bool once)
{
    int left = next(p);

    while (left >= 0) {
        int op = 0, right;
        for (int i = 0; i < ntoks && !op; i++)
            if (accept(p, toks[i]))
                op = ops[i];
        if (!op)
            break;
        if ((right = next(p)) < 0)
            return -1;
        left = add(p, (node_t){.kind = N_BIN, .op = op, .left = left, .right = right});
        if (once)
            break;
    }
    return left;
}

static int parse_product(parser_t *p)
{
    static const char *const toks[] = {"*", "/"};
    static const int ops[] = {OP_MUL, OP_DIV};

    return chain(p, parse_unary, toks, ops, 2, false);
}

static int parse_sum(parser_t *p)
{
    static const char *const toks[] = {"+", "-"};
    static const int ops[] = {OP_ADD, OP_SUB};

    return chain(p, parse_product, toks, ops, 2, false);
}

static int parse_cmp(parser_t *p)
{
    /* Two-character operators first, so "<=" is not read as "<". */
    static const char *const toks[] = {"<=", ">=", "==", "!=", "<", ">"};
    static const int ops[] = {OP_LE, OP_GE, OP_EQ, OP_NE, OP_LT, OP_GT};

    return chain(p, parse_sum, toks, ops, 6, true);
}

static int parse_not(parser_t *p)
{
    int id, sub;

    if (enter(p) < 0)
        return -1;
    if (accept(p, "not")) {
        if ((sub = parse_not(p)) < 0)
            return -1;
        id = add(p, (node_t){.kind = N_NOT, .left = sub});
    } else {
        id = parse_cmp(p);
    }
    p->depth--;
    return id;
}

static int parse_and(parser_t *p)
{
    static const char *const toks[] = {"and"};
    static const int ops[] = {OP_AND};

    return chain(p, parse_not, toks, ops, 1, false);
}

static int parse_or(parser_t *p)
{
    static const char *const toks[] = {"or"};
    static const int ops[] = {OP_OR};
    int id;

    if (enter(p) < 0)
        return -1;
    id = chain(p, parse_and, toks, ops, 1, false);
    p->depth--;
    return id;
}

expr_t *expr_parse(const char *text, size_t *where, char *why, size_t why_len)
{
    parser_t p = {.text = text, .why = why, .why_len = why_len};

    if (!(p.e = calloc(1, sizeof(*p.e)))) {
        snprintf(why, why_len, "out of memory");
        *where = 0;
        return NULL;
    }
    p.e->root = parse_or(&p);
    skip_space(&p);
    if (p.e->root >= 0 && text[p.pos] != '\0')
        fail(&p, "unexpected text after the expression");
    if (p.failed || p.e->root < 0) {
        *where = p.pos;
        expr_free(p.e);
        return NULL;
    }
    return p.e;
}

void expr_free(expr_t *e)
{
    if (!e)
        return;
    for (int i = 0; i < e->n; i++) {
        free(e->nodes[i].set);
        free(e->nodes[i].key);
    }
    free(e->nodes);
    free(e);
}

static double eval(const expr_t *e, int id, hf_agg_f agg, void *ctx)
{
    const node_t *n = &e->nodes[id];
    double a, b;

    switch (n->kind) {
    case N_NUM:
        return n->num;
    case N_AGG:
        return agg(ctx, n->agg, n->set, n->key);
    case N_NEG:
        return -eval(e, n->left, agg, ctx);
    case N_NOT:
        a = eval(e, n->left, agg, ctx);
        return isnan(a) ? NAN : a == 0;
    case N_BIN:
        break;
    }
    a = eval(e, n->left, agg, ctx);
    /* and/or: NaN (no results yet) is false, and short-circuits. */
    if (n->op == OP_AND)
        return !isnan(a) && a != 0 &&
               (b = eval(e, n->right, agg, ctx), !isnan(b) && b != 0);
    if (n->op == OP_OR)
        return (!isnan(a) && a != 0) ||
               (b = eval(e, n->right, agg, ctx), !isnan(b) && b != 0);
    b = eval(e, n->right, agg, ctx);
    switch (n->op) {
    case OP_LT:
        return a < b;
    case OP_LE:
        return a <= b;
    case OP_GT:
        return a > b;
    case OP_GE:
        return a >= b;
    case OP_EQ:
        return a == b;
    case OP_NE:
        return !isnan(a) && !isnan(b) && a != b;
    case OP_ADD:
        return a + b;
    case OP_SUB:
        return a - b;
    case OP_MUL:
        return a * b;
    default:
        return b == 0 ? NAN : a / b;
    }
}

double expr_eval(const expr_t *e, hf_agg_f agg, void *ctx)
{
    return eval(e, e->root, agg, ctx);
}

void expr_sets(const expr_t *e, void (*cb)(const char *set, void *arg), void *arg)
{
    for (int i = 0; i < e->n; i++)
        if (e->nodes[i].kind == N_AGG && e->nodes[i].set)
            cb(e->nodes[i].set, arg);
}

double hf_cond_eval(const hf_cond_t *c, hf_agg_f agg, void *ctx)
{
    return expr_eval(c->parsed, agg, ctx);
}

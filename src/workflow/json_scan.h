/* JSON read in place, for WfFormat instances: a tree of jansson values is
 * fourteen times the text (a million tasks, 130 MB of JSON, took 1.8 GB),
 * while a value here is the offset of its first byte.  js_check()
 * validates a whole text once (syntax, UTF-8, escapes, nesting); the calls
 * after it walk a checked text without allocating, and an offset gives its
 * line and column for messages. */
#ifndef HETFLOW_WORKFLOW_JSON_SCAN_H
#define HETFLOW_WORKFLOW_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hetflow/workflow.h"

#define JS_NONE SIZE_MAX

/* Where a container starts and ends (past its closing bracket). */
typedef struct {
    size_t start, end;
} js_span_t;

#define JS_SPANS 256
#define JS_SPAN_DEPTH 4

typedef struct {
    const char *text;
    size_t len;
    /* The first JS_SPANS containers nested at most JS_SPAN_DEPTH deep, in
     * the order they open, with their ends: js_check() finds them, so that
     * walking the few large outer ones (a WfFormat instance's task lists)
     * does not scan them again. */
    js_span_t spans[JS_SPANS];
    int nspans;
} js_t;

/* A text to read: js_check() it first. */
js_t js_text(const char *text, size_t len);

/* Whether the text is one JSON value (RFC 8259), its strings UTF-8,
 * nested at most HF_MAX_NESTING deep.  Returns 0, or -1 with the offset of
 * the first wrong byte in *at and what is wrong in *why. */
int js_check(js_t *j, size_t *at, const char **why);

/* The offset of the text's value. */
size_t js_root(const js_t *j);

/* What the value at v is: '{', '[', '"', 't', 'f', 'n' (null), or '0' for
 * a number; and its name for messages ("a string", "a number", ...). */
char js_kind(const js_t *j, size_t v);
const char *js_kind_name(const js_t *j, size_t v);

/* The offset just past the value at v. */
size_t js_end(const js_t *j, size_t v);

/* The items of array a: *it 0 to start; the next item's offset, or
 * JS_NONE after the last. */
size_t js_next_item(const js_t *j, size_t a, size_t *it);
/* The same without moving on: the item after the one that ended at `it`
 * (0: the first); the caller sets *it past it (js_members() says where). */
size_t js_item_after(const js_t *j, size_t a, size_t it);

/* The values of object o's members named keys[0..n) in one walk: out[k]
 * the first one's offset, JS_NONE if absent.  Returns the offset past o,
 * or JS_NONE with the offset of a repeated key (one of these) in *repeat;
 * with repeat NULL, repeats are not looked for. */
size_t js_members(const js_t *j, size_t o, const char *const *keys, size_t n, size_t *out,
                  size_t *repeat);

/* Whether the string at s is `word`, escapes decoded. */
bool js_string_is(const js_t *j, size_t s, const char *word);

/* The string at s decoded into out, which has room for its text as
 * written (quotes included: decoding never lengthens), NUL-terminated.
 * Returns its length, or -1 if it holds \u0000. */
long js_decode(const js_t *j, size_t s, char *out);

/* The string at s decoded: a new NUL-terminated string (its length in *n
 * when n is not NULL), or NULL with EINVAL if it holds \u0000 (a NUL would
 * cut it short), ENOMEM. */
char *js_string(const js_t *j, size_t s, size_t *n);

/* The number at v, and its text as written. */
double js_number(const js_t *j, size_t v);
int js_number_len(const js_t *j, size_t v);

/* The line and column (1-based; columns count characters) of offset `to`,
 * counted on from offset `from` at mark `m` (0, {1, 1} for the start). */
hf_mark_t js_mark_from(const js_t *j, size_t from, hf_mark_t m, size_t to);
hf_mark_t js_mark(const js_t *j, size_t to);

#endif

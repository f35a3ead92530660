/* JSON read in place; see json_scan.h.  The check is a loop over a stack
 * of open containers, so nesting costs no C stack; the walks after it
 * trust the text they are given, but stay inside it. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_scan.h"

static bool is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static size_t skip_ws(const js_t *j, size_t p)
{
    while (p < j->len && is_ws(j->text[p]))
        p++;
    return p;
}

static int hex4(const char *s)
{
    int v = 0;

    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* The length of the UTF-8 sequence at s (n bytes left), or 0 if it is not
 * one (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        unsigned lo = s[0] == 0xE0 ? 0xA0 : 0x80, hi = s[0] == 0xED ? 0x9F : 0xBF;
        return n >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        unsigned lo = s[0] == 0xF0 ? 0x90 : 0x80, hi = s[0] == 0xF4 ? 0x8F : 0xBF;
        return n >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
                       (s[3] & 0xC0) == 0x80
                   ? 4
                   : 0;
    }
    return 0;
}

typedef struct {
    size_t at;
    const char *why;
} bad_t;

static size_t fail(bad_t *bad, size_t at, const char *why)
{
    bad->at = at;
    bad->why = why;
    return JS_NONE;
}

/* The string at p (its opening quote): the offset past its closing one. */
static size_t check_string(const js_t *j, size_t p, bad_t *bad)
{
    const unsigned char *s = (const unsigned char *)j->text;

    for (p++; p < j->len;) {
        unsigned char c = s[p];
        size_t k;
        int u;
        if (c == '"')
            return p + 1;
        if (c < 0x20)
            return fail(bad, p, "a control character in a string");
        if (c >= 0x80) {
            if (!(k = utf8_len(s + p, j->len - p)))
                return fail(bad, p, "a string that is not UTF-8");
            p += k;
            continue;
        }
        if (c != '\\') {
            p++;
            continue;
        }
        if (p + 1 < j->len && strchr("\"\\/bfnrt", s[p + 1]) && s[p + 1]) {
            p += 2;
            continue;
        }
        if (p + 6 > j->len || s[p + 1] != 'u' || (u = hex4(j->text + p + 2)) < 0)
            return fail(bad, p, "a bad escape in a string");
        if (u >= 0xDC00 && u <= 0xDFFF)
            return fail(bad, p, "a lone surrogate in a string");
        if (u >= 0xD800 && u <= 0xDBFF) {
            int lo = p + 12 <= j->len && s[p + 6] == '\\' && s[p + 7] == 'u'
                         ? hex4(j->text + p + 8)
                         : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return fail(bad, p, "a lone surrogate in a string");
            p += 6;
        }
        p += 6;
    }
    return fail(bad, p, "a string without its closing quote");
}

static bool is_digit(const js_t *j, size_t p)
{
    return p < j->len && j->text[p] >= '0' && j->text[p] <= '9';
}

static size_t digits(const js_t *j, size_t p)
{
    while (is_digit(j, p))
        p++;
    return p;
}

static size_t check_number(const js_t *j, size_t p, bad_t *bad)
{
    size_t start = p;

    if (j->text[p] == '-')
        p++;
    if (p < j->len && j->text[p] == '0')
        p++;
    else if (is_digit(j, p))
        p = digits(j, p);
    else
        return fail(bad, start, "not a JSON value");
    if (p < j->len && j->text[p] == '.') {
        if (!is_digit(j, ++p))
            return fail(bad, p, "a number without digits after its point");
        p = digits(j, p);
    }
    if (p < j->len && (j->text[p] == 'e' || j->text[p] == 'E')) {
        p++;
        if (p < j->len && (j->text[p] == '+' || j->text[p] == '-'))
            p++;
        if (!is_digit(j, p))
            return fail(bad, p, "a number without digits in its exponent");
        p = digits(j, p);
    }
    return p;
}

static size_t check_literal(const js_t *j, size_t p, const char *word, bad_t *bad)
{
    size_t n = strlen(word);

    if (j->len - p < n || memcmp(j->text + p, word, n) != 0)
        return fail(bad, p, "not a JSON value");
    return p + n;
}

/* One scalar, or the opening of a container (pushed). */
static size_t check_value(const js_t *j, size_t p, char *stack, int *depth, bad_t *bad)
{
    if (p >= j->len)
        return fail(bad, p, "the text ends where a value should be");
    switch (j->text[p]) {
    case '{':
    case '[':
        if (*depth == HF_MAX_NESTING)
            return fail(bad, p, "nesting too deep");
        stack[(*depth)++] = j->text[p];
        return p + 1;
    case '"':
        return check_string(j, p, bad);
    case 't':
        return check_literal(j, p, "true", bad);
    case 'f':
        return check_literal(j, p, "false", bad);
    case 'n':
        return check_literal(j, p, "null", bad);
    default:
        return check_number(j, p, bad);
    }
}

/* The container open at `depth` ends at `end`. */
static void close_span(js_t *j, const int *span, int depth, size_t end)
{
    if (depth < JS_SPAN_DEPTH && span[depth] >= 0)
        j->spans[span[depth]].end = end;
}

js_t js_text(const char *text, size_t len)
{
    js_t j;

    j.text = text;
    j.len = len;
    j.nspans = 0;
    return j;
}

int js_check(js_t *j, size_t *at, const char **why)
{
    char stack[HF_MAX_NESTING];
    int span[JS_SPAN_DEPTH] = {-1, -1, -1, -1}; /* the open ones' spans, -1: none */
    int depth = 0;
    bad_t bad = {0, NULL};
    /* Where the walk is: before a value, before a key (or the end of an
     * object just opened), after a value. */
    enum { VALUE, KEY, AFTER } state = VALUE;
    size_t p = skip_ws(j, 0);

    while (p != JS_NONE) {
        if (state == VALUE) {
            int was = depth;
            p = check_value(j, p, stack, &depth, &bad);
            if (p == JS_NONE)
                break;
            if (depth > was && was < JS_SPAN_DEPTH) {
                span[was] = j->nspans < JS_SPANS ? j->nspans : -1;
                if (span[was] >= 0)
                    j->spans[j->nspans++] = (js_span_t){p - 1, JS_NONE};
            }
            p = skip_ws(j, p);
            state = depth == was ? AFTER : stack[depth - 1] == '{' ? KEY : VALUE;
            /* An empty container closes at once. */
            if (depth > was && p < j->len && j->text[p] == (state == KEY ? '}' : ']')) {
                close_span(j, span, --depth, p + 1);
                p = skip_ws(j, p + 1);
                state = AFTER;
            }
        } else if (state == KEY) {
            if (p >= j->len || j->text[p] != '"') {
                p = fail(&bad, p, "an object's key must be a string");
                break;
            }
            if ((p = check_string(j, p, &bad)) == JS_NONE)
                break;
            p = skip_ws(j, p);
            if (p >= j->len || j->text[p] != ':') {
                p = fail(&bad, p, "':' expected after a key");
                break;
            }
            p = skip_ws(j, p + 1);
            state = VALUE;
        } else if (depth == 0) {
            if (p != j->len)
                p = fail(&bad, p, "text after the JSON value");
            break;
        } else if (p < j->len && j->text[p] == ',') {
            p = skip_ws(j, p + 1);
            state = stack[depth - 1] == '{' ? KEY : VALUE;
        } else if (p < j->len && j->text[p] == (stack[depth - 1] == '{' ? '}' : ']')) {
            close_span(j, span, --depth, p + 1);
            p = skip_ws(j, p + 1);
        } else {
            p = fail(&bad, p,
                     stack[depth - 1] == '{' ? "',' or '}' expected"
                                             : "',' or ']' expected");
        }
    }
    if (bad.why) {
        *at = bad.at;
        *why = bad.why;
        return -1;
    }
    return 0;
}

size_t js_root(const js_t *j)
{
    return skip_ws(j, 0);
}

char js_kind(const js_t *j, size_t v)
{
    char c = v < j->len ? j->text[v] : 0;

    return c == '-' || (c >= '0' && c <= '9') ? '0' : c;
}

const char *js_kind_name(const js_t *j, size_t v)
{
    switch (js_kind(j, v)) {
    case '{':
        return "an object";
    case '[':
        return "a list";
    case '"':
        return "a string";
    case '0':
        return "a number";
    case 'n':
        return "null";
    default:
        return "a boolean";
    }
}

/* Past the string at p: its closing quote, unless escaped. */
static size_t string_end(const js_t *j, size_t p)
{
    for (p++; p < j->len && j->text[p] != '"'; p++)
        if (j->text[p] == '\\')
            p++;
    return p < j->len ? p + 1 : j->len;
}

size_t js_end(const js_t *j, size_t v)
{
    size_t p = v;
    int depth = 0, lo = 0, hi = j->nspans;

    if (p >= j->len)
        return j->len;
    if (j->text[p] == '"')
        return string_end(j, p);
    if (j->text[p] != '{' && j->text[p] != '[') {
        while (p < j->len && !is_ws(j->text[p]) && !strchr(",]}", j->text[p]))
            p++;
        return p;
    }
    while (lo < hi) { /* spans are in the order they open */
        int mid = (lo + hi) / 2;
        if (j->spans[mid].start < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < j->nspans && j->spans[lo].start == v && j->spans[lo].end != JS_NONE)
        return j->spans[lo].end;
    while (p < j->len) {
        char c = j->text[p];
        if (c == '"') {
            p = string_end(j, p);
            continue;
        }
        if (c == '{' || c == '[')
            depth++;
        else if ((c == '}' || c == ']') && --depth == 0)
            return p + 1;
        p++;
    }
    return p;
}

/* The next member or item of the container at c: the offset of its key
 * (an object's) or value, after the one that ended at *it. */
static size_t next_in(const js_t *j, size_t c, size_t *it)
{
    size_t p = skip_ws(j, *it ? *it : c + 1);

    if (p < j->len && j->text[p] == ',')
        p = skip_ws(j, p + 1);
    return p < j->len && j->text[p] != '}' && j->text[p] != ']' ? p : JS_NONE;
}

size_t js_item_after(const js_t *j, size_t a, size_t it)
{
    return next_in(j, a, &it);
}

size_t js_next_item(const js_t *j, size_t a, size_t *it)
{
    size_t v = next_in(j, a, it);

    if (v != JS_NONE)
        *it = js_end(j, v);
    return v;
}

size_t js_members(const js_t *j, size_t o, const char *const *keys, size_t n, size_t *out,
                  size_t *repeat)
{
    size_t it = 0, key;

    for (size_t k = 0; k < n; k++)
        out[k] = JS_NONE;
    while ((key = next_in(j, o, &it)) != JS_NONE) {
        size_t end = string_end(j, key), v = skip_ws(j, skip_ws(j, end) + 1);
        size_t len = end - key - 2;
        /* Keys are compared as written unless they hold an escape. */
        bool plain = !memchr(j->text + key + 1, '\\', len);
        for (size_t k = 0; k < n; k++) {
            if (plain ? strlen(keys[k]) != len ||
                            memcmp(j->text + key + 1, keys[k], len) != 0
                      : !js_string_is(j, key, keys[k]))
                continue;
            if (out[k] != JS_NONE && repeat) {
                *repeat = key;
                return JS_NONE;
            }
            if (out[k] == JS_NONE)
                out[k] = v;
            break;
        }
        it = js_end(j, v);
    }
    /* Past the closing brace: the last member's end, the blanks, '}'. */
    return skip_ws(j, it ? it : o + 1) + 1;
}

long js_decode(const js_t *j, size_t s, char *out)
{
    size_t end = string_end(j, s) - 1, n = 0;

    for (size_t p = s + 1; p < end; p++) {
        char c = j->text[p];
        unsigned u;
        if (c != '\\') {
            out[n++] = c;
            continue;
        }
        c = j->text[++p];
        if (c != 'u') {
            out[n++] = c == 'b'   ? '\b'
                       : c == 'f' ? '\f'
                       : c == 'n' ? '\n'
                       : c == 'r' ? '\r'
                       : c == 't' ? '\t'
                                  : c;
            continue;
        }
        u = (unsigned)hex4(j->text + p + 1);
        p += 4;
        if (u >= 0xD800 && u <= 0xDBFF) { /* a pair, checked */
            u = 0x10000 + ((u - 0xD800) << 10) +
                ((unsigned)hex4(j->text + p + 3) - 0xDC00);
            p += 6;
        }
        if (u == 0)
            return -1;
        if (u < 0x80) {
            out[n++] = (char)u;
        } else if (u < 0x800) {
            out[n++] = (char)(0xC0 | u >> 6);
            out[n++] = (char)(0x80 | (u & 0x3F));
        } else if (u < 0x10000) {
            out[n++] = (char)(0xE0 | u >> 12);
            out[n++] = (char)(0x80 | (u >> 6 & 0x3F));
            out[n++] = (char)(0x80 | (u & 0x3F));
        } else {
            out[n++] = (char)(0xF0 | u >> 18);
            out[n++] = (char)(0x80 | (u >> 12 & 0x3F));
            out[n++] = (char)(0x80 | (u >> 6 & 0x3F));
            out[n++] = (char)(0x80 | (u & 0x3F));
        }
    }
    out[n] = '\0';
    return (long)n;
}

bool js_string_is(const js_t *j, size_t s, const char *word)
{
    size_t n = strlen(word), end;
    char *decoded;
    bool same;

    if (js_kind(j, s) != '"')
        return false;
    end = string_end(j, s) - 1;
    if (!memchr(j->text + s + 1, '\\', end - s - 1))
        return end - s - 1 == n && memcmp(j->text + s + 1, word, n) == 0;
    if (!(decoded = malloc(end - s)))
        return false;
    same = js_decode(j, s, decoded) == (long)n && memcmp(decoded, word, n) == 0;
    free(decoded);
    return same;
}

char *js_string(const js_t *j, size_t s, size_t *n)
{
    char *out = malloc(string_end(j, s) - s);
    long len;

    if (!out)
        return NULL;
    if ((len = js_decode(j, s, out)) < 0) {
        free(out);
        errno = EINVAL;
        return NULL;
    }
    if (n)
        *n = (size_t)len;
    return out;
}

double js_number(const js_t *j, size_t v)
{
    /* Copied out: the text need not end with a NUL. */
    size_t n = (size_t)js_number_len(j, v);
    char small[64], *buf = n < sizeof(small) ? small : malloc(n + 1);
    double x;

    if (!buf)
        return NAN;
    memcpy(buf, j->text + v, n);
    buf[n] = '\0';
    x = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    return x;
}

int js_number_len(const js_t *j, size_t v)
{
    return (int)(js_end(j, v) - v);
}

hf_mark_t js_mark_from(const js_t *j, size_t from, hf_mark_t m, size_t to)
{
    for (size_t p = from; p < to && p < j->len; p++) {
        unsigned char c = (unsigned char)j->text[p];
        if (c == '\n') {
            m.line++;
            m.col = 1;
        } else if ((c & 0xC0) != 0x80) {
            m.col++;
        }
    }
    return m;
}

hf_mark_t js_mark(const js_t *j, size_t to)
{
    return js_mark_from(j, 0, (hf_mark_t){1, 1}, to);
}

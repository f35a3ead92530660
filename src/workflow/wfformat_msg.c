/* The WfFormat reader's places and messages: the line and column of an
 * offset in the text, and the first error said at one (wfformat_read.h).
 *
 * yajl_get_bytes_consumed() in a callback is the offset just past the
 * token read, and the token starts past the blanks, commas and colons
 * after the one before it (wfformat_walk.c), so every value's place is the
 * offset of its first byte; its line and column are counted on from the
 * last place asked, since places are asked in the order of the text. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wfformat_read.h"

/* The line and column (1-based; columns count characters) of offset at,
 * counted on from the last asked. */
hf_mark_t wfr_mark_at(wf_t *w, size_t at)
{
    const char *p, *end, *nl;

    if (at > w->len)
        at = w->len;
    if (at < w->cursor) {
        w->cursor = 0;
        w->cursor_mark = (hf_mark_t){1, 1};
    }
    p = w->text + w->cursor;
    end = w->text + at;
    while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
        w->cursor_mark.line++;
        w->cursor_mark.col = 1;
        p = nl + 1;
    }
    for (; p < end; p++)
        w->cursor_mark.col += ((unsigned char)*p & 0xC0) != 0x80;
    w->cursor = at;
    return w->cursor_mark;
}

static int fail_ap(wf_t *w, hf_mark_t m, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static int fail_ap(wf_t *w, hf_mark_t m, const char *fmt, va_list ap)
{
    char msg[sizeof(w->err->text)];

    if (!w->failed) { /* the first error is the one said */
        vsnprintf(msg, sizeof(msg), fmt, ap);
        hf_error_at(w->err, w->path, m.line, m.col, "%s", msg);
    }
    w->failed = true;
    errno = EINVAL;
    return -1;
}

/* A message at offset at. */
int wfr_fail_at(wf_t *w, size_t at, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = fail_ap(w, w->failed ? (hf_mark_t){0, 0} : wfr_mark_at(w, at), fmt, ap);
    va_end(ap);
    return rc;
}

int wfr_fail_mark(wf_t *w, hf_mark_t m, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = fail_ap(w, m, fmt, ap);
    va_end(ap);
    return rc;
}

int wfr_nomem(wf_t *w)
{
    if (!w->failed)
        hf_error_set(w->err, "out of memory");
    w->failed = w->stopped = w->nomem = true;
    errno = ENOMEM;
    return -1;
}

const char *wfr_kind_name(char kind)
{
    switch (kind) {
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

/* hf_error_t formatting: one-line messages, optionally prefixed with the place
 * in a file that caused them. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "hetflow/error.h"

static void error_vset(hf_error_t *err, size_t off, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void error_vset(hf_error_t *err, size_t off, const char *fmt, va_list ap)
{
    vsnprintf(err->text + off, sizeof(err->text) - off, fmt, ap);
}

void hf_error_set(hf_error_t *err, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;

    if (err) {
        va_start(ap, fmt);
        error_vset(err, 0, fmt, ap);
        va_end(ap);
    }
    errno = saved;
}

void hf_error_at(hf_error_t *err, const char *file, int line, int col, const char *fmt,
                 ...)
{
    int saved = errno;
    size_t off = 0;
    int n = 0;
    va_list ap;

    if (!err)
        return;
    if (file && line > 0)
        n = snprintf(err->text, sizeof(err->text), "%s:%d:%d: ", file, line, col);
    else if (file)
        n = snprintf(err->text, sizeof(err->text), "%s: ", file);
    if (n > 0)
        off = (size_t)n < sizeof(err->text) ? (size_t)n : sizeof(err->text) - 1;
    va_start(ap, fmt);
    error_vset(err, off, fmt, ap);
    va_end(ap);
    errno = saved;
}

hf_error_t *hf_error_new(void)
{
    return calloc(1, sizeof(hf_error_t));
}

const char *hf_error_text(const hf_error_t *err)
{
    return err->text;
}

void hf_error_free(hf_error_t *err)
{
    free(err);
}

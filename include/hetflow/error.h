/* Error reporting shared by every part of hetflow.
 *
 * One rule throughout: a function returns 0 or a pointer on success, and -1 or
 * NULL on failure with errno set.  Functions that can fail for a reason a user
 * can act on also take an optional hf_error_t * and write a one-line message
 * there, prefixed with "file:line:col: " when the cause has a place in a file.
 */
#ifndef HETFLOW_ERROR_H
#define HETFLOW_ERROR_H

/* Room for a long path and a whole list of valid keys; longer messages are
 * cut. */
#define HF_ERROR_MAX 1024

typedef struct {
    char text[HF_ERROR_MAX];
} hf_error_t;

/* Format a message into err (which may be NULL).  Keeps errno. */
void hf_error_set(hf_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* As hf_error_set, prefixed with "file:line:col: " when file is not NULL
 * and line > 0. */
void hf_error_at(hf_error_t *err, const char *file, int line, int col, const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));

/* For bindings that do not mirror hf_error_t (python/hetflow/api.py): a new
 * empty message (NULL with ENOMEM), its text, and freeing it. */
hf_error_t *hf_error_new(void);
const char *hf_error_text(const hf_error_t *err);
void hf_error_free(hf_error_t *err);

#endif

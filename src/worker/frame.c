/* The worker protocol's frames; see frame.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "frame.h"

int frame_write(int fd, uint32_t task, uint32_t status, const char *payload, size_t len)
{
    uint32_t head[3] = {(uint32_t)len + 8, task, status};
    struct iovec v[2] = {{head, sizeof(head)}, {(void *)payload, len}};
    size_t left = sizeof(head) + len;

    if (len > FRAME_MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    while (left > 0) {
        ssize_t n = writev(fd, v, 2);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        left -= (size_t)n;
        /* A short write: move past what went. */
        for (int i = 0; i < 2 && n > 0; i++) {
            size_t k = (size_t)n < v[i].iov_len ? (size_t)n : v[i].iov_len;
            v[i].iov_base = (char *)v[i].iov_base + k;
            v[i].iov_len -= k;
            n -= (ssize_t)k;
        }
    }
    return 0;
}

long frame_fill(frame_reader_t *r, int fd)
{
    ssize_t n;

    if (r->start > 0 && r->start == r->n) {
        r->start = r->n = 0; /* all consumed: start over at the front */
    } else if (r->start > r->cap / 2) {
        memmove(r->buf, r->buf + r->start, r->n - r->start);
        r->n -= r->start;
        r->start = 0;
    }
    if (r->cap - r->n < 65536) {
        size_t cap = r->cap ? r->cap * 2 : 131072;
        char *more = realloc(r->buf, cap + 1);
        if (!more)
            return -1;
        r->buf = more;
        r->cap = cap;
    }
    do
        n = read(fd, r->buf + r->n, r->cap - r->n);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        r->n += (size_t)n;
    return n;
}

int frame_next(frame_reader_t *r, frame_t *out)
{
    uint32_t head[3];
    size_t have = r->n - r->start;

    if (have < sizeof(head))
        return 0;
    memcpy(head, r->buf + r->start, sizeof(head));
    if (head[0] < 8 || head[0] - 8 > FRAME_MAX)
        return -1;
    if (have < (size_t)head[0] + 4) {
        /* Make room for all of it at the next fill. */
        if (r->cap < (size_t)head[0] + 4 + 65536) {
            char *more = realloc(r->buf, (size_t)head[0] + 4 + 65536 + 1);
            if (!more)
                return -1;
            r->buf = more;
            r->cap = (size_t)head[0] + 4 + 65536;
        }
        return 0;
    }
    out->task = head[1];
    out->status = head[2];
    out->len = head[0] - 8;
    out->payload = r->buf + r->start + sizeof(head);
    r->start += (size_t)head[0] + 4;
    return 1;
}

void frame_reader_free(frame_reader_t *r)
{
    free(r->buf);
    *r = (frame_reader_t){0};
}

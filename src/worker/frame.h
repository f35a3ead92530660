/* The worker protocol: length-prefixed frames on a pipe between hetflow
 * and a persistent worker process (C or Python) that runs function tasks.
 *
 *   frame   := u32 length, u32 task, u32 status, payload[length - 8]
 *
 * little-endian (one machine).  hetflow sends a task's JSON arguments with
 * status 0; the worker answers with the same task id and status 0 and the
 * result (a JSON object, or empty for none), or status 1 and the error
 * text.  When it has loaded its function, a worker first sends
 * FRAME_READY with status 0 (or status 1 and why it could not, then exits).
 * python/hetflow/worker.py speaks the same protocol. */
#ifndef HETFLOW_WORKER_FRAME_H
#define HETFLOW_WORKER_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_READY UINT32_MAX
#define FRAME_MAX (64u << 20) /* a frame's payload at most: 64 MiB */

enum { FRAME_OK = 0, FRAME_FAILED = 1 };

typedef struct {
    uint32_t task, status;
    const char *payload; /* len bytes, not NUL-terminated, in the reader's
                          * buffer: valid until the next frame_fill() */
    uint32_t len;
} frame_t;

/* Write one frame, all of it (retrying short writes).  Returns 0, or -1
 * with errno. */
int frame_write(int fd, uint32_t task, uint32_t status, const char *payload, size_t len);

/* A reader with its own buffer, for frames that arrive in pieces. */
typedef struct {
    char *buf;
    size_t n, cap, start;
} frame_reader_t;

/* Read what the fd has (it may be non-blocking).  Returns bytes read, 0 at
 * end of file, -1 with errno (EAGAIN when nothing is there). */
long frame_fill(frame_reader_t *r, int fd);

/* The next complete frame in the buffer: 1 with *out filled, 0 when none
 * is complete yet, -1 on a malformed frame (or no memory for a big one). */
int frame_next(frame_reader_t *r, frame_t *out);

void frame_reader_free(frame_reader_t *r);

#endif

/* Worker pools for the local executor; see pool.h.
 *
 * A worker answers its requests in order, so the calls in flight at a
 * worker are a FIFO: the first is the one it runs, a reply always belongs
 * to the first, and when a worker dies the first is the call that killed it
 * (it fails, retries apply) while those behind it never started (they are
 * taken back with HF_STATUS_LAUNCH_RETRY and sent again). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "hetflow/template.h"
#include "pool.h"
#include "util/grow.h"
#include "worker/frame.h"

struct worker {
    hf_launch_t launch;    /* its task, to start it again (alloc: the engine's) */
    const hf_pool_t *pool; /* the workflow's */
    size_t slot;
    pid_t pid;
    int to, from; /* our ends of its stdin and stdout; -1 when closed */
    frame_reader_t reader;
    char *out; /* requests not written yet: out[at, n) */
    size_t out_at, out_n, out_cap;
    bool writing;       /* waiting for the pipe to take more (EPOLLOUT) */
    uint32_t *inflight; /* a ring of `window` calls */
    int head, n, window;
    bool ready, up, stopping;
};

/* Why a call is not sent: its arguments' size, the limit in MiB. */
#define ARGS_TOO_BIG "arguments of %zu bytes are over the %u MiB frame limit"

static void log_line(pools_t *p, const worker_t *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void pools_init(pools_t *p, spawner_t *sp, int epfd)
{
    *p = (pools_t){.spawner = sp, .epfd = epfd};
}

static void close_pipes(pools_t *p, worker_t *w)
{
    if (w->from >= 0) {
        epoll_ctl(p->epfd, EPOLL_CTL_DEL, w->from, NULL);
        close(w->from);
    }
    if (w->to >= 0) {
        if (w->writing)
            epoll_ctl(p->epfd, EPOLL_CTL_DEL, w->to, NULL);
        close(w->to);
    }
    w->from = w->to = -1;
    w->writing = false;
    w->out_at = w->out_n = 0;
    frame_reader_free(&w->reader);
    w->reader = (frame_reader_t){0};
}

static void worker_free(pools_t *p, worker_t *w)
{
    close_pipes(p, w);
    free(w->out);
    free(w->inflight);
    p->slot[w->slot] = NULL;
    free(w);
}

void pools_fini(pools_t *p)
{
    for (size_t i = 0; i < p->nslots; i++)
        if (p->slot[i])
            worker_free(p, p->slot[i]);
    free(p->slot);
    free(p->refused);
}

static worker_t *worker_of(const pools_t *p, uint32_t task)
{
    for (size_t i = 0; i < p->nslots; i++)
        if (p->slot[i] && p->slot[i]->launch.task == task)
            return p->slot[i];
    return NULL;
}

bool pools_is_worker(const pools_t *p, uint32_t task)
{
    return worker_of(p, task) != NULL;
}

/* Start w's process with fresh pipes. */
static pid_t spawn_worker(pools_t *p, worker_t *w, int *status, hf_error_t *err)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1}, io[2];
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = POOL_TAG | w->slot};
    pid_t pid = -1;

    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
        hf_error_set(err, "pipe: %s", strerror(errno));
        goto done;
    }
    io[0] = in[0];
    io[1] = out[1];
    if ((pid = spawner_start(p->spawner, &w->launch, w->pool, io, status, err)) <= 0)
        goto done;
    w->to = in[1];
    w->from = out[0];
    in[1] = out[0] = -1;
    w->ready = false;
    w->head = w->n = 0;
    if (fcntl(w->to, F_SETFL, O_NONBLOCK) < 0 ||
        fcntl(w->from, F_SETFL, O_NONBLOCK) < 0 ||
        epoll_ctl(p->epfd, EPOLL_CTL_ADD, w->from, &ev) < 0) {
        hf_error_set(err, "worker pipes: %s", strerror(errno));
        kill(-pid, SIGKILL);
        pid = -1;
    }
    w->pid = pid;
done:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (out[i] >= 0)
            close(out[i]);
    }
    return pid;
}

pid_t pools_start(pools_t *p, const hf_pool_t *pool, const hf_launch_t *l, int *status,
                  hf_error_t *err)
{
    worker_t *w = calloc(1, sizeof(*w));
    size_t slot = 0;
    pid_t pid;

    while (slot < p->nslots && p->slot[slot])
        slot++;
    if (slot == p->nslots && (!w || grow_room((void **)&p->slot, &p->nslots, slot + 1,
                                              sizeof(worker_t *)) < 0))
        goto nomem;
    if (!w || !(w->inflight = malloc((size_t)pool->window * sizeof(uint32_t))))
        goto nomem;
    w->launch = *l;
    w->pool = pool;
    w->slot = slot;
    w->window = pool->window;
    w->to = w->from = -1;
    p->slot[slot] = w;
    if ((pid = spawn_worker(p, w, status, err)) <= 0)
        worker_free(p, w);
    return pid;
nomem:
    if (w)
        free(w->inflight);
    free(w);
    hf_error_set(err, "out of memory");
    return -1;
}

/* Room for `more` bytes at the end of w's request buffer. */
static int out_room(worker_t *w, size_t more)
{
    return grow_room((void **)&w->out, &w->out_cap, w->out_n + more, 1);
}

/* Call l's arguments into w's buffer after its frame header: the set's
 * args with its placeholders replaced (hetflow/template.h). */
static int put_args(worker_t *w, const hf_launch_t *l)
{
    const char *args = l->spec->args ? l->spec->args : "{}";
    hf_template_values_t v = {HF_TEMPLATE_INDEX | HF_TEMPLATE_ITER | HF_TEMPLATE_SET,
                              l->index, l->spec->iter, l->spec->name, 0};
    size_t n = hf_template_write(NULL, 0, args, HF_TEMPLATE_ARGS, &v);

    if (n > INT_MAX || out_room(w, n + 1) < 0)
        return -1;
    hf_template_write(w->out + w->out_n, n + 1, args, HF_TEMPLATE_ARGS, &v);
    w->out_n += n;
    return (int)n;
}

int pools_call(pools_t *p, const hf_pool_t *pool, const hf_launch_t *l, uint32_t *worker,
               hf_error_t *err)
{
    worker_t *w = NULL;
    uint32_t head[3];
    size_t at;
    int len;

    for (size_t k = 0; k < p->nslots && !w; k++) {
        worker_t *c = p->slot[(p->cursor + k) % p->nslots];
        if (c && c->pool == pool && c->ready && !c->stopping && c->n < c->window) {
            w = c;
            p->cursor = (p->cursor + k + 1) % p->nslots;
        }
    }
    if (!w)
        return 0;
    if (out_room(w, sizeof(head)) < 0)
        goto nomem;
    at = w->out_n;
    w->out_n += sizeof(head);
    if ((len = put_args(w, l)) < 0)
        goto nomem;
    if ((size_t)len > FRAME_MAX) {
        /* No frame carries it: the call fails, not the worker. */
        w->out_n = at;
        if (grow_room((void **)&p->refused, &p->refused_cap, p->nrefused + 1,
                      sizeof(*p->refused)) < 0)
            goto nomem;
        p->refused[p->nrefused++] = (pool_refused_t){l->task, (size_t)len};
        log_line(p, w, "%s[%u] failed: " ARGS_TOO_BIG, l->spec->name, l->index,
                 (size_t)len, FRAME_MAX >> 20);
        *worker = w->launch.task;
        return 1;
    }
    head[0] = (uint32_t)len + 8;
    head[1] = l->task;
    head[2] = FRAME_OK;
    memcpy(w->out + at, head, sizeof(head));
    w->inflight[(w->head + w->n++) % w->window] = l->task;
    *worker = w->launch.task;
    return 1;
nomem:
    hf_error_set(err, "out of memory");
    return -1;
}

/* Write what w's pipe takes; wait for room (EPOLLOUT) for the rest.  A
 * worker that cannot be written to has died: its exit is handled by
 * pools_exited(). */
static void flush_one(pools_t *p, worker_t *w)
{
    while (w->out_at < w->out_n && w->to >= 0) {
        ssize_t n = write(w->to, w->out + w->out_at, w->out_n - w->out_at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = POOL_TAG | w->slot};
            if (!w->writing && epoll_ctl(p->epfd, EPOLL_CTL_ADD, w->to, &ev) == 0)
                w->writing = true;
            return;
        }
        if (n < 0) { /* EPIPE: it is gone */
            w->out_at = w->out_n;
            break;
        }
        w->out_at += (size_t)n;
    }
    w->out_at = w->out_n = 0;
    if (w->writing) {
        epoll_ctl(p->epfd, EPOLL_CTL_DEL, w->to, NULL);
        w->writing = false;
    }
}

void pools_flush(pools_t *p)
{
    for (size_t i = 0; i < p->nslots; i++)
        if (p->slot[i] && p->slot[i]->out_n > p->slot[i]->out_at)
            flush_one(p, p->slot[i]);
}

/* A line for the worker's .err file: why it refused, or a call's failure. */
static void log_line(pools_t *p, const worker_t *w, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    spawner_vnote(p->spawner, &w->launch, false, fmt, ap);
    va_end(ap);
}

static uint32_t pop_call(worker_t *w)
{
    uint32_t task = w->inflight[w->head];

    w->head = (w->head + 1) % w->window;
    w->n--;
    return task;
}

/* The task's failure, as its result: what rules and the journal see. */
static void set_error(hf_engine_t *engine, uint32_t task, const char *text, size_t len)
{
    json_t *r = json_object();

    if (r && json_object_set_new(r, "error", json_stringn_nocheck(text, len)) == 0)
        hf_engine_set_result(engine, task, r);
    else
        json_decref(r);
}

static int end_call(hf_engine_t *engine, uint32_t task, int status, hf_error_t *err)
{
    if (hf_engine_task_ended(engine, task, status) < 0) {
        hf_error_set(err, "local: engine refused the end of call %u", task);
        return -1;
    }
    return 1;
}

/* One frame from w.  Returns 1 for a call that ended or a worker ready, 0
 * for nothing to count, -1 on error; a frame out of order kills the
 * worker. */
static int on_frame(pools_t *p, worker_t *w, const frame_t *f, hf_engine_t *engine,
                    hf_error_t *err)
{
    json_error_t jerr;
    json_t *result;
    uint32_t task;
    hf_exec_task_t info;

    if (f->task == FRAME_READY) {
        if (f->status != FRAME_OK) {
            log_line(p, w, "the worker could not start: %.*s", (int)f->len, f->payload);
            return 0;
        }
        w->ready = true;
        if (w->up) /* started again: counted, so that the engine sends it calls */
            return 1;
        w->up = true;
        return hf_engine_service_up(engine, w->launch.task) == 0 ? 1 : 0;
    }
    if (w->n == 0 || w->inflight[w->head] != f->task) {
        log_line(p, w, "the worker answered call %u out of turn: stopped", f->task);
        kill(-w->pid, SIGKILL);
        return 0;
    }
    task = pop_call(w);
    if (f->status != FRAME_OK) {
        hf_engine_exec_task(engine, task, &info);
        log_line(p, w, "%s[%u] failed: %.*s", info.name, info.index, (int)f->len,
                 f->payload);
        set_error(engine, task, f->payload, f->len);
        return end_call(engine, task, 1, err);
    }
    if (f->len == 0)
        return end_call(engine, task, 0, err);
    result = json_loadb(f->payload, f->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(result)) {
        json_decref(result);
        set_error(engine, task, "the result is not a JSON object", 31);
        return end_call(engine, task, HF_STATUS_BAD_RESULT, err);
    }
    hf_engine_set_result(engine, task, result);
    return end_call(engine, task, 0, err);
}

int pools_refused(pools_t *p, hf_engine_t *engine, hf_error_t *err)
{
    size_t n = p->nrefused;

    p->nrefused = 0;
    for (size_t i = 0; i < n; i++) {
        char why[96];
        snprintf(why, sizeof(why), ARGS_TOO_BIG, p->refused[i].len, FRAME_MAX >> 20);
        set_error(engine, p->refused[i].task, why, strlen(why));
        if (end_call(engine, p->refused[i].task, 1, err) < 0)
            return -1;
    }
    return (int)n;
}

/* Read every reply w has sent so far.  Returns how many counted, -1. */
static int read_replies(pools_t *p, worker_t *w, hf_engine_t *engine, hf_error_t *err)
{
    int n = 0;

    while (w->from >= 0) {
        long got = frame_fill(&w->reader, w->from);
        frame_t f;
        int rc;
        while ((rc = frame_next(&w->reader, &f)) == 1) {
            int k = on_frame(p, w, &f, engine, err);
            if (k < 0)
                return -1;
            n += k;
        }
        if (rc < 0) {
            log_line(p, w, "the worker sent a malformed frame: stopped");
            kill(-w->pid, SIGKILL);
        }
        if (got == 0 || rc < 0) { /* end of file: its exit comes by SIGCHLD */
            epoll_ctl(p->epfd, EPOLL_CTL_DEL, w->from, NULL);
            close(w->from);
            w->from = -1;
        }
        if (got < 0)
            break; /* EAGAIN: all read */
    }
    return n;
}

int pools_ready(pools_t *p, uint64_t tag, uint32_t events, hf_engine_t *engine,
                hf_error_t *err)
{
    size_t slot = (size_t)(tag & ~POOL_TAG);
    worker_t *w = slot < p->nslots ? p->slot[slot] : NULL;

    if (!w)
        return 0;
    if (events & EPOLLOUT)
        flush_one(p, w);
    return events & (EPOLLIN | EPOLLHUP | EPOLLERR) ? read_replies(p, w, engine, err) : 0;
}

pid_t pools_exited(pools_t *p, uint32_t task, int *status, hf_engine_t *engine,
                   int *ended, hf_error_t *err)
{
    worker_t *w = worker_of(p, task);
    bool again;
    int k;
    pid_t pid;

    *ended = 0;
    if ((k = read_replies(p, w, engine, err)) < 0)
        return -1;
    *ended += k;
    close_pipes(p, w);
    again = w->ready && w->n > 0;
    if (w->n > 0) {
        char why[64];
        int head_status = *status != 0 ? *status : 1;
        if (*status < 0)
            snprintf(why, sizeof(why), "its worker died of signal %d", -*status);
        else
            snprintf(why, sizeof(why), "its worker exited with status %d", *status);
        task = pop_call(w);
        set_error(engine, task, why, strlen(why));
        if (end_call(engine, task, head_status, err) < 0)
            return -1;
        ++*ended;
        while (w->n > 0) { /* never started: they go again */
            if (end_call(engine, pop_call(w), HF_STATUS_LAUNCH_RETRY, err) < 0)
                return -1;
            ++*ended;
        }
    }
    /* Not when the ends above made the engine stop its pool. */
    if (!again || w->stopping) {
        worker_free(p, w);
        return 0;
    }
    if ((pid = spawn_worker(p, w, status, err)) < 0)
        return -1;
    if (pid == 0)
        worker_free(p, w);
    return pid;
}

bool pools_cancel(pools_t *p, uint32_t task)
{
    for (size_t i = 0; i < p->nslots; i++) {
        worker_t *w = p->slot[i];
        if (!w)
            continue;
        if (w->launch.task == task) {
            w->stopping = true;
            return false;
        }
        for (int k = 0; k < w->n; k++) {
            if (w->inflight[(w->head + k) % w->window] != task)
                continue;
            if (k == 0) /* it runs: only ending its worker stops it */
                kill(-w->pid, SIGKILL);
            return true;
        }
    }
    return false;
}

/* The stager's threads; see stager.h.  Threads start as jobs come, up to
 * STAGER_MAX_THREADS (the engine's cap keeps the jobs fewer), and stay.
 * A copy goes through copy_file_range (in-kernel, reflinks where the
 * filesystem has them) into "<dst>.hetflow-part", renamed into place when
 * whole: a copy cut short (a kill, a full disk) never passes for a file.
 * The task's scratch folder is opened from the root's descriptor one name at
 * a time with O_NOFOLLOW (fs_open_dirs_at), and its files relative to it. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stager.h"
#include "util/fs.h"

/* Bytes per copy_file_range call: an abort is seen between chunks. */
#define CHUNK (8L << 20)

void stage_job_free(stage_job_t *job)
{
    if (!job)
        return;
    for (int i = 0; i < job->nfiles; i++) {
        free(job->own[i]);
        free(job->name[i]);
    }
    free(job->own);
    free(job->name);
    free(job->dir);
    free(job);
}

/* Record why the job failed: the message, then the error's text. */
static int fail(stage_job_t *job, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(stage_job_t *job, int err, const char *fmt, ...)
{
    va_list ap;
    int n;

    job->status = err;
    va_start(ap, fmt);
    n = vsnprintf(job->why, sizeof(job->why), fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof(job->why))
        snprintf(job->why + n, sizeof(job->why) - (size_t)n, ": %s", strerror(err));
    return -1;
}

/* A file's path for messages: `name` in folder `dir`, the task's scratch
 * folder unless dir is AT_FDCWD. */
static const char *shown(const stage_job_t *job, int dir, const char *name, char *buf,
                         size_t len)
{
    if (dir == AT_FDCWD)
        snprintf(buf, len, "%s", name);
    else
        snprintf(buf, len, "%s/%s/%s", job->root, job->dir, name);
    return buf;
}

/* Copy with read and write where copy_file_range cannot (across some
 * filesystems, or on old kernels). */
static ssize_t copy_chunk(int in, int out, bool *plain)
{
    static __thread char buf[1 << 20];
    ssize_t n, w, off = 0;

    if (!*plain) {
        n = copy_file_range(in, NULL, out, NULL, CHUNK, 0);
        if (n >= 0 ||
            (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP))
            return n;
        *plain = true;
    }
    if ((n = read(in, buf, sizeof(buf))) <= 0)
        return n;
    while (off < n) {
        if ((w = write(out, buf + off, (size_t)(n - off))) < 0)
            return -1;
        off += w;
    }
    return n;
}

/* Copy src in folder sdir to dst in folder ddir (AT_FDCWD: a file's own
 * path, links followed as the user's; else the task's scratch folder,
 * where none is: a task's output that is a link is refused).  The part
 * file is created anew (O_EXCL, O_NOFOLLOW), never written through a
 * link left at its name, and the rename replaces a link at dst.  The source
 * is opened O_NONBLOCK: a FIFO there is refused, not waited on. */
static int copy_file(stage_job_t *job, int sdir, const char *src, int ddir,
                     const char *dst)
{
    char part[4200], what[4400], whereto[4400];
    int nofollow = sdir == AT_FDCWD ? 0 : O_NOFOLLOW;
    struct stat st;
    bool plain = false;
    int in, out, rc = 0;
    ssize_t n;

    shown(job, sdir, src, what, sizeof(what));
    if ((in = openat(sdir, src, O_RDONLY | O_NONBLOCK | O_CLOEXEC | nofollow)) < 0 &&
        errno == ELOOP) {
        job->status = ELOOP;
        snprintf(job->why, sizeof(job->why),
                 "'%.440s' is a symbolic link: hetflow copies back files, not links",
                 what);
        return -1;
    }
    if (in < 0 || fstat(in, &st) < 0) {
        int saved = errno;
        if (in >= 0)
            close(in);
        return fail(job, saved, "cannot read '%s'", what);
    }
    if (!S_ISREG(st.st_mode)) {
        close(in);
        return fail(job, S_ISDIR(st.st_mode) ? EISDIR : EINVAL, "cannot copy '%s'", what);
    }
    snprintf(part, sizeof(part), "%s.hetflow-part", dst);
    shown(job, ddir, part, whereto, sizeof(whereto));
    unlinkat(ddir, part, 0); /* a copy cut short */
    if ((out = openat(ddir, part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      st.st_mode & 0777)) < 0) {
        close(in);
        return fail(job, errno, "cannot write '%s'", whereto);
    }
    while ((n = copy_chunk(in, out, &plain)) > 0) {
        job->bytes += (double)n;
        if (atomic_load(&job->abort)) {
            errno = ECANCELED;
            n = -1;
            break;
        }
    }
    if (n < 0)
        rc = fail(job, errno, "copying '%s' to '%s'", what,
                  shown(job, ddir, dst, whereto, sizeof(whereto)));
    if (close(out) < 0 && rc == 0)
        rc = fail(job, errno, "writing '%s'", whereto);
    close(in);
    if (rc == 0 && renameat(ddir, part, ddir, dst) < 0)
        rc = fail(job, errno, "cannot rename '%s' into place", whereto);
    if (rc < 0)
        unlinkat(ddir, part, 0);
    return rc;
}

/* A link named `name` in the task's scratch folder dir to src. */
static int link_file(stage_job_t *job, const char *src, int dir, const char *name)
{
    char *target = realpath(src, NULL), where[4400];
    int rc = 0;

    if (!target)
        return fail(job, errno, "cannot link '%s'", src);
    unlinkat(dir, name, 0); /* from an earlier try */
    if (symlinkat(target, dir, name) < 0)
        rc = fail(job, errno, "cannot link '%s' as '%s'", src,
                  shown(job, dir, name, where, sizeof(where)));
    free(target);
    return rc;
}

/* The parent directory of a file copied to its own path. */
static int make_parent(stage_job_t *job, const char *dst)
{
    const char *slash = strrchr(dst, '/');
    char dir[4096];
    hf_error_t err;

    if (!slash || slash == dst || (size_t)(slash - dst) >= sizeof(dir))
        return 0;
    memcpy(dir, dst, (size_t)(slash - dst));
    dir[slash - dst] = '\0';
    if (fs_mkdirs(dir, 0777, &err) < 0)
        return fail(job, EIO, "%s", err.text);
    return 0;
}

static void run_job(stage_job_t *job)
{
    int dir = fs_open_dirs_at(job->root_fd, job->dir, job->in, 0700);

    if (dir < 0) {
        fail(job, errno, "scratch folder '%s/%s'", job->root, job->dir);
        return;
    }
    for (int i = 0; i < job->nfiles && job->status == 0; i++) {
        if (atomic_load(&job->abort)) {
            fail(job, ECANCELED, "stopped before '%s'", job->own[i]);
            break;
        }
        if (job->link)
            link_file(job, job->own[i], dir, job->name[i]);
        else if (job->in)
            copy_file(job, AT_FDCWD, job->own[i], dir, job->name[i]);
        else if (make_parent(job, job->own[i]) == 0)
            copy_file(job, dir, job->name[i], AT_FDCWD, job->own[i]);
    }
    close(dir);
    if (job->remove && job->status == 0)
        fs_remove_tree_at(job->root_fd, job->dir);
}

typedef struct {
    stager_t *st;
    int slot;
} thread_arg_t;

static void *thread_main(void *arg)
{
    stager_t *st = ((thread_arg_t *)arg)->st;
    int slot = ((thread_arg_t *)arg)->slot;
    uint64_t one = 1;

    free(arg);
    pthread_mutex_lock(&st->lock);
    for (;;) {
        stage_job_t *job;
        while (!st->queue && !st->stopping)
            pthread_cond_wait(&st->wake, &st->lock);
        if (!st->queue)
            break;
        job = st->queue;
        if (!(st->queue = job->next))
            st->queue_tail = NULL;
        st->idle--;
        st->running[slot] = job;
        pthread_mutex_unlock(&st->lock);
        run_job(job);
        pthread_mutex_lock(&st->lock);
        st->running[slot] = NULL;
        st->idle++;
        job->next = st->done;
        st->done = job;
        if (write(st->efd, &one, sizeof(one)) < 0) {
            /* the counter cannot overflow at these rates */
        }
    }
    pthread_mutex_unlock(&st->lock);
    return NULL;
}

int stager_init(stager_t *st)
{
    *st = (stager_t){.efd = -1};
    if (!(st->threads = calloc(STAGER_MAX_THREADS, sizeof(pthread_t))) ||
        !(st->running = calloc(STAGER_MAX_THREADS, sizeof(stage_job_t *))) ||
        (st->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
        free(st->threads);
        free(st->running);
        return -1;
    }
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->wake, NULL);
    return 0;
}

void stager_fini(stager_t *st)
{
    stage_job_t *job, *next;

    if (st->efd < 0)
        return;
    pthread_mutex_lock(&st->lock);
    st->stopping = true;
    for (int i = 0; i < st->nthreads; i++)
        if (st->running[i])
            atomic_store(&st->running[i]->abort, true);
    for (job = st->queue; job; job = job->next)
        atomic_store(&job->abort, true);
    pthread_cond_broadcast(&st->wake);
    pthread_mutex_unlock(&st->lock);
    for (int i = 0; i < st->nthreads; i++)
        pthread_join(st->threads[i], NULL);
    for (job = st->queue; job; job = next) {
        next = job->next;
        stage_job_free(job);
    }
    for (job = st->done; job; job = next) {
        next = job->next;
        stage_job_free(job);
    }
    pthread_mutex_destroy(&st->lock);
    pthread_cond_destroy(&st->wake);
    close(st->efd);
    free(st->threads);
    free(st->running);
    st->efd = -1;
}

int stager_submit(stager_t *st, stage_job_t *job)
{
    int rc = 0;

    job->next = NULL;
    pthread_mutex_lock(&st->lock);
    if (st->queue_tail)
        st->queue_tail->next = job;
    else
        st->queue = job;
    st->queue_tail = job;
    if (st->idle == 0 && st->nthreads < STAGER_MAX_THREADS) {
        thread_arg_t *arg = malloc(sizeof(*arg));
        if (arg) {
            *arg = (thread_arg_t){st, st->nthreads};
            if ((rc = pthread_create(&st->threads[st->nthreads], NULL, thread_main,
                                     arg)) == 0) {
                st->nthreads++;
                st->idle++;
            } else {
                free(arg);
            }
        }
        if (st->nthreads == 0) { /* nothing will ever take it */
            st->queue = st->queue_tail = NULL;
            pthread_mutex_unlock(&st->lock);
            errno = rc ? rc : ENOMEM;
            return -1;
        }
    }
    pthread_cond_signal(&st->wake);
    pthread_mutex_unlock(&st->lock);
    return 0;
}

void stager_abort(stager_t *st, uint32_t task)
{
    pthread_mutex_lock(&st->lock);
    for (stage_job_t *job = st->queue; job; job = job->next)
        if (job->task == task)
            atomic_store(&job->abort, true);
    for (int i = 0; i < st->nthreads; i++)
        if (st->running[i] && st->running[i]->task == task)
            atomic_store(&st->running[i]->abort, true);
    pthread_mutex_unlock(&st->lock);
}

stage_job_t *stager_take_done(stager_t *st)
{
    stage_job_t *done;
    uint64_t count;

    pthread_mutex_lock(&st->lock);
    done = st->done;
    st->done = NULL;
    if (read(st->efd, &count, sizeof(count)) < 0) {
        /* EAGAIN: nothing was signalled */
    }
    pthread_mutex_unlock(&st->lock);
    return done;
}

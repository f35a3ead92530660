/* The owner of a workdir: the one hetflow process that runs its tasks.
 *
 * A run or resume holds an open-file-description lock (F_OFD_SETLK) on
 * WORKDIR/run.lock for as long as it lives, and writes its pid and host
 * there.  The kernel drops the lock when the process dies however it dies
 * (kill -9 included), so a lock held means a live owner, and none means
 * that a journal with running tasks belongs to a run whose process is gone.
 * OFD locks, unlike classic POSIX locks, are not dropped when some other
 * descriptor of the file is closed, and F_OFD_GETLK tests without taking:
 * `status` never stands in a run's way.  On NFS the client turns them into
 * the server's POSIX locks, so they hold across nodes too. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hetflow/journal.h"
#include "util/fs.h"

static void lock_path(const char *workdir, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", workdir, HF_LOCK_FILE);
}

/* What the owner wrote: "PID HOST". */
static void read_owner(int fd, hf_owner_t *owner)
{
    char text[320];
    ssize_t n = pread(fd, text, sizeof(text) - 1, 0);

    memset(owner, 0, sizeof(*owner));
    if (n <= 0)
        return;
    text[n] = '\0';
    if (sscanf(text, "%ld %255s", &owner->pid, owner->host) < 1)
        owner->pid = 0;
}

int hf_workdir_lock(const char *workdir, hf_error_t *err)
{
    struct flock whole = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    char path[4096], host[256] = "?", text[320];
    hf_owner_t owner;
    int fd, n;

    /* A workdir someone else can change is refused: they could plant links
     * for hetflow to write through, or a journal for it to resume. */
    if (fs_private_dir(workdir, 0700, true, err) < 0)
        return -1;
    lock_path(workdir, path, sizeof(path));
    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) {
        hf_error_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fcntl(fd, F_OFD_SETLK, &whole) < 0) {
        int saved = errno;
        if (saved == EAGAIN || saved == EACCES) {
            read_owner(fd, &owner);
            hf_error_set(
                err,
                "%s is in use by another hetflow (pid %ld on %s): wait for it to "
                "end, or stop it first",
                workdir, owner.pid, owner.host[0] ? owner.host : "?");
            saved = EBUSY;
        } else {
            hf_error_set(err, "%s: cannot lock: %s", path, strerror(saved));
        }
        close(fd);
        errno = saved;
        return -1;
    }
    gethostname(host, sizeof(host) - 1);
    n = snprintf(text, sizeof(text), "%ld %s\n", (long)getpid(), host);
    if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t)n, 0) != n) {
        hf_error_set(err, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

void hf_workdir_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}

int hf_workdir_owner(const char *workdir, hf_owner_t *owner)
{
    struct flock probe = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    char path[4096];
    int fd;

    memset(owner, 0, sizeof(*owner));
    lock_path(workdir, path, sizeof(path));
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
        return errno == ENOENT ? 0 : -1;
    if (fcntl(fd, F_OFD_GETLK, &probe) < 0) {
        close(fd);
        return -1;
    }
    if (probe.l_type != F_UNLCK)
        read_owner(fd, owner);
    close(fd);
    return probe.l_type != F_UNLCK;
}

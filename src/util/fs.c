/* File-system helpers; see fs.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"

static int make_dir(const char *path, mode_t mode, hf_error_t *err)
{
    struct stat st;

    if (mkdir(path, mode) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
        hf_error_set(err, "%s: exists and is not a folder", path);
        errno = ENOTDIR;
        return -1;
    }
    if (errno == EEXIST)
        return 0;
    hf_error_set(err, "%s: %s", path, strerror(errno));
    return -1;
}

int fs_mkdirs(const char *path, mode_t mode, hf_error_t *err)
{
    char *copy = strdup(path);
    int rc = 0;

    if (!copy) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    for (char *p = copy + 1; *p && rc == 0; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        rc = make_dir(copy, mode, err);
        *p = '/';
    }
    if (rc == 0)
        rc = make_dir(copy, mode, err);
    free(copy);
    return rc;
}

/* Find `name` on PATH as execvp would; NULL with errno when it is not
 * there.  Names with a slash are taken as they are. */
char *fs_which(const char *name)
{
    const char *path = getenv("PATH");
    char candidate[4096];
    int saved = ENOENT;

    if (strchr(name, '/'))
        return strdup(name);
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *dir = path; *dir;) {
        size_t len = strcspn(dir, ":");
        snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)len, len ? dir : ".",
                 name);
        if (access(candidate, X_OK) == 0)
            return strdup(candidate);
        if (errno != ENOENT && errno != ENOTDIR)
            saved = errno;
        dir += len + (dir[len] == ':');
    }
    errno = saved;
    return NULL;
}

bool fs_folder_of(const char *path, char *out)
{
    char *slash;

    if (!path || !realpath(path, out) || !(slash = strrchr(out, '/')))
        return false;
    *slash = '\0';
    return true;
}

int fs_open_dir_at(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;

    /* With O_DIRECTORY a link gives ENOTDIR: say what it is. */
    if (fd < 0 && errno == ENOTDIR &&
        fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        errno = ELOOP;
    return fd;
}

/* Remove `name` in folder dirfd and all under it.  A link is removed, never
 * followed: a folder is opened with O_NOFOLLOW, and its entries are removed
 * relative to it, so no path is resolved again below dirfd. */
static int remove_at(int dirfd, const char *name)
{
    struct dirent *entry;
    int fd, rc = 0;
    DIR *d;

    if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;
    if ((fd = fs_open_dir_at(dirfd, name)) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!(d = fdopendir(fd))) {
        close(fd);
        return -1;
    }
    while ((entry = readdir(d)))
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0 &&
            remove_at(fd, entry->d_name) < 0)
            rc = -1;
    closedir(d);
    if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        rc = -1;
    return rc;
}

int fs_remove_tree(const char *path)
{
    return remove_at(AT_FDCWD, path);
}

int fs_open_dirs_at(int dirfd, const char *rel, bool create, mode_t mode)
{
    char name[256];
    int fd = dirfd;

    while (*rel) {
        size_t n = strcspn(rel, "/");
        int next;
        if (n == 0 || n >= sizeof(name)) {
            errno = n ? ENAMETOOLONG : EINVAL;
            goto fail;
        }
        memcpy(name, rel, n);
        name[n] = '\0';
        rel += n + (rel[n] == '/');
        if (create && mkdirat(fd, name, mode) < 0 && errno != EEXIST)
            goto fail;
        if ((next = fs_open_dir_at(fd, name)) < 0)
            goto fail;
        if (fd != dirfd)
            close(fd);
        fd = next;
    }
    return fd == dirfd ? fcntl(dirfd, F_DUPFD_CLOEXEC, 0) : fd;
fail:
    if (fd != dirfd) {
        int saved = errno;
        close(fd);
        errno = saved;
    }
    return -1;
}

int fs_remove_tree_at(int dirfd, const char *rel)
{
    const char *slash = strrchr(rel, '/');
    char parent[4096];
    int fd, rc;

    if (!slash)
        return remove_at(dirfd, rel);
    if ((size_t)(slash - rel) >= sizeof(parent)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(parent, rel, (size_t)(slash - rel));
    parent[slash - rel] = '\0';
    if ((fd = fs_open_dirs_at(dirfd, parent, false, 0)) < 0)
        return errno == ENOENT ? 0 : -1;
    rc = remove_at(fd, slash + 1);
    close(fd);
    return rc;
}

int fs_check_private(const char *path, bool link_ok, hf_error_t *err)
{
    uid_t me = geteuid();
    struct stat st;

    if (lstat(path, &st) < 0)
        goto fail;
    if (S_ISLNK(st.st_mode)) {
        if (!link_ok) {
            hf_error_set(err, "%s is a symbolic link: hetflow follows no link here",
                         path);
            errno = ELOOP;
            return -1;
        }
        if (st.st_uid != me)
            goto not_mine;
        if (stat(path, &st) < 0)
            goto fail;
    }
    if (!S_ISDIR(st.st_mode)) {
        hf_error_set(err, "%s: exists and is not a folder", path);
        errno = ENOTDIR;
        return -1;
    }
    if (st.st_uid != me)
        goto not_mine;
    /* Its group may write: on clusters a project's folders are shared by
     * a group (umask 002), whose members are trusted with its files. */
    if (st.st_mode & S_IWOTH) {
        hf_error_set(err,
                     "%s is writable by others (mode %04o): hetflow works only in "
                     "folders that others cannot change ('chmod o-w %s')",
                     path, (unsigned)(st.st_mode & 07777), path);
        errno = EPERM;
        return -1;
    }
    return 0;
not_mine:
    hf_error_set(err,
                 "%s is owned by uid %u, not by you (uid %u): hetflow works only in "
                 "folders of yours",
                 path, (unsigned)st.st_uid, (unsigned)me);
    errno = EPERM;
    return -1;
fail:
    hf_error_set(err, "%s: %s", path, strerror(errno));
    return -1;
}

int fs_private_dir(const char *path, mode_t mode, bool link_ok, hf_error_t *err)
{
    struct stat st;

    if (lstat(path, &st) < 0 && errno == ENOENT && fs_mkdirs(path, mode, err) < 0)
        return -1;
    return fs_check_private(path, link_ok, err);
}

int fs_close_written(FILE *f, const char *path, hf_error_t *err)
{
    /* A stream drops what it failed to write, keeping only its error flag:
     * the reason is the errno that write left. */
    int why = fflush(f) != 0 || ferror(f) ? (errno ? errno : EIO) : 0;

    if (fclose(f) != 0 && why == 0)
        why = errno;
    if (why == 0)
        return 0;
    unlink(path);
    hf_error_set(err, "%s: write failed: %s", path, strerror(why));
    errno = why;
    return -1;
}

/* A task's files in the workdir; see task_files.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hetflow/exec.h"
#include "hetflow/executor.h"
#include "task_files.h"
#include "util/fs.h"

int task_file_path(const char *workdir, const char *set, uint32_t index, int try,
                   const char *ext, char *out, size_t len)
{
    int n = try > 0 ? snprintf(out, len, "%s/%s/%u.%d.%s", workdir, set, index, try, ext)
                    : snprintf(out, len, "%s/%s/%u.%s", workdir, set, index, ext);

    return n < 0 || (size_t)n >= len ? -1 : 0;
}

int task_file_new_try(const char *workdir, const char *set, uint32_t index, int from,
                      int *try)
{
    char path[4096];

    for (int k = from > 0 ? from : 0; k < 1000000; k++) {
        int fd;
        if (task_file_path(workdir, set, index, k, "err", path, sizeof(path)) < 0) {
            errno = ENAMETOOLONG;
            return -1;
        }
        /* O_APPEND: the task's writes and hetflow's notes (a call that
         * failed, a timeout) land after each other, none over another. */
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
                  0600);
        if (fd >= 0 || errno != EEXIST) {
            *try = k;
            return fd;
        }
    }
    errno = EEXIST;
    return -1;
}

int task_file_last_try(const char *workdir, const char *set, uint32_t index)
{
    char path[4096];
    int last = -1;

    /* Tries are numbered without gaps: the first missing one ends them. */
    for (int k = 0;
         task_file_path(workdir, set, index, k, "err", path, sizeof(path)) == 0 &&
         access(path, F_OK) == 0;
         k++)
        last = k;
    return last;
}

/* Whether s is one or more digits and then the end or a dot; *end after them. */
static bool number(const char *s, const char **end)
{
    const char *p = s;

    while (*p >= '0' && *p <= '9')
        p++;
    *end = p;
    return p > s && (*p == '.' || *p == '\0');
}

bool task_file_is_own(const char *name)
{
    static const char *const own[] = {"out", "err", "result.json", "endpoint",
                                      "rankfile"};
    const char *rest;

    if (!number(name, &rest) || *rest != '.')
        return false;
    rest++;
    for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
        if (strcmp(rest, own[i]) == 0)
            return true;
    /* A later try's <index>.<try>.out or .err. */
    return number(rest, &rest) &&
           (strcmp(rest, ".out") == 0 || strcmp(rest, ".err") == 0);
}

void task_status_text(int status, char *out, size_t len)
{
    if (status == HF_STATUS_BAD_RESULT)
        snprintf(out, len, "its result is not a JSON object");
    else if (status == HF_STATUS_STAGE_FAILED)
        snprintf(out, len, "its files could not be staged");
    else if (status == HF_STATUS_MISSING_OUTPUT)
        snprintf(out, len, "an output was not written");
    else if (status >= 0)
        snprintf(out, len, "exit %d", status);
    else
        snprintf(out, len, "signal %d (%s)", -status, strsignal(-status));
}

/* hetflow's note in the .err file at path: its last line that hetflow
 * wrote, into why.  Returns 0, or -1 when there is none. */
static int read_note(const char *path, char *why, size_t why_len)
{
    char tail[8192], *line = NULL;
    size_t n;
    FILE *f;

    if (!(f = fopen(path, "r")))
        return -1;
    /* hetflow's note is the file's last line: the tail holds it. */
    if (fseek(f, -(long)(sizeof(tail) - 1), SEEK_END) < 0)
        rewind(f);
    n = fread(tail, 1, sizeof(tail) - 1, f);
    fclose(f);
    tail[n] = '\0';
    for (char *at = tail; (at = strstr(at, "hetflow: ")); at++)
        if (at == tail || at[-1] == '\n')
            line = at + 9;
    if (!line)
        return -1;
    snprintf(why, why_len, "%.*s", (int)strcspn(line, "\n"), line);
    return 0;
}

int hf_exec_local_failure(const char *workdir, const char *set, uint32_t index,
                          int status, char *why, size_t why_len, char *path,
                          size_t path_len)
{
    int try = task_file_last_try(workdir, set, index);

    if (try >= 0 &&
        task_file_path(workdir, set, index, try, "err", path, path_len) == 0 &&
        read_note(path, why, why_len) == 0)
        return 1;
    task_status_text(status, why, why_len);
    if (path_len)
        path[0] = '\0';
    return 0;
}

/* Whether the file at path has a line that starts with `line`. */
static bool has_line(const char *path, const char *line)
{
    size_t n = strlen(line), cap = 0;
    char *text = NULL;
    bool found = false;
    FILE *f = fopen(path, "r");

    while (f && !found && getline(&text, &cap, f) >= 0)
        found = strncmp(text, line, n) == 0;
    free(text);
    if (f)
        fclose(f);
    return found;
}

int hf_exec_local_call_log(const char *workdir, const char *pool, const char *set,
                           uint32_t index, char *path, size_t path_len)
{
    char dir[4096], line[4200], file[8192];
    struct dirent *entry;
    struct timespec newest = {0, 0};
    struct stat st;
    DIR *d;

    if (path_len == 0)
        return 0;
    path[0] = '\0';
    snprintf(dir, sizeof(dir), "%s/%s", workdir, pool);
    snprintf(line, sizeof(line), "hetflow: %s[%u] failed: ", set, index);
    if (!(d = opendir(dir)))
        return 0;
    /* The call ran on one of the pool's workers, in one of its tries: the
     * newest file that has the line is that of its last failure. */
    while ((entry = readdir(d))) {
        size_t len = strlen(entry->d_name);
        if (!task_file_is_own(entry->d_name) || len < 4 ||
            strcmp(entry->d_name + len - 4, ".err") != 0)
            continue;
        snprintf(file, sizeof(file), "%s/%s", dir, entry->d_name);
        if (stat(file, &st) < 0 || (path[0] && (st.st_mtim.tv_sec < newest.tv_sec ||
                                                (st.st_mtim.tv_sec == newest.tv_sec &&
                                                 st.st_mtim.tv_nsec < newest.tv_nsec))))
            continue;
        if (has_line(file, line) && strlen(file) < path_len) {
            strcpy(path, file);
            newest = st.st_mtim;
        }
    }
    closedir(d);
    return path[0] ? 1 : 0;
}

int hf_exec_local_check_workdir(const char *workdir, const hf_workflow_t *wf,
                                hf_error_t *err)
{
    char path[4096];

    if (fs_private_dir(workdir, 0700, true, err) < 0)
        return -1;
    for (int s = 0; s < hf_workflow_nsets(wf) + hf_workflow_npools(wf); s++) {
        const char *name = s < hf_workflow_nsets(wf)
                               ? hf_workflow_get_set(wf, s)->name
                               : hf_workflow_pool(wf, s - hf_workflow_nsets(wf))->name;
        snprintf(path, sizeof(path), "%s/%s", workdir, name); /* a set's, a pool's */
        if (fs_private_dir(path, 0700, false, err) < 0)
            return -1;
    }
    return 0;
}

int hf_exec_local_forget(const char *workdir, const char *set, hf_error_t *err)
{
    char dir[4096];
    struct dirent *entry;
    int fd, rc = 0;
    DIR *d;

    /* Not through a link: the files deleted are those in the workdir. */
    snprintf(dir, sizeof(dir), "%s/%s", workdir, set);
    if ((fd = fs_open_dir_at(AT_FDCWD, dir)) < 0 || !(d = fdopendir(fd))) {
        if (fd >= 0)
            close(fd);
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        if (errno == ELOOP)
            hf_error_set(err, "%s is a symbolic link: hetflow follows no link here", dir);
        else
            hf_error_set(err, "%s: %s", dir, strerror(errno));
        return -1;
    }
    while ((entry = readdir(d)) && rc == 0) {
        if (!task_file_is_own(entry->d_name))
            continue;
        if (unlinkat(fd, entry->d_name, 0) < 0 && errno != ENOENT) {
            hf_error_set(err, "%s/%s: %s", dir, entry->d_name, strerror(errno));
            rc = -1;
        }
    }
    closedir(d);
    if (rc == 0)
        rmdir(dir); /* kept when it holds what hetflow did not write */
    return rc;
}

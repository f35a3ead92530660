/* The local executor: tasks as processes on this machine.
 *
 * Children are reaped without polling: SIGCHLD, SIGINT and SIGTERM are
 * blocked and read from a signalfd, which sits in an epoll set with a timerfd
 * for the kill grace period.  One descriptor serves any number of children
 * (pidfds would take one each), and the loop that needs nothing more than
 * "wake me when a child exits, a signal comes or a timer fires" is a few
 * lines of epoll, where libuv or libev would add a dependency and their own
 * process spawning, which cannot pin a child before it starts (spawn.c). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hetflow/exec.h"
#include "hetflow/executor.h"
#include "pidmap.h"
#include "pool.h"
#include "scratch.h"
#include "spawn.h"
#include "stager.h"
#include "task_files.h"
#include "util/fs.h"
#include "util/grow.h"

/* How often the endpoint files of starting services are looked for. */
#define ENDPOINT_POLL_MS 20

/* Seconds between SIGTERM to a task's process group and SIGKILL. */
#define KILL_GRACE 3.0

typedef struct {
    uint32_t task;
    int status;
} unstarted_t;

typedef struct {
    spawner_t spawner;
    struct timespec t0;
    int epfd, sigfd, timerfd;
    sigset_t old_mask;
    pidmap_t running;
    pid_t *pid_of;          /* per task, while running; 0 otherwise */
    bool *stopped;          /* per task, whether hetflow ended its process */
    unstarted_t *unstarted; /* could not start: reported by the next wait */
    size_t nunstarted;
    size_t ntasks;      /* room in pid_of and unstarted: sets may be added */
    uint32_t *starting; /* services launched, their endpoint not yet written */
    size_t nstarting, starting_cap;
    struct terminating {
        uint32_t task;
        pid_t pid;
        double kill_at; /* SIGKILL then, if that process still runs the task */
    } * terminating;    /* groups sent SIGTERM, in the order sent */
    size_t nterminating, terminating_cap;
    pools_t pools; /* the workers of function sets */
    stager_t stager;
    char *scratch_base; /* where the scratch root goes */
    char *scratch;      /* this run's node-local scratch root, once made */
    int scratch_fd;     /* the root, open: what is below is reached from it */
    long nstagings;     /* handed to the stager, not yet reported */
} local_t;

static double local_now(void *ctx)
{
    local_t *x = ctx;
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - x->t0.tv_sec) + (t.tv_nsec - x->t0.tv_nsec) * 1e-9;
}

/* Grow the per-task arrays to hold task `task`. */
static int reserve_tasks(local_t *x, uint32_t task)
{
    size_t n = grow_cap(x->ntasks, (size_t)task + 1);

    if (n == x->ntasks)
        return 0;
    if (grow_to((void **)&x->pid_of, x->ntasks, n, sizeof(pid_t)) < 0 ||
        grow_to((void **)&x->stopped, x->ntasks, n, sizeof(bool)) < 0 ||
        grow_to((void **)&x->unstarted, x->ntasks, n, sizeof(unstarted_t)) < 0)
        return -1;
    x->ntasks = n;
    return 0;
}

/* The run's scratch root, made when a task first stages: a new folder of
 * its own, BASE/hetflow-<pid>-XXXXXX (mkdtemp: 0700, a name no one made
 * before, so nothing someone else planted there is ever used), BASE being
 * $HETFLOW_SCRATCH, else $TMPDIR, else /tmp.  Removed at the end. */
static int open_scratch(local_t *x, hf_error_t *err)
{
    char *root;
    struct stat st;
    int fd;

    if (x->scratch)
        return 0;
    if (fs_mkdirs(x->scratch_base, 0700, err) < 0)
        return -1;
    if (asprintf(&root, "%s/hetflow-%ld-XXXXXX", x->scratch_base, (long)getpid()) < 0) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    if (!mkdtemp(root)) {
        hf_error_set(err, "scratch: cannot make a folder in %s: %s", x->scratch_base,
                     strerror(errno));
        free(root);
        return -1;
    }
    if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
        fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077)) {
        hf_error_set(err, "scratch: %s: not the private folder just made", root);
        if (fd >= 0)
            close(fd);
        free(root);
        return -1;
    }
    x->scratch = root;
    x->spawner.scratch = root;
    x->scratch_fd = fd;
    return 0;
}

/* A staged task's scratch directory, there before it runs (its inputs may
 * have been linked there, or it may stage only outputs). */
static int make_task_dir(local_t *x, const hf_set_t *set, uint32_t index, hf_error_t *err)
{
    char rel[4096];
    int fd;

    if (open_scratch(x, err) < 0)
        return -1;
    if (scratch_task_rel(set, index, rel, sizeof(rel)) < 0) {
        hf_error_set(err, "scratch directory of %s[%u]: name too long", set->name, index);
        return -1;
    }
    if ((fd = fs_open_dirs_at(x->scratch_fd, rel, true, 0700)) < 0) {
        hf_error_set(err, "scratch directory %s/%s: %s", x->scratch, rel,
                     strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

static void remove_task_dir(local_t *x, const hf_set_t *set, uint32_t index)
{
    char rel[4096];

    if (x->scratch_fd >= 0 && scratch_task_rel(set, index, rel, sizeof(rel)) == 0)
        fs_remove_tree_at(x->scratch_fd, rel);
}

/* Task (or worker) l's process was started (pid), or could not be (0,
 * with the shell's status for it: it ends at the next wait).  Returns 0,
 * or -1 with a message. */
static int started(local_t *x, const hf_launch_t *l, pid_t pid, int status,
                   hf_error_t *err)
{
    if (pid < 0)
        return -1;
    if (pid == 0) {
        x->unstarted[x->nunstarted++] = (unstarted_t){l->task, status};
        return 0;
    }
    if (pidmap_put(&x->running, pid, l->task) < 0) {
        kill(-pid, SIGKILL);
        hf_error_set(err, "out of memory");
        return -1;
    }
    x->pid_of[l->task] = pid;
    x->stopped[l->task] = false;
    return 0;
}

static int local_launch(void *ctx, const hf_launch_t *l, hf_error_t *err)
{
    local_t *x = ctx;
    int status = 0;
    pid_t pid;

    if (reserve_tasks(x, l->task) < 0) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    if ((scratch_staged(l->spec, true) || scratch_staged(l->spec, false)) &&
        make_task_dir(x, l->spec, l->index, err) < 0)
        return -1;
    pid = spawner_start(&x->spawner, l, NULL, NULL, &status, err);
    if (started(x, l, pid, status, err) < 0)
        return -1;
    if (pid > 0 && l->spec->service) { /* up once it writes its endpoint */
        if (grow_room((void **)&x->starting, &x->starting_cap, x->nstarting + 1,
                      sizeof(uint32_t)) < 0) {
            hf_error_set(err, "out of memory");
            return -1;
        }
        x->starting[x->nstarting++] = l->task;
    }
    return 0;
}

/* A worker is up when it says so (pool.c), not by an endpoint. */
static int local_pool_start(void *ctx, const hf_pool_t *pool, const hf_launch_t *l,
                            hf_error_t *err)
{
    local_t *x = ctx;
    int status = 0;

    if (reserve_tasks(x, l->task) < 0) {
        hf_error_set(err, "out of memory");
        return -1;
    }
    return started(x, l, pools_start(&x->pools, pool, l, &status, err), status, err);
}

/* Arm the timer for the first group still to be killed. */
static void arm_kill_timer(local_t *x)
{
    double left = x->nterminating ? x->terminating[0].kill_at - local_now(x) : 0;
    struct itimerspec when = {0};

    if (x->nterminating) {
        left = left > 0.001 ? left : 0.001; /* 0 would disarm it */
        when.it_value.tv_sec = (time_t)left;
        when.it_value.tv_nsec = (long)((left - (double)(time_t)left) * 1e9);
    }
    timerfd_settime(x->timerfd, 0, &when, NULL);
}

/* Task `task` (process group pid) was sent SIGTERM: SIGKILL after the
 * grace period, it alone.  Entries are in time order: the grace is fixed. */
static void terminate(local_t *x, uint32_t task, pid_t pid)
{
    x->stopped[task] = true;
    kill(-pid, SIGTERM);
    if (grow_room((void **)&x->terminating, &x->terminating_cap, x->nterminating + 1,
                  sizeof(*x->terminating)) < 0) {
        kill(-pid, SIGKILL); /* no memory to wait: no grace */
        return;
    }
    x->terminating[x->nterminating++] =
        (struct terminating){task, pid, local_now(x) + KILL_GRACE};
    if (x->nterminating == 1)
        arm_kill_timer(x);
}

/* The grace of the first groups is over: kill those still running. */
static void kill_terminating(local_t *x)
{
    size_t done = 0;
    double now = local_now(x);

    while (done < x->nterminating && x->terminating[done].kill_at <= now) {
        const struct terminating *t = &x->terminating[done++];
        if (x->pid_of[t->task] == t->pid)
            kill(-t->pid, SIGKILL);
    }
    memmove(x->terminating, x->terminating + done,
            (x->nterminating - done) * sizeof(*x->terminating));
    x->nterminating -= done;
    arm_kill_timer(x);
}

static int local_call(void *ctx, const hf_pool_t *pool, const hf_launch_t *l,
                      uint32_t *worker, hf_error_t *err)
{
    return pools_call(&((local_t *)ctx)->pools, pool, l, worker, err);
}

static void local_cancel(void *ctx, uint32_t task)
{
    local_t *x = ctx;

    if (x->nstagings > 0)
        stager_abort(&x->stager, task);
    if (pools_cancel(&x->pools, task))
        return;
    if (task < x->ntasks && x->pid_of[task] > 0)
        terminate(x, task, x->pid_of[task]);
}

/* A staging job of the task's files: each from its own path to its
 * scratch directory (in), or back (out). */
static stage_job_t *make_job(local_t *x, const hf_stage_req_t *req)
{
    bool in = req->dir == HF_STAGE_IN;
    const hf_set_t *set = req->spec;
    const hf_file_t *files = in ? set->inputs : set->outputs;
    int nf = in ? set->ninputs : set->noutputs;
    stage_job_t *job = calloc(1, sizeof(*job));
    long total = 0;
    char rel[4096];

    for (int i = 0; i < nf; i++)
        total += hf_file_count(x->spawner.wf, &files[i]);
    if (!job || scratch_task_rel(set, req->index, rel, sizeof(rel)) < 0 ||
        !(job->own = calloc((size_t)total + 1, sizeof(char *))) ||
        !(job->name = calloc((size_t)total + 1, sizeof(char *))) ||
        !(job->dir = strdup(rel)))
        goto fail;
    job->task = req->task;
    job->in = in;
    job->link = in && set->stage.in == HF_STAGE_LINK;
    job->remove = !in;
    job->root_fd = x->scratch_fd;
    job->root = x->scratch;
    for (int i = 0; i < nf; i++) {
        for (long k = 0; k < hf_file_count(x->spawner.wf, &files[i]); k++) {
            char own[4096];
            const char *base;
            if (hf_file_path(x->spawner.wf, set, &files[i], req->index, (uint32_t)k, own,
                             sizeof(own)) < 0)
                goto fail;
            base = strrchr(own, '/') ? strrchr(own, '/') + 1 : own;
            if (!(job->own[job->nfiles] = strdup(own)) ||
                !(job->name[job->nfiles++] = strdup(base)))
                goto fail;
        }
    }
    return job;
fail:
    stage_job_free(job);
    return NULL;
}

static int local_stage(void *ctx, const hf_stage_req_t *req, hf_error_t *err)
{
    local_t *x = ctx;
    stage_job_t *job;

    if (open_scratch(x, err) < 0)
        return -1;
    if (!(job = make_job(x, req))) {
        hf_error_set(err, "staging %s[%u]: out of memory (or a path too long)",
                     req->spec->name, req->index);
        return -1;
    }
    if (stager_submit(&x->stager, job) < 0) {
        hf_error_set(err, "staging: cannot start a thread: %s", strerror(errno));
        stage_job_free(job);
        return -1;
    }
    x->nstagings++;
    return 0;
}

/* Which task `task` is, for the spawner (placed nowhere). */
static hf_launch_t launch_of(hf_engine_t *engine, uint32_t task)
{
    hf_exec_task_t t;

    hf_engine_exec_task(engine, task, &t);
    return (hf_launch_t){task, t.group, t.index, t.spec, t.name, NULL};
}

/* Add hetflow's line to the .err file of task's latest try (of a new try
 * with `new_try`): why it failed. */
static void note(local_t *x, hf_engine_t *engine, uint32_t task, bool new_try,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void note(local_t *x, hf_engine_t *engine, uint32_t task, bool new_try,
                 const char *fmt, ...)
{
    hf_launch_t l = launch_of(engine, task);
    va_list ap;

    va_start(ap, fmt);
    spawner_vnote(&x->spawner, &l, new_try, fmt, ap);
    va_end(ap);
}

/* Report the stagings that have ended; a failed one's reason goes to the
 * task's .err file (of a try of its own when its inputs failed: no process
 * of that try ran). */
static int stagings_ended(local_t *x, hf_engine_t *engine, hf_error_t *err)
{
    stage_job_t *job = stager_take_done(&x->stager), *next;
    int n = 0, rc = 0;

    for (; job; job = next) {
        next = job->next;
        x->nstagings--;
        if (rc == 0 && job->status != 0)
            note(x, engine, job->task, job->in, "staging failed: %s", job->why);
        if (rc == 0 &&
            hf_engine_stage_ended(engine, job->task, job->status, job->bytes) < 0) {
            hf_error_set(err, "local: engine refused the end of a staging of task %u",
                         job->task);
            rc = -1;
        }
        n++;
        stage_job_free(job);
    }
    return rc < 0 ? -1 : n;
}

static void kill_all(local_t *x)
{
    for (size_t i = 0; i < x->running.cap; i++)
        if (x->running.pids[i])
            kill(-x->running.pids[i], SIGKILL);
}

/* The result a task wrote to $HETFLOW_RESULT, if any, goes to the engine.
 * Returns the task's status: 0, or HF_STATUS_BAD_RESULT (with the reason
 * added to its .err file) when the file is there but not a JSON object. */
static int read_result(local_t *x, hf_engine_t *engine, uint32_t task)
{
    hf_exec_task_t t;
    char path[4096];
    json_error_t jerr;
    json_t *result;
    int fd;

    hf_engine_exec_task(engine, task, &t);
    spawner_task_path(&x->spawner, t.name, t.index, "result.json", path, sizeof(path));
    if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        if (errno == ENOENT)
            return 0;
        note(x, engine, task, false, "its result %s %s", path,
             errno == ELOOP ? "is a symbolic link: not read" : strerror(errno));
        return HF_STATUS_BAD_RESULT;
    }
    result = json_loadfd(fd, JSON_REJECT_DUPLICATES, &jerr);
    close(fd);
    if (json_is_object(result)) {
        hf_engine_set_result(engine, task, result);
        return 0;
    }
    json_decref(result);
    note(x, engine, task, false, "its result is not a JSON object: %s",
         result ? "another JSON value" : jerr.text);
    return HF_STATUS_BAD_RESULT;
}

/* Whether the task wrote every output it declares (where it writes them:
 * its scratch directory when they are staged out).  Returns 0, or
 * HF_STATUS_MISSING_OUTPUT with the first one missing named in its .err
 * file. */
static int check_outputs(local_t *x, hf_engine_t *engine, uint32_t task,
                         const hf_set_t *set, uint32_t index)
{
    bool staged = scratch_staged(set, false);
    char path[4096], own[4096];
    struct stat st;

    for (int i = 0; i < set->noutputs; i++) {
        if (scratch_file(x->scratch, x->spawner.wf, set, index, &set->outputs[i], 0,
                         staged, path, sizeof(path)) < 0 ||
            hf_file_path(x->spawner.wf, set, &set->outputs[i], index, 0, own,
                         sizeof(own)) < 0)
            return HF_STATUS_MISSING_OUTPUT;
        if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
            continue;
        if (staged)
            note(x, engine, task, false, "output '%s' was not written (looked for %s)",
                 own, path);
        else
            note(x, engine, task, false, "output '%s' was not written", own);
        return HF_STATUS_MISSING_OUTPUT;
    }
    return 0;
}

/* Whether srun said, at the end of the task's .err file, that Slurm would
 * not create its step for now (a busy or reconfiguring controller): then
 * the task has not run, and is launched again. */
static bool step_refused(local_t *x, hf_engine_t *engine, uint32_t task)
{
    static const char *const signs[] = {"step creation temporarily disabled",
                                        "Unable to create step", "Job step creation"};
    hf_launch_t l = launch_of(engine, task);
    char path[4096], tail[4096];
    size_t n;
    FILE *f;

    if (spawner_try_path(&x->spawner, &l, "err", path, sizeof(path)) < 0 ||
        !(f = fopen(path, "r")))
        return false;
    if (fseek(f, -(long)(sizeof(tail) - 1), SEEK_END) < 0)
        rewind(f);
    n = fread(tail, 1, sizeof(tail) - 1, f);
    fclose(f);
    tail[n] = '\0';
    for (size_t i = 0; i < sizeof(signs) / sizeof(signs[0]); i++)
        if (memmem(tail, n, signs[i], strlen(signs[i])))
            return true;
    return false;
}

/* A task's process ended with `status`: check its outputs, and clear its
 * scratch directory unless its outputs are still to move out of it. */
static int ended_files(local_t *x, hf_engine_t *engine, uint32_t task, int status)
{
    hf_exec_task_t t;
    const hf_set_t *set;

    hf_engine_exec_task(engine, task, &t);
    if (!(set = t.spec)) /* a worker has no files */
        return status;
    /* A recorded run's files are for the model: its stand-ins write none. */
    if (status == 0 && set->noutputs > 0 && !hf_workflow_recorded(x->spawner.wf))
        status = check_outputs(x, engine, task, set, t.index);
    if ((scratch_staged(set, true) || scratch_staged(set, false)) &&
        (status != 0 || !scratch_staged(set, false)))
        remove_task_dir(x, set, t.index);
    return status;
}

/* Why task's process ended unsuccessfully with `status`, in its .err file,
 * so that the file a failure points at always says why, whatever the
 * task wrote there. */
static void note_end(local_t *x, hf_engine_t *engine, uint32_t task, int status)
{
    hf_exec_task_t t;
    char how[64];

    task_status_text(status, how, sizeof(how));
    hf_engine_exec_task(engine, task, &t);
    if (t.timed_out)
        note(x, engine, task, false, "timed out after %g s: stopped by hetflow, %s",
             t.spec->timeout, how);
    else if (x->stopped[task] && (!t.spec || t.spec->service))
        return; /* a service (a pool's worker) is stopped when no set needs it: no failure
                 */
    else if (x->stopped[task])
        note(x, engine, task, false, "stopped by hetflow, %s", how);
    else
        note(x, engine, task, false, "%s", how);
}

/* Reap every child that has exited and report its task.  Each exit is seen
 * first without reaping (WNOWAIT), so that the process group, whose id
 * cannot be reused while its leader is a zombie, can be killed safely: a
 * task's leftover background processes must not hold cores given to the
 * next task. */
static int reap(local_t *x, hf_engine_t *engine, hf_error_t *err)
{
    int n = 0;

    for (;;) {
        siginfo_t info = {0};
        int wstatus, status;
        bool refused;
        uint32_t task;

        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 || info.si_pid == 0)
            break;
        kill(-info.si_pid, SIGKILL);
        if (waitpid(info.si_pid, &wstatus, 0) < 0)
            break;
        if (pidmap_take(&x->running, info.si_pid, &task) < 0)
            continue; /* not a task of ours */
        x->pid_of[task] = 0;
        status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -WTERMSIG(wstatus);
        refused = status > 0 && x->spawner.launcher.kind == HF_LAUNCHER_SRUN &&
                  step_refused(x, engine, task);
        if (status != 0 && !refused)
            note_end(x, engine, task, status);
        if (pools_is_worker(&x->pools, task)) {
            int ended;
            pid_t again = pools_exited(&x->pools, task, &status, engine, &ended, err);
            if (again < 0)
                return -1;
            n += ended;
            if (again > 0) { /* started again, as the same pool task */
                if (pidmap_put(&x->running, again, task) < 0) {
                    kill(-again, SIGKILL);
                    hf_error_set(err, "out of memory");
                    return -1;
                }
                x->pid_of[task] = again;
                continue;
            }
        } else if (refused) {
            status = HF_STATUS_LAUNCH_RETRY;
        } else if (status == 0) {
            status = read_result(x, engine, task);
        }
        if (!pools_is_worker(&x->pools, task))
            status = ended_files(x, engine, task, status);
        if (hf_engine_task_ended(engine, task, status) < 0) {
            hf_error_set(err, "local: engine refused the end of task %u", task);
            return -1;
        }
        n++;
    }
    return n;
}

static void on_signals(local_t *x, hf_engine_t *engine)
{
    struct signalfd_siginfo si;

    while (read(x->sigfd, &si, sizeof(si)) == sizeof(si)) {
        if (si.ssi_signo != SIGINT && si.ssi_signo != SIGTERM)
            continue; /* SIGCHLD: reap() runs after every wake-up; SIGPIPE: none */
        if (hf_engine_stopped(engine))
            kill_all(x); /* asked twice: no more grace */
        else
            hf_engine_stop(engine, (int)si.ssi_signo);
    }
}

/* Services whose endpoint file has appeared (not empty) are up. */
static int services_up(local_t *x, hf_engine_t *engine)
{
    int n = 0;

    for (size_t i = 0; i < x->nstarting;) {
        uint32_t task = x->starting[i];
        hf_exec_task_t t;
        struct stat st;
        char path[4096];
        hf_engine_exec_task(engine, task, &t);
        spawner_task_path(&x->spawner, t.name, t.index, "endpoint", path, sizeof(path));
        if (!t.running) { /* it ended before it served */
            x->starting[i] = x->starting[--x->nstarting];
        } else if (stat(path, &st) == 0 && st.st_size > 0) {
            x->starting[i] = x->starting[--x->nstarting];
            hf_engine_service_up(engine, task);
            n++;
        } else {
            i++;
        }
    }
    return n;
}

static int local_wait(void *ctx, hf_engine_t *engine, double timeout, hf_error_t *err)
{
    local_t *x = ctx;
    double deadline = timeout >= 0 ? local_now(x) + timeout : -1;
    int n = pools_refused(&x->pools, engine, err);

    if (n < 0)
        return -1;
    if (x->nunstarted > 0) {
        for (size_t i = 0; i < x->nunstarted; i++)
            if (hf_engine_task_ended(engine, x->unstarted[i].task,
                                     x->unstarted[i].status) < 0)
                return -1;
        n += (int)x->nunstarted;
        x->nunstarted = 0;
    }
    if (n > 0)
        return n;
    /* With nothing running, sleep until the deadline (a retry's backoff),
     * still hearing signals; without a deadline there is nothing to await. */
    if (x->running.n == 0 && x->nstagings == 0 && deadline < 0)
        return 0;
    while (n == 0) {
        struct epoll_event ev[64];
        int ms = -1, ready, reaped;

        if (deadline >= 0) {
            double left = deadline - local_now(x);
            if (left <= 0)
                break;
            ms = (int)ceil(left * 1000);
        }
        if (x->nstarting > 0 && (ms < 0 || ms > ENDPOINT_POLL_MS))
            ms = ENDPOINT_POLL_MS; /* a starting service's endpoint is a file */
        pools_flush(&x->pools);
        ready = epoll_wait(x->epfd, ev, 64, ms);
        if (ready < 0 && errno != EINTR) {
            hf_error_set(err, "epoll_wait: %s", strerror(errno));
            return -1;
        }
        for (int i = 0; i < ready; i++) {
            if (ev[i].data.u64 & POOL_TAG) {
                int k = pools_ready(&x->pools, ev[i].data.u64, ev[i].events, engine, err);
                if (k < 0)
                    return -1;
                n += k;
            } else if (ev[i].data.u64 == (uint64_t)x->stager.efd) {
                int k = stagings_ended(x, engine, err);
                if (k < 0)
                    return -1;
                n += k;
            } else if (ev[i].data.u64 == (uint64_t)x->sigfd) {
                on_signals(x, engine);
            } else if (ev[i].data.u64 == (uint64_t)x->timerfd) {
                uint64_t expirations;
                if (read(x->timerfd, &expirations, sizeof(expirations)) > 0)
                    kill_terminating(x);
            }
        }
        if ((reaped = reap(x, engine, err)) < 0)
            return -1;
        n += reaped + services_up(x, engine);
    }
    return n;
}

static void local_destroy(void *ctx)
{
    local_t *x = ctx;

    if (!x)
        return;
    /* Leave no process behind, even on an error path. */
    kill_all(x);
    for (size_t i = 0; i < x->running.cap; i++)
        if (x->running.pids[i])
            waitpid(x->running.pids[i], NULL, 0);
    pools_fini(&x->pools);
    stager_fini(&x->stager);
    if (x->scratch_fd >= 0)
        close(x->scratch_fd);
    if (x->scratch) {
        fs_remove_tree(x->scratch);
        free(x->scratch);
    }
    free(x->scratch_base);
    if (x->epfd >= 0)
        close(x->epfd);
    if (x->sigfd >= 0) {
        sigset_t pipe;
        struct timespec now = {0, 0};
        close(x->sigfd);
        /* A SIGPIPE not read yet would kill hetflow once unblocked. */
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        while (sigtimedwait(&pipe, NULL, &now) > 0)
            ;
        sigprocmask(SIG_SETMASK, &x->old_mask, NULL);
    }
    if (x->timerfd >= 0)
        close(x->timerfd);
    spawner_fini(&x->spawner);
    pidmap_fini(&x->running);
    free(x->pid_of);
    free(x->stopped);
    free(x->starting);
    free(x->terminating);
    free(x->unstarted);
    free(x);
}

/* Where the scratch root goes (open_scratch): $HETFLOW_SCRATCH, else
 * $TMPDIR, else /tmp. */
static char *scratch_base(void)
{
    const char *base = getenv("HETFLOW_SCRATCH"), *tmp = getenv("TMPDIR");

    if (!base || !*base)
        base = tmp && *tmp ? tmp : "/tmp";
    return strdup(base);
}

static const hf_executor_ops_t local_ops = {
    .name = "local",
    .now = local_now,
    .launch = local_launch,
    .pool_start = local_pool_start,
    .call = local_call,
    .wait = local_wait,
    .stage = local_stage,
    .cancel = local_cancel,
    .destroy = local_destroy,
};

static int watch(int epfd, int fd)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)fd};

    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int hf_exec_local_create(const hf_workflow_t *wf, const hf_machine_t *machine,
                         const hf_platform_t *p, const char *workdir, hf_executor_t *out,
                         hf_error_t *err)
{
    local_t *x = calloc(1, sizeof(*x));
    size_t ntasks = (size_t)hf_workflow_ntasks(wf);
    sigset_t mask;

    if (!x)
        goto nomem;
    x->epfd = x->sigfd = x->timerfd = x->stager.efd = x->scratch_fd = -1;
    pidmap_init(&x->running);
    if (!(x->scratch_base = scratch_base()))
        goto nomem;
    if (reserve_tasks(x, (uint32_t)ntasks) < 0)
        goto nomem;
    if (spawner_init(&x->spawner, wf, machine, p, workdir, err) < 0)
        goto error;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    /* A worker that dies while hetflow writes its requests must not kill
     * hetflow: the write fails with EPIPE, the signal is read and dropped. */
    sigaddset(&mask, SIGPIPE);
    if (sigprocmask(SIG_BLOCK, &mask, &x->old_mask) < 0 ||
        (x->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
        (x->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0 ||
        (x->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 || watch(x->epfd, x->sigfd) < 0 ||
        watch(x->epfd, x->timerfd) < 0 || stager_init(&x->stager) < 0 ||
        watch(x->epfd, x->stager.efd) < 0) {
        hf_error_set(err, "local executor: %s", strerror(errno));
        goto error;
    }
    pools_init(&x->pools, &x->spawner, x->epfd);
    clock_gettime(CLOCK_MONOTONIC, &x->t0);
    out->ops = &local_ops;
    out->ctx = x;
    return 0;
nomem:
    hf_error_set(err, "out of memory");
error:
    local_destroy(x);
    return -1;
}

int hf_exec_local_set_launcher(hf_executor_t *x, hf_launcher_t kind, char *const *hosts,
                               int nhosts, hf_error_t *err)
{
    local_t *l = x->ctx;
    launcher_t ln;

    if (launcher_init(&ln, kind, hosts, nhosts, err) < 0)
        return -1;
    launcher_fini(&l->spawner.launcher);
    l->spawner.launcher = ln;
    return 0;
}

long hf_exec_local_pid(const hf_executor_t *x, uint32_t task)
{
    const local_t *l = x->ctx;

    return task < l->ntasks ? l->pid_of[task] : 0;
}

/* Whether process pid is task `task` of the run in `workdir`: its starting
 * environment says so.  Checked before killing what an earlier run left,
 * since a pid may have been given to another process since. */
static bool is_our_task(long pid, uint32_t task, const char *workdir)
{
    char path[64], want_task[48], *want_dir, buf[65536];
    bool task_ok = false, dir_ok = false;
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/environ", pid);
    if (!(f = fopen(path, "r")))
        return false;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    snprintf(want_task, sizeof(want_task), "HETFLOW_TASK_ID=%u", task);
    if (!(want_dir = malloc(strlen(workdir) + 20)))
        return false;
    sprintf(want_dir, "HETFLOW_WORKDIR=%s", workdir);
    for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
        task_ok |= strcmp(buf + i, want_task) == 0;
        dir_ok |= strcmp(buf + i, want_dir) == 0;
    }
    free(want_dir);
    return task_ok && dir_ok;
}

int hf_exec_local_reclaim(long pid, uint32_t task, const char *workdir)
{
    char path[64];

    if (pid <= 0)
        return 0;
    snprintf(path, sizeof(path), "/proc/%ld", pid);
    /* The leader still there must be ours; a leader gone leaves a group
     * whose id no new process can take while a member lives. */
    if (access(path, F_OK) == 0 && !is_our_task(pid, task, workdir))
        return 0;
    if (kill((pid_t)-pid, SIGKILL) == 0)
        return 1;
    return 0;
}

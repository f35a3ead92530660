/* Spawning a task's process; see spawn.h.
 *
 * posix_spawn (vfork and exec in glibc) is the cheapest way to start a
 * process.  It cannot set a CPU affinity, so the calling thread takes the
 * task's affinity for the moment of the spawn and the child inherits it
 * from its very first instruction: no window in which the task, or a thread
 * or child it starts, runs unpinned, as a sched_setaffinity(pid) after the
 * spawn would leave. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spawn.h"

extern char **environ;

/* Variables every task gets from hetflow (make_env), never inherited. */
static const char *const own_vars[] = {
    "CUDA_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES",
    "HETFLOW_SET",          "HETFLOW_TASK_INDEX",   "HETFLOW_TASK_ID",
    "HETFLOW_CORES",        "HETFLOW_GPUS",         "HETFLOW_WORKDIR",
    "HETFLOW_NODE",
};
#define NOWN (sizeof(own_vars) / sizeof(own_vars[0]))

static bool is_own(const char *kv)
{
    for (size_t i = 0; i < NOWN; i++) {
        size_t n = strlen(own_vars[i]);
        if (strncmp(kv, own_vars[i], n) == 0 && kv[n] == '=')
            return true;
    }
    return false;
}

static int make_dir(const char *path, hf_error_t *err)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    hf_error_set(err, "%s: %s", path, strerror(errno));
    return -1;
}

/* mkdir -p for the workdir itself. */
static int make_dirs(char *path, hf_error_t *err)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = make_dir(path, err);
        *p = '/';
        if (rc < 0)
            return -1;
    }
    return make_dir(path, err);
}

int spawner_init(spawner_t *sp, const hf_workflow_t *wf, const hf_machine_t *machine,
                 const hf_platform_t *p, const char *workdir, hf_error_t *err)
{
    sigset_t none, defaults;
    size_t n = 0;
    char path[4096];

    memset(sp, 0, sizeof(*sp));
    sp->devnull = -1;
    sp->wf = wf;
    sp->machine = machine;
    sp->platform = *p;
    if (!(sp->workdir = strdup(workdir)))
        goto nomem;
    if (make_dirs(sp->workdir, err) < 0)
        goto error;
    for (int s = 0; s < hf_workflow_nsets(wf); s++) {
        snprintf(path, sizeof(path), "%s/%s", workdir, hf_workflow_set(wf, s)->name);
        if (make_dir(path, err) < 0)
            goto error;
    }
    while (environ[n])
        n++;
    if (!(sp->base_env = malloc((n + 1) * sizeof(char *))))
        goto nomem;
    for (size_t i = 0; i < n; i++)
        if (!is_own(environ[i]))
            sp->base_env[sp->nbase++] = environ[i];
    if (sched_getaffinity(0, sizeof(sp->home), &sp->home) < 0) {
        hf_error_set(err, "sched_getaffinity: %s", strerror(errno));
        goto error;
    }
    if ((sp->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        hf_error_set(err, "/dev/null: %s", strerror(errno));
        goto error;
    }
    /* Tasks start with no blocked signals and default dispositions (the
     * executor blocks SIGCHLD, SIGINT and SIGTERM for its signalfd), in a
     * process group of their own so that they can be stopped as a whole. */
    sigemptyset(&none);
    sigfillset(&defaults);
    posix_spawnattr_init(&sp->attr);
    posix_spawnattr_setflags(&sp->attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                            POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&sp->attr, 0);
    posix_spawnattr_setsigmask(&sp->attr, &none);
    posix_spawnattr_setsigdefault(&sp->attr, &defaults);
    return 0;
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
error:
    spawner_fini(sp);
    return -1;
}

void spawner_fini(spawner_t *sp)
{
    if (sp->devnull >= 0) {
        posix_spawnattr_destroy(&sp->attr);
        close(sp->devnull);
    }
    free(sp->workdir);
    free(sp->base_env);
    memset(sp, 0, sizeof(*sp));
    sp->devnull = -1;
}

/* A growable string, for argv and environment entries. */
typedef struct {
    char *s;
    size_t n, cap;
} buf_t;

static int buf_add(buf_t *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *more = realloc(b->s, cap);
        if (!more)
            return -1;
        b->s = more;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
    return 0;
}

static int buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int buf_printf(buf_t *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= sizeof(tmp) ? -1 : buf_add(b, tmp, (size_t)n);
}

/* Copy tmpl with {index} and {set} replaced into a new string. */
static char *substitute(const char *tmpl, const char *set, uint32_t index)
{
    buf_t b = {0};

    if (buf_add(&b, "", 0) < 0)
        return NULL;
    while (*tmpl) {
        const char *brace = strchr(tmpl, '{');
        size_t lit = brace ? (size_t)(brace - tmpl) : strlen(tmpl);
        int rc = buf_add(&b, tmpl, lit);
        tmpl += lit;
        if (rc == 0 && brace && strncmp(brace, "{index}", 7) == 0) {
            rc = buf_printf(&b, "%u", index);
            tmpl += 7;
        } else if (rc == 0 && brace && strncmp(brace, "{set}", 5) == 0) {
            rc = buf_add(&b, set, strlen(set));
            tmpl += 5;
        } else if (rc == 0 && brace) {
            rc = buf_add(&b, "{", 1);
            tmpl++;
        }
        if (rc < 0) {
            free(b.s);
            return NULL;
        }
    }
    return b.s;
}

static void free_strv(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static char **make_argv(const hf_set_t *set, uint32_t index)
{
    size_t n = 0;
    char **argv;

    if (set->shell)
        n = 3;
    else
        while (set->argv[n])
            n++;
    if (!(argv = calloc(n + 1, sizeof(char *))))
        return NULL;
    if (set->shell) {
        argv[0] = strdup("/bin/sh");
        argv[1] = strdup("-c");
        argv[2] = substitute(set->shell, set->name, index);
    } else {
        for (size_t i = 0; i < n; i++)
            argv[i] = substitute(set->argv[i], set->name, index);
    }
    for (size_t i = 0; i < n; i++) {
        if (!argv[i]) {
            for (size_t k = 0; k < n; k++)
                free(argv[k]);
            free(argv);
            return NULL;
        }
    }
    return argv;
}

/* The OS CPUs of the task's cores and the ids of its GPUs.  Node n's core c
 * is the machine's core (n x cores_per_node + c), wrapping around when the
 * platform declares more cores than the machine has; likewise GPUs, where
 * GPUs beyond the machine's are virtual and keep their number. */
static int placement(spawner_t *sp, const hf_alloc_t *a, cpu_set_t *cpus, buf_t *core_list,
                     buf_t *gpu_list)
{
    const hf_machine_t *m = sp->machine;
    int rc = 0;

    CPU_ZERO(cpus);
    for (uint32_t i = 0; i < a->nslots; i++) {
        const hf_slot_t *s = &a->slot[i];
        for (uint32_t k = 0; k < s->ncores; k++) {
            long global = (long)s->node * sp->platform.cores_per_node + s->cores[k];
            int core = (int)(global % m->ncores);
            for (int j = m->pu_offset[core]; j < m->pu_offset[core + 1]; j++) {
                if (CPU_ISSET(m->pus[j], cpus))
                    continue;
                CPU_SET(m->pus[j], cpus);
                rc |= buf_printf(core_list, "%s%d", core_list->n ? "," : "", m->pus[j]);
            }
        }
        for (uint32_t k = 0; k < s->ngpus; k++) {
            long global = (long)s->node * sp->platform.gpus_per_node + s->gpus[k];
            if (gpu_list->n)
                rc |= buf_add(gpu_list, ",", 1);
            if (global < m->ngpus)
                rc |= buf_add(gpu_list, m->gpu_ids[global], strlen(m->gpu_ids[global]));
            else
                rc |= buf_printf(gpu_list, "%ld", global);
        }
    }
    return rc;
}

static char *join(const char *name, const char *value)
{
    size_t n = strlen(name), v = strlen(value);
    char *kv = malloc(n + v + 2);

    if (kv) {
        memcpy(kv, name, n);
        kv[n] = '=';
        memcpy(kv + n + 1, value, v + 1);
    }
    return kv;
}

static char **make_env(spawner_t *sp, const hf_launch_t *l, const char *cores,
                       const char *gpus)
{
    const hf_set_t *set = l->spec;
    char index[16], task[16], node[16];
    const char *own[][2] = {
        {"CUDA_VISIBLE_DEVICES", gpus}, {"ROCR_VISIBLE_DEVICES", gpus},
        {"HIP_VISIBLE_DEVICES", gpus},  {"HETFLOW_SET", set->name},
        {"HETFLOW_TASK_INDEX", index},  {"HETFLOW_TASK_ID", task},
        {"HETFLOW_CORES", cores},       {"HETFLOW_GPUS", gpus},
        {"HETFLOW_WORKDIR", sp->workdir}, {"HETFLOW_NODE", node},
    };
    size_t nset = 0, n = 0, nown = sizeof(own) / sizeof(own[0]);
    char **env;

    snprintf(index, sizeof(index), "%u", l->index);
    snprintf(task, sizeof(task), "%u", l->task);
    snprintf(node, sizeof(node), "%u", l->alloc->slot[0].node);
    while (set->env && set->env[nset])
        nset++;
    if (!(env = calloc(sp->nbase + nset + nown + 1, sizeof(char *))))
        return NULL;
    for (size_t i = 0; i < sp->nbase; i++)
        if (!(env[n++] = strdup(sp->base_env[i])))
            goto nomem;
    /* The set's variables, except those hetflow sets for the task. */
    for (size_t i = 0; i < nset; i++)
        if (!is_own(set->env[i]) && !(env[n++] = strdup(set->env[i])))
            goto nomem;
    for (size_t i = 0; i < nown; i++)
        if (!(env[n++] = join(own[i][0], own[i][1])))
            goto nomem;
    return env;
nomem:
    free_strv(env);
    return NULL;
}

static int open_output(spawner_t *sp, const hf_launch_t *l, const char *ext,
                       hf_error_t *err)
{
    char path[4096];
    int fd;

    snprintf(path, sizeof(path), "%s/%s/%u.%s", sp->workdir, l->spec->name, l->index, ext);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
        hf_error_set(err, "%s: %s", path, strerror(errno));
    return fd;
}

pid_t spawner_start(spawner_t *sp, const hf_launch_t *l, int *status, hf_error_t *err)
{
    posix_spawn_file_actions_t fa;
    buf_t cores = {0}, gpus = {0};
    cpu_set_t cpus;
    char **argv = NULL, **env = NULL;
    int out = -1, errfd = -1, rc;
    pid_t pid = -1;

    if ((out = open_output(sp, l, "out", err)) < 0 ||
        (errfd = open_output(sp, l, "err", err)) < 0)
        goto done;
    if (buf_add(&cores, "", 0) < 0 || buf_add(&gpus, "", 0) < 0 ||
        placement(sp, l->alloc, &cpus, &cores, &gpus) < 0 ||
        !(argv = make_argv(l->spec, l->index)) ||
        !(env = make_env(sp, l, cores.s, gpus.s))) {
        hf_error_set(err, "out of memory");
        goto done;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sp->devnull, 0);
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_adddup2(&fa, errfd, 2);
    if (sched_setaffinity(0, sizeof(cpus), &cpus) < 0) {
        hf_error_set(err, "sched_setaffinity: %s", strerror(errno));
        posix_spawn_file_actions_destroy(&fa);
        goto done;
    }
    rc = posix_spawnp(&pid, argv[0], &fa, &sp->attr, argv, env);
    sched_setaffinity(0, sizeof(sp->home), &sp->home);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        dprintf(errfd, "hetflow: cannot run '%s': %s\n", argv[0], strerror(rc));
        *status = rc == ENOENT ? 127 : 126;
        pid = 0;
    }
done:
    if (out >= 0)
        close(out);
    if (errfd >= 0)
        close(errfd);
    free(cores.s);
    free(gpus.s);
    free_strv(argv);
    free_strv(env);
    return pid;
}

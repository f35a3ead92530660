/* Spawning a task's process; see spawn.h.
 *
 * A vfork child, which shares the launcher's memory until it execs, is the
 * cheapest way to start a process (glibc's posix_spawn is one too).  The
 * child pins itself, joins its own process group, resets its signals and
 * redirects its output before exec, so the task, and every thread or child
 * it starts, runs on its cores from its first instruction.  posix_spawn has
 * no affinity attribute: pinning the launcher's own thread around it instead
 * migrated the launcher on every spawn (measured in bench/throughput), and
 * sched_setaffinity(pid) after the spawn would leave the task unpinned for a
 * moment.  Between vfork and exec the child only makes system calls on data
 * the parent prepared, as vfork requires. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hetflow/template.h"
#include "scratch.h"
#include "spawn.h"
#include "task_files.h"
#include "util/fs.h"
#include "util/grow.h"
#include "worker_cmd.h"

extern char **environ;

/* Variables every task gets from hetflow (make_env), never inherited. */
static const char *const own_vars[] = {
    "CUDA_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "HETFLOW_SET",
    "HETFLOW_TASK_INDEX",   "HETFLOW_TASK_ID",      "HETFLOW_CORES",       "HETFLOW_GPUS",
    "HETFLOW_WORKDIR",      "HETFLOW_NODE",         "HETFLOW_RESULT",      "HETFLOW_ITER",
    "HETFLOW_INPUTS",       "HETFLOW_OUTPUTS",      "HETFLOW_SCRATCH_DIR",
};
#define NOWN (sizeof(own_vars) / sizeof(own_vars[0]))

static bool is_own(const char *kv)
{
    /* A service's endpoint and the services a task uses, too. */
    if (strncmp(kv, "HETFLOW_SERVICE_", 16) == 0 ||
        strncmp(kv, "HETFLOW_ENDPOINT=", 17) == 0)
        return true;
    for (size_t i = 0; i < NOWN; i++) {
        size_t n = strlen(own_vars[i]);
        if (strncmp(kv, own_vars[i], n) == 0 && kv[n] == '=')
            return true;
    }
    return false;
}

/* The workdir and what is in it are the user's alone (0700 folders, 0600
 * files): task output may hold anything.  An existing workdir or set folder
 * someone else could change is refused, a set folder that is a link too
 * (hf_exec_local_check_workdir), and files are opened with O_NOFOLLOW. */
#define PRIVATE_DIR 0700

int spawner_init(spawner_t *sp, const hf_workflow_t *wf, const hf_machine_t *machine,
                 const hf_platform_t *p, const char *workdir, hf_error_t *err)
{
    size_t n = 0;

    memset(sp, 0, sizeof(*sp));
    sp->devnull = -1;
    sp->wf = wf;
    sp->machine = machine;
    sp->platform = *p;
    if (!(sp->workdir = strdup(workdir)))
        goto nomem;
    if (hf_exec_local_check_workdir(workdir, wf, err) < 0)
        goto error;
    while (environ[n])
        n++;
    if (!(sp->base_env = malloc((n + 1) * sizeof(char *))))
        goto nomem;
    for (size_t i = 0; i < n; i++)
        if (!is_own(environ[i]))
            sp->base_env[sp->nbase++] = environ[i];
    sp->ngroups = sp->nstart = hf_workflow_nsets(wf) + hf_workflow_npools(wf);
    if (!(sp->programs = calloc((size_t)sp->ngroups, sizeof(char *))) ||
        !(sp->made = calloc((size_t)sp->ngroups, sizeof(bool))))
        goto nomem;
    if (sched_getaffinity(0, sizeof(sp->own_cpus), &sp->own_cpus) < 0) {
        hf_error_set(err, "sched_getaffinity: %s", strerror(errno));
        goto error;
    }
    if ((sp->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        hf_error_set(err, "/dev/null: %s", strerror(errno));
        goto error;
    }
    /* Signals ignored here (nohup's SIGHUP, say) would stay ignored in
     * tasks: they get the default back.  Handlers do not survive exec. */
    sigemptyset(&sp->ignored);
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction sa;
        if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
            sigaddset(&sp->ignored, sig);
    }
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
    if (sp->devnull >= 0)
        close(sp->devnull);
    for (int g = 0; sp->programs && g < sp->ngroups; g++)
        free(sp->programs[g]);
    free(sp->programs);
    free(sp->made);
    launcher_fini(&sp->launcher);
    free(sp->workdir);
    free(sp->base_env);
    free(sp->tries);
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

static int buf_printf(buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

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

static void free_strv(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static char **make_argv(const hf_set_t *set, uint32_t index)
{
    hf_template_values_t v = {HF_TEMPLATE_INDEX | HF_TEMPLATE_ITER | HF_TEMPLATE_SET,
                              index, set->iter, set->name, 0};
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
        argv[2] = hf_template_expand(set->shell, HF_TEMPLATE_SHELL, &v);
    } else {
        for (size_t i = 0; i < n; i++)
            argv[i] = hf_template_expand(set->argv[i], HF_TEMPLATE_ARGV, &v);
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
static int placement(spawner_t *sp, const hf_alloc_t *a, cpu_set_t *cpus,
                     buf_t *core_list, buf_t *gpu_list)
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

/* Each rank's CPUs for a launcher to bind it to, ranks in slot order: on
 * this machine (no hosts named) the OS CPUs of its cores, mapped as for a
 * local task; on an allocation's node, its core ids there. */
static char **rank_cpu_lists(const spawner_t *sp, const hf_launch_t *l, int cores)
{
    const hf_machine_t *m = sp->machine;
    uint32_t ranks = 0, r = 0, per = (uint32_t)cores;
    char **lists;

    for (uint32_t i = 0; i < l->alloc->nslots; i++)
        ranks += l->alloc->slot[i].ranks;
    if (!(lists = calloc(ranks + 1, sizeof(char *))))
        return NULL;
    for (uint32_t i = 0; i < l->alloc->nslots; i++) {
        const hf_slot_t *s = &l->alloc->slot[i];
        for (uint32_t k = 0; k < s->ranks; k++, r++) {
            buf_t b = {0};
            int rc = buf_add(&b, "", 0);
            for (uint32_t j = 0; j < per && rc == 0; j++) {
                uint32_t core = s->cores[k * per + j];
                long global = (long)s->node * sp->platform.cores_per_node + core;
                int mc = (int)(global % m->ncores);
                if (sp->launcher.nhosts > 0) {
                    rc = buf_printf(&b, "%s%u", b.n ? "," : "", core);
                    continue;
                }
                for (int p = m->pu_offset[mc]; p < m->pu_offset[mc + 1] && rc == 0; p++)
                    rc = buf_printf(&b, "%s%d", b.n ? "," : "", m->pus[p]);
            }
            lists[r] = b.s;
            if (rc < 0 || !b.s) {
                free_strv(lists);
                return NULL;
            }
        }
    }
    return lists;
}

void spawner_task_path(const spawner_t *sp, const char *group, uint32_t index,
                       const char *name, char *out, size_t len)
{
    task_file_path(sp->workdir, group, index, -1, name, out, len);
}

/* Room for task `task` in sp->tries. */
static int reserve_tries(spawner_t *sp, uint32_t task)
{
    size_t n = grow_cap(sp->ntries, (size_t)task + 1);

    if (n != sp->ntries && grow_to((void **)&sp->tries, sp->ntries, n, sizeof(int)) < 0)
        return -1;
    sp->ntries = n;
    return 0;
}

/* The .err file of a new try of l's task, created, its number counted. */
static int open_new_try(spawner_t *sp, const hf_launch_t *l, int *try)
{
    int fd;

    if (reserve_tries(sp, l->task) < 0)
        return -1;
    fd = task_file_new_try(sp->workdir, l->name, l->index, sp->tries[l->task], try);
    if (fd >= 0)
        sp->tries[l->task] = *try + 1;
    return fd;
}

int spawner_try_path(const spawner_t *sp, const hf_launch_t *l, const char *ext,
                     char *out, size_t len)
{
    int try = l->task < sp->ntries ? sp->tries[l->task] - 1 : -1;

    if (try < 0)
        return -1;
    return task_file_path(sp->workdir, l->name, l->index, try, ext, out, len);
}

void spawner_vnote(spawner_t *sp, const hf_launch_t *l, bool new_try, const char *fmt,
                   va_list ap)
{
    char path[4096];
    int fd = -1, try;
    FILE *f;

    if (new_try || spawner_try_path(sp, l, "err", path, sizeof(path)) < 0)
        fd = open_new_try(sp, l, &try);
    else
        fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0 || !(f = fdopen(fd, "a"))) {
        if (fd >= 0)
            close(fd);
        return;
    }
    fputs("hetflow: ", f);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    fclose(f);
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

/* HETFLOW_SERVICE_<NAME>=<its tasks' endpoints, comma-separated>, NAME the
 * set's name in capitals with anything but letters and digits as '_'. */
static char *service_var(const spawner_t *sp, const hf_set_t *svc)
{
    buf_t b = {0};
    int rc = buf_add(&b, "HETFLOW_SERVICE_", 16);

    for (const char *c = svc->name; *c && rc == 0; c++) {
        char up = (char)((*c >= 'a' && *c <= 'z') ? *c - 32 : *c);
        if (!((up >= 'A' && up <= 'Z') || (up >= '0' && up <= '9')))
            up = '_';
        rc = buf_add(&b, &up, 1);
    }
    rc |= buf_add(&b, "=", 1);
    for (long i = 0; i < svc->tasks && rc == 0; i++) {
        char path[4096], addr[1024];
        size_t n = 0;
        FILE *f;
        spawner_task_path(sp, svc->name, (uint32_t)i, "endpoint", path, sizeof(path));
        if ((f = fopen(path, "r"))) {
            n = fread(addr, 1, sizeof(addr) - 1, f);
            fclose(f);
        }
        while (n > 0 && (addr[n - 1] == '\n' || addr[n - 1] == '\r'))
            n--;
        rc = (i ? buf_add(&b, ",", 1) : 0) | buf_add(&b, addr, n);
    }
    if (rc < 0) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* $HETFLOW_INPUTS and $HETFLOW_OUTPUTS, the task's files where it finds
 * and leaves them, and $HETFLOW_SCRATCH_DIR when it stages any (its scratch
 * root is made by then). */
static int add_file_vars(spawner_t *sp, const hf_launch_t *l, char **env, size_t *n)
{
    bool staged = scratch_staged(l->spec, true) || scratch_staged(l->spec, false);
    char dir[4096];

    if (staged && !sp->scratch)
        return -1;
    if (!(env[(*n)++] = scratch_file_var("HETFLOW_INPUTS", sp->scratch, sp->wf, l->spec,
                                         l->index, true)) ||
        !(env[(*n)++] = scratch_file_var("HETFLOW_OUTPUTS", sp->scratch, sp->wf, l->spec,
                                         l->index, false)))
        return -1;
    if (!staged)
        return 0;
    if (scratch_task_dir(sp->scratch, l->spec, l->index, dir, sizeof(dir)) < 0)
        return -1;
    return (env[(*n)++] = join("HETFLOW_SCRATCH_DIR", dir)) ? 0 : -1;
}

/* Whether env[0 .. n) has a variable of kv's name. */
static bool env_has(char *const *env, size_t n, const char *kv)
{
    size_t len = strcspn(kv, "=");

    for (size_t i = 0; i < n; i++)
        if (strncmp(env[i], kv, len) == 0 && env[i][len] == '=')
            return true;
    return false;
}

/* A task's environment; a worker's (no set) has its pool's strings, no
 * services and no files. */
static char **make_env(spawner_t *sp, const hf_launch_t *l, const hf_pool_t *pool,
                       const char *cores, const char *gpus, size_t *nowned)
{
    const hf_set_t *set = l->spec;
    char *const *given_env = pool ? pool->env : set->env;
    char index[16], task[16], node[16], iter[16], result[4096];
    const char *own[][2] = {
        {"CUDA_VISIBLE_DEVICES", gpus},   {"ROCR_VISIBLE_DEVICES", gpus},
        {"HIP_VISIBLE_DEVICES", gpus},    {"HETFLOW_SET", l->name},
        {"HETFLOW_TASK_INDEX", index},    {"HETFLOW_TASK_ID", task},
        {"HETFLOW_CORES", cores},         {"HETFLOW_GPUS", gpus},
        {"HETFLOW_WORKDIR", sp->workdir}, {"HETFLOW_NODE", node},
        {"HETFLOW_RESULT", result},       {"HETFLOW_ITER", iter},
    };
    size_t nset = 0, n = 0, given, nown = sizeof(own) / sizeof(own[0]);
    int nuses = 0;
    const int *uses = set ? hf_set_uses(set, &nuses) : NULL;
    char **env;

    snprintf(index, sizeof(index), "%u", l->index);
    snprintf(task, sizeof(task), "%u", l->task);
    snprintf(iter, sizeof(iter), "%d", set ? set->iter : 0);
    spawner_task_path(sp, l->name, l->index, "result.json", result, sizeof(result));
    snprintf(node, sizeof(node), "%u", l->alloc->slot[0].node);
    while (given_env && given_env[nset])
        nset++;
    /* The inherited and the set's strings outlive the spawn: they are
     * pointed to, not copied; hetflow's own come first, so that they are
     * the ones to free. */
    if (!(env = calloc(sp->nbase + nset + nown + (size_t)nuses + 6, sizeof(char *))))
        return NULL;
    for (size_t i = 0; i < nown; i++) {
        if (!(env[n++] = join(own[i][0], own[i][1]))) {
            free_strv(env);
            return NULL;
        }
    }
    if (pool || set->service) { /* where it writes its address */
        char path[4096];
        spawner_task_path(sp, l->name, l->index, "endpoint", path, sizeof(path));
        if (!(env[n++] = join("HETFLOW_ENDPOINT", path))) {
            free_strv(env);
            return NULL;
        }
    }
    for (int k = 0; k < nuses; k++) {
        if (!(env[n++] = service_var(sp, hf_workflow_get_set(sp->wf, uses[k])))) {
            free_strv(env);
            return NULL;
        }
    }
    if (set && set->ninputs + set->noutputs > 0 && add_file_vars(sp, l, env, &n) < 0) {
        free_strv(env);
        return NULL;
    }
    if (pool && pool->function->python) { /* it imports hetflow.worker */
        const char *inherited = getenv("PYTHONPATH");
        for (size_t i = 0; i < nset; i++)
            if (strncmp(given_env[i], "PYTHONPATH=", 11) == 0)
                inherited = given_env[i] + 11;
        if (!(env[n++] = worker_pythonpath(hf_workflow_file(sp->wf), inherited))) {
            free_strv(env);
            return NULL;
        }
    }
    *nowned = n;
    /* Each variable once: hetflow's own, then the set's, then what hetflow
     * inherited.  A program sees the first of two entries with one name, a
     * Python or a shell may see the last: with both, PYTHONPATH from the
     * user's shell hid the worker's (and a set's PATH the inherited one). */
    for (size_t i = 0; i < nset; i++)
        if (!is_own(given_env[i]) && !env_has(env, n, given_env[i]))
            env[n++] = given_env[i];
    given = n;
    for (size_t i = 0; i < sp->nbase; i++)
        if (!env_has(env, given, sp->base_env[i]))
            env[n++] = sp->base_env[i];
    return env;
}

static void free_env(char **env, size_t nown)
{
    for (size_t i = 0; env && i < nown; i++)
        free(env[i]);
    free(env);
}

/* The .err and, unless the task's stdout goes elsewhere, .out files of a
 * new try of l's task, into *err_fd and *out_fd.  Returns 0, or -1 with a
 * message. */
static int open_outputs(spawner_t *sp, const hf_launch_t *l, int *out_fd, int *err_fd,
                        hf_error_t *err)
{
    char path[4096];
    int try;

    if ((*err_fd = open_new_try(sp, l, &try)) < 0) {
        hf_error_set(err, "%s/%s/%u.err: %s", sp->workdir, l->name, l->index,
                     strerror(errno));
        return -1;
    }
    if (!out_fd)
        return 0;
    task_file_path(sp->workdir, l->name, l->index, try, "out", path, sizeof(path));
    if ((*out_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                        0600)) < 0) {
        if (errno == ELOOP)
            hf_error_set(err, "%s is a symbolic link: hetflow writes through no link",
                         path);
        else
            hf_error_set(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* The program a task runs: its set's looked up on PATH once (a worker's is
 * absolute already), or, when the set's program is itself a template, the
 * task's own (freed by the caller through *owned). */
static const char *program_of(spawner_t *sp, const hf_launch_t *l, const char *name,
                              char **owned)
{
    const hf_set_t *set = l->spec; /* NULL for a worker */
    const char *tmpl = !set ? "" : set->shell ? "/bin/sh" : set->argv ? set->argv[0] : "";

    if (strchr(tmpl, '{'))
        return *owned = fs_which(name);
    if (!sp->programs[l->group])
        sp->programs[l->group] = fs_which(name);
    return sp->programs[l->group];
}

/* What the vfork child needs, prepared by the parent. */
typedef struct {
    const char *program;
    pid_t parent;
    char **argv, **env;
    cpu_set_t cpus;
    const sigset_t *ignored;
    int in, out, err;
    volatile int exec_errno; /* written by the child when exec fails */
} child_t;

/* The child side of vfork: system calls only, then exec or _exit. */
static void child_main(child_t *c)
{
    sigset_t none;

    setpgid(0, 0);
    /* Should hetflow die (kill -9), its tasks die with it rather than run
     * on unseen: a resume runs them again.  The check after closes the race
     * with a parent that died first. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != c->parent)
        _exit(127);
    if (sched_setaffinity(0, sizeof(c->cpus), &c->cpus) < 0)
        goto fail;
    for (int sig = 1; sig < NSIG; sig++)
        if (sigismember(c->ignored, sig))
            signal(sig, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(c->in, 0) < 0 || dup2(c->out, 1) < 0 || dup2(c->err, 2) < 0)
        goto fail;
    execve(c->program, c->argv, c->env);
fail:
    c->exec_errno = errno ? errno : EINVAL;
    _exit(127);
}

static pid_t spawn(child_t *c)
{
    pid_t pid = vfork();

    if (pid == 0)
        child_main(c); /* does not return */
    return pid;
}

/* A set added while the run goes on (a group after those at the start):
 * room for its program, and its folder, once. */
static int add_group(spawner_t *sp, const hf_launch_t *l, hf_error_t *err)
{
    char path[4096];

    if (l->group >= sp->ngroups) {
        size_t old = (size_t)sp->ngroups, n = (size_t)l->group + 1;
        if (grow_to((void **)&sp->programs, old, n, sizeof(char *)) < 0 ||
            grow_to((void **)&sp->made, old, n, sizeof(bool)) < 0) {
            hf_error_set(err, "out of memory");
            return -1;
        }
        sp->ngroups = (int)n;
    }
    if (sp->made[l->group])
        return 0;
    snprintf(path, sizeof(path), "%s/%s", sp->workdir, l->name);
    if (fs_private_dir(path, PRIVATE_DIR, false, err) < 0)
        return -1;
    sp->made[l->group] = true;
    return 0;
}

pid_t spawner_start(spawner_t *sp, const hf_launch_t *l, const hf_pool_t *pool,
                    const int *io, int *status, hf_error_t *err)
{
    buf_t cores = {0}, gpus = {0};
    child_t c = {.in = io ? io[0] : sp->devnull,
                 .out = -1,
                 .err = -1,
                 .ignored = &sp->ignored,
                 .parent = getpid()};
    char **argv = NULL, *program = NULL, path[4096];
    size_t nowned = 0;
    const char *why = NULL;
    pid_t pid = -1;

    int per_rank = pool ? pool->cores : l->spec->cores, ranks = pool ? 1 : l->spec->ranks;

    if (l->group >= sp->nstart && add_group(sp, l, err) < 0)
        return -1;
    if (open_outputs(sp, l, io ? NULL : &c.out, &c.err, err) < 0)
        goto done;
    if (io && (c.out = dup(io[1])) < 0) {
        hf_error_set(err, "dup: %s", strerror(errno));
        goto done;
    }
    /* A result (an endpoint) left by an earlier run of the task must not
     * pass for its own. */
    spawner_task_path(sp, l->name, l->index, "result.json", path, sizeof(path));
    unlink(path);
    spawner_task_path(sp, l->name, l->index, "endpoint", path, sizeof(path));
    unlink(path);
    if (sp->launcher.kind == HF_LAUNCHER_LOCAL && ranks > 1) {
        /* One process would run where ranks were asked for (a set added
         * while running: the CLI refuses such a file before it starts). */
        dprintf(c.err,
                "hetflow: cannot run ranks: %d with the local launcher (one process "
                "per task): use --launcher mpiexec or srun\n",
                ranks);
        *status = 126;
        pid = 0;
        goto done;
    }
    if (!pool && !l->spec->argv && !l->spec->shell) {
        /* Nothing to run (a set from the API with only a duration: the CLI
         * refuses such a file before it starts). */
        dprintf(c.err, "hetflow: set '%s' has no command to run\n", l->spec->name);
        *status = 127;
        pid = 0;
        goto done;
    }
    if (pool && !(argv = worker_argv(pool->function, hf_workflow_file(sp->wf)))) {
        dprintf(c.err, "hetflow: cannot start a worker: %s\n",
                pool->function->python ? "python3 is not on PATH"
                                       : "hetflow-worker not found (set HETFLOW_WORKER)");
        *status = 127;
        pid = 0;
        goto done;
    }
    if (buf_add(&cores, "", 0) < 0 || buf_add(&gpus, "", 0) < 0 ||
        placement(sp, l->alloc, &c.cpus, &cores, &gpus) < 0 ||
        (!argv && !(argv = make_argv(l->spec, l->index))) ||
        !(c.env = make_env(sp, l, pool, cores.s, gpus.s, &nowned))) {
        hf_error_set(err, "out of memory");
        goto done;
    }
    if (sp->launcher.kind != HF_LAUNCHER_LOCAL) {
        /* The launcher runs here and binds the ranks where they run. */
        char **cpus = rank_cpu_lists(sp, l, per_rank);
        if (!cpus) {
            hf_error_set(err, "out of memory");
            goto done;
        }
        spawner_task_path(sp, l->name, l->index, "rankfile", path, sizeof(path));
        argv = launcher_argv(&sp->launcher, l, pool, cpus, path, argv, err);
        free_strv(cpus);
        if (!argv)
            goto done;
        c.cpus = sp->own_cpus;
        c.program = sp->launcher.program;
    } else if (!(c.program = program_of(sp, l, argv[0], &program))) {
        why = strerror(errno);
        *status = errno == ENOENT ? 127 : 126;
        pid = 0;
        goto done;
    }
    c.argv = argv;
    if ((pid = spawn(&c)) < 0) {
        hf_error_set(err, "vfork: %s", strerror(errno));
        goto done;
    }
    if (c.exec_errno) { /* the child has exited: reap it, report the task */
        waitpid(pid, NULL, 0);
        why = strerror(c.exec_errno);
        *status = c.exec_errno == ENOENT ? 127 : 126;
        pid = 0;
    }
done:
    if (why)
        dprintf(c.err, "hetflow: cannot run '%s': %s\n", argv[0], why);
    if (c.out >= 0)
        close(c.out);
    if (c.err >= 0)
        close(c.err);
    free(cores.s);
    free(gpus.s);
    free(program);
    free_strv(argv);
    free_env(c.env, nowned);
    return pid;
}

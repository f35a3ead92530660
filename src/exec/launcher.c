/* Launchers; see launcher.h.
 *
 * srun: one job step per task, `--exact` so that it takes only the cores it
 * asks for, on the node(s) the scheduler chose:
 *   srun --nodes=K --nodelist=H1[,H2] --ntasks=R --cpus-per-task=C --exact
 *        [--gpus-per-task=G] --job-name=SET --quiet --kill-on-bad-exit=1 -- ARGV
 * With several nodes the ranks are spread by Slurm's block distribution.
 *
 * mpiexec, Open MPI:  mpiexec -n R --rankfile F -x VAR... ARGV
 *                     (F: "rank r=HOST slot=CPUS", a line per rank)
 *         MPICH Hydra: mpiexec -n R -hosts H1:R1[,H2:R2] -bind-to user:C+C,C+C ARGV
 * Each rank is bound to its own cores: OS CPU ids on this machine, core ids
 * on an allocation's nodes (taken to be alike). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher.h"
#include "util/fs.h"

static const char *const names[] = {"local", "srun", "mpiexec"};

int hf_launcher_parse(const char *s, hf_launcher_t *kind)
{
    for (int i = 0; i < 3; i++) {
        if (strcmp(s, names[i]) == 0) {
            *kind = (hf_launcher_t)i;
            return 0;
        }
    }
    errno = EINVAL;
    return -1;
}

bool hf_launcher_found(hf_launcher_t kind)
{
    char *program;

    if (kind == HF_LAUNCHER_LOCAL)
        return true;
    if (!(program = fs_which(names[kind])))
        return false;
    free(program);
    return true;
}

/* Open MPI's mpiexec says so in --version; Hydra's says HYDRA. */
static bool is_openmpi(const char *program)
{
    char cmd[4200], line[256];
    bool yes = false;
    FILE *p;

    snprintf(cmd, sizeof(cmd), "'%s' --version 2>&1", program);
    if (!(p = popen(cmd, "r")))
        return false;
    while (fgets(line, sizeof(line), p))
        yes |= strstr(line, "Open MPI") != NULL || strstr(line, "OpenRTE") != NULL;
    pclose(p);
    return yes;
}

int launcher_init(launcher_t *ln, hf_launcher_t kind, char *const *hosts, int nhosts,
                  hf_error_t *err)
{
    *ln = (launcher_t){.kind = kind};
    if (kind == HF_LAUNCHER_LOCAL)
        return 0;
    if (!(ln->program = fs_which(names[kind]))) {
        hf_error_set(err, "launcher %s: '%s' not found on PATH", names[kind],
                     names[kind]);
        errno = ENOENT;
        return -1;
    }
    if (kind == HF_LAUNCHER_MPIEXEC)
        ln->openmpi = is_openmpi(ln->program);
    if (nhosts > 0) {
        if (!(ln->hosts = calloc((size_t)nhosts, sizeof(char *))))
            goto nomem;
        for (int i = 0; i < nhosts; i++)
            if (!(ln->hosts[ln->nhosts++] = strdup(hosts[i])))
                goto nomem;
    }
    return 0;
nomem:
    launcher_fini(ln);
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return -1;
}

void launcher_fini(launcher_t *ln)
{
    for (int i = 0; i < ln->nhosts; i++)
        free(ln->hosts[i]);
    free(ln->hosts);
    free(ln->program);
    *ln = (launcher_t){0};
}

typedef struct {
    char **v;
    size_t n, cap;
    bool failed;
} args_t;

static void add(args_t *a, char *s)
{
    if (!s || a->failed) {
        a->failed = true;
        free(s);
        return;
    }
    if (a->n + 2 > a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 32;
        char **v = realloc(a->v, cap * sizeof(char *));
        if (!v) {
            a->failed = true;
            free(s);
            return;
        }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
}

static void addf(args_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void addf(args_t *a, const char *fmt, ...)
{
    char *s = NULL;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    add(a, s);
}

static const char *host_of(const launcher_t *ln, uint32_t node)
{
    return ln->nhosts > 0 ? ln->hosts[node % (uint32_t)ln->nhosts] : "localhost";
}

/* "H1:R1,H2:R2" (with_counts) or "H1,H2": the task's slots' hosts. */
static char *host_list(const launcher_t *ln, const hf_alloc_t *a, bool with_counts)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);

    if (!f)
        return NULL;
    for (uint32_t i = 0; i < a->nslots; i++) {
        fprintf(f, "%s%s", i ? "," : "", host_of(ln, a->slot[i].node));
        if (with_counts)
            fprintf(f, ":%u", a->slot[i].ranks);
    }
    if (fclose(f) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

/* Variables a remote rank must get from hetflow (Open MPI passes only
 * those named with -x; Slurm and Hydra pass the whole environment). */
static const char *const exported[] = {
    "HETFLOW_SET",  "HETFLOW_TASK_INDEX",   "HETFLOW_TASK_ID", "HETFLOW_CORES",
    "HETFLOW_GPUS", "HETFLOW_WORKDIR",      "HETFLOW_NODE",    "HETFLOW_RESULT",
    "HETFLOW_ITER", "CUDA_VISIBLE_DEVICES",
};

/* Open MPI's rankfile: rank r on its slot's host, bound to its CPUs. */
static int write_rankfile(const launcher_t *ln, const hf_alloc_t *alloc,
                          char *const *rank_cpus, const char *path, hf_error_t *err)
{
    /* In the workdir: never written through a link. */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    uint32_t r = 0;

    if (!f) {
        hf_error_set(err, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    for (uint32_t i = 0; i < alloc->nslots; i++)
        for (uint32_t k = 0; k < alloc->slot[i].ranks; k++, r++)
            fprintf(f, "rank %u=%s slot=%s\n", r, host_of(ln, alloc->slot[i].node),
                    rank_cpus[r]);
    if (ferror(f) | fclose(f)) {
        hf_error_set(err, "%s: write failed", path);
        return -1;
    }
    return 0;
}

/* MPICH's user binding: ranks by ',', a rank's CPUs by '+'. */
static char *hydra_binding(char *const *rank_cpus, uint32_t ranks)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);

    if (!f)
        return NULL;
    fputs("user:", f);
    for (uint32_t r = 0; r < ranks; r++) {
        fputs(r ? "," : "", f);
        for (const char *c = rank_cpus[r]; *c; c++)
            fputc(*c == ',' ? '+' : *c, f);
    }
    if (fclose(f) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

char **launcher_argv(const launcher_t *ln, const hf_launch_t *l, const hf_pool_t *pool,
                     char *const *rank_cpus, const char *rankfile, char **task,
                     hf_error_t *err)
{
    const hf_set_t *set = l->spec; /* NULL for a worker: no files */
    int cores = pool ? pool->cores : set->cores, gpus = pool ? pool->gpus : set->gpus;
    uint32_t ranks = 0;
    args_t a = {0};

    for (uint32_t i = 0; i < l->alloc->nslots; i++)
        ranks += l->alloc->slot[i].ranks;
    add(&a, strdup(ln->program));
    if (ln->kind == HF_LAUNCHER_SRUN) {
        addf(&a, "--nodes=%u", l->alloc->nslots);
        if (ln->nhosts > 0) {
            char *hosts = host_list(ln, l->alloc, false);
            addf(&a, "--nodelist=%s", hosts ? hosts : "");
            a.failed |= !hosts;
            free(hosts);
        }
        addf(&a, "--ntasks=%u", ranks);
        addf(&a, "--cpus-per-task=%d", cores);
        add(&a, strdup("--exact"));
        if (gpus > 0)
            addf(&a, "--gpus-per-task=%d", gpus);
        addf(&a, "--job-name=%s", l->name);
        add(&a, strdup("--quiet"));
        add(&a, strdup("--kill-on-bad-exit=1"));
        add(&a, strdup("--"));
    } else if (ln->openmpi) {
        if (write_rankfile(ln, l->alloc, rank_cpus, rankfile, err) < 0) {
            a.failed = true;
            goto done;
        }
        add(&a, strdup("-n"));
        addf(&a, "%u", ranks);
        add(&a, strdup("--rankfile"));
        add(&a, strdup(rankfile));
        for (size_t i = 0; i < sizeof(exported) / sizeof(exported[0]); i++) {
            add(&a, strdup("-x"));
            add(&a, strdup(exported[i]));
        }
        if (set && set->ninputs + set->noutputs > 0) { /* as make_env sets them */
            add(&a, strdup("-x"));
            add(&a, strdup("HETFLOW_INPUTS"));
            add(&a, strdup("-x"));
            add(&a, strdup("HETFLOW_OUTPUTS"));
            if (set->stage.in != HF_STAGE_NONE || set->stage.out != HF_STAGE_NONE) {
                add(&a, strdup("-x"));
                add(&a, strdup("HETFLOW_SCRATCH_DIR"));
            }
        }
    } else {
        add(&a, strdup("-n"));
        addf(&a, "%u", ranks);
        add(&a, strdup("-hosts"));
        add(&a, host_list(ln, l->alloc, true));
        add(&a, strdup("-bind-to"));
        add(&a, hydra_binding(rank_cpus, ranks));
    }
done:
    for (size_t i = 0; task[i]; i++) {
        if (a.failed)
            free(task[i]);
        else
            add(&a, task[i]); /* moved: freed by add() on failure */
    }
    free(task);
    if (a.failed) {
        if (err && !err->text[0])
            hf_error_set(err, "out of memory");
        for (size_t i = 0; i < a.n; i++)
            free(a.v[i]);
        free(a.v);
        return NULL;
    }
    return a.v;
}

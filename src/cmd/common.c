/* Option parsing and workflow loading shared by the subcommands. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

void cmd_die_nomem(void)
{
    fputs("hetflow: out of memory\n", stderr);
    exit(EXIT_BAD_INPUT);
}

static int usage_error(const cmd_entry_t *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int usage_error(const cmd_entry_t *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "hetflow %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try 'hetflow %s --help')\n", cmd->name);
    return EXIT_BAD_INPUT;
}

static void print_help(const cmd_entry_t *cmd)
{
    printf("usage: hetflow %s %s\n\n%s\n\n%s", cmd->name, cmd->usage, cmd->summary,
           cmd->help);
}

static int parse_count(const cmd_entry_t *cmd, const char *flag, const char *arg,
                       long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 10);
    if (end == arg || *end != '\0' || errno == ERANGE || v < min || v > max) {
        fprintf(stderr, "hetflow %s: %s wants an integer from %ld to %ld, not '%s'\n",
                cmd->name, flag, min, max, arg);
        return -1;
    }
    *out = v;
    return 0;
}

enum {
    O_NODES = 256,
    O_CORES,
    O_GPUS,
    O_MODE,
    O_POLICY,
    O_SEED,
    O_JSON,
    O_TRACE,
    O_WORKDIR,
    O_QUIET,
    O_OUTPUT,
    O_SVG,
    O_RESUME,
    O_WALLTIME,
    O_NO_JOURNAL,
    O_LAUNCHER,
    O_HOSTFILE,
    O_MAX_STEPS,
    O_PARTITION,
    O_ACCOUNT,
    O_DRY_RUN,
    O_GROUP_BY,
    O_WFFORMAT,
    O_FORCE,
    O_RETRY_FAILED,
    O_HELP
};

/* Whether `path`'s folder takes a new file.  Returns 0, or -1 having
 * printed why, naming `flag`. */
static int check_folder(const char *flag, const char *path)
{
    const char *slash;
    char dir[4096];

    if (!path)
        return 0;
    slash = strrchr(path, '/');
    snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + 1 : 1,
             slash ? path : ".");
    if (access(dir, W_OK | X_OK) == 0)
        return 0;
    fprintf(stderr, "hetflow: %s %s: cannot write in folder '%s': %s\n", flag, path, dir,
            strerror(errno));
    return -1;
}

int cmd_check_traces(const cmd_opts_t *opts)
{
    return check_folder("--trace", opts->trace) |
           check_folder("--wfformat", opts->wfformat);
}

int cmd_write_traces(const cmd_opts_t *opts, const cmd_input_t *in,
                     const hf_trace_t *trace, const hf_engine_t *e, double epoch)
{
    hf_error_t err = {{0}};

    if ((opts->trace && hf_trace_write_chrome(trace, e, opts->trace, &err) < 0) ||
        (opts->wfformat &&
         hf_trace_write_wfformat(trace, e, opts->wfformat, in->alloc.hosts,
                                 in->alloc.nhosts, epoch, &err) < 0)) {
        fprintf(stderr, "hetflow: %s\n", err.text);
        return -1;
    }
    return 0;
}

int cmd_parse_duration(const char *s, double *out)
{
    long d = 0, h = 0, m = 0, sec = 0;
    char tail;
    bool ok;

    if (!strchr(s, ':')) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || *end || !(v > 0 && v < 1e9))
            return -1;
        *out = v;
        return 0;
    }
    /* Slurm's forms: [D-]HH:MM:SS or MM:SS. */
    if (strchr(s, '-')) {
        ok = sscanf(s, "%ld-%ld:%ld:%ld%c", &d, &h, &m, &sec, &tail) == 4;
    } else if (sscanf(s, "%ld:%ld:%ld%c", &h, &m, &sec, &tail) == 3) {
        ok = true;
    } else {
        h = 0;
        ok = sscanf(s, "%ld:%ld%c", &m, &sec, &tail) == 2;
    }
    if (!ok)
        return -1;
    if (d < 0 || d > 10000 || h < 0 || m < 0 || m > 59 || sec < 0 || sec > 59 ||
        (strchr(s, '-') && h > 23) || h > 1000000)
        return -1;
    *out = (double)(((d * 24 + h) * 60 + m) * 60 + sec);
    return *out > 0 ? 0 : -1;
}

int cmd_parse(const cmd_entry_t *cmd, int allowed, int argc, char **argv,
              cmd_opts_t *opts, bool *done)
{
    static const struct option all[] = {
        {"nodes", required_argument, NULL, O_NODES},
        {"cores-per-node", required_argument, NULL, O_CORES},
        {"gpus-per-node", required_argument, NULL, O_GPUS},
        {"mode", required_argument, NULL, O_MODE},
        {"policy", required_argument, NULL, O_POLICY},
        {"seed", required_argument, NULL, O_SEED},
        {"json", no_argument, NULL, O_JSON},
        {"trace", required_argument, NULL, O_TRACE},
        {"workdir", required_argument, NULL, O_WORKDIR},
        {"quiet", no_argument, NULL, O_QUIET},
        {"output", required_argument, NULL, O_OUTPUT},
        {"svg", no_argument, NULL, O_SVG},
        {"resume", no_argument, NULL, O_RESUME},
        {"walltime", required_argument, NULL, O_WALLTIME},
        {"no-journal", no_argument, NULL, O_NO_JOURNAL},
        {"launcher", required_argument, NULL, O_LAUNCHER},
        {"hostfile", required_argument, NULL, O_HOSTFILE},
        {"max-steps", required_argument, NULL, O_MAX_STEPS},
        {"partition", required_argument, NULL, O_PARTITION},
        {"account", required_argument, NULL, O_ACCOUNT},
        {"dry-run", no_argument, NULL, O_DRY_RUN},
        {"group-by", required_argument, NULL, O_GROUP_BY},
        {"wfformat", required_argument, NULL, O_WFFORMAT},
        {"force", no_argument, NULL, O_FORCE},
        {"retry-failed", no_argument, NULL, O_RETRY_FAILED},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    /* The option each long option needs, in the order of O_*. */
    static const int needs[] = {OPT_PLATFORM,   OPT_PLATFORM,
                                OPT_PLATFORM,   OPT_MODE,
                                OPT_POLICY,     OPT_SEED,
                                OPT_JSON,       OPT_TRACE,
                                OPT_WORKDIR,    OPT_QUIET,
                                OPT_OUTPUT,     OPT_SVG,
                                OPT_RESUME,     OPT_WALLTIME,
                                OPT_NO_JOURNAL, OPT_LAUNCHER,
                                OPT_HOSTFILE,   OPT_LAUNCHER,
                                OPT_SUBMIT,     OPT_SUBMIT,
                                OPT_SUBMIT,     OPT_GROUP_BY,
                                OPT_TRACE,      OPT_FORCE,
                                OPT_RETRY,      0};
    int c, index;
    long v;

    memset(opts, 0, sizeof(*opts));
    opts->platform = (hf_platform_t){-1, -1, -1, 0, 0};
    *done = false;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":ho:", all, &index)) != -1) {
        if (c == 'o')
            c = O_OUTPUT;
        if (c == 'h')
            c = O_HELP;
        if (c == '?')
            return usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        if (c == ':')
            return usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        if (c != O_HELP && !(allowed & needs[c - O_NODES]))
            return usage_error(cmd, "option '--%s' does not apply here",
                               all[c - O_NODES].name);
        switch (c) {
        case O_NODES:
            if (parse_count(cmd, "--nodes", optarg, 1, HF_PLATFORM_MAX_NODES, &v) < 0)
                return EXIT_BAD_INPUT;
            opts->platform.nodes = (int)v;
            break;
        case O_CORES:
            if (parse_count(cmd, "--cores-per-node", optarg, 1, HF_PLATFORM_MAX_CORES,
                            &v) < 0)
                return EXIT_BAD_INPUT;
            opts->platform.cores_per_node = (int)v;
            break;
        case O_GPUS:
            if (parse_count(cmd, "--gpus-per-node", optarg, 0, HF_PLATFORM_MAX_GPUS, &v) <
                0)
                return EXIT_BAD_INPUT;
            opts->platform.gpus_per_node = (int)v;
            break;
        case O_MODE:
            if (hf_mode_parse(optarg, &opts->mode) < 0)
                return usage_error(cmd,
                                   "unknown mode '%s' (known: sequential, "
                                   "workload, task)",
                                   optarg);
            opts->has_mode = true;
            break;
        case O_POLICY:
            if (hf_policy_parse(optarg, &opts->policy) < 0)
                return usage_error(cmd,
                                   "unknown policy '%s' (known: fifo, "
                                   "critical-path, heft, tuned)",
                                   optarg);
            opts->has_policy = true;
            break;
        case O_SEED:
            if (parse_count(cmd, "--seed", optarg, 0, LONG_MAX, &v) < 0)
                return EXIT_BAD_INPUT;
            opts->seed = (uint64_t)v;
            break;
        case O_JSON:
            opts->json = true;
            break;
        case O_TRACE:
            opts->trace = optarg;
            break;
        case O_WORKDIR:
            opts->workdir = optarg;
            break;
        case O_QUIET:
            opts->quiet = true;
            break;
        case O_OUTPUT:
            opts->output = optarg;
            break;
        case O_SVG:
            opts->svg = true;
            break;
        case O_RESUME:
            opts->resume = true;
            break;
        case O_WALLTIME: {
            if (cmd_parse_duration(optarg, &opts->walltime) < 0)
                return usage_error(
                    cmd,
                    "--walltime wants seconds or [D-]HH:MM:SS (more than 0), "
                    "not '%s'",
                    optarg);
            break;
        }
        case O_NO_JOURNAL:
            opts->no_journal = true;
            break;
        case O_LAUNCHER:
            if (strcmp(optarg, "auto") == 0)
                break;
            if (hf_launcher_parse(optarg, &opts->launcher) < 0)
                return usage_error(cmd,
                                   "unknown launcher '%s' (known: local, srun, mpiexec, "
                                   "auto)",
                                   optarg);
            opts->has_launcher = true;
            break;
        case O_HOSTFILE:
            opts->hostfile = optarg;
            break;
        case O_MAX_STEPS:
            if (parse_count(cmd, "--max-steps", optarg, 1, 1000000, &v) < 0)
                return EXIT_BAD_INPUT;
            opts->max_steps = (int)v;
            break;
        case O_PARTITION:
            opts->partition = optarg;
            break;
        case O_ACCOUNT:
            opts->account = optarg;
            break;
        case O_DRY_RUN:
            opts->dry_run = true;
            break;
        case O_FORCE:
            opts->force = true;
            break;
        case O_RETRY_FAILED:
            opts->retry_failed = true;
            break;
        case O_WFFORMAT:
            opts->wfformat = optarg;
            break;
        case O_GROUP_BY:
            if (strcmp(optarg, "category") == 0)
                opts->load_flags |= HF_LOAD_GROUP_BY_CATEGORY;
            else if (strcmp(optarg, "task") != 0)
                return usage_error(cmd, "unknown --group-by '%s' (known: task, category)",
                                   optarg);
            break;
        case O_HELP:
            print_help(cmd);
            *done = true;
            return EXIT_OK;
        }
    }
    if (allowed & OPT_NO_FILE) {
        if (optind < argc)
            return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
        return EXIT_OK;
    }
    if (optind >= argc) /* the first word of the usage: FILE, WORKDIR, TRACE */
        return usage_error(cmd, "missing %s%.*s",
                           strncmp(cmd->usage, "FILE", 4) == 0 ? "workflow " : "",
                           (int)strcspn(cmd->usage, " \n"), cmd->usage);
    if (optind + 1 < argc && !(allowed & OPT_FILES))
        return usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
    if (argc - optind > CMD_MAX_FILES)
        return usage_error(cmd, "more than %d files", CMD_MAX_FILES);
    for (int i = optind; i < argc; i++)
        opts->files[opts->nfiles++] = argv[i];
    opts->file = argv[optind];
    return EXIT_OK;
}

void cmd_resolve_platform(const hf_machine_t *m, const hf_platform_t *file,
                          const hf_platform_t *flags, hf_platform_t *out)
{
    hf_platform_t given = {-1, -1, -1, 0, 0};

    hf_platform_overlay(&given, file);
    hf_platform_overlay(&given, flags);
    *out = (hf_platform_t){1, m ? m->ncores : 1, m ? m->ngpus : 0, 0, 0};
    hf_platform_overlay(out, &given);
    /* --nodes N on one machine: N virtual nodes sharing its cores and GPUs. */
    if (out->nodes > 1 && given.cores_per_node < 0 && m)
        out->cores_per_node = m->ncores / out->nodes > 0 ? m->ncores / out->nodes : 1;
    if (out->nodes > 1 && given.gpus_per_node < 0 && m)
        out->gpus_per_node = m->ngpus / out->nodes;
}

int cmd_check_input(cmd_input_t *in, hf_error_t *err)
{
    if (hf_platform_check(&in->platform, err) < 0 ||
        hf_workflow_check_platform(in->wf, &in->platform, err) < 0 ||
        !(in->dag = hf_dag_create(in->wf, err)))
        return -1;
    return 0;
}

/* --policy tuned: set priorities by simulation before anything runs. */
static int tune(cmd_input_t *in, uint64_t seed, hf_error_t *err)
{
    hf_engine_config_t cfg = {.mode = in->mode,
                              .policy = in->policy,
                              .platform = in->platform,
                              .walltime = hf_workflow_walltime(in->wf)};
    double best;
    int tries = hf_run_prepare(in->wf, in->dag, &cfg, seed, &best, err);

    if (tries < 0)
        return -1;
    cmd_note_tuned(tries, best);
    return 0;
}

void cmd_note_tuned(int tries, double best)
{
    fprintf(stderr, "hetflow: tuned: %d trial simulations, best makespan %.1f s\n", tries,
            best);
}

int cmd_load(const cmd_opts_t *opts, bool need_machine, cmd_input_t *in)
{
    hf_error_t err = {{0}};
    hf_platform_t from_file = {-1, -1, -1, 0, 0}, given = {-1, -1, -1, 0, 0};

    memset(in, 0, sizeof(*in));
    if (!(in->wf = hf_workflow_load_flags(opts->file, opts->load_flags, &err)))
        goto error;
    hf_workflow_platform(in->wf, &from_file);
    hf_platform_overlay(&given, &from_file);
    hf_platform_overlay(&given, &opts->platform);
    if (need_machine || given.nodes < 0 || given.cores_per_node < 0 ||
        given.gpus_per_node < 0) {
        if (hf_machine_detect(&in->machine, &err) < 0)
            goto error;
        in->has_machine = true;
    }
    cmd_resolve_platform(in->has_machine ? &in->machine : NULL, &from_file,
                         &opts->platform, &in->platform);
    if (need_machine && cmd_choose_launcher(opts, in, &err) < 0)
        goto error;
    if (cmd_check_input(in, &err) < 0)
        goto error;
    in->mode = HF_MODE_TASK;
    in->policy = HF_POLICY_CRITICAL_PATH;
    hf_workflow_mode(in->wf, &in->mode);
    hf_workflow_policy(in->wf, &in->policy);
    if (opts->has_mode)
        in->mode = opts->mode;
    if (opts->has_policy)
        in->policy = opts->policy;
    /* A resume searches as the run it continues did (hf_run_reload()). */
    if (hf_policy_features(in->policy).tuned && !opts->resume &&
        tune(in, opts->seed, &err) < 0)
        goto error;
    return EXIT_OK;
error:
    if (errno == ENOMEM && !err.text[0]) /* the file is named all the same */
        hf_error_at(&err, opts->file, 0, 0, "out of memory");
    fprintf(stderr, "%s\n", err.text);
    cmd_input_free(in);
    return EXIT_BAD_INPUT;
}

void cmd_input_free(cmd_input_t *in)
{
    hf_dag_destroy(in->dag);
    hf_workflow_destroy(in->wf);
    if (in->has_machine)
        hf_machine_free(&in->machine);
    hf_allocation_free(&in->alloc);
    memset(in, 0, sizeof(*in));
}

hf_engine_t *cmd_simulate(const cmd_input_t *in, hf_mode_t mode, uint64_t seed,
                          hf_executor_t *sim, hf_trace_t **trace)
{
    hf_engine_config_t cfg = {.mode = mode,
                              .policy = in->policy,
                              .platform = in->platform,
                              .walltime = hf_workflow_walltime(in->wf)};
    hf_error_t err = {{0}};
    hf_engine_t *e;

    /* As written: a run before may have added sets (a repeat). */
    if (hf_workflow_truncate(in->wf, hf_dag_nsets(in->dag)) < 0 ||
        hf_exec_sim_create(in->wf, seed, sim) < 0)
        cmd_die_nomem();
    if (!(e = hf_engine_create(in->wf, in->dag, &cfg, sim, &err)))
        goto error;
    if (trace && !(*trace = hf_trace_attach(e)))
        cmd_die_nomem();
    if (hf_engine_run(e, &err) < 0)
        goto error;
    return e;
error:
    if (errno == ENOMEM)
        cmd_die_nomem();
    fprintf(stderr, "hetflow: %s\n", err.text);
    hf_engine_destroy(e);
    hf_executor_destroy(sim);
    return NULL;
}

int cmd_print_json(json_t *obj)
{
    if (!obj)
        cmd_die_nomem();
    if (json_dumpf(obj, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) < 0)
        cmd_die_nomem();
    putchar('\n');
    json_decref(obj);
    return fflush(stdout) == 0 ? 0 : -1;
}

void cmd_print_summary(const cmd_input_t *in, const hf_engine_t *e, const hf_summary_t *s,
                       const hf_bounds_t *b)
{
    const hf_platform_t *p = &in->platform;
    const hf_engine_config_t *cfg = hf_engine_config(e);

    printf("workflow %s: %s mode, %s policy, %d nodes x %d cores x %d GPUs\n",
           hf_workflow_name(in->wf), hf_mode_name(cfg->mode), hf_policy_name(cfg->policy),
           p->nodes, p->cores_per_node, p->gpus_per_node);
    if (b->use == HF_BOUNDS_NONE_RULES) /* the bound is of the workflow as written */
        printf("makespan     %.1f s  (rules changed the workflow: no lower bound)\n",
               s->makespan);
    else if (b->use == HF_BOUNDS_NONE_PARTIAL) /* the bound is of all of it */
        printf("makespan     %.1f s  (of what this resume ran: no lower bound)\n",
               s->makespan);
    else if (b->lower > 0)
        printf(
            "makespan     %.1f s  (lower bound %.1f s, ratio %.3f; tight bound %.1f s, "
            "ratio %.3f)\n",
            s->makespan, b->lower, s->makespan / b->lower, b->tight,
            s->makespan / b->tight);
    else /* a real run of sets without durations: no bound to compare with */
        printf("makespan     %.1f s\n", s->makespan);
    printf("tasks        %ld done, %ld failed, %ld canceled of %ld\n", s->done, s->failed,
           s->canceled, s->tasks);
    printf("utilization  cores %.1f%%, GPUs %.1f%%\n", 100 * s->util_cores,
           100 * s->util_gpus);
    if (s->results > 0)
        printf("results      %ld tasks done gave a result\n", s->results);
    if (hf_workflow_stages(in->wf)) {
        hf_staging_summary_t st;
        char in_b[32], out_b[32];
        if (hf_staging_compute(e, &st) < 0)
            cmd_die_nomem();
        printf("staging      %s in, %s out; files moving %.1f s, %.0f%% of it beside "
               "compute\n",
               cmd_bytes(st.bytes_in, in_b, sizeof(in_b)),
               cmd_bytes(st.bytes_out, out_b, sizeof(out_b)), st.busy, 100 * st.overlap);
    }
    for (int i = 0; i < hf_engine_nmarks(e); i++) {
        const char *label;
        double time;
        hf_engine_mark_info(e, i, &time, &label);
        printf("at %9.1f s %s\n", time - s->first_start, label);
    }
    putchar('\n');
    printf("%-16s %10s %10s\n", "set", "start", "end");
    for (int g = 0; g < hf_engine_ngroups(e); g++) {
        const char *name = hf_engine_group_name(e, g);
        double start, end;
        hf_engine_span_of_group(e, g, &start, &end);
        if (start < 0)
            printf("%-16s %10s %10s\n", name, "-", "-");
        else
            printf("%-16s %10.1f %10.1f\n", name, start - s->first_start,
                   end - s->first_start);
    }
}

const char *cmd_bytes(double bytes, char *out, size_t len)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;

    while (bytes >= 1000 && u < 6) {
        bytes /= 1000;
        u++;
    }
    snprintf(out, len, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
    return out;
}

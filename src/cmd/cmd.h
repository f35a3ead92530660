/* Shared pieces of the hetflow CLI: the subcommand table entry, option
 * parsing common to subcommands, and loading a workflow with its platform. */
#ifndef HETFLOW_CMD_H
#define HETFLOW_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "hetflow/hetflow.h"
#include "hetflow/journal.h"

/* Exit statuses of the CLI contract. */
enum { EXIT_OK = 0, EXIT_TASK_FAILED = 1, EXIT_BAD_INPUT = 2 };

typedef struct {
    const char *name;
    const char *usage;   /* arguments after the name */
    const char *summary; /* one line for `hetflow --help` */
    const char *help;    /* the rest of `hetflow NAME --help` */
    int (*exec)(int argc, char **argv);
} cmd_entry_t;

/* Which options a subcommand takes. */
enum {
    OPT_PLATFORM = 1 << 0,
    OPT_MODE = 1 << 1,
    OPT_POLICY = 1 << 2,
    OPT_SEED = 1 << 3,
    OPT_JSON = 1 << 4,
    OPT_TRACE = 1 << 5,
    OPT_WORKDIR = 1 << 6,
    OPT_QUIET = 1 << 7,
    OPT_NO_FILE = 1 << 8, /* the command takes no FILE */
    OPT_OUTPUT = 1 << 9,  /* -o FILE */
    OPT_SVG = 1 << 10,
    OPT_RESUME = 1 << 11,
    OPT_WALLTIME = 1 << 12,
    OPT_NO_JOURNAL = 1 << 13,
    OPT_FILES = 1 << 14,    /* one FILE or more */
    OPT_LAUNCHER = 1 << 15, /* --launcher, --max-steps */
    OPT_SUBMIT = 1 << 16,   /* --partition, --account, --dry-run */
    OPT_GROUP_BY = 1 << 17, /* --group-by task|category (WfFormat files) */
    OPT_HOSTFILE = 1 << 18, /* --hostfile */
    OPT_FORCE = 1 << 19,    /* --force */
    OPT_RETRY = 1 << 20,    /* --retry-failed */
};

#define CMD_MAX_FILES 16

typedef struct {
    const char *file; /* the first FILE */
    const char *files[CMD_MAX_FILES];
    int nfiles;
    hf_platform_t platform; /* from flags; -1 where not given */
    bool has_mode, has_policy;
    hf_mode_t mode;
    hf_policy_t policy;
    uint64_t seed;
    bool json;
    const char *trace;
    const char *workdir;
    bool quiet;
    const char *output;
    bool svg;
    bool resume;
    double walltime; /* 0 when not given */
    bool no_journal;
    bool has_launcher;
    hf_launcher_t launcher; /* with has_launcher; else auto */
    const char *hostfile;
    int max_steps; /* 0: the launcher's default */
    const char *partition, *account;
    bool dry_run;
    bool force;           /* start over in a workdir that holds an earlier run */
    bool retry_failed;    /* a resume runs the failed tasks again */
    int load_flags;       /* HF_LOAD_* */
    const char *wfformat; /* --wfformat OUT */
} cmd_opts_t;

/* A duration: seconds ("90", "1.5"), or Slurm's [D-]HH:MM:SS or MM:SS.
 * Returns 0, or -1 when it is none of these or not more than 0. */
int cmd_parse_duration(const char *s, double *out);

/* Parse argv for entry `cmd` accepting `allowed` options and one FILE.
 * Returns 0 to go on, or an exit status: 0 after --help, 2 on bad usage
 * (with a one-line message on stderr). */
int cmd_parse(const cmd_entry_t *cmd, int allowed, int argc, char **argv,
              cmd_opts_t *opts, bool *done);

/* What a subcommand works on: the workflow, its DAG, and the platform
 * resolved as detected < file < flags, checked against the workflow. */
typedef struct {
    hf_workflow_t *wf;
    hf_dag_t *dag;
    hf_platform_t platform;
    hf_mode_t mode;
    hf_policy_t policy;
    bool has_machine;
    hf_machine_t machine;   /* detected when the platform or the command needs it */
    hf_launcher_t launcher; /* for run and resume */
    bool has_alloc;
    hf_allocation_t alloc; /* the batch allocation's nodes, with a launcher */
} cmd_input_t;

/* Whether the trace files asked for (--trace, --wfformat) can be written,
 * checked before a run rather than found out after it.  Returns 0, or -1
 * having printed why. */
int cmd_check_traces(const cmd_opts_t *opts);

/* Write the trace files asked for (--trace, --wfformat) of a finished run.
 * Returns 0, or -1 having printed why. */
int cmd_write_traces(const cmd_opts_t *opts, const cmd_input_t *in,
                     const hf_trace_t *trace, const hf_engine_t *e, double epoch);

/* Choose the launcher for a run and, with srun or mpiexec in an allocation
 * (or --hostfile), make its nodes the platform.  Returns 0, or -1 with a
 * message. */
int cmd_choose_launcher(const cmd_opts_t *opts, cmd_input_t *in, hf_error_t *err);

/* Load opts->file; detect this machine when `need_machine` or when the
 * file and flags leave a platform field open; with `need_machine`, choose
 * the launcher (cmd_choose_launcher()); for the tuned policy, search set
 * priorities (hf_run_prepare()), unless resuming.  Returns 0, or prints
 * the error and returns 2. */
int cmd_load(const cmd_opts_t *opts, bool need_machine, cmd_input_t *in);

/* Check in->platform and in->wf against it, and build in->dag.  Returns 0,
 * or -1 with a message. */
int cmd_check_input(cmd_input_t *in, hf_error_t *err);

/* Resolve the platform: detected machine < file < flags; with several
 * nodes and no core (GPU) count given, the machine's cores (GPUs) are split
 * between them. */
void cmd_resolve_platform(const hf_machine_t *m, const hf_platform_t *file,
                          const hf_platform_t *flags, hf_platform_t *out);

/* The human summary of a finished run or simulation, with its bounds
 * (hf_summary_bounds()). */
void cmd_print_summary(const cmd_input_t *in, const hf_engine_t *e, const hf_summary_t *s,
                       const hf_bounds_t *b);

/* bytes as "1.5 GB" (powers of 1000) in out. */
const char *cmd_bytes(double bytes, char *out, size_t len);

void cmd_input_free(cmd_input_t *in);

/* Say what the tuned policy's search did (hf_run_prepare()). */
void cmd_note_tuned(int tries, double best);

/* Simulate in->wf under `mode`.  Returns the engine (for summaries and
 * traces) or NULL after printing the error.  *trace is attached when not
 * NULL. */
hf_engine_t *cmd_simulate(const cmd_input_t *in, hf_mode_t mode, uint64_t seed,
                          hf_executor_t *sim, hf_trace_t **trace);

/* Print a JSON object on stdout, as the --json contract says.  Consumes it. */
int cmd_print_json(json_t *obj);

void cmd_die_nomem(void) __attribute__((noreturn));

int cmd_validate(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_simulate_main(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_submit(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_platform(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_resume(int argc, char **argv);
int cmd_status(int argc, char **argv);

/* Run in->wf for real into workdir (execute.c) through r, which holds
 * the workdir (and its journal, if any); `resuming` when r is a resume.
 * Returns the CLI's exit status. */
int cmd_execute(cmd_input_t *in, const char *workdir, const cmd_opts_t *opts, hf_run_t *r,
                bool resuming);

/* Resume the run in workdir from its journal (resume.c).  With `same`, the
 * workflow `hetflow run --resume` loaded, it must be the workflow that
 * ran.  Returns the CLI's exit status. */
int cmd_resume_workdir(const char *workdir, const cmd_opts_t *opts,
                       const hf_workflow_t *same);

extern const cmd_entry_t cmd_validate_entry;
extern const cmd_entry_t cmd_analyze_entry;
extern const cmd_entry_t cmd_simulate_entry;
extern const cmd_entry_t cmd_compare_entry;
extern const cmd_entry_t cmd_submit_entry;
extern const cmd_entry_t cmd_run_entry;
extern const cmd_entry_t cmd_platform_entry;
extern const cmd_entry_t cmd_report_entry;
extern const cmd_entry_t cmd_resume_entry;
extern const cmd_entry_t cmd_status_entry;

/* A live one-line status on stderr while a run goes on (progress.c). */
typedef struct progress progress_t;
progress_t *progress_start(hf_engine_t *e);
void progress_finish(progress_t *p);

#endif

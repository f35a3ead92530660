/* Workflows: named task sets, their resource needs and durations, and the
 * dependencies between sets.  A workflow is built through hf_workflow_add_set()
 * and hf_workflow_add_dep() (the YAML loader uses the same calls) and then
 * frozen by hf_workflow_finish(), which resolves names and rejects bad edges.
 * The workflow part knows nothing of time or of resources in use.
 */
#ifndef HETFLOW_WORKFLOW_H
#define HETFLOW_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "platform.h"

typedef enum { HF_MODE_SEQUENTIAL, HF_MODE_WORKLOAD, HF_MODE_TASK } hf_mode_t;
/* fifo: by readiness; critical-path: largest upward rank of set times;
 * heft: largest upward rank of task durations, with backfilling that keeps
 * the highest blocked task's reservation; tuned: heft with set priorities
 * found by simulation first (hf_tune_priorities). */
typedef enum {
    HF_POLICY_FIFO,
    HF_POLICY_CRITICAL_PATH,
    HF_POLICY_HEFT,
    HF_POLICY_TUNED
} hf_policy_t;

/* What a task's final failure does: cancel its dependents (the default),
 * let them run as if it had succeeded, or stop the whole run. */
typedef enum {
    HF_ON_FAILURE_CANCEL,
    HF_ON_FAILURE_CONTINUE,
    HF_ON_FAILURE_STOP
} hf_on_failure_t;

/* How a set depends on a parent: on all of its tasks, or task i on task i. */
typedef enum { HF_MAP_ALL, HF_MAP_ONE_TO_ONE } hf_map_t;

/* A place in the workflow file, 1-based; line 0 when there is none. */
typedef struct {
    int line;
    int col;
} hf_mark_t;

typedef struct {
    char *parent_name; /* as written */
    int parent;        /* set index, valid after hf_workflow_finish() */
    hf_map_t map;
    hf_mark_t mark;
    double fraction; /* a partial dependency: this share of the parent's tasks */
    long count;      /* ... or this many (0: neither) */
    long threshold;  /* after finish: parent tasks that must be done; 0 for all */
} hf_dep_t;

/* A simulated result value: the k-th task of the set to be done reports
 * start x factor^k under `key`. */
typedef struct {
    char *key;
    double start;
    double factor;
} hf_result_model_t;

/* What a function set's tasks call inside its workers: a C function
 * `int symbol(const char *args_json, char **result_json)` in a shared
 * library, or a Python callable "module:callable" run by `interpreter`
 * (the loaders keep it resolved, an absolute path where the file gave a
 * name or a path relative to its folder; NULL: python3 on PATH). */
typedef struct {
    char *library, *symbol; /* C, or both NULL */
    char *python;           /* Python, or NULL */
    char *interpreter;      /* Python's program, or NULL */
} hf_function_t;

/* The program that runs a Python function's workers: its interpreter, or
 * python3 found on PATH.  A new string, or NULL with errno (ENOENT: no
 * python3 on PATH). */
char *hf_function_program(const hf_function_t *f);

/* A function set's workers: `count` persistent processes of `cores` and
 * `gpus` each, with up to `window` calls sent to each ahead of its replies;
 * or the workers of the function set named `share`. */
typedef struct {
    int count, window; /* the worker's cores and GPUs are the set's */
    char *share;
} hf_workers_t;

/* Calls in flight per worker unless a set says (workers: {window}). */
#define HF_WORKERS_WINDOW 16

/* A file the tasks of a set read or write: a path relative to the
 * directory hetflow runs in (or absolute), where "{index}" and "{iter}"
 * stand for the task's index and the set's iteration; an input's "{all}"
 * stands for every task's file of the set that writes it
 * (docs/format.md#placeholders).  A literal path is a name as it is, with
 * no placeholders: a recorded file's (WfFormat). */
typedef struct {
    char *path;
    hf_mark_t mark;
    double size;  /* bytes per file (a simulated transfer's), -1 unknown */
    int producer; /* an input: the set that writes it (after finish), or -1 */
    bool literal; /* the path holds no placeholders, whatever it reads */
} hf_file_t;

typedef enum { HF_STAGE_NONE, HF_STAGE_COPY, HF_STAGE_LINK } hf_stage_kind_t;

/* How a set's files move between the shared filesystem and node-local
 * scratch: inputs copied (or linked) there before a task runs, outputs
 * copied back after.  Asynchronous staging (the default) does it outside
 * the task's slot: its cores and GPUs serve other tasks meanwhile;
 * synchronous staging holds the slot while the files move. */
typedef struct {
    hf_stage_kind_t in, out; /* out: none or copy */
    bool sync;
} hf_stage_t;

/* A set as a user writes it (what the library resolves about it is kept
 * apart: hf_set_uses(), hf_set_pool()).  Sets are made by
 * hf_workflow_add_set(), hf_set_create() or hf_set_copy() only. */
typedef struct {
    char *name;
    hf_mark_t mark;
    long tasks;
    int cores; /* per rank */
    int gpus;  /* per rank */
    int ranks;
    double duration_mean; /* seconds */
    double duration_stddev;
    char **argv; /* NULL-terminated, or NULL */
    char *shell; /* command given as one string: run by /bin/sh -c */
    char **env;  /* NULL-terminated "KEY=VALUE", or NULL */
    hf_dep_t *after;
    int nafter;
    char *pipeline; /* label overriding the default pipeline cut, or NULL */
    int priority;   /* higher runs first among ready sets */
    int retries;    /* runs again after a failure, up to this many times */
    double backoff; /* seconds before a retry */
    double timeout; /* seconds a task may run, 0 for no limit */
    hf_on_failure_t on_failure;
    hf_result_model_t *results; /* what simulated tasks report */
    int nresults;
    bool start_on_rule; /* held until a rule (or the API) starts it */
    bool service;       /* its tasks serve others until no set uses them */
    char **uses_names;  /* services this set uses, as written */
    int nuses;
    int iter; /* the repeat iteration it belongs to; 0 in the file */
    /* A function set: its tasks are calls run by a pool of workers
     * (hf_pool_t); the set's cores and GPUs are a worker's. */
    hf_function_t *function;
    hf_workers_t workers; /* of a function set, as written */
    char *args;           /* JSON object text each call gets, "{index}" and
                           * "{iter}" replaced; NULL for {} */
    /* Files: where `after` is absent, hf_workflow_finish() derives the
     * dependencies from them (files.c). */
    hf_file_t *inputs, *outputs;
    int ninputs, noutputs;
    hf_stage_t stage;
} hf_set_t;

typedef struct hf_workflow hf_workflow_t;

/* Limits on what a set may ask for, so counts stay in 32 bits everywhere. */
#define HF_MAX_TASKS_PER_SET 100000000L
#define HF_MAX_TOTAL_TASKS 100000000L

hf_workflow_t *hf_workflow_create(const char *name, const char *file);
void hf_workflow_destroy(hf_workflow_t *wf);

/* Add a set with defaults (1 task, 1 core, 0 GPUs, 1 rank, duration 0).
 * The returned set may be edited until hf_workflow_finish().  Returns NULL
 * with EEXIST (and a message) if the name is taken, ENOMEM on allocation. */
hf_set_t *hf_workflow_add_set(hf_workflow_t *wf, const char *name, hf_mark_t mark,
                              hf_error_t *err);

/* Record that `set` depends on the set named `parent` (resolved later).
 * Returns the new dependency (to set a fraction or count on), or NULL with
 * ENOMEM. */
hf_dep_t *hf_workflow_add_dep(hf_workflow_t *wf, hf_set_t *set, const char *parent,
                              hf_map_t map, hf_mark_t mark);
/* For bindings that do not mirror the structs (python/hetflow/api.py): set
 * on all of parent, from no place in a file (hf_workflow_add_dep()).  (A
 * task's set name comes from the engine: hf_engine_group_name().) */
hf_dep_t *hf_workflow_add_after(hf_workflow_t *wf, hf_set_t *set, const char *parent);

/* Resolve dependency names and check edges: unknown sets, self edges,
 * one-to-one maps between sets of different sizes, too many tasks.
 * Returns 0, or -1 with EINVAL and a file:line:col message. */
int hf_workflow_finish(hf_workflow_t *wf, hf_error_t *err);

/* The name of function set `set`'s pool of workers: "<set>.workers", or the
 * pool of the set it shares.  A new string, or NULL. */
char *hf_set_pool_name(const hf_set_t *set);

/* What hf_workflow_finish() (or hf_workflow_append()) resolved about a
 * set: the services it waits to be up before it starts, as set indexes
 * (*n entries); the pool a function set's calls run on (an index of
 * hf_workflow_pool()), whose workers it waits for as well, or -1. */
const int *hf_set_uses(const hf_set_t *set, int *n);
int hf_set_pool(const hf_set_t *set);

/* A pool of persistent workers that function sets' calls are sent to
 * (docs/functions.md): one for each function set that does not share
 * another's workers, made by hf_workflow_finish().  A pool is not a set:
 * the DAG, the analysis and the workflow's counts do not see it; the
 * engine runs its workers as a group of their own (engine.h), named after
 * the pool, and no set may take that name. */
typedef struct {
    const char *name; /* "<owner>.workers" */
    int owner;        /* the function set that defines it */
    int size;         /* workers */
    int window;       /* calls in flight per worker */
    int cores, gpus;  /* a worker's */
    const hf_function_t *function;
    char *const *env; /* the owner's "KEY=VALUE" strings, or NULL */
} hf_pool_t;

int hf_workflow_npools(const hf_workflow_t *wf);
const hf_pool_t *hf_workflow_pool(const hf_workflow_t *wf, int i);
/* The pool named `name`, or -1. */
int hf_workflow_find_pool(const hf_workflow_t *wf, const char *name);

/* Sets added to a finished workflow while it runs (submitted through the
 * engine, or a repeat's next iteration): create one with the defaults, fill
 * it in (hf_workflow_add_dep() takes it too), and append it, which checks
 * its name, resolves its dependencies and numbers its tasks after every
 * other set's.  hf_workflow_append() takes the set on success and returns
 * its index; -1 with a message (and the set still the caller's) otherwise.
 * hf_set_copy() copies everything but the name and the dependencies. */
hf_set_t *hf_set_create(const char *name);
hf_set_t *hf_set_copy(const hf_set_t *set, const char *name);
/* A set from its keys as a workflow file gives them (a YAML or JSON
 * mapping: tasks, cores, duration, command...), checked as the loader
 * checks them; `after` is not taken here (add dependencies with
 * hf_workflow_add_dep()).  NULL with a message naming `name`. */
hf_set_t *hf_set_parse(const char *name, const char *spec, hf_error_t *err);
void hf_set_destroy(hf_set_t *set);
int hf_workflow_append(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err);

/* Drop the sets appended after the first n (by a run's rules or its API
 * calls), so that the workflow can run again as written.  Returns 0, or -1
 * with ENOMEM (the workflow unusable). */
int hf_workflow_truncate(hf_workflow_t *wf, int n);

/* A set's name in repeat iteration `iter`: its template with "{iter}"
 * replaced, or NAME.iter when it has none (NAME itself for iteration 0).
 * A new string, or NULL. */
char *hf_set_iter_name(const hf_set_t *set, int iter);

/* Check that every rank of every set fits on one node of p and every task
 * fits on the whole platform.  Returns 0, or -1 with EINVAL naming the set,
 * what it asks and what a node has. */
int hf_workflow_check_platform(const hf_workflow_t *wf, const hf_platform_t *p,
                               hf_error_t *err);
/* The same for one set; `file` names the workflow file in messages. */
int hf_set_check_platform(const hf_set_t *set, const char *file, const hf_platform_t *p,
                          hf_error_t *err);

const char *hf_workflow_name(const hf_workflow_t *wf);
const char *hf_workflow_file(const hf_workflow_t *wf);
int hf_workflow_nsets(const hf_workflow_t *wf);
const hf_set_t *hf_workflow_get_set(const hf_workflow_t *wf, int i);
hf_set_t *hf_workflow_get_set_mut(hf_workflow_t *wf, int i);
/* The set named `name`, or -1.  "{iter}" in a name stands for 0: the file's
 * sets are a repeat's first iteration (a recorded set named with "{iter}",
 * from WfFormat, is found by its name as it is). */
int hf_workflow_find_set(const hf_workflow_t *wf, const char *name);
/* For a message about an unknown set `name`: " (did you mean 'S'?)" when
 * set S's name is near it (a misspelling), else "".  In buf, or "". */
const char *hf_workflow_near_set(const hf_workflow_t *wf, const char *name, char *buf,
                                 size_t len);
long hf_workflow_ntasks(const hf_workflow_t *wf);

/* Index of the first task of set i in the flat numbering of all tasks. */
uint32_t hf_workflow_first_task(const hf_workflow_t *wf, int i);

/* Mode, policy and platform given in the file; each getter returns false
 * when the file did not say.  Platform fields not given are -1. */
bool hf_workflow_mode(const hf_workflow_t *wf, hf_mode_t *mode);
bool hf_workflow_policy(const hf_workflow_t *wf, hf_policy_t *policy);
bool hf_workflow_platform(const hf_workflow_t *wf, hf_platform_t *p);
/* How many stagings (a task's inputs in, or its outputs out) may move at
 * once; 0 when the file did not say (hf_stage_concurrency() picks then). */
int hf_workflow_stage_concurrency(const hf_workflow_t *wf);
void hf_workflow_set_stage_concurrency(hf_workflow_t *wf, int n);
/* The path of file f of set `set` for its task `index`: "{index}" and
 * "{iter}" replaced; for an input with "{all}", the file of the writer's
 * task k (0 <= k < hf_file_count()); a literal path as it is.  Returns 0, or -1 with
 * ENAMETOOLONG when it does not fit in len bytes. */
int hf_file_path(const hf_workflow_t *wf, const hf_set_t *set, const hf_file_t *f,
                 uint32_t index, uint32_t k, char *out, size_t len);
/* How many files f names for one task: 1, or for an input with "{all}"
 * (not a literal one) the writer's task count. */
long hf_file_count(const hf_workflow_t *wf, const hf_file_t *f);
/* Bytes a task of `set` reads (its inputs) or writes (its outputs), sizes
 * not known counting 0; *unknown (if not NULL) gets how many files had no
 * size. */
double hf_set_bytes(const hf_workflow_t *wf, const hf_set_t *set, bool inputs,
                    long *unknown);
/* A workflow read from a record of a run (WfFormat): a file written by
 * several tasks is taken as recorded (its first writer counts) rather than
 * refused. */
void hf_workflow_set_recorded(hf_workflow_t *wf);
bool hf_workflow_recorded(const hf_workflow_t *wf);
/* Whether any set stages files in or out. */
bool hf_workflow_stages(const hf_workflow_t *wf);
/* The whole run's time limit in seconds, 0 for none. */
double hf_workflow_walltime(const hf_workflow_t *wf);
void hf_workflow_set_walltime(hf_workflow_t *wf, double seconds);
void hf_workflow_set_mode(hf_workflow_t *wf, hf_mode_t mode);
void hf_workflow_set_policy(hf_workflow_t *wf, hf_policy_t policy);
/* Fields that are negative in p are left as they were. */
void hf_workflow_set_platform(hf_workflow_t *wf, const hf_platform_t *p);

/* Limits on workflow files: their size, and how deep flow collections nest
 * (libyaml slows down quadratically with nesting). */
#define HF_MAX_FILE_SIZE (128L << 20)
#define HF_MAX_NESTING 64
#define HF_MAX_NAME 128
/* A workdir's own files, whose names no set may take (a set's folder sits
 * beside them): the journal (with the files SQLite keeps beside it,
 * journal.db-wal, ...) and the lock (hf_workdir_lock). */
#define HF_JOURNAL_FILE "journal.db"
#define HF_LOCK_FILE "run.lock"
/* Values YAML aliases may add to a file's `args` beyond the nodes the file
 * writes out: aliases of aliases grow exponentially (an alias bomb). */
#define HF_MAX_ALIAS_VALUES 1000000L

/* Load a workflow file and finish it: YAML (JSON is read by the same
 * parser), or a WfFormat instance (schema 1.0 to 1.6, detected by content:
 * a JSON object with "workflow" and "schemaVersion"), a set per recorded
 * task, or per task category with HF_LOAD_GROUP_BY_CATEGORY.  Returns NULL
 * with a file:line:col message on bad input. */
enum { HF_LOAD_GROUP_BY_CATEGORY = 1 };
hf_workflow_t *hf_workflow_load(const char *path, hf_error_t *err);
hf_workflow_t *hf_workflow_load_flags(const char *path, int flags, hf_error_t *err);

/* The same from text in memory; `path` names it in messages. */
hf_workflow_t *hf_workflow_load_buffer(const char *path, const char *text, size_t len,
                                       hf_error_t *err);
hf_workflow_t *hf_workflow_load_buffer_flags(const char *path, const char *text,
                                             size_t len, int flags, hf_error_t *err);

/* The text the workflow was loaded from (a resume reloads exactly that), or
 * NULL for a workflow built through the API. */
const char *hf_workflow_text(const hf_workflow_t *wf, size_t *len);
int hf_workflow_set_text(hf_workflow_t *wf, const char *text, size_t len);
/* The same, keeping text itself (malloc'd, len + 1 bytes: it is
 * NUL-terminated here), not a copy. */
void hf_workflow_take_text(hf_workflow_t *wf, char *text, size_t len);

/* Check a set name: 1 to HF_MAX_NAME bytes, valid UTF-8 (the parser has
 * checked), no '/', whitespace, control or bidirectional-override
 * characters, not "." or "..", not starting with '-': names become file
 * names and are substituted into commands.  Returns 0, or -1 with the reason
 * in `why`. */
int hf_set_name_check(const char *name, char *why, size_t len);

const char *hf_mode_name(hf_mode_t mode);
const char *hf_policy_name(hf_policy_t policy);
int hf_mode_parse(const char *s, hf_mode_t *mode);
int hf_policy_parse(const char *s, hf_policy_t *policy);

/* A set on a platform (docs/model.md): how many of its tasks fit at once
 * on p alone, packed node by node; waves = ceil(tasks / fit); t = waves x
 * mean duration. */
typedef struct {
    long fit;
    long waves;
    double t;
} hf_set_model_t;

long hf_set_fit(const hf_set_t *set, const hf_platform_t *p);
hf_set_model_t hf_set_model(const hf_set_t *set, const hf_platform_t *p);

#endif

/* Helpers shared by the unit tests: cmocka's headers in the order it needs,
 * a folder of the test's own, workflows written to temporary files and
 * loaded, and a simulation run. */
#ifndef HETFLOW_TEST_HELPERS_H
#define HETFLOW_TEST_HELPERS_H

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <math.h>

/* cmocka 1.1's assert_float_equal compares in float; this is for doubles. */
#define assert_close(a, b, eps)                                                          \
    do {                                                                                 \
        double a_ = (a), b_ = (b);                                                       \
        if (!(fabs(a_ - b_) <= (eps)))                                                   \
            fail_msg("%s = %.12g, not %.12g within %g", #a, a_, b_, (double)(eps));      \
    } while (0)

#include "hetflow/hetflow.h"

static char test_dir_path[32];

static inline int test_dir_remove_one(const char *path, const struct stat *st, int flag,
                                      struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static inline void test_dir_remove(void)
{
    nftw(test_dir_path, test_dir_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* This process's own folder, /tmp/hetflow-test-XXXXXX, made at first use and
 * removed at exit: runs of a test side by side (other build trees, the
 * sanitizer build) never share a path. */
static inline const char *test_dir(void)
{
    if (!test_dir_path[0]) {
        strcpy(test_dir_path, "/tmp/hetflow-test-XXXXXX");
        assert_non_null(mkdtemp(test_dir_path));
        atexit(test_dir_remove);
    }
    return test_dir_path;
}

/* test_dir()/name.  The same name gives the same string, valid to the end. */
static inline const char *test_path(const char *name)
{
    static char paths[16][256];
    static int n;
    size_t skip = strlen(test_dir()) + 1;

    for (int i = 0; i < n; i++)
        if (strcmp(paths[i] + skip, name) == 0)
            return paths[i];
    assert_true(n < 16);
    snprintf(paths[n], sizeof(paths[n]), "%s/%s", test_dir(), name);
    return paths[n++];
}

/* Write text to a new temporary file; returns its path (static buffer). */
static inline const char *write_temp(const char *text)
{
    static char path[64];
    int fd;

    strcpy(path, "/tmp/hetflow-test-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* Load YAML text; on failure return NULL with the message in err. */
static inline hf_workflow_t *load_text(const char *text, hf_error_t *err)
{
    const char *path = write_temp(text);
    hf_workflow_t *wf = hf_workflow_load(path, err);

    unlink(path);
    return wf;
}

static inline hf_workflow_t *load_ok(const char *text)
{
    hf_error_t err = {{0}};
    hf_workflow_t *wf = load_text(text, &err);

    if (!wf)
        fail_msg("load failed: %s", err.text);
    return wf;
}

/* Error message of loading text, without the temporary file's name. */
static inline const char *load_error(const char *text)
{
    static hf_error_t err;
    hf_workflow_t *wf = load_text(text, &err);
    const char *colon;

    if (wf) {
        hf_workflow_destroy(wf);
        fail_msg("loaded a bad workflow");
    }
    colon = strchr(err.text, ':');
    return colon ? colon + 1 : err.text;
}

/* A finished simulation of wf; the caller destroys engine, executor, dag. */
typedef struct {
    hf_dag_t *dag;
    hf_executor_t sim;
    hf_engine_t *engine;
    hf_summary_t summary;
} sim_run_t;

/* An engine over the simulator, created but not run: a test may register
 * callbacks or restore tasks before sim_finish() runs it. */
static inline void sim_start(hf_workflow_t *wf, const hf_engine_config_t *cfg,
                             sim_run_t *run)
{
    hf_error_t err = {{0}};

    run->dag = hf_dag_create(wf, &err);
    assert_non_null(run->dag);
    assert_int_equal(hf_exec_sim_create(wf, 0, &run->sim), 0);
    run->engine = hf_engine_create(wf, run->dag, cfg, &run->sim, &err);
    if (!run->engine)
        fail_msg("engine: %s", err.text);
}

static inline void sim_finish(sim_run_t *run)
{
    hf_error_t err = {{0}};

    if (hf_engine_run(run->engine, &err) < 0)
        fail_msg("run: %s", err.text);
    hf_summary_compute(run->engine, &run->summary);
}

static inline void simulate(hf_workflow_t *wf, const hf_platform_t *p, hf_mode_t mode,
                            hf_policy_t policy, sim_run_t *run)
{
    hf_engine_config_t cfg = {
        .mode = mode, .policy = policy, .platform = *p, .walltime = 0};

    sim_start(wf, &cfg, run);
    sim_finish(run);
}

static inline void sim_run_free(sim_run_t *run)
{
    hf_engine_destroy(run->engine);
    hf_executor_destroy(&run->sim);
    hf_dag_destroy(run->dag);
}

/* Task `index` of the set named `set` in e. */
static inline hf_task_info_t task_named(const hf_engine_t *e, const char *set,
                                        uint32_t index)
{
    hf_task_info_t t;
    int s = hf_workflow_find_set(hf_engine_workflow(e), set);

    assert_true(s >= 0);
    hf_engine_task(e, hf_engine_group_first(e, hf_engine_group_of_set(e, s)) + index, &t);
    return t;
}

/* Start and end of a set in a finished run. */
static inline void set_span(const hf_engine_t *e, int set, double *start, double *end)
{
    hf_task_info_t t;

    *start = 1e300;
    *end = -1;
    for (uint32_t id = 0; id < hf_engine_ntasks(e); id++) {
        hf_engine_task(e, id, &t);
        if (t.set != set || t.start < 0)
            continue;
        if (t.start < *start)
            *start = t.start;
        if (t.end > *end)
            *end = t.end;
    }
}

#endif

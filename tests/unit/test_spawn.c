/* Unit tests for src/exec/spawn.c: argv substitution, environment, output
 * files, affinity, and a program that cannot start. */
#include <sys/wait.h>

#include "exec/spawn.h"
#include "helpers.h"

/* An allocation of one slot on `node` with the given ids. */
static hf_alloc_t *alloc_of(uint32_t node, int ncores, const uint32_t *cores, int ngpus,
                            const uint32_t *gpus)
{
    hf_alloc_t *a = malloc(sizeof(hf_alloc_t) + sizeof(hf_slot_t) +
                           (size_t)(ncores + ngpus) * sizeof(uint32_t));
    uint32_t *ids = (uint32_t *)(a->slot + 1);

    a->nslots = 1;
    a->slot[0] =
        (hf_slot_t){node, 1, (uint32_t)ncores, (uint32_t)ngpus, ids, ids + ncores};
    memcpy(ids, cores, (size_t)ncores * sizeof(uint32_t));
    if (ngpus > 0)
        memcpy(ids + ncores, gpus, (size_t)ngpus * sizeof(uint32_t));
    return a;
}

static char *slurp(const char *path)
{
    static char text[4096];
    FILE *f = fopen(path, "r");
    size_t n;

    assert_non_null(f);
    n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* This machine's cores with two GPUs named "7" and "9", so that the
 * mapping from scheduler ids to device names shows. */
static char *gpu_ids[] = {"7", "9", NULL};

static void fake_machine(hf_machine_t *real, hf_machine_t *fake)
{
    assert_int_equal(hf_machine_detect(real, NULL), 0);
    *fake = *real;
    fake->ngpus = 2;
    fake->gpu_ids = gpu_ids;
}

/* The OS ids of machine core k, as HETFLOW_CORES lists them. */
static void core_list(const hf_machine_t *m, int k, char *out, size_t len)
{
    size_t n = 0;

    out[0] = '\0';
    for (int j = m->pu_offset[k]; j < m->pu_offset[k + 1]; j++)
        n += (size_t)snprintf(out + n, len - n, "%s%d", n ? "," : "", m->pus[j]);
}

/* Task `task` of wf's first set (its index too), placed by `alloc`. */
static hf_launch_t task_of(const hf_workflow_t *wf, uint32_t task,
                           const hf_alloc_t *alloc)
{
    const hf_set_t *set = hf_workflow_get_set(wf, 0);

    return (hf_launch_t){task, 0, task, set, set->name, alloc};
}

static void environment_and_output(void **state)
{
    hf_workflow_t *wf = load_ok(
        "sets:\n"
        "  sim: {tasks: 3, command: [sh, -c, 'echo {set}-{index} {x} \"$HETFLOW_SET\"\n"
        "        $HETFLOW_TASK_INDEX $HETFLOW_TASK_ID $HETFLOW_NODE\n"
        "        [$HETFLOW_CORES] [$CUDA_VISIBLE_DEVICES] [$ROCR_VISIBLE_DEVICES]\n"
        "        [$HIP_VISIBLE_DEVICES] [$HETFLOW_GPUS] $MINE; echo oops >&2'],\n"
        "       env: {MINE: yes, CUDA_VISIBLE_DEVICES: '0,1,2,3'}}\n");
    hf_platform_t p = {2, 1, 2, 0, 0}; /* node 1's core 0 is the machine's core 1 */
    hf_machine_t real, machine;
    spawner_t sp;
    hf_error_t err;
    hf_alloc_t *on0 = alloc_of(0, 1, (uint32_t[]){0}, 1, (uint32_t[]){1});
    hf_alloc_t *on1 = alloc_of(1, 1, (uint32_t[]){0}, 1, (uint32_t[]){1});
    hf_launch_t l0 = task_of(wf, 1, on0);
    hf_launch_t l1 = task_of(wf, 2, on1);
    char cores[64], want[256];
    int status = -5, wstatus;
    pid_t pid;

    (void)state;
    fake_machine(&real, &machine);
    setenv("CUDA_VISIBLE_DEVICES", "inherited", 1);
    if (spawner_init(&sp, wf, &machine, &p, test_path("spawn/work"), &err) < 0)
        fail_msg("%s", err.text);
    /* Node 0's GPU 1 is the machine's second GPU, named "9"; node 1's GPU 1
     * is global GPU 3, beyond the machine's two: virtual, "3".  Neither the
     * set's CUDA_VISIBLE_DEVICES nor the inherited one leaks through. */
    pid = spawner_start(&sp, &l0, NULL, NULL, &status, &err);
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &wstatus, 0), pid);
    assert_true(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
    core_list(&real, 0, cores, sizeof(cores));
    snprintf(want, sizeof(want), "sim-1 {x} sim 1 1 0 [%s] [9] [9] [9] [9] yes\n", cores);
    assert_string_equal(slurp(test_path("spawn/work/sim/1.out")), want);
    assert_string_equal(slurp(test_path("spawn/work/sim/1.err")), "oops\n");
    pid = spawner_start(&sp, &l1, NULL, NULL, &status, &err);
    assert_true(pid > 0);
    waitpid(pid, &wstatus, 0);
    core_list(&real, 1 % real.ncores, cores, sizeof(cores));
    snprintf(want, sizeof(want), "sim-2 {x} sim 2 2 1 [%s] [3] [3] [3] [3] yes\n", cores);
    assert_string_equal(slurp(test_path("spawn/work/sim/2.out")), want);
    unsetenv("CUDA_VISIBLE_DEVICES");
    spawner_fini(&sp);
    hf_machine_free(&real);
    free(on0);
    free(on1);
    hf_workflow_destroy(wf);
}

static void affinity_is_inherited(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  a: {command: 'grep Cpus_allowed_list "
                                "/proc/self/status; sh -c \"grep Cpus_allowed_list "
                                "/proc/self/status\"'}\n");
    hf_machine_t real;
    hf_platform_t p;
    spawner_t sp;
    hf_alloc_t *a = alloc_of(0, 1, (uint32_t[]){0}, 0, NULL);
    hf_launch_t l = task_of(wf, 0, a);
    char want[128];
    cpu_set_t before, after;
    int status;
    pid_t pid;

    (void)state;
    assert_int_equal(hf_machine_detect(&real, NULL), 0);
    p = (hf_platform_t){1, real.ncores, 0, 0, 0};
    sched_getaffinity(0, sizeof(before), &before);
    assert_int_equal(spawner_init(&sp, wf, &real, &p, test_path("spawn/aff"), NULL), 0);
    pid = spawner_start(&sp, &l, NULL, NULL, &status, NULL);
    assert_true(pid > 0);
    waitpid(pid, NULL, 0);
    /* Core 0's first thread, for the task and for a child it starts. */
    snprintf(want, sizeof(want), "Cpus_allowed_list:\t%d\nCpus_allowed_list:\t%d\n",
             real.pus[0], real.pus[0]);
    if (real.pu_offset[1] == 1)
        assert_string_equal(slurp(test_path("spawn/aff/a/0.out")), want);
    /* The spawning thread got its own affinity back. */
    sched_getaffinity(0, sizeof(after), &after);
    assert_true(CPU_EQUAL(&before, &after));
    spawner_fini(&sp);
    hf_machine_free(&real);
    free(a);
    hf_workflow_destroy(wf);
}

static void missing_program(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  a: {command: [/no/such/program, x]}\n");
    hf_platform_t p = {1, 4, 0, 0, 0};
    hf_machine_t machine;
    spawner_t sp;
    hf_alloc_t *a = alloc_of(0, 1, (uint32_t[]){0}, 0, NULL);
    hf_launch_t l = task_of(wf, 0, a);
    int status = 0;

    (void)state;
    assert_int_equal(hf_machine_detect(&machine, NULL), 0);
    assert_int_equal(spawner_init(&sp, wf, &machine, &p, test_path("spawn/miss"), NULL),
                     0);
    assert_int_equal(spawner_start(&sp, &l, NULL, NULL, &status, NULL), 0);
    assert_int_equal(status, 127);
    assert_string_equal(slurp(test_path("spawn/miss/a/0.err")),
                        "hetflow: cannot run '/no/such/program': No such file or "
                        "directory\n");
    spawner_fini(&sp);
    hf_machine_free(&machine);
    free(a);
    hf_workflow_destroy(wf);
}

static void unwritable_workdir(void **state)
{
    hf_workflow_t *wf = load_ok("sets:\n  a: {command: [true]}\n");
    hf_platform_t p = {1, 4, 0, 0, 0};
    hf_machine_t machine = {0};
    spawner_t sp;
    hf_error_t err;

    (void)state;
    assert_int_equal(spawner_init(&sp, wf, &machine, &p, "/proc/no/such", &err), -1);
    assert_non_null(strstr(err.text, "/proc/no"));
    hf_workflow_destroy(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(environment_and_output),
        cmocka_unit_test(affinity_is_inherited),
        cmocka_unit_test(missing_program),
        cmocka_unit_test(unwritable_workdir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

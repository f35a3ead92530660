/* Unit tests for src/platform/alloc.c: Slurm host lists in their tricky
 * forms, and allocations from Slurm's environment, PBS, LSF and hostfiles. */
#include "helpers.h"

static void expect_hosts(const char *list, const char *want)
{
    hf_error_t err = {{0}};
    char **hosts, joined[4096] = "";
    int n;

    if (hf_hostlist_expand(list, &hosts, &n, &err) < 0)
        fail_msg("%s: %s", list, err.text);
    for (int i = 0; i < n; i++) {
        strcat(joined, i ? " " : "");
        strcat(joined, hosts[i]);
        free(hosts[i]);
    }
    free(hosts);
    assert_string_equal(joined, want);
}

static void expect_bad(const char *list, const char *message)
{
    hf_error_t err = {{0}};
    char **hosts = NULL;
    int n = 0;

    assert_int_equal(hf_hostlist_expand(list, &hosts, &n, &err), -1);
    assert_null(hosts);
    assert_string_equal(err.text, message);
}

static void host_lists(void **state)
{
    (void)state;
    expect_hosts("node1", "node1");
    expect_hosts("n[001-004,007],gpu[1-2]", "n001 n002 n003 n004 n007 gpu1 gpu2");
    expect_hosts("x[09-11]", "x09 x10 x11");
    expect_hosts("a[1-2]b[3-4]", "a1b3 a1b4 a2b3 a2b4");
    expect_hosts("rack[1-2]-n[01-02].site",
                 "rack1-n01.site rack1-n02.site rack2-n01.site "
                 "rack2-n02.site");
    expect_hosts("c[7],d", "c7 d");
    /* The low end's width pads, as Slurm does: "0" pads to nothing. */
    expect_hosts("n[08-11],m[0-2]", "n08 n09 n10 n11 m0 m1 m2");
    expect_bad("", "host list '': empty at byte 1");
    expect_bad("n[1-", "host list 'n[1-': expected a number after '-' at byte 5");
    expect_bad("n[3-1]", "host list 'n[3-1]': bad range at byte 3");
    expect_bad("n]", "host list 'n]': ']' without '[' at byte 2");
    expect_bad("n[a]", "host list 'n[a]': expected a number at byte 3");
    expect_bad("n[1;2]", "host list 'n[1;2]': expected ',' or ']' at byte 4");
    expect_bad("a,,b", "host list 'a,,b': empty host name at byte 3");
    expect_bad("n[0-99999999]", "host list 'n[0-99999999]': bad range at byte 3");
    expect_bad("a[0-999]b[0-9999]",
               "host list 'a[0-999]b[0-9999]': too many hosts at byte 18");
}

static void clear_env(void)
{
    unsetenv("SLURM_JOB_NODELIST");
    unsetenv("SLURM_NODELIST");
    unsetenv("SLURM_JOB_CPUS_PER_NODE");
    unsetenv("SLURM_CPUS_ON_NODE");
    unsetenv("SLURM_GPUS_ON_NODE");
    unsetenv("SLURM_JOB_GPUS");
    unsetenv("PBS_NODEFILE");
    unsetenv("LSB_DJOB_HOSTFILE");
}

static void slurm_environment(void **state)
{
    hf_allocation_t a;
    hf_error_t err = {{0}};

    (void)state;
    clear_env();
    assert_int_equal(hf_allocation_detect(&a, NULL, &err), 0);
    setenv("SLURM_JOB_NODELIST", "cn[01-03]", 1);
    setenv("SLURM_JOB_CPUS_PER_NODE", "48(x2),32", 1);
    setenv("SLURM_JOB_GPUS", "0,1,2,3", 1);
    assert_int_equal(hf_allocation_detect(&a, NULL, &err), 1);
    assert_string_equal(a.source, "slurm");
    assert_int_equal(a.nhosts, 3);
    assert_string_equal(a.hosts[2], "cn03");
    assert_int_equal(a.cores_per_node, 32);
    assert_int_equal(a.gpus_per_node, 4);
    hf_allocation_free(&a);
    setenv("SLURM_GPUS_ON_NODE", "2", 1);
    unsetenv("SLURM_JOB_CPUS_PER_NODE");
    setenv("SLURM_CPUS_ON_NODE", "16", 1);
    assert_int_equal(hf_allocation_detect(&a, NULL, &err), 1);
    assert_int_equal(a.cores_per_node, 16);
    assert_int_equal(a.gpus_per_node, 2);
    hf_allocation_free(&a);
    setenv("SLURM_JOB_NODELIST", "cn[01-", 1);
    assert_int_equal(hf_allocation_detect(&a, NULL, &err), -1);
    clear_env();
}

static void files(void **state)
{
    hf_allocation_t a;
    hf_error_t err = {{0}};
    const char *path;

    (void)state;
    clear_env();
    /* PBS: a line per slot. */
    path = write_temp("n1\nn1\nn2\nn1\nn2\nn2\nn2\n");
    setenv("PBS_NODEFILE", path, 1);
    assert_int_equal(hf_allocation_detect(&a, NULL, &err), 1);
    assert_string_equal(a.source, "pbs");
    assert_int_equal(a.nhosts, 2);
    assert_string_equal(a.hosts[0], "n1");
    assert_int_equal(a.cores_per_node, 3); /* the smaller node */
    hf_allocation_free(&a);
    unsetenv("PBS_NODEFILE");
    unlink(path);
    /* LSF: likewise. */
    path = write_temp("batch1\ncomp7\ncomp7\n");
    setenv("LSB_DJOB_HOSTFILE", path, 1);
    assert_int_equal(hf_allocation_detect(&a, NULL, &err), 1);
    assert_string_equal(a.source, "lsf");
    assert_int_equal(a.nhosts, 2);
    hf_allocation_free(&a);
    unsetenv("LSB_DJOB_HOSTFILE");
    unlink(path);
    /* A hostfile, with counts and comments, wins over the environment. */
    setenv("SLURM_JOB_NODELIST", "ignored", 1);
    path =
        write_temp("# the nodes\nalpha slots=8\nbeta:6   # smaller\n\ngamma slots=12\n");
    assert_int_equal(hf_allocation_detect(&a, path, &err), 1);
    assert_string_equal(a.source, "hostfile");
    assert_int_equal(a.nhosts, 3);
    assert_string_equal(a.hosts[1], "beta");
    assert_int_equal(a.cores_per_node, 6);
    hf_allocation_free(&a);
    unlink(path);
    path = write_temp("alpha slots=8\nbeta cores=2\n");
    assert_int_equal(hf_allocation_detect(&a, path, &err), -1);
    assert_non_null(strstr(err.text, ":2:6: expected 'slots=N'"));
    unlink(path);
    path = write_temp("alpha slots=0\n");
    assert_int_equal(hf_allocation_detect(&a, path, &err), -1);
    assert_non_null(strstr(err.text, ":1:13: slots must be 1 to 4096"));
    unlink(path);
    path = write_temp("# nothing\n");
    assert_int_equal(hf_allocation_detect(&a, path, &err), -1);
    assert_non_null(strstr(err.text, "no hosts"));
    unlink(path);
    assert_int_equal(hf_allocation_detect(&a, "/nonexistent/hosts", &err), -1);
    clear_env();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_lists),
        cmocka_unit_test(slurm_environment),
        cmocka_unit_test(files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

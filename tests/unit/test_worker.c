/* Unit tests for the function workers: hetflow-worker (C, dlopen) and
 * python/hetflow/worker.py, driven through the frame protocol as the
 * executor drives them: pipelined requests, results, failures, a crash,
 * a function that cannot be loaded. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "helpers.h"
#include "worker/frame.h"

typedef struct {
    pid_t pid;
    int to, from; /* its stdin, its stdout */
    frame_reader_t r;
} worker_t;

/* Start argv with its stderr into `log` (its own when -1). */
static void start_logged(worker_t *w, char *const argv[], int log)
{
    int in[2], out[2];

    assert_int_equal(pipe2(in, O_CLOEXEC), 0);
    assert_int_equal(pipe2(out, O_CLOEXEC), 0);
    w->pid = fork();
    assert_true(w->pid >= 0);
    if (w->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        if (log >= 0)
            dup2(log, 2);
        setenv("PYTHONPATH", PYTHON_DIR ":" TEST_DATA, 1);
        execv(argv[0], argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    w->to = in[1];
    w->from = out[0];
    w->r = (frame_reader_t){0};
}

static void start(worker_t *w, char *const argv[])
{
    start_logged(w, argv, -1);
}

/* The next frame, reading as needed; 0 at end of file. */
static int next(worker_t *w, frame_t *f)
{
    int rc;

    while ((rc = frame_next(&w->r, f)) == 0)
        if (frame_fill(&w->r, w->from) <= 0)
            return 0;
    assert_int_equal(rc, 1);
    return 1;
}

static int stop(worker_t *w)
{
    int status;

    close(w->to);
    close(w->from);
    frame_reader_free(&w->r);
    assert_int_equal(waitpid(w->pid, &status, 0), w->pid);
    return status;
}

static void expect(worker_t *w, uint32_t task, uint32_t status, const char *payload)
{
    frame_t f;

    assert_int_equal(next(w, &f), 1);
    assert_int_equal(f.task, task);
    assert_int_equal(f.status, status);
    if (payload) {
        char *copy = strndup(f.payload, f.len);
        assert_string_equal(copy, payload);
        free(copy);
    }
}

static void c_worker(void **state)
{
    char *echo[] = {WORKER, FUNCTIONS, "hf_echo", NULL};
    char *fail[] = {WORKER, FUNCTIONS, "hf_fail", NULL};
    char *missing[] = {WORKER, FUNCTIONS, "no_such_symbol", NULL};
    worker_t w;

    (void)state;
    start(&w, echo);
    expect(&w, FRAME_READY, FRAME_OK, NULL);
    /* Three requests at once: answered in order, each with its id. */
    for (uint32_t i = 0; i < 3; i++) {
        char args[32];
        snprintf(args, sizeof(args), "{\"i\": %u}", i);
        assert_int_equal(frame_write(w.to, 10 + i, FRAME_OK, args, strlen(args)), 0);
    }
    expect(&w, 10, FRAME_OK, "{\"args\": {\"i\": 0}}");
    expect(&w, 11, FRAME_OK, "{\"args\": {\"i\": 1}}");
    expect(&w, 12, FRAME_OK, "{\"args\": {\"i\": 2}}");
    assert_true(WIFEXITED(stop(&w)));

    start(&w, fail);
    expect(&w, FRAME_READY, FRAME_OK, NULL);
    frame_write(w.to, 7, FRAME_OK, "{}", 2);
    expect(&w, 7, FRAME_FAILED, "failed on purpose");
    stop(&w);

    start(&w, missing);
    expect(&w, FRAME_READY, FRAME_FAILED, NULL);
    assert_int_equal(WEXITSTATUS(stop(&w)), 1);
}

/* A function that crashes takes its worker down: the pipe ends with no
 * answer, which is how the executor learns the task failed. */
static void c_worker_crash(void **state)
{
    char *crash[] = {WORKER, FUNCTIONS, "hf_crash", NULL};
    frame_t f;
    worker_t w;
    int status;

    (void)state;
    start(&w, crash);
    expect(&w, FRAME_READY, FRAME_OK, NULL);
    frame_write(w.to, 1, FRAME_OK, "{}", 2);
    assert_int_equal(next(&w, &f), 0);
    status = stop(&w);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void python_worker(void **state)
{
    char *ok[] = {PYTHON3, "-m", "hetflow.worker", "pyfunctions:square", NULL};
    char *raises[] = {PYTHON3, "-m", "hetflow.worker", "pyfunctions:boom", NULL};
    char *bad[] = {PYTHON3, "-m", "hetflow.worker", "pyfunctions:nope", NULL};
    worker_t w;

    (void)state;
    start(&w, ok);
    expect(&w, FRAME_READY, FRAME_OK, NULL);
    frame_write(w.to, 1, FRAME_OK, "{\"x\": 3}", 8);
    frame_write(w.to, 2, FRAME_OK, "{\"x\": 5}", 8);
    expect(&w, 1, FRAME_OK, "{\"square\":9}");
    expect(&w, 2, FRAME_OK, "{\"square\":25}");
    stop(&w);

    start(&w, raises);
    expect(&w, FRAME_READY, FRAME_OK, NULL);
    frame_write(w.to, 4, FRAME_OK, "{\"x\": 1}", 8);
    expect(&w, 4, FRAME_FAILED, "ValueError: x must not be 1");
    stop(&w);

    start(&w, bad);
    expect(&w, FRAME_READY, FRAME_FAILED,
           "pyfunctions:nope: module 'pyfunctions' has no attribute 'nope'");
    stop(&w);
}

/* A function that prints (stdio, fd 1, stderr, a child) does not disturb
 * the frames: what it prints is in the worker's stderr; a result over the
 * frame limit fails its call alone.  C and Python workers alike. */
static void prints_and_big_results(void **state)
{
    char *c_chatty[] = {WORKER, FUNCTIONS, "hf_chatty", NULL};
    char *c_big[] = {WORKER, FUNCTIONS, "hf_big_at1", NULL};
    char *py_chatty[] = {PYTHON3, "-m", "hetflow.worker", "pyfunctions:chatty", NULL};
    char *py_big[] = {PYTHON3, "-m", "hetflow.worker", "pyfunctions:big_at1", NULL};
    const char *too_big = "result of 70000000 bytes is over the 64 MiB frame limit";
    char path[] = "/tmp/hetflow-test-log-XXXXXX", text[4096];
    int log = mkstemp(path);
    ssize_t n;
    worker_t w;

    (void)state;
    assert_true(log >= 0);
    unlink(path);
    start_logged(&w, c_chatty, log);
    expect(&w, FRAME_READY, FRAME_OK, NULL);
    frame_write(w.to, 1, FRAME_OK, "{\"x\":0}", 7);
    frame_write(w.to, 2, FRAME_OK, "{\"x\":7}", 7);
    frame_write(w.to, 3, FRAME_OK, "{\"x\":8}", 7);
    expect(&w, 1, FRAME_OK, "{\"args\": {\"x\":0}}");
    expect(&w, 2, FRAME_FAILED, "chatty 7");
    expect(&w, 3, FRAME_OK, "{\"args\": {\"x\":8}}");
    assert_int_equal(WEXITSTATUS(stop(&w)), 0);

    start_logged(&w, py_chatty, log);
    expect(&w, FRAME_READY, FRAME_OK, NULL);
    frame_write(w.to, 4, FRAME_OK, "{\"x\":3}", 7);
    expect(&w, 4, FRAME_OK, "{\"x\":3,\"stdin\":\"\"}");
    assert_int_equal(WEXITSTATUS(stop(&w)), 0);
    n = pread(log, text, sizeof(text) - 1, 0);
    assert_true(n > 0);
    text[n] = '\0';
    assert_string_equal(text, "out {\"x\":0}\nraw {\"x\":0}\nerr {\"x\":0}\nchild\n"
                              "out {\"x\":7}\nraw {\"x\":7}\nerr {\"x\":7}\n"
                              "out {\"x\":8}\nraw {\"x\":8}\nerr {\"x\":8}\n"
                              "print 3\nwrite 3\nraw 3\nerr 3\n");
    close(log);

    start(&w, c_big);
    expect(&w, FRAME_READY, FRAME_OK, NULL);
    frame_write(w.to, 1, FRAME_OK, "{\"x\":1}", 7);
    frame_write(w.to, 2, FRAME_OK, "{\"x\":2}", 7);
    expect(&w, 1, FRAME_FAILED, too_big);
    expect(&w, 2, FRAME_OK, "{\"args\": {\"x\":2}}");
    assert_int_equal(WEXITSTATUS(stop(&w)), 0);

    start(&w, py_big);
    expect(&w, FRAME_READY, FRAME_OK, NULL);
    frame_write(w.to, 1, FRAME_OK, "{\"x\":1}", 7);
    frame_write(w.to, 2, FRAME_OK, "{\"x\":2}", 7);
    expect(&w, 1, FRAME_FAILED, too_big);
    assert_int_equal(next(&w, &(frame_t){0}), 1);
    assert_int_equal(WEXITSTATUS(stop(&w)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(c_worker),
        cmocka_unit_test(c_worker_crash),
        cmocka_unit_test(python_worker),
        cmocka_unit_test(prints_and_big_results),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}

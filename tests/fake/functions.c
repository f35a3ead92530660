/* C functions for the worker tests and benchmarks (libhffn.so). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int hf_echo(const char *args, char **result);
int hf_fail(const char *args, char **result);
int hf_crash(const char *args, char **result);
int hf_empty(const char *args, char **result);

/* The arguments back as {"args": ...}. */
int hf_echo(const char *args, char **result)
{
    size_t n = strlen(args);

    if (!(*result = malloc(n + 12)))
        return 1;
    memcpy(*result, "{\"args\": ", 9);
    memcpy(*result + 9, args, n);
    memcpy(*result + 9 + n, "}", 2);
    return 0;
}

int hf_fail(const char *args, char **result)
{
    (void)args;
    *result = strdup("failed on purpose");
    return 1;
}

int hf_crash(const char *args, char **result)
{
    (void)args;
    (void)result;
    abort();
}

int hf_empty(const char *args, char **result)
{
    (void)args;
    *result = NULL;
    return 0;
}

int hf_crash_at2(const char *args, char **result);

/* Aborts, killing its worker, for the call whose args hold "x":2. */
int hf_crash_at2(const char *args, char **result)
{
    if (strstr(args, "\"x\":2"))
        abort();
    return hf_echo(args, result);
}

int hf_chatty(const char *args, char **result);
int hf_big_at1(const char *args, char **result);

/* Prints on every call, through stdio, write(1) and stderr (a child
 * process too, once), then echoes; fails for {"x":7}. */
int hf_chatty(const char *args, char **result)
{
    char line[256];
    int n = snprintf(line, sizeof(line), "raw %s\n", args);

    printf("out %s\n", args);
    if (write(1, line, (size_t)n) != n)
        return 1;
    fprintf(stderr, "err %s\n", args);
    if (strcmp(args, "{\"x\":0}") == 0 && system("echo child") != 0)
        return 1;
    if (strcmp(args, "{\"x\":7}") == 0) {
        *result = strdup("chatty 7");
        return 1;
    }
    return hf_echo(args, result);
}

/* For {"x":1}, a result of 70,000,000 bytes, over the frame limit; else
 * the arguments back. */
int hf_big_at1(const char *args, char **result)
{
    size_t n = 70000000;

    if (strcmp(args, "{\"x\":1}") != 0)
        return hf_echo(args, result);
    if (!(*result = malloc(n + 1)))
        return 1;
    memset(*result, 'x', n);
    memcpy(*result, "{\"s\":\"", 6);
    memcpy(*result + n - 2, "\"}", 3);
    return 0;
}

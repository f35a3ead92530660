/* C functions for the worker tests and benchmarks (libhffn.so). */
#include <stdlib.h>
#include <string.h>

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

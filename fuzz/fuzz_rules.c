/* libFuzzer harness for the rule-expression parser: any bytes are parsed,
 * and what parses is evaluated against fixed results. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workflow/expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static double results(void *ctx, hf_agg_t agg, const char *set, const char *key)
{
    (void)ctx;
    if (agg == HF_AGG_COUNT)
        return (double)strlen(key);
    return set ? NAN : (double)(key[0] % 7) - 3;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), why[160];
    size_t where;
    expr_t *e;

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if ((e = expr_parse(text, &where, why, sizeof(why)))) {
        expr_eval(e, results, NULL);
        expr_free(e);
    } else if (where > size) {
        __builtin_trap(); /* an error must point inside the input */
    }
    free(text);
    return 0;
}

/* String helpers. */
#ifndef HETFLOW_UTIL_STR_H
#define HETFLOW_UTIL_STR_H

#include <stddef.h>

/* A copy of s with every `from` replaced by `to`: a new string, or NULL
 * with ENOMEM. */
char *str_replace(const char *s, const char *from, const char *to);

/* The edit distance between a and b (Damerau-Levenshtein in its optimal
 * string alignment form: an insertion, a deletion, a substitution or the
 * swap of two neighbours each count one), or max + 1 when it is more than
 * max or a word is longer than STR_NEAR_MAX bytes. */
#define STR_NEAR_MAX 128
int str_distance(const char *a, const char *b, int max);

/* The search for what `word` may be a misspelling of: a candidate within
 * one edit per three bytes of word, the nearest (the first of equals).
 * Words of one or two bytes are near nothing. */
typedef struct {
    const char *word;
    const char *best; /* NULL while none is near */
    int distance;
} str_near_t;

str_near_t str_near(const char *word);
void str_near_try(str_near_t *near, const char *candidate);

/* " (did you mean 'BEST'?)" when near found one, else "": in buf, which
 * STR_NEAR_HINT bytes hold. */
#define STR_NEAR_HINT (STR_NEAR_MAX + 32)
const char *str_near_hint(const str_near_t *near, char *buf, size_t len);

#endif

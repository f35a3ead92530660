/* A string -> int map with open addressing, for looking up set names.
 * Keys are borrowed: the caller keeps them alive while the map lives. */
#ifndef HETFLOW_UTIL_STRMAP_H
#define HETFLOW_UTIL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

/* A slot holds its key's hash beside it: a probe compares hashes, and
 * reads a key's text (elsewhere in memory) only when they are equal. */
typedef struct {
    const char *key; /* NULL: empty */
    uint32_t hash;
    int value;
} strmap_slot_t;

typedef struct {
    strmap_slot_t *slots;
    size_t n;
    size_t cap; /* a power of two, kept at most half full */
} strmap_t;

void strmap_init(strmap_t *m);
void strmap_fini(strmap_t *m);

/* Insert or replace.  Returns 0, or -1 with ENOMEM. */
int strmap_put(strmap_t *m, const char *key, int value);

/* The value for key, or -1 when absent. */
int strmap_get(const strmap_t *m, const char *key);

#endif

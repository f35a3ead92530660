/* String -> int map with linear probing; see strmap.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */

    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ULL;
    }
    return h;
}

void strmap_init(strmap_t *m)
{
    memset(m, 0, sizeof(*m));
}

void strmap_fini(strmap_t *m)
{
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof(*m));
}

static size_t probe(const strmap_t *m, const char *key)
{
    size_t i = hash_str(key) & (m->cap - 1);

    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int grow(strmap_t *m)
{
    strmap_t bigger = {0};
    size_t i;

    bigger.cap = m->cap ? m->cap * 2 : 16;
    bigger.keys = calloc(bigger.cap, sizeof(*bigger.keys));
    bigger.values = calloc(bigger.cap, sizeof(*bigger.values));
    if (!bigger.keys || !bigger.values) {
        strmap_fini(&bigger);
        return -1;
    }
    for (i = 0; i < m->cap; i++) {
        if (m->keys[i]) {
            size_t j = probe(&bigger, m->keys[i]);
            bigger.keys[j] = m->keys[i];
            bigger.values[j] = m->values[i];
            bigger.n++;
        }
    }
    strmap_fini(m);
    *m = bigger;
    return 0;
}

int strmap_put(strmap_t *m, const char *key, int value)
{
    size_t i;

    if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
        return -1;
    i = probe(m, key);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->n++;
    }
    m->values[i] = value;
    return 0;
}

int strmap_get(const strmap_t *m, const char *key)
{
    size_t i;

    if (m->cap == 0)
        return -1;
    i = probe(m, key);
    return m->keys[i] ? m->values[i] : -1;
}

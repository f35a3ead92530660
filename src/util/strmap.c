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
    free(m->slots);
    memset(m, 0, sizeof(*m));
}

static size_t probe(const strmap_t *m, const char *key, uint32_t hash)
{
    size_t i = hash & (m->cap - 1);

    while (m->slots[i].key &&
           (m->slots[i].hash != hash || strcmp(m->slots[i].key, key) != 0))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int grow(strmap_t *m)
{
    size_t cap = m->cap ? m->cap * 2 : 16;
    strmap_slot_t *slots = calloc(cap, sizeof(*slots));

    if (!slots)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i].key) {
            size_t j = m->slots[i].hash & (cap - 1);
            while (slots[j].key)
                j = (j + 1) & (cap - 1);
            slots[j] = m->slots[i];
        }
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

int strmap_put(strmap_t *m, const char *key, int value)
{
    uint32_t hash = (uint32_t)hash_str(key);
    size_t i;

    if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
        return -1;
    i = probe(m, key, hash);
    if (!m->slots[i].key) {
        m->slots[i].key = key;
        m->slots[i].hash = hash;
        m->n++;
    }
    m->slots[i].value = value;
    return 0;
}

int strmap_get(const strmap_t *m, const char *key)
{
    size_t i;

    if (m->cap == 0)
        return -1;
    i = probe(m, key, (uint32_t)hash_str(key));
    return m->slots[i].key ? m->slots[i].value : -1;
}

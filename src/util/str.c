/* String helpers; see str.h. */
#include <stdlib.h>
#include <string.h>

#include "str.h"

char *str_replace(const char *s, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to), n = 0;
    char *out, *o;

    for (const char *p = strstr(s, from); p; p = strstr(p + nf, from))
        n++;
    if (!(out = malloc(strlen(s) + n * nt + 1)))
        return NULL;
    o = out;
    for (const char *p = s;;) {
        const char *hit = strstr(p, from);
        size_t lit = hit ? (size_t)(hit - p) : strlen(p);
        memcpy(o, p, lit);
        o += lit;
        if (!hit)
            break;
        memcpy(o, to, nt);
        o += nt;
        p = hit + nf;
    }
    *o = '\0';
    return out;
}

/* String helpers; see str.h. */
#include <stdio.h>
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

int str_distance(const char *a, const char *b, int max)
{
    /* Three rows of the dynamic programme: two back, one back, this one. */
    int rows[3][STR_NEAR_MAX + 1];
    int *back2 = rows[0], *back = rows[1], *row = rows[2];
    size_t na = strlen(a), nb = strlen(b);

    if (na > STR_NEAR_MAX || nb > STR_NEAR_MAX ||
        (na > nb ? na - nb : nb - na) > (size_t)max)
        return max + 1;
    for (size_t j = 0; j <= nb; j++)
        back[j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
        int least;
        row[0] = least = (int)i;
        for (size_t j = 1; j <= nb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int d = back[j - 1] + cost;
            if (back[j] + 1 < d)
                d = back[j] + 1;
            if (row[j - 1] + 1 < d)
                d = row[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                back2[j - 2] + 1 < d)
                d = back2[j - 2] + 1;
            row[j] = d;
            if (d < least)
                least = d;
        }
        if (least > max) /* every later row is at least this far */
            return max + 1;
        int *t = back2;
        back2 = back;
        back = row;
        row = t;
    }
    return back[nb] <= max ? back[nb] : max + 1;
}

str_near_t str_near(const char *word)
{
    return (str_near_t){word, NULL, (int)(strlen(word) / 3) + 1};
}

void str_near_try(str_near_t *near, const char *candidate)
{
    int d = str_distance(near->word, candidate, near->distance - 1);

    if (d < near->distance && d > 0) {
        near->best = candidate;
        near->distance = d;
    }
}

const char *str_near_hint(const str_near_t *near, char *buf, size_t len)
{
    if (!near->best)
        return "";
    snprintf(buf, len, " (did you mean '%s'?)", near->best);
    return buf;
}

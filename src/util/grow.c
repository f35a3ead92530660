/* Growing arrays; see grow.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

size_t grow_cap(size_t cap, size_t want)
{
    while (cap < want)
        cap = cap * 2 + 64;
    return cap;
}

int grow_to(void **arr, size_t old, size_t cap, size_t elem)
{
    char *more = realloc(*arr, cap * elem);

    if (!more) {
        errno = ENOMEM;
        return -1;
    }
    if (cap > old)
        memset(more + old * elem, 0, (cap - old) * elem);
    *arr = more;
    return 0;
}

int grow_room(void **arr, size_t *cap, size_t want, size_t elem)
{
    size_t more = grow_cap(*cap, want);

    if (more == *cap)
        return 0;
    if (grow_to(arr, *cap, more, elem) < 0)
        return -1;
    *cap = more;
    return 0;
}

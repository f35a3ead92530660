/* Growing arrays that sets and tasks are added to while a run goes on. */
#ifndef HETFLOW_UTIL_GROW_H
#define HETFLOW_UTIL_GROW_H

#include <stddef.h>

/* The room to grow `cap` elements to so that `want` fit: doubling. */
size_t grow_cap(size_t cap, size_t want);

/* Resize *arr from `old` to `cap` elements of `elem` bytes, the new ones
 * zeroed.  Returns 0, or -1 with ENOMEM and *arr as it was. */
int grow_to(void **arr, size_t old, size_t cap, size_t elem);

/* Make room in *arr, of *cap elements, for `want` (growing *cap as
 * grow_cap() does).  Returns 0, or -1 with ENOMEM and both as they were. */
int grow_room(void **arr, size_t *cap, size_t want, size_t elem);

#endif

/* String helpers. */
#ifndef HETFLOW_UTIL_STR_H
#define HETFLOW_UTIL_STR_H

/* A copy of s with every `from` replaced by `to`: a new string, or NULL
 * with ENOMEM. */
char *str_replace(const char *s, const char *from, const char *to);

#endif

/* Placeholders: the one vocabulary of {index}, {iter}, {set} and {all},
 * where each may stand (commands, a function set's args, files, set
 * names), how a place writes a value, the one check (the loaders' and that
 * of every set a workflow is finished with or appended), and how a text
 * matches a template.  docs/format.md#placeholders is its table. */
#ifndef HETFLOW_TEMPLATE_H
#define HETFLOW_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The placeholders, as bits: a place's vocabulary, the values given. */
#define HF_TEMPLATE_INDEX 1u /* {index}: the task's index in its set */
#define HF_TEMPLATE_ITER 2u  /* {iter}: the repeat's iteration (0 in the file) */
#define HF_TEMPLATE_SET 4u   /* {set}: the set's name */
#define HF_TEMPLATE_ALL 8u   /* {all}: in an input, each task of its writer */

/* Where a template stands: what it may hold and how a value is written. */
typedef enum {
    HF_TEMPLATE_ARGV,   /* an argument of a command list: values as they are */
    HF_TEMPLATE_SHELL,  /* a command string for sh: {set} one word for sh */
    HF_TEMPLATE_ARGS,   /* a function set's JSON args: "{index}" alone a number */
    HF_TEMPLATE_INPUT,  /* an input's path */
    HF_TEMPLATE_OUTPUT, /* an output's path */
    HF_TEMPLATE_NAME,   /* a set's name */
} hf_template_place_t;

/* The values to put in; a placeholder whose bit `have` lacks stays as it is
 * written (a file's key replaces {iter} only). */
typedef struct {
    unsigned have;
    uint32_t index;
    int iter;
    const char *set;
    uint32_t all;
} hf_template_values_t;

/* Check tmpl for `place`: a placeholder of the vocabulary that the place
 * does not take is an error; so is any other '{' in a file's path (in a
 * command, args or a name such a brace is text: sh's, JSON's or the
 * name's).  Returns 0, or -1 with the reason in `why` (len bytes), the same
 * words for every place: "<place> '<tmpl>': unknown placeholder (known:
 * ...)". */
int hf_template_check(const char *tmpl, hf_template_place_t place, char *why, size_t len);

/* tmpl expanded for `place` with v, into out (len bytes, NUL-terminated
 * when len > 0), as snprintf: returns the length of the whole expansion,
 * which did not fit when it is len or more. */
size_t hf_template_write(char *out, size_t len, const char *tmpl,
                         hf_template_place_t place, const hf_template_values_t *v);

/* The same in a new string, or NULL with ENOMEM. */
char *hf_template_expand(const char *tmpl, hf_template_place_t place,
                         const hf_template_values_t *v);

/* Whether text holds any of the placeholders `which` (HF_TEMPLATE_* bits). */
bool hf_template_has(const char *text, unsigned which);

/* The value of placeholder `which` (HF_TEMPLATE_INDEX or HF_TEMPLATE_ITER)
 * for which tmpl expands to s: a decimal without leading zeros, below 10^9,
 * the same at each place it stands, the rest of tmpl as it is written.  -1
 * when there is none; 0 when tmpl, without it, is s. */
long hf_template_match(const char *tmpl, unsigned which, const char *s);

/* The output an input's {all} reads each file of: its path with {all}
 * written {index}.  A new string, or NULL with ENOMEM. */
char *hf_template_all_as_index(const char *input);

#endif

/* Placeholders: one table of them, one table of the places they stand in,
 * one check, one expander, and the match of a text against a template
 * (hetflow/template.h).  A placeholder is its text exactly ("{index}");
 * nothing else in braces is one, so sh's and JSON's braces in commands and
 * args stay as they are. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hetflow/template.h"

static const struct {
    const char *text;
    size_t len;
    unsigned bit;
} vocab[] = {
    {"{index}", 7, HF_TEMPLATE_INDEX},
    {"{iter}", 6, HF_TEMPLATE_ITER},
    {"{set}", 5, HF_TEMPLATE_SET},
    {"{all}", 5, HF_TEMPLATE_ALL},
};
#define NVOCAB (sizeof(vocab) / sizeof(vocab[0]))

static const struct {
    const char *what; /* the place, in messages */
    unsigned allowed;
    bool strict; /* every '{' must start a placeholder it takes */
} places[] = {
    [HF_TEMPLATE_ARGV] = {"command",
                          HF_TEMPLATE_INDEX | HF_TEMPLATE_ITER | HF_TEMPLATE_SET, false},
    [HF_TEMPLATE_SHELL] = {"command",
                           HF_TEMPLATE_INDEX | HF_TEMPLATE_ITER | HF_TEMPLATE_SET, false},
    [HF_TEMPLATE_ARGS] = {"args", HF_TEMPLATE_INDEX | HF_TEMPLATE_ITER | HF_TEMPLATE_SET,
                          false},
    [HF_TEMPLATE_INPUT] = {"file", HF_TEMPLATE_INDEX | HF_TEMPLATE_ITER | HF_TEMPLATE_ALL,
                           true},
    [HF_TEMPLATE_OUTPUT] = {"file", HF_TEMPLATE_INDEX | HF_TEMPLATE_ITER, true},
    [HF_TEMPLATE_NAME] = {"set name", HF_TEMPLATE_ITER, false},
};

/* The placeholder s starts with (its index in vocab), or -1. */
static int vocab_at(const char *s)
{
    for (size_t k = 0; *s == '{' && k < NVOCAB; k++)
        if (strncmp(s, vocab[k].text, vocab[k].len) == 0)
            return (int)k;
    return -1;
}

int hf_template_check(const char *tmpl, hf_template_place_t place, char *why, size_t len)
{
    unsigned allowed = places[place].allowed;
    char known[64] = "";

    for (const char *c = tmpl; (c = strchr(c, '{')); c++) {
        int k = vocab_at(c);
        if (k >= 0 && (allowed & vocab[k].bit) && vocab[k].bit == HF_TEMPLATE_ALL) {
            /* An input's {all} is each file of its writer: one list. */
            if (hf_template_has(tmpl, HF_TEMPLATE_INDEX)) {
                snprintf(why, len, "file '%s' has both {all} and {index}", tmpl);
                return -1;
            }
            if (hf_template_has(c + vocab[k].len, HF_TEMPLATE_ALL)) {
                snprintf(why, len, "file '%s' has {all} twice", tmpl);
                return -1;
            }
        }
        if ((k >= 0 && (allowed & vocab[k].bit)) || (k < 0 && !places[place].strict))
            continue;
        if (place == HF_TEMPLATE_OUTPUT && k >= 0 && vocab[k].bit == HF_TEMPLATE_ALL) {
            snprintf(why, len, "{all} is for inputs: an output is one file");
            return -1;
        }
        for (size_t i = 0; i < NVOCAB; i++)
            if (allowed & vocab[i].bit)
                snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
                         *known ? ", " : "", vocab[i].text);
        snprintf(why, len, "%s '%s': unknown placeholder (known: %s)", places[place].what,
                 tmpl, known);
        return -1;
    }
    return 0;
}

/* What has been written, snprintf's way: n counts all, out holds what fits. */
typedef struct {
    char *out;
    size_t len, n;
} sink_t;

static void put(sink_t *s, const char *p, size_t n)
{
    if (s->len && s->n < s->len - 1) {
        size_t room = s->len - 1 - s->n;
        memcpy(s->out + s->n, p, n < room ? n : room);
    }
    s->n += n;
}

/* Whether a set name is one word to sh as it is: letters, digits, UTF-8
 * beyond ASCII and ._-+,:@% only. */
static bool shell_word(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c >= 0x80 || strchr("._-+,:@%", c)))
            return false;
    }
    return true;
}

/* A set's name in `place`: in a command sh reads, as it is when it is one
 * word, else in single quotes, each ' written '\'' (a set named
 * `b;touch${IFS}x` is a name, not a command); inside a JSON string, " and
 * \ escaped (names hold no control character); elsewhere as it is. */
static void put_name(sink_t *s, const char *name, hf_template_place_t place)
{
    const char *q;

    if (place == HF_TEMPLATE_SHELL && !shell_word(name)) {
        put(s, "'", 1);
        for (; (q = strchr(name, '\'')); name = q + 1) {
            put(s, name, (size_t)(q - name));
            put(s, "'\\''", 4);
        }
        put(s, name, strlen(name));
        put(s, "'", 1);
    } else if (place == HF_TEMPLATE_ARGS) {
        for (; (q = strpbrk(name, "\"\\")); name = q + 1) {
            put(s, name, (size_t)(q - name));
            put(s, "\\", 1);
            put(s, q, 1);
        }
        put(s, name, strlen(name));
    } else {
        put(s, name, strlen(name));
    }
}

/* The number placeholder k stands for. */
static long long number(unsigned bit, const hf_template_values_t *v)
{
    if (bit == HF_TEMPLATE_ITER)
        return v->iter;
    return bit == HF_TEMPLATE_INDEX ? v->index : v->all;
}

/* tmpl expanded for `place` with v into s; with `all_as_index`, an {all}
 * (v->have holding it) is written {index}: the writer's template. */
static void write_to(sink_t *s, const char *tmpl, hf_template_place_t place,
                     const hf_template_values_t *v, bool all_as_index)
{
    while (*tmpl) {
        /* In args, a JSON string that is only "{index}" or "{iter}" is the
         * number (the quotes go). */
        bool whole = place == HF_TEMPLATE_ARGS && *tmpl == '"';
        int k = vocab_at(tmpl + whole);
        unsigned bit = k >= 0 ? vocab[k].bit : 0;
        size_t at = whole + (k >= 0 ? vocab[k].len : 0);
        char num[24];
        if (!(bit & v->have) || (whole && (bit == HF_TEMPLATE_SET || tmpl[at] != '"'))) {
            /* Text up to the next place a placeholder may start. */
            size_t lit = 1 + strcspn(tmpl + 1, place == HF_TEMPLATE_ARGS ? "{\"" : "{");
            put(s, tmpl, lit);
            tmpl += lit;
            continue;
        }
        if (bit == HF_TEMPLATE_SET) {
            put_name(s, v->set, place);
        } else if (bit == HF_TEMPLATE_ALL && all_as_index) {
            put(s, vocab[0].text, vocab[0].len); /* {index} */
        } else {
            snprintf(num, sizeof(num), "%lld", number(bit, v));
            put(s, num, strlen(num));
        }
        tmpl += at + whole;
    }
}

size_t hf_template_write(char *out, size_t len, const char *tmpl,
                         hf_template_place_t place, const hf_template_values_t *v)
{
    sink_t s = {out, len, 0};

    write_to(&s, tmpl, place, v, false);
    if (len)
        out[s.n < len ? s.n : len - 1] = '\0';
    return s.n;
}

/* tmpl written by write_to() in a new string, or NULL with ENOMEM. */
static char *expand(const char *tmpl, hf_template_place_t place,
                    const hf_template_values_t *v, bool all_as_index)
{
    sink_t s = {NULL, 0, 0};

    write_to(&s, tmpl, place, v, all_as_index);
    if (!(s.out = malloc(s.n + 1))) {
        errno = ENOMEM;
        return NULL;
    }
    s.len = s.n + 1;
    s.n = 0;
    write_to(&s, tmpl, place, v, all_as_index);
    s.out[s.n] = '\0';
    return s.out;
}

char *hf_template_expand(const char *tmpl, hf_template_place_t place,
                         const hf_template_values_t *v)
{
    return expand(tmpl, place, v, false);
}

char *hf_template_all_as_index(const char *input)
{
    return expand(input, HF_TEMPLATE_INPUT,
                  &(hf_template_values_t){.have = HF_TEMPLATE_ALL}, true);
}

bool hf_template_has(const char *text, unsigned which)
{
    for (const char *c = text; (c = strchr(c, '{')); c++) {
        int k = vocab_at(c);
        if (k >= 0 && (vocab[k].bit & which))
            return true;
    }
    return false;
}

/* hf_template_match() from tmpl and s on, `k` the value an earlier place
 * of the placeholder read, or -1.  A literal digit may follow the
 * placeholder, so each length of digits is tried. */
static long match_from(const char *tmpl, unsigned which, const char *s, long k)
{
    int at = -1;

    while (*tmpl && !((at = vocab_at(tmpl)) >= 0 && vocab[at].bit == which))
        if (*tmpl++ != *s++)
            return -1;
    if (!*tmpl)
        return *s ? -1 : k < 0 ? 0 : k;
    for (int len = 1; len <= 9 && s[len - 1] >= '0' && s[len - 1] <= '9'; len++) {
        long v = 0, got;
        if (len > 1 && s[0] == '0')
            break; /* written without leading zeros */
        for (int i = 0; i < len; i++)
            v = v * 10 + (s[i] - '0');
        if ((k < 0 || v == k) &&
            (got = match_from(tmpl + vocab[at].len, which, s + len, v)) >= 0)
            return got;
    }
    return -1;
}

long hf_template_match(const char *tmpl, unsigned which, const char *s)
{
    return match_from(tmpl, which, s, -1);
}

/* The name index: sets put into a workflow under their names, found by
 * name (with a hint for a misspelt one), dropped again by a truncate; and
 * the rule a set name keeps. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hetflow/template.h"
#include "model.h"
#include "util/str.h"

int set_index_put(hf_workflow_t *wf, hf_set_t *set, hf_error_t *err)
{
    int other = strmap_get(&wf->by_name, set->name);
    int pool = hf_workflow_find_pool(wf, set->name); /* its workers' name */

    if (other >= 0 || pool >= 0) {
        hf_error_at(err, wf->file, set->mark.line, set->mark.col,
                    "duplicate set name '%s' (first at line %d)", set->name,
                    wf->sets[other >= 0 ? other : wf->pools[pool].owner]->mark.line);
        errno = EEXIST;
        return -1;
    }
    if (wf->nsets == wf->cap) {
        int cap = wf->cap ? wf->cap * 2 : 16;
        hf_set_t **sets = realloc(wf->sets, (size_t)cap * sizeof(*sets));
        if (!sets)
            goto nomem;
        wf->sets = sets;
        wf->cap = cap;
    }
    if (strmap_put(&wf->by_name, set->name, wf->nsets) < 0)
        goto nomem;
    wf->sets[wf->nsets++] = set;
    return 0;
nomem:
    hf_error_set(err, "out of memory");
    errno = ENOMEM;
    return -1;
}

hf_set_t *hf_workflow_add_set(hf_workflow_t *wf, const char *name, hf_mark_t mark,
                              hf_error_t *err)
{
    return set_index_add(wf, name, mark, false, err);
}

hf_set_t *set_index_add(hf_workflow_t *wf, const char *name, hf_mark_t mark, bool literal,
                        hf_error_t *err)
{
    hf_set_t *set = set_create(name, literal);

    if (!set) {
        hf_error_set(err, "out of memory");
        errno = ENOMEM;
        return NULL;
    }
    set->mark = mark;
    if (set_index_put(wf, set, err) < 0) {
        hf_set_destroy(set);
        return NULL;
    }
    return set;
}

int hf_workflow_truncate(hf_workflow_t *wf, int n)
{
    if (n < 0 || n >= wf->nsets)
        return 0;
    /* The name map borrows the names: rebuilt from those left first. */
    strmap_fini(&wf->by_name);
    strmap_init(&wf->by_name);
    for (int i = 0; i < n; i++)
        if (strmap_put(&wf->by_name, wf->sets[i]->name, i) < 0)
            return -1;
    for (int i = n; i < wf->nsets; i++)
        hf_set_destroy(wf->sets[i]);
    wf->nsets = n;
    while (wf->npools > 0 && wf->pools[wf->npools - 1].owner >= n)
        free((char *)wf->pools[--wf->npools].name);
    return 0;
}

int hf_workflow_find_set(const hf_workflow_t *wf, const char *name)
{
    char *first;
    int id;

    /* A recorded set's name is as it is, with {iter} or not. */
    if ((id = strmap_get(&wf->by_name, name)) >= 0 ||
        !hf_template_has(name, HF_TEMPLATE_ITER))
        return id;
    if (!(first = set_name_at(name, 0)))
        return -1;
    id = strmap_get(&wf->by_name, first);
    free(first);
    return id;
}

const char *hf_workflow_near_set(const hf_workflow_t *wf, const char *name, char *buf,
                                 size_t len)
{
    str_near_t near = str_near(name);

    for (int i = 0; i < wf->nsets; i++)
        str_near_try(&near, wf->sets[i]->name);
    return str_near_hint(&near, buf, len);
}

int hf_set_name_check(const char *name, char *why, size_t len)
{
    size_t n = strlen(name);
    const unsigned char *p = (const unsigned char *)name;

    if (n == 0 || n > HF_MAX_NAME) {
        snprintf(why, len, "set name must be 1 to %d bytes, not %zu", HF_MAX_NAME, n);
        return -1;
    }
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || name[0] == '-') {
        snprintf(why, len, "set name '%s' is not allowed", name);
        return -1;
    }
    /* A set's folder sits beside the workdir's own files: the journal
     * (journal.db and what SQLite keeps next to it) and the lock.  In any
     * case, for case-insensitive filesystems. */
    if (strncasecmp(name, HF_JOURNAL_FILE, strlen(HF_JOURNAL_FILE)) == 0 ||
        strcasecmp(name, HF_LOCK_FILE) == 0) {
        snprintf(why, len,
                 "set name '%s' is taken by hetflow's own files in the workdir (%s*, %s)",
                 name, HF_JOURNAL_FILE, HF_LOCK_FILE);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        /* U+202A..U+202E and U+2066..U+2069 reorder text on screen (and
         * hide what a name says): E2 80 AA..AE, E2 81 A6..A9 in UTF-8. */
        bool bidi = p[i] == 0xE2 && i + 2 < n &&
                    ((p[i + 1] == 0x80 && p[i + 2] >= 0xAA && p[i + 2] <= 0xAE) ||
                     (p[i + 1] == 0x81 && p[i + 2] >= 0xA6 && p[i + 2] <= 0xA9));
        if (p[i] < 0x20 || p[i] == 0x7F || p[i] == ' ' || p[i] == '/' || bidi) {
            snprintf(why, len,
                     "set name '%.*s...' has a character not allowed in names "
                     "(byte %zu: '/', whitespace, control or bidirectional)",
                     (int)(i < 40 ? i : 40), name, i + 1);
            return -1;
        }
    }
    return 0;
}

/* fleet_tails.c - strings longer than a sort key's 16-byte prefix (an OS version, an
 * IPv6 address): instead of comparing their tails with strcasecmp inside the sort, give
 * each distinct tail (case-insensitively) its rank once, so the key stays integers.
 * Few distinct values (OS versions) cost almost nothing; all distinct cost one sort. */
#include "ui/fleet_index.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "model/hash.h"

typedef struct tail_set {
    const char **text; size_t n;        /* distinct tails */
    uint32_t *slots; size_t n_slots;    /* open addressing: text index + 1, 0 = empty */
} tail_set;

static uint64_t hash_folded(const char *s)
{
    uint64_t h = SMS_FNV1A_SEED;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = sms_fnv1a_add(h, (unsigned char)tolower(*p));
    return h;
}

/* The index of s in the set, added when new. */
static uint32_t intern(tail_set *set, const char *s)
{
    size_t mask = set->n_slots - 1;
    for (size_t at = hash_folded(s) & mask;; at = (at + 1) & mask) {
        uint32_t e = set->slots[at];
        if (!e) {
            set->text[set->n] = s;
            set->slots[at] = (uint32_t)++set->n;
            return (uint32_t)set->n - 1;
        }
        if (strcasecmp(set->text[e - 1], s) == 0)
            return e - 1;
    }
}

static const char *const *sorting_text;         /* qsort has no context argument in C11 */

static int cmp_text(const void *a, const void *b)
{
    return strcasecmp(sorting_text[*(const uint32_t *)a], sorting_text[*(const uint32_t *)b]);
}

/* rank[i] = 1 + place of text i among the distinct texts. */
static void rank_texts(const tail_set *set, uint32_t *order, uint32_t *rank)
{
    for (size_t i = 0; i < set->n; i++)
        order[i] = (uint32_t)i;
    sorting_text = set->text;
    qsort(order, set->n, sizeof *order, cmp_text);
    sorting_text = NULL;
    for (size_t i = 0; i < set->n; i++)
        rank[order[i]] = (uint32_t)i + 1;
}

bool sms_fleet_rank_tails(sms_sort_key *keys, size_t m, const char *const *tails)
{
    tail_set set = { .n_slots = 16 };
    while (set.n_slots < 2 * m)
        set.n_slots *= 2;
    set.text = malloc((m + 1) * sizeof *set.text);
    set.slots = calloc(set.n_slots, sizeof *set.slots);
    uint32_t *order = malloc((m + 1) * sizeof *order), *rank = malloc((m + 1) * sizeof *rank);
    bool ok = set.text && set.slots && order && rank;
    if (ok) {
        for (size_t i = 0; i < m; i++)
            keys[i].tail = tails[i] ? intern(&set, tails[i]) : 0;
        rank_texts(&set, order, rank);
        for (size_t i = 0; i < m; i++)
            keys[i].tail = tails[i] ? rank[keys[i].tail] : 0;
    }
    free(set.text); free(set.slots); free(order); free(rank);
    return ok;
}

/* fleet_book.c - see fleet_book.h. */
#include "api/fleet_book.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Replicating, syncing, cutting over, pausing, deleting, cloning, and the two ends that
 * need attention at once: a migration starting (initialize) and a failed one (error). */
const char *const sms_moving_states[SMS_N_MOVING_STATES] = {
    "initialize", "replicate", "syncing", "stopping", "deleting", "cloning", "cutovering", "error",
};
const size_t sms_n_moving_states = sizeof sms_moving_states / sizeof sms_moving_states[0];

bool sms_state_is_moving(const char *state)
{
    for (size_t i = 0; state && i < sms_n_moving_states; i++)
        if (strcmp(state, sms_moving_states[i]) == 0)
            return true;
    return false;
}

#define OV(k) { #k, offsetof(sms_overview, k) }
static const struct { const char *name; size_t off; } overview_keys[] = {
    OV(waiting), OV(replicate), OV(syncing), OV(stopped), OV(deleting), OV(cutovering),
    OV(unavailable), OV(stopping), OV(skipping), OV(finished), OV(initialize), OV(error),
    OV(cloning), OV(unconfigured),
};
#define N_OVERVIEW_KEYS (sizeof overview_keys / sizeof overview_keys[0])
#define OVERVIEW_MAX 1000           /* ShowOverview's documented range per state: 0-1000 */

/* The states the older four-key answer counts by name (it says `replicating` for
 * replicate); every other state is only in its `other`. */
static bool named_in_older_answer(const char *state)
{
    return strcmp(state, "waiting") == 0 || strcmp(state, "replicate") == 0 ||
           strcmp(state, "syncing") == 0;
}

static int32_t wanted(const sms_overview *ov, size_t k)
{
    int32_t v;
    memcpy(&v, (const char *)ov + overview_keys[k].off, sizeof v);
    if (strcmp(overview_keys[k].name, "replicate") == 0 && ov->replicating > 0)
        v = ov->replicating > INT32_MAX - v ? INT32_MAX : v + ov->replicating;
    return v;
}

int32_t sms_overview_count(const sms_overview *ov, const char *state)
{
    for (size_t k = 0; state && k < N_OVERVIEW_KEYS; k++)
        if (strcmp(state, overview_keys[k].name) == 0)
            return ov->other > 0 && !named_in_older_answer(state) ? -1 : wanted(ov, k);
    return -1;
}

void sms_book_free(sms_fleet_book *b)
{
    for (size_t i = 0; i < b->n; i++)
        sms_fleet_page_unref(b->owners[i]);
    free(b->items);
    free(b->owners);
    free(b->seen);
    free(b->moving);
    free(b->rev);
    sms_idmap_free(&b->index);
    memset(b, 0, sizeof *b);
}

size_t sms_book_find(const sms_fleet_book *b, const char *id)
{
    return sms_idmap_get(&b->index, id);
}

const char *sms_book_key(const sms_server *s)
{
    return s->id ? s->id : s->anon_key;
}

static int reserve(sms_fleet_book *b, size_t more)
{
    if (b->n + more <= b->alloc)
        return 0;
    size_t alloc = b->alloc ? b->alloc : 256;
    while (alloc < b->n + more)
        alloc *= 2;
    const sms_server **items = realloc(b->items, alloc * sizeof *items);
    if (items)
        b->items = items;
    sms_fleet_page **owners = realloc(b->owners, alloc * sizeof *owners);
    if (owners)
        b->owners = owners;
    uint64_t *seen = realloc(b->seen, alloc * sizeof *seen);
    if (seen)
        b->seen = seen;
    bool *moving = realloc(b->moving, alloc * sizeof *moving);
    if (moving)
        b->moving = moving;
    uint64_t *rev = realloc(b->rev, alloc * sizeof *rev);
    if (rev)
        b->rev = rev;
    if (!items || !owners || !seen || !moving || !rev)
        return -1;
    b->alloc = alloc;
    return 0;
}

static bool same_server(const sms_server *a, const sms_server *b)
{
    char *ja = sms_to_json(&SMS_T_SERVER, a), *jb = sms_to_json(&SMS_T_SERVER, b);
    bool same = ja && jb && strcmp(ja, jb) == 0;
    free(ja);
    free(jb);
    return same;
}

/* Entry i now shows item (owned by pg, referenced here). */
static void replace(sms_fleet_book *b, size_t i, const sms_server *item, sms_fleet_page *pg)
{
    if (b->items[i] != item && !same_server(b->items[i], item)) {
        b->changed = true;
        b->rev[i] = sms_fleet_next_rev();
    }
    /* the index's key points into the old item: point it at the new one while the old
     * one (compared against on the way) is still alive */
    sms_idmap_update(&b->index, sms_book_key(item), i);
    __atomic_add_fetch(&pg->refs, 1, __ATOMIC_RELAXED);
    sms_fleet_page_unref(b->owners[i]);
    b->owners[i] = pg;
    b->items[i] = item;
}

int sms_book_apply(sms_fleet_book *b, sms_fleet_page *pg, uint64_t gen)
{
    if (reserve(b, pg->n_items) != 0)
        return -1;
    for (size_t k = 0; k < pg->n_items; k++) {
        const sms_server *item = &pg->items[k];
        const char *key = sms_book_key(item);
        if (!key)
            continue;                   /* a ShowServer answer without id: nothing to merge by */
        size_t i = sms_idmap_get(&b->index, key);
        if (i == SMS_IDMAP_NONE) {
            i = b->n;
            if (sms_idmap_put(&b->index, key, i) != 0)
                return -1;
            __atomic_add_fetch(&pg->refs, 1, __ATOMIC_RELAXED);
            b->owners[i] = pg;
            b->items[i] = item;
            b->rev[i] = sms_fleet_next_rev();
            b->n++;
            b->changed = true;
        } else {
            replace(b, i, item, pg);
        }
        b->seen[i] = gen;
        b->moving[i] = sms_state_is_moving(item->state);
    }
    return 0;
}

void sms_book_remove(sms_fleet_book *b, size_t i)
{
    if (i >= b->n)
        return;
    sms_idmap_del(&b->index, sms_book_key(b->items[i]));
    sms_fleet_page_unref(b->owners[i]);
    size_t last = --b->n;
    if (i != last) {                    /* the last entry takes its place */
        b->items[i] = b->items[last];
        b->owners[i] = b->owners[last];
        b->seen[i] = b->seen[last];
        b->moving[i] = b->moving[last];
        b->rev[i] = b->rev[last];
        sms_idmap_update(&b->index, sms_book_key(b->items[i]), i);
    }
    b->changed = true;
}

size_t sms_book_remove_unseen(sms_fleet_book *b, uint64_t gen)
{
    size_t removed = 0;
    for (size_t i = b->n; i-- > 0;)
        if (b->seen[i] < gen) {
            sms_book_remove(b, i);
            removed++;
        }
    return removed;
}

bool sms_book_matches_overview(const sms_fleet_book *b, const sms_overview *ov)
{
    int32_t have[N_OVERVIEW_KEYS] = { 0 };
    int64_t unread = 0, missing = 0;
    for (size_t i = 0; i < b->n; i++) {
        const char *st = b->items[i]->state;
        unread += b->items[i]->bad_record != NULL;
        for (size_t k = 0; st && k < N_OVERVIEW_KEYS; k++)
            if (strcmp(st, overview_keys[k].name) == 0) {
                have[k]++;
                break;
            }
    }
    /* the older answer: the states it does not name are compared as one sum, `other` */
    bool older = ov->other > 0;
    int64_t rest_have = 0, rest_want = older ? ov->other : 0;
    for (size_t k = 0; k < N_OVERVIEW_KEYS; k++) {
        int32_t want = wanted(ov, k);
        if (older && !named_in_older_answer(overview_keys[k].name)) {
            rest_have += have[k];
            rest_want += want;
            continue;
        }
        int32_t mine = have[k] > OVERVIEW_MAX ? OVERVIEW_MAX : have[k];
        if (mine == want || (want > OVERVIEW_MAX && mine == OVERVIEW_MAX))
            continue;
        if (mine > want)
            return false;
        missing += (int64_t)want - mine;
    }
    if (rest_have > OVERVIEW_MAX)
        rest_have = OVERVIEW_MAX;
    if (rest_have != rest_want && !(rest_want > OVERVIEW_MAX && rest_have == OVERVIEW_MAX)) {
        if (rest_have > rest_want)
            return false;
        missing += rest_want - rest_have;
    }
    /* an unreadable record's state is unknown: it may be any one of those missing */
    return missing <= unread;
}

sms_fleet *sms_book_publish(sms_fleet_book *b)
{
    sms_fleet *f = sms_fleet_from_items(b->items, b->owners, b->rev, b->n, (int32_t)b->n);
    if (f)
        b->changed = false;
    return f;
}

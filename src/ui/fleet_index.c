/* fleet_index.c - the seen entries indexed by id (open addressing, FNV-1a), change
 * tracking without per-row allocation (an entry is only written when its state or name
 * changed), and the ranks of the (case-folded name, id) order, kept across refreshes and
 * merged incrementally when servers appear or are renamed. */
#include "ui/fleet_index.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "model/hash.h"

/* Servers without an id are indexed as "" (the old code compared NULL ids as ""). */
static const char *id_key(const char *id) { return id ? id : ""; }
/* A record without a readable id goes by the key the codec gave it (model.h, anon_key):
 * two such rows are two entries, the same one listed again the same entry. */
static const char *server_key(const sms_server *s) { return s->id ? s->id : id_key(s->anon_key); }

static uint64_t hash_id(const char *s) { return sms_fnv1a(s); }

/* ---- the id -> entry table ------------------------------------------------ */

static sms_fleet_index *index_of(sms_fleet_table *t)
{
    if (!t->index)
        t->index = calloc(1, sizeof *t->index);
    return t->index;
}

static uint32_t lookup(const sms_fleet_table *t, const char *id)
{
    const sms_fleet_index *x = t->index;
    if (!x || !x->n_slots)
        return SMS_NO_ENTRY;
    size_t mask = x->n_slots - 1;
    for (size_t s = hash_id(id) & mask;; s = (s + 1) & mask) {
        uint32_t e = x->slots[s];
        if (!e)
            return SMS_NO_ENTRY;
        if (strcmp(t->seen[e - 1].id, id) == 0)
            return e - 1;
    }
}

static void slot_insert(sms_fleet_table *t, uint32_t e)
{
    sms_fleet_index *x = t->index;
    size_t mask = x->n_slots - 1, s = hash_id(t->seen[e].id) & mask;
    while (x->slots[s])
        s = (s + 1) & mask;
    x->slots[s] = e + 1;
}

static bool rehash(sms_fleet_table *t, size_t n_slots)
{
    sms_fleet_index *x = t->index;
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return false;
    free(x->slots);
    x->slots = slots;
    x->n_slots = n_slots;
    for (size_t e = 0; e < t->n_seen; e++)
        slot_insert(t, (uint32_t)e);
    return true;
}

/* Room for `more` new entries, with the table at most half full. */
static bool reserve_entries(sms_fleet_table *t, size_t more)
{
    sms_fleet_index *x = t->index;
    size_t want = t->n_seen + more;
    if (want > x->cap_seen) {
        sms_seen *seen = realloc(t->seen, want * sizeof *seen);
        if (!seen)
            return false;
        t->seen = seen;
        x->cap_seen = want;
    }
    size_t n_slots = x->n_slots ? x->n_slots : 16;
    while (n_slots < 2 * want)
        n_slots *= 2;
    return n_slots == x->n_slots || rehash(t, n_slots);
}

static char *fold_dup(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    for (size_t i = 0; out && i <= n; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    return out;
}

/* Whether key (already folded) is s case-folded: strcasecmp's notion of equal. */
static bool folded_equals(const char *key, const char *s)
{
    for (;; key++, s++) {
        if (*key != (char)tolower((unsigned char)*s))
            return false;
        if (!*key)
            return true;
    }
}

static uint32_t add_entry(sms_fleet_table *t, const char *id, const char *name)
{
    sms_seen e = { .id = strdup(id), .name_key = fold_dup(name), .rank = SMS_NO_RANK };
    if (!e.id || !e.name_key) {
        free(e.id);
        free(e.name_key);
        return SMS_NO_ENTRY;
    }
    uint32_t at = (uint32_t)t->n_seen++;
    t->seen[at] = e;
    slot_insert(t, at);
    t->index->ranks_dirty = true;
    t->index->epoch++;
    return at;
}

/* ---- one pass over a fleet ------------------------------------------------ */

static void free_entry(sms_seen *e)
{
    free(e->id);
    free(e->state);
    free(e->name_key);
}

static bool rename_entry(sms_fleet_index *x, sms_seen *e, const char *name)
{
    char *key = fold_dup(name);
    if (!key)
        return false;
    free(e->name_key);
    e->name_key = key;
    e->rank = SMS_NO_RANK;
    x->ranks_dirty = true;
    return true;
}

/* Record server s's state in its entry; returns 1 when it just entered "error". */
static int track_state(sms_fleet_table *t, sms_seen *e, const char *state, bool first, int64_t now_ms)
{
    bool changed = !e->state || strcmp(e->state, state) != 0;
    int64_t until = e->changed_until_ms;
    int entered_error = 0;
    if (changed && !first) {
        until = now_ms + t->highlight_ms;
        entered_error = strcmp(state, "error") == 0;
    }
    if (changed) {
        char *copy = strdup(state);
        if (copy) {
            free(e->state);
            e->state = copy;
        }
    }
    e->changed_until_ms = until > now_ms ? until : 0;
    return entered_error;
}

/* The API lists servers in a stable order: try the entry server i had last time before
 * hashing its id. */
static uint32_t find_entry(const sms_fleet_table *t, size_t i, size_t n_before, const char *id)
{
    uint32_t at = i < n_before ? t->index->entry_of[i] : SMS_NO_ENTRY;
    if (at < t->n_seen && strcmp(t->seen[at].id, id) == 0)
        return at;
    return lookup(t, id);
}

/* Find or add server i's entry and note a rename; SMS_NO_ENTRY when out of memory. */
static uint32_t sync_entry(sms_fleet_table *t, const sms_server *s, size_t i, size_t n_before)
{
    sms_fleet_index *x = t->index;
    const char *name = s->name ? s->name : "";
    uint32_t at = find_entry(t, i, n_before, server_key(s));
    if (at == SMS_NO_ENTRY)
        return add_entry(t, server_key(s), name);
    sms_seen *e = &t->seen[at];
    if (folded_equals(e->name_key, name))
        return at;
    if (e->pass == x->pass)
        x->ranks_unusable = true;       /* the same id twice, named differently */
    else if (!rename_entry(x, e, name))
        return SMS_NO_ENTRY;
    return at;
}

/* Drop the entries of ids the last pass did not see, then index the rest again. */
static void drop_unseen(sms_fleet_table *t, const sms_fleet *f)
{
    sms_fleet_index *x = t->index;
    size_t kept = 0;
    while (kept < t->n_seen && t->seen[kept].pass == x->pass)
        kept++;                         /* usually every one: nothing moves */
    for (size_t e = kept; e < t->n_seen; e++) {
        if (t->seen[e].pass == x->pass)
            t->seen[kept++] = t->seen[e];
        else
            free_entry(&t->seen[e]);
    }
    if (kept == t->n_seen)
        return;
    t->n_seen = kept;
    x->epoch++;                         /* entries moved */
    memset(x->slots, 0, x->n_slots * sizeof *x->slots);
    for (size_t e = 0; e < t->n_seen; e++)
        slot_insert(t, (uint32_t)e);
    for (size_t i = 0; i < x->n_synced; i++)
        x->entry_of[i] = lookup(t, server_key(&f->servers[i]));
}

/* ---- ranks ------------------------------------------------------------------ */

static const sms_seen *rank_seen;       /* qsort has no context argument in C11 */

/* The old comparator's tie-break: names, then ids, both case-insensitively (the folded
 * name compared with strcmp orders exactly like strcasecmp). Entries equal here share a
 * rank, so the fleet order decides between them, as the stable sort did. */
static int cmp_entries(uint32_t a, uint32_t b)
{
    int c = strcmp(rank_seen[a].name_key, rank_seen[b].name_key);
    return c ? c : strcasecmp(rank_seen[a].id, rank_seen[b].id);
}

static int cmp_entry_refs(const void *a, const void *b)
{
    return cmp_entries(*(const uint32_t *)a, *(const uint32_t *)b);
}

/* Entries still ranked, in rank order (a counting sort; ranks may repeat). */
static size_t ranked_in_order(const sms_fleet_table *t, uint32_t *out, uint32_t *count)
{
    uint32_t n_ranked = t->index->n_ranked;
    size_t n = 0;
    memset(count, 0, (n_ranked + 1) * sizeof *count);
    for (size_t e = 0; e < t->n_seen; e++)
        if (t->seen[e].rank < n_ranked)
            count[t->seen[e].rank + 1]++;
    for (uint32_t r = 0; r < n_ranked; r++)
        count[r + 1] += count[r];
    for (size_t e = 0; e < t->n_seen; e++)
        if (t->seen[e].rank < n_ranked) {
            out[count[t->seen[e].rank]++] = (uint32_t)e;
            n++;
        }
    return n;
}

/* Merge the ranked entries with the new ones (sorted) and number them again. */
static void merge_ranks(sms_fleet_table *t, const uint32_t *old, size_t n_old,
                        const uint32_t *fresh, size_t n_new, uint32_t *order)
{
    size_t i = 0, j = 0, k = 0;
    while (i < n_old || j < n_new)
        order[k++] = j >= n_new || (i < n_old && cmp_entries(old[i], fresh[j]) < 0) ? old[i++] : fresh[j++];
    for (k = 0; k < n_old + n_new; k++)
        t->seen[order[k]].rank = k && cmp_entries(order[k - 1], order[k]) == 0
                                 ? t->seen[order[k - 1]].rank : (uint32_t)k;
    t->index->n_ranked = (uint32_t)(n_old + n_new);
}

static bool assign_ranks(sms_fleet_table *t)
{
    sms_fleet_index *x = t->index;
    size_t n = t->n_seen, n_new = 0;
    uint32_t *count = malloc((x->n_ranked + 1) * sizeof *count);
    uint32_t *old = malloc((n + 1) * sizeof *old), *fresh = malloc((n + 1) * sizeof *fresh);
    uint32_t *order = malloc((n + 1) * sizeof *order);
    bool ok = count && old && fresh && order;
    if (ok) {
        size_t n_old = ranked_in_order(t, old, count);
        for (size_t e = 0; e < n; e++)
            if (t->seen[e].rank >= x->n_ranked)
                fresh[n_new++] = (uint32_t)e;
        rank_seen = t->seen;
        qsort(fresh, n_new, sizeof *fresh, cmp_entry_refs);
        merge_ranks(t, old, n_old, fresh, n_new, order);
        rank_seen = NULL;
        x->ranks_dirty = false;
        x->epoch++;                     /* ranks renumbered */
    }
    free(count); free(old); free(fresh); free(order);
    return ok;
}

/* ---- public (to fleet*.c) ------------------------------------------------ */

static bool reserve_servers(sms_fleet_index *x, size_t n)
{
    if (n <= x->cap_entry_of)
        return true;
    uint32_t *e = realloc(x->entry_of, n * sizeof *e);
    if (e)
        x->entry_of = e;
    bool *same = realloc(x->same, n * sizeof *same);
    if (same)
        x->same = same;
    if (!e || !same)
        return false;
    x->cap_entry_of = n;
    return true;
}

/* Server i of f is the one at i in the last tracked fleet, with the same data: its entry,
 * name and state are as they were. Not when its entry was stamped in this pass already
 * (an id listed twice: the names must be compared). i < n_same (sms_fleet_index_sync). */
static inline bool unchanged_since(const sms_fleet_table *t, const sms_fleet *f, size_t i)
{
    const sms_fleet_index *x = t->index;
    if (f->revs[i] != x->revs[i] || !f->revs[i])
        return false;
    uint32_t at = x->entry_of[i];
    return at < t->n_seen && t->seen[at].pass != x->pass;
}

/* Keep f's revs for the next tracked sync; none when they cannot be kept. */
static void keep_revs(sms_fleet_index *x, const sms_fleet *f, size_t n)
{
    x->n_revs = 0;
    if (!f || !f->revs)
        return;
    if (n > x->cap_revs) {
        uint64_t *r = realloc(x->revs, n * sizeof *r);
        if (!r)
            return;
        x->revs = r;
        x->cap_revs = n;
    }
    memcpy(x->revs, f->revs, n * sizeof *x->revs);
    x->n_revs = n;
}

int sms_fleet_index_sync(sms_fleet_table *t, const sms_fleet *f, bool track, int64_t now_ms)
{
    sms_fleet_index *x = index_of(t);
    size_t n = f ? f->n_servers : 0;
    if (!x || !reserve_servers(x, n) || !reserve_entries(t, n)) {
        if (x)
            x->ranks_unusable = true;
        return -1;
    }
    bool first = track && !x->tracked;
    /* servers that may be taken as they were: at a place the last tracked fleet had */
    size_t n_same = track && !first && f && f->revs ? x->n_revs : 0;
    if (n_same > x->n_synced)
        n_same = x->n_synced;
    int new_errors = 0;
    size_t n_before = x->n_synced;
    x->pass++;
    x->ranks_unusable = false;
    x->synced = f;
    x->n_synced = n;
    x->any_same = false;
    for (size_t i = 0; i < n; i++) {
        const sms_server *s = &f->servers[i];
        x->same[i] = i < n_same && unchanged_since(t, f, i);
        if (x->same[i]) {
            sms_seen *e = &t->seen[x->entry_of[i]];
            e->pass = x->pass;
            if (e->changed_until_ms <= now_ms)
                e->changed_until_ms = 0;    /* as track_state does */
            x->any_same = true;
            x->skipped++;
            continue;
        }
        uint32_t at = sync_entry(t, s, i, n_before);
        x->entry_of[i] = at;
        if (at == SMS_NO_ENTRY) {
            x->ranks_unusable = true;
            continue;
        }
        t->seen[at].pass = x->pass;
        if (track && s->id)
            new_errors += track_state(t, &t->seen[at], s->state ? s->state : "", first, now_ms);
    }
    if (track) {
        x->tracked = true;
        drop_unseen(t, f);
        keep_revs(x, f, n);
    } else {
        x->n_revs = 0;                  /* entry_of is for f now: the revs would not match */
    }
    if (x->ranks_dirty && !assign_ranks(t))
        x->ranks_unusable = true;
    return new_errors;
}

sms_seen *sms_fleet_index_find(const sms_fleet_table *t, const char *id)
{
    uint32_t at = id ? lookup(t, id) : SMS_NO_ENTRY;
    return at == SMS_NO_ENTRY ? NULL : &t->seen[at];
}

uint32_t sms_fleet_index_entry_of(const sms_fleet_table *t, size_t i)
{
    const sms_fleet_index *x = t->index;
    return x && x->synced == t->fleet && i < x->n_synced ? x->entry_of[i] : SMS_NO_ENTRY;
}

bool sms_fleet_index_ranks_usable(const sms_fleet_table *t)
{
    const sms_fleet_index *x = t->index;
    return x && x->synced == t->fleet && !x->ranks_unusable && !x->ranks_dirty;
}

void sms_fleet_index_free(sms_fleet_table *t)
{
    for (size_t e = 0; e < t->n_seen; e++)
        free_entry(&t->seen[e]);
    free(t->seen);
    t->seen = NULL;
    t->n_seen = 0;
    if (!t->index)
        return;
    free(t->index->slots);
    free(t->index->entry_of);
    free(t->index->same);
    free(t->index->revs);
    free(t->index->keys);
    free(t->index->sorted);
    free(t->index->tmp_keys);
    free(t->index->ekey);
    free(t->index->emark);
    free(t->index);
    t->index = NULL;
}

/* fleet_sort.c - filter and sort the servers table. Each shown server gets a key: the
 * sort column as order-preserving integers (strings: their first 16 bytes case-folded),
 * its rank in the (name, id) order, its fleet index. Comparing keys is a few integer
 * compares instead of strcasecmp calls, and when the keys of a new fleet are those of the
 * last one (a refresh where nothing sortable moved) the rows are kept as they are.
 * The order is exactly the old comparator's: column, name, id (case-insensitive), then
 * fleet order; the string comparator stays as the fallback when ranks cannot be used. */
#include "ui/fleet_index.h"

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "model/enums.h"

/* ---- keys ------------------------------------------------------------------ */

static uint64_t order_i64(int64_t v) { return (uint64_t)v ^ (1ull << 63); }

/* NaN and -0 sort as 0, as the old comparator found them equal to 0. */
static uint64_t order_double(double d)
{
    if (d != d || d == 0)
        d = 0;
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b >> 63 ? ~b : b | (1ull << 63);
}

static double progress_of(const sms_server *s)
{
    return s->totalsize > 0 ? (double)s->replicatesize / (double)s->totalsize : 0.0;
}

#define PREFIX 16

/* The first PREFIX bytes of s case-folded, big-endian, NUL-padded: (k1, k2) order like
 * strcasecmp unless both strings are at least PREFIX bytes long and share the prefix. */
static void fold_prefix(const char *s, uint64_t *k1, uint64_t *k2)
{
    uint64_t k[2] = { 0, 0 };
    for (int i = 0; s && i < PREFIX && s[i]; i++)
        k[i / 8] |= (uint64_t)(unsigned char)tolower((unsigned char)s[i]) << (56 - 8 * (i % 8));
    *k1 = k[0];
    *k2 = k[1];
}

/* A prefix that fills all PREFIX bytes: the rest of the string may still decide. */
static bool prefix_full(const sms_sort_key *k) { return (k->k2 & 0xff) != 0; }

static const char *col_string(const sms_server *s, sms_col col)
{
    switch (col) {
    case SMS_COL_IP:    return s->ip;
    case SMS_COL_OS:    return s->os_version;
    case SMS_COL_STATE: return s->state;
    default:            return NULL;
    }
}

static void key_of(const sms_server *s, sms_col col, sms_sort_key *k)
{
    k->k1 = k->k2 = 0;
    k->tail = 0;
    switch (col) {
    case SMS_COL_NAME:     break;                 /* the rank is the name order */
    case SMS_COL_IP: case SMS_COL_OS: case SMS_COL_STATE:
        fold_prefix(col_string(s, col), &k->k1, &k->k2);
        break;
    case SMS_COL_CYCLE:    k->k1 = order_i64(sms_migration_cycle_index(s->migration_cycle)); break;
    case SMS_COL_PROGRESS: k->k1 = order_double(progress_of(s)); break;
    case SMS_COL_SPEED:    k->k1 = order_double(s->current_task.migrate_speed); break;
    case SMS_COL_ETA:      k->k1 = order_i64(s->current_task.remain_seconds); break;
    case SMS_COL_AGENT:    k->k1 = s->connected; break;
    case SMS_COL_CHANGED:  k->k1 = order_i64(s->state_action_time); break;
    case SMS_COL__COUNT:   break;
    }
}

/* ---- comparing ------------------------------------------------------------- */

/* qsort has no context argument in C11; the comparators read this. */
static struct { const sms_fleet *fleet; sms_col col; bool desc; } sorting;

static int cmp_u64(uint64_t a, uint64_t b) { return (a > b) - (a < b); }

static int cmp_tails(const sms_sort_key *a, const sms_sort_key *b)
{
    const char *x = col_string(&sorting.fleet->servers[a->index], sorting.col);
    const char *y = col_string(&sorting.fleet->servers[b->index], sorting.col);
    return strcasecmp(x + PREFIX, y + PREFIX);
}

static int cmp_keys(const void *pa, const void *pb)
{
    const sms_sort_key *a = pa, *b = pb;
    int c = cmp_u64(a->k1, b->k1);
    if (c == 0)
        c = cmp_u64(a->k2, b->k2);
    if (c == 0)
        c = cmp_u64(a->tail, b->tail);
    if (c == 0 && prefix_full(a) && !a->tail)
        c = cmp_tails(a, b);            /* tails not ranked (out of memory) */
    if (c == 0)
        c = cmp_u64(a->rank, b->rank);
    if (sorting.desc)
        c = -c;
    return c ? c : cmp_u64(a->index, b->index);
}

/* ---- radix sort --------------------------------------------------------------- */

/* When no string needs its tail compared, (k1, k2, tail, rank) is a 24-byte number and an
 * LSD radix sort orders it in a few linear passes. It is stable and the keys arrive in fleet
 * order, so equal keys keep the fleet order in both directions, as cmp_keys says. */
#define KEY_BYTES 24

static unsigned key_byte(const sms_sort_key *k, int d)     /* d = 0: least significant */
{
    if (d < 4)
        return (k->rank >> (8 * d)) & 0xff;
    if (d < 8)
        return (k->tail >> (8 * (d - 4))) & 0xff;
    if (d < 16)
        return (unsigned)(k->k2 >> (8 * (d - 8))) & 0xff;
    return (unsigned)(k->k1 >> (8 * (d - 16))) & 0xff;
}

/* The histograms of every digit of k, field by field (straight-line code: this loop runs
 * KEY_BYTES times per row). */
static void count_digits(uint32_t count[KEY_BYTES][256], const sms_sort_key *k, unsigned flip)
{
    for (int b = 0; b < 4; b++) {
        count[b][((k->rank >> (8 * b)) & 0xff) ^ flip]++;
        count[4 + b][((k->tail >> (8 * b)) & 0xff) ^ flip]++;
    }
    for (int b = 0; b < 8; b++) {
        count[8 + b][((k->k2 >> (8 * b)) & 0xff) ^ flip]++;
        count[16 + b][((k->k1 >> (8 * b)) & 0xff) ^ flip]++;
    }
}

static void radix_sort(sms_sort_key *keys, sms_sort_key *tmp, size_t n, bool desc)
{
    static_assert(sizeof(sms_sort_key) == 32, "sms_sort_key has no padding");
    uint32_t count[KEY_BYTES][256];
    unsigned flip = desc ? 0xff : 0;
    sms_sort_key *from = keys, *to = tmp;
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++)
        count_digits(count, &keys[i], flip);
    for (int d = 0; n && d < KEY_BYTES; d++) {
        if (count[d][key_byte(&from[0], d) ^ flip] == n)
            continue;                   /* every key has the same byte here */
        uint32_t at = 0;
        for (int b = 0; b < 256; b++) {
            uint32_t c = count[d][b];
            count[d][b] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++)
            to[count[d][key_byte(&from[i], d) ^ flip]++] = from[i];
        sms_sort_key *swap = from;
        from = to;
        to = swap;
    }
    if (from != keys)
        memcpy(keys, from, n * sizeof *keys);
}

/* ---- the string comparator (fallback) ---------------------------------------- */

static int cmp_str(const char *a, const char *b)
{
    return strcasecmp(a ? a : "", b ? b : "");
}

static int cmp_col(const sms_server *a, const sms_server *b, sms_col col)
{
    if (col == SMS_COL_NAME)
        return cmp_str(a->name, b->name);
    if (col == SMS_COL_IP || col == SMS_COL_OS || col == SMS_COL_STATE)
        return cmp_str(col_string(a, col), col_string(b, col));
    sms_sort_key x, y;
    key_of(a, col, &x);
    key_of(b, col, &y);
    return cmp_u64(x.k1, y.k1);
}

static int cmp_rows(const void *pa, const void *pb)
{
    size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
    const sms_server *a = &sorting.fleet->servers[ia], *b = &sorting.fleet->servers[ib];
    int c = cmp_col(a, b, sorting.col);
    if (c == 0)
        c = cmp_str(a->name, b->name);
    if (c == 0)
        c = cmp_str(a->id, b->id);
    if (sorting.desc)
        c = -c;
    return c ? c : (ia > ib) - (ia < ib);
}

/* ---- building the rows ------------------------------------------------------- */

static bool reserve_rows(sms_fleet_table *t, size_t n)
{
    size_t *rows = realloc(t->rows, (n ? n : 1) * sizeof *rows);
    if (!rows)
        return false;
    t->rows = rows;
    return true;
}

static bool grow_keys(sms_sort_key **keys, size_t n)
{
    sms_sort_key *k = realloc(*keys, n * sizeof *k);
    if (k)
        *keys = k;
    return k != NULL;
}

static bool reserve_keys(sms_fleet_index *x, size_t n)
{
    if (n <= x->cap_keys)
        return true;
    if (!grow_keys(&x->keys, n) || !grow_keys(&x->sorted, n) || !grow_keys(&x->tmp_keys, n))
        return false;
    x->cap_keys = n;
    return true;
}

/* The per-entry arrays for n entries; a new slot has no key of the last build (stamp 0,
 * and builds are numbered from 1). */
static bool reserve_entry_keys(sms_fleet_index *x, size_t n)
{
    if (n <= x->cap_ekey)
        return true;
    struct sms_entry_mark *mark = realloc(x->emark, n * sizeof *mark);
    if (mark) {
        memset(mark + x->cap_ekey, 0, (n - x->cap_ekey) * sizeof *mark);
        x->emark = mark;
    }
    if (!mark || !grow_keys(&x->ekey, n))
        return false;
    x->cap_ekey = n;
    return true;
}

/* Without ranks: filter, then sort with the string comparator. */
static void build_by_strings(sms_fleet_table *t, size_t n)
{
    sms_fleet_filter m;
    sms_fleet_filter_init(&m, t->filter);
    t->n_rows = 0;
    for (size_t i = 0; i < n; i++)
        if (sms_fleet_filter_matches(&m, &t->fleet->servers[i]))
            t->rows[t->n_rows++] = i;
    qsort(t->rows, t->n_rows, sizeof *t->rows, cmp_rows);
}

/* Rank the tails of the strings that fill the prefix; false when they must be compared
 * as strings (out of memory). */
static bool rank_tails(const sms_fleet_table *t, size_t m)
{
    const sms_fleet_index *x = t->index;
    const char **tails = malloc((m + 1) * sizeof *tails);
    if (!tails)
        return false;
    for (size_t i = 0; i < m; i++) {
        const sms_sort_key *k = &x->keys[i];
        tails[i] = prefix_full(k) ? col_string(&t->fleet->servers[k->index], t->sort_col) + PREFIX : NULL;
    }
    bool ok = sms_fleet_rank_tails(x->keys, m, tails);
    free(tails);
    return ok;
}

/* Keys of the servers that pass the filter, in fleet order; *exact is cleared when the
 * keys alone do not decide the order (a long string whose tail could not be ranked).
 * With reuse, a server the sync took as it was (same[i]) has the key and the filter
 * result of the last build, which sorted by the same column and filter with the same
 * ranks and no tail ranks (they are relative to every string): it is not read. */
static size_t collect_keys(sms_fleet_table *t, size_t n, bool reuse, bool *exact, bool *long_out)
{
    sms_fleet_index *x = t->index;
    size_t m = 0;
    bool long_strings = false;
    sms_fleet_filter match;
    sms_fleet_filter_init(&match, t->filter);
    for (size_t i = 0; i < n; i++) {
        if (reuse && x->same[i]) {
            uint32_t e = x->entry_of[i];
            if (e < x->cap_ekey && x->emark[e].stamp == x->build) {
                x->keys[m] = x->ekey[e];
                x->keys[m++].index = (uint32_t)i;
            }
            continue;                   /* else it was not shown, and still is not */
        }
        const sms_server *s = &t->fleet->servers[i];
        if (!sms_fleet_filter_matches(&match, s))
            continue;
        sms_sort_key *k = &x->keys[m++];
        key_of(s, t->sort_col, k);
        k->entry = sms_fleet_index_entry_of(t, i);
        k->rank = t->seen[k->entry].rank;
        k->index = (uint32_t)i;
        long_strings |= prefix_full(k);
    }
    *exact = !long_strings || rank_tails(t, m);
    *long_out = long_strings;
    return m;
}

/* ---- merging the changed rows into the last order ------------------------------ */

/* Whether a and b order alike, their fleet indexes aside. */
static bool same_place(const sms_sort_key *a, const sms_sort_key *b)
{
    return a->k1 == b->k1 && a->k2 == b->k2 && a->tail == b->tail && a->rank == b->rank;
}

/* Record each shown server's key under its entry, and sort the rows whose key changed or
 * that were not shown in the last build into tmp_keys; a row that kept its key keeps its
 * place (emark.at: its fleet index now). Returns how many changed, or SIZE_MAX when the
 * per-entry keys cannot tell (an id listed twice). `comparable`: the last build sorted
 * the same entries by the same column, direction and filter. */
static size_t classify(sms_fleet_table *t, size_t m, uint32_t stamp, bool comparable, bool *moved)
{
    sms_fleet_index *x = t->index;
    size_t changed = 0;
    bool twice = false;
    *moved = false;
    for (size_t i = 0; i < m; i++) {
        const sms_sort_key *k = &x->keys[i];
        uint32_t e = k->entry;
        if (e >= x->cap_ekey || x->emark[e].stamp == stamp) {
            twice = true;               /* (or no entry: the index could not be built) */
            continue;
        }
        if (comparable && x->emark[e].stamp == stamp - 1 && same_place(&x->ekey[e], k)) {
            *moved |= x->ekey[e].index != k->index;
            x->emark[e].at = k->index;
        } else {
            x->emark[e].at = SMS_NO_ENTRY;
            x->tmp_keys[changed++] = *k;
        }
        x->ekey[e] = *k;
        x->emark[e].stamp = stamp;
    }
    return twice ? SIZE_MAX : changed;
}

/* The last order less the rows that changed or left, with their fleet indexes now, in
 * place at the front of `sorted`; false when it is no longer in order (the API's order
 * of servers with equal keys changed), which a full sort then settles. When no kept
 * row's fleet index moved, their keys are those they were sorted by: no need to check. */
static bool keep_unchanged(sms_fleet_index *x, uint32_t stamp, bool moved, size_t *kept)
{
    size_t k = 0;
    for (size_t r = 0; r < x->n_sorted; r++) {
        uint32_t e = x->sorted[r].entry;
        if (x->emark[e].stamp != stamp || x->emark[e].at == SMS_NO_ENTRY)
            continue;                   /* hidden, gone or changed */
        sms_sort_key key = x->sorted[r];
        key.index = x->emark[e].at;
        if (moved && k && cmp_keys(&x->sorted[k - 1], &key) >= 0)
            return false;
        x->sorted[k++] = key;
    }
    *kept = k;
    return true;
}

/* Merge the sorted changed rows (tmp_keys) into the kept ones, from the back: each
 * changed row's place by binary search, the kept rows after it moved up in one block. */
static void merge_back(sms_fleet_index *x, size_t kept, size_t changed)
{
    size_t i = kept, out = kept + changed;
    for (size_t j = changed; j-- > 0;) {
        const sms_sort_key *k = &x->tmp_keys[j];
        size_t lo = 0, hi = i;          /* the first kept row after k */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cmp_keys(&x->sorted[mid], k) > 0)
                hi = mid;
            else
                lo = mid + 1;
        }
        out -= i - lo;
        memmove(&x->sorted[out], &x->sorted[lo], (i - lo) * sizeof *x->sorted);
        i = lo;
        x->sorted[--out] = *k;
    }
}

/* A few rows changed: sort them and merge them into the last order (O(n) sequential work
 * and O(c log c) compares, instead of a radix sort of every row). False when a full sort
 * is needed. */
static bool merge_changes(sms_fleet_table *t, size_t m, size_t changed, bool moved)
{
    sms_fleet_index *x = t->index;
    size_t kept;
    if (!keep_unchanged(x, x->build, moved, &kept) || kept + changed != m)
        return false;
    qsort(x->tmp_keys, changed, sizeof *x->tmp_keys, cmp_keys);
    merge_back(x, kept, changed);
    x->merges++;
    return true;
}

static void sort_all(sms_fleet_table *t, size_t m, bool exact)
{
    sms_fleet_index *x = t->index;
    memcpy(x->sorted, x->keys, m * sizeof *x->keys);
    if (exact)
        radix_sort(x->sorted, x->tmp_keys, m, t->sort_desc);
    else
        qsort(x->sorted, m, sizeof *x->sorted, cmp_keys);
}

void sms_fleet_rows_build(sms_fleet_table *t)
{
    size_t n = t->fleet ? t->fleet->n_servers : 0;
    sms_fleet_index *x = t->index;
    if (!reserve_rows(t, n))
        return;
    sorting.fleet = t->fleet;
    sorting.col = t->sort_col;
    sorting.desc = t->sort_desc;
    if (!x || n > UINT32_MAX || !sms_fleet_index_ranks_usable(t) || !reserve_keys(x, n) ||
        !reserve_entry_keys(x, t->n_seen)) {
        if (x)
            x->prev_valid = false;
        build_by_strings(t, n);
        return;
    }
    bool exact, moved, long_strings;
    bool same_setup = x->prev_valid && x->prev_col == t->sort_col && x->prev_desc == t->sort_desc &&
                      x->prev_epoch == x->epoch && t->n_rows == x->n_sorted &&
                      strcmp(x->prev_filter, t->filter) == 0;
    bool reuse = same_setup && x->any_same && !x->prev_long && x->synced == t->fleet;
    size_t m = collect_keys(t, n, reuse, &exact, &long_strings);
    bool comparable = exact && same_setup;
    if (++x->build == 0) {              /* stamps wrapped: none may look recent */
        memset(x->emark, 0, x->cap_ekey * sizeof *x->emark);
        x->build = 1;
        comparable = false;
    }
    size_t changed = classify(t, m, x->build, comparable, &moved);
    bool unchanged = comparable && changed == 0 && !moved && m == x->n_sorted;
    /* Past an eighth of the rows a radix pass over all of them costs less. */
    bool merged = unchanged || (comparable && changed <= m / 8 && merge_changes(t, m, changed, moved));
    if (!merged)
        sort_all(t, m, exact);
    x->n_sorted = m;
    x->prev_col = t->sort_col;
    x->prev_desc = t->sort_desc;
    x->prev_epoch = x->epoch;
    x->prev_valid = exact && changed != SIZE_MAX;
    x->prev_long = long_strings;
    snprintf(x->prev_filter, sizeof x->prev_filter, "%s", t->filter);
    if (unchanged)
        return;                         /* nothing that orders the rows changed */
    for (size_t r = 0; r < m; r++)
        t->rows[r] = x->sorted[r].index;
    t->n_rows = m;
}

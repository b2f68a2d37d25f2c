/* fleet_index.h - private to fleet*.c. The seen entries (sms_fleet_table.seen) indexed
 * by id, which entry each server of the synced fleet is, the rank of every entry in the
 * (case-folded name, id) order that breaks ties in every sort, and the sort keys of the
 * last rebuild (so an unchanged fleet is not sorted again). No curses. */
#ifndef SMS_UI_FLEET_INDEX_H
#define SMS_UI_FLEET_INDEX_H

#include "ui/fleet.h"

#define SMS_NO_ENTRY UINT32_MAX
#define SMS_NO_RANK UINT32_MAX

/* One row to sort: the column as two order-preserving integers (strings: their first 16
 * bytes), the rank of a longer string's tail, the name rank, then the fleet index (a
 * total order, whatever the data); and the server's seen entry, which does not order. */
typedef struct sms_sort_key { uint64_t k1, k2; uint32_t tail, rank, index, entry; } sms_sort_key;

typedef struct sms_fleet_index {
    uint32_t *slots; size_t n_slots;        /* open addressing: seen index + 1, 0 = empty */
    size_t cap_seen;                        /* allocated entries of t->seen */
    uint32_t *entry_of; size_t cap_entry_of; /* per server of `synced`: its seen entry */
    const sms_fleet *synced; size_t n_synced;
    uint32_t pass;                          /* current sync pass */
    uint32_t n_ranked;                      /* ranks given so far are < n_ranked */
    bool tracked;                           /* a fleet was taken: later changes highlight */
    bool ranks_dirty;                       /* an entry appeared or was renamed */
    bool ranks_unusable;                    /* one id with two names, or out of memory */
    uint32_t epoch;                         /* changes when entries are added, dropped or
                                               ranked again: per-entry keys then mean nothing */
    /* sms_fleet.revs of the last tracked sync (n_revs 0: none, or a sync without tracking
     * came after), and per server of `synced` whether it is the same as in that one */
    uint64_t *revs; size_t n_revs, cap_revs;
    bool *same; bool any_same;
    size_t skipped;                         /* servers taken as they were (for the tests) */
    /* fleet_sort.c: the keys of this build in fleet order; the order of the last build
     * (sorted) and what it was for; per entry, its key in the last build (ekey, valid
     * when emark.stamp is that build's number) and where a kept row now is (emark.at) */
    sms_sort_key *keys, *sorted, *tmp_keys; size_t cap_keys, n_sorted;
    sms_sort_key *ekey; struct sms_entry_mark { uint32_t stamp, at; } *emark; size_t cap_ekey;
    uint32_t build, prev_epoch;
    sms_col prev_col; bool prev_desc, prev_valid, prev_long;
    char prev_filter[128];
    size_t merges;                          /* builds done by merging (for the tests) */
} sms_fleet_index;

/* Bring the index up to date with fleet f (entries, ranks). With track, record state
 * changes (highlights) and drop ids no longer in f; returns how many servers entered
 * "error". Without track only adds what is missing. Returns -1 when out of memory.
 * With track, a server whose sms_fleet.revs number is the one it had at the same place
 * in the last tracked fleet is taken as it was, without reading it (same[i]). */
int sms_fleet_index_sync(sms_fleet_table *t, const sms_fleet *f, bool track, int64_t now_ms);
/* The seen entry for id, NULL if unknown. */
sms_seen *sms_fleet_index_find(const sms_fleet_table *t, const char *id);
/* The entry of server i of the synced fleet, or SMS_NO_ENTRY. */
uint32_t sms_fleet_index_entry_of(const sms_fleet_table *t, size_t i);
/* Whether ranks order the synced fleet exactly (else sort by the strings). */
bool sms_fleet_index_ranks_usable(const sms_fleet_table *t);
void sms_fleet_index_free(sms_fleet_table *t);

/* The filter, prepared once per rebuild (fleet_filter.c). The memo borrows state
 * strings of the fleet being filtered: use it for one fleet only. */
typedef struct sms_fleet_filter {
    unsigned char fold[256];                /* tolower of every byte */
    unsigned char needle[128]; size_t len;  /* the filter, folded */
    const char *raw;                        /* a filter longer than needle, as given */
    struct sms_state_memo { const char *state; bool hit; } memo[16];
    size_t n_memo;
} sms_fleet_filter;
void sms_fleet_filter_init(sms_fleet_filter *m, const char *filter);
bool sms_fleet_filter_matches(sms_fleet_filter *m, const sms_server *s);

/* Set keys[i].tail to the 1-based rank of tails[i] among the distinct tails (compared
 * like strcasecmp), 0 where tails[i] is NULL (fleet_tails.c). False when out of memory. */
bool sms_fleet_rank_tails(sms_sort_key *keys, size_t m, const char *const *tails);

/* Filter t->fleet into t->rows and sort them (fleet_sort.c); the index must be synced. */
void sms_fleet_rows_build(sms_fleet_table *t);

#endif

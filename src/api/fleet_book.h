/* fleet_book.h - the poller's record of every server it knows, merged from the fetches
 * of its refresh strategy (docs/design.md, "Refreshing a large fleet"): full listings,
 * the moving subset (state filters), one background sweep page at a time, and single
 * servers. One entry per id; the newest fetch of a server replaces its entry. The items
 * stay in the refcounted pages they were decoded into; a published fleet shares them.
 * Used by the poller thread only. Internal to src/api. */
#ifndef SMS_API_FLEET_BOOK_H
#define SMS_API_FLEET_BOOK_H

#include "api/idmap.h"
#include "api/snapshot.h"

/* States whose servers change without anyone acting on them, each a documented value of
 * ListServers' `state` filter (huaweicloud-sdk-go-v3 ListServersRequestState) and a key
 * of ShowOverview: these are listed by state every refresh. */
#define SMS_N_MOVING_STATES 8
extern const char *const sms_moving_states[SMS_N_MOVING_STATES];
extern const size_t sms_n_moving_states;
bool sms_state_is_moving(const char *state);
/* The overview's count for a state name, or -1 if the overview has no such key or, in
 * the older four-key answer (other > 0), counts the state only within `other`. */
int32_t sms_overview_count(const sms_overview *ov, const char *state);

typedef struct sms_fleet_book {
    const sms_server **items;       /* into owners[i]'s items */
    sms_fleet_page **owners;        /* one reference each */
    uint64_t *seen;                 /* fetch number that last listed or showed it */
    bool *moving;                   /* in a moving state when last seen */
    uint64_t *rev;                  /* sms_fleet.revs: new when the entry's data changed */
    size_t n, alloc;
    sms_idmap index;                /* id -> entry */
    bool changed;                   /* data differs from the last published fleet */
} sms_fleet_book;

void sms_book_free(sms_fleet_book *b);
size_t sms_book_find(const sms_fleet_book *b, const char *id);     /* SMS_IDMAP_NONE */
/* What an entry is kept under: its id, or for a record without a readable id its
 * anon_key (model.h); NULL for neither. */
const char *sms_book_key(const sms_server *s);
/* Every item of pg (a page can hold an id twice: the last one wins) replaces the entry of
 * its id or is added; seen = gen. 0, or -1 when out of memory (entries stay consistent). */
int sms_book_apply(sms_fleet_book *b, sms_fleet_page *pg, uint64_t gen);
void sms_book_remove(sms_fleet_book *b, size_t i);
/* Removes the entries not seen since fetch number gen; returns how many. */
size_t sms_book_remove_unseen(sms_fleet_book *b, uint64_t gen);
/* Servers per state, compared with the overview (counts there stop at 1000): true when
 * every overview key agrees with the book (in the older four-key answer: waiting,
 * replicating as replicate, syncing, and the other states' sum as `other`), or the book
 * lacks no more servers in all than it holds unreadable records (their state is unknown). */
bool sms_book_matches_overview(const sms_fleet_book *b, const sms_overview *ov);
/* The book as a new fleet part (count = entries). NULL when out of memory. */
sms_fleet *sms_book_publish(sms_fleet_book *b);

#endif

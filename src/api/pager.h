/* pager.h - the paging policy shared by every offset-paged list (calls.c, the poller's
 * fleet fetches): never trust `count` alone.
 *  - items are deduplicated by id: an item whose id an earlier item of the same listing
 *    had is dropped (offset paging over a list that shifts can show a record twice); a
 *    record without a readable id by the key made from its text (model.h, anon_key);
 *  - a page that adds no new id ends the listing, so a server that repeats a page while
 *    claiming a large count costs one extra request, not count / page;
 *  - a count that changes between pages means the list shifted under the pager (records
 *    added or removed before the offset, so some were skipped): the listing restarts from
 *    offset 0, at most SMS_PAGER_MAX_RESTARTS times, then keeps what it has (`shifted`).
 * Internal to src/api. */
#ifndef SMS_API_PAGER_H
#define SMS_API_PAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "api/idmap.h"

#define SMS_PAGER_MAX_OFFSET 65535  /* the API's offset range: later records are unreachable */
#define SMS_PAGER_MAX_RESTARTS 2

typedef enum sms_pager_step {
    SMS_PAGER_NEXT,                 /* fetch the page at sms_pager.offset */
    SMS_PAGER_DONE,                 /* the listing is complete (or as complete as it gets) */
    SMS_PAGER_RESTART,              /* the list shifted: drop what was kept, start again */
} sms_pager_step;

typedef struct sms_pager {
    long offset;                    /* of the next page */
    int32_t count;                  /* claimed by the first page of this pass */
    int restarts;
    bool shifted;                   /* the last pass still saw the count change */
    bool truncated;                 /* count exceeds what offsets can reach */
    size_t kept, requests;          /* distinct items kept; pages fetched, restarts included */
    sms_idmap seen;                 /* ids kept in this pass (borrowed from the pages) */
} sms_pager;

void sms_pager_begin(sms_pager *p);
/* A page of n items at items (stride bytes apart) that claims count. An item's key is the
 * char * at id_off in it, or when that is NULL the one at key_off (a placeholder's
 * anon_key, model.h; pass id_off again when the type has none); an item with neither is
 * always new. keep[i] (n entries, may be NULL) tells which items are new. On
 * SMS_PAGER_RESTART the caller drops every item kept so far; the pager has already reset
 * its pass. An out-of-memory map keeps every item (duplicates are then possible). */
sms_pager_step sms_pager_page(sms_pager *p, int32_t count, const void *items, size_t n,
                              size_t stride, size_t id_off, size_t key_off, bool *keep);
void sms_pager_end(sms_pager *p);

#endif

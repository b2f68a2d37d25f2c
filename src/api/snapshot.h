/* snapshot.h - the refcounted parts of an sms_snapshot (poller.h) and the sanitising
 * copies that make server data safe to publish. Internal to src/api. */
#ifndef SMS_API_SNAPSHOT_H
#define SMS_API_SNAPSHOT_H

#include "api/poller.h"
#include "api/clock.h"
#include "api/pager.h"
#include "model/codec.h"

/* Parts start with refs = 1 and are freed when the last reference goes. */
sms_fleet *sms_fleet_new(void);
const sms_fleet *sms_fleet_ref(const sms_fleet *f);        /* NULL-safe */
void sms_fleet_unref(const sms_fleet *f);                  /* NULL-safe */
sms_detail *sms_detail_new(void);
const sms_detail *sms_detail_ref(const sms_detail *d);
void sms_detail_unref(const sms_detail *d);
const sms_agent_versions *sms_agent_versions_ref(const sms_agent_versions *v);   /* poller_versions.c */
void sms_agent_versions_unref(const sms_agent_versions *v);

/* Deep copy of src into *dst (zeroed first) with every string sanitised (model/text.h),
 * whatever its depth: sms_copy then sms_sanitize_strings walk the codec's field tables,
 * so a field added to the model is covered without touching this code.
 * 0 ok, -1 out of memory (dst left zeroed). */
int sms_sanitized_copy(const sms_type *t, void *dst, const void *src);
/* The same for an array of n items of type t: *dst is a new array (NULL when n is 0). */
int sms_sanitized_copy_array(const sms_type *t, void **dst, const void *src, size_t n);

/* ---- fleets built from list pages (pages: snapshot_fleet.c) ------------------------ */

/* One page of GET /v3/sources as received (hash and length of its body) and decoded,
 * its strings sanitised. Immutable once built; shared by every fleet built while the
 * server sends the same bytes for it. */
typedef struct sms_fleet_page {
    int refs;
    uint64_t mark;                  /* poller thread only: last fleet build that took it */
    uint64_t body_hash; size_t body_len;
    int32_t count;                  /* the page's "count" (total servers) */
    sms_server *items; size_t n_items;
} sms_fleet_page;

void sms_fleet_page_unref(sms_fleet_page *pg);            /* NULL-safe */
/* A new fleet part with f's servers (shared, not copied) and a new fetched_ms: the
 * same data confirmed by a later fetch. NULL when out of memory. */
sms_fleet *sms_fleet_renew(const sms_fleet *f);

/* Pages of one listing, each a reference. */
typedef struct sms_page_vec { sms_fleet_page **v; size_t n, alloc; } sms_page_vec;
int sms_page_vec_push(sms_page_vec *pv, sms_fleet_page *pg);      /* takes pg; -1 OOM */
void sms_page_vec_clear(sms_page_vec *pv);                        /* unrefs, keeps the array */
void sms_page_vec_free(sms_page_vec *pv);

/* One page of GET /v3/sources?limit=200&offset=O<filters> (filters: "" or "&state=..."):
 * prev (referenced again) when the body has prev's length and 64-bit hash, else a new
 * decoded page. NULL with *e filled. */
sms_fleet_page *sms_fleet_page_fetch(sms_client *c, const char *filters, long offset,
                                     sms_fleet_page *prev, bool *shared, sms_call_error *e);
/* Every page of that listing by the policy of api/pager.h, appended to out (page i shared
 * with prev->v[i] when its body is the same). *pg receives the pager's figures (requests,
 * count, shifted, truncated). 0 ok, -1 with *e filled (out keeps the pages read). */
int sms_fleet_query(sms_client *c, const char *filters, const sms_page_vec *prev,
                    sms_page_vec *out, sms_pager *pg, sms_call_error *e);
/* A page holding one server (moved in: *moved is zeroed), e.g. from ShowServer. */
sms_fleet_page *sms_fleet_page_of(sms_server *moved);
/* A fleet of n servers: a shallow copy of *items[i], whose strings belong to owners[i]
 * (the fleet takes a reference to each distinct owner), with a copy of revs (sms_fleet.revs;
 * NULL: none). NULL when out of memory. */
sms_fleet *sms_fleet_from_items(const sms_server *const *items, sms_fleet_page *const *owners,
                                const uint64_t *revs, size_t n, int32_t count);
/* A fresh number for sms_fleet.revs (never 0; thread-safe). */
uint64_t sms_fleet_next_rev(void);

/* 64-bit hash of a body: two bodies of the same length that differ in one 8-byte word
 * never collide (every step is a bijection). */
uint64_t sms_body_hash(const char *buf, size_t len);

/* Sanitise every string of an error in place (message, request id, API error texts). */
void sms_call_error_sanitize(sms_call_error *e);

/* "replicate / RUNNING", "waiting / -" : what the history shows after an action. */
char *sms_server_state_text(const sms_server *s);

/* Wall clock in ms since the epoch, and a monotonic clock in ms. */

#endif

/* snapshot_fleet.c - the server list fetched page by page for the poller: a page whose
 * bytes did not change since the previous fetch is not decoded again, its decoded and
 * sanitised items are shared. An idle fleet of 10,000 servers then costs the transfer
 * and one hash per page instead of 50 decodes. */
#include "api/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_LIMIT 200              /* ListServers: limit 0-200, as sms_list_servers */
#define MAX_OFFSET 65535            /* the API's offset range */

#define HASH_MUL UINT64_C(0xff51afd7ed558ccd)     /* odd: multiplying is a bijection */

/* One step: a bijection of h for a given w, and of w for a given h. */
static inline uint64_t hash_step(uint64_t h, uint64_t w)
{
    h = (h ^ w) * HASH_MUL;
    return h ^ (h >> 32);
}

static inline uint64_t word_at(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* Four lanes, so the multiplications of consecutive words overlap; the lanes are folded
 * one after the other, each fold a bijection of the lane folded in. */
uint64_t sms_body_hash(const char *buf, size_t len)
{
    uint64_t lane[4] = { UINT64_C(0x9e3779b97f4a7c15) ^ len, UINT64_C(0xc2b2ae3d27d4eb4f),
                         UINT64_C(0x165667b19e3779f9), UINT64_C(0x27d4eb2f165667c5) };
    size_t i = 0;
    for (; i + 32 <= len; i += 32)
        for (int k = 0; k < 4; k++)
            lane[k] = hash_step(lane[k], word_at(buf + i + 8 * k));
    for (; i + 8 <= len; i += 8)
        lane[0] = hash_step(lane[0], word_at(buf + i));
    uint64_t tail = 0;
    memcpy(&tail, buf + i, len - i);
    uint64_t h = hash_step(lane[0], tail);
    for (int k = 1; k < 4; k++)
        h = hash_step(h, lane[k]);
    return h ^ (h >> 29);
}

/* ---- errors ---------------------------------------------------------------------- */

static void set_error(sms_call_error *e, sms_error_kind kind, const char *msg)
{
    sms_call_error_free(e);
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->message = strdup(msg);
}

static void decode_failed(sms_call_error *e, const sms_response *r, const sms_jerr *jerr)
{
    char where[400];
    sms_jerr_format(jerr, where, sizeof where);
    set_error(e, SMS_E_DECODE, where);
    e->http_status = r->status;
    e->request_id = r->request_id ? strdup(r->request_id) : NULL;
}

/* ---- pages ------------------------------------------------------------------------- */

/* A new page from a body: decoded (response mode) and sanitised; NULL with *e filled. */
static sms_fleet_page *decode_page(const sms_response *r, uint64_t hash, sms_call_error *e)
{
    sms_fleet_page *pg = calloc(1, sizeof *pg);
    if (!pg) {
        set_error(e, SMS_E_INVALID, "out of memory");
        return NULL;
    }
    sms_server_list list;
    sms_jerr jerr;
    memset(&jerr, 0, sizeof jerr);
    if (sms_parse(&SMS_T_SERVER_LIST, r->body ? r->body : "", r->body_len, &list,
                  SMS_DECODE_RESPONSE, &jerr) != 0) {
        decode_failed(e, r, &jerr);
        free(pg);
        return NULL;
    }
    if (sms_sanitize_strings(&SMS_T_SERVER_LIST, &list) != 0) {
        sms_free(&SMS_T_SERVER_LIST, &list);
        set_error(e, SMS_E_DECODE, "cannot prepare the server list for display (out of memory?)");
        free(pg);
        return NULL;
    }
    pg->refs = 1;
    pg->body_hash = hash;
    pg->body_len = r->body_len;
    pg->count = list.count;
    pg->items = list.source_servers;            /* moved: the list struct keeps nothing else */
    pg->n_items = list.n_source_servers;
    return pg;
}

/* The page at offset: prev's page at index i when the body is the same, else a new one.
 * Returns a reference, NULL with *e filled. *shared tells which. */
static sms_fleet_page *fetch_page(sms_client *c, long offset, sms_fleet_page *const *prev,
                                  size_t n_prev, size_t i, bool *shared, sms_call_error *e)
{
    char path[96];
    snprintf(path, sizeof path, "/v3/sources?limit=%d&offset=%ld", PAGE_LIMIT, offset);
    sms_response r;
    if (sms_request(c, "GET", path, NULL, false, NULL, NULL, &r, e) != 0)
        return NULL;
    uint64_t hash = sms_body_hash(r.body ? r.body : "", r.body_len);
    sms_fleet_page *pg;
    *shared = i < n_prev && prev[i]->body_len == r.body_len && prev[i]->body_hash == hash;
    if (*shared) {
        pg = prev[i];
        __atomic_add_fetch(&pg->refs, 1, __ATOMIC_RELAXED);
    } else {
        pg = decode_page(&r, hash, e);
    }
    sms_response_free(&r);
    return pg;
}

typedef struct page_vec { sms_fleet_page **v; size_t n, alloc; } page_vec;

static int page_vec_push(page_vec *pv, sms_fleet_page *pg)
{
    if (pv->n == pv->alloc) {
        size_t alloc = pv->alloc ? pv->alloc * 2 : 64;
        sms_fleet_page **v = realloc(pv->v, alloc * sizeof *v);
        if (!v)
            return -1;
        pv->v = v;
        pv->alloc = alloc;
    }
    pv->v[pv->n++] = pg;
    return 0;
}

static void page_vec_free(page_vec *pv)
{
    for (size_t i = 0; i < pv->n; i++)
        sms_fleet_page_unref(pv->v[i]);
    free(pv->v);
}

/* Every page, until offset + page >= count or a page is empty (as sms_list_servers). */
static int fetch_pages(sms_client *c, const sms_fleet *prev, page_vec *pv, bool *all_shared,
                       sms_call_error *e)
{
    size_t n_prev;
    sms_fleet_page *const *prev_pages = sms_fleet_pages(prev, &n_prev);
    *all_shared = true;
    for (long offset = 0; offset <= MAX_OFFSET;) {
        bool shared;
        sms_fleet_page *pg = fetch_page(c, offset, prev_pages, n_prev, pv->n, &shared, e);
        if (!pg)
            return -1;
        if (page_vec_push(pv, pg)) {
            sms_fleet_page_unref(pg);
            set_error(e, SMS_E_INVALID, "out of memory");
            return -1;
        }
        *all_shared = *all_shared && shared;
        offset += (long)pg->n_items;
        if (pg->n_items == 0 || offset >= pg->count)
            break;
    }
    *all_shared = *all_shared && pv->n == n_prev;
    return 0;
}

int sms_fleet_fetch(sms_client *c, const sms_fleet *prev, sms_fleet **out, bool *unchanged,
                    sms_call_error *e)
{
    sms_call_error local, *err = e ? e : &local;
    memset(err, 0, sizeof *err);
    *out = NULL;
    *unchanged = false;
    page_vec pv = { 0 };
    bool all_shared = false;
    int rc = fetch_pages(c, prev, &pv, &all_shared, err);
    if (rc == 0 && all_shared && prev)
        *out = sms_fleet_renew(prev);       /* NULL for a fleet not made of pages */
    if (rc == 0 && *out)
        *unchanged = true;
    else if (rc == 0 && !(*out = sms_fleet_from_pages(pv.v, pv.n))) {
        set_error(err, SMS_E_INVALID, "out of memory");
        rc = -1;
    }
    page_vec_free(&pv);
    if (!e)
        sms_call_error_free(&local);
    return rc;
}

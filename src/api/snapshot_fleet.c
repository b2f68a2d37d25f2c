/* snapshot_fleet.c - server list pages fetched for the poller (fleet_book.c applies them):
 * a page whose bytes did not change since the previous fetch of the same page is not
 * decoded again, its decoded and sanitised items are shared. An unchanged page then costs
 * the transfer and one hash instead of a decode. Paging follows api/pager.h. */
#include "api/snapshot.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_LIMIT 200              /* ListServers: limit 0-200, as sms_list_servers */

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
    if (sms_servers_flag_unidentified(list.source_servers, list.n_source_servers) < 0 ||
        sms_sanitize_strings(&SMS_T_SERVER_LIST, &list) != 0) {
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

/* The page at offset with filters: prev when the body is the same as its, else a new
 * one. Returns a reference, NULL with *e filled. *shared tells which. */
sms_fleet_page *sms_fleet_page_fetch(sms_client *c, const char *filters, long offset,
                                     sms_fleet_page *prev, bool *shared, sms_call_error *e)
{
    char path[192];
    snprintf(path, sizeof path, "/v3/sources?limit=%d&offset=%ld%s", PAGE_LIMIT, offset,
             filters ? filters : "");
    sms_response r;
    *shared = false;
    if (sms_request(c, "GET", path, NULL, false, NULL, NULL, &r, e) != 0)
        return NULL;
    uint64_t hash = sms_body_hash(r.body ? r.body : "", r.body_len);
    sms_fleet_page *pg;
    *shared = prev && prev->body_len == r.body_len && prev->body_hash == hash;
    if (*shared) {
        pg = prev;
        __atomic_add_fetch(&pg->refs, 1, __ATOMIC_RELAXED);
    } else {
        pg = decode_page(&r, hash, e);
    }
    sms_response_free(&r);
    return pg;
}

sms_fleet_page *sms_fleet_page_of(sms_server *moved)
{
    sms_fleet_page *pg = calloc(1, sizeof *pg);
    sms_server *item = malloc(sizeof *item);
    if (!pg || !item) {
        free(pg);
        free(item);
        return NULL;
    }
    *item = *moved;
    memset(moved, 0, sizeof *moved);
    pg->refs = 1;
    pg->count = 1;
    pg->items = item;
    pg->n_items = 1;
    return pg;
}

int sms_page_vec_push(sms_page_vec *pv, sms_fleet_page *pg)
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

void sms_page_vec_clear(sms_page_vec *pv)
{
    for (size_t i = 0; i < pv->n; i++)
        sms_fleet_page_unref(pv->v[i]);
    pv->n = 0;
}

void sms_page_vec_free(sms_page_vec *pv)
{
    sms_page_vec_clear(pv);
    free(pv->v);
    memset(pv, 0, sizeof *pv);
}

int sms_fleet_query(sms_client *c, const char *filters, const sms_page_vec *prev,
                    sms_page_vec *out, sms_pager *pg_out, sms_call_error *e)
{
    sms_call_error local, *err = e ? e : &local;
    memset(err, 0, sizeof *err);
    sms_pager pager;
    sms_pager_begin(&pager);
    int rc = 0;
    for (sms_pager_step step = SMS_PAGER_NEXT; step != SMS_PAGER_DONE;) {
        size_t i = out->n;
        bool shared;
        sms_fleet_page *pg = sms_fleet_page_fetch(c, filters, pager.offset,
                                                  prev && i < prev->n ? prev->v[i] : NULL,
                                                  &shared, err);
        if (!pg) {
            rc = -1;
            break;
        }
        step = sms_pager_page(&pager, pg->count, pg->items, pg->n_items, sizeof *pg->items,
                              offsetof(sms_server, id), offsetof(sms_server, anon_key), NULL);
        if (step == SMS_PAGER_RESTART) {
            sms_page_vec_clear(out);
            sms_fleet_page_unref(pg);
        } else if (sms_page_vec_push(out, pg) != 0) {
            sms_fleet_page_unref(pg);
            set_error(err, SMS_E_INVALID, "out of memory");
            rc = -1;
            break;
        }
    }
    sms_pager_end(&pager);
    if (pg_out)
        *pg_out = pager;                        /* its figures; the map is already freed */
    if (!e)
        sms_call_error_free(&local);
    return rc;
}

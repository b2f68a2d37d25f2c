/* snapshot.c - refcounted snapshot parts, sanitising copies, and the snapshot's release. */
#include "api/snapshot.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/history.h"
#include "model/text.h"

/* refs is the one mutable member of an otherwise immutable part: atomics let the UI
 * thread and the poller drop references without a lock. */
#define REF_UP(p) __atomic_add_fetch(&(p)->refs, 1, __ATOMIC_RELAXED)
#define REF_DOWN(p) __atomic_sub_fetch(&(p)->refs, 1, __ATOMIC_ACQ_REL)

/* A fleet part is a fleet_impl. Its servers array either belongs to it alone (deep:
 * sms_fleet_new, the caller fills it) or sits in a fleet_items shared by the fleets
 * renewed from one another, whose strings belong to the list pages (shallow). */
typedef struct fleet_items {
    int refs;
    sms_server *servers; size_t n_servers;      /* shallow copies of the pages' items */
    uint64_t *revs;                             /* sms_fleet.revs, or NULL */
    size_t n_unreadable;                        /* of which placeholders (bad_record) */
    sms_fleet_page **pages; size_t n_pages;     /* one reference each */
} fleet_items;

typedef struct fleet_impl {
    sms_fleet pub;                              /* first: a sms_fleet * is a fleet_impl * */
    fleet_items *items;                         /* NULL: pub.servers is owned deeply */
} fleet_impl;

static fleet_impl *impl_of(const sms_fleet *f) { return (fleet_impl *)f; }

void sms_fleet_page_unref(sms_fleet_page *pg)
{
    if (!pg || REF_DOWN(pg) > 0)
        return;
    for (size_t i = 0; i < pg->n_items; i++)
        sms_free(&SMS_T_SERVER, &pg->items[i]);
    free(pg->items);
    free(pg);
}

static void fleet_items_unref(fleet_items *it)
{
    if (!it || REF_DOWN(it) > 0)
        return;
    for (size_t i = 0; i < it->n_pages; i++)
        sms_fleet_page_unref(it->pages[i]);
    free(it->pages);
    free(it->servers);
    free(it->revs);
    free(it);
}

sms_fleet *sms_fleet_new(void)
{
    fleet_impl *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->pub.refs = 1;
    return &f->pub;
}

const sms_fleet *sms_fleet_ref(const sms_fleet *f)
{
    if (f)
        REF_UP((sms_fleet *)f);
    return f;
}

void sms_fleet_unref(const sms_fleet *cf)
{
    sms_fleet *f = (sms_fleet *)cf;
    if (!f || REF_DOWN(f) > 0)
        return;
    fleet_impl *impl = impl_of(f);
    if (impl->items) {
        fleet_items_unref(impl->items);
    } else {
        for (size_t i = 0; i < f->n_servers; i++)
            sms_free(&SMS_T_SERVER, &f->servers[i]);
        free(f->servers);
    }
    free(impl);
}

/* A fleet over items (which it takes a reference to). */
static sms_fleet *fleet_over(fleet_items *it, int32_t count)
{
    sms_fleet *f = sms_fleet_new();
    if (!f)
        return NULL;
    REF_UP(it);
    impl_of(f)->items = it;
    f->servers = it->servers;
    f->n_servers = it->n_servers;
    f->revs = it->revs;
    f->n_unreadable = it->n_unreadable;
    f->count = count;
    f->fetched_ms = sms_clock_wall_ms();
    return f;
}

uint64_t sms_fleet_next_rev(void)
{
    static _Atomic uint64_t revs;
    return atomic_fetch_add(&revs, 1) + 1;
}

sms_fleet *sms_fleet_from_items(const sms_server *const *items, sms_fleet_page *const *owners,
                                const uint64_t *revs, size_t n, int32_t count)
{
    /* marks are written by the poller that owns the pages; the counter may be shared by
     * several pollers in one process: two fresh values for the two passes */
    static _Atomic uint64_t builds;
    uint64_t build = atomic_fetch_add(&builds, 2) + 1;
    fleet_items *it = calloc(1, sizeof *it);
    if (!it)
        return NULL;
    it->refs = 1;
    size_t n_pages = 0;
    for (size_t i = 0; i < n; i++)
        if (owners[i]->mark != build) {
            owners[i]->mark = build;
            n_pages++;
        }
    it->servers = n ? malloc(n * sizeof *it->servers) : NULL;
    it->pages = n_pages ? malloc(n_pages * sizeof *it->pages) : NULL;
    it->revs = revs && n ? malloc(n * sizeof *it->revs) : NULL;
    if ((n && !it->servers) || (n_pages && !it->pages) || (revs && n && !it->revs)) {
        fleet_items_unref(it);
        return NULL;
    }
    build++;                    /* the second value reserved: a second pass takes each page once */
    for (size_t i = 0; i < n; i++) {
        it->servers[i] = *items[i];
        it->n_unreadable += items[i]->bad_record != NULL;
        if (owners[i]->mark != build) {
            owners[i]->mark = build;
            REF_UP(owners[i]);
            it->pages[it->n_pages++] = owners[i];
        }
    }
    it->n_servers = n;
    if (it->revs)
        memcpy(it->revs, revs, n * sizeof *revs);
    sms_fleet *f = fleet_over(it, count);
    fleet_items_unref(it);
    return f;
}

sms_fleet *sms_fleet_renew(const sms_fleet *old)
{
    fleet_items *it = impl_of(old)->items;
    if (!it)
        return NULL;                            /* only fleets built from pages */
    sms_fleet *f = fleet_over(it, old->count);
    if (f)
        f->overview = old->overview;
    return f;
}

sms_detail *sms_detail_new(void)
{
    sms_detail *d = calloc(1, sizeof *d);
    if (d)
        d->refs = 1;
    return d;
}

const sms_detail *sms_detail_ref(const sms_detail *d)
{
    if (d)
        REF_UP((sms_detail *)d);
    return d;
}

void sms_detail_unref(const sms_detail *cd)
{
    sms_detail *d = (sms_detail *)cd;
    if (!d || REF_DOWN(d) > 0)
        return;
    free(d->server_id);
    sms_free(&SMS_T_SERVER, &d->server);
    if (d->has_task)
        sms_free(&SMS_T_TASK, &d->task);
    sms_free(&SMS_T_SPEED_LIMITS, &d->limits);
    free(d);
}

void sms_snapshot_release(sms_snapshot *s)
{
    if (!s)
        return;
    sms_fleet_unref(s->fleet);
    sms_detail_unref(s->detail);
    sms_history_unref(s->history);
    sms_agent_versions_unref(s->versions);
    for (int i = 0; i < SMS_CALL__COUNT; i++)
        sms_call_error_free(&s->health[i].error);
    free(s->user);
    free(s);
}

/* ---- sanitising ----------------------------------------------------------- */

int sms_sanitized_copy(const sms_type *t, void *dst, const void *src)
{
    if (sms_copy(t, dst, src))
        return -1;
    if (sms_sanitize_strings(t, dst) == 0)
        return 0;
    sms_free(t, dst);
    return -1;
}

int sms_sanitized_copy_array(const sms_type *t, void **dst, const void *src, size_t n)
{
    size_t size = sms_type_size(t);
    char *out = n ? calloc(n, size) : NULL;
    *dst = NULL;
    if (n && !out)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (sms_sanitized_copy(t, out + i * size, (const char *)src + i * size) == 0)
            continue;
        while (i-- > 0)
            sms_free(t, out + i * size);
        free(out);
        return -1;
    }
    *dst = out;
    return 0;
}

static void sanitize_str(char *s)
{
    if (s)
        sms_sanitize_inplace(s);
}

void sms_call_error_sanitize(sms_call_error *e)
{
    sanitize_str(e->message);
    sanitize_str(e->request_id);
    sms_api_error *a = &e->api;
    sanitize_str(a->error_code);
    sanitize_str(a->error_msg);
    sanitize_str(a->encoded_authorization_message);
    sanitize_str(a->request_id);
    for (size_t i = 0; i < a->n_error_param; i++)
        sanitize_str(a->error_param[i]);
    for (size_t i = 0; i < a->n_details; i++) {
        sanitize_str(a->details[i].error_code);
        sanitize_str(a->details[i].error_msg);
    }
}

char *sms_server_state_text(const sms_server *s)
{
    const char *task = s->has_current_task && s->current_task.state ? s->current_task.state : "-";
    char *out = NULL;
    if (asprintf(&out, "%s / %s", s->state ? s->state : "-", task) < 0)
        return NULL;
    return out;
}


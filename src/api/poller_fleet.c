/* poller_fleet.c - the fleet refresh strategy (docs/design.md, "Refreshing a large
 * fleet"). Every refresh:
 *  1. the moving subset: GET /v3/sources?state=S for each moving state S that the
 *     overview counts (all of them when the overview could not be read);
 *  2. servers that were moving and are no longer listed there: GET /v3/sources/{id}
 *     each (404: gone), or a full listing when that would take fewer requests;
 *  3. one page of the background sweep, which walks the whole list over
 *     ceil(servers / 200) refreshes;
 *  4. the overview compared with the book's counts per state: a difference that a
 *     second overview read confirms, two refreshes in a row, asks for a full listing.
 * The first refresh, a refresh the operator asks for, and a confirmed difference list
 * everything. Paging follows api/pager.h. */
#include "api/poller_internal.h"

#include "api/client_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/codec.h"
#include "model/text.h"

#define PAGE_LIMIT 200

/* ListServers `state` filter values (huaweicloud-sdk-go-v3 ListServersRequestState): a
 * listing past the API's offset range is split by them. */
static const char *const filter_states[] = {
    "unavailable", "waiting", "initialize", "replicate", "syncing", "stopping", "stopped",
    "deleting", "error", "cloning", "cutovering", "finished",
};
#define N_FILTER_STATES (sizeof filter_states / sizeof filter_states[0])

/* ---- the read budget -------------------------------------------------------------- */

#define BUDGET_BURST 10.0           /* reads that may go at once after a quiet spell */

static void refill(sms_poller *p)
{
    int64_t now = sms_clock_mono_ms();
    if (p->budget_at == 0)
        p->budget = BUDGET_BURST;
    else
        p->budget += (double)(now - p->budget_at) * SMS_READS_PER_REFRESH /
                     (p->budget_refresh_ms > 0 ? p->budget_refresh_ms : 5000);
    if (p->budget > BUDGET_BURST)
        p->budget = BUDGET_BURST;
    p->budget_at = now;
}

void sms_budget_spend(sms_poller *p, unsigned n)
{
    refill(p);
    p->budget -= n;
    p->reads_spent += n;
    /* a full listing (start, the operator's refresh) is not paid back over minutes of a
     * stalled sweep: at most one refresh's reads are owed */
    if (p->budget < -SMS_READS_PER_REFRESH)
        p->budget = -SMS_READS_PER_REFRESH;
}

static bool try_keeping(sms_poller *p, double keep)
{
    refill(p);
    if (p->budget - 1.0 < keep)
        return false;
    p->budget -= 1.0;
    p->reads_spent++;
    return true;
}

bool sms_budget_try(sms_poller *p)
{
    return try_keeping(p, 0.0);
}

bool sms_budget_try_spare(sms_poller *p)
{
    return try_keeping(p, (double)p->refresh_need);
}

static void keep_first_error(sms_call_error *keep, sms_call_error *e)
{
    if (keep->kind == SMS_E_NONE) {
        *keep = *e;
        memset(e, 0, sizeof *e);
    } else {
        sms_call_error_free(e);
    }
}

static int apply_pages(sms_poller *p, const sms_page_vec *pv, uint64_t gen, sms_call_error *e)
{
    for (size_t i = 0; i < pv->n; i++)
        if (sms_book_apply(&p->book, pv->v[i], gen) != 0) {
            sms_error_set(e, SMS_E_INVALID, "out of memory");
            return -1;
        }
    return 0;
}

/* One listing (filters "" or "&state=S") into the book; prev shares unchanged pages and
 * receives the new ones. *complete: every record was reachable and the list held still. */
static int list_into_book(sms_poller *p, const char *filters, sms_page_vec *prev, uint64_t gen,
                          bool *complete, sms_call_error *e)
{
    sms_page_vec pages = { 0 };
    sms_pager pg;
    int rc = sms_fleet_query(p->poll_client, filters, prev, &pages, &pg, e);
    sms_budget_spend(p, (unsigned)pg.requests);
    if (rc == 0)
        rc = apply_pages(p, &pages, gen, e);
    if (rc == 0) {
        sms_page_vec_free(prev);
        *prev = pages;
    } else {
        sms_page_vec_free(&pages);
    }
    if (complete)
        *complete = rc == 0 && !pg.shifted && !pg.truncated;
    return rc;
}

/* Past 65,535 records offsets cannot reach the rest: list each state on its own (each
 * listing has its own offset range). States outside the filter's enum stay unreachable. */
static int list_by_state(sms_poller *p, uint64_t gen, sms_call_error *e)
{
    for (size_t k = 0; k < N_FILTER_STATES; k++) {
        char filters[64];
        snprintf(filters, sizeof filters, "&state=%s", filter_states[k]);
        sms_page_vec none = { 0 };
        int rc = list_into_book(p, filters, &none, gen, NULL, e);
        sms_page_vec_free(&none);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static void restart_sweep(sms_poller *p, uint64_t gen)
{
    p->sweep_offset = 0;
    p->sweep_index = 0;
    p->sweep_count = -1;
    p->sweep_shifted = false;
    p->sweep_gen = gen;
}

static int full_listing(sms_poller *p, uint64_t gen, sms_call_error *e)
{
    bool complete = false;
    p->stats.full_listings++;
    if (list_into_book(p, "", &p->full_pages, gen, &complete, e) != 0)
        return -1;
    if (!complete && p->full_pages.n * PAGE_LIMIT > SMS_PAGER_MAX_OFFSET &&
        list_by_state(p, gen, e) != 0)
        return -1;
    if (complete)               /* absence from a complete listing means gone */
        sms_book_remove_unseen(&p->book, gen);
    p->book_loaded = true;
    p->full_wanted = false;
    p->ov_mismatches = 0;
    p->stats.last_full_ms = sms_clock_wall_ms();
    restart_sweep(p, gen + 1);
    return 0;
}

/* ---- single servers -------------------------------------------------------------- */

/* The list item's part of a ShowServer answer: the detail-only arrays are dropped. */
static void strip_detail(sms_server *s)
{
    sms_server arrays = { 0 };
    arrays.disks = s->disks; arrays.n_disks = s->n_disks;
    arrays.volume_groups = s->volume_groups; arrays.n_volume_groups = s->n_volume_groups;
    arrays.btrfs_list = s->btrfs_list; arrays.n_btrfs_list = s->n_btrfs_list;
    arrays.networks = s->networks; arrays.n_networks = s->n_networks;
    sms_free(&SMS_T_SERVER, &arrays);
    s->disks = NULL; s->n_disks = 0;
    s->volume_groups = NULL; s->n_volume_groups = 0;
    s->btrfs_list = NULL; s->n_btrfs_list = 0;
    s->networks = NULL; s->n_networks = 0;
}

int sms_poller_refetch_server(sms_poller *p, const char *id, uint64_t gen, sms_call_error *e)
{
    sms_server srv = { 0 };
    p->stats.single_fetches++;
    sms_budget_spend(p, 1);
    int rc = sms_show_server(p->poll_client, id, &srv, e);
    if (rc != 0 && e->http_status == 404) {
        sms_book_remove(&p->book, sms_book_find(&p->book, id));
        sms_call_error_free(e);
        memset(e, 0, sizeof *e);
        rc = 0;
    } else if (rc == 0) {
        pthread_mutex_lock(&p->mu);
        sms_versions_record_locked(p, &srv);           /* the agent version comes with it */
        pthread_mutex_unlock(&p->mu);
        strip_detail(&srv);
        sms_fleet_page *pg = NULL;
        if (sms_sanitize_strings(&SMS_T_SERVER, &srv) != 0 || !(pg = sms_fleet_page_of(&srv)) ||
            sms_book_apply(&p->book, pg, gen) != 0) {
            sms_error_set(e, SMS_E_INVALID, "out of memory");
            rc = -1;
        }
        sms_fleet_page_unref(pg);
        sms_free(&SMS_T_SERVER, &srv);
    }
    return rc;
}

static int refetch_one(sms_poller *p, size_t i, uint64_t gen, sms_call_error *e)
{
    char *id = strdup(p->book.items[i]->id);
    if (!id)
        return sms_error_set(e, SMS_E_INVALID, "out of memory"), -1;
    int rc = sms_poller_refetch_server(p, id, gen, e);
    free(id);
    return rc;
}

static size_t full_listing_pages(const sms_poller *p)
{
    return p->book.n / PAGE_LIMIT + 1;
}

/* Entries that pred selects, re-read one by one, or by a full listing when that takes
 * fewer requests. A record without a readable id cannot be asked for: not listed where
 * it was expected, it is gone (listed again, it comes back). */
static int refetch_where(sms_poller *p, uint64_t gen, bool (*pred)(const sms_poller *, size_t, uint64_t),
                         uint64_t arg, sms_call_error *e)
{
    for (size_t i = p->book.n; i-- > 0;)
        if (!p->book.items[i]->id && pred(p, i, arg))
            sms_book_remove(&p->book, i);
    size_t n = 0;
    for (size_t i = 0; i < p->book.n; i++)
        n += pred(p, i, arg);
    if (n == 0)
        return 0;
    if (n > full_listing_pages(p))
        return full_listing(p, gen, e);
    int rc = 0;
    for (size_t i = p->book.n; i-- > 0;) {      /* backwards: a removal moves the last entry */
        if (i >= p->book.n || !pred(p, i, arg))
            continue;
        sms_call_error one = { 0 };
        if (refetch_one(p, i, gen, &one) != 0) {
            keep_first_error(e, &one);
            rc = -1;
        }
    }
    return rc;
}

/* Moving when last seen, but not listed by this refresh's moving queries. */
static bool left_moving(const sms_poller *p, size_t i, uint64_t gen)
{
    return p->book.moving[i] && p->book.seen[i] < gen;
}

/* Not seen since the background sweep started. */
static bool missed_by_sweep(const sms_poller *p, size_t i, uint64_t sweep_gen)
{
    return p->book.seen[i] < sweep_gen;
}

/* ---- the parts of a refresh ----------------------------------------------------------- */

/* After a 429 the rest of a refresh waits for the next one: each request would first wait
 * out Retry-After, and the snapshot saying "throttled" would wait with them. */
static bool throttled(const sms_call_error *e)
{
    return e->kind == SMS_E_HTTP && e->http_status == 429;
}

static int moving_queries(sms_poller *p, uint64_t gen, const sms_overview *ov, sms_call_error *e)
{
    int rc = 0;
    for (size_t k = 0; k < sms_n_moving_states; k++) {
        const char *st = sms_moving_states[k];
        if (ov && sms_overview_count(ov, st) == 0) {
            sms_page_vec_free(&p->moving_pages[k]);
            continue;
        }
        char filters[64];
        snprintf(filters, sizeof filters, "&state=%s", st);
        sms_call_error one = { 0 };
        p->stats.moving_queries++;
        if (list_into_book(p, filters, &p->moving_pages[k], gen, NULL, &one) != 0) {
            keep_first_error(e, &one);
            rc = -1;
            if (throttled(e))
                break;
        }
    }
    return rc;
}

static int sweep_step(sms_poller *p, uint64_t gen, sms_call_error *e)
{
    if (!sms_budget_try(p)) {
        if (p->sweep_skips < SMS_SWEEP_MAX_SKIPS) {
            p->sweep_skips++;           /* what must be read took this minute's reads */
            return 0;
        }
        sms_budget_spend(p, 1);         /* the sweep must not stop for good */
    }
    p->sweep_skips = 0;
    sms_page_vec *sp = &p->full_pages;
    sms_fleet_page *prev = p->sweep_index < sp->n ? sp->v[p->sweep_index] : NULL;
    bool shared;
    p->stats.sweep_pages++;
    sms_fleet_page *pg = sms_fleet_page_fetch(p->poll_client, "", p->sweep_offset, prev, &shared, e);
    if (!pg)
        return -1;
    if (sms_book_apply(&p->book, pg, gen) != 0) {
        sms_fleet_page_unref(pg);
        return sms_error_set(e, SMS_E_INVALID, "out of memory"), -1;
    }
    if (p->sweep_count >= 0 && pg->count != p->sweep_count)
        p->sweep_shifted = true;
    if (p->sweep_count < 0)
        p->sweep_count = pg->count;
    if (p->sweep_index < sp->n) {
        sms_fleet_page_unref(sp->v[p->sweep_index]);
        sp->v[p->sweep_index] = pg;
    } else if (sms_page_vec_push(sp, pg) != 0) {
        sms_fleet_page_unref(pg);
    }
    p->sweep_index++;
    p->sweep_offset += (long)pg->n_items;
    bool done = pg->n_items == 0 || p->sweep_offset >= pg->count ||
                p->sweep_offset > SMS_PAGER_MAX_OFFSET;
    if (!done)
        return 0;
    p->stats.sweeps_completed++;
    p->stats.last_full_ms = sms_clock_wall_ms();
    while (sp->n > p->sweep_index)                  /* the list got shorter */
        sms_fleet_page_unref(sp->v[--sp->n]);
    uint64_t started = p->sweep_gen;
    bool trusted = !p->sweep_shifted && p->sweep_offset <= SMS_PAGER_MAX_OFFSET;
    restart_sweep(p, gen + 1);
    /* servers the sweep did not list: gone, or skipped because the list shifted */
    if (trusted)
        return refetch_where(p, gen, missed_by_sweep, started, e);
    return 0;
}

/* The book against the overview; a difference is confirmed by a second read (the first
 * may predate a move the listings saw) and must persist over two refreshes. */
static void check_overview(sms_poller *p, const sms_overview *ov)
{
    if (sms_book_matches_overview(&p->book, ov)) {
        p->ov_mismatches = 0;
        return;
    }
    sms_overview again;
    sms_call_error e = { 0 };
    bool confirmed = sms_show_overview(p->poll_client, &again, &e) == 0 &&
                     !sms_book_matches_overview(&p->book, &again);
    sms_call_error_free(&e);
    if (!confirmed)
        p->ov_mismatches = 0;
    else if (++p->ov_mismatches >= 2)
        p->full_wanted = true;
}

/* The selected server's list item changed: its detail is fetched again. */
static void watch_selected(sms_poller *p)
{
    pthread_mutex_lock(&p->mu);
    char *sel = p->selected ? strdup(p->selected) : NULL;
    pthread_mutex_unlock(&p->mu);
    size_t i = sel ? sms_book_find(&p->book, sel) : SMS_IDMAP_NONE;
    char *now = i != SMS_IDMAP_NONE ? sms_to_json(&SMS_T_SERVER, p->book.items[i]) : NULL;
    bool changed = now && p->selected_seen && strcmp(now, p->selected_seen) != 0;
    free(p->selected_seen);
    p->selected_seen = now;
    if (changed) {
        pthread_mutex_lock(&p->mu);
        if (p->selected && strcmp(p->selected, sel) == 0)
            p->detail_requested = true;
        pthread_mutex_unlock(&p->mu);
    }
    free(sel);
}

int sms_poller_refresh_fleet(sms_poller *p, uint64_t gen, const sms_overview *ov,
                             sms_call_error *e)
{
    memset(e, 0, sizeof *e);
    p->stats.refreshes++;
    uint64_t spent_before = p->reads_spent;
    unsigned skips_before = p->sweep_skips;
    int rc;
    if (!p->book_loaded || p->full_wanted) {
        rc = full_listing(p, gen, e);
    } else {
        rc = moving_queries(p, gen, ov, e);
        if (rc == 0)                    /* leavers are only known when every query worked */
            rc = refetch_where(p, gen, left_moving, gen, e);
        sms_call_error one = { 0 };
        if (!throttled(e) && sweep_step(p, gen, &one) != 0) {
            keep_first_error(e, &one);
            rc = -1;
        }
    }
    if (rc == 0 && ov)
        check_overview(p, ov);
    watch_selected(p);
    /* what the next refresh will need: this one's reads, and the sweep page it skipped */
    p->refresh_need = (unsigned)(p->reads_spent - spent_before) + (p->sweep_skips > skips_before);
    return rc;
}

void sms_poller_fleet_free(sms_poller *p)
{
    sms_book_free(&p->book);
    sms_page_vec_free(&p->full_pages);
    for (size_t k = 0; k < SMS_N_MOVING_STATES; k++)
        sms_page_vec_free(&p->moving_pages[k]);
    free(p->selected_seen);
}

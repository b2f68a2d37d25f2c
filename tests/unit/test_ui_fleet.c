/* test_ui_fleet.c - the servers table: filter, sort, selection kept by id, marks and
 * targets, change highlighting and the count of servers entering error. The table caches
 * sort keys, name ranks and an id index across refreshes; a reference filter and
 * comparator (the plain string code it replaced) checks it on a fleet full of ties,
 * case variants, long strings and missing fields, through renames, reordering, removals
 * and unchanged refreshes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "model/enums.h"
#include "ui/fleet.h"
#include "ui/fleet_index.h"             /* merges: which path built the rows */

#define N 5
static sms_server servers[N];
static sms_fleet fleet;
static sms_fleet_table table;

static void server(int i, char *id, char *name, char *ip, char *state, int64_t done, int64_t total)
{
    servers[i] = (sms_server){ .id = id, .name = name, .ip = ip, .state = state,
                               .replicatesize = done, .totalsize = total };
}

static int setup(void **state)
{
    (void)state;
    server(0, "id-a", "web-01", "10.0.0.11", "replicate", 50, 100);
    server(1, "id-b", "db-01", "10.0.1.5", "error", 10, 100);
    server(2, "id-c", "web-02", "10.0.0.12", "finished", 100, 100);
    server(3, "id-d", "cache-01", "192.168.3.7", "waiting", 0, 0);
    server(4, "id-e", "Web-03", "10.0.0.13", "replicate", 90, 100);
    fleet = (sms_fleet){ .servers = servers, .n_servers = N, .count = N };
    sms_fleet_table_init(&table);
    sms_fleet_table_update(&table, &fleet, 1000);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sms_fleet_table_free(&table);
    return 0;
}

static const char *row_name(size_t r) { return sms_fleet_table_row(&table, r)->name; }

/* Every row of the table, in order, is want[i]. */
static void expect_row_order(const char *const want[N])
{
    assert_int_equal(table.n_rows, N);
    for (size_t r = 0; r < N; r++)
        assert_string_equal(row_name(r), want[r]);
}

static void sorts_by_name_case_insensitively(void **state)
{
    (void)state;
    static const char *const by_name[N] = { "cache-01", "db-01", "web-01", "web-02", "Web-03" };
    expect_row_order(by_name);
    table.sort_desc = true;
    sms_fleet_table_rebuild(&table);
    assert_string_equal(row_name(0), "Web-03");
    assert_string_equal(row_name(4), "cache-01");
}

static void sorts_by_progress_and_ip(void **state)
{
    (void)state;
    table.sort_col = SMS_COL_PROGRESS;
    sms_fleet_table_rebuild(&table);
    static const char *const by_progress[N] = { "cache-01" /* no size: 0 % */, "db-01", "web-01", "Web-03", "web-02" };
    expect_row_order(by_progress);
    table.sort_col = SMS_COL_IP;
    sms_fleet_table_rebuild(&table);
    assert_string_equal(row_name(0), "web-01");
    assert_string_equal(row_name(4), "cache-01");
    assert_int_equal(sms_col_by_name("prog"), SMS_COL_PROGRESS);
    assert_int_equal(sms_col_by_name("nonsense"), -1);
}

static void filters_by_name_ip_and_state(void **state)
{
    (void)state;
    snprintf(table.filter, sizeof table.filter, "WEB");
    sms_fleet_table_rebuild(&table);
    assert_int_equal(table.n_rows, 3);
    snprintf(table.filter, sizeof table.filter, "192.168");
    sms_fleet_table_rebuild(&table);
    assert_int_equal(table.n_rows, 1);
    assert_string_equal(row_name(0), "cache-01");
    snprintf(table.filter, sizeof table.filter, "error");
    sms_fleet_table_rebuild(&table);
    assert_int_equal(table.n_rows, 1);
    assert_string_equal(row_name(0), "db-01");
    snprintf(table.filter, sizeof table.filter, "no-such-thing");
    sms_fleet_table_rebuild(&table);
    assert_int_equal(table.n_rows, 0);
    assert_null(sms_fleet_table_selected(&table));
}

static void selection_follows_the_server_not_the_row(void **state)
{
    (void)state;
    sms_fleet_table_select_row(&table, 2);
    assert_string_equal(table.sel_id, "id-a");         /* web-01 */
    table.sort_desc = true;
    sms_fleet_table_rebuild(&table);
    assert_string_equal(sms_fleet_table_selected(&table)->name, "web-01");
    assert_int_equal(table.cursor, 2);
    sms_fleet_table_move(&table, -10);                  /* clamps */
    assert_int_equal(table.cursor, 0);
    sms_fleet_table_move(&table, +10);
    assert_int_equal(table.cursor, N - 1);
}

/* The targets of an action, as "id-b,id-e" (fleet order); "" when there are none. */
static sms_targets expect_targets(const char *want)
{
    sms_targets t;
    char got[256] = "";
    if (sms_fleet_table_targets(&table, &t))
        for (size_t i = 0; i < t.n; i++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? "," : "", t.v[i]->id);
    free(t.v);
    t.v = NULL;
    assert_string_equal(got, want);
    return t;
}

static void marks_decide_the_targets(void **state)
{
    (void)state;
    expect_targets("id-d");                             /* nothing marked: the selection (cache-01) */
    sms_fleet_table_toggle_mark(&table, "id-b");
    sms_fleet_table_toggle_mark(&table, "id-e");
    expect_targets("id-b,id-e");                        /* the marks, not the selection */
    sms_fleet_table_toggle_mark(&table, "id-b");
    assert_false(sms_fleet_table_marked(&table, "id-b"));
    assert_true(sms_fleet_table_marked(&table, "id-e"));
    expect_targets("id-e");
    snprintf(table.filter, sizeof table.filter, "web");
    sms_fleet_table_rebuild(&table);
    sms_fleet_table_mark_shown(&table);                 /* id-e was marked already: no double */
    assert_int_equal(table.n_marks, 3);
    expect_targets("id-a,id-c,id-e");
    snprintf(table.filter, sizeof table.filter, "db");  /* marks outlive the filter that made them */
    sms_fleet_table_rebuild(&table);
    assert_int_equal(expect_targets("id-a,id-c,id-e").hidden, 3);   /* ... and say so */
    sms_fleet_table_toggle_mark(&table, "id-gone");     /* a mark on a server not in the fleet */
    assert_int_equal(expect_targets("id-a,id-c,id-e").missing, 1);
    sms_fleet_table_clear_marks(&table);
    assert_int_equal(table.n_marks, 0);
    expect_targets("id-b");                             /* the selection again: db-01, the one row shown */
}

/* Issue 14: the same id listed twice must not send the action twice to it and never to
 * another server: targets are the marked ids, each once. */
static void a_repeated_id_is_targeted_once(void **state)
{
    (void)state;
    sms_server dup[4];
    sms_fleet f2 = { .servers = dup, .n_servers = 4, .count = 4 };
    dup[0] = (sms_server){ .id = "AAA", .name = "alpha", .state = "replicate" };
    dup[1] = (sms_server){ .id = "AAA", .name = "alpha", .state = "replicate" };
    dup[2] = (sms_server){ .id = "BBB", .name = "bravo", .state = "replicate" };
    dup[3] = (sms_server){ .id = "CCC", .name = "charlie", .state = "replicate" };
    sms_fleet_table t;
    sms_fleet_table_init(&t);
    sms_fleet_table_update(&t, &f2, 1000);
    sms_fleet_table_toggle_mark(&t, "AAA");
    sms_fleet_table_toggle_mark(&t, "BBB");
    sms_targets tg;
    assert_true(sms_fleet_table_targets(&t, &tg));
    assert_int_equal(tg.n, 2);
    assert_string_equal(tg.v[0]->id, "AAA");
    assert_string_equal(tg.v[1]->id, "BBB");
    assert_int_equal(tg.missing, 0);
    free(tg.v);
    sms_fleet_table_free(&t);
}

static void state_changes_are_highlighted_and_errors_counted(void **state)
{
    (void)state;
    assert_int_equal(sms_fleet_table_changed_until(&table, "id-a"), 0);   /* first fleet: nothing new */
    servers[0].state = "error";
    servers[2].state = "cutovering";
    int errors = sms_fleet_table_update(&table, &fleet, 5000);
    assert_int_equal(errors, 1);
    assert_true(sms_fleet_table_changed_until(&table, "id-a") > 5000);
    assert_true(sms_fleet_table_changed_until(&table, "id-c") > 5000);
    assert_int_equal(sms_fleet_table_changed_until(&table, "id-b"), 0);
    int64_t expiry = sms_fleet_table_next_expiry(&table, 5000);
    assert_int_equal(expiry, 5000 + table.highlight_ms);
    /* the same states again: the highlight stays until it expires, no new errors */
    assert_int_equal(sms_fleet_table_update(&table, &fleet, 6000), 0);
    assert_true(sms_fleet_table_changed_until(&table, "id-a") > 6000);
    assert_int_equal(sms_fleet_table_update(&table, &fleet, 5000 + table.highlight_ms + 1), 0);
    assert_int_equal(sms_fleet_table_changed_until(&table, "id-a"), 0);
    assert_int_equal(sms_fleet_table_next_expiry(&table, 5000 + table.highlight_ms + 1), 0);
}

/* ---- the reference: plain strings, no caches ----------------------------------- */

static bool ref_contains(const char *hay, const char *needle)
{
    return hay && strcasestr(hay, needle) != NULL;
}

static bool ref_matches(const sms_server *s, const char *filter)
{
    if (!*filter)
        return true;
    const sms_enum_info *st = sms_server_state_info(s->state);
    return ref_contains(s->name, filter) || ref_contains(s->ip, filter) ||
           ref_contains(s->state, filter) || (st && ref_contains(st->label, filter));
}

static int ref_str(const char *a, const char *b) { return strcasecmp(a ? a : "", b ? b : ""); }
static int ref_num(double a, double b) { return (a > b) - (a < b); }
static double ref_progress(const sms_server *s)
{
    return s->totalsize > 0 ? (double)s->replicatesize / (double)s->totalsize : 0.0;
}

static int ref_col(const sms_server *a, const sms_server *b, sms_col col)
{
    switch (col) {
    case SMS_COL_NAME:     return ref_str(a->name, b->name);
    case SMS_COL_IP:       return ref_str(a->ip, b->ip);
    case SMS_COL_OS:       return ref_str(a->os_version, b->os_version);
    case SMS_COL_STATE:    return ref_str(a->state, b->state);
    case SMS_COL_CYCLE:    return ref_num(sms_migration_cycle_index(a->migration_cycle),
                                          sms_migration_cycle_index(b->migration_cycle));
    case SMS_COL_PROGRESS: return ref_num(ref_progress(a), ref_progress(b));
    case SMS_COL_SPEED:    return ref_num(a->current_task.migrate_speed, b->current_task.migrate_speed);
    case SMS_COL_ETA:      return ref_num((double)a->current_task.remain_seconds, (double)b->current_task.remain_seconds);
    case SMS_COL_AGENT:    return (int)a->connected - (int)b->connected;
    case SMS_COL_CHANGED:  return ref_num((double)a->state_action_time, (double)b->state_action_time);
    case SMS_COL__COUNT:   break;
    }
    return 0;
}

static const sms_fleet *ref_fleet;
static sms_col ref_sort_col;
static bool ref_desc;

/* Column, name, id (all case-insensitive; descending inverts them), then fleet order. */
static int ref_cmp(const void *pa, const void *pb)
{
    size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
    const sms_server *a = &ref_fleet->servers[ia], *b = &ref_fleet->servers[ib];
    int c = ref_col(a, b, ref_sort_col);
    if (c == 0)
        c = ref_str(a->name, b->name);
    if (c == 0)
        c = ref_str(a->id, b->id);
    if (ref_desc)
        c = -c;
    return c ? c : (ia > ib) - (ia < ib);
}

/* The table's rows must be exactly the reference's, for every column, both ways. */
static void assert_rows_like_reference(sms_fleet_table *t, const sms_fleet *f, const char *filter)
{
    size_t *want = calloc(f->n_servers + 1, sizeof *want);
    assert_non_null(want);
    snprintf(t->filter, sizeof t->filter, "%s", filter);
    for (int col = 0; col < SMS_COL__COUNT; col++) {
        for (int desc = 0; desc < 2; desc++) {
            size_t n = 0;
            for (size_t i = 0; i < f->n_servers; i++)
                if (ref_matches(&f->servers[i], filter))
                    want[n++] = i;
            ref_fleet = f;
            ref_sort_col = (sms_col)col;
            ref_desc = desc;
            qsort(want, n, sizeof *want, ref_cmp);
            t->sort_col = (sms_col)col;
            t->sort_desc = desc;
            sms_fleet_table_rebuild(t);
            assert_int_equal(t->n_rows, n);
            for (size_t r = 0; r < n; r++)
                if (t->rows[r] != want[r])
                    fail_msg("filter \"%s\" column %s%s row %zu: server %zu, expected %zu",
                             filter, sms_cols[col].name, desc ? " desc" : "", r, t->rows[r], want[r]);
        }
    }
    free(want);
}

/* ---- a fleet full of ties ------------------------------------------------------ */

#define BIG 300
static sms_server big[BIG];
static char big_ids[BIG][16];
static uint32_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

#define PICK(pool) (pool)[rng() % (sizeof(pool) / sizeof((pool)[0]))]

static char *names[] = { "web-01", "Web-01", "WEB-01", "web-1", "db-1", "db-10", "db-2", "", NULL,
                         "cache-cluster-node-0001", "cache-cluster-node-0002", "CACHE-cluster-node-0001",
                         "\xc3\xbcml-1", "zz" };
static char *ips[] = { "10.0.0.1", "10.0.0.10", "10.0.0.2", "10.0.0.1", NULL, "",
                       "fd00:1234:5678:9abc::1", "fd00:1234:5678:9abc::2", "FD00:1234:5678:9ABC::1",
                       "fd00:1234:5678:9abc" };
static char *oses[] = { "CentOS 7.9 x86_64 Linux", "centos 7.9 x86_64 linux", "CentOS 7.9 x86_64 Linux 5",
                        "Windows Server 2019", NULL, "Ubuntu" };
static char *states[] = { "waiting", "replicate", "syncing", "finished", "error", "stopped",
                          "cutovering", "not-a-state", NULL };
static char *cycles[] = { "checking", "setting", "replicating", "syncing", "cutovered", "bogus", NULL };
static const double speeds[] = { 0.0, -0.0, 12.5, 12.5, 900.0, -1.0 };
static const int64_t sizes[] = { 0, 100, 100, 300, -5 };
static const int64_t done[] = { 0, 10, 50, 100, 150 };

static void random_server(int i)
{
    sms_server *s = &big[i];
    *s = (sms_server){ .name = PICK(names), .ip = PICK(ips), .os_version = PICK(oses),
                       .state = PICK(states), .migration_cycle = PICK(cycles),
                       .totalsize = PICK(sizes), .replicatesize = PICK(done),
                       .connected = rng() & 1, .state_action_time = (int64_t)(rng() % 4) * 1000,
                       .has_current_task = true };
    s->current_task.migrate_speed = PICK(speeds);
    s->current_task.remain_seconds = (int64_t)(rng() % 3) - 1;
    /* ids unique, but some differ only in case; one server has none */
    snprintf(big_ids[i], sizeof big_ids[i], i % 7 == 3 ? "ID-%03d" : "id-%03d", i % 7 == 3 ? i - 1 : i);
    s->id = i == BIG / 2 ? NULL : big_ids[i];
}

static void shuffle_some(size_t n)
{
    for (size_t k = 0; k < n / 4; k++) {
        size_t a = rng() % n, b = rng() % n;
        sms_server tmp = big[a];
        big[a] = big[b];
        big[b] = tmp;
    }
}

static void sort_and_filter_match_the_reference_through_refreshes(void **state)
{
    (void)state;
    static const char *filters[] = { "", "web", "WEB-0", "10.0.0.1", "fd00", "error", "ing", "\xc3\xbc" };
    sms_fleet_table t;
    sms_fleet f = { .servers = big, .n_servers = BIG };
    rng_state = 42;
    for (int i = 0; i < BIG; i++)
        random_server(i);
    sms_fleet_table_init(&t);
    for (int round = 0; round < 6; round++) {
        sms_fleet_table_update(&t, &f, 1000 * round);
        for (size_t k = 0; k < sizeof filters / sizeof *filters; k++)
            assert_rows_like_reference(&t, &f, filters[k]);
        switch (round) {
        case 0: break;                                          /* same fleet again */
        case 1:                                                 /* renames and new values */
            for (int k = 0; k < BIG / 10; k++) {
                big[rng() % BIG].name = PICK(names);
                big[rng() % BIG].replicatesize = PICK(done);
                big[rng() % BIG].ip = PICK(ips);
            }
            break;
        case 2: shuffle_some(f.n_servers); break;               /* the API's order changed */
        case 3: f.n_servers = BIG * 2 / 3; break;               /* servers deleted */
        case 4:                                                 /* back, renamed */
            f.n_servers = BIG;
            for (int i = BIG * 2 / 3; i < BIG; i++)
                big[i].name = PICK(names);
            break;
        }
    }
    sms_fleet_table_free(&t);
}

/* ---- merging changed rows into the kept order ---------------------------------- */

#define CHURN 2000
static sms_server churn[CHURN];
static char churn_ids[CHURN][16];
static uint64_t churn_revs[CHURN], next_rev;    /* sms_fleet.revs: new when a server changes */

/* 1 % of the servers change what they sort by; now and then one is renamed (new ranks)
 * or two swap places in the API's order: two that tie on every key but the fleet order
 * then change places in the table too. */
static void churn_some(int round)
{
    for (int k = 0; k < CHURN / 100; k++) {
        size_t i = rng() % CHURN;
        sms_server *s = &churn[i];
        churn_revs[i] = ++next_rev;
        switch (rng() % 6) {
        case 0: s->replicatesize = PICK(done); break;
        case 1: s->state = PICK(states); break;
        case 2: s->ip = PICK(ips); break;
        case 3: s->current_task.migrate_speed = PICK(speeds); break;
        case 4: s->connected = !s->connected; break;
        default: s->state_action_time += 1000; break;
        }
    }
    if (round % 7 == 3) {
        size_t i = rng() % CHURN;
        churn[i].name = PICK(names);
        churn_revs[i] = ++next_rev;
    }
    if (round % 5 == 4) {
        size_t a = rng() % (CHURN / 10) * 10 + 2, b = round % 10 == 4 ? a + 1 : rng() % CHURN;
        sms_server tmp = churn[a];
        uint64_t rev = churn_revs[a];
        churn[a] = churn[b];
        churn[b] = tmp;
        churn_revs[a] = churn_revs[b];
        churn_revs[b] = rev;
    }
}

static void churn_fleet_init(void)
{
    rng_state = 2026;
    for (int i = 0; i < CHURN; i++) {
        random_server(0);
        churn[i] = big[0];
        /* unique ids; every tenth differs from the one before only in case, and has
         * its name: the two tie on name and id, the fleet order decides */
        snprintf(churn_ids[i], sizeof churn_ids[i], i % 10 == 3 ? "ID-%05d" : "id-%05d", i % 10 == 3 ? i - 1 : i);
        churn[i].id = churn_ids[i];
        if (i % 10 == 3)
            churn[i].name = churn[i - 1].name;
        churn_revs[i] = ++next_rev;
    }
}

/* A table kept through refreshes merges the few changed rows into its last order; the
 * rows must be exactly those of a full sort of the same fleet (a new table), for every
 * column, both directions, with and without a filter. */
static void merged_rows_match_a_full_sort_through_churn(void **state)
{
    (void)state;
    static const char *filters[] = { "", "ing" };
    enum { N_KEPT = SMS_COL__COUNT * 2 * 2 };
    sms_fleet_table kept[N_KEPT];
    sms_fleet f = { .servers = churn, .n_servers = CHURN };
    churn_fleet_init();
    for (int k = 0; k < N_KEPT; k++) {
        sms_fleet_table_init(&kept[k]);
        kept[k].sort_col = (sms_col)(k / 4);
        kept[k].sort_desc = k / 2 % 2;
        snprintf(kept[k].filter, sizeof kept[k].filter, "%s", filters[k % 2]);
    }
    size_t merges = 0;
    for (int round = 0; round < 40; round++) {
        if (round)
            churn_some(round);
        for (int k = 0; k < N_KEPT; k++) {
            sms_fleet_table full;
            sms_fleet_table_init(&full);
            full.sort_col = kept[k].sort_col;
            full.sort_desc = kept[k].sort_desc;
            snprintf(full.filter, sizeof full.filter, "%s", kept[k].filter);
            sms_fleet_table_update(&kept[k], &f, 1000 * round);
            sms_fleet_table_update(&full, &f, 1000 * round);
            assert_int_equal(kept[k].n_rows, full.n_rows);
            for (size_t r = 0; r < full.n_rows; r++)
                if (kept[k].rows[r] != full.rows[r])
                    fail_msg("round %d column %s%s filter \"%s\" row %zu: server %zu, a full sort has %zu",
                             round, sms_cols[full.sort_col].name, full.sort_desc ? " desc" : "",
                             full.filter, r, kept[k].rows[r], full.rows[r]);
            sms_fleet_table_free(&full);
        }
    }
    for (int k = 0; k < N_KEPT; k++) {
        merges += kept[k].index->merges;
        sms_fleet_table_free(&kept[k]);
    }
    print_message("merges %zu of %d builds\n", merges, N_KEPT * 40);
    assert_true(merges > N_KEPT * 20);          /* most rounds merged rather than sorted */
}

/* With sms_fleet.revs the table takes a server whose number did not change as it was,
 * without reading it: rows, highlights and errors counted must be those of a table that
 * reads every server, through churn, renames, swaps, a sort and a filter changed, and
 * servers removed and back. */
static void revs_skip_only_what_did_not_change(void **state)
{
    (void)state;
    sms_fleet with = { .servers = churn, .n_servers = CHURN, .revs = churn_revs };
    sms_fleet without = { .servers = churn, .n_servers = CHURN };
    sms_fleet_table a, b;
    churn_fleet_init();
    sms_fleet_table_init(&a);
    sms_fleet_table_init(&b);
    a.sort_col = b.sort_col = SMS_COL_STATE;
    for (int round = 0; round < 40; round++) {
        if (round)
            churn_some(round);
        if (round == 12 || round == 30) {       /* the operator sorts by another column */
            a.sort_col = b.sort_col = round == 12 ? SMS_COL_PROGRESS : SMS_COL_NAME;
            a.sort_desc = b.sort_desc = round == 30;
            sms_fleet_table_rebuild(&a);
            sms_fleet_table_rebuild(&b);
        }
        if (round == 20) {                      /* ... and filters */
            snprintf(a.filter, sizeof a.filter, "ing");
            snprintf(b.filter, sizeof b.filter, "ing");
            sms_fleet_table_rebuild(&a);
            sms_fleet_table_rebuild(&b);
        }
        with.n_servers = without.n_servers = round >= 25 && round < 28 ? CHURN - 50 : CHURN;
        int ea = sms_fleet_table_update(&a, &with, 1000 * round);
        int eb = sms_fleet_table_update(&b, &without, 1000 * round);
        assert_int_equal(ea, eb);
        assert_int_equal(a.n_rows, b.n_rows);
        for (size_t r = 0; r < b.n_rows; r++)
            if (a.rows[r] != b.rows[r])
                fail_msg("round %d row %zu: server %zu, reading every server gives %zu", round, r,
                         a.rows[r], b.rows[r]);
        for (size_t i = 0; i < with.n_servers; i++)
            assert_int_equal(sms_fleet_table_changed_until(&a, churn[i].id),
                             sms_fleet_table_changed_until(&b, churn[i].id));
    }
    print_message("skipped %zu servers, merged %zu builds\n", a.index->skipped, a.index->merges);
    assert_true(a.index->skipped > CHURN * 20);
    assert_int_equal(b.index->skipped, 0);
    sms_fleet_table_free(&a);
    sms_fleet_table_free(&b);
}

/* One id listed twice under two names (a page boundary moving while paging). */
static void a_duplicate_id_still_sorts_like_the_reference(void **state)
{
    (void)state;
    sms_fleet_table t;
    sms_fleet f = { .servers = big, .n_servers = 40 };
    rng_state = 7;
    for (int i = 0; i < 40; i++)
        random_server(i);
    big[5].id = big[30].id = "dup";
    big[5].name = "aaa";
    big[30].name = "zzz";
    sms_fleet_table_init(&t);
    sms_fleet_table_update(&t, &f, 0);
    assert_rows_like_reference(&t, &f, "");
    big[30].name = "aaa";                       /* agreeing again: the fast path is back */
    sms_fleet_table_update(&t, &f, 0);
    assert_rows_like_reference(&t, &f, "");
    sms_fleet_table_free(&t);
}

static void a_renamed_server_moves_in_the_name_order(void **state)
{
    (void)state;
    assert_string_equal(row_name(0), "cache-01");
    servers[3].name = "zeta";                   /* cache-01, same id */
    sms_fleet_table_update(&table, &fleet, 2000);
    assert_string_equal(row_name(0), "db-01");
    assert_string_equal(row_name(N - 1), "zeta");
    servers[3].name = "aardvark";
    sms_fleet_table_update(&table, &fleet, 3000);
    assert_string_equal(row_name(0), "aardvark");
}

/* Nothing that orders the rows changed (the cached order is reused), yet a state did. */
static void a_state_change_highlights_when_the_order_is_unchanged(void **state)
{
    (void)state;
    table.sort_col = SMS_COL_PROGRESS;
    sms_fleet_table_rebuild(&table);
    sms_fleet_table_update(&table, &fleet, 2000);
    size_t before[N];
    memcpy(before, table.rows, sizeof before);
    servers[1].state = "replicate";             /* db-01: error -> replicate */
    assert_int_equal(sms_fleet_table_update(&table, &fleet, 3000), 0);
    assert_memory_equal(table.rows, before, sizeof before);
    assert_int_equal(sms_fleet_table_changed_until(&table, "id-b"), 3000 + table.highlight_ms);
    assert_int_equal(sms_fleet_table_changed_until(&table, "id-a"), 0);
    servers[1].state = "error";
    assert_int_equal(sms_fleet_table_update(&table, &fleet, 4000), 1);
    servers[0].replicatesize = 95;              /* web-01 passes Web-03 */
    sms_fleet_table_update(&table, &fleet, 4500);
    assert_string_equal(row_name(3), "web-01");
}

/* A server that leaves the fleet is forgotten: when it comes back it is new. */
static void a_server_that_returns_is_highlighted_as_new(void **state)
{
    (void)state;
    fleet.n_servers = N - 1;                    /* Web-03 (id-e) is gone */
    sms_fleet_table_update(&table, &fleet, 2000);
    assert_int_equal(table.n_rows, N - 1);
    assert_int_equal(table.n_seen, N - 1);
    fleet.n_servers = N;
    sms_fleet_table_update(&table, &fleet, 3000);
    assert_int_equal(sms_fleet_table_changed_until(&table, "id-e"), 3000 + table.highlight_ms);
    assert_int_equal(sms_fleet_table_changed_until(&table, "id-a"), 0);
}

/* Marking what is shown adds each id once, keeps earlier marks and stays sorted. */
static void marking_the_shown_rows_adds_each_id_once(void **state)
{
    (void)state;
    servers[4].id = "id-a";                     /* Web-03 listed under web-01's id */
    sms_fleet_table_update(&table, &fleet, 2000);
    sms_fleet_table_toggle_mark(&table, "id-zzz");              /* not in the fleet */
    sms_fleet_table_toggle_mark(&table, "id-c");
    snprintf(table.filter, sizeof table.filter, "web");
    sms_fleet_table_rebuild(&table);
    assert_int_equal(table.n_rows, 3);
    sms_fleet_table_mark_shown(&table);
    assert_int_equal(table.n_marks, 3);
    assert_string_equal(table.marks[0], "id-a");
    assert_string_equal(table.marks[1], "id-c");
    assert_string_equal(table.marks[2], "id-zzz");
    sms_fleet_table_toggle_mark(&table, "id-a");
    assert_false(sms_fleet_table_marked(&table, "id-a"));
    assert_true(sms_fleet_table_marked(&table, "id-c"));
    sms_fleet_table_toggle_mark(&table, "id-b");               /* inserted in order */
    sms_fleet_table_toggle_mark(&table, "id-0");
    assert_int_equal(table.n_marks, 4);
    assert_string_equal(table.marks[0], "id-0");
    assert_string_equal(table.marks[1], "id-b");
    assert_string_equal(table.marks[2], "id-c");
    assert_true(sms_fleet_table_marked(&table, "id-zzz"));
}

/* sms_fleet_matches takes any filter, longer than the table's too: all of it counts. */
static void a_long_filter_counts_whole(void **state)
{
    (void)state;
    char name[300], filter[300];
    memset(name, 'a', 250);
    name[250] = '\0';
    memcpy(filter, name, 200);
    filter[200] = '\0';
    sms_server s = { .id = "x", .name = name };
    assert_true(sms_fleet_matches(&s, filter));
    filter[199] = 'B';                          /* differs only past the 128th byte */
    assert_false(sms_fleet_matches(&s, filter));
    filter[199] = 'A';
    assert_true(sms_fleet_matches(&s, filter)); /* case-insensitive there as well */
}

/* The selection stays on its server when the API's order of the fleet changes. */
static void the_selection_survives_a_reordered_fleet(void **state)
{
    (void)state;
    sms_fleet_table_select_row(&table, 3);      /* web-02, id-c */
    sms_server tmp = servers[0];
    servers[0] = servers[2];
    servers[2] = tmp;
    sms_fleet_table_update(&table, &fleet, 2000);
    assert_string_equal(sms_fleet_table_selected(&table)->id, "id-c");
    assert_int_equal(table.cursor, 3);
    assert_int_equal(sms_fleet_table_changed_until(&table, "id-c"), 0);   /* moved, not changed */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(sorts_by_name_case_insensitively, setup, teardown),
        cmocka_unit_test_setup_teardown(sorts_by_progress_and_ip, setup, teardown),
        cmocka_unit_test_setup_teardown(filters_by_name_ip_and_state, setup, teardown),
        cmocka_unit_test_setup_teardown(selection_follows_the_server_not_the_row, setup, teardown),
        cmocka_unit_test_setup_teardown(marks_decide_the_targets, setup, teardown),
        cmocka_unit_test(a_repeated_id_is_targeted_once),
        cmocka_unit_test_setup_teardown(state_changes_are_highlighted_and_errors_counted, setup, teardown),
        cmocka_unit_test(sort_and_filter_match_the_reference_through_refreshes),
        cmocka_unit_test(merged_rows_match_a_full_sort_through_churn),
        cmocka_unit_test(revs_skip_only_what_did_not_change),
        cmocka_unit_test(a_duplicate_id_still_sorts_like_the_reference),
        cmocka_unit_test_setup_teardown(a_renamed_server_moves_in_the_name_order, setup, teardown),
        cmocka_unit_test_setup_teardown(a_state_change_highlights_when_the_order_is_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(a_server_that_returns_is_highlighted_as_new, setup, teardown),
        cmocka_unit_test_setup_teardown(the_selection_survives_a_reordered_fleet, setup, teardown),
        cmocka_unit_test_setup_teardown(marking_the_shown_rows_adds_each_id_once, setup, teardown),
        cmocka_unit_test(a_long_filter_counts_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_poller_snapshot.c - the pure parts behind snapshots: sanitising copies reach every
 * string at any depth and keep everything else, errors are sanitised, parts are
 * refcounted, the "state / task state" text. No network. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include "api/snapshot.h"
#include "emulator/fleet.h"

#define EVIL "\x1b[31mred\xe2\x80\xae\x07"      /* ESC sequence, RLO, BEL */
#define CLEAN "?[31mred?"

static void replace(char **s, const char *v)
{
    free(*s);
    *s = strdup(v);
}

/* A rich server (disks, LVM, Btrfs, NICs) with hostile text planted at several depths. */
static void hostile_server(sms_server *s)
{
    assert_int_equal(smsemu_fleet_body(5, 1, s), 0);
    replace(&s->name, EVIL);
    assert_true(s->n_disks > 0 && s->disks[0].n_physical_volumes > 0);
    replace(&s->disks[0].physical_volumes[0].mount_point, EVIL);
    assert_true(s->n_networks > 0);
    replace(&s->networks[0].name, EVIL);
    s->has_current_task = true;
    replace(&s->current_task.subtask_info, EVIL);
    replace(&s->current_task.state, "RUNNING");
}

static void test_sanitized_copy_reaches_every_depth_and_keeps_the_rest(void **state)
{
    (void)state;
    sms_server raw, clean;
    hostile_server(&raw);
    assert_int_equal(sms_sanitized_copy(&SMS_T_SERVER, &clean, &raw), 0);
    assert_string_equal(clean.name, CLEAN);
    assert_string_equal(clean.disks[0].physical_volumes[0].mount_point, CLEAN);
    assert_string_equal(clean.networks[0].name, CLEAN);
    assert_string_equal(clean.current_task.subtask_info, CLEAN);
    /* the rest is a faithful, independent copy */
    assert_string_equal(clean.id ? clean.id : "", raw.id ? raw.id : "");
    assert_string_equal(clean.os_type, raw.os_type);
    assert_int_equal(clean.n_disks, raw.n_disks);
    assert_int_equal(clean.disks[0].size, raw.disks[0].size);
    assert_int_equal(clean.n_volume_groups, raw.n_volume_groups);
    assert_int_equal(clean.n_btrfs_list, raw.n_btrfs_list);
    assert_int_equal(clean.memory, raw.memory);
    assert_int_equal(clean.cpu_quantity, raw.cpu_quantity);
    assert_ptr_not_equal(clean.os_type, raw.os_type);
    assert_string_equal(raw.name, EVIL);                 /* the source is untouched */
    sms_free(&SMS_T_SERVER, &clean);
    sms_free(&SMS_T_SERVER, &raw);
}

static void test_array_copy_cleans_each_item(void **state)
{
    (void)state;
    enum { N = 3 };
    sms_server raw[N];
    for (int i = 0; i < N; i++)
        hostile_server(&raw[i]);
    replace(&raw[2].name, "plain");
    void *out = NULL;
    assert_int_equal(sms_sanitized_copy_array(&SMS_T_SERVER, &out, raw, N), 0);
    sms_server *clean = out;
    assert_string_equal(clean[0].name, CLEAN);
    assert_string_equal(clean[1].networks[0].name, CLEAN);
    assert_string_equal(clean[2].name, "plain");
    for (int i = 0; i < N; i++) {
        sms_free(&SMS_T_SERVER, &clean[i]);
        sms_free(&SMS_T_SERVER, &raw[i]);
    }
    free(out);
    assert_int_equal(sms_sanitized_copy_array(&SMS_T_SERVER, &out, NULL, 0), 0);
    assert_null(out);
}

static void test_call_error_is_sanitised(void **state)
{
    (void)state;
    sms_call_error e = {0};
    e.message = strdup(EVIL);
    e.request_id = strdup("req\n1");
    e.api.error_msg = strdup(EVIL);
    e.api.n_error_param = 1;
    e.api.error_param = calloc(1, sizeof(char *));
    e.api.error_param[0] = strdup(EVIL);
    e.api.n_details = 1;
    e.api.details = calloc(1, sizeof(sms_error_detail));
    e.api.details[0].error_msg = strdup(EVIL);
    sms_call_error_sanitize(&e);
    assert_string_equal(e.message, CLEAN);
    assert_string_equal(e.request_id, "req?1");
    assert_string_equal(e.api.error_msg, CLEAN);
    assert_string_equal(e.api.error_param[0], CLEAN);
    assert_string_equal(e.api.details[0].error_msg, CLEAN);
    sms_call_error_free(&e);
}

static void test_parts_live_until_the_last_reference(void **state)
{
    (void)state;
    sms_fleet *f = sms_fleet_new();
    assert_non_null(f);
    f->n_servers = 1;
    f->servers = calloc(1, sizeof *f->servers);
    f->servers[0].name = strdup("kept");
    sms_snapshot *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    a->fleet = sms_fleet_ref(f);
    b->fleet = sms_fleet_ref(f);
    sms_fleet_unref(f);                       /* the poller's own reference goes */
    assert_int_equal(f->refs, 2);
    sms_snapshot_release(a);
    assert_string_equal(b->fleet->servers[0].name, "kept");   /* still there for b */
    assert_int_equal(b->fleet->refs, 1);
    sms_snapshot_release(b);                  /* ASan: freed exactly once, nothing leaks */
    sms_snapshot_release(NULL);
}

static void test_body_hash_sees_every_byte(void **state)
{
    (void)state;
    char buf[77];          /* two blocks of 4 words, one more word, a tail of 5 bytes */
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)('a' + i % 26);
    uint64_t h = sms_body_hash(buf, sizeof buf);
    assert_true(h == sms_body_hash(buf, sizeof buf));
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] ^= 0x01;
        assert_true(sms_body_hash(buf, sizeof buf) != h);
        buf[i] ^= 0x01;
    }
    char longer[sizeof buf + 1];
    memcpy(longer, buf, sizeof buf);
    longer[sizeof buf] = '\0';
    assert_true(sms_body_hash(longer, sizeof longer) != h);     /* length counts */
    assert_true(sms_body_hash("", 0) != sms_body_hash("\0", 1));
}

static sms_fleet_page *page_of(const char *const *names, size_t n, int32_t count)
{
    sms_fleet_page *pg = calloc(1, sizeof *pg);
    pg->refs = 1;
    pg->count = count;
    pg->items = calloc(n, sizeof *pg->items);
    pg->n_items = n;
    for (size_t i = 0; i < n; i++)
        pg->items[i].name = strdup(names[i]);
    return pg;
}

/* A fleet over pages shares the pages' items, each page referenced once however many of
 * its items the fleet takes; a renewed fleet shares the whole array and outlives the
 * fleet it came from (ASan/LSan: freed once, nothing leaks, nothing read after free). */
static void test_fleets_share_pages_and_servers(void **state)
{
    (void)state;
    static const char *const a[] = { "a0", "a1" }, *const b[] = { "b0" };
    sms_fleet_page *pages[2] = { page_of(a, 2, 3), page_of(b, 1, 3) };
    const sms_server *items[3] = { &pages[0]->items[1], &pages[1]->items[0], &pages[0]->items[0] };
    sms_fleet_page *owners[3] = { pages[0], pages[1], pages[0] };
    sms_fleet *f = sms_fleet_from_items(items, owners, NULL, 3, 3);
    assert_non_null(f);
    assert_int_equal(f->n_servers, 3);
    assert_int_equal(f->count, 3);
    assert_ptr_equal(f->servers[0].name, pages[0]->items[1].name);  /* shallow: shared */
    assert_ptr_equal(f->servers[1].name, pages[1]->items[0].name);
    assert_int_equal(pages[0]->refs, 2);        /* once, though two of its items are in */
    assert_int_equal(pages[1]->refs, 2);
    sms_fleet_page_unref(pages[0]);             /* the fleet keeps its own references */
    sms_fleet_page_unref(pages[1]);
    assert_string_equal(f->servers[2].name, "a0");

    f->overview.waiting = 7;
    sms_fleet *g = sms_fleet_renew(f);
    assert_non_null(g);
    assert_ptr_not_equal(g, f);
    assert_ptr_equal(g->servers, f->servers);
    assert_int_equal(g->n_servers, 3);
    assert_int_equal(g->count, 3);
    assert_int_equal(g->overview.waiting, 7);
    assert_true(g->fetched_ms >= f->fetched_ms);
    sms_fleet_unref(f);
    assert_string_equal(g->servers[0].name, "a1");      /* still there */
    sms_fleet_unref(g);

    sms_fleet *plain = sms_fleet_new();                 /* not made of pages */
    assert_null(sms_fleet_renew(plain));
    sms_fleet_unref(plain);
}

static void test_state_text(void **state)
{
    (void)state;
    sms_server s = { .state = "replicate", .has_current_task = true,
                     .current_task = { .state = "RUNNING" } };
    char *t = sms_server_state_text(&s);
    assert_string_equal(t, "replicate / RUNNING");
    free(t);
    s.has_current_task = false;
    t = sms_server_state_text(&s);
    assert_string_equal(t, "replicate / -");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitized_copy_reaches_every_depth_and_keeps_the_rest),
        cmocka_unit_test(test_array_copy_cleans_each_item),
        cmocka_unit_test(test_call_error_is_sanitised),
        cmocka_unit_test(test_parts_live_until_the_last_reference),
        cmocka_unit_test(test_body_hash_sees_every_byte),
        cmocka_unit_test(test_fleets_share_pages_and_servers),
        cmocka_unit_test(test_state_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

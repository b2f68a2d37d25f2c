/* test_fleet_bad_record.c - one server of a list page with invalid UTF-8 or a NUL, or
 * without a readable id, as a faulty API could send it: the page the poller builds keeps
 * every other server and shows the bad one as such, with its id (when it has one) and
 * what was wrong; the poller's fleet keeps the records without id too, once each across
 * refreshes, counts them, and no action can be sent for them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "api/client.h"
#include "api/poller.h"
#include "api/snapshot.h"
#include "model/codec.h"
#include "poller_testutil.h"
#include "raw_server.h"

/* One answer for the login (X-Subject-Token) and the list (the body) alike. */
static const char body[] =
    "{\"count\":7,\"source_servers\":["
    "{\"id\":\"s1\",\"name\":\"web-01\",\"state\":\"waiting\"},"
    "{\"id\":\"s2\",\"name\":\"bad\xff\xfe\",\"state\":\"waiting\"},"
    "{\"id\":\"s3\",\"name\":\"db-\\u0000-03\",\"state\":\"replicate\"},"
    "{\"id\":\"s4\",\"name\":\"mail-04\",\"state\":\"error\"},"
    "{\"name\":\"x\\u001b[31m\",\"state\":\"waiting\"},"
    "{\"id\":5,\"name\":\"five\",\"state\":\"replicate\"},"
    "{\"id\":\"s7\",\"name\":\"app-07\",\"state\":\"waiting\"}]}";

static void answer_with(char *answer, size_t len)
{
    snprintf(answer, len, "HTTP/1.1 200 OK\r\nX-Subject-Token: tok\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(body), body);
}

/* A client of a canned server that answers every request (login, list) with `body`. */
static sms_client *client_of(raw_server *s, char *answer, size_t len)
{
    char url[64];
    answer_with(answer, len);
    raw_start(s, answer);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s->port);
    sms_client_opts o = { .endpoint = url, .iam_endpoint = url, .user = "admin", .domain = "d", .project = "p",
                          .password = "pw", .timeout_ms = 5000, .max_read_retries = -1, .audit_path = "" };
    sms_call_error e = { 0 };
    sms_client *c = sms_client_new(&o, &e);
    assert_non_null(c);
    return c;
}

static void bad_records_fail_alone(void **state)
{
    (void)state;
    char answer[2048];
    raw_server s;
    sms_call_error e = { 0 };
    sms_client *c = client_of(&s, answer, sizeof answer);
    bool shared = false;
    sms_fleet_page *pg = sms_fleet_page_fetch(c, "", 0, NULL, &shared, &e);
    if (!pg)
        fail_msg("the page failed as a whole: %s", e.message ? e.message : "?");
    assert_int_equal(pg->n_items, 7);
    assert_string_equal(pg->items[0].name, "web-01");
    assert_string_equal(pg->items[3].name, "mail-04");
    assert_string_equal(pg->items[3].state, "error");
    assert_string_equal(pg->items[6].name, "app-07");
    assert_string_equal(pg->items[1].id, "s2");
    assert_string_equal(pg->items[1].name, "[unreadable record] name: invalid UTF-8");
    assert_string_equal(pg->items[2].id, "s3");
    assert_string_equal(pg->items[2].name, "[unreadable record] name: embedded NUL (\\u0000)");
    /* no readable id: a placeholder all the same, with a key of its own, no id, no state
     * (nothing of it is trusted, the escape sequence in its name never reaches a screen) */
    assert_null(pg->items[4].id);
    assert_string_equal(pg->items[4].name, "[unreadable record] id: missing (name: x?[31m)");
    assert_null(pg->items[4].state);
    assert_null(pg->items[5].id);
    assert_string_equal(pg->items[5].name, "[unreadable record] id: expected string");
    assert_non_null(pg->items[4].anon_key);
    assert_non_null(pg->items[5].anon_key);
    assert_string_not_equal(pg->items[4].anon_key, pg->items[5].anon_key);
    sms_fleet_page_unref(pg);
    sms_call_error_free(&e);
    sms_client_free(c);
    raw_stop(&s);
}

/* The client's own listing (--dump, the agents' view) treats them alike: every record
 * listed once, the ones without a readable id as placeholders with a key of their own. */
static void client_list_keeps_records_without_id(void **state)
{
    (void)state;
    char answer[2048];
    raw_server s;
    sms_call_error e = { 0 };
    sms_client *c = client_of(&s, answer, sizeof answer);
    sms_server_list l;
    if (sms_list_servers(c, NULL, &l, &e) != 0)
        fail_msg("the listing failed: %s", e.message ? e.message : "?");
    assert_int_equal(l.n_source_servers, 7);
    assert_string_equal(l.source_servers[1].name, "[unreadable record] name: invalid UTF-8");
    assert_null(l.source_servers[4].id);
    /* raw here: --dump and the agents' view sanitise what they print */
    assert_string_equal(l.source_servers[4].name, "[unreadable record] id: missing (name: x\033[31m)");
    assert_non_null(l.source_servers[4].bad_record);
    assert_non_null(l.source_servers[4].anon_key);
    assert_null(l.source_servers[5].id);
    assert_non_null(l.source_servers[5].anon_key);
    assert_string_equal(l.source_servers[6].name, "app-07");
    sms_free(&SMS_T_SERVER_LIST, &l);
    sms_call_error_free(&e);
    sms_client_free(c);
    raw_stop(&s);
}

static bool fleet_after_full_listings(const sms_snapshot *s, const void *arg)
{
    return s->fleet && s->refresh.full_listings >= *(const uint64_t *)arg;
}

static size_t count_named(const sms_fleet *f, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_servers; i++)
        n += f->servers[i].name && strcmp(f->servers[i].name, name) == 0;
    return n;
}

static void check_fleet(const sms_fleet *f)
{
    assert_int_equal(f->n_servers, 7);
    assert_int_equal(f->n_unreadable, 4);
    assert_int_equal(count_named(f, "[unreadable record] id: missing (name: x?[31m)"), 1);
    assert_int_equal(count_named(f, "[unreadable record] id: expected string"), 1);
    assert_int_equal(count_named(f, "web-01"), 1);
    assert_int_equal(count_named(f, "app-07"), 1);
}

/* The poller's fleet: every record, the ones without id included, once each, refresh
 * after refresh (they are merged by their key, not added again); an action naming one
 * (it has no id: the UI would pass "") is refused before anything is sent. */
static void poller_keeps_records_without_id(void **state)
{
    (void)state;
    char answer[2048], url[64];
    answer_with(answer, sizeof answer);
    raw_server s;
    raw_start(&s, answer);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s.port);
    sms_poller_opts o = {
        .client = { .endpoint = url, .iam_endpoint = url, .user = "admin", .domain = "d", .project = "p",
                    .password = "pw", .timeout_ms = 5000, .max_read_retries = -1, .audit_path = "" },
        .refresh_ms = 60000, .detail_ms = 60000, .max_backoff_ms = 1000, .version_ms = -1, .history_path = "",
    };
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    uint64_t want = 1;
    sms_snapshot *first = pt_wait(p, fleet_after_full_listings, &want, PT_WAIT_MS);
    assert_non_null(first);
    check_fleet(first->fleet);
    sms_poller_refresh_now(p);                      /* the same records listed again */
    want = 2;
    sms_snapshot *again = pt_wait(p, fleet_after_full_listings, &want, PT_WAIT_MS);
    assert_non_null(again);
    check_fleet(again->fleet);

    char *none[] = { "" };
    sms_action_req req = { .kind = SMS_ACT_STOP, .server_ids = none, .n_server_ids = 1 };
    assert_int_equal(sms_poller_submit(p, &req), 0);    /* not queued: nothing to send */
    sms_snapshot_release(first);
    sms_snapshot_release(again);
    sms_poller_stop(p);
    raw_stop(&s);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_records_fail_alone),
        cmocka_unit_test(client_list_keeps_records_without_id),
        cmocka_unit_test(poller_keeps_records_without_id),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}

/* test_fleet_bad_record.c - one server of a list page with invalid UTF-8 or a NUL, as a
 * faulty API could send it: the page the poller builds keeps every other server and
 * shows the bad one as such, with its id and what was wrong. */
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
#include "api/snapshot.h"
#include "raw_server.h"

/* One answer for the login (X-Subject-Token) and the list (the body) alike. */
static const char body[] =
    "{\"count\":3,\"source_servers\":["
    "{\"id\":\"s1\",\"name\":\"web-01\",\"state\":\"waiting\"},"
    "{\"id\":\"s2\",\"name\":\"bad\xff\xfe\",\"state\":\"waiting\"},"
    "{\"id\":\"s3\",\"name\":\"db-\\u0000-03\",\"state\":\"replicate\"},"
    "{\"id\":\"s4\",\"name\":\"mail-04\",\"state\":\"error\"}]}";

static void bad_records_fail_alone(void **state)
{
    (void)state;
    char answer[1024], url[64];
    snprintf(answer, sizeof answer, "HTTP/1.1 200 OK\r\nX-Subject-Token: tok\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(body), body);
    raw_server s;
    raw_start(&s, answer);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s.port);
    sms_client_opts o = { .endpoint = url, .iam_endpoint = url, .user = "admin", .domain = "d", .project = "p",
                          .password = "pw", .timeout_ms = 5000, .max_read_retries = -1, .audit_path = "" };
    sms_call_error e = { 0 };
    sms_client *c = sms_client_new(&o, &e);
    assert_non_null(c);
    bool shared = false;
    sms_fleet_page *pg = sms_fleet_page_fetch(c, "", 0, NULL, &shared, &e);
    if (!pg)
        fail_msg("the page failed as a whole: %s", e.message ? e.message : "?");
    assert_int_equal(pg->n_items, 4);
    assert_string_equal(pg->items[0].name, "web-01");
    assert_string_equal(pg->items[3].name, "mail-04");
    assert_string_equal(pg->items[3].state, "error");
    assert_string_equal(pg->items[1].id, "s2");
    assert_string_equal(pg->items[1].name, "[unreadable record] name: invalid UTF-8");
    assert_string_equal(pg->items[2].id, "s3");
    assert_string_equal(pg->items[2].name, "[unreadable record] name: embedded NUL (\\u0000)");
    sms_fleet_page_unref(pg);
    sms_call_error_free(&e);
    sms_client_free(c);
    raw_stop(&s);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_records_fail_alone),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}

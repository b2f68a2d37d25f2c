/* test_client_iam.c - a hostile or broken IAM, played by a raw socket that answers each
 * connection with canned bytes: a token holding a CR never reaches a header, an error
 * body echoing the request never shows the password, and a stale SK without its AK
 * does not stop a password login. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "api/client.h"
#include "raw_server.h"

#define PASSWORD "s3cret\"PASSWORD\\x"

static sms_client *client_for(const raw_server *s, char *url, size_t len, const char *sk)
{
    snprintf(url, len, "http://127.0.0.1:%d", s->port);
    sms_client_opts o = { .endpoint = url, .iam_endpoint = url, .user = "admin", .domain = "d", .project = "p",
                          .password = PASSWORD, .sk = sk, .timeout_ms = 5000,
                          .max_read_retries = -1, .audit_path = "" };
    sms_call_error e;
    sms_client *c = sms_client_new(&o, &e);
    if (!c)
        fail_msg("sms_client_new: %s", e.message);
    return c;
}

static void token_with_cr_is_refused(void **state)
{
    (void)state;
    raw_server s;
    raw_start(&s, "HTTP/1.1 201 Created\r\nX-Subject-Token: abc\rX-Evil: 1\r\n"
                  "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    char url[64];
    sms_client *c = client_for(&s, url, sizeof url, NULL);
    sms_call_error e;
    assert_int_equal(sms_client_login(c, &e), -1);
    assert_int_equal(e.kind, SMS_E_AUTH);
    assert_non_null(strstr(e.message, "control characters"));
    sms_call_error_free(&e);
    sms_overview ov;
    assert_int_equal(sms_show_overview(c, &ov, &e), -1);     /* tries to log in again, never sends it */
    sms_call_error_free(&e);
    sms_client_free(c);
    raw_stop(&s);
    assert_null(strstr(s.seen, "X-Auth-Token: abc"));
    assert_null(strstr(s.seen, "X-Evil"));
}

/* IAM's 401 echoing the whole request, the password as JSON escapes it. */
static void error_body_echoing_the_password_is_redacted(void **state)
{
    (void)state;
    static const char body[] =
        "{\"error\":{\"code\":401,\"title\":\"Unauthorized\",\"message\":\"bad request "
        "{\\\"password\\\":\\\"s3cret\\\\\\\"PASSWORD\\\\\\\\x\\\"}\"}}";
    char answer[1024];
    snprintf(answer, sizeof answer, "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(body), body);
    raw_server s;
    raw_start(&s, answer);
    char url[64];
    sms_client *c = client_for(&s, url, sizeof url, NULL);
    sms_call_error e;
    assert_int_equal(sms_client_login(c, &e), -1);
    char summary[1024];
    sms_call_error_summary(&e, summary, sizeof summary);
    assert_null(strstr(summary, "PASSWORD"));
    assert_null(strstr(summary, "s3cret"));
    assert_non_null(strstr(summary, "***"));
    assert_non_null(strstr(summary, "bad request"));
    sms_call_error_free(&e);
    sms_client_free(c);
    raw_stop(&s);
}

/* HUAWEICLOUD_SDK_SK left over from another tool, without its AK: a password login. */
static void stale_sk_without_ak_logs_in_with_the_password(void **state)
{
    (void)state;
    raw_server s;
    raw_start(&s, "HTTP/1.1 201 Created\r\nX-Subject-Token: tok\r\nContent-Type: application/json\r\n"
                  "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
    char url[64];
    sms_client *c = client_for(&s, url, sizeof url, "stale-sk");
    sms_call_error e;
    assert_int_equal(sms_client_login(c, &e), 0);
    sms_client_free(c);
    raw_stop(&s);
    assert_int_equal(s.requests, 1);
    assert_non_null(strstr(s.seen, "POST /v3/auth/tokens"));
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(token_with_cr_is_refused),
        cmocka_unit_test(error_body_echoing_the_password_is_redacted),
        cmocka_unit_test(stale_sk_without_ak_logs_in_with_the_password),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}

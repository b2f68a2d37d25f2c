/* test_api_auth.c - pure parts of auth and options: the IAM login body (§6), expiry
 * parsing and refresh timing, option validation in sms_client_new. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "api/client_priv.h"

static const cJSON *at(const cJSON *j, const char *path)
{
    char buf[256];
    strncpy(buf, path, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    for (char *key = strtok(buf, "."); key && j; key = strtok(NULL, "."))
        j = cJSON_GetObjectItemCaseSensitive(j, key);
    return j;
}

static void test_login_body_project_name(void **state)
{
    (void)state;
    char *body = sms_auth_login_body("op\"er", "p\\w\"d", "demo", "ap-southeast-1");
    assert_non_null(body);
    cJSON *j = cJSON_Parse(body);
    assert_non_null(j);
    const cJSON *methods = at(j, "auth.identity.methods");
    assert_string_equal(cJSON_GetArrayItem(methods, 0)->valuestring, "password");
    assert_string_equal(at(j, "auth.identity.password.user.name")->valuestring, "op\"er");
    assert_string_equal(at(j, "auth.identity.password.user.password")->valuestring, "p\\w\"d");
    assert_string_equal(at(j, "auth.identity.password.user.domain.name")->valuestring, "demo");
    assert_string_equal(at(j, "auth.scope.project.name")->valuestring, "ap-southeast-1");
    assert_null(at(j, "auth.scope.project.id"));
    cJSON_Delete(j);
    sms_secret_free(body);
}

static void test_login_body_project_id_and_domain_scope(void **state)
{
    (void)state;
    char *body = sms_auth_login_body("u", "p", "d", "0f5e3c1a9b7d4e2f8a6c4b2d0e9f7a51");
    cJSON *j = cJSON_Parse(body);
    assert_string_equal(at(j, "auth.scope.project.id")->valuestring, "0f5e3c1a9b7d4e2f8a6c4b2d0e9f7a51");
    cJSON_Delete(j);
    sms_secret_free(body);
    body = sms_auth_login_body("u", "p", "d", NULL);
    j = cJSON_Parse(body);
    assert_string_equal(at(j, "auth.scope.domain.name")->valuestring, "d");
    cJSON_Delete(j);
    sms_secret_free(body);
}

static void test_iso8601(void **state)
{
    (void)state;
    assert_int_equal(sms_parse_iso8601_ms("2019-02-13T06:52:13.855000Z"), 1550040733855LL);
    assert_int_equal(sms_parse_iso8601_ms("2019-02-13T06:52:13Z"), 1550040733000LL);
    assert_int_equal(sms_parse_iso8601_ms("1970-01-01T00:00:01.5Z"), 1500);
    assert_int_equal(sms_parse_iso8601_ms("yesterday"), -1);
    assert_int_equal(sms_parse_iso8601_ms("2019-13-13T06:52:13Z"), -1);
    assert_int_equal(sms_parse_iso8601_ms(NULL), -1);
}

static void test_refresh_timing(void **state)
{
    (void)state;
    const int64_t hour = 3600000, day = 24 * hour;
    /* a 24 h token is refreshed at 23 h, whatever the local clock says */
    assert_int_equal(sms_token_refresh_at(1000, 5 * day, 6 * day, 0), 1000 + 23 * hour);
    /* a 1 s token at 0.9 s */
    assert_int_equal(sms_token_refresh_at(0, 10000, 11000, 999999999), 900);
    /* no issued_at: lifetime measured from the local wall clock */
    assert_int_equal(sms_token_refresh_at(0, -1, 20000, 10000), 9000);
    /* already expired: due now */
    assert_int_equal(sms_token_refresh_at(50, -1, 1000, 2000), 50);
}

static void test_options_validation(void **state)
{
    (void)state;
    sms_call_error e;
    sms_client_opts none = { 0 };
    assert_null(sms_client_new(&none, &e));
    assert_int_equal(e.kind, SMS_E_INVALID);
    sms_call_error_free(&e);

    sms_client_opts bad_scheme = { .endpoint = "ftp://x", .token = "t" };
    assert_null(sms_client_new(&bad_scheme, &e));
    assert_int_equal(e.kind, SMS_E_INVALID);
    sms_call_error_free(&e);

    sms_client_opts no_password = { .endpoint = "https://sms.example", .user = "u", .domain = "d",
                                    .audit_path = "" };
    assert_null(sms_client_new(&no_password, &e));
    assert_int_equal(e.kind, SMS_E_INVALID);
    assert_non_null(strstr(e.message, "password"));
    sms_call_error_free(&e);

    sms_client_opts half_key = { .endpoint = "https://sms.example", .auth = SMS_AUTH_AKSK, .ak = "A",
                                 .audit_path = "" };
    assert_null(sms_client_new(&half_key, &e));
    sms_call_error_free(&e);

    sms_client_opts header_split = { .endpoint = "https://sms.example", .token = "t",
                                     .project_id = "p\r\nX-Evil: 1", .audit_path = "" };
    assert_null(sms_client_new(&header_split, &e));
    assert_int_equal(e.kind, SMS_E_INVALID);
    assert_non_null(strstr(e.message, "project_id"));
    sms_call_error_free(&e);

    sms_client_opts ok = { .endpoint = "https://sms.example:8443/base/", .ak = "A", .sk = "S",
                           .audit_path = "" };
    sms_client *c = sms_client_new(&ok, &e);
    assert_non_null(c);
    assert_int_equal(c->auth, SMS_AUTH_AKSK);          /* AUTO picks AK/SK */
    assert_string_equal(c->endpoint_base, "https://sms.example:8443");
    assert_string_equal(c->endpoint_prefix, "/base");
    assert_string_equal(c->host, "sms.example:8443");
    assert_false(sms_client_readonly(c));
    sms_client_free(c);
}

static void test_invalid_requests_send_nothing(void **state)
{
    (void)state;
    sms_client_opts o = { .endpoint = "http://127.0.0.1:9", .token = "t", .audit_path = "" };
    sms_client *c = sms_client_new(&o, NULL);
    assert_non_null(c);
    sms_call_error e;
    assert_int_equal(sms_show_server(c, "../../v3/tasks", NULL, &e), -1);
    assert_int_equal(e.kind, SMS_E_INVALID);
    sms_call_error_free(&e);
    sms_server s;
    assert_int_equal(sms_show_server(c, "a/b", &s, &e), -1);
    assert_int_equal(e.kind, SMS_E_INVALID);
    sms_call_error_free(&e);
    assert_int_equal(sms_task_do_action(c, "t1", "start\"}", &e), -1);
    assert_int_equal(e.kind, SMS_E_INVALID);
    sms_call_error_free(&e);
    assert_int_equal(sms_request(c, "GET", "/v3/sources sp", NULL, false, NULL, NULL, NULL, &e), -1);
    assert_int_equal(e.kind, SMS_E_INVALID);
    sms_call_error_free(&e);
    assert_int_equal(sms_client_get_stats(c).requests, 0);
    sms_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_body_project_name),
        cmocka_unit_test(test_login_body_project_id_and_domain_scope),
        cmocka_unit_test(test_iso8601),
        cmocka_unit_test(test_refresh_timing),
        cmocka_unit_test(test_options_validation),
        cmocka_unit_test(test_invalid_requests_send_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

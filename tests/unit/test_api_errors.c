/* test_api_errors.c - error bodies decoded in the SDK's order (docs/api-model.md §5.1), the
 * fallback to status + sanitised raw text, summaries, copies, retry classification. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "api/client_priv.h"

static const char body_403[] =
    "{\"error_code\":\"SMS.9004\",\"error_msg\":\"You do not have permission to perform action "
    "sms:server:delete on resource\",\"encoded_authorization_message\":\"ENC-abc123\","
    "\"error_param\":[\"sms:server:delete\",\"resource-1\"],"
    "\"details\":[{\"error_code\":\"SMS.9004\",\"error_msg\":\"policy denies\"}]}";

static void test_decode_403_with_all_extras(void **state)
{
    (void)state;
    sms_api_error a;
    assert_int_equal(sms_api_error_decode(body_403, strlen(body_403), &a), 0);
    assert_string_equal(a.error_code, "SMS.9004");
    assert_non_null(strstr(a.error_msg, "sms:server:delete"));
    assert_string_equal(a.encoded_authorization_message, "ENC-abc123");
    assert_int_equal(a.n_error_param, 2);
    assert_string_equal(a.error_param[0], "sms:server:delete");
    assert_string_equal(a.error_param[1], "resource-1");
    assert_int_equal(a.n_details, 1);
    assert_string_equal(a.details[0].error_code, "SMS.9004");
    assert_string_equal(a.details[0].error_msg, "policy denies");
    sms_api_error_clear(&a);
    assert_null(a.error_code);
}

static void test_decode_sms_style(void **state)
{
    (void)state;
    const char *b = "{\"error_code\":\"SMS.1038\",\"error_msg\":\"Only running tasks can be paused\"}";
    sms_api_error a;
    assert_int_equal(sms_api_error_decode(b, strlen(b), &a), 0);
    assert_string_equal(a.error_code, "SMS.1038");
    assert_string_equal(a.error_msg, "Only running tasks can be paused");
    assert_int_equal(a.n_error_param, 0);
    assert_int_equal(a.n_details, 0);
    sms_api_error_clear(&a);
}

static void test_decode_apigw_style_with_request_id(void **state)
{
    (void)state;
    const char *b = "{\"error_msg\":\"Incorrect IAM authentication information: token expires\","
                    "\"error_code\":\"APIGW.0301\",\"request_id\":\"rq-77\"}";
    sms_api_error a;
    assert_int_equal(sms_api_error_decode(b, strlen(b), &a), 0);
    assert_string_equal(a.error_code, "APIGW.0301");
    assert_string_equal(a.request_id, "rq-77");
    sms_api_error_clear(&a);
}

static void test_decode_order_prefers_error_code_over_code(void **state)
{
    (void)state;
    const char *b = "{\"code\":\"X\",\"message\":\"m\",\"errorCode\":\"E2\",\"errorMsg\":\"m2\","
                    "\"error_code\":\"E1\",\"error_msg\":\"m1\"}";
    sms_api_error a;
    assert_int_equal(sms_api_error_decode(b, strlen(b), &a), 0);
    assert_string_equal(a.error_code, "E1");
    assert_string_equal(a.error_msg, "m1");
    sms_api_error_clear(&a);
    const char *b2 = "{\"code\":\"X\",\"message\":\"m\",\"errorCode\":\"E2\",\"errorMsg\":\"m2\"}";
    assert_int_equal(sms_api_error_decode(b2, strlen(b2), &a), 0);
    assert_string_equal(a.error_code, "E2");
    sms_api_error_clear(&a);
}

static void test_decode_nested_keystone_style(void **state)
{
    (void)state;
    const char *b = "{\"error\":{\"code\":401,\"message\":\"The request you have made requires authentication.\","
                    "\"title\":\"Unauthorized\"}}";
    sms_api_error a;
    assert_int_equal(sms_api_error_decode(b, strlen(b), &a), 0);
    assert_string_equal(a.error_code, "401");
    assert_string_equal(a.error_msg, "The request you have made requires authentication.");
    sms_api_error_clear(&a);
}

/* The code and message nested (keystone style), the 403 extras and request_id at the top
 * level: both are read, and a nested value wins over a top-level one. */
static void test_decode_nested_error_with_top_level_extras(void **state)
{
    (void)state;
    const char *b = "{\"error\":{\"code\":\"SMS.9004\",\"message\":\"denied\"},"
                    "\"encoded_authorization_message\":\"ENC-top\",\"request_id\":\"rq-top\","
                    "\"error_param\":[\"sms:server:delete\"],"
                    "\"details\":[{\"error_code\":\"SMS.9004\",\"error_msg\":\"policy denies\"}]}";
    sms_api_error a;
    assert_int_equal(sms_api_error_decode(b, strlen(b), &a), 0);
    assert_string_equal(a.error_code, "SMS.9004");
    assert_string_equal(a.error_msg, "denied");
    assert_string_equal(a.encoded_authorization_message, "ENC-top");
    assert_string_equal(a.request_id, "rq-top");
    assert_int_equal(a.n_error_param, 1);
    assert_string_equal(a.error_param[0], "sms:server:delete");
    assert_int_equal(a.n_details, 1);
    assert_string_equal(a.details[0].error_msg, "policy denies");
    sms_api_error_clear(&a);

    const char *both = "{\"error\":{\"code\":\"E\",\"message\":\"m\",\"request_id\":\"rq-inner\","
                       "\"encoded_authorization_message\":\"ENC-inner\"},"
                       "\"request_id\":\"rq-top\",\"encoded_authorization_message\":\"ENC-top\"}";
    assert_int_equal(sms_api_error_decode(both, strlen(both), &a), 0);
    assert_string_equal(a.request_id, "rq-inner");
    assert_string_equal(a.encoded_authorization_message, "ENC-inner");
    sms_api_error_clear(&a);
}

static void test_decode_garbage_fails_cleanly(void **state)
{
    (void)state;
    const char *bodies[] = { "<html>502 Bad Gateway</html>", "", "[1,2]", "{\"a\":1}", "{\"error_code\":",
                             "\"str\"", "null" };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        sms_api_error a;
        assert_int_equal(sms_api_error_decode(bodies[i], strlen(bodies[i]), &a), -1);
        assert_null(a.error_code);
        assert_null(a.error_msg);
    }
}

/* Every prefix and many byte flips of real bodies: no crash, no leak (ASan), and a
 * result that is either decoded or cleanly empty. */
static void test_decode_survives_mutated_bodies(void **state)
{
    (void)state;
    const char *seeds[] = { body_403, "{\"error\":{\"code\":401,\"message\":\"m\"}}",
                            "{\"errorCode\":\"E\",\"errorMsg\":\"m\",\"details\":[1,{},null]}" };
    uint64_t rng = 12345;
    int decoded = 0;
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        size_t len = strlen(seeds[s]);
        char *buf = malloc(len);
        for (size_t cut = 0; cut <= len; cut++) {          /* not NUL-terminated on purpose */
            memcpy(buf, seeds[s], len);
            sms_api_error a;
            decoded += sms_api_error_decode(buf, cut, &a) == 0;
            sms_api_error_clear(&a);
        }
        for (int round = 0; round < 2000; round++) {
            memcpy(buf, seeds[s], len);
            for (int k = 0; k < 3; k++) {
                rng = rng * 6364136223846793005ull + 1442695040888963407ull;
                buf[(rng >> 33) % len] = (char)(rng >> 56);
            }
            sms_api_error a;
            if (sms_api_error_decode(buf, len, &a) == 0)
                assert_true(a.error_code || a.error_msg);
            else
                assert_null(a.error_code);
            sms_api_error_clear(&a);
        }
        free(buf);
    }
    assert_true(decoded >= 3);          /* the whole seeds decode */
}

static void test_decode_caps_long_message(void **state)
{
    (void)state;
    size_t n = 5000;
    char *b = malloc(n + 64);
    strcpy(b, "{\"error_code\":\"SMS.1\",\"error_msg\":\"");
    size_t at = strlen(b);
    memset(b + at, 'x', n);
    strcpy(b + at + n, "\"}");
    sms_api_error a;
    assert_int_equal(sms_api_error_decode(b, strlen(b), &a), 0);
    assert_int_equal(strlen(a.error_msg), 1024);
    sms_api_error_clear(&a);
    free(b);
}

/* The cap falls between characters: 1023 ASCII bytes and a 2-byte \u00e9 keep 1023 bytes,
 * never half of the \u00e9. */
static void test_decode_caps_at_a_character_boundary(void **state)
{
    (void)state;
    char b[1200];
    strcpy(b, "{\"error_code\":\"SMS.1\",\"error_msg\":\"");
    size_t at = strlen(b);
    memset(b + at, 'x', 1023);
    strcpy(b + at + 1023, "\xc3\xa9\xc3\xa9\"}");
    sms_api_error a;
    assert_int_equal(sms_api_error_decode(b, strlen(b), &a), 0);
    assert_int_equal(strlen(a.error_msg), 1023);
    assert_int_equal(a.error_msg[1022], 'x');
    sms_api_error_clear(&a);
}

static void test_http_error_falls_back_to_sanitised_raw_text(void **state)
{
    (void)state;
    const char raw[] = "<html>\x1b[31mBad\rGateway</html>";
    sms_call_error e = { 0 };
    sms_error_from_http(&e, SMS_E_HTTP, 502, raw, strlen(raw), "rid-9");
    assert_int_equal(e.kind, SMS_E_HTTP);
    assert_int_equal(e.http_status, 502);
    assert_null(e.api.error_code);
    assert_non_null(e.message);
    assert_null(strchr(e.message, '\x1b'));
    assert_null(strchr(e.message, '\r'));
    assert_non_null(strstr(e.message, "Bad"));
    assert_string_equal(e.request_id, "rid-9");
    char buf[256];
    sms_call_error_summary(&e, buf, sizeof buf);
    assert_true(strncmp(buf, "HTTP 502", 8) == 0);
    assert_non_null(strstr(buf, "(request rid-9)"));
    sms_call_error_free(&e);
}

static void test_http_error_request_id_from_body_when_no_header(void **state)
{
    (void)state;
    const char *b = "{\"error_msg\":\"m\",\"error_code\":\"APIGW.0101\",\"request_id\":\"body-rid\"}";
    sms_call_error e = { 0 };
    sms_error_from_http(&e, SMS_E_HTTP, 404, b, strlen(b), NULL);
    assert_string_equal(e.request_id, "body-rid");
    sms_call_error_free(&e);
}

static void test_summary_of_403(void **state)
{
    (void)state;
    sms_call_error e = { 0 };
    sms_error_from_http(&e, SMS_E_HTTP, 403, body_403, strlen(body_403), "5f1c0aa");
    char buf[512];
    sms_call_error_summary(&e, buf, sizeof buf);
    assert_true(strncmp(buf, "HTTP 403 SMS.9004: You do not have permission", 45) == 0);
    assert_non_null(strstr(buf, "(request 5f1c0aa)"));
    /* a short buffer is cut, never overrun */
    char tiny[12];
    sms_call_error_summary(&e, tiny, sizeof tiny);
    assert_int_equal(strlen(tiny), sizeof tiny - 1);
    sms_call_error_free(&e);
}

static void test_summary_transport_and_outcome_unknown(void **state)
{
    (void)state;
    sms_call_error e = { 0 };
    sms_error_from_transport(&e, 28, "Operation timed out after 1000 milliseconds");
    e.outcome_unknown = true;
    e.attempts = 1;
    char buf[512];
    sms_call_error_summary(&e, buf, sizeof buf);
    assert_non_null(strstr(buf, "network error"));
    assert_non_null(strstr(buf, "timed out"));
    assert_non_null(strstr(buf, "(curl 28)"));
    assert_non_null(strstr(buf, "outcome unknown"));
    sms_call_error_free(&e);
}

static void test_summary_of_local_errors(void **state)
{
    (void)state;
    struct { sms_error_kind kind; const char *msg, *want; } cases[] = {
        { SMS_E_CANCELLED, "cancelled", "cancelled" },
        { SMS_E_READONLY, "DELETE /v3/sources/x not sent", "read-only mode: DELETE /v3/sources/x not sent" },
        { SMS_E_DECODE, "disks[1].size: expected number", "bad response: disks[1].size: expected number" },
        { SMS_E_INVALID, "no endpoint", "invalid request: no endpoint" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sms_call_error e = { 0 };
        sms_error_set(&e, cases[i].kind, "%s", cases[i].msg);
        char buf[256];
        sms_call_error_summary(&e, buf, sizeof buf);
        assert_string_equal(buf, cases[i].want);
        sms_call_error_free(&e);
    }
}

static void test_copy_is_deep(void **state)
{
    (void)state;
    sms_call_error e = { 0 };
    sms_error_from_http(&e, SMS_E_HTTP, 403, body_403, strlen(body_403), "rid");
    e.attempts = 2;
    sms_call_error copy;
    assert_int_equal(sms_call_error_copy(&copy, &e), 0);
    sms_call_error_free(&e);            /* the copy must not share anything */
    assert_int_equal(copy.kind, SMS_E_HTTP);
    assert_int_equal(copy.http_status, 403);
    assert_int_equal(copy.attempts, 2);
    assert_string_equal(copy.request_id, "rid");
    assert_string_equal(copy.api.error_code, "SMS.9004");
    assert_string_equal(copy.api.encoded_authorization_message, "ENC-abc123");
    assert_int_equal(copy.api.n_error_param, 2);
    assert_string_equal(copy.api.details[0].error_msg, "policy denies");
    sms_call_error_free(&copy);
}

static void test_retry_classification(void **state)
{
    (void)state;
    assert_true(sms_status_is_retryable(500));
    assert_true(sms_status_is_retryable(502));
    assert_true(sms_status_is_retryable(503));
    assert_true(sms_status_is_retryable(429));
    assert_false(sms_status_is_retryable(400));
    assert_false(sms_status_is_retryable(401));
    assert_false(sms_status_is_retryable(403));
    assert_false(sms_status_is_retryable(404));
    assert_false(sms_status_is_retryable(501));
    assert_true(sms_curl_code_is_retryable(CURLE_OPERATION_TIMEDOUT));
    assert_true(sms_curl_code_is_retryable(CURLE_GOT_NOTHING));
    assert_true(sms_curl_code_is_retryable(CURLE_RECV_ERROR));
    assert_true(sms_curl_code_is_retryable(CURLE_COULDNT_CONNECT));
    assert_false(sms_curl_code_is_retryable(CURLE_PEER_FAILED_VERIFICATION));
    assert_false(sms_curl_code_is_retryable(CURLE_ABORTED_BY_CALLBACK));
    assert_false(sms_curl_code_is_retryable(CURLE_WRITE_ERROR));
}

static void test_outcome_unknown_rules(void **state)
{
    (void)state;
    assert_true(sms_outcome_unknown(0, CURLE_OPERATION_TIMEDOUT, true));
    assert_true(sms_outcome_unknown(0, CURLE_GOT_NOTHING, true));
    assert_false(sms_outcome_unknown(0, CURLE_COULDNT_CONNECT, false));
    assert_true(sms_outcome_unknown(504, 0, true));
    assert_true(sms_outcome_unknown(502, 0, true));
    assert_false(sms_outcome_unknown(500, 0, true));
    assert_false(sms_outcome_unknown(403, 0, true));
}

static void test_backoff_grows_with_jitter_and_cap(void **state)
{
    (void)state;
    uint64_t rng = 42;
    for (int i = 0; i < 50; i++) {
        long d1 = sms_backoff_ms(1, 200, 4000, -1, &rng);
        long d3 = sms_backoff_ms(3, 200, 4000, -1, &rng);
        long d9 = sms_backoff_ms(9, 200, 4000, -1, &rng);
        assert_in_range(d1, 100, 200);
        assert_in_range(d3, 400, 800);
        assert_in_range(d9, 2000, 4000);
    }
    assert_int_equal(sms_backoff_ms(1, 200, 4000, 3, &rng), 3000);     /* Retry-After */
    assert_int_equal(sms_backoff_ms(1, 200, 4000, 600, &rng), 4000);   /* capped */
    /* jitter: not every draw equal */
    long first = sms_backoff_ms(5, 200, 100000, -1, &rng);
    int differ = 0;
    for (int i = 0; i < 20; i++)
        differ |= sms_backoff_ms(5, 200, 100000, -1, &rng) != first;
    assert_true(differ);
}

/* One rule for every count the console shows: a 4xx or a local refusal is "refused"
 * (nothing changed), a possibly applied request "unknown", anything else "failed". */
static void test_call_verdicts(void **state)
{
    (void)state;
    static const struct { sms_error_kind kind; int status; bool unknown; sms_verdict want; } cases[] = {
        { SMS_E_HTTP, 403, false, SMS_V_REFUSED },       /* a viewer's STOP */
        { SMS_E_HTTP, 400, false, SMS_V_REFUSED },       /* wrong state */
        { SMS_E_HTTP, 499, false, SMS_V_REFUSED },
        { SMS_E_AUTH, 401, false, SMS_V_REFUSED },       /* login refused */
        { SMS_E_READONLY, 0, false, SMS_V_REFUSED },     /* never sent */
        { SMS_E_INVALID, 0, false, SMS_V_REFUSED },
        { SMS_E_HTTP, 500, false, SMS_V_FAILED },
        { SMS_E_HTTP, 503, false, SMS_V_FAILED },
        { SMS_E_AUTH, 0, false, SMS_V_FAILED },          /* IAM unreachable */
        { SMS_E_TRANSPORT, 0, false, SMS_V_FAILED },     /* connect refused: nothing sent */
        { SMS_E_CANCELLED, 0, false, SMS_V_FAILED },
        { SMS_E_DECODE, 200, false, SMS_V_FAILED },
        { SMS_E_HTTP, 504, true, SMS_V_UNKNOWN },        /* may have been applied */
        { SMS_E_TRANSPORT, 0, true, SMS_V_UNKNOWN },
        { SMS_E_HTTP, 403, true, SMS_V_UNKNOWN },        /* unknown wins */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sms_call_error e = { .kind = cases[i].kind, .http_status = cases[i].status,
                             .outcome_unknown = cases[i].unknown };
        if (sms_call_verdict(&e) != cases[i].want)
            fail_msg("case %zu (kind %d, HTTP %d, unknown %d): verdict %d, expected %d", i, cases[i].kind,
                     cases[i].status, cases[i].unknown, sms_call_verdict(&e), cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_403_with_all_extras),
        cmocka_unit_test(test_decode_sms_style),
        cmocka_unit_test(test_decode_apigw_style_with_request_id),
        cmocka_unit_test(test_decode_order_prefers_error_code_over_code),
        cmocka_unit_test(test_decode_nested_keystone_style),
        cmocka_unit_test(test_decode_nested_error_with_top_level_extras),
        cmocka_unit_test(test_decode_garbage_fails_cleanly),
        cmocka_unit_test(test_decode_survives_mutated_bodies),
        cmocka_unit_test(test_decode_caps_long_message),
        cmocka_unit_test(test_decode_caps_at_a_character_boundary),
        cmocka_unit_test(test_http_error_falls_back_to_sanitised_raw_text),
        cmocka_unit_test(test_http_error_request_id_from_body_when_no_header),
        cmocka_unit_test(test_summary_of_403),
        cmocka_unit_test(test_summary_transport_and_outcome_unknown),
        cmocka_unit_test(test_summary_of_local_errors),
        cmocka_unit_test(test_copy_is_deep),
        cmocka_unit_test(test_retry_classification),
        cmocka_unit_test(test_outcome_unknown_rules),
        cmocka_unit_test(test_call_verdicts),
        cmocka_unit_test(test_backoff_grows_with_jitter_and_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

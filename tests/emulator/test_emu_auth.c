/* test_emu_auth.c - IAM login, token expiry and revocation, AK/SK verification and the
 * permissions of each identity (full 403 of docs/api-model.md §5.1), over real HTTP. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "api/sign.h"
#include "emu_http.h"

typedef struct fx { smsemu *e; const char *url; char *admin; } fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    smsemu_opts o = {.servers = 0, .seed = 3, .token_ttl_s = 3600};
    f->e = eh_start_opts(&o);
    f->url = smsemu_url(f->e);
    f->admin = eh_login(f->url, "admin", "admin-pass");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    eh_resp r;
    eh_request(f->url, "POST", "/emulator/clock?reset=true", "", NULL, 0, &r);
    eh_resp_free(&r);
    free(f->admin);
    smsemu_stop(f->e);
    free(f);
    return 0;
}

static long login_status(const char *url, const char *body, eh_resp *r)
{
    eh_request(url, "POST", "/v3/auth/tokens", body, NULL, 0, r);
    return r->status;
}

#define LOGIN(user, pw, domain, scope) \
    "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"" user \
    "\",\"password\":\"" pw "\",\"domain\":{\"name\":\"" domain "\"}}}},\"scope\":{\"project\":" scope "}}}"

static void test_login_returns_token_and_body(void **state)
{
    fx *f = *state;
    eh_resp r;
    assert_int_equal(login_status(f->url, LOGIN("operator", "operator-pass", "demo", "{\"name\":\"ap-southeast-3\"}"), &r), 201);
    assert_non_null(r.subject_token);
    assert_true(strlen(r.subject_token) > 32);
    assert_string_equal(eh_str(r.json, "token.user.name"), "operator");
    assert_string_equal(eh_str(r.json, "token.project.name"), SMSEMU_PROJECT);
    assert_string_equal(eh_str(r.json, "token.project.id"), SMSEMU_PROJECT_ID);
    assert_string_equal(eh_str(r.json, "token.user.domain.name"), SMSEMU_DOMAIN);
    assert_string_equal(eh_str(r.json, "token.methods.0"), "password");
    assert_non_null(eh_str(r.json, "token.roles.0.name"));
    const char *exp = eh_str(r.json, "token.expires_at"), *iss = eh_str(r.json, "token.issued_at");
    assert_non_null(exp);
    assert_non_null(iss);
    assert_int_equal(strlen(exp), strlen("2019-02-13T06:52:13.855000Z"));
    assert_true(strcmp(exp, iss) > 0);                 /* ISO text sorts like time */
    assert_non_null(eh_str(r.json, "token.catalog.0.endpoints.0.url"));
    /* the token is not in the body */
    assert_null(strstr(r.body, r.subject_token));
    eh_resp_free(&r);
}

static void test_login_by_project_id_and_nocatalog(void **state)
{
    fx *f = *state;
    eh_resp r;
    eh_request(f->url, "POST", "/v3/auth/tokens?nocatalog=true",
               LOGIN("viewer", "viewer-pass", "demo", "{\"id\":\"" SMSEMU_PROJECT_ID "\"}"), NULL, 0, &r);
    assert_int_equal(r.status, 201);
    assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r.json, "token"), "catalog"));
    eh_resp_free(&r);
}

static void test_login_rejects_bad_credentials(void **state)
{
    fx *f = *state;
    static const char *const bodies[] = {
        LOGIN("admin", "wrong", "demo", "{\"name\":\"ap-southeast-3\"}"),
        LOGIN("nobody", "admin-pass", "demo", "{\"name\":\"ap-southeast-3\"}"),
        LOGIN("admin", "admin-pass", "other", "{\"name\":\"ap-southeast-3\"}"),
        LOGIN("admin", "admin-pass", "demo", "{\"name\":\"cn-north-4\"}"),
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        eh_resp r;
        assert_int_equal(login_status(f->url, bodies[i], &r), 401);
        assert_null(r.subject_token);
        assert_int_equal((int)eh_num(r.json, "error.code"), 401);
        eh_resp_free(&r);
    }
    eh_resp r;
    assert_int_equal(login_status(f->url, "{\"auth\":", &r), 400);
    eh_resp_free(&r);
    assert_int_equal(login_status(f->url, "{\"auth\":{\"identity\":{\"methods\":[\"token\"]}}}", &r), 400);
    eh_resp_free(&r);
}

static void expect_apigw_401(const char *url, const char *token, const char *why)
{
    eh_resp r;
    eh_call(url, token, "GET", "/v3/sources", NULL, &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(eh_str(r.json, "error_code"), "APIGW.0301");
    assert_non_null(eh_str(r.json, "request_id"));
    assert_string_equal(eh_str(r.json, "request_id"), r.request_id);
    if (why)
        assert_non_null(strstr(eh_str(r.json, "error_msg"), why));
    eh_resp_free(&r);
}

static void test_missing_and_unknown_token(void **state)
{
    fx *f = *state;
    expect_apigw_401(f->url, NULL, "x-auth-token not found");
    expect_apigw_401(f->url, "MIIemu-not-a-token", NULL);
    assert_int_equal(eh_call_status(f->url, f->admin, "GET", "/v3/sources", NULL), 200);
}

static void test_token_expires(void **state)
{
    fx *f = *state;
    smsemu *other = eh_start();                          /* its clock is its own */
    char *t2 = eh_login(smsemu_url(other), "viewer", "viewer-pass");
    char *t = eh_login(f->url, "viewer", "viewer-pass");
    eh_resp r;
    assert_int_equal(eh_call_status(f->url, t, "GET", "/v3/sources", NULL), 200);
    eh_request(f->url, "POST", "/emulator/clock?advance_s=3601", "", NULL, 0, &r);   /* ttl 3600 */
    assert_int_equal(r.status, 200);
    eh_resp_free(&r);
    expect_apigw_401(f->url, t, "token expires");
    assert_int_equal(eh_call_status(smsemu_url(other), t2, "GET", "/v3/sources", NULL), 200);
    free(t2);
    smsemu_stop(other);
    eh_request(f->url, "POST", "/emulator/clock?reset=true", "", NULL, 0, &r);
    eh_resp_free(&r);
    free(t);
}

static void test_revoke_tokens(void **state)
{
    fx *f = *state;
    char *t = eh_login(f->url, "operator", "operator-pass");
    assert_int_equal(eh_call_status(f->url, NULL, "POST", "/emulator/revoke-tokens", ""), 200);
    expect_apigw_401(f->url, t, NULL);
    expect_apigw_401(f->url, f->admin, NULL);
    free(t);
    free(f->admin);
    f->admin = eh_login(f->url, "admin", "admin-pass");    /* a new login works again */
    assert_int_equal(eh_call_status(f->url, f->admin, "GET", "/v3/sources", NULL), 200);
}

/* ---- AK/SK -------------------------------------------------------------------------------- */

static void test_reference_vectors(void **state)
{
    (void)state;
    sms_sign_header h[] = {{"Host", "service.endpoint.myhuaweicloud.com"}, {"X-Sdk-Date", "20200608T023900Z"},
                           {"TEST_UNDERSCORE", "ignored"}};
    char *signed_list = NULL;
    char *canon = sms_sign_canonical_request("GET", "/resources", "size=1", h, 3, "", 0, &signed_list);
    assert_non_null(canon);
    assert_string_equal(signed_list, "host;x-sdk-date");
    char sig[65];
    assert_int_equal(sms_sign_signature("SecretKey", "20200608T023900Z", canon, sig), 0);
    assert_string_equal(sig, "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842");
    free(canon);
    free(signed_list);
    const char *body = "{\"name\":\"test\",\"id\":1}";
    canon = sms_sign_canonical_request("POST", "/resources", "size=1", h, 3, body, strlen(body), &signed_list);
    assert_int_equal(sms_sign_signature("SecretKey", "20200608T023900Z", canon, sig), 0);
    assert_string_equal(sig, "436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f");
    free(canon);
    free(signed_list);
}

static void sdk_date(time_t t, char out[20])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 20, "%Y%m%dT%H%M%SZ", &tm);
}

/* Signs and sends one request; ak/sk/date are what the test wants the client to claim. */
static long signed_request(const char *url, const char *ak, const char *sk, time_t when,
                           const char *method, const char *path, const char *query, const char *body,
                           eh_resp *r)
{
    char date[20], host[64], full[512];
    sdk_date(when, date);
    snprintf(host, sizeof host, "%s", url + strlen("http://"));
    sms_sign_header h[] = {{"Host", host}, {"X-Sdk-Date", date}, {"X-Project-Id", SMSEMU_PROJECT_ID}};
    char *authz = sms_sign_authorization(ak, sk, date, method, path, query, h, 3, body, body ? strlen(body) : 0);
    assert_non_null(authz);
    char a[600], d[64], p[80];
    snprintf(a, sizeof a, "Authorization: %s", authz);
    snprintf(d, sizeof d, "X-Sdk-Date: %s", date);
    snprintf(p, sizeof p, "X-Project-Id: %s", SMSEMU_PROJECT_ID);
    const char *hdrs[] = {a, d, p, NULL};
    snprintf(full, sizeof full, "%s%s%s", path, *query ? "?" : "", query);
    eh_request(url, method, full, body, hdrs, 0, r);
    free(authz);
    return r->status;
}

static void test_aksk_accepts_good_signatures(void **state)
{
    fx *f = *state;
    eh_resp r;
    time_t now = time(NULL);
    assert_int_equal(signed_request(f->url, SMSEMU_AK, SMSEMU_SK, now, "GET", "/v3/sources", "limit=5&offset=0", NULL, &r), 200);
    assert_int_equal((int)eh_num(r.json, "count"), 0);
    eh_resp_free(&r);
    assert_int_equal(signed_request(f->url, SMSEMU_AK, SMSEMU_SK, now, "GET", "/v3/tasks",
                                    "name=a%20b&state=RUNNING", NULL, &r), 200);
    eh_resp_free(&r);
    const char *body = "{\"name\":\"signed-host\",\"os_type\":\"LINUX\",\"os_version\":\"CENTOS7.9\",\"ip\":\"10.0.0.9\","
                       "\"agent_version\":\"1\",\"btrfs_list\":[],\"networks\":[{\"name\":\"eth0\",\"ip\":\"10.0.0.9\",\"mac\":\"aa\"}]}";
    assert_int_equal(signed_request(f->url, SMSEMU_AK, SMSEMU_SK, now, "POST", "/v3/sources", "", body, &r), 200);
    assert_non_null(eh_str(r.json, "id"));
    eh_resp_free(&r);
    /* AK/SK acts as admin: deleting is allowed */
    assert_int_equal(signed_request(f->url, SMSEMU_AK, SMSEMU_SK, now, "DELETE", "/v3/sources/no-such-id", "", NULL, &r), 404);
    eh_resp_free(&r);
}

static void expect_aksk_401(const char *url, const char *ak, const char *sk, time_t when)
{
    eh_resp r;
    assert_int_equal(signed_request(url, ak, sk, when, "GET", "/v3/sources", "limit=5", NULL, &r), 401);
    assert_string_equal(eh_str(r.json, "error_code"), "APIGW.0301");
    eh_resp_free(&r);
}

static void test_aksk_rejects_bad_signatures(void **state)
{
    fx *f = *state;
    time_t now = time(NULL);
    expect_aksk_401(f->url, SMSEMU_AK, "wrong-secret", now);
    expect_aksk_401(f->url, "OTHERACCESSKEY", SMSEMU_SK, now);
    expect_aksk_401(f->url, SMSEMU_AK, SMSEMU_SK, now - 16 * 60);     /* clock 16 min behind */
    expect_aksk_401(f->url, SMSEMU_AK, SMSEMU_SK, now + 16 * 60);
    eh_resp r;
    assert_int_equal(signed_request(f->url, SMSEMU_AK, SMSEMU_SK, now - 14 * 60, "GET", "/v3/sources", "", NULL, &r), 200);
    eh_resp_free(&r);
    /* a signature over other query parameters than the ones sent */
    char date[20];
    sdk_date(now, date);
    char host[64];
    snprintf(host, sizeof host, "%s", f->url + strlen("http://"));
    sms_sign_header h[] = {{"Host", host}, {"X-Sdk-Date", date}};
    char *authz = sms_sign_authorization(SMSEMU_AK, SMSEMU_SK, date, "GET", "/v3/sources", "limit=5", h, 2, NULL, 0);
    char a[600], d[64];
    snprintf(a, sizeof a, "Authorization: %s", authz);
    snprintf(d, sizeof d, "X-Sdk-Date: %s", date);
    const char *hdrs[] = {a, d, NULL};
    eh_request(f->url, "GET", "/v3/sources?limit=6", NULL, hdrs, 0, &r);
    assert_int_equal(r.status, 401);
    eh_resp_free(&r);
    const char *garbage[] = {"Authorization: SDK-HMAC-SHA256 nonsense", NULL};
    eh_request(f->url, "GET", "/v3/sources", NULL, garbage, 0, &r);
    assert_int_equal(r.status, 401);
    eh_resp_free(&r);
    free(authz);
}

/* ---- permissions ------------------------------------------------------------------------------ */

typedef struct call { const char *method, *path, *body; } call;

static void expect_full_403(const char *url, const char *token, const call *c)
{
    eh_resp r;
    eh_call(url, token, c->method, c->path, c->body, &r);
    if (r.status != 403)
        fail_msg("%s %s: expected 403, got %ld %s", c->method, c->path, r.status, r.body ? r.body : "");
    assert_string_equal(eh_str(r.json, "error_code"), "SMS.9004");
    assert_non_null(eh_str(r.json, "error_msg"));
    const char *enc = eh_str(r.json, "encoded_authorization_message");
    assert_non_null(enc);
    assert_true(strlen(enc) > 0);
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(r.json, "error_param");
    assert_true(cJSON_IsArray(params));
    assert_in_range(cJSON_GetArraySize(params), 1, 20);
    const cJSON *details = cJSON_GetObjectItemCaseSensitive(r.json, "details");
    assert_true(cJSON_IsArray(details));
    assert_in_range(cJSON_GetArraySize(details), 1, 20);
    assert_string_equal(eh_str(r.json, "details.0.error_code"), "SMS.9004");
    assert_non_null(eh_str(r.json, "details.0.error_msg"));
    eh_resp_free(&r);
}

static void test_viewer_reads_but_every_write_is_403(void **state)
{
    fx *f = *state;
    char *sid = eh_register(f->url, f->admin, "perm-host", "10.1.1.1");
    char *tid = eh_create_task(f->url, f->admin, sid, false);
    char *viewer = eh_login(f->url, "viewer", "viewer-pass");
    char p[12][160];
    snprintf(p[0], 160, "/v3/sources/%s", sid);
    snprintf(p[1], 160, "/v3/tasks/%s", tid);
    snprintf(p[2], 160, "/v3/tasks/%s/action", tid);
    snprintf(p[3], 160, "/v3/tasks/%s/speed-limit", tid);
    snprintf(p[4], 160, "/v3/tasks/%s/log", tid);
    snprintf(p[5], 160, "/v3/tasks/%s/progress", tid);
    snprintf(p[6], 160, "/v3/sources/%s/command_result", sid);
    snprintf(p[7], 160, "/v3/tasks/%s/consistency-result", tid);
    const call reads[] = {{"GET", "/v3/sources", NULL}, {"GET", p[0], NULL}, {"GET", "/v3/tasks", NULL},
                          {"GET", p[1], NULL}, {"GET", "/v3/sources/overview", NULL},
                          {"GET", "/v3/errors?offset=0", NULL}, {"GET", p[3], NULL}, {"GET", p[7], NULL}};
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
        eh_resp r;
        eh_call(f->url, viewer, reads[i].method, reads[i].path, NULL, &r);
        if (r.status != 200)
            fail_msg("viewer %s %s: %ld", reads[i].method, reads[i].path, r.status);
        eh_resp_free(&r);
    }
    const call writes[] = {
        {"POST", "/v3/sources", "{}"}, {"PUT", p[0], "{\"name\":\"x\"}"}, {"DELETE", p[0], NULL},
        {"POST", "/v3/sources/delete", "{\"ids\":[\"x\"]}"}, {"POST", "/v3/tasks", "{}"},
        {"DELETE", p[1], NULL}, {"POST", "/v3/tasks/delete", "{\"ids\":[\"x\"]}"},
        {"POST", p[2], "{\"operation\":\"start\"}"}, {"POST", p[3], "{\"speed_limit\":[]}"},
        {"POST", p[4], "{\"log_bucket\":\"b\"}"}, {"PUT", p[5], "{}"}, {"POST", p[6], "{}"},
        {"POST", p[7], "{}"}, {"POST", "/v3/tasks/consistency-results/export", "{}"},
    };
    for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++)
        expect_full_403(f->url, viewer, &writes[i]);
    /* nothing changed */
    eh_resp r;
    eh_call(f->url, viewer, "GET", p[1], NULL, &r);
    assert_string_equal(eh_str(r.json, "state"), "READY");
    eh_resp_free(&r);
    free(viewer);
    free(sid);
    free(tid);
}

static void test_operator_does_all_but_delete(void **state)
{
    fx *f = *state;
    char *op = eh_login(f->url, "operator", "operator-pass");
    char *sid = eh_register(f->url, op, "op-host", "10.1.1.2");
    char *tid = eh_create_task(f->url, op, sid, false);
    char ps[160], pt[160], pa[160];
    snprintf(ps, sizeof ps, "/v3/sources/%s", sid);
    snprintf(pt, sizeof pt, "/v3/tasks/%s", tid);
    snprintf(pa, sizeof pa, "/v3/tasks/%s/action", tid);
    assert_int_equal(eh_call_status(f->url, op, "POST", pa, "{\"operation\":\"start\"}"), 200);
    const call deletes[] = {{"DELETE", ps, NULL}, {"DELETE", pt, NULL},
                            {"POST", "/v3/sources/delete", "{\"ids\":[\"x\"]}"},
                            {"POST", "/v3/tasks/delete", "{\"ids\":[\"x\"]}"}};
    for (size_t i = 0; i < sizeof deletes / sizeof deletes[0]; i++)
        expect_full_403(f->url, op, &deletes[i]);
    /* admin may delete once the task is paused (the agent confirms the stop) */
    assert_int_equal(eh_call_status(f->url, f->admin, "POST", pa, "{\"operation\":\"stop\"}"), 200);
    eh_expect_error(f->url, f->admin, "DELETE", ps, NULL, 400, "SMS.2015");  /* still stopping */
    char *cmd = eh_agent_poll(f->url, op, sid);
    assert_string_equal(cmd, "START");
    free(cmd);
    cmd = eh_agent_poll(f->url, op, sid);
    assert_string_equal(cmd, "STOP");
    free(cmd);
    assert_int_equal(eh_agent_report(f->url, op, sid, "STOP", "success"), 200);
    assert_int_equal(eh_call_status(f->url, f->admin, "DELETE", ps, NULL), 200);
    assert_int_equal(eh_call_status(f->url, op, "GET", ps, NULL), 404);
    free(op);
    free(sid);
    free(tid);
}

static void test_unknown_route_and_method(void **state)
{
    fx *f = *state;
    eh_resp r;
    eh_expect_error(f->url, f->admin, "GET", "/v3/nothing-here", NULL, 404, "APIGW.0101");
    assert_int_equal(eh_call_status(f->url, f->admin, "PATCH", "/v3/sources", NULL), 405);
    eh_request(f->url, "GET", "/", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(eh_str(r.json, "versions.0.id"), "v3");
    eh_resp_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_login_returns_token_and_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_by_project_id_and_nocatalog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_rejects_bad_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_and_unknown_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_expires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revoke_tokens, setup, teardown),
        cmocka_unit_test(test_reference_vectors),
        cmocka_unit_test_setup_teardown(test_aksk_accepts_good_signatures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aksk_rejects_bad_signatures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_viewer_reads_but_every_write_is_403, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operator_does_all_but_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_route_and_method, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}

/* test_client.c - the client against the in-process emulator over real HTTP: logins,
 * token refresh, AK/SK, paging, decoded 403/404, read-only gate, cancel, retry policy. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "api/agent.h"
#include "api/client.h"
#include "emulator/emulator.h"
#include "model/codec.h"

#define FLEET 12

static smsemu *emu;             /* shared: FLEET servers, no agent activity */

static smsemu *start_emulator(int servers, int token_ttl_s)
{
    smsemu_opts o = { .listen = "127.0.0.1:0", .servers = servers, .seed = 7, .speed = 1.0,
                      .token_ttl_s = token_ttl_s, .no_agents = true, .quiet = true };
    char err[256] = "";
    smsemu *e = smsemu_start(&o, err, sizeof err);
    if (!e)
        fprintf(stderr, "smsemu_start: %s\n", err);
    return e;
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    emu = start_emulator(FLEET, 0);
    return emu ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    smsemu_stop(emu);
    curl_global_cleanup();
    return 0;
}

static int clear_faults(void **state)
{
    (void)state;
    smsemu_clear_faults(emu);
    return 0;
}

static sms_client_opts user_opts(const smsemu *e, const char *user, const char *password)
{
    return (sms_client_opts){ .endpoint = smsemu_url(e), .iam_endpoint = smsemu_url(e), .auth = SMS_AUTH_PASSWORD, .user = user,
                              .domain = SMSEMU_DOMAIN, .project = SMSEMU_PROJECT, .password = password,
                              .timeout_ms = 20000, .audit_path = "" };
}

static sms_client *client_as(const smsemu *e, const char *user, const char *password)
{
    sms_client_opts o = user_opts(e, user, password);
    sms_call_error err;
    sms_client *c = sms_client_new(&o, &err);
    assert_non_null(c);
    return c;
}

static void set_fault(const char *spec)
{
    char err[256];
    const char *specs[] = { spec };
    assert_int_equal(smsemu_set_faults(emu, specs, 1, err, sizeof err), 0);
}

/* The id of some registered server. */
static char *any_server_id(sms_client *c)
{
    sms_server_list l;
    sms_call_error e;
    assert_int_equal(sms_list_servers(c, NULL, &l, &e), 0);
    assert_true(l.n_source_servers > 0);
    char *id = strdup(l.source_servers[0].id);
    sms_free(&SMS_T_SERVER_LIST, &l);
    return id;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static double elapsed_ms(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

/* ---- auth -------------------------------------------------------------------- */

static void test_builtin_identities_log_in(void **state)
{
    (void)state;
    const char *users[][2] = { { "admin", "admin-pass" }, { "operator", "operator-pass" },
                               { "viewer", "viewer-pass" } };
    for (size_t i = 0; i < 3; i++) {
        sms_client *c = client_as(emu, users[i][0], users[i][1]);
        sms_call_error e;
        assert_int_equal(sms_client_login(c, &e), 0);
        sms_overview ov;
        assert_int_equal(sms_show_overview(c, &ov, &e), 0);
        sms_client_stats st = sms_client_get_stats(c);
        assert_int_equal(st.logins, 1);           /* the cached token was reused */
        assert_int_equal(st.requests, 2);
        sms_client_free(c);
    }
}

static void test_bad_password_is_401(void **state)
{
    (void)state;
    sms_client *c = client_as(emu, "admin", "wrong-pass");
    sms_call_error e;
    assert_int_equal(sms_client_login(c, &e), -1);
    assert_int_equal(e.kind, SMS_E_AUTH);
    assert_int_equal(e.http_status, 401);
    char sum[512];
    sms_call_error_summary(&e, sum, sizeof sum);
    assert_non_null(strstr(sum, "401"));
    assert_null(strstr(sum, "wrong-pass"));
    sms_call_error_free(&e);
    /* a call fails the same way and sends no SMS request */
    sms_overview ov;
    assert_int_equal(sms_show_overview(c, &ov, &e), -1);
    assert_int_equal(e.kind, SMS_E_AUTH);
    sms_call_error_free(&e);
    sms_client_free(c);
}

static void test_token_refreshed_after_expiry(void **state)
{
    (void)state;
    smsemu *short_lived = start_emulator(0, 1);
    assert_non_null(short_lived);
    sms_client *c = client_as(short_lived, "operator", "operator-pass");
    sms_call_error e;
    sms_overview ov;
    assert_int_equal(sms_show_overview(c, &ov, &e), 0);
    assert_int_equal(sms_client_get_stats(c).logins, 1);
    struct timespec wait = { 1, 300000000 };     /* let the 1 s token expire */
    nanosleep(&wait, NULL);
    assert_int_equal(sms_show_overview(c, &ov, &e), 0);
    sms_client_stats st = sms_client_get_stats(c);
    assert_int_equal(st.logins, 2);
    assert_int_equal(st.requests, 4);       /* refreshed ahead: no request was refused */
    sms_client_free(c);
    smsemu_stop(short_lived);
}

static void test_revoked_token_relogs_once_on_401(void **state)
{
    (void)state;
    sms_client *c = client_as(emu, "admin", "admin-pass");
    sms_call_error e;
    sms_overview ov;
    assert_int_equal(sms_show_overview(c, &ov, &e), 0);
    smsemu_revoke_tokens(emu);
    assert_int_equal(sms_show_overview(c, &ov, &e), 0);
    sms_client_stats st = sms_client_get_stats(c);
    assert_int_equal(st.logins, 2);
    assert_int_equal(st.requests, 5);        /* login, GET, GET->401, login, GET */
    sms_client_free(c);
}

/* A token refused again right after a fresh login is not retried forever: one re-login,
 * then the 401 is the answer (alarm: the bug this guards against is an endless loop). */
static void test_permanent_401_gives_up_after_one_relogin(void **state)
{
    (void)state;
    sms_client *c = client_as(emu, "admin", "admin-pass");
    set_fault("/v3/sources/overview=revoke");
    sms_call_error e;
    sms_overview ov;
    alarm(20);
    assert_int_equal(sms_show_overview(c, &ov, &e), -1);
    alarm(0);
    assert_int_equal(e.http_status, 401);
    sms_call_error_free(&e);
    sms_client_stats st = sms_client_get_stats(c);
    assert_int_equal(st.logins, 2);
    assert_int_equal(st.requests, 4);        /* login, GET->401, login, GET->401 */
    sms_client_free(c);
}

static void test_aksk_signing(void **state)
{
    (void)state;
    sms_client_opts o = { .endpoint = smsemu_url(emu), .ak = SMSEMU_AK, .sk = SMSEMU_SK,
                          .project_id = SMSEMU_PROJECT_ID, .audit_path = "" };
    sms_call_error e;
    sms_client *c = sms_client_new(&o, &e);
    assert_non_null(c);
    assert_int_equal(sms_client_login(c, &e), 0);
    sms_server_list l;
    assert_int_equal(sms_list_servers(c, NULL, &l, &e), 0);
    assert_int_equal(l.n_source_servers, FLEET);
    sms_free(&SMS_T_SERVER_LIST, &l);
    sms_server_query q = { .name = "no such name & more", .connected = -1 };   /* query encoded + signed */
    assert_int_equal(sms_list_servers(c, &q, &l, &e), 0);
    sms_free(&SMS_T_SERVER_LIST, &l);
    assert_int_equal(sms_client_get_stats(c).logins, 0);
    sms_client_free(c);

    o.sk = "not-the-secret";
    c = sms_client_new(&o, &e);
    sms_overview ov;
    assert_int_equal(sms_show_overview(c, &ov, &e), -1);
    assert_int_equal(e.kind, SMS_E_HTTP);
    assert_int_equal(e.http_status, 401);
    assert_string_equal(e.api.error_code, "APIGW.0301");
    sms_call_error_free(&e);
    sms_client_free(c);
}

static void test_ready_token(void **state)
{
    (void)state;
    sms_client_opts o = { .endpoint = smsemu_url(emu), .token = "not-a-valid-token", .audit_path = "" };
    sms_call_error e;
    sms_client *c = sms_client_new(&o, &e);
    sms_overview ov;
    assert_int_equal(sms_show_overview(c, &ov, &e), -1);
    assert_int_equal(e.http_status, 401);
    assert_int_equal(sms_client_get_stats(c).requests, 1);     /* no refresh possible */
    sms_call_error_free(&e);
    /* login checks a ready token with one read, reported as a login failure */
    assert_int_equal(sms_client_login(c, &e), -1);
    assert_int_equal(e.kind, SMS_E_AUTH);
    assert_int_equal(e.http_status, 401);
    sms_call_error_free(&e);
    sms_client_free(c);
}

/* ---- reads ------------------------------------------------------------------- */

static void test_paging_over_1201_servers(void **state)
{
    (void)state;
    /* 1,201: six full pages of 200 and a last page of one, which must not be dropped */
    smsemu *big = start_emulator(1201, 0);
    assert_non_null(big);
    sms_client *c = client_as(big, "viewer", "viewer-pass");
    sms_server_list l;
    sms_call_error e;
    assert_int_equal(sms_list_servers(c, NULL, &l, &e), 0);
    assert_int_equal(l.count, 1201);
    assert_int_equal(l.n_source_servers, 1201);
    /* every server once: compare sorted ids */
    char **ids = calloc(l.n_source_servers, sizeof *ids);
    for (size_t i = 0; i < l.n_source_servers; i++)
        ids[i] = l.source_servers[i].id;
    qsort(ids, l.n_source_servers, sizeof *ids, compare_strings);
    for (size_t i = 1; i < l.n_source_servers; i++)
        assert_true(strcmp(ids[i - 1], ids[i]) != 0);
    free(ids);
    sms_client_stats st = sms_client_get_stats(c);
    assert_int_equal(st.requests, 1 + 7);     /* login + 6 pages of 200 + 1 of 1 */
    sms_free(&SMS_T_SERVER_LIST, &l);
    sms_client_free(c);
    smsemu_stop(big);
}

static void test_show_server_and_404(void **state)
{
    (void)state;
    sms_client *c = client_as(emu, "viewer", "viewer-pass");
    char *id = any_server_id(c);
    sms_server s;
    sms_call_error e;
    assert_int_equal(sms_show_server(c, id, &s, &e), 0);
    assert_string_equal(s.id, id);
    sms_free(&SMS_T_SERVER, &s);
    assert_int_equal(sms_show_server(c, "0000dead-beef-0000-0000-000000000000", &s, &e), -1);
    assert_int_equal(e.kind, SMS_E_HTTP);
    assert_int_equal(e.http_status, 404);
    assert_non_null(e.api.error_code);
    assert_non_null(e.request_id);
    assert_int_equal(e.attempts, 1);          /* a 404 is not retried */
    sms_call_error_free(&e);
    free(id);
    sms_client_free(c);
}

static void test_request_id_captured(void **state)
{
    (void)state;
    sms_client *c = client_as(emu, "viewer", "viewer-pass");
    sms_response r;
    sms_call_error e;
    assert_int_equal(sms_request(c, "GET", "/v3/sources/overview", NULL, false, NULL, NULL, &r, &e), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(r.request_id);
    assert_true(r.body_len > 0);
    assert_int_equal(r.body[r.body_len], '\0');
    sms_response_free(&r);
    sms_client_free(c);
}

/* ---- errors from mutating calls ------------------------------------------------ */

/* A client as user that audits to a new temporary file (audit: "/tmp/sms_client_audit.XXXXXX"). */
static sms_client *audited_client(char *audit, const char *user, const char *password)
{
    int fd = mkstemp(audit);
    assert_true(fd >= 0);
    close(fd);
    sms_client_opts o = user_opts(emu, user, password);
    o.audit_path = audit;
    o.context = "test";
    sms_client *c = sms_client_new(&o, NULL);
    assert_non_null(c);
    return c;
}

/* Registers a Linux server as its agent would; returns its id (malloc'd). */
static char *register_server(sms_client *c, const char *name, const char *ip, const char *mac)
{
    sms_nic nic = { .name = "eth0", .ip = (char *)ip, .mac = (char *)mac };
    sms_server body = { .name = (char *)name, .ip = (char *)ip, .os_type = "LINUX",
                        .os_version = "CENTOS7.6", .agent_version = "23.1.0", .networks = &nic,
                        .n_networks = 1 };
    char *id = NULL;
    sms_call_error e;
    if (sms_agent_register(c, &body, &id, &e) != 0)
        fail_msg("register %s: %s", name, e.message ? e.message : "?");
    assert_non_null(id);
    return id;
}

/* One line of an audit file, read and removed. */
static void take_audit_line(char *path, char *line, size_t len)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    line[0] = '\0';
    assert_non_null(fgets(line, (int)len, f));
    fclose(f);
    unlink(path);
}

static void test_viewer_403_decoded_with_all_fields(void **state)
{
    (void)state;
    char audit[] = "/tmp/sms_client_audit.XXXXXX";
    sms_client *c = audited_client(audit, "viewer", "viewer-pass");
    char *id = any_server_id(c);
    sms_call_error e;
    assert_int_equal(sms_delete_server(c, id, &e), -1);
    assert_int_equal(e.kind, SMS_E_HTTP);
    assert_int_equal(e.http_status, 403);
    assert_string_equal(e.api.error_code, "SMS.9004");
    assert_non_null(e.api.error_msg);
    assert_non_null(e.api.encoded_authorization_message);
    assert_true(e.api.n_error_param >= 1);
    assert_true(e.api.n_details >= 1);
    assert_non_null(e.api.details[0].error_code);
    assert_non_null(e.request_id);
    assert_false(e.outcome_unknown);
    sms_call_error_free(&e);
    /* audited with the status and code, without the password */
    char line[4096];
    take_audit_line(audit, line, sizeof line);
    assert_non_null(strstr(line, "\"outcome\":\"error\""));       /* the API answered: not "unknown" */
    assert_non_null(strstr(line, "\"http_status\":403"));
    assert_non_null(strstr(line, "\"error_code\":\"SMS.9004\""));
    assert_non_null(strstr(line, id));
    assert_null(strstr(line, "viewer-pass"));
    free(id);
    sms_client_free(c);
}

static void test_readonly_refusal_sends_nothing(void **state)
{
    (void)state;
    sms_client_opts o = user_opts(emu, "admin", "admin-pass");
    o.readonly = true;
    sms_client *c = sms_client_new(&o, NULL);
    assert_true(sms_client_readonly(c));
    sms_call_error e;
    assert_int_equal(sms_delete_server(c, "any-id", &e), -1);
    assert_int_equal(e.kind, SMS_E_READONLY);
    sms_call_error_free(&e);
    assert_int_equal(sms_request(c, "POST", "/v3/tasks/x/action", "{}", true, NULL, NULL, NULL, &e), -1);
    assert_int_equal(e.kind, SMS_E_READONLY);
    sms_call_error_free(&e);
    sms_client_stats st = sms_client_get_stats(c);
    assert_int_equal(st.requests, 0);
    assert_int_equal(st.logins, 0);
    /* reads still work */
    sms_overview ov;
    assert_int_equal(sms_show_overview(c, &ov, &e), 0);
    sms_client_free(c);
}

static void test_mutating_call_not_retried_on_500(void **state)
{
    (void)state;
    sms_client_opts o = user_opts(emu, "admin", "admin-pass");
    o.max_read_retries = 2;
    sms_client *c = sms_client_new(&o, NULL);
    char *id = any_server_id(c);
    char spec[128];
    snprintf(spec, sizeof spec, "/v3/sources/%s=status:500", id);
    set_fault(spec);
    uint64_t before = sms_client_get_stats(c).requests;
    sms_call_error e;
    assert_int_equal(sms_delete_server(c, id, &e), -1);
    assert_int_equal(e.http_status, 500);
    assert_int_equal(e.attempts, 1);
    assert_false(e.outcome_unknown);        /* the server answered */
    sms_call_error_free(&e);
    assert_int_equal(sms_client_get_stats(c).requests - before, 1);
    /* the same path read is retried max_read_retries times */
    before = sms_client_get_stats(c).requests;
    sms_server s;
    assert_int_equal(sms_show_server(c, id, &s, &e), -1);
    assert_int_equal(e.http_status, 500);
    assert_int_equal(e.attempts, 3);
    sms_call_error_free(&e);
    sms_client_stats st = sms_client_get_stats(c);
    assert_int_equal(st.requests - before, 3);
    assert_int_equal(st.retries, 2);
    free(id);
    sms_client_free(c);
}

/* A 502 from the gateway answers, but the service behind it may have applied the change:
 * outcome unknown, not retried, audited as "unknown" with the status. The same DELETE once
 * it works is audited "ok" with its status. */
static void test_gateway_error_on_change_is_outcome_unknown(void **state)
{
    (void)state;
    sms_client *reg = client_as(emu, "admin", "admin-pass");
    char *id = register_server(reg, "gateway-victim", "10.9.9.7", "fa:16:3e:00:00:07");
    sms_client_free(reg);
    char audit[] = "/tmp/sms_client_audit.XXXXXX";
    sms_client *c = audited_client(audit, "admin", "admin-pass");
    char spec[128];
    snprintf(spec, sizeof spec, "/v3/sources/%s=status:502", id);
    set_fault(spec);
    sms_call_error e;
    assert_int_equal(sms_delete_server(c, id, &e), -1);
    assert_int_equal(e.http_status, 502);
    assert_int_equal(e.attempts, 1);
    assert_true(e.outcome_unknown);
    sms_call_error_free(&e);
    char line[4096];
    take_audit_line(audit, line, sizeof line);
    assert_non_null(strstr(line, "\"outcome\":\"unknown\""));
    assert_non_null(strstr(line, "\"http_status\":502"));
    smsemu_clear_faults(emu);
    assert_int_equal(sms_delete_server(c, id, &e), 0);
    take_audit_line(audit, line, sizeof line);
    assert_non_null(strstr(line, "\"outcome\":\"ok\""));
    assert_non_null(strstr(line, "\"http_status\":200"));
    assert_null(strstr(line, "\"request_id\":null"));
    free(id);
    sms_client_free(c);
}

static void test_mutating_call_without_answer_is_outcome_unknown(void **state)
{
    (void)state;
    char audit[] = "/tmp/sms_client_audit.XXXXXX";
    sms_client *c = audited_client(audit, "admin", "admin-pass");
    char *id = any_server_id(c);
    char spec[128];
    snprintf(spec, sizeof spec, "/v3/sources/%s=reset", id);
    set_fault(spec);
    sms_call_error e;
    assert_int_equal(sms_delete_server(c, id, &e), -1);
    assert_int_equal(e.kind, SMS_E_TRANSPORT);
    assert_true(e.outcome_unknown);
    assert_int_equal(e.attempts, 1);
    char sum[512];
    sms_call_error_summary(&e, sum, sizeof sum);
    assert_non_null(strstr(sum, "outcome unknown"));
    sms_call_error_free(&e);
    char line[4096];
    take_audit_line(audit, line, sizeof line);
    assert_non_null(strstr(line, "\"outcome\":\"unknown\""));   /* the server may have deleted it */
    free(id);
    sms_client_free(c);
}

static void test_read_retried_after_reset(void **state)
{
    (void)state;
    sms_client *c = client_as(emu, "viewer", "viewer-pass");
    sms_call_error e;
    assert_int_equal(sms_client_login(c, &e), 0);
    set_fault("/v3/sources/overview=reset,p=0.5");
    int ok = 0;
    for (int i = 0; i < 6; i++) {
        sms_overview ov;
        ok += sms_show_overview(c, &ov, &e) == 0;
        sms_call_error_free(&e);
    }
    assert_true(ok >= 5);                       /* resets are absorbed by retries */
    assert_true(sms_client_get_stats(c).retries >= 1);
    sms_client_free(c);
}

static void test_timeouts_retried_for_reads_unknown_for_changes(void **state)
{
    (void)state;
    sms_client_opts o = user_opts(emu, "admin", "admin-pass");
    o.timeout_ms = 300;
    o.max_read_retries = 1;
    sms_client *c = sms_client_new(&o, NULL);
    /* a server of its own: the delayed delete still happens after the test moves on */
    char *id = register_server(c, "timeout-victim", "10.9.9.8", "fa:16:3e:00:00:02");
    char spec[128];
    snprintf(spec, sizeof spec, "/v3/sources/%s=latency:1500", id);
    set_fault(spec);
    sms_call_error e;
    sms_server s;
    assert_int_equal(sms_show_server(c, id, &s, &e), -1);
    assert_int_equal(e.kind, SMS_E_TRANSPORT);
    assert_int_equal(e.curl_code, CURLE_OPERATION_TIMEDOUT);
    assert_int_equal(e.attempts, 2);
    assert_false(e.outcome_unknown);
    sms_call_error_free(&e);
    assert_int_equal(sms_delete_server(c, id, &e), -1);
    assert_int_equal(e.curl_code, CURLE_OPERATION_TIMEDOUT);
    assert_int_equal(e.attempts, 1);
    assert_true(e.outcome_unknown);          /* the server may still delete it */
    sms_call_error_free(&e);
    free(id);
    sms_client_free(c);
}

/* ---- cancel, size cap, bad bodies --------------------------------------------- */

typedef struct cancel_run {
    sms_client *c;
    int rc;
    sms_call_error e;
    struct timespec done;
} cancel_run;

static void *slow_call(void *arg)
{
    cancel_run *r = arg;
    sms_overview ov;
    r->rc = sms_show_overview(r->c, &ov, &r->e);
    clock_gettime(CLOCK_MONOTONIC, &r->done);
    return NULL;
}

static void test_cancel_interrupts_slow_request(void **state)
{
    (void)state;
    cancel_run r = { .c = client_as(emu, "viewer", "viewer-pass") };
    assert_int_equal(sms_client_login(r.c, &r.e), 0);
    set_fault("/v3/sources/overview=latency:8000");
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, slow_call, &r), 0);
    struct timespec wait = { 0, 300000000 };
    nanosleep(&wait, NULL);                     /* the request is now waiting for its answer */
    struct timespec cancelled;
    clock_gettime(CLOCK_MONOTONIC, &cancelled);
    sms_client_cancel(r.c);
    pthread_join(t, NULL);
    double ms = elapsed_ms(&cancelled, &r.done);
    fprintf(stderr, "cancel took %.1f ms\n", ms);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.e.kind, SMS_E_CANCELLED);
    /* well under libcurl's once-a-second idle callback and the 8 s latency */
    assert_true(ms < 500.0);
    sms_call_error_free(&r.e);
    /* sticky until reset */
    sms_overview ov;
    assert_int_equal(sms_show_overview(r.c, &ov, &r.e), -1);
    assert_int_equal(r.e.kind, SMS_E_CANCELLED);
    sms_call_error_free(&r.e);
    smsemu_clear_faults(emu);
    sms_client_reset_cancel(r.c);
    assert_int_equal(sms_show_overview(r.c, &ov, &r.e), 0);
    sms_client_free(r.c);
}

/* An answer larger than max_response_bytes is refused, whether its length is announced
 * (libcurl's MAXFILESIZE) or not: a chunked body is only caught by counting what arrives. */
static void size_cap_with(const char *const *faults, size_t n_faults)
{
    sms_client_opts o = user_opts(emu, "viewer", "viewer-pass");
    o.max_response_bytes = 4096;
    sms_client *c = sms_client_new(&o, NULL);
    sms_call_error e;
    assert_int_equal(sms_client_login(c, &e), 0);
    char err[256];
    assert_int_equal(smsemu_set_faults(emu, faults, n_faults, err, sizeof err), 0);
    sms_overview ov;
    assert_int_equal(sms_show_overview(c, &ov, &e), -1);
    assert_int_equal(e.kind, SMS_E_TRANSPORT);
    assert_non_null(strstr(e.message, "larger than 4096"));
    assert_int_equal(e.attempts, 1);
    sms_call_error_free(&e);
    sms_client_free(c);
}

static void test_response_size_cap(void **state)
{
    (void)state;
    const char *faults[] = { "/v3/sources/overview=oversize:100000" };
    size_cap_with(faults, 1);
}

static void test_response_size_cap_chunked(void **state)
{
    (void)state;
    const char *faults[] = { "/v3/sources/overview=oversize:100000", "/v3/sources/overview=chunked" };
    size_cap_with(faults, 2);
}

static void test_malformed_body_is_decode_error(void **state)
{
    (void)state;
    sms_client *c = client_as(emu, "viewer", "viewer-pass");
    set_fault("/v3/sources/overview=malformed");
    sms_overview ov;
    sms_call_error e;
    assert_int_equal(sms_show_overview(c, &ov, &e), -1);
    assert_int_equal(e.kind, SMS_E_DECODE);
    assert_int_equal(e.http_status, 200);
    sms_call_error_free(&e);
    sms_client_free(c);
}

/* ---- agent side ------------------------------------------------------------------ */

static void test_agent_registers_and_polls(void **state)
{
    (void)state;
    sms_client *c = client_as(emu, "admin", "admin-pass");
    char *id = register_server(c, "agent-test-1", "10.9.9.9", "fa:16:3e:00:00:01");
    sms_call_error e;
    sms_server s;
    assert_int_equal(sms_show_server(c, id, &s, &e), 0);
    assert_string_equal(s.name, "agent-test-1");
    sms_free(&SMS_T_SERVER, &s);
    sms_command cmd;
    assert_int_equal(sms_agent_get_command(c, id, &cmd, &e), 0);
    sms_free(&SMS_T_COMMAND, &cmd);
    assert_int_equal(sms_delete_server(c, id, &e), 0);
    free(id);
    sms_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_builtin_identities_log_in, clear_faults),
        cmocka_unit_test_teardown(test_bad_password_is_401, clear_faults),
        cmocka_unit_test_teardown(test_token_refreshed_after_expiry, clear_faults),
        cmocka_unit_test_teardown(test_revoked_token_relogs_once_on_401, clear_faults),
        cmocka_unit_test_teardown(test_permanent_401_gives_up_after_one_relogin, clear_faults),
        cmocka_unit_test_teardown(test_aksk_signing, clear_faults),
        cmocka_unit_test_teardown(test_ready_token, clear_faults),
        cmocka_unit_test_teardown(test_paging_over_1201_servers, clear_faults),
        cmocka_unit_test_teardown(test_show_server_and_404, clear_faults),
        cmocka_unit_test_teardown(test_request_id_captured, clear_faults),
        cmocka_unit_test_teardown(test_viewer_403_decoded_with_all_fields, clear_faults),
        cmocka_unit_test_teardown(test_readonly_refusal_sends_nothing, clear_faults),
        cmocka_unit_test_teardown(test_mutating_call_not_retried_on_500, clear_faults),
        cmocka_unit_test_teardown(test_gateway_error_on_change_is_outcome_unknown, clear_faults),
        cmocka_unit_test_teardown(test_mutating_call_without_answer_is_outcome_unknown, clear_faults),
        cmocka_unit_test_teardown(test_read_retried_after_reset, clear_faults),
        cmocka_unit_test_teardown(test_timeouts_retried_for_reads_unknown_for_changes, clear_faults),
        cmocka_unit_test_teardown(test_cancel_interrupts_slow_request, clear_faults),
        cmocka_unit_test_teardown(test_response_size_cap, clear_faults),
        cmocka_unit_test_teardown(test_response_size_cap_chunked, clear_faults),
        cmocka_unit_test_teardown(test_malformed_body_is_decode_error, clear_faults),
        cmocka_unit_test_teardown(test_agent_registers_and_polls, clear_faults),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

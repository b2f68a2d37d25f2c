/* test_emu_faults.c - fault injection over real HTTP: spec parsing, each kind (latency,
 * jitter, status with an SMS body, 429, malformed, truncate, reset, trickle, oversize,
 * revoke), path globs, probabilities deterministic under the seed, the runtime control
 * endpoints and the scenario file. Timeouts are only used to observe that an answer is
 * held back (never to measure how long something took). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "emu_http.h"

typedef struct fx { smsemu *e; const char *url; char *tok; } fx;

static fx *fx_start(const char *const *faults, size_t n, const char *scenario)
{
    fx *f = calloc(1, sizeof *f);
    smsemu_opts o = {.servers = 0, .seed = 42, .faults = faults, .n_faults = n, .scenario_path = scenario};
    f->e = eh_start_opts(&o);
    f->url = smsemu_url(f->e);
    return f;
}

static int setup(void **state)
{
    fx *f = fx_start(NULL, 0, NULL);
    f->tok = eh_login(f->url, "admin", "admin-pass");
    *state = f;
    return 0;
}

static void fx_stop(fx *f)
{
    free(f->tok);
    smsemu_stop(f->e);
    free(f);
}

static int teardown(void **state)
{
    fx_stop(*state);
    return 0;
}

static void set_faults(fx *f, const char *lines)
{
    eh_resp r;
    eh_request(f->url, "PUT", "/emulator/faults", lines, NULL, 0, &r);
    if (r.status != 200)
        fail_msg("PUT /emulator/faults: %ld %s", r.status, r.body ? r.body : "");
    eh_resp_free(&r);
}

static void test_parse_specs(void **state)
{
    (void)state;
    static const char *const good[] = {
        "/v3/sources*=status:503,p=0.3", "*=latency:3000", "*=jitter:500", "/v3/tasks*=truncate",
        "*=malformed,p=0.1", "*=reset,p=0.05", "*=trickle:200", "*=oversize:50000000", "*=status:429",
        "*=revoke", "*=reset,p=0", "*=reset,p=1", "*=chunked",
    };
    static const char *const bad[] = {
        "", "*", "=reset", "*=explode", "*=latency", "*=latency:abc", "*=reset:5", "*=status:200",
        "*=status:600", "*=chunked:5", "*=reset,p=1.5", "*=reset,p=-0.1", "*=reset,q=0.5", "*=trickle:0", "*=latency:-1",
    };
    char err[256];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (smsemu_parse_fault(good[i], err, sizeof err) != 0)
            fail_msg("'%s' rejected: %s", good[i], err);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        if (smsemu_parse_fault(bad[i], err, sizeof err) == 0)
            fail_msg("'%s' accepted", bad[i]);
        assert_true(strlen(err) > 0);
    }
    /* a bad spec at start is an error, not ignored */
    const char *faults[] = {"*=explode"};
    smsemu_opts o = {.listen = "127.0.0.1:0", .faults = faults, .n_faults = 1, .quiet = true};
    err[0] = 0;
    assert_null(smsemu_start(&o, err, sizeof err));
    assert_non_null(strstr(err, "explode"));
}

static void test_status_faults_carry_error_bodies(void **state)
{
    fx *f = *state;
    set_faults(f, "/v3/sources*=status:503\n/v3/tasks*=status:429\n");
    eh_expect_error(f->url, f->tok, "GET", "/v3/sources", NULL, 503, "SMS.2007");
    eh_resp r;
    eh_call(f->url, f->tok, "GET", "/v3/tasks", NULL, &r);
    assert_int_equal(r.status, 429);
    assert_non_null(eh_str(r.json, "error_code"));
    eh_resp_free(&r);
    /* a status fault answers before the handler: nothing happens */
    assert_int_equal(eh_call_status(f->url, f->tok, "POST", "/v3/sources", "{}"), 503);
    /* other paths and the control endpoints are untouched */
    assert_int_equal(eh_call_status(f->url, NULL, "GET", "/", NULL), 200);
    eh_request(f->url, "GET", "/emulator/stats", NULL, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_true(eh_num(r.json, "faults_applied") >= 3);
    eh_resp_free(&r);
    eh_request(f->url, "GET", "/emulator/faults", NULL, NULL, 0, &r);
    assert_string_equal(eh_str(r.json, "faults.0.spec"), "/v3/sources*=status:503");
    assert_int_equal((int)eh_num(r.json, "faults.0.matched"), 2);
    eh_resp_free(&r);
    assert_int_equal(eh_call_status(f->url, NULL, "DELETE", "/emulator/faults", NULL), 200);
    assert_int_equal(eh_call_status(f->url, f->tok, "GET", "/v3/sources", NULL), 200);
}

static void test_bad_runtime_spec_keeps_old_rules(void **state)
{
    fx *f = *state;
    set_faults(f, "# comment\n\n/v3/tasks*=status:500\n");
    eh_resp r;
    eh_request(f->url, "PUT", "/emulator/faults", "*=reset\n*=bogus\n", NULL, 0, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(eh_str(r.json, "error_msg"), "bogus"));
    eh_resp_free(&r);
    assert_int_equal(eh_call_status(f->url, f->tok, "GET", "/v3/tasks", NULL), 500);  /* still the old rule */
    assert_int_equal(eh_call_status(f->url, f->tok, "GET", "/v3/sources", NULL), 200);  /* and no reset */
}

static void test_malformed_truncate_reset(void **state)
{
    fx *f = *state;
    eh_resp r;
    set_faults(f, "/v3/sources=malformed\n");
    eh_call(f->url, f->tok, "GET", "/v3/sources", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.curl_code, CURLE_OK);
    assert_true(r.len > 0);
    assert_null(r.json);                                   /* not JSON */
    eh_resp_free(&r);
    set_faults(f, "/v3/sources=truncate\n");
    eh_call(f->url, f->tok, "GET", "/v3/sources", NULL, &r);
    assert_int_equal(r.curl_code, CURLE_PARTIAL_FILE);
    eh_resp_free(&r);
    set_faults(f, "/v3/sources=reset\n");
    eh_call(f->url, f->tok, "GET", "/v3/sources", NULL, &r);
    assert_int_equal(r.curl_code, CURLE_GOT_NOTHING);
    assert_int_equal(r.status, 0);
    eh_resp_free(&r);
}

static void test_oversize(void **state)
{
    fx *f = *state;
    set_faults(f, "/v3/sources=oversize:200000\n");
    eh_resp r;
    eh_call(f->url, f->tok, "GET", "/v3/sources", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 200000);
    assert_non_null(r.json);                               /* still valid JSON */
    assert_int_equal((int)eh_num(r.json, "count"), 0);     /* with the real content */
    eh_resp_free(&r);
}

/* chunked: the same body, but no length announced (what a proxy or a streaming server sends) */
static void test_chunked(void **state)
{
    fx *f = *state;
    eh_resp r;
    eh_call(f->url, f->tok, "GET", "/v3/sources", NULL, &r);
    assert_true(r.has_length);
    assert_false(r.chunked);
    eh_resp_free(&r);
    set_faults(f, "/v3/sources=oversize:200000\n/v3/sources=chunked\n");
    eh_call(f->url, f->tok, "GET", "/v3/sources", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(r.chunked);
    assert_false(r.has_length);
    assert_int_equal(r.len, 200000);
    assert_non_null(r.json);
    assert_int_equal((int)eh_num(r.json, "count"), 0);
    eh_resp_free(&r);
}

/* With rule alone in force, GET /v3/sources as f's user, giving up after timeout_ms
 * (0 = the default 20 s). */
static void get_sources_under(fx *f, const char *rule, long timeout_ms, eh_resp *r)
{
    char auth[600];
    snprintf(auth, sizeof auth, "X-Auth-Token: %s", f->tok);
    const char *h[] = {auth, NULL};
    set_faults(f, rule);
    eh_request(f->url, "GET", "/v3/sources", NULL, h, timeout_ms, r);
}

static void expect_held_back(fx *f, const char *rule)
{
    eh_resp r;
    get_sources_under(f, rule, 300, &r);
    assert_int_equal(r.curl_code, CURLE_OPERATION_TIMEDOUT);
    eh_resp_free(&r);
}

static void expect_answered(fx *f, const char *rule)
{
    eh_resp r;
    get_sources_under(f, rule, 0, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal((int)eh_num(r.json, "count"), 0);
    eh_resp_free(&r);
}

/* Latency, jitter and trickle hold the answer back: a client with a short timeout gives
 * up (28), one without gets the answer. */
static void test_latency_jitter_trickle(void **state)
{
    fx *f = *state;
    expect_held_back(f, "/v3/sources=latency:3000\n");
    expect_answered(f, "/v3/sources=latency:200\n");
    expect_held_back(f, "/v3/sources=trickle:20\n");     /* ~30 bytes at 20 B/s */
    expect_answered(f, "/v3/sources=trickle:100000\n");
    set_faults(f, "/v3/sources=jitter:100\n");
    for (int i = 0; i < 3; i++)
        assert_int_equal(eh_call_status(f->url, f->tok, "GET", "/v3/sources", NULL), 200);
    eh_resp r;
    eh_request(f->url, "GET", "/emulator/faults", NULL, NULL, 0, &r);
    assert_int_equal((int)eh_num(r.json, "faults.0.matched"), 3);
    eh_resp_free(&r);
}

static void test_revoke_fault(void **state)
{
    fx *f = *state;
    set_faults(f, "/v3/tasks=revoke\n");
    assert_int_equal(eh_call_status(f->url, f->tok, "GET", "/v3/sources", NULL), 200);
    eh_expect_error(f->url, f->tok, "GET", "/v3/tasks", NULL, 401, "APIGW.0301");
    /* every token is gone */
    assert_int_equal(eh_call_status(f->url, f->tok, "GET", "/v3/sources", NULL), 401);
}

/* The outcome sequence of a p=0.5 rule over 40 requests. */
static void outcome_pattern(const char *const *faults, size_t n, char out[41])
{
    fx *f = fx_start(faults, n, NULL);
    for (int i = 0; i < 40; i++) {
        eh_resp r;
        eh_request(f->url, "GET", "/v3/sources", NULL, NULL, 0, &r);
        out[i] = r.status == 503 ? 'F' : '.';
        eh_resp_free(&r);
    }
    out[40] = 0;
    fx_stop(f);
}

static void test_probability_is_deterministic(void **state)
{
    (void)state;
    const char *faults[] = {"/v3/sources=status:503,p=0.5"};
    char a[41], b[41];
    outcome_pattern(faults, 1, a);
    outcome_pattern(faults, 1, b);
    assert_string_equal(a, b);
    assert_non_null(strchr(a, 'F'));                       /* it fires ... */
    assert_non_null(strchr(a, '.'));                       /* ... but not always */
    const char *never[] = {"/v3/sources=status:503,p=0"};
    outcome_pattern(never, 1, a);
    assert_null(strchr(a, 'F'));
}

static void test_scenario_file(void **state)
{
    (void)state;
    char path[] = "/tmp/smsemu-scenario-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "# take the task API away\n\n  /v3/tasks*=status:500  \n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    fx *f = fx_start(NULL, 0, path);
    assert_int_equal(eh_call_status(f->url, NULL, "GET", "/v3/tasks/abc", NULL), 500);
    fx_stop(f);
    /* a bad line names the file and the line */
    fd = open(path, O_WRONLY | O_TRUNC);
    const char bad[] = "*=latency:1\n*=nonsense\n";
    assert_int_equal(write(fd, bad, sizeof bad - 1), (ssize_t)(sizeof bad - 1));
    close(fd);
    smsemu_opts o = {.listen = "127.0.0.1:0", .scenario_path = path, .quiet = true};
    char err[256] = "";
    assert_null(smsemu_start(&o, err, sizeof err));
    assert_non_null(strstr(err, ":2:"));
    unlink(path);
}

static void test_library_fault_api(void **state)
{
    fx *f = *state;
    const char *specs[] = {"/v3/sources=status:500"};
    char err[128];
    assert_int_equal(smsemu_set_faults(f->e, specs, 1, err, sizeof err), 0);
    assert_int_equal(eh_call_status(f->url, f->tok, "GET", "/v3/sources", NULL), 500);
    const char *bad[] = {"/v3/sources=nope"};
    assert_int_equal(smsemu_set_faults(f->e, bad, 1, err, sizeof err), -1);
    smsemu_clear_faults(f->e);
    assert_int_equal(eh_call_status(f->url, f->tok, "GET", "/v3/sources", NULL), 200);
    smsemu_revoke_tokens(f->e);
    assert_int_equal(eh_call_status(f->url, f->tok, "GET", "/v3/sources", NULL), 401);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_specs),
        cmocka_unit_test_setup_teardown(test_status_faults_carry_error_bodies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_runtime_spec_keeps_old_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_truncate_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_latency_jitter_trickle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revoke_fault, setup, teardown),
        cmocka_unit_test(test_probability_is_deterministic),
        cmocka_unit_test(test_scenario_file),
        cmocka_unit_test_setup_teardown(test_library_fault_api, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}

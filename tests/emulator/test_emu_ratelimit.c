/* test_emu_ratelimit.c - `--rate-limit N/min` (per token: 429 APIG.0308 with the gateway
 * body and Retry-After once N requests are spent, other tokens unaffected, agents' own
 * calls exempt), the `count:N` fault (a pager that repeats its first page and claims N),
 * and the control endpoints the refresh tests use (/emulator/server, /emulator/move) with
 * the read counters of /emulator/stats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu_http.h"

static void test_rate_limit_per_token(void **state)
{
    (void)state;
    smsemu_opts o = { .servers = 0, .quiet = true, .rate_limit_per_min = 5 };
    smsemu *e = eh_start_opts(&o);
    const char *base = smsemu_url(e);
    char *a = eh_login(base, "admin", "admin-pass"), *v = eh_login(base, "viewer", "viewer-pass");
    for (int i = 0; i < 5; i++)
        assert_int_equal(eh_call_status(base, a, "GET", "/v3/sources/overview", NULL), 200);
    eh_resp r;
    eh_call(base, a, "GET", "/v3/sources/overview", NULL, &r);
    assert_int_equal(r.status, 429);
    assert_string_equal(eh_str(r.json, "error_code"), "APIG.0308");
    assert_non_null(eh_str(r.json, "error_msg"));
    assert_non_null(eh_str(r.json, "request_id"));
    assert_non_null(r.retry_after);
    long wait = atol(r.retry_after);
    assert_true(wait >= 1 && wait <= 12);           /* one request back after 60 / 5 s */
    eh_resp_free(&r);
    /* a mutating call is throttled the same way */
    assert_int_equal(eh_call_status(base, a, "POST", "/v3/tasks/x/action", "{\"operation\":\"stop\"}"), 429);
    /* another token has its own budget */
    assert_int_equal(eh_call_status(base, v, "GET", "/v3/sources/overview", NULL), 200);
    char path[96];
    snprintf(path, sizeof path, "/emulator/stats");
    eh_call(base, NULL, "GET", path, NULL, &r);
    assert_true(eh_num(r.json, "throttled") >= 2);
    eh_resp_free(&r);
    free(a);
    free(v);
    smsemu_stop(e);
}

static void test_rate_limit_spares_agents(void **state)
{
    (void)state;
    smsemu_opts o = { .servers = 0, .quiet = true, .rate_limit_per_min = 2 };
    smsemu *e = eh_start_opts(&o);
    const char *base = smsemu_url(e);
    char *t = eh_login(base, "admin", "admin-pass");
    char *id = eh_register(base, t, "agent-1", "10.0.0.1");
    for (int i = 0; i < 5; i++) {
        char *cmd = eh_agent_poll(base, t, id);         /* the command channel */
        assert_non_null(cmd);
        free(cmd);
    }
    assert_int_equal(eh_call_status(base, t, "GET", "/v3/sources/overview", NULL), 200);
    assert_int_equal(eh_call_status(base, t, "GET", "/v3/sources/overview", NULL), 200);
    assert_int_equal(eh_call_status(base, t, "GET", "/v3/sources/overview", NULL), 429);
    free(id);
    free(t);
    smsemu_stop(e);
}

static void test_count_fault_repeats_the_first_page(void **state)
{
    (void)state;
    smsemu_opts o = { .servers = 0, .quiet = true };
    smsemu *e = eh_start_opts(&o);
    const char *base = smsemu_url(e);
    char *t = eh_login(base, "admin", "admin-pass");
    char *a = eh_register(base, t, "one", "10.0.0.1"), *b = eh_register(base, t, "two", "10.0.0.2");
    char err[256];
    const char *spec = "/v3/sources=count:500";
    assert_int_equal(smsemu_set_faults(e, &spec, 1, err, sizeof err), 0);
    eh_resp r;
    eh_call(base, t, "GET", "/v3/sources?limit=200&offset=2", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal((int)eh_num(r.json, "count"), 500);
    const cJSON *items = cJSON_GetObjectItem(r.json, "source_servers");
    assert_int_equal(cJSON_GetArraySize(items), 2);     /* offset ignored */
    eh_resp_free(&r);
    free(a);
    free(b);
    free(t);
    smsemu_stop(e);
}

static void test_control_server_and_move(void **state)
{
    (void)state;
    smsemu_opts o = { .servers = 0, .quiet = true };
    smsemu *e = eh_start_opts(&o);
    const char *base = smsemu_url(e);
    char *t = eh_login(base, "admin", "admin-pass");
    char *ids[20];
    for (int i = 0; i < 20; i++) {
        char name[16], ip[16];
        snprintf(name, sizeof name, "s%02d", i);
        snprintf(ip, sizeof ip, "10.0.0.%d", i + 1);
        ids[i] = eh_register(base, t, name, ip);
    }
    char path[200];
    snprintf(path, sizeof path, "/emulator/server?id=%s&state=replicate&migration_cycle=replicating"
             "&replicatesize=5&totalsize=10", ids[3]);
    assert_int_equal(eh_call_status(base, NULL, "POST", path, NULL), 200);
    eh_resp r;
    eh_call(base, t, "GET", "/v3/sources?state=replicate", NULL, &r);
    assert_int_equal((int)eh_num(r.json, "count"), 1);
    eh_resp_free(&r);
    snprintf(path, sizeof path, "/v3/sources/%s", ids[3]);
    eh_call(base, t, "GET", path, NULL, &r);
    assert_string_equal(eh_str(r.json, "state"), "replicate");
    assert_string_equal(eh_str(r.json, "migration_cycle"), "replicating");
    assert_int_equal((int)eh_num(r.json, "replicatesize"), 5);
    eh_resp_free(&r);
    assert_int_equal(eh_call_status(base, NULL, "POST", "/emulator/server?id=nope&state=error", NULL), 404);
    assert_int_equal(eh_call_status(base, NULL, "POST", "/emulator/server?id=x&state=Bad!", NULL), 400);

    eh_call(base, NULL, "POST", "/emulator/move?servers=10", NULL, &r);
    assert_int_equal((int)eh_num(r.json, "moved"), 10);
    eh_resp_free(&r);
    eh_call(base, t, "GET", "/v3/sources/overview", NULL, &r);
    assert_int_equal((int)eh_num(r.json, "replicate"), 6);   /* 5 moved + the one set above */
    assert_int_equal((int)eh_num(r.json, "syncing"), 3);
    assert_int_equal((int)eh_num(r.json, "cutovering"), 1);
    assert_int_equal((int)eh_num(r.json, "error"), 1);
    eh_resp_free(&r);
    eh_call(base, NULL, "GET", "/emulator/stats", NULL, &r);
    assert_true(eh_num(r.json, "overview_requests") >= 1);
    assert_true(eh_num(r.json, "list_requests") >= 1);
    assert_true(eh_num(r.json, "show_requests") >= 1);
    eh_resp_free(&r);
    for (int i = 0; i < 20; i++)
        free(ids[i]);
    free(t);
    smsemu_stop(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_limit_per_token),
        cmocka_unit_test(test_rate_limit_spares_agents),
        cmocka_unit_test(test_count_fault_repeats_the_first_page),
        cmocka_unit_test(test_control_server_and_move),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

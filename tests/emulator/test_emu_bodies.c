/* test_emu_bodies.c - hostile bodies on every route that reads one: each gets a 400 with
 * an SMS error body (error_code + error_msg), the service keeps answering, and nothing
 * leaks (ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "emu_http.h"

static char *nested(size_t depth)
{
    char *s = malloc(2 * depth + 1);
    memset(s, '[', depth);
    memset(s + depth, ']', depth);
    s[2 * depth] = 0;
    return s;
}

static void test_hostile_bodies_everywhere(void **state)
{
    (void)state;
    smsemu *e = eh_start();
    const char *url = smsemu_url(e);
    char *tok = eh_login(url, "admin", "admin-pass");
    char *sid = eh_register(url, tok, "body-host", "10.7.0.1");
    char *tid = eh_create_task(url, tok, sid, false);
    char p[8][160];
    snprintf(p[0], 160, "/v3/sources/%s", sid);
    snprintf(p[1], 160, "/v3/sources/%s/command_result", sid);
    snprintf(p[2], 160, "/v3/tasks/%s/action", tid);
    snprintf(p[3], 160, "/v3/tasks/%s/progress", tid);
    snprintf(p[4], 160, "/v3/tasks/%s/speed-limit", tid);
    snprintf(p[5], 160, "/v3/tasks/%s/log", tid);
    snprintf(p[6], 160, "/v3/tasks/%s/consistency-result", tid);
    const struct { const char *method, *path; } routes[] = {
        {"POST", "/v3/sources"}, {"PUT", p[0]}, {"POST", "/v3/sources/delete"}, {"POST", p[1]},
        {"POST", "/v3/tasks"}, {"POST", "/v3/tasks/delete"}, {"POST", p[2]}, {"PUT", p[3]},
        {"POST", p[4]}, {"POST", p[5]}, {"POST", p[6]}, {"POST", "/v3/tasks/consistency-results/export"},
        {"POST", "/v3/auth/tokens"},
    };
    char *deep = nested(5000);
    const char *bodies[] = {
        "", "{", "[]", "null", "42", "\"text\"", "{\"a\":", "{\"name\":\"x\"}}", "\xff\xfe{}",
        "{\"name\":\"a\\u0000b\"}", "{\"ids\":[1,2,3]}", "{\"operation\":[\"start\"]}",
        "{\"progress\":1e400,\"subtask_name\":\"X\"}", "{\"speed_limit\":[{}]}", "{\"log_bucket\":{}}",
        "{\"consistency_result\":\"none\"}", "{\"task_info\":[{\"task_id\":5}]}", deep,
        "{\"operation\":\"start\",\"name\":\"x\",\"log_bucket\":\"b\"} trailing",
        "{\"name\":\"bad \xc3\x28 utf8\",\"operation\":\"\xed\xa0\x80\"}",
    };
    for (size_t r = 0; r < sizeof routes / sizeof routes[0]; r++)
        for (size_t b = 0; b < sizeof bodies / sizeof bodies[0]; b++) {
            eh_resp x;
            eh_call(url, tok, routes[r].method, routes[r].path, bodies[b], &x);
            if (x.status != 400)
                fail_msg("%s %s body #%zu: %ld %s", routes[r].method, routes[r].path, b, x.status,
                         x.body ? x.body : "");
            bool keystone = strcmp(routes[r].path, "/v3/auth/tokens") == 0;
            if (keystone)
                assert_non_null(eh_str(x.json, "error.message"));
            else {
                assert_non_null(eh_str(x.json, "error_code"));
                assert_non_null(eh_str(x.json, "error_msg"));
            }
            eh_resp_free(&x);
        }
    free(deep);
    /* still serving, and nothing was changed by all that */
    eh_resp x;
    eh_call(url, tok, "GET", p[0], NULL, &x);
    assert_int_equal(x.status, 200);
    assert_string_equal(eh_str(x.json, "name"), "body-host");
    eh_resp_free(&x);
    snprintf(p[7], 160, "/v3/tasks/%s", tid);
    eh_call(url, tok, "GET", p[7], NULL, &x);
    assert_string_equal(eh_str(x.json, "state"), "READY");
    eh_resp_free(&x);
    free(sid);
    free(tid);
    free(tok);
    smsemu_stop(e);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_bodies_everywhere),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}

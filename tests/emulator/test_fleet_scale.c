/* test_fleet_scale.c - a fleet of 10,000 agents: smsemu_start returns with every one
 * registered, and once they run, the agents and the wave driver stay within their
 * request budget. Prints figures; the only time-based check is an upper bound on the
 * request rate, which a slower machine can only make easier to meet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include "emu_http.h"
#include "emulator/agents.h"
#include "emulator/emulator.h"
#include "emulator/wave.h"

#define N_AGENTS 10000
#define SAMPLE_MS 3000

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double requests_served(const char *url)
{
    eh_resp r = {0};
    assert_int_equal(eh_request(url, "GET", "/emulator/stats", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(r.json, "requests");
    assert_true(cJSON_IsNumber(n));
    double v = n->valuedouble;
    eh_resp_free(&r);
    return v;
}

static void test_ten_thousand_agents(void **state)
{
    (void)state;
    smsemu_opts o = {.listen = "127.0.0.1:0", .servers = N_AGENTS, .seed = 11, .speed = 1.0,
                     .token_ttl_s = 86400, .quiet = true};
    char err[256] = "";
    double t0 = mono_s();
    smsemu *e = smsemu_start(&o, err, sizeof err);
    if (!e)
        fail_msg("smsemu_start: %s", err);
    printf("# %d agents registered in %.2f s\n", N_AGENTS, mono_s() - t0);

    const char *url = smsemu_url(e);
    char *token = eh_login(url, "viewer", "viewer-pass");
    eh_resp r = {0};
    assert_int_equal(eh_call(url, token, "GET", "/v3/sources?limit=1", NULL, &r), 0);
    assert_int_equal(r.status, 200);
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(r.json, "count");
    assert_true(cJSON_IsNumber(count));
    assert_int_equal((int)count->valuedouble, N_AGENTS);
    eh_resp_free(&r);

    double before = requests_served(url), t1 = mono_s();
    struct timespec pause = {SAMPLE_MS / 1000, (long)(SAMPLE_MS % 1000) * 1000000L};
    nanosleep(&pause, NULL);
    double served = requests_served(url) - before, secs = mono_s() - t1;
    double rate = served / secs, budget = FLEET_MAX_RATE + SMSEMU_WAVE_MAX_RATE;
    printf("# running: %.0f requests/s (budget %.0f: agents %d + wave %d)\n", rate, budget,
           FLEET_MAX_RATE, SMSEMU_WAVE_MAX_RATE);
    assert_true(served > 0);                      /* the fleet is alive */
    assert_true(rate <= budget * 1.1 + 10);       /* + the two stats requests, rounding */

    free(token);
    t0 = mono_s();
    smsemu_stop(e);
    printf("# stopped in %.2f s\n", mono_s() - t0);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ten_thousand_agents),
    };
    int failed = cmocka_run_group_tests_name("fleet scale", tests, NULL, NULL);
    curl_global_cleanup();
    return failed;
}

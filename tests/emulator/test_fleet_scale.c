/* test_fleet_scale.c - a fleet of 10,000 agents at speed 10: smsemu_start returns with
 * every one registered; the request budget holds by construction (the scheduler's poll
 * period and the throttles' spacing, checked as numbers, never by timing requests); and
 * although each agent polls only every ~37 s, no healthy agent is shown disconnected,
 * while the agents that stopped polling are. The measured request rate is printed only.
 * The emulator runs in the group's setup and stops in its teardown, which cmocka runs
 * after a failed assert too (a leaked running fleet would hang the exit). */
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
#define SEED 11
#define SPEED 10.0
#define SAMPLE_MS 1000

typedef struct scale { smsemu *emu; const char *url; char *token; } scale;

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int scale_setup(void **state)
{
    smsemu_opts o = {.listen = "127.0.0.1:0", .servers = N_AGENTS, .seed = SEED,
                     .speed = SPEED, .token_ttl_s = 86400, .quiet = true};
    char err[256] = "";
    double t0 = mono_s();
    scale *s = calloc(1, sizeof *s);
    s->emu = smsemu_start(&o, err, sizeof err);
    if (!s->emu) {
        fprintf(stderr, "smsemu_start: %s\n", err);
        free(s);
        return -1;
    }
    printf("# %d agents registered in %.2f s\n", N_AGENTS, mono_s() - t0);
    s->url = smsemu_url(s->emu);
    s->token = eh_login(s->url, "viewer", "viewer-pass");
    *state = s;
    return 0;
}

static int scale_teardown(void **state)
{
    scale *s = *state;
    double t0 = mono_s();
    free(s->token);
    smsemu_stop(s->emu);
    printf("# stopped in %.2f s\n", mono_s() - t0);
    free(s);
    return 0;
}

/* `count` of GET /v3/sources with the given query. */
static int count_sources(scale *s, const char *query)
{
    char path[128];
    snprintf(path, sizeof path, "/v3/sources?limit=1%s", query);
    eh_resp r = {0};
    assert_int_equal(eh_call(s->url, s->token, "GET", path, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(r.json, "count");
    assert_true(cJSON_IsNumber(count));
    int n = (int)count->valuedouble;
    eh_resp_free(&r);
    return n;
}

static void advance_clock(scale *s, int64_t ms)
{
    char path[64];
    snprintf(path, sizeof path, "/emulator/clock?advance_s=%lld", (long long)((ms + 999) / 1000));
    eh_resp r = {0};
    assert_int_equal(eh_request(s->url, "POST", path, "", NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    eh_resp_free(&r);
}

static double requests_served(scale *s)
{
    eh_resp r = {0};
    assert_int_equal(eh_request(s->url, "GET", "/emulator/stats", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(r.json, "requests");
    assert_true(cJSON_IsNumber(n));
    double v = n->valuedouble;
    eh_resp_free(&r);
    return v;
}

static void test_every_agent_registered(void **state)
{
    scale *s = *state;
    assert_int_equal(count_sources(s, ""), N_AGENTS);
}

/* The budget by construction: one turn per agent per poll period, 1.5 requests a turn
 * on average, fits FLEET_MAX_RATE; the workers' spacing and the wave driver's never
 * allow more than their caps, whatever the machine. */
static void test_request_budget_holds(void **state)
{
    scale *s = *state;
    int64_t period = smsemu_poll_period_ms(s->emu);
    printf("# poll period %lld ms for %d agents (cap %d requests/s)\n", (long long)period,
           N_AGENTS, FLEET_MAX_RATE);
    assert_true(period > 0);
    assert_true(period * FLEET_MAX_RATE >= (int64_t)N_AGENTS * 1000);       /* turns */
    assert_true(2 * period * FLEET_MAX_RATE >= 3 * (int64_t)N_AGENTS * 1000); /* requests */
    for (int workers = 1; workers <= FLEET_WORKERS; workers++)
        assert_true(1000000.0 * workers / (double)smsemu_worker_spacing_us(workers) <=
                    FLEET_MAX_RATE);
    assert_true(1000.0 / (double)smsemu_wave_spacing_ms() <= SMSEMU_WAVE_MAX_RATE);

    double before = requests_served(s), t1 = mono_s();
    struct timespec pause = {SAMPLE_MS / 1000, (long)(SAMPLE_MS % 1000) * 1000000L};
    nanosleep(&pause, NULL);
    double served = requests_served(s) - before;
    printf("# running: %.0f requests/s measured (budget %d agents + %d wave)\n",
           served / (mono_s() - t1), FLEET_MAX_RATE, SMSEMU_WAVE_MAX_RATE);
    assert_true(served > 1);                      /* the fleet is alive (not a rate check) */
}

/* Emulated time moves on by 1.5 poll periods (far beyond 60 s / speed): agents that
 * polled a period ago are still connected. Past the window, the agents that never poll
 * again (the plan's "disconnected" ones) are shown disconnected. */
static void test_connectivity_window_fits_the_poll_period(void **state)
{
    scale *s = *state;
    int64_t period = smsemu_poll_period_ms(s->emu);
    int64_t window = smsemu_connect_window_ms(s->emu);
    printf("# connectivity window %lld ms\n", (long long)window);
    assert_true(window >= 3 * period);
    int silent = 0;
    for (int i = 0; i < N_AGENTS; i++) {
        smsemu_wave_plan p;
        smsemu_wave_plan_of(SEED, i, &p);
        silent += p.disconnected;
    }
    assert_true(silent > 0);

    advance_clock(s, period * 3 / 2);
    assert_int_equal(count_sources(s, "&connected=false"), 0);
    advance_clock(s, window);
    assert_true(count_sources(s, "&connected=false") >= silent);

    eh_resp r = {0};
    eh_request(s->url, "POST", "/emulator/clock?reset=true", "", NULL, 0, &r);
    eh_resp_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_agent_registered),
        cmocka_unit_test(test_request_budget_holds),
        cmocka_unit_test(test_connectivity_window_fits_the_poll_period),
    };
    int failed = cmocka_run_group_tests_name("fleet scale", tests, scale_setup, scale_teardown);
    curl_global_cleanup();
    return failed;
}

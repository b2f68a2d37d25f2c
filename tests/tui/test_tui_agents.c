/* test_tui_agents.c - the Agents pane on a real terminal against an emulator that
 * simulates an agent rollout (smsemu --inventory-out/--inventory-extra): every one of
 * the four states appears with its reason (not installed -1, installing 2001,
 * installed 0, failed 1003 and 8), unexpected hosts are named, a silent agent turns
 * from installing to failed when its install window ends, the dashboard counts them,
 * and the pane sorts, filters, marks and opens a server in the Migration pane. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"
#include "tui_expect.h"
#include "emulator/emulator.h"
#include "emulator/fleet.h"
#include "emulator/rollout.h"
#include "model/codec.h"

#define N_AGENTS 30
#define N_EXTRA 3
#define SEED 7
#define WINDOW_S "20"               /* --agent-install-window: installing, then failed */

static smsemu *emu;
static char url[128], inventory[64];
static smsemu_rollout_role roles[N_AGENTS];
static const char *argv_agents[24];
static const char *const env[] = { "SMS_PASSWORD=admin-pass", NULL };

static int group_setup(void **state)
{
    (void)state;
    char err[256];
    snprintf(inventory, sizeof inventory, "/tmp/smsconsole-agents-%d.csv", (int)getpid());
    smsemu_opts o = { .listen = "127.0.0.1:0", .servers = N_AGENTS, .seed = SEED, .speed = 20.0,
                      .quiet = true, .inventory_out = inventory, .inventory_extra = N_EXTRA };
    emu = smsemu_start(&o, err, sizeof err);
    if (!emu) {
        fprintf(stderr, "emulator: %s\n", err);
        return -1;
    }
    snprintf(url, sizeof url, "%s", smsemu_url(emu));
    smsemu_rollout_roles(SEED, N_AGENTS, roles);
    const char *argv[] = { "smsconsole", "--endpoint", url, "--iam-endpoint", url, "--user", "admin",
                           "--domain", SMSEMU_DOMAIN, "--project", SMSEMU_PROJECT, "--refresh", "1",
                           "--inventory", inventory, "--agent-install-window", WINDOW_S, NULL };
    memcpy(argv_agents, argv, sizeof argv);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    smsemu_stop(emu);
    unlink(inventory);
    return 0;
}

/* Name of the first agent with this role (from its register body). */
static void name_of_role(smsemu_rollout_role role, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int i = 0; i < N_AGENTS; i++) {
        if (roles[i] != role)
            continue;
        sms_server body;
        assert_int_equal(smsemu_fleet_body(SEED, i, &body), 0);
        snprintf(buf, len, "%s", body.name);
        sms_free(&SMS_T_REGISTER, &body);
        return;
    }
    fail_msg("no agent with role %d", (int)role);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until the row naming `host` shows both texts (the pane refreshes every second). */
static void expect_row(tui *t, const char *host, const char *a, const char *b)
{
    char row[512];
    int64_t deadline = now_ms() + TUI_DEADLINE_MS;
    for (;;) {
        int r;
        if (tui_find(t, host, &r, NULL)) {
            tui_row(t, r, row, sizeof row);
            if (strstr(row, a) && strstr(row, b))
                return;
        }
        if (now_ms() > deadline)
            break;
        tui_wait_frames(t, 1, 1000);
    }
    tui_dump(t, host);
    fail_msg("row of %s never showed \"%s\" and \"%s\"", host, a, b);
}

static tui *start_agents_pane(void)
{
    tui *t = tui_start_ready(60, 200, argv_agents, env, "Servers 30/30");
    tui_type(t, ":agents\r");
    tui_expect_text(t, "Agents 33/33");
    return t;
}

static void every_state_with_its_reason(void **state)
{
    (void)state;
    char silent[64], old_os[64], unlisted[64], normal[64];
    name_of_role(SMSEMU_ROLLOUT_SILENT, silent, sizeof silent);
    name_of_role(SMSEMU_ROLLOUT_OS_UNSUPPORTED, old_os, sizeof old_os);
    name_of_role(SMSEMU_ROLLOUT_UNLISTED, unlisted, sizeof unlisted);
    name_of_role(SMSEMU_ROLLOUT_NORMAL, normal, sizeof normal);
    tui *t = start_agents_pane();
    expect_row(t, "new-host-001", "not installed", "-1 agent not installed");
    expect_row(t, normal, "installed", "0 agent installed and connected");
    expect_row(t, old_os, "failed", "1003 OS not supported");
    expect_row(t, unlisted, "unexpected", "registered but not in the inventory");
    /* the silent agent: registered, its link drops, installing until the window ends */
    expect_row(t, silent, "installing", "2001 registered, waiting for the first connection");
    expect_row(t, silent, "failed", "8 no client process detected");
    /* the selected row's hint says what to do */
    tui_type(t, "/new-host-001\r");
    tui_expect_text(t, "Agents 1/33");
    tui_expect_text(t, "new-host-001: -1 agent not installed. Install the SMS agent on the host");
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void dashboard_counts_the_four_states(void **state)
{
    (void)state;
    tui *t = start_agents_pane();
    tui_type(t, "5");
    tui_expect_text(t, "Agents:");
    tui_expect_text(t, "not installed 3");
    int r;
    char row[512];
    assert_true(tui_find(t, "Agents:", &r, NULL));
    tui_row(t, r, row, sizeof row);
    int installing = -1, installed = -1, failed = -1, unexpected = -1;
    const char *p;
    if ((p = strstr(row, "installing ")))
        installing = atoi(p + strlen("installing "));
    if ((p = strstr(row, "  installed ")))            /* chips are two blanks apart */
        installed = atoi(p + strlen("  installed "));
    if ((p = strstr(row, "failed ")))
        failed = atoi(p + strlen("failed "));
    if ((p = strstr(row, "unexpected ")))
        unexpected = atoi(p + strlen("unexpected "));
    if (installing < 0 || installed < 1 || failed < 1 || unexpected != 1 ||
        installing + installed + failed + unexpected != N_AGENTS) {
        tui_dump(t, "agent counts");
        fail_msg("counts: installing %d installed %d failed %d unexpected %d", installing, installed, failed,
                 unexpected);
    }
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void sort_filter_mark_and_open(void **state)
{
    (void)state;
    char old_os[64];
    name_of_role(SMSEMU_ROLLOUT_OS_UNSUPPORTED, old_os, sizeof old_os);
    tui *t = start_agents_pane();
    tui_type(t, ":sort state desc\r");
    tui_expect_text(t, "agents sorted by state (descending)");
    char row[512];
    tui_settle(t);
    tui_row(t, 3, row, sizeof row);                 /* tab bar, title, header, first row */
    assert_non_null(strstr(row, "unexpected"));
    tui_type(t, "/OS not supp\r");
    tui_expect_text(t, "Agents 1/33");
    expect_row(t, old_os, "failed", "1003");
    tui_type(t, " ");                               /* mark it: a registered server */
    tui_expect_text(t, "marked: 1");
    tui_type(t, "\r");                              /* the servers filter hides it: says so */
    tui_expect_text(t, "is not in the Servers pane's rows (filter: OS not supp)");
    tui_type(t, "/\025");                           /* ^U: the filter becomes its name */
    tui_type(t, old_os);
    tui_type(t, "\r");
    tui_expect_text(t, "Agents 1/33");
    tui_type(t, "\r");                              /* Enter drills into that server */
    tui_expect_text(t, "agent connected");
    assert_true(tui_find(t, old_os, NULL, NULL));
    tui_type(t, "6/\025new-host-002\r");            /* back to the Agents pane */
    tui_expect_text(t, "Agents 1/33");
    tui_type(t, " ");                               /* never registered: nothing to mark */
    tui_expect_text(t, "not registered with SMS: nothing to mark");
    assert_int_equal(tui_quit(t, "q"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_state_with_its_reason),
        cmocka_unit_test(dashboard_counts_the_four_states),
        cmocka_unit_test(sort_filter_mark_and_open),
    };
    tui_filter_tests_from_env();
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/* test_tui_servers.c - the servers pane on a real terminal, against a still fleet in an
 * in-process emulator: the right data, sorting, filtering, marks, panes, help, resize,
 * and no bytes written when a refresh brings nothing new. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu_helper.h"
#include "harness.h"
#include "tui_expect.h"
#include "model/codec.h"
#include "model/enums.h"
#include "ui/actions.h"
#include "ui/app.h"

#define N_SERVERS 20
#define TITLE_ALL "Servers 20/20"
#define FIRST_ROW 3                     /* tab bar, pane title, column headers */

static emu_fixture fx;
static sms_server_list list;

static int group_setup(void **state)
{
    (void)state;
    if (emu_fixture_start(&fx, N_SERVERS, NULL) < 0)
        return -1;
    sms_client *c = emu_fixture_client(&fx);
    sms_call_error e = { 0 };
    int rc = c ? sms_list_servers(c, NULL, &list, &e) : -1;
    sms_call_error_free(&e);
    sms_client_free(c);
    return rc == 0 && list.n_source_servers == N_SERVERS ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    sms_free(&SMS_T_SERVER_LIST, &list);
    emu_fixture_stop(&fx);
    return 0;
}

static tui *start_console(int rows, int cols)
{
    return tui_start_ready(rows, cols, fx.argv, fx.env, TITLE_ALL);
}

static void finish(tui *t)
{
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void shows_every_server_with_its_data(void **state)
{
    (void)state;
    tui *t = start_console(40, 160);
    char row[1024];
    for (size_t i = 0; i < list.n_source_servers; i++) {
        const sms_server *s = &list.source_servers[i];
        int r;
        if (!tui_find(t, s->name, &r, NULL)) {
            tui_dump(t, s->name);
            fail_msg("server %s not shown", s->name);
        }
        tui_row(t, r, row, sizeof row);
        assert_non_null(strstr(row, s->ip));
        const sms_enum_info *st = sms_server_state_info(s->state);
        assert_non_null(strstr(row, st ? st->label : s->state));
        assert_non_null(strstr(row, s->connected ? "yes" : "no"));
    }
    finish(t);
}

static int cmp_by_ip(const void *a, const void *b)
{
    const sms_server *x = a, *y = b;
    int c = strcasecmp(x->ip, y->ip);
    return c ? c : strcasecmp(x->name, y->name);
}

static int cmp_by_name(const void *a, const void *b)
{
    return strcasecmp(((const sms_server *)a)->name, ((const sms_server *)b)->name);
}

/* The name shown on table row i must be want[i].name, for every row. */
static void expect_order(tui *t, const sms_server *want, size_t n)
{
    char row[1024];
    for (size_t i = 0; i < n; i++) {
        tui_row(t, FIRST_ROW + (int)i, row, sizeof row);
        if (!strstr(row, want[i].name)) {
            tui_dump(t, "order");
            fail_msg("row %zu: expected %s", i, want[i].name);
        }
    }
}

static void sorts_by_key_and_by_command(void **state)
{
    (void)state;
    sms_server sorted[N_SERVERS];
    memcpy(sorted, list.source_servers, sizeof sorted);
    tui *t = start_console(40, 160);
    tui_type(t, ">");                           /* next column after name: ip */
    tui_expect_text(t, "sort: ip");
    tui_settle(t);
    qsort(sorted, N_SERVERS, sizeof *sorted, cmp_by_ip);
    expect_order(t, sorted, N_SERVERS);
    tui_type(t, ":sort name desc\r");
    tui_expect_text(t, "sort: name (desc)");
    tui_settle(t);
    qsort(sorted, N_SERVERS, sizeof *sorted, cmp_by_name);
    for (size_t i = 0; i < N_SERVERS / 2; i++) {
        sms_server tmp = sorted[i];
        sorted[i] = sorted[N_SERVERS - 1 - i];
        sorted[N_SERVERS - 1 - i] = tmp;
    }
    expect_order(t, sorted, N_SERVERS);
    finish(t);
}

static void filters_as_typed_and_restores_on_escape(void **state)
{
    (void)state;
    const sms_server *target = &list.source_servers[3];
    tui *t = start_console(40, 160);
    char keys[128];
    snprintf(keys, sizeof keys, "/%s", target->name);
    tui_type(t, keys);
    tui_expect_text(t, "Servers 1/20");
    tui_type(t, "\033");
    tui_expect_text(t, TITLE_ALL);
    tui_type(t, keys);
    tui_type(t, "\r");
    tui_expect_text(t, "filter: ");
    tui_expect_text(t, "Servers 1/20");
    char row[1024];
    tui_row(t, FIRST_ROW, row, sizeof row);
    assert_non_null(strstr(row, target->name));
    tui_type(t, ":filter\r");                   /* :filter alone clears it */
    tui_expect_text(t, TITLE_ALL);
    finish(t);
}

static void marks_with_space(void **state)
{
    (void)state;
    tui *t = start_console(40, 160);
    tui_type(t, " ");
    tui_expect_text(t, "marked: 1");
    tui_type(t, "a");
    tui_expect_text(t, "marked: 20");
    tui_type(t, "A");
    assert_true(tui_wait_gone(t, "marked:", TUI_DEADLINE_MS));
    finish(t);
}

/* Background colour of the cell at (row, col), as an index (-1 = default). */
static int cell_bg(tui *t, int row, int col)
{
    VTermScreenCell c;
    assert_true(tui_cell(t, row, col, &c));
    if (VTERM_COLOR_IS_DEFAULT_BG(&c.bg))
        return -1;
    return VTERM_COLOR_IS_INDEXED(&c.bg) ? c.bg.indexed.idx : 1000;
}

static void tab_walks_through_every_pane(void **state)
{
    (void)state;
    static const char *const tabs[] = { "1 Servers", "2 Migration", "3 Disks", "4 Commands", "5 Dashboard",
                                         "6 Agents" };
    enum { N_TABS = sizeof tabs / sizeof tabs[0] };
    int col[N_TABS], r;
    tui *t = start_console(40, 160);
    for (int i = 0; i < N_TABS; i++) {
        assert_true(tui_find(t, tabs[i], &r, &col[i]));
        assert_int_equal(r, 0);
    }
    for (int step = 1; step <= N_TABS; step++) {
        uint64_t frames = tui_frames(t);
        tui_type(t, "\t");
        assert_true(tui_wait_frames(t, 1, TUI_DEADLINE_MS) || tui_frames(t) > frames);
        tui_settle(t);
        int active = step % N_TABS;
        for (int i = 0; i < N_TABS; i++)
            if (i != active)
                assert_int_not_equal(cell_bg(t, 0, col[i]), cell_bg(t, 0, col[active]));
    }
    tui_expect_text(t, TITLE_ALL);                  /* back on the servers pane */
    finish(t);
}

static void help_lists_every_action(void **state)
{
    (void)state;
    tui *t = start_console(72, 130);
    tui_type(t, "?");
    tui_expect_text(t, "Help: keys and :commands");
    for (int i = 0; i < SMS_A__COUNT; i++) {
        char name[64];
        snprintf(name, sizeof name, ":%s ", sms_actions[i].name);
        if (!tui_find(t, name, NULL, NULL) || !tui_find(t, sms_actions[i].help, NULL, NULL)) {
            tui_dump(t, sms_actions[i].name);
            fail_msg("help misses %s", sms_actions[i].name);
        }
    }
    tui_type(t, "\033");
    assert_true(tui_wait_gone(t, "Help: keys and :commands", TUI_DEADLINE_MS));
    finish(t);
}

static void survives_resizes_and_says_when_too_small(void **state)
{
    (void)state;
    tui *t = start_console(30, 100);
    tui_resize(t, 24, 80);
    tui_settle(t);
    tui_expect_text(t, TITLE_ALL);
    tui_expect_text(t, "PROGRESS");
    tui_resize(t, 12, 50);
    tui_expect_text(t, "Terminal too small");
    tui_resize(t, 30, 100);
    assert_true(tui_wait_gone(t, "Terminal too small", TUI_DEADLINE_MS));
    tui_expect_text(t, TITLE_ALL);
    finish(t);
}

static void pause_freezes_the_screen_until_resumed(void **state)
{
    (void)state;
    tui *t = start_console(30, 100);
    tui_type(t, "p");
    tui_expect_text(t, "updates paused");
    tui_expect_text(t, "PAUSED (newer data waiting)");      /* refreshes go on, unseen */
    tui_type(t, "p");
    tui_expect_text(t, "updates resumed");
    assert_true(tui_wait_gone(t, "PAUSED", TUI_DEADLINE_MS));
    tui_expect_text(t, TITLE_ALL);
    finish(t);
}

static void copy_sends_the_server_id_with_osc52(void **state)
{
    (void)state;
    const sms_server *first = &list.source_servers[0];
    for (size_t i = 1; i < list.n_source_servers; i++)
        if (strcasecmp(list.source_servers[i].name, first->name) < 0)
            first = &list.source_servers[i];
    char want[256];
    assert_true(sms_osc52_encode(want, sizeof want, first->id, false) > 0);
    tui *t = start_console(30, 100);
    size_t mark = tui_raw_mark(t);
    tui_type(t, "y");                           /* the selection starts on the first row */
    tui_expect_text(t, "copied the server id to the clipboard");
    assert_true(tui_raw_contains(t, mark, want));
    finish(t);
}

static void ctrl_c_cancels_and_never_quits(void **state)
{
    (void)state;
    tui *t = start_console(30, 100);
    tui_type(t, ":sor");
    tui_expect_text(t, ":sor");
    tui_type(t, "\003");                        /* ^C: the prompt goes, nothing runs */
    assert_true(tui_wait_gone(t, ":sor", TUI_DEADLINE_MS));
    tui_type(t, "\003");
    tui_expect_text(t, "press q to quit");
    tui_expect_text(t, TITLE_ALL);                  /* still running */
    finish(t);
}

static void mouse_clicks_tabs_and_rows(void **state)
{
    (void)state;
    const char *const extra[] = { "--mouse", NULL };
    const char *argv[24];
    tui *t = tui_start_ready(30, 100, emu_fixture_argv_with(&fx, extra, argv, 24), fx.env, TITLE_ALL);
    int r, c;
    char click[64];
    tui_settle(t);
    assert_true(tui_find(t, "4 Commands", &r, &c));
    snprintf(click, sizeof click, "\033[<0;%d;%dM\033[<0;%d;%dm", c + 2, r + 1, c + 2, r + 1);  /* SGR 1006 */
    tui_type(t, click);
    bool switched = false;
    for (int i = 0; i < 100 && !switched; i++) {
        tui_wait_frames(t, 1, 300);
        switched = !tui_find(t, "NAME", NULL, NULL);     /* the servers table is gone */
    }
    assert_true(switched);
    finish(t);
}

/* The fleet does not move, so refreshes (one a second) must not write a single byte, nor
 * rebuild the table: a fetch that finds the same servers is not new data (frames that
 * show new fleet data are marked F by the frame hook). */
static void idle_refresh_writes_nothing(void **state)
{
    (void)state;
    tui *t = start_console(30, 100);
    tui_settle(t);
    assert_true(tui_wait_frames(t, 2, TUI_DEADLINE_MS));   /* let the startup messages go */
    tui_settle(t);
    assert_true(tui_fleet_frames(t) >= 1);                /* the first fleet was new */
    uint64_t bytes = tui_bytes(t), fleets = tui_fleet_frames(t);
    assert_true(tui_wait_frames(t, 3, TUI_DEADLINE_MS));
    tui_settle(t);
    assert_int_equal(tui_bytes(t), bytes);
    assert_int_equal(tui_fleet_frames(t), fleets);
    finish(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shows_every_server_with_its_data),
        cmocka_unit_test(sorts_by_key_and_by_command),
        cmocka_unit_test(filters_as_typed_and_restores_on_escape),
        cmocka_unit_test(marks_with_space),
        cmocka_unit_test(tab_walks_through_every_pane),
        cmocka_unit_test(help_lists_every_action),
        cmocka_unit_test(survives_resizes_and_says_when_too_small),
        cmocka_unit_test(pause_freezes_the_screen_until_resumed),
        cmocka_unit_test(copy_sends_the_server_id_with_osc52),
        cmocka_unit_test(ctrl_c_cancels_and_never_quits),
        cmocka_unit_test(mouse_clicks_tabs_and_rows),
        cmocka_unit_test(idle_refresh_writes_nothing),
    };
    tui_filter_tests_from_env();
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

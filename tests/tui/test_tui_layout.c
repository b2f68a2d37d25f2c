/* test_tui_layout.c - the servers table sized from its content: every column reachable
 * in an 80x24 SSH window by scrolling sideways (l/Right, h/Left), and no blank NAME
 * column while OS is cut on a wide terminal. */
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
#include "ui/draw.h"

#define N_SERVERS 12
#define HEADER_ROW 2

static emu_fixture fx;
static sms_server_list list;

static int group_setup(void **state)
{
    (void)state;
    return emu_fixture_start_listed(&fx, N_SERVERS, &list);
}

static int group_teardown(void **state)
{
    (void)state;
    emu_fixture_stop_listed(&fx, &list);
    return 0;
}

static bool header_has(tui *t, const char *word)
{
    char line[1024];
    tui_row(t, HEADER_ROW, line, sizeof line);
    return strstr(line, word) != NULL;
}

/* Screen column where word starts in the header row (cells, not bytes), or -1. */
static int header_col(tui *t, const char *word)
{
    int rows, cols;
    tui_size(t, &rows, &cols);
    size_t n = strlen(word);
    for (int c = 0; c + (int)n <= cols; c++) {
        size_t k = 0;
        VTermScreenCell cell;
        while (k < n && tui_cell(t, HEADER_ROW, c + (int)k, &cell) && cell.chars[0] == (uint32_t)word[k])
            k++;
        if (k == n)
            return c;
    }
    return -1;
}

/* A figure (not "-") in the columns [col, col + width) of some table row. */
static bool figure_under(tui *t, int col, int width)
{
    int rows, cols;
    tui_size(t, &rows, &cols);
    for (int r = HEADER_ROW + 1; r < rows - 2; r++) {
        VTermScreenCell cell;
        for (int c = col; c < col + width && c < cols; c++)
            if (tui_cell(t, r, c, &cell) && cell.chars[0] >= '0' && cell.chars[0] <= '9')
                return true;
    }
    return false;
}

static void every_column_is_reachable_at_80x24(void **state)
{
    (void)state;
    static const char *const env[] = { "SMS_PASSWORD=admin-pass", NULL };
    const char *const argv[] = { "smsconsole", "--demo", NULL };
    tui *t = tui_start_ready(24, 80, argv, env, "Servers ");
    tui_expect_text(t, "NAME");
    assert_true(header_has(t, "IP"));
    tui_settle(t);
    if (header_has(t, "ETA"))
        tui_dump(t, "80x24");
    assert_false(header_has(t, "ETA"));         /* too narrow for all of them */
    tui_expect_text(t, "(h/l)");                /* ... and the title says how to scroll */
    for (int i = 0; i < 10 && !header_has(t, "ETA"); i++) {
        tui_type(t, "l");
        tui_settle(t);
    }
    if (!header_has(t, "ETA"))
        tui_dump(t, "ETA");
    assert_true(header_has(t, "ETA"));
    assert_true(header_has(t, "NAME"));        /* the name stays on the left */
    /* a server replicating shows its ETA in the column */
    int col = header_col(t, "ETA");             /* the title names it too: the header's */
    assert_true(col >= 0);
    bool shown = false;
    for (int i = 0; i < 300 && !shown; i++) {
        tui_wait_frames(t, 1, 200);
        shown = figure_under(t, col - 3, 6);
    }
    if (!shown)
        tui_dump(t, "ETA figure");
    assert_true(shown);
    /* l goes on to the last column, h comes back */
    for (int i = 0; i < 10; i++)
        tui_type(t, "l");
    tui_settle(t);
    if (!header_has(t, "CHANGED"))
        tui_dump(t, "CHANGED");
    assert_true(header_has(t, "CHANGED"));
    for (int i = 0; i < 10; i++)
        tui_type(t, "\033OD");                  /* Left (keypad mode) */
    tui_settle(t);
    if (!header_has(t, "IP"))
        tui_dump(t, "IP");
    assert_true(header_has(t, "IP"));
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void wide_terminal_gives_os_its_width_not_name(void **state)
{
    (void)state;
    tui *t = tui_start_ready(30, 200, fx.argv, fx.env, "Servers 12/12");
    tui_settle(t);
    int longest = 0;
    for (size_t i = 0; i < list.n_source_servers; i++) {
        int w = sms_text_width(list.source_servers[i].name, true);
        longest = w > longest ? w : longest;
    }
    int row, ip_col;
    assert_true(tui_find(t, "IP ", &row, &ip_col));
    assert_int_equal(row, HEADER_ROW);
    assert_true(ip_col <= 2 + longest + 1 + 1);  /* NAME is as wide as the longest name */
    char line[1024];
    for (size_t i = 0; i < list.n_source_servers; i++) {
        const sms_server *s = &list.source_servers[i];
        const char *os = s->os_version ? s->os_version : s->os_type;
        int r;
        assert_true(tui_find(t, s->name, &r, NULL));
        tui_row(t, r, line, sizeof line);
        if (!strstr(line, os) || strstr(line, "…")) {
            tui_dump(t, os);
            fail_msg("OS of %s cut: %s", s->name, os);
        }
    }
    assert_int_equal(tui_quit(t, "q"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_column_is_reachable_at_80x24),
        cmocka_unit_test(wide_terminal_gives_os_its_width_not_name),
    };
    tui_filter_tests_from_env();
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/* test_ui_fleet.c - the servers table: filter, sort, selection kept by id, marks and
 * targets, change highlighting and the count of servers entering error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui/fleet.h"

#define N 5
static sms_server servers[N];
static sms_fleet fleet;
static sms_fleet_table table;

static void server(int i, char *id, char *name, char *ip, char *state, int64_t done, int64_t total)
{
    servers[i] = (sms_server){ .id = id, .name = name, .ip = ip, .state = state,
                               .replicatesize = done, .totalsize = total };
}

static int setup(void **state)
{
    (void)state;
    server(0, "id-a", "web-01", "10.0.0.11", "replicate", 50, 100);
    server(1, "id-b", "db-01", "10.0.1.5", "error", 10, 100);
    server(2, "id-c", "web-02", "10.0.0.12", "finished", 100, 100);
    server(3, "id-d", "cache-01", "192.168.3.7", "waiting", 0, 0);
    server(4, "id-e", "Web-03", "10.0.0.13", "replicate", 90, 100);
    fleet = (sms_fleet){ .servers = servers, .n_servers = N, .count = N };
    sms_fleet_table_init(&table);
    sms_fleet_table_update(&table, &fleet, 1000);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sms_fleet_table_free(&table);
    return 0;
}

static const char *row_name(size_t r) { return sms_fleet_table_row(&table, r)->name; }

static void sorts_by_name_case_insensitively(void **state)
{
    (void)state;
    assert_int_equal(table.n_rows, N);
    assert_string_equal(row_name(0), "cache-01");
    assert_string_equal(row_name(1), "db-01");
    assert_string_equal(row_name(2), "web-01");
    assert_string_equal(row_name(3), "web-02");
    assert_string_equal(row_name(4), "Web-03");
    table.sort_desc = true;
    sms_fleet_table_rebuild(&table);
    assert_string_equal(row_name(0), "Web-03");
    assert_string_equal(row_name(4), "cache-01");
}

static void sorts_by_progress_and_ip(void **state)
{
    (void)state;
    table.sort_col = SMS_COL_PROGRESS;
    sms_fleet_table_rebuild(&table);
    assert_string_equal(row_name(0), "cache-01");      /* no size: 0 % */
    assert_string_equal(row_name(1), "db-01");
    assert_string_equal(row_name(2), "web-01");
    assert_string_equal(row_name(3), "Web-03");
    assert_string_equal(row_name(4), "web-02");
    table.sort_col = SMS_COL_IP;
    sms_fleet_table_rebuild(&table);
    assert_string_equal(row_name(0), "web-01");
    assert_string_equal(row_name(4), "cache-01");
    assert_int_equal(sms_col_by_name("prog"), SMS_COL_PROGRESS);
    assert_int_equal(sms_col_by_name("nonsense"), -1);
}

static void filters_by_name_ip_and_state(void **state)
{
    (void)state;
    snprintf(table.filter, sizeof table.filter, "WEB");
    sms_fleet_table_rebuild(&table);
    assert_int_equal(table.n_rows, 3);
    snprintf(table.filter, sizeof table.filter, "192.168");
    sms_fleet_table_rebuild(&table);
    assert_int_equal(table.n_rows, 1);
    assert_string_equal(row_name(0), "cache-01");
    snprintf(table.filter, sizeof table.filter, "error");
    sms_fleet_table_rebuild(&table);
    assert_int_equal(table.n_rows, 1);
    assert_string_equal(row_name(0), "db-01");
    snprintf(table.filter, sizeof table.filter, "no-such-thing");
    sms_fleet_table_rebuild(&table);
    assert_int_equal(table.n_rows, 0);
    assert_null(sms_fleet_table_selected(&table));
}

static void selection_follows_the_server_not_the_row(void **state)
{
    (void)state;
    sms_fleet_table_select_row(&table, 2);
    assert_string_equal(table.sel_id, "id-a");         /* web-01 */
    table.sort_desc = true;
    sms_fleet_table_rebuild(&table);
    assert_string_equal(sms_fleet_table_selected(&table)->name, "web-01");
    assert_int_equal(table.cursor, 2);
    sms_fleet_table_move(&table, -10);                  /* clamps */
    assert_int_equal(table.cursor, 0);
    sms_fleet_table_move(&table, +10);
    assert_int_equal(table.cursor, N - 1);
}

static void marks_decide_the_targets(void **state)
{
    (void)state;
    size_t n = 0;
    const sms_server **t = sms_fleet_table_targets(&table, &n);
    assert_int_equal(n, 1);                             /* nothing marked: the selection */
    assert_string_equal(t[0]->name, "cache-01");
    free(t);
    sms_fleet_table_toggle_mark(&table, "id-b");
    sms_fleet_table_toggle_mark(&table, "id-e");
    t = sms_fleet_table_targets(&table, &n);
    assert_int_equal(n, 2);
    free(t);
    sms_fleet_table_toggle_mark(&table, "id-b");
    assert_false(sms_fleet_table_marked(&table, "id-b"));
    snprintf(table.filter, sizeof table.filter, "web");
    sms_fleet_table_rebuild(&table);
    sms_fleet_table_mark_shown(&table);
    assert_int_equal(table.n_marks, 3);
    sms_fleet_table_clear_marks(&table);
    assert_int_equal(table.n_marks, 0);
}

static void state_changes_are_highlighted_and_errors_counted(void **state)
{
    (void)state;
    assert_int_equal(sms_fleet_table_changed_until(&table, "id-a"), 0);   /* first fleet: nothing new */
    servers[0].state = "error";
    servers[2].state = "cutovering";
    int errors = sms_fleet_table_update(&table, &fleet, 5000);
    assert_int_equal(errors, 1);
    assert_true(sms_fleet_table_changed_until(&table, "id-a") > 5000);
    assert_true(sms_fleet_table_changed_until(&table, "id-c") > 5000);
    assert_int_equal(sms_fleet_table_changed_until(&table, "id-b"), 0);
    int64_t expiry = sms_fleet_table_next_expiry(&table, 5000);
    assert_int_equal(expiry, 5000 + table.highlight_ms);
    /* the same states again: the highlight stays until it expires, no new errors */
    assert_int_equal(sms_fleet_table_update(&table, &fleet, 6000), 0);
    assert_true(sms_fleet_table_changed_until(&table, "id-a") > 6000);
    assert_int_equal(sms_fleet_table_update(&table, &fleet, 5000 + table.highlight_ms + 1), 0);
    assert_int_equal(sms_fleet_table_changed_until(&table, "id-a"), 0);
    assert_int_equal(sms_fleet_table_next_expiry(&table, 5000 + table.highlight_ms + 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(sorts_by_name_case_insensitively, setup, teardown),
        cmocka_unit_test_setup_teardown(sorts_by_progress_and_ip, setup, teardown),
        cmocka_unit_test_setup_teardown(filters_by_name_ip_and_state, setup, teardown),
        cmocka_unit_test_setup_teardown(selection_follows_the_server_not_the_row, setup, teardown),
        cmocka_unit_test_setup_teardown(marks_decide_the_targets, setup, teardown),
        cmocka_unit_test_setup_teardown(state_changes_are_highlighted_and_errors_counted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

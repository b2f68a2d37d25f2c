/* test_tui_operator.c - what the operator is told about bulk actions, and what an
 * action acts on: truthful counts over a mix of accepted, refused, failed and unknown
 * outcomes (operator and viewer identities in one run), marks spent by the action they
 * chose and hidden targets named in the confirmation, the cursor after a filter change,
 * Esc clearing the filter, and the raw OSC 52 bytes of `y`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "emu_helper.h"
#include "harness.h"
#include "tui_expect.h"
#include "model/codec.h"
#include "ui/app.h"
#include "ui/fleet.h"

#define N_SERVERS 12
#define TITLE_ALL "Servers 12/12"

static emu_fixture fx;
static sms_server_list list;
static const sms_server *uniq[N_SERVERS];  /* servers a filter on their name finds alone */
static size_t n_uniq;

/* Whether filtering by s's name shows s alone. */
static bool name_is_unique(const sms_server *s)
{
    size_t hits = 0;
    for (size_t i = 0; i < list.n_source_servers; i++)
        hits += sms_fleet_matches(&list.source_servers[i], s->name);
    return hits == 1;
}

static int group_setup(void **state)
{
    (void)state;
    int rc = emu_fixture_start_listed(&fx, N_SERVERS, &list);
    for (size_t i = 0; rc == 0 && i < list.n_source_servers; i++)
        if (name_is_unique(&list.source_servers[i]))
            uniq[n_uniq++] = &list.source_servers[i];
    return rc == 0 && n_uniq >= 8 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    emu_fixture_stop_listed(&fx, &list);
    return 0;
}

/* The console logged in as `user` (password user-pass). */
static tui *start_as(const char *user, const char *const extra[])
{
    static char pass_env[64];
    static const char *argv[32], *env[4];
    size_t n = 0;
    for (size_t i = 0; fx.argv[i]; i++) {
        argv[n++] = fx.argv[i];
        if (strcmp(fx.argv[i], "--user") == 0 && fx.argv[i + 1]) {
            argv[n++] = user;
            i++;
        }
    }
    for (size_t i = 0; extra && extra[i]; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    snprintf(pass_env, sizeof pass_env, "SMS_PASSWORD=%s-pass", user);
    env[0] = pass_env;
    env[1] = NULL;
    return tui_start_ready(30, 160, argv, env, TITLE_ALL);
}

/* Mark s: filter it alone, Space, then Esc in a new filter prompt clears the filter. */
static void mark_server(tui *t, const sms_server *s)
{
    char keys[160];
    snprintf(keys, sizeof keys, "/%s\r", s->name);
    tui_type(t, keys);
    tui_expect_text(t, "Servers 1/12");
    tui_type(t, " ");
    tui_type(t, "/\033");
    tui_expect_text(t, TITLE_ALL);
}

static char *task_of(const sms_server *s)
{
    sms_client *c = emu_fixture_client(&fx);
    sms_server srv = { 0 };
    assert_int_equal(sms_show_server(c, s->id, &srv, NULL), 0);
    assert_true(srv.has_current_task);
    char *id = strdup(srv.current_task.id);
    sms_free(&SMS_T_SERVER, &srv);
    sms_client_free(c);
    return id;
}

static void expect_row_with(tui *t, const char *name, const char *word)
{
    char line[1024];
    for (int r = 0; r < 30; r++) {
        tui_row(t, r, line, sizeof line);
        if (strstr(line, name) && strstr(line, word))
            return;
    }
    tui_dump(t, word);
    fail_msg("no line with %s and %s", name, word);
}

static void bulk_outcome_counts_every_server(void **state)
{
    (void)state;
    const sms_server *s[5] = { uniq[0], uniq[1], uniq[2], uniq[3], uniq[4] };
    for (int i = 0; i < 4; i++)                         /* s[4] has no task: refused locally */
        assert_int_equal(emu_fixture_create_task(&fx, s[i]->id, true), 0);
    char *task[4], spec[3][160];
    for (int i = 0; i < 4; i++)
        task[i] = task_of(s[i]);
    snprintf(spec[0], sizeof spec[0], "/v3/tasks/%s/action=status:403", task[1]);  /* refused */
    snprintf(spec[1], sizeof spec[1], "/v3/tasks/%s/action=status:503", task[2]);  /* failed */
    snprintf(spec[2], sizeof spec[2], "/v3/tasks/%s/action=status:504", task[3]);  /* unknown */
    const char *faults[] = { spec[0], spec[1], spec[2] };
    char err[200];
    assert_int_equal(smsemu_set_faults(fx.emu, faults, 3, err, sizeof err), 0);

    tui *t = start_as("operator", NULL);
    for (int i = 0; i < 5; i++)
        mark_server(t, s[i]);
    tui_expect_text(t, "marked: 5");
    tui_type(t, "T");
    tui_expect_text(t, "5 servers (");
    tui_type(t, "y");
    tui_expect_text(t, "stop on 5 servers: 1 accepted, 2 refused, 1 failed, 1 unknown");
    tui_expect_text(t, "4 of 5 not accepted");          /* the list of the others opens */
    expect_row_with(t, s[1]->name, "REFUSED");
    expect_row_with(t, s[2]->name, "FAILED");
    expect_row_with(t, s[3]->name, "UNKNOWN");
    expect_row_with(t, s[4]->name, "REFUSED");
    assert_false(tui_find(t, "marked:", NULL, NULL));  /* spent by the action */
    assert_int_equal(tui_quit(t, "q"), 0);
    smsemu_clear_faults(fx.emu);

    /* the same console as a viewer: the API refuses every one of them */
    t = start_as("viewer", NULL);
    mark_server(t, s[0]);
    mark_server(t, s[1]);
    tui_type(t, "T");
    tui_expect_text(t, "2 servers (");
    tui_type(t, "y");
    tui_expect_text(t, "stop on 2 servers: 0 accepted, 2 refused, 0 failed, 0 unknown");
    expect_row_with(t, s[0]->name, "SMS.9004");
    expect_row_with(t, s[1]->name, "SMS.9004");
    assert_int_equal(tui_quit(t, "q"), 0);
    for (int i = 0; i < 4; i++)
        free(task[i]);
}

static void marks_are_spent_and_hidden_targets_named(void **state)
{
    (void)state;
    const sms_server *a = uniq[5], *b = uniq[6];
    tui *t = start_as("admin", NULL);
    mark_server(t, a);
    mark_server(t, b);
    char keys[160];
    snprintf(keys, sizeof keys, "/%s\r", b->name);      /* a is hidden now */
    tui_type(t, keys);
    tui_expect_text(t, "Servers 1/12");
    tui_type(t, "T");
    tui_expect_text(t, "1 of the 2 hidden by the filter.");
    tui_type(t, "n");                                   /* cancelled: the marks stay */
    tui_expect_text(t, "cancelled");
    tui_expect_text(t, "marked: 2");
    tui_type(t, "T");
    tui_expect_text(t, "2 servers (");
    tui_type(t, "y");
    tui_expect_text(t, "stop on 2 servers: 0 accepted, 2 refused");   /* no tasks */
    assert_true(tui_wait_gone(t, "marked:", TUI_DEADLINE_MS));
    tui_type(t, "\033");                                /* close the list */
    tui_type(t, "\004");                                /* now: the selected row only */
    tui_expect_text(t, "Confirm delete");               /* (stop: not without a task) */
    snprintf(keys, sizeof keys, "record of %s?", b->name);
    tui_expect_text(t, keys);
    assert_false(tui_find(t, "servers (", NULL, NULL));
    tui_type(t, "\033");
    assert_int_equal(tui_quit(t, "q"), 0);
}

static int cmp_name(const void *x, const void *y)
{
    return strcasecmp((*(const sms_server *const *)x)->name, (*(const sms_server *const *)y)->name);
}

/* The fleet l in the console's default order (by name). */
static void sorted_by_name(const sms_server_list *l, const sms_server *out[N_SERVERS])
{
    for (size_t i = 0; i < N_SERVERS; i++)
        out[i] = &l->source_servers[i];
    qsort(out, N_SERVERS, sizeof *out, cmp_name);
}

/* The console's selected server, read from the Migration pane (Enter): its first line
 * names the server. Then back to the servers. */
static void expect_selected(tui *t, const sms_server *want)
{
    char line[1024];
    tui_type(t, "\r");
    tui_expect_text(t, "agent ");
    tui_settle(t);
    tui_row(t, 1, line, sizeof line);
    if (strncmp(line, want->name, strlen(want->name)) != 0 || line[strlen(want->name)] != ' ') {
        tui_dump(t, "selection");
        fail_msg("selected: \"%s\", expected %s", line, want->name);
    }
    tui_type(t, "1");
    tui_expect_text(t, "sort: ");
}

static void filter_change_moves_the_cursor_predictably(void **state)
{
    (void)state;
    /* the fleet as it is now (earlier tests changed states, and the filter sees states) */
    sms_server_list now = { 0 };
    sms_client *c = emu_fixture_client(&fx);
    assert_int_equal(sms_list_servers(c, NULL, &now, NULL), 0);
    sms_client_free(c);
    assert_int_equal(now.n_source_servers, N_SERVERS);
    const sms_server *by_name[N_SERVERS];
    sorted_by_name(&now, by_name);
    const sms_server *last = by_name[N_SERVERS - 1];
    tui *t = start_as("admin", NULL);
    tui_type(t, "G");                                   /* the last row */
    tui_settle(t);
    /* a filter that still shows it: the cursor stays on it */
    char keys[160];
    snprintf(keys, sizeof keys, "/%s\r", last->ip);
    tui_type(t, keys);
    tui_expect_text(t, "filter: ");
    expect_selected(t, last);
    /* a filter that hides it: the first row, not the same position */
    const char *filter = NULL;
    const sms_server *first = NULL;
    static const char *const candidates[] = { "-0", "-1", "0", "1", "2", "a", "e", "i", "o" };
    for (size_t c = 0; c < sizeof candidates / sizeof *candidates && !filter; c++) {
        size_t hits = 0;
        const sms_server *f = NULL;
        for (size_t i = 0; i < N_SERVERS; i++)
            if (sms_fleet_matches(by_name[i], candidates[c])) {
                hits++;
                f = f ? f : by_name[i];
            }
        if (hits >= 3 && !sms_fleet_matches(last, candidates[c])) {
            filter = candidates[c];
            first = f;
        }
    }
    assert_non_null(filter);
    tui_type(t, "/\033");
    tui_expect_text(t, TITLE_ALL);
    tui_type(t, "G");
    snprintf(keys, sizeof keys, "/%s\r", filter);
    tui_type(t, keys);
    tui_expect_text(t, "filter: ");
    expect_selected(t, first);
    /* Esc in the filter prompt clears the filter */
    tui_type(t, "/\033");
    tui_expect_text(t, TITLE_ALL);
    tui_expect_text(t, "filter cleared");
    assert_int_equal(tui_quit(t, "q"), 0);
    sms_free(&SMS_T_SERVER_LIST, &now);
}

static void copy_sends_plain_osc52_unless_configured(void **state)
{
    (void)state;
    const sms_server *by_name[N_SERVERS];
    sorted_by_name(&list, by_name);
    char plain[256], wrapped[256];
    assert_true(sms_osc52_encode(plain, sizeof plain, by_name[0]->id, false) > 0);
    assert_true(sms_osc52_encode(wrapped, sizeof wrapped, by_name[0]->id, true) > 0);

    /* inside tmux, default configuration: plain OSC 52 (tmux forwards it itself) */
    static const char *const tmux_env[] = { "SMS_PASSWORD=admin-pass", "TMUX=/tmp/tmux-0/default,1,0", NULL };
    tui *t = tui_start_ready(30, 160, fx.argv, tmux_env, TITLE_ALL);
    tui_settle(t);
    size_t mark = tui_raw_mark(t);
    tui_type(t, "y");
    tui_expect_text(t, "copied the server id");
    assert_true(tui_raw_contains(t, mark, plain));
    assert_false(tui_raw_contains(t, mark, "\033Ptmux;"));
    assert_int_equal(tui_quit(t, "q"), 0);

    /* passthrough only when the configuration asks for it */
    char cfg[] = "/tmp/smscfg-osc52-XXXXXX";
    int fd = mkstemp(cfg);
    assert_true(fd >= 0);
    static const char text[] = "osc52_passthrough = true;\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    const char *const extra[] = { "--config", cfg, NULL };
    const char *argv[32];
    t = tui_start_ready(30, 160, emu_fixture_argv_with(&fx, extra, argv, 32), tmux_env, TITLE_ALL);
    tui_settle(t);
    mark = tui_raw_mark(t);
    tui_type(t, "y");
    tui_expect_text(t, "copied the server id");
    assert_true(tui_raw_contains(t, mark, wrapped));
    assert_int_equal(tui_quit(t, "q"), 0);
    unlink(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bulk_outcome_counts_every_server),
        cmocka_unit_test(marks_are_spent_and_hidden_targets_named),
        cmocka_unit_test(filter_change_moves_the_cursor_predictably),
        cmocka_unit_test(copy_sends_plain_osc52_unless_configured),
    };
    tui_filter_tests_from_env();
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

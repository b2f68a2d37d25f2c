/* test_tui_details.c - the smaller truths: the Disks pane names its server, an
 * ambiguous Tab lists its candidates, q asks first while actions are in flight, a
 * login error says its status once, and the console comes back by itself within two
 * refresh intervals after the API returns (the status line says when it tries again
 * and when the data was last good). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "emu_helper.h"
#include "harness.h"
#include "tui_expect.h"
#include "model/codec.h"

#define N_SERVERS 6
#define TITLE_ALL "Servers 6/6"

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

static tui *start(void)
{
    return tui_start_ready(30, 140, fx.argv, fx.env, TITLE_ALL);
}

static void select_server(tui *t, const sms_server *s)
{
    char keys[160];
    snprintf(keys, sizeof keys, "/%s\r", s->name);
    tui_type(t, keys);
    tui_expect_text(t, "filter: ");
}

static void disks_pane_names_its_server(void **state)
{
    (void)state;
    const sms_server *s = &list.source_servers[2];
    tui *t = start();
    select_server(t, s);
    tui_type(t, "3");
    char title[200];
    snprintf(title, sizeof title, "Disks of %s (%s)", s->name, s->ip);
    tui_expect_text(t, title);
    tui_expect_text(t, "DEVICE");
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void ambiguous_tab_lists_the_candidates(void **state)
{
    (void)state;
    tui *t = start();
    tui_type(t, ":sp\t");                       /* only speed-limit: completed */
    tui_expect_text(t, ":speed-limit");
    tui_type(t, "\025st\t");                    /* ^U, then "st": start, stop */
    tui_expect_text(t, "candidates:");
    int row;
    assert_true(tui_find(t, "candidates:", &row, NULL));
    char line[512];
    tui_row(t, row, line, sizeof line);
    assert_non_null(strstr(line, "start"));
    assert_non_null(strstr(line, "stop"));
    tui_expect_text(t, ":st");                  /* the prompt stays open below */
    tui_type(t, "\033");
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void quit_asks_while_actions_are_in_flight(void **state)
{
    (void)state;
    const sms_server *s = &list.source_servers[3];
    assert_int_equal(emu_fixture_create_task(&fx, s->id, false), 0);
    const char *faults[] = { "/v3/tasks/*/action=latency:8000" };
    char err[200];
    assert_int_equal(smsemu_set_faults(fx.emu, faults, 1, err, sizeof err), 0);
    tui *t = start();
    select_server(t, s);
    tui_type(t, "S");
    tui_expect_text(t, "Confirm start");
    tui_type(t, "y");
    tui_expect_text(t, "sent, waiting for the API");
    tui_type(t, "q");
    tui_expect_text(t, "1 action still in flight: q again quits anyway");
    tui_settle(t);
    tui_expect_text(t, "Servers 1/6");          /* still running */
    assert_int_equal(tui_quit(t, "q"), 0);                   /* q again: it quits */
    smsemu_clear_faults(fx.emu);
}

/* A wrong password: IAM's 401 is said once ("HTTP 401", not "HTTP 401 401"), and no
 * further login is attempted (it could lock the IAM user) until the operator presses r. */
static void wrong_password_stops_login_until_r(void **state)
{
    (void)state;
    static const char *const env[] = { "SMS_PASSWORD=wrong", NULL };
    tui *t = tui_start(30, 160, fx.argv, env);
    assert_non_null(t);
    tui_expect_text(t, "HTTP 401");
    assert_false(tui_find(t, "401 401", NULL, NULL));
    tui_expect_text(t, "LOGIN REFUSED: no retry until r");
    long before = emu_fixture_stat(&fx, "iam_requests");
    assert_true(before > 0);
    for (int i = 0; i < 5; i++)                 /* five refresh intervals (--refresh 1) */
        tui_wait_frames(t, 1, 1000);
    tui_settle(t);
    assert_int_equal(emu_fixture_stat(&fx, "iam_requests"), before);
    tui_type(t, "r");                           /* the operator's go-ahead: one more try */
    tui_expect_text(t, "logging in again");
    long after = before;
    for (int i = 0; i < 100 && after == before; i++) {
        tui_wait_frames(t, 1, 100);
        after = emu_fixture_stat(&fx, "iam_requests");
    }
    assert_true(after > before);
    tui_expect_text(t, "LOGIN REFUSED");
    assert_int_equal(tui_quit(t, "q"), 0);
}

static void recovers_within_two_refresh_intervals(void **state)
{
    (void)state;
    tui *t = start();
    tui_expect_text(t, "live");
    /* an answer the client does not retry itself, so that the poller's own backoff is
     * what spaces the attempts */
    const char *faults[] = { "/v3/sources*=status:400" };
    char err[200];
    assert_int_equal(smsemu_set_faults(fx.emu, faults, 1, err, sizeof err), 0);
    tui_expect_text(t, "STALE");
    tui_expect_text(t, "(ok at ");            /* when the data was last good */
    /* ten seconds of failures: the retry never goes further than two intervals (2 s) */
    int row;
    char line[512];
    for (int i = 0; i < 10; i++) {
        tui_wait_frames(t, 1, 2000);
        if (!tui_find(t, "retry in ", &row, NULL))
            continue;
        tui_row(t, row, line, sizeof line);
        int secs = -1;
        sscanf(strstr(line, "retry in ") + strlen("retry in "), "%d", &secs);
        if (secs < 0 || secs > 2) {
            tui_dump(t, "retry");
            fail_msg("retry in %d s", secs);
        }
    }
    assert_true(tui_find(t, "retry in ", NULL, NULL) || tui_find(t, "retrying", NULL, NULL));
    smsemu_clear_faults(fx.emu);
    tui_expect_text(t, "live");
    assert_int_equal(tui_quit(t, "q"), 0);
}

/* The whole audit file written under state_dir. */
/* A file's text (the first 64 KiB), in a buffer the next call reuses. */
static const char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static const char *read_audit(const char *state_dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/smsconsole/audit.jsonl", state_dir);
    return read_text(path);
}

/* The line of text holding every one of words, or fail. */
static void expect_line_with(const char *text, const char *const words[])
{
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        bool all = true;
        for (size_t i = 0; words[i] && all; i++) {
            const char *hit = strstr(line, words[i]);
            all = hit && hit < line + len;
        }
        if (all)
            return;
        line += len + (end ? 1 : 0);
    }
    fail_msg("no audit line with %s ... in:\n%s", words[0], text);
}

static void refusals_and_arguments_are_audited(void **state)
{
    (void)state;
    const sms_server *s = &list.source_servers[4];
    assert_int_equal(emu_fixture_create_task(&fx, s->id, false), 0);
    char dir[] = "/tmp/smsaudit-XXXXXX", state_env[64];
    assert_non_null(mkdtemp(dir));
    snprintf(state_env, sizeof state_env, "XDG_STATE_HOME=%s", dir);
    const char *const env[] = { "SMS_PASSWORD=admin-pass", state_env, NULL };
    const char *const ro[] = { "--readonly", NULL };
    const char *argv[32];
    tui *t = tui_start_ready(30, 140, emu_fixture_argv_with(&fx, ro, argv, 32), env, TITLE_ALL);
    select_server(t, s);
    tui_type(t, "S");
    tui_expect_text(t, "read-only mode: start refused, nothing was sent (audited)");
    tui_type(t, ":speed-limit 100 01:00-05:00\r");
    tui_expect_text(t, "read-only mode: speed-limit refused");
    assert_int_equal(tui_quit(t, "q"), 0);
    t = tui_start_ready(30, 140, fx.argv, env, TITLE_ALL);      /* allowed: sent, audited */
    select_server(t, s);
    tui_type(t, ":upload-log my-log-bucket\r");
    tui_expect_text(t, "Confirm upload-log");
    tui_type(t, "y");
    tui_expect_text(t, "1 action accepted by the API");
    assert_int_equal(tui_quit(t, "q"), 0);

    const char *text = read_audit(dir);
    const char *const start[] = { "\"outcome\":\"refused\"", "\"action\":\"start\"", s->id,
                                  "\"args\":{\"operation\":\"start\"}", NULL };
    expect_line_with(text, start);
    const char *const speed[] = { "\"outcome\":\"refused\"", s->id, "\"speed_limit\":[{",
                                  "\"start\":\"01:00\"", "\"end\":\"05:00\"", "\"speed\":100", NULL };
    expect_line_with(text, speed);
    const char *const upload[] = { "\"outcome\":\"ok\"", "\"action\":\"upload-log\"",
                                   "\"args\":{\"log_bucket\":\"my-log-bucket\"}", NULL };
    expect_line_with(text, upload);
    assert_null(strstr(text, "admin-pass"));              /* no secret */
    /* the history names it as the audit and the action table do */
    char hist[200];
    snprintf(hist, sizeof hist, "%s/smsconsole/history.jsonl", dir);
    const char *h = read_text(hist);
    assert_non_null(strstr(h, "\"action\":\"upload-log\""));
    assert_null(strstr(h, "UPLOAD_LOG"));
}

/* The agent of s takes its pending command and reports it done. */
static void agent_completes(const sms_server *s, const char *command)
{
    char path[160], body[160];
    snprintf(path, sizeof path, "/v3/sources/%s/command", s->id);
    assert_int_equal(emu_fixture_call(&fx, "GET", path, NULL), 0);
    snprintf(path, sizeof path, "/v3/sources/%s/command_result", s->id);
    snprintf(body, sizeof body, "{\"command_name\":\"%s\",\"result\":\"success\",\"result_detail\":\"{}\"}", command);
    assert_int_equal(emu_fixture_post(&fx, path, body), 0);
}

/* The Commands pane's row for action on s holds every one of words (waits for it). */
static void expect_history_row(tui *t, const sms_server *s, const char *const words[])
{
    char line[1024];
    for (int i = 0; i < 300; i++) {
        int row;
        if (tui_find(t, s->name, &row, NULL)) {
            tui_row(t, row, line, sizeof line);
            bool all = true;
            for (size_t k = 0; words[k] && all; k++)
                all = strstr(line, words[k]) != NULL;
            if (all)
                return;
        }
        tui_wait_frames(t, 1, 100);
    }
    tui_dump(t, words[0]);
    fail_msg("no Commands row for %s with %s", s->name, words[0]);
}

static void state_after_follows_the_server_across_restarts(void **state)
{
    (void)state;
    const sms_server *s = &list.source_servers[5];
    assert_int_equal(emu_fixture_create_task(&fx, s->id, true), 0);
    agent_completes(s, "START");
    char dir[] = "/tmp/smshist-XXXXXX", state_env[64], today[16];
    assert_non_null(mkdtemp(dir));
    snprintf(state_env, sizeof state_env, "XDG_STATE_HOME=%s", dir);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(today, sizeof today, "%m-%d ", &tm);   /* WHEN carries the date */
    const char *const env[] = { "SMS_PASSWORD=admin-pass", state_env, NULL };
    tui *t = tui_start_ready(30, 160, fx.argv, env, TITLE_ALL);
    select_server(t, s);
    tui_type(t, "T");
    tui_expect_text(t, "Confirm stop");
    tui_type(t, "y");
    tui_expect_text(t, "1 action accepted by the API");
    tui_type(t, "4");
    const char *const following[] = { " stop ", "stopping /", "(following)", today, NULL };
    expect_history_row(t, s, following);
    assert_int_equal(tui_quit(t, "q"), 0);
    agent_completes(s, "STOP");                     /* while no console runs */
    t = tui_start_ready(30, 160, fx.argv, env, TITLE_ALL);
    tui_type(t, "4");
    const char *const reached[] = { " stop ", "stopped /", today, NULL };
    expect_history_row(t, s, reached);
    int row;
    char line[1024];
    assert_true(tui_find(t, s->name, &row, NULL));
    assert_null(strstr(tui_row(t, row, line, sizeof line), "following"));
    assert_int_equal(tui_quit(t, "q"), 0);
}

/* The agent of the task uploads its consistency check of one directory. */
static void agent_uploads_consistency(const char *task_id, const char *dir, int total)
{
    char path[160], body[400];
    snprintf(path, sizeof path, "/v3/tasks/%s/consistency-result", task_id);
    snprintf(body, sizeof body, "{\"finished_time\":1764680000000,\"consistency_result\":[{\"dir_check\":\"%s\","
             "\"num_total_files\":%d,\"num_different_files\":1,\"num_target_miss_files\":0,"
             "\"num_target_more_files\":0}]}", dir, total);
    assert_int_equal(emu_fixture_post(&fx, path, body), 0);
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

/* Rows of the screen holding every one of words. */
static int rows_with(tui *t, const char *const words[])
{
    int rows, cols, n = 0;
    char line[1024];
    tui_size(t, &rows, &cols);
    for (int r = 0; r < rows; r++) {
        tui_row(t, r, line, sizeof line);
        bool all = true;
        for (size_t k = 0; words[k] && all; k++)
            all = strstr(line, words[k]) != NULL;
        n += all;
    }
    return n;
}

static char *read_whole(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    static char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* An export of three marked servers, one without a task: one Commands entry with its
 * counts and the report's path (not one row per server), the report of the two tasks,
 * the API's answer kept beside it, and the server not exported named in the panel. */
static void export_writes_a_report_of_every_task(void **state)
{
    (void)state;
    const sms_server *s[3] = { &list.source_servers[0], &list.source_servers[1], &list.source_servers[2] };
    char *task[2];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(emu_fixture_create_task(&fx, s[i]->id, false), 0);
        task[i] = task_of(s[i]);
    }
    agent_uploads_consistency(task[0], "/var/lib/app", 1234);   /* the second has none yet */
    char dir[] = "/tmp/smsexport-XXXXXX", cmd[128], csv[160], json[160], answer[180], title[160];
    assert_non_null(mkdtemp(dir));
    tui *t = start();
    for (int i = 0; i < 3; i++) {                /* s[2] has no task: refused, nothing sent */
        select_server(t, s[i]);
        tui_type(t, " ");
        tui_type(t, "/\033");
        tui_expect_text(t, TITLE_ALL);
    }
    tui_expect_text(t, "marked: 3");
    snprintf(cmd, sizeof cmd, ":export %s/report\r", dir);
    tui_type(t, cmd);
    tui_expect_text(t, "Confirm export");
    tui_type(t, "y");
    snprintf(csv, sizeof csv, "%s/report.csv", dir);
    snprintf(json, sizeof json, "%s/report.json", dir);
    snprintf(answer, sizeof answer, "%s/report-response-1.csv", dir);
    tui_expect_text(t, "export on 3 servers: 2 accepted, 1 refused, 0 failed (2 tasks, 1 request); report: ");
    tui_expect_text(t, "/report.csv");          /* the path, shown */
    tui_expect_text(t, "export on 3 servers: 1 of 3 not accepted");    /* the panel names it */
    const char *const refused[] = { s[2]->name, "REFUSED", "no migration task", NULL };
    assert_int_equal(rows_with(t, refused), 1);
    tui_type(t, "\033");
    tui_type(t, "4");                           /* one entry, with its counts */
    tui_expect_text(t, "STATE AFTER");
    const char *const entry[] = { " export ", "3 servers", "FAILED", "2 accepted, 1 refused, 0 failed (2 tasks, 1 req", NULL };
    int found = 0;
    for (int i = 0; i < 100 && !(found = rows_with(t, entry)); i++)
        tui_wait_frames(t, 1, 100);
    if (found != 1) {
        tui_dump(t, "export entry");
        fail_msg("%d Commands rows for the export, expected 1", found);
    }
    for (int i = 0; i < 3; i++) {               /* no row per server */
        const char *const row[] = { s[i]->name, NULL };
        assert_int_equal(rows_with(t, row), 0);
    }
    tui_type(t, "\r");                          /* Enter: the servers not accepted, then the error */
    snprintf(title, sizeof title, "export 3 servers: FAILED");
    tui_expect_text(t, title);
    assert_int_equal(rows_with(t, refused), 1);
    tui_type(t, "\033");
    assert_int_equal(tui_quit(t, "q"), 0);

    const char *text = read_whole(csv);
    for (int i = 0; i < 2; i++) {                /* every exported task has its row */
        const char *at = strstr(text, task[i]);
        if (!at)
            fail_msg("task %s not in the report:\n%s", task[i], text);
        assert_non_null(strstr(at, s[i]->name));
    }
    assert_null(strstr(text, s[2]->id));        /* not exported, not reported */
    assert_non_null(strstr(text, "\"/var/lib/app\",\"1234\",\"1\""));   /* the uploaded check */
    text = read_whole(json);
    for (int i = 0; i < 2; i++)
        assert_non_null(strstr(text, task[i]));
    text = read_whole(answer);                  /* the API's answer, as it came */
    for (int i = 0; i < 2; i++)
        assert_non_null(strstr(text, task[i]));
    struct stat st;
    assert_int_equal(stat(answer, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    unlink(csv);
    unlink(json);
    unlink(answer);
    rmdir(dir);
    for (int i = 0; i < 2; i++)
        free(task[i]);
}

static void describe_shows_searches_and_copies_the_json(void **state)
{
    (void)state;
    const sms_server *s = &list.source_servers[3];
    tui *t = start();
    select_server(t, s);
    tui_type(t, "\r");                                    /* the detail is fetched */
    tui_expect_text(t, "agent ");
    tui_type(t, "1");
    tui_expect_text(t, "sort: ");
    tui_type(t, "d");
    char title[160], ip[160];
    snprintf(title, sizeof title, "describe %s ", s->name);
    tui_expect_text(t, title);
    snprintf(ip, sizeof ip, "\"ip\":  \"%s\"", s->ip);
    tui_expect_text(t, ip);
    assert_false(tui_find(t, "\"disks\":", NULL, NULL));   /* further down ... */
    tui_type(t, "/disks\r");                               /* ... until searched */
    tui_expect_text(t, "\"disks\":");
    size_t mark = tui_raw_mark(t);
    tui_type(t, "y");
    tui_expect_text(t, "copied the text");
    assert_true(tui_raw_contains(t, mark, "\033]52;c;"));
    tui_type(t, "/no-such-key-anywhere\r");
    tui_expect_text(t, "not found");
    tui_type(t, "\033");
    assert_int_equal(tui_quit(t, "q"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(disks_pane_names_its_server),
        cmocka_unit_test(ambiguous_tab_lists_the_candidates),
        cmocka_unit_test(quit_asks_while_actions_are_in_flight),
        cmocka_unit_test(wrong_password_stops_login_until_r),
        cmocka_unit_test(recovers_within_two_refresh_intervals),
        cmocka_unit_test(refusals_and_arguments_are_audited),
        cmocka_unit_test(state_after_follows_the_server_across_restarts),
        cmocka_unit_test(export_writes_a_report_of_every_task),
        cmocka_unit_test(describe_shows_searches_and_copies_the_json),
    };
    tui_filter_tests_from_env();
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

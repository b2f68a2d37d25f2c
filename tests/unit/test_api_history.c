/* test_api_history.c - the command history file: entry <-> JSON line, tolerant loading,
 * merging by id, cap, interrupted entries, file and folder modes, default path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "api/history.h"

/* ---- helpers -------------------------------------------------------------- */

static char *xstrdup(const char *s) { return s ? strdup(s) : NULL; }

static sms_history_entry sample_entry(uint64_t id, sms_outcome outcome)
{
    sms_history_entry e = {
        .id = id, .at_ms = 1700000000000 + (int64_t)id, .done_ms = 1700000000500,
        .user = xstrdup("admin"), .context = xstrdup("prod"), .action = SMS_ACT_STOP,
        .server_id = xstrdup("srv-1"), .server_name = xstrdup("web-01"),
        .task_id = xstrdup("task-1"), .outcome = outcome,
        .state_after = xstrdup("stopping / ABORTING"),
    };
    return e;
}

static void add_403(sms_history_entry *e)
{
    sms_call_error *err = &e->error;
    err->kind = SMS_E_HTTP;
    err->http_status = 403;
    err->attempts = 1;
    err->request_id = xstrdup("req-42");
    err->message = xstrdup("HTTP 403 SMS.9004: No permission");
    err->api.error_code = xstrdup("SMS.9004");
    err->api.error_msg = xstrdup("No permission");
    err->api.encoded_authorization_message = xstrdup("ENCODED");
    err->api.n_error_param = 1;
    err->api.error_param = calloc(1, sizeof(char *));
    err->api.error_param[0] = xstrdup("sms:server:migrate");
    err->api.n_details = 1;
    err->api.details = calloc(1, sizeof(sms_error_detail));
    err->api.details[0].error_code = xstrdup("SMS.9004");
    err->api.details[0].error_msg = xstrdup("policy denies");
}

static FILE *file_with(const char *text)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    fputs(text, f);
    rewind(f);
    return f;
}

static sms_history_log empty_log(size_t max)
{
    sms_history_log h;
    char msg[128];
    assert_int_equal(sms_history_log_open(&h, "", max, msg, sizeof msg), 0);
    return h;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_entry_round_trip(void **state)
{
    (void)state;
    sms_history_entry e = sample_entry(7, SMS_OUT_FAILED), back;
    add_403(&e);
    char *line = sms_history_entry_to_json(&e);
    assert_non_null(line);
    assert_null(strchr(line, '\n'));
    assert_int_equal(sms_history_entry_parse(line, strlen(line), &back), 0);
    assert_int_equal(back.id, 7);
    assert_int_equal(back.at_ms, e.at_ms);
    assert_int_equal(back.done_ms, e.done_ms);
    assert_int_equal(back.action, SMS_ACT_STOP);
    assert_int_equal(back.outcome, SMS_OUT_FAILED);
    assert_string_equal(back.user, "admin");
    assert_string_equal(back.context, "prod");
    assert_string_equal(back.server_id, "srv-1");
    assert_string_equal(back.server_name, "web-01");
    assert_string_equal(back.task_id, "task-1");
    assert_string_equal(back.state_after, "stopping / ABORTING");
    assert_int_equal(back.error.kind, SMS_E_HTTP);
    assert_int_equal(back.error.http_status, 403);
    assert_int_equal(back.error.attempts, 1);
    assert_string_equal(back.error.request_id, "req-42");
    assert_string_equal(back.error.api.error_code, "SMS.9004");
    assert_string_equal(back.error.api.encoded_authorization_message, "ENCODED");
    assert_int_equal(back.error.api.n_error_param, 1);
    assert_string_equal(back.error.api.error_param[0], "sms:server:migrate");
    assert_int_equal(back.error.api.n_details, 1);
    assert_string_equal(back.error.api.details[0].error_msg, "policy denies");
    free(line);
    sms_history_entry_free(&e);
    sms_history_entry_free(&back);
}

static void test_every_action_and_outcome_name_parses_back(void **state)
{
    (void)state;
    for (int k = 0; k < SMS_ACT__COUNT; k++) {
        sms_action_kind back = SMS_ACT__COUNT;
        assert_int_equal(sms_action_parse(sms_action_name((sms_action_kind)k), &back), 0);
        assert_int_equal(back, k);
    }
    for (int o = SMS_OUT_PENDING; o <= SMS_OUT_UNKNOWN; o++) {
        sms_outcome back = (sms_outcome)-1;
        assert_int_equal(sms_outcome_parse(sms_outcome_name((sms_outcome)o), &back), 0);
        assert_int_equal(back, o);
    }
    sms_action_kind k;
    assert_int_equal(sms_action_parse("REBOOT", &k), -1);
    /* agent commands are not operator requests: an old history line with them is skipped */
    assert_int_equal(sms_action_parse("SYNC", &k), -1);
    assert_int_equal(sms_action_parse("RSET_LOG_ACL", &k), -1);
    assert_string_equal(sms_action_name(SMS_ACT_LAUNCH), "launch");
    assert_string_equal(sms_action_name(SMS_ACT_UPLOAD_LOG), "upload-log");
    /* files written before the names followed the action table are still read */
    assert_int_equal(sms_action_parse("UPLOAD_LOG", &k), 0);
    assert_int_equal(k, SMS_ACT_UPLOAD_LOG);
    assert_int_equal(sms_action_parse("LAUNCH", &k), 0);
    assert_int_equal(k, SMS_ACT_LAUNCH);
    assert_int_equal(sms_action_parse("upload_log", &k), -1);
}

/* An export is one entry with its counts and the list of servers not accepted; both
 * survive the file, and a line written before they existed still reads (no counts). */
static void test_export_counts_and_detail_round_trip(void **state)
{
    (void)state;
    sms_history_entry e = sample_entry(9, SMS_OUT_FAILED);
    e.action = SMS_ACT_EXPORT;
    free(e.server_id);
    e.server_id = NULL;
    free(e.server_name);
    e.server_name = xstrdup("3 servers");
    e.has_counts = true;
    e.counts = (sms_entry_counts){ .servers = 3, .tasks = 2, .batches = 1, .accepted = 2, .refused = 1 };
    e.detail = xstrdup("web-03  REFUSED  no task\nweb-04  FAILED  HTTP 500");
    char *line = sms_history_entry_to_json(&e);
    assert_non_null(line);
    assert_null(strchr(line, '\n'));                   /* one line, whatever the detail holds */
    sms_history_entry back;
    assert_int_equal(sms_history_entry_parse(line, strlen(line), &back), 0);
    assert_true(back.has_counts);
    assert_int_equal(back.counts.servers, 3);
    assert_int_equal(back.counts.tasks, 2);
    assert_int_equal(back.counts.batches, 1);
    assert_int_equal(back.counts.accepted, 2);
    assert_int_equal(back.counts.refused, 1);
    assert_int_equal(back.counts.failed, 0);
    assert_string_equal(back.detail, e.detail);
    assert_null(back.server_id);
    free(line);
    sms_history_entry_free(&back);
    sms_history_entry_free(&e);

    static const char old[] = "{\"id\":5,\"at_ms\":1,\"done_ms\":2,\"action\":\"EXPORT\",\"server_id\":\"s\","
                              "\"outcome\":\"OK\",\"state_after\":\"report: /x.csv\"}";
    assert_int_equal(sms_history_entry_parse(old, strlen(old), &back), 0);
    assert_int_equal(back.action, SMS_ACT_EXPORT);
    assert_false(back.has_counts);
    assert_null(back.detail);
    sms_history_entry_free(&back);
    static const char *const bad[] = {
        "{\"id\":5,\"action\":\"export\",\"outcome\":\"OK\",\"counts\":{\"tasks\":-1}}",
        "{\"id\":5,\"action\":\"export\",\"outcome\":\"OK\",\"counts\":{\"tasks\":4294967296}}",
        "{\"id\":5,\"action\":\"export\",\"outcome\":\"OK\",\"counts\":[]}",
        "{\"id\":5,\"action\":\"export\",\"outcome\":\"OK\",\"detail\":[1]}",
        "{\"id\":5,\"action\":\"export\",\"outcome\":\"OK\",\"detail\":\"one\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (sms_history_entry_parse(bad[i], strlen(bad[i]), &back) == 0)
            fail_msg("accepted: %s", bad[i]);
    }
}

static void test_parse_rejects_what_is_not_an_entry(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "not json", "[]", "{}",
        "{\"id\":1,\"action\":\"STOP\"}",                                   /* no outcome */
        "{\"id\":1,\"action\":\"REBOOT\",\"outcome\":\"OK\"}",              /* unknown action */
        "{\"id\":-3,\"action\":\"STOP\",\"outcome\":\"OK\"}",               /* negative id */
        "{\"id\":1.5,\"action\":\"STOP\",\"outcome\":\"OK\"}",              /* fractional id */
        "{\"id\":1,\"action\":\"STOP\",\"outcome\":\"OK\",\"user\":5}",    /* wrong type */
        "{\"id\":1,\"action\":\"STOP\",\"outcome\":\"OK\",\"error\":{\"kind\":\"BOGUS\"}}",
        "{\"id\":1,\"action\":\"STOP\",\"outcome\":\"OK\"",                 /* cut short */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sms_history_entry e;
        if (sms_history_entry_parse(bad[i], strlen(bad[i]), &e) == 0)
            fail_msg("accepted: %s", bad[i]);
        assert_null(e.user);                    /* left zeroed */
    }
}

static void test_loaded_text_is_sanitised(void **state)
{
    (void)state;
    const char *line = "{\"id\":3,\"action\":\"START\",\"outcome\":\"OK\","
                       "\"server_name\":\"evil\\u001b[2Jname\\u202e\","
                       "\"error\":{\"kind\":\"HTTP\",\"message\":\"bad\\rline\","
                       "\"api\":{\"error_msg\":\"x\\u0007y\"}}}";
    sms_history_entry e;
    assert_int_equal(sms_history_entry_parse(line, strlen(line), &e), 0);
    assert_string_equal(e.server_name, "evil?[2Jname");
    assert_string_equal(e.error.message, "bad?line");
    assert_string_equal(e.error.api.error_msg, "x?y");
    sms_history_entry_free(&e);
}

static void test_corrupt_lines_are_skipped_and_the_rest_kept(void **state)
{
    (void)state;
    FILE *f = file_with(
        "{\"id\":1,\"action\":\"STOP\",\"outcome\":\"OK\",\"server_id\":\"a\"}\n"
        "garbage line\n"
        "{\"id\":2,\"action\":\"START\",\"outcome\":\"FAILED\",\"server_id\":\"b\"}\n"
        "\n"
        "{\"id\":3,\"action\":\"SYNC\",\"outc\n"
        "{\"id\":4,\"action\":\"DELETE\",\"outcome\":\"OK\",\"server_id\":\"d\"}");
    sms_history_log h = empty_log(100);
    sms_history_log_read(&h, f);
    fclose(f);
    assert_int_equal(h.n, 3);
    assert_int_equal(h.skipped, 2);
    assert_string_equal(h.v[0].server_id, "a");
    assert_string_equal(h.v[1].server_id, "b");
    assert_string_equal(h.v[2].server_id, "d");
    assert_int_equal(h.v[2].action, SMS_ACT_DELETE);
    assert_int_equal(h.next_id, 5);
    sms_history_log_close(&h);
}

static void test_later_lines_replace_earlier_ones_and_pending_becomes_unknown(void **state)
{
    (void)state;
    FILE *f = file_with(
        "{\"id\":5,\"action\":\"STOP\",\"outcome\":\"PENDING\",\"server_id\":\"a\"}\n"
        "{\"id\":6,\"action\":\"START\",\"outcome\":\"PENDING\",\"server_id\":\"b\"}\n"
        "{\"id\":5,\"action\":\"STOP\",\"outcome\":\"OK\",\"server_id\":\"a\"}\n"
        "{\"id\":5,\"action\":\"STOP\",\"outcome\":\"OK\",\"server_id\":\"a\","
        "\"state_after\":\"stopped / ABORT\"}\n");
    sms_history_log h = empty_log(100);
    sms_history_log_read(&h, f);
    fclose(f);
    sms_history_log_mark_interrupted(&h);
    assert_int_equal(h.n, 2);
    assert_int_equal(h.v[0].id, 5);
    assert_int_equal(h.v[0].outcome, SMS_OUT_OK);
    assert_string_equal(h.v[0].state_after, "stopped / ABORT");
    /* 6 never got its answer: the console stopped while it was in flight */
    assert_int_equal(h.v[1].outcome, SMS_OUT_UNKNOWN);
    assert_true(h.v[1].error.outcome_unknown);
    assert_non_null(h.v[1].error.message);
    sms_history_log_close(&h);
}

static void test_cap_keeps_the_newest(void **state)
{
    (void)state;
    sms_history_log h = empty_log(5);
    uint64_t ids[8];
    for (int i = 0; i < 8; i++) {
        sms_history_entry e = sample_entry(0, SMS_OUT_OK);
        sms_history_entry *stored = sms_history_log_add(&h, &e);
        assert_non_null(stored);
        ids[i] = stored->id;
        if (i > 0)
            assert_true(ids[i] > ids[i - 1]);          /* unique and increasing */
        sms_history_entry_free(&e);
    }
    assert_int_equal(h.n, 5);
    for (size_t i = 0; i < h.n; i++)
        assert_int_equal(h.v[i].id, ids[3 + i]);
    assert_null(sms_history_log_find(&h, ids[2]));
    assert_non_null(sms_history_log_find(&h, ids[7]));
    sms_history_log_close(&h);
}

static void test_publish_is_an_independent_copy(void **state)
{
    (void)state;
    sms_history_log h = empty_log(10);
    sms_history_entry e = sample_entry(0, SMS_OUT_PENDING);
    sms_history_entry *stored = sms_history_log_add(&h, &e);
    sms_history_entry_free(&e);
    sms_history *pub = sms_history_publish(&h);
    assert_non_null(pub);
    stored->outcome = SMS_OUT_OK;
    assert_int_equal(pub->n_entries, 1);
    assert_int_equal(pub->entries[0].outcome, SMS_OUT_PENDING);
    assert_ptr_not_equal(pub->entries[0].server_id, stored->server_id);
    sms_history_ref(pub);
    sms_history_unref(pub);
    assert_int_equal(pub->refs, 1);
    sms_history_unref(pub);
    sms_history_log_close(&h);
}

/* ---- the file on disk ----------------------------------------------------- */

typedef struct tmp_dir { char path[256]; } tmp_dir;

static void make_tmp_dir(tmp_dir *t)
{
    snprintf(t->path, sizeof t->path, "/tmp/sms-history-XXXXXX");
    assert_non_null(mkdtemp(t->path));
}

static void remove_tree(const char *path)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    assert_int_equal(system(cmd), 0);
}

static size_t count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = 0;
    int c;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

static void test_file_survives_reopen_with_private_modes(void **state)
{
    (void)state;
    tmp_dir t;
    make_tmp_dir(&t);
    char file[400], dir[300];
    snprintf(dir, sizeof dir, "%s/state/smsconsole", t.path);
    snprintf(file, sizeof file, "%s/history.jsonl", dir);
    mode_t old_umask = umask(0);          /* the modes must not depend on the umask */

    sms_history_log h;
    char msg[256];
    assert_int_equal(sms_history_log_open(&h, file, 10, msg, sizeof msg), 0);
    sms_history_entry e = sample_entry(0, SMS_OUT_PENDING);
    sms_history_entry *stored = sms_history_log_add(&h, &e);
    sms_history_entry_free(&e);
    assert_int_equal(sms_history_log_save(&h, stored), 0);
    stored->outcome = SMS_OUT_OK;
    assert_int_equal(sms_history_log_save(&h, stored), 0);
    sms_history_log_close(&h);
    umask(old_umask);

    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    assert_int_equal(chmod(file, 0644), 0);            /* widened behind our back */
    assert_int_equal(sms_history_log_open(&h, file, 10, msg, sizeof msg), 0);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.v[0].outcome, SMS_OUT_OK);
    assert_int_equal(sms_history_log_save(&h, &h.v[0]), 0);
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_string_equal(h.v[0].server_name, "web-01");
    assert_true(h.next_id > h.v[0].id);
    sms_history_log_close(&h);
    remove_tree(t.path);
}

static void test_file_is_compacted_when_it_grows(void **state)
{
    (void)state;
    tmp_dir t;
    make_tmp_dir(&t);
    char file[400];
    snprintf(file, sizeof file, "%s/history.jsonl", t.path);
    sms_history_log h;
    char msg[256];
    assert_int_equal(sms_history_log_open(&h, file, 3, msg, sizeof msg), 0);
    uint64_t last = 0;
    for (int i = 0; i < 20; i++) {
        sms_history_entry e = sample_entry(0, SMS_OUT_OK);
        sms_history_entry *stored = sms_history_log_add(&h, &e);
        sms_history_entry_free(&e);
        last = stored->id;
        assert_int_equal(sms_history_log_save(&h, stored), 0);
    }
    assert_true(count_lines(file) <= 2 * 3);
    sms_history_log_close(&h);
    assert_int_equal(sms_history_log_open(&h, file, 3, msg, sizeof msg), 0);
    assert_int_equal(h.n, 3);
    assert_int_equal(h.v[2].id, last);
    sms_history_log_close(&h);
    remove_tree(t.path);
}

static void test_compaction_keeps_what_another_console_appended(void **state)
{
    (void)state;
    tmp_dir t;
    make_tmp_dir(&t);
    char file[400];
    snprintf(file, sizeof file, "%s/history.jsonl", t.path);
    sms_history_log a, b;
    char msg[256];
    assert_int_equal(sms_history_log_open(&a, file, 4, msg, sizeof msg), 0);
    assert_int_equal(sms_history_log_open(&b, file, 4, msg, sizeof msg), 0);
    /* ids as two processes would make them: distinct, interleaved */
    for (uint64_t i = 1; i <= 6; i++) {
        sms_history_log *who = i % 2 ? &a : &b;
        sms_history_entry e = sample_entry(i, SMS_OUT_OK);
        sms_history_entry *stored = sms_history_log_add(who, &e);
        sms_history_entry_free(&e);
        assert_int_equal(sms_history_log_save(who, stored), 0);
    }
    assert_int_equal(sms_history_log_compact(&a), 0);   /* a rewrites the shared file */
    sms_history_log_close(&a);
    sms_history_log_close(&b);
    assert_int_equal(sms_history_log_open(&a, file, 4, msg, sizeof msg), 0);
    assert_int_equal(a.n, 4);                            /* the newest 4 of both: 3..6 */
    for (size_t i = 0; i < a.n; i++)
        assert_int_equal(a.v[i].id, 3 + i);
    sms_history_log_close(&a);
    remove_tree(t.path);
}

static void test_a_corrupt_file_is_reported_not_fatal(void **state)
{
    (void)state;
    tmp_dir t;
    make_tmp_dir(&t);
    char file[400];
    snprintf(file, sizeof file, "%s/history.jsonl", t.path);
    FILE *f = fopen(file, "w");
    fputs("{\"id\":9,\"action\":\"LAUNCH\",\"outcome\":\"OK\"}\n\x01\x02 binary junk\n"
          "{\"id\":10,\"action\":\"STOP\",\"outcome\":\"PENDING\"}\n{\"id\":\n", f);
    fclose(f);
    sms_history_log h;
    char msg[256];
    assert_int_equal(sms_history_log_open(&h, file, 10, msg, sizeof msg), 0);
    assert_int_equal(h.n, 2);
    assert_int_equal(h.v[0].id, 9);
    assert_int_equal(h.v[1].outcome, SMS_OUT_UNKNOWN);   /* was in flight when it stopped */
    char where[420];
    snprintf(where, sizeof where, "%s:2: unreadable line", file);    /* file:line of the first */
    assert_non_null(strstr(msg, where));
    assert_non_null(strstr(msg, "2 unreadable line"));
    sms_history_log_close(&h);
    remove_tree(t.path);
}

static void test_default_path_follows_xdg(void **state)
{
    (void)state;
    char buf[512];
    setenv("HOME", "/home/op", 1);
    setenv("XDG_STATE_HOME", "/var/state", 1);
    assert_int_equal(sms_history_default_path(buf, sizeof buf), 0);
    assert_string_equal(buf, "/var/state/smsconsole/history.jsonl");
    setenv("XDG_STATE_HOME", "relative/state", 1);      /* ignored, per the spec */
    assert_int_equal(sms_history_default_path(buf, sizeof buf), 0);
    assert_string_equal(buf, "/home/op/.local/state/smsconsole/history.jsonl");
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    assert_int_equal(sms_history_default_path(buf, sizeof buf), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_round_trip),
        cmocka_unit_test(test_every_action_and_outcome_name_parses_back),
        cmocka_unit_test(test_export_counts_and_detail_round_trip),
        cmocka_unit_test(test_parse_rejects_what_is_not_an_entry),
        cmocka_unit_test(test_loaded_text_is_sanitised),
        cmocka_unit_test(test_corrupt_lines_are_skipped_and_the_rest_kept),
        cmocka_unit_test(test_later_lines_replace_earlier_ones_and_pending_becomes_unknown),
        cmocka_unit_test(test_cap_keeps_the_newest),
        cmocka_unit_test(test_publish_is_an_independent_copy),
        cmocka_unit_test(test_file_survives_reopen_with_private_modes),
        cmocka_unit_test(test_file_is_compacted_when_it_grows),
        cmocka_unit_test(test_compaction_keeps_what_another_console_appended),
        cmocka_unit_test(test_a_corrupt_file_is_reported_not_fatal),
        cmocka_unit_test(test_default_path_follows_xdg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

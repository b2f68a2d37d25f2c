/* test_api_audit.c - the audit log: line content, file mode and folder creation, the
 * read-only refusal recorded without sending anything, and no secret in any line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "api/client_priv.h"

#define PASSWORD "Pa55-very-secret"
#define SECRET_KEY "SK-very-secret-0123456789"
#define TOKEN "MIItoken-very-secret"

static char tmpdir[256];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/sms_audit_test.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_line_has_every_field(void **state)
{
    (void)state;
    sms_audit_entry a = { .context = "prod", .user = "alice", .action = "delete_server",
                          .target = "srv-1", .method = "DELETE", .path = "/v3/sources/srv-1",
                          .outcome = "error", .http_status = 403, .error_code = "SMS.9004",
                          .request_id = "rid-1", .attempts = 1 };
    char *line = sms_audit_line(&a, 1700000000123LL);
    assert_non_null(line);
    size_t n = strlen(line);
    assert_true(n > 2 && line[n - 1] == '\n');
    assert_null(memchr(line, '\n', n - 1));        /* exactly one line */
    cJSON *j = cJSON_Parse(line);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "time")->valuestring, "2023-11-14T22:13:20.123Z");
    assert_string_equal(cJSON_GetObjectItem(j, "context")->valuestring, "prod");
    assert_string_equal(cJSON_GetObjectItem(j, "user")->valuestring, "alice");
    assert_string_equal(cJSON_GetObjectItem(j, "action")->valuestring, "delete_server");
    assert_string_equal(cJSON_GetObjectItem(j, "target")->valuestring, "srv-1");
    assert_int_equal(cJSON_GetObjectItem(j, "http_status")->valueint, 403);
    assert_string_equal(cJSON_GetObjectItem(j, "error_code")->valuestring, "SMS.9004");
    assert_string_equal(cJSON_GetObjectItem(j, "request_id")->valuestring, "rid-1");
    assert_string_equal(cJSON_GetObjectItem(j, "outcome")->valuestring, "error");
    cJSON_Delete(j);
    free(line);
}

static void test_line_escapes_hostile_text(void **state)
{
    (void)state;
    sms_audit_entry a = { .action = "x", .target = "a\"b\nc", .outcome = "ok" };
    char *line = sms_audit_line(&a, 0);
    assert_non_null(line);
    assert_null(memchr(line, '\n', strlen(line) - 1));
    cJSON *j = cJSON_Parse(line);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "target")->valuestring, "a\"b\nc");
    cJSON_Delete(j);
    free(line);
}

static void test_append_creates_folders_and_0600_file(void **state)
{
    (void)state;
    char path[400];
    snprintf(path, sizeof path, "%s/a/b/audit.jsonl", tmpdir);
    assert_int_equal(sms_audit_append(path, "{\"n\":1}\n"), 0);
    assert_int_equal(sms_audit_append(path, "{\"n\":2}\n"), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char dir[400];
    snprintf(dir, sizeof dir, "%s/a/b", tmpdir);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    char *text = read_file(path);
    assert_string_equal(text, "{\"n\":1}\n{\"n\":2}\n");
    free(text);
}

/* An audit file someone left readable by all is made private on the next append. */
static void test_existing_wide_file_is_tightened(void **state)
{
    (void)state;
    char path[400];
    snprintf(path, sizeof path, "%s/wide.jsonl", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(sms_audit_append(path, "{\"n\":1}\n"), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_default_path_follows_xdg(void **state)
{
    (void)state;
    char *saved_state = getenv("XDG_STATE_HOME") ? strdup(getenv("XDG_STATE_HOME")) : NULL;
    char *saved_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("XDG_STATE_HOME", "/x/state", 1);
    char *p = sms_audit_default_path();
    assert_string_equal(p, "/x/state/smsconsole/audit.jsonl");
    free(p);
    setenv("XDG_STATE_HOME", "relative/ignored", 1);
    setenv("HOME", "/home/op", 1);
    p = sms_audit_default_path();
    assert_string_equal(p, "/home/op/.local/state/smsconsole/audit.jsonl");
    free(p);
    if (saved_state) setenv("XDG_STATE_HOME", saved_state, 1); else unsetenv("XDG_STATE_HOME");
    if (saved_home) setenv("HOME", saved_home, 1); else unsetenv("HOME");
    free(saved_state);
    free(saved_home);
}

/* A read-only client refuses locally, sends nothing, and audits the refusal. */
static sms_client *readonly_client(const char *audit_path, sms_auth_method m)
{
    sms_client_opts o = { .endpoint = "http://127.0.0.1:9", .auth = m, .user = "alice",
                          .domain = "demo", .password = PASSWORD, .ak = "AKID0001", .sk = SECRET_KEY,
                          .token = TOKEN, .readonly = true, .audit_path = audit_path,
                          .context = "prod" };
    sms_call_error e;
    sms_client *c = sms_client_new(&o, &e);
    assert_non_null(c);
    sms_call_error_free(&e);
    return c;
}

static void test_readonly_refusal_is_audited_without_secrets(void **state)
{
    (void)state;
    char path[400];
    snprintf(path, sizeof path, "%s/ro/audit.jsonl", tmpdir);
    const sms_auth_method methods[] = { SMS_AUTH_PASSWORD, SMS_AUTH_AKSK, SMS_AUTH_TOKEN };
    for (size_t i = 0; i < 3; i++) {
        sms_client *c = readonly_client(path, methods[i]);
        sms_call_error e;
        assert_int_equal(sms_delete_server(c, "srv-42", &e), -1);
        assert_int_equal(e.kind, SMS_E_READONLY);
        assert_int_equal(e.attempts, 0);
        sms_call_error_free(&e);
        assert_int_equal(sms_task_do_action(c, "task-7", "start", NULL), -1);
        sms_client_stats st = sms_client_get_stats(c);
        assert_int_equal(st.requests, 0);
        assert_int_equal(st.logins, 0);
        sms_client_free(c);
    }
    char *text = read_file(path);
    assert_non_null(text);
    assert_null(strstr(text, PASSWORD));
    assert_null(strstr(text, SECRET_KEY));
    assert_null(strstr(text, TOKEN));
    assert_non_null(strstr(text, "\"outcome\":\"refused\""));
    assert_non_null(strstr(text, "\"target\":\"srv-42\""));
    /* named as the action table (and the history) names them */
    assert_non_null(strstr(text, "\"action\":\"delete\""));
    assert_non_null(strstr(text, "\"action\":\"start\""));
    assert_non_null(strstr(text, "\"user\":\"alice\""));
    assert_non_null(strstr(text, "\"user\":\"ak:AKID0001\""));
    int lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 6);
    free(text);
}

/* NULL = the XDG default file; "" = no audit at all. */
static void test_default_and_disabled_audit(void **state)
{
    (void)state;
    char xdg[300], path[400];
    snprintf(xdg, sizeof xdg, "%s/xdg", tmpdir);
    snprintf(path, sizeof path, "%s/smsconsole/audit.jsonl", xdg);
    setenv("XDG_STATE_HOME", xdg, 1);
    sms_client *off = readonly_client("", SMS_AUTH_TOKEN);
    assert_int_equal(sms_delete_server(off, "srv-1", NULL), -1);
    sms_client_free(off);
    assert_int_equal(access(path, F_OK), -1);
    sms_client *def = readonly_client(NULL, SMS_AUTH_TOKEN);
    assert_int_equal(sms_delete_server(def, "srv-1", NULL), -1);
    sms_client_free(def);
    assert_int_equal(access(path, F_OK), 0);
    unsetenv("XDG_STATE_HOME");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_has_every_field),
        cmocka_unit_test(test_line_escapes_hostile_text),
        cmocka_unit_test(test_append_creates_folders_and_0600_file),
        cmocka_unit_test(test_existing_wide_file_is_tightened),
        cmocka_unit_test(test_default_path_follows_xdg),
        cmocka_unit_test(test_readonly_refusal_is_audited_without_secrets),
        cmocka_unit_test(test_default_and_disabled_audit),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}

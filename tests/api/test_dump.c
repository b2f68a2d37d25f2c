/* test_dump.c - smsconsole --dump against the emulator: one JSON object with overview,
 * servers, errors, tasks and fetched_at; an aligned text table; errors reported. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "model/codec.h"
#include "poller_testutil.h"

static char *dump_to_string(const smsemu *e, sms_dump_format fmt, int *rc, sms_call_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    sms_client_opts o = pt_client_opts(e, "viewer");
    *rc = sms_dump(&o, fmt, out, err);
    fclose(out);
    return buf;
}

static void test_json_dump_has_every_part(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(4, true);
    size_t n;
    char **ids = pt_server_ids(e, &n);
    char *task_id = pt_create_task(e, ids[2]);
    int rc;
    sms_call_error err = {0};
    char *text = dump_to_string(e, SMS_DUMP_JSON, &rc, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(err.kind, SMS_E_NONE);

    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "overview")));
    const cJSON *servers = cJSON_GetObjectItemCaseSensitive(j, "servers");
    assert_true(cJSON_IsArray(servers));
    assert_int_equal(cJSON_GetArraySize(servers), 4);
    for (size_t i = 0; i < n; i++) {
        const cJSON *sv = cJSON_GetArrayItem(servers, (int)i);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(sv, "id");
        assert_true(cJSON_IsString(id));
        assert_string_equal(id->valuestring, ids[i]);
    }
    assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "errors")));
    const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(j, "tasks");
    assert_true(cJSON_IsArray(tasks));
    assert_int_equal(cJSON_GetArraySize(tasks), 1);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(tasks, 0), "id")
                            ->valuestring, task_id);
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(j, "fetched_at");
    assert_true(cJSON_IsString(at));
    assert_int_equal(strlen(at->valuestring), strlen("2026-01-01T00:00:00Z"));
    cJSON_Delete(j);
    free(text);
    free(task_id);
    pt_free_ids(ids, n);
    smsemu_stop(e);
}

/* Byte offset of the column starting with `cell` in line, or -1. */
static long column_of(const char *line, const char *cell)
{
    const char *at = strstr(line, cell);
    return at ? (long)(at - line) : -1;
}

static void test_text_dump_is_an_aligned_table(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(5, true);
    sms_client *c = pt_client(e, "viewer");
    sms_server_list list = {0};
    assert_int_equal(sms_list_servers(c, NULL, &list, NULL), 0);
    int rc;
    sms_call_error err = {0};
    char *text = dump_to_string(e, SMS_DUMP_TEXT, &rc, &err);
    assert_int_equal(rc, 0);

    char *save = NULL;
    char *header = strtok_r(text, "\n", &save);
    assert_non_null(header);
    static const char *const titles[] = { "NAME", "IP", "OS", "STATE", "CYCLE", "PROGRESS",
                                          "CONNECTED" };
    long prev = -1;
    for (size_t t = 0; t < sizeof titles / sizeof titles[0]; t++) {
        long col = column_of(header, titles[t]);
        assert_true(col > prev);
        prev = col;
    }
    long ip_col = column_of(header, "IP"), state_col = column_of(header, "STATE");
    size_t rows = 0;
    for (char *line; rows < list.n_source_servers && (line = strtok_r(NULL, "\n", &save)); rows++) {
        const sms_server *s = &list.source_servers[rows];     /* API order */
        assert_int_equal(strncmp(line, s->name, strlen(s->name)), 0);
        /* ASCII names in the emulator: columns line up byte for byte */
        assert_int_equal(strncmp(line + ip_col, s->ip, strlen(s->ip)), 0);
        assert_int_equal(strncmp(line + state_col, s->state, strlen(s->state)), 0);
    }
    assert_int_equal(rows, list.n_source_servers);
    /* then, after a blank line each: the overview, the migration errors and the tasks */
    char *rest = save;
    assert_non_null(rest);
    assert_non_null(strstr(rest, "\nOVERVIEW  waiting "));
    assert_non_null(strstr(rest, "\n\nMIGRATION ERRORS ("));
    assert_non_null(strstr(rest, "\n\nTASKS ("));
    sms_free(&SMS_T_SERVER_LIST, &list);
    sms_client_free(c);
    free(text);
    smsemu_stop(e);
}

static void test_dump_reports_the_api_error(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(2, true);
    const char *fault = "/v3/sources*=status:503";
    char buf[256];
    assert_int_equal(smsemu_set_faults(e, &fault, 1, buf, sizeof buf), 0);
    int rc;
    sms_call_error err = {0};
    char *text = dump_to_string(e, SMS_DUMP_JSON, &rc, &err);
    assert_int_equal(rc, -1);
    assert_int_equal(err.kind, SMS_E_HTTP);
    assert_int_equal(err.http_status, 503);
    assert_true(text == NULL || text[0] == '\0');      /* nothing half-written */
    sms_call_error_free(&err);
    free(text);
    smsemu_stop(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_dump_has_every_part),
        cmocka_unit_test(test_text_dump_is_an_aligned_table),
        cmocka_unit_test(test_dump_reports_the_api_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_model_codec.c - the policy of codec.h, one rule per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/codec.h"

/* Parses text as type t; on failure err is filled and out is zeroed. */
static int parse(const sms_type *t, const char *text, void *out, sms_decode_mode mode,
                 sms_jerr *err)
{
    return sms_parse(t, text, strlen(text), out, mode, err);
}

static bool is_all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* Expects text to fail as t with exactly this path and message, leaving out zeroed. */
static void expect_error(const sms_type *t, const char *text, sms_decode_mode mode,
                         const char *path, const char *msg)
{
    _Alignas(16) unsigned char out[4096];
    assert_true(sms_type_size(t) <= sizeof out);
    memset(out, 0xA5, sizeof out);
    sms_jerr err;
    assert_int_equal(parse(t, text, out, mode, &err), -1);
    assert_string_equal(err.path, path);
    assert_string_equal(err.msg, msg);
    assert_true(is_all_zero(out, sms_type_size(t)));
}

/* ---- strict rules ------------------------------------------------------------ */

static void test_wrong_type_names_the_path(void **state)
{
    (void)state;
    expect_error(&SMS_T_SERVER,
                 "{\"disks\":[{\"name\":\"/dev/vda\"},{\"physical_volumes\":"
                 "[{\"size\":{}}]}]}",
                 SMS_DECODE_RESPONSE, "disks[1].physical_volumes[0].size", "expected number");
    expect_error(&SMS_T_SERVER, "{\"name\":42}", SMS_DECODE_RESPONSE, "name", "expected string");
    expect_error(&SMS_T_SERVER, "{\"disks\":{}}", SMS_DECODE_RESPONSE, "disks", "expected array");
    expect_error(&SMS_T_SERVER, "{\"disks\":[7]}", SMS_DECODE_RESPONSE, "disks[0]",
                 "expected object");
    expect_error(&SMS_T_SERVER, "{\"connected\":1}", SMS_DECODE_RESPONSE, "connected",
                 "expected boolean");
    expect_error(&SMS_T_SERVER, "[]", SMS_DECODE_RESPONSE, "", "expected object");
}

static void test_int_out_of_range(void **state)
{
    (void)state;
    expect_error(&SMS_T_OVERVIEW, "{\"waiting\":2147483648}", SMS_DECODE_RESPONSE, "waiting",
                 "integer out of range");
    expect_error(&SMS_T_OVERVIEW, "{\"waiting\":\"-2147483649\"}", SMS_DECODE_RESPONSE,
                 "waiting", "integer out of range");
    expect_error(&SMS_T_SERVER, "{\"add_date\":9223372036854775808}", SMS_DECODE_RESPONSE,
                 "add_date", "integer out of range");
    expect_error(&SMS_T_SERVER, "{\"add_date\":\"99999999999999999999\"}",
                 SMS_DECODE_RESPONSE, "add_date", "integer out of range");
    /* The documented range (0-100) is a request-mode rule. */
    expect_error(&SMS_T_PROGRESS,
                 "{\"subtask_name\":\"X\",\"process_trace\":\"\",\"progress\":101,"
                 "\"replicatesize\":0,\"totalsize\":0}",
                 SMS_DECODE_REQUEST, "progress", "out of range [0, 100]");
}

static void test_int_edges_accepted(void **state)
{
    (void)state;
    sms_overview ov;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_OVERVIEW, "{\"waiting\":2147483647,\"error\":-2147483648}",
                           &ov, SMS_DECODE_RESPONSE, &err), 0);
    assert_int_equal(ov.waiting, INT32_MAX);
    assert_int_equal(ov.error, INT32_MIN);
    sms_server s;
    assert_int_equal(parse(&SMS_T_SERVER, "{\"add_date\":\"9223372036854775807\"}", &s,
                           SMS_DECODE_RESPONSE, &err), 0);
    assert_true(s.add_date == INT64_MAX);
    sms_free(&SMS_T_SERVER, &s);
}

static void test_non_integral(void **state)
{
    (void)state;
    expect_error(&SMS_T_OVERVIEW, "{\"stopped\":1.5}", SMS_DECODE_RESPONSE, "stopped",
                 "expected integer");
    expect_error(&SMS_T_OVERVIEW, "{\"stopped\":\"2.25\"}", SMS_DECODE_RESPONSE, "stopped",
                 "expected integer");
    sms_overview ov;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_OVERVIEW, "{\"stopped\":3.0,\"waiting\":\"1e3\"}", &ov,
                           SMS_DECODE_RESPONSE, &err), 0);
    assert_int_equal(ov.stopped, 3);
    assert_int_equal(ov.waiting, 1000);
}

static void test_non_finite(void **state)
{
    (void)state;
    expect_error(&SMS_T_TASK, "{\"migrate_speed\":1e400}", SMS_DECODE_RESPONSE,
                 "migrate_speed", "not a finite number");
    expect_error(&SMS_T_TASK, "{\"migrate_speed\":-1e400}", SMS_DECODE_RESPONSE,
                 "migrate_speed", "not a finite number");
    expect_error(&SMS_T_TASK, "{\"migrate_speed\":\"NaN\"}", SMS_DECODE_RESPONSE,
                 "migrate_speed", "expected number");
    expect_error(&SMS_T_TASK, "{\"migrate_speed\":\"1e999\"}", SMS_DECODE_RESPONSE,
                 "migrate_speed", "not a finite number");
    expect_error(&SMS_T_TASK, "{\"create_date\":1e300}", SMS_DECODE_RESPONSE,
                 "create_date", "integer out of range");
    expect_error(&SMS_T_TASK, "{\"create_date\":1e999}", SMS_DECODE_RESPONSE,
                 "create_date", "not a finite number");
}

static void test_bad_utf8(void **state)
{
    (void)state;
    expect_error(&SMS_T_SERVER, "{\"name\":\"ab\xff\"}", SMS_DECODE_RESPONSE, "name",
                 "invalid UTF-8");
    expect_error(&SMS_T_SERVER, "{\"name\":\"\xc0\xaf\"}", SMS_DECODE_RESPONSE, "name",
                 "invalid UTF-8");                                  /* overlong '/' */
    expect_error(&SMS_T_SERVER, "{\"name\":\"\xed\xa0\x80\"}", SMS_DECODE_RESPONSE, "name",
                 "invalid UTF-8");                                  /* surrogate */
    expect_error(&SMS_T_SERVER, "{\"name\":\"\xe2\x82\"}", SMS_DECODE_RESPONSE, "name",
                 "invalid UTF-8");                                  /* cut sequence */
    expect_error(&SMS_T_TASK, "{\"sub_tasks\":[{\"name\":\"x\"},{\"process_trace\":\"\xf5\"}]}",
                 SMS_DECODE_RESPONSE, "sub_tasks[1].process_trace", "invalid UTF-8");
    sms_server s;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_SERVER, "{\"name\":\"h\xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x80\"}",
                           &s, SMS_DECODE_RESPONSE, &err), 0);
    assert_string_equal(s.name, "h\xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x80");
    sms_free(&SMS_T_SERVER, &s);
}

static void test_embedded_nul(void **state)
{
    (void)state;
    _Alignas(16) unsigned char out[sizeof(sms_server)];
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_SERVER, "{\"name\":\"adm\\u0000in\"}", out,
                           SMS_DECODE_RESPONSE, &err), -1);
    assert_non_null(strstr(err.msg, "embedded NUL"));
    assert_true(is_all_zero(out, sizeof out));
    /* In a key too: "id\u0000x" must not read as "id" (cJSON cuts at the NUL): it is
     * an unknown key. */
    sms_server k;
    assert_int_equal(parse(&SMS_T_SERVER, "{\"id\\u0000x\":\"a\"}", &k,
                           SMS_DECODE_RESPONSE, &err), 0);
    assert_null(k.id);
    sms_free(&SMS_T_SERVER, &k);
    /* A text with a U+FFFF of its own cannot mark its NULs: it fails as a whole. */
    assert_int_equal(parse(&SMS_T_SERVER, "{\"ip\":\"\\uFFFF\",\"name\":\"a\\u0000\"}", out,
                           SMS_DECODE_RESPONSE, &err), -1);
    assert_non_null(strstr(err.msg, "embedded NUL"));
    /* An escaped backslash followed by the text u0000 is fine. */
    sms_server s;
    assert_int_equal(parse(&SMS_T_SERVER, "{\"name\":\"a\\\\u0000\"}", &s,
                           SMS_DECODE_RESPONSE, &err), 0);
    assert_string_equal(s.name, "a\\u0000");
    sms_free(&SMS_T_SERVER, &s);
}

/* One bad server does not fail the list: it becomes a placeholder with its id and the
 * reason, and every other server stands. */
static void test_bad_record_fails_alone(void **state)
{
    (void)state;
    const char *text =
        "{\"count\":6,\"source_servers\":["
        "{\"id\":\"s1\",\"name\":\"good-1\",\"state\":\"waiting\"},"
        "{\"id\":\"s2\",\"name\":\"bad\xff\",\"state\":\"waiting\"},"
        "{\"id\":\"s3\",\"name\":\"nul\\u0000here\"},"
        "{\"id\":\"s4\",\"memory\":\"lots\",\"disks\":[{\"name\":\"\\u0000\"}]},"
        "17,"
        "{\"id\":\"\xc0\xaf\",\"cpu_quantity\":true},"
        "{\"id\":\"s7\",\"name\":\"good-7\"}]}";
    sms_server_list l;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_SERVER_LIST, text, &l, SMS_DECODE_RESPONSE, &err), 0);
    assert_int_equal(err.bad_items, 5);
    assert_int_equal(l.n_source_servers, 7);
    const sms_server *v = l.source_servers;
    assert_string_equal(v[0].name, "good-1");
    assert_null(v[0].bad_record);
    assert_string_equal(v[6].name, "good-7");
    assert_string_equal(v[1].id, "s2");
    assert_string_equal(v[1].bad_record, "name: invalid UTF-8");
    assert_string_equal(v[1].name, "[unreadable record] name: invalid UTF-8");
    assert_null(v[1].state);                         /* nothing else of it is trusted */
    assert_string_equal(v[2].id, "s3");
    assert_string_equal(v[2].bad_record, "name: embedded NUL (\\u0000)");
    assert_string_equal(v[3].id, "s4");
    assert_string_equal(v[3].bad_record, "memory: expected size");
    assert_null(v[4].id);                            /* not an object */
    assert_string_equal(v[4].bad_record, "expected object");
    assert_null(v[5].id);                            /* an id that is not clean text */
    assert_string_equal(v[5].bad_record, "id: invalid UTF-8");   /* the first fault found */
    /* the placeholders copy, encode and free like any server */
    char *json = sms_to_json(&SMS_T_SERVER_LIST, &l);
    assert_non_null(json);
    assert_non_null(strstr(json, "[unreadable record] name: invalid UTF-8"));
    free(json);
    sms_server_list copy;
    assert_int_equal(sms_copy(&SMS_T_SERVER_LIST, &copy, &l), 0);
    assert_string_equal(copy.source_servers[1].bad_record, "name: invalid UTF-8");
    sms_free(&SMS_T_SERVER_LIST, &copy);
    sms_free(&SMS_T_SERVER_LIST, &l);
    /* a request (what the emulator reads) is still refused as a whole */
    _Alignas(16) unsigned char out[sizeof(sms_server_list)];
    assert_int_equal(parse(&SMS_T_SERVER_LIST, text, out, SMS_DECODE_REQUEST, &err), -1);
    assert_true(is_all_zero(out, sizeof out));
    /* and a bad single server (a detail) is an error, not a placeholder */
    expect_error(&SMS_T_SERVER, "{\"id\":\"s2\",\"name\":\"bad\xff\"}", SMS_DECODE_RESPONSE,
                 "name", "invalid UTF-8");
}

/* A server without a usable id (a number: a decode failure; missing, null or empty:
 * sms_servers_flag_unidentified) is a placeholder: nothing else could tell it from
 * another record, nor act on it. It gets a key from its JSON text instead: the same
 * record, listed again, the same key; two records, even byte for byte equal, two keys. */
static void test_record_without_id_is_a_placeholder_with_a_key(void **state)
{
    (void)state;
    const char *text =
        "{\"count\":7,\"source_servers\":["
        "{\"name\":\"x\",\"state\":\"waiting\"},"
        "{\"id\":5,\"name\":\"five\"},"
        "{\"id\":\"\",\"name\":\"empty\"},"
        "{\"id\":null},"
        "{\"name\":\"x\",\"state\":\"waiting\"},"
        "{\"id\":\"s6\",\"name\":\"good\"},"
        "{\"id\":6,\"name\":\"six\"}]}";
    sms_server_list l;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_SERVER_LIST, text, &l, SMS_DECODE_RESPONSE, &err), 0);
    assert_int_equal(l.n_source_servers, 7);
    assert_int_equal(err.bad_items, 2);                 /* the numbers */
    sms_server *v = l.source_servers;
    assert_string_equal(v[0].name, "x");                /* the codec keeps it as it is */
    assert_null(v[0].bad_record);
    assert_int_equal(sms_servers_flag_unidentified(v, l.n_source_servers), 4);
    static const char *const why[] = { "id: missing", "id: expected string", "id: empty", "id: missing",
                                       "id: missing", NULL, "id: expected string" };
    for (size_t i = 0; i < 7; i++) {
        if (!why[i])
            continue;
        assert_null(v[i].id);
        assert_string_equal(v[i].bad_record, why[i]);
        assert_non_null(v[i].anon_key);
        assert_int_equal(v[i].anon_key[0], '#');
        assert_null(v[i].state);                        /* nothing else of it is trusted */
    }
    assert_string_equal(v[0].name, "[unreadable record] id: missing (name: x)");
    assert_string_equal(v[3].name, "[unreadable record] id: missing");
    assert_string_equal(v[1].name, "[unreadable record] id: expected string");
    assert_string_equal(v[5].id, "s6");
    assert_null(v[5].bad_record);
    assert_null(v[5].anon_key);
    /* equal records: one hash, numbered; different records: different keys */
    assert_memory_equal(v[0].anon_key, v[4].anon_key, 17);
    assert_string_not_equal(v[0].anon_key, v[4].anon_key);
    assert_int_equal(v[0].anon_key[strlen(v[0].anon_key) - 1], '0');
    assert_int_equal(v[4].anon_key[strlen(v[4].anon_key) - 1], '1');
    assert_string_not_equal(v[1].anon_key, v[6].anon_key);      /* the same reason */
    assert_string_not_equal(v[0].anon_key, v[3].anon_key);
    /* the same records in another answer: the same keys */
    sms_server_list again;
    assert_int_equal(parse(&SMS_T_SERVER_LIST, "{\"count\":2,\"source_servers\":[{\"id\":5,\"name\":\"five\"},"
                           "{\"name\":\"x\",\"state\":\"waiting\"}]}", &again, SMS_DECODE_RESPONSE, &err), 0);
    assert_int_equal(sms_servers_flag_unidentified(again.source_servers, again.n_source_servers), 1);
    assert_string_equal(again.source_servers[0].anon_key, v[1].anon_key);
    assert_string_equal(again.source_servers[1].anon_key, v[0].anon_key);
    sms_free(&SMS_T_SERVER_LIST, &again);
    /* the key copies and frees with the record; a second pass changes nothing */
    assert_int_equal(sms_servers_flag_unidentified(v, l.n_source_servers), 0);
    sms_server_list copy;
    assert_int_equal(sms_copy(&SMS_T_SERVER_LIST, &copy, &l), 0);
    assert_string_equal(copy.source_servers[2].anon_key, v[2].anon_key);
    sms_free(&SMS_T_SERVER_LIST, &copy);
    sms_free(&SMS_T_SERVER_LIST, &l);
}

/* {"networks":[ {}, {}, ... n times ]} */
static char *networks_json(size_t n)
{
    char *buf = malloc(32 + 3 * n);
    assert_non_null(buf);
    strcpy(buf, "{\"networks\":[");
    size_t len = strlen(buf);
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(buf + len, "%s{}", i ? "," : "");
    strcpy(buf + len, "]}");
    return buf;
}

static void test_array_over_cap(void **state)
{
    (void)state;
    char *ok = networks_json(256), *over = networks_json(257);
    sms_server s;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_SERVER, ok, &s, SMS_DECODE_RESPONSE, &err), 0);
    assert_int_equal(s.n_networks, 256);
    sms_free(&SMS_T_SERVER, &s);
    expect_error(&SMS_T_SERVER, over, SMS_DECODE_RESPONSE, "networks", "more than 256 items");
    free(ok);
    free(over);
    expect_error(&SMS_T_API_ERROR,
                 "{\"error_param\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\","
                 "\"11\",\"12\",\"13\",\"14\",\"15\",\"16\",\"17\",\"18\",\"19\",\"20\",\"21\"]}",
                 SMS_DECODE_RESPONSE, "error_param", "more than 20 items");
}

/* The per-array caps multiply; the whole document has a budget of array items. */
static void test_total_items_budget(void **state)
{
    (void)state;
    /* 1000 servers x (256 networks + 10 disks) + 1000 = 267000 items > 262144 */
    const char *head = "{\"source_servers\":[";
    size_t per = 40 + 3 * 266, cap = strlen(head) + 1000 * per + 8;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t len = (size_t)sprintf(buf, "%s", head);
    for (int i = 0; i < 1000; i++) {
        len += (size_t)sprintf(buf + len, "%s{\"networks\":[", i ? "," : "");
        for (int k = 0; k < 256; k++)
            len += (size_t)sprintf(buf + len, "%s{}", k ? "," : "");
        len += (size_t)sprintf(buf + len, "],\"disks\":[{},{},{},{},{},{},{},{},{},{}]}");
    }
    len += (size_t)sprintf(buf + len, "]}");
    assert_true(len < cap);
    sms_server_list l;
    sms_jerr err;
    assert_int_equal(sms_parse(&SMS_T_SERVER_LIST, buf, len, &l, SMS_DECODE_RESPONSE, &err), -1);
    assert_string_equal(err.msg, "more than 262144 array items in the document");
    assert_non_null(strstr(err.path, "source_servers["));
    free(buf);
}

/* n nested arrays inside a value of the free-JSON field result_detail. */
static char *nested_json(int levels)
{
    size_t cap = 64 + 2 * (size_t)levels;
    char *buf = malloc(cap);
    assert_non_null(buf);
    int len = sprintf(buf, "{\"result_detail\":");
    for (int i = 0; i < levels - 1; i++)
        buf[len++] = '[';
    for (int i = 0; i < levels - 1; i++)
        buf[len++] = ']';
    strcpy(buf + len, "}");
    return buf;
}

static void test_depth_limit(void **state)
{
    (void)state;
    sms_command_result r;
    sms_jerr err;
    char *ok = nested_json(SMS_MAX_DEPTH);            /* outer object + 31 arrays */
    assert_int_equal(parse(&SMS_T_COMMAND_RESULT, ok, &r, SMS_DECODE_RESPONSE, &err), 0);
    sms_free(&SMS_T_COMMAND_RESULT, &r);
    free(ok);
    char *deep = nested_json(SMS_MAX_DEPTH + 1);
    assert_int_equal(parse(&SMS_T_COMMAND_RESULT, deep, &r, SMS_DECODE_RESPONSE, &err), -1);
    assert_non_null(strstr(err.msg, "nesting deeper than 32"));
    free(deep);
    /* Far beyond cJSON's own limit of 1000: refused before cJSON recurses. */
    char *hostile = nested_json(100000);
    assert_int_equal(parse(&SMS_T_COMMAND_RESULT, hostile, &r, SMS_DECODE_RESPONSE, &err), -1);
    assert_non_null(strstr(err.msg, "nesting deeper"));
    free(hostile);
}

static void test_depth_limit_in_decode(void **state)
{
    (void)state;
    /* sms_decode of a tree parsed elsewhere checks free JSON values too. */
    char text[256] = "{\"result_detail\":";
    for (int i = 0; i < SMS_MAX_DEPTH + 1; i++)
        strcat(text, "[");
    for (int i = 0; i < SMS_MAX_DEPTH + 1; i++)
        strcat(text, "]");
    strcat(text, "}");
    cJSON *json = cJSON_Parse(text);
    assert_non_null(json);
    sms_command_result r;
    sms_jerr err;
    assert_int_equal(sms_decode(&SMS_T_COMMAND_RESULT, json, &r, SMS_DECODE_RESPONSE, &err), -1);
    assert_string_equal(err.path, "result_detail");
    cJSON_Delete(json);
}

static char *repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *s = malloc(u * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    s[u * n] = '\0';
    return s;
}

static void test_long_string_truncated_in_response_mode(void **state)
{
    (void)state;
    /* user_op is <=50 characters; each "é" is 2 bytes: cut at a character boundary. */
    char *op = repeat("\xc3\xa9", 60);
    char text[512];
    snprintf(text, sizeof text, "{\"sub_tasks\":[{\"user_op\":\"%s\"}]}", op);
    sms_task t;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_TASK, text, &t, SMS_DECODE_RESPONSE, &err), 0);
    assert_int_equal(err.truncated, 1);
    assert_int_equal(strlen(t.sub_tasks[0].user_op), 100);
    assert_memory_equal(t.sub_tasks[0].user_op, op, 100);
    sms_free(&SMS_T_TASK, &t);
    /* exactly at the limit: kept whole, not counted */
    snprintf(text, sizeof text, "{\"sub_tasks\":[{\"user_op\":\"%.100s\"}]}", op);
    assert_int_equal(parse(&SMS_T_TASK, text, &t, SMS_DECODE_RESPONSE, &err), 0);
    assert_int_equal(err.truncated, 0);
    assert_int_equal(strlen(t.sub_tasks[0].user_op), 100);
    sms_free(&SMS_T_TASK, &t);
    free(op);
}

static void test_default_limit_is_255(void **state)
{
    (void)state;
    char *name = repeat("a", 300), text[400];
    snprintf(text, sizeof text, "{\"name\":\"%s\"}", name);
    sms_server s;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_SERVER, text, &s, SMS_DECODE_RESPONSE, &err), 0);
    assert_int_equal(strlen(s.name), 255);
    assert_int_equal(err.truncated, 1);
    sms_free(&SMS_T_SERVER, &s);
    free(name);
}

/* An id is never cut: one over 255 characters is an error, and in a list of servers that
 * server alone becomes a placeholder (without a readable id), the others stand. */
static void test_long_id_is_never_cut(void **state)
{
    (void)state;
    char *id = repeat("i", 256), text[1200];
    snprintf(text, sizeof text, "{\"id\":\"%s\",\"name\":\"web\"}", id);
    expect_error(&SMS_T_SERVER, text, SMS_DECODE_RESPONSE, "id", "longer than 255 characters");
    snprintf(text, sizeof text, "{\"count\":2,\"source_servers\":[{\"id\":\"%s\",\"name\":\"long\"},"
             "{\"id\":\"ok-1\",\"name\":\"fine\"}]}", id);
    sms_server_list l;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_SERVER_LIST, text, &l, SMS_DECODE_RESPONSE, &err), 0);
    assert_int_equal(l.n_source_servers, 2);
    assert_int_equal(err.bad_items, 1);
    assert_non_null(l.source_servers[0].bad_record);
    assert_true(l.source_servers[0].id == NULL || strcmp(l.source_servers[0].id, id) != 0);
    if (l.source_servers[0].id)                  /* never a cut copy of the long id */
        assert_true(strncmp(l.source_servers[0].id, id, 255) != 0);
    assert_string_equal(l.source_servers[1].id, "ok-1");
    sms_free(&SMS_T_SERVER_LIST, &l);
    /* exactly 255: whole */
    id[255] = '\0';
    snprintf(text, sizeof text, "{\"id\":\"%s\"}", id);
    sms_server s;
    assert_int_equal(parse(&SMS_T_SERVER, text, &s, SMS_DECODE_RESPONSE, &err), 0);
    assert_string_equal(s.id, id);
    sms_free(&SMS_T_SERVER, &s);
    free(id);
}

static void test_long_string_rejected_in_request_mode(void **state)
{
    (void)state;
    char *bucket = repeat("b", 256), text[400];
    snprintf(text, sizeof text, "{\"log_bucket\":\"%s\"}", bucket);
    expect_error(&SMS_T_COLLECT_LOG, text, SMS_DECODE_REQUEST, "log_bucket",
                 "longer than 255 characters");
    free(bucket);
    expect_error(&SMS_T_SPEED_LIMITS, "{\"speed_limit\":[{\"start\":\"08:00\",\"end\":\"18:000\"}]}",
                 SMS_DECODE_REQUEST, "speed_limit[0].end", "longer than 5 characters");
}

static void test_missing_required_key_in_request_mode(void **state)
{
    (void)state;
    expect_error(&SMS_T_COMMAND_RESULT, "{\"command_name\":\"START\",\"result\":\"success\"}",
                 SMS_DECODE_REQUEST, "result_detail", "missing required key");
    expect_error(&SMS_T_SPEED_LIMITS, "{\"speed_limit\":[{\"start\":\"08:00\"}]}",
                 SMS_DECODE_REQUEST, "speed_limit[0].end", "missing required key");
    expect_error(&SMS_T_COLLECT_LOG, "{\"log_bucket\":null}", SMS_DECODE_REQUEST,
                 "log_bucket", "missing required key");
    expect_error(&SMS_T_COLLECT_LOG, "{\"log_bucket\":\"\"}", SMS_DECODE_REQUEST,
                 "log_bucket", "must not be empty");
    expect_error(&SMS_T_CONSISTENCY_EXPORT, "{\"task_info\":[]}", SMS_DECODE_REQUEST,
                 "task_info", "must not be empty");
    /* Response mode: absent keys are fine. */
    sms_command_result r;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_COMMAND_RESULT, "{}", &r, SMS_DECODE_RESPONSE, &err), 0);
    assert_null(r.result_detail);
}

static void test_register_rules(void **state)
{
    (void)state;
    expect_error(&SMS_T_REGISTER,
                 "{\"name\":\"h\",\"os_type\":\"LINUX\",\"os_version\":\"X\",\"agent_version\":\"1\","
                 "\"networks\":[{\"name\":\"eth0\",\"mac\":\"\"}]}",
                 SMS_DECODE_REQUEST, "networks[0].mac", "must not be empty");
    expect_error(&SMS_T_REGISTER,
                 "{\"name\":\"h\",\"os_type\":\"LINUX\",\"os_version\":\"X\",\"agent_version\":\"1\","
                 "\"networks\":[]}",
                 SMS_DECODE_REQUEST, "networks", "must not be empty");
    char *name = repeat("n", 65), text[300];
    snprintf(text, sizeof text, "{\"name\":\"%s\",\"os_type\":\"LINUX\",\"os_version\":\"X\","
             "\"agent_version\":\"1\",\"networks\":[{\"mac\":\"m\"}]}", name);
    expect_error(&SMS_T_REGISTER, text, SMS_DECODE_REQUEST, "name", "longer than 64 characters");
    free(name);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    sms_server s;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_SERVER, "{\"name\":", &s, SMS_DECODE_RESPONSE, &err), -1);
    assert_non_null(strstr(err.msg, "invalid JSON at byte"));
    expect_error(&SMS_T_SERVER, "{} x", SMS_DECODE_RESPONSE, "",
                 "unexpected text after the JSON value at byte 3");
    expect_error(&SMS_T_SERVER, "", SMS_DECODE_RESPONSE, "", "empty body");
    /* not NUL-terminated: only len bytes are read */
    const char buf[] = { '{', '}', 'X' };
    assert_int_equal(sms_parse(&SMS_T_SERVER, buf, 2, &s, SMS_DECODE_RESPONSE, &err), 0);
    sms_free(&SMS_T_SERVER, &s);
    assert_int_equal(sms_parse(&SMS_T_SERVER, "{}", 2, &s, SMS_DECODE_RESPONSE, NULL), 0);
}

static bool is_printable_ascii(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e)
            return false;
    return true;
}

/* Errors are shown on screen: they name our keys and limits, never echo the input. */
static void test_errors_never_echo_input(void **state)
{
    (void)state;
    const char *hostile[] = {
        "{\"name\":\"\\u001b]0;pwned\\u0007\xff\"}",                       /* bad UTF-8 */
        "{\"\\u001b[2J\":1,\"disks\":[{\"name\":{\"\\u001b[31m\":1}}]}",     /* wrong type */
        "{\"cpu_quantity\":\"\\u001b[31m12\"}",                              /* not a number */
        "\\u001b[2J{",                                                        /* not JSON */
        "{\"state\":\"\\u202e\\u0000\"}",                                      /* NUL */
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        sms_server s;
        sms_jerr err;
        assert_int_equal(parse(&SMS_T_SERVER, hostile[i], &s, SMS_DECODE_RESPONSE, &err), -1);
        assert_true(err.msg[0] != '\0');
        assert_true(is_printable_ascii(err.path));
        assert_true(is_printable_ascii(err.msg));
    }
}

/* ---- lenient rules ----------------------------------------------------------- */

static void test_numbers_as_strings(void **state)
{
    (void)state;
    sms_vg vg;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_VG,
                           "{\"size\":\"42948624384\",\"logical_volumes\":[{\"inode_size\":\"256\","
                           "\"block_count\":\"-3\",\"block_size\":\"4096\"}]}",
                           &vg, SMS_DECODE_RESPONSE, &err), 0);
    assert_true(vg.size == INT64_C(42948624384));
    assert_int_equal(vg.logical_volumes[0].inode_size, 256);
    assert_int_equal(vg.logical_volumes[0].block_count, -3);
    assert_int_equal(vg.logical_volumes[0].block_size, 4096);
    sms_free(&SMS_T_VG, &vg);
    sms_task t;
    assert_int_equal(parse(&SMS_T_TASK, "{\"migrate_speed\":\"12.5\",\"end\":1,\"finish_date\":\"\","
                           "\"syncing\":\"true\"}", &t, SMS_DECODE_RESPONSE, &err), 0);
    assert_true(t.migrate_speed == 12.5);
    assert_true(t.finish_date == 0);
    assert_true(t.syncing);
    sms_free(&SMS_T_TASK, &t);
    expect_error(&SMS_T_VG, "{\"free_size\":\"12 apples\"}", SMS_DECODE_RESPONSE, "free_size",
                 "expected size");
    expect_error(&SMS_T_TASK, "{\"priority\":\"0x1\"}", SMS_DECODE_RESPONSE, "priority",
                 "expected number");
    expect_error(&SMS_T_TASK, "{\"priority\":\" 1\"}", SMS_DECODE_RESPONSE, "priority",
                 "expected number");
}

static void test_size_units(void **state)
{
    (void)state;
    sms_btrfs b;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_BTRFS, "{\"size\":\"3.30GiB\",\"nodesize\":\"16384\","
                           "\"g_vol_used_size\":\"10 MB\"}", &b, SMS_DECODE_RESPONSE, &err), 0);
    assert_true(b.size == INT64_C(3543348019));          /* 3.30 x 2^30, rounded */
    assert_true(b.nodesize == 16384);
    assert_true(b.g_vol_used_size == 10000000);           /* "MB" is decimal, "MiB" binary */
    sms_free(&SMS_T_BTRFS, &b);
    expect_error(&SMS_T_BTRFS, "{\"size\":\"-3GiB\"}", SMS_DECODE_RESPONSE, "size",
                 "expected number");
}

static void test_unknown_enum_kept_verbatim(void **state)
{
    (void)state;
    sms_server s;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_SERVER, "{\"state\":\"teleporting\",\"migration_cycle\":\"warp\","
                           "\"surprise\":{\"a\":[1,2]}}", &s, SMS_DECODE_RESPONSE, &err), 0);
    assert_string_equal(s.state, "teleporting");
    assert_string_equal(s.migration_cycle, "warp");
    sms_free(&SMS_T_SERVER, &s);
}

static void test_json_text_fields(void **state)
{
    (void)state;
    sms_command_result r;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_COMMAND_RESULT, "{\"result_detail\": { \"msg\" : [1, true] }}",
                           &r, SMS_DECODE_RESPONSE, &err), 0);
    assert_string_equal(r.result_detail, "{\"msg\":[1,true]}");
    char *out = sms_to_json(&SMS_T_COMMAND_RESULT, &r);
    assert_string_equal(out, "{\"result_detail\":{\"msg\":[1,true]}}");
    free(out);
    sms_free(&SMS_T_COMMAND_RESULT, &r);
    sms_task t;
    assert_int_equal(parse(&SMS_T_TASK, "{\"network_check_info\":\"plain text\"}", &t,
                           SMS_DECODE_RESPONSE, &err), 0);
    assert_string_equal(t.network_check_info, "plain text");
    sms_free(&SMS_T_TASK, &t);
}

static void test_token_wrapped(void **state)
{
    (void)state;
    sms_token tok;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_TOKEN,
                           "{\"token\":{\"expires_at\":\"2019-02-13T06:52:13.855000Z\","
                           "\"methods\":[\"password\"],\"project\":{\"id\":\"p1\",\"name\":\"ap-southeast-1\","
                           "\"domain\":{\"id\":\"d1\",\"name\":\"acme\"}},\"roles\":[{\"id\":\"r\",\"name\":\"op\"}]}}",
                           &tok, SMS_DECODE_RESPONSE, &err), 0);
    assert_string_equal(tok.expires_at, "2019-02-13T06:52:13.855000Z");
    assert_int_equal(tok.n_methods, 1);
    assert_true(tok.has_project && tok.project.has_domain && !tok.has_user);
    assert_string_equal(tok.project.domain.name, "acme");
    assert_string_equal(tok.roles[0].name, "op");
    char *out = sms_to_json(&SMS_T_TOKEN, &tok);
    assert_non_null(strstr(out, "{\"token\":{\"expires_at\""));
    free(out);
    sms_free(&SMS_T_TOKEN, &tok);
    expect_error(&SMS_T_TOKEN, "{\"expires_at\":\"x\"}", SMS_DECODE_RESPONSE, "token",
                 "missing required key");
    expect_error(&SMS_T_TOKEN, "{\"token\":{}}", SMS_DECODE_REQUEST, "token.expires_at",
                 "missing required key");
}

/* ---- encode, copy, free ------------------------------------------------------ */

static void test_encode_policy(void **state)
{
    (void)state;
    sms_task_action a = { .operation = "start" };
    char *out = sms_to_json(&SMS_T_TASK_ACTION, &a);
    assert_string_equal(out, "{\"operation\":\"start\",\"switch_hce\":false,"
                             "\"is_need_consistency_check\":false}");
    free(out);
    sms_ids ids = { 0 };
    out = sms_to_json(&SMS_T_IDS, &ids);
    assert_string_equal(out, "{\"ids\":[]}");
    free(out);
    /* 16+ digits: cJSON would print only 15 significant ones; a string keeps them all */
    sms_server s = { .add_date = INT64_C(9007199254740993), .memory = INT64_C(999999999999999) };
    out = sms_to_json(&SMS_T_SERVER, &s);
    assert_non_null(strstr(out, "\"add_date\":\"9007199254740993\""));
    assert_non_null(strstr(out, "\"memory\":999999999999999"));
    sms_server back;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_SERVER, out, &back, SMS_DECODE_RESPONSE, &err), 0);
    assert_true(back.add_date == s.add_date);
    assert_true(back.memory == s.memory);
    sms_free(&SMS_T_SERVER, &back);
    assert_null(strstr(out, "current_task"));                  /* absent object omitted */
    assert_null(strstr(out, "kernel_version"));                /* register-only key */
    free(out);
}

static char *read_fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/fixtures/%s", SMS_SOURCE_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

/* decode -> encode -> decode gives the same encoding, for the richest fixture. */
static void test_round_trip(void **state)
{
    (void)state;
    size_t len;
    const char *text = read_fixture("seed001_register.json", &len);
    sms_server a, b;
    sms_jerr err;
    assert_int_equal(sms_parse(&SMS_T_REGISTER, text, len, &a, SMS_DECODE_REQUEST, &err), 0);
    char *first = sms_to_json(&SMS_T_REGISTER, &a);
    assert_non_null(first);
    assert_int_equal(parse(&SMS_T_REGISTER, first, &b, SMS_DECODE_REQUEST, &err), 0);
    char *second = sms_to_json(&SMS_T_REGISTER, &b);
    assert_string_equal(first, second);
    assert_string_equal(b.btrfs_list[0].subvolumn[2].subvol_name, "@/.snapshots/1/snapshot");
    assert_true(b.btrfs_list[0].size == a.btrfs_list[0].size);
    assert_true(b.io_read_wait == 3.4);
    free(first);
    free(second);
    sms_free(&SMS_T_REGISTER, &a);
    sms_free(&SMS_T_REGISTER, &b);
}

static void test_round_trip_task(void **state)
{
    (void)state;
    const char *text =
        "{\"id\":\"t1\",\"name\":\"mig\",\"state\":\"RUNNING\",\"priority\":1,\"speed_limit\":100,"
        "\"migrate_speed\":12.25,\"syncing\":true,\"create_date\":1700000000000,"
        "\"source_server\":{\"id\":\"s1\",\"ip\":\"10.0.0.1\",\"name\":\"web\",\"os_type\":\"LINUX\"},"
        "\"target_server\":{\"vm_id\":\"v\",\"name\":\"t\",\"disks\":[{\"name\":\"/dev/vda\",\"size\":1}],"
        "\"btrfs_list\":[\"/dev/vda2\"]},\"sub_tasks\":[{\"id\":2,\"name\":\"CREATE_CLOUD_SERVER\","
        "\"progress\":100},{\"id\":3,\"name\":\"MIGRATE_LINUX_FILE\",\"progress\":40}],"
        "\"special_config\":[{\"config_key\":\"LINUX_CPU_LIMIT\",\"config_value\":\"50\"}]}";
    sms_task a, b;
    sms_jerr err;
    assert_int_equal(parse(&SMS_T_TASK, text, &a, SMS_DECODE_RESPONSE, &err), 0);
    assert_int_equal(a.n_sub_tasks, 2);
    assert_int_equal(a.sub_tasks[1].progress, 40);
    assert_string_equal(a.target_server.btrfs_list[0], "/dev/vda2");
    char *first = sms_to_json(&SMS_T_TASK, &a);
    assert_int_equal(parse(&SMS_T_TASK, first, &b, SMS_DECODE_RESPONSE, &err), 0);
    char *second = sms_to_json(&SMS_T_TASK, &b);
    assert_string_equal(first, second);
    free(first);
    free(second);
    sms_free(&SMS_T_TASK, &a);
    sms_free(&SMS_T_TASK, &b);
}

static void test_copy_and_free(void **state)
{
    (void)state;
    size_t len;
    const char *text = read_fixture("seed001_register.json", &len);
    sms_server a, c;
    sms_jerr err;
    assert_int_equal(sms_parse(&SMS_T_REGISTER, text, len, &a, SMS_DECODE_REQUEST, &err), 0);
    /* Copy through SMS_T_SERVER: register-only members come along too. */
    assert_int_equal(sms_copy(&SMS_T_SERVER, &c, &a), 0);
    char *ja = sms_to_json(&SMS_T_REGISTER, &a);
    sms_free(&SMS_T_SERVER, &a);                 /* frees register-only keys as well */
    assert_true(is_all_zero(&a, sizeof a));
    char *jc = sms_to_json(&SMS_T_REGISTER, &c);
    assert_string_equal(ja, jc);
    assert_string_equal(c.kernel_version, "4.4.21-69-default");
    free(ja);
    free(jc);
    sms_free(&SMS_T_REGISTER, &c);
    sms_free(&SMS_T_REGISTER, &c);               /* idempotent */
    sms_free(&SMS_T_REGISTER, NULL);
}

static void test_descriptor_names(void **state)
{
    (void)state;
    assert_string_equal(sms_type_name(&SMS_T_SERVER), "server");
    assert_int_equal(sms_type_size(&SMS_T_REGISTER), sizeof(sms_server));
    assert_int_equal(sms_type_size(&SMS_T_NIC), sizeof(sms_nic));
    sms_jerr e = { .path = "a.b[1]", .msg = "expected number" };
    char buf[64];
    sms_jerr_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "a.b[1]: expected number");
    e.path[0] = '\0';
    sms_jerr_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "expected number");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrong_type_names_the_path),
        cmocka_unit_test(test_int_out_of_range),
        cmocka_unit_test(test_int_edges_accepted),
        cmocka_unit_test(test_non_integral),
        cmocka_unit_test(test_non_finite),
        cmocka_unit_test(test_bad_utf8),
        cmocka_unit_test(test_embedded_nul),
        cmocka_unit_test(test_bad_record_fails_alone),
        cmocka_unit_test(test_record_without_id_is_a_placeholder_with_a_key),
        cmocka_unit_test(test_array_over_cap),
        cmocka_unit_test(test_total_items_budget),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_depth_limit_in_decode),
        cmocka_unit_test(test_long_string_truncated_in_response_mode),
        cmocka_unit_test(test_long_id_is_never_cut),
        cmocka_unit_test(test_default_limit_is_255),
        cmocka_unit_test(test_long_string_rejected_in_request_mode),
        cmocka_unit_test(test_missing_required_key_in_request_mode),
        cmocka_unit_test(test_register_rules),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_errors_never_echo_input),
        cmocka_unit_test(test_numbers_as_strings),
        cmocka_unit_test(test_size_units),
        cmocka_unit_test(test_unknown_enum_kept_verbatim),
        cmocka_unit_test(test_json_text_fields),
        cmocka_unit_test(test_token_wrapped),
        cmocka_unit_test(test_encode_policy),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_round_trip_task),
        cmocka_unit_test(test_copy_and_free),
        cmocka_unit_test(test_descriptor_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

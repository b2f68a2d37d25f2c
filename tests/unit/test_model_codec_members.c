/* test_model_codec_members.c - how the decoder finds an object's members (one pass over
 * the members, matched to the field table): any order, unknown keys skipped, exact case,
 * the first of duplicate keys wins (as cJSON_GetObjectItemCaseSensitive), and error paths
 * with multi-digit indices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/codec.h"

static int parse_server(const char *json, sms_server *s, sms_decode_mode mode, sms_jerr *err)
{
    return sms_parse(&SMS_T_SERVER, json, strlen(json), s, mode, err);
}

static void test_members_in_any_order_with_unknown_keys(void **state)
{
    (void)state;
    static const char json[] =
        "{\"networks\":[{\"mtu\":9000,\"zz\":1,\"mac\":\"aa\"}],\"bogus\":{\"x\":[1]},"
        "\"cpu_quantity\":4,\"name\":\"db\",\"Name\":\"wrong case\",\"id\":\"s-9\","
        "\"current_task\":{\"state\":\"RUNNING\",\"id\":\"t-9\"},\"memory\":\"2GiB\"}";
    sms_server s;
    sms_jerr err;
    assert_int_equal(parse_server(json, &s, SMS_DECODE_RESPONSE, &err), 0);
    assert_string_equal(s.id, "s-9");
    assert_string_equal(s.name, "db");
    assert_int_equal(s.cpu_quantity, 4);
    assert_int_equal(s.memory, INT64_C(2) << 30);
    assert_true(s.has_current_task);
    assert_string_equal(s.current_task.id, "t-9");
    assert_string_equal(s.current_task.state, "RUNNING");
    assert_int_equal(s.n_networks, 1);
    assert_int_equal(s.networks[0].mtu, 9000);
    assert_string_equal(s.networks[0].mac, "aa");
    assert_null(s.ip);                                  /* absent stays absent */
    sms_free(&SMS_T_SERVER, &s);
}

static void test_first_of_duplicate_keys_wins(void **state)
{
    (void)state;
    static const char json[] =
        "{\"name\":\"first\",\"id\":\"a\",\"name\":\"second\",\"cpu_quantity\":1,"
        "\"cpu_quantity\":\"not a number\"}";
    sms_server s;
    sms_jerr err;
    assert_int_equal(parse_server(json, &s, SMS_DECODE_RESPONSE, &err), 0);
    assert_string_equal(s.name, "first");
    assert_int_equal(s.cpu_quantity, 1);                /* the bad duplicate is never read */
    sms_free(&SMS_T_SERVER, &s);
}

static void test_error_path_with_large_indices(void **state)
{
    (void)state;
    /* disks[12].physical_volumes[10].size is a boolean */
    char json[4096] = "{\"disks\":[";
    for (int i = 0; i < 12; i++)
        strcat(json, "{\"name\":\"d\"},");
    strcat(json, "{\"name\":\"d\",\"physical_volumes\":[");
    for (int i = 0; i < 10; i++)
        strcat(json, "{},");
    strcat(json, "{\"size\":true}]}]}");
    sms_server s;
    sms_jerr err;
    assert_int_equal(parse_server(json, &s, SMS_DECODE_RESPONSE, &err), -1);
    assert_string_equal(err.path, "disks[12].physical_volumes[10].size");
    assert_string_equal(err.msg, "expected number");
    assert_null(s.disks);                               /* left zeroed */
}

static void test_missing_required_key_names_it(void **state)
{
    (void)state;
    static const char json[] =
        "{\"os_type\":\"LINUX\",\"os_version\":\"CENTOS7\",\"agent_version\":\"1\","
        "\"networks\":[{\"mac\":\"aa\"}]}";
    sms_server s;
    sms_jerr err;
    assert_int_equal(sms_parse(&SMS_T_REGISTER, json, strlen(json), &s, SMS_DECODE_REQUEST,
                               &err), -1);
    assert_string_equal(err.path, "name");
    assert_string_equal(err.msg, "missing required key");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_members_in_any_order_with_unknown_keys),
        cmocka_unit_test(test_first_of_duplicate_keys_wins),
        cmocka_unit_test(test_error_path_with_large_indices),
        cmocka_unit_test(test_missing_required_key_names_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

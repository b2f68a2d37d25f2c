/* test_model_sanitize.c - sms_sanitize_strings (codec.h): every string of a decoded value
 * is sanitised in place, at any depth (members, nested objects, arrays of structs inside
 * arrays, string arrays, free JSON texts), and nothing else changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/codec.h"

/* In JSON text: ESC [31m, BEL, U+202E (RLO), DEL; what the sanitiser makes of them. */
#define EVIL "\\u001b[31mred\\u202e\\u0007x\\u007f"
#define CLEAN "?[31mred?x?"

static const char server_json[] =
    "{\"id\":\"s-1\",\"name\":\"" EVIL "\",\"state\":\"waiting\",\"memory\":4096,"
    "\"cpu_quantity\":8,\"connected\":true,\"replicatesize\":12,\"totalsize\":34,"
    "\"current_task\":{\"id\":\"t-1\",\"subtask_info\":\"" EVIL "\",\"migrate_speed\":1.5,"
    "  \"clone_server\":{\"error_msg\":\"" EVIL "\"}},"
    "\"init_target_server\":{\"disks\":[{\"name\":\"" EVIL "\",\"size\":1,"
    "  \"physical_volumes\":[{\"mount_point\":\"" EVIL "\"}]}]},"
    "\"checks\":[{\"id\":1,\"name\":\"cpu\",\"result\":\"OK\",\"params\":[\"ok\",\"" EVIL "\"]}],"
    "\"disks\":[{\"name\":\"/dev/vda\",\"size\":10},"
    "  {\"name\":\"/dev/vdb\",\"size\":20,\"physical_volumes\":[{\"name\":\"vdb1\"},"
    "   {\"name\":\"vdb2\",\"mount_point\":\"" EVIL "\",\"size\":7}]}],"
    "\"volume_groups\":[{\"name\":\"vg0\",\"logical_volumes\":[{\"name\":\"" EVIL "\",\"size\":3}]}],"
    "\"btrfs_list\":[{\"name\":\"b\",\"subvolumn\":[{\"subvol_name\":\"" EVIL "\"}]}],"
    "\"networks\":[{\"name\":\"eth0\",\"mac\":\"" EVIL "\",\"mtu\":1500}]}";

static void parse_server(sms_server *s)
{
    sms_jerr err;
    assert_int_equal(sms_parse(&SMS_T_SERVER, server_json, strlen(server_json), s,
                               SMS_DECODE_RESPONSE, &err), 0);
    assert_string_equal(s->name, "\x1b[31mred\xe2\x80\xae\x07x\x7f");   /* hostile as read */
}

static void test_strings_are_clean_at_every_depth(void **state)
{
    (void)state;
    sms_server s;
    parse_server(&s);
    assert_int_equal(sms_sanitize_strings(&SMS_T_SERVER, &s), 0);
    assert_string_equal(s.name, CLEAN);
    assert_string_equal(s.current_task.subtask_info, CLEAN);                 /* object */
    assert_string_equal(s.current_task.clone_server.error_msg, CLEAN);       /* object in object */
    assert_string_equal(s.init_target_server.disks[0].name, CLEAN);
    assert_string_equal(s.init_target_server.disks[0].physical_volumes[0].mount_point, CLEAN);
    assert_string_equal(s.checks[0].params[1], CLEAN);                       /* string array */
    assert_string_equal(s.disks[1].physical_volumes[1].mount_point, CLEAN);  /* array in array */
    assert_string_equal(s.volume_groups[0].logical_volumes[0].name, CLEAN);
    assert_string_equal(s.btrfs_list[0].subvolumn[0].subvol_name, CLEAN);
    assert_string_equal(s.networks[0].mac, CLEAN);
    sms_free(&SMS_T_SERVER, &s);
}

static void test_everything_else_is_unchanged(void **state)
{
    (void)state;
    sms_server s;
    parse_server(&s);
    char *name = s.name, *vda = s.disks[0].name;
    assert_int_equal(sms_sanitize_strings(&SMS_T_SERVER, &s), 0);
    assert_ptr_equal(s.name, name);                 /* in place: nothing reallocated */
    assert_ptr_equal(s.disks[0].name, vda);
    assert_string_equal(s.id, "s-1");
    assert_string_equal(s.state, "waiting");
    assert_string_equal(s.disks[0].name, "/dev/vda");
    assert_string_equal(s.checks[0].params[0], "ok");
    assert_int_equal(s.memory, 4096);
    assert_int_equal(s.cpu_quantity, 8);
    assert_true(s.connected);
    assert_int_equal(s.replicatesize, 12);
    assert_int_equal(s.totalsize, 34);
    assert_true(s.has_current_task);
    assert_true(s.current_task.migrate_speed == 1.5);
    assert_int_equal(s.n_disks, 2);
    assert_int_equal(s.disks[1].n_physical_volumes, 2);
    assert_int_equal(s.disks[1].physical_volumes[1].size, 7);
    assert_int_equal(s.networks[0].mtu, 1500);
    sms_free(&SMS_T_SERVER, &s);
}

/* A free JSON text holding an object: its escapes would turn back into control
 * characters for whoever parses it, so they are sanitised as JSON values. */
static void test_free_json_text_is_clean_when_parsed_again(void **state)
{
    (void)state;
    static const char task_json[] =
        "{\"id\":\"t-1\",\"network_check_info\":{\"note\":\"" EVIL "\",\"n\":[\"" EVIL "\"]},"
        "\"sub_tasks\":[{\"name\":\"" EVIL "\",\"progress\":50}]}";
    sms_task t;
    sms_jerr err;
    assert_int_equal(sms_parse(&SMS_T_TASK, task_json, strlen(task_json), &t,
                               SMS_DECODE_RESPONSE, &err), 0);
    assert_non_null(strchr(t.network_check_info, '\\'));     /* escapes kept as text */
    assert_int_equal(sms_sanitize_strings(&SMS_T_TASK, &t), 0);
    assert_string_equal(t.sub_tasks[0].name, CLEAN);
    assert_int_equal(t.sub_tasks[0].progress, 50);
    cJSON *v = cJSON_Parse(t.network_check_info);
    assert_non_null(v);
    assert_string_equal(cJSON_GetObjectItem(v, "note")->valuestring, CLEAN);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(v, "n"), 0)->valuestring, CLEAN);
    cJSON_Delete(v);
    sms_free(&SMS_T_TASK, &t);
}

static void test_plain_free_text_and_null_input(void **state)
{
    (void)state;
    sms_task t;
    memset(&t, 0, sizeof t);
    t.network_check_info = strdup("not json \x1b]0;title\x07 {\\");
    assert_int_equal(sms_sanitize_strings(&SMS_T_TASK, &t), 0);
    assert_string_equal(t.network_check_info, "not json ?]0;title? {\\");
    sms_free(&SMS_T_TASK, &t);
    assert_int_equal(sms_sanitize_strings(&SMS_T_TASK, NULL), 0);
    assert_int_equal(sms_sanitize_strings(NULL, &t), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings_are_clean_at_every_depth),
        cmocka_unit_test(test_everything_else_is_unchanged),
        cmocka_unit_test(test_free_json_text_is_clean_when_parsed_again),
        cmocka_unit_test(test_plain_free_text_and_null_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

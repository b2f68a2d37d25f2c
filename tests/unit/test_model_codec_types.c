/* test_model_codec_types.c - every SMS_T_* descriptor, on a body shaped like the
 * reference (§3, §5, §6): the keys land in the right members, and encode -> parse ->
 * encode is stable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/codec.h"

static void expect_str(const char *got, const char *want)
{
    assert_non_null(got);
    assert_string_equal(got, want);
}

/* Parses text into out (fails the test with the codec's message), then checks that
 * the encoding survives a second parse unchanged. */
static void decode_and_round_trip(const sms_type *t, const char *text, void *out,
                                  sms_decode_mode mode)
{
    sms_jerr err;
    if (sms_parse(t, text, strlen(text), out, mode, &err) != 0) {
        char msg[400];
        sms_jerr_format(&err, msg, sizeof msg);
        fail_msg("%s: %s", sms_type_name(t), msg);
    }
    char *first = sms_to_json(t, out);
    assert_non_null(first);
    void *again = malloc(sms_type_size(t));
    assert_non_null(again);
    assert_int_equal(sms_parse(t, first, strlen(first), again, mode, &err), 0);
    char *second = sms_to_json(t, again);
    assert_non_null(second);
    assert_string_equal(first, second);
    free(first);
    free(second);
    sms_free(t, again);
    free(again);
}

static void test_server_list(void **state)
{
    (void)state;
    sms_server_list l;
    decode_and_round_trip(&SMS_T_SERVER_LIST,
        "{\"count\":2,\"source_servers\":[{\"id\":\"s1\",\"ip\":\"10.0.0.1\",\"name\":\"web\","
        "\"add_date\":1700000000000,\"os_type\":\"LINUX\",\"state\":\"replicate\",\"connected\":true,"
        "\"memory\":934752256,\"replicatesize\":100,\"totalsize\":400,\"migration_cycle\":\"replicating\","
        "\"current_task\":{\"id\":\"t1\",\"type\":\"MIGRATE_FILE\",\"state\":\"RUNNING\",\"speed_limit\":0,"
        "\"migrate_speed\":88.5,\"remain_seconds\":3600,\"subtask_info\":\"MIGRATE_LINUX_FILE 25%\","
        "\"target_server\":{\"vm_id\":\"vm1\",\"name\":\"web-t\"},\"clone_server\":{\"clone_state\":\"NOT_READY\"}},"
        "\"checks\":[{\"id\":1,\"name\":\"rsync\",\"result\":\"OK\",\"params\":[\"a\",\"b\"]}],"
        "\"init_target_server\":{\"disks\":[{\"name\":\"/dev/vda\",\"size\":42949672960}]}},"
        "{\"id\":\"s2\",\"state\":\"waiting\"}]}", &l, SMS_DECODE_RESPONSE);
    assert_int_equal(l.count, 2);
    assert_int_equal(l.n_source_servers, 2);
    const sms_server *s = &l.source_servers[0];
    assert_true(s->has_current_task);
    expect_str(s->current_task.subtask_info, "MIGRATE_LINUX_FILE 25%");
    assert_true(s->current_task.has_target_server && s->current_task.has_clone_server);
    expect_str(s->current_task.target_server.vm_id, "vm1");
    assert_true(s->current_task.remain_seconds == 3600);
    expect_str(s->checks[0].params[1], "b");
    assert_true(s->has_init_target_server);
    assert_true(s->init_target_server.disks[0].size == INT64_C(42949672960));
    assert_false(l.source_servers[1].has_current_task);
    sms_free(&SMS_T_SERVER_LIST, &l);
}

static void test_server_detail(void **state)
{
    (void)state;
    sms_server s;
    decode_and_round_trip(&SMS_T_SERVER,
        "{\"id\":\"s1\",\"hostname\":\"web01\",\"firmware\":\"UEFI\",\"agent_version\":\"23.1\","
        "\"disks\":[{\"name\":\"/dev/sda\",\"os_disk\":true,\"relation_name\":\"/dev/vda\","
        "\"physical_volumes\":[{\"name\":\"/dev/sda1\",\"index\":1,\"uuid\":\"u1\",\"size_per_cluster\":4096}]}],"
        "\"volume_groups\":[{\"name\":\"vg0\",\"components\":\"/dev/sda2\"}],"
        "\"btrfs_list\":[],\"networks\":[{\"name\":\"eth0\",\"mtu\":1500,\"mac\":\"aa:bb\",\"ipv6\":\"::1\"}],"
        "\"has_tc\":true,\"start_type\":\"MANUAL\"}", &s, SMS_DECODE_RESPONSE);
    expect_str(s.hostname, "web01");
    assert_true(s.disks[0].os_disk);
    expect_str(s.disks[0].relation_name, "/dev/vda");
    assert_int_equal(s.disks[0].physical_volumes[0].size_per_cluster, 4096);
    assert_int_equal(s.networks[0].mtu, 1500);
    assert_int_equal(s.n_btrfs_list, 0);
    assert_true(s.has_tc);
    sms_free(&SMS_T_SERVER, &s);
}

static void test_register(void **state)
{
    (void)state;
    sms_server s;
    decode_and_round_trip(&SMS_T_REGISTER,
        "{\"name\":\"h1\",\"os_type\":\"WINDOWS\",\"os_version\":\"WINDOWS2019\",\"agent_version\":\"1.0\","
        "\"networks\":[{\"mac\":\"00:11\"}],\"ip\":\"10.0.0.9\",\"domain_id\":\"d\",\"raw_devices\":\"\","
        "\"driver_files\":true,\"system_services\":true,\"account_rights\":true,\"system_dir\":\"C:\\\\Windows\"}",
        &s, SMS_DECODE_REQUEST);
    expect_str(s.system_dir, "C:\\Windows");
    assert_true(s.driver_files && s.system_services && s.account_rights);
    expect_str(s.raw_devices, "");
    sms_free(&SMS_T_REGISTER, &s);
}

static void test_overview(void **state)
{
    (void)state;
    sms_overview o;
    decode_and_round_trip(&SMS_T_OVERVIEW,
        "{\"waiting\":1,\"replicate\":2,\"syncing\":3,\"stopped\":4,\"deleting\":5,\"cutovering\":6,"
        "\"unavailable\":7,\"stopping\":8,\"skipping\":9,\"finished\":10,\"initialize\":11,\"error\":12,"
        "\"cloning\":13,\"unconfigured\":14}", &o, SMS_DECODE_RESPONSE);
    const int32_t got[] = { o.waiting, o.replicate, o.syncing, o.stopped, o.deleting,
                            o.cutovering, o.unavailable, o.stopping, o.skipping, o.finished,
                            o.initialize, o.error, o.cloning, o.unconfigured };
    for (int i = 0; i < 14; i++)
        assert_int_equal(got[i], i + 1);
    char *text = sms_to_json(&SMS_T_OVERVIEW, &o);  /* the current answer: no older keys */
    assert_null(strstr(text, "replicating"));
    assert_null(strstr(text, "other"));
    free(text);
    sms_free(&SMS_T_OVERVIEW, &o);
    /* the older four-key answer (an earlier help page's example): its keys are kept */
    decode_and_round_trip(&SMS_T_OVERVIEW, "{ \"waiting\" : 5, \"replicating\" : 6, \"syncing\" : 3, \"other\" : 2 }",
                          &o, SMS_DECODE_RESPONSE);
    assert_int_equal(o.waiting, 5);
    assert_int_equal(o.replicating, 6);
    assert_int_equal(o.other, 2);
    assert_int_equal(o.replicate, 0);
    sms_free(&SMS_T_OVERVIEW, &o);
}

static void test_mig_error_list(void **state)
{
    (void)state;
    sms_mig_error_list l;
    decode_and_round_trip(&SMS_T_MIG_ERROR_LIST,
        "{\"count\":1,\"migration_errors\":[{\"error_json\":\"{\\\"error_code\\\":\\\"SMS.0807\\\"}\","
        "\"host_name\":\"h\",\"name\":\"n\",\"source_id\":\"s\",\"source_ip\":\"1.1.1.1\",\"target_ip\":\"2.2.2.2\"}]}",
        &l, SMS_DECODE_RESPONSE);
    expect_str(l.migration_errors[0].error_json, "{\"error_code\":\"SMS.0807\"}");
    expect_str(l.migration_errors[0].target_ip, "2.2.2.2");
    sms_free(&SMS_T_MIG_ERROR_LIST, &l);
}

static void test_task_detail(void **state)
{
    (void)state;
    sms_task t;
    decode_and_round_trip(&SMS_T_TASK,
        "{\"id\":\"t1\",\"region_name\":\"ap-southeast-1\",\"connected\":true,\"finish_date\":5,"
        "\"float_ip\":\"f\",\"target_snapshot_id\":\"snap\",\"use_ipv6\":false,"
        "\"network_check_info\":{\"network_delay\":1.5},\"total_cpu_usage\":12.5,\"agent_disk_io\":3,"
        "\"clone_server\":{\"vm_id\":\"c\",\"error_msg\":\"none\"},"
        "\"source_server\":{\"id\":\"s\",\"migration_cycle\":\"syncing\",\"oem_system\":true},"
        "\"target_server\":{\"id\":\"x\",\"system_dir\":\"/\",\"image_disk_id\":\"i\",\"cutovered_snapshot_ids\":\"a,b\","
        "\"disks\":[{\"name\":\"/dev/vda\",\"size\":10,\"device_use\":\"OS\",\"disk_id\":\"evs-1\",\"os_disk\":true,"
        "\"partition_style\":\"GPT\",\"relation_name\":\"/dev/sda\",\"physical_volumes\":[{\"name\":\"/dev/vda1\",\"free_size\":7}]}],"
        "\"volume_groups\":[{\"name\":\"vg\",\"logical_volumes\":[{\"name\":\"lv\",\"block_size\":4096}]}]},"
        "\"sub_tasks\":[{\"id\":1,\"name\":\"CREATE_CLOUD_SERVER\",\"progress\":100,\"user_op\":\"start\","
        "\"process_trace\":\"ok\",\"migrate_speed\":0.5,\"start_date\":1,\"end_date\":2}]}",
        &t, SMS_DECODE_RESPONSE);
    expect_str(t.network_check_info, "{\"network_delay\":1.5}");
    assert_true(t.connected);
    expect_str(t.source_server.migration_cycle, "syncing");
    assert_true(t.target_server.volume_groups[0].logical_volumes[0].block_size == 4096);
    expect_str(t.target_server.disks[0].physical_volumes[0].name, "/dev/vda1");
    /* TargetDisk keeps the official fields (py target_disk.py / task target_server) */
    expect_str(t.target_server.disks[0].disk_id, "evs-1");
    assert_true(t.target_server.disks[0].os_disk);
    expect_str(t.target_server.disks[0].partition_style, "GPT");
    expect_str(t.target_server.disks[0].relation_name, "/dev/sda");
    assert_int_equal(t.target_server.disks[0].physical_volumes[0].free_size, 7);
    expect_str(t.sub_tasks[0].user_op, "start");
    expect_str(t.clone_server.error_msg, "none");
    sms_free(&SMS_T_TASK, &t);
}

static void test_task_list(void **state)
{
    (void)state;
    sms_task_list l;
    decode_and_round_trip(&SMS_T_TASK_LIST,
        "{\"count\":3,\"tasks\":[{\"id\":\"a\",\"state\":\"READY\"},{\"id\":\"b\",\"state\":\"SYNC_F_ROLLBACKING\"}]}",
        &l, SMS_DECODE_RESPONSE);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.n_tasks, 2);
    expect_str(l.tasks[1].state, "SYNC_F_ROLLBACKING");
    sms_free(&SMS_T_TASK_LIST, &l);
}

static void test_task_action(void **state)
{
    (void)state;
    sms_task_action a;
    decode_and_round_trip(&SMS_T_TASK_ACTION,
        "{\"operation\":\"restart\",\"template_id\":\"tpl\",\"switch_hce\":true,"
        "\"is_need_consistency_check\":true}", &a, SMS_DECODE_REQUEST);
    expect_str(a.operation, "restart");
    assert_true(a.switch_hce && a.is_need_consistency_check);
    sms_free(&SMS_T_TASK_ACTION, &a);
}

static void test_create_task(void **state)
{
    (void)state;
    sms_create_task c;
    decode_and_round_trip(&SMS_T_CREATE_TASK,
        "{\"name\":\"m1\",\"type\":\"MIGRATE_FILE\",\"os_type\":\"LINUX\",\"region_name\":\"r\","
        "\"region_id\":\"r\",\"project_name\":\"p\",\"project_id\":\"pid\",\"priority\":2,\"speed_limit\":1000,"
        "\"auto_start\":true,\"source_server\":{\"id\":\"s1\"},"
        "\"target_server\":{\"name\":\"t\",\"disks\":[{\"name\":\"/dev/vda\",\"size\":1}],\"btrfs_list\":[]}}",
        &c, SMS_DECODE_REQUEST);
    assert_true(c.has_source_server);
    expect_str(c.source_server.id, "s1");
    assert_int_equal(c.priority, 2);
    assert_true(c.auto_start);
    sms_free(&SMS_T_CREATE_TASK, &c);
    /* request mode: required parts and documented ranges */
    sms_jerr err;
    const char *no_size =
        "{\"name\":\"m1\",\"type\":\"MIGRATE_FILE\",\"region_name\":\"r\",\"region_id\":\"r\","
        "\"project_name\":\"p\",\"project_id\":\"pid\",\"source_server\":{\"id\":\"s1\"},"
        "\"target_server\":{\"name\":\"t\",\"disks\":[{\"name\":\"/dev/vda\"}]}}";
    assert_int_equal(sms_parse(&SMS_T_CREATE_TASK, no_size, strlen(no_size), &c,
                               SMS_DECODE_REQUEST, &err), -1);
    assert_string_equal(err.path, "target_server.disks[0].size");
    assert_string_equal(err.msg, "missing required key");
    /* TargetServer.btrfs_list holds BtrfsFileSystem objects, not names */
    const char *names =
        "{\"name\":\"m1\",\"type\":\"MIGRATE_FILE\",\"region_name\":\"r\",\"region_id\":\"r\","
        "\"project_name\":\"p\",\"project_id\":\"pid\",\"source_server\":{\"id\":\"s1\"},"
        "\"target_server\":{\"name\":\"t\",\"disks\":[],\"btrfs_list\":[\"/dev/vda2\"]}}";
    assert_int_equal(sms_parse(&SMS_T_CREATE_TASK, names, strlen(names), &c, SMS_DECODE_REQUEST, &err), -1);
    const char *objects =
        "{\"name\":\"m1\",\"type\":\"MIGRATE_FILE\",\"region_name\":\"r\",\"region_id\":\"r\","
        "\"project_name\":\"p\",\"project_id\":\"pid\",\"source_server\":{\"id\":\"s1\"},"
        "\"target_server\":{\"name\":\"t\",\"disks\":[],\"btrfs_list\":[{\"name\":\"root\",\"device\":\"/dev/vda2\"}]}}";
    assert_int_equal(sms_parse(&SMS_T_CREATE_TASK, objects, strlen(objects), &c, SMS_DECODE_REQUEST, &err), 0);
    assert_int_equal(c.target_server.n_btrfs_fs, 1);
    expect_str(c.target_server.btrfs_fs[0].device, "/dev/vda2");
    sms_free(&SMS_T_CREATE_TASK, &c);
}

static void test_id_ref(void **state)
{
    (void)state;
    sms_id_ref r;
    decode_and_round_trip(&SMS_T_ID_REF, "{\"id\":\"xxxxxxxxxxxxxxxxxxxxxxxx00000001\"}", &r,
                          SMS_DECODE_RESPONSE);
    expect_str(r.id, "xxxxxxxxxxxxxxxxxxxxxxxx00000001");
    sms_free(&SMS_T_ID_REF, &r);
}

static void test_command(void **state)
{
    (void)state;
    sms_command c;
    decode_and_round_trip(&SMS_T_COMMAND,
        "{\"command_name\":\"UPLOAD_LOG\",\"command_param\":{\"task_id\":\"t1\",\"bucket\":\"logs\"}}",
        &c, SMS_DECODE_RESPONSE);
    expect_str(c.command_name, "UPLOAD_LOG");
    assert_true(c.has_command_param);
    expect_str(c.command_param.task_id, "t1");
    expect_str(c.command_param.bucket, "logs");
    sms_free(&SMS_T_COMMAND, &c);
    decode_and_round_trip(&SMS_T_COMMAND, "{}", &c, SMS_DECODE_RESPONSE);
    assert_null(c.command_name);
    assert_false(c.has_command_param);
}

static void test_command_result(void **state)
{
    (void)state;
    sms_command_result r;
    decode_and_round_trip(&SMS_T_COMMAND_RESULT,
        "{\"command_name\":\"START\",\"result\":\"success\",\"result_detail\":{\"msg\":\"xxx\"}}",
        &r, SMS_DECODE_REQUEST);
    expect_str(r.result, "success");
    expect_str(r.result_detail, "{\"msg\":\"xxx\"}");
    sms_free(&SMS_T_COMMAND_RESULT, &r);
}

static void test_progress(void **state)
{
    (void)state;
    sms_progress p;
    decode_and_round_trip(&SMS_T_PROGRESS,
        "{\"subtask_name\":\"MIGRATE_LINUX_FILE\",\"progress\":42,\"replicatesize\":1024,"
        "\"totalsize\":4096,\"process_trace\":\"copying\",\"migrate_speed\":100.25,\"remain_time\":60,"
        "\"agent_time\":\"2026-11-23 10:00:00\",\"total_mem_usage\":512,\"need_migration_test\":false}",
        &p, SMS_DECODE_REQUEST);
    assert_int_equal(p.progress, 42);
    assert_true(p.totalsize == 4096);
    assert_true(p.migrate_speed == 100.25);
    expect_str(p.agent_time, "2026-11-23 10:00:00");
    sms_free(&SMS_T_PROGRESS, &p);
}

static void test_speed_limits(void **state)
{
    (void)state;
    sms_speed_limits l;
    decode_and_round_trip(&SMS_T_SPEED_LIMITS,
        "{\"speed_limit\":[{\"start\":\"00:00\",\"end\":\"08:00\",\"speed\":0},"
        "{\"start\":\"08:00\",\"end\":\"18:00\",\"speed\":100,\"over_speed_threshold\":50.5}]}",
        &l, SMS_DECODE_REQUEST);
    assert_int_equal(l.n_speed_limit, 2);
    assert_int_equal(l.speed_limit[1].speed, 100);
    assert_true(l.speed_limit[1].over_speed_threshold == 50.5);
    char *json = sms_to_json(&SMS_T_SPEED_LIMITS, &l);      /* optional: only sent when given */
    assert_non_null(json);
    const char *first = strstr(json, "over_speed_threshold");
    assert_non_null(first);
    assert_non_null(strstr(json, "\"over_speed_threshold\":50.5"));
    assert_null(strstr(first + 1, "over_speed_threshold"));         /* once: the first has none */
    assert_non_null(strstr(json, "{\"start\":\"00:00\",\"end\":\"08:00\",\"speed\":0}"));
    free(json);
    sms_free(&SMS_T_SPEED_LIMITS, &l);
}

static void test_consistency_export(void **state)
{
    (void)state;
    sms_consistency_export e;
    decode_and_round_trip(&SMS_T_CONSISTENCY_EXPORT,
        "{\"task_info\":[{\"task_id\":\"t1\",\"source_id\":\"s1\",\"source_name\":\"web\"}]}", &e,
        SMS_DECODE_REQUEST);
    expect_str(e.task_info[0].source_name, "web");
    sms_free(&SMS_T_CONSISTENCY_EXPORT, &e);
}

/* The published shapes: result_list[] of runs (Python; Go 0.1.142), of strings (Go since
 * 0.1.186), and the top-level consistency_result[] (objects, or strings) with finished_time. */
static void test_consistency_results(void **state)
{
    (void)state;
    sms_consistency_results r;
    decode_and_round_trip(&SMS_T_CONSISTENCY_RESULTS,
        "{\"task_id\":\"t1\",\"result_list\":[{\"finished_time\":1700000000000,\"check_result\":\"x\","
        "\"consistency_result\":[{\"dir_check\":\"/etc\",\"num_total_files\":10,"
        "\"num_different_files\":1,\"num_target_miss_files\":2,\"num_target_more_files\":3}]}]}",
        &r, SMS_DECODE_RESPONSE);
    assert_int_equal(r.n_result_list, 1);
    assert_int_equal(r.result_list[0].finished_time, 1700000000000LL);
    assert_int_equal(r.result_list[0].consistency_result[0].num_target_more_files, 3);
    expect_str(r.result_list[0].consistency_result[0].dir_check, "/etc");
    sms_free(&SMS_T_CONSISTENCY_RESULTS, &r);

    static const char go[] = "{\"consistency_result\":[\"/home: 3 files differ\"],\"finished_time\":5}";
    char *normal = sms_consistency_normalize(go, strlen(go));
    assert_non_null(normal);
    decode_and_round_trip(&SMS_T_CONSISTENCY_RESULTS, normal, &r, SMS_DECODE_RESPONSE);
    free(normal);
    assert_int_equal(r.n_consistency_result, 1);
    expect_str(r.consistency_result[0].dir_check, "/home: 3 files differ");
    assert_int_equal(r.finished_time, 5);
    sms_free(&SMS_T_CONSISTENCY_RESULTS, &r);
    static const char objects[] = "{\"consistency_result\":[{\"dir_check\":\"/\"}]}";
    assert_null(sms_consistency_normalize(objects, strlen(objects)));   /* already objects */

    /* the Go SDK since 0.1.186: result_list[] of strings. Plain text becomes a run of one
     * line; a string holding a run's JSON is that run. */
    static const char runs[] = "{\"task_id\":\"t1\",\"result_list\":[\"/home: 3 files differ\","
        "\"{\\\"check_result\\\":\\\"finished\\\",\\\"consistency_result\\\":[{\\\"dir_check\\\":\\\"/etc\\\","
        "\\\"num_different_files\\\":4}]}\"]}";
    normal = sms_consistency_normalize(runs, strlen(runs));
    assert_non_null(normal);
    decode_and_round_trip(&SMS_T_CONSISTENCY_RESULTS, normal, &r, SMS_DECODE_RESPONSE);
    free(normal);
    assert_int_equal(r.n_result_list, 2);
    assert_int_equal(r.result_list[0].n_consistency_result, 1);
    expect_str(r.result_list[0].consistency_result[0].dir_check, "/home: 3 files differ");
    expect_str(r.result_list[1].check_result, "finished");
    expect_str(r.result_list[1].consistency_result[0].dir_check, "/etc");
    assert_int_equal(r.result_list[1].consistency_result[0].num_different_files, 4);
    sms_free(&SMS_T_CONSISTENCY_RESULTS, &r);
    static const char run_objects[] = "{\"result_list\":[{\"check_result\":\"x\"}]}";
    assert_null(sms_consistency_normalize(run_objects, strlen(run_objects)));
}

static void test_collect_log(void **state)
{
    (void)state;
    sms_collect_log c;
    decode_and_round_trip(&SMS_T_COLLECT_LOG, "{\"log_bucket\":\"obs-logs\"}", &c,
                          SMS_DECODE_REQUEST);
    expect_str(c.log_bucket, "obs-logs");
    sms_free(&SMS_T_COLLECT_LOG, &c);
}

static void test_ids(void **state)
{
    (void)state;
    sms_ids ids;
    decode_and_round_trip(&SMS_T_IDS, "{\"ids\":[\"a\",\"b\",\"c\"]}", &ids, SMS_DECODE_REQUEST);
    assert_int_equal(ids.n_ids, 3);
    expect_str(ids.ids[2], "c");
    sms_free(&SMS_T_IDS, &ids);
}

static void test_api_error_gateway(void **state)
{
    (void)state;
    sms_api_error e;
    decode_and_round_trip(&SMS_T_API_ERROR,
        "{\"error_msg\":\"Incorrect IAM authentication information: x-auth-token not found\","
        "\"error_code\":\"APIGW.0301\",\"request_id\":\"req-1\"}", &e, SMS_DECODE_RESPONSE);
    expect_str(e.error_code, "APIGW.0301");
    expect_str(e.request_id, "req-1");
    assert_int_equal(e.n_details, 0);
    sms_free(&SMS_T_API_ERROR, &e);
}

static void test_token(void **state)
{
    (void)state;
    sms_token t;
    decode_and_round_trip(&SMS_T_TOKEN,
        "{\"token\":{\"expires_at\":\"2026-11-24T10:00:00.000000Z\",\"issued_at\":\"2026-11-23T10:00:00.000000Z\","
        "\"methods\":[\"password\"],\"user\":{\"id\":\"u\",\"name\":\"ops\",\"domain\":{\"id\":\"d\",\"name\":\"acme\"},"
        "\"password_expires_at\":\"\"},\"domain\":{\"id\":\"d\",\"name\":\"acme\"},\"roles\":[]}}",
        &t, SMS_DECODE_RESPONSE);
    assert_true(t.has_user && t.user.has_domain && t.has_domain && !t.has_project);
    expect_str(t.user.name, "ops");
    expect_str(t.issued_at, "2026-11-23T10:00:00.000000Z");
    sms_free(&SMS_T_TOKEN, &t);
}

static void test_disk_vg_btrfs_nic(void **state)
{
    (void)state;
    sms_disk d;
    decode_and_round_trip(&SMS_T_DISK, "{\"name\":\"/dev/vdb\",\"partition_style\":\"GPT\",\"inode_size\":256,"
                          "\"physical_volumes\":[{\"name\":\"/dev/vdb1\",\"device_use\":\"VOLUME_GROUP\"}]}",
                          &d, SMS_DECODE_RESPONSE);
    expect_str(d.partition_style, "GPT");
    expect_str(d.physical_volumes[0].device_use, "VOLUME_GROUP");
    sms_free(&SMS_T_DISK, &d);
    sms_vg v;
    decode_and_round_trip(&SMS_T_VG, "{\"name\":\"vg1\",\"free_size\":5,\"logical_volumes\":[{\"name\":"
                          "\"/dev/mapper/vg1-lv1\",\"free_size\":7,\"block_count\":9}]}", &v,
                          SMS_DECODE_RESPONSE);
    assert_true(v.logical_volumes[0].free_size == 7);
    assert_int_equal(v.logical_volumes[0].block_count, 9);
    sms_free(&SMS_T_VG, &v);
    sms_btrfs b;
    decode_and_round_trip(&SMS_T_BTRFS, "{\"name\":\"/dev/vda2\",\"label\":\"\",\"subvolumn\":[{\"subvol_id\":"
                          "\"257\",\"parent_id\":\"5\"}],\"subvolume\":[1,2,3]}", &b, SMS_DECODE_RESPONSE);
    assert_int_equal(b.n_subvolumn, 1);
    expect_str(b.subvolumn[0].parent_id, "5");
    sms_free(&SMS_T_BTRFS, &b);
    sms_nic n;
    decode_and_round_trip(&SMS_T_NIC, "{\"name\":\"eth1\",\"ip\":\"10.1.1.1\",\"netmask\":\"255.0.0.0\","
                          "\"gateway\":\"10.0.0.1\",\"id\":\"n1\"}", &n, SMS_DECODE_RESPONSE);
    expect_str(n.gateway, "10.0.0.1");
    sms_free(&SMS_T_NIC, &n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_list),
        cmocka_unit_test(test_server_detail),
        cmocka_unit_test(test_register),
        cmocka_unit_test(test_overview),
        cmocka_unit_test(test_mig_error_list),
        cmocka_unit_test(test_task_detail),
        cmocka_unit_test(test_task_list),
        cmocka_unit_test(test_task_action),
        cmocka_unit_test(test_create_task),
        cmocka_unit_test(test_id_ref),
        cmocka_unit_test(test_command),
        cmocka_unit_test(test_command_result),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_speed_limits),
        cmocka_unit_test(test_consistency_export),
        cmocka_unit_test(test_consistency_results),
        cmocka_unit_test(test_collect_log),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_api_error_gateway),
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_disk_vg_btrfs_nic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_model_seed.c - the documentation's own examples go through the codec:
 * seed 001 (register body, POST /v3/sources) -> sms_server -> disk tree;
 * seed 000 (POST command_result: request body, 403) -> sms_command_result, sms_api_error;
 * seed 002 (POST consistency-results/export request body) -> sms_consistency_export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/codec.h"
#include "model/disktree.h"

static char *read_fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/fixtures/%s", SMS_SOURCE_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    assert_true(size > 0);
    char *buf = malloc((size_t)size);
    assert_non_null(buf);
    *len = fread(buf, 1, (size_t)size, f);
    fclose(f);
    assert_int_equal(*len, (size_t)size);
    return buf;                          /* not NUL-terminated: sms_parse takes a length */
}

static void expect_str(const char *got, const char *want)
{
    assert_non_null(got);
    assert_string_equal(got, want);
}

static void expect_node(const sms_tree *t, size_t i, sms_node_kind kind, int depth, long parent,
                        const char *name)
{
    assert_true(i < t->n_nodes);
    const sms_tree_node *n = &t->nodes[i];
    if (n->kind != kind || n->depth != depth || n->parent != parent || !n->name
        || strcmp(n->name, name) != 0)
        fail_msg("node %zu: got kind %d depth %d parent %ld name %s; want %d %d %ld %s", i,
                 n->kind, n->depth, n->parent, n->name ? n->name : "(null)", kind, depth,
                 parent, name);
}

static int parse_seed001(sms_server *s)
{
    size_t len;
    char *text = read_fixture("seed001_register.json", &len);
    sms_jerr err;
    int rc = sms_parse(&SMS_T_REGISTER, text, len, s, SMS_DECODE_REQUEST, &err);
    if (rc) {
        char msg[400];
        sms_jerr_format(&err, msg, sizeof msg);
        fail_msg("seed 001: %s", msg);
    }
    free(text);
    return rc;
}

static void test_seed001_register_fields(void **state)
{
    (void)state;
    sms_server s;
    assert_int_equal(parse_seed001(&s), 0);
    expect_str(s.name, "host-192-168-136-xxx");
    expect_str(s.os_type, "LINUX");
    expect_str(s.os_version, "SUSE12_64BIT_SP2");
    expect_str(s.kernel_version, "4.4.21-69-default");
    expect_str(s.virtualization_type, "HVM");
    expect_str(s.firmware, "BIOS");
    expect_str(s.boot_loader, "GRUB");
    expect_str(s.agent_version, "2.2.1");
    expect_str(s.platform, "hw");
    expect_str(s.ip, "192.168.136.xxx");
    assert_non_null(strstr(s.linux_block_check, "\"release_type\": \"SUSE\""));
    assert_true(s.paravirtualization && s.has_rsync);
    assert_true(s.io_read_wait == 3.4);
    assert_int_equal(s.cpu_quantity, 1);
    assert_true(s.memory == INT64_C(934752256));
    assert_int_equal(s.n_networks, 1);
    expect_str(s.networks[0].name, "eth0");
    assert_int_equal(strlen(s.networks[0].mac), 64);
    /* lenient numbers: "256", "3.30GiB", "16384", "4096", "3894038528" */
    assert_int_equal(s.volume_groups[0].logical_volumes[0].inode_size, 256);
    const sms_btrfs *fs = &s.btrfs_list[0];
    assert_true(fs->size == INT64_C(3543348019));              /* 3.30 x 2^30 */
    assert_true(fs->nodesize == 16384);
    assert_int_equal(fs->sectorsize, 4096);
    assert_true(fs->g_vol_used_size == INT64_C(3894038528));
    assert_int_equal(fs->n_subvolumn, 23);                     /* key "subvolumn" */
    expect_str(fs->subvolumn[22].subvol_id, "282");
    expect_str(fs->subvolumn[0].subvol_mount_path, "null");
    assert_int_equal(s.n_disks, 3);
    assert_int_equal(s.disks[2].n_physical_volumes, 0);
    assert_true(s.disks[0].physical_volumes[2].inode_nums == 12345);
    sms_free(&SMS_T_REGISTER, &s);
}

/* The tree the disks pane shows for seed 001. */
static void test_seed001_disk_tree(void **state)
{
    (void)state;
    sms_server s;
    assert_int_equal(parse_seed001(&s), 0);
    sms_tree t;
    assert_int_equal(sms_disk_tree_build(&s, &t), 0);
    assert_int_equal(t.n_nodes, 34);
    expect_node(&t, 0, SMS_NODE_DISK, 0, -1, "/dev/vda");
    expect_node(&t, 1, SMS_NODE_PARTITION, 1, 0, "/dev/vda1");
    expect_str(t.nodes[1].file_system, "swap");
    expect_node(&t, 2, SMS_NODE_PARTITION, 1, 0, "/dev/vda2");
    expect_node(&t, 3, SMS_NODE_BTRFS, 2, 2, "/dev/vda2");
    /* subvolumes nested under their parents: @ (257) -> @/.snapshots (258) -> snapshots */
    expect_node(&t, 4, SMS_NODE_SUBVOL, 3, 3, "@");
    assert_int_equal(t.nodes[4].n_children, 20);
    expect_node(&t, 5, SMS_NODE_SUBVOL, 4, 4, "@/.snapshots");
    expect_str(t.nodes[5].mount_point, "/.snapshots");
    expect_node(&t, 6, SMS_NODE_SUBVOL, 5, 5, "@/.snapshots/1/snapshot");
    assert_true(t.nodes[6].is_snapshot);
    expect_str(t.nodes[6].mount_point, "/");
    expect_node(&t, 7, SMS_NODE_SUBVOL, 5, 5, "@/.snapshots/2/snapshot");
    assert_null(t.nodes[7].mount_point);                       /* "null" on the wire */
    expect_node(&t, 8, SMS_NODE_SUBVOL, 4, 4, "@/boot/grub2/i386-pc");
    expect_node(&t, 26, SMS_NODE_SUBVOL, 4, 4, "@/var/tmp");
    expect_node(&t, 27, SMS_NODE_PARTITION, 1, 0, "/dev/vda3");
    expect_str(t.nodes[27].file_system, "xfs");
    expect_str(t.nodes[27].mount_point, "/home");
    /* /dev/vdb1 and the whole disk /dev/vdc are in vg1 */
    expect_node(&t, 28, SMS_NODE_DISK, 0, -1, "/dev/vdb");
    expect_node(&t, 29, SMS_NODE_PARTITION, 1, 28, "/dev/vdb1");
    expect_node(&t, 30, SMS_NODE_VG, 2, 29, "vg1");
    assert_false(t.nodes[30].is_ref);
    expect_node(&t, 31, SMS_NODE_LV, 3, 30, "/dev/mapper/vg1-lv1");
    expect_str(t.nodes[31].file_system, "ext4");
    expect_str(t.nodes[31].mount_point, "/mnt/lv1");
    expect_node(&t, 32, SMS_NODE_DISK, 0, -1, "/dev/vdc");
    expect_node(&t, 33, SMS_NODE_VG, 1, 32, "vg1");
    assert_true(t.nodes[33].is_ref);
    assert_int_equal(t.nodes[33].n_children, 0);
    sms_disk_tree_free(&t);
    sms_free(&SMS_T_REGISTER, &s);
}

static void test_seed000_403(void **state)
{
    (void)state;
    size_t len;
    char *text = read_fixture("seed000_403.json", &len);
    sms_api_error e;
    sms_jerr err;
    assert_int_equal(sms_parse(&SMS_T_API_ERROR, text, len, &e, SMS_DECODE_RESPONSE, &err), 0);
    free(text);
    assert_int_equal(err.truncated, 0);
    const char *one = "You do not have permission to perform action XXX on resource XXX.";
    expect_str(e.error_code, "SMS.9004");
    assert_non_null(e.error_msg);
    assert_non_null(strstr(e.error_msg, "The current account does not have the permission"));
    assert_non_null(strstr(e.error_msg, one));
    expect_str(e.encoded_authorization_message, "XXXXXX");
    assert_null(e.request_id);
    assert_int_equal(e.n_error_param, 1);
    expect_str(e.error_param[0], one);
    assert_int_equal(e.n_details, 1);
    expect_str(e.details[0].error_code, "SMS.9004");
    expect_str(e.details[0].error_msg, one);
    sms_free(&SMS_T_API_ERROR, &e);
}

/* The agent's documented command_result body is what the emulator must accept. */
static void test_seed000_command_result_request(void **state)
{
    (void)state;
    size_t len;
    char *text = read_fixture("seed000_command_result.json", &len);
    sms_command_result r;
    sms_jerr err;
    assert_int_equal(sms_parse(&SMS_T_COMMAND_RESULT, text, len, &r, SMS_DECODE_REQUEST, &err), 0);
    free(text);
    expect_str(r.command_name, "START");
    expect_str(r.result, "success");
    expect_str(r.result_detail, "{\"msg\":\"xxx\"}");          /* free JSON, compact */
    sms_free(&SMS_T_COMMAND_RESULT, &r);
}

static void test_seed002_export_request(void **state)
{
    (void)state;
    size_t len;
    char *text = read_fixture("seed002_export.json", &len);
    sms_consistency_export e;
    sms_jerr err;
    assert_int_equal(sms_parse(&SMS_T_CONSISTENCY_EXPORT, text, len, &e, SMS_DECODE_REQUEST,
                               &err), 0);
    free(text);
    assert_int_equal(e.n_task_info, 1);
    expect_str(e.task_info[0].task_id, "05a41be9-3ffe-4cc6-8d66-07359039xxxx");
    expect_str(e.task_info[0].source_id, "31806fb2-95bd-421f-ae35-b81b750dxxxx");
    expect_str(e.task_info[0].source_name, "ecsxxx");
    sms_free(&SMS_T_CONSISTENCY_EXPORT, &e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed001_register_fields),
        cmocka_unit_test(test_seed001_disk_tree),
        cmocka_unit_test(test_seed000_403),
        cmocka_unit_test(test_seed000_command_result_request),
        cmocka_unit_test(test_seed002_export_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_model_disktree.c - the disk / volume tree (disktree.h), built from hand-made
 * servers: the seed 001 register example, Windows, orphans, hostile subvolume lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/disktree.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ------------------------------------------------------------------ */

/* Structural invariants every tree must satisfy: parents precede children, depth
 * follows the parent, n_children matches, and the list is a pre-order walk (the parent
 * of node i is node i-1 or one of its ancestors). */
static void check_invariants(const sms_tree *t)
{
    size_t *kids = calloc(t->n_nodes + 1, sizeof *kids);
    assert_non_null(kids);
    for (size_t i = 0; i < t->n_nodes; i++) {
        const sms_tree_node *n = &t->nodes[i];
        if (n->parent < 0) {
            assert_int_equal(n->parent, -1);
            assert_int_equal(n->depth, 0);
            continue;
        }
        assert_true((size_t)n->parent < i);
        assert_int_equal(n->depth, t->nodes[n->parent].depth + 1);
        kids[n->parent]++;
        long a = (long)i - 1;
        while (a >= 0 && a != n->parent)
            a = t->nodes[a].parent;
        assert_int_equal(a, n->parent);
        assert_true(n->used_pct >= -1 && n->used_pct <= 100);
    }
    for (size_t i = 0; i < t->n_nodes; i++)
        assert_int_equal(t->nodes[i].n_children, kids[i]);
    free(kids);
}

static void expect_node(const sms_tree *t, size_t i, sms_node_kind kind, int depth, long parent,
                        size_t n_children, const char *name)
{
    assert_true(i < t->n_nodes);
    const sms_tree_node *n = &t->nodes[i];
    if (n->kind != kind || n->depth != depth || n->parent != parent || n->n_children != n_children
        || !n->name || strcmp(n->name, name) != 0)
        fail_msg("node %zu: got kind %d depth %d parent %ld children %zu name %s; "
                 "want %d %d %ld %zu %s", i, n->kind, n->depth, n->parent, n->n_children,
                 n->name ? n->name : "(null)", kind, depth, parent, n_children, name);
}

/* A NULL where text is expected fails the test instead of crashing it. */
static void expect_str(const char *got, const char *want)
{
    assert_non_null(got);
    assert_string_equal(got, want);
}

/* ---- the seed 001 register example, by hand ---------------------------------------- */

/* The wire's "no mount path" is the string "null". */
#define SVM(id, parent, name, snap, mount) {.uuid = "u", .is_snapshot = snap, .subvol_id = id, \
    .parent_id = parent, .subvol_name = name, .subvol_mount_path = mount}
#define SV(id, parent, name, snap) SVM(id, parent, name, snap, "null")

static sms_subvol seed_subvols[] = {
    SV("257", "5", "@", "false"),
    SVM("258", "257", "@/.snapshots", "false", "/.snapshots"),
    SVM("259", "258", "@/.snapshots/1/snapshot", "true", "/"),
    SVM("260", "257", "@/boot/grub2/i386-pc", "false", "/boot/grub2/i386-pc"),
    SVM("261", "257", "@/boot/grub2/x86_64-efi", "false", "/boot/grub2/x86_64-efi"),
    SVM("262", "257", "@/opt", "false", "/opt"),
    SVM("263", "257", "@/srv", "false", "/srv"),
    SVM("264", "257", "@/tmp", "false", "/tmp"),
    SVM("265", "257", "@/usr/local", "false", "/usr/local"),
    SVM("266", "257", "@/var/cache", "false", "/var/cache"),
    SVM("267", "257", "@/var/crash", "false", "/var/crash"),
    SVM("268", "257", "@/var/lib/libvirt/images", "false", "/var/lib/libvirt/images"),
    SVM("269", "257", "@/var/lib/machines", "false", "/var/lib/machines"),
    SVM("270", "257", "@/var/lib/mailman", "false", "/var/lib/mailman"),
    SVM("271", "257", "@/var/lib/mariadb", "false", "/var/lib/mariadb"),
    SVM("272", "257", "@/var/lib/mysql", "false", "/var/lib/mysql"),
    SVM("273", "257", "@/var/lib/named", "false", "/var/lib/named"),
    SVM("274", "257", "@/var/lib/pgsql", "false", "/var/lib/pgsql"),
    SVM("275", "257", "@/var/log", "false", "/var/log"),
    SVM("276", "257", "@/var/opt", "false", "/var/opt"),
    SVM("277", "257", "@/var/spool", "false", "/var/spool"),
    SVM("278", "257", "@/var/tmp", "false", "/var/tmp"),
    SV("282", "258", "@/.snapshots/2/snapshot", "true"),
};

static sms_pv vda_parts[] = {
    {.name = "/dev/vda1", .size = 2153775104, .device_use = "NORMAL", .used_size = 2153775104,
     .file_system = "swap", .mount_point = ""},
    {.name = "/dev/vda2", .size = 16862150656, .device_use = "BTRFS", .used_size = 16862150656,
     .file_system = "btrfs", .mount_point = ""},
    {.name = "/dev/vda3", .size = 23932698624, .device_use = "NORMAL", .used_size = 33988608,
     .inode_nums = 12345, .file_system = "xfs", .mount_point = "/home"},
};
static sms_pv vdb_parts[] = {
    {.name = "/dev/vdb1", .size = 21473787904, .device_use = "VOLUME_GROUP",
     .used_size = 21473787904, .file_system = "LVM2_member", .mount_point = ""},
};
static sms_disk seed_disks[] = {
    {.name = "/dev/vda", .device_use = "BOOT", .size = 42949672960, .partition_style = "MBR",
     .used_size = 42948624384, .physical_volumes = vda_parts, .n_physical_volumes = 3},
    {.name = "/dev/vdb", .device_use = "NORMAL", .size = 21474836480, .partition_style = "MBR",
     .used_size = 21473787904, .physical_volumes = vdb_parts, .n_physical_volumes = 1},
    {.name = "/dev/vdc", .device_use = "VOLUME_GROUP", .size = 21474836480,
     .partition_style = "MBR", .used_size = 0},
};
static sms_lv seed_lvs[] = {
    {.name = "/dev/mapper/vg1-lv1", .device_use = "NORMAL", .size = 10737418240,
     .free_size = 10713837568, .used_size = 23580672, .file_system = "ext4",
     .mount_point = "/mnt/lv1", .inode_nums = 12345, .inode_size = 256},
};
static sms_vg seed_vgs[] = {
    {.name = "vg1", .size = 42948624384, .components = "/dev/vdb1;/dev/vdc",
     .logical_volumes = seed_lvs, .n_logical_volumes = 1},
};
static sms_btrfs seed_btrfs[] = {
    {.name = "/dev/vda2", .label = "none", .device = "/dev/vda2", .size = 3543348019,
     .nodesize = 16384, .sectorsize = 4096, .g_vol_used_size = 3894038528,
     .default_subvolid = "259", .default_subvol_name = "@/.snapshots/1/snapshot",
     .default_subvol_mountpath = "/", .subvolumn = seed_subvols, .n_subvolumn = N_OF(seed_subvols)},
};

static sms_server seed_server(void)
{
    sms_server s = {.name = "host-192-168-136-xxx", .os_type = "LINUX",
                    .disks = seed_disks, .n_disks = N_OF(seed_disks),
                    .volume_groups = seed_vgs, .n_volume_groups = N_OF(seed_vgs),
                    .btrfs_list = seed_btrfs, .n_btrfs_list = N_OF(seed_btrfs)};
    return s;
}

/* Shared with the fixture test: the exact expected layout of seed 001. */
static void expect_seed_tree(const sms_tree *t)
{
    check_invariants(t);
    assert_int_equal(t->n_nodes, 34);
    expect_node(t, 0, SMS_NODE_DISK, 0, -1, 3, "/dev/vda");
    expect_node(t, 1, SMS_NODE_PARTITION, 1, 0, 0, "/dev/vda1");
    expect_str(t->nodes[1].file_system, "swap");
    expect_node(t, 2, SMS_NODE_PARTITION, 1, 0, 1, "/dev/vda2");
    expect_node(t, 3, SMS_NODE_BTRFS, 2, 2, 1, "/dev/vda2");
    expect_node(t, 4, SMS_NODE_SUBVOL, 3, 3, 20, "@");
    assert_null(t->nodes[4].mount_point);                   /* "null" on the wire */
    expect_node(t, 5, SMS_NODE_SUBVOL, 4, 4, 2, "@/.snapshots");
    expect_str(t->nodes[5].mount_point, "/.snapshots");
    expect_node(t, 6, SMS_NODE_SUBVOL, 5, 5, 0, "@/.snapshots/1/snapshot");
    assert_true(t->nodes[6].is_snapshot);
    expect_node(t, 7, SMS_NODE_SUBVOL, 5, 5, 0, "@/.snapshots/2/snapshot");
    assert_true(t->nodes[7].is_snapshot);
    assert_false(t->nodes[5].is_snapshot);
    for (int id = 260; id <= 278; id++) {                  /* 260..278 in list order */
        size_t i = 8 + (size_t)(id - 260);
        expect_node(t, i, SMS_NODE_SUBVOL, 4, 4, 0, seed_subvols[3 + id - 260].subvol_name);
        assert_false(t->nodes[i].is_snapshot);
    }
    expect_node(t, 27, SMS_NODE_PARTITION, 1, 0, 0, "/dev/vda3");
    expect_str(t->nodes[27].file_system, "xfs");
    expect_str(t->nodes[27].mount_point, "/home");
    expect_node(t, 28, SMS_NODE_DISK, 0, -1, 1, "/dev/vdb");
    expect_node(t, 29, SMS_NODE_PARTITION, 1, 28, 1, "/dev/vdb1");
    expect_node(t, 30, SMS_NODE_VG, 2, 29, 1, "vg1");
    assert_false(t->nodes[30].is_ref);
    expect_node(t, 31, SMS_NODE_LV, 3, 30, 0, "/dev/mapper/vg1-lv1");
    expect_str(t->nodes[31].file_system, "ext4");
    expect_str(t->nodes[31].mount_point, "/mnt/lv1");
    expect_node(t, 32, SMS_NODE_DISK, 0, -1, 1, "/dev/vdc");
    expect_node(t, 33, SMS_NODE_VG, 1, 32, 0, "vg1");
    assert_true(t->nodes[33].is_ref);
    /* used% = used/size; sizes of subvolumes are unknown */
    assert_int_equal(t->nodes[27].used_pct, 0);             /* 33988608 / 23932698624 */
    assert_int_equal(t->nodes[1].used_pct, 100);
    assert_int_equal(t->nodes[0].used_pct, 99);
    assert_int_equal(t->nodes[3].used_pct, 100);            /* g_vol_used > "3.30GiB" */
    assert_int_equal(t->nodes[4].used_pct, -1);
    assert_int_equal(t->nodes[31].used_pct, 0);
    assert_int_equal(t->nodes[30].used_pct, 25);            /* 10 GiB of LVs in 40 GiB */
    assert_int_equal(t->nodes[32].used_pct, 0);
}

static void test_seed001_by_hand(void **state)
{
    (void)state;
    sms_server s = seed_server();
    sms_tree t;
    assert_int_equal(sms_disk_tree_build(&s, &t), 0);
    expect_seed_tree(&t);
    sms_disk_tree_free(&t);
    assert_null(t.nodes);
    assert_int_equal(t.n_nodes, 0);
}

static void test_nodes_own_their_strings(void **state)
{
    (void)state;
    char name[] = "/dev/vdz";
    sms_disk disk = {.name = name, .size = 100, .used_size = 50};
    sms_server s = {.disks = &disk, .n_disks = 1};
    sms_tree t;
    assert_int_equal(sms_disk_tree_build(&s, &t), 0);
    name[5] = 'X';
    expect_str(t.nodes[0].name, "/dev/vdz");
    assert_int_equal(t.nodes[0].used_pct, 50);
    sms_disk_tree_free(&t);
}

static void test_empty_server(void **state)
{
    (void)state;
    sms_server s = {0};
    sms_tree t;
    assert_int_equal(sms_disk_tree_build(&s, &t), 0);
    assert_int_equal(t.n_nodes, 0);
    sms_disk_tree_free(&t);
    sms_disk_tree_free(NULL);
}

static void test_windows_disk(void **state)
{
    (void)state;
    sms_pv parts[] = {
        {.name = "C:", .file_system = "NTFS", .size = 1000, .used_size = 400},
        {.name = "D:", .file_system = "NTFS", .size = 0, .used_size = 0},
    };
    sms_disk disk = {.name = "Disk 0", .device_use = "OS", .size = 2000,
                     .physical_volumes = parts, .n_physical_volumes = 2};
    sms_server s = {.os_type = "WINDOWS", .disks = &disk, .n_disks = 1};
    sms_tree t;
    assert_int_equal(sms_disk_tree_build(&s, &t), 0);
    check_invariants(&t);
    assert_int_equal(t.n_nodes, 3);
    expect_node(&t, 0, SMS_NODE_DISK, 0, -1, 2, "Disk 0");
    expect_node(&t, 1, SMS_NODE_PARTITION, 1, 0, 0, "C:");
    expect_str(t.nodes[1].file_system, "NTFS");
    assert_int_equal(t.nodes[1].used_pct, 40);
    expect_node(&t, 2, SMS_NODE_PARTITION, 1, 0, 0, "D:");
    assert_int_equal(t.nodes[2].used_pct, -1);              /* size 0: unknown */
    sms_disk_tree_free(&t);
}

/* A VG whose components match nothing and a Btrfs whose device matches nothing are
 * still shown, at top level, after the disks. Repeated components give one VG. */
static void test_orphans_and_repeats(void **state)
{
    (void)state;
    sms_pv parts[] = {{.name = "/dev/sda1", .file_system = "LVM2_member"}};
    sms_disk disk = {.name = "/dev/sda", .physical_volumes = parts, .n_physical_volumes = 1};
    sms_lv lv = {.name = "/dev/mapper/lost-root", .size = 10, .used_size = 20};
    sms_vg vgs[] = {
        {.name = "vgA", .components = " /dev/sda1 ; /dev/sda1;;", .size = 100, .free_size = 30},
        {.name = "lost", .components = "/dev/nope", .logical_volumes = &lv, .n_logical_volumes = 1},
    };
    sms_subvol sv = SV("256", "5", "home", "false");
    sms_btrfs fs = {.name = "/dev/sdz", .device = "/dev/sdz", .subvolumn = &sv, .n_subvolumn = 1};
    sms_server s = {.disks = &disk, .n_disks = 1, .volume_groups = vgs, .n_volume_groups = 2,
                    .btrfs_list = &fs, .n_btrfs_list = 1};
    sms_tree t;
    assert_int_equal(sms_disk_tree_build(&s, &t), 0);
    check_invariants(&t);
    assert_int_equal(t.n_nodes, 7);
    expect_node(&t, 0, SMS_NODE_DISK, 0, -1, 1, "/dev/sda");
    expect_node(&t, 1, SMS_NODE_PARTITION, 1, 0, 1, "/dev/sda1");
    expect_node(&t, 2, SMS_NODE_VG, 2, 1, 0, "vgA");
    assert_false(t.nodes[2].is_ref);
    assert_int_equal(t.nodes[2].used_pct, 70);              /* size - free_size */
    expect_node(&t, 3, SMS_NODE_VG, 0, -1, 1, "lost");
    expect_node(&t, 4, SMS_NODE_LV, 1, 3, 0, "/dev/mapper/lost-root");
    assert_int_equal(t.nodes[4].used_pct, 100);             /* used > size: clamped */
    expect_node(&t, 5, SMS_NODE_BTRFS, 0, -1, 1, "/dev/sdz");
    expect_node(&t, 6, SMS_NODE_SUBVOL, 1, 5, 0, "home");
    sms_disk_tree_free(&t);
}

/* A malicious subvolume list: 300 -> 301 -> 300 is a cycle, 302 is its own parent.
 * Nothing may recurse forever; every subvolume appears exactly once. */
static void test_subvol_cycle(void **state)
{
    (void)state;
    sms_subvol svs[] = {
        SV("300", "301", "loop-a", "false"),
        SV("301", "300", "loop-b", "false"),
        SV("257", "5", "@", "false"),
        SV("302", "302", "self", "false"),
        SV("303", "301", "under-loop", "false"),
    };
    sms_pv part = {.name = "/dev/sdb1", .file_system = "btrfs"};
    sms_disk disk = {.name = "/dev/sdb", .physical_volumes = &part, .n_physical_volumes = 1};
    sms_btrfs fs = {.name = "/dev/sdb1", .device = "/dev/sdb1", .subvolumn = svs, .n_subvolumn = 5};
    sms_server s = {.disks = &disk, .n_disks = 1, .btrfs_list = &fs, .n_btrfs_list = 1};
    sms_tree t;
    assert_int_equal(sms_disk_tree_build(&s, &t), 0);
    check_invariants(&t);
    assert_int_equal(t.n_nodes, 8);
    expect_node(&t, 2, SMS_NODE_BTRFS, 2, 1, 3, "/dev/sdb1");   /* @, self, loop-a */
    expect_node(&t, 3, SMS_NODE_SUBVOL, 3, 2, 0, "@");
    expect_node(&t, 4, SMS_NODE_SUBVOL, 3, 2, 0, "self");
    expect_node(&t, 5, SMS_NODE_SUBVOL, 3, 2, 1, "loop-a");     /* cycle broken here */
    expect_node(&t, 6, SMS_NODE_SUBVOL, 4, 5, 1, "loop-b");
    expect_node(&t, 7, SMS_NODE_SUBVOL, 5, 6, 0, "under-loop");
    sms_disk_tree_free(&t);
}

/* A 20000-long parent chain must not blow the stack (no recursion). */
static void test_deep_subvol_chain(void **state)
{
    (void)state;
    enum { N = 20000 };
    sms_subvol *svs = calloc(N, sizeof *svs);
    char (*ids)[12] = calloc(N + 1, sizeof *ids);
    assert_non_null(svs);
    assert_non_null(ids);
    for (int i = 0; i <= N; i++)
        snprintf(ids[i], sizeof ids[i], "%d", 1000 + i);
    for (int i = 0; i < N; i++) {          /* listed deepest first */
        int level = N - 1 - i;
        svs[i] = (sms_subvol)SV(ids[level + 1], ids[level], "s", "false");
    }
    sms_btrfs fs = {.name = "/dev/x", .device = "/dev/x", .subvolumn = svs, .n_subvolumn = N};
    sms_server s = {.btrfs_list = &fs, .n_btrfs_list = 1};
    sms_tree t;
    assert_int_equal(sms_disk_tree_build(&s, &t), 0);
    check_invariants(&t);
    assert_int_equal(t.n_nodes, N + 1);
    assert_int_equal(t.nodes[N].depth, N);
    sms_disk_tree_free(&t);
    free(svs);
    free(ids);
}

/* NULL strings anywhere must not crash or match each other. */
static void test_null_fields(void **state)
{
    (void)state;
    sms_pv parts[] = {{0}, {.name = "/dev/q1"}};
    sms_disk disks[] = {{.physical_volumes = parts, .n_physical_volumes = 2}, {0}};
    sms_vg vgs[] = {{0}, {.name = "v", .components = "/dev/q1"}};
    sms_subvol svs[] = {{0}, SV("1", NULL, NULL, NULL)};
    sms_btrfs fss[] = {{0}, {.device = "/dev/q1", .subvolumn = svs, .n_subvolumn = 2}};
    sms_server s = {.disks = disks, .n_disks = 2, .volume_groups = vgs, .n_volume_groups = 2,
                    .btrfs_list = fss, .n_btrfs_list = 2};
    sms_tree t;
    assert_int_equal(sms_disk_tree_build(&s, &t), 0);
    check_invariants(&t);
    /* disk, part, part(/dev/q1) -> v, btrfs(2 subvols), disk, orphan VG, orphan btrfs */
    assert_int_equal(t.n_nodes, 10);
    assert_int_equal(t.nodes[3].kind, SMS_NODE_VG);
    assert_int_equal(t.nodes[3].parent, 2);
    assert_int_equal(t.nodes[4].kind, SMS_NODE_BTRFS);
    expect_str(t.nodes[4].name, "/dev/q1");        /* falls back to device */
    assert_int_equal(t.nodes[4].n_children, 2);
    sms_disk_tree_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed001_by_hand),
        cmocka_unit_test(test_nodes_own_their_strings),
        cmocka_unit_test(test_empty_server),
        cmocka_unit_test(test_windows_disk),
        cmocka_unit_test(test_orphans_and_repeats),
        cmocka_unit_test(test_subvol_cycle),
        cmocka_unit_test(test_deep_subvol_chain),
        cmocka_unit_test(test_null_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* fleet.c - deterministic register bodies (§3.9) for the simulated fleet.
 *
 * Agent i of a seed always describes the same machine: a name that says its role
 * ("db-prod-042"), an OS, CPUs and memory, NICs, and a disk layout in one of four
 * shapes: Linux with LVM (a VG spanning a partition and a whole disk, as in seed
 * 001), Linux with Btrfs subvolumes (SUSE style), plain Linux partitions, or Windows
 * with drive letters. Every value comes from a small PRNG seeded from (seed, i), so
 * no global state and no dependence on the order in which bodies are built. */
#include "emulator/fleet.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/codec.h"

#define GIB (1024LL * 1024 * 1024)
#define MIB (1024LL * 1024)

/* ---- generator: PRNG + allocation that remembers failure ----------------- */

typedef struct gen {
    uint64_t state;         /* splitmix64 */
    bool oom;
} gen;

static uint64_t gen_next(gen *g)
{
    uint64_t z = (g->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint32_t gen_below(gen *g, uint32_t n)      /* uniform-enough in [0, n) */
{
    return n ? (uint32_t)(gen_next(g) % n) : 0;
}

static int64_t gen_range(gen *g, int64_t lo, int64_t hi)   /* [lo, hi] */
{
    return lo + (int64_t)(gen_next(g) % (uint64_t)(hi - lo + 1));
}

static bool gen_chance(gen *g, unsigned percent)
{
    return gen_below(g, 100) < percent;
}

#define PICK(g, arr) ((arr)[gen_below((g), sizeof(arr) / sizeof((arr)[0]))])

static char *gen_strf(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *gen_strf(gen *g, const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0) {
        s = NULL;
        g->oom = true;
    }
    va_end(ap);
    return s;
}

static char *gen_str(gen *g, const char *s)
{
    char *d = strdup(s);
    if (!d)
        g->oom = true;
    return d;
}

static void *gen_array(gen *g, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        g->oom = true;
    return p;
}

static char *gen_uuid(gen *g)
{
    uint64_t a = gen_next(g), b = gen_next(g);
    return gen_strf(g, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
                    (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
                    (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
                    (unsigned long long)(b & 0xffffffffffffULL));
}

/* Used size as a fraction of size, in whole MiB. */
static int64_t gen_used(gen *g, int64_t size, unsigned lo_pct, unsigned hi_pct)
{
    int64_t pct = gen_range(g, lo_pct, hi_pct);
    return size / 100 / MIB * pct * MIB;
}

/* ---- identity: role, name, OS ---------------------------------------------- */

typedef enum layout { LAYOUT_LVM, LAYOUT_BTRFS, LAYOUT_PLAIN, LAYOUT_WINDOWS } layout;

typedef struct role {
    const char *prefix;
    bool windows;
} role;

static const role ROLES[] = {
    {"db-prod", false},  {"web-eu", false},   {"app-us", false},    {"cache", false},
    {"api-gw", false},   {"k8s-node", false}, {"log-es", false},    {"build", false},
    {"mq-kafka", false}, {"erp-sap", false},  {"file-nfs", false},  {"mail-relay", false},
    {"web-ap", false},   {"db-stage", false}, {"ad-dc", true},      {"sql-prod", true},
    {"iis-web", true},   {"exch", true},      {"rds-host", true},   {"file-win", true},
};

static const char *const LINUX_OS[] = {
    "CENTOS7.9", "CENTOS7.6", "CENTOS8.2", "UBUNTU20.04", "UBUNTU22.04", "DEBIAN11",
    "RHEL8.6", "RHEL7.9", "EULEROS2.9", "ROCKY8.8", "ORACLELINUX8.7",
};
static const char *const LINUX_KERNEL[] = {
    "3.10.0-1160.el7.x86_64", "3.10.0-957.el7.x86_64", "4.18.0-193.el8.x86_64",
    "5.4.0-150-generic", "5.15.0-88-generic", "5.10.0-26-amd64",
    "4.18.0-372.9.1.el8.x86_64", "3.10.0-1160.el7.x86_64",
    "4.18.0-147.5.1.6.h841.eulerosv2r9.x86_64",
    "4.18.0-477.10.1.el8_8.x86_64", "5.15.0-105.125.6.2.el8uek.x86_64",
};
_Static_assert(sizeof LINUX_OS == sizeof LINUX_KERNEL, "one kernel per Linux release");
static const char *const SUSE_OS[] = {"SUSE12_64BIT_SP2", "SUSE12_64BIT_SP5", "SUSE15_64BIT_SP3"};
static const char *const SUSE_KERNEL[] = {"4.4.21-69-default", "4.12.14-122.37-default",
                                          "5.3.18-57-default"};
static const char *const WINDOWS_OS[] = {"WINDOWS2012_R2", "WINDOWS2016", "WINDOWS2019",
                                         "WINDOWS2022"};
_Static_assert(sizeof SUSE_OS == sizeof SUSE_KERNEL, "one kernel per SUSE release");
static const char *const AGENT_VERSIONS[] = {"25.3.0", "24.12.1", "24.9.0", "23.6.2", "2.2.1"};
static const char *const PLATFORMS[] = {"vmware", "vmware", "hyperv", "aws", "azure", "ali",
                                        "other", "hw"};

static layout pick_layout(gen *g, const role *r, bool suse)
{
    if (r->windows)
        return LAYOUT_WINDOWS;
    if (suse)
        return LAYOUT_BTRFS;
    return gen_chance(g, 65) ? LAYOUT_LVM : LAYOUT_PLAIN;
}

/* Addresses are unique per agent: 10.A.B.C from i (16 million before wrapping). */
static void agent_address(int i, unsigned oct[3])
{
    unsigned u = (unsigned)i;
    oct[0] = 10 + (u / (250u * 250u)) % 240;
    oct[1] = (u / 250u) % 250;
    oct[2] = u % 250 + 2;
}

static void fill_identity(gen *g, int i, const role *r, sms_server *s, layout *lay)
{
    bool suse = !r->windows && gen_chance(g, 20);
    *lay = pick_layout(g, r, suse);
    unsigned oct[3];
    agent_address(i, oct);

    s->name = gen_strf(g, "%s-%03d", r->prefix, i + 1);
    s->hostname = gen_strf(g, "%s-%03d.%s", r->prefix, i + 1,
                           r->windows ? "corp.example.local" : "dc1.example.net");
    s->ip = gen_strf(g, "10.%u.%u.%u", oct[0], oct[1], oct[2]);
    s->os_type = gen_str(g, r->windows ? "WINDOWS" : "LINUX");
    s->agent_version = gen_str(g, PICK(g, AGENT_VERSIONS));
    s->platform = gen_str(g, PICK(g, PLATFORMS));
    s->firmware = gen_str(g, gen_chance(g, 30) ? "UEFI" : "BIOS");
    s->virtualization_type = gen_str(g, "HVM");
    static const int32_t cpus[] = {2, 4, 4, 8, 8, 16, 32};
    static const int64_t mem_gib[] = {4, 8, 16, 16, 32, 64, 128};
    s->cpu_quantity = PICK(g, cpus);
    s->memory = PICK(g, mem_gib) * GIB;
    s->io_read_wait = (double)gen_range(g, 1, 120) / 10.0;

    if (r->windows) {
        s->os_version = gen_str(g, PICK(g, WINDOWS_OS));
        s->system_dir = gen_str(g, "C:\\Windows");
        s->driver_files = true;
        s->system_services = true;
        s->account_rights = true;
        return;
    }
    size_t k = suse ? gen_below(g, 3) : gen_below(g, sizeof(LINUX_OS) / sizeof(LINUX_OS[0]));
    s->os_version = gen_str(g, suse ? SUSE_OS[k] : LINUX_OS[k]);
    s->kernel_version = gen_str(g, suse ? SUSE_KERNEL[k] : LINUX_KERNEL[k]);
    s->boot_loader = gen_str(g, "GRUB");
    s->has_rsync = gen_chance(g, 85);
    s->paravirtualization = gen_chance(g, 70);
    s->linux_block_check = gen_strf(g,
        "{\"release_type\": \"%s\", \"architecture\": \"x86_64\", \"kernel_version\": \"%s\"}",
        suse ? "SUSE" : "LINUX", s->kernel_version ? s->kernel_version : "");
}

/* ---- NICs ------------------------------------------------------------------ */

static void fill_nic(gen *g, sms_nic *n, bool windows, int idx, const char *ip)
{
    n->name = windows ? gen_strf(g, "Ethernet%d", idx) : gen_strf(g, "eth%d", idx);
    n->ip = gen_str(g, ip);
    n->netmask = gen_str(g, idx == 0 ? "255.255.255.0" : "255.255.0.0");
    if (idx == 0) {
        char gw[32];
        snprintf(gw, sizeof gw, "%.*s1", (int)(strrchr(ip, '.') - ip + 1), ip);
        n->gateway = gen_str(g, gw);
    } else {
        n->gateway = gen_str(g, "");
    }
    uint64_t m = gen_next(g);
    n->mac = gen_strf(g, "fa:16:3e:%02x:%02x:%02x", (unsigned)(m & 0xff),
                      (unsigned)((m >> 8) & 0xff), (unsigned)((m >> 16) & 0xff));
    n->mtu = windows ? 0 : (idx == 2 ? 9000 : 1500);
    n->id = gen_strf(g, "%d", idx + 1);
}

static void fill_networks(gen *g, int i, bool windows, sms_server *s)
{
    size_t n = 1 + gen_below(g, 3);
    unsigned oct[3];
    agent_address(i, oct);
    s->networks = gen_array(g, n, sizeof *s->networks);
    if (!s->networks)
        return;
    s->n_networks = n;
    for (size_t k = 0; k < n; k++) {
        char ip[32];
        if (k == 0)
            snprintf(ip, sizeof ip, "%s", s->ip ? s->ip : "10.0.0.2");
        else        /* backup / storage networks */
            snprintf(ip, sizeof ip, "172.%u.%u.%u", 16 + (unsigned)k, oct[1], oct[2]);
        fill_nic(g, &s->networks[k], windows, (int)k, ip);
    }
}

/* ---- disks: helpers -------------------------------------------------------- */

typedef struct pv_spec {
    const char *use, *fs, *mount;
    int64_t size;
    unsigned used_lo, used_hi;
} pv_spec;

static void fill_pv(gen *g, sms_pv *pv, const char *name, int index, const pv_spec *sp,
                    bool windows)
{
    pv->name = gen_str(g, name);
    pv->index = index;
    pv->device_use = gen_str(g, sp->use);
    pv->file_system = gen_str(g, sp->fs);
    pv->mount_point = gen_str(g, sp->mount);
    pv->size = sp->size;
    pv->used_size = gen_used(g, sp->size, sp->used_lo, sp->used_hi);
    pv->uuid = gen_uuid(g);
    if (windows) {
        pv->size_per_cluster = 4096;
    } else if (strcmp(sp->fs, "ext4") == 0 || strcmp(sp->fs, "xfs") == 0) {
        pv->inode_size = strcmp(sp->fs, "ext4") == 0 ? 256 : 512;
        pv->inode_nums = sp->size / (64 * 1024);
    }
}

static sms_disk *add_disk(gen *g, sms_server *s, size_t cap, const char *name, int64_t size,
                          const char *use, bool os_disk)
{
    if (!s->disks) {
        s->disks = gen_array(g, cap, sizeof *s->disks);
        if (!s->disks)
            return NULL;
    }
    if (s->n_disks >= cap)
        return NULL;
    sms_disk *d = &s->disks[s->n_disks++];
    d->name = gen_str(g, name);
    d->size = size;
    d->device_use = gen_str(g, use);
    d->os_disk = os_disk;
    d->partition_style = gen_str(g, size > 2048 * GIB || gen_chance(g, 30) ? "GPT" : "MBR");
    return d;
}

/* A disk's used_size: on Linux the space its partitions take (as the real agent reports
 * it, seed 001: /dev/vda used_size = the sum of its partition sizes); on Windows the
 * bytes its NTFS volumes hold, so that a disk's usage agrees with its drive letters. */
static void disk_set_pvs(gen *g, sms_disk *d, const pv_spec *specs, size_t n, bool windows,
                         const char *const *names)
{
    d->physical_volumes = gen_array(g, n, sizeof *d->physical_volumes);
    if (!d->physical_volumes)
        return;
    d->n_physical_volumes = n;
    int64_t used = 0;
    for (size_t k = 0; k < n; k++) {
        char name[64];
        if (names)
            snprintf(name, sizeof name, "%s", names[k]);
        else
            snprintf(name, sizeof name, "%s%zu", d->name, k + 1);
        fill_pv(g, &d->physical_volumes[k], name, (int)k + 1, &specs[k], windows);
        used += windows ? d->physical_volumes[k].used_size : specs[k].size;
    }
    d->used_size = used;
}

static int64_t gen_disk_size(gen *g, bool big)
{
    static const int64_t os_gib[] = {40, 50, 80, 100, 120};
    static const int64_t data_gib[] = {100, 200, 250, 500, 1024, 2048};
    return (big ? PICK(g, data_gib) : PICK(g, os_gib)) * GIB;
}

static void fill_lv(gen *g, sms_lv *lv, const char *vg, const char *lv_name, const char *fs,
                    const char *mount, int64_t size)
{
    lv->name = gen_strf(g, "/dev/mapper/%s-%s", vg, lv_name);
    lv->file_system = gen_str(g, fs);
    lv->mount_point = gen_str(g, mount);
    lv->device_use = gen_str(g, "NORMAL");
    lv->size = size;
    lv->used_size = strcmp(fs, "swap") == 0 ? size : gen_used(g, size, 5, 92);
    lv->free_size = size - lv->used_size;
    lv->block_size = 4096;
    lv->block_count = (int32_t)(size / 4096 > INT32_MAX ? INT32_MAX : size / 4096);
    if (strcmp(fs, "swap") != 0) {
        lv->inode_size = strcmp(fs, "xfs") == 0 ? 512 : 256;
        lv->inode_nums = size / (64 * 1024);
    }
}

/* ---- layout: Linux with LVM (root VG on vda2, data VG on vdb1 + whole vdc) --- */

static const char *const DATA_MOUNTS[] = {"/data", "/var/lib/mysql", "/var/lib/pgsql",
                                          "/opt/app", "/srv/www", "/var/lib/docker",
                                          "/u01", "/var/log"};
#define N_DATA_MOUNTS (sizeof DATA_MOUNTS / sizeof DATA_MOUNTS[0])

static void layout_lvm(gen *g, sms_server *s)
{
    int64_t os = gen_disk_size(g, false);
    int64_t boot = 1 * GIB;
    sms_disk *vda = add_disk(g, s, 3, "/dev/vda", os, "BOOT", true);
    if (!vda)
        return;
    pv_spec os_pvs[] = {
        {"BOOT", "xfs", "/boot", boot, 15, 35},
        {"VOLUME_GROUP", "LVM2_member", "", os - boot - MIB, 100, 100},
    };
    disk_set_pvs(g, vda, os_pvs, 2, false, NULL);

    int64_t d1 = gen_disk_size(g, true), d2 = gen_disk_size(g, true);
    sms_disk *vdb = add_disk(g, s, 3, "/dev/vdb", d1, "NORMAL", false);
    if (!vdb)
        return;
    pv_spec vdb_pv = {"VOLUME_GROUP", "LVM2_member", "", d1 - MIB, 100, 100};
    disk_set_pvs(g, vdb, &vdb_pv, 1, false, NULL);
    sms_disk *vdc = add_disk(g, s, 3, "/dev/vdc", d2, "VOLUME_GROUP", false);
    if (!vdc)
        return;
    vdc->used_size = 0;     /* a whole-disk PV: no partition table entries */

    s->volume_groups = gen_array(g, 2, sizeof *s->volume_groups);
    if (!s->volume_groups)
        return;
    s->n_volume_groups = 2;

    sms_vg *root = &s->volume_groups[0];
    root->name = gen_str(g, "rootvg");
    root->components = gen_str(g, "/dev/vda2");
    root->size = os - boot - MIB;
    int64_t swap = 4 * GIB, rootsz = root->size - swap - 2 * GIB;
    root->free_size = root->size - swap - rootsz;
    root->logical_volumes = gen_array(g, 2, sizeof *root->logical_volumes);
    if (root->logical_volumes) {
        root->n_logical_volumes = 2;
        fill_lv(g, &root->logical_volumes[0], "rootvg", "root", "xfs", "/", rootsz);
        fill_lv(g, &root->logical_volumes[1], "rootvg", "swap", "swap", "", swap);
    }

    sms_vg *data = &s->volume_groups[1];
    data->name = gen_str(g, "datavg");
    data->components = gen_str(g, "/dev/vdb1;/dev/vdc");
    data->size = d1 - MIB + d2;
    size_t n_lv = 1 + gen_below(g, 3);
    data->logical_volumes = gen_array(g, n_lv, sizeof *data->logical_volumes);
    if (!data->logical_volumes)
        return;
    data->n_logical_volumes = n_lv;
    int64_t left = data->size;
    size_t first_mount = gen_below(g, N_DATA_MOUNTS);
    for (size_t k = 0; k < n_lv; k++) {
        int64_t lvsz = left / 100 / GIB * gen_range(g, 30, 60) * GIB;
        const char *mount = DATA_MOUNTS[(first_mount + k) % N_DATA_MOUNTS];
        char lv_name[16];
        snprintf(lv_name, sizeof lv_name, "lv%zu", k + 1);
        fill_lv(g, &data->logical_volumes[k], "datavg", lv_name,
                gen_chance(g, 50) ? "ext4" : "xfs", mount, lvsz);
        left -= lvsz;
    }
    data->free_size = left;
}

/* ---- layout: SUSE with a Btrfs root and snapper snapshots (seed 001) ------ */

static const char *const SUSE_SUBVOLS[] = {
    "@/opt", "@/srv", "@/tmp", "@/usr/local", "@/var/cache", "@/var/crash", "@/var/log",
    "@/var/opt", "@/var/spool", "@/var/tmp", "@/var/lib/mysql", "@/var/lib/pgsql",
    "@/var/lib/libvirt/images", "@/var/lib/machines", "@/boot/grub2/i386-pc",
    "@/boot/grub2/x86_64-efi",
};

static void fill_subvol(gen *g, sms_subvol *v, const char *fs_uuid, int id, int parent,
                        const char *name, const char *mount, bool snapshot)
{
    v->uuid = gen_str(g, fs_uuid);
    v->is_snapshot = gen_str(g, snapshot ? "true" : "false");
    v->subvol_id = gen_strf(g, "%d", id);
    v->parent_id = gen_strf(g, "%d", parent);
    v->subvol_name = gen_str(g, name);
    v->subvol_mount_path = gen_str(g, mount);
}

static void fill_btrfs(gen *g, sms_btrfs *b, const char *device, int64_t size)
{
    b->name = gen_str(g, device);
    b->device = gen_str(g, device);
    b->label = gen_str(g, "none");
    b->uuid = gen_uuid(g);
    b->size = size;
    b->nodesize = 16384;
    b->sectorsize = 4096;
    b->data_profile = gen_str(g, "single");
    b->system_profile = gen_str(g, "single");
    b->metadata_profile = gen_str(g, "single");
    b->global_reserve1 = gen_str(g, "single");
    b->g_vol_used_size = gen_used(g, size, 10, 60);

    /* @ (257) under the top level (5); .snapshots (258) under @; n snapshots under
     * .snapshots, the first being the default (booted) one; then ordinary subvolumes. */
    size_t n_snap = 1 + gen_below(g, 3);
    size_t n_plain = 4 + gen_below(g, sizeof SUSE_SUBVOLS / sizeof SUSE_SUBVOLS[0] - 4);
    size_t n = 2 + n_snap + n_plain;
    b->subvolumn = gen_array(g, n, sizeof *b->subvolumn);
    if (!b->subvolumn || !b->uuid)
        return;
    b->n_subvolumn = n;
    size_t k = 0;
    fill_subvol(g, &b->subvolumn[k++], b->uuid, 257, 5, "@", "null", false);
    fill_subvol(g, &b->subvolumn[k++], b->uuid, 258, 257, "@/.snapshots", "/.snapshots", false);
    int id = 259;
    for (size_t j = 0; j < n_snap; j++, id++) {
        char name[48];
        snprintf(name, sizeof name, "@/.snapshots/%zu/snapshot", j + 1);
        fill_subvol(g, &b->subvolumn[k++], b->uuid, id, 258, name, j == 0 ? "/" : "null", true);
    }
    for (size_t j = 0; j < n_plain; j++, id++) {
        const char *name = SUSE_SUBVOLS[j];
        fill_subvol(g, &b->subvolumn[k++], b->uuid, id, 257, name, name + 1, false);
    }
    b->default_subvolid = gen_str(g, "259");
    b->default_subvol_name = gen_str(g, "@/.snapshots/1/snapshot");
    b->default_subvol_mountpath = gen_str(g, "/");
}

static void layout_btrfs(gen *g, sms_server *s)
{
    int64_t os = gen_disk_size(g, false);
    int64_t swap = 2 * GIB, root = os / 2 / GIB * GIB, home = os - swap - root;
    sms_disk *vda = add_disk(g, s, 2, "/dev/vda", os, "BOOT", true);
    if (!vda)
        return;
    pv_spec pvs[] = {
        {"NORMAL", "swap", "", swap, 100, 100},
        {"BTRFS", "btrfs", "", root, 100, 100},
        {"NORMAL", "xfs", "/home", home, 1, 40},
    };
    disk_set_pvs(g, vda, pvs, 3, false, NULL);

    if (gen_chance(g, 60)) {    /* an LVM data disk next to the Btrfs root */
        int64_t d = gen_disk_size(g, true);
        sms_disk *vdb = add_disk(g, s, 2, "/dev/vdb", d, "NORMAL", false);
        if (vdb) {
            pv_spec pv = {"VOLUME_GROUP", "LVM2_member", "", d - MIB, 100, 100};
            disk_set_pvs(g, vdb, &pv, 1, false, NULL);
            s->volume_groups = gen_array(g, 1, sizeof *s->volume_groups);
            if (s->volume_groups) {
                s->n_volume_groups = 1;
                sms_vg *vg = &s->volume_groups[0];
                vg->name = gen_str(g, "vg1");
                vg->components = gen_str(g, "/dev/vdb1");
                vg->size = d - MIB;
                vg->logical_volumes = gen_array(g, 1, sizeof *vg->logical_volumes);
                if (vg->logical_volumes) {
                    vg->n_logical_volumes = 1;
                    int64_t lv = vg->size / 100 / GIB * 80 * GIB;
                    fill_lv(g, &vg->logical_volumes[0], "vg1", "lv1", "ext4", "/mnt/lv1", lv);
                    vg->free_size = vg->size - lv;
                }
            }
        }
    }

    s->btrfs_list = gen_array(g, 1, sizeof *s->btrfs_list);
    if (!s->btrfs_list)
        return;
    s->n_btrfs_list = 1;
    fill_btrfs(g, &s->btrfs_list[0], "/dev/vda2", root);
}

/* ---- layout: Linux with plain partitions ----------------------------------- */

static void layout_plain(gen *g, sms_server *s)
{
    int64_t os = gen_disk_size(g, false);
    sms_disk *vda = add_disk(g, s, 2, "/dev/vda", os, "BOOT", true);
    if (!vda)
        return;
    pv_spec pvs[] = {
        {"BOOT", "ext4", "/boot", 1 * GIB, 10, 30},
        {"OS", "ext4", "/", os - GIB - MIB, 20, 80},
    };
    disk_set_pvs(g, vda, pvs, 2, false, NULL);
    if (gen_chance(g, 70)) {
        int64_t d = gen_disk_size(g, true);
        sms_disk *vdb = add_disk(g, s, 2, "/dev/vdb", d, "NORMAL", false);
        if (vdb) {
            pv_spec pv = {"NORMAL", "xfs", PICK(g, DATA_MOUNTS), d - MIB, 5, 90};
            disk_set_pvs(g, vdb, &pv, 1, false, NULL);
        }
    }
    s->btrfs_list = NULL;   /* Linux without Btrfs sends [] (the codec writes arrays always) */
}

/* ---- layout: Windows with drive letters ------------------------------------- */

static void layout_windows(gen *g, sms_server *s)
{
    int64_t os = gen_disk_size(g, false);
    size_t n_data = gen_below(g, 3);
    size_t cap = 1 + n_data;
    sms_disk *d0 = add_disk(g, s, cap, "Disk 0", os, "BOOT", true);
    if (!d0)
        return;
    pv_spec sys[] = {
        {"BOOT", "NTFS", "", 500 * MIB, 30, 60},
        {"OS", "NTFS", "C:\\", os - 500 * MIB - MIB, 25, 85},
    };
    static const char *const sys_names[] = {"System Reserved", "C:\\"};
    disk_set_pvs(g, d0, sys, 2, true, sys_names);
    for (size_t k = 0; k < n_data; k++) {
        char disk_name[16], letter[8];
        snprintf(disk_name, sizeof disk_name, "Disk %zu", k + 1);
        snprintf(letter, sizeof letter, "%c:\\", (char)('D' + k));
        int64_t size = gen_disk_size(g, true);
        sms_disk *d = add_disk(g, s, cap, disk_name, size, "NORMAL", false);
        if (!d)
            return;
        pv_spec pv = {"NORMAL", "NTFS", letter, size - MIB, 5, 90};
        const char *names[] = {letter};
        disk_set_pvs(g, d, &pv, 1, true, names);
    }
}

/* ---- the body ------------------------------------------------------------ */

static uint64_t body_seed(uint64_t seed, int i)
{
    gen g = {.state = seed ^ ((uint64_t)(uint32_t)i * 0xD1B54A32D192ED03ULL)};
    return gen_next(&g);
}

int smsemu_fleet_body(uint64_t seed, int i, sms_server *out)
{
    if (!out || i < 0)
        return -1;
    memset(out, 0, sizeof *out);
    gen g = {.state = body_seed(seed, i)};
    const role *r = &ROLES[gen_below(&g, sizeof ROLES / sizeof ROLES[0])];
    layout lay;
    fill_identity(&g, i, r, out, &lay);
    fill_networks(&g, i, r->windows, out);
    switch (lay) {
    case LAYOUT_LVM: layout_lvm(&g, out); break;
    case LAYOUT_BTRFS: layout_btrfs(&g, out); break;
    case LAYOUT_PLAIN: layout_plain(&g, out); break;
    case LAYOUT_WINDOWS: layout_windows(&g, out); break;
    }
    if (g.oom) {
        sms_free(&SMS_T_REGISTER, out);
        return -1;
    }
    return 0;
}

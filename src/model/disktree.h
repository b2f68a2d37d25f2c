/* disktree.h - the disk / volume tree of a server, as a flat pre-order list.
 *
 * disk -> its partitions (physical_volumes); a partition or whole disk named in a
 * volume group's `components` -> that VG -> its logical volumes (the VG's children are
 * listed under its first member; later members get a reference node, is_ref, with no
 * children); a Btrfs partition -> the btrfs_list[] entry whose `device` matches -> its
 * subvolumes nested by parent_id (top level = parent_id not found among subvol_ids).
 * Pure function of the server; nodes own copies of their strings.
 */
#ifndef SMS_DISKTREE_H
#define SMS_DISKTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/model.h"

typedef enum sms_node_kind {
    SMS_NODE_DISK, SMS_NODE_PARTITION, SMS_NODE_VG, SMS_NODE_LV, SMS_NODE_BTRFS, SMS_NODE_SUBVOL
} sms_node_kind;

typedef struct sms_tree_node {
    sms_node_kind kind;
    int depth;                  /* 0 for disks */
    long parent;                /* index of the parent node, -1 for disks */
    size_t n_children;          /* direct children */
    char *name;                 /* device, VG name, LV name, subvolume name */
    char *file_system, *mount_point, *device_use;   /* may be NULL */
    int64_t size, used;         /* bytes; 0 when unknown */
    int used_pct;               /* 0-100, -1 when unknown */
    bool is_ref;                /* VG listed again under a later member */
    bool is_snapshot;           /* Btrfs snapshot */
} sms_tree_node;

typedef struct sms_tree { sms_tree_node *nodes; size_t n_nodes; } sms_tree;

int sms_disk_tree_build(const sms_server *s, sms_tree *out);  /* 0 ok, -1 out of memory */
void sms_disk_tree_free(sms_tree *t);

#endif

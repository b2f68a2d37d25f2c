/* types.c - one field table per struct of model.h and the exported SMS_T_* descriptors.
 * This is the only place where JSON keys, length limits (the SDK models, docs/api.md), array caps and
 * request-mode required flags live. codec.c walks these tables. */
#include "model/codec_table.h"

#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Field constructors. Each expects ST to name the struct being described; extra
 * designated initializers (.max_len, .cap, .lo/.hi, .flags) follow the key. */
#define FSTR(k, ...)  { .key = #k, .kind = SMS_K_STR,  .off = offsetof(ST, k), __VA_ARGS__ }
#define FJSON(k, ...) { .key = #k, .kind = SMS_K_JSON, .off = offsetof(ST, k), __VA_ARGS__ }
#define FI32(k, ...)  { .key = #k, .kind = SMS_K_I32,  .off = offsetof(ST, k), __VA_ARGS__ }
#define FI64(k, ...)  { .key = #k, .kind = SMS_K_I64,  .off = offsetof(ST, k), __VA_ARGS__ }
#define FSIZE(k, ...) { .key = #k, .kind = SMS_K_SIZE, .off = offsetof(ST, k), __VA_ARGS__ }
#define FDBL(k, ...)  { .key = #k, .kind = SMS_K_DBL,  .off = offsetof(ST, k), __VA_ARGS__ }
#define FBOOL(k, ...) { .key = #k, .kind = SMS_K_BOOL, .off = offsetof(ST, k), __VA_ARGS__ }
#define FOBJ(k, t, ...) { .key = #k, .kind = SMS_K_OBJ, .off = offsetof(ST, k), \
                          .aux = offsetof(ST, has_##k), .sub = &(t), __VA_ARGS__ }
#define FARR(k, t, n, ...) { .key = #k, .kind = SMS_K_ARR, .off = offsetof(ST, k), \
                             .aux = offsetof(ST, n_##k), .cap = (n), .sub = &(t), __VA_ARGS__ }
#define FSARR(k, n, ...) { .key = #k, .kind = SMS_K_STRARR, .off = offsetof(ST, k), \
                           .aux = offsetof(ST, n_##k), .cap = (n), __VA_ARGS__ }

#define REQ .flags = SMS_F_REQ
#define REQ_NONEMPTY .flags = (SMS_F_REQ | SMS_F_NONEMPTY)
#define TYPE(var, label, st, tab) \
    const sms_type var = { label, sizeof(st), tab, N(tab), NULL, NULL, NULL }
#define PRIVATE_TYPE(var, label, st, tab) \
    static const sms_type var = { label, sizeof(st), tab, N(tab), NULL, NULL, NULL }

enum { CAP_SMALL = 64, CAP_DISKS = 256, CAP_LIST = 1000, CAP_SUBVOLS = 4096, LEN_BIG = 65535 };

/* ---- disks and volumes (§3.3) ------------------------------------------ */

#define ST sms_pv
static const sms_field pv_fields[] = {
    FSTR(device_use), FSTR(file_system), FSTR(mount_point), FSTR(name), FSTR(uuid),
    FI32(index), FI32(inode_size), FI32(size_per_cluster),
    FSIZE(size), FSIZE(used_size), FI64(inode_nums),
    FSIZE(free_size, .flags = SMS_F_OMIT_ZERO),   /* target partitions (TaskTargetServer) only */
};
#undef ST
PRIVATE_TYPE(T_PV, "physical_volume", sms_pv, pv_fields);

#define ST sms_disk
static const sms_field disk_fields[] = {
    FSTR(name), FSTR(partition_style), FSTR(device_use), FSTR(relation_name),
    FSIZE(size), FSIZE(used_size), FI32(inode_size), FBOOL(os_disk),
    FARR(physical_volumes, T_PV, CAP_DISKS),
};
#undef ST
TYPE(SMS_T_DISK, "disk", sms_disk, disk_fields);

#define ST sms_lv
static const sms_field lv_fields[] = {
    FSTR(file_system), FSTR(device_use), FSTR(mount_point, .max_len = 256),
    FSTR(name, .max_len = 1024),
    FI32(block_count), FI32(inode_size), FSIZE(block_size, .lo = 0, .hi = 1048576),
    FI64(inode_nums), FSIZE(size), FSIZE(used_size), FSIZE(free_size),
};
#undef ST
PRIVATE_TYPE(T_LV, "logical_volume", sms_lv, lv_fields);

#define ST sms_vg
static const sms_field vg_fields[] = {
    /* "/dev/vdb1;/dev/vdc;...": undocumented length; 255 would cut a VG of ~25 PVs */
    FSTR(components, .max_len = 4096), FSTR(name), FSIZE(free_size), FSIZE(size),
    FARR(logical_volumes, T_LV, 255),
};
#undef ST
TYPE(SMS_T_VG, "volume_group", sms_vg, vg_fields);

#define ST sms_subvol
static const sms_field subvol_fields[] = {
    FSTR(uuid), FSTR(is_snapshot), FSTR(subvol_id), FSTR(parent_id), FSTR(subvol_name),
    FSTR(subvol_mount_path),
};
#undef ST
PRIVATE_TYPE(T_SUBVOL, "btrfs_subvolume", sms_subvol, subvol_fields);

#define ST sms_btrfs
static const sms_field btrfs_fields[] = {
    FSTR(name), FSTR(label), FSTR(uuid), FSTR(device), FSTR(data_profile),
    FSTR(system_profile), FSTR(metadata_profile), FSTR(global_reserve1),
    FSTR(default_subvolid), FSTR(default_subvol_name), FSTR(default_subvol_mountpath),
    FSIZE(size), FSIZE(nodesize), FSIZE(g_vol_used_size), FI32(sectorsize),
    FARR(subvolumn, T_SUBVOL, CAP_SUBVOLS),     /* the API's spelling */
};
#undef ST
TYPE(SMS_T_BTRFS, "btrfs", sms_btrfs, btrfs_fields);

#define ST sms_nic
static const sms_field nic_fields[] = {
    FSTR(name), FSTR(ip), FSTR(ipv6), FSTR(netmask), FSTR(gateway), FSTR(mac), FSTR(id),
    FI32(mtu),
};
#undef ST
TYPE(SMS_T_NIC, "network", sms_nic, nic_fields);

#define ST sms_target_disk
static const sms_field target_disk_fields[] = {   /* TargetDisk / DiskIntargetServer */
    FSTR(name, REQ), FSTR(device_use), FSIZE(size, REQ), FSIZE(used_size),
    FARR(physical_volumes, T_PV, CAP_DISKS), FSTR(disk_id), FSTR(partition_style),
    FSTR(relation_name), FBOOL(os_disk),
};
#undef ST
PRIVATE_TYPE(T_TARGET_DISK, "target_disk", sms_target_disk, target_disk_fields);

#define ST sms_init_target
static const sms_field init_target_fields[] = {
    FARR(disks, T_TARGET_DISK, CAP_DISKS, REQ),
    FARR(volume_groups, SMS_T_VG, CAP_DISKS),
};
#undef ST
PRIVATE_TYPE(T_INIT_TARGET, "init_target_server", sms_init_target, init_target_fields);

/* ---- source servers (§3.1, §3.2, §3.9) --------------------------------- */

#define ST sms_check
static const sms_field check_fields[] = {
    FI64(id, REQ), FSTR(name, REQ), FSTR(result, REQ), FSTR(error_code),
    FSTR(error_or_warn), FSTR(error_params), FSARR(params, CAP_SMALL),
};
#undef ST
PRIVATE_TYPE(T_CHECK, "environment_check", sms_check, check_fields);

#define ST sms_clone_server
static const sms_field clone_fields[] = {
    FSTR(vm_id), FSTR(name), FSTR(clone_error), FSTR(clone_state),
    FSTR(error_msg, .max_len = 1024),
};
#undef ST
PRIVATE_TYPE(T_CLONE, "clone_server", sms_clone_server, clone_fields);

#define ST sms_target_ref
static const sms_field target_ref_fields[] = {
    FSTR(id), FSTR(vm_id), FSTR(name), FSTR(ip), FSTR(os_type), FSTR(os_version),
};
#undef ST
PRIVATE_TYPE(T_TARGET_REF, "target_server", sms_target_ref, target_ref_fields);

#define ST sms_server_task
static const sms_field server_task_fields[] = {
    FSTR(id), FSTR(name), FSTR(type), FSTR(state), FSTR(vm_template_id), FSTR(region_id),
    FSTR(project_name), FSTR(project_id), FSTR(log_collect_status), FSTR(log_bucket),
    FSTR(log_share_url, .max_len = LEN_BIG), FSTR(subtask_info, .max_len = 1024),
    FI64(estimate_complete_time), FI64(start_date), FI64(remain_seconds),
    FI64(log_upload_time), FI32(speed_limit, .lo = 0, .hi = 10000),
    FI32(log_expire, .lo = 300, .hi = 64800),
    FDBL(migrate_speed), FDBL(compress_rate),
    FBOOL(start_target_server), FBOOL(exist_server), FBOOL(use_public_ip),
    FOBJ(target_server, T_TARGET_REF), FOBJ(clone_server, T_CLONE),
};
#undef ST
PRIVATE_TYPE(T_SERVER_TASK, "current_task", sms_server_task, server_task_fields);

#define ST sms_server
static const sms_field server_fields[] = {
    FSTR(id), FSTR(ip), FSTR(name), FSTR(hostname), FSTR(enterprise_project_id),
    FSTR(os_type), FSTR(os_version), FSTR(state), FSTR(firmware), FSTR(migration_cycle),
    FSTR(start_type), FSTR(agent_version),
    FI64(add_date), FSIZE(memory), FSIZE(replicatesize), FSIZE(totalsize),
    FI64(stage_action_time), FI64(last_visit_time), FI64(state_action_time),
    FI32(cpu_quantity, .lo = 0, .hi = 65535),
    FBOOL(oem_system), FBOOL(connected), FBOOL(is_consistency_result_exist), FBOOL(has_tc),
    FOBJ(current_task, T_SERVER_TASK), FOBJ(init_target_server, T_INIT_TARGET),
    FARR(checks, T_CHECK, CAP_DISKS), FARR(disks, SMS_T_DISK, CAP_DISKS),
    FARR(volume_groups, SMS_T_VG, CAP_DISKS), FARR(btrfs_list, SMS_T_BTRFS, CAP_DISKS),
    FARR(networks, SMS_T_NIC, CAP_DISKS),
};

/* Every member of sms_server (list/detail keys + register-only keys): what sms_copy and
 * sms_free walk for both server descriptors, so a register body decoded with
 * SMS_T_REGISTER can be copied or freed through SMS_T_SERVER without a leak. */
static const sms_field server_all_fields[] = {
    FSTR(id), FSTR(ip), FSTR(name), FSTR(hostname), FSTR(enterprise_project_id),
    FSTR(os_type), FSTR(os_version), FSTR(state), FSTR(firmware), FSTR(migration_cycle),
    FSTR(start_type), FSTR(agent_version),
    FI64(add_date), FSIZE(memory), FSIZE(replicatesize), FSIZE(totalsize),
    FI64(stage_action_time), FI64(last_visit_time), FI64(state_action_time),
    FI32(cpu_quantity), FBOOL(oem_system), FBOOL(connected),
    FBOOL(is_consistency_result_exist), FBOOL(has_tc),
    FOBJ(current_task, T_SERVER_TASK), FOBJ(init_target_server, T_INIT_TARGET),
    FARR(checks, T_CHECK, CAP_DISKS), FARR(disks, SMS_T_DISK, CAP_DISKS),
    FARR(volume_groups, SMS_T_VG, CAP_DISKS), FARR(btrfs_list, SMS_T_BTRFS, CAP_DISKS),
    FARR(networks, SMS_T_NIC, CAP_DISKS),
    FSTR(linux_block_check), FSTR(virtualization_type), FSTR(kernel_version),
    FSTR(boot_loader), FSTR(system_dir), FSTR(platform), FSTR(domain_id), FSTR(raw_devices),
    FBOOL(has_rsync), FBOOL(paravirtualization), FBOOL(driver_files),
    FBOOL(system_services), FBOOL(account_rights), FDBL(io_read_wait),
    FSTR(bad_record, .max_len = 1024), FSTR(anon_key),
};
PRIVATE_TYPE(T_SERVER_ALL, "server", sms_server, server_all_fields);

/* A list item that could not be decoded: shown as such, with its id and the reason. */
static int server_bad_item(void *obj, const char *id, const char *key, const char *why)
{
    sms_server *s = obj;
    s->id = id ? strdup(id) : NULL;
    s->anon_key = key ? strdup(key) : NULL;
    s->bad_record = strdup(why);
    if (asprintf(&s->name, "[unreadable record] %s", why) < 0)
        s->name = NULL;
    return (id && !s->id) || (key && !s->anon_key) || !s->bad_record || !s->name ? -1 : 0;
}
const sms_type SMS_T_SERVER = { "server", sizeof(sms_server), server_fields, N(server_fields),
                                NULL, NULL, &T_SERVER_ALL, server_bad_item };

/* §3.9: the register body. Same struct; request-mode limits and required keys. */
static const sms_field register_fields[] = {
    FSTR(name, .max_len = 64, REQ_NONEMPTY), FSTR(os_type, REQ), FSTR(os_version, REQ),
    FARR(networks, SMS_T_NIC, CAP_DISKS, REQ_NONEMPTY), FSTR(agent_version, REQ),
    FSTR(ip), FSTR(id), FSTR(hostname, .max_len = 64), FSTR(linux_block_check, .max_len = 1024),
    FSTR(firmware), FI32(cpu_quantity, .lo = 0, .hi = 65535), FSIZE(memory),
    FARR(disks, SMS_T_DISK, CAP_DISKS), FARR(btrfs_list, SMS_T_BTRFS, CAP_DISKS),
    FSTR(domain_id), FBOOL(has_rsync), FBOOL(paravirtualization), FSTR(raw_devices),
    FBOOL(driver_files), FBOOL(system_services), FBOOL(account_rights), FSTR(boot_loader),
    FSTR(system_dir), FARR(volume_groups, SMS_T_VG, CAP_DISKS), FSTR(kernel_version),
    FSTR(virtualization_type), FSTR(migration_cycle), FSTR(state), FBOOL(oem_system),
    FSTR(start_type), FDBL(io_read_wait), FBOOL(has_tc), FSTR(platform),
};
#undef ST

/* §3.9: "networks [>=1, first MAC non-empty]". */
static int register_check(const void *obj, char *path, size_t pathsz, char *msg, size_t msgsz)
{
    const sms_server *s = obj;
    if (s->n_networks > 0 && (!s->networks[0].mac || !s->networks[0].mac[0])) {
        snprintf(path, pathsz, "networks[0].mac");
        snprintf(msg, msgsz, "must not be empty");
        return -1;
    }
    return 0;
}
const sms_type SMS_T_REGISTER = { "register", sizeof(sms_server), register_fields,
                                  N(register_fields), NULL, register_check, &T_SERVER_ALL };

#define ST sms_server_list
static const sms_field server_list_fields[] = {
    FI32(count, .lo = 0, .hi = INT32_MAX),
    FARR(source_servers, SMS_T_SERVER, CAP_LIST, .flags = SMS_F_ITEMWISE),
};
#undef ST
TYPE(SMS_T_SERVER_LIST, "server_list", sms_server_list, server_list_fields);

#define OV(k, ...) FI32(k, .lo = 0, .hi = 1000, __VA_ARGS__)
#define ST sms_overview
static const sms_field overview_fields[] = {
    OV(waiting), OV(replicate), OV(syncing), OV(stopped), OV(deleting), OV(cutovering),
    OV(unavailable), OV(stopping), OV(skipping), OV(finished), OV(initialize), OV(error),
    OV(cloning), OV(unconfigured),
    /* the older four-key answer's own keys; written only when the answer had them */
    OV(replicating, .flags = SMS_F_OMIT_ZERO), OV(other, .flags = SMS_F_OMIT_ZERO),
};
#undef ST
#undef OV
TYPE(SMS_T_OVERVIEW, "overview", sms_overview, overview_fields);

#define ST sms_mig_error
static const sms_field mig_error_fields[] = {
    FSTR(error_json, .max_len = 1024), FSTR(host_name), FSTR(name), FSTR(source_id),
    FSTR(source_ip), FSTR(target_ip),
};
#undef ST
PRIVATE_TYPE(T_MIG_ERROR, "migration_error", sms_mig_error, mig_error_fields);

#define ST sms_mig_error_list
static const sms_field mig_error_list_fields[] = {
    FI32(count, .lo = 0, .hi = INT32_MAX), FARR(migration_errors, T_MIG_ERROR, CAP_LIST),
};
#undef ST
TYPE(SMS_T_MIG_ERROR_LIST, "migration_error_list", sms_mig_error_list, mig_error_list_fields);

/* ---- tasks (§3.4, §3.5) ------------------------------------------------ */

#define ST sms_subtask
static const sms_field subtask_fields[] = {
    FI64(id), FI64(start_date), FI64(end_date), FSTR(name), FSTR(user_op, .max_len = 50),
    FSTR(process_trace, .max_len = 2048), FI32(progress, .lo = 0, .hi = 100),
    FDBL(migrate_speed),
};
#undef ST
PRIVATE_TYPE(T_SUBTASK, "sub_task", sms_subtask, subtask_fields);

#define ST sms_task_source
static const sms_field task_source_fields[] = {
    FSTR(id), FSTR(ip), FSTR(name), FSTR(os_type), FSTR(os_version), FSTR(state),
    FSTR(migration_cycle), FBOOL(oem_system),
};
#undef ST
PRIVATE_TYPE(T_TASK_SOURCE, "source_server", sms_task_source, task_source_fields);

#define ST sms_task_target
static const sms_field task_target_fields[] = {
    FSTR(id), FSTR(vm_id), FSTR(name), FSTR(ip), FSTR(os_type), FSTR(os_version),
    FSTR(system_dir), FSTR(image_disk_id), FSTR(cutovered_snapshot_ids, .max_len = 1024),
    FARR(disks, T_TARGET_DISK, CAP_DISKS), FARR(volume_groups, SMS_T_VG, CAP_DISKS),
    FSARR(btrfs_list, CAP_DISKS),
};
/* CreateTask's TargetServer (py target_server.py): btrfs_list is BtrfsFileSystem[];
 * vm_id only to use an existing server. */
static const sms_field create_target_fields[] = {
    FSTR(vm_id), FSTR(name, REQ_NONEMPTY), FSTR(ip), FSTR(os_type), FSTR(os_version),
    FARR(disks, T_TARGET_DISK, CAP_DISKS, REQ), FARR(volume_groups, SMS_T_VG, CAP_DISKS),
    { .key = "btrfs_list", .kind = SMS_K_ARR, .off = offsetof(ST, btrfs_fs),
      .aux = offsetof(ST, n_btrfs_fs), .cap = CAP_DISKS, .sub = &SMS_T_BTRFS },
};
/* Every member of sms_task_target, for copy and free through either descriptor. */
static const sms_field task_target_all_fields[] = {
    FSTR(id), FSTR(vm_id), FSTR(name), FSTR(ip), FSTR(os_type), FSTR(os_version),
    FSTR(system_dir), FSTR(image_disk_id), FSTR(cutovered_snapshot_ids),
    FARR(disks, T_TARGET_DISK, CAP_DISKS), FARR(volume_groups, SMS_T_VG, CAP_DISKS),
    FSARR(btrfs_list, CAP_DISKS), FARR(btrfs_fs, SMS_T_BTRFS, CAP_DISKS),
};
#undef ST
PRIVATE_TYPE(T_TASK_TARGET_ALL, "target_server", sms_task_target, task_target_all_fields);
static const sms_type T_TASK_TARGET = { "target_server", sizeof(sms_task_target), task_target_fields,
                                        N(task_target_fields), NULL, NULL, &T_TASK_TARGET_ALL };
static const sms_type T_CREATE_TARGET = { "target_server", sizeof(sms_task_target), create_target_fields,
                                          N(create_target_fields), NULL, NULL, &T_TASK_TARGET_ALL };

#define ST sms_config_body
static const sms_field config_body_fields[] = {
    FSTR(config_key), FSTR(config_value, .max_len = 1024), FSTR(config_status),
};
#undef ST
PRIVATE_TYPE(T_CONFIG_BODY, "config_body", sms_config_body, config_body_fields);

#define ST sms_task
static const sms_field task_fields[] = {
    FSTR(id), FSTR(name), FSTR(type), FSTR(os_type), FSTR(state),
    FSTR(error_json, .max_len = 1024), FSTR(migration_ip), FSTR(region_id), FSTR(region_name),
    FSTR(project_name), FSTR(project_id), FSTR(vm_template_id), FSTR(enterprise_project_id),
    FSTR(log_collect_status), FSTR(float_ip), FSTR(target_snapshot_id),
    FSTR(subtask_info, .max_len = 1024), FJSON(network_check_info, .max_len = LEN_BIG),
    FI64(estimate_complete_time), FI64(create_date), FI64(start_date), FI64(finish_date),
    FI64(total_time), FI64(remain_seconds),
    FI32(priority, .lo = 0, .hi = 2), FI32(speed_limit, .lo = 0, .hi = 65535),
    FDBL(migrate_speed), FDBL(compress_rate), FDBL(total_cpu_usage), FDBL(agent_cpu_usage),
    FDBL(total_mem_usage), FDBL(agent_mem_usage), FDBL(total_disk_io), FDBL(agent_disk_io),
    FBOOL(start_target_server), FBOOL(syncing), FBOOL(connected), FBOOL(use_public_ip),
    FBOOL(use_ipv6), FBOOL(exist_server), FBOOL(need_migration_test),
    FOBJ(source_server, T_TASK_SOURCE), FOBJ(target_server, T_TASK_TARGET),
    FOBJ(clone_server, T_CLONE),
    FARR(sub_tasks, T_SUBTASK, CAP_SMALL), FARR(special_config, T_CONFIG_BODY, CAP_SMALL),
};
#undef ST
TYPE(SMS_T_TASK, "task", sms_task, task_fields);

#define ST sms_task_list
static const sms_field task_list_fields[] = {
    FI32(count, .lo = 0, .hi = INT32_MAX), FARR(tasks, SMS_T_TASK, CAP_LIST),
};
#undef ST
TYPE(SMS_T_TASK_LIST, "task_list", sms_task_list, task_list_fields);

#define ST sms_task_action
static const sms_field task_action_fields[] = {
    FSTR(operation, REQ_NONEMPTY), FSTR(template_id), FBOOL(switch_hce),
    FBOOL(is_need_consistency_check),
};
#undef ST
TYPE(SMS_T_TASK_ACTION, "task_action", sms_task_action, task_action_fields);

#define ST sms_id_ref
static const sms_field id_ref_fields[] = { FSTR(id, REQ_NONEMPTY) };
#undef ST
TYPE(SMS_T_ID_REF, "id", sms_id_ref, id_ref_fields);

#define ST sms_create_task
static const sms_field create_task_fields[] = {
    FSTR(name, .max_len = 64, REQ_NONEMPTY), FSTR(type, REQ), FSTR(os_type),
    FSTR(region_name, REQ), FSTR(region_id, REQ), FSTR(project_name, REQ),
    FSTR(project_id, REQ), FSTR(migration_ip), FSTR(vm_template_id),
    FI32(priority, .lo = 0, .hi = 2), FI32(speed_limit, .lo = 0, .hi = 1000),
    FBOOL(syncing), FBOOL(start_target_server), FBOOL(use_public_ip), FBOOL(exist_server),
    FBOOL(auto_start), FBOOL(is_need_consistency_check), FBOOL(need_migration_test),
    FOBJ(source_server, SMS_T_ID_REF, REQ), FOBJ(target_server, T_CREATE_TARGET, REQ),
};
#undef ST
TYPE(SMS_T_CREATE_TASK, "create_task", sms_create_task, create_task_fields);

/* ---- agent side (§3.6-§3.8) -------------------------------------------- */

typedef struct sms_command_param_view {    /* layout of sms_command.command_param */
    char *task_id, *bucket;
} sms_command_param_view;
_Static_assert(sizeof(sms_command_param_view) == sizeof(((sms_command *)0)->command_param),
               "command_param layout");

#define ST sms_command_param_view
static const sms_field command_param_fields[] = { FSTR(task_id), FSTR(bucket) };
#undef ST
PRIVATE_TYPE(T_COMMAND_PARAM, "command_param", sms_command_param_view, command_param_fields);

#define ST sms_command
static const sms_field command_fields[] = {
    FSTR(command_name), FOBJ(command_param, T_COMMAND_PARAM),
};
#undef ST
TYPE(SMS_T_COMMAND, "command", sms_command, command_fields);

#define ST sms_command_result
static const sms_field command_result_fields[] = {
    FSTR(command_name, REQ_NONEMPTY), FSTR(result, REQ_NONEMPTY),
    FJSON(result_detail, .max_len = LEN_BIG, REQ),
};
#undef ST
TYPE(SMS_T_COMMAND_RESULT, "command_result", sms_command_result, command_result_fields);

#define ST sms_progress
static const sms_field progress_fields[] = {
    FSTR(subtask_name, REQ_NONEMPTY), FSTR(process_trace, .max_len = 2048, REQ),
    FSTR(agent_time, .max_len = 30), FI32(progress, .lo = 0, .hi = 100, REQ),
    FI32(remain_time), FSIZE(replicatesize, REQ), FSIZE(totalsize, REQ),
    FDBL(migrate_speed), FDBL(compress_rate), FDBL(total_cpu_usage), FDBL(agent_cpu_usage),
    FDBL(total_mem_usage), FDBL(agent_mem_usage), FDBL(total_disk_io), FDBL(agent_disk_io),
    FBOOL(need_migration_test),
};
#undef ST
TYPE(SMS_T_PROGRESS, "progress", sms_progress, progress_fields);

/* ---- other bodies (§3.10) ----------------------------------------------- */

#define ST sms_speed_limit
static const sms_field speed_limit_fields[] = {
    FSTR(start, .max_len = 5, REQ_NONEMPTY), FSTR(end, .max_len = 5, REQ_NONEMPTY),
    /* SpeedLimitlJson (php): over_speed_threshold is optional, 10-100 % when given */
    FI32(speed, .lo = 0, .hi = 1000), FDBL(over_speed_threshold, .flags = SMS_F_OMIT_ZERO),
};
#undef ST
PRIVATE_TYPE(T_SPEED_LIMIT, "speed_limit", sms_speed_limit, speed_limit_fields);

#define ST sms_speed_limits
static const sms_field speed_limits_fields[] = { FARR(speed_limit, T_SPEED_LIMIT, CAP_SMALL) };
#undef ST
TYPE(SMS_T_SPEED_LIMITS, "speed_limits", sms_speed_limits, speed_limits_fields);

#define ST sms_consistency_task
static const sms_field consistency_task_fields[] = {
    FSTR(task_id, REQ_NONEMPTY), FSTR(source_id), FSTR(source_name),
};
#undef ST
PRIVATE_TYPE(T_CONSISTENCY_TASK, "task_info", sms_consistency_task, consistency_task_fields);

#define ST sms_consistency_export
static const sms_field consistency_export_fields[] = {
    FARR(task_info, T_CONSISTENCY_TASK, 200, REQ_NONEMPTY),
};
#undef ST
TYPE(SMS_T_CONSISTENCY_EXPORT, "consistency_export", sms_consistency_export,
     consistency_export_fields);

#define CNT(k) FI32(k, .lo = 0, .hi = 1000000)
#define ST sms_consistency_result
static const sms_field consistency_result_fields[] = {
    FSTR(dir_check, .max_len = 1024), CNT(num_total_files), CNT(num_different_files),
    CNT(num_target_miss_files), CNT(num_target_more_files),
};
#undef ST
#undef CNT
PRIVATE_TYPE(T_CONSISTENCY_RESULT, "consistency_result", sms_consistency_result,
             consistency_result_fields);

#define ST sms_consistency_check
static const sms_field consistency_check_fields[] = {
    FI64(finished_time), FSTR(check_result),
    FARR(consistency_result, T_CONSISTENCY_RESULT, CAP_LIST),
};
#undef ST
PRIVATE_TYPE(T_CONSISTENCY_CHECK, "consistency_check", sms_consistency_check, consistency_check_fields);

#define ST sms_consistency_results
static const sms_field consistency_results_fields[] = {
    FSTR(task_id), FI64(finished_time), FARR(consistency_result, T_CONSISTENCY_RESULT, CAP_LIST),
    FARR(result_list, T_CONSISTENCY_CHECK, CAP_LIST),
};
#undef ST
TYPE(SMS_T_CONSISTENCY_RESULTS, "consistency_results", sms_consistency_results,
     consistency_results_fields);

/* The agent's upload (ConsistencyResultRequestBody): only these two keys. */
#define ST sms_consistency_results
static const sms_field consistency_upload_fields[] = {
    FARR(consistency_result, T_CONSISTENCY_RESULT, CAP_LIST, REQ), FI64(finished_time),
};
#undef ST
const sms_type SMS_T_CONSISTENCY_UPLOAD = { "consistency_upload", sizeof(sms_consistency_results),
                                            consistency_upload_fields, N(consistency_upload_fields),
                                            NULL, NULL, &SMS_T_CONSISTENCY_RESULTS };

#define ST sms_collect_log
static const sms_field collect_log_fields[] = { FSTR(log_bucket, REQ_NONEMPTY) };
#undef ST
TYPE(SMS_T_COLLECT_LOG, "collect_log", sms_collect_log, collect_log_fields);

#define ST sms_ids
static const sms_field ids_fields[] = { FSARR(ids, CAP_LIST, .max_len = 36, REQ_NONEMPTY) };
#undef ST
TYPE(SMS_T_IDS, "ids", sms_ids, ids_fields);

/* ---- errors (§5.1) ------------------------------------------------------ */

#define ST sms_error_detail
static const sms_field error_detail_fields[] = {
    FSTR(error_code, .max_len = LEN_BIG), FSTR(error_msg, .max_len = LEN_BIG),
};
#undef ST
PRIVATE_TYPE(T_ERROR_DETAIL, "error_detail", sms_error_detail, error_detail_fields);

#define ST sms_api_error
static const sms_field api_error_fields[] = {
    FSTR(error_code), FSTR(error_msg, .max_len = 1024),
    FSTR(encoded_authorization_message, .max_len = LEN_BIG), FSTR(request_id),
    FSARR(error_param, 20, .max_len = LEN_BIG), FARR(details, T_ERROR_DETAIL, 20),
};
#undef ST
TYPE(SMS_T_API_ERROR, "api_error", sms_api_error, api_error_fields);

/* ---- IAM (§6) ----------------------------------------------------------- */

#define ST sms_named
static const sms_field named_fields[] = { FSTR(id), FSTR(name) };
#undef ST
PRIVATE_TYPE(T_NAMED, "named", sms_named, named_fields);

#define ST sms_token_scope
static const sms_field token_scope_fields[] = {
    FSTR(id), FSTR(name), FOBJ(domain, T_NAMED),
};
#undef ST
PRIVATE_TYPE(T_TOKEN_SCOPE, "scope", sms_token_scope, token_scope_fields);

#define ST sms_token
static const sms_field token_fields[] = {
    FSTR(expires_at, REQ_NONEMPTY), FSTR(issued_at), FSARR(methods, 16),
    FOBJ(user, T_TOKEN_SCOPE), FOBJ(project, T_TOKEN_SCOPE), FOBJ(domain, T_NAMED),
    FARR(roles, T_NAMED, CAP_LIST),
};
#undef ST
/* The IAM body wraps the token: {"token": {...}}; the descriptor reads and writes that. */
const sms_type SMS_T_TOKEN = { "token", sizeof(sms_token), token_fields, N(token_fields),
                               "token", NULL, NULL };

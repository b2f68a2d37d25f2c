/* model.h - the SMS v3 data model: plain structs mirroring the official SDK models (docs/api.md).
 *
 * Conventions (every struct below follows them):
 *  - strings are owned, NUL-terminated UTF-8, NULL when the key was absent;
 *  - "long" fields are int64_t, "int" fields int32_t, doubles double, booleans bool;
 *    an absent number is 0, an absent bool false;
 *  - an array of T is `T *name; size_t n_name;` (NULL/0 when absent or empty);
 *  - arrays of strings are `char **name; size_t n_name;`;
 *  - a nested object is embedded by value; `has_<name>` says whether it was present;
 *  - free JSON values (result_detail, network_check_info) are kept as compact JSON text.
 *
 * Structs are converted to and from JSON by the generic codec in codec.h using one
 * field table per struct (model/types.c): that table is the single place where keys,
 * limits and required flags live.
 */
#ifndef SMS_MODEL_H
#define SMS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- disks and volumes (§3.3) ------------------------------------------ */

typedef struct sms_pv {            /* PhysicalVolume: a partition */
    char *device_use, *file_system, *mount_point, *name, *uuid;
    int32_t index, inode_size, size_per_cluster;
    int64_t size, used_size, inode_nums;
    int64_t free_size;           /* target partitions only; 0 = not given (not sent) */
} sms_pv;

typedef struct sms_disk {          /* ServerDisk */
    char *name, *partition_style, *device_use, *relation_name;
    int64_t size, used_size;
    int32_t inode_size;
    bool os_disk;
    sms_pv *physical_volumes; size_t n_physical_volumes;
} sms_disk;

typedef struct sms_lv {            /* LogicalVolumes */
    char *file_system, *device_use, *mount_point /* <=256 */, *name /* <=1024 */;
    int32_t block_count, inode_size;
    int64_t block_size /* <=1048576 */, inode_nums, size, used_size, free_size;
} sms_lv;

typedef struct sms_vg {            /* VolumeGroups */
    char *components /* "/dev/vdb1;/dev/vdc" */, *name;
    int64_t free_size, size;
    sms_lv *logical_volumes; size_t n_logical_volumes;   /* <=255 */
} sms_vg;

typedef struct sms_subvol {        /* BtrfsSubvolumn: all strings on the wire */
    char *uuid, *is_snapshot, *subvol_id, *parent_id, *subvol_name, *subvol_mount_path;
} sms_subvol;

typedef struct sms_btrfs {         /* BtrfsFileSystem; JSON key of subvols is "subvolumn" */
    char *name, *label, *uuid, *device, *data_profile, *system_profile, *metadata_profile,
         *global_reserve1, *default_subvolid, *default_subvol_name, *default_subvol_mountpath;
    int64_t size /* may arrive as "3.30GiB" */, nodesize, g_vol_used_size;
    int32_t sectorsize;
    sms_subvol *subvolumn; size_t n_subvolumn;
} sms_btrfs;

typedef struct sms_nic {           /* NetWork */
    char *name, *ip, *ipv6, *netmask, *gateway, *mac, *id;
    int32_t mtu;
} sms_nic;

typedef struct sms_target_disk {   /* DiskIntargetServer / TargetDisk (task target) */
    char *name, *device_use, *disk_id, *partition_style, *relation_name;
    bool os_disk;
    int64_t size, used_size;
    sms_pv *physical_volumes; size_t n_physical_volumes;
} sms_target_disk;

typedef struct sms_init_target {   /* InitTargetServer */
    sms_target_disk *disks; size_t n_disks;
    sms_vg *volume_groups; size_t n_volume_groups;
} sms_init_target;

/* ---- source servers (§3.1, §3.2, §3.9) --------------------------------- */

typedef struct sms_check {         /* EnvironmentCheck */
    int64_t id;
    char *name, *result /* OK|WARN|ERROR */, *error_code, *error_or_warn, *error_params;
    char **params; size_t n_params;
} sms_check;

typedef struct sms_clone_server {  /* CloneServer */
    char *vm_id, *name, *clone_error, *clone_state, *error_msg /* <=1024 */;
} sms_clone_server;

typedef struct sms_target_ref {    /* target_server in lists: {id, vm_id, name, ip, os_type, os_version} */
    char *id, *vm_id, *name, *ip, *os_type, *os_version;
} sms_target_ref;

typedef struct sms_server_task {   /* TaskByServerSources: current_task of a server */
    char *id, *name, *type, *state, *vm_template_id, *region_id, *project_name, *project_id,
         *log_collect_status, *log_bucket, *log_share_url /* <=65535 */, *subtask_info;
    int64_t estimate_complete_time, start_date, remain_seconds, log_upload_time;
    int32_t speed_limit /* 0-10000 */, log_expire;
    double migrate_speed /* Mbit/s */, compress_rate;
    bool start_target_server, exist_server, use_public_ip;
    bool has_target_server; sms_target_ref target_server;
    bool has_clone_server;  sms_clone_server clone_server;
} sms_server_task;

/* One struct for a list item, a detail and a register body; the codec's type
 * descriptors (SMS_T_SERVER, SMS_T_REGISTER) pick which keys apply. */
typedef struct sms_server {
    char *id, *ip, *name, *hostname, *enterprise_project_id, *os_type, *os_version, *state,
         *firmware, *migration_cycle, *start_type, *agent_version;
    int64_t add_date, memory, replicatesize, totalsize, stage_action_time, last_visit_time,
            state_action_time;
    int32_t cpu_quantity;
    bool oem_system, connected, is_consistency_result_exist, has_tc;
    bool has_current_task;       sms_server_task current_task;
    bool has_init_target_server; sms_init_target init_target_server;
    sms_check *checks; size_t n_checks;
    sms_disk *disks; size_t n_disks;
    sms_vg *volume_groups; size_t n_volume_groups;
    sms_btrfs *btrfs_list; size_t n_btrfs_list;
    sms_nic *networks; size_t n_networks;
    /* register-only keys (§3.9) */
    char *linux_block_check, *virtualization_type, *kernel_version, *boot_loader, *system_dir,
         *platform, *domain_id, *raw_devices;
    bool has_rsync, paravirtualization, driver_files, system_services, account_rights;
    double io_read_wait;
    /* Not an API key: set when this list item could not be decoded (or had no usable
     * id); then only id (when readable) and name ("[unreadable record] ...") are set. */
    char *bad_record;
    /* Not an API key: a placeholder without a readable id is kept (merged, deduplicated)
     * under this key instead, "#<hash of its JSON text>.<k>"; never an id to act on. */
    char *anon_key;
} sms_server;

typedef struct sms_server_list {   /* GET /v3/sources */
    int32_t count;
    sms_server *source_servers; size_t n_source_servers;
} sms_server_list;

typedef struct sms_overview {      /* GET /v3/sources/overview */
    int32_t waiting, replicate, syncing, stopped, deleting, cutovering, unavailable, stopping,
            skipping, finished, initialize, error, cloning, unconfigured;
    /* The older four-key answer (an earlier help page's example and Go SDK models:
     * waiting, replicating, syncing, other): `other` lumps every state but those three. */
    int32_t replicating, other;
} sms_overview;

typedef struct sms_mig_error {     /* one item of GET /v3/errors */
    char *error_json, *host_name, *name, *source_id, *source_ip, *target_ip;
} sms_mig_error;

typedef struct sms_mig_error_list {
    int32_t count;
    sms_mig_error *migration_errors; size_t n_migration_errors;
} sms_mig_error_list;

/* ---- tasks (§3.4, §3.5) ------------------------------------------------ */

typedef struct sms_subtask {       /* SubTask / SubTaskAssociatedWithTask */
    int64_t id, start_date, end_date;
    char *name, *user_op /* <=50 */, *process_trace /* <=2048 */;
    int32_t progress;            /* 0-100 */
    double migrate_speed;
} sms_subtask;

typedef struct sms_task_source {   /* source_server of a task */
    char *id, *ip, *name, *os_type, *os_version, *state, *migration_cycle;
    bool oem_system;
} sms_task_source;

typedef struct sms_task_target {   /* TaskTargetServer (detail) / target_server (list) */
    char *id, *vm_id, *name, *ip, *os_type, *os_version, *system_dir, *image_disk_id,
         *cutovered_snapshot_ids;
    sms_target_disk *disks; size_t n_disks;
    sms_vg *volume_groups; size_t n_volume_groups;
    char **btrfs_list; size_t n_btrfs_list;     /* ShowTask: strings (TaskTargetServer) */
    sms_btrfs *btrfs_fs; size_t n_btrfs_fs;     /* CreateTask: the key btrfs_list holds
                                                   BtrfsFileSystem objects (TargetServer) */
} sms_task_target;

typedef struct sms_config_body {   /* ConfigBody (special_config) */
    char *config_key, *config_value /* <=1024 */, *config_status;
} sms_config_body;

/* One struct for list items and details (SMS_T_TASK covers both key sets). */
typedef struct sms_task {
    char *id, *name, *type, *os_type, *state, *error_json /* <=1024, JSON text */, *migration_ip,
         *region_id, *region_name, *project_name, *project_id, *vm_template_id,
         *enterprise_project_id, *log_collect_status, *float_ip, *target_snapshot_id,
         *subtask_info, *network_check_info /* JSON text */;
    int64_t estimate_complete_time, create_date, start_date, finish_date, total_time,
            remain_seconds;
    int32_t priority, speed_limit;
    double migrate_speed, compress_rate, total_cpu_usage, agent_cpu_usage, total_mem_usage,
           agent_mem_usage, total_disk_io, agent_disk_io;
    bool start_target_server, syncing, connected, use_public_ip, use_ipv6, exist_server,
         need_migration_test;
    bool has_source_server; sms_task_source source_server;
    bool has_target_server; sms_task_target target_server;
    bool has_clone_server;  sms_clone_server clone_server;
    sms_subtask *sub_tasks; size_t n_sub_tasks;
    sms_config_body *special_config; size_t n_special_config;
} sms_task;

typedef struct sms_task_list {     /* GET /v3/tasks */
    int32_t count;
    sms_task *tasks; size_t n_tasks;
} sms_task_list;

typedef struct sms_task_action {   /* POST /v3/tasks/{id}/action */
    char *operation, *template_id;
    bool switch_hce, is_need_consistency_check;
} sms_task_action;

typedef struct sms_id_ref { char *id; } sms_id_ref;

typedef struct sms_create_task {   /* POST /v3/tasks (PostTask §3.10) */
    char *name, *type, *os_type, *region_name, *region_id, *project_name, *project_id,
         *migration_ip, *vm_template_id;
    int32_t priority, speed_limit;
    bool syncing, start_target_server, use_public_ip, exist_server, auto_start,
         is_need_consistency_check, need_migration_test;
    bool has_source_server; sms_id_ref source_server;
    bool has_target_server; sms_task_target target_server;
} sms_create_task;

/* ---- agent side (§3.6-§3.8) -------------------------------------------- */

typedef struct sms_command {       /* GET /v3/sources/{id}/command */
    char *command_name;
    bool has_command_param;
    struct { char *task_id, *bucket; } command_param;
} sms_command;

typedef struct sms_command_result { /* POST /v3/sources/{id}/command_result */
    char *command_name, *result /* success|fail */, *result_detail /* JSON object text */;
} sms_command_result;

typedef struct sms_progress {      /* PUT /v3/tasks/{id}/progress (UpdateTaskSpeedReq) */
    char *subtask_name, *process_trace /* <=2048 */, *agent_time /* <=30 */;
    int32_t progress, remain_time;
    int64_t replicatesize, totalsize;
    double migrate_speed, compress_rate, total_cpu_usage, agent_cpu_usage, total_mem_usage,
           agent_mem_usage, total_disk_io, agent_disk_io;
    bool need_migration_test;
} sms_progress;

/* ---- other bodies (§3.10) ----------------------------------------------- */

typedef struct sms_speed_limit {
    char *start, *end;            /* "HH:MM" */
    int32_t speed;                /* 0-1000 Mbit/s */
    double over_speed_threshold;  /* 10-100 %; 0 = not given (the key is not sent) */
} sms_speed_limit;

typedef struct sms_speed_limits { sms_speed_limit *speed_limit; size_t n_speed_limit; } sms_speed_limits;

typedef struct sms_consistency_task { char *task_id, *source_id, *source_name; } sms_consistency_task;
typedef struct sms_consistency_export {  /* 1-200 items */
    sms_consistency_task *task_info; size_t n_task_info;
} sms_consistency_export;

typedef struct sms_consistency_result {  /* ConsistencyResult: one checked directory */
    char *dir_check;              /* <=1024 */
    int32_t num_total_files, num_different_files, num_target_miss_files, num_target_more_files;
} sms_consistency_result;
typedef struct sms_consistency_check {   /* one verification run (python SDK shape) */
    int64_t finished_time;
    char *check_result;
    sms_consistency_result *consistency_result; size_t n_consistency_result;
} sms_consistency_check;
/* GET/POST /v3/tasks/{id}/consistency-result. The published shapes differ: the agent's
 * upload and the Go SDK 0.1.72 put consistency_result[] + finished_time at the top, the
 * Python SDK and Go 0.1.142 answer result_list[] of runs, Go since 0.1.186 makes the runs
 * plain strings (sms_consistency_normalize turns them into runs). Both layouts are kept
 * as read. */
typedef struct sms_consistency_results {
    char *task_id;
    int64_t finished_time;
    sms_consistency_result *consistency_result; size_t n_consistency_result;
    sms_consistency_check *result_list; size_t n_result_list;
} sms_consistency_results;

typedef struct sms_collect_log { char *log_bucket; } sms_collect_log;
typedef struct sms_ids { char **ids; size_t n_ids; } sms_ids;

/* ---- errors (§5.1) ------------------------------------------------------ */

typedef struct sms_error_detail { char *error_code, *error_msg; } sms_error_detail;

/* The API's structured error. Decoded in the SDK's order: error_code/error_msg, then
 * errorCode/errorMsg, then code/message, then nested objects (see api_error_decode). */
typedef struct sms_api_error {
    char *error_code, *error_msg, *encoded_authorization_message, *request_id;
    char **error_param; size_t n_error_param;             /* 403: 1-20 items */
    sms_error_detail *details; size_t n_details;           /* 403: 1-20 items */
} sms_api_error;

/* ---- IAM (§6) ----------------------------------------------------------- */

typedef struct sms_named { char *id, *name; } sms_named;
typedef struct sms_token_scope {
    char *id, *name;
    bool has_domain; sms_named domain;
} sms_token_scope;
typedef struct sms_token {         /* body of POST /v3/auth/tokens: {"token": {...}} */
    char *expires_at, *issued_at;  /* ISO-8601 UTC */
    char **methods; size_t n_methods;
    bool has_user;    sms_token_scope user;
    bool has_project; sms_token_scope project;
    bool has_domain;  sms_named domain;
    sms_named *roles; size_t n_roles;
} sms_token;

#endif

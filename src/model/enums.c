/* enums.c - display tables for server states, migration cycles, task states and the
 * SMS / API-gateway error codes (docs/api-model.md §4.1-4.3, §5.2). Lookups are exact and
 * case-sensitive: the wire values are case-sensitive, and a near match shown as a known
 * state would hide a protocol change. */
#include "model/enums.h"

#include <string.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- source server state (§4.2) ----------------------------------------- */

const sms_enum_info sms_server_states[] = {
    {"unavailable", "Unavailable",  "Environment check failed; see the checks", SMS_SEV_WARN},
    {"waiting",     "Waiting",      "Pending target configuration", SMS_SEV_IDLE},
    {"initialize",  "Initializing", "Migration is being initialized", SMS_SEV_ACTIVE},
    {"replicate",   "Replicating",  "Full replication in progress", SMS_SEV_ACTIVE},
    {"syncing",     "Syncing",      "Continuous incremental synchronization", SMS_SEV_ACTIVE},
    {"stopping",    "Stopping",     "Migration is being paused", SMS_SEV_ACTIVE},
    {"stopped",     "Stopped",      "Migration paused by the operator", SMS_SEV_IDLE},
    {"skipping",    "Skipping",     "Skipping the consistency check", SMS_SEV_ACTIVE},
    {"deleting",    "Deleting",     "Server record is being deleted", SMS_SEV_ACTIVE},
    {"clearing",    "Clearing",     "Snapshots are being deleted", SMS_SEV_ACTIVE},
    {"cleared",     "Cleared",      "Snapshots deleted; no further sync possible", SMS_SEV_OK},
    {"clearfailed", "Clear failed", "Deleting the snapshots failed", SMS_SEV_ERROR},
    {"premigready", "Drill ready",  "Ready for a migration drill", SMS_SEV_IDLE},
    {"premiged",    "Drilled",      "Migration drill completed", SMS_SEV_OK},
    {"premigfailed", "Drill failed", "Migration drill failed", SMS_SEV_ERROR},
    {"cloning",     "Cloning",      "Target server is being cloned", SMS_SEV_ACTIVE},
    {"cutovering",  "Launching",    "Target server is being launched", SMS_SEV_ACTIVE},
    {"finished",    "Finished",     "Target server launched", SMS_SEV_OK},
    {"error",       "Error",        "Migration failed; see the task error", SMS_SEV_ERROR},
};
const size_t sms_n_server_states = N_OF(sms_server_states);

/* ---- migration cycle (§4.3), in pipeline order ------------------------- */

const sms_enum_info sms_migration_cycles[] = {
    {"checking",    "Checking",    "Migration feasibility check", SMS_SEV_IDLE},
    {"setting",     "Setting",     "Target configuration", SMS_SEV_IDLE},
    {"replicating", "Replicating", "Full replication", SMS_SEV_ACTIVE},
    {"syncing",     "Syncing",     "Continuous synchronization", SMS_SEV_ACTIVE},
    {"cutovering",  "Launching",   "Target server being launched", SMS_SEV_ACTIVE},
    {"cutovered",   "Launched",    "Target server launched", SMS_SEV_OK},
};
const size_t sms_n_migration_cycles = N_OF(sms_migration_cycles);

/* ---- task state (§4.1) -------------------------------------------------- */

/* Eight values appear in both the response enum and the list filter enum; one macro
 * each keeps the two tables from drifting apart. */
#define TS_READY     {"READY", "Ready", "Configured, not started yet", SMS_SEV_IDLE}
#define TS_RUNNING   {"RUNNING", "Running", "Migration in progress", SMS_SEV_ACTIVE}
#define TS_SYNCING   {"SYNCING", "Syncing", "Incremental synchronization in progress", SMS_SEV_ACTIVE}
#define TS_MIG_OK    {"MIGRATE_SUCCESS", "Migrated", "Migration succeeded", SMS_SEV_OK}
#define TS_MIG_FAIL  {"MIGRATE_FAIL", "Migrate failed", "Migration failed; restart is possible", SMS_SEV_ERROR}
#define TS_ABORTING  {"ABORTING", "Pausing", "Task is being paused", SMS_SEV_ACTIVE}
#define TS_ABORT     {"ABORT", "Paused", "Task paused; start resumes it", SMS_SEV_IDLE}
#define TS_DELETING  {"DELETING", "Deleting", "Task is being deleted", SMS_SEV_ACTIVE}

const sms_enum_info sms_task_states[] = {
    TS_READY, TS_RUNNING, TS_SYNCING, TS_MIG_OK,
    {"SYNC_SUCCESS", "Synced", "Synchronization succeeded", SMS_SEV_OK},
    TS_MIG_FAIL,
    {"SYNC_FAIL", "Sync failed", "Synchronization failed", SMS_SEV_ERROR},
    TS_ABORTING, TS_ABORT,
    {"SKIPPING", "Skipping", "Skipping the consistency check", SMS_SEV_ACTIVE},
    TS_DELETING,
    {"RESETING", "Rolling back", "Task is being rolled back", SMS_SEV_ACTIVE},
};
const size_t sms_n_task_states = N_OF(sms_task_states);

const sms_enum_info sms_task_filter_states[] = {
    TS_READY, TS_RUNNING, TS_SYNCING, TS_MIG_OK, TS_MIG_FAIL, TS_ABORTING, TS_ABORT,
    TS_DELETING,
    {"SYNC_F_ROLLBACKING", "Rolling back", "Failed sync is being rolled back", SMS_SEV_ACTIVE},
    {"SYNC_F_ROLLBACK_SUCCESS", "Rolled back", "Failed sync rolled back", SMS_SEV_OK},
};
const size_t sms_n_task_filter_states = N_OF(sms_task_filter_states);

/* ---- error codes (§5.2) -------------------------------------------------- */

const sms_error_code_info sms_error_codes[] = {
    {"SMS.0007", 400, "Agent program is abnormal: check the agent on the source and restart it"},
    {"SMS.0201", 400, "Network busy: the source cannot reach the API gateway"},
    {"SMS.0202", 400, "AK/SK authentication failed: check the AK/SK, or the account is frozen"},
    {"SMS.0203", 400, "Connection from the source to the API gateway timed out"},
    {"SMS.0204", 400, "Insufficient permissions: add the missing fine-grained permissions"},
    {"SMS.0205", 400, "AK/SK authentication failed: fix the source's time or time zone"},
    {"SMS.0206", 400, "Only x86 servers can be migrated"},
    {"SMS.0207", 400, "KVM driver missing on the source: install it"},
    {"SMS.0208", 400, "Failed to send the service statement confirmation to SMS"},
    {"SMS.0210", 400, "Failed to create a file on the target server"},
    {"SMS.0211", 400, "Failed to send the certificate decryption key to the target"},
    {"SMS.0212", 400, "Agent restarted: delete the target configuration and configure again"},
    {"SMS.0219", 400, "Failed to obtain the temporary credential from the config file"},
    {"SMS.0303", 400, "Unable to access the domain name: check DNS on the source"},
    {"SMS.0304", 400, "TLS/SSL authentication of a network request failed"},
    {"SMS.0410", 400, "Failed to obtain the NIC information"},
    {"SMS.0412", 400, "Target server does not exist"},
    {"SMS.0515", 400, "Source disk info changed: delete the target config, restart the agent"},
    {"SMS.0601", 400, "ECS creation failed: check quota and the target settings"},
    {"SMS.0609", 400, "Older agent detected: uninstall it and install the newest"},
    {"SMS.0805", 400, "Failed to migrate a partition to the target"},
    {"SMS.0806", 400, "Failed to synchronize a partition to the target"},
    {"SMS.0807", 400, "Network error between the source and the target"},
    {"SMS.1038", 400, "Only created or running tasks can be paused"},
    {"SMS.1039", 400, "Only paused tasks can be resumed"},
    {"SMS.1040", 400, "Only tasks whose creation or migration failed can be restarted"},
    {"SMS.1104", 400, "Failed to detach a disk"},
    {"SMS.1105", 400, "Failed to create a disk"},
    {"SMS.1106", 400, "Failed to delete a disk"},
    {"SMS.1113", 400, "Failed to reconfigure the partitions on the target"},
    {"SMS.1204", 400, "Failed to create a file on the source"},
    {"SMS.1205", 400, "Failed to load WMI on the source"},
    {"SMS.1351", 400, "A mount point has no free space: free at least 1 MB"},
    {"SMS.1352", 400, "Unknown physical volumes on the source"},
    {"SMS.1353", 400, "Bind mount or repeated mount detected on the source"},
    {"SMS.1402", 400, "SSH client not installed on the source: install it"},
    {"SMS.1414", 400, "Migration module stopped abnormally: cannot synchronize"},
    {"SMS.1807", 400, "Cannot connect to the target: check its IP and port 8900"},
    {"SMS.1901", 400, "Cannot read the disk information"},
    {"SMS.1902", 400, "Cannot start the I/O monitor"},
    {"SMS.1904", 400, "Cannot create a Windows snapshot"},
    {"SMS.2002", 403, "Permission denied"},
    {"SMS.2003", 401, "Invalid HTTP method"},
    {"SMS.2004", 401, "Request body larger than 10,240 bytes"},
    {"SMS.2005", 401, "Content-Type header missing"},
    {"SMS.2006", 401, "Content-Type must be application/json"},
    {"SMS.2007", 500, "Backend exception: retry later"},
    {"SMS.2009", 400, "Command reported by the client differs from the server's command"},
    {"SMS.2011", 400, "Failed to receive data"},
    {"SMS.2013", 401, "Source server already exists"},
    {"SMS.2015", 400, "Cannot delete running or stopping tasks: pause the task first"},
    {"SMS.2206", 400, "Source OS is not in the supported list"},
    {"SMS.2216", 400, "Create task failed: source server not found"},
    {"SMS.2248", 403, "Cannot delete resources you do not own"},
    {"SMS.2252", 404, "Source server has no associated migration task"},
    {"SMS.2802", 400, "Cannot connect to the target: check its IP and port 8899"},
    {"SMS.3102", 400, "Failed to modify the initrd on the target"},
    {"SMS.3205", 400, "Failed to mount a partition"},
    {"SMS.3802", 400, "SSH connection to the target failed"},
    {"SMS.3803", 400, "SSH public-key error on the target's port 22"},
    {"SMS.3804", 400, "SSH credential rejected by the target"},
    {"SMS.3805", 400, "SSH connection to the target timed out"},
    {"SMS.3806", 400, "SSH connection refused by the target"},
    {"SMS.5102", 400, "Agent start failed: /tmp is mounted noexec"},
    {"SMS.5105", 400, "Agent start failed: missing file permissions"},
    {"SMS.5108", 400, "Agent start failed: `df -TH` failed"},
    {"SMS.5112", 400, "Agent main program linuxmain cannot run"},
    {"SMS.5113", 400, "Linux environment check timed out"},
    {"SMS.6032", 400, "Target server ID (vm_id) missing"},
    {"SMS.6301", 400, "Database read/write error: retry later"},
    {"SMS.6302", 400, "No migration speed limit found"},
    {"SMS.6303", 400, "Agent version too old: upgrade the agent"},
    {"SMS.6509", 400, "Incompatible file system on the source"},
    {"SMS.6511", 400, "Driver files missing on the source"},
    {"SMS.6517", 400, "rsync not installed on the source: install it"},
    {"SMS.6526", 400, "Insufficient quota: raise the quota or free resources"},
    {"SMS.6528", 400, "Real-name authentication required for the account"},
    {"SMS.6531", 400, "Boot partition does not exist"},
    {"SMS.6533", 400, "VSS not installed on the source"},
    {"SMS.6537", 400, "System disk larger than 1 TB"},
    {"SMS.6563", 400, "initrd/initramfs not found under /boot"},
    {"SMS.6564", 400, "GRUB i386-pc component missing"},
    {"SMS.6616", 400, "Source OS does not support block-level migration"},
    {"SMS.6617", 400, "Source kernel does not support block-level migration"},
    {"SMS.9004", 403, "No permission for this action: ask the account admin to grant the SMS policy"},
    {"SMS.9007", 400, "Task paused: its speed limit was exceeded repeatedly"},
    {"APIGW.0101", 404, "API not found: check the endpoint and region"},
    {"APIGW.0201", 400, "Bad request rejected by the API gateway"},
    {"APIGW.0301", 401, "Token missing, expired or invalid: log in again"},
    {"APIGW.0302", 403, "IAM user not allowed to call this API"},
    {"APIGW.0303", 401, "App authentication failed"},
    {"APIG.0308", 429, "Throttled by the API gateway: requests are spaced out until it passes"},
};
const size_t sms_n_error_codes = N_OF(sms_error_codes);

/* ---- lookups -------------------------------------------------------------- */

static const sms_enum_info *find_enum(const sms_enum_info *table, size_t n, const char *value)
{
    if (!value)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].value, value) == 0)
            return &table[i];
    return NULL;
}

const sms_enum_info *sms_server_state_info(const char *value)
{
    return find_enum(sms_server_states, sms_n_server_states, value);
}

const sms_enum_info *sms_migration_cycle_info(const char *value)
{
    return find_enum(sms_migration_cycles, sms_n_migration_cycles, value);
}

const sms_enum_info *sms_task_state_info(const char *value)
{
    const sms_enum_info *e = find_enum(sms_task_states, sms_n_task_states, value);
    return e ? e : find_enum(sms_task_filter_states, sms_n_task_filter_states, value);
}

int sms_migration_cycle_index(const char *value)
{
    const sms_enum_info *e = sms_migration_cycle_info(value);
    return e ? (int)(e - sms_migration_cycles) : -1;
}

const sms_error_code_info *sms_error_code_lookup(const char *code)
{
    if (!code)
        return NULL;
    for (size_t i = 0; i < sms_n_error_codes; i++)
        if (strcmp(sms_error_codes[i].code, code) == 0)
            return &sms_error_codes[i];
    return NULL;
}

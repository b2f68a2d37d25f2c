/* contract.c - the contract table of contract.h and its checker. Every row names its
 * official source; docs/api.md describes the same requests in words.
 *
 * Sources (abbreviated in the rows):
 *   go   = huaweicloud/huaweicloud-sdk-go-v3 services/sms/v3/model/<file>.go
 *   py   = huaweicloud/huaweicloud-sdk-python-v3 huaweicloud-sdk-sms/huaweicloudsdksms/v3/model/<file>.py
 *   java = huaweicloud/huaweicloud-sdk-java-v3 services/sms/src/main/java/com/huaweicloud/sdk/sms/v3/model/<file>.java
 *   php  = huaweicloud/huaweicloud-sdk-php-v3 Services/Sms/V3/Model/<file>.php (listInvalidProperties)
 *   core = huaweicloud/huaweicloud-sdk-go-v3 core/auth (IAM calls the SDK makes itself)
 *   help = support.huaweicloud.com/intl/en-us/api-sms/<page>.html (date in docs/api.md) */
#include "model/contract.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define END { NULL, SMS_CT_ANY, false, NULL, 0, 0, SMS_CT_ANY, NULL }
#define S(k) { k, SMS_CT_STRING, false, NULL, 0, 0, SMS_CT_ANY, NULL }
#define SREQ(k) { k, SMS_CT_STRING, true, NULL, 0, 0, SMS_CT_ANY, NULL }
#define B(k) { k, SMS_CT_BOOL, false, NULL, 0, 0, SMS_CT_ANY, NULL }
#define I(k, lo, hi) { k, SMS_CT_INT, false, NULL, lo, hi, SMS_CT_ANY, NULL }
#define IREQ(k, lo, hi) { k, SMS_CT_INT, true, NULL, lo, hi, SMS_CT_ANY, NULL }
#define D(k) { k, SMS_CT_NUMBER, false, NULL, 0, 0, SMS_CT_ANY, NULL }
#define ENUM(k, req, vals) { k, SMS_CT_STRING, req, vals, 0, 0, SMS_CT_ANY, NULL }
#define OBJ(k, req, sub) { k, SMS_CT_OBJECT, req, NULL, 0, 0, SMS_CT_ANY, sub }
#define ARR(k, req, lo, hi, kind, sub) { k, SMS_CT_ARRAY, req, NULL, lo, hi, kind, sub }
#define ANY(k, req) { k, SMS_CT_ANY, req, NULL, 0, 0, SMS_CT_ANY, NULL }

/* ---- value sets ------------------------------------------------------------------- */

/* UpdateTaskStatusReq.operation: java OperationEnum (start stop test clone_test restart
 * network_check skip clear migration_test); py/go list the first eight/six. */
static const char *const operations[] = {
    "start", "stop", "test", "clone_test", "restart", "network_check", "skip", "clear",
    "migration_test", NULL,
};
static const char *const task_types[] = { "MIGRATE_FILE", "MIGRATE_BLOCK", NULL };
static const char *const os_types[] = { "WINDOWS", "LINUX", NULL };
/* UpdateCommandResult.command_name: help page "Reporting Command Execution Results" */
static const char *const result_commands[] = {
    "START", "STOP", "DELETE", "SYNC", "UPLOAD_LOG", "RSET_LOG_ACL", NULL,
};
static const char *const results[] = { "success", "fail", NULL };
/* UpdateTaskSpeedReq.subtask_name (py update_task_speed_req.py) */
static const char *const subtasks[] = {
    "CREATE_CLOUD_SERVER", "SSL_CONFIG", "ATTACH_AGENT_IMAGE", "DETTACH_AGENT_IMAGE",
    "FORMAT_DISK_LINUX", "FORMAT_DISK_LINUX_FILE", "FORMAT_DISK_LINUX_BLOCK",
    "FORMAT_DISK_WINDOWS", "MIGRATE_LINUX_FILE", "MIGRATE_LINUX_BLOCK", "MIGRATE_WINDOWS_BLOCK",
    "CLONE_VM", "SYNC_LINUX_FILE", "SYNC_LINUX_BLOCK", "SYNC_WINDOWS_BLOCK", "CONFIGURE_LINUX",
    "CONFIGURE_LINUX_BLOCK", "CONFIGURE_LINUX_FILE", "CONFIGURE_WINDOWS", NULL,
};

/* ---- bodies ----------------------------------------------------------------------- */

static const sms_ct_field task_action[] = {
    ENUM("operation", true, operations), { "template_id", SMS_CT_STRING, false, NULL, 0, 2048, SMS_CT_ANY, NULL },
    B("switch_hce"), B("is_need_consistency_check"), END,
};

/* SpeedLimitlJson (php): start/end required, speed 0-1000, over_speed_threshold 10-100 */
static const sms_ct_field speed_item[] = {
    { "start", SMS_CT_STRING, true, NULL, 0, 255, SMS_CT_ANY, NULL },
    { "end", SMS_CT_STRING, true, NULL, 0, 255, SMS_CT_ANY, NULL },
    I("speed", 0, 1000), { "over_speed_threshold", SMS_CT_NUMBER, false, NULL, 10, 100, SMS_CT_ANY, NULL },
    END,
};
static const sms_ct_field speed_limit[] = {
    ARR("speed_limit", true, 0, 0, SMS_CT_OBJECT, speed_item), END,
};

static const sms_ct_field collect_log[] = {
    { "log_bucket", SMS_CT_STRING, true, NULL, 1, 255, SMS_CT_ANY, NULL }, END,
};

static const sms_ct_field export_item[] = { SREQ("task_id"), S("source_id"), S("source_name"), END };
static const sms_ct_field consistency_export[] = {
    ARR("task_info", true, 1, 200, SMS_CT_OBJECT, export_item), END,
};

static const sms_ct_field ids[] = { ARR("ids", true, 1, 0, SMS_CT_STRING, NULL), END };

/* PostTask.source_server / target_server (py post_task.py, target_server.py) */
static const sms_ct_field id_only[] = { SREQ("id"), END };
/* TargetServer (py target_server.py): vm_id only for an existing server (exist_server);
 * the service creates the VM otherwise. */
static const sms_ct_field target_server[] = {
    S("id"), S("ip"), SREQ("name"), S("hostname"), ENUM("os_type", false, os_types), S("os_version"),
    S("firmware"), I("cpu_quantity", 0, 0), I("memory", 0, 0),
    ARR("btrfs_list", false, 0, 0, SMS_CT_OBJECT, NULL), ARR("networks", false, 0, 0, SMS_CT_OBJECT, NULL),
    S("domain_id"), B("has_rsync"), B("paravirtualization"), S("raw_devices"), B("driver_files"),
    B("system_services"), B("account_rights"), S("boot_loader"), S("system_dir"),
    ARR("volume_groups", false, 0, 0, SMS_CT_OBJECT, NULL), S("vm_id"), S("flavor"),
    ARR("disks", true, 0, 0, SMS_CT_OBJECT, NULL), S("image_disk_id"), S("snapshot_ids"),
    S("cutovered_snapshot_ids"), END,
};
static const sms_ct_field create_task[] = {
    { "name", SMS_CT_STRING, true, NULL, 1, 64, SMS_CT_ANY, NULL }, ENUM("type", true, task_types),
    ENUM("os_type", false, os_types), OBJ("source_server", true, id_only),
    OBJ("target_server", true, target_server), S("migration_ip"), SREQ("region_name"),
    SREQ("region_id"), SREQ("project_name"), SREQ("project_id"), S("vm_template_id"),
    B("use_public_ip"), S("clonevm_template_id"), B("syncing"), B("exist_server"),
    B("start_target_server"), I("priority", 0, 2), I("speed_limit", 0, 1000), B("auto_start"),
    B("start_network_check"), D("over_speed_threshold"), B("is_need_consistency_check"),
    B("need_migration_test"), B("use_ipv6"), END,
};

/* PostSourceServerBody (py post_source_server_body.py) */
static const sms_ct_field register_server[] = {
    S("id"), S("ip"), { "name", SMS_CT_STRING, true, NULL, 1, 64, SMS_CT_ANY, NULL }, S("hostname"),
    ENUM("os_type", true, os_types), SREQ("os_version"), S("virtualization_type"),
    S("linux_block_check"), S("firmware"), I("cpu_quantity", 0, 65535), I("memory", 0, 0),
    ARR("disks", false, 0, 0, SMS_CT_OBJECT, NULL), ARR("btrfs_list", false, 0, 0, SMS_CT_OBJECT, NULL),
    ARR("networks", true, 1, 0, SMS_CT_OBJECT, NULL), S("domain_id"), B("has_rsync"),
    B("paravirtualization"), S("raw_devices"), B("driver_files"), B("system_services"),
    B("account_rights"), S("boot_loader"), S("system_dir"),
    ARR("volume_groups", false, 0, 0, SMS_CT_OBJECT, NULL), SREQ("agent_version"),
    S("kernel_version"), S("migration_cycle"), S("state"), B("oem_system"), S("start_type"),
    D("io_read_wait"), B("has_tc"), S("platform"), S("ipv6"), END,
};

static const sms_ct_field command_result[] = {
    ENUM("command_name", true, result_commands), ENUM("result", true, results),
    ANY("result_detail", true), END,
};

static const sms_ct_field progress[] = {
    ENUM("subtask_name", true, subtasks), IREQ("progress", 0, 100), IREQ("replicatesize", 0, 0),
    IREQ("totalsize", 0, 0), { "process_trace", SMS_CT_STRING, true, NULL, 0, 2048, SMS_CT_ANY, NULL },
    D("migrate_speed"), D("compress_rate"), I("remain_time", 0, 0), D("total_cpu_usage"),
    D("agent_cpu_usage"), D("total_mem_usage"), D("agent_mem_usage"), D("total_disk_io"),
    D("agent_disk_io"), B("need_migration_test"), { "agent_time", SMS_CT_STRING, false, NULL, 0, 30, SMS_CT_ANY, NULL },
    END,
};

/* ConsistencyResultRequestBody (py consistency_result_request_body.py) */
static const sms_ct_field consistency_item[] = {
    { "dir_check", SMS_CT_STRING, false, NULL, 0, 1024, SMS_CT_ANY, NULL },
    I("num_total_files", 0, 1000000), I("num_different_files", 0, 1000000),
    I("num_target_miss_files", 0, 1000000), I("num_target_more_files", 0, 1000000), END,
};
static const sms_ct_field consistency_upload[] = {
    ARR("consistency_result", true, 0, 0, SMS_CT_OBJECT, consistency_item), I("finished_time", 0, 0), END,
};

static const sms_ct_field rename_server[] = {
    S("name"), S("migprojectid"), ARR("disks", false, 0, 0, SMS_CT_OBJECT, NULL),
    ARR("volume_groups", false, 0, 0, SMS_CT_OBJECT, NULL), END,
};

/* IAM KeystoneCreateUserTokenByPassword (iam help page "Obtaining an IAM User Token") */
static const char *const methods_password[] = { "password", NULL };
static const sms_ct_field named_domain[] = { S("id"), S("name"), END };
static const sms_ct_field pw_user[] = {
    SREQ("name"), SREQ("password"), OBJ("domain", true, named_domain), S("id"), END,
};
static const sms_ct_field pw_password[] = { OBJ("user", true, pw_user), END };
static const sms_ct_field identity[] = {
    { "methods", SMS_CT_ARRAY, true, methods_password, 1, 1, SMS_CT_STRING, NULL },
    OBJ("password", true, pw_password), END,
};
static const sms_ct_field scope_project[] = { S("id"), S("name"), END };
static const sms_ct_field scope[] = {
    OBJ("project", false, scope_project), OBJ("domain", false, named_domain), END,
};
static const sms_ct_field auth_inner[] = { OBJ("identity", true, identity), OBJ("scope", false, scope), END };
static const sms_ct_field token_body[] = { OBJ("auth", true, auth_inner), END };

/* ---- query names -------------------------------------------------------------------- */

static const char *const q_sources[] = {
    "state", "name", "id", "ip", "ipv6", "migproject", "limit", "offset", "migration_cycle",
    "connected", "enterprise_project_id", "is_consistency_result_exist", "vm_id", NULL,
};
static const char *const q_errors[] = { "limit", "offset", "migproject", "enterprise_project_id", NULL };
static const char *const q_tasks[] = {
    "state", "name", "id", "source_server_id", "limit", "offset", "enterprise_project_id", NULL,
};
static const char *const q_tokens[] = { "nocatalog", NULL };
static const char *const q_projects[] = { "name", "domain_id", "enabled", "parent_id", "is_domain", "page", "per_page", NULL };
static const char *const h_language[] = { "X-Language", NULL };

/* ---- the table ------------------------------------------------------------------------ */

static const sms_ct_op ops[] = {
    { "ListServers", "SMS", "GET", "/v3/sources", q_sources, NULL, NULL, "py list_servers_request.py" },
    { "RegisterServer", "SMS", "POST", "/v3/sources", NULL, register_server, NULL, "py post_source_server_body.py" },
    { "ShowOverview", "SMS", "GET", "/v3/sources/overview", NULL, NULL, NULL, "py show_overview_response.py" },
    { "DeleteServers", "SMS", "POST", "/v3/sources/delete", NULL, ids, NULL, "py delete_ids.py" },
    { "ShowServer", "SMS", "GET", "/v3/sources/{source_id}", NULL, NULL, NULL, "py show_server_response.py" },
    { "UpdateServerName", "SMS", "PUT", "/v3/sources/{source_id}", NULL, rename_server, NULL, "py put_source_server_body.py" },
    { "DeleteServer", "SMS", "DELETE", "/v3/sources/{source_id}", NULL, NULL, NULL, "py delete_server_request.py" },
    { "ShowCommand", "SMS", "GET", "/v3/sources/{server_id}/command", NULL, NULL, NULL, "py show_command_response.py" },
    { "UpdateCommandResult", "SMS", "POST", "/v3/sources/{server_id}/command_result", NULL, command_result, NULL,
      "help UpdateCommandResult (seed 000)" },
    { "ListErrorServers", "SMS", "GET", "/v3/errors", q_errors, NULL, NULL, "py list_error_servers_request.py" },
    { "ListTasks", "SMS", "GET", "/v3/tasks", q_tasks, NULL, NULL, "py list_tasks_request.py" },
    { "CreateTask", "SMS", "POST", "/v3/tasks", NULL, create_task, NULL, "py post_task.py" },
    { "DeleteTasks", "SMS", "POST", "/v3/tasks/delete", NULL, ids, NULL, "py delete_tasks_req.py" },
    { "ExportConsistencyResults", "SMS", "POST", "/v3/tasks/consistency-results/export", NULL,
      consistency_export, h_language, "py batch_consistency_req.py; help ExportConsistencyResults (seed 002)" },
    { "ShowTask", "SMS", "GET", "/v3/tasks/{task_id}", NULL, NULL, NULL, "py show_task_response.py" },
    { "DeleteTask", "SMS", "DELETE", "/v3/tasks/{task_id}", NULL, NULL, NULL, "py delete_task_request.py" },
    { "UpdateTaskStatus", "SMS", "POST", "/v3/tasks/{task_id}/action", NULL, task_action, NULL,
      "java UpdateTaskStatusReq.java; py update_task_status_req.py" },
    { "UpdateTaskSpeed", "SMS", "PUT", "/v3/tasks/{task_id}/progress", NULL, progress, NULL, "py update_task_speed_req.py" },
    { "ShowsSpeedLimits", "SMS", "GET", "/v3/tasks/{task_id}/speed-limit", NULL, NULL, NULL, "py shows_speed_limits_response.py" },
    { "UpdateSpeed", "SMS", "POST", "/v3/tasks/{task_id}/speed-limit", NULL, speed_limit, NULL,
      "php SpeedLimitlJson.php; py set_speed_limit_req.py" },
    { "CollectLog", "SMS", "POST", "/v3/tasks/{task_id}/log", NULL, collect_log, NULL, "py collect_log_request.py" },
    { "ShowConsistencyResult", "SMS", "GET", "/v3/tasks/{task_id}/consistency-result", NULL, NULL, NULL,
      "go model_show_consistency_result_response.go" },
    { "UpdateConsistencyResult", "SMS", "POST", "/v3/tasks/{task_id}/consistency-result", NULL,
      consistency_upload, NULL, "py consistency_result_request_body.py" },
    { "ListApiVersion", "SMS", "GET", "/", NULL, NULL, NULL, "py list_api_version_response.py" },
    { "ShowApiVersion", "SMS", "GET", "/{version}", NULL, NULL, NULL, "py show_api_version_request.py" },
    { "KeystoneCreateUserTokenByPassword", "IAM", "POST", "/v3/auth/tokens", q_tokens, token_body, NULL,
      "help iam_30_0001 (IAM: obtaining a user token)" },
    { "KeystoneListProjects", "IAM", "GET", "/v3/projects", q_projects, NULL, NULL,
      "core/auth/internal/iam_service.go GetKeystoneListProjectsRequest" },
};

const sms_ct_op *sms_contract_ops(size_t *n)
{
    *n = sizeof ops / sizeof ops[0];
    return ops;
}

const sms_ct_op *sms_contract_by_id(const char *id)
{
    for (size_t i = 0; id && i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(ops[i].id, id) == 0)
            return &ops[i];
    return NULL;
}

/* Matches a template against a path segment by segment; returns the number of
 * {param} segments used, or -1. */
static int template_match(const char *tmpl, const char *path)
{
    int params = 0;
    while (*tmpl && *path) {
        if (*tmpl != '/' || *path != '/')
            return -1;
        tmpl++, path++;
        size_t tl = strcspn(tmpl, "/"), pl = strcspn(path, "/");
        if (tmpl[0] == '{') {
            if (pl == 0)
                return -1;
            params++;
        } else if (tl != pl || strncmp(tmpl, path, tl) != 0) {
            return -1;
        }
        tmpl += tl, path += pl;
    }
    return *tmpl == *path ? params : -1;
}

const sms_ct_op *sms_contract_match(const char *method, const char *path)
{
    const sms_ct_op *best = NULL;
    int best_params = 1 << 30;
    for (size_t i = 0; method && path && i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(ops[i].method, method) != 0)
            continue;
        int p = template_match(ops[i].path, path);
        if (p >= 0 && p < best_params) {        /* the literal path wins over {param} */
            best = &ops[i];
            best_params = p;
        }
    }
    return best;
}

static bool listed(const char *const *list, const char *s, size_t len)
{
    for (; list && *list; list++)
        if (strlen(*list) == len && strncmp(*list, s, len) == 0)
            return true;
    return false;
}

/* ---- body checking -------------------------------------------------------------------- */

typedef struct ctx { char *err; size_t len; } ctx;

static int fail(ctx *c, const char *path, const char *what)
{
    snprintf(c->err, c->len, "body.%s: %s", path, what);
    return -1;
}

static bool kind_ok(sms_ct_kind k, const cJSON *v)
{
    switch (k) {
    case SMS_CT_STRING: return cJSON_IsString(v);
    case SMS_CT_INT: return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble);
    case SMS_CT_NUMBER: return cJSON_IsNumber(v);
    case SMS_CT_BOOL: return cJSON_IsBool(v);
    case SMS_CT_OBJECT: return cJSON_IsObject(v);
    case SMS_CT_ARRAY: return cJSON_IsArray(v);
    case SMS_CT_ANY: return true;
    }
    return false;
}

static const char *kind_name(sms_ct_kind k)
{
    static const char *const names[] = { "a string", "an integer", "a number", "a boolean",
                                         "an object", "an array", "any value" };
    return names[k];
}

static int check_object(ctx *c, const char *path, const cJSON *obj, const sms_ct_field *fields);

static int check_value(ctx *c, const char *path, const cJSON *v, const sms_ct_field *f, sms_ct_kind kind)
{
    if (!kind_ok(kind, v)) {
        char what[40];
        snprintf(what, sizeof what, "must be %s", kind_name(kind));
        return fail(c, path, what);
    }
    bool ranged = f->max > 0 || f->min > 0;
    if (kind == SMS_CT_STRING) {
        if (f->values && !listed(f->values, v->valuestring, strlen(v->valuestring))) {
            char what[120];
            snprintf(what, sizeof what, "\"%.80s\" is not a documented value", v->valuestring);
            return fail(c, path, what);
        }
        size_t n = strlen(v->valuestring);
        if (ranged && (n < f->min || (f->max > 0 && n > f->max)))
            return fail(c, path, "length out of the documented range");
    } else if (kind == SMS_CT_INT || kind == SMS_CT_NUMBER) {
        if (ranged && (v->valuedouble < f->min || (f->max > 0 && v->valuedouble > f->max)))
            return fail(c, path, "out of the documented range");
        if (!ranged && v->valuedouble < 0)
            return fail(c, path, "must not be negative");
    } else if (kind == SMS_CT_OBJECT && f->fields) {
        return check_object(c, path, v, f->fields);
    } else if (kind == SMS_CT_ARRAY) {
        int n = cJSON_GetArraySize(v);
        if (ranged && (n < f->min || (f->max > 0 && n > f->max)))
            return fail(c, path, "number of items out of the documented range");
        sms_ct_field item = *f;
        item.min = item.max = 0;
        item.values = f->values;
        int i = 0;
        for (const cJSON *e = v->child; e; e = e->next, i++) {
            char sub[256];
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
            if (check_value(c, sub, e, &item, f->item) < 0)
                return -1;
        }
    }
    return 0;
}

static int check_object(ctx *c, const char *path, const cJSON *obj, const sms_ct_field *fields)
{
    for (const cJSON *m = obj->child; m; m = m->next) {
        const sms_ct_field *f = fields;
        while (f->key && strcmp(f->key, m->string) != 0)
            f++;
        char sub[256];
        snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", m->string);
        if (!f->key)
            return fail(c, sub, "not a documented key");
        if (check_value(c, sub, m, f, f->kind) < 0)
            return -1;
    }
    for (const sms_ct_field *f = fields; f->key; f++)
        if (f->required && !cJSON_GetObjectItemCaseSensitive(obj, f->key)) {
            char sub[256];
            snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", f->key);
            return fail(c, sub, "required");
        }
    return 0;
}

static int check_query(ctx *c, const sms_ct_op *op, const char *q)
{
    while (q && *q) {
        size_t n = strcspn(q, "&"), k = strcspn(q, "=&");
        if (n > 0 && !listed(op->query, q, k)) {
            snprintf(c->err, c->len, "%s %s: query \"%.*s\" is not a documented parameter", op->method,
                     op->path, (int)(k > 64 ? 64 : k), q);
            return -1;
        }
        q += n;
        if (*q == '&')
            q++;
    }
    return 0;
}

static int check_body(ctx *c, const sms_ct_op *op, const char *body, size_t len)
{
    bool empty = !body || len == 0;
    if (!op->body) {
        if (!empty) {
            snprintf(c->err, c->len, "%s %s: takes no body", op->method, op->path);
            return -1;
        }
        return 0;
    }
    cJSON *json = empty ? NULL : cJSON_ParseWithLength(body, len);
    int rc;
    if (!cJSON_IsObject(json)) {
        snprintf(c->err, c->len, "%s %s: body must be a JSON object", op->method, op->path);
        rc = -1;
    } else {
        char inner[300];
        ctx ic = { inner, sizeof inner };
        rc = check_object(&ic, "", json, op->body);
        if (rc < 0)
            snprintf(c->err, c->len, "%s %s: %s", op->method, op->path, inner);
    }
    cJSON_Delete(json);
    return rc;
}

int sms_contract_check(const char *method, const char *path_and_query, const char *body,
                       size_t body_len, char *err, size_t errlen)
{
    ctx c = { err, errlen };
    if (!method || !path_and_query) {
        snprintf(err, errlen, "no request");
        return -1;
    }
    size_t plen = strcspn(path_and_query, "?");
    char path[1024];
    snprintf(path, sizeof path, "%.*s", (int)(plen < sizeof path ? plen : sizeof path - 1), path_and_query);
    const sms_ct_op *op = sms_contract_match(method, path);
    if (!op) {
        snprintf(err, errlen, "%s %.200s: not a documented request", method, path);
        return -1;
    }
    const char *q = path_and_query[plen] == '?' ? path_and_query + plen + 1 : NULL;
    if (check_query(&c, op, q) < 0 || check_body(&c, op, body, body_len) < 0)
        return -1;
    return 0;
}

int sms_contract_check_query(const sms_ct_op *op, const char *query, char *err, size_t errlen)
{
    ctx c = { err, errlen };
    return check_query(&c, op, query);
}

int sms_contract_check_body(const sms_ct_op *op, const char *body, size_t body_len, char *err,
                            size_t errlen)
{
    ctx c = { err, errlen };
    return check_body(&c, op, body, body_len);
}

const char *const *sms_contract_values(const char *op_id, const char *key)
{
    const sms_ct_op *op = sms_contract_by_id(op_id);
    for (const sms_ct_field *f = op ? op->body : NULL; f && f->key; f++)
        if (strcmp(f->key, key) == 0)
            return f->values;
    return NULL;
}

bool sms_contract_value_ok(const char *op_id, const char *key, const char *value)
{
    const char *const *v = sms_contract_values(op_id, key);
    return v && value && listed(v, value, strlen(value));
}

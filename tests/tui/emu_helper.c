/* emu_helper.c - see emu_helper.h */
#include "emu_helper.h"
#include "model/codec.h"

#include <stdio.h>
#include <cjson/cJSON.h>
#include <string.h>

int emu_fixture_start(emu_fixture *f, int servers, const char *extra_arg)
{
    char err[256];
    smsemu_opts o = { .listen = "127.0.0.1:0", .servers = servers, .seed = 7, .speed = 1.0,
                      .no_agents = true, .quiet = true };
    memset(f, 0, sizeof *f);
    f->emu = smsemu_start(&o, err, sizeof err);
    if (!f->emu) {
        fprintf(stderr, "emulator: %s\n", err);
        return -1;
    }
    snprintf(f->url, sizeof f->url, "%s", smsemu_url(f->emu));
    const char *argv[] = { "smsconsole", "--endpoint", f->url, "--iam-endpoint", f->url, "--user", "admin",
                           "--domain", SMSEMU_DOMAIN, "--project", SMSEMU_PROJECT, "--refresh", "1",
                           extra_arg, NULL };
    memcpy(f->argv, argv, sizeof argv);
    f->env[0] = "SMS_PASSWORD=admin-pass";
    f->env[1] = NULL;
    return 0;
}

void emu_fixture_stop(emu_fixture *f)
{
    smsemu_stop(f->emu);
    f->emu = NULL;
}

int emu_fixture_start_listed(emu_fixture *f, int servers, sms_server_list *list)
{
    if (emu_fixture_start(f, servers, NULL) < 0)
        return -1;
    sms_client *c = emu_fixture_client(f);
    int rc = c ? sms_list_servers(c, NULL, list, NULL) : -1;
    sms_client_free(c);
    return rc == 0 && list->n_source_servers == (size_t)servers ? 0 : -1;
}

void emu_fixture_stop_listed(emu_fixture *f, sms_server_list *list)
{
    sms_free(&SMS_T_SERVER_LIST, list);
    emu_fixture_stop(f);
}

const char **emu_fixture_argv_with(const emu_fixture *f, const char *const extra[], const char *out[], size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; f->argv[i] && n + 1 < cap; i++)
        out[n++] = f->argv[i];
    for (size_t i = 0; extra && extra[i] && n + 1 < cap; i++)
        out[n++] = extra[i];
    out[n] = NULL;
    return out;
}

sms_client *emu_fixture_client(const emu_fixture *f)
{
    sms_client_opts o = { .endpoint = f->url, .iam_endpoint = f->url, .auth = SMS_AUTH_PASSWORD,
                          .user = "admin", .password = "admin-pass", .domain = SMSEMU_DOMAIN,
                          .project = SMSEMU_PROJECT, .audit_path = "" };
    sms_call_error e = { 0 };
    sms_client *c = sms_client_new(&o, &e);
    sms_call_error_free(&e);
    return c;
}

int emu_fixture_call(const emu_fixture *f, const char *method, const char *path, const char *body)
{
    sms_client *c = emu_fixture_client(f);
    sms_response r = { 0 };
    sms_call_error e = { 0 };
    bool mutating = strcmp(method, "GET") != 0;
    int rc = c ? sms_request(c, method, path, body, mutating, NULL, NULL, &r, &e) : -1;
    if (rc < 0) {
        char msg[300];
        sms_call_error_summary(&e, msg, sizeof msg);
        fprintf(stderr, "%s %s: %s\n", method, path, msg);
    }
    sms_response_free(&r);
    sms_call_error_free(&e);
    sms_client_free(c);
    return rc;
}

int emu_fixture_post(const emu_fixture *f, const char *path, const char *body)
{
    return emu_fixture_call(f, "POST", path, body);
}

int emu_fixture_create_task(const emu_fixture *f, const char *server_id, bool auto_start)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"name\":\"MigrationTask-test\",\"type\":\"MIGRATE_BLOCK\",\"os_type\":\"LINUX\","
             "\"source_server\":{\"id\":\"%s\"},\"target_server\":{\"name\":\"test-ecs\",\"disks\":[{\"name\":\"/dev/vda\",\"size\":42949672960,\"device_use\":\"BOOT\"}]},"
             "\"region_name\":\"%s\",\"region_id\":\"%s\",\"project_name\":\"%s\",\"project_id\":\"%s\","
             "\"auto_start\":%s}", server_id, SMSEMU_PROJECT, SMSEMU_PROJECT, SMSEMU_PROJECT, SMSEMU_PROJECT_ID,
             auto_start ? "true" : "false");
    return emu_fixture_post(f, "/v3/tasks", body);
}

int emu_fixture_register(const emu_fixture *f, const char *json_name, const char *ip)
{
    char body[2048];
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"ip\":\"%s\",\"os_type\":\"LINUX\",\"os_version\":\"CENTOS_7_9_64BIT\","
             "\"agent_version\":\"23.1.0\",\"firmware\":\"BIOS\",\"cpu_quantity\":2,\"memory\":4294967296,"
             "\"networks\":[{\"name\":\"eth0\",\"ip\":\"%s\",\"netmask\":\"255.255.255.0\","
             "\"gateway\":\"10.9.0.1\",\"mac\":\"fa:16:3e:00:00:99\"}],"
             "\"disks\":[{\"name\":\"/dev/vda\",\"partition_style\":\"MBR\",\"device_use\":\"BOOT\","
             "\"size\":42949672960,\"used_size\":1073741824,\"physical_volumes\":[],\"os_disk\":true}],"
             "\"btrfs_list\":[]}", json_name, ip, ip);
    return emu_fixture_post(f, "/v3/sources", body);
}

long emu_fixture_stat(const emu_fixture *f, const char *key)
{
    sms_client_opts o = { .endpoint = f->url, .iam_endpoint = f->url, .auth = SMS_AUTH_AKSK,
                          .ak = SMSEMU_AK, .sk = SMSEMU_SK, .project = SMSEMU_PROJECT,
                          .project_id = SMSEMU_PROJECT_ID, .audit_path = "" };
    sms_call_error e = { 0 };
    sms_response r = { 0 };
    sms_client *c = sms_client_new(&o, &e);
    long v = -1;
    if (c && sms_request(c, "GET", "/emulator/stats", NULL, false, NULL, NULL, &r, &e) == 0) {
        cJSON *j = cJSON_Parse(r.body);
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, key);
        v = cJSON_IsNumber(n) ? (long)n->valuedouble : -1;
        cJSON_Delete(j);
    }
    sms_response_free(&r);
    sms_call_error_free(&e);
    sms_client_free(c);
    return v;
}

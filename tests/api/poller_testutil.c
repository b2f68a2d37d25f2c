/* poller_testutil.c - see poller_testutil.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "poller_testutil.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "model/codec.h"

smsemu *pt_emu_start(int servers, bool no_agents)
{
    smsemu_opts o = { .servers = servers, .seed = 7, .no_agents = no_agents, .quiet = true };
    char err[256] = "";
    smsemu *e = smsemu_start(&o, err, sizeof err);
    if (!e)
        fail_msg("smsemu_start: %s", err);
    return e;
}

static const char *password_of(const char *user)
{
    if (strcmp(user, "admin") == 0)
        return "admin-pass";
    if (strcmp(user, "operator") == 0)
        return "operator-pass";
    return "viewer-pass";
}

sms_client_opts pt_client_opts(const smsemu *e, const char *user)
{
    sms_client_opts o = {
        .endpoint = smsemu_url(e), .iam_endpoint = smsemu_url(e), .auth = SMS_AUTH_PASSWORD,
        .user = user, .domain = SMSEMU_DOMAIN, .project = SMSEMU_PROJECT,
        .password = password_of(user), .connect_timeout_ms = 2000, .timeout_ms = 8000,
        .max_read_retries = -1, .audit_path = "", .context = "test",
    };
    return o;
}

sms_client *pt_client(const smsemu *e, const char *user)
{
    sms_client_opts o = pt_client_opts(e, user);
    sms_call_error err = {0};
    sms_client *c = sms_client_new(&o, &err);
    if (!c)
        fail_msg("sms_client_new: %s", err.message ? err.message : "?");
    return c;
}

sms_poller_opts pt_poller_opts(const smsemu *e, const char *user)
{
    sms_poller_opts o = {
        .client = pt_client_opts(e, user), .refresh_ms = 60000, .detail_ms = 60000,
        .max_backoff_ms = 1000, .history_path = "",
    };
    return o;
}

int64_t pt_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

sms_snapshot *pt_wait(sms_poller *p, pt_pred pred, const void *arg, int timeout_ms)
{
    int64_t deadline = pt_mono_ms() + timeout_ms;
    for (;;) {
        int64_t left = deadline - pt_mono_ms();
        if (left <= 0)
            return NULL;
        struct pollfd pfd = { .fd = sms_poller_wake_fd(p), .events = POLLIN };
        if (poll(&pfd, 1, (int)left) <= 0)
            continue;
        sms_snapshot *s = sms_poller_take(p);
        if (s && pred(s, arg))
            return s;
        sms_snapshot_release(s);
    }
}

bool pt_has_fleet(const sms_snapshot *s, const void *arg)
{
    (void)arg;
    return s->fleet != NULL;
}

char **pt_server_ids(const smsemu *e, size_t *n)
{
    sms_client *c = pt_client(e, "admin");
    sms_server_list list = {0};
    sms_call_error err = {0};
    if (sms_list_servers(c, NULL, &list, &err))
        fail_msg("list servers: %s", err.message ? err.message : "?");
    char **ids = calloc(list.n_source_servers + 1, sizeof *ids);
    for (size_t i = 0; i < list.n_source_servers; i++)
        ids[i] = strdup(list.source_servers[i].id);
    *n = list.n_source_servers;
    sms_free(&SMS_T_SERVER_LIST, &list);
    sms_client_free(c);
    return ids;
}

void pt_free_ids(char **ids, size_t n)
{
    for (size_t i = 0; ids && i < n; i++)
        free(ids[i]);
    free(ids);
}

char *pt_create_task(const smsemu *e, const char *server_id)
{
    sms_client *c = pt_client(e, "admin");
    sms_target_disk disk = { .name = "/dev/vda", .device_use = "OS", .size = 42949672960 };
    sms_create_task t = {
        .name = "MigrationTask-test", .type = "MIGRATE_BLOCK", .os_type = "LINUX",
        .region_name = SMSEMU_PROJECT, .region_id = SMSEMU_PROJECT,
        .project_name = SMSEMU_PROJECT, .project_id = SMSEMU_PROJECT_ID, .priority = 1,
        .start_target_server = true,
        .has_source_server = true, .source_server = { .id = (char *)server_id },
        .has_target_server = true,
        .target_server = { .name = "target-test", .os_type = "LINUX", .disks = &disk, .n_disks = 1 },
    };
    char *id = NULL;
    sms_call_error err = {0};
    if (sms_task_create(c, &t, &id, &err)) {
        char buf[512];
        sms_call_error_summary(&err, buf, sizeof buf);
        fail_msg("create task: %s", buf);
    }
    sms_client_free(c);
    return id;
}

const sms_history_entry *pt_entry(const sms_snapshot *s, uint64_t id)
{
    for (size_t i = 0; s->history && i < s->history->n_entries; i++)
        if (s->history->entries[i].id == id)
            return &s->history->entries[i];
    return NULL;
}

static long find_matched(const cJSON *j, const char *spec)
{
    for (; j; j = j->next) {
        const cJSON *sp = cJSON_GetObjectItemCaseSensitive(j, "spec");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "matched");
        if (cJSON_IsString(sp) && strcmp(sp->valuestring, spec) == 0 && cJSON_IsNumber(m))
            return (long)m->valuedouble;
        long r = find_matched(j->child, spec);
        if (r >= 0)
            return r;
    }
    return -1;
}

long pt_fault_matches(const smsemu *e, const char *spec)
{
    sms_client *c = pt_client(e, "viewer");
    sms_response r = {0};
    sms_call_error err = {0};
    long n = -1;
    if (sms_request(c, "GET", "/emulator/faults", NULL, false, NULL, NULL, &r, &err) == 0) {
        cJSON *j = cJSON_ParseWithLength(r.body, r.body_len);
        n = find_matched(j, spec);
        cJSON_Delete(j);
    }
    sms_response_free(&r);
    sms_call_error_free(&err);
    sms_client_free(c);
    return n;
}

/* Control endpoints need no login: a raw client request without auth would do, but
 * sms_request logs in first, which the emulator allows. */
void pt_emu_post(const smsemu *e, const char *path)
{
    sms_client *c = pt_client(e, "viewer");
    sms_response r = {0};
    sms_call_error err = {0};
    if (sms_request(c, "POST", path, NULL, false, NULL, NULL, &r, &err) != 0)
        fail_msg("POST %s: %s", path, err.message ? err.message : "failed");
    sms_response_free(&r);
    sms_call_error_free(&err);
    sms_client_free(c);
}

long pt_emu_stat(const smsemu *e, const char *key)
{
    sms_client *c = pt_client(e, "viewer");
    sms_response r = {0};
    sms_call_error err = {0};
    long n = -1;
    if (sms_request(c, "GET", "/emulator/stats", NULL, false, NULL, NULL, &r, &err) == 0) {
        cJSON *j = cJSON_ParseWithLength(r.body, r.body_len);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
        if (cJSON_IsNumber(v))
            n = (long)v->valuedouble;
        cJSON_Delete(j);
    }
    sms_response_free(&r);
    sms_call_error_free(&err);
    sms_client_free(c);
    return n;
}

long pt_fleet_index(const sms_fleet *f, const char *id)
{
    for (size_t i = 0; f && i < f->n_servers; i++)
        if (f->servers[i].id && strcmp(f->servers[i].id, id) == 0)
            return (long)i;
    return -1;
}

void pt_tmpdir(char *buf, size_t len)
{
    snprintf(buf, len, "/tmp/sms-poller-test-XXXXXX");
    if (!mkdtemp(buf))
        fail_msg("mkdtemp failed");
}

void pt_rmtree(const char *path)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fail_msg("cannot remove %s", path);
}

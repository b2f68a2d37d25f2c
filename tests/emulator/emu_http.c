/* emu_http.c - see emu_http.h. */
#include <curl/curl.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>
#include "emu_http.h"

smsemu *eh_start_opts(smsemu_opts *o)
{
    char err[256] = "";
    if (!o->listen)
        o->listen = "127.0.0.1:0";
    o->quiet = true;
    smsemu *e = smsemu_start(o, err, sizeof err);
    if (!e)
        fail_msg("smsemu_start: %s", err);
    return e;
}

smsemu *eh_start(void)
{
    smsemu_opts o = {.listen = "127.0.0.1:0", .servers = 0, .seed = 7};
    return eh_start_opts(&o);
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    eh_resp *r = ud;
    size_t add = sz * n;
    char *b = realloc(r->body, r->len + add + 1);
    if (!b)
        return 0;
    memcpy(b + r->len, p, add);
    r->body = b;
    r->len += add;
    r->body[r->len] = 0;
    return add;
}

static char *header_value(const char *line, size_t n, const char *name)
{
    size_t nl = strlen(name);
    if (n <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return NULL;
    const char *v = line + nl + 1;
    while (*v == ' ')
        v++;
    size_t len = n - (size_t)(v - line);
    while (len && (v[len - 1] == '\r' || v[len - 1] == '\n'))
        len--;
    return strndup(v, len);
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    eh_resp *r = ud;
    size_t len = sz * n;
    char *v;
    if ((v = header_value(p, len, "Retry-After")) != NULL) {
        free(r->retry_after);
        r->retry_after = v;
    } else if ((v = header_value(p, len, "X-Subject-Token")) != NULL) {
        free(r->subject_token);
        r->subject_token = v;
    } else if ((v = header_value(p, len, "X-Request-Id")) != NULL) {
        free(r->request_id);
        r->request_id = v;
    } else if ((v = header_value(p, len, "Transfer-Encoding")) != NULL) {
        r->chunked = strcasecmp(v, "chunked") == 0;
        free(v);
    } else if ((v = header_value(p, len, "Content-Length")) != NULL) {
        r->has_length = true;
        free(v);
    }
    return len;
}

int eh_request(const char *base, const char *method, const char *path, const char *body,
               const char *const *headers, long timeout_ms, eh_resp *out)
{
    memset(out, 0, sizeof *out);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    char url[2048];
    snprintf(url, sizeof url, "%s%s", base, path);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    for (size_t i = 0; headers && headers[i]; i++)
        h = curl_slist_append(h, headers[i]);
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms ? timeout_ms : 20000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    out->curl_code = (int)curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (out->body)
        out->json = cJSON_ParseWithLength(out->body, out->len);
    return out->curl_code;
}

int eh_call(const char *base, const char *token, const char *method, const char *path,
            const char *body, eh_resp *out)
{
    char auth[600];
    snprintf(auth, sizeof auth, "X-Auth-Token: %s", token ? token : "");
    const char *h[] = {auth, NULL};
    return eh_request(base, method, path, body, token ? h : NULL, 0, out);
}

long eh_call_status(const char *base, const char *token, const char *method, const char *path,
                    const char *body)
{
    eh_resp r;
    eh_call(base, token, method, path, body, &r);
    long st = r.status;
    eh_resp_free(&r);
    return st;
}

void eh_expect_error(const char *base, const char *token, const char *method, const char *path,
                     const char *body, long status, const char *code)
{
    eh_resp r;
    eh_call(base, token, method, path, body, &r);
    if (r.status != status)
        fail_msg("%s %s %.80s: expected %ld %s, got %ld %s", method, path, body ? body : "", status,
                 code, r.status, r.body ? r.body : "");
    assert_string_equal(eh_str(r.json, "error_code"), code);
    assert_non_null(eh_str(r.json, "error_msg"));
    eh_resp_free(&r);
}

void eh_resp_free(eh_resp *r)
{
    free(r->body);
    free(r->subject_token);
    free(r->request_id);
    free(r->retry_after);
    cJSON_Delete(r->json);
    memset(r, 0, sizeof *r);
}

char *eh_login(const char *base, const char *user, const char *password)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"%s\","
             "\"password\":\"%s\",\"domain\":{\"name\":\"demo\"}}}},\"scope\":{\"project\":{\"name\":\"ap-southeast-3\"}}}}",
             user, password);
    eh_resp r;
    eh_request(base, "POST", "/v3/auth/tokens", body, NULL, 0, &r);
    assert_int_equal(r.status, 201);
    assert_non_null(r.subject_token);
    char *t = strdup(r.subject_token);
    eh_resp_free(&r);
    return t;
}

static char *id_of(eh_resp *r)
{
    const char *id = eh_str(r->json, "id");
    if (!id)
        fail_msg("no id in %ld %s", r->status, r->body ? r->body : "(empty)");
    char *out = strdup(id);
    eh_resp_free(r);
    return out;
}

char *eh_register(const char *base, const char *token, const char *name, const char *ip)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"os_type\":\"LINUX\",\"os_version\":\"CENTOS7.9\",\"ip\":\"%s\","
             "\"agent_version\":\"24.12.1\",\"hostname\":\"%s\",\"cpu_quantity\":2,\"memory\":4294967296,"
             "\"btrfs_list\":[],\"disks\":[{\"name\":\"/dev/vda\",\"size\":42949672960,\"device_use\":\"BOOT\","
             "\"partition_style\":\"MBR\",\"used_size\":1073741824,\"physical_volumes\":[]}],"
             "\"networks\":[{\"name\":\"eth0\",\"ip\":\"%s\",\"mac\":\"fa:16:3e:00:00:01\",\"netmask\":\"255.255.255.0\"}]}",
             name, ip, name, ip);
    eh_resp r;
    eh_call(base, token, "POST", "/v3/sources", body, &r);
    assert_int_equal(r.status, 200);
    return id_of(&r);
}

char *eh_create_task(const char *base, const char *token, const char *server_id, bool syncing)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"name\":\"task-%.8s\",\"type\":\"MIGRATE_BLOCK\",\"source_server\":{\"id\":\"%s\"},"
             "\"target_server\":{\"name\":\"target-%.8s\",\"disks\":[{\"name\":\"/dev/vda\",\"size\":42949672960,"
             "\"device_use\":\"BOOT\"}]},\"region_name\":\"ap-southeast-3\",\"region_id\":\"ap-southeast-3\","
             "\"project_name\":\"ap-southeast-3\",\"project_id\":\"" SMSEMU_PROJECT_ID "\",\"syncing\":%s}",
             server_id, server_id, server_id, syncing ? "true" : "false");
    eh_resp r;
    eh_call(base, token, "POST", "/v3/tasks", body, &r);
    if (r.status != 200)
        fail_msg("create task: %ld %s", r.status, r.body ? r.body : "");
    return id_of(&r);
}

char *eh_agent_poll(const char *base, const char *token, const char *server_id)
{
    char path[128];
    snprintf(path, sizeof path, "/v3/sources/%s/command", server_id);
    eh_resp r;
    eh_call(base, token, "GET", path, NULL, &r);
    assert_int_equal(r.status, 200);
    const char *name = eh_str(r.json, "command_name");
    char *out = strdup(name ? name : "");
    eh_resp_free(&r);
    return out;
}

long eh_agent_report(const char *base, const char *token, const char *server_id,
                     const char *command, const char *result)
{
    char path[128], body[256];
    snprintf(path, sizeof path, "/v3/sources/%s/command_result", server_id);
    snprintf(body, sizeof body, "{\"command_name\":\"%s\",\"result\":\"%s\",\"result_detail\":"
             "{\"error_code\":\"SMS.0807\",\"error_msg\":\"network error\"}}", command, result);
    return eh_call_status(base, token, "POST", path, body);
}

long eh_progress(const char *base, const char *token, const char *task_id,
                 const char *subtask, int progress, long long done, long long total)
{
    char path[128], body[512];
    snprintf(path, sizeof path, "/v3/tasks/%s/progress", task_id);
    snprintf(body, sizeof body, "{\"subtask_name\":\"%s\",\"progress\":%d,\"replicatesize\":%lld,"
             "\"totalsize\":%lld,\"process_trace\":\"%s %d%%\",\"migrate_speed\":100.5,\"remain_time\":60}",
             subtask, progress, done, total, subtask, progress);
    return eh_call_status(base, token, "PUT", path, body);
}

static const cJSON *walk(const cJSON *j, const char *path)
{
    char key[128];
    while (j && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = 0;
        char *end = NULL;
        long idx = strtol(key, &end, 10);
        j = (*end == 0 && cJSON_IsArray(j)) ? cJSON_GetArrayItem(j, (int)idx)
                                            : cJSON_GetObjectItemCaseSensitive(j, key);
        path += n + (dot ? 1 : 0);
    }
    return j;
}

const char *eh_str(const cJSON *j, const char *dotted_path)
{
    const cJSON *v = walk(j, dotted_path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

double eh_num(const cJSON *j, const char *dotted_path)
{
    const cJSON *v = walk(j, dotted_path);
    return cJSON_IsNumber(v) ? v->valuedouble : cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? 1 : 0) : NAN;
}

char *eh_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        size_t got = fread(buf + n, 1, 4096, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

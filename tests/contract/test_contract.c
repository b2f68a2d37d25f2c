/* test_contract.c - every request the client can build, as it leaves the process, checked
 * against the contract table (src/model/contract.c): method, path, query names, body keys,
 * types, ranges and enum values, and the headers the SDK sends. The requests are caught
 * by a small recording server (not the emulator, which shares the table and would only
 * tell us that it agrees with itself). Also: the operation enum of the table is the
 * official one, and every operation the console can send is in it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/agent.h"
#include "api/client.h"
#include "api/client_priv.h"
#include "api/poller.h"
#include "model/codec.h"
#include "model/contract.h"

/* ---- the recording server ------------------------------------------------------------ */

#define MAX_SEEN 64
typedef struct seen {
    char method[8], path_and_query[512], *body;
    size_t body_len;
    char project_id[64], language[16], content_type[64], auth_token_value[128];
    bool auth_token, signature;
} seen;

static struct {
    pthread_mutex_t mu;
    seen v[MAX_SEEN];
    size_t n;
    struct MHD_Daemon *d;
    char url[64];
} rec = { .mu = PTHREAD_MUTEX_INITIALIZER };

typedef struct upload { char *buf; size_t len; } upload;

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    char *pq = cls;
    size_t n = strlen(pq);
    snprintf(pq + n, 512 - n, "%s%s=%s", strchr(pq, '?') ? "&" : "?", key, value ? value : "");
    return MHD_YES;
}

static void copy_header(struct MHD_Connection *c, const char *name, char *out, size_t len)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
    snprintf(out, len, "%s", v ? v : "");
}

static void record(struct MHD_Connection *c, const char *method, const char *url, upload *u)
{
    pthread_mutex_lock(&rec.mu);
    if (rec.n < MAX_SEEN) {
        seen *s = &rec.v[rec.n++];
        memset(s, 0, sizeof *s);
        snprintf(s->method, sizeof s->method, "%s", method);
        snprintf(s->path_and_query, sizeof s->path_and_query, "%s", url);
        MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query, s->path_and_query);
        s->body = u->buf;
        s->body_len = u->len;
        u->buf = NULL;
        copy_header(c, "X-Project-Id", s->project_id, sizeof s->project_id);
        copy_header(c, "X-Language", s->language, sizeof s->language);
        copy_header(c, "Content-Type", s->content_type, sizeof s->content_type);
        s->auth_token = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Auth-Token") != NULL;
        copy_header(c, "X-Auth-Token", s->auth_token_value, sizeof s->auth_token_value);
        const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        s->signature = a && strncmp(a, "SDK-HMAC-SHA256 ", 16) == 0;
    }
    pthread_mutex_unlock(&rec.mu);
}

/* An official example answer (tests/contract/examples/, sources in docs/api.md), served
 * instead of the catch-all body to every request whose path (query left out) is `path`. */
static struct {
    char path[128], file[128];
    int status;
} answer;

static char *read_example(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/contract/examples/%s", SMS_SOURCE_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 16);
    *len = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
    if (buf)
        buf[*len] = 0;
    fclose(f);
    return buf;
}

/* Every following request for path gets example file with status (path "" = none). */
static void serve(const char *path, const char *file, int status)
{
    pthread_mutex_lock(&rec.mu);
    snprintf(answer.path, sizeof answer.path, "%s", path);
    snprintf(answer.file, sizeof answer.file, "%s", file);
    answer.status = status;
    pthread_mutex_unlock(&rec.mu);
}

/* The X-Subject-Token served with the login example (the header the console keeps). */
#define EXAMPLE_SUBJECT_TOKEN "MIIDkgYJKoZIhvcNAQcCoIIDgzCCA38CAQExDTALBglghkgBZQMEAgEwXXXXXX"

/* Every request gets 200 (201 + a token for a login) and a body that decodes as
 * anything the client asks for: an empty list, an id, a token; or the example set by
 * serve(). */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **ctx)
{
    (void)cls; (void)version;
    upload *u = *ctx;
    if (!u) {
        *ctx = calloc(1, sizeof(upload));
        return MHD_YES;
    }
    if (*data_size) {
        u->buf = realloc(u->buf, u->len + *data_size + 1);
        memcpy(u->buf + u->len, data, *data_size);
        u->len += *data_size;
        u->buf[u->len] = 0;
        *data_size = 0;
        return MHD_YES;
    }
    record(c, method, url, u);
    bool login = strcmp(url, "/v3/auth/tokens") == 0;
    const char *body = login ? "{\"token\":{\"expires_at\":\"2099-01-01T00:00:00.000000Z\"}}"
                     : strcmp(url, "/v3/projects") == 0 ? "{\"projects\":[{\"id\":\"0123456789abcdef0123456789abcdef\",\"name\":\"ap-southeast-3\"}]}"
                     : "{\"id\":\"t-1\",\"count\":0}";
    int status = login ? 201 : 200;
    char *example = NULL;
    size_t example_len = 0;
    pthread_mutex_lock(&rec.mu);
    if (answer.path[0] && strcmp(url, answer.path) == 0) {
        example = read_example(answer.file, &example_len);
        status = answer.status;
    }
    pthread_mutex_unlock(&rec.mu);
    struct MHD_Response *r = example
        ? MHD_create_response_from_buffer(example_len, example, MHD_RESPMEM_MUST_FREE)
        : MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    if (login && status == 201)
        MHD_add_response_header(r, "X-Subject-Token", example ? EXAMPLE_SUBJECT_TOKEN : "tok");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static void on_done(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode t)
{
    (void)cls; (void)c; (void)t;
    upload *u = *ctx;
    if (u)
        free(u->buf);
    free(u);
}

static int setup(void **state)
{
    (void)state;
    rec.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL, NULL, on_request,
                             NULL, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
                             MHD_OPTION_SOCK_ADDR, NULL, MHD_OPTION_END);
    if (!rec.d)
        return -1;
    const union MHD_DaemonInfo *i = MHD_get_daemon_info(rec.d, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(rec.url, sizeof rec.url, "http://127.0.0.1:%u", i->port);
    return 0;
}

static void forget_seen(void)
{
    pthread_mutex_lock(&rec.mu);
    for (size_t i = 0; i < rec.n; i++)
        free(rec.v[i].body);
    rec.n = 0;
    pthread_mutex_unlock(&rec.mu);
}

static int teardown(void **state)
{
    (void)state;
    MHD_stop_daemon(rec.d);
    forget_seen();
    return 0;
}

/* ---- checks -------------------------------------------------------------------------- */

/* Every request recorded so far is in the contract; returns how many there were. */
static size_t check_all_seen(bool aksk)
{
    pthread_mutex_lock(&rec.mu);
    size_t n = rec.n;
    for (size_t i = 0; i < n; i++) {
        const seen *s = &rec.v[i];
        char err[512];
        if (sms_contract_check(s->method, s->path_and_query, s->body, s->body_len, err, sizeof err) < 0)
            fail_msg("undocumented request: %s (body %.200s)", err, s->body ? s->body : "");
        size_t plen = strcspn(s->path_and_query, "?");
        char path[512];
        snprintf(path, sizeof path, "%.*s", (int)plen, s->path_and_query);
        const sms_ct_op *op = sms_contract_match(s->method, path);
        if (strcmp(op->service, "IAM") == 0 && strcmp(op->id, "KeystoneListProjects") != 0)
            continue;                                    /* the login carries no credentials */
        if (strncmp(s->content_type, "application/json", 16) != 0)
            fail_msg("%s %s: Content-Type %s", s->method, path, s->content_type);
        if (aksk && (!s->signature || (strcmp(op->service, "SMS") == 0 && !s->project_id[0])))
            fail_msg("%s %s: AK/SK requests are signed and carry X-Project-Id", s->method, path);
        if (!aksk && !s->auth_token)
            fail_msg("%s %s: no X-Auth-Token", s->method, path);
        bool takes_language = op->headers && strcmp(op->headers[0], "X-Language") == 0;
        if (s->language[0] && !takes_language)
            fail_msg("%s %s: X-Language is not documented here", s->method, path);
        if (takes_language && strcmp(s->language, "en") != 0)
            fail_msg("%s %s: X-Language must be en", s->method, path);
    }
    pthread_mutex_unlock(&rec.mu);
    return n;
}

static sms_client *client(bool aksk)
{
    sms_client_opts o = { .endpoint = rec.url, .iam_endpoint = rec.url, .audit_path = "",
                          .max_read_retries = -1 };
    if (aksk) {
        o.auth = SMS_AUTH_AKSK;
        o.ak = "AK";
        o.sk = "SK";
        o.project_id = "0123456789abcdef0123456789abcdef";
    } else {
        o.auth = SMS_AUTH_PASSWORD;
        o.user = "ops";
        o.domain = "acme";
        o.project = "ap-southeast-3";
        o.password = "pw";
    }
    sms_call_error e = { 0 };
    sms_client *c = sms_client_new(&o, &e);
    assert_non_null(c);
    sms_call_error_free(&e);
    return c;
}

/* Every call of client.h and agent.h once (results do not matter: the recording server
 * answers everything with the same body). */
static void exercise_every_call(sms_client *c)
{
    sms_call_error e = { 0 };
    sms_server_list sl;
    sms_server_query q = { .state = "waiting", .name = "web", .id = "s-1", .ip = "10.0.0.1",
                           .migration_cycle = "checking", .enterprise_project_id = "0", .connected = 1 };
    sms_list_servers(c, &q, &sl, &e), sms_free(&SMS_T_SERVER_LIST, &sl), sms_call_error_free(&e);
    sms_server s;
    sms_show_server(c, "s-1", &s, &e), sms_free(&SMS_T_SERVER, &s), sms_call_error_free(&e);
    sms_overview ov;
    sms_show_overview(c, &ov, &e), sms_call_error_free(&e);
    sms_mig_error_list el;
    sms_list_errors(c, &el, &e), sms_free(&SMS_T_MIG_ERROR_LIST, &el), sms_call_error_free(&e);
    sms_task_list tl;
    sms_list_tasks(c, "s-1", &tl, &e), sms_free(&SMS_T_TASK_LIST, &tl), sms_call_error_free(&e);
    sms_task t;
    sms_show_task(c, "t-1", &t, &e), sms_free(&SMS_T_TASK, &t), sms_call_error_free(&e);
    sms_speed_limits sp;
    sms_get_speed_limits(c, "t-1", &sp, &e), sms_free(&SMS_T_SPEED_LIMITS, &sp), sms_call_error_free(&e);
    sms_consistency_results cr;
    sms_get_consistency(c, "t-1", &cr, &e), sms_free(&SMS_T_CONSISTENCY_RESULTS, &cr), sms_call_error_free(&e);
    for (int k = 0; k < SMS_ACT__COUNT; k++)
        if (sms_action_operation((sms_action_kind)k))
            sms_task_do_action(c, "t-1", sms_action_operation((sms_action_kind)k), &e), sms_call_error_free(&e);
    sms_delete_server(c, "s-1", &e), sms_call_error_free(&e);
    sms_delete_task(c, "t-1", &e), sms_call_error_free(&e);
    sms_speed_limit w[2] = { { .start = "08:00", .end = "18:00", .speed = 100 },
                             { .start = "18:00", .end = "08:00", .speed = 900, .over_speed_threshold = 50 } };
    sms_speed_limits limits = { w, 2 };
    sms_set_speed_limits(c, "t-1", &limits, &e), sms_call_error_free(&e);
    sms_task_upload_log(c, "t-1", "bucket", &e), sms_call_error_free(&e);
    static sms_consistency_task items[250];
    for (size_t i = 0; i < 250; i++)
        items[i] = (sms_consistency_task){ .task_id = "t-1", .source_id = "s-1", .source_name = "web" };
    sms_export_consistency(c, items, 250, &e), sms_call_error_free(&e);    /* 200 + 50 */
    sms_target_disk disk = { .name = "/dev/vda", .size = 1 << 30, .device_use = "OS" };
    sms_create_task ct = { .name = "m", .type = "MIGRATE_BLOCK", .region_name = "ap-southeast-3",
                           .region_id = "ap-southeast-3", .project_name = "ap-southeast-3",
                           .project_id = "p", .has_source_server = true, .source_server = { "s-1" },
                           .has_target_server = true,
                           .target_server = { .name = "web-target", .disks = &disk, .n_disks = 1 } };
    char *id = NULL;
    sms_task_create(c, &ct, &id, &e), free(id), sms_call_error_free(&e);
    /* the agent's calls (the emulator's simulated fleet makes them) */
    sms_nic nic = { .mac = "00:11:22:33:44:55", .ip = "10.0.0.1", .name = "eth0" };
    sms_server reg = { .name = "web", .os_type = "LINUX", .os_version = "UBUNTU22", .ip = "10.0.0.1",
                       .agent_version = "25.1", .networks = &nic, .n_networks = 1 };
    sms_agent_register(c, &reg, &id, &e), free(id), sms_call_error_free(&e);
    sms_command cmd;
    sms_agent_get_command(c, "s-1", &cmd, &e), sms_free(&SMS_T_COMMAND, &cmd), sms_call_error_free(&e);
    sms_command_result res = { .command_name = "START", .result = "success", .result_detail = "{}" };
    sms_agent_report_result(c, "s-1", &res, &e), sms_call_error_free(&e);
    sms_progress pr = { .subtask_name = "MIGRATE_LINUX_BLOCK", .process_trace = "", .progress = 10,
                        .replicatesize = 1, .totalsize = 10 };
    sms_agent_report_progress(c, "t-1", &pr, &e), sms_call_error_free(&e);
    sms_consistency_result dir = { .dir_check = "/home", .num_total_files = 3 };
    sms_consistency_results up = { .consistency_result = &dir, .n_consistency_result = 1, .finished_time = 5 };
    sms_agent_post_consistency(c, "t-1", &up, &e), sms_call_error_free(&e);
}

static void test_every_request_with_a_token_is_documented(void **state)
{
    (void)state;
    forget_seen();
    sms_client *c = client(false);
    exercise_every_call(c);
    sms_client_free(c);
    /* 8 reads, 9 task operations, 2 deletions, speed limit, log, export in 2 batches,
     * create, 5 agent calls: 29, and the IAM login */
    assert_int_equal(check_all_seen(false), 30);
}

static void test_every_request_signed_with_aksk_is_documented_and_has_the_project(void **state)
{
    (void)state;
    forget_seen();
    sms_client *c = client(true);
    exercise_every_call(c);
    sms_client_free(c);
    assert_int_equal(check_all_seen(true), 29);         /* the same, without a login */
}

/* UpdateTaskStatusReq.operation as the official SDK lists it (huaweicloud-sdk-java-v3,
 * services/sms/.../v3/model/UpdateTaskStatusReq.java, OperationEnum). Kept here, apart
 * from the table, so a change to either shows. */
static const char *const official_operations[] = {
    "start", "stop", "test", "clone_test", "restart", "network_check", "skip", "clear", "migration_test",
};

static void test_the_operation_enum_is_the_official_one(void **state)
{
    (void)state;
    const char *const *v = sms_contract_values("UpdateTaskStatus", "operation");
    assert_non_null(v);
    size_t n = 0;
    for (; v[n]; n++) {
        bool found = false;
        for (size_t i = 0; i < sizeof official_operations / sizeof *official_operations; i++)
            found |= strcmp(v[n], official_operations[i]) == 0;
        if (!found)
            fail_msg("the table allows \"%s\", which no SDK documents", v[n]);
    }
    assert_int_equal(n, sizeof official_operations / sizeof *official_operations);
}

static void test_every_operation_the_console_sends_is_official(void **state)
{
    (void)state;
    size_t task_actions = 0;
    for (int k = 0; k < SMS_ACT__COUNT; k++) {
        const char *op = sms_action_operation((sms_action_kind)k);
        if (!op)
            continue;
        task_actions++;
        bool found = false;
        for (size_t i = 0; i < sizeof official_operations / sizeof *official_operations; i++)
            found |= strcmp(op, official_operations[i]) == 0;
        if (!found)
            fail_msg("%s sends operation \"%s\", which no SDK documents", sms_action_name((sms_action_kind)k), op);
    }
    assert_int_equal(task_actions, 9);
    /* and the client refuses to build anything else */
    sms_client *c = client(true);
    sms_call_error e = { 0 };
    forget_seen();
    assert_int_equal(sms_task_do_action(c, "t-1", "sync", &e), -1);
    assert_int_equal(e.kind, SMS_E_INVALID);
    sms_call_error_free(&e);
    assert_int_equal(sms_task_do_action(c, "t-1", "reset_log_acl", &e), -1);
    sms_call_error_free(&e);
    sms_client_free(c);
    assert_int_equal(check_all_seen(true), 0);          /* nothing left the process */
}

/* The checker itself: one changed key or value of a documented body is refused. */
static void test_the_checker_refuses_a_changed_key_or_value(void **state)
{
    (void)state;
    char err[256];
    const char *path = "/v3/tasks/t-1/action";
    assert_int_equal(sms_contract_check("POST", path, "{\"operation\":\"start\"}", 21, err, sizeof err), 0);
    assert_int_equal(sms_contract_check("POST", path, "{\"operation\":\"sync\"}", 20, err, sizeof err), -1);
    assert_non_null(strstr(err, "operation"));
    assert_int_equal(sms_contract_check("POST", path, "{\"operationx\":\"start\"}", 22, err, sizeof err), -1);
    assert_int_equal(sms_contract_check("POST", path, "{}", 2, err, sizeof err), -1);
    const char *speed = "{\"speed_limit\":[{\"start\":\"08:00\",\"end\":\"09:00\",\"speed\":1,\"over_speed_threshold\":0}]}";
    assert_int_equal(sms_contract_check("POST", "/v3/tasks/t/speed-limit", speed, strlen(speed), err, sizeof err), -1);
    assert_int_equal(sms_contract_check("GET", "/v3/sources?limit=1&sort=name", NULL, 0, err, sizeof err), -1);
    assert_int_equal(sms_contract_check("GET", "/v3/sources/overview", NULL, 0, err, sizeof err), 0);
    assert_int_equal(sms_contract_check("POST", "/v3/tasks/t/sync", "{}", 2, err, sizeof err), -1);
}

/* The official example bodies of the help pages (seed copies in tests/fixtures) decode. */
static char *slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/fixtures/%s", SMS_SOURCE_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[65536];
    *len = fread(buf, 1, sizeof buf - 1, f);
    buf[*len] = 0;
    fclose(f);
    return buf;
}

static void test_official_example_bodies_check_and_decode(void **state)
{
    (void)state;
    size_t len;
    char err[256];
    char *body = slurp("seed002_export.json", &len);
    assert_int_equal(sms_contract_check("POST", "/v3/tasks/consistency-results/export", body, len, err, sizeof err), 0);
    body = slurp("seed000_command_result.json", &len);
    assert_int_equal(sms_contract_check("POST", "/v3/sources/s/command_result", body, len, err, sizeof err), 0);
    body = slurp("seed001_register.json", &len);
    if (sms_contract_check("POST", "/v3/sources", body, len, err, sizeof err) < 0)
        fail_msg("register example: %s", err);
}

/* ---- the official example answers, read through the client's own calls ------------
 * Each example of tests/contract/examples/ (one per response the console or the
 * emulator's agents read; sources in docs/api.md, "Example answers") is served by the
 * recording server and read with the very call the console makes, so the same codec,
 * normaliser and error decoder; the checks are on the fields the panes show. */

/* A string the example holds: NULL (the key was not read) fails with the text, not a crash. */
#define STR_EQ(a, b) do { const char *a_ = (a); \
        if (!a_) fail_msg("%s is not set (expected \"%s\")", #a, (b)); \
        assert_string_equal(a_, (b)); } while (0)

#define OK_CALL(call) do { sms_call_error e_ = { 0 }; \
        if ((call) != 0) fail_msg("%s: %s", #call, e_.message ? e_.message : "failed"); \
        sms_call_error_free(&e_); } while (0)

static void test_example_list_servers(void **state)
{
    (void)state;
    sms_client *c = client(false);
    serve("/v3/sources", "ListServers.json", 200);
    sms_server_list l;
    sms_call_error e = { 0 };
    if (sms_list_servers(c, NULL, &l, &e) != 0)
        fail_msg("ListServers example: %s", e.message);
    assert_int_equal(l.count, 1);
    assert_int_equal(l.n_source_servers, 1);
    const sms_server *s = &l.source_servers[0];
    assert_null(s->bad_record);
    STR_EQ(s->id, "0d4a0f2a-5d3c-4c0d-9a8e-5f2b2f0d1a11");
    STR_EQ(s->name, "web-01");
    STR_EQ(s->ip, "192.168.0.21");
    STR_EQ(s->os_version, "CENTOS_7_9_64BIT");
    STR_EQ(s->state, "replicate");
    STR_EQ(s->migration_cycle, "replicating");
    assert_true(s->connected);
    assert_true(s->replicatesize == 5368709120LL && s->totalsize == 10737418240LL);
    assert_true(s->last_visit_time == 1700001000000LL);
    assert_true(s->has_current_task);
    STR_EQ(s->current_task.state, "RUNNING");
    STR_EQ(s->current_task.log_collect_status, "INIT");
    STR_EQ(s->current_task.subtask_info, "MIGRATE_LINUX_BLOCK");
    assert_true(s->current_task.migrate_speed == 12.5);
    assert_true(s->current_task.remain_seconds == 1800 && s->current_task.estimate_complete_time == 1700003600000LL);
    STR_EQ(s->current_task.target_server.name, "web-01-target");
    assert_int_equal(s->n_checks, 1);
    STR_EQ(s->checks[0].result, "OK");
    assert_true(s->has_init_target_server);
    STR_EQ(s->init_target_server.disks[0].name, "/dev/vda");
    sms_free(&SMS_T_SERVER_LIST, &l);
    sms_call_error_free(&e);
    serve("", "", 0);
    sms_client_free(c);
}

static void test_example_show_server(void **state)
{
    (void)state;
    sms_client *c = client(false);
    serve("/v3/sources/s-1", "ShowServer.json", 200);
    sms_server s;
    OK_CALL(sms_show_server(c, "s-1", &s, &e_));
    STR_EQ(s.state, "syncing");
    STR_EQ(s.migration_cycle, "syncing");
    STR_EQ(s.agent_version, "25.3.0");
    STR_EQ(s.firmware, "BIOS");
    STR_EQ(s.current_task.state, "SYNCING");
    /* the Disks pane: disks, partitions, LVM, Btrfs; the NIC */
    assert_int_equal(s.n_disks, 1);
    STR_EQ(s.disks[0].name, "/dev/vda");
    assert_true(s.disks[0].os_disk && s.disks[0].size == 42949672960LL);
    assert_int_equal(s.disks[0].n_physical_volumes, 2);
    STR_EQ(s.disks[0].physical_volumes[0].mount_point, "/boot");
    STR_EQ(s.disks[0].physical_volumes[1].name, "/dev/vda2");
    assert_int_equal(s.n_volume_groups, 1);
    STR_EQ(s.volume_groups[0].logical_volumes[0].mount_point, "/");
    assert_true(s.volume_groups[0].logical_volumes[0].free_size == 31348228096LL);
    assert_int_equal(s.n_btrfs_list, 1);
    assert_int_equal(s.btrfs_list[0].n_subvolumn, 1);
    STR_EQ(s.btrfs_list[0].subvolumn[0].subvol_mount_path, "/data/home");
    STR_EQ(s.networks[0].mac, "fa:16:3e:12:34:56");
    assert_int_equal(s.n_checks, 2);
    STR_EQ(s.checks[1].result, "WARN");
    STR_EQ(s.checks[1].error_or_warn, "rsync is not installed");
    sms_free(&SMS_T_SERVER, &s);
    serve("", "", 0);
    sms_client_free(c);
}

static void test_example_show_overview(void **state)
{
    (void)state;
    sms_client *c = client(false);
    serve("/v3/sources/overview", "ShowOverview.json", 200);
    sms_overview ov;
    OK_CALL(sms_show_overview(c, &ov, &e_));
    assert_int_equal(ov.waiting, 12);
    assert_int_equal(ov.replicate, 3);
    assert_int_equal(ov.finished, 40);
    assert_int_equal(ov.unconfigured, 4);
    assert_int_equal(ov.error, 2);
    /* an earlier help page's example, the older four-key answer: replicating is kept
     * (the poller reads it as replicate) and so is other */
    serve("/v3/sources/overview", "ShowOverview_legacy.json", 200);
    OK_CALL(sms_show_overview(c, &ov, &e_));
    assert_int_equal(ov.waiting, 5);
    assert_int_equal(ov.replicating, 6);
    assert_int_equal(ov.syncing, 3);
    assert_int_equal(ov.other, 2);
    assert_int_equal(ov.replicate, 0);
    serve("", "", 0);
    sms_client_free(c);
}

static void test_example_list_errors(void **state)
{
    (void)state;
    sms_client *c = client(false);
    serve("/v3/errors", "ListErrorServers.json", 200);
    sms_mig_error_list l;
    OK_CALL(sms_list_errors(c, &l, &e_));
    assert_int_equal(l.n_migration_errors, 1);
    STR_EQ(l.migration_errors[0].source_id, "0d4a0f2a-5d3c-4c0d-9a8e-5f2b2f0d1a11");
    STR_EQ(l.migration_errors[0].host_name, "web-01.example.internal");
    assert_non_null(strstr(l.migration_errors[0].error_json, "SMS.6302"));
    sms_free(&SMS_T_MIG_ERROR_LIST, &l);
    serve("", "", 0);
    sms_client_free(c);
}

static void test_example_list_tasks(void **state)
{
    (void)state;
    sms_client *c = client(false);
    serve("/v3/tasks", "ListTasks.json", 200);
    sms_task_list l;
    OK_CALL(sms_list_tasks(c, "s-1", &l, &e_));
    assert_int_equal(l.n_tasks, 1);
    const sms_task *t = &l.tasks[0];
    STR_EQ(t->state, "MIGRATE_FAIL");
    assert_int_equal(t->priority, 1);
    assert_int_equal(t->speed_limit, 100);
    assert_int_equal(t->n_sub_tasks, 2);
    assert_int_equal(t->sub_tasks[1].progress, 62);
    STR_EQ(t->sub_tasks[1].name, "MIGRATE_LINUX_BLOCK");
    STR_EQ(t->source_server.state, "error");
    STR_EQ(t->target_server.vm_id, "9f8e7d6c-5b4a-3c2d-1e0f-a1b2c3d4e5f6");
    STR_EQ(t->special_config[0].config_value, "/tmp");
    assert_non_null(strstr(t->network_check_info, "\"evaluation_result\":\"good\""));
    sms_free(&SMS_T_TASK_LIST, &l);
    serve("", "", 0);
    sms_client_free(c);
}

static void test_example_show_task(void **state)
{
    (void)state;
    sms_client *c = client(false);
    serve("/v3/tasks/t-1", "ShowTask.json", 200);
    sms_task t;
    OK_CALL(sms_show_task(c, "t-1", &t, &e_));
    STR_EQ(t.state, "RUNNING");
    assert_true(t.migrate_speed == 12.5 && t.remain_seconds == 1800);
    assert_true(t.agent_cpu_usage == 5.5 && t.total_disk_io == 40.0);
    assert_int_equal(t.n_sub_tasks, 2);
    assert_int_equal(t.sub_tasks[1].progress, 45);
    STR_EQ(t.sub_tasks[1].process_trace, "/dev/vda1 done");
    STR_EQ(t.source_server.migration_cycle, "replicating");
    assert_int_equal(t.target_server.n_disks, 1);
    STR_EQ(t.target_server.disks[0].name, "/dev/vda");
    STR_EQ(t.target_server.disks[0].disk_id, "3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d");
    assert_true(t.target_server.disks[0].physical_volumes[0].free_size == 863026624LL);
    STR_EQ(t.clone_server.clone_state, "NOT_READY");
    assert_non_null(strstr(t.network_check_info, "\"network_delay\":12.3"));
    sms_free(&SMS_T_TASK, &t);
    serve("", "", 0);
    sms_client_free(c);
}

static void test_example_speed_limits(void **state)
{
    (void)state;
    sms_client *c = client(false);
    /* "Querying the Migration Rate" (help page, 2022-08-02): the windows the Migration
     * pane shows */
    serve("/v3/tasks/t-1/speed-limit", "ShowsSpeedLimits.json", 200);
    sms_speed_limits sl;
    OK_CALL(sms_get_speed_limits(c, "t-1", &sl, &e_));
    assert_int_equal(sl.n_speed_limit, 3);
    STR_EQ(sl.speed_limit[0].start, "0:00");
    STR_EQ(sl.speed_limit[2].end, "24:00");
    assert_int_equal(sl.speed_limit[1].speed, 50);
    sms_free(&SMS_T_SPEED_LIMITS, &sl);
    serve("", "", 0);
    sms_client_free(c);
}

/* The three shapes the Go SDK has published (0.1.72, 0.1.142, 0.1.186 and later): each
 * gives the directory lines the export report and the describe panel show. */
static void test_example_consistency_results(void **state)
{
    (void)state;
    sms_client *c = client(false);
    sms_consistency_results r;
    serve("/v3/tasks/t-1/consistency-result", "ShowConsistencyResult_v0.1.72.json", 200);
    OK_CALL(sms_get_consistency(c, "t-1", &r, &e_));
    assert_int_equal(r.n_consistency_result, 1);
    STR_EQ(r.consistency_result[0].dir_check, "/home");
    assert_int_equal(r.consistency_result[0].num_different_files, 3);
    assert_true(r.finished_time == 1700005000000LL);
    sms_free(&SMS_T_CONSISTENCY_RESULTS, &r);

    serve("/v3/tasks/t-1/consistency-result", "ShowConsistencyResult_v0.1.142.json", 200);
    OK_CALL(sms_get_consistency(c, "t-1", &r, &e_));
    STR_EQ(r.task_id, "6e1c9b7a-3f2d-4b1e-8c5a-2d9e7f0b4c22");
    assert_int_equal(r.n_result_list, 1);
    STR_EQ(r.result_list[0].check_result, "finished");
    assert_int_equal(r.result_list[0].n_consistency_result, 2);
    assert_int_equal(r.result_list[0].consistency_result[1].num_target_more_files, 2);
    sms_free(&SMS_T_CONSISTENCY_RESULTS, &r);

    serve("/v3/tasks/t-1/consistency-result", "ShowConsistencyResult_v0.1.186.json", 200);
    OK_CALL(sms_get_consistency(c, "t-1", &r, &e_));
    assert_int_equal(r.n_result_list, 1);
    assert_int_equal(r.result_list[0].n_consistency_result, 1);
    STR_EQ(r.result_list[0].consistency_result[0].dir_check,
                        "/home: 1200 files, 3 different, 1 missing on the target, 0 extra on the target");
    sms_free(&SMS_T_CONSISTENCY_RESULTS, &r);
    serve("", "", 0);
    sms_client_free(c);
}

/* What the emulator's agents read: the command (the legacy help page's example and an
 * UPLOAD_LOG built from the SDK model) and the ids of RegisterServer and CreateTask. */
static void test_example_agent_reads(void **state)
{
    (void)state;
    sms_client *c = client(false);
    sms_command cmd;
    serve("/v3/sources/s-1/command", "ShowCommand.json", 200);
    OK_CALL(sms_agent_get_command(c, "s-1", &cmd, &e_));
    STR_EQ(cmd.command_name, "START");
    assert_true(cmd.has_command_param);
    STR_EQ(cmd.command_param.task_id, "2c0689c860ad4728a497c91ec0844384");
    sms_free(&SMS_T_COMMAND, &cmd);
    serve("/v3/sources/s-1/command", "ShowCommand_upload_log.json", 200);
    OK_CALL(sms_agent_get_command(c, "s-1", &cmd, &e_));
    STR_EQ(cmd.command_name, "UPLOAD_LOG");
    STR_EQ(cmd.command_param.bucket, "logbucket");
    sms_free(&SMS_T_COMMAND, &cmd);

    char *id = NULL;
    sms_nic nic = { .mac = "00:11:22:33:44:55", .ip = "10.0.0.1", .name = "eth0" };
    sms_server reg = { .name = "web", .os_type = "LINUX", .os_version = "UBUNTU22", .ip = "10.0.0.1",
                       .agent_version = "25.1", .networks = &nic, .n_networks = 1 };
    serve("/v3/sources", "RegisterServer.json", 200);
    OK_CALL(sms_agent_register(c, &reg, &id, &e_));
    STR_EQ(id, "0d4a0f2a-5d3c-4c0d-9a8e-5f2b2f0d1a11");
    free(id);
    sms_target_disk disk = { .name = "/dev/vda", .size = 1 << 30, .device_use = "OS" };
    sms_create_task ct = { .name = "m", .type = "MIGRATE_BLOCK", .region_name = "ap-southeast-3",
                           .region_id = "ap-southeast-3", .project_name = "ap-southeast-3",
                           .project_id = "p", .has_source_server = true, .source_server = { "s-1" },
                           .has_target_server = true,
                           .target_server = { .name = "web-target", .disks = &disk, .n_disks = 1 } };
    serve("/v3/tasks", "CreateTask.json", 200);
    OK_CALL(sms_task_create(c, &ct, &id, &e_));
    STR_EQ(id, "6e1c9b7a-3f2d-4b1e-8c5a-2d9e7f0b4c22");
    free(id);
    serve("", "", 0);
    sms_client_free(c);
}

/* IAM: the login answer's X-Subject-Token goes into every SMS request and its
 * expires_at/issued_at are read; the project lookup's one id goes into X-Project-Id. */
static void test_example_iam(void **state)
{
    (void)state;
    forget_seen();
    serve("/v3/auth/tokens", "KeystoneCreateUserTokenByPassword.json", 201);
    sms_client *c = client(false);
    sms_overview ov;
    OK_CALL(sms_show_overview(c, &ov, &e_));
    sms_client_free(c);
    size_t n;
    char got[128];
    pthread_mutex_lock(&rec.mu);                        /* copied out: no assert holds the lock */
    n = rec.n;
    snprintf(got, sizeof got, "%s", n > 1 ? rec.v[1].auth_token_value : "");
    pthread_mutex_unlock(&rec.mu);
    assert_int_equal(n, 2);                             /* the login, then the read */
    assert_string_equal(got, EXAMPLE_SUBJECT_TOKEN);
    size_t len;
    char *body = read_example("KeystoneCreateUserTokenByPassword.json", &len);
    assert_non_null(body);
    int64_t issued, expires;
    sms_token_times(body, len, &issued, &expires);
    free(body);
    assert_true(expires == 1796677200000LL);            /* 2026-12-07T21:00:00Z */
    assert_true(expires - issued == 24 * 3600 * 1000LL);

    forget_seen();
    serve("/v3/projects", "KeystoneListProjects.json", 200);
    sms_client_opts o = { .endpoint = rec.url, .iam_endpoint = rec.url, .audit_path = "",
                          .max_read_retries = -1, .auth = SMS_AUTH_AKSK, .ak = "AK", .sk = "SK",
                          .region = "ap-southeast-3" };
    sms_call_error e = { 0 };
    c = sms_client_new(&o, &e);
    assert_non_null(c);
    OK_CALL(sms_show_overview(c, &ov, &e_));
    sms_client_free(c);
    sms_call_error_free(&e);
    pthread_mutex_lock(&rec.mu);
    n = rec.n;
    snprintf(got, sizeof got, "%s", n > 1 ? rec.v[1].project_id : "");
    pthread_mutex_unlock(&rec.mu);
    assert_int_equal(n, 2);                             /* the lookup, then the read */
    assert_string_equal(got, "0123456789abcdef0123456789abcdef");

    /* a refused login: IAM's error body (the help's "Response" page example) */
    serve("/v3/auth/tokens", "error_400_IAM.0011.json", 400);
    c = client(false);
    sms_call_error le = { 0 };
    assert_int_equal(sms_show_overview(c, &ov, &le), -1);
    assert_int_equal(le.kind, SMS_E_AUTH);
    assert_int_equal(le.http_status, 400);
    STR_EQ(le.api.error_code, "IAM.0011");
    STR_EQ(le.message, "Request body is invalid.");
    sms_call_error_free(&le);
    sms_client_free(c);
    serve("", "", 0);
}

/* The error answers as the console shows them: code, message, the 403 extras. */
static void expect_error(const char *file, int status, const char *code, const char *msg_part)
{
    sms_client *c = client(false);
    serve("/v3/tasks/t-1", file, status);
    sms_task t;
    sms_call_error e = { 0 };
    assert_int_equal(sms_show_task(c, "t-1", &t, &e), -1);
    assert_int_equal(e.kind, SMS_E_HTTP);
    assert_int_equal(e.http_status, status);
    assert_non_null(e.api.error_code);
    STR_EQ(e.api.error_code, code);
    assert_non_null(e.message);
    if (!strstr(e.message, msg_part))
        fail_msg("%s: message \"%s\" lacks \"%s\"", file, e.message, msg_part);
    if (status == 403) {
        STR_EQ(e.api.encoded_authorization_message, "XXXXXX");
        assert_int_equal(e.api.n_error_param, 1);
        assert_int_equal(e.api.n_details, 1);
        STR_EQ(e.api.details[0].error_code, "SMS.9004");
        assert_non_null(strstr(e.api.details[0].error_msg, "You do not have permission"));
    }
    sms_call_error_free(&e);
    serve("", "", 0);
    sms_client_free(c);                 /* a 429 slows this client only */
}

static void test_example_errors(void **state)
{
    (void)state;
    expect_error("error_400_SMS.6302.json", 400, "SMS.6302", "No migration speed limit found");
    expect_error("../../fixtures/seed000_403.json", 403, "SMS.9004", "does not have the permission");
    expect_error("error_404_APIG.0101.json", 404, "APIG.0101", "has not been published");
    expect_error("error_429_APIG.0308.json", 429, "APIG.0308", "throttling threshold");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_operation_enum_is_the_official_one),
        cmocka_unit_test(test_every_operation_the_console_sends_is_official),
        cmocka_unit_test(test_the_checker_refuses_a_changed_key_or_value),
        cmocka_unit_test(test_official_example_bodies_check_and_decode),
        cmocka_unit_test(test_example_list_servers),
        cmocka_unit_test(test_example_show_server),
        cmocka_unit_test(test_example_show_overview),
        cmocka_unit_test(test_example_list_errors),
        cmocka_unit_test(test_example_list_tasks),
        cmocka_unit_test(test_example_show_task),
        cmocka_unit_test(test_example_speed_limits),
        cmocka_unit_test(test_example_consistency_results),
        cmocka_unit_test(test_example_agent_reads),
        cmocka_unit_test(test_example_iam),
        cmocka_unit_test(test_example_errors),
        cmocka_unit_test(test_every_request_with_a_token_is_documented),
        cmocka_unit_test(test_every_request_signed_with_aksk_is_documented_and_has_the_project),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

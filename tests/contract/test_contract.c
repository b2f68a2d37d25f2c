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
#include "api/poller.h"
#include "model/codec.h"
#include "model/contract.h"

/* ---- the recording server ------------------------------------------------------------ */

#define MAX_SEEN 64
typedef struct seen {
    char method[8], path_and_query[512], *body;
    size_t body_len;
    char project_id[64], language[16], content_type[64];
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
        const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        s->signature = a && strncmp(a, "SDK-HMAC-SHA256 ", 16) == 0;
    }
    pthread_mutex_unlock(&rec.mu);
}

/* Every request gets 200 (201 + a token for a login) and a body that decodes as
 * anything the client asks for: an empty list, an id, a token. */
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
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    if (login)
        MHD_add_response_header(r, "X-Subject-Token", "tok");
    enum MHD_Result ret = MHD_queue_response(c, login ? 201 : 200, r);
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
    /* "Querying the Migration Rate" example response (help page, 2022-08-02): the
     * windows the Migration pane shows */
    sms_speed_limits sl;
    body = slurp("help_speed_limit_response.json", &len);
    assert_int_equal(sms_parse(&SMS_T_SPEED_LIMITS, body, len, &sl, SMS_DECODE_RESPONSE, NULL), 0);
    assert_int_equal(sl.n_speed_limit, 3);
    assert_string_equal(sl.speed_limit[2].end, "24:00");
    assert_int_equal(sl.speed_limit[1].speed, 50);
    sms_free(&SMS_T_SPEED_LIMITS, &sl);
    sms_api_error ae;
    body = slurp("seed000_403.json", &len);
    assert_int_equal(sms_parse(&SMS_T_API_ERROR, body, len, &ae, SMS_DECODE_RESPONSE, NULL), 0);
    assert_string_equal(ae.error_code, "SMS.9004");
    sms_free(&SMS_T_API_ERROR, &ae);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_operation_enum_is_the_official_one),
        cmocka_unit_test(test_every_operation_the_console_sends_is_official),
        cmocka_unit_test(test_the_checker_refuses_a_changed_key_or_value),
        cmocka_unit_test(test_official_example_bodies_check_and_decode),
        cmocka_unit_test(test_every_request_with_a_token_is_documented),
        cmocka_unit_test(test_every_request_signed_with_aksk_is_documented_and_has_the_project),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_client_calls.c - every call of client.h against the in-process emulator: a task's
 * life (create, show, list, action, speed limits, log, consistency, export in batches,
 * delete), the overview and the error list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "api/agent.h"
#include "api/client.h"
#include "emulator/emulator.h"
#include "model/codec.h"

#define FLEET 5

static smsemu *emu;
static sms_client *admin;
static char *server_id, *task_id;

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    smsemu_opts o = { .listen = "127.0.0.1:0", .servers = FLEET, .seed = 3, .no_agents = true,
                      .quiet = true };
    char err[256] = "";
    emu = smsemu_start(&o, err, sizeof err);
    if (!emu) {
        fprintf(stderr, "smsemu_start: %s\n", err);
        return -1;
    }
    sms_client_opts co = { .endpoint = smsemu_url(emu), .iam_endpoint = smsemu_url(emu), .user = "admin", .password = "admin-pass",
                           .domain = SMSEMU_DOMAIN, .project = SMSEMU_PROJECT, .audit_path = "" };
    admin = sms_client_new(&co, NULL);
    return admin ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    sms_client_free(admin);
    free(server_id);
    free(task_id);
    smsemu_stop(emu);
    curl_global_cleanup();
    return 0;
}

static void fail_with(const char *what, const sms_call_error *e)
{
    char sum[512];
    sms_call_error_summary(e, sum, sizeof sum);
    fail_msg("%s: %s", what, sum);
}

#define CALL_OK(what, expr)                                                  \
    do {                                                                      \
        sms_call_error e_;                                                    \
        if ((expr) != 0) {                                                    \
            fail_with(what, &e_);                                             \
        }                                                                     \
    } while (0)

/* Picks a server without a task. */
static void test_list_servers_with_filters(void **state)
{
    (void)state;
    sms_server_list l;
    sms_call_error e;
    assert_int_equal(sms_list_servers(admin, NULL, &l, &e), 0);
    assert_int_equal(l.count, FLEET);
    assert_int_equal(l.n_source_servers, FLEET);
    for (size_t i = 0; i < l.n_source_servers && !server_id; i++)
        if (!l.source_servers[i].has_current_task)
            server_id = strdup(l.source_servers[i].id);
    assert_non_null(server_id);
    char *name = strdup(l.source_servers[0].name);
    sms_free(&SMS_T_SERVER_LIST, &l);

    sms_server_query q = { .id = server_id, .connected = -1 };
    assert_int_equal(sms_list_servers(admin, &q, &l, &e), 0);
    assert_int_equal(l.n_source_servers, 1);
    assert_string_equal(l.source_servers[0].id, server_id);
    sms_free(&SMS_T_SERVER_LIST, &l);

    sms_server_query by_name = { .name = name, .connected = -1 };
    assert_int_equal(sms_list_servers(admin, &by_name, &l, &e), 0);
    assert_true(l.n_source_servers >= 1);
    for (size_t i = 0; i < l.n_source_servers; i++)
        assert_string_equal(l.source_servers[i].name, name);
    sms_free(&SMS_T_SERVER_LIST, &l);
    free(name);
}

static void test_overview_counts_fleet(void **state)
{
    (void)state;
    sms_overview ov;
    sms_call_error e;
    assert_int_equal(sms_show_overview(admin, &ov, &e), 0);
    int32_t total = ov.waiting + ov.replicate + ov.syncing + ov.stopped + ov.deleting + ov.cutovering +
                    ov.unavailable + ov.stopping + ov.skipping + ov.finished + ov.initialize + ov.error +
                    ov.cloning + ov.unconfigured;
    assert_true(total >= 1);
    assert_true(total <= FLEET);
}

/* A block migration task called name for server sid; returns its id (malloc'd). */
static char *create_task(const char *sid, const char *name, const char *target)
{
    sms_create_task t = { .name = (char *)name, .type = "MIGRATE_BLOCK", .os_type = "LINUX",
                          .region_name = SMSEMU_PROJECT, .region_id = SMSEMU_PROJECT,
                          .project_name = SMSEMU_PROJECT, .project_id = SMSEMU_PROJECT_ID,
                          .priority = 1, .has_source_server = true, .has_target_server = true };
    t.source_server.id = (char *)sid;
    t.target_server.name = (char *)target;
    char *id = NULL;
    CALL_OK("create task", sms_task_create(admin, &t, &id, &e_));
    return id;
}

static void test_create_and_show_task(void **state)
{
    (void)state;
    task_id = create_task(server_id, "client-test-task", "client-test-target");
    assert_non_null(task_id);
    sms_task task;
    CALL_OK("show task", sms_show_task(admin, task_id, &task, &e_));
    assert_string_equal(task.id, task_id);
    assert_string_equal(task.name, "client-test-task");
    sms_free(&SMS_T_TASK, &task);
    sms_task_list tl;
    CALL_OK("list tasks", sms_list_tasks(admin, server_id, &tl, &e_));
    assert_int_equal(tl.n_tasks, 1);
    assert_string_equal(tl.tasks[0].id, task_id);
    sms_free(&SMS_T_TASK_LIST, &tl);
    CALL_OK("list all tasks", sms_list_tasks(admin, NULL, &tl, &e_));
    assert_true(tl.n_tasks >= 1);
    assert_int_equal((size_t)tl.count, tl.n_tasks);
    sms_free(&SMS_T_TASK_LIST, &tl);
}

static void test_speed_limits_round_trip(void **state)
{
    (void)state;
    sms_speed_limit items[2] = { { .start = "08:00", .end = "12:00", .speed = 100 },
                                 { .start = "12:00", .end = "23:59", .speed = 1000, .over_speed_threshold = 80 } };
    sms_speed_limits in = { items, 2 };
    CALL_OK("set speed limits", sms_set_speed_limits(admin, task_id, &in, &e_));
    sms_speed_limits out;
    CALL_OK("get speed limits", sms_get_speed_limits(admin, task_id, &out, &e_));
    assert_int_equal(out.n_speed_limit, 2);
    assert_string_equal(out.speed_limit[0].start, "08:00");
    assert_int_equal(out.speed_limit[0].speed, 100);
    sms_free(&SMS_T_SPEED_LIMITS, &out);
}

static void test_task_action_and_illegal_action(void **state)
{
    (void)state;
    CALL_OK("start", sms_task_do_action(admin, task_id, "start", &e_));
    sms_task task;
    CALL_OK("show task", sms_show_task(admin, task_id, &task, &e_));
    assert_string_not_equal(task.state, "READY");
    sms_free(&SMS_T_TASK, &task);
    /* restart is only for failed tasks: the API's 400 comes back decoded */
    sms_call_error e;
    assert_int_equal(sms_task_do_action(admin, task_id, "restart", &e), -1);
    assert_int_equal(e.kind, SMS_E_HTTP);
    assert_int_equal(e.http_status, 400);
    assert_non_null(e.api.error_code);
    assert_int_equal(e.attempts, 1);
    sms_call_error_free(&e);
}

/* The log request reaches the task (UPLOADING, the bucket on the server's current task),
 * and the consistency results read back are the ones the agent posted. */
static void test_upload_log_and_consistency(void **state)
{
    (void)state;
    CALL_OK("upload log", sms_task_upload_log(admin, task_id, "my-log-bucket", &e_));
    sms_task task;
    CALL_OK("show task", sms_show_task(admin, task_id, &task, &e_));
    assert_string_equal(task.log_collect_status, "UPLOADING");
    sms_free(&SMS_T_TASK, &task);
    sms_server s;
    CALL_OK("show server", sms_show_server(admin, server_id, &s, &e_));
    assert_string_equal(s.current_task.log_bucket, "my-log-bucket");
    sms_free(&SMS_T_SERVER, &s);

    sms_consistency_results r;
    CALL_OK("consistency", sms_get_consistency(admin, task_id, &r, &e_));
    assert_int_equal(r.n_result_list, 0);              /* nothing checked yet */
    sms_free(&SMS_T_CONSISTENCY_RESULTS, &r);
    sms_consistency_result items[2] = { { .dir_check = "/etc", .num_total_files = 120, .num_different_files = 2,
                                          .num_target_miss_files = 1, .num_target_more_files = 0 },
                                        { .dir_check = "/var/lib", .num_total_files = 5000 } };
    /* the agent uploads under consistency_result; the service answers runs in result_list */
    sms_consistency_results posted = { .consistency_result = items, .n_consistency_result = 2,
                                       .finished_time = 1700000000000LL };
    CALL_OK("post consistency", sms_agent_post_consistency(admin, task_id, &posted, &e_));
    CALL_OK("consistency", sms_get_consistency(admin, task_id, &r, &e_));
    assert_int_equal(r.n_result_list, 1);
    assert_string_equal(r.task_id, task_id);
    const sms_consistency_check *run = &r.result_list[0];
    assert_int_equal(run->finished_time, 1700000000000LL);
    assert_int_equal(run->n_consistency_result, 2);
    assert_string_equal(run->consistency_result[0].dir_check, "/etc");
    assert_int_equal(run->consistency_result[0].num_total_files, 120);
    assert_int_equal(run->consistency_result[0].num_different_files, 2);
    assert_int_equal(run->consistency_result[0].num_target_miss_files, 1);
    assert_string_equal(run->consistency_result[1].dir_check, "/var/lib");
    assert_int_equal(run->consistency_result[1].num_total_files, 5000);
    sms_free(&SMS_T_CONSISTENCY_RESULTS, &r);
}

static void test_export_in_batches_of_200(void **state)
{
    (void)state;
    enum { N = 450 };
    sms_consistency_task *items = calloc(N, sizeof *items);
    for (size_t i = 0; i < N; i++)
        items[i] = (sms_consistency_task){ task_id, server_id, "name" };
    uint64_t before = sms_client_get_stats(admin).requests;
    CALL_OK("export", sms_export_consistency(admin, items, N, &e_));
    assert_int_equal(sms_client_get_stats(admin).requests - before, 3);   /* 200 + 200 + 50 */
    /* a batch failing stops the rest */
    items[250].task_id = "no-such-task";
    before = sms_client_get_stats(admin).requests;
    sms_call_error e;
    assert_int_equal(sms_export_consistency(admin, items, N, &e), -1);
    assert_int_equal(e.kind, SMS_E_HTTP);
    sms_call_error_free(&e);
    assert_int_equal(sms_client_get_stats(admin).requests - before, 2);
    free(items);
}

/* A server whose migration failed is listed with its identity; the others are not. */
static void test_list_errors(void **state)
{
    (void)state;
    sms_mig_error_list l;
    CALL_OK("list errors", sms_list_errors(admin, &l, &e_));
    size_t before = l.n_migration_errors;
    sms_free(&SMS_T_MIG_ERROR_LIST, &l);

    sms_nic nic = { .name = "eth0", .ip = "10.9.8.7", .mac = "fa:16:3e:00:00:09" };
    sms_server body = { .name = "errors-test", .ip = "10.9.8.7", .os_type = "LINUX", .os_version = "CENTOS7.6",
                        .agent_version = "23.1.0", .networks = &nic, .n_networks = 1 };
    char *id = NULL, *tid = NULL;
    CALL_OK("register", sms_agent_register(admin, &body, &id, &e_));
    tid = create_task(id, "errors-test-task", "errors-test-target");
    CALL_OK("start", sms_task_do_action(admin, tid, "start", &e_));
    sms_command cmd;
    CALL_OK("agent poll", sms_agent_get_command(admin, id, &cmd, &e_));
    assert_string_equal(cmd.command_name, "START");
    sms_free(&SMS_T_COMMAND, &cmd);
    sms_command_result fail = { .command_name = "START", .result = "fail",
                                .result_detail = "{\"error_code\":\"SMS.0807\",\"error_msg\":\"network error\"}" };
    CALL_OK("agent report", sms_agent_report_result(admin, id, &fail, &e_));

    CALL_OK("list errors", sms_list_errors(admin, &l, &e_));
    assert_int_equal(l.n_migration_errors, before + 1);
    assert_int_equal((size_t)l.count, l.n_migration_errors);
    size_t found = 0;
    for (size_t i = 0; i < l.n_migration_errors; i++) {
        const sms_mig_error *m = &l.migration_errors[i];
        if (strcmp(m->source_id, id) != 0)
            continue;
        found++;
        assert_string_equal(m->name, "errors-test");
        assert_string_equal(m->source_ip, "10.9.8.7");
    }
    assert_int_equal(found, 1);
    sms_free(&SMS_T_MIG_ERROR_LIST, &l);
    free(id);
    free(tid);
}

/* A server whose task runs cannot be deleted (SMS.2015, decoded); another one can. */
static void test_stop_and_delete(void **state)
{
    (void)state;
    CALL_OK("stop", sms_task_do_action(admin, task_id, "stop", &e_));
    sms_call_error e;
    assert_int_equal(sms_delete_server(admin, server_id, &e), -1);
    assert_int_equal(e.http_status, 400);
    assert_string_equal(e.api.error_code, "SMS.2015");
    sms_call_error_free(&e);

    sms_server_list l;
    CALL_OK("list", sms_list_servers(admin, NULL, &l, &e_));
    char *other = NULL;
    for (size_t i = 0; i < l.n_source_servers && !other; i++)
        if (strcmp(l.source_servers[i].id, server_id) != 0 && !l.source_servers[i].has_current_task)
            other = strdup(l.source_servers[i].id);
    sms_free(&SMS_T_SERVER_LIST, &l);
    assert_non_null(other);
    CALL_OK("delete server", sms_delete_server(admin, other, &e_));
    sms_server s;
    assert_int_equal(sms_show_server(admin, other, &s, &e), -1);
    assert_int_equal(e.http_status, 404);
    sms_call_error_free(&e);
    free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_servers_with_filters),
        cmocka_unit_test(test_overview_counts_fleet),
        cmocka_unit_test(test_create_and_show_task),
        cmocka_unit_test(test_speed_limits_round_trip),
        cmocka_unit_test(test_task_action_and_illegal_action),
        cmocka_unit_test(test_upload_log_and_consistency),
        cmocka_unit_test(test_export_in_batches_of_200),
        cmocka_unit_test(test_list_errors),
        cmocka_unit_test(test_stop_and_delete),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

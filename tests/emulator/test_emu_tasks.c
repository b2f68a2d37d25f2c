/* test_emu_tasks.c - /v3/tasks over real HTTP, with the test playing the agent: create,
 * the state machine of docs/api-model.md §4.5 (start -> RUNNING -> ... -> finished; stop -> ABORT;
 * restart only from MIGRATE_FAIL; continuous sync and launch; incremental sync; clone;
 * clear), illegal actions and their documented 400s, delete rules, progress, speed
 * limits, log upload, consistency results and export bounds, list paging and filters. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "emu_http.h"

typedef struct fx { smsemu *e; const char *url; char *tok; char *sid, *tid; } fx;

static int setup_at_speed(void **state, double speed)
{
    fx *f = calloc(1, sizeof *f);
    smsemu_opts o = {.listen = "127.0.0.1:0", .servers = 0, .seed = 7, .speed = speed};
    f->e = eh_start_opts(&o);
    f->url = smsemu_url(f->e);
    f->tok = eh_login(f->url, "admin", "admin-pass");
    f->sid = eh_register(f->url, f->tok, "sm-host", "10.9.0.1");
    f->tid = eh_create_task(f->url, f->tok, f->sid, false);
    *state = f;
    return 0;
}

static int setup(void **state) { return setup_at_speed(state, 1.0); }
static int setup_speed10(void **state) { return setup_at_speed(state, 10.0); }

static int teardown(void **state)
{
    fx *f = *state;
    eh_resp r;
    eh_request(f->url, "POST", "/emulator/clock?reset=true", "", NULL, 0, &r);
    eh_resp_free(&r);
    free(f->tok);
    free(f->sid);
    free(f->tid);
    smsemu_stop(f->e);
    free(f);
    return 0;
}

static long action(fx *f, const char *op, eh_resp *keep)
{
    char path[128], body[96];
    snprintf(path, sizeof path, "/v3/tasks/%s/action", f->tid);
    snprintf(body, sizeof body, "{\"operation\":\"%s\"}", op);
    eh_resp r;
    eh_call(f->url, f->tok, "POST", path, body, &r);
    long st = r.status;
    if (keep)
        *keep = r;
    else
        eh_resp_free(&r);
    return st;
}

static void expect_action_400(fx *f, const char *op, const char *code)
{
    eh_resp r;
    if (action(f, op, &r) != 400)
        fail_msg("%s: expected 400 %s, got %ld %s", op, code, r.status, r.body ? r.body : "");
    assert_string_equal(eh_str(r.json, "error_code"), code);
    eh_resp_free(&r);
}

/* Task state, server state and cycle as the API shows them now. */
static void expect_states(fx *f, const char *task, const char *server, const char *cycle)
{
    char path[128];
    eh_resp r;
    snprintf(path, sizeof path, "/v3/tasks/%s", f->tid);
    eh_call(f->url, f->tok, "GET", path, NULL, &r);
    assert_int_equal(r.status, 200);
    if (task)
        assert_string_equal(eh_str(r.json, "state"), task);
    eh_resp_free(&r);
    snprintf(path, sizeof path, "/v3/sources/%s", f->sid);
    eh_call(f->url, f->tok, "GET", path, NULL, &r);
    assert_int_equal(r.status, 200);
    if (server)
        assert_string_equal(eh_str(r.json, "state"), server);
    if (cycle)
        assert_string_equal(eh_str(r.json, "migration_cycle"), cycle);
    if (task)
        assert_string_equal(eh_str(r.json, "current_task.state"), task);
    eh_resp_free(&r);
}

static void agent_gets(fx *f, const char *expected)
{
    char *cmd = eh_agent_poll(f->url, f->tok, f->sid);
    assert_string_equal(cmd, expected);
    free(cmd);
}

/* The agent drains older commands (a DELETE of an earlier task, START...) before this one. */
static void agent_gets_later(fx *f, const char *expected)
{
    for (int i = 0; i < 16; i++) {
        char *cmd = eh_agent_poll(f->url, f->tok, f->sid);
        bool found = cmd && strcmp(cmd, expected) == 0;
        bool none = !cmd || !*cmd;
        free(cmd);
        if (found)
            return;
        if (none)
            break;
    }
    fail_msg("the agent never got %s", expected);
}

static void advance(fx *f, int seconds)
{
    char path[64];
    snprintf(path, sizeof path, "/emulator/clock?advance_s=%d", seconds);
    assert_int_equal(eh_call_status(f->url, NULL, "POST", path, ""), 200);
}

/* The operator's op, which the agent receives as command and answers with result. */
static void act_and_report(fx *f, const char *op, const char *command, const char *result)
{
    assert_int_equal(action(f, op, NULL), 200);
    agent_gets(f, command);
    assert_int_equal(eh_agent_report(f->url, f->tok, f->sid, command, result), 200);
}

#define TOTAL 42949672960LL

static void run_to_copy_end(fx *f)
{
    assert_int_equal(eh_progress(f->url, f->tok, f->tid, "CREATE_CLOUD_SERVER", 100, 0, TOTAL), 200);
    expect_states(f, "RUNNING", "initialize", "replicating");
    assert_int_equal(eh_progress(f->url, f->tok, f->tid, "MIGRATE_LINUX_BLOCK", 50, TOTAL / 2, TOTAL), 200);
    expect_states(f, "RUNNING", "replicate", "replicating");
    assert_int_equal(eh_progress(f->url, f->tok, f->tid, "MIGRATE_LINUX_BLOCK", 100, TOTAL, TOTAL), 200);
}

/* Starts the task, hands the agent its START and reports the whole copy. */
static void start_and_copy(fx *f)
{
    assert_int_equal(action(f, "start", NULL), 200);
    agent_gets(f, "START");
    run_to_copy_end(f);
}

static void test_full_migration(void **state)
{
    fx *f = *state;
    expect_states(f, "READY", "waiting", "setting");
    agent_gets(f, "TASK_NOT_STARTED");                   /* nothing pending: where it stands */
    assert_int_equal(action(f, "start", NULL), 200);
    expect_states(f, "RUNNING", "initialize", "replicating");
    agent_gets(f, "START");
    assert_int_equal(eh_agent_report(f->url, f->tok, f->sid, "START", "success"), 200);
    run_to_copy_end(f);
    /* syncing=false: automatic launch, then finished */
    expect_states(f, "RUNNING", "cutovering", "cutovering");
    assert_int_equal(eh_progress(f->url, f->tok, f->tid, "CONFIGURE_LINUX_BLOCK", 100, TOTAL, TOTAL), 200);
    advance(f, 30);
    expect_states(f, "MIGRATE_SUCCESS", "finished", "cutovered");
    char path[128];
    eh_resp r;
    snprintf(path, sizeof path, "/v3/tasks/%s", f->tid);
    eh_call(f->url, f->tok, "GET", path, NULL, &r);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "sub_tasks")), 3);
    assert_string_equal(eh_str(r.json, "sub_tasks.1.name"), "MIGRATE_LINUX_BLOCK");
    assert_int_equal((int)eh_num(r.json, "sub_tasks.1.progress"), 100);
    assert_true(eh_num(r.json, "finish_date") > 0);
    eh_resp_free(&r);
    snprintf(path, sizeof path, "/v3/sources/%s", f->sid);
    eh_call(f->url, f->tok, "GET", path, NULL, &r);
    assert_true(eh_num(r.json, "replicatesize") == (double)TOTAL);
    assert_true(eh_num(r.json, "totalsize") == (double)TOTAL);
    eh_resp_free(&r);
    agent_gets(f, "TASK_HAS_FINISHED");
    /* illegal now */
    expect_action_400(f, "start", "SMS.1039");
    expect_action_400(f, "stop", "SMS.1038");
    expect_action_400(f, "restart", "SMS.1040");
}

static void test_stop_and_resume(void **state)
{
    fx *f = *state;
    expect_action_400(f, "stop", "SMS.1038");             /* READY cannot be paused */
    assert_int_equal(action(f, "start", NULL), 200);
    agent_gets(f, "START");
    assert_int_equal(eh_progress(f->url, f->tok, f->tid, "MIGRATE_LINUX_BLOCK", 30, TOTAL / 3, TOTAL), 200);
    expect_action_400(f, "start", "SMS.1039");            /* already running */
    assert_int_equal(action(f, "stop", NULL), 200);
    expect_states(f, "ABORTING", "stopping", NULL);
    expect_action_400(f, "start", "SMS.1039");            /* still stopping: not yet paused */
    expect_action_400(f, "stop", "SMS.1038");             /* already stopping */
    char path[128];
    snprintf(path, sizeof path, "/v3/tasks/%s", f->tid);
    eh_expect_error(f->url, f->tok, "DELETE", path, NULL, 400, "SMS.2015");   /* stopping is busy */
    expect_states(f, "ABORTING", "stopping", NULL);
    agent_gets(f, "STOP");
    assert_int_equal(eh_agent_report(f->url, f->tok, f->sid, "STOP", "success"), 200);
    expect_states(f, "ABORT", "stopped", NULL);
    /* a paused task takes no progress, and resumes with start */
    assert_int_equal(eh_progress(f->url, f->tok, f->tid, "MIGRATE_LINUX_BLOCK", 31, TOTAL / 3, TOTAL), 400);
    expect_action_400(f, "restart", "SMS.1040");
    assert_int_equal(action(f, "start", NULL), 200);
    expect_states(f, "RUNNING", "replicate", "replicating");
    agent_gets(f, "START");
}

static void test_fail_and_restart(void **state)
{
    fx *f = *state;
    act_and_report(f, "start", "START", "fail");
    expect_states(f, "MIGRATE_FAIL", "error", NULL);
    char path[128];
    eh_resp r;
    snprintf(path, sizeof path, "/v3/tasks/%s", f->tid);
    eh_call(f->url, f->tok, "GET", path, NULL, &r);
    assert_non_null(strstr(eh_str(r.json, "error_json"), "SMS.0807"));
    eh_resp_free(&r);
    expect_action_400(f, "start", "SMS.1039");            /* use restart */
    assert_int_equal(action(f, "restart", NULL), 200);
    expect_states(f, "RUNNING", "initialize", "replicating");
    agent_gets(f, "START");
    eh_call(f->url, f->tok, "GET", path, NULL, &r);
    assert_null(eh_str(r.json, "error_json"));
    eh_resp_free(&r);
}

static void test_continuous_sync_launch_clone(void **state)
{
    fx *f = *state;
    eh_resp r;
    char path[128];
    snprintf(path, sizeof path, "/v3/tasks/%s", f->tid);
    eh_call(f->url, f->tok, "DELETE", path, NULL, &r);    /* READY may be deleted */
    assert_int_equal(r.status, 200);
    eh_resp_free(&r);
    free(f->tid);
    f->tid = eh_create_task(f->url, f->tok, f->sid, true);
    expect_action_400(f, "test", "SMS.1043");             /* not in continuous sync yet */
    expect_action_400(f, "clone_test", "SMS.1043");
    assert_int_equal(action(f, "start", NULL), 200);
    run_to_copy_end(f);
    expect_states(f, "SYNCING", "syncing", "syncing");
    assert_int_equal(eh_progress(f->url, f->tok, f->tid, "SYNC_LINUX_BLOCK", 100, 10, 10), 200);
    expect_states(f, "SYNCING", "syncing", "syncing");   /* continuous: stays */
    assert_int_equal(action(f, "clone_test", NULL), 200);
    expect_states(f, "SYNCING", "cloning", NULL);
    advance(f, 60);
    expect_states(f, "SYNCING", "syncing", NULL);
    snprintf(path, sizeof path, "/v3/tasks/%s", f->tid);
    eh_call(f->url, f->tok, "GET", path, NULL, &r);
    assert_string_equal(eh_str(r.json, "clone_server.clone_state"), "FINISHED");
    eh_resp_free(&r);
    assert_int_equal(action(f, "migration_test", NULL), 200);   /* a drill, in continuous sync */
    expect_states(f, "SYNCING", "premigready", NULL);
    agent_gets_later(f, "PREMIGRATE");
    expect_action_400(f, "test", "SMS.1043");             /* not during the drill */
    advance(f, 60);
    expect_states(f, "SYNCING", "premiged", NULL);
    assert_int_equal(action(f, "test", NULL), 200);       /* launch the target */
    expect_states(f, NULL, "cutovering", "cutovering");
    advance(f, 60);
    expect_states(f, "MIGRATE_SUCCESS", "finished", "cutovered");
}

/* Invented operations never reach the state machine: the contract answers 400. */
static void test_undocumented_operations_are_400(void **state)
{
    fx *f = *state;
    expect_action_400(f, "sync", "SMS.0002");
    expect_action_400(f, "reset_log_acl", "SMS.0002");
    expect_action_400(f, "cutover", "SMS.0002");
    assert_int_equal(action(f, "network_check", NULL), 200);   /* documented, any state */
    char path[128];
    snprintf(path, sizeof path, "/v3/tasks/%s", f->tid);
    eh_resp r;
    eh_call(f->url, f->tok, "GET", path, NULL, &r);
    assert_string_equal(eh_str(r.json, "network_check_info.evaluation_result"), "good");
    eh_resp_free(&r);
}

static void test_clear_and_skip(void **state)
{
    fx *f = *state;
    expect_action_400(f, "clear", "SMS.1043");
    expect_action_400(f, "skip", "SMS.1043");
    assert_int_equal(action(f, "start", NULL), 200);
    assert_int_equal(action(f, "skip", NULL), 200);
    expect_states(f, "SKIPPING", "skipping", NULL);
    advance(f, 30);
    expect_states(f, "RUNNING", "replicate", NULL);
    assert_int_equal(eh_progress(f->url, f->tok, f->tid, "MIGRATE_LINUX_BLOCK", 100, TOTAL, TOTAL), 200);
    advance(f, 60);
    assert_int_equal(action(f, "clear", NULL), 200);
    expect_states(f, "MIGRATE_SUCCESS", "clearing", NULL);
    advance(f, 60);
    expect_states(f, "MIGRATE_SUCCESS", "cleared", NULL);
    expect_action_400(f, "clear", "SMS.1043");
    expect_action_400(f, "teleport", "SMS.0002");
    char path[128];
    snprintf(path, sizeof path, "/v3/tasks/%s/action", f->tid);
    assert_int_equal(eh_call_status(f->url, f->tok, "POST", path, "{\"operation\":7}"), 400);
    assert_int_equal(eh_call_status(f->url, f->tok, "POST", path, "{}"), 400);
    assert_int_equal(eh_call_status(f->url, f->tok, "POST", "/v3/tasks/nope/action",
                                    "{\"operation\":\"start\"}"), 404);
    /* small bodies are capped at 10 KiB (SMS.2004); exactly 10240 bytes is fine */
    char *big = malloc(10242);
    for (int size = 10240; size <= 10241; size++) {
        int n = snprintf(big, 10242, "{\"operation\":\"nope\",\"template_id\":\"");
        memset(big + n, 'a', (size_t)(size - n - 2));
        strcpy(big + size - 2, "\"}");
        assert_int_equal(strlen(big), (size_t)size);
        eh_expect_error(f->url, f->tok, "POST", path, big, 400, size > 10240 ? "SMS.2004" : "SMS.0002");
    }
    free(big);
}

static void test_delete_rules(void **state)
{
    fx *f = *state;
    char path[128];
    snprintf(path, sizeof path, "/v3/tasks/%s", f->tid);
    assert_int_equal(action(f, "start", NULL), 200);
    eh_resp r;
    eh_expect_error(f->url, f->tok, "DELETE", path, NULL, 400, "SMS.2015");
    /* allowed once the agent is gone (documented) */
    advance(f, 3600);
    assert_int_equal(eh_call_status(f->url, f->tok, "DELETE", path, NULL), 200);
    assert_int_equal(eh_call_status(f->url, f->tok, "GET", path, NULL), 404);
    /* the server is back to pending target configuration */
    char sp[128];
    snprintf(sp, sizeof sp, "/v3/sources/%s", f->sid);
    eh_call(f->url, f->tok, "GET", sp, NULL, &r);
    assert_string_equal(eh_str(r.json, "state"), "waiting");
    assert_string_equal(eh_str(r.json, "migration_cycle"), "checking");
    assert_null(cJSON_GetObjectItemCaseSensitive(r.json, "current_task"));
    eh_resp_free(&r);
    agent_gets(f, "START");
    agent_gets(f, "DELETE");
    assert_int_equal(eh_call_status(f->url, f->tok, "POST", "/v3/tasks/delete", "{\"ids\":[\"nope\"]}"), 404);
}

static void test_create_errors(void **state)
{
    fx *f = *state;
    /* required keys */
    assert_int_equal(eh_call_status(f->url, f->tok, "POST", "/v3/tasks",
                                    "{\"name\":\"t\",\"type\":\"MIGRATE_BLOCK\"}"), 400);
#define TPL "{\"name\":\"t\",\"type\":\"%s\",\"source_server\":{\"id\":\"%s\"},\"target_server\":{\"name\":\"x\"," \
            "\"disks\":[]},\"region_name\":\"r\",\"region_id\":\"r\",\"project_name\":\"p\",\"project_id\":\"p\"}"
    char body[512];
    snprintf(body, sizeof body, TPL, "MIGRATE_BLOCK", f->sid);
    eh_expect_error(f->url, f->tok, "POST", "/v3/tasks", body, 400, "SMS.2212");  /* the server already has a task */
    snprintf(body, sizeof body, TPL, "MIGRATE_BLOCK", "no-such-server");
    eh_expect_error(f->url, f->tok, "POST", "/v3/tasks", body, 400, "SMS.2216");
    snprintf(body, sizeof body, TPL, "MIGRATE_MAGIC", f->sid);
    assert_int_equal(eh_call_status(f->url, f->tok, "POST", "/v3/tasks", body), 400);
}

static void test_progress_speed_log(void **state)
{
    fx *f = *state;
    char path[128];
    eh_resp r;
    assert_int_equal(eh_progress(f->url, f->tok, f->tid, "MIGRATE_LINUX_BLOCK", 5, 1, TOTAL), 400); /* READY */
    assert_int_equal(action(f, "start", NULL), 200);
    assert_int_equal(eh_progress(f->url, f->tok, f->tid, "MIGRATE_LINUX_BLOCK", 101, 1, TOTAL), 400);
    assert_int_equal(eh_progress(f->url, f->tok, "nope", "MIGRATE_LINUX_BLOCK", 5, 1, TOTAL), 404);
    snprintf(path, sizeof path, "/v3/tasks/%s/progress", f->tid);
    /* subtask_name etc. required */
    assert_int_equal(eh_call_status(f->url, f->tok, "PUT", path, "{\"progress\":5}"), 400);
    /* speed limits */
    snprintf(path, sizeof path, "/v3/tasks/%s/speed-limit", f->tid);
    eh_call(f->url, f->tok, "GET", path, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "speed_limit")), 0);
    eh_resp_free(&r);
    assert_int_equal(eh_call_status(f->url, f->tok, "POST", path,
                                    "{\"speed_limit\":[{\"start\":\"08:00\",\"end\":\"18:00\",\"speed\":100,"
                                    "\"over_speed_threshold\":50}]}"), 200);
    eh_call(f->url, f->tok, "GET", path, NULL, &r);
    assert_string_equal(eh_str(r.json, "speed_limit.0.start"), "08:00");
    assert_int_equal((int)eh_num(r.json, "speed_limit.0.speed"), 100);
    eh_resp_free(&r);
    /* the help page's example windows: one-digit hours and 24:00 as the end of the day */
    assert_int_equal(eh_call_status(f->url, f->tok, "POST", path,
                                    "{\"speed_limit\":[{\"start\":\"0:00\",\"end\":\"8:00\",\"speed\":20},"
                                    "{\"start\":\"15:00\",\"end\":\"24:00\",\"speed\":25}]}"), 200);
    static const char *const bad[] = {
        "{\"speed_limit\":[{\"start\":\"8\",\"end\":\"18:00\",\"speed\":1}]}",
        "{\"speed_limit\":[{\"start\":\"08:00\",\"end\":\"24:01\",\"speed\":1}]}",
        "{\"speed_limit\":[{\"start\":\"08:00\",\"end\":\"25:00\",\"speed\":1}]}",
        "{\"speed_limit\":[{\"start\":\"8:0\",\"end\":\"18:00\",\"speed\":1}]}",
        "{\"speed_limit\":[{\"start\":\"08:00\",\"end\":\"18:00\",\"speed\":1001}]}",
        "{\"speed_limit\":[{\"end\":\"18:00\",\"speed\":1}]}",
        "{\"speed_limit\":\"fast\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        eh_call(f->url, f->tok, "POST", path, bad[i], &r);
        if (r.status != 400)
            fail_msg("%s: %ld", bad[i], r.status);
        eh_resp_free(&r);
    }
    /* log upload -> UPLOAD_LOG with the bucket -> UPLOADED */
    agent_gets(f, "START");
    snprintf(path, sizeof path, "/v3/tasks/%s/log", f->tid);
    assert_int_equal(eh_call_status(f->url, f->tok, "POST", path, "{}"), 400);
    assert_int_equal(eh_call_status(f->url, f->tok, "POST", path, "{\"log_bucket\":\"my-bucket\"}"), 200);
    char cp[128];
    snprintf(cp, sizeof cp, "/v3/sources/%s/command", f->sid);
    eh_call(f->url, f->tok, "GET", cp, NULL, &r);
    assert_string_equal(eh_str(r.json, "command_name"), "UPLOAD_LOG");
    assert_string_equal(eh_str(r.json, "command_param.bucket"), "my-bucket");
    eh_resp_free(&r);
    snprintf(cp, sizeof cp, "/v3/tasks/%s", f->tid);
    eh_call(f->url, f->tok, "GET", cp, NULL, &r);
    assert_string_equal(eh_str(r.json, "log_collect_status"), "UPLOADING");
    eh_resp_free(&r);
    assert_int_equal(eh_agent_report(f->url, f->tok, f->sid, "UPLOAD_LOG", "success"), 200);
    eh_call(f->url, f->tok, "GET", cp, NULL, &r);
    assert_string_equal(eh_str(r.json, "log_collect_status"), "UPLOADED");
    eh_resp_free(&r);
}

static void test_consistency_and_export(void **state)
{
    fx *f = *state;
    char path[128];
    eh_resp r;
    snprintf(path, sizeof path, "/v3/tasks/%s/consistency-result", f->tid);
    assert_int_equal(eh_call_status(f->url, f->tok, "POST", path,
                                    "{\"consistency_result\":[{\"dir_check\":\"/home\",\"num_total_files\":10,"
                                    "\"num_different_files\":1,\"num_target_miss_files\":0,"
                                    "\"num_target_more_files\":2}]}"), 200);
    eh_call(f->url, f->tok, "GET", path, NULL, &r);
    assert_string_equal(eh_str(r.json, "task_id"), f->tid);
    assert_string_equal(eh_str(r.json, "result_list.0.consistency_result.0.dir_check"), "/home");
    assert_int_equal((int)eh_num(r.json, "result_list.0.consistency_result.0.num_target_more_files"), 2);
    eh_resp_free(&r);
    eh_call(f->url, f->tok, "GET", "/v3/sources?is_consistency_result_exist=true", NULL, &r);
    assert_int_equal((int)eh_num(r.json, "count"), 1);
    eh_resp_free(&r);
    /* export: 1-200 items, known tasks */
    char item[160];
    snprintf(item, sizeof item, "{\"task_id\":\"%s\",\"source_id\":\"%s\",\"source_name\":\"sm-host\"}", f->tid, f->sid);
    size_t cap = 201 * sizeof item + 64;
    char *body = malloc(cap);
    for (int n = 0; n <= 201; n += (n == 1 ? 199 : n == 200 ? 1 : 1)) {
        size_t off = (size_t)snprintf(body, cap, "{\"task_info\":[");
        for (int i = 0; i < n; i++)
            off += (size_t)snprintf(body + off, cap - off, "%s%s", i ? "," : "", item);
        snprintf(body + off, cap - off, "]}");
        eh_call(f->url, f->tok, "POST", "/v3/tasks/consistency-results/export", body, &r);
        long want = (n >= 1 && n <= 200) ? 200 : 400;
        if (r.status != want)
            fail_msg("export of %d items: %ld, expected %ld", n, r.status, want);
        eh_resp_free(&r);
    }
    free(body);
    /* the answer is a CSV file of what was exported (the emulator's choice, README), with
     * quotes in a name doubled */
    char one[256], want[256];
    snprintf(one, sizeof one, "{\"task_info\":[{\"task_id\":\"%s\",\"source_id\":\"%s\","
             "\"source_name\":\"db \\\"main\\\"\"}]}", f->tid, f->sid);
    eh_call(f->url, f->tok, "POST", "/v3/tasks/consistency-results/export", one, &r);
    assert_int_equal(r.status, 200);
    snprintf(want, sizeof want, "task_id,source_id,source_name\n\"%s\",\"%s\",\"db \"\"main\"\"\"\n",
             f->tid, f->sid);
    assert_string_equal(r.body, want);
    eh_resp_free(&r);
    assert_int_equal(eh_call_status(f->url, f->tok, "POST", "/v3/tasks/consistency-results/export",
                                    "{\"task_info\":[{\"task_id\":\"nope\",\"source_id\":\"x\",\"source_name\":\"y\"}]}"), 404);
}

/* Pause then resume: a task whose replication had completed goes back to what it was
 * doing (docs/api-model.md §4.5: continuous sync = task SYNCING, server syncing), not to
 * replicating, and the agent is told to START again. */
static void stop_and_confirm(fx *f)
{
    act_and_report(f, "stop", "STOP", "success");
    expect_states(f, "ABORT", "stopped", NULL);
    agent_gets(f, "TASK_HAS_STOPPED");
}

static void test_resume_continuous_sync(void **state)
{
    fx *f = *state;
    eh_resp r;
    char path[128];
    snprintf(path, sizeof path, "/v3/tasks/%s", f->tid);
    eh_call(f->url, f->tok, "DELETE", path, NULL, &r);
    eh_resp_free(&r);
    agent_gets(f, "DELETE");                              /* of the READY task */
    assert_int_equal(eh_agent_report(f->url, f->tok, f->sid, "DELETE", "success"), 200);
    free(f->tid);
    f->tid = eh_create_task(f->url, f->tok, f->sid, true);
    start_and_copy(f);
    expect_states(f, "SYNCING", "syncing", "syncing");
    stop_and_confirm(f);
    assert_int_equal(action(f, "start", NULL), 200);
    expect_states(f, "SYNCING", "syncing", "syncing");
    agent_gets(f, "START");
    /* and it still ends the documented way: launch the target */
    assert_int_equal(action(f, "test", NULL), 200);
    advance(f, 60);
    expect_states(f, "MIGRATE_SUCCESS", "finished", "cutovered");
}

/* Paused during the automatic launch: resuming launches again. */
static void test_resume_during_launch(void **state)
{
    fx *f = *state;
    start_and_copy(f);
    expect_states(f, "RUNNING", "cutovering", "cutovering");
    stop_and_confirm(f);
    advance(f, 60);                                        /* paused: no launch */
    expect_states(f, "ABORT", "stopped", NULL);
    assert_int_equal(action(f, "start", NULL), 200);
    expect_states(f, "RUNNING", "cutovering", "cutovering");
    advance(f, 60);
    expect_states(f, "MIGRATE_SUCCESS", "finished", "cutovered");
}


/* The automatic launch takes 10 s of emulated time: 1 s at speed 10, 10 s at speed 1.
 * Two seconds later it is over at speed 10 and still running at speed 1. */
static void test_auto_launch_scales_with_speed(void **state, const char *after_2s)
{
    fx *f = *state;
    assert_int_equal(action(f, "start", NULL), 200);
    run_to_copy_end(f);
    expect_states(f, "RUNNING", "cutovering", "cutovering");
    advance(f, 2);
    expect_states(f, after_2s, NULL, NULL);
}

static void test_auto_launch_at_speed1(void **state)
{
    test_auto_launch_scales_with_speed(state, "RUNNING");
}

static void test_auto_launch_at_speed10(void **state)
{
    test_auto_launch_scales_with_speed(state, "MIGRATE_SUCCESS");
}

static void test_task_list(void **state)
{
    fx *f = *state;
    char *ids[30];
    for (int i = 0; i < 30; i++) {
        char name[32], ip[32];
        snprintf(name, sizeof name, "tl-%02d", i);
        snprintf(ip, sizeof ip, "10.8.0.%d", i + 1);
        char *sid = eh_register(f->url, f->tok, name, ip);
        ids[i] = eh_create_task(f->url, f->tok, sid, false);
        free(sid);
    }
    eh_resp r;
    eh_call(f->url, f->tok, "GET", "/v3/tasks?limit=10&offset=25", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal((int)eh_num(r.json, "count"), 31);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "tasks")), 6);
    assert_string_equal(eh_str(r.json, "tasks.5.id"), ids[29]);
    eh_resp_free(&r);
    assert_int_equal(action(f, "start", NULL), 200);
    eh_call(f->url, f->tok, "GET", "/v3/tasks?state=RUNNING", NULL, &r);
    assert_int_equal((int)eh_num(r.json, "count"), 1);
    assert_string_equal(eh_str(r.json, "tasks.0.id"), f->tid);
    assert_string_equal(eh_str(r.json, "tasks.0.source_server.state"), "initialize");
    eh_resp_free(&r);
    char path[128];
    snprintf(path, sizeof path, "/v3/tasks?source_server_id=%s", f->sid);
    eh_call(f->url, f->tok, "GET", path, NULL, &r);
    assert_int_equal((int)eh_num(r.json, "count"), 1);
    eh_resp_free(&r);
    assert_int_equal(eh_call_status(f->url, f->tok, "GET", "/v3/tasks?limit=201", NULL), 400);
    assert_int_equal(eh_call_status(f->url, f->tok, "GET", "/v3/tasks?offset=65536", NULL), 400);
    for (int i = 0; i < 30; i++)
        free(ids[i]);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_migration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_and_resume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fail_and_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_continuous_sync_launch_clone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undocumented_operations_are_400, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clear_and_skip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_speed_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_consistency_and_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_task_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_continuous_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_during_launch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_launch_at_speed1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auto_launch_at_speed10, setup_speed10, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}

/* test_fleet.c - the simulated fleet: register bodies (deterministic, valid, varied), the
 * wave plan, and a small fleet against the in-process emulator over real HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include "api/client.h"
#include "emulator/emulator.h"
#include "emulator/fleet.h"
#include "emulator/wave.h"
#include "model/codec.h"

#define FLEET_SEED 7
#define FLEET_SIZE 50
#define FLEET_SPEED 300.0         /* a full replication (6-12 min simulated) in 1.2-2.4 s */
#define WAIT_MS 30000               /* generous deadline under ASan on a busy machine */

static char *body_json(uint64_t seed, int i)
{
    sms_server s;
    assert_int_equal(smsemu_fleet_body(seed, i, &s), 0);
    char *j = sms_to_json(&SMS_T_REGISTER, &s);
    assert_non_null(j);
    sms_free(&SMS_T_REGISTER, &s);
    return j;
}

/* ---- bodies ---------------------------------------------------------------------- */

static void test_body_is_deterministic(void **state)
{
    (void)state;
    for (int i = 0; i < 40; i++) {
        char *a = body_json(FLEET_SEED, i), *b = body_json(FLEET_SEED, i);
        assert_string_equal(a, b);
        char *other_seed = body_json(FLEET_SEED + 1, i);
        char *other_agent = body_json(FLEET_SEED, i + 1);
        assert_string_not_equal(a, other_seed);
        assert_string_not_equal(a, other_agent);
        free(a);
        free(b);
        free(other_seed);
        free(other_agent);
    }
}

/* Every body passes the codec as a server would read it (request mode: required keys,
 * limits), survives a round trip unchanged, and stays under the 10 KiB body cap. */
static void test_body_is_valid_register_request(void **state)
{
    (void)state;
    for (int i = 0; i < 300; i++) {
        char *j = body_json(FLEET_SEED, i);
        sms_server back;
        sms_jerr err;
        int rc = sms_parse(&SMS_T_REGISTER, j, strlen(j), &back, SMS_DECODE_REQUEST, &err);
        if (rc != 0) {
            char msg[400];
            sms_jerr_format(&err, msg, sizeof msg);
            fail_msg("agent %d: %s", i, msg);
        }
        char *again = sms_to_json(&SMS_T_REGISTER, &back);
        assert_string_equal(j, again);
        assert_true(strlen(j) <= 10240);
        free(again);
        sms_free(&SMS_T_REGISTER, &back);
        free(j);
    }
}

typedef struct variety {
    int linux_n, windows_n, lvm_spanning, btrfs_nested, drive_letters, multi_nic;
} variety;

static void count_variety(const sms_server *s, variety *v)
{
    if (strcmp(s->os_type, "LINUX") == 0)
        v->linux_n++;
    if (strcmp(s->os_type, "WINDOWS") == 0)
        v->windows_n++;
    for (size_t k = 0; k < s->n_volume_groups; k++)
        if (strchr(s->volume_groups[k].components, ';') && s->volume_groups[k].n_logical_volumes)
            v->lvm_spanning++;
    for (size_t k = 0; k < s->n_btrfs_list; k++)
        for (size_t j = 0; j < s->btrfs_list[k].n_subvolumn; j++)
            if (strcmp(s->btrfs_list[k].subvolumn[j].parent_id, "5") != 0) {
                v->btrfs_nested++;      /* a subvolume under another subvolume */
                break;
            }
    for (size_t k = 0; k < s->n_disks; k++)
        for (size_t j = 0; j < s->disks[k].n_physical_volumes; j++)
            if (strcmp(s->disks[k].physical_volumes[j].name, "D:\\") == 0)
                v->drive_letters++;
    if (s->n_networks > 1)
        v->multi_nic++;
}

static void test_fleet_is_varied(void **state)
{
    (void)state;
    variety v = {0};
    char *names[100];
    for (int i = 0; i < 100; i++) {
        sms_server s;
        assert_int_equal(smsemu_fleet_body(FLEET_SEED, i, &s), 0);
        count_variety(&s, &v);
        names[i] = strdup(s.name);
        for (int k = 0; k < i; k++)
            assert_string_not_equal(names[k], names[i]);
        sms_free(&SMS_T_REGISTER, &s);
    }
    for (int i = 0; i < 100; i++)
        free(names[i]);
    assert_true(v.linux_n >= 40);
    assert_true(v.windows_n >= 10);
    assert_true(v.lvm_spanning >= 10);
    assert_true(v.btrfs_nested >= 3);
    assert_true(v.drive_letters >= 3);
    assert_true(v.multi_nic >= 20);
}

/* A disk never claims more than its size; a Windows disk's used bytes are those of its
 * volumes (a disk at 99 % whose drive letters are at 14-44 % would contradict itself);
 * a Linux disk's are the space its partitions take, as in seed 001. */
static void test_disk_usage_agrees_with_partitions(void **state)
{
    (void)state;
    int windows_disks = 0;
    for (int i = 0; i < 100; i++) {
        sms_server s;
        assert_int_equal(smsemu_fleet_body(FLEET_SEED, i, &s), 0);
        bool windows = strcmp(s.os_type, "WINDOWS") == 0;
        for (size_t k = 0; k < s.n_disks; k++) {
            const sms_disk *d = &s.disks[k];
            int64_t used = 0, allocated = 0;
            for (size_t j = 0; j < d->n_physical_volumes; j++) {
                assert_true(d->physical_volumes[j].used_size <= d->physical_volumes[j].size);
                used += d->physical_volumes[j].used_size;
                allocated += d->physical_volumes[j].size;
            }
            assert_true(d->used_size <= d->size);
            assert_true(d->used_size == (windows ? used : allocated));
            windows_disks += windows;
        }
        sms_free(&SMS_T_REGISTER, &s);
    }
    assert_true(windows_disks >= 10);
}

/* ---- the plan ---------------------------------------------------------------------- */

static void test_plan_covers_every_stage(void **state)
{
    (void)state;
    int per_stage[SMSEMU_WAVE_N_STAGES] = {0}, disconnected = 0, failing = 0;
    for (int i = 0; i < FLEET_SIZE; i++) {
        smsemu_wave_plan p, again;
        smsemu_wave_plan_of(FLEET_SEED, i, &p);
        smsemu_wave_plan_of(FLEET_SEED, i, &again);
        assert_memory_equal(&p, &again, sizeof p);
        per_stage[p.stage]++;
        disconnected += p.disconnected;
        if (p.stage == SMSEMU_WAVE_FAILED) {
            assert_non_null(p.fail_code);
            assert_true(p.fail_percent > p.start_percent && p.fail_percent < 100);
            failing++;
        }
    }
    for (int s = 0; s < SMSEMU_WAVE_N_STAGES; s++)
        if (per_stage[s] == 0)
            fail_msg("no agent of %d plays stage %s", FLEET_SIZE, smsemu_wave_stage_name(s));
    assert_true(disconnected >= 1 && disconnected <= FLEET_SIZE / 10);
    assert_true(failing >= 2);
}

/* A wave keeps moving: at the demo's speed (10) the servers of the replicating stage
 * are still copying two minutes after they started, whatever their starting point. */
static void test_replicating_stage_lasts(void **state)
{
    (void)state;
    const double demo_speed = 10.0;
    int replicating = 0;
    for (int i = 0; i < 1000; i++) {
        smsemu_wave_plan p;
        smsemu_wave_plan_of(FLEET_SEED, i, &p);
        if (p.stage != SMSEMU_WAVE_REPLICATING)
            continue;
        replicating++;
        int64_t left_real_ms = smsemu_wave_real_ms(demo_speed, p.replicate_sim_ms) *
                               (100 - p.start_percent) / 100;
        if (left_real_ms < 2 * 60 * 1000)
            fail_msg("agent %d: replication over after %lld ms at speed 10", i,
                     (long long)left_real_ms);
    }
    assert_true(replicating > 0);
}

/* ---- against the emulator ---------------------------------------------------------- */

typedef struct live {
    smsemu *emu;
    sms_client *admin;
} live;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Starts the fleet's emulator, with the given faults from the start, and an admin client. */
static int start_live(void **state, const char *const *faults, size_t n_faults)
{
    live *l = calloc(1, sizeof *l);
    smsemu_opts o = {.listen = "127.0.0.1:0", .servers = FLEET_SIZE, .seed = FLEET_SEED,
                     .speed = FLEET_SPEED, .token_ttl_s = 86400, .quiet = true,
                     .faults = faults, .n_faults = n_faults};
    char err[256] = "";
    l->emu = smsemu_start(&o, err, sizeof err);
    if (!l->emu)
        fail_msg("smsemu_start: %s", err);
    smsemu_fleet_opts fo = {.url = smsemu_url(l->emu), .seed = FLEET_SEED, .speed = FLEET_SPEED,
                            .quiet = true};
    l->admin = smsemu_fleet_client_new(&fo, "test_fleet", err, sizeof err);
    if (!l->admin)
        fail_msg("admin client: %s", err);
    *state = l;
    return 0;
}

static int live_setup(void **state)
{
    return start_live(state, NULL, 0);
}

static int live_teardown(void **state)
{
    live *l = *state;
    sms_client_free(l->admin);
    smsemu_stop(l->emu);
    free(l);
    return 0;
}

static void list_all(live *l, sms_server_list *out)
{
    sms_call_error e = {0};
    if (sms_list_servers(l->admin, NULL, out, &e) != 0) {
        char buf[256];
        sms_call_error_summary(&e, buf, sizeof buf);
        fail_msg("list servers: %s", buf);
    }
}

static const sms_server *find_by_name(const sms_server_list *list, const char *name)
{
    for (size_t k = 0; k < list->n_source_servers; k++)
        if (list->source_servers[k].name && strcmp(list->source_servers[k].name, name) == 0)
            return &list->source_servers[k];
    return NULL;
}

static void test_every_agent_registers(void **state)
{
    live *l = *state;
    sms_server_list list = {0};
    list_all(l, &list);
    assert_int_equal(list.count, FLEET_SIZE);
    assert_int_equal(list.n_source_servers, FLEET_SIZE);
    for (int i = 0; i < FLEET_SIZE; i++) {
        sms_server body;
        assert_int_equal(smsemu_fleet_body(FLEET_SEED, i, &body), 0);
        const sms_server *s = find_by_name(&list, body.name);
        if (!s)
            fail_msg("agent %d (%s) is not registered", i, body.name);
        assert_string_equal(s->os_type, body.os_type);
        assert_string_equal(s->ip, body.ip);
        sms_free(&SMS_T_REGISTER, &body);
    }
    sms_free(&SMS_T_SERVER_LIST, &list);
}

/* Counts the distinct migration cycles, failed servers and disconnected ones. */
typedef struct wave_view { int cycles, errors, disconnected, with_progress; } wave_view;

static wave_view look_at_wave(live *l)
{
    static const char *const cycles[] = {"checking", "setting", "replicating", "syncing",
                                         "cutovering", "cutovered"};
    bool seen[6] = {false};
    wave_view v = {0};
    sms_server_list list = {0};
    list_all(l, &list);
    for (size_t k = 0; k < list.n_source_servers; k++) {
        const sms_server *s = &list.source_servers[k];
        for (int c = 0; c < 6; c++)
            if (s->migration_cycle && strcmp(s->migration_cycle, cycles[c]) == 0)
                seen[c] = true;
        if (s->state && strcmp(s->state, "error") == 0)
            v.errors++;
        if (!s->connected)
            v.disconnected++;
        if (s->replicatesize > 0 && s->totalsize > s->replicatesize)
            v.with_progress++;
    }
    for (int c = 0; c < 6; c++)
        v.cycles += seen[c];
    sms_free(&SMS_T_SERVER_LIST, &list);
    return v;
}

static void test_wave_spreads_over_cycles(void **state)
{
    live *l = *state;
    wave_view v = {0};
    int64_t deadline = now_ms() + WAIT_MS;
    while (now_ms() < deadline) {
        v = look_at_wave(l);
        if (v.cycles >= 4 && v.errors >= 1 && v.with_progress >= 1 && v.disconnected >= 1)
            break;
        pause_ms(250);
    }
    if (v.cycles < 4 || v.errors < 1 || v.with_progress < 1 || v.disconnected < 1)
        fail_msg("after %d ms: %d cycles, %d failed, %d replicating with progress, "
                 "%d disconnected", WAIT_MS, v.cycles, v.errors, v.with_progress,
                 v.disconnected);
    /* the failures carry the agent's error in the task's error_json */
    sms_mig_error_list errs = {0};
    sms_call_error e = {0};
    assert_int_equal(sms_list_errors(l->admin, &errs, &e), 0);
    assert_true(errs.n_migration_errors >= 1);
    assert_non_null(errs.migration_errors[0].error_json);
    assert_non_null(strstr(errs.migration_errors[0].error_json, "SMS."));
    sms_free(&SMS_T_MIG_ERROR_LIST, &errs);
}

/* The n-th agent (from 0) whose plan plays `stage`, connected and not flaky. */
static int agent_in_stage(smsemu_wave_stage stage, int n)
{
    for (int i = 0; i < FLEET_SIZE; i++) {
        smsemu_wave_plan p;
        smsemu_wave_plan_of(FLEET_SEED, i, &p);
        if (p.stage == stage && !p.disconnected && !p.flaky_commands && n-- == 0)
            return i;
    }
    fail_msg("no agent #%d in stage %s", n, smsemu_wave_stage_name(stage));
    return -1;
}

/* Server id (malloc'd) of agent i, found by its registered name. */
static char *server_id_of(live *l, int i)
{
    sms_server body;
    assert_int_equal(smsemu_fleet_body(FLEET_SEED, i, &body), 0);
    sms_server_list list = {0};
    list_all(l, &list);
    const sms_server *s = find_by_name(&list, body.name);
    if (!s)
        fail_msg("agent %d (%s) not listed", i, body.name);
    char *id = strdup(s->id);
    sms_free(&SMS_T_SERVER_LIST, &list);
    sms_free(&SMS_T_REGISTER, &body);
    return id;
}

/* Server id (malloc'd) of the n-th healthy agent the plan puts in stage. */
static char *server_in_stage(live *l, smsemu_wave_stage stage, int n)
{
    return server_id_of(l, agent_in_stage(stage, n));
}

/* Task id (malloc'd) of the server's current task; the test fails when it has none. */
static char *task_id_of(live *l, const char *server_id)
{
    sms_server s = {0};
    sms_call_error e = {0};
    char *id = NULL;
    if (sms_show_server(l->admin, server_id, &s, &e) == 0 && s.has_current_task &&
        s.current_task.id)
        id = strdup(s.current_task.id);
    sms_free(&SMS_T_SERVER, &s);
    sms_call_error_free(&e);
    if (!id)
        fail_msg("server %s has no current task", server_id);
    return id;
}

/* The operator's action on a task, which the service must accept. */
static void do_action(live *l, const char *task_id, const char *action)
{
    sms_call_error e = {0};
    if (sms_task_do_action(l->admin, task_id, action, &e) != 0) {
        char buf[256];
        sms_call_error_summary(&e, buf, sizeof buf);
        fail_msg("%s %s: %s", action, task_id, buf);
    }
    sms_call_error_free(&e);
}

/* GET /v3/tasks/{id} into *t (to be freed either way); false when the call failed. */
static bool show_task(live *l, const char *task_id, sms_task *t)
{
    sms_call_error e = {0};
    bool ok = sms_show_task(l->admin, task_id, t, &e) == 0;
    sms_call_error_free(&e);
    return ok;
}

/* Polls the task until its state (or, with field "log", its log_collect_status; with
 * "server", its source server's state) equals want; false at the deadline. */
static bool wait_task(live *l, const char *task_id, const char *field, const char *want)
{
    int64_t deadline = now_ms() + WAIT_MS;
    while (now_ms() < deadline) {
        sms_task t = {0};
        bool done = false;
        if (show_task(l, task_id, &t)) {
            const char *v = strcmp(field, "log") == 0      ? t.log_collect_status
                            : strcmp(field, "server") == 0 ? t.source_server.state
                                                           : t.state;
            done = v && strcmp(v, want) == 0;
        }
        sms_free(&SMS_T_TASK, &t);
        if (done)
            return true;
        pause_ms(200);
    }
    return false;
}

/* Task id (malloc'd) of the task the wave gave the server, once its state is `state`. */
static char *wave_task_once(live *l, const char *server_id, const char *state)
{
    char *task_id = task_id_of(l, server_id);
    if (!wait_task(l, task_id, "state", state))
        fail_msg("task %s of server %s never reached %s", task_id, server_id, state);
    return task_id;
}

static char *create_task_for(live *l, const char *server_id, const char *name)
{
    sms_create_task t = {0};
    char tname[96], target[96];
    snprintf(tname, sizeof tname, "test-%s", name);
    snprintf(target, sizeof target, "%s-target", name);
    t.name = tname;
    t.type = (char *)"MIGRATE_BLOCK";
    t.region_name = t.region_id = t.project_name = (char *)SMSEMU_PROJECT;
    t.project_id = (char *)SMSEMU_PROJECT_ID;
    t.has_source_server = true;
    t.source_server.id = (char *)server_id;
    t.has_target_server = true;
    t.target_server.name = target;
    char *task_id = NULL;
    sms_call_error e = {0};
    if (sms_task_create(l->admin, &t, &task_id, &e) != 0) {
        char buf[256];
        sms_call_error_summary(&e, buf, sizeof buf);
        fail_msg("create task: %s", buf);
    }
    return task_id;
}

static const char *json_str(const cJSON *obj, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

/* /emulator/commands?server_id= lists what the agent of a server was given and what it
 * reported; how many times it reported `command` with `result` for task_id. */
static int times_reported(live *l, const char *server_id, const char *task_id,
                          const char *command, const char *result)
{
    char path[160];
    snprintf(path, sizeof path, "/emulator/commands?server_id=%s", server_id);
    sms_response r = {0};
    sms_call_error e = {0};
    if (sms_request(l->admin, "GET", path, NULL, false, NULL, NULL, &r, &e) != 0) {
        sms_call_error_free(&e);
        return 0;
    }
    int found = 0;
    cJSON *j = cJSON_Parse(r.body ? r.body : "");
    const cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(j, "log")) {
        const char *event = json_str(ev, "event"), *name = json_str(ev, "command_name");
        const char *res = json_str(ev, "result"), *task = json_str(ev, "task_id");
        if (event && strcmp(event, "reported") == 0 && name && strcmp(name, command) == 0 &&
            res && strcmp(res, result) == 0 && task && strcmp(task, task_id) == 0)
            found++;
    }
    cJSON_Delete(j);
    sms_response_free(&r);
    return found;
}

static bool agent_reported(live *l, const char *server_id, const char *task_id,
                           const char *command, const char *result)
{
    return times_reported(l, server_id, task_id, command, result) > 0;
}

static bool wait_reported(live *l, const char *server_id, const char *task_id,
                          const char *command, const char *result)
{
    int64_t deadline = now_ms() + WAIT_MS;
    while (now_ms() < deadline) {
        if (agent_reported(l, server_id, task_id, command, result))
            return true;
        pause_ms(200);
    }
    return false;
}

static void test_operator_start_reaches_the_agent(void **state)
{
    live *l = *state;
    char *server_id = server_in_stage(l, SMSEMU_WAVE_IDLE, 0);
    char *task_id = create_task_for(l, server_id, "start");
    do_action(l, task_id, "start");

    bool reported = false, progressed = false;
    int64_t deadline = now_ms() + WAIT_MS;
    while (now_ms() < deadline && !(reported && progressed)) {
        reported = reported || agent_reported(l, server_id, task_id, "START", "success");
        sms_task t = {0};
        if (show_task(l, task_id, &t))
            for (size_t k = 0; k < t.n_sub_tasks; k++)
                progressed = progressed || t.sub_tasks[k].progress > 0;
        sms_free(&SMS_T_TASK, &t);
        pause_ms(200);
    }
    assert_true(progressed);
    assert_true(reported);
    /* the agent closed every step, so the service launched the target by itself */
    assert_true(wait_task(l, task_id, "state", "MIGRATE_SUCCESS"));
    free(task_id);
    free(server_id);
}

static void test_operator_stop_pauses_the_agent(void **state)
{
    live *l = *state;
    char *server_id = server_in_stage(l, SMSEMU_WAVE_IDLE, 1);
    char *task_id = create_task_for(l, server_id, "stop");
    do_action(l, task_id, "start");
    do_action(l, task_id, "stop");
    /* ABORTING until the agent confirms the STOP, then ABORT */
    assert_true(wait_task(l, task_id, "state", "ABORT"));
    assert_true(wait_reported(l, server_id, task_id, "STOP", "success"));
    free(task_id);
    free(server_id);
}

static void test_logs_and_clear_on_a_finished_server(void **state)
{
    live *l = *state;
    char *server_id = server_in_stage(l, SMSEMU_WAVE_FINISHED, 0);
    char *task_id = wave_task_once(l, server_id, "MIGRATE_SUCCESS");
    sms_call_error e = {0};
    assert_int_equal(sms_task_upload_log(l->admin, task_id, "sms-logs-bucket", &e), 0);
    assert_true(wait_task(l, task_id, "log", "UPLOADED"));
    assert_true(wait_reported(l, server_id, task_id, "UPLOAD_LOG", "success"));
    do_action(l, task_id, "clear");
    assert_true(wait_task(l, task_id, "server", "cleared"));
    free(task_id);
    free(server_id);
}

/* A planned failure happens once: the operator's restart runs the migration again from
 * scratch and this time it completes. */
static void test_restart_after_failure(void **state)
{
    live *l = *state;
    char *server_id = server_in_stage(l, SMSEMU_WAVE_FAILED, 0);
    char *task_id = wave_task_once(l, server_id, "MIGRATE_FAIL");
    assert_true(wait_reported(l, server_id, task_id, "START", "fail"));
    do_action(l, task_id, "restart");
    assert_true(wait_task(l, task_id, "state", "MIGRATE_SUCCESS"));
    free(task_id);
    free(server_id);
}

static void test_launch_ends_continuous_sync(void **state)
{
    live *l = *state;
    char *server_id = server_in_stage(l, SMSEMU_WAVE_SYNCING, 0);
    char *task_id = wave_task_once(l, server_id, "SYNCING");
    do_action(l, task_id, "test");
    assert_true(wait_task(l, task_id, "state", "MIGRATE_SUCCESS"));
    free(task_id);
    free(server_id);
}

/* The task's subtask_info ("STEP:pct%", the agent's last report), malloc'd or NULL. */
static char *subtask_info_of(live *l, const char *task_id)
{
    sms_task t = {0};
    char *info = NULL;
    if (show_task(l, task_id, &t) && t.subtask_info)
        info = strdup(t.subtask_info);
    sms_free(&SMS_T_TASK, &t);
    return info;
}

/* Pausing a task in continuous sync and starting it again resumes continuous sync: the
 * agent is told START, finds nothing left to copy, and its task is SYNCING again. */
static void test_resume_continuous_sync(void **state)
{
    live *l = *state;
    char *server_id = server_in_stage(l, SMSEMU_WAVE_SYNCING, 1);
    char *task_id = wave_task_once(l, server_id, "SYNCING");
    assert_true(wait_reported(l, server_id, task_id, "START", "success"));
    do_action(l, task_id, "stop");
    assert_true(wait_task(l, task_id, "state", "ABORT"));
    char *before = subtask_info_of(l, task_id), *next = NULL;
    do_action(l, task_id, "start");
    assert_true(wait_task(l, task_id, "state", "SYNCING"));
    /* until the agent confirms the START it reports nothing but incremental rounds: a
     * resumed task copies nothing again (a copy from scratch would show MIGRATE_* etc.) */
    int64_t deadline = now_ms() + WAIT_MS;
    while (now_ms() < deadline && times_reported(l, server_id, task_id, "START", "success") < 2) {
        free(next);
        next = subtask_info_of(l, task_id);
        bool new_report = next && (!before || strcmp(next, before) != 0);
        if (new_report && strncmp(next, "SYNC_", 5) != 0)
            fail_msg("after resuming, the agent reported %s", next);
        pause_ms(50);
    }
    assert_int_equal(times_reported(l, server_id, task_id, "START", "success"), 2);
    assert_true(wait_task(l, task_id, "state", "SYNCING"));  /* and it stays there */
    free(before);
    free(next);
    free(task_id);
    free(server_id);
}

/* With the agents' calls failing often (503) and every token revoked, the agents retry,
 * log in again and still carry a migration through. */
static void test_agents_ride_out_faults(void **state)
{
    live *l = *state;
    char *server_id = server_in_stage(l, SMSEMU_WAVE_IDLE, 3);
    char *task_id = create_task_for(l, server_id, "faults");
    static const char *const faults[] = {
        "/v3/sources/*/command*=status:503,p=0.4",
        "/v3/tasks/*/progress=status:503,p=0.4",
    };
    char err[200];
    assert_int_equal(smsemu_set_faults(l->emu, faults, 2, err, sizeof err), 0);
    smsemu_revoke_tokens(l->emu);
    do_action(l, task_id, "start");
    bool done = wait_task(l, task_id, "state", "MIGRATE_SUCCESS");
    smsemu_clear_faults(l->emu);
    assert_true(done);
    assert_true(wait_reported(l, server_id, task_id, "START", "success"));
    free(task_id);
    free(server_id);
}

/* Deleting a server sends its agent DELETE; once the agent reports it the record is gone
 * for good, even from the emulator's own command log. */
static void test_delete_reaches_the_agent(void **state)
{
    live *l = *state;
    char *server_id = server_in_stage(l, SMSEMU_WAVE_IDLE, 2);
    sms_call_error e = {0};
    assert_int_equal(sms_delete_server(l->admin, server_id, &e), 0);
    char path[160];
    snprintf(path, sizeof path, "/emulator/commands?server_id=%s", server_id);
    int status = 0;
    int64_t deadline = now_ms() + WAIT_MS;
    while (now_ms() < deadline && status != 404) {
        sms_response r = {0};
        sms_request(l->admin, "GET", path, NULL, false, NULL, NULL, &r, &e);
        status = r.status ? r.status : e.http_status;
        sms_response_free(&r);
        sms_call_error_free(&e);
        pause_ms(200);
    }
    assert_int_equal(status, 404);
    free(server_id);
}

/* ---- the wave when the service fails now and then -------------------------------------- */

static int faulty_setup(void **state)
{
    static const char *const faults[] = {"/v3/tasks*=status:503,p=0.1"};
    return start_live(state, faults, 1);
}

/* One task per server the plan puts in the wave, and exactly the planned ones left
 * unstarted (READY), although one call in ten to /v3/tasks fails with 503. */
static void test_wave_retries_lost_calls(void **state)
{
    live *l = *state;
    int planned = 0, unstarted = 0;
    for (int i = 0; i < FLEET_SIZE; i++) {
        smsemu_wave_plan p;
        smsemu_wave_plan_of(FLEET_SEED, i, &p);
        planned += p.stage != SMSEMU_WAVE_IDLE;
        unstarted += p.stage == SMSEMU_WAVE_SETTING;
    }
    int tasks = 0, ready = 0;
    int64_t deadline = now_ms() + WAIT_MS;
    while (now_ms() < deadline && !(tasks == planned && ready == unstarted)) {
        pause_ms(250);
        sms_task_list list = {0};
        sms_call_error e = {0};
        if (sms_list_tasks(l->admin, NULL, &list, &e) == 0) {
            tasks = (int)list.n_tasks;
            ready = 0;
            for (size_t k = 0; k < list.n_tasks; k++)
                ready += list.tasks[k].state && strcmp(list.tasks[k].state, "READY") == 0;
        }
        sms_free(&SMS_T_TASK_LIST, &list);
        sms_call_error_free(&e);
    }
    assert_int_equal(tasks, planned);
    assert_int_equal(ready, unstarted);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_body_is_deterministic),
        cmocka_unit_test(test_body_is_valid_register_request),
        cmocka_unit_test(test_fleet_is_varied),
        cmocka_unit_test(test_disk_usage_agrees_with_partitions),
        cmocka_unit_test(test_plan_covers_every_stage),
        cmocka_unit_test(test_replicating_stage_lasts),
    };
    const struct CMUnitTest against_emulator[] = {
        cmocka_unit_test(test_every_agent_registers),
        cmocka_unit_test(test_wave_spreads_over_cycles),
        cmocka_unit_test(test_operator_start_reaches_the_agent),
        cmocka_unit_test(test_operator_stop_pauses_the_agent),
        cmocka_unit_test(test_logs_and_clear_on_a_finished_server),
        cmocka_unit_test(test_launch_ends_continuous_sync),
        cmocka_unit_test(test_resume_continuous_sync),
        cmocka_unit_test(test_restart_after_failure),
        cmocka_unit_test(test_agents_ride_out_faults),
        cmocka_unit_test(test_delete_reaches_the_agent),
    };
    const struct CMUnitTest under_faults[] = {
        cmocka_unit_test(test_wave_retries_lost_calls),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);      /* before any thread: it is not thread-safe */
    int failed = cmocka_run_group_tests_name("fleet bodies", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("fleet live", against_emulator, live_setup,
                                          live_teardown);
    failed += cmocka_run_group_tests_name("fleet under faults", under_faults, faulty_setup,
                                          live_teardown);
    curl_global_cleanup();
    return failed;
}

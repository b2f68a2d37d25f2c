/* test_poller_actions.c - operator actions through the poller's worker against the
 * emulator: outcomes and history entries for admin (OK), viewer (403 with its fields),
 * a server without a task, and read-only mode (refused without a request). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "api/agent.h"
#include "api/clock.h"
#include "api/history.h"
#include "model/codec.h"
#include "poller_testutil.h"

typedef struct fixture {
    smsemu *emu;
    char **ids; size_t n;
    char *task_id;                  /* task configured on ids[0] (READY) */
    char dir[128], history[200];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->emu = pt_emu_start(3, true);
    f->ids = pt_server_ids(f->emu, &f->n);
    f->task_id = pt_create_task(f->emu, f->ids[0]);
    pt_tmpdir(f->dir, sizeof f->dir);
    snprintf(f->history, sizeof f->history, "%s/history.jsonl", f->dir);
    *state = f;
    return 0;
}

static int64_t clock_shifted_ms;           /* undone by teardown, even after a failure */

static void shift_clock(int64_t ms)
{
    sms_clock_test_shift_ms(ms);
    clock_shifted_ms += ms;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sms_clock_test_shift_ms(-clock_shifted_ms);
    clock_shifted_ms = 0;
    smsemu_stop(f->emu);
    pt_free_ids(f->ids, f->n);
    free(f->task_id);
    pt_rmtree(f->dir);
    free(f);
    return 0;
}

static sms_poller *start_as(fixture *f, const char *user, bool readonly)
{
    sms_poller_opts o = pt_poller_opts(f->emu, user);
    o.client.readonly = readonly;
    o.history_path = f->history;
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = pt_wait(p, pt_has_fleet, NULL, PT_WAIT_MS);
    assert_non_null(s);
    sms_snapshot_release(s);
    return p;
}

static uint64_t submit_one(sms_poller *p, sms_action_kind kind, char *server_id)
{
    sms_action_req req = { .kind = kind, .server_ids = &server_id, .n_server_ids = 1 };
    uint64_t id = sms_poller_submit(p, &req);
    assert_true(id > 0);
    return id;
}

typedef struct entry_arg { uint64_t id; bool want_state; } entry_arg;

static bool entry_done(const sms_snapshot *s, const void *arg)
{
    const entry_arg *a = arg;
    const sms_history_entry *e = pt_entry(s, a->id);
    return e && e->outcome != SMS_OUT_PENDING && (!a->want_state || e->state_after);
}

/* The outcomes the file recorded for an entry, in order ("PENDING,OK,OK"). */
static void file_outcomes(const char *path, uint64_t id, char *out, size_t len)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[65536];
    out[0] = '\0';
    while (fgets(line, sizeof line, fp)) {
        sms_history_entry e;
        if (sms_history_entry_parse(line, strlen(line), &e))
            continue;
        if (e.id == id)
            snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? "," : "",
                     sms_outcome_name(e.outcome));
        sms_history_entry_free(&e);
    }
    fclose(fp);
}

static void test_admin_start_is_ok_with_state_after(void **state)
{
    fixture *f = *state;
    sms_poller *p = start_as(f, "admin", false);
    uint64_t id = submit_one(p, SMS_ACT_START, f->ids[0]);
    entry_arg arg = { id, true };
    sms_snapshot *s = pt_wait(p, entry_done, &arg, PT_WAIT_MS);
    assert_non_null(s);
    const sms_history_entry *e = pt_entry(s, id);
    assert_int_equal(e->outcome, SMS_OUT_OK);
    assert_int_equal(e->action, SMS_ACT_START);
    assert_int_equal(e->error.kind, SMS_E_NONE);
    assert_string_equal(e->server_id, f->ids[0]);
    assert_string_equal(e->task_id, f->task_id);
    assert_string_equal(e->user, "admin");
    assert_string_equal(e->context, "test");
    assert_non_null(e->server_name);
    assert_true(e->done_ms >= e->at_ms);
    /* "server state / task state" from the next fetch: the task now runs */
    assert_non_null(strstr(e->state_after, " / RUNNING"));
    sms_snapshot_release(s);
    sms_poller_stop(p);

    char outcomes[256];
    file_outcomes(f->history, id, outcomes, sizeof outcomes);
    assert_int_equal(strncmp(outcomes, "PENDING,OK", 10), 0);    /* PENDING first, then OK */
}

static void test_viewer_gets_failed_with_the_403_fields(void **state)
{
    fixture *f = *state;
    sms_poller *p = start_as(f, "viewer", false);
    uint64_t id = submit_one(p, SMS_ACT_STOP, f->ids[0]);
    entry_arg arg = { id, false };
    sms_snapshot *s = pt_wait(p, entry_done, &arg, PT_WAIT_MS);
    assert_non_null(s);
    const sms_history_entry *e = pt_entry(s, id);
    assert_int_equal(e->outcome, SMS_OUT_FAILED);
    assert_int_equal(e->error.kind, SMS_E_HTTP);
    assert_int_equal(e->error.http_status, 403);
    assert_false(e->error.outcome_unknown);
    assert_string_equal(e->error.api.error_code, "SMS.9004");
    assert_non_null(e->error.api.error_msg);
    assert_non_null(e->error.api.encoded_authorization_message);
    assert_true(e->error.api.n_error_param >= 1);
    assert_true(e->error.api.n_details >= 1);
    assert_string_equal(e->task_id, f->task_id);
    sms_snapshot_release(s);
    sms_poller_stop(p);
}

/* The connection drops after the STOP was sent: the service may have applied it, so the
 * Commands pane must say UNKNOWN, not FAILED (an operator would otherwise send it again). */
static void test_lost_answer_is_unknown(void **state)
{
    fixture *f = *state;
    const char *reset = "/v3/tasks/*/action=reset";
    char err[256];
    assert_int_equal(smsemu_set_faults(f->emu, &reset, 1, err, sizeof err), 0);
    sms_poller *p = start_as(f, "admin", false);
    uint64_t id = submit_one(p, SMS_ACT_STOP, f->ids[0]);
    entry_arg arg = { id, false };
    sms_snapshot *s = pt_wait(p, entry_done, &arg, PT_WAIT_MS);
    assert_non_null(s);
    const sms_history_entry *e = pt_entry(s, id);
    assert_int_equal(e->outcome, SMS_OUT_UNKNOWN);
    assert_true(e->error.outcome_unknown);
    assert_int_equal(e->error.kind, SMS_E_TRANSPORT);
    sms_snapshot_release(s);
    sms_poller_stop(p);
    smsemu_clear_faults(f->emu);
}

static void test_server_without_task_fails_without_a_mutating_request(void **state)
{
    fixture *f = *state;
    sms_poller *p = start_as(f, "admin", false);
    uint64_t id = submit_one(p, SMS_ACT_SKIP, f->ids[1]);       /* no target configured */
    entry_arg arg = { id, false };
    sms_snapshot *s = pt_wait(p, entry_done, &arg, PT_WAIT_MS);
    assert_non_null(s);
    const sms_history_entry *e = pt_entry(s, id);
    assert_int_equal(e->outcome, SMS_OUT_FAILED);
    assert_int_equal(e->error.kind, SMS_E_INVALID);
    assert_non_null(e->error.message);
    assert_null(e->task_id);
    sms_snapshot_release(s);
    sms_poller_stop(p);
}

static void test_readonly_refuses_without_a_request(void **state)
{
    fixture *f = *state;
    const char *watch = "/v3/tasks*=latency:0";     /* counts every task request, changes none */
    char err[256];
    assert_int_equal(smsemu_set_faults(f->emu, &watch, 1, err, sizeof err), 0);
    sms_poller *p = start_as(f, "admin", true);
    uint64_t id = submit_one(p, SMS_ACT_STOP, f->ids[0]);
    /* recorded at once, in the snapshot published by submit itself */
    sms_snapshot *s = sms_poller_take(p);
    assert_non_null(s);
    const sms_history_entry *e = pt_entry(s, id);
    assert_non_null(e);
    assert_int_equal(e->outcome, SMS_OUT_FAILED);
    assert_int_equal(e->error.kind, SMS_E_READONLY);
    assert_int_equal(e->error.http_status, 0);
    assert_int_equal(e->error.attempts, 0);
    sms_snapshot_release(s);
    sms_poller_stop(p);
    assert_int_equal(pt_fault_matches(f->emu, watch), 0);
    smsemu_clear_faults(f->emu);
}

static sms_history_entry *wait_done(sms_poller *p, uint64_t id, bool want_state, sms_snapshot **keep)
{
    entry_arg arg = { id, want_state };
    sms_snapshot *s = pt_wait(p, entry_done, &arg, PT_WAIT_MS);
    assert_non_null(s);
    *keep = s;
    return (sms_history_entry *)pt_entry(s, id);
}

/* The agent of a server reports that START failed: its task becomes MIGRATE_FAIL. */
static void fail_migration(const smsemu *emu, const char *server_id, const char *task_id)
{
    sms_client *c = pt_client(emu, "admin");
    sms_call_error err = {0};
    assert_int_equal(sms_task_do_action(c, task_id, "start", &err), 0);
    sms_command cmd = {0};                      /* the agent picks the START up... */
    assert_int_equal(sms_agent_get_command(c, server_id, &cmd, &err), 0);
    assert_string_equal(cmd.command_name, "START");
    sms_free(&SMS_T_COMMAND, &cmd);
    sms_command_result r = { .command_name = "START", .result = "fail", .result_detail = "{}" };
    if (sms_agent_report_result(c, server_id, &r, &err)) {    /* ...and reports it failed */
        char buf[512];
        sms_call_error_summary(&err, buf, sizeof buf);
        fail_msg("command_result: %s", buf);
    }
    sms_task t = {0};
    assert_int_equal(sms_show_task(c, task_id, &t, &err), 0);
    assert_string_equal(t.state, "MIGRATE_FAIL");
    sms_free(&SMS_T_TASK, &t);
    sms_client_free(c);
}

/* start and restart are two requests: start on MIGRATE_FAIL is the API's SMS.1039, only
 * restart gets the failed migration running again. */
static void test_restart_after_a_failed_migration_runs_it_and_start_is_refused(void **state)
{
    fixture *f = *state;
    fail_migration(f->emu, f->ids[0], f->task_id);
    sms_poller *p = start_as(f, "admin", false);
    uint64_t id = submit_one(p, SMS_ACT_START, f->ids[0]);
    sms_snapshot *s;
    const sms_history_entry *e = wait_done(p, id, false, &s);
    assert_int_equal(e->outcome, SMS_OUT_FAILED);
    assert_string_equal(e->error.api.error_code, "SMS.1039");
    sms_snapshot_release(s);
    id = submit_one(p, SMS_ACT_RESTART, f->ids[0]);
    e = wait_done(p, id, true, &s);
    assert_int_equal(e->outcome, SMS_OUT_OK);
    assert_non_null(strstr(e->state_after, " / RUNNING"));
    sms_snapshot_release(s);
    sms_poller_stop(p);
}

static void test_log_speed_export_and_delete_reach_the_api(void **state)
{
    fixture *f = *state;
    sms_poller *p = start_as(f, "admin", false);
    sms_snapshot *s;

    sms_action_req log = { .kind = SMS_ACT_UPLOAD_LOG, .server_ids = &f->ids[0],
                           .n_server_ids = 1, .bucket = "ops-logs" };
    uint64_t id = sms_poller_submit(p, &log);
    assert_int_equal(wait_done(p, id, false, &s)->outcome, SMS_OUT_OK);
    sms_snapshot_release(s);

    sms_speed_limit window = { .start = "08:00", .end = "18:00", .speed = 100 };
    sms_speed_limits limits = { .speed_limit = &window, .n_speed_limit = 1 };
    sms_action_req speed = { .kind = SMS_ACT_SPEED_LIMIT, .server_ids = &f->ids[0],
                             .n_server_ids = 1, .limits = &limits };
    id = sms_poller_submit(p, &speed);
    assert_int_equal(wait_done(p, id, false, &s)->outcome, SMS_OUT_OK);
    sms_snapshot_release(s);

    /* export: one entry for both servers, with its counts; the one without a task is
     * refused alone, the other's task is sent; what the API answered (the emulator: a
     * small CSV file) is kept beside the report */
    char *both[] = { f->ids[0], f->ids[1] };
    char base[200], answer[240];
    snprintf(base, sizeof base, "%s/exp", f->dir);
    uint64_t slots[2] = { 0, 0 };
    sms_action_req exp = { .kind = SMS_ACT_EXPORT, .server_ids = both, .n_server_ids = 2, .bucket = base,
                           .entry_ids = slots };
    id = sms_poller_submit(p, &exp);
    assert_int_equal(slots[0], id);
    assert_int_equal(slots[1], 0);
    const sms_history_entry *e = wait_done(p, id, false, &s);
    size_t exports = 0;
    for (size_t i = 0; i < s->history->n_entries; i++)
        exports += s->history->entries[i].action == SMS_ACT_EXPORT;
    assert_int_equal(exports, 1);                                   /* one entry, not one per server */
    assert_int_equal(e->outcome, SMS_OUT_FAILED);                   /* not every server was exported */
    assert_true(e->has_counts);
    assert_int_equal(e->counts.servers, 2);
    assert_int_equal(e->counts.tasks, 1);
    assert_int_equal(e->counts.batches, 1);
    assert_int_equal(e->counts.accepted, 1);
    assert_int_equal(e->counts.refused, 1);
    assert_int_equal(e->counts.failed, 0);
    assert_int_equal(e->counts.unknown, 0);
    assert_string_equal(e->server_name, "2 servers");
    assert_null(e->server_id);
    assert_int_equal(e->error.kind, SMS_E_INVALID);                 /* the refused one's reason */
    assert_non_null(e->detail);
    assert_non_null(strstr(e->detail, "REFUSED"));
    assert_non_null(strstr(e->detail, "no migration task"));
    snprintf(answer, sizeof answer, "API answer: %s-response-1.csv", base);
    assert_non_null(strstr(e->state_after, "1 accepted, 1 refused, 0 failed (1 task, 1 request)"));
    assert_non_null(strstr(e->state_after, "report: "));
    assert_non_null(strstr(e->state_after, answer));
    sms_snapshot_release(s);
    struct stat st;
    assert_int_equal(stat(answer + strlen("API answer: "), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    FILE *kept = fopen(answer + strlen("API answer: "), "r");
    assert_non_null(kept);
    char text[512] = "";
    assert_true(fread(text, 1, sizeof text - 1, kept) > 0);
    fclose(kept);
    assert_non_null(strstr(text, f->task_id));                      /* as the API answered it */
    char outcomes[256];
    file_outcomes(f->history, id, outcomes, sizeof outcomes);
    assert_string_equal(outcomes, "PENDING,FAILED");

    sms_action_req del = { .kind = SMS_ACT_DELETE, .server_ids = &f->ids[2], .n_server_ids = 1 };
    id = sms_poller_submit(p, &del);
    e = wait_done(p, id, true, &s);
    assert_int_equal(e->outcome, SMS_OUT_OK);
    assert_true(strcmp(e->state_after, "not listed") == 0 || strstr(e->state_after, "deleting"));
    sms_snapshot_release(s);
    sms_poller_stop(p);

    /* what the emulator now holds */
    sms_client *c = pt_client(f->emu, "admin");
    sms_speed_limits got = {0};
    assert_int_equal(sms_get_speed_limits(c, f->task_id, &got, NULL), 0);
    assert_int_equal(got.n_speed_limit, 1);
    assert_int_equal(got.speed_limit[0].speed, 100);
    sms_free(&SMS_T_SPEED_LIMITS, &got);
    sms_server srv = {0};
    assert_int_equal(sms_show_server(c, f->ids[0], &srv, NULL), 0);
    assert_string_equal(srv.current_task.log_bucket, "ops-logs");
    sms_free(&SMS_T_SERVER, &srv);
    sms_client_free(c);
}

static void test_stop_leaves_no_entry_pending(void **state)
{
    fixture *f = *state;
    sms_poller *p = start_as(f, "admin", false);
    const char *hang = "/v3/sources/*=latency:6000";      /* resolving the task hangs */
    char err[256];
    assert_int_equal(smsemu_set_faults(f->emu, &hang, 1, err, sizeof err), 0);
    uint64_t first = submit_one(p, SMS_ACT_STOP, f->ids[0]);
    uint64_t second = submit_one(p, SMS_ACT_STOP, f->ids[1]);
    int64_t deadline = pt_mono_ms() + PT_WAIT_MS;      /* the first is in flight */
    while (pt_fault_matches(f->emu, hang) < 1 && pt_mono_ms() < deadline)
        poll(NULL, 0, 20);
    sms_poller_stop(p);
    smsemu_clear_faults(f->emu);

    char outcomes[256];
    file_outcomes(f->history, first, outcomes, sizeof outcomes);
    assert_string_equal(outcomes, "PENDING,FAILED");   /* never sent: the GET was cancelled */
    file_outcomes(f->history, second, outcomes, sizeof outcomes);
    assert_string_equal(outcomes, "PENDING,FAILED");
    sms_poller_opts o = pt_poller_opts(f->emu, "admin");
    o.history_path = f->history;
    p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_snapshot *s = sms_poller_take(p);
    assert_non_null(s);
    assert_int_equal(pt_entry(s, second)->error.kind, SMS_E_CANCELLED);
    sms_snapshot_release(s);
    sms_poller_stop(p);
}

typedef struct follow_arg { uint64_t id; int64_t fetched_after; bool following; const char *text; } follow_arg;

/* The entry as a fleet fetched at or after fetched_after left it. */
static bool entry_followed(const sms_snapshot *s, const void *arg)
{
    const follow_arg *a = arg;
    const sms_history_entry *e = pt_entry(s, a->id);
    return e && s->fleet && s->fleet->fetched_ms >= a->fetched_after && e->following == a->following &&
           e->state_after && strstr(e->state_after, a->text);
}

/* STATE AFTER follows a server that never gets where its action leads for 10 minutes
 * (SMS_FOLLOW_TIMEOUT_MS), then gives up and says so. The wall clock is moved forward
 * instead of waiting: before the limit the entry still follows, after it the entry
 * stops, with the state it never reached. */
static void test_follow_gives_up_after_ten_minutes(void **state)
{
    fixture *f = *state;
    sms_client *c = pt_client(f->emu, "admin");
    assert_int_equal(sms_task_do_action(c, f->task_id, "start", NULL), 0);
    sms_client_free(c);
    sms_poller *p = start_as(f, "admin", false);
    uint64_t id = submit_one(p, SMS_ACT_STOP, f->ids[0]);   /* no agent: stays "stopping" */
    follow_arg arg = { id, 0, true, "stopping" };
    sms_snapshot *s = pt_wait(p, entry_followed, &arg, PT_WAIT_MS);
    assert_non_null(s);
    int64_t done = pt_entry(s, id)->done_ms;
    sms_snapshot_release(s);

    shift_clock(SMS_FOLLOW_TIMEOUT_MS - 30 * 1000);         /* 9 min 30 s after the answer */
    arg.fetched_after = done + SMS_FOLLOW_TIMEOUT_MS - 30 * 1000;
    sms_poller_refresh_now(p);
    s = pt_wait(p, entry_followed, &arg, PT_WAIT_MS);
    assert_non_null(s);                                     /* still following */
    assert_null(strstr(pt_entry(s, id)->state_after, "after 10 min"));
    sms_snapshot_release(s);

    shift_clock(60 * 1000);                                 /* 10 min 30 s */
    arg = (follow_arg){ id, done + SMS_FOLLOW_TIMEOUT_MS + 30 * 1000, false, "stopping" };
    sms_poller_refresh_now(p);
    s = pt_wait(p, entry_followed, &arg, PT_WAIT_MS);
    if (!s)
        fail_msg("the entry still follows its server 10 min 30 s after the answer");
    assert_non_null(strstr(pt_entry(s, id)->state_after, "(no stopped after 10 min)"));
    sms_snapshot_release(s);
    sms_poller_stop(p);
}

static void test_bad_requests_are_not_queued(void **state)
{
    fixture *f = *state;
    sms_poller *p = start_as(f, "admin", false);
    sms_action_req none = { .kind = SMS_ACT_STOP };
    assert_int_equal(sms_poller_submit(p, &none), 0);
    sms_action_req no_bucket = { .kind = SMS_ACT_UPLOAD_LOG, .server_ids = &f->ids[0],
                                 .n_server_ids = 1 };
    assert_int_equal(sms_poller_submit(p, &no_bucket), 0);
    sms_action_req bad_kind = { .kind = SMS_ACT__COUNT, .server_ids = &f->ids[0],
                                .n_server_ids = 1 };
    assert_int_equal(sms_poller_submit(p, &bad_kind), 0);
    assert_int_equal(sms_poller_submit(p, NULL), 0);
    sms_poller_stop(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_admin_start_is_ok_with_state_after, setup, teardown),
        cmocka_unit_test_setup_teardown(test_viewer_gets_failed_with_the_403_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lost_answer_is_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_without_task_fails_without_a_mutating_request,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly_refuses_without_a_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_after_a_failed_migration_runs_it_and_start_is_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_speed_export_and_delete_reach_the_api,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_leaves_no_entry_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_follow_gives_up_after_ten_minutes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_requests_are_not_queued, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_history.c - the command history survives a restart: a new poller on the same
 * file shows the old entries in its first snapshot and continues their ids. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "poller_testutil.h"

typedef struct entry_arg { uint64_t id; } entry_arg;

static bool entry_done(const sms_snapshot *s, const void *arg)
{
    const sms_history_entry *e = pt_entry(s, ((const entry_arg *)arg)->id);
    return e && e->outcome != SMS_OUT_PENDING;
}

static bool has_history(const sms_snapshot *s, const void *arg)
{
    (void)arg;
    return s->history != NULL;
}

static void test_history_survives_a_restart(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(2, true);
    size_t n;
    char **ids = pt_server_ids(e, &n);
    char *task_id = pt_create_task(e, ids[0]);
    char dir[128], path[256];
    pt_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/nested/history.jsonl", dir);

    sms_poller_opts o = pt_poller_opts(e, "viewer");     /* its STOP is refused: 403 */
    o.history_path = path;
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    sms_action_req req = { .kind = SMS_ACT_STOP, .server_ids = &ids[0], .n_server_ids = 1 };
    uint64_t id = sms_poller_submit(p, &req);
    assert_true(id > 0);
    entry_arg arg = { id };
    sms_snapshot *s = pt_wait(p, entry_done, &arg, PT_WAIT_MS);
    assert_non_null(s);
    sms_snapshot_release(s);
    sms_poller_stop(p);

    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    /* a new console on the same file */
    p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    s = pt_wait(p, has_history, NULL, PT_WAIT_MS);
    assert_non_null(s);
    const sms_history_entry *old = pt_entry(s, id);
    assert_non_null(old);
    assert_int_equal(old->action, SMS_ACT_STOP);
    assert_int_equal(old->outcome, SMS_OUT_FAILED);
    assert_int_equal(old->error.http_status, 403);
    assert_string_equal(old->error.api.error_code, "SMS.9004");
    assert_string_equal(old->server_id, ids[0]);
    assert_string_equal(old->task_id, task_id);
    assert_string_equal(old->user, "viewer");
    sms_snapshot_release(s);
    uint64_t next = sms_poller_submit(p, &req);
    assert_true(next > id);
    sms_poller_stop(p);

    free(task_id);
    pt_free_ids(ids, n);
    pt_rmtree(dir);
    smsemu_stop(e);
}

static void test_memory_only_history_writes_nothing(void **state)
{
    (void)state;
    smsemu *e = pt_emu_start(1, true);
    char dir[128];
    pt_tmpdir(dir, sizeof dir);
    setenv("XDG_STATE_HOME", dir, 1);              /* where a default history would go */
    sms_poller_opts o = pt_poller_opts(e, "admin");
    o.client.readonly = true;
    o.history_path = "";
    sms_poller *p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    char *id = "some-server";
    sms_action_req req = { .kind = SMS_ACT_STOP, .server_ids = &id, .n_server_ids = 1 };
    assert_true(sms_poller_submit(p, &req) > 0);
    sms_poller_stop(p);
    char path[256];
    snprintf(path, sizeof path, "%s/smsconsole", dir);
    struct stat st;
    assert_int_equal(stat(path, &st), -1);

    o.history_path = NULL;                          /* the default: $XDG_STATE_HOME/... */
    p = sms_poller_start(&o, NULL);
    assert_non_null(p);
    assert_true(sms_poller_submit(p, &req) > 0);
    sms_poller_stop(p);
    snprintf(path, sizeof path, "%s/smsconsole/history.jsonl", dir);
    assert_int_equal(stat(path, &st), 0);
    unsetenv("XDG_STATE_HOME");
    pt_rmtree(dir);
    smsemu_stop(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_survives_a_restart),
        cmocka_unit_test(test_memory_only_history_writes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

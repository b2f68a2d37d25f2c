/* test_emu_store.c - the emulator's store without HTTP: id index and insertion order at
 * 10,000+ servers, removal, tasks linked to servers, the per-server command queue
 * (pending -> awaiting -> settled, oldest first) and its capped log; fault plans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "emulator/emu.h"

static emu_server *add(emu_store *st, int i)
{
    sms_server rec;
    memset(&rec, 0, sizeof rec);
    char id[32], name[32];
    snprintf(id, sizeof id, "id-%06d", i);
    snprintf(name, sizeof name, "host-%06d", i);
    rec.id = strdup(id);
    rec.name = strdup(name);
    emu_server *sv = emu_store_add_server(st, &rec);
    assert_non_null(sv);
    assert_null(rec.id);                                   /* taken */
    return sv;
}

static void test_index_and_order(void **state)
{
    (void)state;
    emu_store *st = emu_store_new();
    enum { N = 12000 };
    for (int i = 0; i < N; i++)
        add(st, i);
    assert_int_equal(emu_store_n_servers(st), N);
    for (int i = 0; i < N; i += 7) {
        char id[32];
        snprintf(id, sizeof id, "id-%06d", i);
        emu_server *sv = emu_store_server(st, id, false);
        assert_non_null(sv);
        assert_string_equal(sv->s.id, id);
    }
    assert_null(emu_store_server(st, "id-999999", true));
    emu_store_remove_server(st, emu_store_server(st, "id-000001", false));
    emu_store_mark_deleted(st, emu_store_server(st, "id-000002", false));
    assert_int_equal(emu_store_n_servers(st), N - 2);
    assert_null(emu_store_server(st, "id-000001", true));
    assert_null(emu_store_server(st, "id-000002", false));
    assert_non_null(emu_store_server(st, "id-000002", true));   /* still there for its agent */
    assert_int_equal(emu_store_server_slots(st), N - 1);
    assert_string_equal(emu_store_server_at(st, 0)->s.id, "id-000000");
    assert_string_equal(emu_store_server_at(st, 1)->s.id, "id-000002");
    assert_string_equal(emu_store_server_at(st, N - 2)->s.id, "id-011999");
    emu_store_free(st);
}

static void test_tasks_follow_servers(void **state)
{
    (void)state;
    emu_store *st = emu_store_new();
    emu_server *sv = add(st, 1);
    sms_task t;
    memset(&t, 0, sizeof t);
    t.id = strdup("task-1");
    emu_task *tk = emu_store_add_task(st, sv, &t);
    assert_non_null(tk);
    assert_ptr_equal(sv->task, tk);
    assert_ptr_equal(tk->server, sv);
    assert_ptr_equal(emu_store_task(st, "task-1"), tk);
    emu_store_remove_server(st, sv);                       /* the task loses its server */
    assert_null(tk->server);
    emu_store_remove_task(st, tk);
    assert_null(emu_store_task(st, "task-1"));
    assert_int_equal(emu_store_task_slots(st), 0);
    emu_store_free(st);
}

static void test_command_queue(void **state)
{
    (void)state;
    emu_store *st = emu_store_new();
    emu_server *sv = add(st, 1);
    emu_command c;
    assert_false(emu_server_deliver(sv, &c, 1000));
    emu_server_queue(sv, "START", "t1", NULL, 1000);
    emu_server_queue(sv, "UPLOAD_LOG", "t1", "bucket", 1000);
    emu_server_queue(sv, "STOP", "t1", NULL, 1000);
    assert_true(emu_server_deliver(sv, &c, 1000));
    assert_string_equal(c.name, "START");
    assert_true(emu_server_deliver(sv, &c, 1000));
    assert_string_equal(c.name, "UPLOAD_LOG");
    assert_string_equal(c.bucket, "bucket");
    char *task = NULL;
    assert_false(emu_server_settle(sv, "STOP", &task));    /* not delivered yet */
    assert_true(emu_server_settle(sv, "UPLOAD_LOG", &task));
    assert_string_equal(task, "t1");
    free(task);
    assert_false(emu_server_settle(sv, "UPLOAD_LOG", &task));
    assert_int_equal(sv->n_pending, 1);
    assert_int_equal(sv->n_awaiting, 1);
    for (int i = 0; i < 500; i++)
        emu_server_log(sv, EMU_CMD_REPORTED, "SYNC", "t1", "success", "{}", 2000 + i);
    assert_int_equal(sv->n_log, 128);                      /* capped, newest kept */
    assert_int_equal(sv->log[127].event, EMU_CMD_REPORTED);
    assert_int_equal(sv->log[127].at_ms, 2000 + 499);
    assert_int_equal(sv->log[0].at_ms, 2000 + 500 - 128);
    emu_store_free(st);
}

static void test_fault_plan(void **state)
{
    (void)state;
    emu_faults *f = emu_faults_new(9);
    char err[128];
    assert_int_equal(emu_faults_add(f, "/v3/sources*=latency:100", err, sizeof err), 0);
    assert_int_equal(emu_faults_add(f, "/v3/sources*=latency:50", err, sizeof err), 0);
    assert_int_equal(emu_faults_add(f, "/v3/tasks/*=status:503", err, sizeof err), 0);
    assert_int_equal(emu_faults_add(f, "*=oversize:1000", err, sizeof err), 0);
    emu_fault_plan p;
    emu_faults_plan(f, "/v3/sources/abc", &p);
    assert_int_equal(p.delay_ms, 150);                     /* latencies add up */
    assert_int_equal(p.status, 0);
    assert_int_equal(p.oversize_bytes, 1000);
    emu_faults_plan(f, "/v3/tasks/abc/action", &p);
    assert_int_equal(p.status, 503);
    assert_int_equal(p.delay_ms, 0);
    emu_faults_plan(f, "/v3/tasks", &p);                   /* glob needs the slash */
    assert_int_equal(p.status, 0);
    assert_int_equal(emu_faults_count(f), 4);
    emu_faults_clear(f);
    emu_faults_plan(f, "/v3/sources/abc", &p);
    assert_int_equal(p.delay_ms, 0);
    assert_int_equal(p.oversize_bytes, 0);
    emu_faults_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_and_order),
        cmocka_unit_test(test_tasks_follow_servers),
        cmocka_unit_test(test_command_queue),
        cmocka_unit_test(test_fault_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

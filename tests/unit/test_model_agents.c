/* test_model_agents.c - the agent derivation rule (agents.h, docs/agents.md): each state
 * and reason, the install window at its boundaries, supported OSs, version order, and
 * the join of servers with the inventory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "model/agents.h"

#define MIN (60 * 1000LL)
static const sms_agent_policy policy = { .install_window_ms = 10 * MIN };
static const int64_t T0 = 1700000000000LL;      /* registration time */

static sms_agent_input registered(void)
{
    return (sms_agent_input){ .registered = true, .add_date = T0, .last_visit_time = T0,
                              .os_type = "LINUX", .os_version = "CENTOS7.9" };
}

static void test_not_installed(void **state)
{
    (void)state;
    sms_agent_input in = { .registered = false, .inventory_loaded = true, .in_inventory = true };
    sms_agent_status st = sms_agent_derive(&in, &policy, T0);
    assert_int_equal(st.state, SMS_AGENT_NOT_INSTALLED);
    assert_int_equal(st.reason, SMS_AR_NOT_INSTALLED);
    assert_int_equal(st.reason, -1);                    /* the seed's code */
}

static void test_installed(void **state)
{
    (void)state;
    sms_agent_input in = registered();
    in.connected = true;
    sms_agent_status st = sms_agent_derive(&in, &policy, T0 + 1000 * MIN);
    assert_int_equal(st.state, SMS_AGENT_INSTALLED);
    assert_int_equal(st.reason, SMS_AR_OK);
    assert_false(st.old_version);
    assert_int_equal(st.changes_at_ms, 0);
}

/* Never connected: installing up to and including the window, failed one ms later. */
static void test_install_window_boundaries(void **state)
{
    (void)state;
    sms_agent_input in = registered();
    sms_agent_status st = sms_agent_derive(&in, &policy, T0);
    assert_int_equal(st.state, SMS_AGENT_INSTALLING);
    assert_int_equal(st.reason, SMS_AR_WAITING);
    assert_int_equal(st.silent_since_ms, T0);

    st = sms_agent_derive(&in, &policy, T0 + 10 * MIN);
    assert_int_equal(st.state, SMS_AGENT_INSTALLING);
    assert_int_equal(st.changes_at_ms, T0 + 10 * MIN + 1);

    st = sms_agent_derive(&in, &policy, T0 + 10 * MIN + 1);
    assert_int_equal(st.state, SMS_AGENT_FAILED);
    assert_int_equal(st.reason, SMS_AR_NO_PROCESS);
    assert_int_equal(st.reason, 8);                     /* the seed's code */
    assert_int_equal(st.changes_at_ms, 0);

    /* last_visit_time absent (0) counts as never changed */
    in.last_visit_time = 0;
    assert_int_equal(sms_agent_derive(&in, &policy, T0 + 1).state, SMS_AGENT_INSTALLING);
    /* no add_date: nothing to measure the window from */
    in.add_date = 0;
    assert_int_equal(sms_agent_derive(&in, &policy, T0).state, SMS_AGENT_FAILED);
}

/* Connected once (last_visit_time after add_date), now disconnected: failed at once. */
static void test_disconnected(void **state)
{
    (void)state;
    sms_agent_input in = registered();
    in.last_visit_time = T0 + 1;
    sms_agent_status st = sms_agent_derive(&in, &policy, T0 + 2);
    assert_int_equal(st.state, SMS_AGENT_FAILED);
    assert_int_equal(st.reason, SMS_AR_NO_PROCESS);
    assert_int_equal(st.silent_since_ms, T0 + 1);
}

static void test_os_not_supported(void **state)
{
    (void)state;
    sms_agent_input in = registered();
    in.connected = true;
    in.os_version = "CENTOS5.11";
    sms_agent_status st = sms_agent_derive(&in, &policy, T0);
    assert_int_equal(st.state, SMS_AGENT_FAILED);
    assert_int_equal(st.reason, SMS_AR_OS_UNSUPPORTED);
    assert_int_equal(st.reason, 1003);                  /* the seed's code */
}

static void test_supported_os_table(void **state)
{
    (void)state;
    assert_true(sms_os_supported("LINUX", "CENTOS7.9"));
    assert_true(sms_os_supported("LINUX", "CENTOS8.2"));
    assert_true(sms_os_supported("LINUX", "UBUNTU22.04"));
    assert_true(sms_os_supported("LINUX", "SUSE12_64BIT_SP2"));
    assert_true(sms_os_supported("WINDOWS", "WINDOWS2012_R2"));
    assert_true(sms_os_supported("WINDOWS", "WINDOWS2008"));
    assert_true(sms_os_supported("WINDOWS", "WINDOWS2022"));
    assert_true(sms_os_supported(NULL, "centos7.6"));
    assert_false(sms_os_supported("WINDOWS", "WINDOWS2003"));
    assert_false(sms_os_supported("LINUX", "CENTOS5.11"));
    assert_false(sms_os_supported("LINUX", "UBUNTU12.04"));
    assert_false(sms_os_supported("LINUX", "FREEBSD13"));
    assert_false(sms_os_supported("LINUX", "WINDOWS2016"));     /* type and family disagree */
    assert_false(sms_os_supported("LINUX", "CENTOS"));          /* no version */
    assert_true(sms_os_supported("LINUX", NULL));               /* unknown: not held against it */
    assert_true(sms_os_supported("LINUX", "7.9"));
    for (size_t i = 0; i < sms_n_supported_os; i++)
        assert_true(sms_supported_os[i].min_major <= sms_supported_os[i].max_major);
}

static void test_version_order(void **state)
{
    (void)state;
    assert_true(sms_agent_version_cmp("24.12.1", "24.9.0") > 0);
    assert_true(sms_agent_version_cmp("2.2.1", "23.6.2") < 0);
    assert_int_equal(sms_agent_version_cmp("25.3.0", "25.3.0"), 0);
    assert_true(sms_agent_version_cmp("25.3", "25.3.0") < 0);
    assert_true(sms_agent_version_cmp(NULL, "1") < 0);
    assert_true(sms_agent_version_cmp("1", NULL) > 0);
    assert_int_equal(sms_agent_version_cmp(NULL, NULL), 0);
}

static void test_old_version_flag(void **state)
{
    (void)state;
    sms_agent_input in = registered();
    in.connected = true;
    in.agent_version = "24.9.0";
    in.newest_version = "25.3.0";
    sms_agent_status st = sms_agent_derive(&in, &policy, T0);
    assert_int_equal(st.state, SMS_AGENT_INSTALLED);
    assert_true(st.old_version);
    assert_int_equal(st.reason, SMS_AR_OLD_VERSION);
    /* flagged whatever the state; the reason stays the failure's */
    in.connected = false;
    in.last_visit_time = T0 + 1;
    st = sms_agent_derive(&in, &policy, T0 + 2);
    assert_true(st.old_version);
    assert_int_equal(st.reason, SMS_AR_NO_PROCESS);
    in.connected = true;
    in.agent_version = "25.3.0";
    assert_false(sms_agent_derive(&in, &policy, T0).old_version);
    in.agent_version = NULL;                            /* unknown: not flagged */
    assert_false(sms_agent_derive(&in, &policy, T0).old_version);
}

static void test_unexpected(void **state)
{
    (void)state;
    sms_agent_input in = registered();
    in.connected = true;
    in.inventory_loaded = true;
    sms_agent_status st = sms_agent_derive(&in, &policy, T0);
    assert_int_equal(st.state, SMS_AGENT_UNEXPECTED);
    assert_int_equal(st.reason, SMS_AR_NOT_IN_INVENTORY);
    in.connected = false;                               /* a failure keeps its reason */
    in.last_visit_time = T0 + 1;
    st = sms_agent_derive(&in, &policy, T0 + 2);
    assert_int_equal(st.state, SMS_AGENT_UNEXPECTED);
    assert_int_equal(st.reason, SMS_AR_NO_PROCESS);
    in.inventory_loaded = false;                        /* no inventory: nothing is unexpected */
    assert_int_equal(sms_agent_derive(&in, &policy, T0 + 2).state, SMS_AGENT_FAILED);
}

static void test_reason_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sms_n_agent_reasons; i++) {
        assert_true(strlen(sms_agent_reasons[i].message) > 0);
        assert_true(strlen(sms_agent_reasons[i].hint) > 0);
        for (size_t j = i + 1; j < sms_n_agent_reasons; j++)
            assert_int_not_equal(sms_agent_reasons[i].code, sms_agent_reasons[j].code);
    }
    assert_string_equal(sms_agent_reason_lookup(8)->message, "no client process detected");
    assert_string_equal(sms_agent_reason_lookup(1003)->message, "OS not supported");
    assert_null(sms_agent_reason_lookup(12345));
    assert_string_equal(sms_agent_state_info_of(SMS_AGENT_NOT_INSTALLED)->label, "not installed");
    assert_string_equal(sms_agent_state_info_of(SMS_AGENT_FAILED)->label, "failed");
    assert_int_equal(sms_agent_state_slot(SMS_AGENT_NOT_INSTALLED), 0);
    assert_int_equal(sms_agent_state_slot(SMS_AGENT_UNEXPECTED), 4);
}

static const char *version_of(void *ctx, const sms_server *s)
{
    (void)ctx;
    return strcmp(s->id, "a") == 0 ? "25.3.0" : strcmp(s->id, "b") == 0 ? "24.9.0" : NULL;
}

/* Matched by IP or by name; unmatched inventory hosts follow, in file order. */
static void test_rows_join(void **state)
{
    (void)state;
    const char *csv = "web-01\n10.0.0.2\nghost-01,10.0.0.9\nghost-02\n";
    sms_inventory inv;
    char err[128];
    assert_int_equal(sms_inventory_parse(csv, strlen(csv), "i", &inv, err, sizeof err), 0);
    sms_server sv[3] = {
        { .id = "a", .name = "web-01", .ip = "10.0.0.1", .connected = true, .add_date = T0,
          .last_visit_time = T0 + 5 },
        { .id = "b", .name = "db-01", .ip = "10.0.0.2", .connected = true, .add_date = T0,
          .last_visit_time = T0 + 5 },
        { .id = "c", .name = "stray", .ip = "10.0.0.3", .add_date = T0, .last_visit_time = T0 },
    };
    sms_agent_rows r;
    assert_int_equal(sms_agent_rows_build(&r, sv, 3, &inv, version_of, NULL, &policy, T0 + MIN), 0);
    assert_int_equal(r.n_rows, 5);
    assert_ptr_equal(r.rows[0].host, &inv.hosts[0]);        /* by name */
    assert_ptr_equal(r.rows[1].host, &inv.hosts[1]);        /* by address */
    assert_null(r.rows[2].host);
    assert_int_equal(r.rows[0].st.state, SMS_AGENT_INSTALLED);
    assert_int_equal(r.rows[1].st.state, SMS_AGENT_INSTALLED);
    assert_true(r.rows[1].st.old_version);
    assert_int_equal(r.rows[1].st.reason, SMS_AR_OLD_VERSION);
    assert_string_equal(r.newest_version, "25.3.0");
    assert_int_equal(r.rows[2].st.state, SMS_AGENT_UNEXPECTED);
    assert_null(r.rows[3].server);
    assert_ptr_equal(r.rows[3].host, &inv.hosts[2]);
    assert_int_equal(r.rows[3].st.state, SMS_AGENT_NOT_INSTALLED);
    assert_ptr_equal(r.rows[4].host, &inv.hosts[3]);
    assert_int_equal(r.counts[sms_agent_state_slot(SMS_AGENT_NOT_INSTALLED)], 2);
    assert_int_equal(r.counts[sms_agent_state_slot(SMS_AGENT_INSTALLED)], 2);
    assert_int_equal(r.counts[sms_agent_state_slot(SMS_AGENT_UNEXPECTED)], 1);
    assert_int_equal(r.n_old, 1);
    assert_int_equal(r.changes_at_ms, T0 + 10 * MIN + 1);   /* the stray's window */
    sms_agent_rows_free(&r);

    /* without an inventory: every server, none unexpected */
    assert_int_equal(sms_agent_rows_build(&r, sv, 3, NULL, NULL, NULL, &policy, T0 + MIN), 0);
    assert_int_equal(r.n_rows, 3);
    assert_int_equal(r.rows[2].st.state, SMS_AGENT_INSTALLING);
    assert_null(r.newest_version);
    sms_agent_rows_free(&r);
    sms_inventory_free(&inv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_installed),
        cmocka_unit_test(test_installed),
        cmocka_unit_test(test_install_window_boundaries),
        cmocka_unit_test(test_disconnected),
        cmocka_unit_test(test_os_not_supported),
        cmocka_unit_test(test_supported_os_table),
        cmocka_unit_test(test_version_order),
        cmocka_unit_test(test_old_version_flag),
        cmocka_unit_test(test_unexpected),
        cmocka_unit_test(test_reason_table),
        cmocka_unit_test(test_rows_join),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

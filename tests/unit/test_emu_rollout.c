/* test_emu_rollout.c - the emulator's simulated agent rollout (emulator/rollout.h): roles
 * are deterministic for a seed and differ between seeds, every role appears once the
 * fleet has 4 agents, the unsupported OS is one SMS's table refuses, and the inventory
 * written names every listed agent, then the hosts that never register, and parses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "emulator/fleet.h"
#include "emulator/rollout.h"
#include "model/agents.h"
#include "model/codec.h"
#include "model/inventory.h"

#define N 40

static void test_roles_deterministic_and_complete(void **state)
{
    (void)state;
    smsemu_rollout_role a[N], b[N], c[N];
    smsemu_rollout_roles(7, N, a);
    smsemu_rollout_roles(7, N, b);
    smsemu_rollout_roles(8, N, c);
    assert_memory_equal(a, b, sizeof a);
    assert_memory_not_equal(a, c, sizeof a);
    int count[4] = { 0 };
    for (int i = 0; i < N; i++)
        count[a[i]]++;
    assert_int_equal(count[SMSEMU_ROLLOUT_SILENT], 2);              /* 6 % of 40 */
    assert_int_equal(count[SMSEMU_ROLLOUT_OS_UNSUPPORTED], 1);      /* 4 % */
    assert_int_equal(count[SMSEMU_ROLLOUT_UNLISTED], 1);            /* 3 %, at least one */
    smsemu_rollout_role small[4];
    smsemu_rollout_roles(1, 4, small);
    for (int r = SMSEMU_ROLLOUT_SILENT; r <= SMSEMU_ROLLOUT_UNLISTED; r++) {
        bool seen = false;
        for (int i = 0; i < 4; i++)
            seen |= small[i] == (smsemu_rollout_role)r;
        assert_true(seen);
    }
}

static void test_unsupported_os_is_refused_by_the_model(void **state)
{
    (void)state;
    for (int i = 0; i < N; i++) {
        sms_server body;
        assert_int_equal(smsemu_fleet_body(7, i, &body), 0);
        assert_true(sms_os_supported(body.os_type, body.os_version));   /* the normal fleet */
        assert_int_equal(smsemu_rollout_apply(SMSEMU_ROLLOUT_OS_UNSUPPORTED, &body), 0);
        assert_false(sms_os_supported(body.os_type, body.os_version));
        sms_free(&SMS_T_REGISTER, &body);
    }
}

static void test_inventory_written_and_parsed(void **state)
{
    (void)state;
    smsemu_rollout_role roles[N];
    smsemu_rollout_roles(7, N, roles);
    char path[64], err[256];
    snprintf(path, sizeof path, "/tmp/smsemu-rollout-%d.csv", (int)getpid());
    assert_int_equal(smsemu_rollout_write_inventory(path, 7, N, roles, 5, err, sizeof err), 0);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char buf[8192];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    unlink(path);
    sms_inventory inv;
    assert_int_equal(sms_inventory_parse(buf, len, path, &inv, err, sizeof err), 0);
    assert_int_equal(inv.n_hosts, N - 1 + 5);                        /* one agent unlisted */
    for (int i = 0; i < N; i++) {
        sms_server body;
        assert_int_equal(smsemu_fleet_body(7, i, &body), 0);
        bool listed = sms_inventory_find_name(&inv, body.name) && sms_inventory_find_ip(&inv, body.ip);
        assert_true(listed == (roles[i] != SMSEMU_ROLLOUT_UNLISTED));
        sms_free(&SMS_T_REGISTER, &body);
    }
    assert_non_null(sms_inventory_find_name(&inv, "new-host-005"));
    sms_inventory_free(&inv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles_deterministic_and_complete),
        cmocka_unit_test(test_unsupported_os_is_refused_by_the_model),
        cmocka_unit_test(test_inventory_written_and_parsed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

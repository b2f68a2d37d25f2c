/* test_model_enums.c - state/cycle/task tables and the error-code table (enums.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "model/enums.h"

static void check_table(const sms_enum_info *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        assert_non_null(t[i].value);
        assert_non_null(t[i].label);
        assert_non_null(t[i].help);
        assert_true(strlen(t[i].value) > 0);
        assert_true(strlen(t[i].label) > 0);
        assert_true(strlen(t[i].help) > 0);
        assert_in_range(t[i].severity, SMS_SEV_IDLE, SMS_SEV_ERROR);
        for (size_t j = i + 1; j < n; j++)
            assert_string_not_equal(t[i].value, t[j].value);
    }
}

static void test_counts(void **state)
{
    (void)state;
    assert_int_equal(sms_n_server_states, 19);
    assert_int_equal(sms_n_migration_cycles, 6);
    assert_int_equal(sms_n_task_states, 12);
    assert_int_equal(sms_n_task_filter_states, 10);
}

static void test_tables_unique_and_filled(void **state)
{
    (void)state;
    check_table(sms_server_states, sms_n_server_states);
    check_table(sms_migration_cycles, sms_n_migration_cycles);
    check_table(sms_task_states, sms_n_task_states);
    check_table(sms_task_filter_states, sms_n_task_filter_states);
}

static void test_server_states(void **state)
{
    (void)state;
    static const char *const all[] = {
        "unavailable", "waiting", "initialize", "replicate", "syncing", "stopping", "stopped",
        "skipping", "deleting", "clearing", "cleared", "clearfailed", "premigready",
        "premiged", "premigfailed", "cloning", "cutovering", "finished", "error"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        const sms_enum_info *e = sms_server_state_info(all[i]);
        assert_non_null(e);
        assert_string_equal(e->value, all[i]);
    }
    assert_int_equal(sms_server_state_info("error")->severity, SMS_SEV_ERROR);
    assert_int_equal(sms_server_state_info("premigfailed")->severity, SMS_SEV_ERROR);
    assert_int_equal(sms_server_state_info("clearfailed")->severity, SMS_SEV_ERROR);
    assert_int_equal(sms_server_state_info("unavailable")->severity, SMS_SEV_WARN);
    assert_int_equal(sms_server_state_info("replicate")->severity, SMS_SEV_ACTIVE);
    assert_int_equal(sms_server_state_info("syncing")->severity, SMS_SEV_ACTIVE);
    assert_int_equal(sms_server_state_info("finished")->severity, SMS_SEV_OK);
    assert_int_equal(sms_server_state_info("waiting")->severity, SMS_SEV_IDLE);
    assert_string_equal(sms_server_state_info("replicate")->label, "Replicating");
}

static void test_cycles_in_pipeline_order(void **state)
{
    (void)state;
    static const char *const order[] = {"checking", "setting", "replicating", "syncing",
                                        "cutovering", "cutovered"};
    for (int i = 0; i < 6; i++) {
        assert_string_equal(sms_migration_cycles[i].value, order[i]);
        assert_int_equal(sms_migration_cycle_index(order[i]), i);
        assert_ptr_equal(sms_migration_cycle_info(order[i]), &sms_migration_cycles[i]);
    }
    assert_int_equal(sms_migration_cycle_info("cutovered")->severity, SMS_SEV_OK);
    assert_int_equal(sms_migration_cycle_index("testing"), -1);   /* copystate-only value */
    assert_int_equal(sms_migration_cycle_index(NULL), -1);
}

static void test_task_states(void **state)
{
    (void)state;
    static const char *const resp[] = {"READY", "RUNNING", "SYNCING", "MIGRATE_SUCCESS",
        "SYNC_SUCCESS", "MIGRATE_FAIL", "SYNC_FAIL", "ABORTING", "ABORT", "SKIPPING",
        "DELETING", "RESETING"};
    for (size_t i = 0; i < 12; i++)
        assert_string_equal(sms_task_state_info(resp[i])->value, resp[i]);
    assert_int_equal(sms_task_state_info("MIGRATE_FAIL")->severity, SMS_SEV_ERROR);
    assert_int_equal(sms_task_state_info("SYNC_FAIL")->severity, SMS_SEV_ERROR);
    assert_int_equal(sms_task_state_info("RUNNING")->severity, SMS_SEV_ACTIVE);
    assert_int_equal(sms_task_state_info("MIGRATE_SUCCESS")->severity, SMS_SEV_OK);
    /* filter-only values resolve through the second table */
    const sms_enum_info *rb = sms_task_state_info("SYNC_F_ROLLBACKING");
    assert_non_null(rb);
    assert_int_equal(rb->severity, SMS_SEV_ACTIVE);
    assert_int_equal(sms_task_state_info("SYNC_F_ROLLBACK_SUCCESS")->severity, SMS_SEV_OK);
    /* the shared values agree between both tables */
    for (size_t i = 0; i < sms_n_task_filter_states; i++) {
        const sms_enum_info *f = &sms_task_filter_states[i];
        const sms_enum_info *r = sms_task_state_info(f->value);
        assert_string_equal(r->label, f->label);
        assert_int_equal(r->severity, f->severity);
    }
}

static void test_unknown_values(void **state)
{
    (void)state;
    assert_null(sms_server_state_info("Replicate"));       /* case-sensitive */
    assert_null(sms_server_state_info("replicate "));
    assert_null(sms_server_state_info(""));
    assert_null(sms_server_state_info(NULL));
    assert_null(sms_migration_cycle_info("CHECKING"));
    assert_null(sms_task_state_info("running"));
    assert_null(sms_task_state_info("RESETTING"));
    assert_null(sms_task_state_info(NULL));
    assert_null(sms_error_code_lookup("sms.9004"));
    assert_null(sms_error_code_lookup("SMS.9999"));
    assert_null(sms_error_code_lookup("SMS.900"));
    assert_null(sms_error_code_lookup(NULL));
}

static void test_error_code_table(void **state)
{
    (void)state;
    assert_int_equal(sms_n_error_codes, 92);   /* 86 SMS codes of §5.2 (ranges split) + 5 APIGW + APIG.0308 */
    for (size_t i = 0; i < sms_n_error_codes; i++) {
        const sms_error_code_info *e = &sms_error_codes[i];
        assert_non_null(e->code);
        assert_non_null(e->meaning);
        assert_true(strlen(e->meaning) > 5);
        assert_true(strncmp(e->code, "SMS.", 4) == 0 || strncmp(e->code, "APIGW.", 6) == 0 ||
                    strcmp(e->code, "APIG.0308") == 0);
        assert_true(e->http_status == 400 || e->http_status == 401 || e->http_status == 403
                    || e->http_status == 404 || e->http_status == 429 || e->http_status == 500);
        assert_ptr_equal(sms_error_code_lookup(e->code), e);
        for (size_t j = i + 1; j < sms_n_error_codes; j++)
            assert_string_not_equal(e->code, sms_error_codes[j].code);
    }
}

static void test_error_code_lookups(void **state)
{
    (void)state;
    const sms_error_code_info *e = sms_error_code_lookup("SMS.9004");
    assert_non_null(e);
    assert_int_equal(e->http_status, 403);
    assert_non_null(strstr(e->meaning, "permission"));
    e = sms_error_code_lookup("APIGW.0301");
    assert_int_equal(e->http_status, 401);
    assert_non_null(strstr(e->meaning, "log in again"));
    assert_int_equal(sms_error_code_lookup("APIGW.0101")->http_status, 404);
    assert_int_equal(sms_error_code_lookup("APIG.0308")->http_status, 429);
    assert_int_equal(sms_error_code_lookup("APIGW.0302")->http_status, 403);
    assert_int_equal(sms_error_code_lookup("SMS.2252")->http_status, 404);
    assert_int_equal(sms_error_code_lookup("SMS.2007")->http_status, 500);
    assert_int_equal(sms_error_code_lookup("SMS.2013")->http_status, 401);
    assert_int_equal(sms_error_code_lookup("SMS.1038")->http_status, 400);
    /* ranges of the reference are split into one entry per code */
    static const char *const split[] = {"SMS.0805", "SMS.0806", "SMS.3802", "SMS.3803",
        "SMS.3804", "SMS.3805", "SMS.3806", "SMS.1104", "SMS.1105", "SMS.1106", "SMS.6616",
        "SMS.6617", "SMS.5112", "SMS.5113", "SMS.9007", "SMS.0007"};
    for (size_t i = 0; i < sizeof split / sizeof split[0]; i++)
        assert_non_null(sms_error_code_lookup(split[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_tables_unique_and_filled),
        cmocka_unit_test(test_server_states),
        cmocka_unit_test(test_cycles_in_pipeline_order),
        cmocka_unit_test(test_task_states),
        cmocka_unit_test(test_unknown_values),
        cmocka_unit_test(test_error_code_table),
        cmocka_unit_test(test_error_code_lookups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

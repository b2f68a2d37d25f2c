/* test_ui_confirm.c - the confirmation in front of mutating actions (confirm.c): a typed
 * confirmation (DELETE) is accepted only for the exact server name, or the exact number
 * of servers; an empty line, a prefix, a longer text or another case cancel it. A yes/no
 * question accepts only y.
 *
 * No poller is attached, so an accepted action ends in sms_app_submit's "could not be
 * queued": that message is the proof that the dialog let the action through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui/app.h"

static sms_app app;
static sms_ui_opts opts;

static int setup(void **state)
{
    (void)state;
    memset(&app, 0, sizeof app);
    memset(&opts, 0, sizeof opts);
    app.o = &opts;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sms_pending_free(&app.confirm.pending);
    return 0;
}

/* Opens the dialog for act on n servers named names[]. */
static void ask(sms_action_id act, const char *const *names, size_t n)
{
    sms_pending_action pa = { .act = act, .n = n };
    pa.ids = calloc(n, sizeof *pa.ids);
    pa.names = calloc(n, sizeof *pa.names);
    assert_non_null(pa.ids);
    assert_non_null(pa.names);
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "id-%zu", i);
        pa.ids[i] = strdup(id);
        pa.names[i] = strdup(names[i]);
    }
    app.message[0] = '\0';
    sms_confirm_open(&app, &pa);
    assert_true(app.confirm.active);
}

static void type(const char *text)
{
    for (const char *p = text; *p; p++)
        assert_true(sms_confirm_key(&app, (unsigned char)*p));
}

static bool accepted(void) { return strstr(app.message, "could not be queued") != NULL; }
static bool refused(void) { return strstr(app.message, "does not match") != NULL; }

/* Types text + Enter into a fresh DELETE dialog for one server "web-01". */
static void delete_web01_typing(const char *text)
{
    static const char *const one[] = { "web-01" };
    ask(SMS_A_DELETE, one, 1);
    assert_int_equal(app.confirm.kind, SMS_CONFIRM_TYPED);
    type(text);
    assert_true(sms_confirm_key(&app, '\r'));
    assert_false(app.confirm.active);
}

static void delete_needs_the_exact_name(void **state)
{
    (void)state;
    static const char *const wrong[] = { "", "w", "web", "web-0", "web-01 ", "web-011", "WEB-01", "wrong" };
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        delete_web01_typing(wrong[i]);
        if (!refused() || accepted())
            fail_msg("typing \"%s\" for web-01: %s", wrong[i], app.message);
    }
    delete_web01_typing("web-01");
    assert_true(accepted());
}

static void backspace_edits_what_was_typed(void **state)
{
    (void)state;
    delete_web01_typing("web-02\x7f" "1");
    assert_true(accepted());
    delete_web01_typing("web-01\x7f");
    assert_true(refused());
}

static void delete_of_several_needs_their_number(void **state)
{
    (void)state;
    static const char *const three[] = { "web-01", "web-02", "db-01" };
    ask(SMS_A_DELETE, three, 3);
    assert_string_equal(app.confirm.expect, "3");
    assert_non_null(strstr(app.confirm.question, "3 servers (web-01, web-02, db-01)"));
    type("\r");
    assert_true(refused());
    ask(SMS_A_DELETE, three, 3);
    type("web-01\r");
    assert_true(refused());
    ask(SMS_A_DELETE, three, 3);
    type("3\r");
    assert_true(accepted());
}

static void escape_cancels_a_typed_confirmation(void **state)
{
    (void)state;
    static const char *const one[] = { "web-01" };
    ask(SMS_A_DELETE, one, 1);
    type("web-01");
    assert_true(sms_confirm_key(&app, 27));
    assert_false(app.confirm.active);
    assert_false(accepted());
    assert_non_null(strstr(app.message, "cancelled: nothing was sent"));
}

static void yes_no_defaults_to_no(void **state)
{
    (void)state;
    static const char *const one[] = { "web-01" };
    ask(SMS_A_STOP, one, 1);
    assert_int_equal(app.confirm.kind, SMS_CONFIRM_YESNO);
    type("x1 ");                                /* swallowed while asking */
    assert_true(app.confirm.active);
    type("\r");
    assert_false(app.confirm.active);
    assert_false(accepted());
    ask(SMS_A_STOP, one, 1);
    type("n");
    assert_false(accepted());
    ask(SMS_A_STOP, one, 1);
    type("y");
    assert_false(app.confirm.active);
    assert_true(accepted());
}

/* The history file, the audit file and the screen name an action by sms_action_name
 * (api/); the action table (ui/actions.h) is the one list of names: every request kind
 * is one mutating row, under the same name. */
static void request_names_are_the_action_table_names(void **state)
{
    (void)state;
    bool seen[SMS_ACT__COUNT] = { false };
    for (int a = 0; a < SMS_A__COUNT; a++) {
        sms_action_kind k;
        if (!sms_action_request_kind((sms_action_id)a, &k))
            continue;
        assert_true(sms_actions[a].mutating);
        assert_false(seen[k]);
        seen[k] = true;
        if (strcmp(sms_action_name(k), sms_actions[a].name) != 0)
            fail_msg("request kind %d is named \"%s\", its action \"%s\"", (int)k, sms_action_name(k),
                     sms_actions[a].name);
    }
    for (int k = 0; k < SMS_ACT__COUNT; k++)
        if (!seen[k])
            fail_msg("request kind %d (%s) has no row in the action table", k, sms_action_name((sms_action_kind)k));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(delete_needs_the_exact_name, setup, teardown),
        cmocka_unit_test_setup_teardown(backspace_edits_what_was_typed, setup, teardown),
        cmocka_unit_test_setup_teardown(delete_of_several_needs_their_number, setup, teardown),
        cmocka_unit_test_setup_teardown(escape_cancels_a_typed_confirmation, setup, teardown),
        cmocka_unit_test_setup_teardown(yes_no_defaults_to_no, setup, teardown),
        cmocka_unit_test(request_names_are_the_action_table_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_ui_files.c - malformed theme and config files: each gives "file:line: message"
 * and the caller keeps going; none crashes (a NULL setting name once reached strcmp). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ui/config.h"
#include "ui/theme.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

typedef struct bad_file { const char *text; int line; const char *says; } bad_file;

static void write_tmp(char *path, size_t len, const char *text)
{
    snprintf(path, len, "/tmp/sms-files-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

/* err starts with "path:line:" and contains says. */
static void assert_located(const char *err, const char *path, int line, const char *says)
{
    char want[128];
    snprintf(want, sizeof want, "%s:%d:", path, line);
    if (strncmp(err, want, strlen(want)) != 0 || !strstr(err, says))
        fail_msg("expected \"%s ...%s...\", got \"%s\"", want, says, err);
}

static void malformed_themes_are_located(void **state)
{
    (void)state;
    static const bad_file themes[] = {
        { "roles = [ \"default\" ];\n", 1, "expected a group" },          /* the crash */
        { "roles = ( \"default\", 1 );\n", 1, "expected a group" },
        { "name = \"x\";\nroles = { normal = [ \"default\" ]; };\n", 2, "expected [fg, bg" },
        { "roles = {\n normal = ( \"red\", ( 1 ) );\n};\n", 2, "unknown colour" },
        { "roles = { normal = ( \"red\", \"blue\", 5 ); };\n", 1, "unknown attribute" },
        { "roles = { normal = ( \"red\", \"blue\", [ \"bold\" ] ); };\n", 1, "unknown attribute" },
        { "roles = { normal = { fg = \"red\"; }; };\n", 1, "expected [fg, bg" },
        { "roles256 = 3;\n", 1, "expected a group" },
        { "roles = { nosuch = [ \"red\", \"blue\" ]; };\n", 1, "unknown role" },
        { "\n\nroles = {\n", 4, "" },                                   /* syntax, at EOF */
    };
    for (size_t i = 0; i < N_OF(themes); i++) {
        char path[64], err[512] = "";
        write_tmp(path, sizeof path, themes[i].text);
        sms_theme t;
        sms_theme_builtin(&t);
        assert_int_equal(sms_theme_parse_file(path, &t, err, sizeof err), -1);
        assert_located(err, path, themes[i].line, themes[i].says);
        unlink(path);
    }
}

static void malformed_configs_are_located(void **state)
{
    (void)state;
    static const bad_file configs[] = {
        { "contexts = ( \"prod\" );\n", 1, "element: expected a group" },
        { "contexts = { name = \"x\"; };\n", 1, "expected a list" },
        { "keys = [ \"s\" ];\n", 1, "expected a group" },
        { "keys = { start = 5; };\n", 1, "start: expected a string" },
        { "\ncontexts = ( { region = \"r\"; } );\n", 2, "needs a name" },
        { "contexts = ( { name = \"\"; } );\n", 1, "needs a name" },
        { "contexts = ( { name = \"p\"; auth = \"magic\"; } );\n", 1, "auth must be" },
        { "theme = [ 1 ];\n", 1, "theme: expected a string" },
    };
    for (size_t i = 0; i < N_OF(configs); i++) {
        char path[64], err[512] = "";
        write_tmp(path, sizeof path, configs[i].text);
        sms_config c;
        assert_int_equal(sms_config_load(path, &c, err, sizeof err), -1);
        assert_located(err, path, configs[i].line, configs[i].says);
        unlink(path);
    }
}

/* A context name is never cut: one longer than the limit is an error with its line. */
static void long_context_names_are_refused_not_cut(void **state)
{
    (void)state;
    char name[SMS_CONTEXT_NAME_MAX + 2], text[2 * SMS_CONTEXT_NAME_MAX + 128], path[64], err[512] = "";
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(text, sizeof text, "contexts = ( { name = \"%s\"; } );\n", name);
    write_tmp(path, sizeof path, text);
    sms_config c;
    assert_int_equal(sms_config_load(path, &c, err, sizeof err), -1);
    assert_located(err, path, 1, "context name longer than");
    unlink(path);
    name[SMS_CONTEXT_NAME_MAX] = '\0';                   /* exactly the limit: kept whole */
    name[70] = 'x';                                      /* past the old 63-byte cut */
    snprintf(text, sizeof text, "context = \"%s\";\ncontexts = ( { name = \"%s\"; } );\n", name, name);
    write_tmp(path, sizeof path, text);
    assert_int_equal(sms_config_load(path, &c, err, sizeof err), 0);
    assert_string_equal(sms_config_context(&c, NULL)->name, name);
    sms_config_free(&c);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_themes_are_located),
        cmocka_unit_test(malformed_configs_are_located),
        cmocka_unit_test(long_context_names_are_refused_not_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

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
#include <sys/stat.h>
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

/* Writes TEXT to DIR/NAME. */
static void write_in(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* libconfig 1.5's scanner calls exit(2) when an @include target cannot be read (a directory)
 * and blocks on a FIFO: each must be an error at the include's line, and the console goes on. */
static void bad_includes_are_errors_not_exits(void **state)
{
    (void)state;
    char dir[] = "/tmp/sms-inc-XXXXXX", path[256], fifo[256], err[512];
    assert_non_null(mkdtemp(dir));
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    static const bad_file configs[] = {
        { "theme = \"x\";\n@include \"/\"\n", 2, "not a regular file" },   /* the fuzz find */
        { "  @include \"pipe\"\n", 1, "@include \"" },                      /* a FIFO */
        { "\n\n\t@include \"missing\"\n", 3, "cannot read" },
        { "@include \"a\\\"b\"\n", 1, "plain ASCII file name" },           /* an escape */
        { "@include \"self.cfg\"\n", 1, "nests deeper than 10" },            /* includes itself */
    };
    for (size_t i = 0; i < N_OF(configs); i++) {
        write_in(dir, "self.cfg", configs[i].text);
        snprintf(path, sizeof path, "%s/self.cfg", dir);
        sms_config c;
        err[0] = '\0';
        assert_int_equal(sms_config_load(path, &c, err, sizeof err), -1);
        assert_located(err, path, configs[i].line, configs[i].says);
        sms_theme t;
        sms_theme_builtin(&t);
        err[0] = '\0';
        assert_int_equal(sms_theme_parse_file(path, &t, err, sizeof err), -1);
        assert_located(err, path, configs[i].line, configs[i].says);
    }
    /* the file the operator names may itself be a directory */
    sms_config c;
    assert_int_equal(sms_config_load(dir, &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    unlink(fifo);
    snprintf(path, sizeof path, "%s/self.cfg", dir);
    unlink(path);
    rmdir(dir);
}

/* An include is found next to the file that names it, whatever the working directory; a
 * syntax error inside it names both files. */
static void includes_resolve_next_to_the_config(void **state)
{
    (void)state;
    char dir[] = "/tmp/sms-inc-XXXXXX", path[256], err[512] = "", cwd[4096];
    assert_non_null(mkdtemp(dir));
    write_in(dir, "main.cfg", "@include \"contexts.cfg\"\ncontext = \"lab\";\n");
    write_in(dir, "contexts.cfg", "contexts = ( { name = \"lab\"; region = \"cn-north-4\"; } );\n");
    snprintf(path, sizeof path, "%s/main.cfg", dir);
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir("/"), 0);
    sms_config c;
    int rc = sms_config_load(path, &c, err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
    assert_string_equal(sms_config_context(&c, NULL)->region, "cn-north-4");
    sms_config_free(&c);
    write_in(dir, "contexts.cfg", "\ncontexts = ( { name = ; } );\n");
    assert_int_equal(sms_config_load(path, &c, err, sizeof err), -1);
    char want[300];
    snprintf(want, sizeof want, "%s: contexts.cfg:2:", path);
    if (strncmp(err, want, strlen(want)) != 0)
        fail_msg("expected \"%s...\", got \"%s\"", want, err);
    assert_int_equal(chdir(cwd), 0);
    unlink(path);
    snprintf(path, sizeof path, "%s/contexts.cfg", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_themes_are_located),
        cmocka_unit_test(malformed_configs_are_located),
        cmocka_unit_test(long_context_names_are_refused_not_cut),
        cmocka_unit_test(bad_includes_are_errors_not_exits),
        cmocka_unit_test(includes_resolve_next_to_the_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

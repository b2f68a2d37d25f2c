/* test_tui_config.c - the command line and the config file as the operator meets them:
 * --help/--version, a broken config named by file and line, unknown keys reported,
 * contexts switched with :context, and the ASCII / NO_COLOR tier. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "emu_helper.h"
#include "harness.h"
#include "tui_expect.h"
#include "model/codec.h"

static emu_fixture fx;
static char cfg_path[64];

static int group_setup(void **state)
{
    (void)state;
    return emu_fixture_start(&fx, 6, NULL);
}

static int group_teardown(void **state)
{
    (void)state;
    emu_fixture_stop(&fx);
    return 0;
}

static void write_config(const char *text)
{
    snprintf(cfg_path, sizeof cfg_path, "/tmp/smscfg-XXXXXX");
    int fd = mkstemp(cfg_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void help_and_version(void **state)
{
    (void)state;
    const char *const help[] = { "smsconsole", "--help", NULL };
    tui *t = tui_start(40, 120, help, NULL);
    tui_expect_text(t, "Usage: smsconsole");
    tui_expect_text(t, "--readonly");
    tui_expect_text(t, "--demo");
    assert_int_equal(tui_quit(t, NULL), 0);
    const char *const version[] = { "smsconsole", "--version", NULL };
    t = tui_start(10, 80, version, NULL);
    tui_expect_text(t, "smsconsole " SMS_VERSION);
    assert_int_equal(tui_quit(t, NULL), 0);
    const char *const bad[] = { "smsconsole", "--refresh", "0", NULL };
    t = tui_start(10, 80, bad, NULL);
    tui_expect_text(t, "--refresh: expected 1-3600 seconds");
    assert_int_equal(tui_quit(t, NULL), 2);
}

static void dump_prints_the_fleet_once(void **state)
{
    (void)state;
    sms_server_list list = { 0 };
    sms_client *c = emu_fixture_client(&fx);
    assert_non_null(c);
    assert_int_equal(sms_list_servers(c, NULL, &list, NULL), 0);
    sms_client_free(c);
    assert_true(list.n_source_servers > 0);
    const char *const extra[] = { "--dump", "text", NULL };
    const char *argv[24];
    tui *t = tui_start(60, 200, emu_fixture_argv_with(&fx, extra, argv, 24), fx.env);
    tui_expect_text(t, list.source_servers[0].name);
    tui_expect_text(t, "OVERVIEW  waiting ");      /* what the man page promises besides */
    tui_expect_text(t, "MIGRATION ERRORS (");
    tui_expect_text(t, "TASKS (");
    assert_int_equal(tui_quit(t, NULL), 0);
    sms_free(&SMS_T_SERVER_LIST, &list);
}

static void broken_config_names_file_and_line(void **state)
{
    (void)state;
    write_config("theme = \"default\";\nrefresh = 5;\ncontexts = ( { name = \"x\"; } \n");
    const char *const argv[] = { "smsconsole", "--config", cfg_path, NULL };
    char want[128];
    snprintf(want, sizeof want, "%s:4:", cfg_path);      /* the unclosed list is seen at EOF */
    tui *t = tui_start(10, 120, argv, NULL);
    tui_expect_text(t, want);
    assert_int_equal(tui_quit(t, NULL), 2);
    write_config("refresh = \"fast\";\n");
    snprintf(want, sizeof want, "%s:1: refresh", cfg_path);
    t = tui_start(10, 120, argv, NULL);
    tui_expect_text(t, want);
    assert_int_equal(tui_quit(t, NULL), 2);
    unlink(cfg_path);
}

static void contexts_switch_at_run_time(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text,
             "context = \"blue\";\ncolour = \"red\";\n"
             "contexts = (\n"
             "  { name = \"blue\"; region = \"r-blue\"; endpoint = \"%s\"; iam_endpoint = \"%s\";\n"
             "    user = \"admin\"; domain = \"demo\"; project = \"ap-southeast-3\"; },\n"
             "  { name = \"green\"; region = \"r-green\"; endpoint = \"%s\"; iam_endpoint = \"%s\";\n"
             "    user = \"admin\"; domain = \"demo\"; project = \"ap-southeast-3\"; readonly = true; } );\n",
             fx.url, fx.url, fx.url, fx.url);
    write_config(text);
    const char *const argv[] = { "smsconsole", "--config", cfg_path, NULL };
    tui *t = tui_start_ready(30, 120, argv, fx.env, "Servers 6/6");
    tui_expect_text(t, "blue (r-blue)");
    tui_type(t, ":context gr\t\r");                  /* completed from the config */
    tui_expect_text(t, "green (r-green)");
    tui_expect_text(t, "READ-ONLY");                      /* that context's own setting */
    tui_expect_text(t, "Servers 6/6");
    tui_type(t, ":context nowhere\r");
    tui_expect_text(t, "context \"nowhere\" is not in the config file");
    assert_int_equal(tui_quit(t, "q"), 0);
    unlink(cfg_path);
}

static void password_comes_from_password_command(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text,
             "contexts = ( { name = \"cmd\"; endpoint = \"%s\"; iam_endpoint = \"%s\"; user = \"admin\";\n"
             "  domain = \"demo\"; project = \"ap-southeast-3\"; password_command = \"echo admin-pass\"; } );\n",
             fx.url, fx.url);
    write_config(text);
    const char *const argv[] = { "smsconsole", "--config", cfg_path, NULL };
    tui *t = tui_start(30, 120, argv, NULL);            /* no SMS_PASSWORD */
    tui_expect_text(t, "Servers 6/6");
    assert_false(tui_find(t, "admin-pass", NULL, NULL));
    assert_int_equal(tui_quit(t, "q"), 0);
    snprintf(text, sizeof text,
             "contexts = ( { name = \"cmd\"; endpoint = \"%s\"; user = \"admin\"; password_command = \"exit 3\"; } );\n",
             fx.url);
    write_config(text);
    t = tui_start(30, 120, argv, NULL);
    tui_expect_text(t, "password_command failed (exit status 3)");   /* not the raw 768 */
    assert_int_equal(tui_quit(t, NULL), 2);
    unlink(cfg_path);
}

/* The command runs without the secrets of the console's environment, and a stale SK
 * (no AK beside it) does not stand in the way of the password login. It inherits no
 * descriptor but stdin, stdout (the pipe the password is read from) and stderr: not the
 * console's sockets or files, nor what the console itself inherited (here the harness's
 * frame pipe), whether or not they were opened close-on-exec. It runs again, for the
 * second context, after a first session (its connections, history, audit file). */
static void password_command_gets_no_secret(void **state)
{
    (void)state;
    char envfile[64], fdfile[64], text[2048];
    snprintf(envfile, sizeof envfile, "/tmp/smsenv-XXXXXX");
    int fd = mkstemp(envfile);
    assert_true(fd >= 0);
    close(fd);
    snprintf(fdfile, sizeof fdfile, "/tmp/smsfds-XXXXXX");
    fd = mkstemp(fdfile);
    assert_true(fd >= 0);
    close(fd);
    snprintf(text, sizeof text,
             "contexts = ( { name = \"cmd\"; endpoint = \"%s\"; iam_endpoint = \"%s\"; user = \"admin\";\n"
             "  domain = \"demo\"; project = \"ap-southeast-3\";\n"
             "  password_command = \"env > %s; echo admin-pass\"; },\n"
             "  { name = \"fds\"; region = \"r-fds\"; endpoint = \"%s\"; iam_endpoint = \"%s\"; user = \"admin\";\n"
             "  domain = \"demo\"; project = \"ap-southeast-3\";\n"
             "  password_command = \"sh -c 'exec ls -l /proc/self/fd > %s'; echo admin-pass\"; } );\n",
             fx.url, fx.url, envfile, fx.url, fx.url, fdfile);
    write_config(text);
    const char *const argv[] = { "smsconsole", "--config", cfg_path, NULL };
    const char *const env[] = { "HUAWEICLOUD_SDK_SK=stale-secret-key", "SMS_AUTH_TOKEN=", NULL };
    tui *t = tui_start(30, 120, argv, env);
    tui_expect_text(t, "Servers 6/6");
    tui_type(t, ":context fds\r");
    tui_expect_text(t, "fds (r-fds)");
    assert_int_equal(tui_quit(t, "q"), 0);
    /* "lrwx------ 1 u g 64 Dec  6 22:02 11 -> socket:[540605]", as ls run by a shell the
     * command started sees them (the command's own shell keeps copies of what it
     * redirects: dash's 10): beyond 0, 1 and 2 only ls's own /proc/N/fd may show */
    FILE *fds = fopen(fdfile, "r");
    assert_non_null(fds);
    char fdline[512], leaked[1024] = "";
    int n_fds = 0;
    while (fgets(fdline, sizeof fdline, fds)) {
        char *arrow = strstr(fdline, " -> ");
        if (!arrow)
            continue;
        *arrow = '\0';
        const char *fdnum = strrchr(fdline, ' ') + 1, *target = arrow + 4;
        n_fds++;
        if (atoi(fdnum) > 2 && strncmp(target, "/proc/", 6) != 0 &&
            strlen(leaked) + strlen(fdnum) + strlen(target) + 8 < sizeof leaked)
            snprintf(leaked + strlen(leaked), sizeof leaked - strlen(leaked), "%s -> %.*s; ", fdnum,
                     (int)strcspn(target, "\n"), target);
    }
    fclose(fds);
    assert_true(n_fds >= 3);                             /* the command did list them */
    if (leaked[0])
        fail_msg("password_command inherited: %s", leaked);
    unlink(fdfile);
    FILE *f = fopen(envfile, "r");
    assert_non_null(f);
    char line[4096];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        lines++;
        assert_null(strstr(line, "stale-secret-key"));
        assert_null(strstr(line, "HUAWEICLOUD_SDK_SK"));
    }
    fclose(f);
    assert_true(lines > 3);                               /* the command did run env */
    unlink(envfile);
    unlink(cfg_path);
}

static bool any_colour(tui *t)
{
    int rows, cols;
    tui_size(t, &rows, &cols);
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            VTermScreenCell cell;
            if (tui_cell(t, r, c, &cell) &&
                (!VTERM_COLOR_IS_DEFAULT_FG(&cell.fg) || !VTERM_COLOR_IS_DEFAULT_BG(&cell.bg)))
                return true;
        }
    return false;
}

static void keys_and_themes_follow_the_config(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text,
             "theme = \"light\";\nkeys = { start = \"s\"; delete = \"U\"; };\n"
             "contexts = ( { name = \"k\"; endpoint = \"%s\"; iam_endpoint = \"%s\"; user = \"admin\";\n"
             "  domain = \"demo\"; project = \"ap-southeast-3\"; } );\n", fx.url, fx.url);
    write_config(text);
    const char *const argv[] = { "smsconsole", "--config", cfg_path, NULL };
    tui *t = tui_start_ready(30, 120, argv, fx.env, "Servers 6/6");
    tui_expect_text(t, "s:start");                        /* the hints follow the keymap */
    tui_type(t, "s");                                     /* no task yet: refused, with why */
    tui_expect_text(t, "not now: the server has no migration task");
    tui_type(t, "U");
    tui_expect_text(t, "Confirm delete");
    tui_type(t, "\033");
    tui_expect_text(t, "delete cancelled");
    tui_type(t, ":theme nosuch\r");
    tui_expect_text(t, "theme \"nosuch\" not found");
    assert_true(any_colour(t));
    tui_type(t, ":theme monochrome\r");
    tui_expect_text(t, "theme monochrome");
    tui_settle(t);
    assert_false(any_colour(t));
    assert_int_equal(tui_quit(t, "q"), 0);
    unlink(cfg_path);
}

/* A theme file libconfig reads but that is not a theme: named by file and line, at
 * start-up (-t) and with :theme, and the session goes on with the theme it had. */
static void malformed_theme_keeps_the_session(void **state)
{
    (void)state;
    char dir[64], file[128], env_path[160];
    snprintf(dir, sizeof dir, "/tmp/smsthemes-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/bad.theme", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("name = \"bad\";\nroles = [ \"default\" ];\n", f);
    fclose(f);
    snprintf(env_path, sizeof env_path, "SMS_THEME_PATH=%s", dir);
    const char *const env[] = { "SMS_PASSWORD=admin-pass", env_path, NULL };
    const char *const extra[] = { "-t", "bad", NULL };
    const char *argv[24];
    char want[160];
    snprintf(want, sizeof want, "%s:2: roles: expected a group", file);
    tui *t = tui_start_ready(30, 160, emu_fixture_argv_with(&fx, extra, argv, 24), env, "Servers 6/6");
    tui_expect_text(t, want);
    tui_type(t, ":theme light\r");
    tui_expect_text(t, "theme light");
    tui_type(t, ":theme bad\r");
    tui_expect_text(t, want);
    tui_type(t, "j");                                     /* still alive and answering */
    tui_expect_text(t, "Servers 6/6");
    assert_int_equal(tui_quit(t, "q"), 0);
    unlink(file);
    rmdir(dir);
}

static void unknown_config_keys_are_reported(void **state)
{
    (void)state;
    write_config("colour = \"red\";\n");
    const char *const argv[] = { "smsconsole", "--config", cfg_path, NULL };
    tui *t = tui_start(30, 120, argv, fx.env);          /* fails later: no endpoint */
    char want[128];
    snprintf(want, sizeof want, "%s:1: unknown key \"colour\"", cfg_path);
    tui_expect_text(t, want);
    assert_int_equal(tui_quit(t, NULL), 2);
    unlink(cfg_path);
}

static void ascii_locale_and_no_color(void **state)
{
    (void)state;
    const char *const env[] = { "SMS_PASSWORD=admin-pass", "LC_ALL=C", "NO_COLOR=1", NULL };
    tui *t = tui_start_ready(30, 120, fx.argv, env, "Servers 6/6");
    tui_expect_text(t, "NAME^");                          /* ASCII sort marker */
    assert_false(tui_find(t, "\xe2\x96\xb2", NULL, NULL));    /* no ▲ */
    assert_false(any_colour(t));      /* every cell keeps the terminal's default colours */
    /* the selection is still visible, by reverse video */
    VTermScreenCell sel;
    assert_true(tui_cell(t, 3, 2, &sel));
    assert_true(sel.attrs.reverse);
    assert_int_equal(tui_quit(t, "q"), 0);
}

/* Highest colour index used anywhere on screen; -1 when none. */
static int max_colour_index(tui *t)
{
    int rows, cols, max = -1;
    tui_size(t, &rows, &cols);
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            VTermScreenCell cell;
            if (!tui_cell(t, r, c, &cell))
                continue;
            if (VTERM_COLOR_IS_INDEXED(&cell.fg) && !VTERM_COLOR_IS_DEFAULT_FG(&cell.fg) && cell.fg.indexed.idx > max)
                max = cell.fg.indexed.idx;
            if (VTERM_COLOR_IS_INDEXED(&cell.bg) && !VTERM_COLOR_IS_DEFAULT_BG(&cell.bg) && cell.bg.indexed.idx > max)
                max = cell.bg.indexed.idx;
        }
    return max;
}

static void eight_colour_and_colourless_terminals(void **state)
{
    (void)state;
    const char *const eight[] = { "SMS_PASSWORD=admin-pass", "TERM=xterm", NULL };
    tui *t = tui_start_ready(30, 120, fx.argv, eight, "Servers 6/6");
    tui_settle(t);
    int max = max_colour_index(t);
    assert_true(max >= 0);                            /* colours, but only the first 8 */
    assert_true(max < 8);
    assert_int_equal(tui_quit(t, "q"), 0);
    const char *const none[] = { "SMS_PASSWORD=admin-pass", "TERM=vt100", NULL };
    t = tui_start_ready(30, 120, fx.argv, none, "Servers 6/6");
    tui_settle(t);
    assert_false(any_colour(t));
    VTermScreenCell sel;
    assert_true(tui_cell(t, 3, 2, &sel));
    assert_true(sel.attrs.reverse);
    assert_int_equal(tui_quit(t, "q"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_and_version),
        cmocka_unit_test(dump_prints_the_fleet_once),
        cmocka_unit_test(broken_config_names_file_and_line),
        cmocka_unit_test(contexts_switch_at_run_time),
        cmocka_unit_test(password_comes_from_password_command),
        cmocka_unit_test(password_command_gets_no_secret),
        cmocka_unit_test(keys_and_themes_follow_the_config),
        cmocka_unit_test(malformed_theme_keeps_the_session),
        cmocka_unit_test(unknown_config_keys_are_reported),
        cmocka_unit_test(ascii_locale_and_no_color),
        cmocka_unit_test(eight_colour_and_colourless_terminals),
    };
    tui_filter_tests_from_env();
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/* test_emu_program.c - the smsemu program: first stdout line names the URL, the service
 * answers there (loopback), SIGTERM and SIGINT stop it with status 0, --help documents
 * identities and fault kinds, bad options fail with status 2. */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "emu_http.h"

#define SMSEMU SMS_BINARY_DIR "/src/emulator/smsemu"

typedef struct child { pid_t pid; FILE *out; } child;

static child spawn(char *const argv[])
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execv(SMSEMU, argv);
        _exit(127);
    }
    close(fds[1]);
    child c = {pid, fdopen(fds[0], "r")};
    assert_non_null(c.out);
    return c;
}

static int wait_status(child *c)
{
    int st = 0;
    assert_int_equal(waitpid(c->pid, &st, 0), c->pid);
    fclose(c->out);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void run_and_stop(int sig)
{
    char *argv[] = {"smsemu", "--servers", "0", "--quiet", "--fault", "/v3/tasks*=status:503", NULL};
    child c = spawn(argv);
    char line[256] = "";
    assert_non_null(fgets(line, sizeof line, c.out));
    assert_int_equal(strncmp(line, "listening on http://127.0.0.1:", 30), 0);
    line[strcspn(line, "\n")] = 0;
    const char *url = line + strlen("listening on ");
    assert_int_equal(eh_call_status(url, NULL, "GET", "/", NULL), 200);
    assert_int_equal(eh_call_status(url, NULL, "GET", "/v3/tasks", NULL), 503);  /* --fault reached the service */
    assert_int_equal(kill(c.pid, sig), 0);
    assert_int_equal(wait_status(&c), 0);
}

static void test_sigterm_stops_cleanly(void **state)
{
    (void)state;
    run_and_stop(SIGTERM);
}

static void test_sigint_stops_cleanly(void **state)
{
    (void)state;
    run_and_stop(SIGINT);
}

static void test_help_lists_identities_and_faults(void **state)
{
    (void)state;
    char *argv[] = {"smsemu", "--help", NULL};
    child c = spawn(argv);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, c.out);
    text[n] = 0;
    assert_int_equal(wait_status(&c), 0);
    static const char *const must[] = {"admin-pass", "operator-pass", "viewer-pass", SMSEMU_AK, SMSEMU_SK,
                                       "latency:MS", "jitter:MS", "status:CODE", "malformed", "truncate",
                                       "reset", "trickle:BPS", "oversize:BYTES", "revoke", "chunked", "--token-ttl"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        if (!strstr(text, must[i]))
            fail_msg("--help does not mention %s", must[i]);
}

static void test_bad_options(void **state)
{
    (void)state;
    char *bad[][4] = {{"smsemu", "--fault", "*=explode", NULL}, {"smsemu", "--servers", "-1", NULL},
                      {"smsemu", "--speed", "0", NULL}, {"smsemu", "--listen", "nowhere", NULL},
                      {"smsemu", "--bogus", NULL, NULL}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        child c = spawn(bad[i]);
        int st = wait_status(&c);
        if (st == 0)
            fail_msg("%s %s: exit status 0", bad[i][1], bad[i][2] ? bad[i][2] : "");
    }
}

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* The library gives back every descriptor and thread it took (ASan checks the memory). */
static void test_start_stop_leaves_nothing_open(void **state)
{
    (void)state;
    smsemu_stop(eh_start());                              /* warm up lazy library state */
    int before = open_fds();
    for (int i = 0; i < 20; i++) {
        smsemu *e = eh_start();
        assert_int_equal(eh_call_status(smsemu_url(e), NULL, "GET", "/", NULL), 200);
        smsemu_stop(e);
    }
    assert_int_equal(open_fds(), before);
    /* a port in use is an error with a message, not a crash */
    smsemu *e = eh_start();
    char listen[64], err[256] = "";
    snprintf(listen, sizeof listen, "127.0.0.1:%d", smsemu_port(e));
    smsemu_opts o = {.listen = listen, .quiet = true};
    assert_null(smsemu_start(&o, err, sizeof err));
    assert_non_null(strstr(err, "cannot listen"));
    smsemu_stop(e);
    assert_int_equal(open_fds(), before);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigterm_stops_cleanly),
        cmocka_unit_test(test_sigint_stops_cleanly),
        cmocka_unit_test(test_help_lists_identities_and_faults),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_start_stop_leaves_nothing_open),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}

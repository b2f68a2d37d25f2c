/* test_tui_tls.c - TLS end to end: the emulator serves HTTPS with a self-signed
 * certificate made here; the console refuses it with a clear message, accepts it with
 * --cacert FILE, SSL_CERT_FILE or CURL_CA_BUNDLE, and with --insecure shows its badge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "emulator/emulator.h"
#include "harness.h"
#include "tls_cert.h"
#include "tui_expect.h"

static char dir[64], cert[128], key[128], url[128];
static smsemu *emu;

static int group_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/smstls-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    if (tls_make_self_signed(cert, key) != 0)
        return -1;
    smsemu_opts o = { .listen = "127.0.0.1:0", .servers = 3, .seed = 5, .speed = 1, .no_agents = true,
                      .quiet = true, .tls_cert = cert, .tls_key = key };
    char err[256] = "";
    emu = smsemu_start(&o, err, sizeof err);        /* its own agents registered over HTTPS */
    if (!emu) {
        fprintf(stderr, "smsemu_start: %s\n", err);
        return -1;
    }
    snprintf(url, sizeof url, "%s", smsemu_url(emu));
    return strncmp(url, "https://", 8) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    smsemu_stop(emu);
    unlink(cert);
    unlink(key);
    rmdir(dir);
    return 0;
}

/* smsconsole --dump text against the HTTPS emulator, with extra options and env. */
static tui *dump(const char *extra, const char *const env[])
{
    const char *argv[] = { "smsconsole", "--dump", "text", "--endpoint", url, "--iam-endpoint", url, "--user", "admin",
                           "--domain", SMSEMU_DOMAIN, "--project", SMSEMU_PROJECT, extra, extra ? cert : NULL,
                           NULL };
    return tui_start(20, 200, argv, env);
}

static void self_signed_is_refused_with_a_clear_message(void **state)
{
    (void)state;
    const char *const env[] = { "SMS_PASSWORD=admin-pass", "CURL_CA_BUNDLE=", "SSL_CERT_FILE=", NULL };
    tui *t = dump(NULL, env);
    tui_expect_text(t, "TLS certificate not trusted");
    tui_expect_text(t, "--cacert FILE");
    assert_int_equal(tui_quit(t, NULL), 1);
}

static void accepted_with_cacert_or_the_environment(void **state)
{
    (void)state;
    const char *const env[] = { "SMS_PASSWORD=admin-pass", NULL };
    tui *t = dump("--cacert", env);
    tui_expect_text(t, "CONNECTED");                     /* the table's header: data came */
    assert_int_equal(tui_quit(t, NULL), 0);
    char ssl_cert_file[160], curl_ca_bundle[160];
    snprintf(ssl_cert_file, sizeof ssl_cert_file, "SSL_CERT_FILE=%s", cert);
    snprintf(curl_ca_bundle, sizeof curl_ca_bundle, "CURL_CA_BUNDLE=%s", cert);
    /* CURL_CA_BUNDLE comes first (as for curl): empty, it is ignored */
    const char *const by_ssl[] = { "SMS_PASSWORD=admin-pass", ssl_cert_file, "CURL_CA_BUNDLE=", NULL };
    t = dump(NULL, by_ssl);
    tui_expect_text(t, "CONNECTED");
    assert_int_equal(tui_quit(t, NULL), 0);
    const char *const by_curl[] = { "SMS_PASSWORD=admin-pass", curl_ca_bundle, NULL };
    t = dump(NULL, by_curl);
    tui_expect_text(t, "CONNECTED");
    assert_int_equal(tui_quit(t, NULL), 0);
}

static void insecure_shows_its_badge(void **state)
{
    (void)state;
    const char *const env[] = { "SMS_PASSWORD=admin-pass", "CURL_CA_BUNDLE=", "SSL_CERT_FILE=", NULL };
    const char *argv[] = { "smsconsole", "--endpoint", url, "--iam-endpoint", url, "--user", "admin", "--domain", SMSEMU_DOMAIN,
                           "--project", SMSEMU_PROJECT, "--insecure", NULL };
    tui *t = tui_start_ready(30, 140, argv, env, "Servers 3/3");
    tui_expect_text(t, "INSECURE TLS");
    assert_int_equal(tui_quit(t, "q"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(self_signed_is_refused_with_a_clear_message),
        cmocka_unit_test(accepted_with_cacert_or_the_environment),
        cmocka_unit_test(insecure_shows_its_badge),
    };
    tui_filter_tests_from_env();
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

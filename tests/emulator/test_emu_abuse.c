/* test_emu_abuse.c - the emulator under abuse: a fault on registration does not stop it
 * (its agents retry like real ones), a registration flood meets the quota (SMS.6526), and
 * idle connections neither take every slot for long nor keep it from answering. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "emu_http.h"

static double servers_in_stats(const char *url)
{
    eh_resp r;
    eh_request(url, "GET", "/emulator/stats", NULL, NULL, 0, &r);
    double n = eh_num(r.json, "servers");
    eh_resp_free(&r);
    return n;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* smsemu --fault '/v3/sources*=status:503' once exited while registering its own fleet. */
static void faulted_registration_does_not_stop_the_emulator(void **state)
{
    (void)state;
    const char *faults[] = { "/v3/sources*=status:503" };
    smsemu_opts o = { .listen = "127.0.0.1:0", .servers = 3, .seed = 3, .speed = 50,
                      .faults = faults, .n_faults = 1, .quiet = true };
    char err[256] = "";
    smsemu *e = smsemu_start(&o, err, sizeof err);
    if (!e)
        fail_msg("smsemu_start: %s", err);
    const char *url = smsemu_url(e);
    assert_true(servers_in_stats(url) == 0);          /* nobody got through */
    eh_resp r;
    eh_request(url, "DELETE", "/emulator/faults", NULL, NULL, 0, &r);
    eh_resp_free(&r);
    double n = 0;
    for (int i = 0; i < 300 && n < 3; i++) {          /* agents retry on their turns */
        sleep_ms(100);
        n = servers_in_stats(url);
    }
    assert_true(n == 3);
    smsemu_stop(e);
}

static void registration_flood_meets_the_quota(void **state)
{
    (void)state;
    smsemu_opts o = { .listen = "127.0.0.1:0", .servers = 2, .seed = 1, .speed = 1, .no_agents = true,
                      .quiet = true, .max_servers = 3 };
    smsemu *e = eh_start_opts(&o);
    const char *url = smsemu_url(e);
    char *token = eh_login(url, "admin", "admin-pass");
    char *id = eh_register(url, token, "third", "10.0.0.3");       /* up to the quota */
    for (int i = 0; i < 20; i++)
        eh_expect_error(url, token, "POST", "/v3/sources",
                        "{\"name\":\"flood\",\"os_type\":\"LINUX\",\"os_version\":\"CENTOS7.9\","
                        "\"ip\":\"10.9.9.9\",\"agent_version\":\"24.12.1\","
                        "\"networks\":[{\"name\":\"eth0\",\"ip\":\"10.9.9.9\",\"mac\":\"fa:16:3e:00:00:09\"}]}",
                        400, "SMS.6526");
    assert_true(servers_in_stats(url) == 3);           /* nothing of the flood was kept */
    char again[512];                                   /* an agent registering again: not new */
    snprintf(again, sizeof again,
             "{\"id\":\"%s\",\"name\":\"third\",\"os_type\":\"LINUX\",\"os_version\":\"CENTOS7.9\","
             "\"ip\":\"10.0.0.3\",\"agent_version\":\"24.12.1\","
             "\"networks\":[{\"name\":\"eth0\",\"ip\":\"10.0.0.3\",\"mac\":\"fa:16:3e:00:00:03\"}]}", id);
    assert_int_equal(eh_call_status(url, token, "POST", "/v3/sources", again), 200);
    free(id);
    free(token);
    smsemu_stop(e);
    o.servers = 4;                                     /* a fleet bigger than the quota */
    char err[256] = "";
    assert_null(smsemu_start(&o, err, sizeof err));
    assert_non_null(strstr(err, "quota"));
}

static int connect_to(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    struct timeval tv = { 5, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

/* True when the server closed fd (EOF or reset) within the receive timeout. */
static bool closed_by_server(int fd)
{
    char c[256];
    ssize_t n = recv(fd, c, sizeof c, 0);
    bool closed = n == 0 || (n < 0 && errno == ECONNRESET);
    if (!closed)                                 /* say why, should it ever fail */
        fprintf(stderr, "# not closed: recv %zd (%s)\n", n, n < 0 ? strerror(errno) : "an answer");
    return closed;
}

static void idle_connections_are_limited_and_timed_out(void **state)
{
    (void)state;
    smsemu_opts o = { .listen = "127.0.0.1:0", .seed = 1, .speed = 1, .quiet = true,
                      .max_connections = 4, .idle_timeout_s = 2 };
    smsemu *e = eh_start_opts(&o);
    int idle[4];
    for (int i = 0; i < 4; i++)
        idle[i] = connect_to(smsemu_port(e));
    /* Over the limit a connection is closed at once. The server may not have taken all
     * four yet (a loaded machine): an answered try freed its slot for them, so try again. */
    const char req[] = "GET /emulator/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    bool refused = false;
    for (int attempt = 0; attempt < 10 && !refused; attempt++) {
        int extra = connect_to(smsemu_port(e));
        (void)send(extra, req, sizeof req - 1, MSG_NOSIGNAL);
        refused = closed_by_server(extra);
        close(extra);
        if (!refused)
            sleep_ms(50);
    }
    assert_true(refused);
    for (int i = 0; i < 4; i++) {                      /* idle ones go after the timeout */
        assert_true(closed_by_server(idle[i]));
        close(idle[i]);
    }
    /* and the service answers again, once the closed connections' threads are gone */
    bool answered = false;
    for (int i = 0; i < 50 && !answered; i++) {
        answered = servers_in_stats(smsemu_url(e)) == 0;
        if (!answered)
            sleep_ms(100);
    }
    assert_true(answered);
    smsemu_stop(e);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(faulted_registration_does_not_stop_the_emulator),
        cmocka_unit_test(registration_flood_meets_the_quota),
        cmocka_unit_test(idle_connections_are_limited_and_timed_out),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}

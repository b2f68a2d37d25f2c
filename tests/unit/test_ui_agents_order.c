/* test_ui_agents_order.c - the Agents pane's row order (agents_order.h): by every kind
 * of column with ties in name order, descending as the exact reverse, long names and
 * strings through the comparator, and the cached name order following a rename. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ui/agents_order.h"

#define N 6

typedef struct fixture { sms_server sv[N]; sms_agent_row row[N]; sms_agent_rows rows; } fixture;

/* Six hosts, names out of order, two states, versions and addresses to sort by. */
static void make(fixture *f)
{
    static const char *names[N] = { "web-02", "DB-01", "web-01", "cache-01", "app-01", "api-01" };
    static const char *ips[N] = { "10.0.0.2", "10.0.0.10", "10.0.0.1", "10.0.0.3", "10.0.0.4", "10.0.0.5" };
    static const char *vers[N] = { "24.9.0", "25.3.0", "2.2.1", NULL, "24.12.1", "24.9.0" };
    static const sms_agent_state st[N] = { SMS_AGENT_FAILED, SMS_AGENT_INSTALLED, SMS_AGENT_FAILED,
                                           SMS_AGENT_INSTALLED, SMS_AGENT_INSTALLED, SMS_AGENT_FAILED };
    memset(f, 0, sizeof *f);
    for (int i = 0; i < N; i++) {
        f->sv[i] = (sms_server){ .id = (char *)names[i], .name = (char *)names[i], .ip = (char *)ips[i],
                                 .add_date = 1000 + i };
        f->row[i] = (sms_agent_row){ .server = &f->sv[i], .agent_version = vers[i], .st = { .state = st[i] } };
    }
    f->rows = (sms_agent_rows){ .rows = f->row, .n_rows = N };
}

static void names_in(const fixture *f, const size_t *out, size_t n, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        strncat(buf, f->sv[out[i]].name, len - strlen(buf) - 1);
        strncat(buf, i + 1 < n ? " " : "", len - strlen(buf) - 1);
    }
}

static void expect_order(fixture *f, sms_agent_order *o, sms_agent_col col, bool desc, const char *want)
{
    size_t out[N];
    char got[256];
    size_t n = sms_agent_order_rows(o, &f->rows, col, desc, 0, NULL, NULL, out);
    names_in(f, out, n, got, sizeof got);
    assert_string_equal(got, want);
}

static void test_orders(void **state)
{
    (void)state;
    fixture f;
    make(&f);
    sms_agent_order o = { 0 };
    expect_order(&f, &o, SMS_AC_NAME, false, "api-01 app-01 cache-01 DB-01 web-01 web-02");
    expect_order(&f, &o, SMS_AC_NAME, true, "web-02 web-01 DB-01 cache-01 app-01 api-01");
    /* installed (1) before failed (2), each group in name order */
    expect_order(&f, &o, SMS_AC_STATE, false, "app-01 cache-01 DB-01 api-01 web-01 web-02");
    expect_order(&f, &o, SMS_AC_STATE, true, "web-02 web-01 api-01 DB-01 cache-01 app-01");
    /* versions compare number by number; unknown first */
    expect_order(&f, &o, SMS_AC_VERSION, false, "cache-01 web-01 api-01 web-02 app-01 DB-01");
    /* addresses: as text, case-insensitive (10.0.0.10 sorts before 10.0.0.2) */
    expect_order(&f, &o, SMS_AC_IP, false, "web-01 DB-01 web-02 cache-01 app-01 api-01");
    expect_order(&f, &o, SMS_AC_REGISTERED, true, "api-01 app-01 cache-01 web-01 DB-01 web-02");
    sms_agent_order_free(&o);
}

static bool only_failed(const sms_agent_row *r, void *ctx)
{
    (void)ctx;
    return r->st.state == SMS_AGENT_FAILED;
}

static void test_filter_and_rename(void **state)
{
    (void)state;
    fixture f;
    make(&f);
    sms_agent_order o = { 0 };
    size_t out[N];
    char got[256];
    size_t n = sms_agent_order_rows(&o, &f.rows, SMS_AC_NAME, false, 0, only_failed, NULL, out);
    names_in(&f, out, n, got, sizeof got);
    assert_string_equal(got, "api-01 web-01 web-02");
    /* a rename must not reuse the cached name order */
    f.sv[4].name = "zz-app-01";
    expect_order(&f, &o, SMS_AC_NAME, false, "api-01 cache-01 DB-01 web-01 web-02 zz-app-01");
    /* names longer than the 16-byte prefix still order by the whole name */
    f.sv[0].name = "a-very-long-host-name-2";
    f.sv[2].name = "a-very-long-host-name-1";
    expect_order(&f, &o, SMS_AC_NAME, false,
                 "a-very-long-host-name-1 a-very-long-host-name-2 api-01 cache-01 DB-01 zz-app-01");
    sms_agent_order_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orders),
        cmocka_unit_test(test_filter_and_rename),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

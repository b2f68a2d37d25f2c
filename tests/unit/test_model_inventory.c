/* test_model_inventory.c - the inventory CSV parser (inventory.h): accepted forms,
 * lookups, and every malformed line named by FILE:LINE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "model/inventory.h"

static int parse(const char *text, sms_inventory *inv, char *err, size_t errlen)
{
    return sms_inventory_parse(text, strlen(text), "hosts.csv", inv, err, errlen);
}

static void test_accepted_forms(void **state)
{
    (void)state;
    const char *text =
        "# wave 1\n"
        "name,ip\n"
        "web-01, 10.0.0.5   # rack 4\n"
        "10.0.0.6,db-01\n"
        "\n"
        "   \t\n"
        "cache-01\r\n"
        "fd00::7\n"
        "app.example.net";                   /* no final newline */
    sms_inventory inv;
    char err[256];
    assert_int_equal(parse(text, &inv, err, sizeof err), 0);
    assert_int_equal(inv.n_hosts, 5);
    assert_string_equal(inv.hosts[0].name, "web-01");
    assert_string_equal(inv.hosts[0].ip, "10.0.0.5");
    assert_int_equal(inv.hosts[0].line, 3);
    assert_string_equal(inv.hosts[1].name, "db-01");
    assert_string_equal(inv.hosts[1].ip, "10.0.0.6");
    assert_string_equal(inv.hosts[2].name, "cache-01");
    assert_null(inv.hosts[2].ip);
    assert_null(inv.hosts[3].name);
    assert_string_equal(inv.hosts[3].ip, "fd00::7");
    assert_int_equal(inv.hosts[4].line, 9);

    assert_ptr_equal(sms_inventory_find_name(&inv, "WEB-01"), &inv.hosts[0]);
    assert_ptr_equal(sms_inventory_find_ip(&inv, "10.0.0.6"), &inv.hosts[1]);
    assert_ptr_equal(sms_inventory_find_ip(&inv, "fd00::7"), &inv.hosts[3]);
    assert_null(sms_inventory_find_name(&inv, "web-02"));
    assert_null(sms_inventory_find_ip(&inv, "10.0.0.7"));
    assert_null(sms_inventory_find_name(&inv, NULL));
    sms_inventory_free(&inv);
}

static void test_empty_file(void **state)
{
    (void)state;
    sms_inventory inv;
    char err[64];
    assert_int_equal(sms_inventory_parse("", 0, "e", &inv, err, sizeof err), 0);
    assert_int_equal(inv.n_hosts, 0);
    assert_null(sms_inventory_find_name(&inv, "x"));
    sms_inventory_free(&inv);
}

/* Each malformed file is rejected with its file name, the line and the cause. */
static void test_rejects_with_line(void **state)
{
    (void)state;
    static const struct { const char *text, *want; } bad[] = {
        { "web-01\nweb-02,10.0.0.1,extra\n", "hosts.csv:2: more than two fields" },
        { "# c\n\nweb-01,web-02\n", "hosts.csv:3: two names" },
        { "10.0.0.1,10.0.0.2\n", "hosts.csv:1: two addresses" },
        { "web-01\n,10.0.0.2\n", "hosts.csv:2: empty field" },
        { "web-01\nweb 02\n", "hosts.csv:2: \"web 02\" is neither an address nor a host name" },
        { "a\nb\nc\n10.0.0.300\n", "hosts.csv:4: \"10.0.0.300\" is not a valid IPv4 address" },
        { "a\nfd00::zz\n", "hosts.csv:2: \"fd00::zz\" is neither" },
        { "web-01\nhost\x1b[2J\n", "hosts.csv:2: " },
        { "web-01\n10.0.0.1\nWEB-01,10.0.0.9\n", "hosts.csv:3: name already given on line 1" },
        { "web-01,10.0.0.1\nweb-02\nweb-03,10.0.0.1\n", "hosts.csv:3: address already given on line 1" },
        { "web-01\nname,ip\n", "hosts.csv:2: two names" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sms_inventory inv;
        char err[256];
        assert_int_equal(parse(bad[i].text, &inv, err, sizeof err), -1);
        if (strncmp(err, bad[i].want, strlen(bad[i].want)) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s...\"", i, err, bad[i].want);
        assert_int_equal(inv.n_hosts, 0);
        assert_null(inv.hosts);
    }
}

static void test_nul_and_long_lines(void **state)
{
    (void)state;
    sms_inventory inv;
    char err[256];
    static const char nul[] = "web-01\nweb\0-02\n";
    assert_int_equal(sms_inventory_parse(nul, sizeof nul - 1, "f", &inv, err, sizeof err), -1);
    assert_string_equal(err, "f:2: NUL byte");
    char longline[2000];
    memset(longline, 'a', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    assert_int_equal(parse(longline, &inv, err, sizeof err), -1);
    assert_non_null(strstr(err, "hosts.csv:1: line longer than"));
    char longname[300];
    memset(longname, 'b', 256);
    longname[256] = '\0';
    assert_int_equal(parse(longname, &inv, err, sizeof err), -1);
    assert_non_null(strstr(err, "hosts.csv:1: name longer than 255"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted_forms),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_rejects_with_line),
        cmocka_unit_test(test_nul_and_long_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

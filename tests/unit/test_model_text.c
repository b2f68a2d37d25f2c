/* test_model_text.c - the untrusted-text sanitiser and the formatters (text.h).
 * Cases follow what ncurses lets through to the terminal when a string is drawn as is:
 * cursor movers, escape sequences (ESC, C1 controls in UTF-8), and bidi overrides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/text.h"

#define FFFD "\xEF\xBF\xBD"

/* Sanitise with a roomy buffer and compare; also checks the returned length and that
 * _dup and _inplace agree wherever no invalid UTF-8 is involved. */
static void expect_clean(const char *in, const char *want)
{
    char out[512];
    size_t n = sms_sanitize(out, sizeof out, in);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
    char *dup = sms_sanitize_dup(in);
    assert_non_null(dup);
    assert_string_equal(dup, want);
    free(dup);
}

static void expect_inplace(const char *in, const char *want)
{
    char buf[512];
    strcpy(buf, in);
    sms_sanitize_inplace(buf);
    assert_string_equal(buf, want);
}

static void test_plain_text_unchanged(void **state)
{
    (void)state;
    expect_clean("web-01 (CentOS 7.6)", "web-01 (CentOS 7.6)");
    expect_clean("caf\xC3\xA9 \xE2\x9C\x93 \xE6\xBC\xA2 \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x9C\x93 \xE6\xBC\xA2 \xF0\x9F\x98\x80");
    expect_clean("", "");
    expect_inplace("caf\xC3\xA9", "caf\xC3\xA9");
}

static void test_c0_del_controls(void **state)
{
    (void)state;
    expect_clean("a\x1b" "b", "a?b");          /* ESC */
    expect_clean("bell\x07", "bell?");          /* BEL */
    expect_clean("\x01\x02\x1f", "???");
    expect_clean("del\x7f", "del?");
    expect_inplace("a\x1b" "b\x7f", "a?b?");
}

static void test_cursor_movers(void **state)
{
    (void)state;
    /* drawn raw: CR and BS moved the cursor, LF overwrote the next row, TAB
     * broke the columns */
    expect_clean("D:cr\rZ", "D:cr?Z");
    expect_clean("bs\b\bY", "bs??Y");
    expect_clean("line1\nline2", "line1?line2");
    expect_clean("a\tb", "a?b");
}

static void test_c1_controls(void **state)
{
    (void)state;
    expect_clean("x\xC2\x9B" "31m", "x?31m");   /* U+009B, 8-bit CSI */
    expect_clean("\xC2\x80\xC2\x9F", "??");
    expect_clean("\xC2\xA0", "\xC2\xA0");       /* U+00A0 is printable: kept */
    expect_inplace("x\xC2\x9B" "y", "x?y");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    expect_clean("\xFF\xFE", FFFD FFFD);
    expect_clean("a\x80" "b", "a" FFFD "b");            /* stray continuation */
    expect_clean("\xC0\xAF", FFFD FFFD);                /* overlong '/' */
    expect_clean("\xE0\x80\xAF", FFFD FFFD FFFD);       /* overlong 3-byte */
    expect_clean("\xF0\x80\x80\xAF", FFFD FFFD FFFD FFFD);
    expect_clean("\xED\xA0\x80", FFFD FFFD FFFD);       /* surrogate U+D800 */
    expect_clean("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* U+110000 */
    expect_clean("\xF5\x80", FFFD FFFD);
    expect_clean("\xE2\x9C", FFFD);                     /* truncated at the end */
    expect_clean("\xE2\x9C" "A", FFFD "A");             /* maximal subpart, then resume */
    expect_clean("\xF0\x9F\x98" "x", FFFD "x");
    /* In place, U+FFFD could grow the string: invalid bytes become '?' there. */
    expect_inplace("\xFF\xFE" "ok\xC0\xAF", "??ok??");
}

static void test_noncharacters(void **state)
{
    (void)state;
    expect_clean("\xEF\xBF\xBE", FFFD);                 /* U+FFFE */
    expect_clean("\xEF\xBF\xBF", FFFD);                 /* U+FFFF */
    expect_clean("\xEF\xB7\x90", FFFD);                 /* U+FDD0 */
    expect_clean("\xF0\x9F\xBF\xBF", FFFD);             /* U+1FFFF */
    expect_clean("\xF4\x8F\xBF\xBF", FFFD);             /* U+10FFFF */
    expect_inplace("\xF0\x9F\xBF\xBF" "z", FFFD "z");
}

static void test_bidi_and_zero_width_dropped(void **state)
{
    (void)state;
    /* Trojan Source: RLO reorders what follows */
    expect_clean("user\xE2\x80\xAEtxt.exe", "usertxt.exe");
    static const char *const dropped[] = {
        "\xD8\x9C",                                          /* U+061C ALM */
        "\xE2\x80\x8E", "\xE2\x80\x8F",                      /* LRM RLM */
        "\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE",
        "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9",   /* isolates */
        "\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D",      /* ZWSP ZWNJ ZWJ */
        "\xE2\x81\xA0",                                      /* WJ */
        "\xEF\xBB\xBF",                                      /* BOM / ZWNBSP */
    };
    for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++) {
        char in[32];
        strcpy(in, "a");
        strcat(in, dropped[i]);
        strcat(in, "b");
        expect_clean(in, "ab");
        expect_inplace(in, "ab");
    }
    /* neighbours of the ranges stay */
    expect_clean("\xE2\x80\xA9", "\xE2\x80\xA9");           /* U+2029 */
    expect_clean("\xE2\x80\xAF", "\xE2\x80\xAF");           /* U+202F */
    expect_clean("\xE2\x81\xAA", "\xE2\x81\xAA");           /* U+206A */
}

static void test_evil_server_name(void **state)
{
    (void)state;
    /* full CSI colour sequence, cursor move and an OSC window-title sequence */
    expect_clean("\x1b[31;1mpwned\x1b[0m\x1b[2J\x1b[H",
                 "?[31;1mpwned?[0m?[2J?[H");
    expect_clean("\x1b]0;owned title\x07host", "?]0;owned title?host");
    expect_clean("\x1b]2;t\x1b\\x", "?]2;t?\\x");              /* OSC ended by ST */
    char out[128];
    sms_sanitize(out, sizeof out, "\x1b[31mred\xC2\x9B" "0m\xE2\x80\xAE\r\n");
    for (const char *p = out; *p; p++) {
        unsigned char c = (unsigned char)*p;
        assert_true(c >= 0x20 && c != 0x7F);
    }
}

static void test_truncation_never_cuts_a_character(void **state)
{
    (void)state;
    char out[8];
    /* "é" is 2 bytes: 7 usable bytes hold "aé" x2 (6) but not the third "é" */
    size_t n = sms_sanitize(out, sizeof out, "a\xC3\xA9" "a\xC3\xA9" "\xC3\xA9");
    assert_int_equal(n, 6);
    assert_string_equal(out, "a\xC3\xA9" "a\xC3\xA9");

    char four[4];
    n = sms_sanitize(four, sizeof four, "\xF0\x9F\x98\x80");  /* 4-byte emoji, 3 usable */
    assert_int_equal(n, 0);
    assert_string_equal(four, "");

    n = sms_sanitize(four, sizeof four, "\xFF" "abc");        /* U+FFFD fits exactly */
    assert_int_equal(n, 3);
    assert_string_equal(four, FFFD);

    char one[1] = {'x'};
    assert_int_equal(sms_sanitize(one, sizeof one, "abc"), 0);
    assert_int_equal(one[0], '\0');
    assert_int_equal(sms_sanitize(NULL, 0, "abc"), 0);

    char exact[4];
    assert_int_equal(sms_sanitize(exact, sizeof exact, "abcdef"), 3);
    assert_string_equal(exact, "abc");
}

static void test_null_input(void **state)
{
    (void)state;
    char out[8] = "junk";
    assert_int_equal(sms_sanitize(out, sizeof out, NULL), 0);
    assert_string_equal(out, "");
    assert_null(sms_sanitize_dup(NULL));
    sms_sanitize_inplace(NULL);
}

static void test_fmt_bytes(void **state)
{
    (void)state;
    char b[16];
    assert_string_equal(sms_fmt_bytes(b, sizeof b, 0), "0 B");
    assert_string_equal(sms_fmt_bytes(b, sizeof b, 512), "512 B");
    assert_string_equal(sms_fmt_bytes(b, sizeof b, 1023), "1023 B");
    assert_string_equal(sms_fmt_bytes(b, sizeof b, 1024), "1.0 KiB");
    assert_string_equal(sms_fmt_bytes(b, sizeof b, 1536LL << 20), "1.5 GiB");
    assert_string_equal(sms_fmt_bytes(b, sizeof b, 20LL << 40), "20.0 TiB");
    assert_string_equal(sms_fmt_bytes(b, sizeof b, 42949672960LL), "40.0 GiB");
    assert_string_equal(sms_fmt_bytes(b, sizeof b, 1048575), "1.0 MiB");  /* not "1024.0 KiB" */
    assert_string_equal(sms_fmt_bytes(b, sizeof b, INT64_MAX), "8.0 EiB");
    assert_string_equal(sms_fmt_bytes(b, sizeof b, -1), "-");
}

static void test_fmt_duration(void **state)
{
    (void)state;
    char b[12];
    assert_string_equal(sms_fmt_duration(b, sizeof b, 0), "0s");
    assert_string_equal(sms_fmt_duration(b, sizeof b, 45), "45s");
    assert_string_equal(sms_fmt_duration(b, sizeof b, 60), "1m00s");
    assert_string_equal(sms_fmt_duration(b, sizeof b, 3599), "59m59s");
    assert_string_equal(sms_fmt_duration(b, sizeof b, 3720), "1h02m");
    assert_string_equal(sms_fmt_duration(b, sizeof b, 3 * 86400 + 4 * 3600 + 59), "3d04h");
    assert_string_equal(sms_fmt_duration(b, sizeof b, -5), "-");
    assert_string_equal(sms_fmt_duration(b, sizeof b, INT64_MAX), ">9999d");
}

static void test_parse_size(void **state)
{
    (void)state;
    assert_int_equal(sms_parse_size("16384"), 16384);
    assert_int_equal(sms_parse_size("0"), 0);
    assert_int_equal(sms_parse_size("3.30GiB"), 3543348019LL);   /* round(3.3 * 2^30) */
    assert_int_equal(sms_parse_size("10 MB"), 10000000);
    assert_int_equal(sms_parse_size("10MiB"), 10485760);
    assert_int_equal(sms_parse_size("2.5T"), 2748779069440LL);
    assert_int_equal(sms_parse_size("1k"), 1024);
    assert_int_equal(sms_parse_size("  7 B "), 7);
    assert_int_equal(sms_parse_size("8EiB"), -1);                 /* > INT64_MAX */
    assert_int_equal(sms_parse_size("9223372036854775807"), INT64_MAX);
    assert_int_equal(sms_parse_size("9223372036854775808"), -1);
    assert_int_equal(sms_parse_size("99999999999999999999999"), -1);
    assert_int_equal(sms_parse_size(""), -1);
    assert_int_equal(sms_parse_size("GiB"), -1);
    assert_int_equal(sms_parse_size("-5"), -1);
    assert_int_equal(sms_parse_size("1.5.5"), -1);
    assert_int_equal(sms_parse_size("3."), -1);
    assert_int_equal(sms_parse_size("12 apples"), -1);
    assert_int_equal(sms_parse_size("1Gi"), -1);
    assert_int_equal(sms_parse_size("1e9"), -1);
    assert_int_equal(sms_parse_size(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_unchanged),
        cmocka_unit_test(test_c0_del_controls),
        cmocka_unit_test(test_cursor_movers),
        cmocka_unit_test(test_c1_controls),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_noncharacters),
        cmocka_unit_test(test_bidi_and_zero_width_dropped),
        cmocka_unit_test(test_evil_server_name),
        cmocka_unit_test(test_truncation_never_cuts_a_character),
        cmocka_unit_test(test_null_input),
        cmocka_unit_test(test_fmt_bytes),
        cmocka_unit_test(test_fmt_duration),
        cmocka_unit_test(test_parse_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

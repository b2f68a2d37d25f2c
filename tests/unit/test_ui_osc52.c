/* test_ui_osc52.c - the OSC 52 clipboard sequence: base64 body, tmux passthrough, caps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ui/app.h"

static void check_plain(const char *text, const char *b64)
{
    char out[256], want[256];
    snprintf(want, sizeof want, "\033]52;c;%s\a", b64);
    size_t n = sms_osc52_encode(out, sizeof out, text, false);
    assert_int_equal(n, strlen(want));
    assert_string_equal(out, want);
}

static void encodes_base64_with_padding(void **state)
{
    (void)state;
    check_plain("", "");
    check_plain("f", "Zg==");
    check_plain("fo", "Zm8=");
    check_plain("foo", "Zm9v");
    check_plain("hello", "aGVsbG8=");
    check_plain("SMS.9004 \xe2\x9c\x94", "U01TLjkwMDQg4pyU");
}

static void wraps_for_tmux(void **state)
{
    (void)state;
    char out[128];
    size_t n = sms_osc52_encode(out, sizeof out, "hello", true);
    const char *want = "\033Ptmux;\033\033]52;c;aGVsbG8=\a\033\\";
    assert_int_equal(n, strlen(want));
    assert_string_equal(out, want);
}

static void refuses_what_does_not_fit(void **state)
{
    (void)state;
    char small[10];
    assert_int_equal(sms_osc52_encode(small, sizeof small, "hello", false), 0);
    /* over the terminals' selection limit: refused, not cut */
    size_t big = 60000;
    char *text = malloc(big + 1), *out = malloc(200000);
    assert_non_null(text);
    assert_non_null(out);
    memset(text, 'x', big);
    text[big] = '\0';
    assert_int_equal(sms_osc52_encode(out, 200000, text, false), 0);
    text[50000] = '\0';                 /* 66,668 base64 bytes: accepted */
    assert_true(sms_osc52_encode(out, 200000, text, false) > 66668);
    free(text);
    free(out);
}

static void copy_writes_the_sequence(void **state)
{
    (void)state;
    int fds[2];
    char buf[128] = "";
    assert_int_equal(pipe(fds), 0);
    setenv("TMUX", "/tmp/tmux-1000/default,1,0", 1);  /* inside tmux: still plain */
    assert_int_equal(sms_osc52_copy(fds[1], "id-42", false), 0);
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    assert_true(n > 0);
    buf[n] = '\0';
    assert_string_equal(buf, "\033]52;c;aWQtNDI=\a");
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encodes_base64_with_padding),
        cmocka_unit_test(wraps_for_tmux),
        cmocka_unit_test(refuses_what_does_not_fit),
        cmocka_unit_test(copy_writes_the_sequence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

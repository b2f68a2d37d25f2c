/* test_api_export.c - keeping what an export request answered (export_report.c): "OK"
 * and its variants are not worth a file; anything else is kept as it came, 0600, under a
 * name from the report's base and the request's number, with an extension from its first
 * bytes; an answer over the cap is not kept, and says so. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "api/export_report.h"

static char dir[] = "/tmp/smsexport-unit-XXXXXX";

static int make_dir(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static bool trivial(const char *s)
{
    return sms_export_response_is_trivial(s, strlen(s));
}

static void test_ok_is_trivial_and_a_file_is_not(void **state)
{
    (void)state;
    static const char *const yes[] = { "", "  \n", "OK", "ok", "\"OK\"", " \"Ok\"\r\n", "{}", "\"\"" };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!trivial(yes[i]))
            fail_msg("\"%s\" should need no file", yes[i]);
    static const char *const no[] = { "OK!", "NOK", "{\"a\":1}", "task_id\n", "\"OK\" \"OK\"", "PK\003\004" };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (trivial(no[i]))
            fail_msg("\"%s\" should be kept", no[i]);
}

/* Saves body as request batch; returns the path (static) and checks mode and content. */
static const char *save(const char *body, size_t len, unsigned batch)
{
    static char path[1200];
    char base[200];
    snprintf(base, sizeof base, "%s/sub/report", dir);
    if (sms_export_response_save(base, batch, body, len, path, sizeof path))
        fail_msg("not kept: %s", path);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal((size_t)st.st_size, len);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *back = malloc(len + 1);
    assert_int_equal(fread(back, 1, len + 1, f), len);
    fclose(f);
    assert_memory_equal(back, body, len);
    free(back);
    return path;
}

static void expect_name(const char *path, const char *tail)
{
    char want[1300];
    snprintf(want, sizeof want, "%s/sub/report-%s", dir, tail);
    assert_string_equal(path, want);
}

static void test_kept_as_it_came_with_a_name_from_its_bytes(void **state)
{
    (void)state;
    static const char csv[] = "task_id,source_name\n\"t1\",\"web\"\n";
    expect_name(save(csv, sizeof csv - 1, 1), "response-1.csv");
    static const char json[] = " {\"url\":\"https://example.invalid/x\"}";
    expect_name(save(json, sizeof json - 1, 2), "response-2.json");
    static const char xlsx[] = "PK\003\004\024\000\006\000[Content_Types].xml xl/workbook.xml";
    expect_name(save(xlsx, sizeof xlsx - 1, 3), "response-3.xlsx");
    static const char bin[] = "\001\002\000\377";
    expect_name(save(bin, sizeof bin - 1, 4), "response-4.bin");
    static const char text[] = "exported";
    expect_name(save(text, sizeof text - 1, 5), "response-5.txt");
    expect_name(save(csv, sizeof csv - 1, 1), "response-1.csv");   /* again: replaced */
    /* the folder made for it is private */
    char sub[300];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    struct stat st;
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
}

static void test_an_answer_over_the_cap_is_not_kept(void **state)
{
    (void)state;
    char base[200], path[1200];
    snprintf(base, sizeof base, "%s/big", dir);
    /* the length is checked before a byte is read */
    assert_int_equal(sms_export_response_save(base, 1, "x", (size_t)SMS_EXPORT_RESPONSE_MAX + 1, path, sizeof path), -1);
    assert_non_null(strstr(path, "not kept"));
    assert_non_null(strstr(path, "16 MiB"));
    snprintf(path, sizeof path, "%s/big-response-1.txt", dir);
    assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok_is_trivial_and_a_file_is_not),
        cmocka_unit_test(test_kept_as_it_came_with_a_name_from_its_bytes),
        cmocka_unit_test(test_an_answer_over_the_cap_is_not_kept),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}

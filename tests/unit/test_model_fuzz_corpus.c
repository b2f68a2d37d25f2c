/* test_model_fuzz_corpus.c - replays every file of tests/fuzz/corpus through every codec descriptor in
 * both modes with the fuzzer's invariants (tests/fuzz/fuzz_model_check.h). This is what CI
 * runs; the libFuzzer harness itself needs clang and -DSMS_FUZZ=ON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "fuzz/fuzz_model_check.h"

#define CORPUS_DIR SMS_SOURCE_DIR "/tests/fuzz/corpus"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    struct stat st;
    assert_int_equal(fstat(fileno(f), &st), 0);
    char *buf = malloc((size_t)st.st_size + 1);    /* +1: an empty file still gets a buffer */
    assert_non_null(buf);
    *len = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    return buf;
}

static void test_replay_corpus(void **state)
{
    (void)state;
    DIR *dir = opendir(CORPUS_DIR);
    if (!dir)
        fail_msg("cannot open %s", CORPUS_DIR);
    size_t files = 0;
    int failures = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, e->d_name);
        struct stat st;
        if (e->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;                   /* sub-directories: the other targets' corpora */
        size_t len;
        char *data = read_file(path, &len);
        int broken = sms_fuzz_one_input(data, len);
        if (broken)
            fprintf(stderr, "  ^ in %s\n", e->d_name);
        failures += broken;
        free(data);
        files++;
    }
    closedir(dir);
    assert_true(files >= 30);          /* the committed corpus, not an empty directory */
    assert_int_equal(failures, 0);
}

/* ---- the checker itself: each broken invariant is named ---------------------------- */

static int calls;               /* of the broken codec's to_json, per check */

static int leaky_parse(const sms_type *t, const char *buf, size_t len, void *out, sms_decode_mode mode,
                       sms_jerr *err)
{
    int rc = sms_parse(t, buf, len, out, mode, err);
    if (rc != 0)
        ((unsigned char *)out)[sms_type_size(t) - 1] = 0xAB;    /* a leftover */
    return rc;
}
static char *no_json(const sms_type *t, const void *in) { (void)t; (void)in; return NULL; }
static char *bad_json(const sms_type *t, const void *in) { (void)t; (void)in; return strdup("{\"name\":"); }
/* The second encoding (of the re-parsed value) differs from the first. */
static char *unstable_json(const sms_type *t, const void *in)
{
    char *j = sms_to_json(t, in);
    if (j && ++calls == 2)
        j[strlen(j) - 1] = ' ';                 /* drops the closing brace */
    return j;
}
static int shallow_copy(const sms_type *t, void *dst, const void *src)
{
    (void)src;
    memset(dst, 0, sms_type_size(t));           /* "copies" nothing */
    return 0;
}
static void leaky_free(const sms_type *t, void *obj)
{
    sms_free(t, obj);
    ((unsigned char *)obj)[sms_type_size(t) - 1] = 0xAB;
}

static const char *check_with(sms_fuzz_codec codec, const char *json)
{
    calls = 0;
    return sms_fuzz_check_codec(&codec, &SMS_T_NIC, SMS_DECODE_RESPONSE, json, strlen(json));
}

static void test_checker_catches_leftovers(void **state)
{
    (void)state;
    static const char nic[] = "{\"name\":\"eth0\",\"ip\":\"10.0.0.1\"}";
    sms_fuzz_codec real = sms_fuzz_real_codec, c;
    assert_null(check_with(real, nic));                 /* the real codec keeps every promise */
    assert_null(check_with(real, "not json"));
    c = real, c.parse = leaky_parse;
    assert_null(check_with(c, nic));                    /* only a failed parse leaks here */
    assert_string_equal(check_with(c, "not json"), "failed parse left data behind");
    c = real, c.to_json = no_json;
    assert_string_equal(check_with(c, nic), "encode failed");
    c = real, c.to_json = bad_json;
    assert_string_equal(check_with(c, nic), "own encoding does not parse");
    c = real, c.to_json = unstable_json;
    assert_string_equal(check_with(c, nic), "encoding changed after a round trip");
    c = real, c.copy = shallow_copy;
    assert_string_equal(check_with(c, nic), "copy differs");
    c = real, c.free = leaky_free;
    assert_string_equal(check_with(c, nic), "free did not zero");
    /* and every descriptor accepts an empty object in response mode and round-trips it */
    for (size_t i = 0; i < SMS_FUZZ_N_TYPES; i++) {
        const sms_type *t = sms_fuzz_types[i];
        const char *empty = t == &SMS_T_TOKEN ? "{\"token\":{}}" : "{}";
        assert_null(sms_fuzz_one_type(t, SMS_DECODE_RESPONSE, empty, strlen(empty)));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_corpus),
        cmocka_unit_test(test_checker_catches_leftovers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

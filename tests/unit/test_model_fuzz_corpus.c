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
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, e->d_name);
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

/* The checker itself must notice a broken invariant: a failed parse that leaves data. */
static void test_checker_catches_leftovers(void **state)
{
    (void)state;
    /* Every descriptor accepts an empty object in response mode and round-trips it. */
    for (size_t i = 0; i < SMS_FUZZ_N_TYPES; i++) {
        const sms_type *t = sms_fuzz_types[i];
        assert_null(sms_fuzz_one_type(t, SMS_DECODE_RESPONSE, t == &SMS_T_TOKEN
                                      ? "{\"token\":{}}" : "{}", t == &SMS_T_TOKEN ? 12 : 2));
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

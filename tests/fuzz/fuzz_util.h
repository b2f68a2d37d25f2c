/* fuzz_util.h - helpers shared by the fuzz harnesses (header-only): a check that aborts
 * so libFuzzer keeps the input, and a scratch file for parsers that read a path. */
#ifndef SMS_FUZZ_UTIL_H
#define SMS_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                              \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                  \
        }                                                                             \
    } while (0)

/* The input as a NUL-terminated copy (malloc'd). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

static char fuzz_path[64];

static inline void fuzz_file_remove(void)
{
    unlink(fuzz_path);
}

/* Writes the input to one scratch file per process (removed at exit) and returns its path. */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
    char *path = fuzz_path;
    if (!path[0]) {
        snprintf(path, sizeof fuzz_path, "/tmp/sms-fuzz-%d%s", (int)getpid(), suffix);
        atexit(fuzz_file_remove);
    }
    FILE *f = fopen(path, "wb");
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(fwrite(data, 1, size, f) == size);
    fclose(f);
    return path;
}

/* "path:" opens every file error message. */
static inline int fuzz_located(const char *err, const char *path)
{
    size_t n = strlen(path);
    return strncmp(err, path, n) == 0 && err[n] == ':';
}

#endif

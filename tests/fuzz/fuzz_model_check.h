/* fuzz_model_check.h - one input through every codec descriptor, in both modes, with the
 * invariants the codec promises. Shared (header-only) by the libFuzzer harness
 * (tests/fuzz/fuzz_model.c) and the corpus replay test (tests/unit/test_model_fuzz_corpus.c).
 */
#ifndef SMS_FUZZ_MODEL_CHECK_H
#define SMS_FUZZ_MODEL_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/codec.h"

static const sms_type *const sms_fuzz_types[] = {
    &SMS_T_SERVER, &SMS_T_REGISTER, &SMS_T_SERVER_LIST, &SMS_T_OVERVIEW,
    &SMS_T_MIG_ERROR_LIST, &SMS_T_TASK, &SMS_T_TASK_LIST, &SMS_T_TASK_ACTION,
    &SMS_T_CREATE_TASK, &SMS_T_COMMAND, &SMS_T_COMMAND_RESULT, &SMS_T_PROGRESS,
    &SMS_T_SPEED_LIMITS, &SMS_T_CONSISTENCY_EXPORT, &SMS_T_CONSISTENCY_RESULTS,
    &SMS_T_COLLECT_LOG, &SMS_T_IDS, &SMS_T_ID_REF, &SMS_T_API_ERROR, &SMS_T_TOKEN,
    &SMS_T_DISK, &SMS_T_VG, &SMS_T_BTRFS, &SMS_T_NIC,
};
#define SMS_FUZZ_N_TYPES (sizeof sms_fuzz_types / sizeof sms_fuzz_types[0])

static int sms_fuzz_all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

/* The codec under check: the real one, or (in the checker's own test) a broken one. */
typedef struct sms_fuzz_codec {
    int (*parse)(const sms_type *t, const char *buf, size_t len, void *out, sms_decode_mode mode,
                 sms_jerr *err);
    char *(*to_json)(const sms_type *t, const void *in);
    int (*copy)(const sms_type *t, void *dst, const void *src);
    void (*free)(const sms_type *t, void *obj);
} sms_fuzz_codec;

static const sms_fuzz_codec sms_fuzz_real_codec = { sms_parse, sms_to_json, sms_copy, sms_free };

/* Checks one descriptor and mode through codec; returns 0 or a description of the broken
 * invariant:
 *  - a failed parse leaves the output zeroed;
 *  - a successful one encodes, and the encoding parses again to the same encoding;
 *  - a deep copy encodes the same; free zeroes. (ASan/LSan catch the rest.) */
static const char *sms_fuzz_check_codec(const sms_fuzz_codec *codec, const sms_type *t,
                                        sms_decode_mode mode, const char *data, size_t size)
{
    static _Alignas(16) unsigned char a[4096], b[4096];
    const char *broken = NULL;
    size_t sz = sms_type_size(t);
    if (sz > sizeof a)
        return "descriptor larger than the fuzz buffer";
    sms_jerr err;
    if (codec->parse(t, data, size, a, mode, &err) != 0)
        return sms_fuzz_all_zero(a, sz) ? NULL : "failed parse left data behind";
    char *first = codec->to_json(t, a), *second = NULL, *copied = NULL;
    if (!first)
        broken = "encode failed";
    else if (codec->parse(t, first, strlen(first), b, mode, &err) != 0)
        broken = "own encoding does not parse";
    else if (!(second = codec->to_json(t, b)) || strcmp(first, second) != 0)
        broken = "encoding changed after a round trip";
    if (!broken) {
        codec->free(t, b);
        if (codec->copy(t, b, a) != 0 || !(copied = codec->to_json(t, b)) || strcmp(first, copied) != 0)
            broken = "copy differs";
    }
    free(first);
    free(second);
    free(copied);
    codec->free(t, a);
    codec->free(t, b);
    if (!broken && !(sms_fuzz_all_zero(a, sz) && sms_fuzz_all_zero(b, sz)))
        broken = "free did not zero";
    return broken;
}

/* The real codec. */
static const char *sms_fuzz_one_type(const sms_type *t, sms_decode_mode mode,
                                     const char *data, size_t size)
{
    return sms_fuzz_check_codec(&sms_fuzz_real_codec, t, mode, data, size);
}

/* Every descriptor in both modes; returns the number of broken invariants (each is
 * reported on stderr with the type and mode). */
static int sms_fuzz_one_input(const char *data, size_t size)
{
    int failures = 0;
    for (size_t i = 0; i < SMS_FUZZ_N_TYPES; i++) {
        for (int mode = SMS_DECODE_RESPONSE; mode <= SMS_DECODE_REQUEST; mode++) {
            const char *broken = sms_fuzz_one_type(sms_fuzz_types[i], (sms_decode_mode)mode,
                                                   data, size);
            if (broken) {
                fprintf(stderr, "%s (%s mode): %s\n", sms_type_name(sms_fuzz_types[i]),
                        mode ? "request" : "response", broken);
                failures++;
            }
        }
    }
    return failures;
}

#endif

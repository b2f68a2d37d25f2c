/* hash.h - FNV-1a, 64 bits: the one string hash of the project (hash tables, record
 * fingerprints). Not a secret and not collision-proof: callers compare keys, or accept
 * that two texts may share a fingerprint. */
#ifndef SMS_MODEL_HASH_H
#define SMS_MODEL_HASH_H

#include <stdint.h>

#define SMS_FNV1A_SEED UINT64_C(14695981039346656037)

/* h with one more byte; start from SMS_FNV1A_SEED (for a caller that folds bytes first). */
static inline uint64_t sms_fnv1a_add(uint64_t h, unsigned char c)
{
    return (h ^ c) * UINT64_C(1099511628211);
}

static inline uint64_t sms_fnv1a(const char *s)
{
    uint64_t h = SMS_FNV1A_SEED;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = sms_fnv1a_add(h, *p);
    return h;
}

#endif

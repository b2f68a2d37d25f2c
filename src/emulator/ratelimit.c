/* ratelimit.c - `--rate-limit N/min`: a token bucket per caller (its X-Auth-Token, or the
 * AK of an AK/SK signature), as an API gateway throttles each user. A bucket holds N
 * requests and refills N per minute; a request finding it empty is answered 429 with the
 * gateway's body (APIG.0308) and Retry-After: the whole seconds until one request is
 * available again. IAM logins and /emulator/ are not limited. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "emulator/emu.h"
#include "emulator/monoclock.h"
#include "model/hash.h"

#define MAX_CALLERS 1024            /* more distinct callers share buckets by hash */

typedef struct bucket { uint64_t key; double tokens; int64_t at_ms; } bucket;

struct emu_ratelimit {
    pthread_mutex_t mu;
    long per_min;
    bucket b[MAX_CALLERS];
    uint64_t throttled;
};

emu_ratelimit *emu_ratelimit_new(long per_min)
{
    if (per_min <= 0)
        return NULL;
    emu_ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    pthread_mutex_init(&rl->mu, NULL);
    rl->per_min = per_min;
    return rl;
}

void emu_ratelimit_free(emu_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->mu);
    free(rl);
}

static uint64_t key_of(const char *s)
{
    return sms_fnv1a(s) | 1;        /* 0 marks a free bucket */
}

static bucket *bucket_for(emu_ratelimit *rl, uint64_t key, int64_t now)
{
    size_t i = key % MAX_CALLERS;
    for (size_t k = 0; k < MAX_CALLERS; k++) {
        bucket *b = &rl->b[(i + k) % MAX_CALLERS];
        if (b->key == key)
            return b;
        if (!b->key) {
            *b = (bucket){ key, (double)rl->per_min, now };
            return b;
        }
    }
    return &rl->b[i];               /* full: share */
}

long emu_ratelimit_take(emu_ratelimit *rl, const char *caller)
{
    if (!rl || !caller)
        return 0;
    int64_t now = smsemu_mono_ms();
    double per_ms = (double)rl->per_min / 60000.0;
    pthread_mutex_lock(&rl->mu);
    bucket *b = bucket_for(rl, key_of(caller), now);
    b->tokens += (double)(now - b->at_ms) * per_ms;
    if (b->tokens > (double)rl->per_min)
        b->tokens = (double)rl->per_min;
    b->at_ms = now;
    long wait_s = 0;
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
    } else {
        double ms = (1.0 - b->tokens) / per_ms;
        wait_s = (long)(ms / 1000.0) + 1;           /* whole seconds, rounded up */
        rl->throttled++;
    }
    pthread_mutex_unlock(&rl->mu);
    return wait_s;
}

uint64_t emu_ratelimit_throttled(emu_ratelimit *rl)
{
    if (!rl)
        return 0;
    pthread_mutex_lock(&rl->mu);
    uint64_t n = rl->throttled;
    pthread_mutex_unlock(&rl->mu);
    return n;
}

int emu_parse_rate(const char *s, long *per_min)
{
    char *end = NULL;
    long n = strtol(s, &end, 10);
    if (end == s || n < 1 || n > 1000000 || strcmp(end, "/min") != 0)
        return -1;
    *per_min = n;
    return 0;
}

/* monoclock.c - CLOCK_MONOTONIC readings and relative timed waits. */
#include "emulator/monoclock.h"

#include <time.h>

int64_t smsemu_mono_ms(void)
{
    return smsemu_mono_us() / 1000;
}

int64_t smsemu_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void smsemu_cond_wait_us(pthread_cond_t *cond, pthread_mutex_t *lock, int64_t us)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += (long)(us % 1000000) * 1000L;
    ts.tv_sec += us / 1000000 + ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    pthread_cond_timedwait(cond, lock, &ts);
}

/* clock.c - see clock.h. */
#include "api/clock.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int64_t wall_shift_ms;       /* tests only: sms_clock_test_shift_ms */

int64_t sms_clock_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + atomic_load(&wall_shift_ms);
}

int64_t sms_clock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sms_clock_test_shift_ms(int64_t delta_ms)
{
    atomic_fetch_add(&wall_shift_ms, delta_ms);
}

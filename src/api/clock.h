/* clock.h - the two clocks every layer uses: wall time for what is shown and stored,
 * monotonic time for intervals and deadlines. */
#ifndef SMS_API_CLOCK_H
#define SMS_API_CLOCK_H

#include <stdint.h>

int64_t sms_clock_wall_ms(void);    /* ms since the epoch */
int64_t sms_clock_mono_ms(void);    /* ms on CLOCK_MONOTONIC */

/* Tests only: move this process's wall clock (every sms_clock_wall_ms reader) by delta_ms,
 * so that a 10-minute limit can be crossed without waiting 10 minutes. Never called by
 * the program itself. */
void sms_clock_test_shift_ms(int64_t delta_ms);

#endif

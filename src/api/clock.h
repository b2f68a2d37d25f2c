/* clock.h - the two clocks every layer uses: wall time for what is shown and stored,
 * monotonic time for intervals and deadlines. */
#ifndef SMS_API_CLOCK_H
#define SMS_API_CLOCK_H

#include <stdint.h>

int64_t sms_clock_wall_ms(void);    /* ms since the epoch */
int64_t sms_clock_mono_ms(void);    /* ms on CLOCK_MONOTONIC */

#endif

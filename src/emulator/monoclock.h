/* monoclock.h - the monotonic clock of the simulated fleet and wave, and timed waits on it
 * (their condition variables are created with CLOCK_MONOTONIC). */
#ifndef SMSEMU_MONOCLOCK_H
#define SMSEMU_MONOCLOCK_H

#include <pthread.h>
#include <stdint.h>

int64_t smsemu_mono_ms(void);
int64_t smsemu_mono_us(void);
/* pthread_cond_timedwait for at most us microseconds from now (lock held). */
void smsemu_cond_wait_us(pthread_cond_t *cond, pthread_mutex_t *lock, int64_t us);

#endif

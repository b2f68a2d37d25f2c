/* wipe.h - process-wide: libcurl and OpenSSL free no block without wiping it first. */
#ifndef SMS_API_WIPE_H
#define SMS_API_WIPE_H

#include <stddef.h>

/* Replaces curl_global_init(CURL_GLOBAL_DEFAULT); call it once, before any thread and
 * before anything else uses OpenSSL. 0 ok; -1 when one of the two could not be set
 * (curl is initialised all the same). Pair with curl_global_cleanup. */
int sms_wipe_global_init(void);

/* Test hook (tests/unit/test_api_wipe.c): when set, called with each block that libcurl
 * or OpenSSL frees, after it was wiped and before free(3), with its usable size. NULL
 * in the program. */
extern void (*sms_wipe_observer)(const unsigned char *block, size_t size);

#endif

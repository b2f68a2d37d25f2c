/* wipe.h - process-wide: libcurl and OpenSSL free no block without wiping it first. */
#ifndef SMS_API_WIPE_H
#define SMS_API_WIPE_H

/* Replaces curl_global_init(CURL_GLOBAL_DEFAULT); call it once, before any thread and
 * before anything else uses OpenSSL. 0 ok; -1 when one of the two could not be set
 * (curl is initialised all the same). Pair with curl_global_cleanup. */
int sms_wipe_global_init(void);

#endif

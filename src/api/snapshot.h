/* snapshot.h - the refcounted parts of an sms_snapshot (poller.h) and the sanitising
 * copies that make server data safe to publish. Internal to src/api. */
#ifndef SMS_API_SNAPSHOT_H
#define SMS_API_SNAPSHOT_H

#include "api/poller.h"
#include "model/codec.h"

/* Parts start with refs = 1 and are freed when the last reference goes. */
sms_fleet *sms_fleet_new(void);
const sms_fleet *sms_fleet_ref(const sms_fleet *f);        /* NULL-safe */
void sms_fleet_unref(const sms_fleet *f);                  /* NULL-safe */
sms_detail *sms_detail_new(void);
const sms_detail *sms_detail_ref(const sms_detail *d);
void sms_detail_unref(const sms_detail *d);

/* Deep copy of src into *dst (zeroed first) with every string sanitised (model/text.h),
 * whatever its depth: the value goes through the codec, so a field added to the model
 * is covered without touching this code. 0 ok, -1 out of memory (dst left zeroed). */
int sms_sanitized_copy(const sms_type *t, void *dst, const void *src);
/* The same for an array of n items of type t: *dst is a new array (NULL when n is 0).
 * Item by item, so the codec's per-document element cap never limits a large fleet. */
int sms_sanitized_copy_array(const sms_type *t, void **dst, const void *src, size_t n);
/* Sanitise every string of an error in place (message, request id, API error texts). */
void sms_call_error_sanitize(sms_call_error *e);

/* "replicate / RUNNING", "waiting / -" : what the history shows after an action. */
char *sms_server_state_text(const sms_server *s);

/* Wall clock in ms since the epoch, and a monotonic clock in ms. */
int64_t sms_wall_ms(void);
int64_t sms_mono_ms(void);

#endif

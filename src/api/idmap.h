/* idmap.h - a map from id strings to indexes (open addressing, linear probing), for
 * deduplicating list pages and for the poller's book of known servers. Keys are
 * borrowed: the caller keeps them alive while they are in the map. Internal to src/api. */
#ifndef SMS_API_IDMAP_H
#define SMS_API_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SMS_IDMAP_NONE SIZE_MAX

typedef struct sms_idmap {
    struct sms_idmap_slot { const char *key; uint64_t hash; size_t value; } *slots;
    size_t cap, n, tombs;           /* cap is 0 or a power of two */
} sms_idmap;

/* The value stored for key, or SMS_IDMAP_NONE. */
size_t sms_idmap_get(const sms_idmap *m, const char *key);
/* Set key -> value (replacing). 0 ok, -1 out of memory (the map is unchanged). */
int sms_idmap_put(sms_idmap *m, const char *key, size_t value);
/* For a key already present: store this key pointer (an equal string) and value. Never
 * allocates. 0 ok, -1 when key is absent. */
int sms_idmap_update(sms_idmap *m, const char *key, size_t value);
/* Remove key if present. */
void sms_idmap_del(sms_idmap *m, const char *key);
void sms_idmap_clear(sms_idmap *m);         /* empty, keeps the table */
void sms_idmap_free(sms_idmap *m);

#endif

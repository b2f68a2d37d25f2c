/* idmap.c - see idmap.h. Deleted slots become tombstones; the table is rebuilt when
 * live entries and tombstones together fill more than 3/4 of it. */
#include "api/idmap.h"

#include <stdlib.h>
#include <string.h>
#include "model/hash.h"

static const char TOMB[1];                  /* a deleted slot's key */

static uint64_t hash_of(const char *s)
{
    uint64_t h = sms_fnv1a(s);                          /* then a final mix */
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    return h ^ (h >> 33);
}

/* The slot holding key, or the first free slot for it (a tombstone if one was passed). */
static struct sms_idmap_slot *find_slot(const sms_idmap *m, const char *key, uint64_t h)
{
    struct sms_idmap_slot *tomb = NULL;
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        struct sms_idmap_slot *s = &m->slots[i];
        if (!s->key)
            return tomb ? tomb : s;
        if (s->key == TOMB) {
            if (!tomb)
                tomb = s;
        } else if (s->hash == h && strcmp(s->key, key) == 0) {
            return s;
        }
    }
}

size_t sms_idmap_get(const sms_idmap *m, const char *key)
{
    if (!m->n || !key)
        return SMS_IDMAP_NONE;
    const struct sms_idmap_slot *s = find_slot(m, key, hash_of(key));
    return s->key && s->key != TOMB ? s->value : SMS_IDMAP_NONE;
}

static int grow(sms_idmap *m)
{
    size_t cap = m->cap ? m->cap : 64;
    while ((m->n + 1) * 2 > cap)                /* at most half full after the rebuild */
        cap *= 2;
    struct sms_idmap_slot *old = m->slots, *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    size_t old_cap = m->cap;
    m->slots = slots;
    m->cap = cap;
    m->tombs = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key && old[i].key != TOMB)
            *find_slot(m, old[i].key, old[i].hash) = old[i];
    free(old);
    return 0;
}

int sms_idmap_put(sms_idmap *m, const char *key, size_t value)
{
    if (!key)
        return -1;
    if ((m->n + m->tombs + 1) * 4 > m->cap * 3 && grow(m) != 0)
        return -1;
    uint64_t h = hash_of(key);
    struct sms_idmap_slot *s = find_slot(m, key, h);
    if (!s->key || s->key == TOMB) {
        if (s->key == TOMB)
            m->tombs--;
        m->n++;
    }
    *s = (struct sms_idmap_slot){ key, h, value };
    return 0;
}

int sms_idmap_update(sms_idmap *m, const char *key, size_t value)
{
    if (!m->n || !key)
        return -1;
    uint64_t h = hash_of(key);
    struct sms_idmap_slot *s = find_slot(m, key, h);
    if (!s->key || s->key == TOMB)
        return -1;
    *s = (struct sms_idmap_slot){ key, h, value };
    return 0;
}

void sms_idmap_del(sms_idmap *m, const char *key)
{
    if (!m->n || !key)
        return;
    struct sms_idmap_slot *s = find_slot(m, key, hash_of(key));
    if (!s->key || s->key == TOMB)
        return;
    s->key = TOMB;
    m->n--;
    m->tombs++;
}

void sms_idmap_clear(sms_idmap *m)
{
    if (m->slots)
        memset(m->slots, 0, m->cap * sizeof *m->slots);
    m->n = m->tombs = 0;
}

void sms_idmap_free(sms_idmap *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

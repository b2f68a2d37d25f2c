/* pager.c - see pager.h. */
#include "api/pager.h"

#include <string.h>

void sms_pager_begin(sms_pager *p)
{
    memset(p, 0, sizeof *p);
    p->count = -1;
}

static void new_pass(sms_pager *p)
{
    sms_idmap_clear(&p->seen);
    p->offset = 0;
    p->count = -1;
    p->kept = 0;
    p->shifted = false;             /* until this pass sees it too */
    p->restarts++;
}

static const char *key_at(const void *items, size_t i, size_t stride, size_t id_off, size_t key_off)
{
    const char *item = (const char *)items + i * stride;
    const char *id;
    memcpy(&id, item + id_off, sizeof id);
    if (!id)
        memcpy(&id, item + key_off, sizeof id);
    return id;
}

sms_pager_step sms_pager_page(sms_pager *p, int32_t count, const void *items, size_t n,
                              size_t stride, size_t id_off, size_t key_off, bool *keep)
{
    p->requests++;
    if (p->count >= 0 && count != p->count) {
        if (p->restarts < SMS_PAGER_MAX_RESTARTS) {
            new_pass(p);
            return SMS_PAGER_RESTART;
        }
        p->shifted = true;
    } else if (p->count < 0) {
        p->count = count;
    }
    size_t added = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id = key_at(items, i, stride, id_off, key_off);
        bool is_new = !id || sms_idmap_get(&p->seen, id) == SMS_IDMAP_NONE;
        if (is_new && id && sms_idmap_put(&p->seen, id, i) != 0)
            is_new = true;                          /* out of memory: keep it anyway */
        if (keep)
            keep[i] = is_new;
        added += is_new;
    }
    p->kept += added;
    p->offset += (long)n;
    if (n == 0 || added == 0 || p->offset >= count)
        return SMS_PAGER_DONE;
    if (p->offset > SMS_PAGER_MAX_OFFSET) {
        if (p->offset - (long)n < SMS_PAGER_MAX_OFFSET) {
            p->offset = SMS_PAGER_MAX_OFFSET;  /* the last reachable page (repeats are dropped) */
            return SMS_PAGER_NEXT;
        }
        p->truncated = true;
        return SMS_PAGER_DONE;
    }
    return SMS_PAGER_NEXT;
}

void sms_pager_end(sms_pager *p)
{
    sms_idmap_free(&p->seen);
}

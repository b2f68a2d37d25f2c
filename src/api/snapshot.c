/* snapshot.c - refcounted snapshot parts, sanitising copies, and the snapshot's release. */
#include "api/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/history.h"
#include "model/text.h"

/* refs is the one mutable member of an otherwise immutable part: atomics let the UI
 * thread and the poller drop references without a lock. */
#define REF_UP(p) __atomic_add_fetch(&(p)->refs, 1, __ATOMIC_RELAXED)
#define REF_DOWN(p) __atomic_sub_fetch(&(p)->refs, 1, __ATOMIC_ACQ_REL)

sms_fleet *sms_fleet_new(void)
{
    sms_fleet *f = calloc(1, sizeof *f);
    if (f)
        f->refs = 1;
    return f;
}

const sms_fleet *sms_fleet_ref(const sms_fleet *f)
{
    if (f)
        REF_UP((sms_fleet *)f);
    return f;
}

void sms_fleet_unref(const sms_fleet *cf)
{
    sms_fleet *f = (sms_fleet *)cf;
    if (!f || REF_DOWN(f) > 0)
        return;
    for (size_t i = 0; i < f->n_servers; i++)
        sms_free(&SMS_T_SERVER, &f->servers[i]);
    free(f->servers);
    free(f);
}

sms_detail *sms_detail_new(void)
{
    sms_detail *d = calloc(1, sizeof *d);
    if (d)
        d->refs = 1;
    return d;
}

const sms_detail *sms_detail_ref(const sms_detail *d)
{
    if (d)
        REF_UP((sms_detail *)d);
    return d;
}

void sms_detail_unref(const sms_detail *cd)
{
    sms_detail *d = (sms_detail *)cd;
    if (!d || REF_DOWN(d) > 0)
        return;
    free(d->server_id);
    sms_free(&SMS_T_SERVER, &d->server);
    if (d->has_task)
        sms_free(&SMS_T_TASK, &d->task);
    free(d);
}

void sms_snapshot_release(sms_snapshot *s)
{
    if (!s)
        return;
    sms_fleet_unref(s->fleet);
    sms_detail_unref(s->detail);
    sms_history_unref(s->history);
    for (int i = 0; i < SMS_CALL__COUNT; i++)
        sms_call_error_free(&s->health[i].error);
    free(s->user);
    free(s);
}

/* ---- sanitising ----------------------------------------------------------- */

static void sanitize_json_strings(cJSON *j)
{
    for (; j; j = j->next) {
        if (cJSON_IsString(j) && j->valuestring)
            sms_sanitize_inplace(j->valuestring);
        if (j->child)
            sanitize_json_strings(j->child);
    }
}

int sms_sanitized_copy(const sms_type *t, void *dst, const void *src)
{
    memset(dst, 0, sms_type_size(t));
    cJSON *j = sms_encode(t, src);
    if (!j)
        return -1;
    sanitize_json_strings(j);
    sms_jerr jerr;
    int rc = sms_decode(t, j, dst, SMS_DECODE_RESPONSE, &jerr);
    cJSON_Delete(j);
    return rc;
}

int sms_sanitized_copy_array(const sms_type *t, void **dst, const void *src, size_t n)
{
    size_t size = sms_type_size(t);
    char *out = n ? calloc(n, size) : NULL;
    *dst = NULL;
    if (n && !out)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (sms_sanitized_copy(t, out + i * size, (const char *)src + i * size) == 0)
            continue;
        while (i-- > 0)
            sms_free(t, out + i * size);
        free(out);
        return -1;
    }
    *dst = out;
    return 0;
}

static void sanitize_str(char *s)
{
    if (s)
        sms_sanitize_inplace(s);
}

void sms_call_error_sanitize(sms_call_error *e)
{
    sanitize_str(e->message);
    sanitize_str(e->request_id);
    sms_api_error *a = &e->api;
    sanitize_str(a->error_code);
    sanitize_str(a->error_msg);
    sanitize_str(a->encoded_authorization_message);
    sanitize_str(a->request_id);
    for (size_t i = 0; i < a->n_error_param; i++)
        sanitize_str(a->error_param[i]);
    for (size_t i = 0; i < a->n_details; i++) {
        sanitize_str(a->details[i].error_code);
        sanitize_str(a->details[i].error_msg);
    }
}

char *sms_server_state_text(const sms_server *s)
{
    const char *task = s->has_current_task && s->current_task.state ? s->current_task.state : "-";
    char *out = NULL;
    if (asprintf(&out, "%s / %s", s->state ? s->state : "-", task) < 0)
        return NULL;
    return out;
}

/* ---- clocks --------------------------------------------------------------- */

static int64_t clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sms_wall_ms(void) { return clock_ms(CLOCK_REALTIME); }
int64_t sms_mono_ms(void) { return clock_ms(CLOCK_MONOTONIC); }

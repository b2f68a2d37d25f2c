/* errors.c - the client's error value: decoding API error bodies the way the official SDK
 * does (docs/api-model.md §5.1), summaries, copies, and the retry classification. */
#include "api/client_priv.h"

#include <cjson/cJSON.h>
#include "model/codec.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/text.h"

#define MAX_CODE_LEN 255
#define MAX_MSG_LEN 1024
#define MAX_EXTRA_LEN 65535        /* encoded_authorization_message, error_param, details */
#define MAX_EXTRA_ITEMS 20
#define MAX_NESTING 4              /* how deep the decoder looks for nested error objects */
#define RAW_TEXT_MAX 512           /* raw body text kept when nothing could be decoded */

/* ---- small string helpers ------------------------------------------------- */

/* Copy of s cut to at most max bytes at a UTF-8 character boundary. */
static char *dup_capped(const char *s, size_t max)
{
    if (!s)
        return NULL;
    size_t n = strnlen(s, max + 1);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    return strndup(s, n);
}

/* A string field, or a number written as text (keystone's {"code": 401}). */
static char *json_text(const cJSON *item, size_t max)
{
    if (cJSON_IsString(item) && item->valuestring)
        return dup_capped(item->valuestring, max);
    if (cJSON_IsNumber(item)) {
        char num[32];
        snprintf(num, sizeof num, "%.15g", item->valuedouble);
        return strdup(num);
    }
    return NULL;
}

static const cJSON *field(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* ---- decoding ------------------------------------------------------------- */

static const char *const code_msg_keys[][2] = {
    { "error_code", "error_msg" },
    { "errorCode", "errorMsg" },
    { "code", "message" },
};

static bool take_code_msg(const cJSON *obj, sms_api_error *out)
{
    for (size_t i = 0; i < sizeof code_msg_keys / sizeof code_msg_keys[0]; i++) {
        const cJSON *code = field(obj, code_msg_keys[i][0]);
        const cJSON *msg = field(obj, code_msg_keys[i][1]);
        char *c = json_text(code, MAX_CODE_LEN);
        char *m = json_text(msg, MAX_MSG_LEN);
        if (c || m) {
            out->error_code = c;
            out->error_msg = m;
            return true;
        }
    }
    return false;
}

/* The object holding the code/message: obj itself, else the first nested object that
 * has them (depth-first, as the SDK recurses). */
static const cJSON *find_error_object(const cJSON *obj, sms_api_error *out, int depth)
{
    if (take_code_msg(obj, out))
        return obj;
    if (depth >= MAX_NESTING)
        return NULL;
    const cJSON *child;
    cJSON_ArrayForEach(child, obj) {
        if (cJSON_IsObject(child)) {
            const cJSON *found = find_error_object(child, out, depth + 1);
            if (found)
                return found;
        }
    }
    return NULL;
}

static void take_error_params(const cJSON *arr, sms_api_error *out)
{
    int n = cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || n <= 0)
        return;
    if (n > MAX_EXTRA_ITEMS)
        n = MAX_EXTRA_ITEMS;
    out->error_param = calloc((size_t)n, sizeof *out->error_param);
    if (!out->error_param)
        return;
    const cJSON *item;
    cJSON_ArrayForEach(item, arr) {
        if (out->n_error_param == (size_t)n)
            break;
        char *s = json_text(item, MAX_EXTRA_LEN);
        if (s)
            out->error_param[out->n_error_param++] = s;
    }
}

static void take_details(const cJSON *arr, sms_api_error *out)
{
    int n = cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || n <= 0)
        return;
    if (n > MAX_EXTRA_ITEMS)
        n = MAX_EXTRA_ITEMS;
    out->details = calloc((size_t)n, sizeof *out->details);
    if (!out->details)
        return;
    const cJSON *item;
    cJSON_ArrayForEach(item, arr) {
        if (out->n_details == (size_t)n)
            break;
        if (!cJSON_IsObject(item))
            continue;
        sms_error_detail *d = &out->details[out->n_details];
        d->error_code = json_text(field(item, "error_code"), MAX_EXTRA_LEN);
        d->error_msg = json_text(field(item, "error_msg"), MAX_EXTRA_LEN);
        if (d->error_code || d->error_msg)
            out->n_details++;
    }
}

/* The 403 extras and request_id: looked up in the error object, then at the top. */
static void take_extras(const cJSON *where, const cJSON *top, sms_api_error *out)
{
    const cJSON *objs[2] = { where, top };
    for (int i = 0; i < 2; i++) {
        const cJSON *o = objs[i];
        if (!out->encoded_authorization_message)
            out->encoded_authorization_message =
                json_text(field(o, "encoded_authorization_message"), MAX_EXTRA_LEN);
        if (!out->request_id)
            out->request_id = json_text(field(o, "request_id"), MAX_CODE_LEN);
        if (!out->n_error_param)
            take_error_params(field(o, "error_param"), out);
        if (!out->n_details)
            take_details(field(o, "details"), out);
        if (where == top)
            break;
    }
}

int sms_api_error_decode(const char *body, size_t len, sms_api_error *out)
{
    memset(out, 0, sizeof *out);
    if (!body || len == 0)
        return -1;
    cJSON *json = cJSON_ParseWithLengthOpts(body, len, NULL, 0);
    if (!json)
        return -1;
    int rc = -1;
    if (cJSON_IsObject(json)) {
        const cJSON *where = find_error_object(json, out, 0);
        if (where) {
            take_extras(where, json, out);
            rc = 0;
        }
    }
    cJSON_Delete(json);
    return rc;
}

void sms_api_error_clear(sms_api_error *a)
{
    if (!a)
        return;
    free(a->error_code);
    free(a->error_msg);
    free(a->encoded_authorization_message);
    free(a->request_id);
    for (size_t i = 0; i < a->n_error_param; i++)
        free(a->error_param[i]);
    free(a->error_param);
    for (size_t i = 0; i < a->n_details; i++) {
        free(a->details[i].error_code);
        free(a->details[i].error_msg);
    }
    free(a->details);
    memset(a, 0, sizeof *a);
}

static bool dup_str(char **dst, const char *src)
{
    *dst = src ? strdup(src) : NULL;
    return !src || *dst;
}

int sms_api_error_dup(sms_api_error *dst, const sms_api_error *src)
{
    memset(dst, 0, sizeof *dst);
    bool ok = dup_str(&dst->error_code, src->error_code) && dup_str(&dst->error_msg, src->error_msg) &&
              dup_str(&dst->encoded_authorization_message, src->encoded_authorization_message) &&
              dup_str(&dst->request_id, src->request_id);
    if (ok && src->n_error_param) {
        dst->error_param = calloc(src->n_error_param, sizeof *dst->error_param);
        ok = dst->error_param != NULL;
        for (size_t i = 0; ok && i < src->n_error_param; i++) {
            ok = dup_str(&dst->error_param[i], src->error_param[i]);
            dst->n_error_param = i + 1;
        }
    }
    if (ok && src->n_details) {
        dst->details = calloc(src->n_details, sizeof *dst->details);
        ok = dst->details != NULL;
        for (size_t i = 0; ok && i < src->n_details; i++) {
            dst->n_details = i + 1;
            ok = dup_str(&dst->details[i].error_code, src->details[i].error_code) &&
                 dup_str(&dst->details[i].error_msg, src->details[i].error_msg);
        }
    }
    if (!ok) {
        sms_api_error_clear(dst);
        return -1;
    }
    return 0;
}

/* ---- the call error --------------------------------------------------------- */

void sms_call_error_free(sms_call_error *e)
{
    if (!e)
        return;
    free(e->request_id);
    free(e->message);
    sms_api_error_clear(&e->api);
    memset(e, 0, sizeof *e);
}

int sms_call_error_copy(sms_call_error *dst, const sms_call_error *src)
{
    memset(dst, 0, sizeof *dst);
    if (!src)
        return 0;
    *dst = *src;
    dst->request_id = NULL;
    dst->message = NULL;
    memset(&dst->api, 0, sizeof dst->api);
    if (!dup_str(&dst->request_id, src->request_id) || !dup_str(&dst->message, src->message) ||
        sms_api_error_dup(&dst->api, &src->api) != 0) {
        sms_call_error_free(dst);
        return -1;
    }
    return 0;
}

void sms_error_set(sms_call_error *e, sms_error_kind kind, const char *fmt, ...)
{
    if (!e)
        return;
    e->kind = kind;
    free(e->message);
    e->message = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&e->message, fmt, ap) < 0)
        e->message = NULL;
    va_end(ap);
}

/* Sanitised, capped copy of a raw body for display when it was not an API error. */
static char *raw_text(const char *body, size_t len)
{
    if (!body || len == 0)
        return NULL;
    size_t n = len < RAW_TEXT_MAX ? len : RAW_TEXT_MAX;
    char *cut = strndup(body, n);
    if (!cut)
        return NULL;
    char *clean = sms_sanitize_dup(cut);
    free(cut);
    if (clean && !*clean) {
        free(clean);
        return NULL;
    }
    return clean;
}

void sms_error_from_http(sms_call_error *e, sms_error_kind kind, int status, const char *body,
                         size_t len, const char *request_id)
{
    if (!e)
        return;
    e->kind = kind;
    e->http_status = status;
    sms_api_error_clear(&e->api);
    free(e->request_id);
    e->request_id = NULL;
    if (sms_api_error_decode(body, len, &e->api) != 0)
        e->api.error_msg = raw_text(body, len);   /* SDK fallback: status + raw text */
    const char *rid = request_id && *request_id ? request_id : e->api.request_id;
    e->request_id = rid ? strdup(rid) : NULL;
    free(e->message);
    e->message = e->api.error_msg ? sms_sanitize_dup(e->api.error_msg) : NULL;
}

void sms_error_from_transport(sms_call_error *e, long curl_code, const char *detail)
{
    if (!e)
        return;
    e->curl_code = curl_code;
    const char *text = detail && *detail ? detail : curl_easy_strerror((CURLcode)curl_code);
    char *clean = sms_sanitize_dup(text);
    if (curl_code == CURLE_PEER_FAILED_VERIFICATION || curl_code == CURLE_SSL_CACERT_BADFILE)
        /* say what to do: the operator's CA, never --insecure first */
        sms_error_set(e, SMS_E_TRANSPORT, "TLS certificate not trusted: %s (for a private CA: "
                      "--cacert FILE or SSL_CERT_FILE)", clean ? clean : "verification failed");
    else
        sms_error_set(e, SMS_E_TRANSPORT, "%s", clean ? clean : "transport error");
    free(clean);
}

/* ---- summary ------------------------------------------------------------- */

static const char *kind_label(sms_error_kind k)
{
    switch (k) {
    case SMS_E_NONE: return "no error";
    case SMS_E_HTTP: return "HTTP";
    case SMS_E_TRANSPORT: return "network error";
    case SMS_E_DECODE: return "bad response";
    case SMS_E_AUTH: return "login failed";
    case SMS_E_READONLY: return "read-only mode";
    case SMS_E_CANCELLED: return "cancelled";
    case SMS_E_INVALID: return "invalid request";
    }
    return "error";
}

static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
    if (*pos >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
    va_end(ap);
    if (n > 0)
        *pos += (size_t)n < len - *pos ? (size_t)n : len - *pos - 1;
}

/* IAM's Keystone errors carry the HTTP status again as their code ("code": 401):
 * said once, not as "HTTP 401 401". */
static bool code_is_status(const char *code, int status)
{
    char s[16];
    snprintf(s, sizeof s, "%d", status);
    return status > 0 && strcmp(code, s) == 0;
}

const char *sms_verdict_label(sms_verdict v)
{
    static const char *const labels[] = { [SMS_V_ACCEPTED] = "accepted", [SMS_V_REFUSED] = "REFUSED",
                                          [SMS_V_FAILED] = "FAILED", [SMS_V_UNKNOWN] = "UNKNOWN" };
    return (unsigned)v < sizeof labels / sizeof labels[0] ? labels[v] : "?";
}

sms_verdict sms_call_verdict(const sms_call_error *e)
{
    if (e->outcome_unknown)
        return SMS_V_UNKNOWN;
    if (e->kind == SMS_E_READONLY || e->kind == SMS_E_INVALID)
        return SMS_V_REFUSED;
    if ((e->kind == SMS_E_HTTP || e->kind == SMS_E_AUTH) && e->http_status >= 400 && e->http_status < 500)
        return SMS_V_REFUSED;
    return SMS_V_FAILED;
}

void sms_call_error_summary(const sms_call_error *e, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    buf[0] = '\0';
    if (!e)
        return;
    size_t pos = 0;
    char code[MAX_CODE_LEN + 1], msg[MAX_MSG_LEN + 1], rid[MAX_CODE_LEN + 1];
    sms_sanitize(code, sizeof code, e->api.error_code);
    sms_sanitize(msg, sizeof msg, e->message ? e->message : e->api.error_msg);
    sms_sanitize(rid, sizeof rid, e->request_id);

    if (e->http_status > 0 && (e->kind == SMS_E_HTTP || e->kind == SMS_E_AUTH))
        append(buf, len, &pos, "%s%sHTTP %d", e->kind == SMS_E_AUTH ? kind_label(e->kind) : "",
               e->kind == SMS_E_AUTH ? ": " : "", e->http_status);
    else
        append(buf, len, &pos, "%s", kind_label(e->kind));
    if (*code && !code_is_status(code, e->http_status))
        append(buf, len, &pos, " %s", code);
    if (*msg && strcmp(msg, kind_label(e->kind)) != 0)
        append(buf, len, &pos, ": %s", msg);
    if (e->kind == SMS_E_TRANSPORT && e->curl_code)
        append(buf, len, &pos, " (curl %ld)", e->curl_code);
    if (e->attempts > 1)
        append(buf, len, &pos, " after %d attempts", e->attempts);
    if (e->outcome_unknown)
        append(buf, len, &pos, "; outcome unknown: the change may have been applied");
    if (*rid)
        append(buf, len, &pos, " (request %s)", rid);
}

/* ---- retry classification ------------------------------------------------- */

bool sms_status_is_retryable(int status)
{
    return status == 429 || (status >= 500 && status <= 599 && status != 501 && status != 505);
}

bool sms_curl_code_is_retryable(long curl_code)
{
    switch (curl_code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:         /* empty reply: connection reset */
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
        return true;
    default:
        return false;
    }
}

bool sms_outcome_unknown(int status, long curl_code, bool request_sent)
{
    if (status > 0)         /* an answer: only a gateway's timeout leaves it open */
        return status == 502 || status == 504;
    if (curl_code == CURLE_OK)
        return false;
    return request_sent;
}

/* xorshift64*: jitter only, no need for quality */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

long sms_backoff_ms(int retry, long base_ms, long cap_ms, long retry_after_s, uint64_t *rng)
{
    if (retry < 1)
        retry = 1;
    long d = base_ms;
    for (int i = 1; i < retry && d < cap_ms; i++)
        d *= 2;
    if (d > cap_ms)
        d = cap_ms;
    long half = d / 2;
    long wait = half + (long)(next_random(rng) % (uint64_t)(half + 1));
    if (retry_after_s >= 0) {
        long ra = retry_after_s > cap_ms / 1000 ? cap_ms : retry_after_s * 1000;
        if (ra > wait)
            wait = ra;
    }
    return wait;
}

/* ---- shared by the calls (calls.c, agent.c) --------------------------------- */

sms_call_error *sms_error_begin(sms_call_error *e, sms_call_error *local)
{
    sms_call_error *err = e ? e : local;
    memset(err, 0, sizeof *err);
    return err;
}

int sms_error_end(int rc, sms_call_error *e, sms_call_error *local)
{
    if (!e)
        sms_call_error_free(local);
    return rc;
}

bool sms_id_valid(const char *id)
{
    if (!id || !*id || strlen(id) > SMS_MAX_ID_LEN)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return false;
    return true;
}

void sms_decode_failed(sms_call_error *e, const sms_response *r, const sms_jerr *jerr)
{
    char where[400];
    sms_jerr_format(jerr, where, sizeof where);
    sms_error_set(e, SMS_E_DECODE, "%s", where);
    e->http_status = r->status;
    free(e->request_id);
    e->request_id = r->request_id ? strdup(r->request_id) : NULL;
}

int sms_decode_body(const sms_type *t, const sms_response *r, void *out, sms_call_error *e)
{
    sms_jerr jerr;
    memset(&jerr, 0, sizeof jerr);
    if (sms_parse(t, r->body ? r->body : "", r->body_len, out, SMS_DECODE_RESPONSE, &jerr) == 0)
        return 0;
    sms_decode_failed(e, r, &jerr);
    return -1;
}

int sms_decode_body_or_empty(const sms_type *t, const sms_response *r, void *out, sms_call_error *e)
{
    if (r->body && r->body_len)
        return sms_decode_body(t, r, out, e);
    sms_response empty = *r;
    empty.body = "{}";
    empty.body_len = 2;
    return sms_decode_body(t, &empty, out, e);
}

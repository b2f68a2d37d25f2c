/* respond.c - building emulator responses (SMS error bodies of docs/api-model.md §5.1, the
 * gateway's APIGW errors, the full 403), query and body helpers, clock and ids. */
#include <errno.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "emulator/emu.h"
#include "model/contract.h"

/* ---- responses ----------------------------------------------------------------- */

void emu_resp_text(emu_resp *o, int status, char *text)
{
    free(o->body);
    o->status = status;
    o->body = text;
    o->len = text ? strlen(text) : 0;
}

void emu_resp_json(emu_resp *o, int status, cJSON *json)
{
    char *text = json ? cJSON_PrintUnformatted(json) : NULL;
    cJSON_Delete(json);
    if (!text) {
        emu_resp_text(o, 500, strdup("{\"error_code\":\"SMS.2007\",\"error_msg\":\"out of memory\"}"));
        return;
    }
    emu_resp_text(o, status, text);
}

void emu_resp_ok_or_oom(emu_resp *o, char *text)
{
    if (!text)
        emu_resp_error(o, 500, "SMS.2007", "out of memory");
    else
        emu_resp_text(o, 200, text);
}

void emu_resp_empty_ok(emu_resp *o)
{
    emu_resp_text(o, 200, strdup("{}"));
}

void emu_resp_error(emu_resp *o, int status, const char *code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "error_code", code);
    cJSON_AddStringToObject(j, "error_msg", msg);
    emu_resp_json(o, status, j);
}

void emu_resp_gateway_error(emu_resp *o, int status, const char *code, const char *msg)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "error_msg", msg);
    cJSON_AddStringToObject(j, "error_code", code);
    cJSON_AddStringToObject(j, "request_id", o->request_id);
    emu_resp_json(o, status, j);
}

static char *base64_of(const char *text)
{
    size_t n = strlen(text);
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (out)
        EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)text, (int)n);
    return out;
}

/* The IAM 5.0 denial of §5.1 (shape of seed 000's example): SMS.9004 with
 * encoded_authorization_message, error_param[] and details[]. The encoded message is
 * base64 of a small JSON explaining the denial (opaque to clients, like the real one). */
void emu_resp_forbidden(emu_resp *o, const char *action, const char *resource)
{
    char why[512], sentence[384], msg[512];
    snprintf(sentence, sizeof sentence, "You do not have permission to perform action %s on resource %s.",
             action, resource);
    snprintf(msg, sizeof msg, "The current account does not have the permission to execute policy. %s", sentence);
    snprintf(why, sizeof why,
             "{\"action\":\"%s\",\"resource\":\"%s\",\"decision\":\"deny\","
             "\"reason\":\"no policy grants the action to this role\"}", action, resource);
    char *encoded = base64_of(why);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "error_code", "SMS.9004");
    cJSON_AddStringToObject(j, "error_msg", msg);
    cJSON_AddStringToObject(j, "encoded_authorization_message", encoded ? encoded : "");
    cJSON *params = cJSON_AddArrayToObject(j, "error_param");
    cJSON_AddItemToArray(params, cJSON_CreateString(sentence));
    cJSON *details = cJSON_AddArrayToObject(j, "details");
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "error_code", "SMS.9004");
    cJSON_AddStringToObject(d, "error_msg", sentence);
    cJSON_AddItemToArray(details, d);
    free(encoded);
    emu_resp_json(o, 403, j);
}

void emu_resp_free(emu_resp *o)
{
    free(o->body);
    if (o->subject_token) {
        explicit_bzero(o->subject_token, strlen(o->subject_token));
        free(o->subject_token);
    }
    memset(o, 0, sizeof *o);
}

/* ---- request accessors --------------------------------------------------------- */

const char *emu_req_header(const emu_req *r, const char *name)
{
    if (!r->conn)
        return NULL;
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *emu_req_query(const emu_req *r, const char *key)
{
    for (size_t i = 0; i < r->n_query; i++)
        if (strcmp(r->query[i].key, key) == 0)
            return r->query[i].value;
    return NULL;
}

int emu_parse_long(const char *s, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int emu_query_int(const emu_req *r, emu_resp *o, const char *key, long min, long max,
                  long dflt, long *out)
{
    const char *v = emu_req_query(r, key);
    *out = dflt;
    if (!v)
        return 0;
    long n;
    if (emu_parse_long(v, min, max, &n) < 0) {
        emu_resp_error(o, 400, "SMS.0002", "invalid query parameter %s: must be an integer in [%ld, %ld]",
                       key, min, max);
        return -1;
    }
    *out = n;
    return 0;
}

int emu_query_page(const emu_req *r, emu_resp *o, long *limit, long *offset)
{
    if (emu_query_int(r, o, "limit", 0, 200, 200, limit) < 0 ||
        emu_query_int(r, o, "offset", 0, 65535, 0, offset) < 0)
        return -1;
    if (*limit == 0)
        *limit = 200;
    return 0;
}

int emu_query_bool(const emu_req *r, emu_resp *o, const char *key, int *out)
{
    const char *v = emu_req_query(r, key);
    *out = -1;
    if (!v)
        return 0;
    if (strcmp(v, "true") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0)
        *out = 0;
    else {
        emu_resp_error(o, 400, "SMS.0002", "invalid query parameter %s: must be true or false", key);
        return -1;
    }
    return 0;
}

static int body_checks(const emu_req *r, emu_resp *o, size_t cap)
{
    if (r->body_too_big || r->body_len > cap) {
        emu_resp_error(o, 400, "SMS.2004", "request body larger than %zu bytes", cap);
        return -1;
    }
    if (r->body_len == 0) {
        emu_resp_error(o, 400, "SMS.0002", "request body is required");
        return -1;
    }
    return 0;
}

/* One cJSON parse (with the checks of emu_body_json), then the codec's strict decode.
 * must_have names a key that has to be present even where the codec would accept its
 * absence (a body whose only key is missing means nothing). */
int emu_body_decode(const emu_req *r, emu_resp *o, const sms_type *type, void *out, size_t cap,
                    const char *must_have)
{
    memset(out, 0, sms_type_size(type));
    cJSON *j = emu_body_json(r, o, cap);
    if (!j)
        return -1;
    if (must_have && !cJSON_GetObjectItemCaseSensitive(j, must_have)) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: %s: required", must_have);
        cJSON_Delete(j);
        return -1;
    }
    sms_jerr err;
    memset(&err, 0, sizeof err);
    int rc = sms_decode(type, j, out, SMS_DECODE_REQUEST, &err);
    cJSON_Delete(j);
    if (rc < 0) {
        char text[400];
        sms_jerr_format(&err, text, sizeof text);
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: %s", text);
        return -1;
    }
    return 0;
}

cJSON *emu_body_json(const emu_req *r, emu_resp *o, size_t cap)
{
    if (body_checks(r, o, cap) < 0)
        return NULL;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(r->body, r->body_len, &end, 0);
    while (j && end && end < r->body + r->body_len && strchr(" \t\r\n", *end))
        end++;
    /* cJSON would cut a string at an escaped NUL; the codec refuses it, so do we */
    bool nul = memmem(r->body, r->body_len, "\\u0000", 6) != NULL;
    if (!j || !cJSON_IsObject(j) || end != r->body + r->body_len || nul) {   /* trailing bytes too */
        cJSON_Delete(j);
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: malformed JSON (expected an object)");
        return NULL;
    }
    /* every key and value must be one the API documents (model/contract.c) */
    const sms_ct_op *op = sms_contract_match(r->method, r->path);
    char why[400];
    if (op && op->body && sms_contract_check_body(op, r->body, r->body_len, why, sizeof why) < 0) {
        cJSON_Delete(j);
        emu_resp_error(o, 400, "SMS.0002", "invalid request body: %s", why);
        return NULL;
    }
    return j;
}

int emu_contract_request(const emu_req *r, emu_resp *o)
{
    const sms_ct_op *op = sms_contract_match(r->method, r->path);
    char why[400];
    if (!op)
        return 0;                   /* the emulator's own control routes */
    if (sms_contract_check_query(op, r->raw_query, why, sizeof why) < 0 ||
        (!op->body && sms_contract_check_body(op, r->body, r->body_len, why, sizeof why) < 0)) {
        emu_resp_error(o, 400, "SMS.0002", "invalid request: %s", why);
        return -1;
    }
    return 0;
}

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
bool emu_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p++;
        int more = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
        if (more < 0)
            return false;
        uint32_t cp = more == 0 ? c : more == 1 ? (c & 0x1F) : more == 2 ? (c & 0x0F) : (c & 0x07);
        for (int i = 0; i < more; i++, p++) {
            if ((*p & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (*p & 0x3F);
        }
        static const uint32_t min[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[more] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
    }
    return true;
}

/* ---- clock and ids --------------------------------------------------------------- */

int64_t emu_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t emu_now(const emu_ctx *c)
{
    return emu_wall_ms() + atomic_load(&c->clock_offset_ms);
}

int64_t emu_ctx_connect_window_ms(const emu_ctx *c)
{
    int64_t w = atomic_load(&c->connect_window_ms);
    return w > 0 ? w : emu_connect_window_ms(c->speed, 0);
}

uint64_t emu_splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void emu_new_id(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) {      /* fall back: still unique enough for a test */
        static _Atomic uint64_t ctr;
        uint64_t s = (uint64_t)emu_wall_ms() ^ atomic_fetch_add(&ctr, 1) * 0x9E37ull;
        uint64_t a = emu_splitmix(&s), c = emu_splitmix(&s);
        memcpy(b, &a, 8);
        memcpy(b + 8, &c, 8);
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
}

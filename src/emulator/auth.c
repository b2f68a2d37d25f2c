/* auth.c - authenticating SMS calls the way the API gateway does: an IAM token in
 * X-Auth-Token, or an SDK-HMAC-SHA256 signature (docs/api-model.md §7) by the demo AK/SK with an
 * X-Sdk-Date within 15 minutes. Every failure is 401 APIGW.0301. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/sign.h"
#include "emulator/emu.h"

#define SKEW_MS (15 * 60 * 1000)
#define MAX_SIGNED_HEADERS 32

typedef struct aksk_auth {
    char access[128], signed_headers[512], signature[80];
} aksk_auth;

/* Copies the value of "key=" from an Authorization header into out. */
static int auth_field(const char *h, const char *key, char *out, size_t outlen)
{
    size_t kl = strlen(key);
    for (const char *p = h; (p = strstr(p, key)) != NULL; p += kl) {
        if (p != h && p[-1] != ' ' && p[-1] != ',')
            continue;
        if (p[kl] != '=')
            continue;
        const char *v = p + kl + 1, *end = strpbrk(v, ", ");
        size_t n = end ? (size_t)(end - v) : strlen(v);
        if (n == 0 || n >= outlen)
            return -1;
        memcpy(out, v, n);
        out[n] = 0;
        return 0;
    }
    return -1;
}

static int parse_authorization(const char *h, aksk_auth *a)
{
    static const char prefix[] = "SDK-HMAC-SHA256 ";
    if (strncmp(h, prefix, sizeof prefix - 1) != 0)
        return -1;
    h += sizeof prefix - 1;
    if (auth_field(h, "Access", a->access, sizeof a->access) < 0 ||
        auth_field(h, "SignedHeaders", a->signed_headers, sizeof a->signed_headers) < 0 ||
        auth_field(h, "Signature", a->signature, sizeof a->signature) < 0)
        return -1;
    return 0;
}

/* "20200608T023900Z" -> epoch ms; -1 when malformed. */
static int64_t parse_sdk_date(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!s || strlen(s) != 16)
        return -1;
    const char *end = strptime(s, "%Y%m%dT%H%M%SZ", &tm);
    if (!end || *end)
        return -1;
    return (int64_t)timegm(&tm) * 1000;
}

/* Collects the request's values for the signed header names ("host;x-sdk-date"). */
static size_t collect_signed(const emu_req *r, char *names, sms_sign_header *h, size_t cap)
{
    size_t n = 0;
    for (char *save = NULL, *tok = strtok_r(names, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
        const char *v = emu_req_header(r, tok);
        if (!v || n == cap)
            return 0;
        h[n++] = (sms_sign_header){tok, v};
    }
    return n;
}

static bool list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
        if ((p == list || p[-1] == ';') && (p[n] == ';' || p[n] == 0))
            return true;
    return false;
}

/* 0 when the signature verifies; else -1 with the gateway's reason in msg. */
static int verify_aksk(const emu_ctx *c, const emu_req *r, const aksk_auth *a, char *msg, size_t msglen)
{
    snprintf(msg, msglen, "verify aksk signature fail");
    if (strcmp(a->access, SMSEMU_AK) != 0)
        return -1;
    if (!list_has(a->signed_headers, "host") || !list_has(a->signed_headers, "x-sdk-date"))
        return -1;
    const char *date = emu_req_header(r, "X-Sdk-Date");
    int64_t when = parse_sdk_date(date);
    if (when < 0 || llabs(when - emu_now(c)) > SKEW_MS) {
        snprintf(msg, msglen, "verify aksk signature fail: X-Sdk-Date is missing or more than 15 minutes off");
        return -1;
    }
    char names[512];
    snprintf(names, sizeof names, "%s", a->signed_headers);
    sms_sign_header h[MAX_SIGNED_HEADERS];
    size_t nh = collect_signed(r, names, h, MAX_SIGNED_HEADERS);
    if (nh == 0)
        return -1;
    char *signed_list = NULL;
    char *canonical = sms_sign_canonical_request(r->method, r->raw_path, r->raw_query, h, nh,
                                                 r->body, r->body_len, &signed_list);
    char sig[65];
    int rc = -1;
    if (canonical && signed_list && strcmp(signed_list, a->signed_headers) == 0 &&
        sms_sign_signature(SMSEMU_SK, date, canonical, sig) == 0 &&
        strlen(a->signature) == 64 && CRYPTO_memcmp(sig, a->signature, 64) == 0)
        rc = 0;
    free(canonical);
    free(signed_list);
    return rc;
}

/* A signed SMS request names its project (X-Project-Id), as the SDK sends it; IAM's own
 * project lookup is what finds the id, so it needs none. */
static bool project_ok(const emu_req *r, char *msg, size_t msglen)
{
    if (strcmp(r->path, "/v3/projects") == 0)
        return true;
    const char *p = emu_req_header(r, "X-Project-Id");
    if (p && strcmp(p, SMSEMU_PROJECT_ID) == 0)
        return true;
    snprintf(msg, msglen, "%s", p ? "X-Project-Id is not a project of this account" : "X-Project-Id not found");
    return false;
}

int emu_authenticate(emu_ctx *c, emu_req *r, emu_resp *o)
{
    char msg[160];
    const char *token = emu_req_header(r, "X-Auth-Token");
    const char *authz = emu_req_header(r, "Authorization");
    if (token && *token) {
        if (strlen(token) <= 16384 &&
            emu_tokens_check(c->tokens, token, emu_now(c), &r->who, msg, sizeof msg) == 0)
            return 0;
        if (strlen(token) > 16384)
            snprintf(msg, sizeof msg, "x-auth-token is too long");
    } else if (authz && *authz) {
        aksk_auth a;
        memset(&a, 0, sizeof a);
        if (parse_authorization(authz, &a) < 0)
            snprintf(msg, sizeof msg, "verify aksk signature fail: malformed Authorization header");
        else if (verify_aksk(c, r, &a, msg, sizeof msg) == 0 && project_ok(r, msg, sizeof msg)) {
            r->who = emu_identity_by_name("admin");
            return 0;
        }
    } else {
        snprintf(msg, sizeof msg, "x-auth-token not found");
    }
    emu_resp_gateway_error(o, 401, "APIGW.0301", msg);
    return -1;
}

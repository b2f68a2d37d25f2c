/* sign.c - SDK-HMAC-SHA256 request signing (docs/api-model.md §7), as the official SDK signer
 * does it: canonical request, string to sign, HMAC with the SK. Pure functions. */
#include "api/sign.h"
#include "api/buf.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#define SIGN_ALGORITHM "SDK-HMAC-SHA256"
#define EMPTY_BODY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void sbuf_addc(sms_buf *b, char c) { sms_buf_addn(b, &c, 1); }

/* ---- percent encoding (RFC 3986 unreserved kept) -------------------------- */

static bool is_unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

static void add_encoded(sms_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c)) {
            sbuf_addc(b, (char)c);
        } else {
            char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
            sms_buf_addn(b, esc, 3);
        }
    }
}

/* ---- canonical query ------------------------------------------------------ */

typedef struct qparam { char *key, *value; } qparam;

static int qparam_cmp(const void *a, const void *b)
{
    const qparam *x = a, *y = b;
    int r = strcmp(x->key, y->key);
    return r ? r : strcmp(x->value, y->value);
}

static void qparams_free(qparam *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].key);
        free(p[i].value);
    }
    free(p);
}

/* Splits "a=1&b=&c" into decoded pairs; empty segments are skipped. */
static qparam *query_split(const char *raw, size_t *n_out)
{
    size_t cap = 1;
    for (const char *p = raw; *p; p++)
        cap += *p == '&';
    qparam *params = calloc(cap, sizeof *params);
    if (!params)
        return NULL;
    size_t n = 0;
    const char *seg = raw;
    while (*seg) {
        size_t len = strcspn(seg, "&");
        if (len > 0) {
            const char *eq = memchr(seg, '=', len);
            size_t klen = eq ? (size_t)(eq - seg) : len;
            params[n].key = sms_url_decode(seg, klen, true);
            params[n].value = eq ? sms_url_decode(eq + 1, len - klen - 1, true) : strdup("");
            if (!params[n].key || !params[n].value) {
                qparams_free(params, n + 1);
                return NULL;
            }
            n++;
        }
        seg += len;
        if (*seg == '&')
            seg++;
    }
    *n_out = n;
    return params;
}

char *sms_sign_canonical_query(const char *raw_query)
{
    if (!raw_query || !*raw_query)
        return strdup("");
    if (*raw_query == '?')
        raw_query++;
    size_t n = 0;
    qparam *params = query_split(raw_query, &n);
    if (!params)
        return NULL;
    qsort(params, n, sizeof *params, qparam_cmp);
    sms_buf b = { 0 };
    for (size_t i = 0; i < n; i++) {
        if (i)
            sbuf_addc(&b, '&');
        add_encoded(&b, params[i].key, strlen(params[i].key));
        sbuf_addc(&b, '=');
        add_encoded(&b, params[i].value, strlen(params[i].value));
    }
    qparams_free(params, n);
    return sms_buf_take(&b);
}

/* ---- canonical URI -------------------------------------------------------- */

/* Decode the path, re-encode each segment, and end it with '/'. */
static void add_canonical_uri(sms_buf *b, const char *path)
{
    if (!path || !*path)
        path = "/";
    char *decoded = sms_url_decode(path, strlen(path), false);
    if (!decoded) {
        b->oom = true;
        return;
    }
    const char *seg = decoded;
    for (;;) {
        size_t len = strcspn(seg, "/");
        add_encoded(b, seg, len);
        if (seg[len] != '/')
            break;
        sbuf_addc(b, '/');
        seg += len + 1;
    }
    if (b->len == 0 || b->s[b->len - 1] != '/')
        sbuf_addc(b, '/');
    free(decoded);
}

/* ---- canonical headers ---------------------------------------------------- */

typedef struct hdr { char *name; const char *value; size_t vlen; } hdr;

static int hdr_cmp(const void *a, const void *b)
{
    return strcmp(((const hdr *)a)->name, ((const hdr *)b)->name);
}

static void trim(const char *v, const char **start, size_t *len)
{
    if (!v)
        v = "";
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    *start = v;
    *len = n;
}

/* The signed headers: names without '_', lower-cased, sorted. */
static hdr *signed_headers(const sms_sign_header *h, size_t nh, size_t *n_out)
{
    hdr *out = calloc(nh ? nh : 1, sizeof *out);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < nh; i++) {
        if (!h[i].name || strchr(h[i].name, '_'))
            continue;
        char *name = strdup(h[i].name);
        if (!name) {
            for (size_t j = 0; j < n; j++)
                free(out[j].name);
            free(out);
            return NULL;
        }
        for (char *p = name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        out[n].name = name;
        trim(h[i].value, &out[n].value, &out[n].vlen);
        n++;
    }
    qsort(out, n, sizeof *out, hdr_cmp);
    *n_out = n;
    return out;
}

static void hex_encode(const unsigned char *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(data, len, md);
    hex_encode(md, sizeof md, out);
}

/* Value of X-Sdk-Content-Sha256 when the caller set it (it replaces the body hash). */
static const char *content_sha256_override(const sms_sign_header *h, size_t nh)
{
    for (size_t i = 0; i < nh; i++)
        if (h[i].name && strcasecmp(h[i].name, "X-Sdk-Content-Sha256") == 0)
            return h[i].value;
    return NULL;
}

/* "name:value\n" per signed header into req, "name;name" into names; frees hs. */
static void add_canonical_headers(sms_buf *req, sms_buf *names, hdr *hs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sms_buf_add(req, hs[i].name);
        sbuf_addc(req, ':');
        sms_buf_addn(req, hs[i].value, hs[i].vlen);
        sbuf_addc(req, '\n');
        if (i)
            sbuf_addc(names, ';');
        sms_buf_add(names, hs[i].name);
        free(hs[i].name);
    }
    free(hs);
}

static void add_body_hash(sms_buf *req, const sms_sign_header *h, size_t nh, const char *body,
                          size_t body_len)
{
    const char *override = content_sha256_override(h, nh);
    if (override) {
        sms_buf_add(req, override);
        return;
    }
    char digest[65];
    sha256_hex(body ? body : "", body ? body_len : 0, digest);
    sms_buf_add(req, digest);
}

char *sms_sign_canonical_request(const char *method, const char *path, const char *raw_query,
                                 const sms_sign_header *h, size_t nh,
                                 const char *body, size_t body_len, char **signed_out)
{
    if (signed_out)
        *signed_out = NULL;
    size_t n = 0;
    hdr *hs = signed_headers(h, nh, &n);
    char *query = sms_sign_canonical_query(raw_query);
    if (!hs || !query) {
        free(hs);
        free(query);
        return NULL;
    }
    sms_buf req = { 0 }, names = { 0 };
    sms_buf_add(&req, method ? method : "GET");
    sbuf_addc(&req, '\n');
    add_canonical_uri(&req, path);
    sbuf_addc(&req, '\n');
    sms_buf_add(&req, query);
    sbuf_addc(&req, '\n');
    free(query);
    add_canonical_headers(&req, &names, hs, n);
    sbuf_addc(&req, '\n');
    sms_buf_addn(&req, names.s ? names.s : "", names.len);
    sbuf_addc(&req, '\n');
    add_body_hash(&req, h, nh, body, body_len);
    char *names_s = sms_buf_take(&names);
    char *out = sms_buf_take(&req);
    if (!out || !names_s) {
        free(out);
        free(names_s);
        return NULL;
    }
    if (signed_out)
        *signed_out = names_s;
    else
        free(names_s);
    return out;
}

int sms_sign_signature(const char *sk, const char *sdk_date, const char *canonical_request,
                       char out[65])
{
    if (!sk || !sdk_date || !canonical_request || !out)
        return -1;
    char req_hash[65];
    sha256_hex(canonical_request, strlen(canonical_request), req_hash);
    sms_buf sts = { 0 };
    sms_buf_add(&sts, SIGN_ALGORITHM "\n");
    sms_buf_add(&sts, sdk_date);
    sbuf_addc(&sts, '\n');
    sms_buf_add(&sts, req_hash);
    char *string_to_sign = sms_buf_take(&sts);
    if (!string_to_sign)
        return -1;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    unsigned char *ok = HMAC(EVP_sha256(), sk, (int)strlen(sk),
                             (const unsigned char *)string_to_sign, strlen(string_to_sign),
                             mac, &mac_len);
    free(string_to_sign);
    if (!ok || mac_len != SHA256_DIGEST_LENGTH)
        return -1;
    hex_encode(mac, mac_len, out);
    return 0;
}

char *sms_sign_authorization(const char *ak, const char *sk, const char *sdk_date,
                             const char *method, const char *path, const char *raw_query,
                             const sms_sign_header *h, size_t nh, const char *body, size_t body_len)
{
    if (!ak || !sk || !sdk_date)
        return NULL;
    char *signed_names = NULL;
    char *creq = sms_sign_canonical_request(method, path, raw_query, h, nh, body, body_len,
                                            &signed_names);
    char signature[65];
    int rc = creq ? sms_sign_signature(sk, sdk_date, creq, signature) : -1;
    free(creq);
    char *out = NULL;
    if (rc == 0 && signed_names &&
        asprintf(&out, SIGN_ALGORITHM " Access=%s, SignedHeaders=%s, Signature=%s", ak,
                 signed_names, signature) < 0)
        out = NULL;
    free(signed_names);
    return out;
}

/* strbuf.c - the growable buffer, secret wiping and clocks used by the client's files. */
#include "api/client_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void sms_buf_addn(sms_buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = malloc(cap);
        if (!p) {
            b->oom = true;
            return;
        }
        /* copy instead of realloc so a secret never lingers in a freed block */
        if (b->s) {
            memcpy(p, b->s, b->len);
            explicit_bzero(b->s, b->cap);
            free(b->s);
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

char *sms_buf_take(sms_buf *b)
{
    if (b->oom) {
        free(b->s);
        *b = (sms_buf){ 0 };
        return NULL;
    }
    char *s = b->s ? b->s : strdup("");
    *b = (sms_buf){ 0 };
    return s;
}

void sms_buf_add(sms_buf *b, const char *s)
{
    if (s)
        sms_buf_addn(b, s, strlen(s));
}

void sms_buf_addf(sms_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        sms_buf_addn(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sms_buf_addn(b, big, (size_t)n);
    free(big);
}

void sms_buf_add_json_string(sms_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    sms_buf_addn(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\') {
            char esc[2] = { '\\', (char)*p };
            sms_buf_addn(b, esc, 2);
        } else if (*p < 0x20 || *p == 0x7f) {
            char esc[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };
            sms_buf_addn(b, esc, 6);
        } else {
            sms_buf_addn(b, (const char *)p, 1);
        }
    }
    sms_buf_addn(b, "\"", 1);
}

void sms_buf_add_query_value(sms_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned char c = *p;
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '~';
        if (keep) {
            sms_buf_addn(b, (const char *)p, 1);
        } else {
            char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
            sms_buf_addn(b, esc, 3);
        }
    }
}

void sms_buf_free(sms_buf *b)
{
    free(b->s);
    *b = (sms_buf){ 0 };
}

void sms_buf_wipe_free(sms_buf *b)
{
    if (b->s)
        explicit_bzero(b->s, b->cap);
    sms_buf_free(b);
}

void sms_secret_free(char *s)
{
    if (!s)
        return;
    explicit_bzero(s, strlen(s));
    free(s);
}

/* ---- percent decoding ------------------------------------------------------ */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* %XX-decodes s[0..n) into a new string; '+' becomes a space when plus_is_space
 * (query strings, as the Go SDK's url.ParseQuery reads them). */
char *sms_url_decode(const char *s, size_t n, bool plus_is_space)
{
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n &&
            (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0) {
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            out[o++] = ' ';
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

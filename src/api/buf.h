/* buf.h - a growable, NUL-terminated byte buffer shared by the client and the signer.
 * Allocation failure is sticky (oom): later appends are ignored and sms_buf_take says so. */
#ifndef SMS_API_BUF_H
#define SMS_API_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sms_buf { char *s; size_t len, cap; bool oom; } sms_buf;
void sms_buf_addn(sms_buf *b, const char *s, size_t n);
void sms_buf_add(sms_buf *b, const char *s);
void sms_buf_addf(sms_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal (quotes included). */
void sms_buf_add_json_string(sms_buf *b, const char *s);
/* Appends s percent-encoded for a query value (RFC 3986 unreserved kept). */
void sms_buf_add_query_value(sms_buf *b, const char *s);
void sms_buf_free(sms_buf *b);
/* Wipes the bytes (explicit_bzero) before freeing: for buffers that held a secret. */
void sms_buf_wipe_free(sms_buf *b);

/* The finished string (caller frees), "" when empty, or NULL (nothing leaked) after oom. */
char *sms_buf_take(sms_buf *b);

/* %XX-decodes s[0..n) into a new string (NULL when out of memory); '+' becomes a space
 * when plus_is_space (query strings). Malformed escapes are kept as they are. */
char *sms_url_decode(const char *s, size_t n, bool plus_is_space);

#endif

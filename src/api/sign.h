/* sign.h - SDK-HMAC-SHA256 request signing (docs/api-model.md §7), shared by the client and the
 * emulator's verifier. Pure functions over OpenSSL's libcrypto. */
#ifndef SMS_API_SIGN_H
#define SMS_API_SIGN_H

#include <stddef.h>

typedef struct sms_sign_header { const char *name, *value; } sms_sign_header;

/* Canonical query from a raw query string ("b=2&a=1"): decoded, sorted, re-encoded. */
char *sms_sign_canonical_query(const char *raw_query);
/* Canonical request for method, path (undecoded, without query), raw query, headers
 * (those whose name contains '_' are skipped) and body. signed_out receives the
 * "host;x-sdk-date" list (malloc'd). Returns malloc'd text. */
char *sms_sign_canonical_request(const char *method, const char *path, const char *raw_query,
                                 const sms_sign_header *h, size_t nh,
                                 const char *body, size_t body_len, char **signed_out);
/* Authorization header value: "SDK-HMAC-SHA256 Access=AK, SignedHeaders=..., Signature=...".
 * sdk_date is the X-Sdk-Date value that must also be among the headers. */
char *sms_sign_authorization(const char *ak, const char *sk, const char *sdk_date,
                             const char *method, const char *path, const char *raw_query,
                             const sms_sign_header *h, size_t nh, const char *body, size_t body_len);
/* Lowercase hex signature only (for verification). out >= 65 bytes. */
int sms_sign_signature(const char *sk, const char *sdk_date, const char *canonical_request,
                       char out[65]);

#endif

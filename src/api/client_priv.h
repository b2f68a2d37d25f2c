/* client_priv.h - internals shared by the client's files (client.c, transport.c, auth.c,
 * errors.c, audit.c, calls.c, agent.c). Not for the UI or the poller: use client.h. The
 * pure helpers declared here are unit-tested in tests/unit/test_api_*.c. */
#ifndef SMS_API_CLIENT_PRIV_H
#define SMS_API_CLIENT_PRIV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <curl/curl.h>
#include "api/client.h"
#include "model/codec.h"

#include "api/buf.h"
#include "api/clock.h"

/* Frees a secret string after wiping it. NULL-safe. */
void sms_secret_free(char *s);
/* Sleeps ms, waking early on cancel. false when cancelled. (client.c) */
bool sms_client_pause(sms_client *c, long ms);

/* ---- the client ----------------------------------------------------------- */

#define SMS_THROTTLE_SENDS 256      /* send times remembered to estimate the rate allowed */

typedef struct sms_throttle {
    int64_t sent[SMS_THROTTLE_SENDS];   /* monotonic ms of the last sends, a ring */
    unsigned n_sent;
    int64_t not_before, pace_until, pace_ms;      /* monotonic ms */
    _Atomic int64_t until_wall_ms;      /* for the status line: pacing ends then */
} sms_throttle;

/* Monotonic ms to wait before the next send (0: go). */
int64_t sms_throttle_wait_ms(const sms_throttle *t, int64_t now);
void sms_throttle_sent(sms_throttle *t, int64_t now);
/* A 429 at now with Retry-After retry_after_s (-1 when absent). */
void sms_throttle_hit(sms_throttle *t, int64_t now, int64_t now_wall, long retry_after_s);

struct sms_client {
    char *endpoint_base;        /* "https://host[:port]" (no trailing slash) */
    char *endpoint_prefix;      /* path part of the endpoint, "" or "/prefix" */
    char *host;                 /* "host[:port]" as written: the Host header for AK/SK */
    char *iam_endpoint;         /* base URL of IAM, no trailing slash */
    char *user, *domain, *project, *project_id, *region, *ak, *context, *user_agent, *cacert;
    char *audit_path;           /* NULL = audit off */
    char *password, *sk, *given_token;      /* secrets: wiped on free */
    sms_auth_method auth;       /* resolved: never AUTO */
    long connect_timeout_ms, timeout_ms;
    size_t max_response_bytes;
    int max_read_retries;
    bool insecure, readonly, fail_on_429;

    CURL *curl;                 /* one easy handle... */
    CURLM *multi;               /* ...driven by a multi handle: its connection cache keeps
                                   the connection alive, and curl_multi_wakeup() lets
                                   sms_client_cancel() interrupt a wait at once */
    atomic_bool cancelled;

    char *token;                /* cached IAM token (secret) */
    int64_t token_refresh_mono_ms;  /* refresh the token at/after this monotonic time */

    _Atomic uint64_t n_requests, n_retries, n_logins, n_bytes_in;
    uint64_t rng;               /* jitter */

    /* throttling (a 429): no request before not_before; then, until pace_until, at most
     * one request every pace_ms, the rate the API accepted in the minute before */
    sms_throttle throttle;
};

/* ---- transport (transport.c) --------------------------------------------- */

typedef struct sms_http_req {
    const char *method;          /* GET POST PUT DELETE */
    const char *url;
    const struct curl_slist *headers;
    const char *body; size_t body_len;   /* body may be NULL */
} sms_http_req;

typedef struct sms_http_resp {
    CURLcode code;
    int status;                 /* 0 when no response */
    sms_buf body;
    char *request_id;
    char *subject_token;        /* X-Subject-Token (secret; wiped on free) */
    long retry_after_s;         /* -1 when absent */
    bool too_large;             /* body exceeded max_response_bytes */
    bool request_sent;          /* some request bytes left this host */
    char errbuf[CURL_ERROR_SIZE];
} sms_http_resp;

/* Performs one request on the client's handle. Returns 0 when an HTTP response arrived
 * (any status), -1 on a transport failure (rs->code, rs->errbuf). */
int sms_transport_perform(sms_client *c, const sms_http_req *rq, sms_http_resp *rs);
void sms_http_resp_free(sms_http_resp *rs);
/* Appends a header line; on OOM the list is freed and NULL returned. */
struct curl_slist *sms_headers_add(struct curl_slist *h, const char *line);
/* Wipes every header line (they may hold a token or signature) and frees the list. */
void sms_headers_wipe_free(struct curl_slist *h);

/* ---- auth (auth.c) ---------------------------------------------------------- */

/* Makes sure a usable credential exists (password: logs in when no token, when the token
 * is due for refresh, or when force). 0 ok, -1 with SMS_E_AUTH / SMS_E_TRANSPORT. */
int sms_auth_ensure(sms_client *c, bool force, sms_call_error *e);
/* Adds the auth headers for one request (X-Auth-Token, or AK/SK signature + X-Sdk-Date +
 * X-Project-Id + Host). path excludes the query. */
struct curl_slist *sms_auth_add_headers(sms_client *c, struct curl_slist *h, const char *method,
                                        const char *path, const char *query,
                                        const char *body, size_t body_len);
bool sms_auth_can_refresh(const sms_client *c);
/* Parses an ISO-8601 UTC time ("2019-02-13T06:52:13.855000Z") to epoch ms; -1 on error. */
int64_t sms_parse_iso8601_ms(const char *s);
/* The IAM password-login body (§6). Holds the password: free with sms_secret_free. */
char *sms_auth_login_body(const char *user, const char *password, const char *domain,
                          const char *project);
/* When to refresh a token received at now_mono_ms: ahead of expiry by a tenth of its
 * lifetime, at most an hour (the lifetime comes from the server's own issued/expires
 * pair, so clock skew does not matter). */
/* expires_at / issued_at (ms since the epoch) of an IAM login answer {"token": {...}};
 * -1 each when absent or unreadable. */
void sms_token_times(const char *body, size_t len, int64_t *issued, int64_t *expires);
int64_t sms_token_refresh_at(int64_t now_mono_ms, int64_t issued_ms, int64_t expires_ms,
                             int64_t now_wall_ms);

/* ---- errors (errors.c) ------------------------------------------------------ */

/* Decodes an error body in the official SDK's order (docs/api-model.md §5.1): error_code +
 * error_msg, else errorCode + errorMsg, else code + message, else nested objects; plus
 * encoded_authorization_message, error_param[], details[], request_id. Returns 0 when a
 * code or a message was found, -1 otherwise (out left zeroed). */
int sms_api_error_decode(const char *body, size_t len, sms_api_error *out);
void sms_api_error_clear(sms_api_error *a);
int sms_api_error_dup(sms_api_error *dst, const sms_api_error *src);

/* Copy of body (len bytes) with secret, raw or JSON-escaped, replaced by "***"; NULL on
 * OOM. Free with sms_secret_free. */
char *sms_redact_secret(const char *body, size_t len, const char *secret, size_t *out_len);
/* A token fit for a header line: no control character, no space. */
bool sms_token_is_header_safe(const char *token);

/* Fills e for an HTTP status >= 400 with its body: the decoded API error, or the status
 * and the sanitised raw text. */
void sms_error_from_http(sms_call_error *e, sms_error_kind kind, int status, const char *body,
                         size_t len, const char *request_id);
void sms_error_from_transport(sms_call_error *e, long curl_code, const char *detail);
/* Calls take an optional error: sms_error_begin returns e (cleared) or local, and
 * sms_error_end frees local when the caller passed no e. */
sms_call_error *sms_error_begin(sms_call_error *e, sms_call_error *local);
int sms_error_end(int rc, sms_call_error *e, sms_call_error *local);
/* IDs go into paths: only the characters real IDs use, so nothing can change the path. */
#define SMS_MAX_ID_LEN 255
bool sms_id_valid(const char *id);
/* Decode a 2xx body as t (response mode); on failure e names the JSON path. The _or_empty
 * variant reads an empty body as {} (the agent's calls may answer with nothing). */
void sms_decode_failed(sms_call_error *e, const sms_response *r, const sms_jerr *jerr);
int sms_decode_body(const sms_type *t, const sms_response *r, void *out, sms_call_error *e);
int sms_decode_body_or_empty(const sms_type *t, const sms_response *r, void *out, sms_call_error *e);
void sms_error_set(sms_call_error *e, sms_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Retry classification for reads: 5xx, 429 and transient transport failures. */
bool sms_status_is_retryable(int status);
bool sms_curl_code_is_retryable(long curl_code);
/* Whether a mutating request that failed this way may still have been applied. */
bool sms_outcome_unknown(int status, long curl_code, bool request_sent);
/* Backoff before retry number `retry` (1-based): exponential from base_ms, capped,
 * with equal jitter from *rng. Honors retry_after_s (>= 0) up to the cap. */
long sms_backoff_ms(int retry, long base_ms, long cap_ms, long retry_after_s, uint64_t *rng);

/* ---- audit (audit.c) -------------------------------------------------------- */

typedef struct sms_audit_entry {
    const char *context, *user, *action, *target, *method, *path;
    const char *outcome;            /* "ok", "error", "refused", "unknown" */
    int http_status;
    const char *error_code, *request_id;
    int attempts;
    const char *body;               /* the request body: only its argument keys are kept */
} sms_audit_entry;

/* One JSON line (with '\n') for the entry at time now_ms; malloc'd. */
char *sms_audit_line(const sms_audit_entry *a, int64_t now_ms);
/* Appends a line (mkdir -p the folder 0700, O_APPEND, file 0600). 0 ok, -1 errno. */
int sms_audit_append(const char *path, const char *line);
/* $XDG_STATE_HOME/smsconsole/audit.jsonl, or ~/.local/state/...; malloc'd, NULL if no home. */
char *sms_audit_default_path(void);

/* ---- requests with extra options (client.c) ----------------------------------- */

enum {
    SMS_REQ_MUTATING = 1 << 0,      /* read-only gate, audit, sent once */
    SMS_REQ_ONCE = 1 << 1,          /* never retried (e.g. GET .../command takes a command) */
};
int sms_request_ex(sms_client *c, const char *method, const char *path_and_query,
                   const char *body, unsigned flags, const char *const *extra_headers,
                   const char *action, const char *target, sms_response *out, sms_call_error *e);

#endif

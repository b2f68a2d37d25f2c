/* client.h - the SMS v3 client: libcurl transport, IAM/AK-SK/token auth, every call the
 * console makes, and the error value they return. Knows no curses.
 *
 * Thread model: one sms_client per thread (it owns one curl handle and its keep-alive
 * connection). The token cache is per client. sms_client_cancel() may be called from any
 * thread and makes an in-flight request fail with SMS_E_CANCELLED within ~100 ms.
 *
 * Safety: reads (GET) are retried on 5xx, 429, timeouts and resets with exponential
 * backoff and jitter; after a 429 no request leaves before its Retry-After, and for a
 * minute requests are spaced at the rate the API accepted; a mutating call is sent at most
 * once (never again because of a 429), and if it may have reached
 * the server without an answer the error says so (outcome_unknown). With readonly set, a
 * mutating call fails with SMS_E_READONLY before any byte is sent. Every mutating call
 * (attempted or refused) is appended to the audit log. */
#ifndef SMS_API_CLIENT_H
#define SMS_API_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/model.h"

typedef enum sms_auth_method {
    SMS_AUTH_AUTO = 0,      /* token if given, else AK/SK if given, else password */
    SMS_AUTH_PASSWORD,      /* IAM password login (§6) */
    SMS_AUTH_AKSK,          /* SDK-HMAC-SHA256 signing (§7) */
    SMS_AUTH_TOKEN,         /* ready X-Auth-Token */
} sms_auth_method;

typedef struct sms_client_opts {
    const char *endpoint;           /* SMS base URL, e.g. https://sms.ap-southeast-3.myhuaweicloud.com */
    const char *iam_endpoint;       /* IAM base URL (login, project lookup); NULL: the global
                                       https://iam.myhuaweicloud.com, never the SMS host */
    const char *region;             /* region name: AK/SK without project_id looks the id up */
    sms_auth_method auth;
    const char *user, *domain;      /* IAM user and account (domain) name */
    const char *project;            /* project name or id (scope) */
    const char *project_id;         /* sent as X-Project-Id (AK/SK: always; looked up from
                                       region through IAM once when not given) */
    const char *password;           /* copied; wiped and freed with the client */
    const char *ak, *sk;            /* copied; sk wiped with the client */
    const char *token;              /* ready token (SMS_AUTH_TOKEN) */
    long connect_timeout_ms;        /* default 5000 */
    long timeout_ms;                /* whole request, default 30000 */
    size_t max_response_bytes;      /* default 32 MiB */
    int max_read_retries;           /* default 3 */
    const char *cacert;             /* CA bundle file, NULL = system */
    bool insecure;                  /* skip TLS verification (operator's explicit choice) */
    bool readonly;                  /* refuse every mutating call below the UI */
    bool fail_on_429;               /* a read answered 429 fails at once instead of waiting to
                                       retry (the poller tries again at its next refresh);
                                       Retry-After still holds back the next request */
    const char *audit_path;         /* NULL = $XDG_STATE_HOME/smsconsole/audit.jsonl, "" = off */
    const char *context;            /* name of the config context, for the audit log */
    const char *user_agent;         /* default "smsconsole/VERSION" */
} sms_client_opts;

typedef enum sms_error_kind {
    SMS_E_NONE = 0,
    SMS_E_HTTP,             /* the server answered with status >= 400 (api holds its body) */
    SMS_E_TRANSPORT,        /* connect/timeout/reset/TLS... (curl_code, message) */
    SMS_E_DECODE,           /* 2xx with a body we could not use (message names the JSON path) */
    SMS_E_AUTH,             /* could not obtain a token (login failed) */
    SMS_E_READONLY,         /* refused locally: read-only mode; nothing was sent */
    SMS_E_CANCELLED,        /* sms_client_cancel() */
    SMS_E_INVALID,          /* bad arguments; nothing was sent */
} sms_error_kind;

typedef struct sms_call_error {
    sms_error_kind kind;
    int http_status;                /* 0 when no response */
    long curl_code;                 /* CURLcode for SMS_E_TRANSPORT */
    char *request_id;               /* X-Request-Id (or the body's request_id) */
    sms_api_error api;              /* error_code, error_msg, 403 extras */
    char *message;                  /* one-line human summary; raw text when undecodable */
    bool outcome_unknown;           /* a mutating request may have been applied */
    int attempts;                   /* how many times it was sent */
} sms_call_error;

void sms_call_error_free(sms_call_error *e);
int sms_call_error_copy(sms_call_error *dst, const sms_call_error *src);
/* "HTTP 403 SMS.9004: No permission ... (request 5f1c...)" */
void sms_call_error_summary(const sms_call_error *e, char *buf, size_t len);

/* What a mutating call that did not succeed means for the operator, one rule for every
 * count the console shows (bulk outcome, export entry): refused when the API or the
 * console said no (4xx, read-only, bad arguments: nothing changed), unknown when it may
 * have been applied, else failed (no answer that means anything: 5xx, transport,
 * cancelled). */
typedef enum sms_verdict { SMS_V_ACCEPTED, SMS_V_REFUSED, SMS_V_FAILED, SMS_V_UNKNOWN } sms_verdict;
sms_verdict sms_call_verdict(const sms_call_error *e);
/* "accepted", "REFUSED", "FAILED", "UNKNOWN": how a server's line names its verdict. */
const char *sms_verdict_label(sms_verdict v);

typedef struct sms_client sms_client;

/* Validates options (no I/O). NULL with *err filled on bad options. */
sms_client *sms_client_new(const sms_client_opts *opts, sms_call_error *err);
void sms_client_free(sms_client *c);
void sms_client_cancel(sms_client *c);          /* any thread; sticky until reset */
void sms_client_reset_cancel(sms_client *c);
bool sms_client_readonly(const sms_client *c);
/* Log in (or check the token) now; optional, calls do it on demand. */
int sms_client_login(sms_client *c, sms_call_error *e);
/* Counters for tests and benchmarks. */
typedef struct sms_client_stats { uint64_t requests, retries, logins, bytes_in; } sms_client_stats;
sms_client_stats sms_client_get_stats(const sms_client *c);

/* ---- calls: 0 on success, -1 with *e filled (e may be NULL) ---------------- */

typedef struct sms_server_query {   /* filters for GET /v3/sources; NULL = unset */
    const char *state, *name, *id, *ip, *migration_cycle, *enterprise_project_id;
    int connected;                  /* -1 unset, 0/1 */
} sms_server_query;

/* All pages (limit 200, until offset+page >= count); q may be NULL. */
int sms_list_servers(sms_client *c, const sms_server_query *q, sms_server_list *out, sms_call_error *e);
int sms_show_server(sms_client *c, const char *id, sms_server *out, sms_call_error *e);
int sms_show_overview(sms_client *c, sms_overview *out, sms_call_error *e);
int sms_list_errors(sms_client *c, sms_mig_error_list *out, sms_call_error *e);   /* all pages */
int sms_list_tasks(sms_client *c, const char *source_server_id, sms_task_list *out, sms_call_error *e);
int sms_show_task(sms_client *c, const char *id, sms_task *out, sms_call_error *e);
int sms_get_speed_limits(sms_client *c, const char *task_id, sms_speed_limits *out, sms_call_error *e);
int sms_get_consistency(sms_client *c, const char *task_id, sms_consistency_results *out, sms_call_error *e);

/* mutating */
int sms_task_do_action(sms_client *c, const char *task_id, const char *operation, sms_call_error *e);
int sms_delete_server(sms_client *c, const char *id, sms_call_error *e);
int sms_delete_task(sms_client *c, const char *id, sms_call_error *e);
int sms_set_speed_limits(sms_client *c, const char *task_id, const sms_speed_limits *l, sms_call_error *e);
int sms_task_upload_log(sms_client *c, const char *task_id, const char *bucket, sms_call_error *e);
/* Split into batches of at most 200; stops at the first failing batch. */
int sms_export_consistency(sms_client *c, const sms_consistency_task *items, size_t n, sms_call_error *e);
int sms_task_create(sms_client *c, const sms_create_task *t, char **id_out, sms_call_error *e);

/* Wall-clock ms until which the client spaces its requests out because the API answered
 * 429 (Retry-After honoured, then the rate it accepted); 0 when it never did. Any thread. */
int64_t sms_client_throttled_until_ms(const sms_client *c);

/* ---- low level, for the agent calls and tests ---------------------------- */

typedef struct sms_response {
    int status;
    char *body; size_t body_len;     /* NUL-terminated copy */
    char *request_id;
} sms_response;
void sms_response_free(sms_response *r);

#define SMS_EXPORT_BATCH 200        /* ExportConsistencyResults: 1-200 items per request */
/* One request of 1-SMS_EXPORT_BATCH tasks. On success *out (when given) holds what the
 * API answered: documented as the string "OK", possibly a file (sms_response_free). */
int sms_export_consistency_batch(sms_client *c, const sms_consistency_task *items, size_t n,
                                 sms_response *out, sms_call_error *e);

/* Audit an action refused before any request was built (read-only mode in the console):
 * outcome "refused"; body: what it would have sent, of which only the arguments are kept. */
void sms_client_audit_refused(sms_client *c, const char *action, const char *target, const char *body);

/* One request through auth, audit, read-only gate and retry policy. body may be NULL.
 * mutating selects the policy. action/target name the audit line (NULL = derive). */
int sms_request(sms_client *c, const char *method, const char *path_and_query,
                const char *body, bool mutating, const char *action, const char *target,
                sms_response *out, sms_call_error *e);

#endif

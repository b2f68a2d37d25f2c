/* client.c - the client object and sms_request(): read-only gate, auth, retry policy,
 * error decoding and the audit line of every mutating call. */
#include "api/client_priv.h"
#include "api/regions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_CONNECT_TIMEOUT_MS 5000L
#define DEFAULT_TIMEOUT_MS 30000L
#define DEFAULT_MAX_RESPONSE (32u * 1024 * 1024)
#define DEFAULT_READ_RETRIES 3
#define BACKOFF_BASE_MS 250L
#define BACKOFF_CAP_MS 4000L
#define PAUSE_SLICE_MS 20L
#define MAX_PATH_LEN 8192
#define MAX_TOKEN_LEN 16384

/* ---- options ---------------------------------------------------------------- */

static bool dup_opt(char **dst, const char *src)
{
    *dst = src ? strdup(src) : NULL;
    return !src || *dst;
}

static bool blank(const char *s) { return !s || !*s; }

/* Splits "https://host:port/prefix/" into base "https://host:port", prefix "/prefix" and
 * host "host:port". */
static int parse_endpoint(sms_client *c, const char *url, sms_call_error *e)
{
    const char *rest;
    if (strncmp(url, "https://", 8) == 0)
        rest = url + 8;
    else if (strncmp(url, "http://", 7) == 0)
        rest = url + 7;
    else {
        sms_error_set(e, SMS_E_INVALID, "endpoint must start with https:// or http://");
        return -1;
    }
    size_t host_len = strcspn(rest, "/?#");
    if (host_len == 0 || memchr(rest, '@', host_len) || rest[host_len] == '?' || rest[host_len] == '#') {
        sms_error_set(e, SMS_E_INVALID, "endpoint: expected scheme://host[:port][/path]");
        return -1;
    }
    size_t prefix_len = strlen(rest + host_len);
    while (prefix_len > 0 && rest[host_len + prefix_len - 1] == '/')
        prefix_len--;
    c->endpoint_base = strndup(url, (size_t)(rest - url) + host_len);
    c->host = strndup(rest, host_len);
    c->endpoint_prefix = strndup(rest + host_len, prefix_len);
    if (!c->endpoint_base || !c->host || !c->endpoint_prefix) {
        sms_error_set(e, SMS_E_INVALID, "out of memory");
        return -1;
    }
    return 0;
}

static bool has_control_chars(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; s && *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return true;
    return false;
}

/* Values that end up in URLs or header lines must not be able to split them. */
static int check_header_safe(const sms_client_opts *o, sms_call_error *e)
{
    const char *values[] = { o->endpoint, o->iam_endpoint, o->project_id, o->ak, o->token,
                             o->user_agent, o->cacert, o->region };
    const char *names[] = { "endpoint", "iam_endpoint", "project_id", "ak", "token", "user_agent",
                            "cacert", "region" };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        if (has_control_chars(values[i])) {
            sms_error_set(e, SMS_E_INVALID, "%s contains a control character", names[i]);
            return -1;
        }
    return 0;
}

static sms_auth_method resolve_auth(const sms_client_opts *o)
{
    if (o->auth != SMS_AUTH_AUTO)
        return o->auth;
    if (!blank(o->token))
        return SMS_AUTH_TOKEN;
    if (!blank(o->ak))            /* an SK alone is a stale leftover, not a choice */
        return SMS_AUTH_AKSK;
    return SMS_AUTH_PASSWORD;
}

static int check_credentials(const sms_client_opts *o, sms_auth_method m, sms_call_error *e)
{
    switch (m) {
    case SMS_AUTH_TOKEN:
        if (blank(o->token) || strlen(o->token) > MAX_TOKEN_LEN || strpbrk(o->token, "\r\n")) {
            sms_error_set(e, SMS_E_INVALID, "token auth: a token of 1-%d characters is required", MAX_TOKEN_LEN);
            return -1;
        }
        return 0;
    case SMS_AUTH_AKSK:
        if (blank(o->ak) || blank(o->sk) || strpbrk(o->ak, "\r\n,")) {
            sms_error_set(e, SMS_E_INVALID, "AK/SK auth: both the access key and the secret key are required");
            return -1;
        }
        return 0;
    case SMS_AUTH_PASSWORD:
        if (blank(o->user) || blank(o->domain) || blank(o->password)) {
            sms_error_set(e, SMS_E_INVALID, "password auth: user, domain and password are required");
            return -1;
        }
        return 0;
    case SMS_AUTH_AUTO:
        break;
    }
    sms_error_set(e, SMS_E_INVALID, "unknown auth method");
    return -1;
}

static int copy_options(sms_client *c, const sms_client_opts *o, sms_call_error *e)
{
    /* the SDK's default; an IAM endpoint is never derived from the SMS one */
    const char *iam = blank(o->iam_endpoint) ? SMS_IAM_GLOBAL_ENDPOINT : o->iam_endpoint;
    bool ok = dup_opt(&c->iam_endpoint, iam) && dup_opt(&c->user, o->user) &&
              dup_opt(&c->domain, o->domain) && dup_opt(&c->project, o->project) &&
              dup_opt(&c->project_id, blank(o->project_id) ? NULL : o->project_id) &&
              dup_opt(&c->region, blank(o->region) ? NULL : o->region) &&
              dup_opt(&c->ak, o->ak) && dup_opt(&c->context, o->context) &&
              dup_opt(&c->cacert, blank(o->cacert) ? NULL : o->cacert) &&
              dup_opt(&c->user_agent, blank(o->user_agent) ? "smsconsole/" SMS_VERSION : o->user_agent) &&
              dup_opt(&c->password, o->password) && dup_opt(&c->sk, o->sk) &&
              dup_opt(&c->given_token, o->token);
    if (ok && c->iam_endpoint) {
        size_t n = strlen(c->iam_endpoint);
        while (n > 0 && c->iam_endpoint[n - 1] == '/')
            c->iam_endpoint[--n] = '\0';
    }
    if (ok && o->audit_path == NULL)
        c->audit_path = sms_audit_default_path();  /* NULL (no home): audit off */
    else if (ok && *o->audit_path)
        ok = dup_opt(&c->audit_path, o->audit_path);
    if (!ok)
        sms_error_set(e, SMS_E_INVALID, "out of memory");
    return ok ? 0 : -1;
}

static void apply_limits(sms_client *c, const sms_client_opts *o)
{
    c->connect_timeout_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS;
    c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
    c->max_response_bytes = o->max_response_bytes > 0 ? o->max_response_bytes : DEFAULT_MAX_RESPONSE;
    /* 0 = default; negative = never retry */
    c->max_read_retries = o->max_read_retries == 0 ? DEFAULT_READ_RETRIES
                          : o->max_read_retries < 0 ? 0 : o->max_read_retries;
    c->insecure = o->insecure;
    c->readonly = o->readonly;
    c->fail_on_429 = o->fail_on_429;
    c->rng = (uint64_t)sms_clock_wall_ms() ^ ((uint64_t)(uintptr_t)c << 17);
}

sms_client *sms_client_new(const sms_client_opts *o, sms_call_error *e)
{
    if (e)
        memset(e, 0, sizeof *e);
    if (!o || blank(o->endpoint)) {
        sms_error_set(e, SMS_E_INVALID, "no endpoint");
        return NULL;
    }
    sms_client *c = calloc(1, sizeof *c);
    if (!c) {
        sms_error_set(e, SMS_E_INVALID, "out of memory");
        return NULL;
    }
    atomic_init(&c->cancelled, false);
    c->auth = resolve_auth(o);
    if (check_header_safe(o, e) != 0 || check_credentials(o, c->auth, e) != 0 ||
        parse_endpoint(c, o->endpoint, e) != 0 ||
        copy_options(c, o, e) != 0) {
        sms_client_free(c);
        return NULL;
    }
    apply_limits(c, o);
    c->curl = curl_easy_init();
    c->multi = curl_multi_init();
    if (!c->curl || !c->multi) {
        sms_error_set(e, SMS_E_INVALID, "curl_easy_init failed");
        sms_client_free(c);
        return NULL;
    }
    return c;
}

void sms_client_free(sms_client *c)
{
    if (!c)
        return;
    if (c->curl)
        curl_easy_cleanup(c->curl);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    sms_secret_free(c->password);
    sms_secret_free(c->sk);
    sms_secret_free(c->given_token);
    sms_secret_free(c->token);
    free(c->endpoint_base);
    free(c->endpoint_prefix);
    free(c->host);
    free(c->iam_endpoint);
    free(c->user);
    free(c->domain);
    free(c->project);
    free(c->project_id);
    free(c->region);
    free(c->ak);
    free(c->context);
    free(c->user_agent);
    free(c->cacert);
    free(c->audit_path);
    free(c);
}

void sms_client_cancel(sms_client *c)
{
    if (!c)
        return;
    atomic_store(&c->cancelled, true);
    curl_multi_wakeup(c->multi);       /* ends a curl_multi_poll() wait in the other thread */
}

void sms_client_reset_cancel(sms_client *c)
{
    if (c)
        atomic_store(&c->cancelled, false);
}

bool sms_client_readonly(const sms_client *c)
{
    return c && c->readonly;
}

sms_client_stats sms_client_get_stats(const sms_client *c)
{
    sms_client_stats s = { 0 };
    if (!c)
        return s;
    s.requests = atomic_load(&c->n_requests);
    s.retries = atomic_load(&c->n_retries);
    s.logins = atomic_load(&c->n_logins);
    s.bytes_in = atomic_load(&c->n_bytes_in);
    return s;
}

bool sms_client_pause(sms_client *c, long ms)
{
    while (ms > 0) {
        if (atomic_load(&c->cancelled))
            return false;
        long step = ms < PAUSE_SLICE_MS ? ms : PAUSE_SLICE_MS;
        struct timespec ts = { 0, step * 1000000L };
        nanosleep(&ts, NULL);
        ms -= step;
    }
    return !atomic_load(&c->cancelled);
}

/* A token or a key pair cannot be checked without a call: ask for the overview, the
 * cheapest read, and report a rejection as a login failure. */
static int check_credentials_now(sms_client *c, sms_call_error *e)
{
    sms_response r;
    if (sms_request(c, "GET", "/v3/sources/overview", NULL, false, NULL, NULL, &r, e) == 0) {
        sms_response_free(&r);
        return 0;
    }
    if (e && e->kind == SMS_E_HTTP && (e->http_status == 401 || e->http_status == 403))
        e->kind = SMS_E_AUTH;
    return -1;
}

int sms_client_login(sms_client *c, sms_call_error *e)
{
    if (e)
        memset(e, 0, sizeof *e);
    if (!c) {
        sms_error_set(e, SMS_E_INVALID, "no client");
        return -1;
    }
    if (atomic_load(&c->cancelled)) {
        sms_error_set(e, SMS_E_CANCELLED, "cancelled");
        return -1;
    }
    if (c->auth != SMS_AUTH_PASSWORD) {
        sms_call_error local;
        int rc = check_credentials_now(c, e ? e : &local);
        if (!e)
            sms_call_error_free(&local);
        return rc;
    }
    return sms_auth_ensure(c, false, e);
}

void sms_response_free(sms_response *r)
{
    if (!r)
        return;
    free(r->body);
    free(r->request_id);
    memset(r, 0, sizeof *r);
}

/* ---- one request ---------------------------------------------------------- */

typedef struct request {
    const char *method, *path_and_query, *body;
    size_t body_len;
    unsigned flags;
    const char *const *extra_headers;
    char *url, *path, *query;       /* path excludes the query; both with the endpoint prefix */
} request;

static bool is_mutating(const request *r) { return r->flags & SMS_REQ_MUTATING; }

static int check_request(const char *method, const char *pq, sms_call_error *e)
{
    static const char *const methods[] = { "GET", "POST", "PUT", "DELETE" };
    bool known = false;
    for (size_t i = 0; method && i < sizeof methods / sizeof methods[0]; i++)
        known |= strcmp(method, methods[i]) == 0;
    if (!known) {
        sms_error_set(e, SMS_E_INVALID, "unsupported HTTP method");
        return -1;
    }
    if (!pq || pq[0] != '/' || strlen(pq) > MAX_PATH_LEN) {
        sms_error_set(e, SMS_E_INVALID, "path must start with '/'");
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *)pq; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '#') {
            sms_error_set(e, SMS_E_INVALID, "path contains a character that must be encoded");
            return -1;
        }
    return 0;
}

static int build_urls(const sms_client *c, request *r)
{
    const char *q = strchr(r->path_and_query, '?');
    size_t plen = q ? (size_t)(q - r->path_and_query) : strlen(r->path_and_query);
    r->query = strdup(q ? q + 1 : "");
    if (asprintf(&r->path, "%s%.*s", c->endpoint_prefix, (int)plen, r->path_and_query) < 0)
        r->path = NULL;
    if (asprintf(&r->url, "%s%s%s", c->endpoint_base, c->endpoint_prefix, r->path_and_query) < 0)
        r->url = NULL;
    return r->query && r->path && r->url ? 0 : -1;
}

static void request_free(request *r)
{
    free(r->url);
    free(r->path);
    free(r->query);
}

static struct curl_slist *build_headers(sms_client *c, const request *r)
{
    struct curl_slist *h = sms_headers_add(NULL, "Content-Type: application/json");
    if (h)
        h = sms_headers_add(h, "Accept: application/json");
    if (h)
        h = sms_headers_add(h, "Expect:");      /* no 100-continue round trip */
    for (const char *const *x = r->extra_headers; h && x && *x; x++)
        h = sms_headers_add(h, *x);
    if (h)
        h = sms_auth_add_headers(c, h, r->method, r->path, r->query, r->body, r->body_len);
    return h;
}

static int send_once(sms_client *c, const request *r, sms_http_resp *rs)
{
    struct curl_slist *h = build_headers(c, r);
    if (!h) {
        memset(rs, 0, sizeof *rs);
        rs->code = CURLE_OUT_OF_MEMORY;
        snprintf(rs->errbuf, sizeof rs->errbuf, "out of memory building the request");
        return -1;
    }
    sms_http_req rq = { r->method, r->url, h, r->body, r->body_len };
    int rc = sms_transport_perform(c, &rq, rs);
    sms_headers_wipe_free(h);
    return rc;
}

static void take_response(sms_http_resp *rs, sms_response *out)
{
    if (!out)
        return;
    out->status = rs->status;
    out->body = rs->body.s;
    out->body_len = rs->body.len;
    out->request_id = rs->request_id;
    rs->body = (sms_buf){ 0 };
    rs->request_id = NULL;
}

/* Fills e for a transport failure (or a cancel) of the last attempt. */
static void transport_failed(sms_client *c, const request *r, const sms_http_resp *rs, sms_call_error *e)
{
    if (rs->code == CURLE_ABORTED_BY_CALLBACK && atomic_load(&c->cancelled))
        sms_error_set(e, SMS_E_CANCELLED, "cancelled");
    else if (rs->too_large)
        sms_error_set(e, SMS_E_TRANSPORT, "response larger than %zu bytes", c->max_response_bytes);
    else
        sms_error_from_transport(e, rs->code, rs->errbuf);
    e->curl_code = rs->code;
    if (is_mutating(r))
        e->outcome_unknown = sms_outcome_unknown(0, rs->code, rs->request_sent);
}

/* ---- throttling ------------------------------------------------------------- */

#define PACE_WINDOW_MS 60000L       /* rates are per minute at API gateways */
#define PACE_MIN_MS 50L
#define PACE_MAX_MS 10000L
#define RETRY_AFTER_MAX_S 600L      /* a longer Retry-After is taken as 10 minutes */

int64_t sms_throttle_wait_ms(const sms_throttle *t, int64_t now)
{
    int64_t due = t->not_before;
    if (now < t->pace_until && t->n_sent) {
        int64_t last = t->sent[(t->n_sent - 1) % SMS_THROTTLE_SENDS];
        if (last + t->pace_ms > due)
            due = last + t->pace_ms;
    }
    return due > now ? due - now : 0;
}

void sms_throttle_sent(sms_throttle *t, int64_t now)
{
    t->sent[t->n_sent++ % SMS_THROTTLE_SENDS] = now;
}

void sms_throttle_hit(sms_throttle *t, int64_t now, int64_t now_wall, long retry_after_s)
{
    long ra = retry_after_s < 0 ? 1 : retry_after_s > RETRY_AFTER_MAX_S ? RETRY_AFTER_MAX_S : retry_after_s;
    t->not_before = now + ra * 1000;
    unsigned recent = 0;             /* sends in the last minute... */
    unsigned known = t->n_sent < SMS_THROTTLE_SENDS ? t->n_sent : SMS_THROTTLE_SENDS;
    for (unsigned i = 0; i < known; i++)
        recent += t->sent[i] > now - PACE_WINDOW_MS;
    if (recent > 0)
        recent--;                    /* ...but the one refused: the rate the API accepted */
    /* a tenth slower than that rate, so that timing jitter does not meet the limit again */
    int64_t pace = PACE_WINDOW_MS * 11 / 10 / (recent ? recent : 1);
    t->pace_ms = pace < PACE_MIN_MS ? PACE_MIN_MS : pace > PACE_MAX_MS ? PACE_MAX_MS : pace;
    t->pace_until = t->not_before + PACE_WINDOW_MS;
    atomic_store(&t->until_wall_ms, now_wall + ra * 1000 + PACE_WINDOW_MS);
}

int64_t sms_client_throttled_until_ms(const sms_client *c)
{
    return c ? atomic_load(&((sms_client *)c)->throttle.until_wall_ms) : 0;
}

/* Waits out a Retry-After and the pacing that follows it. false when cancelled. */
static bool throttle_gate(sms_client *c)
{
    int64_t wait = sms_throttle_wait_ms(&c->throttle, sms_clock_mono_ms());
    return wait <= 0 || sms_client_pause(c, (long)wait);
}

static bool may_retry(const sms_client *c, const request *r, int retries, int rc, const sms_http_resp *rs)
{
    if (is_mutating(r) || (r->flags & SMS_REQ_ONCE) || retries >= c->max_read_retries)
        return false;
    if (rc != 0)
        return !rs->too_large && sms_curl_code_is_retryable(rs->code);
    if (rs->status == 429 && c->fail_on_429)
        return false;
    return sms_status_is_retryable(rs->status);
}

static int run_request(sms_client *c, const request *r, sms_response *out, sms_call_error *e)
{
    bool reauthed = false;
    int retries = 0;
    for (;;) {
        if (atomic_load(&c->cancelled)) {
            sms_error_set(e, SMS_E_CANCELLED, "cancelled");
            return -1;
        }
        if (sms_auth_ensure(c, false, e) != 0)
            return -1;
        if (!throttle_gate(c)) {
            sms_error_set(e, SMS_E_CANCELLED, "cancelled");
            return -1;
        }
        sms_http_resp rs;
        sms_throttle_sent(&c->throttle, sms_clock_mono_ms());
        int rc = send_once(c, r, &rs);
        e->attempts++;
        if (rc == 0 && rs.status == 429)    /* reads retry below; a mutating call never */
            sms_throttle_hit(&c->throttle, sms_clock_mono_ms(), sms_clock_wall_ms(), rs.retry_after_s);
        if (rc == 0 && rs.status == 401 && sms_auth_can_refresh(c) && !reauthed) {
            /* a rejected token: nothing was applied, so even a mutating call may resend */
            reauthed = true;
            sms_http_resp_free(&rs);
            if (sms_auth_ensure(c, true, e) != 0)
                return -1;
            continue;
        }
        if (may_retry(c, r, retries, rc, &rs)) {
            long wait = sms_backoff_ms(++retries, BACKOFF_BASE_MS, BACKOFF_CAP_MS, rs.retry_after_s, &c->rng);
            sms_http_resp_free(&rs);
            atomic_fetch_add(&c->n_retries, 1);
            if (!sms_client_pause(c, wait)) {
                sms_error_set(e, SMS_E_CANCELLED, "cancelled");
                return -1;
            }
            continue;
        }
        int result = 0;
        if (rc != 0) {
            transport_failed(c, r, &rs, e);
            result = -1;
        } else if (rs.status < 200 || rs.status > 299) {
            sms_error_from_http(e, SMS_E_HTTP, rs.status, rs.body.s, rs.body.len, rs.request_id);
            if (is_mutating(r))
                e->outcome_unknown = sms_outcome_unknown(rs.status, 0, true);
            result = -1;
        } else {
            take_response(&rs, out);
        }
        sms_http_resp_free(&rs);
        return result;
    }
}

/* ---- audit of mutating calls ------------------------------------------------ */

static const char *audit_user(const sms_client *c, char *buf, size_t len)
{
    switch (c->auth) {
    case SMS_AUTH_PASSWORD: return c->user;
    case SMS_AUTH_AKSK: snprintf(buf, len, "ak:%s", c->ak); return buf;
    default: return "token";
    }
}

static const char *audit_outcome(int rc, const sms_call_error *e)
{
    if (rc == 0)
        return "ok";
    if (e->kind == SMS_E_READONLY)
        return "refused";
    return e->outcome_unknown ? "unknown" : "error";
}

static void audit(sms_client *c, const request *r, const char *action, const char *target, int rc,
                  const sms_call_error *e, const sms_response *out)
{
    if (!c->audit_path)
        return;
    char user[160];
    char derived[300];
    if (!action) {
        size_t plen = strcspn(r->path_and_query, "?");
        snprintf(derived, sizeof derived, "%s %.*s", r->method, (int)(plen > 250 ? 250 : plen), r->path_and_query);
        action = derived;
    }
    sms_audit_entry a = {
        .context = c->context, .user = audit_user(c, user, sizeof user), .action = action,
        .target = target, .method = r->method, .path = r->path_and_query,
        .outcome = audit_outcome(rc, e),
        .http_status = rc == 0 ? (out ? out->status : 0) : e->http_status,
        .error_code = rc == 0 ? NULL : e->api.error_code,
        .request_id = rc == 0 ? (out ? out->request_id : NULL) : e->request_id,
        .attempts = e->attempts, .body = r->body,
    };
    char *line = sms_audit_line(&a, sms_clock_wall_ms());
    if (line)
        (void)sms_audit_append(c->audit_path, line);   /* best effort: never blocks the call */
    free(line);
}

void sms_client_audit_refused(sms_client *c, const char *action, const char *target, const char *body)
{
    sms_call_error e = { .kind = SMS_E_READONLY };
    request r = { .method = "-", .path_and_query = "-", .body = body };
    if (c)
        audit(c, &r, action, target, -1, &e, NULL);
}

/* The read-only gate, then the request; every mutating call is audited either way. */
static int gated_request(sms_client *c, request *r, const char *action, const char *target,
                         sms_response *out, sms_call_error *e)
{
    int rc;
    if (is_mutating(r) && c->readonly) {
        /* enforced here, below the UI: nothing is sent, not even a login */
        sms_error_set(e, SMS_E_READONLY, "%s %.200s not sent", r->method, r->path_and_query);
        rc = -1;
    } else if (build_urls(c, r) != 0) {
        sms_error_set(e, SMS_E_INVALID, "out of memory");
        rc = -1;
    } else {
        rc = run_request(c, r, out, e);
    }
    if (is_mutating(r))
        audit(c, r, action, target, rc, e, out);
    return rc;
}

int sms_request_ex(sms_client *c, const char *method, const char *path_and_query,
                   const char *body, unsigned flags, const char *const *extra_headers,
                   const char *action, const char *target, sms_response *out, sms_call_error *e)
{
    sms_call_error local;
    sms_call_error *err = e ? e : &local;
    memset(err, 0, sizeof *err);
    if (out)
        memset(out, 0, sizeof *out);
    int rc = -1;
    if (!c) {
        sms_error_set(err, SMS_E_INVALID, "no client");
    } else if (check_request(method, path_and_query, err) == 0) {
        request r = { method, path_and_query, body, body ? strlen(body) : 0, flags, extra_headers,
                      NULL, NULL, NULL };
        rc = gated_request(c, &r, action, target, out, err);
        request_free(&r);
    }
    if (!e)
        sms_call_error_free(&local);
    return rc;
}

int sms_request(sms_client *c, const char *method, const char *path_and_query,
                const char *body, bool mutating, const char *action, const char *target,
                sms_response *out, sms_call_error *e)
{
    return sms_request_ex(c, method, path_and_query, body, mutating ? SMS_REQ_MUTATING : 0, NULL,
                          action, target, out, e);
}

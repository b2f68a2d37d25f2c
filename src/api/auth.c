/* auth.c - credentials for each request: IAM password login (docs/api-model.md §6) with the token
 * cached and refreshed ahead of expiry, AK/SK signing (§7), or a ready token. Secrets are
 * never logged and are wiped when no longer needed. */
#include "api/client_priv.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/sign.h"

#define MAX_REFRESH_MARGIN_MS (3600LL * 1000)  /* refresh a 24 h token at 23 h */
#define DEFAULT_TOKEN_LIFE_MS (24LL * 3600 * 1000)

/* ---- time ---------------------------------------------------------------- */

int64_t sms_parse_iso8601_ms(const char *s)
{
    if (!s)
        return -1;
    struct tm tm = { 0 };
    int consumed = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &consumed) != 6)
        return -1;
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
        tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    int ms = 0;
    const char *p = s + consumed;
    if (*p == '.') {
        int digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits < 3)
                ms = ms * 10 + (*p - '0');
        for (; digits < 3; digits++)
            ms *= 10;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    return (int64_t)t * 1000 + ms;
}

int64_t sms_token_refresh_at(int64_t now_mono_ms, int64_t issued_ms, int64_t expires_ms,
                             int64_t now_wall_ms)
{
    int64_t life;
    if (expires_ms < 0)
        life = DEFAULT_TOKEN_LIFE_MS;
    else if (issued_ms >= 0 && expires_ms > issued_ms)
        life = expires_ms - issued_ms;
    else
        life = expires_ms - now_wall_ms;
    if (life <= 0)
        return now_mono_ms;         /* already expired: use once, refresh next time */
    int64_t margin = life / 10;
    if (margin > MAX_REFRESH_MARGIN_MS)
        margin = MAX_REFRESH_MARGIN_MS;
    return now_mono_ms + life - margin;
}

/* ---- password login ------------------------------------------------------- */

/* A 32-hex-digit project is an id, anything else a name (e.g. "ap-southeast-3"). */
static bool looks_like_project_id(const char *p)
{
    size_t n = 0;
    for (; p[n]; n++)
        if (!((p[n] >= '0' && p[n] <= '9') || (p[n] >= 'a' && p[n] <= 'f')))
            return false;
    return n == 32;
}

char *sms_auth_login_body(const char *user, const char *password, const char *domain,
                          const char *project)
{
    sms_buf b = { 0 };
    sms_buf_add(&b, "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":");
    sms_buf_add_json_string(&b, user);
    sms_buf_add(&b, ",\"password\":");
    sms_buf_add_json_string(&b, password);
    sms_buf_add(&b, ",\"domain\":{\"name\":");
    sms_buf_add_json_string(&b, domain);
    sms_buf_add(&b, "}}}}");
    if (project && *project) {
        sms_buf_add(&b, ",\"scope\":{\"project\":{");
        sms_buf_add(&b, looks_like_project_id(project) ? "\"id\":" : "\"name\":");
        sms_buf_add_json_string(&b, project);
        sms_buf_add(&b, "}}");
    } else {
        sms_buf_add(&b, ",\"scope\":{\"domain\":{\"name\":");
        sms_buf_add_json_string(&b, domain);
        sms_buf_add(&b, "}}");
    }
    sms_buf_add(&b, "}}");
    if (b.oom) {
        sms_buf_wipe_free(&b);
        return NULL;
    }
    return b.s;
}

void sms_token_times(const char *body, size_t len, int64_t *issued, int64_t *expires)
{
    *issued = *expires = -1;
    cJSON *json = cJSON_ParseWithLengthOpts(body, len, NULL, 0);
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(json, "token");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(token, "expires_at");
    const cJSON *iss = cJSON_GetObjectItemCaseSensitive(token, "issued_at");
    if (cJSON_IsString(exp))
        *expires = sms_parse_iso8601_ms(exp->valuestring);
    if (cJSON_IsString(iss))
        *issued = sms_parse_iso8601_ms(iss->valuestring);
    cJSON_Delete(json);
}

static void forget_token(sms_client *c)
{
    sms_secret_free(c->token);
    c->token = NULL;
}

/* Copy of body with every occurrence of secret, as sent (JSON-escaped) or raw, replaced
 * by "***": an IAM error may echo the request, password included. NULL on OOM. */
char *sms_redact_secret(const char *body, size_t len, const char *secret, size_t *out_len)
{
    sms_buf esc = { 0 }, out = { 0 };
    sms_buf_add_json_string(&esc, secret ? secret : "");
    const char *forms[2] = { secret, esc.s && esc.len > 2 ? esc.s + 1 : NULL };
    size_t form_len[2] = { secret ? strlen(secret) : 0, forms[1] ? esc.len - 2 : 0 };
    sms_buf_addn(&out, "", 0);
    for (size_t i = 0; i < len;) {
        size_t hit = 0;
        for (int f = 0; f < 2 && !hit; f++)
            if (form_len[f] && len - i >= form_len[f] && memcmp(body + i, forms[f], form_len[f]) == 0)
                hit = form_len[f];
        if (hit) {
            sms_buf_add(&out, "***");
            i += hit;
        } else {
            sms_buf_addn(&out, body + i, 1);
            i++;
        }
    }
    sms_buf_wipe_free(&esc);
    if (out.oom) {
        sms_buf_wipe_free(&out);
        return NULL;
    }
    *out_len = out.len;
    return out.s;
}

static void redact_field(char **field, const char *secret)
{
    size_t len = 0;
    if (!*field)
        return;
    char *clean = sms_redact_secret(*field, strlen(*field), secret, &len);
    if (clean) {
        sms_secret_free(*field);
        *field = clean;
    }
}

/* After decoding too: a body can echo the request as a string inside a string, escaped
 * twice, which only the decoded text shows in the form we look for. */
static void redact_error(sms_call_error *e, const char *secret)
{
    sms_api_error *a = &e->api;
    redact_field(&e->message, secret);
    redact_field(&a->error_code, secret);
    redact_field(&a->error_msg, secret);
    redact_field(&a->encoded_authorization_message, secret);
    for (size_t i = 0; i < a->n_error_param; i++)
        redact_field(&a->error_param[i], secret);
    for (size_t i = 0; i < a->n_details; i++) {
        redact_field(&a->details[i].error_code, secret);
        redact_field(&a->details[i].error_msg, secret);
    }
}

/* Fills e from a failed login exchange; the password never reaches the message. */
static void login_failed(const sms_client *c, sms_call_error *e, const sms_http_resp *rs, int rc)
{
    if (!e)
        return;
    if (rc != 0) {
        sms_error_from_transport(e, rs->code, rs->errbuf);
        if (rs->code == CURLE_ABORTED_BY_CALLBACK)
            sms_error_set(e, SMS_E_CANCELLED, "cancelled");
        return;
    }
    if (rs->status >= 400) {
        size_t len = 0;
        char *clean = sms_redact_secret(rs->body.s, rs->body.len, c->password, &len);
        sms_error_from_http(e, SMS_E_AUTH, rs->status, clean, len, rs->request_id);
        sms_secret_free(clean);
        redact_error(e, c->password);
        return;
    }
    e->http_status = rs->status;
    sms_error_set(e, SMS_E_AUTH, "IAM answered HTTP %d without an X-Subject-Token", rs->status);
}

static int login_once(sms_client *c, sms_http_resp *rs)
{
    char *body = sms_auth_login_body(c->user, c->password, c->domain, c->project);
    char *url = NULL;
    struct curl_slist *h = NULL;
    int rc = -1;
    memset(rs, 0, sizeof *rs);
    if (body && asprintf(&url, "%s/v3/auth/tokens?nocatalog=true", c->iam_endpoint) >= 0 &&
        (h = sms_headers_add(NULL, "Content-Type: application/json;charset=utf8")) &&
        (h = sms_headers_add(h, "Accept: application/json")) && (h = sms_headers_add(h, "Expect:"))) {
        sms_http_req rq = { "POST", url, h, body, strlen(body) };
        rc = sms_transport_perform(c, &rq, rs);
    } else {
        rs->code = CURLE_OUT_OF_MEMORY;
    }
    sms_headers_wipe_free(h);
    free(url);
    sms_secret_free(body);
    return rc;
}

static int password_login(sms_client *c, sms_call_error *e)
{
    forget_token(c);
    sms_http_resp rs;
    int rc = -1;
    int retries = c->max_read_retries;
    /* a login creates nothing the operator cares about: retried like a read */
    for (int attempt = 0;; attempt++) {
        rc = login_once(c, &rs);
        bool retry = attempt < retries &&
                     (rc != 0 ? sms_curl_code_is_retryable(rs.code) : sms_status_is_retryable(rs.status));
        if (!retry || atomic_load(&c->cancelled))
            break;
        long wait = sms_backoff_ms(attempt + 1, 250, 4000, rs.retry_after_s, &c->rng);
        sms_http_resp_free(&rs);
        atomic_fetch_add(&c->n_retries, 1);
        if (!sms_client_pause(c, wait)) {
            memset(&rs, 0, sizeof rs);
            rs.code = CURLE_ABORTED_BY_CALLBACK;
            rc = -1;
            break;
        }
    }
    atomic_fetch_add(&c->n_logins, 1);
    bool ok = rc == 0 && (rs.status == 200 || rs.status == 201) && rs.subject_token && *rs.subject_token;
    if (!ok) {
        login_failed(c, e, &rs, rc);
        sms_http_resp_free(&rs);
        return -1;
    }
    if (!sms_token_is_header_safe(rs.subject_token)) {
        /* it goes into every X-Auth-Token header: a CR or LF would split it */
        sms_error_set(e, SMS_E_AUTH, "IAM answered with a token holding control characters");
        sms_http_resp_free(&rs);
        return -1;
    }
    int64_t issued, expires;
    sms_token_times(rs.body.s, rs.body.len, &issued, &expires);
    c->token = rs.subject_token;
    rs.subject_token = NULL;
    c->token_refresh_mono_ms = sms_token_refresh_at(sms_clock_mono_ms(), issued, expires, sms_clock_wall_ms());
    sms_http_resp_free(&rs);
    return 0;
}

bool sms_token_is_header_safe(const char *t)
{
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p < 0x21 || *p == 0x7f)       /* no control character, no space */
            return false;
    return true;
}

static struct curl_slist *add_header(struct curl_slist *h, const char *name, const char *value);

/* ---- AK/SK: the project id -------------------------------------------------- */

/* "https://host[:port]/prefix" -> host and prefix (prefix may be ""). */
static int split_url(const char *url, char *host, size_t hl, char *prefix, size_t pl)
{
    const char *rest = strstr(url, "://");
    if (!rest)
        return -1;
    rest += 3;
    size_t n = strcspn(rest, "/");
    if (n == 0 || n >= hl)
        return -1;
    snprintf(host, hl, "%.*s", (int)n, rest);
    snprintf(prefix, pl, "%s", rest + n);
    size_t p = strlen(prefix);
    while (p > 0 && prefix[p - 1] == '/')
        prefix[--p] = '\0';
    return 0;
}

static bool region_name_ok(const char *r)
{
    for (const char *p = r; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return *r && strlen(r) <= 64;
}

/* The signed GET {iam}/v3/projects?name=REGION (KeystoneListProjects). */
static int list_projects(sms_client *c, sms_http_resp *rs)
{
    char host[256], prefix[512], path[600], query[100], date[20], *url = NULL;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y%m%dT%H%M%SZ", &tm);
    memset(rs, 0, sizeof *rs);
    rs->code = CURLE_URL_MALFORMAT;
    if (split_url(c->iam_endpoint, host, sizeof host, prefix, sizeof prefix) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/v3/projects", prefix);
    snprintf(query, sizeof query, "name=%s", c->region);
    sms_sign_header sh[3] = { { "Content-Type", "application/json" }, { "Host", host }, { "X-Sdk-Date", date } };
    char *auth = sms_sign_authorization(c->ak, c->sk, date, "GET", path, query, sh, 3, "", 0);
    struct curl_slist *h = NULL;
    int rc = -1;
    rs->code = CURLE_OUT_OF_MEMORY;
    if (auth && asprintf(&url, "%s/v3/projects?%s", c->iam_endpoint, query) >= 0 &&
        (h = sms_headers_add(NULL, "Content-Type: application/json")) &&
        (h = sms_headers_add(h, "Accept: application/json")) && (h = add_header(h, "Host", host)) &&
        (h = add_header(h, "X-Sdk-Date", date)) && (h = add_header(h, "Authorization", auth))) {
        sms_http_req rq = { "GET", url, h, NULL, 0 };
        rc = sms_transport_perform(c, &rq, rs);
    }
    sms_headers_wipe_free(h);
    free(url);
    free(auth);
    return rc;
}

/* {"projects":[{"id","name"}]}: exactly one -> its id (malloc'd); else NULL and why. */
static char *one_project(const sms_http_resp *rs, const char *region, char *why, size_t len)
{
    cJSON *j = cJSON_ParseWithLength(rs->body.s ? rs->body.s : "", rs->body.len);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(j, "projects");
    int n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : -1;
    char *id = NULL;
    if (n == 1) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 0), "id");
        if (cJSON_IsString(v) && v->valuestring[0] && !strpbrk(v->valuestring, "\r\n"))
            id = strdup(v->valuestring);
    }
    if (!id && n > 1)
        snprintf(why, len, "IAM lists %d projects named %s: set HUAWEICLOUD_SDK_PROJECT_ID to the one to use",
                 n, region);
    else if (!id)
        snprintf(why, len, "IAM lists no project named %s in this account: set HUAWEICLOUD_SDK_PROJECT_ID",
                 region);
    cJSON_Delete(j);
    return id;
}

/* The SDK's BasicCredentials: X-Project-Id goes with every signed request; when only a
 * region name is known the id is looked up through IAM once (core/auth/basic_credentials.go). */
static int aksk_project(sms_client *c, sms_call_error *e)
{
    if (c->project_id)
        return 0;
    if (!c->region || !region_name_ok(c->region)) {
        sms_error_set(e, SMS_E_AUTH, "AK/SK: no project id: set HUAWEICLOUD_SDK_PROJECT_ID (or give --region "
                      "so that it is looked up through IAM)");
        return -1;
    }
    sms_http_resp rs;
    int rc = list_projects(c, &rs);
    char why[200];
    if (rc != 0 || rs.status != 200) {
        if (e && rc != 0)
            sms_error_from_transport(e, rs.code, rs.errbuf);
        else if (e)
            sms_error_from_http(e, SMS_E_AUTH, rs.status, rs.body.s, rs.body.len, rs.request_id);
        if (e && e->message) {
            char *m = e->message;
            e->message = NULL;
            sms_error_set(e, rc != 0 ? SMS_E_TRANSPORT : SMS_E_AUTH, "AK/SK: looking up the project id "
                          "of %s at %s: %s (or set HUAWEICLOUD_SDK_PROJECT_ID)", c->region, c->iam_endpoint, m);
            free(m);
        }
        sms_http_resp_free(&rs);
        return -1;
    }
    c->project_id = one_project(&rs, c->region, why, sizeof why);
    sms_http_resp_free(&rs);
    if (!c->project_id) {
        sms_error_set(e, SMS_E_AUTH, "AK/SK: %s", why);
        return -1;
    }
    return 0;
}

bool sms_auth_can_refresh(const sms_client *c)
{
    return c->auth == SMS_AUTH_PASSWORD;
}

int sms_auth_ensure(sms_client *c, bool force, sms_call_error *e)
{
    if (c->auth == SMS_AUTH_AKSK)
        return aksk_project(c, e);
    if (c->auth != SMS_AUTH_PASSWORD)
        return 0;
    if (!force && c->token && sms_clock_mono_ms() < c->token_refresh_mono_ms)
        return 0;
    return password_login(c, e);
}

/* ---- per-request headers ---------------------------------------------------- */

static struct curl_slist *add_header(struct curl_slist *h, const char *name, const char *value)
{
    sms_buf line = { 0 };
    sms_buf_add(&line, name);
    sms_buf_add(&line, ": ");
    sms_buf_add(&line, value);
    struct curl_slist *out = line.oom ? NULL : sms_headers_add(h, line.s);
    if (line.oom)
        sms_headers_wipe_free(h);
    sms_buf_wipe_free(&line);
    return out;
}

static struct curl_slist *add_aksk_headers(sms_client *c, struct curl_slist *h, const char *method,
                                           const char *path, const char *query, const char *body,
                                           size_t body_len)
{
    char date[20];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y%m%dT%H%M%SZ", &tm);
    sms_sign_header sh[4] = {
        { "Content-Type", "application/json" },
        { "Host", c->host },
        { "X-Sdk-Date", date },
        { "X-Project-Id", c->project_id },
    };
    size_t nh = c->project_id ? 4 : 3;
    char *auth = sms_sign_authorization(c->ak, c->sk, date, method, path, query, sh, nh, body, body_len);
    if (!auth) {
        sms_headers_wipe_free(h);
        return NULL;
    }
    h = add_header(h, "Host", c->host);
    if (h)
        h = add_header(h, "X-Sdk-Date", date);
    if (h && c->project_id)
        h = add_header(h, "X-Project-Id", c->project_id);
    if (h)
        h = add_header(h, "Authorization", auth);
    free(auth);
    return h;
}

struct curl_slist *sms_auth_add_headers(sms_client *c, struct curl_slist *h, const char *method,
                                        const char *path, const char *query,
                                        const char *body, size_t body_len)
{
    switch (c->auth) {
    case SMS_AUTH_AKSK:
        return add_aksk_headers(c, h, method, path, query, body, body_len);
    case SMS_AUTH_TOKEN:
        return add_header(h, "X-Auth-Token", c->given_token);
    case SMS_AUTH_PASSWORD:
        h = add_header(h, "X-Auth-Token", c->token ? c->token : "");
        if (h && c->project_id)
            h = add_header(h, "X-Project-Id", c->project_id);
        return h;
    case SMS_AUTH_AUTO:
        break;
    }
    return h;
}

/* transport.c - one HTTP exchange on the client's libcurl easy handle: timeouts, TLS,
 * response size cap, cancel from another thread, X-Request-Id / X-Subject-Token capture.
 * The handle is reset between requests but keeps its connection cache (keep-alive). */
#include "api/client_priv.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STALL_TIMEOUT_S 15L         /* less than 1 byte/s for this long = stalled */
#define MAX_HEADER_VALUE 16384      /* tokens are at most 16384 chars (docs/api-model.md §1) */
#define POLL_SLICE_MS 100           /* cancel is also noticed this often without a wakeup */

typedef struct xfer {
    sms_client *c;
    sms_http_resp *rs;
} xfer;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    xfer *x = userp;
    size_t n = size * nmemb;
    if (x->rs->body.len + n > x->c->max_response_bytes) {
        x->rs->too_large = true;    /* MAXFILESIZE misses chunked bodies in 7.88 */
        return 0;
    }
    sms_buf_addn(&x->rs->body, data, n);
    if (x->rs->body.oom)
        return 0;
    atomic_fetch_add(&x->c->n_bytes_in, n);
    return n;
}

/* Value of "Name: value\r\n" when the line has that name; NULL otherwise. */
static char *header_value(const char *line, size_t n, const char *name)
{
    size_t nl = strlen(name);
    if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return NULL;
    const char *v = line + nl + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if ((size_t)(end - v) > MAX_HEADER_VALUE)
        return NULL;
    return strndup(v, (size_t)(end - v));
}

static void replace(char **slot, char *value, bool secret)
{
    if (secret)
        sms_secret_free(*slot);
    else
        free(*slot);
    *slot = value;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userp)
{
    xfer *x = userp;
    size_t n = size * nmemb;
    char *v;
    if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* a new response (after 100 Continue or similar): forget the previous headers */
        replace(&x->rs->request_id, NULL, false);
        replace(&x->rs->subject_token, NULL, true);
        x->rs->retry_after_s = -1;
    } else if ((v = header_value(line, n, "X-Request-Id"))) {
        replace(&x->rs->request_id, v, false);
    } else if ((v = header_value(line, n, "X-Subject-Token"))) {
        replace(&x->rs->subject_token, v, true);
    } else if ((v = header_value(line, n, "Retry-After"))) {
        char *end;
        long secs = strtol(v, &end, 10);
        if (end != v && *end == '\0' && secs >= 0)
            x->rs->retry_after_s = secs;
        free(v);
    }
    return n;
}

/* Called by libcurl often (also while waiting for the answer): aborts on cancel. */
static int on_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    xfer *x = userp;
    return atomic_load(&x->c->cancelled) ? 1 : 0;
}

static void set_method(CURL *h, const sms_http_req *rq)
{
    const char *body = rq->body ? rq->body : "";
    if (strcmp(rq->method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        return;
    }
    if (strcmp(rq->method, "POST") != 0)
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
    if (strcmp(rq->method, "DELETE") == 0 && !rq->body)
        return;
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(rq->body ? rq->body_len : 0));
}

static void set_tls(CURL *h, const sms_client *c)
{
    if (c->cacert)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->cacert);
    if (c->insecure) {          /* the operator's explicit choice; the UI says so loudly */
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    }
}

static void set_options(sms_client *c, const sms_http_req *rq, sms_http_resp *rs, xfer *x)
{
    CURL *h = c->curl;
    curl_easy_reset(h);         /* keeps live connections, DNS and TLS session caches */
    curl_easy_setopt(h, CURLOPT_URL, rq->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, STALL_TIMEOUT_S);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_response_bytes);
    curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, rq->headers);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, rs->errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, x);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    set_tls(h, c);
    set_method(h, rq);
}

/* Result of the finished transfer, as curl_easy_perform would return it. */
static CURLcode transfer_result(CURLM *multi)
{
    int left = 0;
    CURLMsg *m;
    CURLcode code = CURLE_RECV_ERROR;
    while ((m = curl_multi_info_read(multi, &left)))
        if (m->msg == CURLMSG_DONE)
            code = m->data.result;
    return code;
}

/* curl_easy_perform, but on the client's multi handle so that a cancel from another
 * thread (sms_client_cancel -> curl_multi_wakeup) ends the wait at once. */
static CURLcode perform_cancellable(sms_client *c)
{
    if (curl_multi_add_handle(c->multi, c->curl) != CURLM_OK)
        return CURLE_FAILED_INIT;
    CURLcode code = CURLE_OK;
    for (;;) {
        int running = 0;
        if (curl_multi_perform(c->multi, &running) != CURLM_OK) {
            code = CURLE_RECV_ERROR;
            break;
        }
        if (!running) {
            code = transfer_result(c->multi);
            break;
        }
        if (atomic_load(&c->cancelled)) {
            code = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        curl_multi_poll(c->multi, NULL, 0, POLL_SLICE_MS, NULL);
    }
    curl_multi_remove_handle(c->multi, c->curl);
    return code;
}

int sms_transport_perform(sms_client *c, const sms_http_req *rq, sms_http_resp *rs)
{
    memset(rs, 0, sizeof *rs);
    rs->retry_after_s = -1;
    xfer x = { c, rs };
    set_options(c, rq, rs, &x);
    atomic_fetch_add(&c->n_requests, 1);
    rs->code = perform_cancellable(c);
    if (rs->code == CURLE_FILESIZE_EXCEEDED)
        rs->too_large = true;
    long request_size = 0;
    curl_easy_getinfo(c->curl, CURLINFO_REQUEST_SIZE, &request_size);
    rs->request_sent = request_size > 0;
    long status = 0;
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, NULL);   /* rs may go away */
    if (rs->code != CURLE_OK) {
        rs->status = 0;
        return -1;
    }
    rs->status = (int)status;
    if (!rs->body.s)
        sms_buf_addn(&rs->body, "", 0);
    return 0;
}

void sms_http_resp_free(sms_http_resp *rs)
{
    if (!rs)
        return;
    sms_buf_wipe_free(&rs->body);       /* a login answer may echo credentials */
    free(rs->request_id);
    sms_secret_free(rs->subject_token);
    memset(rs, 0, sizeof *rs);
}

struct curl_slist *sms_headers_add(struct curl_slist *h, const char *line)
{
    struct curl_slist *n = curl_slist_append(h, line);
    if (!n) {
        sms_headers_wipe_free(h);
        return NULL;
    }
    return n;
}

void sms_headers_wipe_free(struct curl_slist *h)
{
    for (struct curl_slist *p = h; p; p = p->next)
        if (p->data)
            explicit_bzero(p->data, strlen(p->data));
    curl_slist_free_all(h);
}

/* emulator.c - smsemu as a library: libmicrohttpd glue, the route table (method, path
 * pattern, handler, least role, IAM action name), the request pipeline
 * (faults -> route -> auth -> permission -> handler) and the bytes faults put on the wire.
 *
 * MHD runs thread-per-connection so that latency and trickle faults can simply sleep
 * without holding up other clients. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "api/buf.h"
#include "emulator/emu.h"
#include "emulator/fleet.h"
#include "emulator/rollout.h"

struct smsemu {
    emu_ctx ctx;
    struct MHD_Daemon *daemon;
    char *tls_cert, *tls_key;        /* PEM text while serving HTTPS */
    smsemu_fleet *fleet;
    int port;
    atomic_bool stopping;
};

/* ---- route table ------------------------------------------------------------------- */

typedef struct route {
    const char *method, *pattern;    /* "{}" matches one path segment (an id) */
    emu_handler handler;
    emu_role least;                  /* least role allowed (viewer = read) */
    const char *action;              /* IAM action named in a 403 */
    bool public;                     /* no authentication */
} route;

static const route routes[] = {
    {"GET", "/", emu_h_version, EMU_ROLE_VIEWER, NULL, true},
    {"GET", "/v3", emu_h_version, EMU_ROLE_VIEWER, NULL, true},
    {"GET", "/v3/projects", emu_h_iam_projects, EMU_ROLE_VIEWER, NULL, false},
    {"GET", "/v3/sources", emu_h_sources_list, EMU_ROLE_VIEWER, "sms:server:list", false},
    {"POST", "/v3/sources", emu_h_sources_register, EMU_ROLE_OPERATOR, "sms:server:register", false},
    {"GET", "/v3/sources/overview", emu_h_sources_overview, EMU_ROLE_VIEWER, "sms:server:list", false},
    {"POST", "/v3/sources/delete", emu_h_sources_batch_delete, EMU_ROLE_ADMIN, "sms:server:delete", false},
    {"GET", "/v3/sources/{}", emu_h_sources_show, EMU_ROLE_VIEWER, "sms:server:get", false},
    {"PUT", "/v3/sources/{}", emu_h_sources_rename, EMU_ROLE_OPERATOR, "sms:server:update", false},
    {"DELETE", "/v3/sources/{}", emu_h_sources_delete, EMU_ROLE_ADMIN, "sms:server:delete", false},
    {"GET", "/v3/sources/{}/command", emu_h_sources_command, EMU_ROLE_OPERATOR, "sms:server:queryCommand", false},
    {"POST", "/v3/sources/{}/command_result", emu_h_sources_command_result, EMU_ROLE_OPERATOR, "sms:server:uploadCommandResult", false},
    {"GET", "/v3/errors", emu_h_sources_errors, EMU_ROLE_VIEWER, "sms:server:list", false},
    {"GET", "/v3/tasks", emu_h_tasks_list, EMU_ROLE_VIEWER, "sms:task:list", false},
    {"POST", "/v3/tasks", emu_h_tasks_create, EMU_ROLE_OPERATOR, "sms:task:create", false},
    {"POST", "/v3/tasks/delete", emu_h_tasks_batch_delete, EMU_ROLE_ADMIN, "sms:task:delete", false},
    {"POST", "/v3/tasks/consistency-results/export", emu_h_tasks_export, EMU_ROLE_OPERATOR, "sms:task:exportConsistencyResult", false},
    {"GET", "/v3/tasks/{}", emu_h_tasks_show, EMU_ROLE_VIEWER, "sms:task:get", false},
    {"DELETE", "/v3/tasks/{}", emu_h_tasks_delete, EMU_ROLE_ADMIN, "sms:task:delete", false},
    {"POST", "/v3/tasks/{}/action", emu_h_tasks_action, EMU_ROLE_OPERATOR, "sms:task:update", false},
    {"PUT", "/v3/tasks/{}/progress", emu_h_tasks_progress, EMU_ROLE_OPERATOR, "sms:task:updateProgress", false},
    {"GET", "/v3/tasks/{}/speed-limit", emu_h_tasks_speed_get, EMU_ROLE_VIEWER, "sms:task:get", false},
    {"POST", "/v3/tasks/{}/speed-limit", emu_h_tasks_speed_set, EMU_ROLE_OPERATOR, "sms:task:update", false},
    {"POST", "/v3/tasks/{}/log", emu_h_tasks_log, EMU_ROLE_OPERATOR, "sms:task:collectLog", false},
    {"GET", "/v3/tasks/{}/consistency-result", emu_h_tasks_consistency_get, EMU_ROLE_VIEWER, "sms:task:get", false},
    {"POST", "/v3/tasks/{}/consistency-result", emu_h_tasks_consistency_post, EMU_ROLE_OPERATOR, "sms:task:update", false},
    /* emulator-only, outside /v3: no auth, never faulted */
    {"GET", "/emulator/faults", emu_h_ctl_faults_get, EMU_ROLE_VIEWER, NULL, true},
    {"PUT", "/emulator/faults", emu_h_ctl_faults_put, EMU_ROLE_VIEWER, NULL, true},
    {"DELETE", "/emulator/faults", emu_h_ctl_faults_delete, EMU_ROLE_VIEWER, NULL, true},
    {"POST", "/emulator/revoke-tokens", emu_h_ctl_revoke, EMU_ROLE_VIEWER, NULL, true},
    {"GET", "/emulator/commands", emu_h_ctl_commands, EMU_ROLE_VIEWER, NULL, true},
    {"GET", "/emulator/stats", emu_h_ctl_stats, EMU_ROLE_VIEWER, NULL, true},
    {"POST", "/emulator/clock", emu_h_ctl_clock, EMU_ROLE_VIEWER, NULL, true},
    {"POST", "/emulator/server", emu_h_ctl_server, EMU_ROLE_VIEWER, NULL, true},
    {"POST", "/emulator/move", emu_h_ctl_move, EMU_ROLE_VIEWER, NULL, true},
};

/* Matches path against pattern; fills r->params with the "{}" segments. */
static bool route_match(const char *pattern, const char *path, emu_req *r)
{
    size_t np = 0;
    while (*pattern && *path) {
        if (pattern[0] == '{' && pattern[1] == '}') {
            const char *end = strchr(path, '/');
            size_t n = end ? (size_t)(end - path) : strlen(path);
            if (n == 0 || np == EMU_MAX_PARAMS)
                return false;
            free(r->params[np]);
            r->params[np++] = strndup(path, n);
            pattern += 2;
            path += n;
            continue;
        }
        if (*pattern++ != *path++)
            return false;
    }
    if (*pattern || *path)
        return false;
    r->n_params = np;
    return true;
}

/* The route for r, or NULL; *path_known says whether another method would match. */
static const route *route_find(emu_req *r, bool *path_known)
{
    *path_known = false;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (!route_match(routes[i].pattern, r->path, r))
            continue;
        if (strcmp(routes[i].method, r->method) == 0)
            return &routes[i];
        *path_known = true;
    }
    return NULL;
}

/* ---- request state ------------------------------------------------------------------ */

typedef struct conn_state {
    emu_req req;
    sms_buf body;               /* req.body and req.body_len mirror it */
    bool started;
} conn_state;

static void parse_query(emu_req *r)
{
    const char *q = r->raw_query;
    while (*q && r->n_query < EMU_MAX_QUERY) {
        const char *amp = strchr(q, '&');
        size_t n = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', n);
        if (n > 0) {
            size_t kl = eq ? (size_t)(eq - q) : n;
            emu_kv *kv = &r->query[r->n_query++];
            kv->key = sms_url_decode(q, kl, true);
            kv->value = eq ? sms_url_decode(eq + 1, n - kl - 1, true) : strdup("");
        }
        q += n + (amp ? 1 : 0);
    }
}

/* MHD_OPTION_URI_LOG_CALLBACK: the only place the raw, undecoded URI is available,
 * which AK/SK verification needs. Its return value becomes the connection's state. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    conn_state *cs = calloc(1, sizeof *cs);
    if (!cs)
        return NULL;
    const char *qm = strchr(uri, '?');
    size_t pl = qm ? (size_t)(qm - uri) : strlen(uri);
    cs->req.raw_path = strndup(uri, pl);
    cs->req.raw_query = strdup(qm ? qm + 1 : "");
    cs->req.path = sms_url_decode(uri, pl, false);
    cs->req.conn = conn;
    emu_new_id(cs->req.request_id);
    if (cs->req.raw_query)
        parse_query(&cs->req);
    return cs;
}

static void conn_state_free(conn_state *cs)
{
    emu_req *r = &cs->req;
    free(r->raw_path);
    free(r->raw_query);
    free(r->path);
    free(r->body);
    for (size_t i = 0; i < r->n_query; i++) {
        free(r->query[i].key);
        free(r->query[i].value);
    }
    for (size_t i = 0; i < EMU_MAX_PARAMS; i++)
        free(r->params[i]);
    free(cs);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls; (void)c; (void)toe;
    if (*con_cls)
        conn_state_free(*con_cls);
    *con_cls = NULL;
}

static void append_body(conn_state *cs, const char *data, size_t n)
{
    emu_req *r = &cs->req;
    if (r->body_too_big || r->body_len + n > EMU_BODY_CAP) {
        r->body_too_big = true;          /* keep reading, drop the bytes */
        return;
    }
    sms_buf_addn(&cs->body, data, n);
    r->body_too_big = cs->body.oom;      /* out of memory: answered as too large */
    r->body = cs->body.s;
    r->body_len = cs->body.len;
}

/* ---- the pipeline ------------------------------------------------------------------- */

/* The reads a console makes, by kind (stats lock held). */
static void count_read(emu_stats *st, const char *path)
{
    if (strcmp(path, "/v3/sources") == 0)
        st->list_requests++;
    else if (strcmp(path, "/v3/sources/overview") == 0)
        st->overview_requests++;
    else if (strncmp(path, "/v3/sources/", 12) == 0 && !strchr(path + 12, '/'))
        st->show_requests++;
    else if (strncmp(path, "/v3/tasks/", 10) == 0 && !strchr(path + 10, '/'))
        st->task_requests++;
}

static void count_request(emu_ctx *c, const emu_req *r, int status, bool faulted)
{
    pthread_mutex_lock(&c->stats_mu);
    c->stats.requests++;
    if (status >= 100 && status < 600)
        c->stats.by_status[status / 100]++;
    if (faulted)
        c->stats.faults_applied++;
    if (status == 429)
        c->stats.throttled++;
    if (strcmp(r->method, "GET") == 0)
        count_read(&c->stats, r->path);
    if (strncmp(r->path, "/v3/sources", 11) == 0)
        c->stats.sources_requests++;
    else if (strncmp(r->path, "/v3/tasks", 9) == 0)
        c->stats.tasks_requests++;
    else if (strcmp(r->path, "/v3/auth/tokens") == 0 || strcmp(r->path, "/v3/projects") == 0)
        c->stats.iam_requests++;
    pthread_mutex_unlock(&c->stats_mu);
}

static void fault_status_body(emu_resp *o, int status)
{
    if (status == 429) {
        emu_resp_gateway_error(o, 429, "APIG.0308",
                               "The throttling threshold has been reached: policy user over ratelimit,limit:0,time:1 minute");
        o->retry_after_s = 1;
    } else if (status >= 500)
        emu_resp_error(o, status, "SMS.2007", "backend exception (injected fault, HTTP %d)", status);
    else
        emu_resp_error(o, status, "SMS.0002", "injected fault, HTTP %d", status);
}

/* The caller a rate limit counts: its token, or the AK of its signature. */
static const char *caller_of(const emu_req *r, char *buf, size_t len)
{
    const char *token = emu_req_header(r, "X-Auth-Token");
    if (token)
        return token;
    const char *authz = emu_req_header(r, "Authorization");
    const char *ak = authz ? strstr(authz, "Access=") : NULL;
    if (!ak)
        return NULL;
    ak += 7;
    snprintf(buf, len, "%.*s", (int)strcspn(ak, ", "), ak);
    return buf;
}

static bool operator_change(const emu_req *r);
static bool ends_with(const char *s, const char *suffix);

/* What only agents call (registration, command channel, progress): the simulated fleet
 * is not what --rate-limit is about. */
static bool agent_call(const emu_req *r)
{
    return ends_with(r->path, "/command") ||
           (strcmp(r->method, "GET") != 0 && !operator_change(r));
}

/* --rate-limit: 429 with the gateway's body and Retry-After once the caller's budget is
 * spent. */
static bool throttled(emu_ctx *c, const emu_req *r, emu_resp *o)
{
    char buf[128];
    if (!c->ratelimit || agent_call(r))
        return false;
    long wait_s = emu_ratelimit_take(c->ratelimit, caller_of(r, buf, sizeof buf));
    if (wait_s <= 0)
        return false;
    char msg[128];      /* the gateway's words (help: APIG.0308 FAQ) */
    snprintf(msg, sizeof msg, "The throttling threshold has been reached: policy user over "
             "ratelimit,limit:%ld,time:1 minute", c->rate_limit_per_min);
    emu_resp_gateway_error(o, 429, "APIG.0308", msg);
    o->retry_after_s = wait_s;
    return true;
}

static void dispatch(emu_ctx *c, emu_req *r, emu_resp *o)
{
    if (strcmp(r->method, "POST") == 0 && strcmp(r->path, "/v3/auth/tokens") == 0) {
        if (emu_contract_request(r, o) == 0)
            emu_iam_login(c, r, o);
        return;
    }
    bool path_known;
    const route *rt = route_find(r, &path_known);
    if (!rt) {
        if (path_known)
            emu_resp_error(o, 405, "SMS.2003", "method %s not allowed on %s", r->method, r->path);
        else
            emu_resp_gateway_error(o, 404, "APIGW.0101", "The API does not exist or has not been published in the environment");
        return;
    }
    if (!rt->public) {
        if (emu_authenticate(c, r, o) < 0)
            return;
        if (throttled(c, r, o))
            return;
        if (r->who->role < rt->least) {
            char resource[128];
            snprintf(resource, sizeof resource, "sms:%s:*:%s", SMSEMU_PROJECT, r->n_params ? r->params[0] : "*");
            emu_resp_forbidden(o, rt->action, resource);
            return;
        }
    }
    if (emu_contract_request(r, o) < 0)
        return;
    rt->handler(c, r, o);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The log shows what operators change, not the agents' constant traffic (polls,
 * progress, results, registrations), which --servers 10000 would turn into a flood. */
static bool operator_change(const emu_req *r)
{
    if (strcmp(r->method, "GET") == 0)
        return false;
    bool agent = ends_with(r->path, "/progress") || ends_with(r->path, "/command_result") ||
                 ends_with(r->path, "/consistency-result") || strcmp(r->path, "/v3/sources") == 0 ||
                 strcmp(r->path, "/v3/auth/tokens") == 0;
    return !agent;
}

/* One access-log line; the path is client text, so only printable ASCII reaches the
 * operator's terminal. */
static void log_request(const emu_req *r, int status)
{
    char path[256];
    size_t n = 0;
    for (const char *p = r->path; *p && n < sizeof path - 1; p++)
        path[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
    path[n] = 0;
    fprintf(stderr, "smsemu: %s %s -> %d\n", r->method, path, status);
}

static void sleep_ms_interruptible(const struct smsemu *e, long ms)
{
    while (ms > 0 && !atomic_load(&e->stopping)) {
        long step = ms > 50 ? 50 : ms;
        struct timespec ts = {step / 1000, (step % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

/* ---- shaped bodies: truncate, trickle, oversize -------------------------------------- */

typedef struct body_gen {
    const struct smsemu *e;
    char *head; size_t head_len;     /* original body up to where padding goes */
    size_t pad_len;                  /* 'x' bytes of padding */
    const char *tail; size_t tail_len;
    size_t total, send_limit;        /* send_limit < total: truncate there */
    long bps;
} body_gen;

static char body_gen_byte(const body_gen *g, size_t pos)
{
    if (pos < g->head_len)
        return g->head[pos];
    pos -= g->head_len;
    if (pos < g->pad_len)
        return 'x';
    return g->tail[pos - g->pad_len];
}

static ssize_t body_gen_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    body_gen *g = cls;
    if (atomic_load(&g->e->stopping))
        return MHD_CONTENT_READER_END_WITH_ERROR;
    if (pos >= g->send_limit)
        return pos >= g->total ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = g->send_limit - (size_t)pos;
    if (n > max)
        n = max;
    if (g->bps > 0) {
        size_t slice = (size_t)(g->bps / 10 > 0 ? g->bps / 10 : 1);   /* ~10 writes a second */
        if (n > slice)
            n = slice;
        sleep_ms_interruptible(g->e, (long)((double)n * 1000.0 / (double)g->bps));
    }
    for (size_t i = 0; i < n; i++)
        buf[i] = body_gen_byte(g, (size_t)pos + i);
    return (ssize_t)n;
}

static void body_gen_free(void *cls)
{
    body_gen *g = cls;
    free(g->head);
    free(g);
}

static const char garbage[] = "{\"source_servers\": [{\"id\": \"9f1c\", \"name\": tru";

/* Builds the MHD response for o under the fault plan. */
static struct MHD_Response *make_response(const struct smsemu *e, emu_resp *o, const emu_fault_plan *p)
{
    if (p->malformed) {
        free(o->body);
        o->body = strdup(garbage);
        o->len = o->body ? strlen(o->body) : 0;
    }
    bool shaped = p->truncate || p->trickle_bps > 0 || p->oversize_bytes > 0 || p->chunked;
    if (!shaped)
        return MHD_create_response_from_buffer(o->len, o->body ? o->body : (char *)"",
                                               MHD_RESPMEM_MUST_COPY);
    body_gen *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->e = e;
    g->bps = p->trickle_bps;
    const char *src = o->body ? o->body : "{}";
    size_t len = o->body ? o->len : 2;
    if (p->oversize_bytes > 0) {
        /* {...original keys..., "emulator_padding":"xxxx"}: still valid JSON */
        static const char key[] = "\"emulator_padding\":\"";
        bool obj = len >= 2 && src[0] == '{' && src[len - 1] == '}';
        size_t keep = obj ? len - 1 : 1;                         /* drop the closing brace */
        bool comma = obj && len > 2;
        g->head_len = keep + (comma ? 1 : 0) + sizeof key - 1;
        g->head = malloc(g->head_len + 1);
        if (!g->head) {
            free(g);
            return NULL;
        }
        memcpy(g->head, obj ? src : "{", keep);
        if (comma)
            g->head[keep] = ',';
        memcpy(g->head + keep + (comma ? 1 : 0), key, sizeof key - 1);
        g->tail = "\"}";
        g->tail_len = 2;
        size_t fixed = g->head_len + g->tail_len;
        g->pad_len = (size_t)p->oversize_bytes > fixed ? (size_t)p->oversize_bytes - fixed : 0;
    } else {
        g->head = malloc(len + 1);
        if (!g->head) {
            free(g);
            return NULL;
        }
        memcpy(g->head, src, len);
        g->head_len = len;
        g->tail = "";
    }
    g->total = g->head_len + g->pad_len + g->tail_len;
    g->send_limit = p->truncate ? g->total / 2 : g->total;
    /* an unknown size makes MHD send the body chunked (HTTP/1.1), with no Content-Length */
    uint64_t size = p->chunked ? MHD_SIZE_UNKNOWN : g->total;
    struct MHD_Response *resp = MHD_create_response_from_callback(size, 4096, body_gen_read, g, body_gen_free);
    if (!resp)
        body_gen_free(g);
    return resp;
}

static enum MHD_Result queue(struct MHD_Connection *conn, const struct smsemu *e, emu_resp *o,
                             const emu_fault_plan *p)
{
    struct MHD_Response *resp = make_response(e, o, p);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", o->content_type ? o->content_type : "application/json;charset=UTF-8");
    if (o->disposition)
        MHD_add_response_header(resp, "Content-Disposition", o->disposition);
    MHD_add_response_header(resp, "X-Request-Id", o->request_id);
    if (o->subject_token)
        MHD_add_response_header(resp, "X-Subject-Token", o->subject_token);
    if (o->retry_after_s > 0) {
        char ra[24];
        snprintf(ra, sizeof ra, "%ld", o->retry_after_s);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)o->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result handle(struct smsemu *e, struct MHD_Connection *conn, emu_req *r)
{
    emu_ctx *c = &e->ctx;
    emu_fault_plan plan;
    memset(&plan, 0, sizeof plan);
    bool control = strncmp(r->path, "/emulator/", 10) == 0;
    if (!control)
        emu_faults_plan(c->faults, r->path, &plan);
    bool faulted = plan.delay_ms || plan.status || plan.malformed || plan.truncate || plan.reset ||
                   plan.revoke || plan.trickle_bps || plan.oversize_bytes || plan.count_claim || plan.chunked;
    r->count_claim = plan.count_claim;
    if (plan.revoke)
        emu_tokens_revoke_all(c->tokens);
    sleep_ms_interruptible(e, plan.delay_ms);
    if (plan.reset) {
        count_request(c, r, 0, true);
        return MHD_NO;                                  /* MHD closes the connection */
    }
    emu_resp o;
    memset(&o, 0, sizeof o);
    o.request_id = r->request_id;
    if (plan.status)
        fault_status_body(&o, plan.status);
    else
        dispatch(c, r, &o);
    if (!o.status)
        emu_resp_error(&o, 500, "SMS.2007", "handler produced no answer");
    count_request(c, r, o.status, faulted);
    if (!c->quiet && !control && (o.status >= 400 || operator_change(r)))
        log_request(r, o.status);
    enum MHD_Result rc = queue(conn, e, &o, &plan);
    emu_resp_free(&o);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)url; (void)version;
    conn_state *cs = *con_cls;
    if (!cs || !cs->req.path || !cs->req.raw_path || !cs->req.raw_query)
        return MHD_NO;
    if (!cs->started) {
        cs->started = true;
        cs->req.method = method;
        return MHD_YES;
    }
    if (*upload_data_size) {
        append_body(cs, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return handle(cls, conn, &cs->req);
}

/* ---- lifecycle ---------------------------------------------------------------------- */

static int parse_listen(const char *listen, struct sockaddr_in *sa, char *err, size_t errlen)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    if (!colon || (size_t)(colon - listen) >= sizeof host) {
        snprintf(err, errlen, "--listen '%s': expected HOST:PORT (e.g. 127.0.0.1:0)", listen);
        return -1;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = 0;
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    if (!*(colon + 1) || *end || port < 0 || port > 65535 || inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
        snprintf(err, errlen, "--listen '%s': expected an IPv4 address and a port 0-65535", listen);
        return -1;
    }
    sa->sin_port = htons((uint16_t)port);
    return 0;
}

static int load_faults(emu_ctx *c, const smsemu_opts *o, char *err, size_t errlen)
{
    for (size_t i = 0; i < o->n_faults; i++)
        if (emu_faults_add(c->faults, o->faults[i], err, errlen) < 0)
            return -1;
    if (o->scenario_path && emu_faults_load_file(c->faults, o->scenario_path, err, errlen) < 0)
        return -1;
    return 0;
}

static int ctx_init(emu_ctx *c, const smsemu_opts *o, char *err, size_t errlen)
{
    c->seed = o->seed ? o->seed : 1;
    c->speed = o->speed > 0 ? o->speed : 1.0;
    c->token_ttl_s = o->token_ttl_s > 0 ? o->token_ttl_s : 86400;
    c->quiet = o->quiet;
    c->max_servers = o->max_servers > 0 ? (size_t)o->max_servers : SMSEMU_MAX_SERVERS;
    if (o->servers > 0 && (size_t)o->servers > c->max_servers) {
        snprintf(err, errlen, "%d servers asked for, the quota is %zu", o->servers, c->max_servers);
        return -1;
    }
    pthread_mutex_init(&c->stats_mu, NULL);
    c->store = emu_store_new();
    c->faults = emu_faults_new(c->seed);
    c->tokens = emu_tokens_new();
    c->ratelimit = emu_ratelimit_new(o->rate_limit_per_min);
    c->rate_limit_per_min = o->rate_limit_per_min;
    if (!c->store || !c->faults || !c->tokens) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return load_faults(c, o, err, errlen);
}

static void ctx_free(emu_ctx *c)
{
    emu_store_free(c->store);
    emu_faults_free(c->faults);
    emu_tokens_free(c->tokens);
    emu_ratelimit_free(c->ratelimit);
    pthread_mutex_destroy(&c->stats_mu);
}

/* Binds the listening socket ourselves, so the URL is known (and ctx.url complete)
 * before MHD starts any thread that could read it. */
static int bind_listener(const struct sockaddr_in *sa, int *port, char *err, size_t errlen)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    struct sockaddr_in bound;
    socklen_t len = sizeof bound;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (const struct sockaddr *)sa, sizeof *sa) < 0 || listen(fd, 512) < 0 ||
        getsockname(fd, (struct sockaddr *)&bound, &len) < 0) {
        snprintf(err, errlen, "cannot listen on %s:%u: %s", inet_ntoa(sa->sin_addr),
                 ntohs(sa->sin_port), strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(bound.sin_port);
    return fd;
}

#define PEM_MAX (64 * 1024)

/* The whole file as a NUL-terminated string (PEM for MHD), NULL on error. */
static char *read_pem(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    int saved = errno;
    char *text = f ? calloc(1, PEM_MAX + 1) : NULL;
    size_t len = text ? fread(text, 1, PEM_MAX, f) : 0;
    if (f)
        fclose(f);
    if (len == 0) {
        snprintf(err, errlen, "cannot read %s: %s", path, f ? "empty or unreadable" : strerror(saved));
        free(text);
        return NULL;
    }
    return text;
}

static int load_tls(smsemu *e, const smsemu_opts *o, char *err, size_t errlen)
{
    if (!o->tls_cert && !o->tls_key)
        return 0;
    if (!o->tls_cert || !o->tls_key) {
        snprintf(err, errlen, "HTTPS needs both a certificate and a key");
        return -1;
    }
    if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
        snprintf(err, errlen, "this libmicrohttpd has no TLS support");
        return -1;
    }
    e->tls_cert = read_pem(o->tls_cert, err, errlen);
    e->tls_key = e->tls_cert ? read_pem(o->tls_key, err, errlen) : NULL;
    return e->tls_key ? 0 : -1;
}

static int start_daemon(smsemu *e, const smsemu_opts *o, const struct sockaddr_in *sa, char *err,
                        size_t errlen)
{
    if (load_tls(e, o, err, errlen) < 0)
        return -1;
    struct MHD_OptionItem tls[] = {
        { MHD_OPTION_HTTPS_MEM_CERT, 0, e->tls_cert }, { MHD_OPTION_HTTPS_MEM_KEY, 0, e->tls_key },
        { MHD_OPTION_END, 0, NULL },
    };
    /* one thread per connection: a limit keeps a flood of idle sockets from taking every
     * thread for long, the idle timeout frees their slots */
    unsigned max_conn = o->max_connections > 0 ? (unsigned)o->max_connections : SMSEMU_MAX_CONNECTIONS;
    unsigned idle_s = o->idle_timeout_s > 0 ? (unsigned)o->idle_timeout_s : SMSEMU_IDLE_TIMEOUT_S;
    int fd = bind_listener(sa, &e->port, err, errlen);
    if (fd < 0)
        return -1;
    snprintf(e->ctx.url, sizeof e->ctx.url, "%s://%s:%d", e->tls_cert ? "https" : "http",
             inet_ntoa(sa->sin_addr), e->port);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
    if (e->tls_cert)
        flags |= MHD_USE_TLS;
    if (!e->ctx.quiet)
        flags |= MHD_USE_ERROR_LOG;
    e->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, e,
                                 MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
                                 MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                                 MHD_OPTION_CONNECTION_LIMIT, max_conn,
                                 MHD_OPTION_CONNECTION_TIMEOUT, idle_s,
                                 MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1u << 20),
                                 MHD_OPTION_ARRAY, e->tls_cert ? tls : tls + 2,
                                 MHD_OPTION_END);
    if (!e->daemon) {
        close(fd);                                  /* MHD leaves a given socket alone on failure */
        snprintf(err, errlen, "cannot start the HTTP service on %s", e->ctx.url);
        return -1;
    }
    return 0;
}

static int start_fleet(smsemu *e, const smsemu_opts *o, char *err, size_t errlen)
{
    if (o->servers <= 0)                /* no fleet: the inventory names only the extras */
        return o->inventory_out ? smsemu_rollout_write_inventory(o->inventory_out, e->ctx.seed, 0, NULL,
                                                                 o->inventory_extra, err, errlen)
                                : 0;
    smsemu_fleet_opts fo = {e->ctx.url, o->servers, e->ctx.seed, e->ctx.speed, o->no_agents, o->quiet,
                            o->inventory_extra, o->inventory_out, o->tls_cert};
    e->fleet = smsemu_fleet_start(&fo, err, errlen);
    if (!e->fleet)
        return -1;
    /* the agents poll no faster than the fleet's request budget allows */
    atomic_store(&e->ctx.connect_window_ms,
                 emu_connect_window_ms(e->ctx.speed, smsemu_fleet_poll_period_ms(e->fleet)));
    return 0;
}

smsemu *smsemu_start(const smsemu_opts *o, char *errbuf, size_t errlen)
{
    static const smsemu_opts defaults = {.listen = "127.0.0.1:0", .servers = 0};
    char dummy[8];
    if (!errbuf) {
        errbuf = dummy;
        errlen = sizeof dummy;
    }
    if (!o)
        o = &defaults;
    struct sockaddr_in sa;
    if (parse_listen(o->listen ? o->listen : "127.0.0.1:0", &sa, errbuf, errlen) < 0)
        return NULL;
    smsemu *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    if (ctx_init(&e->ctx, o, errbuf, errlen) < 0 || start_daemon(e, o, &sa, errbuf, errlen) < 0 ||
        start_fleet(e, o, errbuf, errlen) < 0) {
        smsemu_stop(e);
        return NULL;
    }
    return e;
}

const char *smsemu_url(const smsemu *e) { return e ? e->ctx.url : NULL; }
int smsemu_port(const smsemu *e) { return e ? e->port : 0; }

int64_t smsemu_poll_period_ms(const smsemu *e)
{
    return e ? smsemu_fleet_poll_period_ms(e->fleet) : 0;
}

int64_t smsemu_connect_window_ms(const smsemu *e)
{
    return e ? emu_ctx_connect_window_ms(&e->ctx) : 0;
}

void smsemu_stop(smsemu *e)
{
    if (!e)
        return;
    if (e->fleet)
        smsemu_fleet_stop(e->fleet);
    atomic_store(&e->stopping, true);
    if (e->daemon)
        MHD_stop_daemon(e->daemon);
    ctx_free(&e->ctx);
    if (e->tls_key)
        explicit_bzero(e->tls_key, strlen(e->tls_key));
    free(e->tls_cert);
    free(e->tls_key);
    free(e);
}

int smsemu_set_faults(smsemu *e, const char *const *specs, size_t n, char *errbuf, size_t errlen)
{
    char dummy[8];
    if (!errbuf) {
        errbuf = dummy;
        errlen = sizeof dummy;
    }
    for (size_t i = 0; i < n; i++)            /* validate all first: all or nothing */
        if (smsemu_parse_fault(specs[i], errbuf, errlen) < 0)
            return -1;
    emu_faults_clear(e->ctx.faults);
    for (size_t i = 0; i < n; i++)
        if (emu_faults_add(e->ctx.faults, specs[i], errbuf, errlen) < 0)
            return -1;
    return 0;
}

void smsemu_clear_faults(smsemu *e) { emu_faults_clear(e->ctx.faults); }
void smsemu_revoke_tokens(smsemu *e) { emu_tokens_revoke_all(e->ctx.tokens); }

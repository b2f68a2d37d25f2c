/* emu.h - internals shared by the emulator's modules (not part of the public API).
 *
 * Request flow (emulator.c): MHD -> emu_req (raw path, raw query, body) -> faults ->
 * route table -> auth (auth.c / iam.c) -> permission check -> handler (sources.c,
 * tasks.c, control.c) -> emu_resp -> faults shape the bytes on the wire.
 * All state lives in the store (store.c) behind one mutex; handlers take it with
 * emu_store_lock() and never call out while holding it. */
#ifndef SMSEMU_EMU_H
#define SMSEMU_EMU_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "emulator/emulator.h"
#include "model/codec.h"
#include "model/model.h"

#define EMU_MAX_PARAMS 2
#define EMU_MAX_QUERY 32
#define EMU_BODY_CAP (1u << 20)      /* bytes we read at all; larger -> 413 */
#define EMU_BODY_LIMIT 10240         /* SMS.2004: documented 10 KiB cap on small bodies */
#define EMU_LARGE_BODY (256 * 1024)  /* the cap on the larger bodies (register, create, lists) */

/* ---- identities and roles -------------------------------------------------- */

typedef enum emu_role { EMU_ROLE_VIEWER = 0, EMU_ROLE_OPERATOR = 1, EMU_ROLE_ADMIN = 2 } emu_role;

typedef struct emu_identity {
    const char *name, *password, *user_id;
    emu_role role;
} emu_identity;

extern const emu_identity emu_identities[];
extern const size_t emu_n_identities;
const emu_identity *emu_identity_by_name(const char *name);

/* ---- requests and responses ------------------------------------------------ */

typedef struct emu_kv { char *key, *value; } emu_kv;

typedef struct emu_req {
    const char *method;
    char *raw_path;                  /* undecoded, as on the request line */
    char *raw_query;                 /* without '?', "" when none */
    char *path;                      /* percent-decoded */
    char *body; size_t body_len;     /* NUL-terminated copy */
    bool body_too_big;
    emu_kv query[EMU_MAX_QUERY]; size_t n_query;   /* decoded */
    char *params[EMU_MAX_PARAMS]; size_t n_params; /* path {id}s */
    const emu_identity *who;         /* set by auth */
    char request_id[37];             /* X-Request-Id of the answer */
    void *conn;                      /* struct MHD_Connection * (for headers) */
    long count_claim;                /* fault count:N: every page is the first, count N */
} emu_req;

typedef struct emu_resp {
    int status;
    long retry_after_s;              /* > 0: a Retry-After header */
    char *body; size_t len;          /* malloc'd JSON text; NULL = empty body */
    char *subject_token;             /* X-Subject-Token (IAM only); wiped when freed */
    const char *request_id;          /* the request's X-Request-Id (borrowed) */
    const char *content_type;        /* NULL = application/json;charset=UTF-8 (static) */
    const char *disposition;         /* a Content-Disposition header, or NULL (static) */
} emu_resp;

const char *emu_req_header(const emu_req *r, const char *name);
const char *emu_req_query(const emu_req *r, const char *key);   /* first value or NULL */

void emu_resp_json(emu_resp *o, int status, cJSON *json);        /* takes json */
void emu_resp_text(emu_resp *o, int status, char *text);         /* takes text */
void emu_resp_empty_ok(emu_resp *o);                             /* 200 {} */
/* 200 with text (taken), or 500 SMS.2007 when text is NULL because building it ran out of memory. */
void emu_resp_ok_or_oom(emu_resp *o, char *text);
void emu_resp_error(emu_resp *o, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void emu_resp_gateway_error(emu_resp *o, int status, const char *code, const char *msg);
void emu_resp_forbidden(emu_resp *o, const char *action, const char *resource);
void emu_resp_free(emu_resp *o);

/* Whole-string decimal in [min, max]: 0 and *out set, or -1 (out untouched). */
int emu_parse_long(const char *s, long min, long max, long *out);

/* Query helpers: 0 ok (value or default in *out), -1 -> 400 already written to o. */
int emu_query_int(const emu_req *r, emu_resp *o, const char *key, long min, long max,
                  long dflt, long *out);
int emu_query_bool(const emu_req *r, emu_resp *o, const char *key, int *out); /* -1 unset */
/* The list endpoints' paging: limit 0-200 (0 or unset = 200), offset 0-65535. */
int emu_query_page(const emu_req *r, emu_resp *o, long *limit, long *offset);

/* Body helpers: parse the body as t in request mode; -1 -> 400 already written. */
int emu_body_decode(const emu_req *r, emu_resp *o, const sms_type *type, void *out, size_t cap,
                    const char *must_have);
cJSON *emu_body_json(const emu_req *r, emu_resp *o, size_t cap);
/* The query names (and, for body-less requests, the absence of a body) against the
 * contract table; bodies are checked by emu_body_json. -1 -> 400 already written. */
int emu_contract_request(const emu_req *r, emu_resp *o);
bool emu_utf8_valid(const char *s);

/* ---- clock and ids ---------------------------------------------------------- */

int64_t emu_wall_ms(void);           /* CLOCK_REALTIME in ms */
void emu_new_id(char out[37]);       /* random UUID v4 text */
uint64_t emu_splitmix(uint64_t *state);

/* ---- store (store.c) -------------------------------------------------------- */

typedef enum emu_cmd_event { EMU_CMD_ISSUED, EMU_CMD_DELIVERED, EMU_CMD_REPORTED } emu_cmd_event;

typedef struct emu_command {
    char *name, *task_id, *bucket;
} emu_command;

typedef struct emu_cmd_log {
    emu_cmd_event event;
    char *name, *task_id, *result, *detail;  /* result/detail only for REPORTED */
    int64_t at_ms;
} emu_cmd_log;

typedef struct emu_task emu_task;

typedef struct emu_server {
    sms_server s;                    /* the record as served (SMS_T_SERVER keys) */
    char *list_json;                 /* cached list item; NULL when stale */
    bool list_connected;             /* the `connected` baked into list_json */
    bool deleted;                    /* gone from the API; kept until the agent acks DELETE */
    int64_t last_seen_ms;            /* agent contact: register, command poll, result */
    emu_task *task;                  /* current task or NULL */
    emu_command *pending; size_t n_pending, cap_pending;
    emu_command *awaiting; size_t n_awaiting, cap_awaiting;   /* delivered, no result yet */
    emu_cmd_log *log; size_t n_log, cap_log;
} emu_server;

struct emu_task {
    sms_task t;                      /* the record as served (SMS_T_TASK keys) */
    char *list_json;
    emu_server *server;              /* back pointer (NULL after the source is deleted) */
    sms_speed_limits limits;
    sms_consistency_results consistency;
    bool cleared;                    /* snapshots cleared: no more sync */
    int64_t timer_due_ms;            /* pending timed transition (cutover, clone, clear) */
    int timer_kind;                  /* EMU_TIMER_* in statemachine.c */
    bool completed;                  /* full replication reached 100 % */
    uint32_t next_subtask_id;
};

typedef struct emu_store emu_store;

emu_store *emu_store_new(void);
void emu_store_free(emu_store *st);
void emu_store_lock(emu_store *st);
void emu_store_unlock(emu_store *st);

emu_server *emu_store_add_server(emu_store *st, sms_server *rec);     /* takes rec's contents */
emu_server *emu_store_server(emu_store *st, const char *id, bool include_deleted);
void emu_store_remove_server(emu_store *st, emu_server *sv);          /* frees it */
void emu_store_mark_deleted(emu_store *st, emu_server *sv);           /* gone from the API */
size_t emu_store_n_servers(const emu_store *st);                      /* live ones */
emu_server *emu_store_server_at(emu_store *st, size_t i);             /* insertion order, may be deleted */
size_t emu_store_server_slots(const emu_store *st);

emu_task *emu_store_add_task(emu_store *st, emu_server *sv, sms_task *rec);
emu_task *emu_store_task(emu_store *st, const char *id);
void emu_store_remove_task(emu_store *st, emu_task *tk);
size_t emu_store_task_slots(const emu_store *st);
emu_task *emu_store_task_at(emu_store *st, size_t i);

void emu_server_touch(emu_server *sv);                                /* list cache stale */
void emu_task_touch(emu_task *tk);
/* Contact window (ms) for a speed and the fleet's poll period (0 = no fleet). */
int64_t emu_connect_window_ms(double speed, int64_t poll_period_ms);
/* Whether the agent was heard from within window_ms (emu_ctx_connect_window_ms). */
bool emu_server_connected(const emu_server *sv, int64_t now, int64_t window_ms);
void emu_server_queue(emu_server *sv, const char *name, const char *task_id, const char *bucket,
                      int64_t now);
/* Moves the oldest pending command to the awaiting list; false when none is pending. */
bool emu_server_deliver(emu_server *sv, emu_command *out, int64_t now); /* out: borrowed */
/* Removes the oldest awaiting command called name; false when there is none. */
bool emu_server_settle(emu_server *sv, const char *name, char **task_id_out);
void emu_server_log(emu_server *sv, emu_cmd_event ev, const char *name, const char *task_id,
                    const char *result, const char *detail, int64_t now);
void emu_set_str(char **field, const char *value);                    /* strdup, NULL-safe */

/* ---- faults (faults.c) ------------------------------------------------------ */

typedef enum emu_fault_kind {
    EMU_FAULT_NONE = 0, EMU_FAULT_LATENCY, EMU_FAULT_JITTER, EMU_FAULT_STATUS,
    EMU_FAULT_MALFORMED, EMU_FAULT_TRUNCATE, EMU_FAULT_RESET, EMU_FAULT_TRICKLE,
    EMU_FAULT_OVERSIZE, EMU_FAULT_REVOKE, EMU_FAULT_COUNT, EMU_FAULT_CHUNKED,
} emu_fault_kind;

typedef struct emu_fault_plan {      /* what the faults decided for one request */
    long delay_ms;                   /* latency + jitter */
    int status;                      /* replace the answer with this status (0 = no) */
    bool malformed, truncate, reset, revoke;
    long trickle_bps;                /* 0 = off */
    long oversize_bytes;             /* 0 = off */
    long count_claim;                /* list answers: a broken pager (0 = off) */
    bool chunked;                    /* no Content-Length: chunked transfer encoding */
} emu_fault_plan;

typedef struct emu_faults emu_faults;

emu_faults *emu_faults_new(uint64_t seed);
void emu_faults_free(emu_faults *f);
int emu_faults_add(emu_faults *f, const char *spec, char *err, size_t errlen);
int emu_faults_load_file(emu_faults *f, const char *path, char *err, size_t errlen);
void emu_faults_clear(emu_faults *f);
size_t emu_faults_count(emu_faults *f);
void emu_faults_plan(emu_faults *f, const char *path, emu_fault_plan *out);
cJSON *emu_faults_to_json(emu_faults *f);
const char *emu_fault_kinds_help(void);

/* ---- the service ------------------------------------------------------------ */

typedef struct emu_stats {
    uint64_t requests, by_status[6];  /* 1xx..5xx buckets by status/100 */
    uint64_t faults_applied, sources_requests, tasks_requests, iam_requests;
    /* what a console reads (GET): list pages, single servers, overview, tasks */
    uint64_t list_requests, show_requests, overview_requests, task_requests, throttled;
} emu_stats;

/* ---- rate limit (ratelimit.c) ------------------------------------------------- */

typedef struct emu_ratelimit emu_ratelimit;
emu_ratelimit *emu_ratelimit_new(long per_min);     /* NULL when per_min <= 0 */
void emu_ratelimit_free(emu_ratelimit *rl);         /* NULL-safe */
/* 0 when caller may go on, else the seconds to wait (Retry-After). NULL rl: 0. */
long emu_ratelimit_take(emu_ratelimit *rl, const char *caller);
/* "N/min" -> N (1-1000000). 0 ok, -1 malformed. */
int emu_parse_rate(const char *s, long *per_min);

typedef struct emu_ctx {
    emu_store *store;
    emu_faults *faults;
    double speed;
    int token_ttl_s;
    uint64_t seed;
    bool quiet;
    pthread_mutex_t stats_mu;
    emu_stats stats;
    void *tokens;                    /* iam.c token table */
    char url[64];                    /* "http://127.0.0.1:PORT" */
    _Atomic int64_t clock_offset_ms; /* /emulator/clock: emulated time = wall + offset */
    _Atomic int64_t connect_window_ms; /* emu_connect_window_ms(), set once the fleet runs */
    emu_ratelimit *ratelimit;        /* --rate-limit, NULL = none */
    long rate_limit_per_min;
    size_t max_servers;              /* registration quota (SMS.6526 beyond it) */
} emu_ctx;

int64_t emu_now(const emu_ctx *c);   /* the emulator's clock (ms since the epoch) */
int64_t emu_ctx_connect_window_ms(const emu_ctx *c);   /* the window in force */

/* iam.c */
void *emu_tokens_new(void);
void emu_tokens_free(void *tokens);
void emu_tokens_revoke_all(void *tokens);
void emu_iam_login(emu_ctx *c, const emu_req *r, emu_resp *o);
/* GET /v3/projects[?name=N] (KeystoneListProjects): the one project, when its name matches. */
void emu_h_iam_projects(emu_ctx *c, emu_req *r, emu_resp *o);
/* 0 with *who set, or -1 when the token is unknown/expired (msg says which). */
int emu_tokens_check(void *tokens, const char *token, int64_t now, const emu_identity **who,
                     char *msg, size_t msglen);

/* auth.c: authenticates r (token or AK/SK) and sets r->who; -1 -> 401 written. */
int emu_authenticate(emu_ctx *c, emu_req *r, emu_resp *o);

/* handlers: sources.c, tasks.c, control.c */
typedef void (*emu_handler)(emu_ctx *c, emu_req *r, emu_resp *o);

void emu_h_sources_list(emu_ctx *, emu_req *, emu_resp *);
void emu_h_sources_show(emu_ctx *, emu_req *, emu_resp *);
void emu_h_sources_overview(emu_ctx *, emu_req *, emu_resp *);
void emu_h_sources_errors(emu_ctx *, emu_req *, emu_resp *);
void emu_h_sources_register(emu_ctx *, emu_req *, emu_resp *);
void emu_h_sources_rename(emu_ctx *, emu_req *, emu_resp *);
void emu_h_sources_delete(emu_ctx *, emu_req *, emu_resp *);
void emu_h_sources_batch_delete(emu_ctx *, emu_req *, emu_resp *);
void emu_h_sources_command(emu_ctx *, emu_req *, emu_resp *);
void emu_h_sources_command_result(emu_ctx *, emu_req *, emu_resp *);

void emu_h_tasks_list(emu_ctx *, emu_req *, emu_resp *);
void emu_h_tasks_show(emu_ctx *, emu_req *, emu_resp *);
void emu_h_tasks_create(emu_ctx *, emu_req *, emu_resp *);
void emu_h_tasks_delete(emu_ctx *, emu_req *, emu_resp *);
void emu_h_tasks_batch_delete(emu_ctx *, emu_req *, emu_resp *);
void emu_h_tasks_action(emu_ctx *, emu_req *, emu_resp *);
void emu_h_tasks_progress(emu_ctx *, emu_req *, emu_resp *);
void emu_h_tasks_speed_get(emu_ctx *, emu_req *, emu_resp *);
void emu_h_tasks_speed_set(emu_ctx *, emu_req *, emu_resp *);
void emu_h_tasks_log(emu_ctx *, emu_req *, emu_resp *);
void emu_h_tasks_consistency_get(emu_ctx *, emu_req *, emu_resp *);
void emu_h_tasks_consistency_post(emu_ctx *, emu_req *, emu_resp *);
void emu_h_tasks_export(emu_ctx *, emu_req *, emu_resp *);

void emu_h_ctl_faults_put(emu_ctx *, emu_req *, emu_resp *);
void emu_h_ctl_faults_get(emu_ctx *, emu_req *, emu_resp *);
void emu_h_ctl_faults_delete(emu_ctx *, emu_req *, emu_resp *);
void emu_h_ctl_revoke(emu_ctx *, emu_req *, emu_resp *);
void emu_h_ctl_commands(emu_ctx *, emu_req *, emu_resp *);
void emu_h_ctl_stats(emu_ctx *, emu_req *, emu_resp *);
void emu_h_ctl_clock(emu_ctx *, emu_req *, emu_resp *);
void emu_h_ctl_server(emu_ctx *, emu_req *, emu_resp *);
void emu_h_ctl_move(emu_ctx *, emu_req *, emu_resp *);
void emu_h_version(emu_ctx *, emu_req *, emu_resp *);

/* statemachine.c: the rules of docs/api-model.md §4.5. Called with the store locked.
 * Each returns 0, or fills o with the documented 400 and returns -1. */
void emu_sm_registered(emu_server *sv, int64_t now);
void emu_sm_task_created(emu_task *tk, int64_t now);
int emu_sm_action(emu_ctx *c, emu_task *tk, const char *op, emu_resp *o);
int emu_sm_progress(emu_ctx *c, emu_task *tk, const sms_progress *p, int64_t now, emu_resp *o);
int emu_sm_command_result(emu_ctx *c, emu_server *sv, const sms_command_result *cr, emu_resp *o);
int emu_sm_can_delete_task(emu_ctx *c, const emu_task *tk, emu_resp *o);
/* NULL when the shared rule (model/taskrules.h) allows request on tk now, else why not. */
const char *emu_sm_refusal(emu_ctx *c, const emu_task *tk, const char *request, char *buf, size_t len);
void emu_sm_task_detached(emu_server *sv, int64_t now);     /* task deleted: back to waiting */
void emu_sm_tick(emu_ctx *c, emu_task *tk, int64_t now);     /* timed transitions, lazily */
void emu_sm_log_requested(emu_task *tk, const char *bucket, int64_t now);
void emu_sm_sync_current_task(emu_task *tk);                 /* copy task view into server */

/* encoding helpers (sources.c / tasks.c) */
char *emu_server_list_item(emu_ctx *c, emu_server *sv, int64_t now);   /* cached, do not free */
char *emu_task_list_item(emu_task *tk);                                 /* cached, do not free */

#endif

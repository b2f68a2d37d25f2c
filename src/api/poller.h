/* poller.h - background polling and the operator's actions, published to the UI as
 * immutable snapshots.
 *
 * Threads: sms_poller_start() runs two threads, each with its own sms_client:
 *  - the poller: every refresh interval the overview, the moving subset of the fleet and
 *    one page of a background sweep (docs/design.md, "Refreshing a large fleet"; the
 *    whole list at start and on sms_poller_refresh_now), and the selected server's detail
 *    + current task when its list item changed or every detail interval; on failure it
 *    keeps the last good data, marks the snapshot stale and backs off (capped), then
 *    recovers by itself;
 *  - the action worker: runs queued operator actions one by one (never retried after they
 *    may have reached the server), records each in the command history.
 * Every change is published as a new sms_snapshot (all strings already sanitised), and
 * the UI is woken by a write to sms_poller_wake_fd(). The UI never waits on the network.
 *
 * Ownership: sms_poller_take() returns a snapshot reference the UI owns until it calls
 * sms_snapshot_release(). A snapshot and everything it points to is immutable; parts
 * that did not change are shared between consecutive snapshots (refcounted). */
#ifndef SMS_API_POLLER_H
#define SMS_API_POLLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "api/client.h"

/* ---- snapshot parts ------------------------------------------------------ */

typedef struct sms_fleet {          /* one successful fetch of overview + server list */
    int refs;                       /* internal */
    int64_t fetched_ms;             /* wall clock, ms since epoch */
    sms_overview overview;
    sms_server *servers; size_t n_servers;   /* list items, sanitised, API order */
    const uint64_t *revs;           /* per server, or NULL: a number that changes whenever
                                       its data may have changed. Taken from one counter
                                       for the whole process, so the same number in two
                                       fleets is the same server with the same data: the
                                       UI skips what it derived from it before */
    size_t n_unreadable;            /* of which placeholders for records that could not be
                                       read (bad_record set; no id when anon_key is set) */
    int32_t count;                  /* total the API reported */
} sms_fleet;

typedef struct sms_detail {         /* one fetch of the selected server */
    int refs;
    int64_t fetched_ms;
    char *server_id;
    sms_server server;              /* full detail (disks, VGs, btrfs, NICs, checks) */
    bool has_task; sms_task task;   /* ShowTask of current_task.id */
    bool has_limits;                /* GET .../speed-limit answered (maybe with none) */
    sms_speed_limits limits;        /* the limits in force, sanitised */
} sms_detail;

/* Agent versions by server id: the list lacks agent_version, ShowServer has it. The
 * poller fills this slowly in the background (docs/agents.md), one detail at a time. */
typedef struct sms_agent_version_entry {
    char *id, *version;             /* sanitised */
    int64_t add_date;               /* of the registration the version was read for */
} sms_agent_version_entry;

typedef struct sms_agent_versions {
    int refs;
    sms_agent_version_entry *entries; size_t n_entries;   /* sorted by id */
} sms_agent_versions;

/* The version recorded for id, NULL when not fetched yet. NULL-safe. */
const char *sms_agent_versions_find(const sms_agent_versions *v, const char *id);

typedef enum sms_call_id {          /* per-call health, in the snapshot */
    SMS_CALL_OVERVIEW, SMS_CALL_SERVERS, SMS_CALL_DETAIL, SMS_CALL_TASK, SMS_CALL__COUNT
} sms_call_id;

typedef struct sms_health {
    bool ok;                        /* last attempt succeeded */
    int64_t last_ok_ms, last_try_ms;
    unsigned failures;              /* consecutive */
    sms_call_error error;           /* last failure (kind NONE if none yet) */
} sms_health;

/* ---- operator actions and their history ---------------------------------- */

typedef enum sms_action_kind {     /* each is exactly one documented request (docs/api.md) */
    SMS_ACT_START,          /* POST /v3/tasks/{id}/action start          -> agent START */
    SMS_ACT_STOP,           /* ... action stop                           -> agent STOP */
    SMS_ACT_RESTART,        /* ... action restart (after MIGRATE_FAIL)   -> agent START */
    SMS_ACT_LAUNCH,         /* ... action test: launch the target */
    SMS_ACT_CLONE_TEST,     /* ... action clone_test */
    SMS_ACT_NETWORK_CHECK,  /* ... action network_check */
    SMS_ACT_SKIP,           /* ... action skip (the consistency check)   -> agent SKIP */
    SMS_ACT_CLEAR,          /* ... action clear (snapshots) */
    SMS_ACT_MIGRATION_TEST, /* ... action migration_test (drill)         -> agent PREMIGRATE */
    SMS_ACT_DELETE,         /* DELETE /v3/sources/{id}                   -> agent DELETE */
    SMS_ACT_DELETE_TASK,    /* DELETE /v3/tasks/{id} */
    SMS_ACT_UPLOAD_LOG,     /* POST /v3/tasks/{id}/log {log_bucket}      -> agent UPLOAD_LOG */
    SMS_ACT_SPEED_LIMIT,    /* POST /v3/tasks/{id}/speed-limit */
    SMS_ACT_EXPORT,         /* POST /v3/tasks/consistency-results/export */
    SMS_ACT__COUNT
} sms_action_kind;

/* "start", "stop", "upload-log", ...: the `:` command of the console's action table, and
 * the name the history and audit files write. */
const char *sms_action_name(sms_action_kind k);
/* The official `operation` value a task action sends ("start", "test", ...), or NULL for
 * the kinds that are other requests. */
const char *sms_action_operation(sms_action_kind k);
/* NULL when the API allows k on server s now (model/taskrules.h), else why not, in buf. */
const char *sms_action_refusal(sms_action_kind k, const sms_server *s, char *buf, size_t len);

typedef struct sms_action_req {
    sms_action_kind kind;
    char **server_ids; size_t n_server_ids;          /* copied by submit */
    const char *bucket;                               /* UPLOAD_LOG */
    const sms_speed_limits *limits;                   /* SPEED_LIMIT (copied) */
    uint64_t *entry_ids;            /* optional out: each server's history id (n_server_ids
                                       slots, 0 where none), so a caller can follow a bulk
                                       action entry by entry; an export has one entry for
                                       all of them, in slot 0 */
} sms_action_req;

typedef enum sms_outcome {
    SMS_OUT_PENDING,        /* queued or in flight */
    SMS_OUT_OK,             /* the API accepted it */
    SMS_OUT_FAILED,         /* the API refused it, or it was refused locally */
    SMS_OUT_UNKNOWN,        /* may have been applied: check the task state */
} sms_outcome;

/* What became of the servers of an action recorded as one entry (export): how many were
 * asked, how many tasks and requests were sent, and each server's verdict (refused: the
 * API or the console said no; failed: no meaningful answer; unknown: may have been
 * applied). */
typedef struct sms_entry_counts {
    uint32_t servers, tasks, batches;
    uint32_t accepted, refused, failed, unknown;
} sms_entry_counts;

typedef struct sms_history_entry {
    uint64_t id;                    /* unique, increasing */
    int64_t at_ms, done_ms;
    char *user, *context;
    sms_action_kind action;
    char *server_id, *server_name, *task_id;
    sms_outcome outcome;
    sms_call_error error;           /* when FAILED/UNKNOWN */
    char *state_after;              /* server state/task state observed after it, e.g. "replicate / RUNNING" */
    bool following;                 /* state_after still follows the server, until it reaches the
                                       state the action leads to (or SMS_FOLLOW_TIMEOUT_MS) */
    /* An export is one entry for all its servers: server_id/task_id only when it had one
     * server, server_name "N servers" otherwise; state_after says where the report (and
     * the API's answer, when it is a file) went. */
    bool has_counts; sms_entry_counts counts;
    char *detail;                   /* servers not accepted, one line each: "name  REFUSED  why" */
} sms_history_entry;

/* How long STATE AFTER follows a server that does not reach the state its action leads
 * to; then the entry says so ("... no stopped after 10 min"). */
#define SMS_FOLLOW_TIMEOUT_MS (10 * 60 * 1000)

typedef struct sms_history {        /* newest last; kept across restarts (history.jsonl) */
    int refs;
    sms_history_entry *entries; size_t n_entries;
} sms_history;

/* What the refresh strategy did (docs/design.md), cumulative since start. */
typedef struct sms_refresh_stats {
    uint64_t refreshes;             /* fleet refreshes attempted */
    uint64_t full_listings;         /* every page of the fleet (start, refresh key, mismatch) */
    uint64_t moving_queries;        /* state-filtered listings of the moving subset */
    uint64_t sweep_pages;           /* background sweep pages */
    uint64_t single_fetches;        /* ShowServer of a server that left the moving subset */
    uint64_t sweeps_completed;
    int64_t last_full_ms;           /* wall clock of the last full listing or completed sweep */
    uint64_t late_waits;            /* the poller thread's waits whose end had already come:
                                       a few are races, many are a busy loop */
} sms_refresh_stats;

/* ---- the snapshot -------------------------------------------------------- */

typedef struct sms_snapshot {
    uint64_t seq;                   /* increases with every publish */
    uint64_t fleet_seq;             /* increases when the fleet's data changed; a fetch that
                                       finds the same data gives a new `fleet` (fetched_ms)
                                       under the same fleet_seq, with the same servers array */
    int64_t now_ms;                 /* when it was published */
    const sms_fleet *fleet;         /* NULL until the first successful fetch */
    const sms_detail *detail;       /* NULL if nothing selected or not fetched yet */
    const sms_history *history;
    const sms_agent_versions *versions; /* NULL until the first version is known */
    sms_health health[SMS_CALL__COUNT];
    bool stale;                     /* the last fleet fetch failed: data is fleet->fetched_ms old */
    int64_t next_poll_ms;           /* when the poller will try again */
    bool logged_in; char *user;     /* who we are, for the status line */
    bool login_refused;             /* IAM answered 401 to our credentials: the poller makes
                                       no further login attempt (which could lock the IAM
                                       user) until sms_poller_refresh_now() */
    sms_refresh_stats refresh;
    int64_t throttled_until_ms;     /* wall clock: after a 429 the poller spaces its requests
                                       out until then (sms_client_throttled_until_ms) */
} sms_snapshot;

void sms_snapshot_release(sms_snapshot *s);  /* NULL-safe */

/* ---- the poller ---------------------------------------------------------- */

typedef struct sms_poller_opts {
    sms_client_opts client;         /* each thread makes its own client from this */
    int refresh_ms;                 /* fleet refresh, default 5000 */
    int detail_ms;                  /* selected server refresh when nothing moved, default 60000 */
    int max_backoff_ms;             /* default 60000 */
    int version_ms;                 /* one ShowServer for an unknown agent version this often;
                                       default 1000, < 0 = never */
    const char *history_path;       /* NULL = $XDG_STATE_HOME/smsconsole/history.jsonl, "" = memory only */
} sms_poller_opts;

typedef struct sms_poller sms_poller;

sms_poller *sms_poller_start(const sms_poller_opts *o, sms_call_error *err);
/* Stops both threads; cancels in-flight requests; returns within ~200 ms. */
void sms_poller_stop(sms_poller *p);
int sms_poller_wake_fd(const sms_poller *p);      /* readable when a snapshot is waiting */
/* Newest snapshot not yet taken (drains the wake fd), or NULL if nothing new. */
sms_snapshot *sms_poller_take(sms_poller *p);
void sms_poller_select(sms_poller *p, const char *server_id);  /* NULL = none; fetches now */
/* Also the operator's go-ahead for one more login after IAM refused one. */
void sms_poller_refresh_now(sms_poller *p);     /* lists the whole fleet now */
void sms_poller_set_refresh(sms_poller *p, int refresh_ms);
/* Queue an action. Returns its history id (> 0), or 0 if it could not be queued.
 * In read-only mode the entry is recorded as FAILED with SMS_E_READONLY and nothing is sent. */
uint64_t sms_poller_submit(sms_poller *p, const sms_action_req *req);
/* An action the console refused in read-only mode: one audit line per server (outcome
 * "refused", with its arguments), no request, no history entry. */
void sms_poller_audit_refused(sms_poller *p, const sms_action_req *req);

/* ---- one-shot dump (smsconsole --dump) ----------------------------------- */

typedef enum sms_dump_format { SMS_DUMP_JSON, SMS_DUMP_TEXT } sms_dump_format;
/* Fetches overview, servers, errors and tasks once and writes them to out.
 * 0 on success; -1 with *e filled. */
int sms_dump(const sms_client_opts *o, sms_dump_format fmt, FILE *out, sms_call_error *e);
/* Every host's agent state (docs/agents.md), the servers joined with inv (NULL = none),
 * as JSON or a text table. 0 ok; -1 with *e filled. */
struct sms_inventory;
int sms_dump_agents(const sms_client_opts *o, const struct sms_inventory *inv, int64_t install_window_ms,
                    sms_dump_format fmt, FILE *out, sms_call_error *e);

#endif

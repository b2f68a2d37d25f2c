/* poller_internal.h - state shared by the poller thread (poller.c) and the action worker
 * (poller_actions.c). Internal to src/api. Everything below `mu` is guarded by it. */
#ifndef SMS_API_POLLER_INTERNAL_H
#define SMS_API_POLLER_INTERNAL_H

#include <pthread.h>
#include "api/fleet_book.h"
#include "api/history.h"
#include "api/poller.h"

typedef struct sms_job {                /* one queued sms_action_req */
    struct sms_job *next;
    sms_action_kind kind;
    size_t n;                           /* servers, and their history entries */
    char **server_ids;
    uint64_t *entry_ids;
    char *bucket;
    sms_speed_limits limits;
} sms_job;

struct sms_poller {
    /* fixed after start */
    char *user, *context;               /* for history entries and the status line */
    bool readonly;
    int max_backoff_ms;
    sms_client *poll_client, *act_client;
    pthread_t poll_thread, act_thread;
    int wake_r, wake_w;

    pthread_mutex_t mu;
    pthread_cond_t poll_cv, act_cv;
    bool stopping;

    /* poller control */
    int refresh_ms, detail_ms;
    bool refresh_requested, detail_requested;
    bool fleet_tried;
    int64_t last_fleet_try, last_detail_try;   /* monotonic ms */
    char *selected;

    /* what the next snapshot shows */
    const sms_fleet *fleet;
    uint64_t fleet_seq;
    const sms_detail *detail;
    sms_history_log hist;
    const sms_history *hist_pub;        /* published copy of hist; rebuilt when dirty */
    bool hist_dirty;
    sms_health health[SMS_CALL__COUNT];
    bool stale, logged_in;
    bool login_refused;                 /* IAM said 401: no login until refresh_now */
    int64_t next_poll_ms;
    sms_refresh_stats refresh_pub;      /* copy of stats for snapshots */
    int64_t throttled_until_ms;         /* the clients' pacing after a 429 (wall clock) */
    uint64_t seq;
    sms_snapshot *slot;                 /* newest snapshot not yet taken */
    bool wake_pending;                  /* a byte sits in the pipe */

    /* history entries waiting for the state observed after their action: a fetch can
     * show it only if it started after the action ended (fetch_gen counts fetch starts) */
    uint64_t fetch_gen;
    struct sms_awaiting { uint64_t id, after_gen; } *awaiting;
    size_t n_awaiting, alloc_awaiting;

    /* agent versions (poller_versions.c) */
    int version_ms;
    int64_t last_version_try;           /* monotonic ms */
    size_t version_cursor;              /* where the next scan of the fleet starts */
    sms_agent_version_entry *ver; size_t n_ver, cap_ver;   /* sorted by id, owned */
    const sms_agent_versions *ver_pub;  /* published copy; rebuilt when dirty */
    bool ver_dirty;
    bool ver_idle; uint64_t ver_idle_seq;   /* all known for this fleet_seq: no scan */
    int64_t ver_published_mono;

    /* action queue */
    sms_job *jobs_head, *jobs_tail;

    /* the refresh strategy (poller_fleet.c): touched by the poller thread only, not under mu */
    sms_fleet_book book;
    bool book_loaded;               /* a full listing succeeded once */
    bool full_wanted;               /* list everything at the next refresh */
    unsigned ov_mismatches;         /* consecutive refreshes the overview disagreed */
    sms_page_vec full_pages;        /* pages of the full listing by index (shared if unchanged) */
    sms_page_vec moving_pages[SMS_N_MOVING_STATES];   /* pages of each moving state's listing */
    long sweep_offset;              /* background sweep: next page */
    size_t sweep_index;
    int32_t sweep_count;            /* count its first page claimed (-1: none yet) */
    bool sweep_shifted;
    uint64_t sweep_gen;             /* fetch number when the sweep started */
    char *selected_seen;            /* the selected server's list item as last seen (JSON) */
    sms_refresh_stats stats;
    /* list and detail reads per refresh interval (docs/design.md): what a refresh must read
     * is spent whatever it costs; the background sweep and agent versions go only while
     * there is some left, the sweep at least one page every SMS_SWEEP_MAX_SKIPS + 1
     * refreshes */
    double budget;                  /* reads available now (may go below 0) */
    int64_t budget_at;              /* monotonic ms of the last refill */
    int budget_refresh_ms;          /* refresh_ms, copied under mu by the poller thread */
    unsigned sweep_skips;
    uint64_t reads_spent;           /* every read counted, ever */
    unsigned refresh_need;          /* reads the last refresh took, its sweep page included */
};

#define SMS_READS_PER_REFRESH 5     /* 60 a minute at the default 5 s refresh */
#define SMS_SWEEP_MAX_SKIPS 3

/* Poller thread only: n reads were made (spent whatever is left). */
void sms_budget_spend(sms_poller *p, unsigned n);
/* Poller thread only: one read if the budget has one (then spent), else false. */
bool sms_budget_try(sms_poller *p);
/* Poller thread only: one read if the budget keeps what the next refresh will need (the
 * last refresh's reads) after it; for the reads nothing depends on (agent versions). */
bool sms_budget_try_spare(sms_poller *p);

/* One fleet refresh by the strategy of docs/design.md: 0 ok, -1 with *e filled (the book
 * keeps what it had). ov is NULL when the overview could not be read. */
int sms_poller_refresh_fleet(sms_poller *p, uint64_t gen, const sms_overview *ov,
                             sms_call_error *e);
void sms_poller_fleet_free(sms_poller *p);
/* Reads one server into the book again (a 404 removes it). 0, or -1 with *e filled. */
int sms_poller_refetch_server(sms_poller *p, const char *id, uint64_t gen, sms_call_error *e);

/* With mu held: build a snapshot of the current state, put it in the slot, wake the UI. */
void sms_poller_publish_locked(sms_poller *p);
/* With mu held: write entry e (already changed in p->hist) to the file, mark the
 * published history dirty. Pointers into p->hist are invalid afterwards. */
void sms_poller_history_changed_locked(sms_poller *p, const sms_history_entry *e);
/* With mu held: remember that entry id wants the next observed state of its server. */
void sms_poller_await_state_locked(sms_poller *p, uint64_t id);

/* Agent versions (poller_versions.c). With mu held: the id of the next server whose
 * version is unknown or stale (malloc'd; NULL = none); record a version; the copy to
 * publish (rebuilt at most every few seconds); free everything. */
char *sms_versions_next_locked(sms_poller *p);
void sms_versions_record_locked(sms_poller *p, const sms_server *s);
const sms_agent_versions *sms_versions_publish_locked(sms_poller *p, int64_t now_mono, bool force);
void sms_versions_free_locked(sms_poller *p);
/* Fetch one server's detail for its version (poller thread, mu not held). */
void sms_versions_fetch(sms_poller *p, const char *id);

/* The action worker thread (poller_actions.c). */
void *sms_poller_action_main(void *arg);
void sms_job_free(sms_job *j);

#endif

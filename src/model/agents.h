/* agents.h - health of the migration agent on every host: states, reason codes, the
 * supported-OS table and the derivation rule (docs/agents.md). Pure: no I/O, no clock.
 *
 * Vocabulary (seed 003, a peer cloud's DescribeAgentInstallStatus): a per-host Result
 * (-1 not installed, 0 installing, 1 installed, 2 failed) with a numeric reason code.
 * We keep those numbers, add "unexpected" for registered servers missing from the
 * inventory, and give SMS-specific causes codes of our own (2000 and up). */
#ifndef SMS_MODEL_AGENTS_H
#define SMS_MODEL_AGENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/inventory.h"
#include "model/model.h"

typedef enum sms_agent_state {
    SMS_AGENT_NOT_INSTALLED = -1,   /* in the inventory, never registered */
    SMS_AGENT_INSTALLING = 0,       /* registered, not connected yet (within the window) */
    SMS_AGENT_INSTALLED = 1,        /* connected */
    SMS_AGENT_FAILED = 2,           /* silent, disconnected or OS not supported */
    SMS_AGENT_UNEXPECTED = 3,       /* ours: registered but not in the inventory */
} sms_agent_state;
#define SMS_AGENT_N_STATES 5

typedef struct sms_agent_state_info {
    sms_agent_state state;
    const char *label;              /* "not installed" */
    const char *help;
} sms_agent_state_info;
const sms_agent_state_info *sms_agent_state_info_of(sms_agent_state s);
/* 0..SMS_AGENT_N_STATES-1 in the order -1, 0, 1, 2, 3: for count arrays. */
int sms_agent_state_slot(sms_agent_state s);

typedef enum sms_agent_reason {
    SMS_AR_NOT_INSTALLED = -1,      /* seed -1 */
    SMS_AR_OK = 0,                  /* seed 0: installed (and connected) */
    SMS_AR_NO_PROCESS = 8,          /* seed 8: no client process detected */
    SMS_AR_OS_UNSUPPORTED = 1003,   /* seed 1003: the operating system is not supported */
    SMS_AR_WAITING = 2001,          /* ours: registered, waiting for the first connection */
    SMS_AR_OLD_VERSION = 2003,      /* ours: connected, agent older than the fleet's newest */
    SMS_AR_NOT_IN_INVENTORY = 2004, /* ours: registered, not in the inventory */
} sms_agent_reason;

typedef struct sms_agent_reason_info {
    int code;
    const char *message;            /* what happened, seed wording where it applies */
    const char *hint;               /* one line: what to do */
} sms_agent_reason_info;
extern const sms_agent_reason_info sms_agent_reasons[];
extern const size_t sms_n_agent_reasons;
const sms_agent_reason_info *sms_agent_reason_lookup(int code);     /* NULL if unknown */

/* ---- supported operating systems (data) -------------------------------------- */

typedef struct sms_os_support {
    const char *os_type;            /* "LINUX" / "WINDOWS" */
    const char *family;             /* leading letters of os_version: "CENTOS", "WINDOWS" */
    int min_major, max_major;       /* inclusive, on the first number after the family */
} sms_os_support;
extern const sms_os_support sms_supported_os[];
extern const size_t sms_n_supported_os;
/* False only when os_version names a family/version outside the table; an absent or
 * unparsable os_version is not held against the host (true). */
bool sms_os_supported(const char *os_type, const char *os_version);

/* ---- agent versions ------------------------------------------------------------- */

/* Dotted versions compared number by number ("24.12.1" > "24.9.0"); NULL sorts first. */
int sms_agent_version_cmp(const char *a, const char *b);

/* ---- the derivation rule ------------------------------------------------------- */

typedef struct sms_agent_policy {
    int64_t install_window_ms;      /* how long a registered agent may take to connect */
} sms_agent_policy;
#define SMS_AGENT_INSTALL_WINDOW_MS (10 * 60 * 1000)

typedef struct sms_agent_input {
    bool registered;                /* false: only the inventory knows the host */
    bool inventory_loaded, in_inventory;
    bool connected;
    int64_t add_date, last_visit_time;  /* ms since the epoch, 0 when absent */
    const char *os_type, *os_version;
    const char *agent_version;      /* NULL: not known yet (detail not fetched) */
    const char *newest_version;     /* newest in the fleet, NULL if none known */
} sms_agent_input;

typedef struct sms_agent_status {
    sms_agent_state state;
    int reason;                     /* an sms_agent_reason */
    bool old_version;               /* agent_version < newest_version */
    int64_t silent_since_ms;        /* heartbeat age counts from here; 0 = connected/none */
    int64_t changes_at_ms;          /* when this status changes with time alone; 0 never */
} sms_agent_status;

/* The rule of docs/agents.md, at time now_ms. */
sms_agent_status sms_agent_derive(const sms_agent_input *in, const sms_agent_policy *p, int64_t now_ms);

/* ---- one row per host ------------------------------------------------------------ */

typedef struct sms_agent_row {
    const sms_server *server;       /* NULL: inventory only (borrowed) */
    const sms_inventory_host *host; /* NULL: not in the inventory (borrowed) */
    const char *agent_version;      /* borrowed from the version source, NULL unknown */
    sms_agent_status st;
} sms_agent_row;

typedef struct sms_agent_rows {
    sms_agent_row *rows; size_t n_rows;
    size_t counts[SMS_AGENT_N_STATES];  /* by sms_agent_state_slot */
    size_t n_old;                       /* flagged old versions */
    const char *newest_version;         /* borrowed */
    int64_t changes_at_ms;              /* earliest time a row changes by time alone, 0 none */
} sms_agent_rows;

/* What a row shows: the server's name, else the inventory's, else an id or address
 * ("?" at worst); its address (NULL when none); its OS (NULL for inventory-only rows). */
const char *sms_agent_row_name(const sms_agent_row *r);
const char *sms_agent_row_ip(const sms_agent_row *r);
const char *sms_agent_row_os(const sms_agent_row *r);

/* Version of server id, NULL when unknown: how versions reach the rows (the list lacks
 * agent_version; see docs/agents.md). */
typedef const char *(*sms_agent_version_fn)(void *ctx, const sms_server *s);

/* Join the registered servers with the inventory (NULL = none: every server is a row)
 * and derive every row. Registered rows come first in `servers` order, then the
 * inventory hosts that never registered, in file order. 0 ok, -1 out of memory. */
int sms_agent_rows_build(sms_agent_rows *out, const sms_server *servers, size_t n_servers,
                         const sms_inventory *inv, sms_agent_version_fn version, void *ctx,
                         const sms_agent_policy *p, int64_t now_ms);
void sms_agent_rows_free(sms_agent_rows *r);

#endif

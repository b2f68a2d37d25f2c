/* agents_order.h - the order of the Agents pane's rows (view_agents.c). No curses.
 *
 * Rows are ordered by a column, ties by name (case-insensitive), then by their place in
 * sms_agent_rows; descending is the exact reverse. Sorting 10,000 hosts with string
 * compares on every refresh would not fit a frame, so:
 *  - the name order of all rows is kept and reused while the names are the same (their
 *    case-folded 16-byte prefixes, compared as integers; longer names always re-sort);
 *  - a column of integers (state, reason, heartbeat age, connected, registration) and
 *    short strings (IP, OS up to 8 bytes) is ordered by a stable radix sort of the
 *    name order, which leaves ties in name order without comparing anything;
 *  - the rest (agent versions, long IPs or OS names) falls back to qsort. */
#ifndef SMS_UI_AGENTS_ORDER_H
#define SMS_UI_AGENTS_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/agents.h"

typedef enum sms_agent_col {
    SMS_AC_NAME, SMS_AC_IP, SMS_AC_STATE, SMS_AC_REASON, SMS_AC_VERSION, SMS_AC_OS, SMS_AC_HEARTBEAT,
    SMS_AC_CONNECTED, SMS_AC_REGISTERED, SMS_AC__COUNT
} sms_agent_col;

/* The `:sort` names of the columns ("name", "ip", "state", ...). */
extern const char *const sms_agent_col_names[SMS_AC__COUNT];
/* Column by name (a prefix will do), -1 if unknown. */
int sms_agent_col_by_name(const char *name);

typedef struct sms_agent_order {
    uint64_t *name_keys; size_t n_named;    /* 2 per row: the rows the name order is for */
    uint32_t *by_name;                      /* all rows in name order */
    /* scratch, grown as needed */
    uint64_t *col; uint32_t *tmp; uint64_t *tmp_col; size_t cap;
} sms_agent_order;

void sms_agent_order_free(sms_agent_order *o);

/* Write the rows `keep` accepts (NULL = all) into out (room for r->n_rows), ordered by
 * col; returns how many. now_ms measures heartbeat ages. On out of memory the rows come
 * in their own order (never lost). */
size_t sms_agent_order_rows(sms_agent_order *o, const sms_agent_rows *r, sms_agent_col col, bool desc,
                            int64_t now_ms, bool (*keep)(const sms_agent_row *, void *), void *ctx,
                            size_t *out);

#endif

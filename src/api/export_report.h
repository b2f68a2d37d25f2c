/* export_report.h - the local report of an export (CSV and JSON), from each exported
 * task's consistency results. Internal to src/api (the action worker and its tests). */
#ifndef SMS_API_EXPORT_REPORT_H
#define SMS_API_EXPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/model.h"

typedef struct sms_export_item {
    sms_consistency_task task;          /* borrowed strings */
    sms_consistency_results results;    /* as read (owned by the caller) */
    const char *error;                  /* why the results could not be read, or NULL */
} sms_export_item;

/* $XDG_DATA_HOME/smsconsole/exports/export-YYYYmmdd-HHMMSS (UTC), without extension;
 * ~/.local/share/... without XDG_DATA_HOME. 0 ok, -1 no home. */
int sms_export_default_base(char *buf, size_t len, int64_t now_ms);
/* Write <base>.csv and <base>.json (folders made 0700). 0 ok with the CSV's path in msg;
 * -1 with why in msg. */
int sms_export_report_write(const char *base, const sms_export_item *items, size_t n, char *msg, size_t msglen);

/* The largest answer of an export request kept in a file. */
#define SMS_EXPORT_RESPONSE_MAX (16u << 20)

/* Whether an export request's answer says no more than that it was accepted: empty, OK,
 * "OK" (any case) or {}, with any surrounding white space. Nothing to keep then. */
bool sms_export_response_is_trivial(const char *body, size_t len);
/* Keep an export request's answer as it came, in <base>-response-<batch>.<ext> (the
 * extension from its first bytes: xlsx, zip, pdf, json, csv, txt or bin; no name from the
 * server), mode 0600, folders 0700. 0 with its path in path; -1 with why in path (over
 * SMS_EXPORT_RESPONSE_MAX, or an I/O error). */
int sms_export_response_save(const char *base, unsigned batch, const char *body, size_t len, char *path,
                             size_t pathlen);

#endif

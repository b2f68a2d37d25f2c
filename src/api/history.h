/* history.h - the command history behind sms_history (poller.h): one JSON object per
 * line in history.jsonl, kept across restarts. Internal to src/api (the poller and its
 * tests); the UI only sees the immutable sms_history inside a snapshot.
 *
 * File format: every change of an entry (queued, answered, state observed) appends the
 * whole entry as one line; loading merges lines by id (the last one wins), so a crash
 * between two writes loses at most the last change. The file is compacted (rewritten
 * with only the kept entries) when it holds many more lines than entries. Corrupt lines
 * are skipped. An entry still PENDING when loaded was interrupted by the console
 * stopping: it becomes UNKNOWN (the request may have reached the server).
 * Several consoles may share the file: ids come from the clock (unique across them) and
 * compaction first merges what the others appended.
 * An entry's `action` is the action table's command name ("start", "upload-log"); the
 * upper-case names of older files ("START", "UPLOAD_LOG") are read too. An export is one
 * entry with `counts` (an object of whole numbers) and `detail` (an array of lines, the
 * servers not accepted); lines without them read as before.
 * No secret is ever written: an entry holds no credentials, only who/what/when. */
#ifndef SMS_API_HISTORY_H
#define SMS_API_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "api/poller.h"

#define SMS_HISTORY_MAX 1000        /* entries kept in memory and on disk */

const char *sms_outcome_name(sms_outcome o);                /* "PENDING", "OK", ... */
int sms_outcome_parse(const char *s, sms_outcome *out);     /* 0 ok, -1 unknown */
int sms_action_parse(const char *s, sms_action_kind *out);  /* "start" (or old "START") -> SMS_ACT_START */
const char *sms_error_kind_name(sms_error_kind k);          /* "HTTP", "TRANSPORT", ... */

void sms_history_entry_free(sms_history_entry *e);           /* members; NULL-safe */
int sms_history_entry_copy(sms_history_entry *dst, const sms_history_entry *src);
/* One line of JSON (no newline), malloc'd; NULL on allocation failure. */
char *sms_history_entry_to_json(const sms_history_entry *e);
/* Parse one line into *out (zeroed first); strings are sanitised. 0 ok, -1 not an entry. */
int sms_history_entry_parse(const char *line, size_t len, sms_history_entry *out);

/* The poller's mutable working list; published as immutable sms_history copies. */
typedef struct sms_history_log {
    sms_history_entry *v; size_t n, alloc;
    size_t max;                     /* cap (SMS_HISTORY_MAX unless a test says otherwise) */
    char *path;                     /* NULL = memory only */
    size_t file_lines;              /* lines in the file, for compaction */
    size_t skipped;                 /* corrupt lines seen while loading */
    size_t first_skipped_line;      /* line number (from 1) of the first of them */
    uint64_t next_id;
} sms_history_log;

/* $XDG_STATE_HOME/smsconsole/history.jsonl (or ~/.local/state/...). 0 ok, -1 no home. */
int sms_history_default_path(char *buf, size_t len);
/* path: NULL = default, "" = memory only. Creates the folder (0700), loads what exists.
 * A missing or partly corrupt file is not an error; 0 ok, -1 with msg when the folder or
 * file cannot be used (the log then works in memory). */
int sms_history_log_open(sms_history_log *h, const char *path, size_t max, char *msg, size_t msglen);
void sms_history_log_close(sms_history_log *h);
/* Merge the lines of f into h (by id, last wins), as the loader does. */
void sms_history_log_read(sms_history_log *h, FILE *f);
/* What the loader does next: entries still PENDING become UNKNOWN (interrupted). */
void sms_history_log_mark_interrupted(sms_history_log *h);
/* Add a copy of e (e->id 0 = assign the next id); returns the stored entry or NULL. */
sms_history_entry *sms_history_log_add(sms_history_log *h, const sms_history_entry *e);
sms_history_entry *sms_history_log_find(sms_history_log *h, uint64_t id);
/* Append e's current state to the file (no-op in memory mode). 0 ok, -1 I/O error.
 * May compact, which merges the file back into h: pointers into h->v are invalid after. */
int sms_history_log_save(sms_history_log *h, const sms_history_entry *e);
/* Rewrite the file with exactly the kept entries (0600, atomic rename). */
int sms_history_log_compact(sms_history_log *h);

/* Immutable, refcounted copy for a snapshot (refs = 1). NULL on allocation failure. */
sms_history *sms_history_publish(const sms_history_log *h);
sms_history *sms_history_ref(const sms_history *h);
void sms_history_unref(const sms_history *h);                 /* NULL-safe */

#endif

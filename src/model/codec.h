/* codec.h - generic, table-driven JSON <-> struct conversion for model.h.
 *
 * Policy (the same for every type, tested in tests/unit/test_model_*.c):
 *  - Lenient where the real API is loose: numbers sent as strings ("256"), sizes with
 *    units where a size is a string ("3.30GiB" -> bytes), missing optional keys, unknown
 *    keys ignored, unknown enum values kept verbatim.
 *  - Strict where safety needs it, with an error naming the JSON path
 *    ("disks[1].physical_volumes[0].size: expected number"): wrong type, integer out of
 *    range or not integral, non-finite number, invalid UTF-8 or embedded NUL, array over
 *    its cap, nesting deeper than SMS_MAX_DEPTH, missing required key (request mode).
 *  - String over its documented length: SMS_DECODE_REQUEST (what a server accepts)
 *    rejects it; SMS_DECODE_RESPONSE (what a client reads) truncates it at a character
 *    boundary and counts it in sms_jerr.truncated. Identifiers ("id" and "*_id" keys)
 *    are never cut, in either mode: a cut id names another server, or none, so an action
 *    would go astray; an overlong one is an error (in a list, a placeholder record).
 *  - One bad server in a list (invalid UTF-8, a NUL, a wrong type) does not fail the
 *    list in response mode: that item becomes a placeholder holding its id (when
 *    readable, else anon_key, a key made from its JSON text) and the reason in
 *    bad_record, counted in sms_jerr.bad_items. A server without an id decodes as it
 *    is; sms_servers_flag_unidentified makes it a placeholder too.
 * On error the output struct is left zeroed (nothing leaks, nothing half-filled).
 */
#ifndef SMS_CODEC_H
#define SMS_CODEC_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include "model/model.h"

#define SMS_MAX_DEPTH 32            /* JSON nesting accepted by sms_parse */

typedef enum sms_decode_mode {
    SMS_DECODE_RESPONSE = 0,        /* lenient on length: truncate */
    SMS_DECODE_REQUEST = 1,         /* strict: reject over-long strings, require required keys */
} sms_decode_mode;

typedef struct sms_jerr {
    char path[192];                 /* "disks[1].physical_volumes[0].size" */
    char msg[160];                  /* "expected number" */
    unsigned truncated;             /* strings cut to their limit (response mode) */
    unsigned bad_items;             /* list items kept as placeholders (response mode) */
} sms_jerr;

typedef struct sms_type sms_type;   /* opaque descriptor, one per struct */

/* Descriptors. SERVER covers list items and details; REGISTER is the §3.9 body. */
extern const sms_type SMS_T_SERVER, SMS_T_REGISTER, SMS_T_SERVER_LIST, SMS_T_OVERVIEW,
    SMS_T_MIG_ERROR_LIST, SMS_T_TASK, SMS_T_TASK_LIST, SMS_T_TASK_ACTION, SMS_T_CREATE_TASK,
    SMS_T_COMMAND, SMS_T_COMMAND_RESULT, SMS_T_PROGRESS, SMS_T_SPEED_LIMITS,
    SMS_T_CONSISTENCY_EXPORT, SMS_T_CONSISTENCY_RESULTS, SMS_T_CONSISTENCY_UPLOAD, SMS_T_COLLECT_LOG, SMS_T_IDS,
    SMS_T_ID_REF, SMS_T_API_ERROR, SMS_T_TOKEN, SMS_T_DISK, SMS_T_VG, SMS_T_BTRFS, SMS_T_NIC;

const char *sms_type_name(const sms_type *t);
size_t sms_type_size(const sms_type *t);

/* Parse text (need not be NUL-terminated) into *out (zeroed first). 0 ok, -1 error. */
int sms_parse(const sms_type *t, const char *buf, size_t len, void *out,
              sms_decode_mode mode, sms_jerr *err);
/* Decode an already parsed value (must be an object). 0 ok, -1 error. */
int sms_decode(const sms_type *t, const cJSON *json, void *out, sms_decode_mode mode,
               sms_jerr *err);
/* Encode: NULL strings and absent (has_ == false) objects are omitted; numbers, bools
 * and arrays (as []) are always written. Returns NULL only on allocation failure. */
cJSON *sms_encode(const sms_type *t, const void *in);
char *sms_to_json(const sms_type *t, const void *in);          /* compact text, malloc'd */
/* A consistency result whose consistency_result[] items are strings rewritten with
 * {"dir_check": text} items, and whose result_list[] items are strings (Go SDK since
 * 0.1.186) rewritten as runs: the JSON object a string holds, else a run of one such line;
 * NULL when the body needs no change (model/consistency.c). */
char *sms_consistency_normalize(const char *body, size_t len);
/* Deep copy into *dst (zeroed first); 0 ok, -1 out of memory (dst left zeroed). */
int sms_copy(const sms_type *t, void *dst, const void *src);
/* Free every member (not the struct itself) and zero it. NULL-safe. */
void sms_free(const sms_type *t, void *obj);
/* Each of n list items that decoded without a usable id (missing, null or empty) becomes
 * a placeholder too ("[unreadable record] id: missing"), kept under an anon_key made from
 * its encoding: no request could name it, nothing could tell it from another record.
 * Not part of sms_parse, so that a round trip through the codec stays a fixed point.
 * Returns how many; -1 out of memory (an item may then be left empty). */
int sms_servers_flag_unidentified(sms_server *v, size_t n);
/* Sanitise every string of obj in place with sms_sanitize_inplace (model/text.h), at any
 * depth: members, nested objects, array items, string arrays; nothing else changes.
 * Strings never grow, so nothing is allocated, except for a free JSON text (kind JSON)
 * holding escapes: its strings are sanitised as JSON values and the text printed again
 * (an escape such as \u001b would otherwise come back when the UI parses it).
 * 0 ok, -1 out of memory (every string is still sanitised as plain text). NULL-safe. */
int sms_sanitize_strings(const sms_type *t, void *obj);

void sms_jerr_format(const sms_jerr *e, char *buf, size_t len); /* "path: msg" */

#endif

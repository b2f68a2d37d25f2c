/* codec.c - the generic walker over the field tables of types.c: decode (with the policy
 * of codec.h), encode, deep copy, free. Every error message of the model comes from here.
 *
 * Decisions the policy of codec.h leaves open:
 *  - Embedded NUL (\u0000, in values or keys) and nesting depth are found by a scan of the
 *    raw text in sms_parse, before cJSON runs; sms_decode on a tree parsed elsewhere cannot
 *    see a NUL (cJSON has already cut the string there). So that a NUL fails only the
 *    string holding it (and, in an itemwise list, only its item), sms_parse hands cJSON a
 *    copy in which each \u0000 reads \uffff, and a string holding U+FFFF then fails as
 *    "embedded NUL"; a text with a U+FFFF of its own fails as a whole, as before.
 *  - Error messages hold only our keys, indices and limits, never text from the input.
 *  - Documented ranges (progress 0-100, ...) are request-mode rules, like lengths; in
 *    response mode only the C type's range holds, so readers still clamp for display.
 *    0 always passes, because an absent number is 0 and encode writes it.
 *  - "" for a number means "not set" (0), as the API sends end_date of a running subtask.
 *  - Free JSON fields keep a JSON string's content verbatim, any other value as compact
 *    text; encode writes text that parses as an object or array as that value.
 *  - Integers of 16+ digits are encoded as decimal strings: cJSON prints 15 significant
 *    digits, and the decoder accepts numbers as strings anyway.
 *  - All arrays of one document together hold at most SMS_MAX_ELEMENTS items. */
#include "model/codec_table.h"
#include "model/text.h"
#include "model/hash.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- descriptors --------------------------------------------------------- */

const char *sms_type_name(const sms_type *t) { return t ? t->name : "?"; }
size_t sms_type_size(const sms_type *t) { return t ? t->size : 0; }

static const sms_type *storage_of(const sms_type *t) { return t->storage ? t->storage : t; }

#define AT(base, off, type) ((type *)((char *)(base) + (off)))
#define AT_C(base, off, type) ((const type *)((const char *)(base) + (off)))

/* ---- errors and the JSON path -------------------------------------------- */

typedef struct decoder {
    sms_decode_mode mode;
    sms_jerr *err;
    size_t elements;            /* array elements so far, against SMS_MAX_ELEMENTS */
    bool nul_marked;            /* U+FFFF in a string stands for a \u0000 of the text */
    bool fatal;                 /* a document-wide limit: no item recovers from it */
} decoder;

#define NUL_MARK_UTF8 "\xef\xbf\xbf"      /* U+FFFF, what \uffff decodes to */

static void jerr_reset(sms_jerr *e)
{
    e->path[0] = '\0';
    e->msg[0] = '\0';
    e->truncated = 0;
    e->bad_items = 0;
}

__attribute__((format(printf, 2, 3)))
static int fail(decoder *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->err->msg, sizeof d->err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* Append text to the path, cut like snprintf would; returns the length to restore.
 * (Called for every field decoded: plain copies, no printf.) */
static size_t path_append(decoder *d, const char *sep, const char *text, size_t n)
{
    char *p = d->err->path;
    size_t len = strlen(p), at = len, room = sizeof d->err->path - 1 - len;
    for (; *sep && room > 0; room--)
        p[at++] = *sep++;
    if (n > room)
        n = room;
    memcpy(p + at, text, n);
    p[at + n] = '\0';
    return len;
}

/* Append ".key" (or "key" at the top) to the path; returns the length to restore. */
static size_t path_push_key(decoder *d, const char *key)
{
    return path_append(d, d->err->path[0] ? "." : "", key, strlen(key));
}

static size_t path_push_index(decoder *d, size_t i)
{
    char digits[24], *q = digits + sizeof digits;
    *--q = ']';
    do
        *--q = (char)('0' + i % 10);
    while ((i /= 10) > 0);
    return path_append(d, "[", q, (size_t)(digits + sizeof digits - q));
}

static void path_pop(decoder *d, size_t len) { d->err->path[len] = '\0'; }

void sms_jerr_format(const sms_jerr *e, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    if (!e)
        snprintf(buf, len, "unknown error");
    else if (e->path[0])
        snprintf(buf, len, "%s: %s", e->path, e->msg);
    else
        snprintf(buf, len, "%s", e->msg);
}

/* ---- UTF-8 ----------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1-4), 0 if invalid: no overlongs, no
 * surrogates, nothing above U+10FFFF. */
static size_t utf8_seq_len(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80
                   ? 4 : 0;
    }
    return 0;
}

/* Counts the characters of s; false when s is not valid UTF-8. *cut receives the byte
 * length of the first max_chars characters (the whole string when shorter). */
static bool utf8_measure(const char *s, size_t max_chars, size_t *chars, size_t *cut)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0, i = 0;
    *cut = 0;
    while (p[i]) {
        size_t k = utf8_seq_len(p + i);   /* stops at a NUL: it is never a continuation */
        if (k == 0)
            return false;
        i += k;
        if (++n == max_chars)
            *cut = i;
    }
    if (n <= max_chars)
        *cut = i;
    *chars = n;
    return true;
}

/* ---- pre-scan of raw text: depth and \u0000, before cJSON recurses ---------------- */

/* Checks the depth and counts the \u0000 escapes in strings (the first at *first_nul).
 * With mark, each of them is rewritten there as \uffff (mark is a copy of buf).
 * Returns the count, -1 when too deep. */
static long prescan(decoder *d, const char *buf, size_t len, char *mark, size_t *first_nul)
{
    size_t depth = 0;
    long nuls = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (in_string) {
            if (c == '"') {
                in_string = false;
            } else if (c == '\\' && i + 1 < len) {
                i++;
                if (buf[i] == 'u' && i + 4 < len && memcmp(buf + i + 1, "0000", 4) == 0) {
                    if (nuls++ == 0)
                        *first_nul = i - 1;
                    if (mark)
                        memcpy(mark + i + 1, "ffff", 4);
                }
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > SMS_MAX_DEPTH)
                return fail(d, "nesting deeper than %d levels at byte %zu", SMS_MAX_DEPTH, i);
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    return nuls;
}

/* Whether the text holds a U+FFFF of its own, raw or escaped (then NULs cannot be marked). */
static bool has_nul_mark(const char *buf, size_t len)
{
    if (memmem(buf, len, NUL_MARK_UTF8, 3))
        return true;
    for (const char *p = buf; (p = memmem(p, len - (size_t)(p - buf), "\\u", 2)) != NULL; p += 2)
        if ((size_t)(buf + len - p) >= 6 && strncasecmp(p + 2, "ffff", 4) == 0)
            return true;
    return false;
}

/* Depth of an already parsed value, for sms_decode callers that did not use sms_parse. */
static bool json_deeper_than(const cJSON *v, int limit)
{
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
        return false;
    if (limit <= 0)
        return true;
    for (const cJSON *c = v->child; c; c = c->next)
        if (json_deeper_than(c, limit - 1))
            return true;
    return false;
}

/* ---- decoding scalars --------------------------------------------------------- */

/* Strict decimal: -?digits(.digits)?([eE][+-]?digits)? with nothing around it. */
static bool is_decimal_text(const char *s)
{
    if (*s == '-')
        s++;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (*s < '0' || *s > '9')
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

static bool is_integer_text(const char *s)
{
    if (*s == '-')
        s++;
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static int check_range(decoder *d, const sms_field *f, int64_t v)
{
    if (f->kind == SMS_K_I32 && (v < INT32_MIN || v > INT32_MAX))
        return fail(d, "integer out of range");
    /* 0 is how the model says "absent" (and what encode writes for it): always valid. */
    if (d->mode == SMS_DECODE_REQUEST && f->lo < f->hi && v != 0 && (v < f->lo || v > f->hi))
        return fail(d, "out of range [%lld, %lld]", (long long)f->lo, (long long)f->hi);
    return 0;
}

static int int_from_double(decoder *d, const sms_field *f, double x, int64_t *out)
{
    if (!isfinite(x))
        return fail(d, "not a finite number");
    if (x != floor(x))
        return fail(d, "expected integer");
    if (!(x >= -0x1p63 && x < 0x1p63))
        return fail(d, "integer out of range");
    *out = (int64_t)x;
    return check_range(d, f, *out);
}

static int int_from_string(decoder *d, const sms_field *f, const char *s, int64_t *out)
{
    if (f->kind == SMS_K_SIZE && s[0] != '-') {
        int64_t v = sms_parse_size(s);
        if (v < 0)
            return fail(d, "expected size");
        *out = v;
        return check_range(d, f, v);
    }
    if (is_integer_text(s)) {
        errno = 0;
        long long v = strtoll(s, NULL, 10);
        if (errno == ERANGE)
            return fail(d, "integer out of range");
        *out = v;
        return check_range(d, f, v);
    }
    if (!is_decimal_text(s))
        return fail(d, "expected number");
    return int_from_double(d, f, strtod(s, NULL), out);
}

static void store_int(const sms_field *f, void *base, int64_t v)
{
    if (f->kind == SMS_K_I32)
        *AT(base, f->off, int32_t) = (int32_t)v;
    else
        *AT(base, f->off, int64_t) = v;
}

static int decode_int(decoder *d, const sms_field *f, const cJSON *item, void *base)
{
    int64_t v = 0;
    int rc;
    if (cJSON_IsNumber(item))
        rc = int_from_double(d, f, item->valuedouble, &v);
    else if (cJSON_IsString(item) && item->valuestring[0] == '\0')
        rc = 0;                                     /* "" = not set, as the API does */
    else if (cJSON_IsString(item))
        rc = int_from_string(d, f, item->valuestring, &v);
    else
        rc = fail(d, "expected number");
    if (rc == 0)
        store_int(f, base, v);
    return rc;
}

static int decode_double(decoder *d, const sms_field *f, const cJSON *item, void *base)
{
    double x;
    if (cJSON_IsNumber(item))
        x = item->valuedouble;
    else if (cJSON_IsString(item) && item->valuestring[0] == '\0')
        x = 0;
    else if (cJSON_IsString(item) && is_decimal_text(item->valuestring))
        x = strtod(item->valuestring, NULL);
    else
        return fail(d, "expected number");
    if (!isfinite(x))
        return fail(d, "not a finite number");
    *AT(base, f->off, double) = x;
    return 0;
}

static int decode_bool(decoder *d, const sms_field *f, const cJSON *item, void *base)
{
    bool v;
    if (cJSON_IsBool(item))
        v = cJSON_IsTrue(item);
    else if (cJSON_IsString(item) && strcmp(item->valuestring, "true") == 0)
        v = true;
    else if (cJSON_IsString(item) && strcmp(item->valuestring, "false") == 0)
        v = false;
    else
        return fail(d, "expected boolean");
    *AT(base, f->off, bool) = v;
    return 0;
}

/* "id", "task_id", "vm_id"...: a value that names something, which must never be cut. */
static bool is_identifier(const char *key)
{
    size_t n = key ? strlen(key) : 0;
    return (n == 2 && strcmp(key, "id") == 0) || (n > 3 && strcmp(key + n - 3, "_id") == 0);
}

/* Copies text into *dst applying UTF-8 validity and the length policy of codec.h. */
static int store_text(decoder *d, const sms_field *f, const char *text, char **dst)
{
    size_t max = f->max_len ? f->max_len : SMS_DEFAULT_STR_MAX, chars, cut;
    if (d->nul_marked && strstr(text, NUL_MARK_UTF8))
        return fail(d, "embedded NUL (\\u0000)");
    if (!utf8_measure(text, max, &chars, &cut))
        return fail(d, "invalid UTF-8");
    if (d->mode == SMS_DECODE_REQUEST && (f->flags & SMS_F_NONEMPTY) && chars == 0)
        return fail(d, "must not be empty");
    if (chars > max) {
        if (d->mode == SMS_DECODE_REQUEST || is_identifier(f->key))
            return fail(d, "longer than %zu characters", max);
        d->err->truncated++;
    }
    char *copy = strndup(text, cut);
    if (!copy)
        return fail(d, "out of memory");
    *dst = copy;
    return 0;
}

static int decode_string(decoder *d, const sms_field *f, const cJSON *item, char **dst)
{
    if (!cJSON_IsString(item))
        return fail(d, "expected string");
    return store_text(d, f, item->valuestring, dst);
}

/* A free JSON value: strings are kept verbatim, anything else as compact JSON text. */
static int decode_json_text(decoder *d, const sms_field *f, const cJSON *item, void *base)
{
    char **dst = AT(base, f->off, char *);
    if (cJSON_IsString(item))
        return store_text(d, f, item->valuestring, dst);
    if (json_deeper_than(item, SMS_MAX_DEPTH))
        return fail(d, "nesting deeper than %d levels", SMS_MAX_DEPTH);
    char *text = cJSON_PrintUnformatted(item);
    if (!text)
        return fail(d, "out of memory");
    int rc = store_text(d, f, text, dst);
    cJSON_free(text);
    return rc;
}

/* ---- decoding structures ------------------------------------------------------ */

static int decode_struct(decoder *d, const sms_type *t, const cJSON *obj, void *base);

static int decode_object_field(decoder *d, const sms_field *f, const cJSON *item, void *base)
{
    if (!cJSON_IsObject(item))
        return fail(d, "expected object");
    *AT(base, f->aux, bool) = true;
    return decode_struct(d, f->sub, item, AT(base, f->off, char));
}

/* Checks type, cap and emptiness of an array; returns its size or -1. */
static long array_size(decoder *d, const sms_field *f, const cJSON *item)
{
    if (!cJSON_IsArray(item))
        return fail(d, "expected array");
    size_t n = 0;
    for (const cJSON *c = item->child; c; c = c->next)
        if (++n > f->cap)
            return fail(d, "more than %zu items", f->cap);
    if (n == 0 && d->mode == SMS_DECODE_REQUEST && (f->flags & SMS_F_NONEMPTY))
        return fail(d, "must not be empty");
    d->elements += n;
    if (d->elements > SMS_MAX_ELEMENTS) {
        d->fatal = true;
        return fail(d, "more than %d array items in the document", SMS_MAX_ELEMENTS);
    }
    return (long)n;
}

static void free_struct(const sms_type *t, void *base);

/* The id of an item that failed, when it is a clean, whole, non-empty string (else NULL). */
static const char *readable_id(const decoder *d, const cJSON *obj)
{
    const cJSON *id = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, "id") : NULL;
    size_t chars, cut;
    if (!cJSON_IsString(id) || !id->valuestring[0] ||
        (d->nul_marked && strstr(id->valuestring, NUL_MARK_UTF8)) ||
        !utf8_measure(id->valuestring, SMS_DEFAULT_STR_MAX, &chars, &cut) || chars > SMS_DEFAULT_STR_MAX)
        return NULL;
    return id->valuestring;
}

/* Placeholders without an id seen so far in one array, for their keys' numbering. */
typedef struct anon_seen { uint64_t *v; size_t n, alloc; } anon_seen;

/* "#<fingerprint>.<k>": a record's JSON text hashed, k-th record of that text in this
 * array. The same record listed again (a later refresh, another page) gets the same key,
 * two records get two; '#' makes it no valid id (model/contract.h). -1 out of memory. */
static int key_of_text(const char *text, anon_seen *seen, char *key, size_t len)
{
    uint64_t h = sms_fnv1a(text);      /* a stable fingerprint of the JSON text */
    size_t k = 0;
    for (size_t i = 0; i < seen->n; i++)
        k += seen->v[i] == h;
    if (seen->n == seen->alloc) {
        size_t alloc = seen->alloc ? 2 * seen->alloc : 8;
        uint64_t *v = realloc(seen->v, alloc * sizeof *v);
        if (!v)
            return -1;
        seen->v = v;
        seen->alloc = alloc;
    }
    seen->v[seen->n++] = h;
    snprintf(key, len, "#%016" PRIx64 ".%zu", h, k);
    return 0;
}

static int anon_key(decoder *d, const cJSON *obj, anon_seen *seen, char *key, size_t len)
{
    char *text = cJSON_PrintUnformatted(obj);
    int rc = text ? key_of_text(text, seen, key, len) : -1;
    cJSON_free(text);
    return rc == 0 ? 0 : fail(d, "out of memory");
}

/* SMS_F_ITEMWISE in response mode: the item that just failed (path at mark + "[i]...")
 * becomes its type's placeholder and the list goes on. -1 when that does not apply. */
static int recover_item(decoder *d, const sms_field *f, const cJSON *obj, void *elem, size_t mark,
                        anon_seen *seen)
{
    const sms_type *t = f->sub;
    if (!(f->flags & SMS_F_ITEMWISE) || d->mode != SMS_DECODE_RESPONSE || !t->bad_item || d->fatal)
        return -1;
    const char *rel = strchr(d->err->path + mark, ']');      /* after "[i]" */
    rel = rel ? rel + 1 : "";
    if (*rel == '.')
        rel++;
    char why[sizeof d->err->path + sizeof d->err->msg + 2];
    snprintf(why, sizeof why, "%s%s%s", rel, *rel ? ": " : "", d->err->msg);
    const char *id = readable_id(d, obj);
    char key[40] = "";
    if (!id && anon_key(d, obj, seen, key, sizeof key) != 0)
        return -1;
    free_struct(storage_of(t), elem);
    memset(elem, 0, t->size);
    if (t->bad_item(elem, id, id ? NULL : key, why) != 0) {
        free_struct(storage_of(t), elem);
        return fail(d, "out of memory");
    }
    d->err->msg[0] = '\0';
    d->err->bad_items++;
    return 0;
}

static int decode_struct_array(decoder *d, const sms_field *f, const cJSON *item, void *base)
{
    long n = array_size(d, f, item);
    if (n <= 0)
        return (int)n;
    char *elems = calloc((size_t)n, f->sub->size);
    if (!elems)
        return fail(d, "out of memory");
    *AT(base, f->off, void *) = elems;          /* set before filling: sms_free can undo */
    *AT(base, f->aux, size_t) = (size_t)n;
    size_t i = 0;
    anon_seen seen = { 0 };
    int rc = 0;
    for (const cJSON *c = item->child; c && rc == 0; c = c->next, i++) {
        size_t mark = path_push_index(d, i);
        void *elem = elems + i * f->sub->size;
        rc = cJSON_IsObject(c) ? decode_struct(d, f->sub, c, elem) : fail(d, "expected object");
        if (rc)
            rc = recover_item(d, f, c, elem, mark, &seen);
        if (rc == 0)
            path_pop(d, mark);
    }
    free(seen.v);
    return rc;
}

static int decode_string_array(decoder *d, const sms_field *f, const cJSON *item, void *base)
{
    long n = array_size(d, f, item);
    if (n <= 0)
        return (int)n;
    char **elems = calloc((size_t)n, sizeof *elems);
    if (!elems)
        return fail(d, "out of memory");
    *AT(base, f->off, char **) = elems;
    *AT(base, f->aux, size_t) = (size_t)n;
    size_t i = 0;
    for (const cJSON *c = item->child; c; c = c->next, i++) {
        size_t mark = path_push_index(d, i);
        if (decode_string(d, f, c, &elems[i]))
            return -1;
        path_pop(d, mark);
    }
    return 0;
}

static int decode_field(decoder *d, const sms_field *f, const cJSON *item, void *base)
{
    switch (f->kind) {
    case SMS_K_STR:    return decode_string(d, f, item, AT(base, f->off, char *));
    case SMS_K_JSON:   return decode_json_text(d, f, item, base);
    case SMS_K_I32:
    case SMS_K_I64:
    case SMS_K_SIZE:   return decode_int(d, f, item, base);
    case SMS_K_DBL:    return decode_double(d, f, item, base);
    case SMS_K_BOOL:   return decode_bool(d, f, item, base);
    case SMS_K_OBJ:    return decode_object_field(d, f, item, base);
    case SMS_K_ARR:    return decode_struct_array(d, f, item, base);
    case SMS_K_STRARR: return decode_string_array(d, f, item, base);
    }
    return fail(d, "internal: unknown field kind");
}

/* Above the largest field table of types.c (task: 46); a bigger one is looked up key by key. */
#define MAX_TABLE_FIELDS 64

/* Index of the field named key, trying `from` first and wrapping around: members usually
 * come in table order, so most keys match at the first try. SIZE_MAX when unknown. */
static size_t field_index(const sms_type *t, const char *key, size_t from)
{
    for (size_t i = 0, k = from; i < t->n_fields; i++, k = k + 1 < t->n_fields ? k + 1 : 0)
        if (strcmp(t->fields[k].key, key) == 0)
            return k;
    return SIZE_MAX;
}

/* items[k] = the first member of obj named like field k (as cJSON_GetObjectItemCase-
 * Sensitive finds it), in one pass over the members instead of one per field. */
static void match_members(const sms_type *t, const cJSON *obj, const cJSON **items)
{
    memset(items, 0, t->n_fields * sizeof *items);
    size_t next = 0;
    for (const cJSON *c = obj->child; c; c = c->next) {
        size_t k = c->string ? field_index(t, c->string, next) : SIZE_MAX;
        if (k == SIZE_MAX)
            continue;                               /* unknown keys are ignored */
        if (!items[k])
            items[k] = c;
        next = k + 1 < t->n_fields ? k + 1 : 0;
    }
}

static int decode_member(decoder *d, const sms_field *f, const cJSON *item, void *base)
{
    bool absent = !item || cJSON_IsNull(item);
    bool required = d->mode == SMS_DECODE_REQUEST && (f->flags & SMS_F_REQ);
    if (absent && !required)
        return 0;
    size_t mark = path_push_key(d, f->key);
    int rc = absent ? fail(d, "missing required key") : decode_field(d, f, item, base);
    if (rc == 0)
        path_pop(d, mark);
    return rc;
}

static int decode_struct(decoder *d, const sms_type *t, const cJSON *obj, void *base)
{
    const cJSON *items[MAX_TABLE_FIELDS];
    bool matched = t->n_fields <= MAX_TABLE_FIELDS;
    if (matched)
        match_members(t, obj, items);
    for (size_t i = 0; i < t->n_fields; i++) {
        const sms_field *f = &t->fields[i];
        const cJSON *item = matched ? items[i] : cJSON_GetObjectItemCaseSensitive(obj, f->key);
        if (decode_member(d, f, item, base))
            return -1;
    }
    if (d->mode == SMS_DECODE_REQUEST && t->check) {
        size_t len = strlen(d->err->path);
        char *p = d->err->path + len;
        if (t->check(base, p, sizeof d->err->path - len, d->err->msg, sizeof d->err->msg))
            return -1;
    }
    return 0;
}

static const cJSON *unwrap(decoder *d, const sms_type *t, const cJSON *json)
{
    if (!t->wrap)
        return json;
    const cJSON *inner = cJSON_GetObjectItemCaseSensitive(json, t->wrap);
    path_push_key(d, t->wrap);
    if (!cJSON_IsObject(inner)) {
        fail(d, inner ? "expected object" : "missing required key");
        return NULL;
    }
    return inner;
}

static int decode_root(decoder *d, const sms_type *t, const cJSON *json, void *out)
{
    if (!cJSON_IsObject(json))
        return fail(d, "expected object");
    const cJSON *obj = unwrap(d, t, json);
    if (obj && decode_struct(d, t, obj, out) == 0)
        return 0;
    sms_free(t, out);
    return -1;
}

int sms_decode(const sms_type *t, const cJSON *json, void *out, sms_decode_mode mode,
               sms_jerr *err)
{
    sms_jerr local;
    decoder d = { mode, err ? err : &local, 0, false, false };
    jerr_reset(d.err);
    if (!t || !out)
        return fail(&d, "internal: no type or output");
    memset(out, 0, t->size);
    return decode_root(&d, t, json, out);
}

static int parse_and_decode(decoder *d, const sms_type *t, const char *buf, size_t len, void *out);

int sms_parse(const sms_type *t, const char *buf, size_t len, void *out,
              sms_decode_mode mode, sms_jerr *err)
{
    sms_jerr local;
    decoder d = { mode, err ? err : &local, 0, false, false };
    jerr_reset(d.err);
    if (!t || !out)
        return fail(&d, "internal: no type or output");
    memset(out, 0, t->size);
    if (!buf)
        return fail(&d, "empty body");
    size_t first_nul = 0;
    long nuls = prescan(&d, buf, len, NULL, &first_nul);
    if (nuls < 0)
        return -1;
    char *marked = NULL;
    if (nuls > 0) {
        if (has_nul_mark(buf, len))
            return fail(&d, "embedded NUL (\\u0000) in a string at byte %zu", first_nul);
        if (!(marked = malloc(len ? len : 1)))
            return fail(&d, "out of memory");
        memcpy(marked, buf, len);
        prescan(&d, buf, len, marked, &first_nul);
        buf = marked;
        d.nul_marked = true;
    }
    int rc = parse_and_decode(&d, t, buf, len, out);
    free(marked);
    return rc;
}

static int parse_and_decode(decoder *d, const sms_type *t, const char *buf, size_t len, void *out)
{
    const char *end = NULL;
    cJSON *json = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (!json) {
        size_t at = end && end >= buf && end <= buf + len ? (size_t)(end - buf) : len;
        return fail(d, len ? "invalid JSON at byte %zu" : "empty body", at);
    }
    while (end < buf + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
        end++;
    int rc;
    if (end < buf + len)
        rc = fail(d, "unexpected text after the JSON value at byte %zu", (size_t)(end - buf));
    else
        rc = decode_root(d, t, json, out);
    cJSON_Delete(json);
    return rc;
}

/* ---- encoding ------------------------------------------------------------------ */

static cJSON *encode_struct(const sms_type *t, const void *base);

/* cJSON prints numbers with 15 significant digits when that reads back "close enough",
 * so an integer of 16+ digits would lose its last ones: those go out as a decimal
 * string, which the decoder accepts for every integer field. (1e15 ms is the year
 * 33658; 1e15 bytes is 888 TiB.) */
static cJSON *encode_int64(int64_t v)
{
    if (v > -INT64_C(1000000000000000) && v < INT64_C(1000000000000000))
        return cJSON_CreateNumber((double)v);
    char digits[24];
    snprintf(digits, sizeof digits, "%lld", (long long)v);
    return cJSON_CreateString(digits);
}

/* Text that is a JSON object or array goes out as that value, anything else as a
 * string. A value deeper than half the parse limit stays a string, so that what we
 * encode always parses again wherever the field sits. */
static cJSON *encode_json_text(const char *text)
{
    cJSON *v = cJSON_Parse(text);
    if (v && (cJSON_IsObject(v) || cJSON_IsArray(v)) && !json_deeper_than(v, SMS_MAX_DEPTH / 2))
        return v;
    cJSON_Delete(v);
    return cJSON_CreateString(text);
}

static cJSON *encode_struct_array(const sms_field *f, const void *base)
{
    const char *elems = *AT_C(base, f->off, char *);
    size_t n = *AT_C(base, f->aux, size_t);
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *e = encode_struct(f->sub, elems + i * f->sub->size);
        if (!e || !cJSON_AddItemToArray(arr, e)) {
            cJSON_Delete(e);
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static cJSON *encode_string_array(const sms_field *f, const void *base)
{
    char *const *elems = *(char **const *)((const char *)base + f->off);
    size_t n = *AT_C(base, f->aux, size_t);
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *e = elems[i] ? cJSON_CreateString(elems[i]) : cJSON_CreateNull();
        if (!e || !cJSON_AddItemToArray(arr, e)) {
            cJSON_Delete(e);
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

/* The JSON value of one field; *omit is set when the field is left out. */
static cJSON *encode_field(const sms_field *f, const void *base, bool *omit)
{
    const char *s;
    *omit = false;
    switch (f->kind) {
    case SMS_K_STR:
    case SMS_K_JSON:
        s = *AT_C(base, f->off, char *);
        if (!s) {
            *omit = true;
            return NULL;
        }
        return f->kind == SMS_K_STR ? cJSON_CreateString(s) : encode_json_text(s);
    case SMS_K_I32:
        if ((f->flags & SMS_F_OMIT_ZERO) && *AT_C(base, f->off, int32_t) == 0) {
            *omit = true;
            return NULL;
        }
        return cJSON_CreateNumber(*AT_C(base, f->off, int32_t));
    case SMS_K_I64:
    case SMS_K_SIZE:
        if ((f->flags & SMS_F_OMIT_ZERO) && *AT_C(base, f->off, int64_t) == 0) {
            *omit = true;
            return NULL;
        }
        return encode_int64(*AT_C(base, f->off, int64_t));
    case SMS_K_DBL:
        if ((f->flags & SMS_F_OMIT_ZERO) && *AT_C(base, f->off, double) == 0) {
            *omit = true;
            return NULL;
        }
        return cJSON_CreateNumber(*AT_C(base, f->off, double));
    case SMS_K_BOOL:   return cJSON_CreateBool(*AT_C(base, f->off, bool));
    case SMS_K_OBJ:
        if (!*AT_C(base, f->aux, bool)) {
            *omit = true;
            return NULL;
        }
        return encode_struct(f->sub, AT_C(base, f->off, char));
    case SMS_K_ARR:    return encode_struct_array(f, base);
    case SMS_K_STRARR: return encode_string_array(f, base);
    }
    *omit = true;
    return NULL;
}

static cJSON *encode_struct(const sms_type *t, const void *base)
{
    cJSON *obj = cJSON_CreateObject();
    for (size_t i = 0; obj && i < t->n_fields; i++) {
        bool omit;
        cJSON *v = encode_field(&t->fields[i], base, &omit);
        if (omit)
            continue;
        if (!v || !cJSON_AddItemToObject(obj, t->fields[i].key, v)) {
            cJSON_Delete(v);
            cJSON_Delete(obj);
            return NULL;
        }
    }
    return obj;
}

cJSON *sms_encode(const sms_type *t, const void *in)
{
    if (!t || !in)
        return NULL;
    cJSON *obj = encode_struct(t, in);
    if (!obj || !t->wrap)
        return obj;
    cJSON *outer = cJSON_CreateObject();
    if (!outer || !cJSON_AddItemToObject(outer, t->wrap, obj)) {
        cJSON_Delete(obj);
        cJSON_Delete(outer);
        return NULL;
    }
    return outer;
}

char *sms_to_json(const sms_type *t, const void *in)
{
    cJSON *json = sms_encode(t, in);
    if (!json)
        return NULL;
    char *text = cJSON_PrintUnformatted(json);
    cJSON_Delete(json);
    return text;
}

/* ---- free ---------------------------------------------------------------------- */

static void free_struct(const sms_type *t, void *base);

static void free_field(const sms_field *f, void *base)
{
    switch (f->kind) {
    case SMS_K_STR:
    case SMS_K_JSON:
        free(*AT(base, f->off, char *));
        break;
    case SMS_K_OBJ:
        free_struct(storage_of(f->sub), AT(base, f->off, char));
        break;
    case SMS_K_ARR: {
        char *elems = *AT(base, f->off, char *);
        size_t n = *AT(base, f->aux, size_t);
        for (size_t i = 0; elems && i < n; i++)
            free_struct(storage_of(f->sub), elems + i * f->sub->size);
        free(elems);
        break;
    }
    case SMS_K_STRARR: {
        char **elems = *AT(base, f->off, char **);
        size_t n = *AT(base, f->aux, size_t);
        for (size_t i = 0; elems && i < n; i++)
            free(elems[i]);
        free(elems);
        break;
    }
    default:
        break;
    }
}

static void free_struct(const sms_type *t, void *base)
{
    for (size_t i = 0; i < t->n_fields; i++)
        free_field(&t->fields[i], base);
}

int sms_servers_flag_unidentified(sms_server *v, size_t n)
{
    anon_seen seen = { 0 };
    int flagged = 0;
    for (size_t i = 0; i < n && flagged >= 0; i++) {
        sms_server *s = &v[i];
        if (s->bad_record || (s->id && s->id[0]))
            continue;
        const char *why = s->id ? "id: empty" : "id: missing";
        char key[40], *text = sms_to_json(&SMS_T_SERVER, s), *name = s->name;
        int rc = text ? key_of_text(text, &seen, key, sizeof key) : -1;
        free(text);
        s->name = NULL;
        sms_free(&SMS_T_SERVER, s);
        if (rc == 0 && SMS_T_SERVER.bad_item(s, NULL, key, why) == 0)
            flagged++;
        else
            flagged = -1;
        char *named;                /* which record it is, for the operator to find it */
        if (flagged > 0 && name && asprintf(&named, "%s (name: %s)", s->name, name) >= 0) {
            free(s->name);
            s->name = named;
        }
        free(name);
    }
    free(seen.v);
    return flagged;
}

void sms_free(const sms_type *t, void *obj)
{
    if (!t || !obj)
        return;
    free_struct(storage_of(t), obj);
    memset(obj, 0, t->size);
}

/* ---- copy ---------------------------------------------------------------------- */

static int copy_struct(const sms_type *t, void *dst, const void *src);

static int copy_string(char **dst, const char *src)
{
    if (!src)
        return 0;
    *dst = strdup(src);
    return *dst ? 0 : -1;
}

static int copy_struct_array(const sms_field *f, void *dst, const void *src)
{
    const char *from = *AT_C(src, f->off, char *);
    size_t n = *AT_C(src, f->aux, size_t);
    if (!from || n == 0)
        return 0;
    const sms_type *sub = storage_of(f->sub);
    char *to = calloc(n, sub->size);
    if (!to)
        return -1;
    *AT(dst, f->off, char *) = to;
    *AT(dst, f->aux, size_t) = n;
    for (size_t i = 0; i < n; i++)
        if (copy_struct(sub, to + i * sub->size, from + i * sub->size))
            return -1;
    return 0;
}

static int copy_string_array(const sms_field *f, void *dst, const void *src)
{
    char *const *from = *(char **const *)((const char *)src + f->off);
    size_t n = *AT_C(src, f->aux, size_t);
    if (!from || n == 0)
        return 0;
    char **to = calloc(n, sizeof *to);
    if (!to)
        return -1;
    *AT(dst, f->off, char **) = to;
    *AT(dst, f->aux, size_t) = n;
    for (size_t i = 0; i < n; i++)
        if (copy_string(&to[i], from[i]))
            return -1;
    return 0;
}

static int copy_field(const sms_field *f, void *dst, const void *src)
{
    switch (f->kind) {
    case SMS_K_STR:
    case SMS_K_JSON:
        return copy_string(AT(dst, f->off, char *), *AT_C(src, f->off, char *));
    case SMS_K_I32:
        *AT(dst, f->off, int32_t) = *AT_C(src, f->off, int32_t);
        return 0;
    case SMS_K_I64:
    case SMS_K_SIZE:
        *AT(dst, f->off, int64_t) = *AT_C(src, f->off, int64_t);
        return 0;
    case SMS_K_DBL:
        *AT(dst, f->off, double) = *AT_C(src, f->off, double);
        return 0;
    case SMS_K_BOOL:
        *AT(dst, f->off, bool) = *AT_C(src, f->off, bool);
        return 0;
    case SMS_K_OBJ:
        *AT(dst, f->aux, bool) = *AT_C(src, f->aux, bool);
        return copy_struct(storage_of(f->sub), AT(dst, f->off, char), AT_C(src, f->off, char));
    case SMS_K_ARR:
        return copy_struct_array(f, dst, src);
    case SMS_K_STRARR:
        return copy_string_array(f, dst, src);
    }
    return -1;
}

static int copy_struct(const sms_type *t, void *dst, const void *src)
{
    for (size_t i = 0; i < t->n_fields; i++)
        if (copy_field(&t->fields[i], dst, src))
            return -1;
    return 0;
}

int sms_copy(const sms_type *t, void *dst, const void *src)
{
    if (!t || !dst)
        return -1;
    memset(dst, 0, t->size);
    if (!src)
        return 0;
    if (copy_struct(storage_of(t), dst, src) == 0)
        return 0;
    sms_free(t, dst);
    return -1;
}

/* ---- sanitise in place ------------------------------------------------------------ */

static int sanitize_struct(const sms_type *t, void *base);

static void sanitize_json_values(cJSON *j)
{
    for (; j; j = j->next) {
        if (j->string)
            sms_sanitize_inplace(j->string);
        if (cJSON_IsString(j) && j->valuestring)
            sms_sanitize_inplace(j->valuestring);
        sanitize_json_values(j->child);
    }
}

/* A free JSON text: sanitised as text first (raw bytes), then, when it is an object or
 * array with escapes in it, parsed, its keys and strings sanitised, and printed again. */
static int sanitize_json_text(char **text)
{
    char *s = *text;
    if (!s)
        return 0;
    sms_sanitize_inplace(s);
    if ((s[0] != '{' && s[0] != '[') || !strchr(s, '\\'))
        return 0;
    cJSON *v = cJSON_Parse(s);
    if (!v)
        return 0;                   /* not JSON after all: plain text, already clean */
    sanitize_json_values(v);
    char *printed = cJSON_PrintUnformatted(v);
    cJSON_Delete(v);
    if (!printed)
        return -1;
    char *copy = strdup(printed);   /* ours is freed with free(), cJSON's with cJSON_free() */
    cJSON_free(printed);
    if (!copy)
        return -1;
    free(*text);
    *text = copy;
    return 0;
}

static int sanitize_field(const sms_field *f, void *base)
{
    switch (f->kind) {
    case SMS_K_STR: {
        char *s = *AT(base, f->off, char *);
        if (s)
            sms_sanitize_inplace(s);
        return 0;
    }
    case SMS_K_JSON:
        return sanitize_json_text(AT(base, f->off, char *));
    case SMS_K_OBJ:
        return sanitize_struct(storage_of(f->sub), AT(base, f->off, char));
    case SMS_K_ARR: {
        char *elems = *AT(base, f->off, char *);
        size_t n = *AT(base, f->aux, size_t);
        const sms_type *sub = storage_of(f->sub);
        int rc = 0;
        for (size_t i = 0; elems && i < n; i++)
            rc |= sanitize_struct(sub, elems + i * sub->size);
        return rc;
    }
    case SMS_K_STRARR: {
        char **elems = *AT(base, f->off, char **);
        size_t n = *AT(base, f->aux, size_t);
        for (size_t i = 0; elems && i < n; i++)
            if (elems[i])
                sms_sanitize_inplace(elems[i]);
        return 0;
    }
    default:
        return 0;
    }
}

static int sanitize_struct(const sms_type *t, void *base)
{
    int rc = 0;
    for (size_t i = 0; i < t->n_fields; i++)
        rc |= sanitize_field(&t->fields[i], base);
    return rc;
}

int sms_sanitize_strings(const sms_type *t, void *obj)
{
    if (!t || !obj)
        return 0;
    return sanitize_struct(storage_of(t), obj) ? -1 : 0;
}

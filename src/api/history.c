/* history.c - the console's command history: entries, their JSON-lines file, and the
 * immutable copies published in snapshots. See history.h for the file format. */
#include "api/history.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "api/snapshot.h"
#include "model/codec.h"
#include "model/text.h"

/* ---- names ---------------------------------------------------------------- */

/* Each kind's name is its `:` command in the console's action table (ui/actions.h): the
 * history file, the audit file and the screen all write this one name (a unit test of
 * the UI checks the two tables agree). */
static const char *const action_names[SMS_ACT__COUNT] = {
    [SMS_ACT_START] = "start",               [SMS_ACT_STOP] = "stop",
    [SMS_ACT_RESTART] = "restart",           [SMS_ACT_LAUNCH] = "launch",
    [SMS_ACT_CLONE_TEST] = "clone-test",     [SMS_ACT_NETWORK_CHECK] = "network-check",
    [SMS_ACT_SKIP] = "skip",                 [SMS_ACT_CLEAR] = "clear",
    [SMS_ACT_MIGRATION_TEST] = "migration-test", [SMS_ACT_DELETE] = "delete",
    [SMS_ACT_DELETE_TASK] = "delete-task",   [SMS_ACT_UPLOAD_LOG] = "upload-log",
    [SMS_ACT_SPEED_LIMIT] = "speed-limit",   [SMS_ACT_EXPORT] = "export",
};

/* The names history files written before December 2026 use: still read. */
static const char *const legacy_action_names[SMS_ACT__COUNT] = {
    [SMS_ACT_START] = "START",               [SMS_ACT_STOP] = "STOP",
    [SMS_ACT_RESTART] = "RESTART",           [SMS_ACT_LAUNCH] = "LAUNCH",
    [SMS_ACT_CLONE_TEST] = "CLONE_TEST",     [SMS_ACT_NETWORK_CHECK] = "NETWORK_CHECK",
    [SMS_ACT_SKIP] = "SKIP",                 [SMS_ACT_CLEAR] = "CLEAR",
    [SMS_ACT_MIGRATION_TEST] = "MIGRATION_TEST", [SMS_ACT_DELETE] = "DELETE",
    [SMS_ACT_DELETE_TASK] = "DELETE_TASK",   [SMS_ACT_UPLOAD_LOG] = "UPLOAD_LOG",
    [SMS_ACT_SPEED_LIMIT] = "SPEED_LIMIT",   [SMS_ACT_EXPORT] = "EXPORT",
};

static const char *const outcome_names[] = {
    [SMS_OUT_PENDING] = "PENDING", [SMS_OUT_OK] = "OK",
    [SMS_OUT_FAILED] = "FAILED",   [SMS_OUT_UNKNOWN] = "UNKNOWN",
};

static const char *const error_kind_names[] = {
    [SMS_E_NONE] = "NONE",         [SMS_E_HTTP] = "HTTP",       [SMS_E_TRANSPORT] = "TRANSPORT",
    [SMS_E_DECODE] = "DECODE",     [SMS_E_AUTH] = "AUTH",       [SMS_E_READONLY] = "READONLY",
    [SMS_E_CANCELLED] = "CANCELLED", [SMS_E_INVALID] = "INVALID",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

const char *sms_action_name(sms_action_kind k)
{
    return (unsigned)k < SMS_ACT__COUNT ? action_names[k] : "?";
}

const char *sms_outcome_name(sms_outcome o)
{
    return (unsigned)o < N_OF(outcome_names) ? outcome_names[o] : "?";
}

const char *sms_error_kind_name(sms_error_kind k)
{
    return (unsigned)k < N_OF(error_kind_names) ? error_kind_names[k] : "?";
}

static int name_index(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (names[i] && strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

int sms_action_parse(const char *s, sms_action_kind *out)
{
    int i = name_index(action_names, N_OF(action_names), s);
    if (i < 0)
        i = name_index(legacy_action_names, N_OF(legacy_action_names), s);
    if (i < 0)
        return -1;
    *out = (sms_action_kind)i;
    return 0;
}

int sms_outcome_parse(const char *s, sms_outcome *out)
{
    int i = name_index(outcome_names, N_OF(outcome_names), s);
    if (i < 0)
        return -1;
    *out = (sms_outcome)i;
    return 0;
}

/* ---- entries -------------------------------------------------------------- */

void sms_history_entry_free(sms_history_entry *e)
{
    if (!e)
        return;
    free(e->user);
    free(e->context);
    free(e->server_id);
    free(e->server_name);
    free(e->task_id);
    free(e->state_after);
    free(e->detail);
    sms_call_error_free(&e->error);
    memset(e, 0, sizeof *e);
}

static int dup_str(char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return 0;
    *dst = strdup(src);
    return *dst ? 0 : -1;
}

int sms_history_entry_copy(sms_history_entry *dst, const sms_history_entry *src)
{
    *dst = *src;
    dst->user = dst->context = dst->server_id = dst->server_name = NULL;
    dst->task_id = dst->state_after = dst->detail = NULL;
    memset(&dst->error, 0, sizeof dst->error);
    if (dup_str(&dst->user, src->user) || dup_str(&dst->context, src->context) ||
        dup_str(&dst->server_id, src->server_id) ||
        dup_str(&dst->server_name, src->server_name) || dup_str(&dst->task_id, src->task_id) ||
        dup_str(&dst->state_after, src->state_after) || dup_str(&dst->detail, src->detail) ||
        sms_call_error_copy(&dst->error, &src->error)) {
        sms_history_entry_free(dst);
        return -1;
    }
    return 0;
}

/* ---- entry <-> JSON ------------------------------------------------------- */

static void add_str(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
}

static cJSON *call_error_to_json(const sms_call_error *e)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "kind", sms_error_kind_name(e->kind));
    cJSON_AddNumberToObject(o, "http_status", e->http_status);
    cJSON_AddNumberToObject(o, "curl_code", (double)e->curl_code);
    add_str(o, "request_id", e->request_id);
    add_str(o, "message", e->message);
    cJSON_AddBoolToObject(o, "outcome_unknown", e->outcome_unknown);
    cJSON_AddNumberToObject(o, "attempts", e->attempts);
    cJSON *api = sms_encode(&SMS_T_API_ERROR, &e->api);
    if (api)
        cJSON_AddItemToObject(o, "api", api);
    return o;
}

/* Members of sms_entry_counts by JSON key, for both directions. */
static const struct { const char *key; size_t off; } count_keys[] = {
    { "servers", offsetof(sms_entry_counts, servers) },   { "tasks", offsetof(sms_entry_counts, tasks) },
    { "batches", offsetof(sms_entry_counts, batches) },   { "accepted", offsetof(sms_entry_counts, accepted) },
    { "refused", offsetof(sms_entry_counts, refused) },   { "failed", offsetof(sms_entry_counts, failed) },
    { "unknown", offsetof(sms_entry_counts, unknown) },
};

static uint32_t *count_at(sms_entry_counts *c, size_t i)
{
    return (uint32_t *)((char *)c + count_keys[i].off);
}

/* detail is lines; the file holds them as an array of strings (a sanitised string has
 * no newline). */
static cJSON *lines_to_json(const char *text)
{
    cJSON *arr = cJSON_CreateArray();
    for (const char *line = text; arr && *line;) {
        size_t len = strcspn(line, "\n");
        char *one = strndup(line, len);
        if (one)
            cJSON_AddItemToArray(arr, cJSON_CreateString(one));
        free(one);
        line += len + (line[len] == '\n');
    }
    return arr;
}

static int lines_from_json(const cJSON *arr, char **out)
{
    *out = NULL;
    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr))
        return -1;
    char *text = strdup("");
    size_t at = 0;
    for (const cJSON *it = arr->child; text && it; it = it->next) {
        char *clean = cJSON_IsString(it) ? sms_sanitize_dup(it->valuestring) : NULL;
        size_t len = clean ? strlen(clean) : 0;
        char *grown = clean ? realloc(text, at + len + 2) : NULL;
        if (!grown) {
            free(clean);
            free(text);
            return -1;
        }
        text = grown;
        if (at)
            text[at++] = '\n';
        memcpy(text + at, clean, len + 1);
        at += len;
        free(clean);
    }
    *out = text;
    return text ? 0 : -1;
}

static cJSON *counts_to_json(const sms_entry_counts *c)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; o && i < N_OF(count_keys); i++)
        cJSON_AddNumberToObject(o, count_keys[i].key, *count_at((sms_entry_counts *)c, i));
    return o;
}

char *sms_history_entry_to_json(const sms_history_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "id", (double)e->id);
    cJSON_AddNumberToObject(o, "at_ms", (double)e->at_ms);
    cJSON_AddNumberToObject(o, "done_ms", (double)e->done_ms);
    add_str(o, "user", e->user);
    add_str(o, "context", e->context);
    cJSON_AddStringToObject(o, "action", sms_action_name(e->action));
    add_str(o, "server_id", e->server_id);
    add_str(o, "server_name", e->server_name);
    add_str(o, "task_id", e->task_id);
    cJSON_AddStringToObject(o, "outcome", sms_outcome_name(e->outcome));
    if (e->error.kind != SMS_E_NONE)
        cJSON_AddItemToObject(o, "error", call_error_to_json(&e->error));
    add_str(o, "state_after", e->state_after);
    if (e->following)
        cJSON_AddTrueToObject(o, "following");
    if (e->has_counts)
        cJSON_AddItemToObject(o, "counts", counts_to_json(&e->counts));
    if (e->detail)
        cJSON_AddItemToObject(o, "detail", lines_to_json(e->detail));
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

static const cJSON *member(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* A number that is a whole value in [0, 2^53]: ids and epoch milliseconds. */
static int get_count(const cJSON *o, const char *key, int64_t *out)
{
    const cJSON *v = member(o, key);
    if (!v) {
        *out = 0;
        return 0;
    }
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > 9007199254740992.0 ||
        v->valuedouble != (double)(int64_t)v->valuedouble)
        return -1;
    *out = (int64_t)v->valuedouble;
    return 0;
}

static int get_str(const cJSON *o, const char *key, char **out)
{
    const cJSON *v = member(o, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v))
        return -1;
    *out = sms_sanitize_dup(v->valuestring);
    return *out ? 0 : -1;
}

static int error_kind_parse(const char *s, sms_error_kind *out)
{
    int i = name_index(error_kind_names, N_OF(error_kind_names), s);
    if (i < 0)
        return -1;
    *out = (sms_error_kind)i;
    return 0;
}

static int call_error_from_json(const cJSON *o, sms_call_error *e)
{
    const cJSON *kind = member(o, "kind"), *api = member(o, "api");
    const cJSON *unknown = member(o, "outcome_unknown");
    int64_t status, curl, attempts;
    if (!cJSON_IsObject(o) || !cJSON_IsString(kind) ||
        error_kind_parse(kind->valuestring, &e->kind) ||
        get_count(o, "http_status", &status) || status > 999 ||
        get_count(o, "curl_code", &curl) || curl > 1000 ||
        get_count(o, "attempts", &attempts) || attempts > 1000 ||
        get_str(o, "request_id", &e->request_id) || get_str(o, "message", &e->message))
        return -1;
    e->http_status = (int)status;
    e->curl_code = (long)curl;
    e->attempts = (int)attempts;
    e->outcome_unknown = cJSON_IsTrue(unknown);
    if (api) {
        sms_jerr jerr;
        if (!cJSON_IsObject(api) ||
            sms_decode(&SMS_T_API_ERROR, api, &e->api, SMS_DECODE_RESPONSE, &jerr))
            return -1;
        sms_call_error_sanitize(e);
    }
    return 0;
}

/* "counts": every key optional (0), each a whole number of at most 2^32 - 1. */
static int counts_from_json(const cJSON *o, sms_entry_counts *c)
{
    if (!cJSON_IsObject(o))
        return -1;
    for (size_t i = 0; i < N_OF(count_keys); i++) {
        int64_t v;
        if (get_count(o, count_keys[i].key, &v) || v > UINT32_MAX)
            return -1;
        *count_at(c, i) = (uint32_t)v;
    }
    return 0;
}

static int entry_from_json(const cJSON *o, sms_history_entry *e)
{
    const cJSON *action = member(o, "action"), *outcome = member(o, "outcome");
    const cJSON *error = member(o, "error");
    int64_t id;
    if (!cJSON_IsObject(o) || get_count(o, "id", &id) || id == 0 ||
        get_count(o, "at_ms", &e->at_ms) || get_count(o, "done_ms", &e->done_ms) ||
        !cJSON_IsString(action) || sms_action_parse(action->valuestring, &e->action) ||
        !cJSON_IsString(outcome) || sms_outcome_parse(outcome->valuestring, &e->outcome) ||
        get_str(o, "user", &e->user) || get_str(o, "context", &e->context) ||
        get_str(o, "server_id", &e->server_id) || get_str(o, "server_name", &e->server_name) ||
        get_str(o, "task_id", &e->task_id) || get_str(o, "state_after", &e->state_after) ||
        lines_from_json(member(o, "detail"), &e->detail))
        return -1;
    const cJSON *counts = member(o, "counts");
    if (counts && counts_from_json(counts, &e->counts))
        return -1;
    e->has_counts = counts != NULL;
    e->id = (uint64_t)id;
    e->following = cJSON_IsTrue(member(o, "following"));
    if (error && call_error_from_json(error, &e->error))
        return -1;
    return 0;
}

int sms_history_entry_parse(const char *line, size_t len, sms_history_entry *out)
{
    memset(out, 0, sizeof *out);
    cJSON *o = cJSON_ParseWithLengthOpts(line, len, NULL, 0);
    if (!o)
        return -1;
    int rc = entry_from_json(o, out);
    cJSON_Delete(o);
    if (rc)
        sms_history_entry_free(out);
    return rc;
}

/* ---- the working list ----------------------------------------------------- */

sms_history_entry *sms_history_log_find(sms_history_log *h, uint64_t id)
{
    /* ids increase along the list: binary search */
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->v[mid].id == id)
            return &h->v[mid];
        if (h->v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void drop_oldest(sms_history_log *h, size_t k)
{
    for (size_t i = 0; i < k; i++)
        sms_history_entry_free(&h->v[i]);
    memmove(h->v, h->v + k, (h->n - k) * sizeof *h->v);
    h->n -= k;
}

static int reserve_one(sms_history_log *h)
{
    if (h->n < h->alloc)
        return 0;
    size_t alloc = h->alloc ? h->alloc * 2 : 64;
    sms_history_entry *v = realloc(h->v, alloc * sizeof *v);
    if (!v)
        return -1;
    h->v = v;
    h->alloc = alloc;
    return 0;
}

/* Insert keeping ids in order; an entry with the same id is replaced. Always takes *e
 * (freed on failure); NULL when it could not be stored or fell off the cap at once. */
static sms_history_entry *insert_entry(sms_history_log *h, sms_history_entry *e)
{
    sms_history_entry *same = sms_history_log_find(h, e->id);
    if (same) {
        sms_history_entry_free(same);
        *same = *e;
        return same;
    }
    if (reserve_one(h)) {
        sms_history_entry_free(e);
        return NULL;
    }
    size_t at = h->n;
    while (at > 0 && h->v[at - 1].id > e->id)
        at--;
    memmove(h->v + at + 1, h->v + at, (h->n - at) * sizeof *h->v);
    h->v[at] = *e;
    h->n++;
    if (e->id >= h->next_id)
        h->next_id = e->id + 1;
    if (h->n > h->max) {
        drop_oldest(h, h->n - h->max);
        return sms_history_log_find(h, e->id);
    }
    return &h->v[at];
}

/* Ids stay unique when several consoles share one file: they start from the wall clock
 * in microsecond-sized steps, with the process id in the low digits (< 2^53, so they
 * survive JSON), and still increase within a console. */
static uint64_t fresh_id(const sms_history_log *h)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t t = ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000) * 1000 +
                 (uint64_t)getpid() % 1000;
    return t > h->next_id ? t : h->next_id;
}

sms_history_entry *sms_history_log_add(sms_history_log *h, const sms_history_entry *e)
{
    sms_history_entry copy;
    if (sms_history_entry_copy(&copy, e))
        return NULL;
    if (copy.id == 0)
        copy.id = fresh_id(h);
    return insert_entry(h, &copy);
}

/* The console stopped while this was in flight: it may have been applied. */
static void mark_interrupted(sms_history_entry *e)
{
    e->outcome = SMS_OUT_UNKNOWN;
    sms_call_error_free(&e->error);
    e->error.kind = SMS_E_CANCELLED;
    e->error.outcome_unknown = true;
    e->error.message = strdup("interrupted: the console stopped before the answer arrived");
}

void sms_history_log_read(sms_history_log *h, FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        h->file_lines++;
        if (len <= 1 && (len == 0 || line[0] == '\n'))
            continue;
        sms_history_entry e;
        if (sms_history_entry_parse(line, (size_t)len, &e)) {
            if (!h->skipped++)
                h->first_skipped_line = h->file_lines;
            continue;
        }
        insert_entry(h, &e);
    }
    free(line);
}

void sms_history_log_mark_interrupted(sms_history_log *h)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->v[i].outcome == SMS_OUT_PENDING)
            mark_interrupted(&h->v[i]);
}

/* ---- the file ------------------------------------------------------------- */

int sms_history_default_path(char *buf, size_t len)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n;
    if (state && state[0] == '/')          /* relative values are ignored (XDG spec) */
        n = snprintf(buf, len, "%s/smsconsole/history.jsonl", state);
    else if (home && home[0] == '/')
        n = snprintf(buf, len, "%s/.local/state/smsconsole/history.jsonl", home);
    else
        return -1;
    return n > 0 && (size_t)n < len ? 0 : -1;
}

/* mkdir -p of the folder holding path; folders we create are 0700. */
static int make_parent_dirs(const char *path)
{
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir)
        return -1;
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(dir, 0700) && errno != EEXIST ? -1 : 0;
}

static FILE *open_private(const char *path, int flags, const char *mode)
{
    int fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return NULL;
    if (flags & O_CREAT)
        (void)fchmod(fd, 0600);     /* a file left wider by someone else: ours is private */
    FILE *f = fdopen(fd, mode);
    if (!f)
        close(fd);
    return f;
}

int sms_history_log_open(sms_history_log *h, const char *path, size_t max, char *msg, size_t msglen)
{
    memset(h, 0, sizeof *h);
    h->max = max ? max : SMS_HISTORY_MAX;
    h->next_id = 1;
    if (msglen)
        msg[0] = '\0';
    char def[PATH_MAX];
    if (!path) {
        if (sms_history_default_path(def, sizeof def)) {
            snprintf(msg, msglen, "history: no $XDG_STATE_HOME or $HOME; kept in memory only");
            return -1;
        }
        path = def;
    }
    if (!path[0])
        return 0;
    if (make_parent_dirs(path)) {
        snprintf(msg, msglen, "history: cannot create the folder of %s: %s", path, strerror(errno));
        return -1;
    }
    h->path = strdup(path);
    if (!h->path)
        return -1;
    FILE *f = open_private(path, O_RDONLY, "r");
    if (!f && errno != ENOENT) {
        snprintf(msg, msglen, "history: cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    if (f) {
        sms_history_log_read(h, f);
        fclose(f);
        sms_history_log_mark_interrupted(h);
    }
    if (h->skipped && msglen)
        snprintf(msg, msglen, "history: %s:%zu: unreadable line skipped (%zu unreadable line(s) in all)",
                 path, h->first_skipped_line, h->skipped);
    if (h->file_lines > 2 * h->max)
        sms_history_log_compact(h);
    return 0;
}

void sms_history_log_close(sms_history_log *h)
{
    for (size_t i = 0; i < h->n; i++)
        sms_history_entry_free(&h->v[i]);
    free(h->v);
    free(h->path);
    memset(h, 0, sizeof *h);
}

static int write_line(FILE *f, const sms_history_entry *e)
{
    char *text = sms_history_entry_to_json(e);
    if (!text)
        return -1;
    int rc = fputs(text, f) < 0 || fputc('\n', f) == EOF ? -1 : 0;
    free(text);
    return rc;
}

int sms_history_log_compact(sms_history_log *h)
{
    if (!h->path)
        return 0;
    FILE *cur = open_private(h->path, O_RDONLY, "r");
    if (cur) {                  /* keep what another console sharing the file appended */
        sms_history_log_read(h, cur);
        fclose(cur);
    }
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", h->path) >= (int)sizeof tmp)
        return -1;
    FILE *f = open_private(tmp, O_WRONLY | O_CREAT | O_TRUNC, "w");
    if (!f)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < h->n && rc == 0; i++)
        rc = write_line(f, &h->v[i]);
    if (fflush(f) || fsync(fileno(f)))
        rc = -1;
    if (fclose(f))
        rc = -1;
    if (rc == 0 && rename(tmp, h->path) == 0) {
        h->file_lines = h->n;
        return 0;
    }
    unlink(tmp);
    return -1;
}

int sms_history_log_save(sms_history_log *h, const sms_history_entry *e)
{
    if (!h->path)
        return 0;
    FILE *f = open_private(h->path, O_WRONLY | O_CREAT | O_APPEND, "a");
    if (!f)
        return -1;
    int rc = write_line(f, e);
    if (fclose(f))
        rc = -1;
    if (rc == 0)
        h->file_lines++;
    if (rc == 0 && h->file_lines > 2 * h->max)
        rc = sms_history_log_compact(h);
    return rc;
}

/* ---- immutable copies ----------------------------------------------------- */

sms_history *sms_history_publish(const sms_history_log *h)
{
    sms_history *pub = calloc(1, sizeof *pub);
    if (!pub)
        return NULL;
    pub->refs = 1;
    if (h->n && !(pub->entries = calloc(h->n, sizeof *pub->entries)))
        goto fail;
    for (; pub->n_entries < h->n; pub->n_entries++)
        if (sms_history_entry_copy(&pub->entries[pub->n_entries], &h->v[pub->n_entries]))
            goto fail;
    return pub;
fail:
    sms_history_unref(pub);
    return NULL;
}

sms_history *sms_history_ref(const sms_history *h)
{
    sms_history *m = (sms_history *)h;      /* refs is the one mutable member */
    if (m)
        __atomic_add_fetch(&m->refs, 1, __ATOMIC_RELAXED);
    return m;
}

void sms_history_unref(const sms_history *h)
{
    sms_history *m = (sms_history *)h;
    if (!m || __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    for (size_t i = 0; i < m->n_entries; i++)
        sms_history_entry_free(&m->entries[i]);
    free(m->entries);
    free(m);
}

/* audit.c - the audit log: one JSON line per mutating call (sent or refused), appended to
 * a 0600 file. Built only from the fields of sms_audit_entry, which never carry a secret:
 * no headers, and of a body only the action's arguments, by a list of known keys
 * (operation, bucket, speed and window), never the body itself. */
#include "api/client_priv.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define AUDIT_SUBDIR "smsconsole"
#define AUDIT_FILE "audit.jsonl"

static void format_time(char *buf, size_t len, int64_t now_ms)
{
    time_t secs = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%03dZ", base, (int)(now_ms % 1000));
}

static void add_string_or_null(cJSON *obj, const char *key, const char *value)
{
    if (value)
        cJSON_AddStringToObject(obj, key, value);
    else
        cJSON_AddNullToObject(obj, key);
}

/* Keys of a request body that are the action's arguments. Anything else (which could
 * one day be a password in a task body) stays out of the file. */
static bool is_argument_key(const char *k)
{
    static const char *const keys[] = { "operation", "log_bucket", "speed_limit", "start", "end", "speed",
                                         "over_speed_threshold", "switch_hce", "is_need_consistency_check" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(k, keys[i]) == 0)
            return true;
    return false;
}

/* A copy of o's argument keys (recursing into arrays of objects); lists of anything
 * else are recorded by their length only ("tasks": 200). */
static cJSON *argument_copy(const cJSON *o)
{
    cJSON *out = cJSON_CreateObject();
    for (const cJSON *it = o ? o->child : NULL; out && it; it = it->next) {
        if (!it->string)
            continue;
        if (is_argument_key(it->string) && cJSON_IsArray(it)) {
            cJSON *arr = cJSON_AddArrayToObject(out, it->string);
            for (const cJSON *el = it->child; arr && el; el = el->next)
                cJSON_AddItemToArray(arr, cJSON_IsObject(el) ? argument_copy(el) : cJSON_Duplicate(el, false));
        } else if (is_argument_key(it->string) && !cJSON_IsObject(it)) {
            cJSON_AddItemToObject(out, it->string, cJSON_Duplicate(it, false));
        } else if (cJSON_IsArray(it)) {
            cJSON_AddNumberToObject(out, it->string, cJSON_GetArraySize(it));
        }
    }
    return out;
}

static void add_arguments(cJSON *o, const char *body)
{
    cJSON *b = body ? cJSON_Parse(body) : NULL;
    cJSON *args = cJSON_IsObject(b) ? argument_copy(b) : NULL;
    if (args && args->child)
        cJSON_AddItemToObject(o, "args", args);
    else
        cJSON_Delete(args);
    cJSON_Delete(b);
}

char *sms_audit_line(const sms_audit_entry *a, int64_t now_ms)
{
    char when[40];
    format_time(when, sizeof when, now_ms);
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "time", when);
    add_string_or_null(o, "context", a->context);
    add_string_or_null(o, "user", a->user);
    add_string_or_null(o, "action", a->action);
    add_string_or_null(o, "target", a->target);
    add_string_or_null(o, "method", a->method);
    add_string_or_null(o, "path", a->path);
    add_string_or_null(o, "outcome", a->outcome);
    if (a->http_status > 0)
        cJSON_AddNumberToObject(o, "http_status", a->http_status);
    else
        cJSON_AddNullToObject(o, "http_status");
    add_string_or_null(o, "error_code", a->error_code);
    add_string_or_null(o, "request_id", a->request_id);
    cJSON_AddNumberToObject(o, "attempts", a->attempts);
    add_arguments(o, a->body);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        return NULL;
    size_t n = strlen(text);
    char *line = malloc(n + 2);
    if (line) {
        memcpy(line, text, n);
        line[n] = '\n';
        line[n + 1] = '\0';
    }
    free(text);
    return line;
}

/* mkdir -p for the folder of path, new folders 0700. */
static int make_parent_dirs(const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        return -1;
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        free(dir);
        return 0;
    }
    *slash = '\0';
    for (char *p = dir + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
                int err = errno;
                free(dir);
                errno = err;
                return -1;
            }
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    free(dir);
    return 0;
}

int sms_audit_append(const char *path, const char *line)
{
    if (!path || !*path || !line)
        return 0;
    if (make_parent_dirs(path) != 0)
        return -1;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -1;
    (void)fchmod(fd, 0600);     /* an existing file left wider (0644) becomes private */
    size_t len = strlen(line);
    /* one write: O_APPEND keeps concurrent writers' lines whole */
    ssize_t n = write(fd, line, len);
    int err = errno;
    close(fd);
    if (n != (ssize_t)len) {
        errno = n < 0 ? err : EIO;
        return -1;
    }
    return 0;
}

char *sms_audit_default_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    char *path = NULL;
    int n;
    if (state && state[0] == '/') {     /* relative values are ignored (XDG spec) */
        n = asprintf(&path, "%s/" AUDIT_SUBDIR "/" AUDIT_FILE, state);
    } else {
        const char *home = getenv("HOME");
        if (!home || home[0] != '/')
            return NULL;
        n = asprintf(&path, "%s/.local/state/" AUDIT_SUBDIR "/" AUDIT_FILE, home);
    }
    return n < 0 ? NULL : path;
}

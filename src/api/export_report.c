/* export_report.c - the local result of an export. The API's export call is documented
 * to answer the string "OK" (go ExportConsistencyResultsResponse, Body *string), and the
 * service may answer with a file instead: an answer that is more than "OK" is kept as it
 * came, <base>-response-<batch>.<ext>. Either way the console reads each exported task's
 * consistency results
 * (GET /v3/tasks/{id}/consistency-result) and writes them as <base>.csv and <base>.json,
 * one row per checked directory (or one per task with what could not be read), under
 * $XDG_DATA_HOME/smsconsole/exports/ unless the operator named the file. Strings are
 * sanitised (the files are read in terminals and spreadsheets). */
#include "api/export_report.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "model/codec.h"
#include "model/text.h"

int sms_export_default_base(char *buf, size_t len, int64_t now_ms)
{
    const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    char dir[512], stamp[32];
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    if (data && data[0] == '/')
        snprintf(dir, sizeof dir, "%s/smsconsole/exports", data);
    else if (home && home[0] == '/')
        snprintf(dir, sizeof dir, "%s/.local/share/smsconsole/exports", home);
    else
        return -1;
    int n = snprintf(buf, len, "%s/export-%s", dir, stamp);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

/* mkdir -p of the folder of path (0700 for new folders). */
static int make_dirs(const char *path)
{
    char dir[1024];
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

/* A CSV field: quoted, quotes doubled, sanitised. */
static void csv_field(FILE *f, const char *s, bool last)
{
    char clean[1100];
    sms_sanitize(clean, sizeof clean, s ? s : "");
    fputc('"', f);
    for (const char *c = clean; *c; c++) {
        if (*c == '"')
            fputc('"', f);
        fputc(*c, f);
    }
    fputs(last ? "\"\n" : "\",", f);
}

static void csv_row(FILE *f, const sms_export_item *it, const sms_consistency_result *r, int64_t finished)
{
    char num[4][24], when[24] = "";
    if (r) {
        snprintf(num[0], 24, "%d", (int)r->num_total_files);
        snprintf(num[1], 24, "%d", (int)r->num_different_files);
        snprintf(num[2], 24, "%d", (int)r->num_target_miss_files);
        snprintf(num[3], 24, "%d", (int)r->num_target_more_files);
    }
    if (finished > 0)
        snprintf(when, sizeof when, "%lld", (long long)finished);
    csv_field(f, it->task.task_id, false);
    csv_field(f, it->task.source_id, false);
    csv_field(f, it->task.source_name, false);
    csv_field(f, when, false);
    csv_field(f, r ? r->dir_check : "", false);
    for (int k = 0; k < 4; k++)
        csv_field(f, r ? num[k] : "", false);
    csv_field(f, it->error ? it->error : "ok", true);
}

/* The checked directories of a task: the top-level list (agent upload, Go SDK shape), else
 * the newest run of result_list (Python SDK shape). */
static const sms_consistency_result *rows_of(const sms_consistency_results *r, size_t *n, int64_t *finished)
{
    *n = r->n_consistency_result;
    *finished = r->finished_time;
    if (*n || !r->n_result_list)
        return r->consistency_result;
    const sms_consistency_check *run = &r->result_list[r->n_result_list - 1];
    *n = run->n_consistency_result;
    *finished = run->finished_time;
    return run->consistency_result;
}

static int write_csv(const char *path, const sms_export_item *items, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("task_id,source_id,source_name,finished_time,dir_check,num_total_files,num_different_files,"
          "num_target_miss_files,num_target_more_files,status\n", f);
    for (size_t i = 0; i < n; i++) {
        size_t m;
        int64_t finished;
        const sms_consistency_result *rows = rows_of(&items[i].results, &m, &finished);
        if (items[i].error || !m)
            csv_row(f, &items[i], NULL, finished);
        for (size_t k = 0; !items[i].error && k < m; k++)
            csv_row(f, &items[i], &rows[k], finished);
    }
    return fclose(f) ? -1 : 0;
}

static int write_json(const char *path, const sms_export_item *items, size_t n)
{
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "tasks");
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "task_id", items[i].task.task_id ? items[i].task.task_id : "");
        cJSON_AddStringToObject(t, "source_id", items[i].task.source_id ? items[i].task.source_id : "");
        cJSON_AddStringToObject(t, "source_name", items[i].task.source_name ? items[i].task.source_name : "");
        if (items[i].error)
            cJSON_AddStringToObject(t, "error", items[i].error);
        else
            cJSON_AddItemToObject(t, "results", sms_encode(&SMS_T_CONSISTENCY_RESULTS, &items[i].results));
        cJSON_AddItemToArray(arr, t);
    }
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    FILE *f = text ? fopen(path, "w") : NULL;
    int rc = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF ? 0 : -1;
    if (f && fclose(f))
        rc = -1;
    free(text);
    return rc;
}

int sms_export_report_write(const char *base, const sms_export_item *items, size_t n, char *msg, size_t msglen)
{
    char csv[1100], json[1100];
    if (snprintf(csv, sizeof csv, "%s.csv", base) >= (int)sizeof csv ||
        snprintf(json, sizeof json, "%s.json", base) >= (int)sizeof json) {
        snprintf(msg, msglen, "export report: path too long");
        return -1;
    }
    if (make_dirs(csv) || write_csv(csv, items, n) || write_json(json, items, n)) {
        snprintf(msg, msglen, "export report %s: %s", csv, strerror(errno));
        return -1;
    }
    snprintf(msg, msglen, "%s", csv);
    return 0;
}

/* ---- what the export request answered ----------------------------------------- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool sms_export_response_is_trivial(const char *body, size_t len)
{
    size_t a = 0, b = len;
    while (a < b && is_space(body[a]))
        a++;
    while (b > a && is_space(body[b - 1]))
        b--;
    if (b - a >= 2 && body[a] == '"' && body[b - 1] == '"')
        a++, b--;
    return b == a || (b - a == 2 && strncasecmp(body + a, "ok", 2) == 0) ||
           (b - a == 2 && body[a] == '{' && body[a + 1] == '}');
}

/* Text: UTF-8 without control characters other than tab and line ends (the sanitiser's
 * notion is not needed: the bytes are kept as they are, only the extension depends on it). */
static bool looks_like_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return false;
    }
    return true;
}

/* A file name extension from the first bytes; the API gives no name we would trust. */
static const char *extension_of(const char *body, size_t len)
{
    size_t head = len < 65536 ? len : 65536, i = 0;
    if (len >= 4 && memcmp(body, "PK\003\004", 4) == 0)
        return memmem(body, head, "xl/", 3) ? "xlsx" : "zip";
    if (len >= 5 && memcmp(body, "%PDF-", 5) == 0)
        return "pdf";
    if (!looks_like_text(body, head))
        return "bin";
    while (i < head && is_space(body[i]))
        i++;
    if (i < head && (body[i] == '{' || body[i] == '['))
        return "json";
    return memchr(body, ',', head) && memchr(body, '\n', head) ? "csv" : "txt";
}


int sms_export_response_save(const char *base, unsigned batch, const char *body, size_t len, char *path,
                             size_t pathlen)
{
    if (len > SMS_EXPORT_RESPONSE_MAX) {
        snprintf(path, pathlen, "answer of %zu bytes not kept (over %u MiB)", len, SMS_EXPORT_RESPONSE_MAX >> 20);
        return -1;
    }
    char name[1100];
    if (snprintf(name, sizeof name, "%s-response-%u.%s", base, batch, extension_of(body, len)) >= (int)sizeof name) {
        snprintf(path, pathlen, "answer not kept: path too long");
        return -1;
    }
    int fd = make_dirs(name) ? -1 : open(name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    int rc = fd < 0 ? -1 : 0;
    if (fd >= 0)
        (void)fchmod(fd, 0600);           /* a file left wider by someone else: ours is private */
    for (size_t done = 0; rc == 0 && done < len;) {
        ssize_t w = write(fd, body + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            rc = -1;
        else
            done += (size_t)w;
    }
    int err = errno;
    if (fd >= 0 && close(fd) && rc == 0) {
        rc = -1;
        err = errno;
    }
    if (rc) {
        snprintf(path, pathlen, "answer not kept in %s: %s", name, strerror(err));
        return -1;
    }
    snprintf(path, pathlen, "%s", name);
    return 0;
}

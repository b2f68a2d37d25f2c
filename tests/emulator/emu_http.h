/* emu_http.h - test helper for tests/emulator: raw HTTP requests to an in-process
 * emulator with libcurl (no project client in between, so every byte is visible). */
#ifndef EMU_HTTP_H
#define EMU_HTTP_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include "emulator/emulator.h"

typedef struct eh_resp {
    long status;
    int curl_code;              /* CURLcode; 0 = a complete answer */
    char *body; size_t len;     /* NUL-terminated */
    char *subject_token;        /* X-Subject-Token, if any */
    char *request_id;           /* X-Request-Id, if any */
    bool chunked;               /* Transfer-Encoding: chunked */
    bool has_length;            /* a Content-Length header came */
    char *retry_after;          /* Retry-After, if any */
    cJSON *json;                /* parsed body or NULL */
} eh_resp;

/* Starts an empty emulator (servers = 0, quiet) on an ephemeral port; asserts on failure. */
smsemu *eh_start(void);
smsemu *eh_start_opts(smsemu_opts *o);

/* One request. headers: NULL-terminated "Name: value" list (may be NULL). Content-Type
 * application/json is always sent. timeout_ms 0 = 20 s. Returns curl_code. */
int eh_request(const char *base, const char *method, const char *path, const char *body,
               const char *const *headers, long timeout_ms, eh_resp *out);
/* Same with X-Auth-Token (none when token is NULL). */
int eh_call(const char *base, const char *token, const char *method, const char *path,
            const char *body, eh_resp *out);
/* eh_call for the status alone (0 when no answer came). */
long eh_call_status(const char *base, const char *token, const char *method, const char *path,
                    const char *body);
/* eh_call, which must answer status with an error body carrying code and a message. */
void eh_expect_error(const char *base, const char *token, const char *method, const char *path,
                     const char *body, long status, const char *code);
void eh_resp_free(eh_resp *r);

/* Password login as user (domain demo, project ap-southeast-3); returns the token. */
char *eh_login(const char *base, const char *user, const char *password);

/* Registers a minimal Linux server called name; returns its id (malloc'd). */
char *eh_register(const char *base, const char *token, const char *name, const char *ip);
/* Creates a MIGRATE_BLOCK task for server_id; syncing selects continuous sync. */
char *eh_create_task(const char *base, const char *token, const char *server_id, bool syncing);

/* The agent side: next command name ("" when none; malloc'd), report a result. */
char *eh_agent_poll(const char *base, const char *token, const char *server_id);
long eh_agent_report(const char *base, const char *token, const char *server_id,
                     const char *command, const char *result);
long eh_progress(const char *base, const char *token, const char *task_id,
                 const char *subtask, int progress, long long done, long long total);

/* JSON helpers over a response body. */
const char *eh_str(const cJSON *j, const char *dotted_path);     /* "token.user.name" */
double eh_num(const cJSON *j, const char *dotted_path);          /* NAN if absent */
char *eh_read_file(const char *path, size_t *len);               /* NULL if unreadable */

#endif

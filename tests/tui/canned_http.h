/* canned_http.h - a loopback HTTP server for screen tests that need answers the
 * emulator would never give: every request gets the same canned bytes (login and
 * lists alike), one connection at a time. */
#ifndef SMS_TUI_CANNED_HTTP_H
#define SMS_TUI_CANNED_HTTP_H

#include <pthread.h>

typedef struct canned_http {
    int fd, port;
    const char *answer;
    pthread_t thread;
} canned_http;

/* A 200 answer with an X-Subject-Token (it serves as the IAM login too) and this JSON
 * body; malloc'd. */
char *canned_http_answer(const char *json);
/* Listens on 127.0.0.1 (any port) and serves `answer` (kept, not copied); -1 on error. */
int canned_http_start(canned_http *s, const char *answer);
void canned_http_stop(canned_http *s);

#endif

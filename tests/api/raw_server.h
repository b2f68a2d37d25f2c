/* raw_server.h - a loopback HTTP "server" for api tests that need bytes the emulator
 * would never send: it answers every connection with the same canned bytes and keeps
 * what the requests were. */
#ifndef SMS_TEST_RAW_SERVER_H
#define SMS_TEST_RAW_SERVER_H

#include <pthread.h>
#include <stddef.h>

typedef struct raw_server {
    int fd, port;
    const char *answer;
    pthread_t thread;
    char seen[8192];
    size_t seen_len;
    int requests;
} raw_server;

/* Listens on 127.0.0.1 (any port) and serves `answer` (kept, not copied). Asserts. */
void raw_start(raw_server *s, const char *answer);
/* Stops serving; seen and requests stay readable. */
void raw_stop(raw_server *s);

#endif

/* canned_http.c - see canned_http.h. */
#include "canned_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void *serve(void *arg)
{
    canned_http *s = arg;
    for (;;) {
        int c = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            return NULL;
        char buf[8192];
        (void)recv(c, buf, sizeof buf, 0);     /* the request fits one read here */
        (void)send(c, s->answer, strlen(s->answer), MSG_NOSIGNAL);
        close(c);
    }
}

char *canned_http_answer(const char *json)
{
    char *a = NULL;
    if (asprintf(&a, "HTTP/1.1 200 OK\r\nX-Subject-Token: tok\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(json), json) < 0)
        return NULL;
    return a;
}

int canned_http_start(canned_http *s, const char *answer)
{
    memset(s, 0, sizeof *s);
    s->answer = answer;
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->fd, 16) != 0 ||
        getsockname(s->fd, (struct sockaddr *)&a, &len) != 0 ||
        pthread_create(&s->thread, NULL, serve, s) != 0) {
        if (s->fd >= 0)
            close(s->fd);
        return -1;
    }
    s->port = ntohs(a.sin_port);
    return 0;
}

void canned_http_stop(canned_http *s)
{
    shutdown(s->fd, SHUT_RDWR);
    close(s->fd);
    pthread_join(s->thread, NULL);
}

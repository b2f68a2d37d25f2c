/* harness.c - pty + libvterm driver for screen tests (see harness.h). */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct tui {
    pid_t pid;
    int master, frames_fd;
    VTerm *vt;
    VTermScreen *screen;
    uint64_t bytes, frames, fleet_frames;
    bool eof;
    bool whole;                         /* the screen shows a complete frame */
    char *raw; size_t raw_len, raw_cap; /* every byte the program wrote (capped) */
    char home[64];
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* libvterm's answers to the program's queries (DA, DSR) go back into the pty. */
static void vterm_reply(const char *s, size_t len, void *user)
{
    tui *t = user;
    while (len > 0) {
        ssize_t n = write(t->master, s, len);
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}

static void child_exec(const tui *t, const char *const argv[], const char *const env[], int frame_w)
{
    char path[1024], buf[512];
    sigset_t none;
    sigemptyset(&none);                 /* the test's threads may have blocked signals */
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGWINCH, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    unsetenv("LINES");
    unsetenv("COLUMNS");
    unsetenv("NO_COLOR");
    unsetenv("TMUX");
    setenv("TERM", "xterm-256color", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    snprintf(buf, sizeof buf, "%s/config", t->home);
    setenv("XDG_CONFIG_HOME", buf, 1);
    snprintf(buf, sizeof buf, "%s/state", t->home);
    setenv("XDG_STATE_HOME", buf, 1);
    snprintf(buf, sizeof buf, "%d", frame_w);
    setenv("SMSCONSOLE_FRAME_FD", buf, 1);
    for (size_t i = 0; env && env[i]; i++)
        putenv((char *)env[i]);
    if (argv[0][0] == '/')
        snprintf(path, sizeof path, "%s", argv[0]);
    else
        snprintf(path, sizeof path, "%s/%s", SMS_BINARY_DIR, argv[0]);
    execv(path, (char *const *)argv);
    fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
    _exit(127);
}

tui *tui_start(int rows, int cols, const char *const argv[], const char *const env[])
{
    tui *t = calloc(1, sizeof *t);
    int frames[2];
    struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
    if (!t)
        return NULL;
    snprintf(t->home, sizeof t->home, "/tmp/smstui-XXXXXX");
    if (!mkdtemp(t->home) || pipe(frames) < 0) {
        free(t);
        return NULL;
    }
    char sub[128];
    snprintf(sub, sizeof sub, "%s/config", t->home);
    mkdir(sub, 0700);
    snprintf(sub, sizeof sub, "%s/state", t->home);
    mkdir(sub, 0700);
    t->pid = forkpty(&t->master, NULL, NULL, &ws);
    if (t->pid == 0) {
        close(frames[0]);
        child_exec(t, argv, env, frames[1]);
    }
    close(frames[1]);
    if (t->pid < 0) {
        close(frames[0]);
        free(t);
        return NULL;
    }
    t->frames_fd = frames[0];
    fcntl(t->master, F_SETFL, fcntl(t->master, F_GETFL) | O_NONBLOCK);
    fcntl(t->frames_fd, F_SETFL, fcntl(t->frames_fd, F_GETFL) | O_NONBLOCK);
    t->vt = vterm_new(rows, cols);
    vterm_set_utf8(t->vt, 1);
    vterm_output_set_callback(t->vt, vterm_reply, t);
    t->screen = vterm_obtain_screen(t->vt);
    vterm_screen_reset(t->screen, 1);
    return t;
}

#define RAW_CAP (8u << 20)

static void keep_raw(tui *t, const char *buf, size_t n)
{
    if (t->raw_len + n > t->raw_cap) {
        size_t cap = t->raw_cap ? t->raw_cap * 2 : 65536;
        while (cap < t->raw_len + n)
            cap *= 2;
        if (cap > RAW_CAP)
            return;                     /* tests that need it stay well below */
        char *grown = realloc(t->raw, cap);
        if (!grown)
            return;
        t->raw = grown;
        t->raw_cap = cap;
    }
    memcpy(t->raw + t->raw_len, buf, n);
    t->raw_len += n;
}

size_t tui_raw_mark(const tui *t) { return t->raw_len; }

bool tui_raw_contains(const tui *t, size_t since, const char *bytes)
{
    size_t n = strlen(bytes);
    return since <= t->raw_len && memmem(t->raw + since, t->raw_len - since, bytes, n) != NULL;
}

/* Read whatever is there within timeout_ms; returns bytes of terminal output read. */
static size_t pump(tui *t, int timeout_ms)
{
    struct pollfd fds[2] = { { .fd = t->master, .events = POLLIN }, { .fd = t->frames_fd, .events = POLLIN } };
    size_t got = 0;
    if (t->eof)
        return 0;
    if (poll(fds, 2, timeout_ms) <= 0) {
        t->whole = true;                /* quiet: a program without frames has finished writing */
        return 0;
    }
    char buf[8192];
    ssize_t n;
    uint64_t frames = t->frames;
    /* Frame bytes first: the program writes a frame's output before its frame byte, so
     * draining the terminal after reading the byte leaves the screen at a frame's end. */
    while ((n = read(t->frames_fd, buf, sizeof buf)) > 0) {
        t->frames += (uint64_t)n;
        for (ssize_t i = 0; i < n; i++)
            t->fleet_frames += buf[i] == 'F';
    }
    while ((n = read(t->master, buf, sizeof buf)) > 0) {
        keep_raw(t, buf, (size_t)n);
        vterm_input_write(t->vt, buf, (size_t)n);
        t->bytes += (uint64_t)n;
        got += (size_t)n;
    }
    if (n < 0 && errno == EIO)
        t->eof = t->whole = true;       /* the child closed the terminal: it exited */
    if (t->eof) {
        /* whole: nothing more will come */
    } else if (t->frames > frames) {
        /* A frame ended, but the drain above may have read on into the start of the next
         * one (its byte not written yet): the screen is whole only when the terminal then
         * stays quiet a moment. */
        struct pollfd more = { .fd = t->master, .events = POLLIN };
        t->whole = poll(&more, 1, 20) == 0;
    } else if (got)
        t->whole = false;               /* part of a frame may still be on its way */
    return got;
}

void tui_type(tui *t, const char *keys)
{
    size_t len = strlen(keys);
    while (len > 0) {
        ssize_t n = write(t->master, keys, len);
        if (n <= 0 && errno != EAGAIN && errno != EINTR)
            return;
        if (n > 0) {
            keys += n;
            len -= (size_t)n;
        } else {
            pump(t, 10);
        }
    }
}

void tui_size(tui *t, int *rows, int *cols)
{
    vterm_get_size(t->vt, rows, cols);
}

const char *tui_row(tui *t, int row, char *buf, size_t len)
{
    int rows, cols;
    tui_size(t, &rows, &cols);
    buf[0] = '\0';
    if (row < 0 || row >= rows || len < 2)
        return buf;
    size_t n = vterm_screen_get_text(t->screen, buf, len - 1,
                                     (VTermRect){ .start_row = row, .end_row = row + 1, .start_col = 0, .end_col = cols });
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\n'))
        buf[--n] = '\0';
    return buf;
}

/* Column of byte offset off in a row's text (one cell per character; wide ones take two). */
static int col_of(tui *t, int row, const char *text, size_t off)
{
    int col = 0;
    for (size_t i = 0; i < off; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80) {
            VTermScreenCell cell;
            vterm_screen_get_cell(t->screen, (VTermPos){ row, col }, &cell);
            col += cell.width > 0 ? cell.width : 1;
        }
    return col;
}

bool tui_find(tui *t, const char *text, int *row, int *col)
{
    int rows, cols;
    char buf[4096];
    tui_size(t, &rows, &cols);
    for (int r = 0; r < rows; r++) {
        const char *hit = strstr(tui_row(t, r, buf, sizeof buf), text);
        if (hit) {
            if (row)
                *row = r;
            if (col)
                *col = col_of(t, r, buf, (size_t)(hit - buf));
            return true;
        }
    }
    return false;
}

bool tui_cell(tui *t, int row, int col, VTermScreenCell *cell)
{
    return vterm_screen_get_cell(t->screen, (VTermPos){ row, col }, cell) != 0;
}

bool tui_wait_text(tui *t, const char *text, int deadline_ms)
{
    int64_t end = now_ms() + deadline_ms;
    for (;;) {
        if (t->whole && tui_find(t, text, NULL, NULL))
            return true;
        if (now_ms() >= end || t->eof)
            return t->eof && tui_find(t, text, NULL, NULL);
        pump(t, 50);
    }
}

bool tui_wait_gone(tui *t, const char *text, int deadline_ms)
{
    int64_t end = now_ms() + deadline_ms;
    for (;;) {
        if (t->whole && !tui_find(t, text, NULL, NULL))
            return true;
        if (now_ms() >= end || t->eof)
            return false;
        pump(t, 50);
    }
}

bool tui_wait_frames(tui *t, int n, int deadline_ms)
{
    int64_t end = now_ms() + deadline_ms;
    uint64_t want = t->frames + (uint64_t)n;
    while (t->frames < want && now_ms() < end && !t->eof)
        pump(t, 50);
    return t->frames >= want;
}

void tui_settle(tui *t)
{
    tui_wait_frames(t, 1, 5000);
    int64_t end = now_ms() + 3000;
    while (now_ms() < end && pump(t, 150) > 0)
        ;
}

void tui_resize(tui *t, int rows, int cols)
{
    struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
    vterm_set_size(t->vt, rows, cols);
    ioctl(t->master, TIOCSWINSZ, &ws);      /* the kernel sends SIGWINCH to the program */
}

uint64_t tui_bytes(const tui *t) { return t->bytes; }
uint64_t tui_frames(const tui *t) { return t->frames; }
uint64_t tui_fleet_frames(const tui *t) { return t->fleet_frames; }

void tui_dump(tui *t, const char *why)
{
    int rows, cols;
    char buf[4096];
    tui_size(t, &rows, &cols);
    fprintf(stderr, "---- screen (%s) ----\n", why);
    for (int r = 0; r < rows; r++)
        fprintf(stderr, "%2d|%s\n", r, tui_row(t, r, buf, sizeof buf));
    fprintf(stderr, "---- end of screen ----\n");
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

int tui_quit(tui *t, const char *keys)
{
    int status = 0, result = -1;
    if (keys)
        tui_type(t, keys);
    int64_t end = now_ms() + TUI_DEADLINE_MS;
    while (now_ms() < end) {
        pid_t w = waitpid(t->pid, &status, WNOHANG);
        if (w == t->pid) {
            result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (pump(t, 50) == 0 && t->eof)
            usleep(10000);
    }
    if (result == -1) {
        kill(t->pid, SIGKILL);
        waitpid(t->pid, &status, 0);
    }
    close(t->master);
    close(t->frames_fd);
    vterm_free(t->vt);
    free(t->raw);
    nftw(t->home, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(t);
    return result;
}

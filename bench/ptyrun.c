/* ptyrun - run a terminal program in a pseudo-terminal and measure it as an operator's
 * terminal would see it: time until a text appears on the screen (libvterm), bytes it
 * writes, CPU it burns (its own and its waited-for children's), its memory, and the
 * latency from a keypress to the next byte on the terminal.
 *
 *   ptyrun [--size 200x60] [--until TEXT] [--timeout S] [--settle MS] [--window S]
 *          [--keys CHARS --key-interval MS] [--quit CHARS] [--env K=V]... -- CMD ARGS...
 *
 * Phases: start -> (--until) the screen contains TEXT -> (--settle) no output for MS ->
 * (--after-settle) run a shell command (e.g. inject a fault) ->
 * (--window) measure for S seconds, typing one of CHARS every key-interval if --keys ->
 * (--quit) type CHARS and wait for exit (SIGTERM after 3 s).
 * Prints one "key value" line per figure on stdout; exit 0 when every phase completed.
 * A benchmark tool: it measures, it never judges. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

typedef struct run_opts {
    int cols, rows;
    const char *until;
    double timeout_s;
    int settle_ms;
    double window_s;
    const char *keys;
    int key_interval_ms;
    const char *quit;
    bool show_screen;
    const char *after_settle;
    char **argv;
} run_opts;

typedef struct term {
    int fd;
    pid_t pid;
    VTerm *vt;
    VTermScreen *screen;
    uint64_t bytes;             /* everything the program wrote */
    int64_t last_output_ms;
} term;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void usage(void)
{
    fprintf(stderr, "usage: ptyrun [--size CxR] [--until TEXT] [--timeout S] [--settle MS] "
                    "[--window S] [--keys CHARS --key-interval MS] [--quit CHARS] [--screen 1] [--after-settle SHELLCMD] "
                    "[--env K=V]... -- CMD ARGS...\n");
    exit(2);
}

static void parse_args(int argc, char **argv, run_opts *o)
{
    *o = (run_opts){ .cols = 200, .rows = 60, .timeout_s = 120, .key_interval_ms = 100 };
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--")) { i++; break; }
        if (!v) usage();
        if (!strcmp(a, "--size")) { if (sscanf(v, "%dx%d", &o->cols, &o->rows) != 2) usage(); }
        else if (!strcmp(a, "--until")) o->until = v;
        else if (!strcmp(a, "--timeout")) o->timeout_s = atof(v);
        else if (!strcmp(a, "--settle")) o->settle_ms = atoi(v);
        else if (!strcmp(a, "--window")) o->window_s = atof(v);
        else if (!strcmp(a, "--keys")) o->keys = v;
        else if (!strcmp(a, "--key-interval")) o->key_interval_ms = atoi(v);
        else if (!strcmp(a, "--quit")) o->quit = v;
        else if (!strcmp(a, "--after-settle")) o->after_settle = v;
        else if (!strcmp(a, "--screen")) { o->show_screen = atoi(v) != 0; }
        else if (!strcmp(a, "--env")) putenv((char *)v);
        else usage();
        i++;
    }
    if (i >= argc) usage();
    o->argv = argv + i;
}

static int term_start(term *t, const run_opts *o)
{
    struct winsize ws = { .ws_row = (unsigned short)o->rows, .ws_col = (unsigned short)o->cols };
    t->pid = forkpty(&t->fd, NULL, NULL, &ws);
    if (t->pid < 0) { perror("ptyrun: forkpty"); return -1; }
    if (t->pid == 0) {
        setenv("TERM", "xterm-256color", 1);
        execvp(o->argv[0], o->argv);
        perror("ptyrun: exec");
        _exit(127);
    }
    fcntl(t->fd, F_SETFL, fcntl(t->fd, F_GETFL) | O_NONBLOCK);
    t->vt = vterm_new(o->rows, o->cols);
    vterm_set_utf8(t->vt, 1);
    t->screen = vterm_obtain_screen(t->vt);
    vterm_screen_reset(t->screen, 1);
    t->last_output_ms = now_ms();
    return 0;
}

/* Reads what is available (waiting at most wait_ms for the first byte).
 * Returns bytes read, 0 on timeout, -1 when the program closed the terminal. */
static ssize_t term_pump(term *t, int wait_ms)
{
    struct pollfd p = { .fd = t->fd, .events = POLLIN };
    int r = poll(&p, 1, wait_ms);
    if (r <= 0) return 0;
    char buf[65536];
    ssize_t total = 0;
    for (;;) {
        ssize_t n = read(t->fd, buf, sizeof buf);
        if (n > 0) {
            vterm_input_write(t->vt, buf, (size_t)n);
            t->bytes += (uint64_t)n;
            total += n;
            continue;
        }
        if (n < 0 && errno == EAGAIN) break;
        return total > 0 ? total : -1;          /* EIO: the slave side is closed */
    }
    t->last_output_ms = now_ms();
    return total;
}

static bool screen_contains(term *t, const char *text, int rows, int cols)
{
    static char buf[1 << 20];
    VTermRect r = { .start_row = 0, .end_row = rows, .start_col = 0, .end_col = cols };
    size_t n = vterm_screen_get_text(t->screen, buf, sizeof buf - 1, r);
    buf[n] = 0;
    /* get_text joins rows with newlines; a short text never spans rows. */
    return strstr(buf, text) != NULL;
}

/* CPU seconds of the process and of the children it has waited for, from /proc. */
static double proc_cpu_s(pid_t pid)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    unsigned long long ut, st; long long cut, cst;
    /* after ')': state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld",
               &ut, &st, &cut, &cst) != 4) return -1;
    return (double)(ut + st + (unsigned long long)cut + (unsigned long long)cst) / (double)sysconf(_SC_CLK_TCK);
}

static long proc_status_kib(pid_t pid, const char *key)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long v = -1;
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, kl) && line[kl] == ':') { v = atol(line + kl + 1); break; }
    fclose(f);
    return v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double percentile(double *v, size_t n, double p)
{
    if (n == 0) return -1;
    qsort(v, n, sizeof *v, cmp_double);
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i];
}

static int phase_until(term *t, const run_opts *o, int64_t t0)
{
    int64_t deadline = t0 + (int64_t)(o->timeout_s * 1000);
    while (!screen_contains(t, o->until, o->rows, o->cols)) {
        if (now_ms() > deadline) { printf("until_ms timeout\n"); return -1; }
        if (term_pump(t, 50) < 0) { printf("until_ms exited\n"); return -1; }
    }
    /* A frame may span several reads: the text is there, the rest of the frame follows.
     * The screen counts as complete at the last byte before 30 ms of quiet. */
    while (term_pump(t, 30) > 0) {}
    printf("until_ms %lld\n", (long long)(t->last_output_ms - t0));
    printf("until_bytes %llu\n", (unsigned long long)t->bytes);
    return 0;
}

static int phase_settle(term *t, const run_opts *o)
{
    int64_t deadline = now_ms() + (int64_t)(o->timeout_s * 1000);
    while (now_ms() - t->last_output_ms < o->settle_ms) {
        if (now_ms() > deadline) { printf("settle timeout\n"); return -1; }
        if (term_pump(t, 20) < 0) return -1;
    }
    return 0;
}

/* Measures a window; with keys, types one every key_interval and times the answer. */
static int phase_window(term *t, const run_opts *o)
{
    size_t cap = o->keys ? (size_t)(o->window_s * 1000 / o->key_interval_ms) + 2 : 1;
    double *lat = calloc(cap, sizeof *lat);
    size_t n_lat = 0, n_sent = 0, n_lost = 0;
    uint64_t bytes0 = t->bytes;
    double cpu0 = proc_cpu_s(t->pid);
    int64_t start = now_ms(), end = start + (int64_t)(o->window_s * 1000);
    while (now_ms() < end) {
        if (!o->keys) { if (term_pump(t, (int)(end - now_ms())) < 0) break; continue; }
        char k = o->keys[n_sent % strlen(o->keys)];
        while (term_pump(t, 0) > 0) {}                     /* drain: measure only our answer */
        double k0 = now_us();
        if (write(t->fd, &k, 1) != 1) break;
        n_sent++;
        int64_t key_deadline = now_ms() + o->key_interval_ms * 10 + 1000;
        ssize_t got = 0;
        while (!got && now_ms() < key_deadline) got = term_pump(t, 5);
        if (got > 0 && n_lat < cap) lat[n_lat++] = (now_us() - k0) / 1000.0;
        else n_lost++;
        int64_t next = start + (int64_t)n_sent * o->key_interval_ms;
        while (now_ms() < next) term_pump(t, (int)(next - now_ms()));
    }
    double secs = (double)(now_ms() - start) / 1000.0;
    printf("window_s %.2f\n", secs);
    printf("window_bytes %llu\n", (unsigned long long)(t->bytes - bytes0));
    printf("window_cpu_s %.3f\n", proc_cpu_s(t->pid) - cpu0);
    printf("rss_kib %ld\n", proc_status_kib(t->pid, "VmRSS"));
    printf("peak_rss_kib %ld\n", proc_status_kib(t->pid, "VmHWM"));
    if (o->keys) {
        printf("keys_sent %zu\nkeys_unanswered %zu\n", n_sent, n_lost);
        printf("key_latency_p50_ms %.2f\n", percentile(lat, n_lat, 0.50));
        printf("key_latency_p99_ms %.2f\n", percentile(lat, n_lat, 0.99));
        printf("key_latency_max_ms %.2f\n", percentile(lat, n_lat, 1.0));
    }
    free(lat);
    return 0;
}

/* The screen as text on stderr, for eyes and for choosing --until texts. */
static void print_screen(term *t, const run_opts *o)
{
    static char buf[1 << 20];
    VTermRect r = { .start_row = 0, .end_row = o->rows, .start_col = 0, .end_col = o->cols };
    size_t n = vterm_screen_get_text(t->screen, buf, sizeof buf - 1, r);
    buf[n] = 0;
    fprintf(stderr, "%s\n", buf);
}

static int phase_quit(term *t, const run_opts *o)
{
    if (o->quit && write(t->fd, o->quit, strlen(o->quit)) < 0) perror("ptyrun: write");
    int64_t deadline = now_ms() + 3000;
    int st = 0;
    while (waitpid(t->pid, &st, WNOHANG) == 0) {
        if (now_ms() > deadline) { kill(t->pid, SIGTERM); waitpid(t->pid, &st, 0); break; }
        term_pump(t, 20);
    }
    printf("total_bytes %llu\n", (unsigned long long)t->bytes);
    printf("exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    return 0;
}

int main(int argc, char **argv)
{
    run_opts o;
    parse_args(argc, argv, &o);
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    term t = {0};
    int64_t t0 = now_ms();
    if (term_start(&t, &o) != 0) return 1;
    int rc = 0;
    if (o.until && phase_until(&t, &o, t0) != 0) rc = 1;
    if (!rc && o.settle_ms && phase_settle(&t, &o) != 0) rc = 1;
    if (!rc && o.after_settle && system(o.after_settle) != 0)
        fprintf(stderr, "ptyrun: --after-settle command failed\n");
    if (!rc && o.window_s > 0) phase_window(&t, &o);
    if (o.show_screen) print_screen(&t, &o);
    phase_quit(&t, &o);
    vterm_free(t.vt);
    return rc;
}

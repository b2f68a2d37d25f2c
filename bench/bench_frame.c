/* bench_frame - frame cost of the servers pane, in-process: a synthetic fleet of N servers,
 * the real fleet table (filter + sort) and the real pane drawing, on a terminal of
 * COLSxROWS whose output goes to /dev/null (ncurses still computes every update).
 *
 *   bench_frame [--servers N] [--size 200x60] [--frames F] [--filter TEXT] [--pane agents]
 *
 * Prints, in milliseconds (median / p99 / max):
 *   frame_move   one cursor step: draw the pane + doupdate (what a keypress costs)
 *   frame_new    a new fleet arrives: rebuild the table (filter + sort) + draw + doupdate
 *   frame_churn  the same, but 1 % of the servers changed progress and state since the
 *                last frame (sorted by progress, so the order really moves)
 *   and the same as _cpu: this thread's CPU time per frame (see below)
 * A new fleet comes with a new fleet_seq, as the app installs it (ui/app.c), so the pane
 * measures its column widths again as it does in the app, and with sms_fleet.revs as the
 * poller's fleets have them (a server's number changes with its data); --no-revs leaves
 * them out (the UI then reads every server of every new fleet). --churn-only runs one new fleet
 * and then the churn frames, each through servers_churn_frame(), for
 *   valgrind --tool=callgrind --toggle-collect=servers_churn_frame bench_frame --churn-only
 * With --pane agents, the Agents pane over N hosts instead (model/agents.h): 95 % of the
 * servers are in an inventory that also names N/20 hosts that never registered:
 *   agents_new   a new fleet arrives: derive every host's state, filter, sort, draw
 *   agents_churn the same, sorted by state, with 1 % of the servers changing connection
 *                between frames (their state moves, so the order really changes)
 *   agents_move  one cursor step
 *   and the same as _cpu: this thread's CPU time per frame, which other processes on a
 *   shared machine do not add to (the wall-clock p99 there measures the neighbours)
 * A benchmark: it prints figures, it asserts nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curses.h>
#include <locale.h>
#include "model/agents.h"
#include "model/inventory.h"
#include "ui/app.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *name_of(const char *prefix, int i)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s-%05d", prefix, i);
    return strdup(buf);
}

/* A deterministic fleet that looks like a migration wave. */
static sms_fleet *make_fleet(int n)
{
    static const char *states[] = { "waiting", "replicate", "syncing", "finished", "error", "stopped" };
    static const char *cycles[] = { "checking", "setting", "replicating", "syncing", "cutovering", "cutovered" };
    static const char *kinds[] = { "web-eu", "db-prod", "app", "cache" };
    sms_fleet *f = calloc(1, sizeof *f);
    uint64_t *revs = calloc((size_t)n, sizeof *revs);
    f->servers = calloc((size_t)n, sizeof *f->servers);
    f->revs = revs;
    f->n_servers = (size_t)n;
    f->count = n;
    for (int i = 0; i < n; i++) {
        sms_server *s = &f->servers[i];
        unsigned h = (unsigned)i * 2654435761u;
        s->id = name_of("srv", i);
        s->name = name_of(kinds[h % 4], (int)(h % 100000));
        char ip[32];
        snprintf(ip, sizeof ip, "10.20.%d.%d", i / 250 % 250, i % 250 + 1);
        s->ip = strdup(ip);
        s->os_type = strdup(h & 1 ? "LINUX" : "WINDOWS");
        s->state = strdup(states[(h >> 3) % 6]);
        s->migration_cycle = strdup(cycles[(h >> 7) % 6]);
        s->totalsize = 100LL << 30;
        s->replicatesize = (int64_t)((h >> 5) % 101) << 30;
        s->connected = (h % 17) != 0;
        s->has_current_task = true;
        s->current_task.migrate_speed = (double)(h % 900);
        s->current_task.remain_seconds = h % 7200;
        /* for the Agents pane: registration, link changes, OS (a few unsupported) */
        s->os_version = strdup(h % 53 == 0 ? "CENTOS5.11" : h & 1 ? "CENTOS7.9" : "WINDOWS2019");
        s->add_date = 1700000000000LL + (int64_t)(h % 3600) * 1000;
        s->last_visit_time = s->add_date + (h % 3 == 0 ? 60000 : 0);
        revs[i] = (uint64_t)i + 1;
    }
    return f;
}

/* 95 % of the fleet's servers by name or address, then n/20 hosts never registered. */
static int make_inventory(const sms_fleet *f, sms_inventory *inv)
{
    size_t cap = f->n_servers * 48 + 64, len = 0;
    char *csv = malloc(cap), err[256];
    for (size_t i = 0; i < f->n_servers && len + 48 < cap; i++)
        if (i % 20 != 7)
            len += (size_t)snprintf(csv + len, cap - len, "%s\n",   /* synthetic names repeat past 10,000 */
                                    i % 2 == 0 && i < 10000 ? f->servers[i].name : f->servers[i].ip);
    for (size_t i = 0; i < f->n_servers / 20 && len + 48 < cap; i++)
        len += (size_t)snprintf(csv + len, cap - len, "new-host-%06zu,10.250.%zu.%zu\n", i, i / 250 % 250, i % 250 + 1);
    int rc = sms_inventory_parse(csv, len, "bench", inv, err, sizeof err);
    if (rc)
        fprintf(stderr, "bench_frame: %s\n", err);
    free(csv);
    return rc;
}

static void draw_view(sms_app *a, sms_view_id v)
{
    werase(stdscr);
    sms_views[v]->draw(a, a->view_state[v], stdscr, LINES, COLS);
    wnoutrefresh(stdscr);
    doupdate();
}

static void report(const char *name, double *v, int n);

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One Agents pane frame: wall time, and this thread's CPU time (what other processes on
 * a shared machine do not add to). */
static void agents_frame(sms_app *a, double *wall, double *cpu)
{
    double t0 = now_ms(), c0 = cpu_ms();
    draw_view(a, SMS_VIEW_AGENTS);
    *cpu = cpu_ms() - c0;
    *wall = now_ms() - t0;
}

static void report_both(const char *name, double *wall, double *cpu, int n)
{
    char cpu_name[64];
    snprintf(cpu_name, sizeof cpu_name, "%s_cpu", name);
    report(name, wall, n);
    report(cpu_name, cpu, n);
}

/* The Agents pane: two fleets alternate so every frame derives every host again. */
static void bench_agents(sms_app *a, sms_ui_opts *o, int n, int frames, double *t)
{
    double *c = calloc((size_t)frames, sizeof *c);
    sms_fleet *f[2] = { make_fleet(n), make_fleet(n) };
    sms_inventory inv;
    if (make_inventory(f[0], &inv))
        return;
    o->inventory = &inv;
    sms_snapshot snap = { 0 };
    a->snap = &snap;
    a->now_ms = 1700000000000LL + 4000 * 1000;
    for (int i = 0; i < frames; i++) {
        snap.fleet = f[i % 2];
        snap.fleet_seq = (uint64_t)i + 1;
        agents_frame(a, &t[i], &c[i]);
    }
    const size_t *k = sms_agents_counts(a, NULL);
    size_t hosts = 0;
    for (int s = 0; s < SMS_AGENT_N_STATES; s++)
        hosts += k[s];
    printf("hosts %zu\nsize %dx%d\n", hosts, COLS, LINES);
    report_both("agents_new", t, c, frames);
    sms_app_command(a, "sort state");
    for (int i = 0; i < frames; i++) {
        sms_fleet *g = f[i % 2];
        for (int k = 0; k < n / 100; k++) {         /* 1 % of the fleet changes its link */
            sms_server *s = &g->servers[((size_t)i * 7919u + (size_t)k * 104729u) % (size_t)n];
            s->connected = !s->connected;
            s->last_visit_time = a->now_ms - 1000;
        }
        snap.fleet = g;
        snap.fleet_seq = (uint64_t)(frames + i) + 1;
        agents_frame(a, &t[i], &c[i]);
    }
    report_both("agents_churn", t, c, frames);
    for (int i = 0; i < frames; i++) {
        sms_app_do(a, (i / 50) % 2 ? SMS_A_UP : SMS_A_DOWN, NULL);
        agents_frame(a, &t[i], &c[i]);
    }
    report_both("agents_move", t, c, frames);
    free(c);
    a->snap = NULL;
    o->inventory = NULL;
    sms_inventory_free(&inv);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *name, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    printf("%s_median_ms %.3f\n%s_p99_ms %.3f\n%s_max_ms %.3f\n", name, v[n / 2], name,
           v[(int)((n - 1) * 0.99)], name, v[n - 1]);
}

static void draw_pane(sms_app *a)
{
    werase(stdscr);
    sms_view_servers.draw(a, a->view_state[SMS_VIEW_SERVERS], stdscr, LINES, COLS);
    wnoutrefresh(stdscr);
    doupdate();
}

/* A new fleet as the app takes it (install_snapshot: the table, a new fleet_seq), drawn. */
static void new_fleet_frame(sms_app *a, const sms_fleet *f, int64_t now_ms)
{
    sms_fleet_table_update(&a->table, f, now_ms);
    a->fleet_seq++;
    draw_pane(a);
}

/* The same, its own symbol for callgrind's --toggle-collect. */
__attribute__((noinline)) void servers_churn_frame(sms_app *a, const sms_fleet *f, int64_t now_ms);
__attribute__((noinline)) void servers_churn_frame(sms_app *a, const sms_fleet *f, int64_t now_ms)
{
    new_fleet_frame(a, f, now_ms);
}

int main(int argc, char **argv)
{
    int n = 10000, cols = 200, rows = 60, frames = 300;
    const char *filter = "", *pane = "servers";
    bool churn_only = false, revs = true;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--churn-only"))
            churn_only = true;
        if (!strcmp(argv[i], "--no-revs"))
            revs = false;
    }
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--churn-only") || !strcmp(argv[i], "--no-revs")) i--;
        else if (!strcmp(argv[i], "--servers")) n = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--size")) sscanf(argv[i + 1], "%dx%d", &cols, &rows);
        else if (!strcmp(argv[i], "--frames")) frames = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--filter")) filter = argv[i + 1];
        else if (!strcmp(argv[i], "--pane")) pane = argv[i + 1];
    }
    setlocale(LC_ALL, "C.UTF-8");
    FILE *out = fopen("/dev/null", "w");
    SCREEN *scr = newterm("xterm-256color", out, stdin);
    if (!scr) { fprintf(stderr, "bench_frame: newterm failed\n"); return 1; }
    resizeterm(rows, cols);
    start_color();

    sms_ui_opts o = { .frame_fd = -1 };
    sms_app a;
    sms_app_init(&a, NULL, &o);
    a.sym = &sms_symbols_utf8;
    sms_theme_builtin(&a.theme);
    sms_theme_apply(&a.theme, false);
    snprintf(a.table.filter, sizeof a.table.filter, "%s", filter);
    if (!strcmp(pane, "agents")) {
        double *t = calloc((size_t)frames, sizeof *t);
        a.view = SMS_VIEW_AGENTS;
        bench_agents(&a, &o, n, frames, t);
        free(t);
        sms_app_free(&a);
        endwin();
        delscreen(scr);
        fclose(out);
        return 0;
    }
    sms_fleet *f = make_fleet(n);
    uint64_t *rev = (uint64_t *)f->revs, next_rev = (uint64_t)n;
    if (!revs)
        f->revs = NULL;
    a.table.sort_col = SMS_COL_PROGRESS;

    double *t = calloc((size_t)frames, sizeof *t), *c = calloc((size_t)frames, sizeof *c);
    for (int i = 0; i < (churn_only ? 1 : frames); i++) {
        double t0 = now_ms(), c0 = cpu_ms();
        new_fleet_frame(&a, f, (int64_t)i * 5000);
        c[i] = cpu_ms() - c0;
        t[i] = now_ms() - t0;
    }
    printf("servers %d\nsize %dx%d\nshown_rows %zu\n", n, cols, rows, a.table.n_rows);
    if (!churn_only)
        report_both("frame_new", t, c, frames);
    static const char *churn_states[] = { "replicate", "syncing", "error" };
    for (int i = 0; i < frames; i++) {
        for (int k = 0; k < n / 100; k++) {         /* 1 % of the fleet moves */
            sms_server *s = &f->servers[((size_t)i * 7919u + (size_t)k * 104729u) % (size_t)n];
            s->replicatesize = (s->replicatesize + (1LL << 30)) % (s->totalsize + 1);
            free(s->state);
            s->state = strdup(churn_states[(i + k) % 3]);
            rev[s - f->servers] = ++next_rev;
        }
        double t0 = now_ms(), c0 = cpu_ms();
        servers_churn_frame(&a, f, (int64_t)(frames + i) * 5000);
        c[i] = cpu_ms() - c0;
        t[i] = now_ms() - t0;
    }
    report_both("frame_churn", t, c, frames);
    for (int i = 0; i < frames && !churn_only; i++) {
        double t0 = now_ms(), c0 = cpu_ms();
        sms_fleet_table_move(&a.table, (i / 50) % 2 ? -1 : 1);
        draw_pane(&a);
        c[i] = cpu_ms() - c0;
        t[i] = now_ms() - t0;
    }
    if (!churn_only)
        report_both("frame_move", t, c, frames);
    free(c);
    free(t);
    a.table.fleet = NULL;
    sms_app_free(&a);
    endwin();
    delscreen(scr);
    fclose(out);
    return 0;
}

/* main.c - smsconsole: arguments, config and credentials, then the poller and the UI
 * (or a one-shot --dump). --demo runs the emulator in-process.
 *
 * Precedence for every setting: command line > environment > config context > default.
 * Secrets come from the environment, the config's password_command or a prompt on the
 * terminal, never from argv; they are wiped once the clients hold their own copies. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "api/poller.h"
#include "api/regions.h"
#include "api/wipe.h"
#include "emulator/emulator.h"
#include "model/agents.h"
#include "model/inventory.h"
#include "ui/config.h"
#include "ui/ui.h"

#define EXIT_USAGE 2
#define SECRET_MAX 512

typedef struct cli {
    const char *config_path, *context, *theme, *dump, *cacert;
    const char *endpoint, *iam_endpoint, *region, *user, *domain, *project, *inventory;
    int refresh_s, install_window_s;
    bool readonly, dashboard, demo, insecure, ascii, mouse, bell, verbose;
} cli;

/* Everything one run of the poller needs; strings point into cli/config/env or `own`. */
typedef struct session {
    sms_client_opts client;
    const char *context, *region;
    char password[SECRET_MAX];
    smsemu *emu;
    sms_inventory inventory; bool has_inventory;   /* --inventory or the context's */
    int64_t install_window_ms;
} session;

static void usage(FILE *f)
{
    fputs("Usage: smsconsole [OPTION]...\n"
          "An operations console for the Server Migration Service (SMS v3).\n\n"
          "  -c, --config FILE       config file (default $XDG_CONFIG_HOME/smsconsole/config)\n"
          "  -C, --context NAME      context from the config file\n"
          "  -t, --theme NAME        colour theme (default, light, high-contrast, monochrome)\n"
          "  -r, --refresh SEC       fleet refresh interval, 1-3600 seconds (default 5)\n"
          "  -R, --readonly          never send a request that changes anything\n"
          "  -d, --dashboard         read-only fleet summary for a wall screen\n"
          "      --demo              run the built-in emulator with a demo fleet, as admin\n"
          "      --dump json|text    print the fleet once and exit\n"
          "      --dump agents|agents-json  print every host's agent state once and exit\n"
          "      --inventory FILE    hosts to migrate, CSV: name and/or IP per line (Agents pane)\n"
          "      --agent-install-window SEC  how long a registered agent may take to connect\n"
          "                          before it counts as failed, 1-86400 (default 600)\n"
          "      --region NAME       region, e.g. ap-southeast-3: the SMS and IAM endpoints\n"
          "                          and, for AK/SK, the project   (env SMS_REGION)\n"
          "      --endpoint URL      SMS endpoint, wins over --region (env SMS_ENDPOINT)\n"
          "      --iam-endpoint URL  IAM endpoint, wins over --region (env SMS_IAM_ENDPOINT;\n"
          "                          default https://iam.myhuaweicloud.com)\n"
          "      --user NAME         IAM user              (env SMS_USER)\n"
          "      --domain NAME       IAM account (domain)  (env SMS_DOMAIN)\n"
          "      --project NAME      project name or id    (env SMS_PROJECT)\n"
          "      --cacert FILE       CA certificates to verify the endpoints with\n"
          "                          (env CURL_CA_BUNDLE, SSL_CERT_FILE; default: the system's)\n"
          "      --insecure          do not verify TLS certificates (dangerous)\n"
          "      --ascii             ASCII lines and bars only\n"
          "      --mouse             enable the mouse (off by default: it breaks copying over SSH)\n"
          "      --bell              ring the bell when a server enters the error state\n"
          "  -v, --verbose           say which endpoints and region are used\n"
          "  -h, --help              this help\n"
          "  -V, --version           version\n\n"
          "Credentials: SMS_PASSWORD, SMS_AUTH_TOKEN, or HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK /\n"
          "HUAWEICLOUD_SDK_PROJECT_ID in the environment, password_command in the config, or a\n"
          "prompt. Passwords are never accepted on the command line. See smsconsole(1).\n", f);
}

enum { OPT_DEMO = 256, OPT_DUMP, OPT_ENDPOINT, OPT_IAM, OPT_USER, OPT_DOMAIN, OPT_PROJECT, OPT_INSECURE,
       OPT_ASCII, OPT_MOUSE, OPT_BELL, OPT_CACERT, OPT_INVENTORY,
       OPT_INSTALL_WINDOW, OPT_REGION };

/* Whole seconds, 1..max; -1 when not. */
static int parse_seconds(const char *s, long max)
{
    char *end;
    long v = strtol(s, &end, 10);
    return *s && !*end && v >= 1 && v <= max ? (int)v : -1;
}

/* 0 ok, 1 exit successfully (help/version), -1 usage error. */
static int parse_args(int argc, char **argv, cli *c)
{
    static const struct option opts[] = {
        { "config", 1, NULL, 'c' }, { "context", 1, NULL, 'C' }, { "theme", 1, NULL, 't' },
        { "refresh", 1, NULL, 'r' }, { "readonly", 0, NULL, 'R' }, { "dashboard", 0, NULL, 'd' },
        { "help", 0, NULL, 'h' }, { "version", 0, NULL, 'V' }, { "demo", 0, NULL, OPT_DEMO },
        { "dump", 1, NULL, OPT_DUMP }, { "endpoint", 1, NULL, OPT_ENDPOINT }, { "iam-endpoint", 1, NULL, OPT_IAM },
        { "user", 1, NULL, OPT_USER }, { "domain", 1, NULL, OPT_DOMAIN }, { "project", 1, NULL, OPT_PROJECT },
        { "insecure", 0, NULL, OPT_INSECURE }, { "ascii", 0, NULL, OPT_ASCII }, { "mouse", 0, NULL, OPT_MOUSE },
        { "bell", 0, NULL, OPT_BELL }, { "cacert", 1, NULL, OPT_CACERT }, { "inventory", 1, NULL, OPT_INVENTORY },
        { "agent-install-window", 1, NULL, OPT_INSTALL_WINDOW }, { "region", 1, NULL, OPT_REGION },
        { "verbose", 0, NULL, 'v' }, { NULL, 0, NULL, 0 },
    };
    int o;
    while ((o = getopt_long(argc, argv, "c:C:t:r:RdhVv", opts, NULL)) != -1) {
        switch (o) {
        case 'c': c->config_path = optarg; break;
        case 'C': c->context = optarg; break;
        case 't': c->theme = optarg; break;
        case 'r':
            if ((c->refresh_s = parse_seconds(optarg, 3600)) < 0) {
                fprintf(stderr, "smsconsole: --refresh: expected 1-3600 seconds, not \"%s\"\n", optarg);
                return -1;
            }
            break;
        case 'R': c->readonly = true; break;
        case 'd': c->dashboard = c->readonly = true; break;
        case 'h': usage(stdout); return 1;
        case 'V': printf("smsconsole %s\n", SMS_VERSION); return 1;
        case OPT_DEMO: c->demo = true; break;
        case OPT_DUMP:
            if (strcmp(optarg, "json") && strcmp(optarg, "text") && strcmp(optarg, "agents") &&
                strcmp(optarg, "agents-json")) {
                fprintf(stderr, "smsconsole: --dump: expected json, text, agents or agents-json, not \"%s\"\n",
                        optarg);
                return -1;
            }
            c->dump = optarg;
            break;
        case OPT_ENDPOINT: c->endpoint = optarg; break;
        case OPT_IAM: c->iam_endpoint = optarg; break;
        case OPT_REGION: c->region = optarg; break;
        case 'v': c->verbose = true; break;
        case OPT_USER: c->user = optarg; break;
        case OPT_DOMAIN: c->domain = optarg; break;
        case OPT_PROJECT: c->project = optarg; break;
        case OPT_INSECURE: c->insecure = true; break;
        case OPT_CACERT: c->cacert = optarg; break;
        case OPT_ASCII: c->ascii = true; break;
        case OPT_MOUSE: c->mouse = true; break;
        case OPT_BELL: c->bell = true; break;
        case OPT_INVENTORY: c->inventory = optarg; break;
        case OPT_INSTALL_WINDOW:
            if ((c->install_window_s = parse_seconds(optarg, 86400)) < 0) {
                fprintf(stderr, "smsconsole: --agent-install-window: expected 1-86400 seconds, not \"%s\"\n", optarg);
                return -1;
            }
            break;
        default: usage(stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "smsconsole: unexpected argument \"%s\" (passwords are not taken from the command line)\n",
                argv[optind]);
        return -1;
    }
    return 0;
}

/* ---- config ------------------------------------------------------------------ */

static int load_config(const cli *c, sms_config *cfg)
{
    char def[512], err[600];
    const char *path = c->config_path ? c->config_path : sms_config_default_path(def, sizeof def);
    int rc = sms_config_load(path, cfg, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "smsconsole: %s\n", err);
        return -1;
    }
    if (rc == 1 && c->config_path) {
        fprintf(stderr, "smsconsole: %s: no such file\n", path);
        return -1;
    }
    for (size_t i = 0; i < cfg->n_warnings; i++)
        fprintf(stderr, "smsconsole: warning: %s\n", cfg->warnings[i]);
    return 0;
}

/* ---- secrets ------------------------------------------------------------------- */

/* The secrets the environment may hold: read once at start-up, then gone from it. */
static const char *const secret_env_names[] = { "SMS_PASSWORD", "HUAWEICLOUD_SDK_SK", "SMS_AUTH_TOKEN" };
#define N_SECRET_ENV (sizeof secret_env_names / sizeof secret_env_names[0])
static char *env_secrets[N_SECRET_ENV];
enum { ENV_PASSWORD, ENV_SK, ENV_TOKEN };

/* No core file, and no ptrace or /proc/PID/mem by other users: this process holds the
 * password, the SK and tokens. The core-test build (SMS_CORE_TEST) keeps dumps on so a
 * test can look for what a crash would have left. */
static void protect_process(void)
{
#ifndef SMS_CORE_TEST
    struct rlimit none = { 0, 0 };
    (void)setrlimit(RLIMIT_CORE, &none);
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

/* The fleet the poller publishes is one array of servers, 624 bytes each (31 MB at
 * 50,000), made anew on every refresh that changed something, while the UI still shows
 * the last one. glibc raises its mmap threshold to the size of each mapping freed (up to
 * 32 MiB), so from the second array on they come from the heap, which then keeps the
 * pages of both: 148 MiB instead of 117 while 1 % of 50,000 servers move (BENCHMARKS.md).
 * A fixed threshold keeps such arrays mapped, and gives their pages back when freed. */
static void tune_allocator(void)
{
#ifdef __GLIBC__
    (void)mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

/* Moves NAME's value out of the environment. The string is wiped where it lies:
 * unsetenv would only unlink it, and the first copy sits in the memory that
 * /proc/PID/environ shows. Every copy of NAME is removed; the first non-empty wins. */
static char *take_env(const char *name)
{
    extern char **environ;
    size_t n = strlen(name);
    char *value = NULL;
    for (char **e = environ; e && *e;) {
        if (strncmp(*e, name, n) != 0 || (*e)[n] != '=') {
            e++;
            continue;
        }
        if (!value && (*e)[n + 1])
            value = strdup(*e + n + 1);
        explicit_bzero(*e, strlen(*e));
        for (char **p = e; *p; p++)         /* unlink it, keeping the order of the rest */
            p[0] = p[1];
    }
    return value;
}

static void take_env_secrets(void)
{
    for (size_t i = 0; i < N_SECRET_ENV; i++)
        env_secrets[i] = take_env(secret_env_names[i]);
}

static void wipe_env_secrets(void)
{
    for (size_t i = 0; i < N_SECRET_ENV; i++) {
        if (env_secrets[i])
            explicit_bzero(env_secrets[i], strlen(env_secrets[i]));
        free(env_secrets[i]);
        env_secrets[i] = NULL;
    }
}

/* ---- credentials --------------------------------------------------------------- */

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static const char *pick(const char *flag, const char *envname, const char *cfg)
{
    return flag ? flag : env(envname) ? env(envname) : cfg;
}

static void strip_newline(char *s)
{
    s[strcspn(s, "\r\n")] = '\0';
}

/* Reads up to len-1 bytes (a first line) straight into out: no stdio buffer keeps a
 * copy of the password. */
static bool read_secret_line(int fd, char *out, size_t len)
{
    size_t at = 0;
    while (at + 1 < len) {
        ssize_t n = read(fd, out + at, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || out[at] == '\n')
            break;
        at++;
    }
    out[at] = '\0';
    return at > 0;
}

static void describe_status(int status, char *buf, size_t len)
{
    if (WIFEXITED(status))
        snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(buf, len, "status %d", status);
}

/* sh -c CMD with stdout to a pipe. Its environment holds no secret: they were taken out
 * of ours at start-up (take_env_secrets), and are unset again here in case. It gets no
 * descriptor but 0, 1 and 2: whatever else is open (a session's sockets and files, what
 * we inherited ourselves), close-on-exec or not, is closed before the exec. */
static int password_from_command(const char *cmd, char *out, size_t len)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        fprintf(stderr, "smsconsole: password_command: cannot run it: %s\n", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        for (size_t i = 0; i < N_SECRET_ENV; i++)
            unsetenv(secret_env_names[i]);
        if (fds[1] == STDOUT_FILENO)
            fcntl(fds[1], F_SETFD, 0);             /* dup2 to itself keeps close-on-exec */
        else
            dup2(fds[1], STDOUT_FILENO);
        if (close_range(3, ~0u, 0) != 0)
            for (int fd = 3; fd < 1024; fd++)       /* kernels before 5.9 */
                close(fd);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    bool got = pid > 0 && read_secret_line(fds[0], out, len);
    close(fds[0]);
    int status = -1;
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (pid < 0 || !got || status != 0) {
        char why[64];
        explicit_bzero(out, len);
        if (pid < 0)
            snprintf(why, sizeof why, "cannot start it: %s", strerror(errno));
        else if (status != 0)
            describe_status(status, why, sizeof why);
        else
            snprintf(why, sizeof why, "it printed no password");
        fprintf(stderr, "smsconsole: password_command failed (%s)\n", why);
        return -1;
    }
    strip_newline(out);
    return 0;
}

static int password_from_tty(const char *user, char *out, size_t len)
{
    FILE *tty = fopen("/dev/tty", "r+");
    struct termios old, quiet;
    if (!tty || tcgetattr(fileno(tty), &old) < 0) {
        if (tty)
            fclose(tty);
        fprintf(stderr, "smsconsole: no password: set SMS_PASSWORD or password_command, or run in a terminal\n");
        return -1;
    }
    fprintf(tty, "Password for %s: ", user ? user : "the IAM user");
    fflush(tty);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
    bool got = read_secret_line(fileno(tty), out, len);
    tcsetattr(fileno(tty), TCSAFLUSH, &old);
    fputc('\n', tty);
    fclose(tty);
    if (!got)
        return -1;
    strip_newline(out);
    return 0;
}

static sms_auth_method auth_from_config(const sms_context_cfg *ctx)
{
    if (!ctx || !ctx->auth)
        return SMS_AUTH_AUTO;
    if (strcmp(ctx->auth, "aksk") == 0)
        return SMS_AUTH_AKSK;
    if (strcmp(ctx->auth, "token") == 0)
        return SMS_AUTH_TOKEN;
    return SMS_AUTH_PASSWORD;
}

static int fill_credentials(session *s, const sms_context_cfg *ctx)
{
    sms_client_opts *o = &s->client;
    o->token = env_secrets[ENV_TOKEN];
    o->ak = env("HUAWEICLOUD_SDK_AK");
    o->sk = env_secrets[ENV_SK];
    o->project_id = env("HUAWEICLOUD_SDK_PROJECT_ID") ? env("HUAWEICLOUD_SDK_PROJECT_ID") : ctx ? ctx->project_id : NULL;
    bool wants_password = o->auth == SMS_AUTH_PASSWORD || (o->auth == SMS_AUTH_AUTO && !o->token && !(o->ak && o->sk));
    if (!wants_password)
        return 0;
    if (env_secrets[ENV_PASSWORD])
        snprintf(s->password, sizeof s->password, "%s", env_secrets[ENV_PASSWORD]);
    else if (ctx && ctx->password_command && password_from_command(ctx->password_command, s->password, sizeof s->password) < 0)
        return -1;
    else if (!s->password[0] && password_from_tty(o->user, s->password, sizeof s->password) < 0)
        return -1;
    o->password = s->password;
    return 0;
}

/* ---- sessions ---------------------------------------------------------------- */

static int start_demo(session *s, const char *user)
{
    static char url[128];
    char err[256];
    const char *n = env("SMSCONSOLE_DEMO_SERVERS"), *speed = env("SMSCONSOLE_DEMO_SPEED");
    smsemu_opts eo = { .listen = "127.0.0.1:0", .servers = n ? atoi(n) : 60, .seed = 1,
                       .speed = speed ? atof(speed) : 10.0, .quiet = true };
    s->emu = smsemu_start(&eo, err, sizeof err);
    if (!s->emu) {
        fprintf(stderr, "smsconsole: --demo: cannot start the emulator: %s\n", err);
        return -1;
    }
    snprintf(url, sizeof url, "%s", smsemu_url(s->emu));
    snprintf(s->password, sizeof s->password, "%s-pass", user);
    s->client = (sms_client_opts){ .endpoint = url, .iam_endpoint = url, .auth = SMS_AUTH_PASSWORD,
                                   .user = user, .domain = SMSEMU_DOMAIN, .project = SMSEMU_PROJECT,
                                   .password = s->password, .audit_path = "", .context = "demo" };
    s->context = "demo";
    s->region = SMSEMU_PROJECT;
    return 0;
}

/* The inventory file, parsed before the terminal is taken: a bad line stops the
 * program with FILE:LINE. 0 ok (or no file), -1 reported. */
static int load_inventory(session *s, const char *path)
{
    if (!path || !*path)
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "smsconsole: --inventory: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[65536];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n > cap) {
            char *b = realloc(buf, cap = (len + n) * 2);
            if (!b)
                break;
            buf = b;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    bool failed = ferror(f) || n > 0;
    fclose(f);
    char err[512];
    int rc = failed ? -1 : sms_inventory_parse(buf ? buf : "", len, path, &s->inventory, err, sizeof err);
    free(buf);
    if (rc < 0) {
        fprintf(stderr, "smsconsole: %s\n", failed ? "--inventory: read error" : err);
        return -1;
    }
    s->has_inventory = true;
    return 0;
}

/* --endpoint/--iam-endpoint (and their variables and context keys) win; else the
 * region's endpoints (api/regions.c); IAM falls back to the SDK's default, never to the
 * SMS host. */
static int resolve_endpoints(const cli *c, const sms_context_cfg *ctx, sms_client_opts *o)
{
    o->region = pick(c->region, "SMS_REGION", ctx ? ctx->region : NULL);
    const char *sms = pick(c->endpoint, "SMS_ENDPOINT", ctx ? ctx->endpoint : NULL);
    const char *iam = pick(c->iam_endpoint, "SMS_IAM_ENDPOINT", ctx ? ctx->iam_endpoint : NULL);
    sms_endpoints ep;
    char err[512];
    if (sms_endpoints_resolve(o->region, sms, iam, env("HUAWEICLOUD_SDK_IAM_ENDPOINT"), &ep, err, sizeof err) < 0) {
        fprintf(stderr, "smsconsole: %s\n", err);
        return -1;
    }
    o->endpoint = ep.sms;
    o->iam_endpoint = ep.iam;
    if (c->verbose || c->dump)
        fprintf(stderr, "smsconsole: region %s; SMS endpoint %s; IAM endpoint %s (%s)\n",
                o->region ? o->region : "(none)", ep.sms, ep.iam, ep.iam_source);
    return 0;
}

static int prepare_session(session *s, const cli *c, const sms_config *cfg, const char *context)
{
    memset(s, 0, sizeof *s);
    if (c->demo) {
        const char *user = env("SMSCONSOLE_DEMO_USER") ? env("SMSCONSOLE_DEMO_USER") : "admin";
        if (load_inventory(s, c->inventory) < 0 || start_demo(s, user) < 0)
            return -1;
        s->install_window_ms = (int64_t)c->install_window_s * 1000;
        s->client.readonly = c->readonly || cfg->readonly;
        return 0;
    }
    const sms_context_cfg *ctx = sms_config_context(cfg, context);
    if (context && !ctx) {
        fprintf(stderr, "smsconsole: context \"%s\" is not in %s\n", context, cfg->path ? cfg->path : "the config");
        return -1;
    }
    if (load_inventory(s, c->inventory ? c->inventory : ctx ? ctx->inventory : NULL) < 0)
        return -1;
    s->install_window_ms = (int64_t)(c->install_window_s ? c->install_window_s
                                     : ctx ? ctx->agent_install_window_s : 0) * 1000;
    sms_client_opts *o = &s->client;
    if (resolve_endpoints(c, ctx, o) < 0)
        return -1;
    o->user = pick(c->user, "SMS_USER", ctx ? ctx->user : NULL);
    o->domain = pick(c->domain, "SMS_DOMAIN", ctx ? ctx->domain : NULL);
    o->project = pick(c->project, "SMS_PROJECT", ctx ? ctx->project : NULL);
    o->auth = auth_from_config(ctx);
    o->cacert = pick(c->cacert, "CURL_CA_BUNDLE", env("SSL_CERT_FILE") ? env("SSL_CERT_FILE")
                                                  : ctx ? ctx->cacert : NULL);
    o->insecure = c->insecure || (ctx && ctx->insecure);
    o->readonly = c->readonly || cfg->readonly || (ctx && ctx->readonly);
    o->context = ctx ? ctx->name : "default";
    s->context = o->context;
    if (!o->project)
        o->project = o->region;         /* a project-scoped token, as the SMS docs obtain */
    s->region = o->region ? o->region : o->project;
    if (o->insecure)
        fprintf(stderr, "smsconsole: WARNING: TLS certificate verification is OFF for %s\n", o->endpoint);
    return fill_credentials(s, ctx);
}

static void end_session(session *s)
{
    explicit_bzero(s->password, sizeof s->password);
    sms_inventory_free(&s->inventory);
    smsemu_stop(s->emu);
    s->emu = NULL;
}

static int run_dump(session *s, const char *fmt)
{
    sms_call_error e = { 0 };
    bool agents = strncmp(fmt, "agents", 6) == 0;
    sms_dump_format f = strstr(fmt, "json") ? SMS_DUMP_JSON : SMS_DUMP_TEXT;
    int rc = agents ? sms_dump_agents(&s->client, s->has_inventory ? &s->inventory : NULL, s->install_window_ms,
                                      f, stdout, &e)
                    : sms_dump(&s->client, f, stdout, &e);
    explicit_bzero(s->password, sizeof s->password);
    if (rc < 0) {
        char msg[512];
        sms_call_error_summary(&e, msg, sizeof msg);
        fprintf(stderr, "smsconsole: --dump: %s\n", msg);
    }
    sms_call_error_free(&e);
    return rc < 0 ? 1 : 0;
}

/* The poller's threads start with every signal blocked, so SIGWINCH and SIGINT reach
 * the UI thread and interrupt its poll(). */
static sms_poller *start_poller(const session *s, int refresh_ms, sms_call_error *e)
{
    sigset_t all, old;
    sms_poller_opts po = { .client = s->client, .refresh_ms = refresh_ms,
                           .history_path = s->emu ? "" : NULL };
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    sms_poller *p = sms_poller_start(&po, e);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return p;
}

static int frame_fd_from_env(void)
{
    const char *v = env("SMSCONSOLE_FRAME_FD");      /* test hook: one byte per frame, F or f */
    return v ? atoi(v) : -1;
}

/* One poller + UI run; returns the UI's result (SWITCH_CONTEXT fills next). */
static int run_console(session *s, const cli *c, const sms_config *cfg, char *next, size_t len)
{
    int refresh_s = c->refresh_s ? c->refresh_s : cfg->refresh_s ? cfg->refresh_s : 5;
    sms_call_error e = { 0 };
    sms_poller *p = start_poller(s, refresh_s * 1000, &e);
    explicit_bzero(s->password, sizeof s->password);   /* the clients hold their own copies */
    if (!p) {
        char msg[512];
        sms_call_error_summary(&e, msg, sizeof msg);
        fprintf(stderr, "smsconsole: %s\n", msg);
        sms_call_error_free(&e);
        return SMS_UI_FAILED;
    }
    sms_ui_opts uo = { .config = cfg, .context = s->context, .region = s->region, .user = s->client.user,
                       .theme = c->theme, .refresh_ms = refresh_s * 1000, .readonly = s->client.readonly,
                       .dashboard = c->dashboard, .insecure = s->client.insecure,
                       .mouse = c->mouse || cfg->mouse, .bell = c->bell || cfg->bell, .ascii = c->ascii,
                       .frame_fd = frame_fd_from_env(),
                       .inventory = s->has_inventory ? &s->inventory : NULL,
                       .agent_install_window_ms = s->install_window_ms };
    sms_ui_result r = sms_ui_run(p, &uo, next, len);
    sms_poller_stop(p);
    return r;
}

/* One session: a dump, or the console until it quits or switches context. Returns the
 * exit status; next receives the context to switch to, or "" when the program is done. */
static int run_session(const cli *c, const sms_config *cfg, const char *context, char *next, size_t len)
{
    session s;
    int status;
    next[0] = '\0';
    if (prepare_session(&s, c, cfg, context) < 0)
        status = EXIT_USAGE;
    else if (c->dump)
        status = run_dump(&s, c->dump);
    else {
        int r = run_console(&s, c, cfg, next, len);
        if (r != SMS_UI_SWITCH_CONTEXT)
            next[0] = '\0';
        status = r == SMS_UI_FAILED ? 1 : 0;
    }
    end_session(&s);
    return status;
}

int main(int argc, char **argv)
{
    cli c = { 0 };
    sms_config cfg = { 0 };
    int rc = parse_args(argc, argv, &c);
    if (rc != 0)
        return rc > 0 ? 0 : EXIT_USAGE;
    protect_process();
    tune_allocator();
    take_env_secrets();
    setlocale(LC_ALL, "");              /* before any thread: cJSON reads the locale */
    signal(SIGPIPE, SIG_IGN);
    if (load_config(&c, &cfg) < 0) {
        wipe_env_secrets();
        return EXIT_USAGE;
    }
    sms_wipe_global_init();
    char context[SMS_CONTEXT_NAME_MAX + 1] = "", next[SMS_CONTEXT_NAME_MAX + 1] = "";
    if (c.context && strlen(c.context) > SMS_CONTEXT_NAME_MAX) {
        fprintf(stderr, "smsconsole: --context: longer than %d bytes\n", SMS_CONTEXT_NAME_MAX);
        sms_config_free(&cfg);
        wipe_env_secrets();
        return EXIT_USAGE;
    }
    snprintf(context, sizeof context, "%s", c.context ? c.context : "");
    int status;
    for (;;) {
        status = run_session(&c, &cfg, context[0] ? context : NULL, next, sizeof next);
        if (!next[0])
            break;
        snprintf(context, sizeof context, "%s", next);      /* :context NAME */
    }
    wipe_env_secrets();
#ifdef SMS_CORE_TEST
    if (env("SMSCONSOLE_CORE_TEST_ABORT"))
        abort();                        /* the core shows what the sessions left behind */
#endif
    curl_global_cleanup();
    sms_config_free(&cfg);
    return status;
}

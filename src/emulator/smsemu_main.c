/* smsemu_main.c - the smsemu program: options, start the emulator, print the URL on
 * the first line of stdout, wait for SIGINT/SIGTERM, stop cleanly. */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "emulator/emu.h"
#include "emulator/emulator.h"

#define MAX_FAULTS 64

static void usage(FILE *to)
{
    fprintf(to,
"usage: smsemu [--listen HOST:PORT] [--servers N] [--seed S] [--speed X]\n"
"              [--token-ttl SECONDS] [--fault SPEC]... [--scenario FILE] [--no-agents]\n"
"              [--rate-limit N/min] [--inventory-out FILE] [--inventory-extra N]\n"
"              [--max-servers N] [--max-connections N] [--idle-timeout SECONDS]\n"
"              [--tls-cert FILE --tls-key FILE] [--quiet]\n"
"\n"
"A local Huawei Cloud SMS v3 + IAM emulator. The first line on stdout is\n"
"'listening on http://HOST:PORT'. SIGINT/SIGTERM stop it.\n"
"\n"
"  --listen HOST:PORT   address to bind (default 127.0.0.1:0, port 0 = any free port)\n"
"  --servers N          simulated agents (default 40; 0 = empty service)\n"
"  --seed S             reproducible fleet and faults (default 1)\n"
"  --speed X            time compression for the agents (default 1.0)\n"
"  --token-ttl SECONDS  IAM token lifetime (default 86400)\n"
"  --fault SPEC         'GLOB=KIND[:ARG][,p=PROBABILITY]', repeatable; GLOB matches the path\n"
"  --scenario FILE      fault specs, one per line, '#' comments\n"
"  --no-agents          register the fleet, then keep it idle\n"
"  --rate-limit N/min   per caller (token or AK): 429 APIG.0308 with Retry-After\n"
"                       beyond N requests a minute (agents' own calls are exempt)\n"
"  --inventory-out FILE simulate an agent rollout and write its inventory (name,ip CSV):\n"
"                       some agents go silent after registering, some run an OS SMS\n"
"                       does not support, some are left out of the inventory\n"
"  --inventory-extra N  the inventory also names N hosts that never register\n"
"  --max-servers N      registration quota (default 65535): beyond it, 400 SMS.6526\n"
"  --max-connections N  open connections at most (default 900)\n"
"  --idle-timeout SECONDS  close a connection idle that long (default 15)\n"
"  --tls-cert FILE      serve HTTPS with this PEM certificate (and --tls-key FILE);\n"
"                       the simulated agents trust it as their CA\n"
"  --quiet              no log lines on stderr\n"
"\n"
"Identities (domain '" SMSEMU_DOMAIN "', project '" SMSEMU_PROJECT "' = " SMSEMU_PROJECT_ID "):\n"
"  admin / admin-pass         everything\n"
"  operator / operator-pass   everything but deleting\n"
"  viewer / viewer-pass       read only (mutating calls: 403 SMS.9004)\n"
"  AK/SK " SMSEMU_AK " / " SMSEMU_SK " (SDK-HMAC-SHA256) acts as admin\n"
"IAM: POST /v3/auth/tokens on the same address.\n"
"\n"
"Fault kinds:\n%s"
"Examples: '/v3/sources*=status:503,p=0.3'  '*=latency:3000'  '*=reset,p=0.05'\n"
"\n"
"Emulator-only endpoints (no auth, never faulted): GET|PUT|DELETE /emulator/faults,\n"
"POST /emulator/revoke-tokens, GET /emulator/commands?server_id=ID, GET /emulator/stats,\n"
"POST /emulator/clock?advance_s=N, POST /emulator/server?id=ID&state=S...,\n"
"POST /emulator/move?servers=N.\n", emu_fault_kinds_help());
}

static int parse_options(int argc, char **argv, smsemu_opts *o, const char **faults)
{
    enum { O_LISTEN = 1, O_SERVERS, O_SEED, O_SPEED, O_TTL, O_FAULT, O_SCENARIO, O_NOAGENTS, O_QUIET, O_HELP, O_RATE,
           O_INV_OUT, O_INV_EXTRA, O_MAXSRV, O_MAXCONN, O_IDLE, O_TLS_CERT, O_TLS_KEY };
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, O_LISTEN}, {"servers", required_argument, NULL, O_SERVERS},
        {"seed", required_argument, NULL, O_SEED}, {"speed", required_argument, NULL, O_SPEED},
        {"token-ttl", required_argument, NULL, O_TTL}, {"fault", required_argument, NULL, O_FAULT},
        {"scenario", required_argument, NULL, O_SCENARIO}, {"no-agents", no_argument, NULL, O_NOAGENTS},
        {"quiet", no_argument, NULL, O_QUIET}, {"help", no_argument, NULL, O_HELP},
        {"rate-limit", required_argument, NULL, O_RATE},
        {"inventory-out", required_argument, NULL, O_INV_OUT},
        {"inventory-extra", required_argument, NULL, O_INV_EXTRA},
        {"max-servers", required_argument, NULL, O_MAXSRV},
        {"max-connections", required_argument, NULL, O_MAXCONN},
        {"idle-timeout", required_argument, NULL, O_IDLE},
        {"tls-cert", required_argument, NULL, O_TLS_CERT}, {"tls-key", required_argument, NULL, O_TLS_KEY},
        {NULL, 0, NULL, 0},
    };
    char err[256];
    long v;
    for (int c; (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1;) {
        switch (c) {
        case O_LISTEN: o->listen = optarg; break;
        case O_SERVERS:
            if (emu_parse_long(optarg, 0, 1000000, &v) < 0) goto bad;
            o->servers = (int)v;
            break;
        case O_SEED: {
            char *end = NULL;
            o->seed = strtoull(optarg, &end, 10);
            if (!*optarg || *end) goto bad;
            break;
        }
        case O_SPEED: {
            char *end = NULL;
            o->speed = strtod(optarg, &end);
            if (!*optarg || *end || !(o->speed > 0 && o->speed <= 10000)) goto bad;
            break;
        }
        case O_TTL:
            if (emu_parse_long(optarg, 1, 10L * 365 * 86400, &v) < 0) goto bad;
            o->token_ttl_s = (int)v;
            break;
        case O_FAULT:
            if (smsemu_parse_fault(optarg, err, sizeof err) < 0) {
                fprintf(stderr, "smsemu: %s\n", err);
                return -1;
            }
            if (o->n_faults == MAX_FAULTS) {
                fprintf(stderr, "smsemu: at most %d --fault options\n", MAX_FAULTS);
                return -1;
            }
            faults[o->n_faults++] = optarg;
            break;
        case O_SCENARIO: o->scenario_path = optarg; break;
        case O_NOAGENTS: o->no_agents = true; break;
        case O_QUIET: o->quiet = true; break;
        case O_RATE:
            if (emu_parse_rate(optarg, &o->rate_limit_per_min) < 0) goto bad;
            break;
        case O_INV_OUT: o->inventory_out = optarg; break;
        case O_INV_EXTRA:
            if (emu_parse_long(optarg, 0, 1000000, &v) < 0) goto bad;
            o->inventory_extra = (int)v;
            break;
        case O_MAXSRV:
            if (emu_parse_long(optarg, 1, 1000000, &v) < 0) goto bad;
            o->max_servers = v;
            break;
        case O_MAXCONN:
            if (emu_parse_long(optarg, 1, 10000, &v) < 0) goto bad;
            o->max_connections = (int)v;
            break;
        case O_IDLE:
            if (emu_parse_long(optarg, 1, 86400, &v) < 0) goto bad;
            o->idle_timeout_s = (int)v;
            break;
        case O_TLS_CERT: o->tls_cert = optarg; break;
        case O_TLS_KEY: o->tls_key = optarg; break;
        case O_HELP: case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
        continue;
bad:
        fprintf(stderr, "smsemu: bad value '%s' for --%s (see --help)\n", optarg, longopts[c - 1].name);
        return -1;
    }
    if (optind < argc) {
        fprintf(stderr, "smsemu: unexpected argument '%s' (see --help)\n", argv[optind]);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *faults[MAX_FAULTS];
    smsemu_opts o = {.listen = "127.0.0.1:0", .servers = 40, .seed = 1, .speed = 1.0, .token_ttl_s = 86400};
    if (parse_options(argc, argv, &o, faults) < 0)
        return 2;
    o.faults = faults;
    /* signals are taken with sigwait: block them before any thread starts */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char err[512];
    smsemu *e = smsemu_start(&o, err, sizeof err);
    if (!e) {
        fprintf(stderr, "smsemu: %s\n", err);
        curl_global_cleanup();
        return 1;
    }
    printf("listening on %s\n", smsemu_url(e));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    if (!o.quiet)
        fprintf(stderr, "smsemu: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    smsemu_stop(e);
    curl_global_cleanup();
    return 0;
}

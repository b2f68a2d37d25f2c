/* emulator.h - smsemu as a library: a local SMS v3 + IAM service (libmicrohttpd) with a
 * simulated agent fleet and fault injection. Used by the smsemu program, by
 * `smsconsole --demo`, by the tests and by the benchmarks.
 *
 * Built-in identities (domain "demo", project "ap-southeast-3", id SMSEMU_PROJECT_ID):
 *   admin / admin-pass        everything
 *   operator / operator-pass  everything but deleting
 *   viewer / viewer-pass      read only (mutating calls: 403 SMS.9004 with all extras)
 *   AK/SK DEMOACCESSKEY000001 / demo-secret-key  acts as admin
 * IAM (POST /v3/auth/tokens) is served on the same address as SMS. */
#ifndef SMS_EMULATOR_H
#define SMS_EMULATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SMSEMU_DOMAIN      "demo"
#define SMSEMU_PROJECT     "ap-southeast-3"
#define SMSEMU_PROJECT_ID  "0f5e3c1a9b7d4e2f8a6c4b2d0e9f7a51"
#define SMSEMU_AK          "DEMOACCESSKEY000001"
#define SMSEMU_SK          "demo-secret-key"

typedef struct smsemu_opts {
    const char *listen;         /* "127.0.0.1:0" by default (port 0 = any free port) */
    int servers;                /* simulated fleet size, default 40; 0 = empty service */
    uint64_t seed;              /* reproducible fleet and faults, default 1 */
    double speed;               /* time compression for agents, default 1.0 */
    int token_ttl_s;            /* default 86400 */
    const char *const *faults;  /* --fault specs, "GLOB=KIND[:ARG][,p=P]" */
    size_t n_faults;
    const char *scenario_path;  /* optional scenario file (faults, one per line, '#' comments) */
    bool no_agents;             /* serve the API only: no simulated fleet activity */
    bool quiet;                 /* no log lines on stderr */
    long rate_limit_per_min;    /* requests a minute per caller (token or AK); 0 = none */
    /* A simulated agent rollout when either is set (docs/agents.md): some agents go
     * silent after registering, some run an unsupported OS, some are left out of the
     * inventory, and `inventory_extra` inventory hosts never register. */
    int inventory_extra;
    const char *inventory_out;  /* write the inventory CSV here, NULL = nowhere */
    const char *tls_cert;       /* PEM certificate file: serve HTTPS (with tls_key) */
    const char *tls_key;        /* PEM private key file */
    long max_servers;           /* registered servers at most, then SMS.6526; 0 = 65535 */
    int max_connections;        /* open connections at most; 0 = 900 */
    int idle_timeout_s;         /* an idle connection is closed after; 0 = 15 */
} smsemu_opts;

/* Defaults of the abuse limits: the quota, connections (one thread each), idle time. */
#define SMSEMU_MAX_SERVERS 65535
#define SMSEMU_MAX_CONNECTIONS 900
#define SMSEMU_IDLE_TIMEOUT_S 15

typedef struct smsemu smsemu;

/* Starts the HTTP server and the fleet; returns once the fleet is registered and the
 * service answers. NULL with a message in errbuf on failure. */
smsemu *smsemu_start(const smsemu_opts *o, char *errbuf, size_t errlen);
const char *smsemu_url(const smsemu *e);     /* "http://127.0.0.1:PORT" */
int smsemu_port(const smsemu *e);
/* Real ms between two command polls of one simulated agent (0 without a fleet), and the
 * emulated ms without contact after which a server shows connected=false (at least three
 * poll periods, so a healthy agent never looks gone). */
int64_t smsemu_poll_period_ms(const smsemu *e);
int64_t smsemu_connect_window_ms(const smsemu *e);
void smsemu_stop(smsemu *e);                 /* NULL-safe; joins everything */

/* Runtime fault control (same syntax as --fault); also served at /emulator/faults. */
int smsemu_set_faults(smsemu *e, const char *const *specs, size_t n, char *errbuf, size_t errlen);
void smsemu_clear_faults(smsemu *e);
void smsemu_revoke_tokens(smsemu *e);
/* Validate a fault spec without an emulator (for option parsing). 0 ok. */
int smsemu_parse_fault(const char *spec, char *errbuf, size_t errlen);

#endif

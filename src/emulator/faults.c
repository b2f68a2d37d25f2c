/* faults.c - fault rules 'GLOB=KIND[:ARG][,p=P]' (from --fault, the scenario file and
 * PUT /emulator/faults) and the per-request plan they produce.
 *
 * Determinism: whether rule i fires on its k-th matching request depends only on
 * (seed, i, k), so a given sequence of requests sees the same faults on every run. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emulator/emu.h"

typedef struct fault_kind_info {
    const char *name;
    emu_fault_kind kind;
    bool needs_arg;
    long min, max;
    const char *help;
} fault_kind_info;

static const fault_kind_info kinds[] = {
    {"latency", EMU_FAULT_LATENCY, true, 0, 600000, "latency:MS      add MS milliseconds before answering"},
    {"jitter", EMU_FAULT_JITTER, true, 0, 600000, "jitter:MS       add a random 0..MS milliseconds"},
    {"status", EMU_FAULT_STATUS, true, 400, 599, "status:CODE     answer CODE (500/503/429...) with an SMS error body"},
    {"malformed", EMU_FAULT_MALFORMED, false, 0, 0, "malformed       answer with a body that is not valid JSON"},
    {"truncate", EMU_FAULT_TRUNCATE, false, 0, 0, "truncate        announce the full length, send half, then close"},
    {"reset", EMU_FAULT_RESET, false, 0, 0, "reset           close the connection without an answer"},
    {"trickle", EMU_FAULT_TRICKLE, true, 1, 100000000, "trickle:BPS     send the body at BPS bytes per second"},
    {"oversize", EMU_FAULT_OVERSIZE, true, 1, 2000000000, "oversize:BYTES  answer a valid JSON body of BYTES bytes"},
    {"revoke", EMU_FAULT_REVOKE, false, 0, 0, "revoke          revoke every token, then answer normally"},
    {"count", EMU_FAULT_COUNT, true, 1, 2000000000, "count:N         list answers: a broken pager, every page the first, count N"},
    {"chunked", EMU_FAULT_CHUNKED, false, 0, 0, "chunked         send the answer chunked, without a Content-Length"},
};

typedef struct fault_rule {
    char *glob;
    emu_fault_kind kind;
    long arg;
    double p;
    uint64_t hits;
    char *spec;
} fault_rule;

struct emu_faults {
    pthread_mutex_t mu;
    uint64_t seed;
    fault_rule *rules; size_t n, cap;
};

emu_faults *emu_faults_new(uint64_t seed)
{
    emu_faults *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    pthread_mutex_init(&f->mu, NULL);
    f->seed = seed;
    return f;
}

static void rules_clear(emu_faults *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->rules[i].glob);
        free(f->rules[i].spec);
    }
    f->n = 0;
}

void emu_faults_free(emu_faults *f)
{
    if (!f)
        return;
    rules_clear(f);
    free(f->rules);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

static char help_text[2048];

static void build_help(void)
{
    size_t off = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && off < sizeof help_text; i++)
        off += (size_t)snprintf(help_text + off, sizeof help_text - off, "  %s\n", kinds[i].help);
}

/* One line per fault kind, for --help. */
const char *emu_fault_kinds_help(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, build_help);
    return help_text;
}

static const fault_kind_info *kind_by_name(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].name) == len && strncmp(kinds[i].name, name, len) == 0)
            return &kinds[i];
    return NULL;
}

/* Parses "GLOB=KIND[:ARG][,p=P]" into *r (glob and spec malloc'd). */
static int parse_rule(const char *spec, fault_rule *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->p = 1.0;
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec) {
        snprintf(err, errlen, "fault '%s': expected GLOB=KIND[:ARG][,p=P]", spec);
        return -1;
    }
    const char *kind = eq + 1;
    const char *comma = strchr(kind, ',');
    const char *kind_end = comma ? comma : kind + strlen(kind);
    const char *colon = memchr(kind, ':', (size_t)(kind_end - kind));
    const fault_kind_info *ki = kind_by_name(kind, (size_t)((colon ? colon : kind_end) - kind));
    if (!ki) {
        snprintf(err, errlen, "fault '%s': unknown kind (latency, jitter, status, malformed, "
                 "truncate, reset, trickle, oversize, revoke, count, chunked)", spec);
        return -1;
    }
    if (ki->needs_arg != (colon != NULL)) {
        snprintf(err, errlen, "fault '%s': %s %s", spec, ki->name,
                 ki->needs_arg ? "needs an argument (KIND:ARG)" : "takes no argument");
        return -1;
    }
    if (colon) {
        char arg[32];
        size_t n = (size_t)(kind_end - colon - 1);
        if (n == 0 || n >= sizeof arg) {
            snprintf(err, errlen, "fault '%s': bad argument", spec);
            return -1;
        }
        memcpy(arg, colon + 1, n);
        arg[n] = 0;
        if (emu_parse_long(arg, ki->min, ki->max, &r->arg) < 0) {
            snprintf(err, errlen, "fault '%s': %s argument must be an integer in [%ld, %ld]",
                     spec, ki->name, ki->min, ki->max);
            return -1;
        }
    }
    if (comma) {
        char *end = NULL;
        if (strncmp(comma, ",p=", 3) != 0) {
            snprintf(err, errlen, "fault '%s': expected ',p=PROBABILITY' after the kind", spec);
            return -1;
        }
        errno = 0;
        r->p = strtod(comma + 3, &end);
        if (errno || end == comma + 3 || *end || !(r->p >= 0.0 && r->p <= 1.0)) {
            snprintf(err, errlen, "fault '%s': probability must be a number in [0, 1]", spec);
            return -1;
        }
    }
    r->kind = ki->kind;
    r->glob = strndup(spec, (size_t)(eq - spec));
    r->spec = strdup(spec);
    if (!r->glob || !r->spec) {
        free(r->glob);
        free(r->spec);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int smsemu_parse_fault(const char *spec, char *errbuf, size_t errlen)
{
    fault_rule r;
    char dummy[8];
    if (!errbuf) {
        errbuf = dummy;
        errlen = sizeof dummy;
    }
    if (!spec || parse_rule(spec, &r, errbuf, errlen) < 0)
        return -1;
    free(r.glob);
    free(r.spec);
    return 0;
}

int emu_faults_add(emu_faults *f, const char *spec, char *err, size_t errlen)
{
    fault_rule r;
    if (parse_rule(spec, &r, err, errlen) < 0)
        return -1;
    pthread_mutex_lock(&f->mu);
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        fault_rule *v = realloc(f->rules, cap * sizeof *v);
        if (!v) {
            pthread_mutex_unlock(&f->mu);
            free(r.glob);
            free(r.spec);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        f->rules = v;
        f->cap = cap;
    }
    f->rules[f->n++] = r;
    pthread_mutex_unlock(&f->mu);
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

int emu_faults_load_file(emu_faults *f, const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[1024], sub[512];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, fp)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        if (emu_faults_add(f, s, sub, sizeof sub) < 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, sub);
            rc = -1;
            break;
        }
    }
    fclose(fp);
    return rc;
}

void emu_faults_clear(emu_faults *f)
{
    pthread_mutex_lock(&f->mu);
    rules_clear(f);
    pthread_mutex_unlock(&f->mu);
}

size_t emu_faults_count(emu_faults *f)
{
    pthread_mutex_lock(&f->mu);
    size_t n = f->n;
    pthread_mutex_unlock(&f->mu);
    return n;
}

/* Uniform in [0,1) from (seed, rule index, hit number). */
static double draw(uint64_t seed, size_t rule, uint64_t hit)
{
    uint64_t s = seed ^ (rule * 0xD1B54A32D192ED03ull) ^ (hit * 0x8CB92BA72F3D8DD7ull);
    return (double)(emu_splitmix(&s) >> 11) / 9007199254740992.0;
}

static void apply_rule(const fault_rule *r, double u2, emu_fault_plan *out)
{
    switch (r->kind) {
    case EMU_FAULT_LATENCY: out->delay_ms += r->arg; break;
    case EMU_FAULT_JITTER: out->delay_ms += (long)(u2 * (double)(r->arg + 1)); break;
    case EMU_FAULT_STATUS: if (!out->status) out->status = (int)r->arg; break;
    case EMU_FAULT_MALFORMED: out->malformed = true; break;
    case EMU_FAULT_TRUNCATE: out->truncate = true; break;
    case EMU_FAULT_RESET: out->reset = true; break;
    case EMU_FAULT_TRICKLE: out->trickle_bps = r->arg; break;
    case EMU_FAULT_OVERSIZE: out->oversize_bytes = r->arg; break;
    case EMU_FAULT_COUNT: out->count_claim = r->arg; break;
    case EMU_FAULT_REVOKE: out->revoke = true; break;
    case EMU_FAULT_CHUNKED: out->chunked = true; break;
    case EMU_FAULT_NONE: break;
    }
}

void emu_faults_plan(emu_faults *f, const char *path, emu_fault_plan *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->n; i++) {
        fault_rule *r = &f->rules[i];
        if (fnmatch(r->glob, path, 0) != 0)
            continue;
        uint64_t hit = r->hits++;
        if (r->p < 1.0 && draw(f->seed, i, hit) >= r->p)
            continue;
        apply_rule(r, draw(f->seed ^ 0x5A5A5A5Aull, i, hit), out);
    }
    pthread_mutex_unlock(&f->mu);
}

cJSON *emu_faults_to_json(emu_faults *f)
{
    cJSON *arr = cJSON_CreateArray();
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "spec", f->rules[i].spec);
        cJSON_AddNumberToObject(o, "matched", (double)f->rules[i].hits);
        cJSON_AddItemToArray(arr, o);
    }
    pthread_mutex_unlock(&f->mu);
    return arr;
}

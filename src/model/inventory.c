/* inventory.c - the inventory CSV parser and its lookups (format: inventory.h). */
#include "model/inventory.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "model/hash.h"

#define NAME_MAX_LEN 255
#define FIELD_MAX 512

typedef struct parser {
    const char *file;
    int line;
    char *err; size_t errlen;
    sms_inventory *inv;
    size_t cap;
    bool seen_data;                 /* a header is only allowed before any host */
} parser;

static int fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parser *p, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "%s:%d: %s", p->file ? p->file : "inventory", p->line, what);
    return -1;
}

static bool is_address(const char *s)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* What a name may contain: host names, FQDNs and the names SMS shows. */
static bool valid_name(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-' && *s != '_')
            return false;
    return true;
}

/* Trim spaces and tabs in place; returns the start. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static bool is_header(char *const f[2], int nf)
{
    bool name = false, ip = false;
    for (int i = 0; i < nf; i++) {
        name |= strcasecmp(f[i], "name") == 0;
        ip |= strcasecmp(f[i], "ip") == 0;
    }
    return (nf == 1 && (name || ip)) || (nf == 2 && name && ip);
}

static int add_host(parser *p, const char *name, const char *ip)
{
    sms_inventory *inv = p->inv;
    if (inv->n_hosts == SMS_INVENTORY_MAX_HOSTS)
        return fail(p, "more than %d hosts", SMS_INVENTORY_MAX_HOSTS);
    if (inv->n_hosts == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        sms_inventory_host *h = realloc(inv->hosts, cap * sizeof *h);
        if (!h)
            return fail(p, "out of memory");
        inv->hosts = h;
        p->cap = cap;
    }
    sms_inventory_host *h = &inv->hosts[inv->n_hosts];
    h->name = name ? strdup(name) : NULL;
    h->ip = ip ? strdup(ip) : NULL;
    h->line = p->line;
    if ((name && !h->name) || (ip && !h->ip)) {
        free(h->name); free(h->ip);
        return fail(p, "out of memory");
    }
    inv->n_hosts++;
    return 0;
}

/* One line without its newline, already cut at '#'. */
static int parse_fields(parser *p, char *text)
{
    char *f[2];
    int nf = 0;
    for (char *s = text;; ) {
        char *comma = strchr(s, ',');
        if (comma)
            *comma = '\0';
        if (nf == 2)
            return fail(p, "more than two fields (expected NAME, IP or NAME,IP)");
        f[nf++] = trim(s);
        if (!comma)
            break;
        s = comma + 1;
    }
    if (nf == 1 && !*f[0])
        return 0;                                   /* blank or comment only */
    for (int i = 0; i < nf; i++)
        if (!*f[i])
            return fail(p, "empty field");
    if (!p->seen_data && is_header(f, nf)) {
        p->seen_data = true;
        return 0;
    }
    p->seen_data = true;
    const char *name = NULL, *ip = NULL;
    for (int i = 0; i < nf; i++) {
        if (is_address(f[i])) {
            if (ip)
                return fail(p, "two addresses (\"%s\", \"%s\")", ip, f[i]);
            ip = f[i];
            continue;
        }
        if (name)
            return fail(p, "two names (\"%s\", \"%s\"); an address must be IPv4 or IPv6", name, f[i]);
        if (strspn(f[i], "0123456789.") == strlen(f[i]))
            return fail(p, "\"%.64s\" is not a valid IPv4 address", f[i]);
        if (strlen(f[i]) > NAME_MAX_LEN)
            return fail(p, "name longer than %d characters", NAME_MAX_LEN);
        if (!valid_name(f[i]))
            return fail(p, "\"%.64s\" is neither an address nor a host name (letters, digits, '.', '-', '_')",
                        f[i]);
        name = f[i];
    }
    return add_host(p, name, ip);
}

static int parse_line(parser *p, const char *start, size_t n)
{
    char buf[FIELD_MAX * 2 + 2];
    if (memchr(start, '\0', n))
        return fail(p, "NUL byte");
    const char *hash = memchr(start, '#', n);
    if (hash)
        n = (size_t)(hash - start);
    if (n >= sizeof buf)
        return fail(p, "line longer than %zu bytes", sizeof buf - 1);
    memcpy(buf, start, n);
    buf[n] = '\0';
    return parse_fields(p, buf);
}

/* ---- lookups ------------------------------------------------------------------- */

/* Names are [A-Za-z0-9._-] (the parser's rule): ASCII folding is case-insensitivity. */
static unsigned char fold(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c; }

/* FNV-1a over the key, names case-folded (they match case-insensitively). */
static uint64_t key_hash(const char *k, bool names)
{
    uint64_t h = SMS_FNV1A_SEED;
    for (; *k; k++)
        h = sms_fnv1a_add(h, names ? fold((unsigned char)*k) : (unsigned char)*k);
    return h;
}

static bool key_equal(const char *a, const char *b, bool names)
{
    if (!names)
        return strcmp(a, b) == 0;
    for (; *a && fold((unsigned char)*a) == fold((unsigned char)*b); a++, b++)
        ;
    return fold((unsigned char)*a) == fold((unsigned char)*b);
}

static const char *key_of(const sms_inventory_host *h, bool names)
{
    return names ? h->name : h->ip;
}

/* The slot holding key, or the empty slot where it would go. */
static uint32_t *slot_of(const sms_inventory *inv, uint32_t *slots, const char *key, bool names)
{
    size_t mask = inv->n_slots - 1, i = (size_t)key_hash(key, names) & mask;
    while (slots[i] && !key_equal(key_of(&inv->hosts[slots[i] - 1], names), key, names))
        i = (i + 1) & mask;
    return &slots[i];
}

/* Index every host by name and by address; the first key given twice (in file order)
 * is an error naming both lines. */
static int build_index(parser *p)
{
    sms_inventory *inv = p->inv;
    size_t n = 16;
    while (n < inv->n_hosts * 2)
        n *= 2;
    inv->n_slots = n;
    inv->name_slots = calloc(n, sizeof *inv->name_slots);
    inv->ip_slots = calloc(n, sizeof *inv->ip_slots);
    if (!inv->name_slots || !inv->ip_slots)
        return p->line = 0, fail(p, "out of memory");
    for (size_t i = 0; i < inv->n_hosts; i++) {
        const sms_inventory_host *h = &inv->hosts[i];
        for (int names = 1; names >= 0; names--) {
            if (!key_of(h, names))
                continue;
            uint32_t *slot = slot_of(inv, names ? inv->name_slots : inv->ip_slots, key_of(h, names), names);
            if (*slot) {
                p->line = h->line;
                return fail(p, "%s already given on line %d", names ? "name" : "address",
                            inv->hosts[*slot - 1].line);
            }
            *slot = (uint32_t)i + 1;
        }
    }
    return 0;
}

int sms_inventory_parse(const char *buf, size_t len, const char *file, sms_inventory *out,
                        char *err, size_t errlen)
{
    parser p = { .file = file, .err = err, .errlen = errlen, .inv = out };
    memset(out, 0, sizeof *out);
    if (errlen)
        err[0] = '\0';
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        p.line++;
        if (parse_line(&p, buf + pos, n) < 0)
            goto bad;
        pos += n + (nl ? 1 : 0);
    }
    if (build_index(&p) == 0)
        return 0;
bad:
    sms_inventory_free(out);
    return -1;
}

void sms_inventory_free(sms_inventory *inv)
{
    for (size_t i = 0; i < inv->n_hosts; i++) {
        free(inv->hosts[i].name);
        free(inv->hosts[i].ip);
    }
    free(inv->hosts);
    free(inv->name_slots);
    free(inv->ip_slots);
    memset(inv, 0, sizeof *inv);
}

static const sms_inventory_host *find(const sms_inventory *inv, const uint32_t *slots, const char *key, bool names)
{
    if (!inv || !key || !inv->n_slots)
        return NULL;
    uint32_t at = *slot_of(inv, (uint32_t *)slots, key, names);
    return at ? &inv->hosts[at - 1] : NULL;
}

const sms_inventory_host *sms_inventory_find_name(const sms_inventory *inv, const char *name)
{
    return find(inv, inv ? inv->name_slots : NULL, name, true);
}

const sms_inventory_host *sms_inventory_find_ip(const sms_inventory *inv, const char *ip)
{
    return find(inv, inv ? inv->ip_slots : NULL, ip, false);
}

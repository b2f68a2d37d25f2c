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

static const sms_inventory *sorting;        /* qsort has no context argument in C11 */

static int cmp_name(const void *a, const void *b)
{
    return strcasecmp(sorting->hosts[*(const size_t *)a].name, sorting->hosts[*(const size_t *)b].name);
}

static int cmp_ip(const void *a, const void *b)
{
    return strcmp(sorting->hosts[*(const size_t *)a].ip, sorting->hosts[*(const size_t *)b].ip);
}

static size_t *index_by(const sms_inventory *inv, bool names, size_t *n)
{
    size_t *v = malloc((inv->n_hosts ? inv->n_hosts : 1) * sizeof *v);
    *n = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < inv->n_hosts; i++)
        if (names ? inv->hosts[i].name != NULL : inv->hosts[i].ip != NULL)
            v[(*n)++] = i;
    sorting = inv;
    qsort(v, *n, sizeof *v, names ? cmp_name : cmp_ip);
    return v;
}

/* The first repeated key, as the later of its two lines; 0 when none. */
static int first_duplicate(const sms_inventory *inv, const size_t *v, size_t n, bool names, int *earlier)
{
    int worst = 0;
    for (size_t i = 1; i < n; i++) {
        const sms_inventory_host *a = &inv->hosts[v[i - 1]], *b = &inv->hosts[v[i]];
        bool same = names ? strcasecmp(a->name, b->name) == 0 : strcmp(a->ip, b->ip) == 0;
        int later = a->line > b->line ? a->line : b->line;
        if (same && (!worst || later < worst)) {
            worst = later;
            *earlier = a->line < b->line ? a->line : b->line;
        }
    }
    return worst;
}

static int build_index(parser *p)
{
    sms_inventory *inv = p->inv;
    inv->by_name = index_by(inv, true, &inv->n_by_name);
    inv->by_ip = index_by(inv, false, &inv->n_by_ip);
    if (!inv->by_name || !inv->by_ip)
        return p->line = 0, fail(p, "out of memory");
    int e1 = 0, e2 = 0;
    int dn = first_duplicate(inv, inv->by_name, inv->n_by_name, true, &e1);
    int di = first_duplicate(inv, inv->by_ip, inv->n_by_ip, false, &e2);
    if (dn && (!di || dn <= di))
        return p->line = dn, fail(p, "name already given on line %d", e1);
    if (di)
        return p->line = di, fail(p, "address already given on line %d", e2);
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
    free(inv->by_name);
    free(inv->by_ip);
    memset(inv, 0, sizeof *inv);
}

static const sms_inventory_host *find(const sms_inventory *inv, const size_t *v, size_t n,
                                      const char *key, bool names)
{
    size_t lo = 0, hi = n;
    while (key && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const sms_inventory_host *h = &inv->hosts[v[mid]];
        int c = names ? strcasecmp(key, h->name) : strcmp(key, h->ip);
        if (c == 0)
            return h;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const sms_inventory_host *sms_inventory_find_name(const sms_inventory *inv, const char *name)
{
    return inv ? find(inv, inv->by_name, inv->n_by_name, name, true) : NULL;
}

const sms_inventory_host *sms_inventory_find_ip(const sms_inventory *inv, const char *ip)
{
    return inv ? find(inv, inv->by_ip, inv->n_by_ip, ip, false) : NULL;
}

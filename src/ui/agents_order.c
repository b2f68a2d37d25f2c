/* agents_order.c - see agents_order.h. */
#include "ui/agents_order.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const sms_agent_col_names[SMS_AC__COUNT] = {
    [SMS_AC_NAME] = "name", [SMS_AC_IP] = "ip", [SMS_AC_STATE] = "state", [SMS_AC_REASON] = "reason",
    [SMS_AC_VERSION] = "version", [SMS_AC_OS] = "os", [SMS_AC_HEARTBEAT] = "heartbeat",
    [SMS_AC_CONNECTED] = "connected", [SMS_AC_REGISTERED] = "registered",
};

int sms_agent_col_by_name(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    for (int c = 0; len && c < SMS_AC__COUNT; c++)
        if (strncasecmp(sms_agent_col_names[c], name, len) == 0)
            return c;
    return -1;
}

static uint64_t order_i64(int64_t v) { return (uint64_t)v ^ (1ull << 63); }

static unsigned char fold(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c; }

/* 8 bytes of s from off (s has at least off bytes), ASCII-folded, big-endian, NUL-padded;
 * *more when s goes on after them. */
static uint64_t fold8(const char *s, size_t off, bool *more)
{
    uint64_t k = 0;
    size_t i = 0;
    for (; s[off + i] && i < 8; i++)
        k |= (uint64_t)fold((unsigned char)s[off + i]) << (56 - 8 * i);
    *more = i == 8 && s[off + 8];
    return k;
}

/* Case-folded prefix of a string as two integers; false when the string is longer. */
static bool prefix16(const char *s, uint64_t *hi, uint64_t *lo)
{
    bool more = false;
    *lo = 0;
    *hi = s ? fold8(s, 0, &more) : 0;
    if (more)
        *lo = fold8(s, 8, &more);
    return !more;
}

static int cmp_u64(uint64_t a, uint64_t b) { return (a > b) - (a < b); }

/* qsort has no context argument in C11; the comparators read this. */
static struct { const sms_agent_rows *rows; const uint64_t *keys; sms_agent_col col; int64_t now; } ctx;

static int cmp_names(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    int c = cmp_u64(ctx.keys[2 * a], ctx.keys[2 * b]);
    if (!c)
        c = cmp_u64(ctx.keys[2 * a + 1], ctx.keys[2 * b + 1]);
    if (!c)
        c = strcasecmp(sms_agent_row_name(&ctx.rows->rows[a]), sms_agent_row_name(&ctx.rows->rows[b]));
    return c ? c : cmp_u64(a, b);
}

static bool grow(sms_agent_order *o, size_t n)
{
    if (n <= o->cap)
        return true;
    uint64_t *col = realloc(o->col, n * sizeof *col), *tc = col ? realloc(o->tmp_col, n * sizeof *tc) : NULL;
    if (col)
        o->col = col;
    if (tc)
        o->tmp_col = tc;
    uint32_t *tmp = tc ? realloc(o->tmp, n * sizeof *tmp) : NULL;
    if (tmp)
        o->tmp = tmp;
    if (!tmp)
        return false;
    o->cap = n;
    return true;
}

/* The name order of every row, reused while the names are the same. */
static bool name_order(sms_agent_order *o, const sms_agent_rows *r)
{
    size_t n = r->n_rows;
    uint64_t *keys = malloc((2 * n + 1) * sizeof *keys);
    if (!keys)
        return false;
    bool all_short = true;
    for (size_t i = 0; i < n; i++)
        all_short &= prefix16(sms_agent_row_name(&r->rows[i]), &keys[2 * i], &keys[2 * i + 1]);
    if (all_short && o->by_name && o->n_named == n && memcmp(o->name_keys, keys, 2 * n * sizeof *keys) == 0) {
        free(keys);
        return true;
    }
    uint32_t *by = realloc(o->by_name, (n + 1) * sizeof *by);
    if (!by) {
        free(keys);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        by[i] = (uint32_t)i;
    ctx.rows = r;
    ctx.keys = keys;
    qsort(by, n, sizeof *by, cmp_names);
    free(o->name_keys);
    o->name_keys = all_short ? keys : NULL;   /* long names: never reused */
    if (!all_short)
        free(keys);
    o->by_name = by;
    o->n_named = all_short ? n : 0;
    return true;
}

/* The column as an order-preserving integer; false when it needs the comparator. */
static bool col_key(const sms_agent_row *r, sms_agent_col col, int64_t now, uint64_t *k)
{
    bool more = false;
    const char *s;
    switch (col) {
    case SMS_AC_IP: case SMS_AC_OS:
        s = col == SMS_AC_IP ? sms_agent_row_ip(r) : sms_agent_row_os(r);
        *k = s ? fold8(s, 0, &more) : 0;
        return !more;
    case SMS_AC_STATE:     *k = order_i64(r->st.state); return true;
    case SMS_AC_REASON:    *k = order_i64(r->st.reason); return true;
    case SMS_AC_HEARTBEAT:             /* connected 0, never registered last */
        *k = order_i64(!r->server ? INT64_MAX : r->st.silent_since_ms ? now - r->st.silent_since_ms : 0);
        return true;
    case SMS_AC_CONNECTED:  *k = r->server && r->server->connected; return true;
    case SMS_AC_REGISTERED: *k = order_i64(r->server ? r->server->add_date : 0); return true;
    case SMS_AC_NAME:       *k = 0; return true;
    case SMS_AC_VERSION: case SMS_AC__COUNT: break;
    }
    return false;
}

static int cmp_strs(const char *a, const char *b)
{
    return a && b ? strcasecmp(a, b) : (a != NULL) - (b != NULL);
}

/* Column, then the rows' place in the name order (the `tmp` ranks). */
static const uint32_t *ranks;
static int cmp_slow(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const sms_agent_row *ra = &ctx.rows->rows[a], *rb = &ctx.rows->rows[b];
    int c = 0;
    if (ctx.col == SMS_AC_VERSION)
        c = sms_agent_version_cmp(ra->agent_version, rb->agent_version);
    else if (ctx.col == SMS_AC_IP)
        c = cmp_strs(sms_agent_row_ip(ra), sms_agent_row_ip(rb));
    else if (ctx.col == SMS_AC_OS)
        c = cmp_strs(sms_agent_row_os(ra), sms_agent_row_os(rb));
    return c ? c : cmp_u64(ranks[a], ranks[b]);
}

/* Stable LSD radix sort of out[0..n) by col[0..n) (moved along). Keys are taken
 * relative to the smallest, so only the bytes that vary are passes (one for states). */
static void radix(uint32_t *out, uint64_t *col, uint32_t *tmp, uint64_t *tmp_col, size_t n)
{
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < n; i++) {
        lo = col[i] < lo ? col[i] : lo;
        hi = col[i] > hi ? col[i] : hi;
    }
    for (size_t i = 0; i < n; i++)
        col[i] -= lo;
    for (int shift = 0; shift < 64 && ((hi - lo) >> shift); shift += 8) {
        size_t count[257] = { 0 };
        for (size_t i = 0; i < n; i++)
            count[((col[i] >> shift) & 0xff) + 1]++;
        if (count[((col[0] >> shift) & 0xff) + 1] == n)
            continue;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(col[i] >> shift) & 0xff]++;
            tmp[at] = out[i];
            tmp_col[at] = col[i];
        }
        memcpy(out, tmp, n * sizeof *out);
        memcpy(col, tmp_col, n * sizeof *col);
    }
}

static void reverse(size_t *v, size_t n)
{
    for (size_t i = 0; i < n / 2; i++) {
        size_t t = v[i];
        v[i] = v[n - 1 - i];
        v[n - 1 - i] = t;
    }
}

size_t sms_agent_order_rows(sms_agent_order *o, const sms_agent_rows *r, sms_agent_col col, bool desc,
                            int64_t now_ms, bool (*keep)(const sms_agent_row *, void *), void *kctx,
                            size_t *out)
{
    size_t n = 0;
    if (!name_order(o, r) || !grow(o, r->n_rows + 1)) {
        for (size_t i = 0; i < r->n_rows; i++)       /* out of memory: unsorted, not lost */
            if (!keep || keep(&r->rows[i], kctx))
                out[n++] = i;
        return n;
    }
    uint32_t *sel = o->tmp;                         /* shown rows in name order */
    for (size_t i = 0; i < r->n_rows; i++)
        if (!keep || keep(&r->rows[o->by_name[i]], kctx))
            sel[n++] = o->by_name[i];
    bool fast = true;
    for (size_t i = 0; i < n && fast; i++)
        fast = col_key(&r->rows[sel[i]], col, now_ms, &o->col[i]);
    uint32_t *order = malloc((n + 1) * sizeof *order), *rank = fast ? NULL : malloc((r->n_rows + 1) * sizeof *rank);
    if (order)
        memcpy(order, sel, n * sizeof *order);
    if (order && fast && col != SMS_AC_NAME) {
        radix(order, o->col, o->tmp, o->tmp_col, n);
    } else if (order && !fast && rank) {
        for (size_t i = 0; i < r->n_rows; i++)
            rank[o->by_name[i]] = (uint32_t)i;
        ctx.rows = r;
        ctx.col = col;
        ranks = rank;
        qsort(order, n, sizeof *order, cmp_slow);
    }
    for (size_t i = 0; i < n; i++)
        out[i] = order ? order[i] : sel[i];
    free(order);
    free(rank);
    if (desc)
        reverse(out, n);
    return n;
}

void sms_agent_order_free(sms_agent_order *o)
{
    free(o->name_keys);
    free(o->by_name);
    free(o->col);
    free(o->tmp);
    free(o->tmp_col);
    memset(o, 0, sizeof *o);
}

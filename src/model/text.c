/* text.c - untrusted server text made safe to draw, and small formatters.
 *
 * The decoder follows the Unicode "maximal subpart" practice: a lead byte whose
 * sequence breaks off is replaced by one U+FFFD covering the bytes consumed so far, and
 * decoding resumes at the offending byte. Overlongs (C0, C1, E0 80.., F0 80..),
 * surrogates (ED A0..) and code points above U+10FFFF (F4 90.., F5..FF) therefore fail
 * at their first or second byte. No locale, no libc multibyte calls.
 */
#include "model/text.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT 0xFFFDu
#define INVALID     UINT32_MAX      /* decode_utf8 result for an ill-formed subpart */

/* ---- strict UTF-8 decoding ---------------------------------------------- */

/* Allowed range of the second byte for each lead byte (Unicode Table 3-7). */
static bool second_byte_ok(unsigned char lead, unsigned char b)
{
    switch (lead) {
    case 0xE0: return b >= 0xA0 && b <= 0xBF;    /* no overlong 3-byte forms */
    case 0xED: return b >= 0x80 && b <= 0x9F;    /* no surrogates */
    case 0xF0: return b >= 0x90 && b <= 0xBF;    /* no overlong 4-byte forms */
    case 0xF4: return b >= 0x80 && b <= 0x8F;    /* nothing above U+10FFFF */
    default:   return b >= 0x80 && b <= 0xBF;
    }
}

static int sequence_length(unsigned char lead)
{
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 0;                                    /* continuation, C0/C1 overlong, F5..FF */
}

/* Decode one character at s (NUL-terminated). Sets *used to the bytes consumed (>= 1)
 * and returns the code point, or INVALID for an ill-formed subpart. */
static uint32_t decode_utf8(const unsigned char *s, size_t *used)
{
    int len = sequence_length(s[0]);
    *used = 1;
    if (len == 1)
        return s[0];
    if (len == 0)
        return INVALID;
    if (!second_byte_ok(s[0], s[1]))
        return INVALID;
    uint32_t cp = s[0] & (0x7F >> len);
    for (int i = 1; i < len; i++) {
        if (i > 1 && (s[i] & 0xC0) != 0x80)
            return INVALID;                      /* *used covers the subpart so far */
        cp = (cp << 6) | (s[i] & 0x3F);
        *used = (size_t)i + 1;
    }
    return cp;
}

static size_t encode_utf8(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* ---- classification ------------------------------------------------------- */

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);     /* C0, DEL, C1 */
}

/* Characters that reorder or hide text without drawing anything (Trojan Source). */
static bool is_invisible_format(uint32_t cp)
{
    return cp == 0x061C || cp == 0x200E || cp == 0x200F
        || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)
        || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

static bool is_noncharacter(uint32_t cp)
{
    return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

/* ---- sanitiser -------------------------------------------------------------- */

/* What one decoded character becomes: `text` (bytes to write, len 0 = dropped). */
typedef struct sanitized_char { char text[4]; size_t len; } sanitized_char;

static sanitized_char sanitize_char(uint32_t cp, bool in_place)
{
    sanitized_char out = {{0}, 0};
    if (cp == INVALID) {
        /* In place, U+FFFD (3 bytes) could outgrow the 1-2 bytes it replaces. */
        cp = in_place ? '?' : REPLACEMENT;
    } else if (is_control(cp)) {
        cp = '?';
    } else if (is_invisible_format(cp)) {
        return out;
    } else if (is_noncharacter(cp)) {
        cp = REPLACEMENT;
    }
    out.len = encode_utf8(cp, out.text);
    return out;
}

/* Core loop shared by every entry point. dst may equal src (in_place): each output
 * character is never longer than the input it came from, so writes never overtake
 * reads. Stops before a character that would not fit in cap bytes. */
static size_t sanitize_into(char *dst, size_t cap, const char *src, bool in_place)
{
    const unsigned char *in = (const unsigned char *)src;
    size_t len = 0;
    while (*in) {
        size_t used;
        sanitized_char c = sanitize_char(decode_utf8(in, &used), in_place);
        if (len + c.len > cap)
            break;
        in += used;
        memcpy(dst + len, c.text, c.len);
        len += c.len;
    }
    return len;
}

size_t sms_sanitize(char *dst, size_t dstsz, const char *src)
{
    if (!dst || dstsz == 0)
        return 0;
    size_t len = src ? sanitize_into(dst, dstsz - 1, src, false) : 0;
    dst[len] = '\0';
    return len;
}

char *sms_sanitize_dup(const char *src)
{
    if (!src)
        return NULL;
    size_t n = strlen(src);
    if (n > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = malloc(3 * n + 1);              /* worst case: every byte -> U+FFFD */
    if (!out)
        return NULL;
    size_t len = sanitize_into(out, 3 * n, src, false);
    out[len] = '\0';
    char *fit = realloc(out, len + 1);
    return fit ? fit : out;
}

void sms_sanitize_inplace(char *s)
{
    if (!s)
        return;
    size_t len = sanitize_into(s, strlen(s), s, true);
    s[len] = '\0';
}

/* ---- formatters ----------------------------------------------------------------- */

const char *sms_fmt_bytes(char *buf, size_t len, int64_t bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 0) {
        snprintf(buf, len, "-");
        return buf;
    }
    if (bytes < 1024) {
        snprintf(buf, len, "%" PRId64 " B", bytes);
        return buf;
    }
    double v = (double)bytes;
    size_t u = 0;
    /* Move up while the value would print as 1024.0 or more. */
    while (v >= 1023.95 && u + 1 < sizeof(units) / sizeof(units[0])) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, len, "%.1f %s", v, units[u]);
    return buf;
}

const char *sms_fmt_duration(char *buf, size_t len, int64_t seconds)
{
    const int64_t minute = 60, hour = 3600, day = 86400;
    if (seconds < 0)
        snprintf(buf, len, "-");
    else if (seconds < minute)
        snprintf(buf, len, "%" PRId64 "s", seconds);
    else if (seconds < hour)
        snprintf(buf, len, "%" PRId64 "m%02" PRId64 "s", seconds / minute, seconds % minute);
    else if (seconds < day)
        snprintf(buf, len, "%" PRId64 "h%02" PRId64 "m", seconds / hour, seconds % hour / minute);
    else if (seconds / day <= 9999)
        snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h", seconds / day, seconds % day / hour);
    else
        snprintf(buf, len, ">9999d");            /* keeps the column width bounded */
    return buf;
}

/* ---- size parsing -------------------------------------------------------------- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_space(char c) { return c == ' ' || c == '\t'; }

static int unit_exponent(char c)
{
    switch (c) {
    case 'K': case 'k': return 1;
    case 'M': case 'm': return 2;
    case 'G': case 'g': return 3;
    case 'T': case 't': return 4;
    case 'P': case 'p': return 5;
    case 'E': case 'e': return 6;
    default: return 0;
    }
}

/* Reads the unit suffix at s ("", "B", "K", "KiB", "KB", ...). A bare prefix or an
 * "i" means binary (btrfs' "3.30GiB", df's "2.5T"); "KB"/"MB" without "i" are SI.
 * Returns the multiplier, 0 when the suffix is not a unit. */
static uint64_t parse_unit(const char *s)
{
    int exp = unit_exponent(*s);
    bool binary = true;
    if (exp) {
        s++;
        if (*s == 'i') {
            s++;
            if (*s != 'B' && *s != 'b')
                return 0;
            s++;
        } else if (*s == 'B' || *s == 'b') {
            binary = false;
            s++;
        }
    } else if (*s == 'B' || *s == 'b') {
        s++;
    }
    while (is_space(*s))
        s++;
    if (*s)
        return 0;
    uint64_t mult = 1;
    for (int i = 0; i < exp; i++)
        mult *= binary ? 1024u : 1000u;
    return mult;
}

int64_t sms_parse_size(const char *s)
{
    if (!s)
        return -1;
    while (is_space(*s))
        s++;
    if (!is_digit(*s))
        return -1;
    uint64_t whole = 0;
    for (; is_digit(*s); s++)
        if (__builtin_mul_overflow(whole, 10u, &whole) || __builtin_add_overflow(whole, (uint64_t)(*s - '0'), &whole))
            return -1;
    uint64_t frac = 0, frac_scale = 1;          /* fraction = frac / frac_scale */
    if (*s == '.') {
        s++;
        if (!is_digit(*s))
            return -1;
        for (; is_digit(*s); s++)
            if (frac_scale < 1000000000u) {     /* 9 digits are plenty for a size */
                frac = frac * 10 + (uint64_t)(*s - '0');
                frac_scale *= 10;
            }
    }
    while (is_space(*s))
        s++;
    uint64_t mult = parse_unit(s);
    if (mult == 0)
        return -1;
    uint64_t bytes;
    if (__builtin_mul_overflow(whole, mult, &bytes))
        return -1;
    /* frac < frac_scale <= 1e9 and mult <= 2^60: the product needs 128 bits. */
    unsigned __int128 part = ((unsigned __int128)frac * mult + frac_scale / 2) / frac_scale;
    if (part > UINT64_MAX || __builtin_add_overflow(bytes, (uint64_t)part, &bytes) || bytes > INT64_MAX)
        return -1;
    return (int64_t)bytes;
}

/* draw.c - text clipped by display width, bars and symbol sets. */
#include "ui/draw.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

const sms_symbols sms_symbols_utf8 = {
    .utf8 = true, .hline = "─", .vline = "│", .ellipsis = "…",
    .bar_full = "█", .bar_empty = "░",
    .mark = "●", .unmarked = " ", .cursor = "▶",
    .step_done = "✔", .step_current = "▶", .step_todo = "·", .step_link = "─",
    .tree_mid = "├─", .tree_last = "└─", .tree_pipe = "│ ", .tree_open = "▾", .tree_closed = "▸",
    .ok = "✔", .warn = "!", .error = "✖", .pending = "…",
};

const sms_symbols sms_symbols_ascii = {
    .utf8 = false, .hline = "-", .vline = "|", .ellipsis = "~",
    .bar_full = "#", .bar_empty = ".",
    .mark = "*", .unmarked = " ", .cursor = ">",
    .step_done = "+", .step_current = ">", .step_todo = ".", .step_link = "-",
    .tree_mid = "|-", .tree_last = "`-", .tree_pipe = "| ", .tree_open = "-", .tree_closed = "+",
    .ok = "+", .warn = "!", .error = "x", .pending = "~",
};

size_t sms_utf8_decode(const char *s, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned c = u[0];
    size_t n;
    unsigned min;

    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { n = 2; c &= 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; c &= 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; c &= 0x07; min = 0x10000; }
    else { *cp = 0xFFFD; return 1; }
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) { *cp = 0xFFFD; return i; }
        c = (c << 6) | (u[i] & 0x3F);
    }
    *cp = (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) ? 0xFFFD : c;
    return n;
}

int sms_char_width(unsigned cp, bool utf8)
{
    if (!utf8 || cp < 0x7F)
        return 1;                       /* ASCII; or non-ASCII drawn as '?'; controls: '?' */
    if (cp < 0xA0)
        return 1;                       /* drawn as '?' */
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

/* True when the code point can be drawn as itself in this tier. */
static bool char_drawable(unsigned cp, bool utf8)
{
    if (cp < 0x20 || cp == 0x7F)
        return false;
    if (!utf8 || cp < 0x80)
        return cp < 0x80;
    return !(cp >= 0x80 && cp < 0xA0) && wcwidth((wchar_t)cp) >= 0;
}

int sms_text_width(const char *s, bool utf8)
{
    int w = 0;
    unsigned cp;
    while (s && *s) {
        s += sms_utf8_decode(s, &cp);
        w += sms_char_width(cp, utf8);
    }
    return w;
}

size_t sms_text_fit(const char *s, int max_cols, bool utf8, int *cols_out)
{
    size_t bytes = 0;
    int cols = 0;
    unsigned cp;
    while (s && s[bytes]) {
        size_t n = sms_utf8_decode(s + bytes, &cp);
        int w = sms_char_width(cp, utf8);
        if (cols + w > max_cols)
            break;
        cols += w;
        bytes += n;
    }
    if (cols_out)
        *cols_out = cols;
    return bytes;
}

/* Append one character (or its '?' stand-in) to buf; false when full. */
static bool put_char(char *buf, size_t len, size_t *at, const char *src, size_t n, bool ok)
{
    if (!ok) { src = "?"; n = 1; }
    if (*at + n + 1 > len)
        return false;
    memcpy(buf + *at, src, n);
    *at += n;
    return true;
}

int sms_text_clip(char *buf, size_t len, const char *s, int max_cols, const sms_symbols *sym)
{
    size_t at = 0;
    int cols = 0;
    unsigned cp;
    if (!len)
        return 0;
    buf[0] = '\0';
    if (max_cols <= 0)
        return 0;
    int total = sms_text_width(s, sym->utf8);
    int room = total > max_cols ? max_cols - 1 : max_cols;   /* keep a column for the ellipsis */
    while (s && *s) {
        size_t n = sms_utf8_decode(s, &cp);
        int w = sms_char_width(cp, sym->utf8);
        if (cols + w > room)
            break;
        if (!put_char(buf, len, &at, s, n, char_drawable(cp, sym->utf8)))
            break;
        cols += w;
        s += n;
    }
    if (total > max_cols && put_char(buf, len, &at, sym->ellipsis, strlen(sym->ellipsis), true))
        cols++;
    buf[at] = '\0';
    return cols;
}

int sms_draw_text(WINDOW *w, int y, int x, int max_cols, const char *s, attr_t attr,
                  const sms_symbols *sym, bool pad)
{
    char buf[1024];
    if (max_cols <= 0)
        return 0;
    int cols = sms_text_clip(buf, sizeof buf, s ? s : "", max_cols, sym);
    wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
    mvwaddstr(w, y, x, buf);
    for (int i = cols; pad && i < max_cols; i++)
        waddch(w, ' ');
    wattr_set(w, A_NORMAL, 0, NULL);
    return cols;
}

int sms_draw_fmt(WINDOW *w, int y, int x, int max_cols, attr_t attr, const sms_symbols *sym,
                 const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return sms_draw_text(w, y, x, max_cols, buf, attr, sym, false);
}

void sms_draw_bar(WINDOW *w, int y, int x, int width, double frac, attr_t done, attr_t todo,
                  const sms_symbols *sym)
{
    if (width <= 0)
        return;
    if (!(frac > 0))
        frac = 0;
    if (frac > 1)
        frac = 1;
    int full = (int)(frac * width + 0.5);
    wmove(w, y, x);
    wattr_set(w, done, PAIR_NUMBER(done), NULL);
    for (int i = 0; i < full; i++)
        waddstr(w, sym->bar_full);
    wattr_set(w, todo, PAIR_NUMBER(todo), NULL);
    for (int i = full; i < width; i++)
        waddstr(w, sym->bar_empty);
    wattr_set(w, A_NORMAL, 0, NULL);
}

void sms_draw_hline(WINDOW *w, int y, int x, int width, attr_t attr, const sms_symbols *sym)
{
    wmove(w, y, x);
    wattr_set(w, attr, PAIR_NUMBER(attr), NULL);
    for (int i = 0; i < width; i++)
        waddstr(w, sym->hline);
    wattr_set(w, A_NORMAL, 0, NULL);
}

WINDOW *sms_dialog_new(int rows, int cols, int y, int x, attr_t attr)
{
    WINDOW *w = newwin(rows, cols, y, x);
    if (!w)
        return NULL;
    wbkgdset(w, ' ' | attr);
    werase(w);
    box(w, 0, 0);
    return w;
}

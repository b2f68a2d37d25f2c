/* draw.h - drawing primitives: text clipped by display width, bars, symbol sets.
 * Server text is drawn as data (never a format string) and measured in terminal
 * columns (wcwidth), so wide characters never overflow a column. */
#ifndef SMS_UI_DRAW_H
#define SMS_UI_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <curses.h>

/* Line drawing, bars and markers in two tiers: UTF-8 and plain ASCII. */
typedef struct sms_symbols {
    bool utf8;
    const char *hline, *vline, *ellipsis;
    const char *bar_full, *bar_empty;
    const char *mark, *unmarked, *cursor;
    const char *step_done, *step_current, *step_todo, *step_link;
    const char *tree_mid, *tree_last, *tree_pipe, *tree_open, *tree_closed;
    const char *ok, *warn, *error, *pending;
} sms_symbols;

extern const sms_symbols sms_symbols_utf8, sms_symbols_ascii;

/* Columns one code point takes: 0..2 (control and unknown -> 1, drawn as '?'). */
int sms_char_width(unsigned cp, bool utf8);
/* Decode one UTF-8 code point at s; returns bytes used (>= 1), *cp = U+FFFD on error. */
size_t sms_utf8_decode(const char *s, unsigned *cp);
/* Display width of a UTF-8 string. */
int sms_text_width(const char *s, bool utf8);
/* Bytes of s that fit in max_cols columns without cutting a character;
 * *cols_out receives the columns they take. */
size_t sms_text_fit(const char *s, int max_cols, bool utf8, int *cols_out);
/* Copy s into buf clipped to max_cols (with an ellipsis when cut); in ASCII mode
 * non-ASCII characters become '?'. Returns the columns used. */
int sms_text_clip(char *buf, size_t len, const char *s, int max_cols, const sms_symbols *sym);

/* Draw s at (y, x) in at most max_cols columns with attr; pads with blanks to
 * max_cols when pad is set. Returns the columns written (without padding). */
int sms_draw_text(WINDOW *w, int y, int x, int max_cols, const char *s, attr_t attr,
                  const sms_symbols *sym, bool pad);
/* printf-style for our own text only (never for server text). */
int sms_draw_fmt(WINDOW *w, int y, int x, int max_cols, attr_t attr, const sms_symbols *sym,
                 const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* A progress bar of `width` columns for frac 0..1 (clamped); done/todo attributes. */
void sms_draw_bar(WINDOW *w, int y, int x, int width, double frac, attr_t done, attr_t todo,
                  const sms_symbols *sym);
/* A boxed overlay window (confirmation, help) with attr as its background, erased;
 * NULL when curses cannot make it. The caller draws inside and delwin()s it. */
WINDOW *sms_dialog_new(int rows, int cols, int y, int x, attr_t attr);
/* Horizontal line of `width` columns. */
void sms_draw_hline(WINDOW *w, int y, int x, int width, attr_t attr, const sms_symbols *sym);

#endif

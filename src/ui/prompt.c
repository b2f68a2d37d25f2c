/* prompt.c - the one-line editor behind `:` (commands) and `/` (filter).
 *
 * The filter applies while it is typed; Esc clears it (k9s, less). The command
 * line completes with Tab (from the action table, see complete.c) and keeps a history
 * walked with Up/Down. Ctrl-C and Esc cancel; they never quit. */
#include "ui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_CTRL(c) ((c) & 0x1f)

static void apply_filter(sms_app *a, const char *text)
{
    /* the filter field is shorter than the line: a longer filter is cut, not refused */
    size_t len = strlen(text), n = len < sizeof a->table.filter ? len : sizeof a->table.filter - 1;
    if (n < len)                                /* cut: never in the middle of a character */
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    memcpy(a->table.filter, text, n);
    a->table.filter[n] = '\0';
    sms_fleet_table_rebuild(&a->table);
    sms_app_select_changed(a);
}

void sms_prompt_open(sms_app *a, sms_prompt_kind kind, const char *initial)
{
    sms_prompt *p = &a->prompt;
    p->kind = kind;
    snprintf(p->buf, sizeof p->buf, "%s", initial ? initial : "");
    p->len = strlen(p->buf);
    p->hist_pos = -1;
    a->dirty = true;
}

static void set_line(sms_prompt *p, const char *s)
{
    snprintf(p->buf, sizeof p->buf, "%s", s);
    p->len = strlen(p->buf);
}

static void history_add(sms_prompt *p, const char *line)
{
    if (!*line || (p->n_history && strcmp(p->history[p->n_history - 1], line) == 0))
        return;
    if (p->n_history == SMS_PROMPT_HISTORY) {
        free(p->history[0]);
        memmove(p->history, p->history + 1, (SMS_PROMPT_HISTORY - 1) * sizeof *p->history);
        p->n_history--;
    }
    char *copy = strdup(line);
    if (copy)
        p->history[p->n_history++] = copy;
}

static void history_walk(sms_prompt *p, int dir)
{
    if (!p->n_history)
        return;
    long pos = p->hist_pos < 0 ? (long)p->n_history : p->hist_pos;
    pos += dir;
    if (pos < 0)
        pos = 0;
    if (pos >= (long)p->n_history) {
        p->hist_pos = -1;
        set_line(p, "");
        return;
    }
    p->hist_pos = pos;
    set_line(p, p->history[pos]);
}

/* Remove the last UTF-8 character. */
static void delete_char(sms_prompt *p)
{
    while (p->len > 0) {
        unsigned char c = (unsigned char)p->buf[--p->len];
        if ((c & 0xC0) != 0x80)
            break;
    }
    p->buf[p->len] = '\0';
}

static void delete_word(sms_prompt *p)
{
    while (p->len > 0 && p->buf[p->len - 1] == ' ')
        p->len--;
    while (p->len > 0 && p->buf[p->len - 1] != ' ')
        p->len--;
    p->buf[p->len] = '\0';
}

static size_t common_prefix(char cand[][64], size_t n)
{
    size_t len = strlen(cand[0]);
    for (size_t i = 1; i < n; i++) {
        size_t k = 0;
        while (k < len && cand[i][k] == cand[0][k])
            k++;
        len = k;
    }
    return len;
}

static void complete(sms_app *a)
{
    sms_prompt *p = &a->prompt;
    char cand[48][64];
    size_t n = sms_prompt_complete(a, p->buf, cand, 48);
    if (n == 0) {
        sms_app_message(a, true, "no completion for \"%s\"", p->buf);
        return;
    }
    if (n == 1) {
        set_line(p, cand[0]);
        if (p->len + 1 < sizeof p->buf) {
            p->buf[p->len++] = ' ';
            p->buf[p->len] = '\0';
        }
        return;
    }
    char list[256] = "";
    for (size_t i = 0, at = 0; i < n && at < sizeof list - 1; i++) {
        const char *word = strrchr(cand[i], ' ') ? strrchr(cand[i], ' ') + 1 : cand[i];
        at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", i ? "  " : "", word);
    }
    sms_app_message(a, false, "Tab: %zu candidates: %s", n, list);
    size_t common = common_prefix(cand, n);
    if (common > p->len) {
        cand[0][common] = '\0';
        set_line(p, cand[0]);
    }
}

static void finish(sms_app *a, bool accept)
{
    sms_prompt *p = &a->prompt;
    sms_prompt_kind kind = p->kind;
    char line[sizeof p->buf];
    snprintf(line, sizeof line, "%s", p->buf);
    p->kind = SMS_PROMPT_NONE;
    a->dirty = true;
    if (kind == SMS_PROMPT_SEARCH) {
        if (accept && line[0] && !sms_error_panel_search(a, line))
            sms_app_message(a, true, "\"%s\" not found", line);
        return;
    }
    if (kind == SMS_PROMPT_FILTER) {
        if (!accept) {
            apply_filter(a, "");
            sms_app_message(a, false, "filter cleared");
        } else if (line[0]) {
            sms_app_message(a, false, "filter: %s (%zu of %zu shown; / then Esc clears it)",
                            line, a->table.n_rows, a->table.fleet ? a->table.fleet->n_servers : 0);
        }
        return;
    }
    if (accept) {
        history_add(p, line);
        sms_app_command(a, line);
    }
}

static bool printable(int key)
{
    return key >= 0x20 && key < 0x100 && key != 0x7F;
}

bool sms_prompt_key(sms_app *a, int key)
{
    sms_prompt *p = &a->prompt;
    if (p->kind == SMS_PROMPT_NONE)
        return false;
    a->dirty = true;
    if (key == 27 || key == KEY_CTRL('c') || key == KEY_CTRL('g')) {
        finish(a, false);
    } else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
        finish(a, true);
    } else if (key == KEY_BACKSPACE || key == 0x7F || key == KEY_CTRL('h')) {
        if (p->len == 0 && p->kind == SMS_PROMPT_COMMAND)
            finish(a, false);               /* backspace on an empty line leaves, like vim */
        else
            delete_char(p);
    } else if (key == KEY_CTRL('u')) {
        set_line(p, "");
    } else if (key == KEY_CTRL('w')) {
        delete_word(p);
    } else if (key == '\t' && p->kind == SMS_PROMPT_COMMAND) {
        complete(a);
    } else if (key == KEY_UP && p->kind == SMS_PROMPT_COMMAND) {
        history_walk(p, -1);
    } else if (key == KEY_DOWN && p->kind == SMS_PROMPT_COMMAND) {
        history_walk(p, +1);
    } else if (printable(key) && p->len + 1 < sizeof p->buf) {
        p->buf[p->len++] = (char)key;
        p->buf[p->len] = '\0';
    }
    if (p->kind == SMS_PROMPT_FILTER)
        apply_filter(a, p->buf);
    return true;
}

void sms_prompt_draw(sms_app *a, WINDOW *w, int y, int cols)
{
    const sms_prompt *p = &a->prompt;
    const char *lead = p->kind == SMS_PROMPT_COMMAND ? ":" : "/";
    attr_t attr = sms_role_attr(SMS_ROLE_PROMPT);
    sms_draw_text(w, y, 0, cols, "", attr, a->sym, true);
    sms_draw_text(w, y, 0, 1, lead, attr, a->sym, false);
    /* keep the end of a long line visible */
    const char *shown = p->buf;
    while (sms_text_width(shown, a->sym->utf8) > cols - 3 && *shown) {
        unsigned cp;
        shown += sms_utf8_decode(shown, &cp);
    }
    int x = 1 + sms_draw_text(w, y, 1, cols - 2, shown, attr, a->sym, false);
    if (x < cols)
        sms_draw_text(w, y, x, 1, " ", A_REVERSE, a->sym, false);   /* the cursor */
}

void sms_prompt_free(sms_prompt *p)
{
    for (size_t i = 0; i < p->n_history; i++)
        free(p->history[i]);
    p->n_history = 0;
}

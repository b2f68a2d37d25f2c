/* view_help.c - the `?` overlay: every action of the table with its keys (as bound now,
 * after config overrides), its `:` name and its help text, grouped. Generated from the
 * table, so it cannot drift from what the keys do. */
#include "ui/app.h"

#include <stdio.h>
#include <string.h>

#define KEYS_W 14
#define NAME_W 17

/* Row i of the help text (group headings included); false past the end. */
static bool help_row(const sms_app *a, size_t i, char *buf, size_t len, attr_t *attr)
{
    size_t row = 0;
    for (int g = SMS_GRP_MOVE; g <= SMS_GRP_GLOBAL; g++) {
        if (row++ == i) {
            snprintf(buf, len, "%s", sms_action_group_name((sms_action_group)g));
            *attr = sms_role_attr(SMS_ROLE_TITLE);
            return true;
        }
        for (int k = 0; k < SMS_A__COUNT; k++) {
            if ((int)sms_actions[k].group != g || row++ != i)
                continue;
            char keys[64];
            bool visible = sms_app_action_visible(a, (sms_action_id)k);
            sms_keymap_describe(&a->keys, (sms_action_id)k, keys, sizeof keys);
            snprintf(buf, len, "  %-*s :%-*s %s%s", KEYS_W, keys[0] ? keys : "-", NAME_W - 1,
                     sms_actions[k].name, sms_actions[k].help, visible ? "" : "  [disabled: read-only]");
            *attr = visible ? sms_role_attr(SMS_ROLE_DIALOG) : sms_role_attr(SMS_ROLE_DIALOG) | A_DIM;
            return true;
        }
        if (row++ == i) {
            buf[0] = '\0';
            *attr = sms_role_attr(SMS_ROLE_DIALOG);
            return true;
        }
    }
    return false;
}

static size_t help_rows(const sms_app *a)
{
    char buf[512];                  /* rows are formatted in full only to be counted */
    attr_t attr;
    size_t n = 0;
    while (help_row(a, n, buf, sizeof buf, &attr))
        n++;
    return n;
}

static int help_height(int rows) { return rows - 2; }

void sms_help_draw(sms_app *a, int rows, int cols)
{
    int height = help_height(rows), width = cols;
    if (height < 5 || width < 30)
        return;
    attr_t attr = sms_role_attr(SMS_ROLE_DIALOG);
    WINDOW *w = sms_dialog_new(height, width, 1, 0, attr);
    if (!w)
        return;
    size_t total = help_rows(a), body = (size_t)height - 2;
    if (a->help_scroll + body > total)
        a->help_scroll = total > body ? total - body : 0;
    sms_draw_fmt(w, 0, 2, width - 4, attr | A_BOLD, a->sym,
                 " Help: keys and :commands (%zu-%zu of %zu; Esc closes) ", a->help_scroll + 1,
                 a->help_scroll + body < total ? a->help_scroll + body : total, total);
    for (size_t i = 0; i < body; i++) {
        char line[512];
        attr_t la;
        if (!help_row(a, a->help_scroll + i, line, sizeof line, &la))
            break;
        sms_draw_text(w, 1 + (int)i, 1, width - 2, line, la, a->sym, false);
    }
    wnoutrefresh(w);
    delwin(w);
}

bool sms_help_action(sms_app *a, sms_action_id act)
{
    size_t page = LINES > 6 ? (size_t)LINES - 6 : 1, total = help_rows(a);
    if (sms_move_target(act, a->help_scroll, total, page, &a->help_scroll)) {   /* clamped when drawn */
        a->dirty = true;
        return true;
    }
    switch (act) {
    case SMS_A_BACK: case SMS_A_HELP: case SMS_A_QUIT:
        a->help = false;
        break;
    case SMS_A_REDRAW: case SMS_A_PAUSE: case SMS_A_REFRESH:
        return false;                   /* still work with the help open */
    default:
        break;
    }
    a->dirty = true;
    return true;
}

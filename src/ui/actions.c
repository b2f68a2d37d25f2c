/* actions.c - the action table, key names and the keymap derived from them. */
#include "ui/actions.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

const sms_action_def sms_actions[SMS_A__COUNT] = {
#define SMS_ACTION_ROW(id, name, keys, grp, mut, conf, help) \
    [SMS_A_##id] = { SMS_A_##id, name, keys, SMS_GRP_##grp, mut, SMS_CONFIRM_##conf, help },
    SMS_ACTION_TABLE(SMS_ACTION_ROW)
#undef SMS_ACTION_ROW
};

const char *sms_action_group_name(sms_action_group g)
{
    switch (g) {
    case SMS_GRP_MOVE:   return "Moving";
    case SMS_GRP_VIEW:   return "Views and selection";
    case SMS_GRP_SERVER: return "Server actions";
    case SMS_GRP_GLOBAL: return "Global";
    }
    return "?";
}

sms_action_id sms_action_by_name(const char *name)
{
    for (int i = 0; name && i < SMS_A__COUNT; i++)
        if (strcmp(sms_actions[i].name, name) == 0)
            return (sms_action_id)i;
    return SMS_A_NONE;
}

static const struct { const char *name; int key; } key_names[] = {
    { "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
    { "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE }, { "Home", KEY_HOME }, { "End", KEY_END },
    { "Enter", '\n' }, { "Esc", 27 }, { "Tab", '\t' }, { "BTab", KEY_BTAB },
    { "Space", ' ' }, { "Backspace", KEY_BACKSPACE }, { "Delete", KEY_DC }, { "Insert", KEY_IC },
};

int sms_key_parse(const char *name)
{
    if (!name || !*name)
        return -1;
    if (name[1] == '\0')
        return (unsigned char)name[0] >= 0x21 && (unsigned char)name[0] < 0x7F ? name[0] : -1;
    if (name[0] == '^' && name[2] == '\0' && name[1] >= '@' && name[1] <= '_')
        return name[1] - '@';
    if (name[0] == '^' && name[2] == '\0' && name[1] >= 'a' && name[1] <= 'z')
        return name[1] - 'a' + 1;
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (strcasecmp(key_names[i].name, name) == 0)
            return key_names[i].key;
    int n;
    if ((name[0] == 'F' || name[0] == 'f') && sscanf(name + 1, "%d", &n) == 1 && n >= 1 && n <= 12)
        return KEY_F(n);
    return -1;
}

const char *sms_key_name(int key, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (key_names[i].key == key) {
            snprintf(buf, len, "%s", key_names[i].name);
            return buf;
        }
    if (key == KEY_ENTER || key == '\r')
        snprintf(buf, len, "Enter");
    else if (key >= KEY_F(1) && key <= KEY_F(12))
        snprintf(buf, len, "F%d", key - KEY_F(0));
    else if (key > 0 && key < 32)
        snprintf(buf, len, "^%c", key + '@');
    else if (key > 32 && key < 127)
        snprintf(buf, len, "%c", key);
    else
        snprintf(buf, len, "#%d", key);
    return buf;
}

static void unbind_key(sms_keymap *m, int key)
{
    for (int a = 0; a < SMS_A__COUNT; a++) {
        int *k = m->keys[a], out = 0;
        for (int i = 0; i < SMS_KEYMAP_MAX && k[i] != -1; i++)
            if (k[i] != key)
                k[out++] = k[i];
        for (int i = out; i < SMS_KEYMAP_MAX; i++)
            k[i] = -1;
    }
}

/* Parse "k Up" into keys[]; -1 with the bad name in err. */
static int parse_key_list(const char *spec, int keys[SMS_KEYMAP_MAX], char *err, size_t errlen)
{
    char buf[128], *save = NULL;
    int n = 0;
    for (int i = 0; i < SMS_KEYMAP_MAX; i++)
        keys[i] = -1;
    snprintf(buf, sizeof buf, "%s", spec ? spec : "");
    for (char *tok = strtok_r(buf, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
        int k = sms_key_parse(tok);
        if (k < 0) {
            snprintf(err, errlen, "unknown key name \"%s\"", tok);
            return -1;
        }
        if (n == SMS_KEYMAP_MAX) {
            snprintf(err, errlen, "at most %d keys per action", SMS_KEYMAP_MAX);
            return -1;
        }
        keys[n++] = k;
    }
    return 0;
}

void sms_keymap_defaults(sms_keymap *m)
{
    char err[64];
    for (int a = 0; a < SMS_A__COUNT; a++)
        parse_key_list(sms_actions[a].keys, m->keys[a], err, sizeof err);
}

int sms_keymap_bind(sms_keymap *m, const char *action, const char *keys, char *err, size_t errlen)
{
    sms_action_id a = sms_action_by_name(action);
    int parsed[SMS_KEYMAP_MAX];
    if (a == SMS_A_NONE) {
        snprintf(err, errlen, "unknown action \"%s\"", action);
        return -1;
    }
    if (parse_key_list(keys, parsed, err, errlen) < 0)
        return -1;
    for (int i = 0; i < SMS_KEYMAP_MAX && parsed[i] != -1; i++)
        unbind_key(m, parsed[i]);
    memcpy(m->keys[a], parsed, sizeof parsed);
    return 0;
}

sms_action_id sms_keymap_lookup(const sms_keymap *m, int key)
{
    if (key == KEY_ENTER || key == '\r')
        key = '\n';
    for (int a = 0; a < SMS_A__COUNT; a++)
        for (int i = 0; i < SMS_KEYMAP_MAX && m->keys[a][i] != -1; i++)
            if (m->keys[a][i] == key)
                return (sms_action_id)a;
    return SMS_A_NONE;
}

const char *sms_keymap_describe(const sms_keymap *m, sms_action_id a, char *buf, size_t len)
{
    size_t at = 0;
    char name[16];
    buf[0] = '\0';
    for (int i = 0; i < SMS_KEYMAP_MAX && m->keys[a][i] != -1 && at < len; i++) {
        int n = snprintf(buf + at, len - at, "%s%s", i ? "/" : "",
                         sms_key_name(m->keys[a][i], name, sizeof name));
        if (n < 0)
            break;
        at += (size_t)n;
    }
    return buf;
}

bool sms_move_target(sms_action_id act, size_t pos, size_t last, size_t page, size_t *to)
{
    switch (act) {
    case SMS_A_UP:        *to = pos ? pos - 1 : 0; break;
    case SMS_A_DOWN:      *to = pos < last ? pos + 1 : last; break;
    case SMS_A_PAGE_UP:   *to = pos > page ? pos - page : 0; break;
    case SMS_A_PAGE_DOWN: *to = pos + page < last ? pos + page : last; break;
    case SMS_A_TOP:       *to = 0; break;
    case SMS_A_BOTTOM:    *to = last; break;
    default:              return false;
    }
    return true;
}

void sms_scroll_to(size_t cursor, size_t n, size_t height, size_t *top)
{
    if (!height)
        return;
    if (cursor < *top)
        *top = cursor;
    if (cursor >= *top + height)
        *top = cursor - height + 1;
    if (*top + height > n)
        *top = n > height ? n - height : 0;
}

/* theme.c - semantic colour roles, theme files and their curses colour pairs. */
#include "ui/theme.h"
#include "ui/cfgfile.h"

#include <dirent.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *const role_names[SMS_ROLE__COUNT] = {
#define SMS_ROLE_NAME(id, name) [SMS_ROLE_##id] = name,
    SMS_ROLE_TABLE(SMS_ROLE_NAME)
#undef SMS_ROLE_NAME
};

const char *sms_role_name(sms_role r) { return r < SMS_ROLE__COUNT ? role_names[r] : "?"; }

#define D (-1)
/* The compiled-in default: readable on dark and light backgrounds, 8 colours. */
static const sms_role_style builtin_roles[SMS_ROLE__COUNT] = {
    [SMS_ROLE_NORMAL] = { D, D, A_NORMAL },
    [SMS_ROLE_HEADER] = { COLOR_BLACK, COLOR_GREEN, A_NORMAL },
    [SMS_ROLE_TITLE] = { COLOR_CYAN, D, A_BOLD },
    [SMS_ROLE_TAB] = { D, D, A_NORMAL },
    [SMS_ROLE_TAB_ACTIVE] = { COLOR_BLACK, COLOR_CYAN, A_BOLD },
    [SMS_ROLE_SELECTED] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL },
    [SMS_ROLE_MARKED] = { COLOR_YELLOW, D, A_BOLD },
    [SMS_ROLE_CHANGED] = { COLOR_BLACK, COLOR_YELLOW, A_NORMAL },
    [SMS_ROLE_DIM] = { D, D, A_DIM },
    [SMS_ROLE_STATUS] = { COLOR_BLACK, COLOR_WHITE, A_NORMAL },
    [SMS_ROLE_KEY] = { COLOR_CYAN, D, A_BOLD },
    [SMS_ROLE_MESSAGE] = { COLOR_YELLOW, D, A_BOLD },
    [SMS_ROLE_PROMPT] = { D, D, A_BOLD },
    [SMS_ROLE_STATE_IDLE] = { D, D, A_NORMAL },
    [SMS_ROLE_STATE_ACTIVE] = { COLOR_CYAN, D, A_NORMAL },
    [SMS_ROLE_STATE_OK] = { COLOR_GREEN, D, A_NORMAL },
    [SMS_ROLE_STATE_WARN] = { COLOR_YELLOW, D, A_BOLD },
    [SMS_ROLE_STATE_ERROR] = { COLOR_RED, D, A_BOLD },
    [SMS_ROLE_BAR_DONE] = { COLOR_GREEN, D, A_NORMAL },
    [SMS_ROLE_BAR_TODO] = { D, D, A_DIM },
    [SMS_ROLE_READONLY] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD },
    [SMS_ROLE_INSECURE] = { COLOR_WHITE, COLOR_RED, A_BOLD },
    [SMS_ROLE_STALE] = { COLOR_WHITE, COLOR_RED, A_BOLD },
    [SMS_ROLE_ERROR_PANEL] = { COLOR_RED, D, A_NORMAL },
    [SMS_ROLE_DIALOG] = { COLOR_BLACK, COLOR_WHITE, A_NORMAL },
    [SMS_ROLE_BORDER] = { COLOR_CYAN, D, A_NORMAL },
};
#undef D

void sms_theme_builtin(sms_theme *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "default");
    memcpy(t->roles, builtin_roles, sizeof t->roles);
}

static const struct { const char *name; short colour; } colour_names[] = {
    { "default", -1 }, { "black", COLOR_BLACK }, { "red", COLOR_RED }, { "green", COLOR_GREEN },
    { "yellow", COLOR_YELLOW }, { "blue", COLOR_BLUE }, { "magenta", COLOR_MAGENTA },
    { "cyan", COLOR_CYAN }, { "white", COLOR_WHITE },
};

static int parse_colour(const config_setting_t *s, short *out)
{
    if (config_setting_type(s) == CONFIG_TYPE_INT) {
        int v = config_setting_get_int(s);
        if (v < -1 || v > 255)
            return -1;
        *out = (short)v;
        return 0;
    }
    const char *name = config_setting_get_string(s);
    if (!name)
        return -1;
    int bright = strncasecmp(name, "bright-", 7) == 0;
    for (size_t i = 0; i < sizeof colour_names / sizeof colour_names[0]; i++)
        if (strcasecmp(name + (bright ? 7 : 0), colour_names[i].name) == 0) {
            if (bright && colour_names[i].colour < 0)
                return -1;
            *out = (short)(colour_names[i].colour + (bright ? 8 : 0));
            return 0;
        }
    return -1;
}

static int parse_attr(const char *name, attr_t *out)
{
    static const struct { const char *name; attr_t attr; } attrs[] = {
        { "bold", A_BOLD }, { "dim", A_DIM }, { "reverse", A_REVERSE }, { "underline", A_UNDERLINE },
        { "standout", A_STANDOUT }, { "normal", A_NORMAL },
    };
    for (size_t i = 0; name && i < sizeof attrs / sizeof attrs[0]; i++)
        if (strcasecmp(name, attrs[i].name) == 0) {
            *out |= attrs[i].attr;
            return 0;
        }
    return -1;
}

/* Elements of a list or array have no name: say where they are instead. */
static int role_error(const char *path, const config_setting_t *s, const char *msg, char *err, size_t errlen)
{
    const char *name = config_setting_name(s);
    snprintf(err, errlen, "%s:%u: %s: %s", path, config_setting_source_line(s), name ? name : "element", msg);
    return -1;
}

static int parse_role(const char *path, const config_setting_t *s, sms_role_style *st, char *err, size_t errlen)
{
    int n = config_setting_length(s);
    int type = config_setting_type(s);
    if ((type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) || n < 2)
        return role_error(path, s, "expected [fg, bg, attributes...]", err, errlen);
    sms_role_style r = { -1, -1, A_NORMAL };
    if (parse_colour(config_setting_get_elem(s, 0), &r.fg) < 0 ||
        parse_colour(config_setting_get_elem(s, 1), &r.bg) < 0)
        return role_error(path, s, "unknown colour", err, errlen);
    for (int i = 2; i < n; i++)
        if (parse_attr(config_setting_get_string(config_setting_get_elem(s, (unsigned)i)), &r.attrs) < 0)
            return role_error(path, s, "unknown attribute", err, errlen);
    *st = r;
    return 0;
}

/* roles = { name = [fg, bg, attrs...]; ... }: only a group has named members. */
static int parse_roles(const char *path, const config_setting_t *g, sms_role_style *roles, bool *seen,
                       char *err, size_t errlen)
{
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return role_error(path, g, "expected a group { role = [fg, bg, attributes...]; }", err, errlen);
    for (int i = 0; i < config_setting_length(g); i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        int r;
        for (r = 0; r < SMS_ROLE__COUNT; r++)
            if (strcmp(role_names[r], config_setting_name(s)) == 0)
                break;
        if (r == SMS_ROLE__COUNT)
            return role_error(path, s, "unknown role", err, errlen);
        if (parse_role(path, s, &roles[r], err, errlen) < 0)
            return -1;
        if (seen)
            seen[r] = true;
    }
    return 0;
}

int sms_theme_parse_file(const char *path, sms_theme *t, char *err, size_t errlen)
{
    config_t cf;
    char dir[4096];
    sms_cfgfile_dir(path, dir, sizeof dir);
    if (sms_cfgfile_check(path, dir, err, errlen) < 0)
        return -1;
    config_init(&cf);
    config_set_include_dir(&cf, dir);
    if (config_read_file(&cf, path) != CONFIG_TRUE) {
        const char *in = config_error_file(&cf);
        if (in && strcmp(in, path) != 0)
            snprintf(err, errlen, "%s: %s:%d: %s", path, in, config_error_line(&cf), config_error_text(&cf));
        else
            snprintf(err, errlen, "%s:%d: %s", path, config_error_line(&cf), config_error_text(&cf));
        config_destroy(&cf);
        return -1;
    }
    int rc = 0;
    config_setting_t *root = config_root_setting(&cf);
    for (int i = 0; rc == 0 && i < config_setting_length(root); i++) {
        config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
        const char *k = config_setting_name(s);
        if (strcmp(k, "roles") == 0)
            rc = parse_roles(path, s, t->roles, NULL, err, errlen);
        else if (strcmp(k, "roles256") == 0)
            rc = parse_roles(path, s, t->roles256, t->has256, err, errlen);
        else if (strcmp(k, "name") == 0 || strcmp(k, "description") == 0)
            continue;
        else
            rc = role_error(path, s, "unknown key (expected roles, roles256, name, description)", err, errlen);
    }
    config_destroy(&cf);
    return rc;
}

/* Directories searched, in order. */
static size_t theme_dirs(char dirs[][512], size_t max)
{
    size_t n = 0;
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME"), *env = getenv("SMS_THEME_PATH");
    if (env && *env && n < max)
        snprintf(dirs[n++], 512, "%s", env);
    if (xdg && xdg[0] == '/' && n < max)
        snprintf(dirs[n++], 512, "%s/smsconsole/themes", xdg);
    else if (home && n < max)
        snprintf(dirs[n++], 512, "%s/.config/smsconsole/themes", home);
#ifdef SMS_THEME_DIR
    if (n < max)
        snprintf(dirs[n++], 512, "%s", SMS_THEME_DIR);
#endif
#ifdef SMS_THEME_INSTALL_DIR
    if (n < max)
        snprintf(dirs[n++], 512, "%s", SMS_THEME_INSTALL_DIR);
#endif
    return n;
}

int sms_theme_find(const char *name, char *path, size_t len)
{
    char dirs[5][512];
    size_t n = theme_dirs(dirs, 5);
    if (!name || !*name || strchr(name, '/'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        snprintf(path, len, "%s/%s.theme", dirs[i], name);
        if (access(path, R_OK) == 0)
            return 0;
    }
    return -1;
}

int sms_theme_load(const char *name, sms_theme *t, char *err, size_t errlen)
{
    char path[600];
    sms_theme_builtin(t);
    if (!name || !*name)
        name = "default";
    if (sms_theme_find(name, path, sizeof path) < 0) {
        if (strcmp(name, "default") == 0)
            return 0;
        snprintf(err, errlen, "theme \"%s\" not found (looked for %s.theme in the theme directories)", name, name);
        return -1;
    }
    if (sms_theme_parse_file(path, t, err, errlen) < 0) {
        sms_theme_builtin(t);
        return -1;
    }
    snprintf(t->name, sizeof t->name, "%s", name);
    return 0;
}

size_t sms_theme_list(char names[][64], size_t max)
{
    char dirs[5][512];
    size_t nd = theme_dirs(dirs, 5), n = 0;
    for (size_t d = 0; d < nd; d++) {
        DIR *dir = opendir(dirs[d]);
        struct dirent *e;
        while (dir && (e = readdir(dir)) != NULL) {
            size_t l = strlen(e->d_name);
            if (l <= 6 || l - 6 >= 64 || strcmp(e->d_name + l - 6, ".theme") != 0)
                continue;
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(l - 6), e->d_name);
            bool dup = false;
            for (size_t i = 0; i < n; i++)
                dup |= strcmp(names[i], name) == 0;
            if (!dup && n < max)
                snprintf(names[n++], 64, "%s", name);
        }
        if (dir)
            closedir(dir);
    }
    return n;
}

/* ---- curses ------------------------------------------------------------- */

static attr_t role_attrs[SMS_ROLE__COUNT];

/* On terminals with fewer colours, bright colours fall back to their base colour. */
static short fit_colour(short c)
{
    if (c < 0 || c < COLORS)
        return c;
    return c >= 8 && c < 16 ? (short)(c - 8) : -1;
}

void sms_theme_apply(const sms_theme *t, bool mono)
{
    bool colour = !mono && has_colors();
    for (int r = 0; r < SMS_ROLE__COUNT; r++) {
        const sms_role_style *st = (COLORS >= 256 && t->has256[r]) ? &t->roles256[r] : &t->roles[r];
        role_attrs[r] = st->attrs;
        if (colour && (st->fg >= 0 || st->bg >= 0)) {
            init_pair((short)(r + 1), fit_colour(st->fg), fit_colour(st->bg));
            role_attrs[r] |= COLOR_PAIR(r + 1);
        } else if (!colour && st->bg >= 0 && st->attrs == A_NORMAL) {
            role_attrs[r] |= A_REVERSE;     /* a coloured background becomes reverse video */
        }
    }
    if (!colour)
        role_attrs[SMS_ROLE_SELECTED] = A_REVERSE;
}

attr_t sms_role_attr(sms_role r) { return r < SMS_ROLE__COUNT ? role_attrs[r] : A_NORMAL; }

/* theme.h - colour themes: semantic roles read from themes/NAME.theme (libconfig).
 *
 *   roles = { normal = ["default", "default"]; selected = ["black", "cyan"];
 *             state_error = ["red", "default", "bold"]; ... };
 *   roles256 = { ... };   # optional overrides used when the terminal has 256 colours
 *
 * A role is [fg, bg, attributes...]: colours are names (default, black, red, green,
 * yellow, blue, magenta, cyan, white, bright-*) or numbers 0-255; attributes are bold,
 * dim, reverse, underline, standout. "default" keeps the terminal's own colour.
 * Meaning is never carried by colour alone: every state also has a text label. */
#ifndef SMS_UI_THEME_H
#define SMS_UI_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <curses.h>

#define SMS_ROLE_TABLE(X) \
    X(NORMAL, "normal") X(HEADER, "header") X(TITLE, "title") X(TAB, "tab") X(TAB_ACTIVE, "tab_active") \
    X(SELECTED, "selected") X(MARKED, "marked") X(CHANGED, "changed") X(DIM, "dim") \
    X(STATUS, "status") X(KEY, "key") X(MESSAGE, "message") X(PROMPT, "prompt") \
    X(STATE_IDLE, "state_idle") X(STATE_ACTIVE, "state_active") X(STATE_OK, "state_ok") \
    X(STATE_WARN, "state_warn") X(STATE_ERROR, "state_error") \
    X(BAR_DONE, "bar_done") X(BAR_TODO, "bar_todo") X(READONLY, "readonly") X(INSECURE, "insecure") \
    X(STALE, "stale") X(ERROR_PANEL, "error_panel") X(DIALOG, "dialog") X(BORDER, "border")

typedef enum sms_role {
#define SMS_ROLE_ENUM(id, name) SMS_ROLE_##id,
    SMS_ROLE_TABLE(SMS_ROLE_ENUM)
#undef SMS_ROLE_ENUM
    SMS_ROLE__COUNT
} sms_role;

typedef struct sms_role_style { short fg, bg; attr_t attrs; } sms_role_style;   /* -1 = default */

typedef struct sms_theme {
    char name[64];
    sms_role_style roles[SMS_ROLE__COUNT];
    sms_role_style roles256[SMS_ROLE__COUNT];
    bool has256[SMS_ROLE__COUNT];
} sms_theme;

const char *sms_role_name(sms_role r);
/* The built-in default (dark, 8-colour safe). */
void sms_theme_builtin(sms_theme *t);
/* Parse a theme file over the built-in default. 0 ok; -1 with "file:line: msg" in err. */
int sms_theme_parse_file(const char *path, sms_theme *t, char *err, size_t errlen);
/* Find NAME.theme in $XDG_CONFIG_HOME/smsconsole/themes, the source tree, the install
 * dir. Returns 0 and the path, -1 if not found. */
int sms_theme_find(const char *name, char *path, size_t len);
/* Load by name (built-in "default" when no file exists for it). */
int sms_theme_load(const char *name, sms_theme *t, char *err, size_t errlen);
/* Names of the themes that can be found, for completion: fills up to max names. */
size_t sms_theme_list(char names[][64], size_t max);

/* Curses side. mono: attributes only (NO_COLOR, monochrome theme, no colour terminal). */
void sms_theme_apply(const sms_theme *t, bool mono);
attr_t sms_role_attr(sms_role r);

#endif

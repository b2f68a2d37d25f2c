/* config.h - $XDG_CONFIG_HOME/smsconsole/config (libconfig). No curses.
 *
 *   context = "prod";                 # default context
 *   refresh = 5;                      # seconds (1-3600)
 *   theme = "default";  readonly = false;  mouse = false;  bell = false;
 *   osc52_passthrough = false;        # y: wrap OSC 52 in tmux passthrough
 *   contexts = ( { name = "prod"; region = "ap-southeast-3";
 *                  endpoint = "https://sms.ap-southeast-3.myhuaweicloud.com";
 *                  iam_endpoint = "https://iam.ap-southeast-3.myhuaweicloud.com";
 *                  project = "ap-southeast-3"; auth = "password";   # password|aksk|token
 *                  user = "ops"; domain = "acme"; password_command = "pass show sms";
 *                  readonly = true; inventory = "~/wave1.csv";
 *                  agent_install_window = 600; } );     # seconds an agent may take to connect
 *   keys = { start = "S"; delete = "^D"; };   # action = "key [key...]"
 *
 * Errors name the file and line; unknown keys are collected in `warnings`, never
 * silently ignored. */
#ifndef SMS_UI_CONFIG_H
#define SMS_UI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Longest context name accepted (bytes); longer names are an error, never cut. */
#define SMS_CONTEXT_NAME_MAX 255

typedef struct sms_context_cfg {
    char *name, *region, *endpoint, *iam_endpoint, *project, *project_id, *auth, *user,
         *domain, *password_command, *cacert;
    char *inventory;                    /* hosts to migrate (Agents pane), a CSV file */
    int agent_install_window_s;         /* 0 = default (600) */
    bool readonly, insecure;
} sms_context_cfg;

typedef struct sms_key_override { char *action, *keys; int line; } sms_key_override;

typedef struct sms_config {
    char *path;                         /* the file read, NULL if none */
    char *context;                      /* default context name */
    int refresh_s;                      /* 0 = not set */
    char *theme;
    bool readonly, mouse, bell;
    bool osc52_passthrough;             /* wrap OSC 52 for tmux's allow-passthrough */
    sms_context_cfg *contexts; size_t n_contexts;
    sms_key_override *keys; size_t n_keys;
    char **warnings; size_t n_warnings; /* "config:12: unknown key \"colour\"" */
} sms_config;

/* Default location: $XDG_CONFIG_HOME/smsconsole/config, else ~/.config/smsconsole/config. */
const char *sms_config_default_path(char *buf, size_t len);
/* Load path into *out (zeroed first). Returns 0 on success, 1 when the file does not
 * exist (out holds defaults), -1 on error with "file:line: message" in err. */
int sms_config_load(const char *path, sms_config *out, char *err, size_t errlen);
void sms_config_free(sms_config *c);
/* Context by name (NULL name = the default context, else the first); NULL if none. */
const sms_context_cfg *sms_config_context(const sms_config *c, const char *name);

#endif

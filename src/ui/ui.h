/* ui.h - the console's entry point, called by main.c once the poller runs. */
#ifndef SMS_UI_H
#define SMS_UI_H

#include <stdbool.h>
#include <stddef.h>
#include "api/poller.h"
#include "ui/config.h"

typedef struct sms_ui_opts {
    const sms_config *config;           /* may be NULL (no file) */
    const char *context, *region, *user;/* for the status line */
    const char *theme;                  /* NULL = config's or "default" */
    int refresh_ms;
    bool readonly;                      /* hide and refuse mutating actions */
    bool dashboard;                     /* wall-screen summary, read-only */
    bool insecure;                      /* permanent INSECURE badge */
    bool mouse, bell;
    bool ascii;                         /* force the ASCII symbol set */
    int frame_fd;                       /* test hook: one byte per frame (F: new fleet data); -1 = off */
    const struct sms_inventory *inventory;  /* hosts to migrate (Agents pane); NULL = none */
    int64_t agent_install_window_ms;    /* 0 = SMS_AGENT_INSTALL_WINDOW_MS */
} sms_ui_opts;

typedef enum sms_ui_result {
    SMS_UI_QUIT = 0,                    /* the operator quit */
    SMS_UI_SWITCH_CONTEXT = 1,          /* :context NAME: main restarts with `next_context` */
    SMS_UI_FAILED = -1,                 /* the terminal could not be set up (message on stderr) */
} sms_ui_result;

/* Runs until quit. Owns the terminal from initscr to endwin. */
sms_ui_result sms_ui_run(sms_poller *p, const sms_ui_opts *o, char *next_context, size_t len);

#endif

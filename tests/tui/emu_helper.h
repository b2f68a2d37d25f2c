/* emu_helper.h - an in-process emulator for screen tests that need data they control
 * (a static fleet, a hostile server name), and the console's argv to reach it. */
#ifndef SMS_TUI_EMU_HELPER_H
#define SMS_TUI_EMU_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include "api/client.h"
#include "emulator/emulator.h"

typedef struct emu_fixture {
    smsemu *emu;
    char url[128];
    const char *argv[20];               /* smsconsole --endpoint URL ... (NULL-terminated) */
    const char *env[4];
} emu_fixture;

/* Start an emulator with `servers` registered servers and no agent activity (the fleet
 * stays still). extra_arg: one more console option (or NULL). 0 ok. */
int emu_fixture_start(emu_fixture *f, int servers, const char *extra_arg);
void emu_fixture_stop(emu_fixture *f);
/* emu_fixture_start, then the fleet as listed by the API into *list. 0 ok. */
int emu_fixture_start_listed(emu_fixture *f, int servers, sms_server_list *list);
/* Free the list, stop the emulator. */
void emu_fixture_stop_listed(emu_fixture *f, sms_server_list *list);
/* The fixture's console argv followed by `extra` (NULL-terminated), written into out
 * (cap entries, at least 24 leaves room for a few options); returns out. */
const char **emu_fixture_argv_with(const emu_fixture *f, const char *const extra[], const char *out[], size_t cap);
/* An admin client for the fixture (free with sms_client_free). */
sms_client *emu_fixture_client(const emu_fixture *f);
/* Register one more Linux server with the given (raw JSON-escaped) name and ip. 0 ok. */
int emu_fixture_register(const emu_fixture *f, const char *json_name, const char *ip);

/* A counter of GET /emulator/stats ("iam_requests", ...), read with AK/SK so that
 * reading it adds no login; -1 on failure. */
long emu_fixture_stat(const emu_fixture *f, const char *key);

/* One call as admin, also for the agent-side API (body may be NULL). 0 ok. */
int emu_fixture_call(const emu_fixture *f, const char *method, const char *path, const char *body);
int emu_fixture_post(const emu_fixture *f, const char *path, const char *body);
/* Configure a target for a server (POST /v3/tasks); started at once with auto_start. 0 ok. */
int emu_fixture_create_task(const emu_fixture *f, const char *server_id, bool auto_start);

#endif

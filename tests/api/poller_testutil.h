/* poller_testutil.h - helpers for the poller, history and dump tests (tests/api/):
 * an in-process emulator, client options for its identities, and waiting for a
 * snapshot that satisfies a predicate (with a deadline, never a fixed sleep). */
#ifndef SMS_TEST_POLLER_TESTUTIL_H
#define SMS_TEST_POLLER_TESTUTIL_H

#include <stdbool.h>
#include <stdint.h>
#include "api/client.h"
#include "api/poller.h"
#include "emulator/emulator.h"

#define PT_WAIT_MS 15000            /* generous deadline for anything to show up */

/* Emulator on 127.0.0.1:0, quiet; no_agents keeps the fleet still. Fails the test on error. */
smsemu *pt_emu_start(int servers, bool no_agents);
/* Client options for a built-in identity ("admin", "operator", "viewer"): password login,
 * no audit file, no read retries (failures show at once), short timeouts. */
sms_client_opts pt_client_opts(const smsemu *e, const char *user);
sms_client *pt_client(const smsemu *e, const char *user);
sms_poller_opts pt_poller_opts(const smsemu *e, const char *user);

typedef bool (*pt_pred)(const sms_snapshot *s, const void *arg);
/* The first snapshot (taken through the wake fd) for which pred holds, or NULL when the
 * deadline passes. Snapshots that do not match are released. */
sms_snapshot *pt_wait(sms_poller *p, pt_pred pred, const void *arg, int timeout_ms);
bool pt_has_fleet(const sms_snapshot *s, const void *arg);

int64_t pt_mono_ms(void);
/* Ids of the emulator's servers, in list order (n filled). Free with pt_free_ids. */
char **pt_server_ids(const smsemu *e, size_t *n);
void pt_free_ids(char **ids, size_t n);
/* Configure the target of a server (POST /v3/tasks, as admin): task READY. Returns its id. */
char *pt_create_task(const smsemu *e, const char *server_id);
/* History entry by id in a snapshot, or NULL. */
const sms_history_entry *pt_entry(const sms_snapshot *s, uint64_t id);
/* How many requests matched a fault rule with this spec (GET /emulator/faults); -1 unknown. */
long pt_fault_matches(const smsemu *e, const char *spec);
/* POST an emulator control path ("/emulator/server?id=...&state=replicate"); fails the
 * test unless it answers 2xx. */
void pt_emu_post(const smsemu *e, const char *path);
/* A number of GET /emulator/stats ("list_requests", ...); -1 when unreadable. */
long pt_emu_stat(const smsemu *e, const char *key);
/* Index of the server with this id in a fleet, or -1. */
long pt_fleet_index(const sms_fleet *f, const char *id);
/* A fresh private folder under /tmp, and removing it. */
void pt_tmpdir(char *buf, size_t len);
void pt_rmtree(const char *path);

#endif

/* taskrules.c - the table of taskrules.h. */
#include "model/taskrules.h"

#include <stdio.h>
#include <string.h>

static const char *const ready_or_paused[] = { "READY", "ABORT", NULL };
static const char *const running[] = { "RUNNING", "SYNCING", NULL };
static const char *const running_only[] = { "RUNNING", NULL };
static const char *const failed[] = { "MIGRATE_FAIL", NULL };
static const char *const finished[] = { "MIGRATE_SUCCESS", "SYNC_SUCCESS", NULL };
static const char *const busy[] = { "RUNNING", "ABORTING", "SYNCING", "SKIPPING", NULL };
/* premiged: a finished migration drill leaves the task in continuous sync (inferred) */
static const char *const continuous_sync[] = { "syncing", "premiged", NULL };

static const sms_state_rule rules[] = {
    { "start", true, ready_or_paused, NULL, NULL, false, false, "only when the task is ready or paused" },
    { "stop", true, running, NULL, NULL, false, false, "only while the task is running" },
    { "restart", true, failed, NULL, NULL, false, false, "only after the migration failed" },
    { "test", true, NULL, NULL, continuous_sync, false, false, "only in continuous sync" },
    { "clone_test", true, NULL, NULL, continuous_sync, false, false, "only in continuous sync" },
    { "migration_test", true, NULL, NULL, continuous_sync, false, false, "only in continuous sync" },
    { "network_check", true, NULL, NULL, NULL, true, false, "only while the agent is connected" },
    { "skip", true, running_only, NULL, NULL, false, false, "only while the task is running" },
    { "clear", true, finished, NULL, NULL, false, false, "only on a finished migration" },
    { "upload_log", true, NULL, NULL, NULL, true, false, "only while the agent is connected" },
    { "speed_limit", true, NULL, NULL, NULL, true, false, "only while the agent is connected" },
    { "delete_task", true, NULL, busy, NULL, false, true,
      "not while the task runs or stops, unless the agent is disconnected" },
    { "delete_server", false, NULL, NULL, NULL, false, false, "" },
    { "export", true, NULL, NULL, NULL, false, false, "only for a server with a task" },
};

const sms_state_rule *sms_state_rules(size_t *n)
{
    *n = sizeof rules / sizeof rules[0];
    return rules;
}

const sms_state_rule *sms_state_rule_find(const char *request)
{
    for (size_t i = 0; request && i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i].request, request) == 0)
            return &rules[i];
    return NULL;
}

static bool listed(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (s && strcmp(*list, s) == 0)
            return true;
    return false;
}

const char *sms_state_rule_refusal(const sms_state_rule *r, const sms_state_facts *f, char *buf,
                                   size_t len)
{
    if (!r || !f)
        return NULL;
    const char *ts = f->task_state ? f->task_state : "unknown";
    const char *ss = f->server_state ? f->server_state : "unknown";
    if (r->needs_task && !f->has_task)
        snprintf(buf, len, "the server has no migration task: configure its target first");
    else if (r->needs_connected && !f->connected)
        snprintf(buf, len, "%s (the agent is disconnected)", r->when);
    else if (r->task_states && !listed(r->task_states, f->task_state))
        snprintf(buf, len, "%s (task is %s)", r->when, ts);
    else if (r->task_states_not && listed(r->task_states_not, f->task_state) &&
             !(r->disconnected_lifts && !f->connected))
        snprintf(buf, len, "%s (task is %s)", r->when, ts);
    else if (r->server_states && !listed(r->server_states, f->server_state))
        snprintf(buf, len, "%s (server is %s)", r->when, ss);
    else
        return NULL;
    return buf;
}

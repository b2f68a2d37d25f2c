/* taskrules.h - when the API allows each operator request: one table of allowed task
 * and server states, used by the console to offer an action only where it can succeed
 * (and say why not), and by the emulator's state machine to refuse the rest.
 *
 * Sources (docs/api.md, "When each request is allowed"): the task-state rules of the
 * API reference and user guide (start: ready or paused; stop: running; restart: failed;
 * launch and clone only in continuous sync; clear on a finished migration; delete not
 * while running unless the agent is gone; rate limit only while the source is
 * connected). Rules the documents do not state are marked "inferred" there. */
#ifndef SMS_MODEL_TASKRULES_H
#define SMS_MODEL_TASKRULES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sms_state_rule {
    const char *request;                /* official operation value, or a request name */
    bool needs_task;                    /* the server must have a migration task */
    const char *const *task_states;     /* allowed task states (NULL = any) */
    const char *const *task_states_not; /* forbidden task states (NULL = none) */
    const char *const *server_states;   /* allowed server states (NULL = any) */
    bool needs_connected;               /* the agent must be connected */
    bool disconnected_lifts;            /* task_states_not does not apply when disconnected */
    const char *when;                   /* "when the task is ready or paused" */
} sms_state_rule;

/* What the rule looks at, taken from a server record (list item or detail). */
typedef struct sms_state_facts {
    bool has_task;
    const char *task_state, *server_state;
    bool connected;
} sms_state_facts;

/* The rule for a request name ("start", "stop", ..., "upload_log", "speed_limit",
 * "delete_task", "delete_server", "export"), or NULL. */
const sms_state_rule *sms_state_rule_find(const char *request);
/* NULL when the rule allows the request, else why not (written to buf), e.g.
 * "only when the task is ready or paused (task is RUNNING)". */
const char *sms_state_rule_refusal(const sms_state_rule *r, const sms_state_facts *f, char *buf,
                                   size_t len);
/* Every rule, for tests and docs. */
const sms_state_rule *sms_state_rules(size_t *n);

#endif

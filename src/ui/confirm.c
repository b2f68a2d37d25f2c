/* confirm.c - the confirmation dialog in front of every mutating action, and the
 * hand-over of a confirmed action to the poller's action worker.
 *
 * Cancel is the default: only `y` confirms a yes/no question; a typed confirmation
 * (DELETE) must match the server name, or the number of servers when several are
 * targeted, exactly. */
#include "ui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_CTRL(c) ((c) & 0x1f)

void sms_pending_free(sms_pending_action *pa)
{
    for (size_t i = 0; i < pa->n; i++) {
        free(pa->ids ? pa->ids[i] : NULL);
        free(pa->names ? pa->names[i] : NULL);
    }
    free(pa->ids);
    free(pa->names);
    free(pa->arg);
    memset(pa, 0, sizeof *pa);
}

/* "web-01" or "3 servers (web-01, web-02, db-01, ...)" */
static void describe_targets(const sms_pending_action *pa, char *buf, size_t len)
{
    size_t at = pa->n == 1 ? (size_t)snprintf(buf, len, "%s", pa->names[0])
                           : (size_t)snprintf(buf, len, "%zu servers (", pa->n);
    for (size_t i = 0; pa->n > 1 && i < pa->n && at < len; i++) {
        if (i == 3) {
            at += (size_t)snprintf(buf + at, len - at, ", ...");
            break;
        }
        at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "", pa->names[i]);
    }
    if (pa->n > 1 && at < len)
        snprintf(buf + at, len - at, ")");
}

/* The line under the question about targets the operator cannot see: marked servers
 * the filter hides, marks of servers no longer listed. "" when there are none. */
static void describe_unseen(const sms_pending_action *pa, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    if (pa->hidden)
        at = (size_t)snprintf(buf, len, "%zu of the %zu hidden by the filter.", pa->hidden, pa->n);
    if (pa->missing && at < len)
        snprintf(buf + at, len - at, "%s%zu marked no longer listed: skipped.", at ? " " : "", pa->missing);
}

/* Each mutating action of the table: the request kind it submits and the question. */
static const struct {
    sms_action_id act;
    sms_action_kind kind;
    const char *verb;
} requests[] = {
    { SMS_A_START, SMS_ACT_START, "Start the migration of" },
    { SMS_A_STOP, SMS_ACT_STOP, "Stop (pause) the migration of" },
    { SMS_A_RESTART, SMS_ACT_RESTART, "Restart (from the beginning) the failed migration of" },
    { SMS_A_LAUNCH, SMS_ACT_LAUNCH, "Launch the target server of" },
    { SMS_A_CLONE_TEST, SMS_ACT_CLONE_TEST, "Clone the target server of" },
    { SMS_A_MIGRATION_TEST, SMS_ACT_MIGRATION_TEST, "Start a migration drill of" },
    { SMS_A_NETWORK_CHECK, SMS_ACT_NETWORK_CHECK, "Check the network of" },
    { SMS_A_SKIP, SMS_ACT_SKIP, "Skip the consistency check of" },
    { SMS_A_CLEAR, SMS_ACT_CLEAR, "Clear the snapshots of" },
    { SMS_A_UPLOAD_LOG, SMS_ACT_UPLOAD_LOG, "Collect the agent logs of" },
    { SMS_A_SPEED_LIMIT, SMS_ACT_SPEED_LIMIT, "Set the speed limit of" },
    { SMS_A_EXPORT, SMS_ACT_EXPORT, "Export the consistency results of" },
    { SMS_A_DELETE_TASK, SMS_ACT_DELETE_TASK, "DELETE the migration task of" },
    { SMS_A_DELETE, SMS_ACT_DELETE, "DELETE the source server record of" },
};

bool sms_action_request_kind(sms_action_id act, sms_action_kind *kind)
{
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++)
        if (requests[i].act == act) {
            *kind = requests[i].kind;
            return true;
        }
    return false;
}

static const char *action_verb(sms_action_id act)
{
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++)
        if (requests[i].act == act)
            return requests[i].verb;
    return sms_actions[act].name;
}

void sms_confirm_open(sms_app *a, sms_pending_action *pa)
{
    sms_confirm *c = &a->confirm;
    char targets[300];
    sms_pending_free(&c->pending);
    memset(c, 0, sizeof *c);
    c->pending = *pa;
    memset(pa, 0, sizeof *pa);
    c->kind = sms_actions[c->pending.act].confirm;
    if (c->kind == SMS_CONFIRM_NONE) {
        sms_app_submit(a, &c->pending);
        return;
    }
    describe_targets(&c->pending, targets, sizeof targets);
    describe_unseen(&c->pending, c->note, sizeof c->note);
    snprintf(c->question, sizeof c->question, "%s %s%s%s?", action_verb(c->pending.act), targets,
             c->pending.arg ? ": " : "", c->pending.arg ? c->pending.arg : "");
    if (c->kind == SMS_CONFIRM_TYPED) {
        if (c->pending.n == 1)
            snprintf(c->expect, sizeof c->expect, "%s", c->pending.names[0]);
        else
            snprintf(c->expect, sizeof c->expect, "%zu", c->pending.n);
    }
    c->active = true;
    a->dirty = true;
}

static void confirm_close(sms_app *a, bool accept)
{
    sms_confirm *c = &a->confirm;
    c->active = false;
    a->dirty = true;
    if (accept)
        sms_app_submit(a, &c->pending);
    else
        sms_app_message(a, false, "%s cancelled: nothing was sent", sms_actions[c->pending.act].name);
    sms_pending_free(&c->pending);
}

static bool typed_key(sms_app *a, int key)
{
    sms_confirm *c = &a->confirm;
    if (key == '\n' || key == '\r' || key == KEY_ENTER) {
        if (strcmp(c->typed, c->expect) == 0) {
            confirm_close(a, true);
        } else {
            sms_action_id act = c->pending.act;     /* the close frees the pending action */
            confirm_close(a, false);
            sms_app_message(a, true, "%s cancelled: \"%s\" does not match", sms_actions[act].name,
                            c->typed);
        }
    } else if (key == KEY_BACKSPACE || key == 0x7F || key == KEY_CTRL('h')) {
        if (c->len)
            c->typed[--c->len] = '\0';
    } else if (key >= 0x20 && key < 0x100 && key != 0x7F && c->len + 1 < sizeof c->typed) {
        c->typed[c->len++] = (char)key;
        c->typed[c->len] = '\0';
    }
    return true;
}

bool sms_confirm_key(sms_app *a, int key)
{
    sms_confirm *c = &a->confirm;
    if (!c->active)
        return false;
    a->dirty = true;
    if (key == 27 || key == KEY_CTRL('c') || key == KEY_CTRL('g')) {
        confirm_close(a, false);
        return true;
    }
    if (c->kind == SMS_CONFIRM_TYPED)
        return typed_key(a, key);
    if (key == 'y' || key == 'Y')
        confirm_close(a, true);
    else if (key == 'n' || key == 'N' || key == 'q' || key == '\n' || key == '\r' || key == KEY_ENTER)
        confirm_close(a, false);
    return true;                        /* everything else is swallowed while asking */
}

/* Word-wrap text into the dialog; returns the next row. */
static int draw_wrapped(sms_app *a, WINDOW *w, int y, int x, int width, const char *text, attr_t attr)
{
    while (*text) {
        int used;
        size_t n = sms_text_fit(text, width, a->sym->utf8, &used);
        if (text[n]) {                  /* break at the last space when there is one */
            size_t cut = n;
            while (cut > 0 && text[cut] != ' ')
                cut--;
            if (cut > 0)
                n = cut;
        }
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)n, text);
        sms_draw_text(w, y++, x, width, line, attr, a->sym, false);
        text += n;
        while (*text == ' ')
            text++;
    }
    return y;
}

void sms_confirm_draw(sms_app *a, int rows, int cols)
{
    const sms_confirm *c = &a->confirm;
    if (!c->active)
        return;
    int width = cols - 4 < 70 ? cols - 4 : 70, height = c->note[0] ? 10 : 8;
    if (width < 20 || rows < height)
        return;
    attr_t attr = sms_role_attr(SMS_ROLE_DIALOG);
    WINDOW *w = sms_dialog_new(height, width, (rows - height) / 2, (cols - width) / 2, attr);
    if (!w)
        return;
    sms_draw_fmt(w, 0, 2, width - 4, attr | A_BOLD, a->sym, " Confirm %s ", sms_actions[c->pending.act].name);
    int y = draw_wrapped(a, w, 2, 2, width - 4, c->question, attr);
    if (c->note[0])
        y = draw_wrapped(a, w, y, 2, width - 4, c->note, attr | A_BOLD);
    y = y < height - 3 ? y + 1 : y;
    if (c->kind == SMS_CONFIRM_TYPED) {
        sms_draw_fmt(w, y, 2, width - 4, attr, a->sym, "Type %s to confirm, Esc to cancel:",
                     c->pending.n == 1 ? "the server name" : "the number of servers");
        sms_draw_text(w, y + 1 < height - 1 ? y + 1 : y, 2, width - 4, c->typed, attr | A_BOLD, a->sym, false);
    } else {
        sms_draw_text(w, y, 2, width - 4, "y = yes, n/Esc = no (default: no)", attr, a->sym, false);
    }
    wnoutrefresh(w);
    delwin(w);
}

/* "MBIT [HH:MM-HH:MM] [THRESHOLD%]" -> one limit; the whole day when no window is given.
 * NULL when valid, else what is wrong. */
static const char *parse_speed(const char *arg, sms_speed_limit *l, char start[6], char end[6])
{
    int speed, n = 0;
    unsigned h1 = 0, m1 = 0, h2 = 23, m2 = 59;
    if (!arg || sscanf(arg, "%d%n", &speed, &n) != 1 || speed < 0 || speed > 1000)
        return "expected MBIT (1-1000) [HH:MM-HH:MM] [THRESHOLD%]";
    if (speed == 0)
        return "speed 0 would stall the migration: give 1-1000 Mbit/s (1000 lifts the limit)";
    const char *rest = arg + n;
    while (*rest == ' ')
        rest++;
    if (*rest && strchr(rest, ':')) {
        int used = 0;
        if (sscanf(rest, "%2u:%2u-%2u:%2u%n", &h1, &m1, &h2, &m2, &used) != 4 || h1 > 23 || h2 > 23 ||
            m1 > 59 || m2 > 59)
            return "the window must be HH:MM-HH:MM";
        if (h1 == h2 && m1 == m2)
            return "the window is empty: its start and end are the same minute";
        rest += used;
        while (*rest == ' ')
            rest++;
    }
    double threshold = 0;
    if (*rest) {
        char *endp;
        threshold = strtod(rest, &endp);
        if (endp == rest || (*endp && strcmp(endp, "%") != 0) || threshold < 10 || threshold > 100)
            return "the over-speed threshold is 10-100 (%), or left out";
    }
    snprintf(start, 6, "%02u:%02u", h1, m1);
    snprintf(end, 6, "%02u:%02u", h2, m2);
    *l = (sms_speed_limit){ .start = start, .end = end, .speed = speed, .over_speed_threshold = threshold };
    return NULL;
}

const char *sms_speed_arg_problem(const char *arg)
{
    sms_speed_limit l;
    char s[6], e[6];
    return parse_speed(arg, &l, s, e);
}

/* The request for a pending action, in storage that outlives it while used. */
typedef struct built_request {
    sms_action_req req;
    sms_speed_limit limit; sms_speed_limits limits;
    char start[6], end[6];
} built_request;

/* false (with a message) when the action is not a request or its argument is bad. */
static bool build_request(sms_app *a, const sms_pending_action *pa, built_request *b)
{
    b->req = (sms_action_req){ .server_ids = pa->ids, .n_server_ids = pa->n, .bucket = pa->arg };
    if (!sms_action_request_kind(pa->act, &b->req.kind)) {
        sms_app_message(a, true, "%s is not a request", sms_actions[pa->act].name);
        return false;
    }
    if (pa->act == SMS_A_SPEED_LIMIT) {
        const char *problem = parse_speed(pa->arg, &b->limit, b->start, b->end);
        if (problem) {
            sms_app_message(a, true, "speed-limit: %s", problem);
            return false;
        }
        b->limits = (sms_speed_limits){ &b->limit, 1 };
        b->req.limits = &b->limits;
    }
    return true;
}

void sms_app_audit_refused(sms_app *a, const sms_pending_action *pa)
{
    built_request b;
    if (a->poller && build_request(a, pa, &b))
        sms_poller_audit_refused(a->poller, &b.req);
}

void sms_app_submit(sms_app *a, sms_pending_action *pa)
{
    built_request b;
    sms_action_req req;
    if (!build_request(a, pa, &b))
        return;
    req = b.req;
    uint64_t *ids = calloc(pa->n, sizeof *ids);
    req.entry_ids = ids;
    uint64_t id = a->poller && ids ? sms_poller_submit(a->poller, &req) : 0;
    if (!id) {
        sms_app_message(a, true, "%s could not be queued", sms_actions[pa->act].name);
        free(ids);
        return;
    }
    char label[128];
    if (pa->n == 1)
        snprintf(label, sizeof label, "%s", pa->names[0]);
    else
        snprintf(label, sizeof label, "%zu servers", pa->n);
    sms_batch_track(a, pa->act, ids, pa->n, label);
    free(ids);
    /* marks are spent by the action they chose (k9s): the next one starts from the cursor */
    if (pa->marked)
        sms_fleet_table_clear_marks(&a->table);
    sms_app_message(a, false, "%s %s: sent, waiting for the API (4 = Commands pane)%s",
                    sms_actions[pa->act].name, label, pa->marked ? "; marks cleared" : "");
}

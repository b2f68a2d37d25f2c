/* outcome.c - what became of the actions the operator sent, told truthfully.
 *
 * Every confirmed action is tracked as one batch: the history ids of its servers,
 * handed back by sms_poller_submit(). A batch is reported once, when the last of its
 * servers has an answer, with every count (accepted / refused / failed / unknown), and
 * when anything was not accepted the list of those servers opens in the panel. An
 * action on one server that fails opens its full error instead. An export is one entry
 * for all its servers, with its own counts (sms_entry_counts): reported from those. */
#include "ui/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sms_batch {
    sms_action_id act;
    uint64_t *ids; size_t n;            /* sorted */
    char *label;                        /* "web-01" or "4 servers" */
} sms_batch;

/* The api's verdicts (sms_verdict), and pending for an entry still without its answer. */
typedef enum verdict {
    V_ACCEPTED = SMS_V_ACCEPTED, V_REFUSED = SMS_V_REFUSED, V_FAILED = SMS_V_FAILED, V_UNKNOWN = SMS_V_UNKNOWN,
    V_PENDING, V__COUNT
} verdict;

/* Pending until the entry has its answer; then the api's one rule (sms_call_verdict). */
static verdict verdict_of(const sms_history_entry *e)
{
    switch (e->outcome) {
    case SMS_OUT_PENDING: return V_PENDING;
    case SMS_OUT_OK:      return V_ACCEPTED;
    case SMS_OUT_UNKNOWN: return V_UNKNOWN;
    case SMS_OUT_FAILED:  break;
    }
    return (verdict)sms_call_verdict(&e->error);
}

static const char *verdict_label(verdict v)
{
    return v == V_PENDING ? "PENDING" : sms_verdict_label((sms_verdict)v);
}

static const char *verdict_word(verdict v)
{
    static const char *const words[V__COUNT] = { [V_PENDING] = "pending", [V_ACCEPTED] = "accepted",
                                                 [V_REFUSED] = "refused", [V_FAILED] = "failed",
                                                 [V_UNKNOWN] = "with an unknown outcome" };
    return words[v];
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static void batch_free(sms_batch *b)
{
    free(b->ids);
    free(b->label);
}

void sms_batches_free(sms_app *a)
{
    for (size_t i = 0; i < a->n_batches; i++)
        batch_free(&a->batches[i]);
    free(a->batches);
    a->batches = NULL;
    a->n_batches = 0;
}

void sms_batch_track(sms_app *a, sms_action_id act, const uint64_t *ids, size_t n, const char *label)
{
    sms_batch b = { .act = act, .ids = malloc(n * sizeof *b.ids), .label = strdup(label) };
    sms_batch *grown = b.ids && b.label ? realloc(a->batches, (a->n_batches + 1) * sizeof *grown) : NULL;
    if (!grown) {
        batch_free(&b);
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (ids[i])
            b.ids[b.n++] = ids[i];
    qsort(b.ids, b.n, sizeof *b.ids, cmp_u64);
    a->batches = grown;
    a->batches[a->n_batches++] = b;
}

/* The batch's entries in the history: counts per verdict; entries[] gets the ones not
 * accepted (when given). Entries the history no longer holds count as unknown. */
static void batch_count(const sms_history *h, const sms_batch *b, size_t counts[V__COUNT],
                        const sms_history_entry **bad, size_t *n_bad)
{
    size_t found = 0;
    memset(counts, 0, V__COUNT * sizeof *counts);
    if (n_bad)
        *n_bad = 0;
    for (size_t i = 0; h && i < h->n_entries; i++) {
        const sms_history_entry *e = &h->entries[i];
        if (!bsearch(&e->id, b->ids, b->n, sizeof *b->ids, cmp_u64))
            continue;
        verdict v = verdict_of(e);
        counts[v]++;
        found++;
        if (bad && v != V_ACCEPTED && v != V_PENDING)
            bad[(*n_bad)++] = e;
    }
    /* none yet: the snapshot predates the submission (all are added at once) */
    counts[found ? V_UNKNOWN : V_PENDING] += b->n - found;
}

size_t sms_app_in_flight(const sms_app *a)
{
    size_t pending = 0;
    const sms_history *h = a->snap ? a->snap->history : NULL;
    for (size_t i = 0; h && i < h->n_entries; i++)
        pending += h->entries[i].outcome == SMS_OUT_PENDING;
    return pending;
}

/* One line per server that was not accepted, then the first one's full error. */
static char *failure_list(const sms_history_entry *const *bad, size_t n)
{
    size_t cap = 256 + n * 320, at = 0;
    char *text = malloc(cap);
    if (!text)
        return NULL;
    text[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const sms_history_entry *e = bad[i];
        char summary[240];
        sms_call_error_summary(&e->error, summary, sizeof summary);
        int w = snprintf(text + at, cap - at, "%s  %s  %s\n", e->server_name ? e->server_name :
                         e->server_id ? e->server_id : "?", verdict_label(verdict_of(e)), summary);
        if (w < 0 || (size_t)w >= cap - at)
            break;
        at += (size_t)w;
    }
    if (at)
        text[at - 1] = '\0';
    return text;
}

/* The batch's one entry when the action was recorded as one entry with its counts
 * (export), else NULL. */
static const sms_history_entry *counted_entry(const sms_history *h, const sms_batch *b)
{
    for (size_t i = 0; h && b->n == 1 && i < h->n_entries; i++)
        if (h->entries[i].id == b->ids[0])
            return h->entries[i].has_counts ? &h->entries[i] : NULL;
    return NULL;
}

/* Its counts and files (state_after says them), and the servers not accepted. */
static void report_counted(sms_app *a, const sms_batch *b, const sms_history_entry *e)
{
    const sms_entry_counts *c = &e->counts;
    const char *name = sms_actions[b->act].name;
    bool all = c->accepted == c->servers;
    char summary[200] = "";
    if (!e->state_after)                    /* not run: the error says why */
        sms_call_error_summary(&e->error, summary, sizeof summary);
    sms_app_message(a, !all, "%s on %s: %s%s", name, b->label, e->state_after ? e->state_after : "", summary);
    if (all)
        return;
    char title[160];
    snprintf(title, sizeof title, "%s on %s: %u of %u not accepted", name, b->label, c->servers - c->accepted,
             c->servers);
    if (e->detail)
        sms_error_panel_open_text(a, title, e->detail);
    else
        sms_error_panel_open_entry(a, e);
}

static void report(sms_app *a, const sms_batch *b)
{
    const sms_history *h = a->snap->history;
    size_t c[V__COUNT], n_bad = 0;
    const sms_history_entry **bad = calloc(b->n ? b->n : 1, sizeof *bad);
    batch_count(h, b, c, bad, &n_bad);
    const char *name = sms_actions[b->act].name;
    const sms_history_entry *counted = counted_entry(h, b);
    if (counted) {
        report_counted(a, b, counted);
    } else if (b->n == 1 && c[V_ACCEPTED] == 1) {
        sms_app_message(a, false, "1 action accepted by the API (%s %s)", name, b->label);
    } else if (b->n == 1 && n_bad == 1) {
        sms_error_panel_open_entry(a, bad[0]);
        char summary[200];
        sms_call_error_summary(&bad[0]->error, summary, sizeof summary);
        sms_app_message(a, true, "1 action %s (%s %s): %s (e: details)", verdict_word(verdict_of(bad[0])), name,
                        b->label, summary);
    } else {
        sms_app_message(a, n_bad > 0 || c[V_UNKNOWN] > 0, "%s on %s: %zu accepted, %zu refused, %zu failed, %zu unknown",
                        name, b->label, c[V_ACCEPTED], c[V_REFUSED], c[V_FAILED], c[V_UNKNOWN]);
        char *list = n_bad ? failure_list(bad, n_bad) : NULL;
        if (list) {
            char title[160];
            snprintf(title, sizeof title, "%s on %s: %zu of %zu not accepted", name, b->label, n_bad, b->n);
            sms_error_panel_open_text(a, title, list);
        }
        free(list);
    }
    free(bad);
}

void sms_batch_check(sms_app *a)
{
    const sms_history *h = a->snap ? a->snap->history : NULL;
    size_t kept = 0;
    for (size_t i = 0; i < a->n_batches; i++) {
        sms_batch *b = &a->batches[i];
        size_t c[V__COUNT];
        batch_count(h, b, c, NULL, NULL);
        if (!h || c[V_PENDING]) {
            a->batches[kept++] = *b;
            continue;
        }
        report(a, b);
        batch_free(b);
    }
    a->n_batches = kept;
}

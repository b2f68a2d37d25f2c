/* view_error.c - the inline error panel: everything the API said about a failure.
 *
 * sms_error_text() is the single list of what is shown (one line per field, unwrapped);
 * the panel wraps those lines to its width, scrolls them, and `y` copies the encoded
 * authorization message (what the operator decodes with IAM) or, when there is none,
 * the whole text, to the operator's own clipboard over OSC 52. */
#include "ui/app.h"
#include "ui/panes.h"
#include "model/enums.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the text -------------------------------------------------------------- */

typedef struct text_buf { char *s; size_t len, cap; bool failed; } text_buf;

/* Append one formatted line (our own format; server text only ever goes in as %s). */
static void add_line(text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_line(text_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0 || b->failed)
        return;
    if (b->len + (size_t)need + 2 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 256) + (size_t)need + 2;
        char *s = realloc(b->s, cap);
        if (!s) { b->failed = true; return; }
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)need;
    b->s[b->len++] = '\n';
    b->s[b->len] = '\0';
}

static const char *http_reason(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default:  return "";
    }
}

static void add_kind_line(text_buf *b, const sms_call_error *e)
{
    switch (e->kind) {
    case SMS_E_NONE:      add_line(b, "No error"); break;
    case SMS_E_HTTP:      add_line(b, "HTTP status: %d %s", e->http_status, http_reason(e->http_status)); break;
    case SMS_E_TRANSPORT: add_line(b, "Transport error (curl code %ld): no usable answer from the server", e->curl_code); break;
    case SMS_E_DECODE:    add_line(b, "Bad response: HTTP %d with a body that could not be used", e->http_status); break;
    case SMS_E_AUTH:      add_line(b, "Login failed%s", e->http_status ? "" : " (no answer from IAM)"); break;
    case SMS_E_READONLY:  add_line(b, "Refused locally: read-only mode; nothing was sent"); break;
    case SMS_E_CANCELLED: add_line(b, "Cancelled"); break;
    case SMS_E_INVALID:   add_line(b, "Invalid request; nothing was sent"); break;
    }
    if (e->kind == SMS_E_AUTH && e->http_status)
        add_line(b, "HTTP status: %d %s", e->http_status, http_reason(e->http_status));
}

/* "SMS.9004 (No permission ...)" or the bare code when the table does not know it. */
static void add_code_line(text_buf *b, const char *label, const char *code, const char *msg)
{
    const sms_error_code_info *info = sms_error_code_lookup(code);
    if (msg)
        add_line(b, "%s: %s: %s", label, code, msg);
    else if (info)
        add_line(b, "%s: %s (%s)", label, code, info->meaning);
    else
        add_line(b, "%s: %s", label, code);
}

static void add_api_lines(text_buf *b, const sms_api_error *api)
{
    if (api->error_code)
        add_code_line(b, "error_code", api->error_code, NULL);
    if (api->error_msg)
        add_line(b, "error_msg: %s", api->error_msg);
    for (size_t i = 0; i < api->n_error_param; i++)
        add_line(b, "error_param[%zu]: %s", i, api->error_param[i] ? api->error_param[i] : "");
    for (size_t i = 0; i < api->n_details; i++) {
        const sms_error_detail *d = &api->details[i];
        char label[32];
        snprintf(label, sizeof label, "details[%zu]", i);
        if (d->error_code)
            add_code_line(b, label, d->error_code, d->error_msg ? d->error_msg : "");
        else
            add_line(b, "%s: %s", label, d->error_msg ? d->error_msg : "");
    }
}

char *sms_error_text(const sms_call_error *e)
{
    text_buf b = { 0 };
    if (!e)
        return strdup("");
    add_kind_line(&b, e);
    add_api_lines(&b, &e->api);
    const char *rid = e->request_id ? e->request_id : e->api.request_id;
    if (rid)
        add_line(&b, "request_id: %s", rid);
    if (e->api.encoded_authorization_message)
        add_line(&b, "encoded_authorization_message: %s", e->api.encoded_authorization_message);
    if (e->message && !(e->api.error_msg && strcmp(e->message, e->api.error_msg) == 0))
        add_line(&b, "message: %s", e->message);
    if (e->outcome_unknown)
        add_line(&b, "outcome: UNKNOWN: the request may have been applied; check the task state");
    if (e->attempts > 1)
        add_line(&b, "attempts: %d", e->attempts);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    if (b.len)
        b.s[--b.len] = '\0';             /* no trailing newline */
    return b.s ? b.s : strdup("");
}

/* ---- wrapping ---------------------------------------------------------------- */

void sms_lines_free(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

static int push_line(char ***lines, size_t *n, int indent, const char *s, size_t len)
{
    char **grown = realloc(*lines, (*n + 1) * sizeof **lines);
    if (!grown)
        return -1;
    *lines = grown;
    char *line = malloc((size_t)indent + len + 1);
    if (!line)
        return -1;
    memset(line, ' ', (size_t)indent);
    memcpy(line + indent, s, len);
    line[indent + len] = '\0';
    grown[(*n)++] = line;
    return 0;
}

/* Bytes of s to put on a line of `room` columns: the fitting prefix, pulled back to
 * just after the last space when that space is in the second half of the line. */
static size_t wrap_cut(const char *s, int room, bool utf8)
{
    unsigned cp;
    if (!*s)
        return 0;
    size_t fit = sms_text_fit(s, room, utf8, NULL);
    if (fit == 0)
        return sms_utf8_decode(s, &cp);     /* always make progress */
    if (!s[fit])
        return fit;
    for (size_t i = fit; i > fit / 2; i--)
        if (s[i - 1] == ' ')
            return i;
    return fit;
}

int sms_wrap_append(char ***lines, size_t *n, const char *text, int width, int indent, bool utf8)
{
    const char *s = text ? text : "";
    if (width < 1)
        width = 1;
    if (width - indent < 4)             /* no room for an indent */
        indent = 0;
    bool first = true;
    do {
        int room = first ? width : width - indent;
        size_t cut = wrap_cut(s, room, utf8);
        if (push_line(lines, n, first ? 0 : indent, s, cut) < 0)
            return -1;
        s += cut;
        first = false;
    } while (*s);
    return 0;
}

/* ---- the panel ----------------------------------------------------------------- */

static void panel_clear_lines(sms_error_panel *p)
{
    sms_lines_free(p->lines, p->n_lines);
    p->lines = NULL;
    p->n_lines = 0;
    p->built_width = 0;
}

void sms_error_panel_close(sms_app *a)
{
    sms_error_panel *p = &a->errp;
    panel_clear_lines(p);
    sms_call_error_free(&p->err);
    memset(&p->err, 0, sizeof p->err);
    free(p->copy_text);
    p->copy_text = NULL;
    free(p->text);
    p->text = NULL;
    p->open = false;
    p->scroll = 0;
    p->title[0] = '\0';
    a->dirty = true;
}

void sms_error_panel_open(sms_app *a, const char *title, const sms_call_error *e)
{
    sms_error_panel *p = &a->errp;
    if (p->open)
        sms_error_panel_close(a);
    if (!e)
        return;
    if (sms_call_error_copy(&p->err, e) < 0) {
        sms_app_message(a, true, "out of memory showing the error");
        return;
    }
    snprintf(p->title, sizeof p->title, "%s", title ? title : "Error");
    const char *eam = e->api.encoded_authorization_message;
    p->copy_text = (eam && *eam) ? strdup(eam) : sms_error_text(e);
    p->open = true;
    p->scroll = 0;
    a->dirty = true;
}

void sms_error_panel_open_text(sms_app *a, const char *title, const char *text)
{
    sms_error_panel *p = &a->errp;
    if (p->open)
        sms_error_panel_close(a);
    p->text = strdup(text ? text : "");
    p->copy_text = strdup(text ? text : "");
    if (!p->text || !p->copy_text) {
        sms_error_panel_close(a);
        sms_app_message(a, true, "out of memory showing the list");
        return;
    }
    snprintf(p->title, sizeof p->title, "%s", title ? title : "");
    p->open = true;
    p->scroll = 0;
    a->dirty = true;
}

void sms_error_panel_open_entry(sms_app *a, const sms_history_entry *e)
{
    const char *server = e->server_name ? e->server_name : (e->server_id ? e->server_id : "");
    char title[256];
    snprintf(title, sizeof title, "%s %s: %s", sms_action_name(e->action), server, sms_outcome_label(e->outcome));
    char *error = e->detail ? sms_error_text(&e->error) : NULL;
    char *text = NULL;
    /* an export: the servers not accepted, then the first error in full */
    if (error && asprintf(&text, "%s\n\n%s", e->detail, error) >= 0) {
        sms_error_panel_open_text(a, title, text);
        free(text);
    } else {
        sms_error_panel_open(a, title, &e->error);
    }
    free(error);
}

/* (Re)wrap the text to the panel's inner width; false when out of memory. */
static bool panel_layout(sms_app *a, int width)
{
    sms_error_panel *p = &a->errp;
    if (p->lines && p->built_width == width)
        return true;
    panel_clear_lines(p);
    char *text = p->text ? strdup(p->text) : sms_error_text(&p->err);
    if (!text)
        return false;
    char *save = NULL;
    bool ok = true;
    for (char *line = strtok_r(text, "\n", &save); line && ok; line = strtok_r(NULL, "\n", &save))
        ok = sms_wrap_append(&p->lines, &p->n_lines, line, width, 2, a->sym->utf8) == 0;
    free(text);
    p->built_width = width;
    return ok;
}

static void panel_copy(sms_app *a)
{
    sms_error_panel *p = &a->errp;
    if (!p->copy_text || !*p->copy_text) {
        sms_app_message(a, true, "nothing to copy");
        return;
    }
    bool eam = p->err.api.encoded_authorization_message && *p->err.api.encoded_authorization_message;
    if (sms_app_copy(a, p->copy_text) < 0)
        sms_app_message(a, true, "copy failed: the terminal could not be written");
    else
        sms_app_message(a, false, "copied %s (%zu bytes) to the clipboard (OSC 52)",
                        eam ? "encoded_authorization_message" : p->text ? "the text" : "the error",
                        strlen(p->copy_text));
}

/* Text rows of the panel as last drawn (there is one panel, on the UI thread only). */
static size_t panel_shown_rows = 1;

static size_t panel_page(void)
{
    return panel_shown_rows > 1 ? panel_shown_rows - 1 : 1;
}

bool sms_error_panel_action(sms_app *a, sms_action_id act)
{
    sms_error_panel *p = &a->errp;
    if (!p->open)
        return false;
    size_t last = p->n_lines ? p->n_lines - 1 : 0;
    if (sms_move_target(act, p->scroll, last, panel_page(), &p->scroll)) {
        a->dirty = true;
        return true;
    }
    switch (act) {
    case SMS_A_COPY:      panel_copy(a); break;
    case SMS_A_FILTER:    sms_prompt_open(a, SMS_PROMPT_SEARCH, ""); break;   /* / searches the panel */
    case SMS_A_BACK:
    case SMS_A_ENTER:
    case SMS_A_ERRORS:    sms_error_panel_close(a); break;
    default:              return false;
    }
    a->dirty = true;
    return true;
}

bool sms_error_panel_search(sms_app *a, const char *text)
{
    sms_error_panel *p = &a->errp;
    if (!p->open || !text || !*text || !p->n_lines)
        return false;
    for (size_t k = 1; k <= p->n_lines; k++) {
        size_t i = (p->scroll + k) % p->n_lines;
        if (strcasestr(p->lines[i], text)) {
            p->scroll = i;
            a->dirty = true;
            return true;
        }
    }
    return false;
}

static void panel_frame(sms_app *a, WINDOW *w, int y, int x, int rows, int cols)
{
    attr_t border = sms_role_attr(SMS_ROLE_BORDER);
    bool u = a->sym->utf8;
    sms_draw_hline(w, y, x, cols, border, a->sym);
    sms_draw_hline(w, y + rows - 1, x, cols, border, a->sym);
    sms_draw_text(w, y, x, 1, u ? "┌" : "+", border, a->sym, false);
    sms_draw_text(w, y, x + cols - 1, 1, u ? "┐" : "+", border, a->sym, false);
    sms_draw_text(w, y + rows - 1, x, 1, u ? "└" : "+", border, a->sym, false);
    sms_draw_text(w, y + rows - 1, x + cols - 1, 1, u ? "┘" : "+", border, a->sym, false);
    for (int r = 1; r < rows - 1; r++) {
        sms_draw_text(w, y + r, x, 1, a->sym->vline, border, a->sym, false);
        sms_draw_text(w, y + r, x + 1, cols - 2, "", sms_role_attr(SMS_ROLE_NORMAL), a->sym, true);
        sms_draw_text(w, y + r, x + cols - 1, 1, a->sym->vline, border, a->sym, false);
    }
    char title[300];
    snprintf(title, sizeof title, " %s ", a->errp.title);
    sms_draw_text(w, y, x + 2, cols - 4, title, sms_role_attr(SMS_ROLE_TITLE), a->sym, false);
}

static void panel_footer(sms_app *a, WINDOW *w, int y, int x, int cols, size_t shown)
{
    sms_error_panel *p = &a->errp;
    char hint[128];
    size_t end = p->scroll + shown < p->n_lines ? p->scroll + shown : p->n_lines;
    snprintf(hint, sizeof hint, " %zu-%zu/%zu  j/k scroll  / search  y copy  Esc close ",
             p->n_lines ? p->scroll + 1 : 0, end, p->n_lines);
    int wdt = sms_text_width(hint, a->sym->utf8);
    int hx = cols - 2 - wdt > 2 ? x + cols - 2 - wdt : x + 2;
    sms_draw_text(w, y, hx, cols - (hx - x) - 1, hint, sms_role_attr(SMS_ROLE_KEY), a->sym, false);
}

void sms_error_panel_draw(sms_app *a, WINDOW *w, int y, int x, int rows, int cols)
{
    sms_error_panel *p = &a->errp;
    if (!p->open || rows < 3 || cols < 8)
        return;
    int inner = cols - 4;
    if (!panel_layout(a, inner)) {
        sms_draw_text(w, y, x, cols, "out of memory", sms_role_attr(SMS_ROLE_STATE_ERROR), a->sym, true);
        return;
    }
    size_t shown = (size_t)(rows - 2);
    panel_shown_rows = shown;
    if (p->n_lines > shown && p->scroll > p->n_lines - shown)
        p->scroll = p->n_lines - shown;
    if (p->n_lines <= shown)
        p->scroll = 0;
    panel_frame(a, w, y, x, rows, cols);
    attr_t text = sms_role_attr(SMS_ROLE_ERROR_PANEL);
    for (size_t i = 0; i < shown && p->scroll + i < p->n_lines; i++)
        sms_draw_text(w, y + 1 + (int)i, x + 2, inner, p->lines[p->scroll + i], text, a->sym, false);
    panel_footer(a, w, y + rows - 1, x, cols, shown);
}

/* describe.c - k9s's `d`: the raw JSON of the selected server and of its task, as the
 * console holds them (already sanitised by the poller: no control character or escape
 * sequence reaches the screen), in the panel: scrollable, searchable with /, copied
 * whole with y. The detail (disks, NICs, the task) when it is fetched for this server,
 * else the list item. */
#include "ui/app.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/codec.h"

/* cJSON's tabs as two spaces: the panel draws a tab as a control character. */
static char *untab(char *text)
{
    size_t tabs = 0, n = 0;
    for (const char *c = text; *c; c++, n++)
        tabs += *c == '\t';
    char *out = malloc(n + tabs + 1), *o = out;
    for (const char *c = text; out && *c; c++) {
        if (*c == '\t') {
            *o++ = ' ';
            *o++ = ' ';
        } else {
            *o++ = *c;
        }
    }
    if (out)
        *o = '\0';
    free(text);
    return out;
}

void sms_describe_open(sms_app *a)
{
    const sms_server *s = sms_fleet_table_selected(&a->table);
    const sms_detail *d = sms_app_detail(a);
    if (!s && !d) {
        sms_app_message(a, true, "describe: no server selected");
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "server", sms_encode(&SMS_T_SERVER, d ? &d->server : s));
    if (d && d->has_task)
        cJSON_AddItemToObject(o, "task", sms_encode(&SMS_T_TASK, &d->task));
    else
        cJSON_AddNullToObject(o, "task");
    char *text = untab(cJSON_Print(o));
    cJSON_Delete(o);
    if (!text) {
        sms_app_message(a, true, "describe: out of memory");
        return;
    }
    const sms_server *shown = d ? &d->server : s;
    char title[200];
    snprintf(title, sizeof title, "describe %s%s", shown->name ? shown->name : shown->id ? shown->id : "",
             d ? "" : " (list item; the detail is on its way: d again)");
    sms_error_panel_open_text(a, title, text);
    free(text);
}

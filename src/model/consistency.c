/* consistency.c - the published shapes of a consistency result, read as one. */
#include "model/codec.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

/* Items of consistency_result[] that are plain strings (the Go SDK's newest model)
 * become {"dir_check": "<text>"}, so the object shape of the other SDKs decodes both. */
static bool wrap_strings(cJSON *list)
{
    bool changed = false;
    for (cJSON *item = list ? list->child : NULL; item; item = item->next) {
        if (!cJSON_IsString(item))
            continue;
        cJSON *obj = cJSON_CreateObject();
        if (!obj || !cJSON_AddStringToObject(obj, "dir_check", item->valuestring)) {
            cJSON_Delete(obj);
            continue;
        }
        cJSON_ReplaceItemViaPointer(list, item, obj);
        item = obj;
        changed = true;
    }
    return changed;
}

/* Items of result_list[] that are strings (the Go SDK since 0.1.186, 2026-01: "result_list:
 * list<object> -> list<string>", what the text holds undocumented) become runs: a string
 * holding a JSON object is that run; any other text is a run of one directory line, so the
 * operator still sees it. */
static bool string_runs_to_objects(cJSON *runs)
{
    bool changed = false;
    for (cJSON *item = runs ? runs->child : NULL; item; item = item->next) {
        if (!cJSON_IsString(item))
            continue;
        cJSON *run = cJSON_Parse(item->valuestring);
        if (!cJSON_IsObject(run)) {
            cJSON_Delete(run);
            run = cJSON_CreateObject();
            cJSON *lines = run ? cJSON_AddArrayToObject(run, "consistency_result") : NULL;
            cJSON *line = cJSON_CreateObject();
            if (!lines || !line || !cJSON_AddStringToObject(line, "dir_check", item->valuestring)) {
                cJSON_Delete(line);
                cJSON_Delete(run);
                continue;
            }
            cJSON_AddItemToArray(lines, line);
        }
        cJSON_ReplaceItemViaPointer(runs, item, run);
        item = run;
        changed = true;
    }
    return changed;
}

char *sms_consistency_normalize(const char *body, size_t len)
{
    cJSON *j = cJSON_ParseWithLength(body, len);
    bool changed = false;
    if (cJSON_IsObject(j)) {
        changed = wrap_strings(cJSON_GetObjectItemCaseSensitive(j, "consistency_result"));
        cJSON *runs = cJSON_GetObjectItemCaseSensitive(j, "result_list");
        changed |= string_runs_to_objects(runs);
        for (cJSON *run = runs ? runs->child : NULL; run; run = run->next)
            changed |= wrap_strings(cJSON_GetObjectItemCaseSensitive(run, "consistency_result"));
    }
    char *out = changed ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    return out;
}

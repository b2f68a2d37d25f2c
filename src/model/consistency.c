/* consistency.c - the two published shapes of a consistency result, read as one. */
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

char *sms_consistency_normalize(const char *body, size_t len)
{
    cJSON *j = cJSON_ParseWithLength(body, len);
    bool changed = false;
    if (cJSON_IsObject(j)) {
        changed = wrap_strings(cJSON_GetObjectItemCaseSensitive(j, "consistency_result"));
        const cJSON *runs = cJSON_GetObjectItemCaseSensitive(j, "result_list");
        for (cJSON *run = runs ? runs->child : NULL; run; run = run->next)
            changed |= wrap_strings(cJSON_GetObjectItemCaseSensitive(run, "consistency_result"));
    }
    char *out = changed ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    return out;
}

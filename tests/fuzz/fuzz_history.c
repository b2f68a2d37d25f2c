/* fuzz_history.c - one line of the history (or audit-style JSON line): refused, or an
 * entry whose own line reads back as the same entry. */
#include "fuzz_util.h"
#include "api/history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sms_history_entry e;
    if (sms_history_entry_parse((const char *)data, size, &e) != 0)
        return 0;
    char *line = sms_history_entry_to_json(&e);
    FUZZ_CHECK(line != NULL);
    FUZZ_CHECK(strchr(line, '\n') == NULL);            /* one entry stays one line */
    sms_history_entry again;
    FUZZ_CHECK(sms_history_entry_parse(line, strlen(line), &again) == 0);
    char *line2 = sms_history_entry_to_json(&again);
    FUZZ_CHECK(line2 != NULL && strcmp(line, line2) == 0);
    free(line);
    free(line2);
    sms_history_entry_free(&e);
    sms_history_entry_free(&again);
    return 0;
}

/* enums.h - display tables for states, cycles and error codes (docs/api-model.md §4, §5.2).
 * Unknown values are never an error: lookups return NULL and the UI shows the raw text. */
#ifndef SMS_ENUMS_H
#define SMS_ENUMS_H

#include <stddef.h>

typedef enum sms_severity { SMS_SEV_IDLE, SMS_SEV_ACTIVE, SMS_SEV_OK, SMS_SEV_WARN, SMS_SEV_ERROR } sms_severity;

typedef struct sms_enum_info {
    const char *value;      /* wire value, e.g. "replicate" */
    const char *label;      /* display text, e.g. "Replicating" */
    const char *help;       /* one line of meaning */
    sms_severity severity;
} sms_enum_info;

extern const sms_enum_info sms_server_states[];      extern const size_t sms_n_server_states;   /* 19 */
extern const sms_enum_info sms_migration_cycles[];   extern const size_t sms_n_migration_cycles; /* 6, pipeline order */
extern const sms_enum_info sms_task_states[];        extern const size_t sms_n_task_states;     /* 12 */
extern const sms_enum_info sms_task_filter_states[]; extern const size_t sms_n_task_filter_states; /* 10 */

const sms_enum_info *sms_server_state_info(const char *value);    /* NULL if unknown */
const sms_enum_info *sms_migration_cycle_info(const char *value);
const sms_enum_info *sms_task_state_info(const char *value);      /* response or filter enum */
int sms_migration_cycle_index(const char *value);                 /* 0..5, -1 unknown */

typedef struct sms_error_code_info {
    const char *code;       /* "SMS.9004" */
    int http_status;        /* 400 unless the table says otherwise */
    const char *meaning;    /* human hint */
} sms_error_code_info;

extern const sms_error_code_info sms_error_codes[]; extern const size_t sms_n_error_codes;
const sms_error_code_info *sms_error_code_lookup(const char *code); /* NULL if unknown */

#endif

/* contract.h - the one machine-readable table of every request this project sends to
 * SMS v3 and IAM: method, path, query names, body keys (type, required, enum values,
 * ranges) and extra headers, each row with its official source. docs/api.md is the same
 * table in words.
 *
 * Who uses it: the client refuses to build a task action outside the official enum;
 * tests/contract/ checks every request the client can build against it; the emulator
 * validates every request it serves against it and answers anything undocumented with
 * 400 {"error_code","error_msg"}, so an invented value can never pass our own tests. */
#ifndef SMS_MODEL_CONTRACT_H
#define SMS_MODEL_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum sms_ct_kind {
    SMS_CT_STRING, SMS_CT_INT, SMS_CT_NUMBER, SMS_CT_BOOL, SMS_CT_OBJECT, SMS_CT_ARRAY,
    SMS_CT_ANY,                         /* free JSON (result_detail) or an unchecked subtree */
} sms_ct_kind;

typedef struct sms_ct_field {
    const char *key;                    /* NULL ends a field list */
    sms_ct_kind kind;
    bool required;
    const char *const *values;          /* allowed string values (NULL-terminated), or NULL */
    double min, max;                    /* number range / string length / array items; max 0 = none */
    sms_ct_kind item;                   /* SMS_CT_ARRAY: kind of the items */
    const struct sms_ct_field *fields;  /* SMS_CT_OBJECT, or array of objects: their keys */
} sms_ct_field;

typedef struct sms_ct_op {
    const char *id;                     /* the SDK's operation name, e.g. "UpdateTaskStatus" */
    const char *service;                /* "SMS" or "IAM" */
    const char *method, *path;          /* path template: "/v3/tasks/{task_id}/action" */
    const char *const *query;           /* allowed query names (NULL-terminated), or NULL */
    const sms_ct_field *body;           /* keys of the JSON object body, NULL = no body */
    const char *const *headers;         /* extra request headers it takes, or NULL */
    const char *source;                 /* official source (repository path, help page) */
} sms_ct_op;

/* Every operation of the table. */
const sms_ct_op *sms_contract_ops(size_t *n);
/* The operation for method + path (no query), or NULL when the API documents none. */
const sms_ct_op *sms_contract_match(const char *method, const char *path);
const sms_ct_op *sms_contract_by_id(const char *id);
/* Checks one request. 0 when documented; -1 with a one-line reason in err
 * ("POST /v3/tasks/{task_id}/action: body.operation: \"sync\" is not a documented value"). */
int sms_contract_check(const char *method, const char *path_and_query, const char *body,
                       size_t body_len, char *err, size_t errlen);
/* The two halves of sms_contract_check for one operation: query (no '?') and body. */
int sms_contract_check_query(const sms_ct_op *op, const char *query, char *err, size_t errlen);
int sms_contract_check_body(const sms_ct_op *op, const char *body, size_t body_len, char *err,
                            size_t errlen);
/* The official values of a body field ("UpdateTaskStatus", "operation"), or NULL. */
const char *const *sms_contract_values(const char *op_id, const char *key);
bool sms_contract_value_ok(const char *op_id, const char *key, const char *value);

#endif

/* agent.c - the calls a source-server agent makes (agent.h), for the emulator's simulated
 * fleet. The console never calls these: GET .../command hands out a command meant for an
 * agent, so it is sent once and never retried. Nothing here writes the audit log. */
#include "api/agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/client_priv.h"
#include "model/codec.h"


/* "before{id}after" for a validated id; NULL (with e set) otherwise. */
static char *agent_path(const char *before, const char *id, const char *after, sms_call_error *e)
{
    if (!sms_id_valid(id)) {
        sms_error_set(e, SMS_E_INVALID, "expected an id of 1-%d letters, digits, '-', '_' or '.'", SMS_MAX_ID_LEN);
        return NULL;
    }
    char *p = NULL;
    if (asprintf(&p, "%s%s%s", before, id, after) < 0) {
        sms_error_set(e, SMS_E_INVALID, "out of memory");
        return NULL;
    }
    return p;
}

/* Encodes body as t and sends it once (no audit: the agent is not the operator). */
static int send_body(sms_client *c, const char *method, const char *path, const sms_type *t,
                     const void *in, sms_response *out, sms_call_error *e)
{
    char *body = sms_to_json(t, in);
    if (!body) {
        sms_error_set(e, SMS_E_INVALID, "out of memory");
        return -1;
    }
    sms_response r;
    int rc = sms_request_ex(c, method, path, body, SMS_REQ_ONCE, NULL, NULL, NULL, &r, e);
    free(body);
    if (rc == 0 && out)
        *out = r;
    else
        sms_response_free(&r);
    return rc;
}

int sms_agent_register(sms_client *c, const sms_server *body, char **id_out, sms_call_error *e)
{
    sms_call_error local, *err = sms_error_begin(e, &local);
    if (id_out)
        *id_out = NULL;
    if (!body) {
        sms_error_set(err, SMS_E_INVALID, "no server");
        return sms_error_end(-1, e, &local);
    }
    sms_response r;
    int rc = send_body(c, "POST", "/v3/sources", &SMS_T_REGISTER, body, &r, err);
    if (rc == 0) {
        sms_id_ref ref = { 0 };
        rc = sms_decode_body_or_empty(&SMS_T_ID_REF, &r, &ref, err);
        if (rc == 0 && !ref.id) {
            sms_error_set(err, SMS_E_DECODE, "id: missing");
            err->http_status = r.status;
            rc = -1;
        }
        if (rc == 0 && id_out)
            *id_out = ref.id;
        else
            free(ref.id);
        sms_response_free(&r);
    }
    return sms_error_end(rc, e, &local);
}

int sms_agent_get_command(sms_client *c, const char *server_id, sms_command *out, sms_call_error *e)
{
    sms_call_error local, *err = sms_error_begin(e, &local);
    if (!out) {
        sms_error_set(err, SMS_E_INVALID, "no output");
        return sms_error_end(-1, e, &local);
    }
    memset(out, 0, sizeof *out);
    char *path = agent_path("/v3/sources/", server_id, "/command", err);
    if (!path)
        return sms_error_end(-1, e, &local);
    sms_response r;
    int rc = sms_request_ex(c, "GET", path, NULL, SMS_REQ_ONCE, NULL, NULL, NULL, &r, err);
    free(path);
    if (rc == 0) {
        rc = sms_decode_body_or_empty(&SMS_T_COMMAND, &r, out, err);
        sms_response_free(&r);
    }
    return sms_error_end(rc, e, &local);
}

/* POST/PUT before{id}after with in encoded as t; the answer is not needed. */
static int agent_send(sms_client *c, const char *method, const char *before, const char *id,
                      const char *after, const sms_type *t, const void *in, sms_call_error *e)
{
    sms_call_error local, *err = sms_error_begin(e, &local);
    if (!in) {
        sms_error_set(err, SMS_E_INVALID, "no body");
        return sms_error_end(-1, e, &local);
    }
    char *path = agent_path(before, id, after, err);
    int rc = path ? send_body(c, method, path, t, in, NULL, err) : -1;
    free(path);
    return sms_error_end(rc, e, &local);
}

int sms_agent_report_result(sms_client *c, const char *server_id, const sms_command_result *r, sms_call_error *e)
{
    return agent_send(c, "POST", "/v3/sources/", server_id, "/command_result", &SMS_T_COMMAND_RESULT, r, e);
}

int sms_agent_report_progress(sms_client *c, const char *task_id, const sms_progress *p, sms_call_error *e)
{
    return agent_send(c, "PUT", "/v3/tasks/", task_id, "/progress", &SMS_T_PROGRESS, p, e);
}

int sms_agent_post_consistency(sms_client *c, const char *task_id, const sms_consistency_results *r,
                               sms_call_error *e)
{
    return agent_send(c, "POST", "/v3/tasks/", task_id, "/consistency-result", &SMS_T_CONSISTENCY_UPLOAD, r, e);
}

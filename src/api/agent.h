/* agent.h - the calls a source-server agent makes (used by the emulator's simulated
 * fleet). The console never links these: GET .../command would take a command meant
 * for a real agent. They go through sms_request() like every other call. */
#ifndef SMS_API_AGENT_H
#define SMS_API_AGENT_H

#include "api/client.h"

int sms_agent_register(sms_client *c, const sms_server *body, char **id_out, sms_call_error *e);
int sms_agent_get_command(sms_client *c, const char *server_id, sms_command *out, sms_call_error *e);
int sms_agent_report_result(sms_client *c, const char *server_id, const sms_command_result *r, sms_call_error *e);
int sms_agent_report_progress(sms_client *c, const char *task_id, const sms_progress *p, sms_call_error *e);
int sms_agent_post_consistency(sms_client *c, const char *task_id, const sms_consistency_results *r, sms_call_error *e);

#endif

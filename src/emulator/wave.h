/* wave.h - the migration wave of the simulated fleet (internal to the emulator).
 *
 * Every agent i has a deterministic plan for a seed: which stage of a migration wave it
 * plays (left in the feasibility check, target configured but not started, replicating,
 * continuous sync, finished, failed, paused) and whether its agent is disconnected. The
 * agents (agents.c) and the wave driver (wave.c) both read the plan, so they agree
 * without sharing any mutable state: the driver creates and starts tasks through the
 * API as an operator would, the agent then executes the command it is given. */
#ifndef SMSEMU_WAVE_H
#define SMSEMU_WAVE_H

#include <stdbool.h>
#include <stdint.h>
#include "api/client.h"
#include "emulator/fleet.h"

#define SMSEMU_WAVE_MAX_RATE 150    /* requests per second of the driver, at most */

typedef enum smsemu_wave_stage {
    SMSEMU_WAVE_IDLE = 0,       /* registered only: cycle checking, state waiting */
    SMSEMU_WAVE_SETTING,        /* task created (READY), never started */
    SMSEMU_WAVE_REPLICATING,    /* started, long full replication */
    SMSEMU_WAVE_SYNCING,        /* started with syncing=true: ends in continuous sync */
    SMSEMU_WAVE_FINISHED,       /* started with syncing=false, close to the end: cutovered */
    SMSEMU_WAVE_FAILED,         /* started, the agent fails part-way (error_json) */
    SMSEMU_WAVE_PAUSED,         /* started, then stopped by the operator */
    SMSEMU_WAVE_N_STAGES
} smsemu_wave_stage;

typedef struct smsemu_wave_plan {
    smsemu_wave_stage stage;
    bool disconnected;          /* the agent registers, then never polls again */
    bool flaky_commands;        /* reports UPLOAD_LOG/RSET_LOG_ACL/SYNC as fail */
    int start_percent;          /* replication already done when the agent starts */
    int fail_percent;           /* SMSEMU_WAVE_FAILED: where it fails */
    int64_t replicate_sim_ms;   /* full replication (0..100%) in simulated time */
    double mbit_s;              /* reported migrate_speed */
    const char *fail_code;      /* SMS.0807, SMS.1351 ...; NULL unless it fails */
    const char *fail_msg;
} smsemu_wave_plan;

/* The plan of agent i for a seed (pure; any thread). */
void smsemu_wave_plan_of(uint64_t seed, int i, smsemu_wave_plan *out);
const char *smsemu_wave_stage_name(smsemu_wave_stage s);

/* The driver: one thread with its own admin client. It reads the register bodies again
 * (smsemu_fleet_body is deterministic) to build each task. ids[i] is the server id of
 * agent i (borrowed: must outlive the driver). NULL with errbuf filled on failure. */
typedef struct smsemu_wave smsemu_wave;
smsemu_wave *smsemu_wave_start(const smsemu_fleet_opts *o, const char *const *ids, int n,
                               char *errbuf, size_t errlen);
void smsemu_wave_stop(smsemu_wave *w);          /* NULL-safe; joins the thread */

/* An admin client (password login, domain/project of emulator.h) on opts->url, audit
 * off; logged in before it is returned. Implemented in agents.c. NULL + errbuf on failure. */
sms_client *smsemu_fleet_client_new(const smsemu_fleet_opts *o, const char *user_agent,
                                    char *errbuf, size_t errlen);

/* Whether a failed fleet request is worth sending again (5xx, 429, no answer).
 * Implemented in agents_work.c. */
bool smsemu_worth_retrying(const sms_call_error *e);

/* Real ms between two requests of the driver: at most SMSEMU_WAVE_MAX_RATE a second. */
int64_t smsemu_wave_spacing_ms(void);

/* Simulated time: real milliseconds for a simulated duration at opts->speed. */
int64_t smsemu_wave_real_ms(double speed, int64_t sim_ms);

#endif

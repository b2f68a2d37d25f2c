/* agents.h - internals of the simulated agents, shared by the fleet runtime (agents.c:
 * threads, request budget, registration, start/stop) and the agents' behaviour
 * (agents_work.c: what one agent does on its turn). Not part of any public API. */
#ifndef SMSEMU_AGENTS_H
#define SMSEMU_AGENTS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "api/client.h"
#include "emulator/fleet.h"
#include "emulator/monoclock.h"
#include "emulator/rollout.h"
#include "emulator/wave.h"

#define FLEET_WORKERS 4
#define FLEET_MAX_RATE 400              /* agent requests/s, whole fleet */
#define AGENT_TICK_SIM_MS 5000          /* a real agent polls about every 5 s */
#define AGENT_MIN_TICK_MS 100
#define SYNC_SIM_MS (45 * 1000)         /* an incremental sync takes ~45 s */
#define CONTINUOUS_SYNC_SIM_MS (5 * 60 * 1000)  /* report an incremental round every 5 min */
#define REGISTER_ATTEMPTS 5
#define REPORT_MAX_TRIES 20
#define OUTBOX_CAP 4

typedef enum fleet_job_kind {
    JOB_NONE = 0,
    JOB_MIGRATE,                /* full replication, START */
    JOB_SYNC,                   /* one incremental sync, SYNC or continuous sync */
} fleet_job_kind;

typedef struct fleet_outgoing {      /* a command result not yet taken by the service */
    char name[16];
    bool ok;
    int tries;
    char *detail;
} fleet_outgoing;

typedef struct fleet_agent {
    int index;
    char *id;                   /* server id given at registration */
    char *task_id;              /* task of the running job */
    char *replicated_task;      /* task whose full replication this agent completed */
    smsemu_wave_plan plan;
    smsemu_rollout_role role;   /* NORMAL unless a rollout is simulated */
    int64_t totalsize;          /* bytes to copy: the used bytes of the disks */
    bool windows;
    bool gone;                  /* deleted, or its agent is disconnected: never polls */
    bool refused;               /* the service refused its registration for good */
    int next_start_pct;         /* where the next START begins: plan, resume point, 0 */
    fleet_job_kind job;
    bool continuous;            /* JOB_SYNC rounds of a continuous-sync task */
    bool round_checked;         /* this continuous round checked the task state */
    int phase;                  /* last migration subtask reported, -1 none */
    int job_from_pct;
    int64_t job_start_ms, job_real_ms;
    int64_t next_due_ms;
    fleet_outgoing outbox[OUTBOX_CAP];
    int n_outbox;
} fleet_agent;

typedef struct fleet_worker {
    struct smsemu_fleet *fleet;
    int first, count;           /* slice of fleet->agents */
    sms_client *client;
    pthread_t thread;
    bool started;
    int64_t next_send_us;
    int64_t spacing_us;         /* between two requests of this fleet_worker */
} fleet_worker;

struct smsemu_fleet {
    smsemu_fleet_opts opts;
    char *url;
    fleet_agent *agents;
    int n;
    const char **ids;           /* ids[i] == agents[i].id, for the wave driver */
    fleet_worker workers[FLEET_WORKERS];
    int n_workers;
    int64_t tick_ms;            /* real time between two turns of one fleet_agent */
    atomic_bool stop;
    bool sync_ready;            /* lock and cond initialised */
    pthread_mutex_t lock;
    pthread_cond_t cond;        /* registration progress, and stop */
    int registering;            /* workers not done registering */
    bool reg_failed;
    char reg_err[256];
    smsemu_wave *wave;
};

/* ---- shared by the two halves ------------------------------------------------------ */

/* Real time between two requests of one of n_workers workers: together they never send
 * more than FLEET_MAX_RATE requests a second. */
int64_t smsemu_worker_spacing_us(int n_workers);
/* Waits for this worker's next request slot; false when the fleet is stopping. */
bool smsemu_worker_throttle(fleet_worker *w);
/* One turn of agent a: flush its results, poll its command, step its job. */
void smsemu_agent_turn(fleet_worker *w, fleet_agent *a, int64_t now);
void smsemu_agent_free(fleet_agent *a);               /* its strings and outbox, not a itself */

#endif

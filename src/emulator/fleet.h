/* fleet.h - the simulated agent fleet, internal to the emulator.
 *
 * The fleet talks to the emulator only over HTTP, through the project's own client
 * (api/client.h + api/agent.h), exactly as real agents and a real operator would:
 *  - each agent registers its source server with POST /v3/sources (rich, varied bodies:
 *    Linux with LVM and Btrfs, Windows with drive letters, several NICs, varied sizes),
 *    polls GET /v3/sources/{id}/command, reports every command with
 *    POST /v3/sources/{id}/command_result and progress with PUT /v3/tasks/{id}/progress;
 *  - a "wave driver" (an admin client) creates tasks and starts them so that, shortly
 *    after start, the fleet looks like a real migration wave: servers in every cycle,
 *    some replicating, some syncing, some finished, a few failed, a few disconnected.
 * Agent work is multiplexed over a few worker threads (10,000+ agents must not mean
 * 10,000 threads); the request rate is bounded so the emulator stays cheap.
 * Everything is deterministic for a given seed (apart from thread timing).
 *
 * The emulator core (emulator.c) owns the HTTP server and the store; it calls
 * smsemu_fleet_start() once the service answers and smsemu_fleet_stop() before it
 * shuts the server down. */
#ifndef SMSEMU_FLEET_H
#define SMSEMU_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model/model.h"

typedef struct smsemu_fleet_opts {
    const char *url;            /* the running emulator, "http://127.0.0.1:PORT" */
    int servers;                /* number of agents */
    uint64_t seed;
    double speed;               /* time compression (1.0 = real time) */
    bool no_agents;             /* register the servers, then stay idle */
    bool quiet;
    /* a simulated agent rollout (rollout.h) when either is set */
    int inventory_extra;        /* inventory hosts that never register */
    const char *inventory_out;  /* where to write the inventory, NULL = nowhere */
    const char *cacert;         /* CA file the agents trust (HTTPS), NULL = the system's */
} smsemu_fleet_opts;

typedef struct smsemu_fleet smsemu_fleet;

/* Registers every agent's server (returns when all are registered), then starts the
 * agent workers and the wave driver. NULL with a message in errbuf on failure. */
smsemu_fleet *smsemu_fleet_start(const smsemu_fleet_opts *o, char *errbuf, size_t errlen);
void smsemu_fleet_stop(smsemu_fleet *f);     /* NULL-safe; joins every thread */

/* Real milliseconds between two command polls of one agent: AGENT period / speed, but
 * never so short that the fleet exceeds its request budget (so it grows with the fleet:
 * ~40 s for 10,000 agents). A connectivity window shorter than this would show healthy
 * agents as disconnected. 0 for NULL. */
int64_t smsemu_fleet_poll_period_ms(const smsemu_fleet *f);

/* The register body (§3.9) of agent i for a seed: deterministic, for tests.
 * Fills *out (free with sms_free(&SMS_T_REGISTER, out)). 0 ok. */
int smsemu_fleet_body(uint64_t seed, int i, sms_server *out);

#endif

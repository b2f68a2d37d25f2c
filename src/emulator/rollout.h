/* rollout.h - a simulated agent rollout for the Agents pane (docs/agents.md): with an
 * inventory, some hosts never register (the inventory's extra hosts), some register and
 * go silent, some run an OS SMS does not support, some are registered but left out of
 * the inventory; the fleet's agent versions already mix old and new. Deterministic for a
 * seed. Internal to the emulator. */
#ifndef SMSEMU_ROLLOUT_H
#define SMSEMU_ROLLOUT_H

#include <stddef.h>
#include <stdint.h>
#include "model/model.h"

typedef enum smsemu_rollout_role {
    SMSEMU_ROLLOUT_NORMAL = 0,
    SMSEMU_ROLLOUT_SILENT,          /* registers, then its agent never polls */
    SMSEMU_ROLLOUT_OS_UNSUPPORTED,  /* registers with an OS outside SMS's list */
    SMSEMU_ROLLOUT_UNLISTED,        /* registers, but the inventory does not name it */
} smsemu_rollout_role;

/* Roles of agents 0..n-1: the agents are ranked by a hash of (seed, index); the first
 * ~6 % go silent, the next ~4 % run an unsupported OS, the next ~3 % are unlisted, at
 * least one of each once n >= 4. roles must hold n entries. */
void smsemu_rollout_roles(uint64_t seed, int n, smsemu_rollout_role *roles);
/* Apply a role to a register body (the unsupported OS). 0 ok, -1 out of memory. */
int smsemu_rollout_apply(smsemu_rollout_role role, sms_server *body);
/* Write the inventory: every agent but the unlisted ones (name,ip from its register
 * body), then `extra` hosts that never register. 0 ok; -1 with a message in err. */
int smsemu_rollout_write_inventory(const char *path, uint64_t seed, int n, const smsemu_rollout_role *roles,
                                   int extra, char *err, size_t errlen);

#endif

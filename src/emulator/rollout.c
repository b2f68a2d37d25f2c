/* rollout.c - the simulated agent rollout (rollout.h). */
#include "emulator/rollout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emulator/fleet.h"
#include "model/codec.h"

static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

typedef struct ranked { uint64_t key; int index; } ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return x->key != y->key ? (x->key < y->key ? -1 : 1) : x->index - y->index;
}

/* How many of n get a role of `percent`: at least one once the fleet has 4 agents. */
static int share(int n, int percent)
{
    int k = n * percent / 100;
    return k == 0 && n >= 4 ? 1 : k;
}

void smsemu_rollout_roles(uint64_t seed, int n, smsemu_rollout_role *roles)
{
    ranked *r = n > 0 ? malloc((size_t)n * sizeof *r) : NULL;
    for (int i = 0; i < n; i++)
        roles[i] = SMSEMU_ROLLOUT_NORMAL;
    if (!r)
        return;
    for (int i = 0; i < n; i++)
        r[i] = (ranked){ mix64(seed ^ mix64((uint64_t)(unsigned)i + 0xA6E7ull)), i };
    qsort(r, (size_t)n, sizeof *r, cmp_ranked);
    static const struct { smsemu_rollout_role role; int percent; } plan[] = {
        { SMSEMU_ROLLOUT_SILENT, 6 }, { SMSEMU_ROLLOUT_OS_UNSUPPORTED, 4 }, { SMSEMU_ROLLOUT_UNLISTED, 3 },
    };
    int k = 0;
    for (size_t p = 0; p < sizeof plan / sizeof plan[0]; p++)
        for (int m = share(n, plan[p].percent); m > 0 && k < n; m--)
            roles[r[k++].index] = plan[p].role;
    free(r);
}

int smsemu_rollout_apply(smsemu_rollout_role role, sms_server *body)
{
    if (role != SMSEMU_ROLLOUT_OS_UNSUPPORTED)
        return 0;
    bool windows = body->os_type && strcmp(body->os_type, "WINDOWS") == 0;
    char *os = strdup(windows ? "WINDOWS2003" : "CENTOS5.11");     /* both outside SMS's list */
    if (!os)
        return -1;
    free(body->os_version);
    body->os_version = os;
    return 0;
}

static int write_hosts(FILE *f, uint64_t seed, int n, const smsemu_rollout_role *roles, int extra)
{
    fprintf(f, "# smsemu rollout inventory: seed %llu, %d agents, %d hosts that never register\nname,ip\n",
            (unsigned long long)seed, n, extra);
    for (int i = 0; i < n; i++) {
        if (roles[i] == SMSEMU_ROLLOUT_UNLISTED)
            continue;
        sms_server body;
        if (smsemu_fleet_body(seed, i, &body) != 0)
            return -1;
        fprintf(f, "%s,%s\n", body.name ? body.name : "", body.ip ? body.ip : "");
        sms_free(&SMS_T_REGISTER, &body);
    }
    for (int i = 0; i < extra; i++)
        fprintf(f, "new-host-%03d,10.251.%d.%d\n", i + 1, i / 250, i % 250 + 2);
    return 0;
}

int smsemu_rollout_write_inventory(const char *path, uint64_t seed, int n, const smsemu_rollout_role *roles,
                                   int extra, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "rollout: cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = write_hosts(f, seed, n, roles, extra);
    if (fclose(f) != 0 || rc != 0) {
        snprintf(err, errlen, "rollout: cannot write %s", path);
        return -1;
    }
    return 0;
}

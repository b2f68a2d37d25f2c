/* agents.c - agent states, reason codes, supported OSs, and the derivation rule
 * (docs/agents.md). Pure: the time comes in as an argument. */
#include "model/agents.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const sms_agent_state_info states[SMS_AGENT_N_STATES] = {
    { SMS_AGENT_NOT_INSTALLED, "not installed", "In the inventory, never registered with SMS" },
    { SMS_AGENT_INSTALLING,    "installing",    "Registered, waiting for the agent's first connection" },
    { SMS_AGENT_INSTALLED,     "installed",     "The agent is connected to SMS" },
    { SMS_AGENT_FAILED,        "failed",        "The agent is silent, disconnected, or the OS cannot be migrated" },
    { SMS_AGENT_UNEXPECTED,    "unexpected",    "Registered with SMS but not in the inventory" },
};

int sms_agent_state_slot(sms_agent_state s)
{
    int slot = (int)s + 1;
    return slot >= 0 && slot < SMS_AGENT_N_STATES ? slot : SMS_AGENT_N_STATES - 1;
}

const sms_agent_state_info *sms_agent_state_info_of(sms_agent_state s)
{
    return &states[sms_agent_state_slot(s)];
}

/* Seed 003 codes where they apply (-1, 0, 8, 1003); 2000 and up are SMS-specific. */
const sms_agent_reason_info sms_agent_reasons[] = {
    { SMS_AR_NOT_INSTALLED, "agent not installed",
      "Install the SMS agent on the host and start it; it registers the server by itself" },
    { SMS_AR_OK, "agent installed and connected", "Nothing to do" },
    { SMS_AR_NO_PROCESS, "no client process detected",
      "Check that the host is up, the agent process runs and reaches SMS over HTTPS (443); restart it" },
    { SMS_AR_OS_UNSUPPORTED, "OS not supported",
      "SMS cannot migrate this OS version (see the supported-OS list); upgrade the OS or migrate otherwise" },
    { SMS_AR_WAITING, "registered, waiting for the first connection",
      "The agent registered the host but has not polled yet; it should within minutes, else check its log" },
    { SMS_AR_OLD_VERSION, "agent older than the newest in the fleet",
      "Upgrade the agent on this host to the version the rest of the fleet runs" },
    { SMS_AR_NOT_IN_INVENTORY, "registered but not in the inventory",
      "Add the host to the inventory if it belongs to this wave, or delete its source server record" },
};
const size_t sms_n_agent_reasons = sizeof sms_agent_reasons / sizeof sms_agent_reasons[0];

const sms_agent_reason_info *sms_agent_reason_lookup(int code)
{
    for (size_t i = 0; i < sms_n_agent_reasons; i++)
        if (sms_agent_reasons[i].code == code)
            return &sms_agent_reasons[i];
    return NULL;
}

/* ---- supported OSs ---------------------------------------------------------------- */

/* Families and major versions from SMS's supported-OS lists (docs/agents.md gives the
 * source). os_version arrives as FAMILY + VERSION, e.g. "CENTOS7.9", "UBUNTU20.04",
 * "SUSE12_64BIT_SP2", "WINDOWS2012_R2". Windows majors are the release years. */
const sms_os_support sms_supported_os[] = {
    { "WINDOWS", "WINDOWS",     2008, 2022 },
    { "LINUX",   "CENTOS",      6,    8 },
    { "LINUX",   "RHEL",        6,    9 },
    { "LINUX",   "REDHAT",      6,    9 },
    { "LINUX",   "ORACLELINUX", 6,    9 },
    { "LINUX",   "ROCKY",       8,    9 },
    { "LINUX",   "ALMALINUX",   8,    9 },
    { "LINUX",   "UBUNTU",      14,   22 },
    { "LINUX",   "DEBIAN",      8,    12 },
    { "LINUX",   "SUSE",        11,   15 },
    { "LINUX",   "OPENSUSE",    13,   15 },
    { "LINUX",   "EULEROS",     2,    2 },
    { "LINUX",   "OPENEULER",   20,   22 },
    { "LINUX",   "HCE",         1,    2 },
    { "LINUX",   "FEDORA",      25,   38 },
    { "LINUX",   "KYLIN",       10,   10 },
    { "LINUX",   "UOS",         20,   20 },
};
const size_t sms_n_supported_os = sizeof sms_supported_os / sizeof sms_supported_os[0];

bool sms_os_supported(const char *os_type, const char *os_version)
{
    if (!os_version)
        return true;
    size_t fam = 0;
    while (isalpha((unsigned char)os_version[fam]))
        fam++;
    if (!fam)
        return true;                        /* not FAMILY+VERSION: nothing to judge */
    char *end;
    long major = strtol(os_version + fam, &end, 10);
    bool has_major = end != os_version + fam;
    for (size_t i = 0; i < sms_n_supported_os; i++) {
        const sms_os_support *o = &sms_supported_os[i];
        if (o->family[0] != toupper((unsigned char)os_version[0]) || strlen(o->family) != fam ||
            strncasecmp(o->family, os_version, fam) != 0)
            continue;                   /* the first letter rules out most rows cheaply */
        if (os_type && *os_type && strcasecmp(os_type, o->os_type) != 0)
            continue;
        if (has_major && major >= o->min_major && major <= o->max_major)
            return true;
    }
    return false;
}

/* ---- versions ----------------------------------------------------------------------- */

int sms_agent_version_cmp(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    while (*a || *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            char *ea, *eb;
            unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
            if (x != y)
                return x < y ? -1 : 1;
            a = ea;
            b = eb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return 0;
}

/* ---- the rule --------------------------------------------------------------------- */

static sms_agent_status status(sms_agent_state s, int reason)
{
    return (sms_agent_status){ .state = s, .reason = reason };
}

/* Health of a registered agent, ignoring the inventory. */
static sms_agent_status health(const sms_agent_input *in, const sms_agent_policy *p, int64_t now_ms)
{
    if (!sms_os_supported(in->os_type, in->os_version))
        return status(SMS_AGENT_FAILED, SMS_AR_OS_UNSUPPORTED);
    if (in->connected)
        return status(SMS_AGENT_INSTALLED, SMS_AR_OK);
    /* last_visit_time is the last change of connectivity (SDK); at or before add_date
     * it has never changed since registration: the agent never connected. */
    if (in->last_visit_time <= in->add_date) {
        sms_agent_status st = status(SMS_AGENT_INSTALLING, SMS_AR_WAITING);
        st.silent_since_ms = in->add_date;
        int64_t deadline = in->add_date + p->install_window_ms;
        if (in->add_date <= 0 || now_ms > deadline) {
            st.state = SMS_AGENT_FAILED;
            st.reason = SMS_AR_NO_PROCESS;
        } else {
            st.changes_at_ms = deadline + 1;
        }
        return st;
    }
    /* connected once, now silent: the seed's "no client process detected" too */
    sms_agent_status st = status(SMS_AGENT_FAILED, SMS_AR_NO_PROCESS);
    st.silent_since_ms = in->last_visit_time;
    return st;
}

/* An agent older than the newest in the fleet is flagged whatever its state; it is the
 * reason only when nothing is wrong otherwise. */
static void flag_old_version(sms_agent_status *st, const char *version, const char *newest)
{
    if (!version || !newest || sms_agent_version_cmp(version, newest) >= 0)
        return;
    st->old_version = true;
    if (st->state == SMS_AGENT_INSTALLED && st->reason == SMS_AR_OK)
        st->reason = SMS_AR_OLD_VERSION;
}

sms_agent_status sms_agent_derive(const sms_agent_input *in, const sms_agent_policy *p, int64_t now_ms)
{
    if (!in->registered)
        return status(SMS_AGENT_NOT_INSTALLED, SMS_AR_NOT_INSTALLED);
    sms_agent_status st = health(in, p, now_ms);
    flag_old_version(&st, in->agent_version, in->newest_version);
    if (in->inventory_loaded && !in->in_inventory) {
        /* unexpected: keep a failure's reason, it says more than "not in the inventory" */
        st.state = SMS_AGENT_UNEXPECTED;
        if (st.reason == SMS_AR_OK || st.reason == SMS_AR_WAITING || st.reason == SMS_AR_OLD_VERSION)
            st.reason = SMS_AR_NOT_IN_INVENTORY;
    }
    return st;
}

/* ---- rows -------------------------------------------------------------------------- */

const char *sms_agent_row_name(const sms_agent_row *r)
{
    if (r->server && r->server->name)
        return r->server->name;
    if (r->host && r->host->name)
        return r->host->name;
    return r->server && r->server->id ? r->server->id : r->host && r->host->ip ? r->host->ip : "?";
}

const char *sms_agent_row_ip(const sms_agent_row *r)
{
    return r->server && r->server->ip ? r->server->ip : r->host ? r->host->ip : NULL;
}

const char *sms_agent_row_os(const sms_agent_row *r)
{
    return r->server ? (r->server->os_version ? r->server->os_version : r->server->os_type) : NULL;
}

static const sms_inventory_host *match(const sms_inventory *inv, const sms_server *s)
{
    const sms_inventory_host *h = sms_inventory_find_ip(inv, s->ip);
    return h ? h : sms_inventory_find_name(inv, s->name);
}

static void count_row(sms_agent_rows *out, const sms_agent_row *r)
{
    out->counts[sms_agent_state_slot(r->st.state)]++;
    if (r->st.changes_at_ms && (!out->changes_at_ms || r->st.changes_at_ms < out->changes_at_ms))
        out->changes_at_ms = r->st.changes_at_ms;
}

static sms_agent_input input_of(const sms_agent_row *r, const sms_inventory *inv)
{
    const sms_server *s = r->server;
    sms_agent_input in = { .registered = s != NULL, .inventory_loaded = inv != NULL,
                           .in_inventory = r->host != NULL, .agent_version = r->agent_version };
    if (s) {
        in.connected = s->connected;
        in.add_date = s->add_date;
        in.last_visit_time = s->last_visit_time;
        in.os_type = s->os_type;
        in.os_version = s->os_version;
    }
    return in;
}

/* sms_agent_derive's old-version rule, applied once the newest is known: that is only
 * after every server was read, and reading each server once (they are large and many)
 * is what keeps this within a frame at 10,000 hosts. Unexpected rows already said 2004. */
static void flag_old(sms_agent_rows *out, sms_agent_row *r)
{
    flag_old_version(&r->st, r->agent_version, out->newest_version);
    out->n_old += r->st.old_version;
}

int sms_agent_rows_build(sms_agent_rows *out, const sms_server *servers, size_t n_servers,
                         const sms_inventory *inv, sms_agent_version_fn version, void *ctx,
                         const sms_agent_policy *p, int64_t now_ms)
{
    memset(out, 0, sizeof *out);
    size_t n_inv = inv ? inv->n_hosts : 0;
    bool *claimed = calloc(n_inv + 1, sizeof *claimed);
    out->rows = calloc(n_servers + n_inv + 1, sizeof *out->rows);
    if (!out->rows || !claimed) {
        free(claimed);
        free(out->rows);
        out->rows = NULL;
        return -1;
    }
    for (size_t i = 0; i < n_servers; i++) {
        sms_agent_row *r = &out->rows[out->n_rows++];
        r->server = &servers[i];
        r->host = inv ? match(inv, r->server) : NULL;
        r->agent_version = version ? version(ctx, r->server) : NULL;
        if (r->host)
            claimed[r->host - inv->hosts] = true;
        if (r->agent_version && sms_agent_version_cmp(r->agent_version, out->newest_version) > 0)
            out->newest_version = r->agent_version;
        sms_agent_input in = input_of(r, inv);
        r->st = sms_agent_derive(&in, p, now_ms);
        count_row(out, r);
    }
    for (size_t i = 0; i < n_inv; i++) {
        if (claimed[i])
            continue;
        sms_agent_row *r = &out->rows[out->n_rows++];
        r->host = &inv->hosts[i];
        r->st = sms_agent_derive(&(sms_agent_input){ .inventory_loaded = true, .in_inventory = true }, p, now_ms);
        count_row(out, r);
    }
    for (size_t i = 0; out->newest_version && i < n_servers; i++)
        flag_old(out, &out->rows[i]);
    free(claimed);
    return 0;
}

void sms_agent_rows_free(sms_agent_rows *r)
{
    free(r->rows);
    memset(r, 0, sizeof *r);
}

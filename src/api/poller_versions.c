/* poller_versions.c - agent versions for the Agents pane, gathered without flooding the
 * API. ListServers lacks agent_version; ShowServer has it. The poller thread fetches one
 * unknown version per version_ms in its idle time, and the selected server's detail
 * (fetched anyway) records its version for free. A server registered again (a new
 * add_date: the agent was reinstalled, maybe upgraded) is fetched again. The published
 * copy is immutable and shared by snapshots; it is rebuilt at most every PUBLISH_MS so a
 * crawl of 10,000 servers does not copy the table 10,000 times. */
#include "api/poller_internal.h"

#include <stdlib.h>
#include <string.h>
#include "api/clock.h"
#include "api/snapshot.h"
#include "model/text.h"

#define PUBLISH_MS 3000
#define REF_UP(p) __atomic_add_fetch(&(p)->refs, 1, __ATOMIC_RELAXED)
#define REF_DOWN(p) __atomic_sub_fetch(&(p)->refs, 1, __ATOMIC_ACQ_REL)

static void free_entries(sms_agent_version_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].id);
        free(e[i].version);
    }
    free(e);
}

const sms_agent_versions *sms_agent_versions_ref(const sms_agent_versions *v)
{
    if (v)
        REF_UP((sms_agent_versions *)v);
    return v;
}

void sms_agent_versions_unref(const sms_agent_versions *cv)
{
    sms_agent_versions *v = (sms_agent_versions *)cv;
    if (!v || REF_DOWN(v) > 0)
        return;
    free_entries(v->entries, v->n_entries);
    free(v);
}

/* Index of id in the sorted entries, or where it would go (*found false). */
static size_t locate(const sms_agent_version_entry *e, size_t n, const char *id, bool *found)
{
    size_t lo = 0, hi = n;
    *found = false;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(id, e[mid].id);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

const char *sms_agent_versions_find(const sms_agent_versions *v, const char *id)
{
    bool found;
    if (!v || !id)
        return NULL;
    size_t i = locate(v->entries, v->n_entries, id, &found);
    return found ? v->entries[i].version : NULL;
}

static const sms_server *server_of(const sms_fleet *f, size_t i) { return &f->servers[i]; }

/* Known, and read for the server's current registration. */
static bool up_to_date(const sms_poller *p, const sms_server *s)
{
    bool found;
    size_t i = locate(p->ver, p->n_ver, s->id, &found);
    return found && p->ver[i].add_date == s->add_date;
}

char *sms_versions_next_locked(sms_poller *p)
{
    const sms_fleet *f = p->fleet;
    if (!f || !f->n_servers || p->version_ms < 0 || (p->ver_idle && p->ver_idle_seq == p->fleet_seq))
        return NULL;
    for (size_t k = 0; k < f->n_servers; k++) {
        size_t i = (p->version_cursor + k) % f->n_servers;
        const sms_server *s = server_of(f, i);
        if (s->id && !s->agent_version && !up_to_date(p, s)) {
            p->version_cursor = i + 1;
            return strdup(s->id);
        }
    }
    p->ver_idle = true;                 /* every version known: wait for new fleet data */
    p->ver_idle_seq = p->fleet_seq;
    return NULL;
}

static bool grow(sms_poller *p)
{
    size_t cap = p->cap_ver ? p->cap_ver * 2 : 256;
    sms_agent_version_entry *e = realloc(p->ver, cap * sizeof *e);
    if (!e)
        return false;
    p->ver = e;
    p->cap_ver = cap;
    return true;
}

void sms_versions_record_locked(sms_poller *p, const sms_server *s)
{
    if (!s->id || !s->agent_version)
        return;
    bool found;
    size_t i = locate(p->ver, p->n_ver, s->id, &found);
    char *version = sms_sanitize_dup(s->agent_version);
    if (!version)
        return;
    if (found) {
        p->ver_dirty |= strcmp(p->ver[i].version, version) != 0 || p->ver[i].add_date != s->add_date;
        free(p->ver[i].version);
        p->ver[i].version = version;
        p->ver[i].add_date = s->add_date;
        return;
    }
    char *id = sms_sanitize_dup(s->id);
    if (!id || (p->n_ver == p->cap_ver && !grow(p))) {
        free(id);
        free(version);
        return;
    }
    memmove(&p->ver[i + 1], &p->ver[i], (p->n_ver - i) * sizeof *p->ver);
    p->ver[i] = (sms_agent_version_entry){ id, version, s->add_date };
    p->n_ver++;
    p->ver_dirty = true;
}

static sms_agent_versions *copy_table(const sms_poller *p)
{
    sms_agent_versions *v = calloc(1, sizeof *v);
    if (!v || !(v->entries = calloc(p->n_ver ? p->n_ver : 1, sizeof *v->entries))) {
        free(v);
        return NULL;
    }
    v->refs = 1;
    for (size_t i = 0; i < p->n_ver; i++, v->n_entries++) {
        v->entries[i].id = strdup(p->ver[i].id);
        v->entries[i].version = strdup(p->ver[i].version);
        v->entries[i].add_date = p->ver[i].add_date;
        if (!v->entries[i].id || !v->entries[i].version) {
            v->n_entries++;
            sms_agent_versions_unref(v);
            return NULL;
        }
    }
    return v;
}

const sms_agent_versions *sms_versions_publish_locked(sms_poller *p, int64_t now_mono, bool force)
{
    if (p->ver_dirty && (force || !p->ver_pub || now_mono - p->ver_published_mono >= PUBLISH_MS)) {
        sms_agent_versions *v = copy_table(p);
        if (v) {                        /* on OOM the previous copy stays */
            sms_agent_versions_unref(p->ver_pub);
            p->ver_pub = v;
            p->ver_dirty = false;
            p->ver_published_mono = now_mono;
        }
    }
    return p->ver_pub;
}

void sms_versions_free_locked(sms_poller *p)
{
    free_entries(p->ver, p->n_ver);
    p->ver = NULL;
    p->n_ver = p->cap_ver = 0;
    sms_agent_versions_unref(p->ver_pub);
    p->ver_pub = NULL;
}

/* A failure is not recorded as health: the pane shows "?" and the server is tried again
 * on the next pass; the poller's calls report the API's state. */
void sms_versions_fetch(sms_poller *p, const char *id)
{
    sms_server srv = {0};
    sms_call_error e = {0};
    int rc = sms_show_server(p->poll_client, id, &srv, &e);
    pthread_mutex_lock(&p->mu);
    if (rc == 0) {
        const sms_agent_versions *before = p->ver_pub;
        sms_versions_record_locked(p, &srv);
        /* the last unknown one publishes at once; the others at most every PUBLISH_MS */
        bool last = !p->fleet || p->n_ver >= p->fleet->n_servers;
        if (sms_versions_publish_locked(p, sms_clock_mono_ms(), last) != before)
            sms_poller_publish_locked(p);
    }
    pthread_mutex_unlock(&p->mu);
    sms_free(&SMS_T_SERVER, &srv);
    sms_call_error_free(&e);
}

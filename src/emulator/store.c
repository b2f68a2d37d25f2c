/* store.c - the emulator's data: source servers and tasks, indexed by id, kept in
 * insertion order (stable paging), behind one mutex. Sized for 10,000+ servers:
 * lookups are O(1) (chained hash), listing walks the order array once. */
#include <stdlib.h>
#include <string.h>
#include "emulator/emu.h"

typedef struct hnode { const char *key; void *val; struct hnode *next; } hnode;

typedef struct hmap {
    hnode **b; size_t nb, n;
} hmap;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;                 /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void hmap_grow(hmap *m)
{
    size_t nb = m->nb ? m->nb * 2 : 1024;
    hnode **b = calloc(nb, sizeof *b);
    if (!b)
        return;                                          /* keep the old table: slower, still right */
    for (size_t i = 0; i < m->nb; i++)
        for (hnode *n = m->b[i], *next; n; n = next) {
            next = n->next;
            size_t k = hash_str(n->key) & (nb - 1);
            n->next = b[k];
            b[k] = n;
        }
    free(m->b);
    m->b = b;
    m->nb = nb;
}

static int hmap_put(hmap *m, const char *key, void *val)
{
    if (m->n + 1 > m->nb)
        hmap_grow(m);
    if (!m->nb)
        return -1;
    hnode *n = malloc(sizeof *n);
    if (!n)
        return -1;
    size_t k = hash_str(key) & (m->nb - 1);
    n->key = key;
    n->val = val;
    n->next = m->b[k];
    m->b[k] = n;
    m->n++;
    return 0;
}

static void *hmap_get(const hmap *m, const char *key)
{
    if (!m->nb || !key)
        return NULL;
    for (hnode *n = m->b[hash_str(key) & (m->nb - 1)]; n; n = n->next)
        if (strcmp(n->key, key) == 0)
            return n->val;
    return NULL;
}

static void hmap_del(hmap *m, const char *key)
{
    if (!m->nb)
        return;
    for (hnode **p = &m->b[hash_str(key) & (m->nb - 1)]; *p; p = &(*p)->next)
        if (strcmp((*p)->key, key) == 0) {
            hnode *n = *p;
            *p = n->next;
            free(n);
            m->n--;
            return;
        }
}

static void hmap_free(hmap *m)
{
    for (size_t i = 0; i < m->nb; i++)
        for (hnode *n = m->b[i], *next; n; n = next) {
            next = n->next;
            free(n);
        }
    free(m->b);
    memset(m, 0, sizeof *m);
}

/* ---- ordered pointer arrays ------------------------------------------------------ */

typedef struct parray { void **v; size_t n, cap; } parray;

static int parray_push(parray *a, void *p)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 256;
        void **v = realloc(a->v, cap * sizeof *v);
        if (!v)
            return -1;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = p;
    return 0;
}

static void parray_remove(parray *a, void *p)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i] == p) {
            memmove(&a->v[i], &a->v[i + 1], (a->n - i - 1) * sizeof *a->v);
            a->n--;
            return;
        }
}

/* ---- the store ------------------------------------------------------------------- */

struct emu_store {
    pthread_mutex_t mu;
    parray servers, tasks;
    hmap server_ids, task_ids;
    size_t n_live_servers;
};

emu_store *emu_store_new(void)
{
    emu_store *st = calloc(1, sizeof *st);
    if (st)
        pthread_mutex_init(&st->mu, NULL);
    return st;
}

void emu_store_lock(emu_store *st) { pthread_mutex_lock(&st->mu); }
void emu_store_unlock(emu_store *st) { pthread_mutex_unlock(&st->mu); }

void emu_set_str(char **field, const char *value)
{
    char *copy = value ? strdup(value) : NULL;
    free(*field);
    *field = copy;
}

static void command_free(emu_command *c)
{
    free(c->name);
    free(c->task_id);
    free(c->bucket);
    memset(c, 0, sizeof *c);
}

static void server_free(emu_server *sv)
{
    sms_free(&SMS_T_SERVER, &sv->s);
    free(sv->list_json);
    for (size_t i = 0; i < sv->n_pending; i++)
        command_free(&sv->pending[i]);
    free(sv->pending);
    for (size_t i = 0; i < sv->n_awaiting; i++)
        command_free(&sv->awaiting[i]);
    free(sv->awaiting);
    for (size_t i = 0; i < sv->n_log; i++) {
        free(sv->log[i].name);
        free(sv->log[i].task_id);
        free(sv->log[i].result);
        free(sv->log[i].detail);
    }
    free(sv->log);
    free(sv);
}

static void task_free(emu_task *tk)
{
    sms_free(&SMS_T_TASK, &tk->t);
    sms_free(&SMS_T_SPEED_LIMITS, &tk->limits);
    sms_free(&SMS_T_CONSISTENCY_RESULTS, &tk->consistency);
    free(tk->list_json);
    free(tk);
}

void emu_store_free(emu_store *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->tasks.n; i++)
        task_free(st->tasks.v[i]);
    for (size_t i = 0; i < st->servers.n; i++)
        server_free(st->servers.v[i]);
    free(st->tasks.v);
    free(st->servers.v);
    hmap_free(&st->server_ids);
    hmap_free(&st->task_ids);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

emu_server *emu_store_add_server(emu_store *st, sms_server *rec)
{
    emu_server *sv = calloc(1, sizeof *sv);
    if (!sv || !rec->id)
        goto fail;
    sv->s = *rec;
    if (parray_push(&st->servers, sv) < 0)
        goto fail;
    if (hmap_put(&st->server_ids, sv->s.id, sv) < 0) {
        st->servers.n--;
        goto fail;
    }
    memset(rec, 0, sizeof *rec);
    st->n_live_servers++;
    return sv;
fail:
    free(sv);
    return NULL;
}

emu_server *emu_store_server(emu_store *st, const char *id, bool include_deleted)
{
    emu_server *sv = hmap_get(&st->server_ids, id);
    if (sv && sv->deleted && !include_deleted)
        return NULL;
    return sv;
}

void emu_store_remove_server(emu_store *st, emu_server *sv)
{
    if (sv->task)
        sv->task->server = NULL;
    if (!sv->deleted)
        st->n_live_servers--;
    hmap_del(&st->server_ids, sv->s.id);
    parray_remove(&st->servers, sv);
    server_free(sv);
}

size_t emu_store_n_servers(const emu_store *st) { return st->n_live_servers; }
size_t emu_store_server_slots(const emu_store *st) { return st->servers.n; }
emu_server *emu_store_server_at(emu_store *st, size_t i) { return st->servers.v[i]; }

emu_task *emu_store_add_task(emu_store *st, emu_server *sv, sms_task *rec)
{
    emu_task *tk = calloc(1, sizeof *tk);
    if (!tk || !rec->id)
        goto fail;
    tk->t = *rec;
    if (parray_push(&st->tasks, tk) < 0)
        goto fail;
    if (hmap_put(&st->task_ids, tk->t.id, tk) < 0) {
        st->tasks.n--;
        goto fail;
    }
    memset(rec, 0, sizeof *rec);
    tk->server = sv;
    sv->task = tk;
    tk->next_subtask_id = 1;
    return tk;
fail:
    free(tk);
    return NULL;
}

emu_task *emu_store_task(emu_store *st, const char *id) { return hmap_get(&st->task_ids, id); }
size_t emu_store_task_slots(const emu_store *st) { return st->tasks.n; }
emu_task *emu_store_task_at(emu_store *st, size_t i) { return st->tasks.v[i]; }

void emu_store_remove_task(emu_store *st, emu_task *tk)
{
    if (tk->server && tk->server->task == tk)
        tk->server->task = NULL;
    hmap_del(&st->task_ids, tk->t.id);
    parray_remove(&st->tasks, tk);
    task_free(tk);
}

/* Called by the handlers that mark a server deleted (keeps the live count right). */
void emu_store_mark_deleted(emu_store *st, emu_server *sv)
{
    if (!sv->deleted) {
        sv->deleted = true;
        st->n_live_servers--;
    }
}

/* ---- per-record helpers ---------------------------------------------------------- */

void emu_server_touch(emu_server *sv)
{
    free(sv->list_json);
    sv->list_json = NULL;
}

void emu_task_touch(emu_task *tk)
{
    free(tk->list_json);
    tk->list_json = NULL;
}

/* Emulated time without contact after which an agent is shown disconnected: 60 s (scaled
 * by speed, at least 2 s), but never less than three poll periods of the fleet, whose
 * request budget stretches the period as it grows (~37 s real for 10,000 agents): a
 * shorter window would show healthy agents as gone. poll_period_ms 0 = no fleet. */
int64_t emu_connect_window_ms(double speed, int64_t poll_period_ms)
{
    int64_t window = (int64_t)(60000.0 / (speed > 0 ? speed : 1.0));
    if (window < 2000)
        window = 2000;
    if (poll_period_ms > 0 && window < 3 * poll_period_ms)
        window = 3 * poll_period_ms;
    return window;
}

bool emu_server_connected(const emu_server *sv, int64_t now, int64_t window_ms)
{
    return now - sv->last_seen_ms < window_ms;
}

static int commands_push(emu_command **v, size_t *n, size_t *cap, emu_command c)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        emu_command *p = realloc(*v, ncap * sizeof *p);
        if (!p)
            return -1;
        *v = p;
        *cap = ncap;
    }
    (*v)[(*n)++] = c;
    return 0;
}

bool emu_server_deliver(emu_server *sv, emu_command *out, int64_t now)
{
    if (sv->n_pending == 0)
        return false;
    emu_command c = sv->pending[0];
    memmove(&sv->pending[0], &sv->pending[1], (sv->n_pending - 1) * sizeof c);
    sv->n_pending--;
    if (commands_push(&sv->awaiting, &sv->n_awaiting, &sv->cap_awaiting, c) < 0) {
        command_free(&c);
        return false;
    }
    *out = c;
    emu_server_log(sv, EMU_CMD_DELIVERED, c.name, c.task_id, NULL, NULL, now);
    return true;
}

bool emu_server_settle(emu_server *sv, const char *name, char **task_id_out)
{
    for (size_t i = 0; i < sv->n_awaiting; i++) {
        if (strcmp(sv->awaiting[i].name, name) != 0)
            continue;
        *task_id_out = sv->awaiting[i].task_id;
        sv->awaiting[i].task_id = NULL;
        command_free(&sv->awaiting[i]);
        memmove(&sv->awaiting[i], &sv->awaiting[i + 1], (sv->n_awaiting - i - 1) * sizeof *sv->awaiting);
        sv->n_awaiting--;
        return true;
    }
    return false;
}

void emu_server_queue(emu_server *sv, const char *name, const char *task_id, const char *bucket,
                      int64_t now)
{
    emu_command c = {strdup(name), task_id ? strdup(task_id) : NULL, bucket ? strdup(bucket) : NULL};
    if (!c.name || commands_push(&sv->pending, &sv->n_pending, &sv->cap_pending, c) < 0) {
        command_free(&c);
        return;
    }
    emu_server_log(sv, EMU_CMD_ISSUED, name, task_id, NULL, NULL, now);
}

#define EMU_CMD_LOG_MAX 128          /* per server; oldest dropped */

void emu_server_log(emu_server *sv, emu_cmd_event ev, const char *name, const char *task_id,
                    const char *result, const char *detail, int64_t now)
{
    if (sv->n_log == EMU_CMD_LOG_MAX) {
        emu_cmd_log *old = &sv->log[0];
        free(old->name);
        free(old->task_id);
        free(old->result);
        free(old->detail);
        memmove(&sv->log[0], &sv->log[1], (sv->n_log - 1) * sizeof *sv->log);
        sv->n_log--;
    }
    if (sv->n_log == sv->cap_log) {
        size_t cap = sv->cap_log ? sv->cap_log * 2 : 8;
        emu_cmd_log *l = realloc(sv->log, cap * sizeof *l);
        if (!l)
            return;
        sv->log = l;
        sv->cap_log = cap;
    }
    emu_cmd_log *e = &sv->log[sv->n_log++];
    memset(e, 0, sizeof *e);
    e->event = ev;
    e->at_ms = now;
    emu_set_str(&e->name, name);
    emu_set_str(&e->task_id, task_id);
    emu_set_str(&e->result, result);
    emu_set_str(&e->detail, detail);
}

/* iam.c - the emulated IAM: built-in identities, POST /v3/auth/tokens (password method,
 * project scope by name or id, docs/api-model.md §6), the token table, TTL and revocation. */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "emulator/emu.h"

#define DOMAIN_ID "9a1c6e0b5d2f4a8e8c3b7d1f0e2a4c68"
#define MAX_TOKENS 20000                /* oldest evicted beyond this */

const emu_identity emu_identities[] = {
    {"admin", "admin-pass", "6b1f0a2c3d4e5f60718293a4b5c6d7e8", EMU_ROLE_ADMIN},
    {"operator", "operator-pass", "7c2a1b3d4e5f60718293a4b5c6d7e8f9", EMU_ROLE_OPERATOR},
    {"viewer", "viewer-pass", "8d3b2c4e5f60718293a4b5c6d7e8f90a", EMU_ROLE_VIEWER},
};
const size_t emu_n_identities = sizeof emu_identities / sizeof emu_identities[0];

const emu_identity *emu_identity_by_name(const char *name)
{
    for (size_t i = 0; name && i < emu_n_identities; i++)
        if (strcmp(emu_identities[i].name, name) == 0)
            return &emu_identities[i];
    return NULL;
}

static const char *role_name(emu_role r)
{
    return r == EMU_ROLE_ADMIN ? "te_admin" : r == EMU_ROLE_OPERATOR ? "sms_operator" : "readonly";
}

/* ---- token table ------------------------------------------------------------------ */

typedef struct emu_token { char *text; int64_t expires_ms; const emu_identity *who; } emu_token;

typedef struct emu_tokens {
    pthread_mutex_t mu;
    emu_token *v; size_t n, cap;
} emu_tokens;

void *emu_tokens_new(void)
{
    emu_tokens *t = calloc(1, sizeof *t);
    if (t)
        pthread_mutex_init(&t->mu, NULL);
    return t;
}

static void token_wipe(emu_token *k)
{
    explicit_bzero(k->text, strlen(k->text));
    free(k->text);
}

static void tokens_clear(emu_tokens *t)
{
    for (size_t i = 0; i < t->n; i++)
        token_wipe(&t->v[i]);
    t->n = 0;
}

void emu_tokens_free(void *tokens)
{
    emu_tokens *t = tokens;
    if (!t)
        return;
    tokens_clear(t);
    free(t->v);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

void emu_tokens_revoke_all(void *tokens)
{
    emu_tokens *t = tokens;
    pthread_mutex_lock(&t->mu);
    tokens_clear(t);
    pthread_mutex_unlock(&t->mu);
}

static void tokens_drop(emu_tokens *t, size_t i)
{
    token_wipe(&t->v[i]);
    memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof *t->v);
    t->n--;
}

static int tokens_add(emu_tokens *t, const char *text, int64_t now, int64_t expires_ms,
                      const emu_identity *who)
{
    pthread_mutex_lock(&t->mu);
    for (size_t i = t->n; i-- > 0;)
        if (t->v[i].expires_ms <= now)
            tokens_drop(t, i);
    if (t->n >= MAX_TOKENS)
        tokens_drop(t, 0);
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        emu_token *v = realloc(t->v, cap * sizeof *v);
        if (!v) {
            pthread_mutex_unlock(&t->mu);
            return -1;
        }
        t->v = v;
        t->cap = cap;
    }
    char *copy = strdup(text);
    if (!copy) {
        pthread_mutex_unlock(&t->mu);
        return -1;
    }
    t->v[t->n++] = (emu_token){copy, expires_ms, who};
    pthread_mutex_unlock(&t->mu);
    return 0;
}

int emu_tokens_check(void *tokens, const char *token, int64_t now, const emu_identity **who,
                     char *msg, size_t msglen)
{
    emu_tokens *t = tokens;
    int rc = -1;
    pthread_mutex_lock(&t->mu);
    snprintf(msg, msglen, "decrypt token fail");
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->v[i].text, token) != 0)
            continue;
        if (t->v[i].expires_ms <= now) {
            time_t s = (time_t)(t->v[i].expires_ms / 1000);
            struct tm tm;
            gmtime_r(&s, &tm);
            char when[40];
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
            snprintf(msg, msglen, "token expires, expires_at: %s", when);
        } else {
            *who = t->v[i].who;
            rc = 0;
        }
        break;
    }
    pthread_mutex_unlock(&t->mu);
    return rc;
}

/* ---- POST /v3/auth/tokens --------------------------------------------------------- */

static void iso_time(int64_t ms, char out[48])
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 48, "%s.%03d000Z", base, (int)(ms % 1000));
}

static void keystone_error(emu_resp *o, int status, const char *title, const char *msg)
{
    cJSON *j = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(j, "error");
    cJSON_AddNumberToObject(e, "code", status);
    cJSON_AddStringToObject(e, "message", msg);
    cJSON_AddStringToObject(e, "title", title);
    emu_resp_json(o, status, j);
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *jobj(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsObject(v) ? v : NULL;
}

static bool has_password_method(const cJSON *identity)
{
    const cJSON *m, *methods = cJSON_GetObjectItemCaseSensitive(identity, "methods");
    cJSON_ArrayForEach(m, methods)
        if (cJSON_IsString(m) && strcmp(m->valuestring, "password") == 0)
            return true;
    return false;
}

/* Checks user, password and domain; NULL when they do not match an identity. */
static const emu_identity *check_user(const cJSON *user)
{
    const emu_identity *who = emu_identity_by_name(jstr(user, "name"));
    const char *pw = jstr(user, "password");
    const cJSON *dom = jobj(user, "domain");
    const char *dname = jstr(dom, "name"), *did = jstr(dom, "id");
    bool domain_ok = (dname && strcmp(dname, SMSEMU_DOMAIN) == 0) || (did && strcmp(did, DOMAIN_ID) == 0);
    if (!who || !pw || !domain_ok || strcmp(pw, who->password) != 0)
        return NULL;
    return who;
}

static void add_named(cJSON *parent, const char *key, const char *id, const char *name)
{
    cJSON *o = cJSON_AddObjectToObject(parent, key);
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "name", name);
}

static void add_catalog(cJSON *tok, const char *url)
{
    cJSON *cat = cJSON_AddArrayToObject(tok, "catalog");
    cJSON *svc = cJSON_CreateObject();
    cJSON_AddStringToObject(svc, "type", "sms");
    cJSON_AddStringToObject(svc, "id", "e1a2b3c4d5e6f708192a3b4c5d6e7f80");
    cJSON_AddStringToObject(svc, "name", "sms");
    cJSON *eps = cJSON_AddArrayToObject(svc, "endpoints");
    cJSON *ep = cJSON_CreateObject();
    cJSON_AddStringToObject(ep, "url", url);
    cJSON_AddStringToObject(ep, "region", SMSEMU_PROJECT);
    cJSON_AddStringToObject(ep, "region_id", SMSEMU_PROJECT);
    cJSON_AddStringToObject(ep, "interface", "public");
    cJSON_AddStringToObject(ep, "id", "f0e1d2c3b4a5968778695a4b3c2d1e0f");
    cJSON_AddItemToArray(eps, ep);
    cJSON_AddItemToArray(cat, svc);
}

static cJSON *token_body(const emu_identity *who, int64_t issued, int64_t expires,
                         bool catalog, const char *url)
{
    char when[48];
    cJSON *j = cJSON_CreateObject();
    cJSON *tok = cJSON_AddObjectToObject(j, "token");
    iso_time(expires, when);
    cJSON_AddStringToObject(tok, "expires_at", when);
    iso_time(issued, when);
    cJSON_AddStringToObject(tok, "issued_at", when);
    cJSON *methods = cJSON_AddArrayToObject(tok, "methods");
    cJSON_AddItemToArray(methods, cJSON_CreateString("password"));
    if (catalog)
        add_catalog(tok, url);
    cJSON *project = cJSON_AddObjectToObject(tok, "project");
    cJSON_AddStringToObject(project, "id", SMSEMU_PROJECT_ID);
    cJSON_AddStringToObject(project, "name", SMSEMU_PROJECT);
    add_named(project, "domain", DOMAIN_ID, SMSEMU_DOMAIN);
    cJSON *roles = cJSON_AddArrayToObject(tok, "roles");
    cJSON *role = cJSON_CreateObject();
    cJSON_AddStringToObject(role, "id", "0");
    cJSON_AddStringToObject(role, "name", role_name(who->role));
    cJSON_AddItemToArray(roles, role);
    cJSON *user = cJSON_AddObjectToObject(tok, "user");
    cJSON_AddStringToObject(user, "id", who->user_id);
    cJSON_AddStringToObject(user, "name", who->name);
    add_named(user, "domain", DOMAIN_ID, SMSEMU_DOMAIN);
    cJSON_AddStringToObject(user, "password_expires_at", "");
    return j;
}

static char *new_token_text(void)
{
    unsigned char raw[48];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return NULL;
    char *t = malloc(8 + 2 * sizeof raw + 1);
    if (!t)
        return NULL;
    strcpy(t, "MIIemu-");
    for (size_t i = 0; i < sizeof raw; i++)
        sprintf(t + 7 + 2 * i, "%02x", raw[i]);
    explicit_bzero(raw, sizeof raw);
    return t;
}

/* The scope must name our project (by name or id); NULL -> ok, else the complaint. */
static const char *check_scope(const cJSON *auth)
{
    const cJSON *scope = jobj(auth, "scope");
    const cJSON *project = jobj(scope, "project");
    if (!project)
        return "a project scope is required (scope.project.name or scope.project.id)";
    const char *id = jstr(project, "id"), *name = jstr(project, "name");
    if ((id && strcmp(id, SMSEMU_PROJECT_ID) == 0) || (name && strcmp(name, SMSEMU_PROJECT) == 0))
        return NULL;
    return "the project in scope does not exist or is not accessible";
}

void emu_iam_login(emu_ctx *c, const emu_req *r, emu_resp *o)
{
    cJSON *j = emu_body_json(r, o, 16384);
    if (!j) {                                         /* IAM answers keystone-style */
        keystone_error(o, 400, "Bad Request", "The request body is not a JSON object of at most 16 KiB.");
        return;
    }
    const cJSON *auth = jobj(j, "auth"), *identity = jobj(auth, "identity");
    const cJSON *user = jobj(jobj(identity, "password"), "user");
    if (!identity || !has_password_method(identity) || !user) {
        keystone_error(o, 400, "Bad Request", "auth.identity.methods must include \"password\" with password.user");
        goto done;
    }
    const emu_identity *who = check_user(user);
    if (!who) {
        keystone_error(o, 401, "Unauthorized", "The username or password is wrong.");
        goto done;
    }
    const char *bad_scope = check_scope(auth);
    if (bad_scope) {
        keystone_error(o, 401, "Unauthorized", bad_scope);
        goto done;
    }
    int64_t now = emu_now(c), expires = now + (int64_t)c->token_ttl_s * 1000;
    char *token = new_token_text();
    if (!token || tokens_add(c->tokens, token, now, expires, who) < 0) {
        free(token);
        emu_resp_error(o, 500, "SMS.2007", "could not issue a token");
        goto done;
    }
    const char *nocat = emu_req_query(r, "nocatalog");
    emu_resp_json(o, 201, token_body(who, now, expires, !(nocat && strcmp(nocat, "true") == 0), c->url));
    o->subject_token = token;
done:
    cJSON_Delete(j);
}

void emu_h_iam_projects(emu_ctx *c, emu_req *r, emu_resp *o)
{
    (void)c;
    const char *name = emu_req_query(r, "name");
    cJSON *j = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(j, "projects");
    if (!name || strcmp(name, SMSEMU_PROJECT) == 0) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "id", SMSEMU_PROJECT_ID);
        cJSON_AddStringToObject(p, "name", SMSEMU_PROJECT);
        cJSON_AddBoolToObject(p, "enabled", true);
        cJSON_AddItemToArray(list, p);
    }
    emu_resp_json(o, 200, j);
}

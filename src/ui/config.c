/* config.c - the console's config file, read with libconfig. */
#include "ui/config.h"
#include "ui/cfgfile.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *sms_config_default_path(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/')                       /* relative values are ignored (XDG spec) */
        snprintf(buf, len, "%s/smsconsole/config", xdg);
    else
        snprintf(buf, len, "%s/.config/smsconsole/config", home ? home : ".");
    return buf;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static void warn(sms_config *c, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn(sms_config *c, const config_setting_t *s, const char *fmt, ...)
{
    char msg[512], line[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s:%u: %s", c->path ? c->path : "config",
             config_setting_source_line(s), msg);
    char **w = realloc(c->warnings, (c->n_warnings + 1) * sizeof *w);
    if (!w)
        return;
    c->warnings = w;
    c->warnings[c->n_warnings++] = strdup(line);
}

/* A setting of the wrong type is an error, reported with its line. Elements of a list
 * have no name. */
static int type_error(const sms_config *c, const config_setting_t *s, const char *want,
                      char *err, size_t errlen)
{
    const char *name = config_setting_name(s);
    snprintf(err, errlen, "%s:%u: %s: expected %s", c->path ? c->path : "config",
             config_setting_source_line(s), name ? name : "element", want);
    return -1;
}

static int get_string(const sms_config *c, const config_setting_t *s, char **dst, char *err, size_t errlen)
{
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return type_error(c, s, "a string", err, errlen);
    free(*dst);
    *dst = dup_or_null(config_setting_get_string(s));
    return 0;
}

static int get_bool(const sms_config *c, const config_setting_t *s, bool *dst, char *err, size_t errlen)
{
    if (config_setting_type(s) != CONFIG_TYPE_BOOL)
        return type_error(c, s, "true or false", err, errlen);
    *dst = config_setting_get_bool(s);
    return 0;
}

/* Seconds a registered agent may take to connect before it counts as failed. */
static int get_window(const sms_config *c, const config_setting_t *s, int *dst, char *err, size_t errlen)
{
    if (config_setting_type(s) != CONFIG_TYPE_INT)
        return type_error(c, s, "whole seconds", err, errlen);
    int v = config_setting_get_int(s);
    if (v < 1 || v > 86400) {
        snprintf(err, errlen, "%s:%u: agent_install_window must be 1-86400 seconds", c->path ? c->path : "config",
                 config_setting_source_line(s));
        return -1;
    }
    *dst = v;
    return 0;
}

#define CTX_STRINGS(X) X(name) X(region) X(endpoint) X(iam_endpoint) X(project) X(project_id) \
    X(auth) X(user) X(domain) X(password_command) X(cacert) X(inventory)

static int load_context(sms_config *c, const config_setting_t *g, sms_context_cfg *ctx,
                        char *err, size_t errlen)
{
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return type_error(c, g, "a group { name = ...; }", err, errlen);
    for (int i = 0; i < config_setting_length(g); i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        const char *k = config_setting_name(s);
        int rc = 0;
#define CTX_MATCH(f) if (strcmp(k, #f) == 0) rc = get_string(c, s, &ctx->f, err, errlen); else
        CTX_STRINGS(CTX_MATCH)
#undef CTX_MATCH
        if (strcmp(k, "readonly") == 0) rc = get_bool(c, s, &ctx->readonly, err, errlen);
        else if (strcmp(k, "insecure") == 0) rc = get_bool(c, s, &ctx->insecure, err, errlen);
        else if (strcmp(k, "agent_install_window") == 0) rc = get_window(c, s, &ctx->agent_install_window_s, err, errlen);
        else if (strcmp(k, "password") == 0 || strcmp(k, "sk") == 0)
            warn(c, s, "\"%s\" is not read from the config: use password_command or the environment", k);
        else
            warn(c, s, "unknown key \"%s\" in a context", k);
        if (rc < 0)
            return -1;
    }
    if (!ctx->name || !*ctx->name) {
        snprintf(err, errlen, "%s:%u: a context needs a name", c->path ? c->path : "config",
                 config_setting_source_line(g));
        return -1;
    }
    if (strlen(ctx->name) > SMS_CONTEXT_NAME_MAX) {
        snprintf(err, errlen, "%s:%u: context name longer than %d bytes", c->path ? c->path : "config",
                 config_setting_source_line(g), SMS_CONTEXT_NAME_MAX);
        return -1;
    }
    if (ctx->auth && strcmp(ctx->auth, "password") && strcmp(ctx->auth, "aksk") && strcmp(ctx->auth, "token")) {
        snprintf(err, errlen, "%s:%u: auth must be password, aksk or token", c->path ? c->path : "config",
                 config_setting_source_line(g));
        return -1;
    }
    return 0;
}

static int load_contexts(sms_config *c, const config_setting_t *list, char *err, size_t errlen)
{
    if (config_setting_type(list) != CONFIG_TYPE_LIST)
        return type_error(c, list, "a list ( {...}, {...} )", err, errlen);
    int n = config_setting_length(list);
    c->contexts = calloc((size_t)n + 1, sizeof *c->contexts);
    if (!c->contexts)
        return -1;
    for (int i = 0; i < n; i++) {
        c->n_contexts++;
        if (load_context(c, config_setting_get_elem(list, (unsigned)i), &c->contexts[i], err, errlen) < 0)
            return -1;
    }
    return 0;
}

static int load_keys(sms_config *c, const config_setting_t *g, char *err, size_t errlen)
{
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return type_error(c, g, "a group { action = \"key\"; }", err, errlen);
    int n = config_setting_length(g);
    c->keys = calloc((size_t)n + 1, sizeof *c->keys);
    if (!c->keys)
        return -1;
    for (int i = 0; i < n; i++) {
        config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
        if (config_setting_type(s) != CONFIG_TYPE_STRING)
            return type_error(c, s, "a string of key names", err, errlen);
        /* libconfig names cannot contain '-': accept "upload_log" for "upload-log" */
        char *action = strdup(config_setting_name(s));
        for (char *p = action; p && *p; p++)
            if (*p == '_')
                *p = '-';
        c->keys[c->n_keys++] = (sms_key_override){ action, strdup(config_setting_get_string(s)),
                                                   (int)config_setting_source_line(s) };
    }
    return 0;
}

static int load_top(sms_config *c, const config_setting_t *root, char *err, size_t errlen)
{
    for (int i = 0; i < config_setting_length(root); i++) {
        config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
        const char *k = config_setting_name(s);
        int rc = 0;
        if (strcmp(k, "context") == 0) rc = get_string(c, s, &c->context, err, errlen);
        else if (strcmp(k, "theme") == 0) rc = get_string(c, s, &c->theme, err, errlen);
        else if (strcmp(k, "readonly") == 0) rc = get_bool(c, s, &c->readonly, err, errlen);
        else if (strcmp(k, "mouse") == 0) rc = get_bool(c, s, &c->mouse, err, errlen);
        else if (strcmp(k, "bell") == 0) rc = get_bool(c, s, &c->bell, err, errlen);
        else if (strcmp(k, "osc52_passthrough") == 0) rc = get_bool(c, s, &c->osc52_passthrough, err, errlen);
        else if (strcmp(k, "contexts") == 0) rc = load_contexts(c, s, err, errlen);
        else if (strcmp(k, "keys") == 0) rc = load_keys(c, s, err, errlen);
        else if (strcmp(k, "refresh") == 0) {
            if (config_setting_type(s) != CONFIG_TYPE_INT)
                return type_error(c, s, "whole seconds", err, errlen);
            int v = config_setting_get_int(s);
            if (v < 1 || v > 3600) {
                snprintf(err, errlen, "%s:%u: refresh must be 1-3600 seconds", c->path,
                         config_setting_source_line(s));
                return -1;
            }
            c->refresh_s = v;
        } else
            warn(c, s, "unknown key \"%s\"", k);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int sms_config_load(const char *path, sms_config *out, char *err, size_t errlen)
{
    config_t cf;
    struct stat st;
    memset(out, 0, sizeof *out);
    if (stat(path, &st) < 0 && errno == ENOENT)
        return 1;
    out->path = strdup(path);
    char dir[4096];
    sms_cfgfile_dir(path, dir, sizeof dir);
    if (sms_cfgfile_check(path, dir, err, errlen) < 0) {
        sms_config_free(out);
        return -1;
    }
    config_init(&cf);
    config_set_include_dir(&cf, dir); /* @include names are relative to this file, not the CWD */
    if (config_read_file(&cf, path) != CONFIG_TRUE) {
        if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
            snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        else if (config_error_file(&cf) && strcmp(config_error_file(&cf), path) != 0)
            snprintf(err, errlen, "%s: %s:%d: %s", path, config_error_file(&cf), /* in an @include */
                     config_error_line(&cf), config_error_text(&cf));
        else
            snprintf(err, errlen, "%s:%d: %s", path, config_error_line(&cf), config_error_text(&cf));
        config_destroy(&cf);
        sms_config_free(out);
        return -1;
    }
    int rc = load_top(out, config_root_setting(&cf), err, errlen);
    config_destroy(&cf);
    if (rc < 0) {
        sms_config_free(out);
        return -1;
    }
    if (out->context && !sms_config_context(out, out->context)) {
        snprintf(err, errlen, "%s: context \"%s\" is not among the contexts", path, out->context);
        sms_config_free(out);
        return -1;
    }
    return 0;
}

void sms_config_free(sms_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_contexts; i++) {
        sms_context_cfg *x = &c->contexts[i];
#define CTX_FREE(f) free(x->f);
        CTX_STRINGS(CTX_FREE)
#undef CTX_FREE
    }
    for (size_t i = 0; i < c->n_keys; i++) {
        free(c->keys[i].action);
        free(c->keys[i].keys);
    }
    for (size_t i = 0; i < c->n_warnings; i++)
        free(c->warnings[i]);
    free(c->contexts); free(c->keys); free(c->warnings);
    free(c->path); free(c->context); free(c->theme);
    memset(c, 0, sizeof *c);
}

const sms_context_cfg *sms_config_context(const sms_config *c, const char *name)
{
    if (!name)
        name = c->context;
    if (!name)
        return c->n_contexts ? &c->contexts[0] : NULL;
    for (size_t i = 0; i < c->n_contexts; i++)
        if (strcmp(c->contexts[i].name, name) == 0)
            return &c->contexts[i];
    return NULL;
}

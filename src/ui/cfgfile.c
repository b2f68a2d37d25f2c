/* cfgfile.c - every file libconfig would open is a regular file before it opens it
 * (see cfgfile.h for why). Mirrors libconfig 1.5's scanner: an include is a line that
 * starts, after spaces or tabs, with @include, spaces or tabs and a quoted name; the name
 * is joined to the include directory with "/". Names with escapes or control characters
 * are refused rather than decoded, so this check and libconfig cannot disagree on them. */
#include "ui/cfgfile.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES 64 /* files opened in one check, against include fan-out */

typedef struct {
    const char *top;         /* the file the operator named */
    const char *include_dir; /* libconfig's, or NULL */
    char *err;
    size_t errlen;
    int files;
} check_ctx;

const char *sms_cfgfile_dir(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, len, ".");
    else if (slash == path)
        snprintf(buf, len, "/");
    else
        snprintf(buf, len, "%.*s", (int)(slash - path), path);
    return buf;
}

/* "TOP: " for an included file, so every message starts with the file the operator named */
static void fail(check_ctx *c, const char *file, unsigned line, const char *what)
{
    const char *sep = strcmp(file, c->top) == 0 ? "" : ": ";
    const char *inner = strcmp(file, c->top) == 0 ? "" : file;
    if (line)
        snprintf(c->err, c->errlen, "%s%s%s:%u: %s", c->top, sep, inner, line, what);
    else
        snprintf(c->err, c->errlen, "%s%s%s: %s", c->top, sep, inner, what);
}

/* Reads FILE whole when it is a regular file of sane size; O_NONBLOCK so a FIFO cannot hang
 * the open. NULL with the reason in C->err otherwise. */
static char *read_regular(check_ctx *c, const char *from, unsigned line, const char *file, size_t *len)
{
    const char *who = from ? from : file;
    char what[600], prefix[300] = "";
    if (from)
        snprintf(prefix, sizeof prefix, "@include \"%s\": ", file);
    int fd = open(file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd < 0) {
        snprintf(what, sizeof what, "%scannot read: %s", prefix, strerror(errno));
        fail(c, who, line, what);
        return NULL;
    }
    bool stat_ok = fstat(fd, &st) == 0;
    if (!stat_ok || !S_ISREG(st.st_mode) || st.st_size > SMS_CFGFILE_MAX_BYTES) {
        snprintf(what, sizeof what, "%s%s", prefix,
                 !stat_ok ? strerror(errno) : !S_ISREG(st.st_mode) ? "not a regular file" : "larger than 1 MiB");
        fail(c, who, line, what);
        close(fd);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    ssize_t got = buf ? read(fd, buf, (size_t)st.st_size) : -1;
    close(fd);
    if (got < 0) {
        snprintf(what, sizeof what, "%scannot read: %s", prefix, buf ? strerror(errno) : "out of memory");
        fail(c, who, line, what);
        free(buf);
        return NULL;
    }
    *len = (size_t)got;
    return buf;
}

static int check_file(check_ctx *c, const char *from, unsigned from_line, const char *file, int depth);

/* One line of FILE: 0 when it is no include or its target checks out. */
static int check_line(check_ctx *c, const char *file, unsigned line, const char *p, const char *end,
                      int depth)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if ((size_t)(end - p) < 8 || strncasecmp(p, "@include", 8) != 0)
        return 0;
    p += 8;
    if (p == end || (*p != ' ' && *p != '\t'))
        return 0;                          /* libconfig does not take it as an include either */
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p == end || *p != '"')
        return 0;
    const char *name = ++p;
    while (p < end && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x7f)
        p++;
    if (p == end || *p != '"' || p == name) {
        fail(c, file, line, "@include needs a plain ASCII file name in quotes (no escapes or control characters)");
        return -1;
    }
    if (depth + 1 > SMS_CFGFILE_MAX_DEPTH) {
        fail(c, file, line, "@include nests deeper than 10 files");
        return -1;
    }
    size_t n = (size_t)(p - name);
    size_t dl = c->include_dir ? strlen(c->include_dir) + 1 : 0;
    char *target = malloc(dl + n + 1);
    if (!target)
        return -1;
    if (c->include_dir)
        sprintf(target, "%s/", c->include_dir);
    memcpy(target + dl, name, n);
    target[dl + n] = '\0';
    int rc = check_file(c, file, line, target, depth + 1);
    free(target);
    return rc;
}

static int check_file(check_ctx *c, const char *from, unsigned from_line, const char *file, int depth)
{
    if (++c->files > MAX_FILES) {
        fail(c, from ? from : file, from_line, "more than 64 files included");
        return -1;
    }
    size_t len;
    char *buf = read_regular(c, from, from_line, file, &len);
    if (!buf)
        return -1;
    int rc = 0;
    unsigned line = 1;
    for (const char *p = buf, *end = buf + len; rc == 0 && p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        rc = check_line(c, file, line, p, eol, depth);
        p = nl ? nl + 1 : end;
    }
    free(buf);
    return rc;
}

int sms_cfgfile_check(const char *path, const char *include_dir, char *err, size_t errlen)
{
    check_ctx c = {.top = path, .include_dir = include_dir, .err = err, .errlen = errlen};
    return check_file(&c, NULL, 0, path, 0);
}

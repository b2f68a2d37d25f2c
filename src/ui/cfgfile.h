/* cfgfile.h - checks a libconfig file and everything it @includes before libconfig reads it.
 *
 * Why: libconfig 1.5 (Debian 12) opens an @include target with fopen and, when reading it
 * fails (a directory, say), its flex scanner calls exit(2): the whole console would end on
 * `@include "/"`. A FIFO or a device would block it forever. So every file libconfig will
 * open must first be shown to be a regular, readable file of sane size. */
#ifndef SMS_UI_CFGFILE_H
#define SMS_UI_CFGFILE_H

#include <stddef.h>

#define SMS_CFGFILE_MAX_BYTES (1024 * 1024) /* a config or theme is a few KiB */
#define SMS_CFGFILE_MAX_DEPTH 10            /* libconfig's own include limit */

/* 0 when PATH and every file it includes (resolved as libconfig resolves them: INCLUDE_DIR
 * + "/" + name, or the name alone when INCLUDE_DIR is NULL) are regular readable files;
 * -1 with "PATH:LINE: ..." or "PATH: ..." in ERR otherwise. */
int sms_cfgfile_check(const char *path, const char *include_dir, char *err, size_t errlen);

/* The directory of PATH in BUF ("." when it has none). */
const char *sms_cfgfile_dir(const char *path, char *buf, size_t len);

#endif

/* text.h - untrusted text from the server, made safe to draw, and small formatters.
 * Pure functions; no locale dependence (own UTF-8 decoder, own width table via wcwidth
 * is the UI's business). */
#ifndef SMS_TEXT_H
#define SMS_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Sanitise server text into dst (always NUL-terminated, at most dstsz-1 bytes, never a
 * cut character): invalid UTF-8 -> U+FFFD; C0 controls (incl. TAB/CR/LF/BS), DEL, C1
 * (U+0080-009F) -> '?' ; bidi controls (U+061C, U+200E/F, U+202A-202E, U+2066-2069) and
 * zero-width/format characters (U+200B-200D, U+2060, U+FEFF) dropped; surrogates and
 * noncharacters -> U+FFFD. Returns the length written. src may be NULL (-> ""). */
size_t sms_sanitize(char *dst, size_t dstsz, const char *src);
/* Same, into a malloc'd string (NULL in -> NULL out). */
char *sms_sanitize_dup(const char *src);
/* Sanitise a string in place (the result is never longer). */
void sms_sanitize_inplace(char *s);

/* "1.5 GiB", "512 B", "20.0 TiB": binary units, 1 decimal. buf >= 16. */
const char *sms_fmt_bytes(char *buf, size_t len, int64_t bytes);
/* "1h02m", "3d04h", "45s", "-" when negative. buf >= 12. */
const char *sms_fmt_duration(char *buf, size_t len, int64_t seconds);
/* Parse "3.30GiB", "16384", "10 MB", "2.5T" into bytes; -1 when not a size. */
int64_t sms_parse_size(const char *s);

#endif

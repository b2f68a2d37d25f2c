/* osc52.c - copy text to the operator's own clipboard through the terminal (OSC 52).
 *
 * Works over SSH because the terminal emulator on the operator's desk does the copy.
 * The sequence is plain OSC 52 by default: tmux (`set -g set-clipboard on`) and screen
 * forward it to the outer terminal themselves. Wrapping it in tmux's DCS passthrough
 * would need `allow-passthrough on`, which is off by default, so it is done only when
 * the configuration asks (`osc52_passthrough = true`). Text longer than most terminals
 * accept is refused rather than cut. */
#include "ui/app.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* xterm's default limit for a selection, in base64 bytes (k9s uses the same cap). */
#define OSC52_MAX_B64 74994

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_len(size_t n) { return (n + 2) / 3 * 4; }

/* Base64 of src[0..n) into out (b64_len(n) bytes, no NUL). */
static void b64_encode(char *out, const unsigned char *src, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)src[i] << 16;
        if (i + 1 < n) v |= (unsigned)src[i + 1] << 8;
        if (i + 2 < n) v |= src[i + 2];
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? b64_alphabet[v & 63] : '=';
    }
}

size_t sms_osc52_encode(char *out, size_t len, const char *text, bool tmux)
{
    /* tmux passthrough: DCS "tmux;" then the sequence with every ESC doubled, then ST */
    static const char tmux_open[] = "\033Ptmux;\033\033]52;c;", plain_open[] = "\033]52;c;";
    static const char tmux_close[] = "\a\033\\", plain_close[] = "\a";
    const char *open = tmux ? tmux_open : plain_open, *close = tmux ? tmux_close : plain_close;
    size_t n = text ? strlen(text) : 0, enc = b64_len(n);
    size_t total = strlen(open) + enc + strlen(close);

    if (!out || enc > OSC52_MAX_B64 || total + 1 > len)
        return 0;
    memcpy(out, open, strlen(open));
    b64_encode(out + strlen(open), (const unsigned char *)(text ? text : ""), n);
    memcpy(out + strlen(open) + enc, close, strlen(close));
    out[total] = '\0';
    return total;
}

int sms_osc52_copy(int fd, const char *text, bool passthrough)
{
    size_t cap = OSC52_MAX_B64 + 64;
    char *buf = malloc(cap);
    if (!buf)
        return -1;
    size_t n = sms_osc52_encode(buf, cap, text, passthrough);
    int rc = n ? 0 : -1;
    for (size_t off = 0; rc == 0 && off < n;) {
        ssize_t w = write(fd, buf + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            rc = -1;
        else
            off += (size_t)w;
    }
    free(buf);
    return rc;
}

int sms_app_copy(const sms_app *a, const char *text)
{
    const sms_config *cf = a->o ? a->o->config : NULL;
    return sms_osc52_copy(STDOUT_FILENO, text, cf && cf->osc52_passthrough);
}

/* fuzz_theme.c - a theme file: parsed or refused with "FILE:LINE: ...", never a crash
 * (roles = [ "default" ] once passed a NULL name to strcmp). */
#include "fuzz_util.h"
#include "ui/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".theme");
    sms_theme t;
    sms_theme_builtin(&t);
    char err[1024] = "";
    if (sms_theme_parse_file(path, &t, err, sizeof err) < 0)
        FUZZ_CHECK(fuzz_located(err, path));
    for (int r = 0; r < SMS_ROLE__COUNT; r++)
        FUZZ_CHECK(t.roles[r].fg >= -1 && t.roles[r].fg <= 255 && t.roles[r].bg >= -1 && t.roles[r].bg <= 255);
    return 0;
}

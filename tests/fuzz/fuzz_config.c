/* fuzz_config.c - the config file: loaded or refused with "FILE:LINE: ..." (or "FILE: ..."),
 * never a crash. */
#include "fuzz_util.h"
#include "ui/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".config");
    sms_config c;
    char err[1024] = "";
    int rc = sms_config_load(path, &c, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc < 0)
        FUZZ_CHECK(fuzz_located(err, path));
    else
        for (size_t i = 0; i < c.n_contexts; i++)
            FUZZ_CHECK(c.contexts[i].name && strlen(c.contexts[i].name) <= SMS_CONTEXT_NAME_MAX);
    sms_config_free(&c);
    return 0;
}

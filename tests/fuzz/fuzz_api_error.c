/* fuzz_api_error.c - an HTTP error body as the client decodes and shows it: decoded in
 * the SDK's order, turned into a one-line summary that holds no control character. */
#include "fuzz_util.h"
#include "api/client_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sms_api_error a;
    memset(&a, 0, sizeof a);
    if (sms_api_error_decode((const char *)data, size, &a) == 0)
        FUZZ_CHECK(a.error_code || a.error_msg);
    sms_api_error_clear(&a);
    sms_call_error e;
    memset(&e, 0, sizeof e);
    sms_error_from_http(&e, SMS_E_HTTP, 403, (const char *)data, size, NULL);
    char summary[1024];
    sms_call_error_summary(&e, summary, sizeof summary);
    for (const unsigned char *p = (const unsigned char *)summary; *p; p++)
        FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);     /* nothing that could steer a terminal */
    sms_call_error_free(&e);
    return 0;
}

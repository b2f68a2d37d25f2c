/* fuzz_sign.c - AK/SK canonicalisation (docs/api-model.md §7) from arbitrary parts. The input is
 * split at newlines: method, path, query, then "name: value" headers, an empty line, and
 * the body. The canonical query is a fixed point (canonicalising it again changes
 * nothing), and a signature is always 64 hex digits. */
#include "fuzz_util.h"
#include "api/sign.h"

#define MAX_HEADERS 8

static char *next_line(char **p)
{
    char *s = *p, *nl = s ? strchr(s, '\n') : NULL;
    if (nl) {
        *nl = '\0';
        *p = nl + 1;
    } else {
        *p = NULL;
    }
    return s ? s : (char *)"";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size), *p = text;
    const char *method = next_line(&p), *path = next_line(&p), *query = next_line(&p);
    sms_sign_header h[MAX_HEADERS];
    size_t nh = 0;
    while (p && nh < MAX_HEADERS) {
        char *line = next_line(&p), *colon = strchr(line, ':');
        if (!*line || !colon)
            break;
        *colon = '\0';
        h[nh++] = (sms_sign_header){ line, colon + 1 };
    }
    const char *body = p ? p : "";
    char *q = sms_sign_canonical_query(query);
    if (q) {
        char *q2 = sms_sign_canonical_query(q);
        FUZZ_CHECK(q2 && strcmp(q, q2) == 0);
        free(q2);
    }
    free(q);
    char *signed_headers = NULL;
    char *canon = sms_sign_canonical_request(method, path, query, h, nh, body, strlen(body), &signed_headers);
    if (canon) {
        char sig[65];
        if (sms_sign_signature("secret", "20240101T000000Z", canon, sig) == 0) {
            FUZZ_CHECK(strlen(sig) == 64);
            FUZZ_CHECK(strspn(sig, "0123456789abcdef") == 64);
        }
    }
    free(canon);
    free(signed_headers);
    free(sms_sign_authorization("AK", "SK", "20240101T000000Z", method, path, query, h, nh, body,
                                strlen(body)));
    free(text);
    return 0;
}

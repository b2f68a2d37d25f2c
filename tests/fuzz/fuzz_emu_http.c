/* fuzz_emu_http.c - the emulator's request handling, in-process over real HTTP: the input
 * is "METHOD PATH?QUERY\n" then the body, sent with a valid admin token. Every request
 * gets an answer (never a dropped connection without a reset fault), and the emulator
 * keeps serving. */
#include <curl/curl.h>
#include "fuzz_util.h"
#include "emulator/emulator.h"

static smsemu *emu;
static CURL *curl;
static struct curl_slist *headers;

static size_t discard(char *p, size_t s, size_t n, void *u)
{
    (void)p; (void)u;
    return s * n;
}

static size_t keep_token(char *p, size_t s, size_t n, void *u)
{
    static const char name[] = "X-Subject-Token: ";
    char *tok = u;
    size_t len = s * n;
    if (len > sizeof name - 1 && strncasecmp(p, name, sizeof name - 1) == 0) {
        size_t v = len - (sizeof name - 1);
        while (v && (p[sizeof name - 1 + v - 1] == '\r' || p[sizeof name - 1 + v - 1] == '\n'))
            v--;
        snprintf(tok, 4096, "X-Auth-Token: %.*s", (int)v, p + sizeof name - 1);
    }
    return len;
}

static void start(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    smsemu_opts o = { .listen = "127.0.0.1:0", .servers = 2, .seed = 1, .speed = 1, .no_agents = true,
                      .quiet = true };
    char err[256];
    emu = smsemu_start(&o, err, sizeof err);
    FUZZ_CHECK(emu != NULL);
    curl = curl_easy_init();
    static char token[4096];
    char url[256];
    snprintf(url, sizeof url, "%s/v3/auth/tokens", smsemu_url(emu));
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS,
                     "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":"
                     "\"admin\",\"password\":\"admin-pass\",\"domain\":{\"name\":\"demo\"}}}},"
                     "\"scope\":{\"project\":{\"name\":\"ap-southeast-3\"}}}}");
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, keep_token);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, (void *)token);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    FUZZ_CHECK(curl_easy_perform(curl) == CURLE_OK && token[0]);
    curl_easy_reset(curl);
    headers = curl_slist_append(NULL, token);
    headers = curl_slist_append(headers, "Content-Type: application/json");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!emu)
        start();
    char *text = fuzz_cstr(data, size), *nl = strchr(text, '\n'), *sp = strchr(text, ' ');
    const char *body = nl ? nl + 1 : "";
    if (nl)
        *nl = '\0';
    if (!sp || (nl && sp > nl) || sp == text) {
        free(text);
        return 0;
    }
    *sp = '\0';
    const char *method = text, *target = sp + 1;
    /* only what a client could send: a token-like method, a printable target */
    if (strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(method) || strlen(method) > 8 ||
        target[0] != '/' || strcspn(target, " \r\n\t#") != strlen(target) ||
        strncmp(target, "/emulator/", 10) == 0) {          /* control endpoints change the emulator itself */
        free(text);
        return 0;
    }
    char url[8192];
    snprintf(url, sizeof url, "%s%s", smsemu_url(emu), target);
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    }
    curl_easy_setopt(curl, CURLOPT_NOBODY, strcmp(method, "HEAD") == 0 ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (rc == CURLE_URL_MALFORMAT) {                 /* curl would not send it */
        free(text);
        return 0;
    }
    FUZZ_CHECK(rc == CURLE_OK);
    FUZZ_CHECK(status >= 200 && status <= 599);
    free(text);
    return 0;
}

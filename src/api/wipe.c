/* wipe.c - libcurl and OpenSSL allocate through functions that wipe each block before
 * freeing it. Their buffers hold request lines (the login body with the password, the
 * X-Auth-Token header) and answers (X-Subject-Token); freed unwiped they would stay in
 * the heap, readable in a core or by anyone who can read the process's memory. */
#include "api/wipe.h"

#include <curl/curl.h>
#include <malloc.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

void (*sms_wipe_observer)(const unsigned char *block, size_t size);

static void wipe_free(void *p)
{
    if (!p)
        return;
    size_t n = malloc_usable_size(p);
    explicit_bzero(p, n);
    if (sms_wipe_observer)
        sms_wipe_observer(p, n);
    free(p);
}

/* Never realloc in place: the old block may move and be left behind unwiped. */
static void *wipe_realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    if (n == 0) {
        wipe_free(p);
        return NULL;
    }
    void *q = malloc(n);
    if (!q)
        return NULL;
    size_t old = malloc_usable_size(p);
    memcpy(q, p, old < n ? old : n);
    wipe_free(p);
    return q;
}

static char *wipe_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void *crypto_malloc(size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return malloc(n);
}

static void *crypto_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return wipe_realloc(p, n);
}

static void crypto_free(void *p, const char *file, int line)
{
    (void)file;
    (void)line;
    wipe_free(p);
}

int sms_wipe_global_init(void)
{
    /* before curl initialises OpenSSL: later the functions can no longer be changed */
    int crypto_ok = CRYPTO_set_mem_functions(crypto_malloc, crypto_realloc, crypto_free);
    CURLcode rc = curl_global_init_mem(CURL_GLOBAL_DEFAULT, malloc, wipe_free, wipe_realloc,
                                       wipe_strdup, calloc);
    return rc == CURLE_OK && crypto_ok ? 0 : -1;
}

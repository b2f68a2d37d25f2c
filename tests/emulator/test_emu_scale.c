/* test_emu_scale.c - 10,000 registered servers are all reachable by paging (limit 200,
 * offset), each exactly once, in registration order, with count right on every page;
 * filters still work at that size. Prints figures; asserts no timings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <curl/curl.h>
#include "emu_http.h"

#define N_SERVERS 10000

typedef struct conn { CURL *c; struct curl_slist *h; char *buf; size_t len; } conn;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    conn *k = ud;
    char *b = realloc(k->buf, k->len + sz * n + 1);
    if (!b)
        return 0;
    memcpy(b + k->len, p, sz * n);
    k->buf = b;
    k->len += sz * n;
    b[k->len] = 0;
    return sz * n;
}

/* One keep-alive connection, like a real client's. */
static void conn_open(conn *k, const char *token)
{
    char auth[600];
    snprintf(auth, sizeof auth, "X-Auth-Token: %s", token);
    memset(k, 0, sizeof *k);
    k->c = curl_easy_init();
    k->h = curl_slist_append(NULL, "Content-Type: application/json");
    k->h = curl_slist_append(k->h, auth);
    curl_easy_setopt(k->c, CURLOPT_HTTPHEADER, k->h);
    curl_easy_setopt(k->c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(k->c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(k->c, CURLOPT_WRITEDATA, k);
}

static long conn_do(conn *k, const char *url, const char *body)
{
    k->len = 0;
    curl_easy_setopt(k->c, CURLOPT_URL, url);
    if (body) {
        curl_easy_setopt(k->c, CURLOPT_POSTFIELDS, body);
    } else {
        curl_easy_setopt(k->c, CURLOPT_HTTPGET, 1L);
    }
    assert_int_equal(curl_easy_perform(k->c), CURLE_OK);
    long st = 0;
    curl_easy_getinfo(k->c, CURLINFO_RESPONSE_CODE, &st);
    return st;
}

static void conn_close(conn *k)
{
    curl_slist_free_all(k->h);
    curl_easy_cleanup(k->c);
    free(k->buf);
}

static double secs_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_ten_thousand_servers_by_paging(void **state)
{
    (void)state;
    smsemu *e = eh_start();
    const char *url = smsemu_url(e);
    char *tok = eh_login(url, "admin", "admin-pass");
    conn k;
    conn_open(&k, tok);
    char target[256], body[512];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    snprintf(target, sizeof target, "%s/v3/sources", url);
    char **ids = calloc(N_SERVERS, sizeof *ids);
    for (int i = 0; i < N_SERVERS; i++) {
        snprintf(body, sizeof body,
                 "{\"name\":\"scale-%05d\",\"os_type\":\"%s\",\"os_version\":\"X\",\"ip\":\"10.%d.%d.%d\","
                 "\"agent_version\":\"1\",\"btrfs_list\":[],\"networks\":[{\"name\":\"eth0\",\"mac\":\"aa:%02x\"}]}",
                 i, i % 3 ? "LINUX" : "WINDOWS", i / 65536, (i / 256) % 256, i % 256, i % 256);
        assert_int_equal(conn_do(&k, target, body), 200);
        cJSON *j = cJSON_Parse(k.buf);
        ids[i] = strdup(eh_str(j, "id"));
        cJSON_Delete(j);
    }
    printf("registered %d servers in %.2f s\n", N_SERVERS, secs_since(&t0));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int seen = 0, pages = 0;
    for (int off = 0; off < N_SERVERS; off += 200, pages++) {
        snprintf(target, sizeof target, "%s/v3/sources?limit=200&offset=%d", url, off);
        assert_int_equal(conn_do(&k, target, NULL), 200);
        cJSON *j = cJSON_ParseWithLength(k.buf, k.len);
        assert_non_null(j);
        assert_int_equal((int)eh_num(j, "count"), N_SERVERS);
        const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "source_servers");
        assert_int_equal(cJSON_GetArraySize(arr), 200);
        const cJSON *it;
        cJSON_ArrayForEach(it, arr)
            assert_string_equal(eh_str(it, "id"), ids[seen++]);
        cJSON_Delete(j);
    }
    assert_int_equal(seen, N_SERVERS);
    printf("listed %d servers in %d pages in %.2f s\n", seen, pages, secs_since(&t0));
    snprintf(target, sizeof target, "%s/v3/sources?limit=200&offset=%d", url, N_SERVERS);
    assert_int_equal(conn_do(&k, target, NULL), 200);
    cJSON *j = cJSON_Parse(k.buf);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "source_servers")), 0);
    cJSON_Delete(j);
    snprintf(target, sizeof target, "%s/v3/sources?name=scale-09999", url);
    assert_int_equal(conn_do(&k, target, NULL), 200);
    j = cJSON_Parse(k.buf);
    assert_int_equal((int)eh_num(j, "count"), 1);
    assert_string_equal(eh_str(j, "source_servers.0.id"), ids[N_SERVERS - 1]);
    cJSON_Delete(j);
    snprintf(target, sizeof target, "%s/v3/sources/%s", url, ids[4242]);
    assert_int_equal(conn_do(&k, target, NULL), 200);
    j = cJSON_Parse(k.buf);
    assert_string_equal(eh_str(j, "name"), "scale-04242");
    cJSON_Delete(j);
    for (int i = 0; i < N_SERVERS; i++)
        free(ids[i]);
    free(ids);
    conn_close(&k);
    free(tok);
    smsemu_stop(e);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ten_thousand_servers_by_paging),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}

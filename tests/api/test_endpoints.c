/* test_endpoints.c - where the console's requests go: the SMS and IAM endpoints by
 * region (the SDKs' region lists), explicit endpoints first, IAM never on the SMS host;
 * and AK/SK with only a region: the project id comes from IAM once (the SDK's
 * BasicCredentials). Two emulators play the SMS host and the IAM host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "api/client.h"
#include "api/regions.h"
#include "emulator/emulator.h"
#include "model/codec.h"

static smsemu *sms_host, *iam_host;

static smsemu *start_emulator(void)
{
    smsemu_opts o = { .listen = "127.0.0.1:0", .servers = 3, .seed = 3, .speed = 1.0,
                      .no_agents = true, .quiet = true };
    char err[256] = "";
    smsemu *e = smsemu_start(&o, err, sizeof err);
    if (!e)
        fprintf(stderr, "smsemu_start: %s\n", err);
    return e;
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    sms_host = start_emulator();
    iam_host = start_emulator();
    return sms_host && iam_host ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    smsemu_stop(sms_host);
    smsemu_stop(iam_host);
    curl_global_cleanup();
    return 0;
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
    char *buf = ud;
    size_t have = strlen(buf), add = size * n;
    if (have + add < 4096) {
        memcpy(buf + have, p, add);
        buf[have + add] = 0;
    }
    return add;
}

/* The emulator's own count of IAM requests (logins and project look-ups). */
static int iam_requests(const smsemu *e)
{
    char url[128], body[4096] = "";
    snprintf(url, sizeof url, "%s/emulator/stats", smsemu_url(e));
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    assert_int_equal(curl_easy_perform(h), CURLE_OK);
    curl_easy_cleanup(h);
    cJSON *j = cJSON_Parse(body);
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, "iam_requests");
    assert_true(cJSON_IsNumber(n));
    int v = n->valueint;
    cJSON_Delete(j);
    return v;
}

static void test_regions_give_the_official_endpoints(void **state)
{
    (void)state;
    sms_endpoints ep;
    char err[400];
    assert_int_equal(sms_endpoints_resolve("ap-southeast-3", NULL, NULL, NULL, &ep, err, sizeof err), 0);
    assert_string_equal(ep.sms, "https://sms.ap-southeast-3.myhuaweicloud.com");
    assert_string_equal(ep.iam, "https://iam.ap-southeast-3.myhuaweicloud.com");
    assert_int_equal(sms_endpoints_resolve("ru-moscow-1", NULL, NULL, NULL, &ep, err, sizeof err), 0);
    assert_string_equal(ep.sms, "https://sms-api.ru-moscow-1.myhuaweicloud.com");   /* not the pattern */
    assert_int_equal(sms_endpoints_resolve("cn-north-4", NULL, NULL, NULL, &ep, err, sizeof err), 0);
    assert_string_equal(ep.iam, "https://iam.cn-north-4.myhuaweicloud.com");
    /* explicit endpoints win over the region */
    assert_int_equal(sms_endpoints_resolve("ap-southeast-3", "http://sms.local", "http://iam.local", NULL, &ep,
                                           err, sizeof err), 0);
    assert_string_equal(ep.sms, "http://sms.local");
    assert_string_equal(ep.iam, "http://iam.local");
    /* no region: IAM is the SDK's variable, else the global endpoint, never the SMS host */
    assert_int_equal(sms_endpoints_resolve(NULL, "http://sms.local", NULL, NULL, &ep, err, sizeof err), 0);
    assert_string_equal(ep.iam, SMS_IAM_GLOBAL_ENDPOINT);
    assert_int_equal(sms_endpoints_resolve(NULL, "http://sms.local", NULL, "http://iam.env", &ep, err, sizeof err), 0);
    assert_string_equal(ep.iam, "http://iam.env");
    /* a region no SDK lists, or one without SMS, is refused with the list */
    assert_int_equal(sms_endpoints_resolve("mars-north-1", NULL, NULL, NULL, &ep, err, sizeof err), -1);
    assert_non_null(strstr(err, "ap-southeast-3"));
    assert_int_equal(sms_endpoints_resolve("cn-east-3", NULL, NULL, NULL, &ep, err, sizeof err), -1);
    assert_int_equal(sms_endpoints_resolve(NULL, NULL, NULL, NULL, &ep, err, sizeof err), -1);
    assert_non_null(strstr(err, "--region"));
}

static sms_client *password_client(const char *iam)
{
    sms_client_opts o = { .endpoint = smsemu_url(sms_host), .iam_endpoint = iam, .user = "admin",
                          .password = "admin-pass", .domain = SMSEMU_DOMAIN, .project = SMSEMU_PROJECT,
                          .audit_path = "", .max_read_retries = -1, .connect_timeout_ms = 500,
                          .timeout_ms = 2000 };
    sms_client *c = sms_client_new(&o, NULL);
    assert_non_null(c);
    return c;
}

/* SMS_ENDPOINT and a password, no IAM endpoint: the login goes to an IAM host (here the
 * one HUAWEICLOUD_SDK_IAM_ENDPOINT names, as main resolves it), never to the SMS host. */
static void test_login_goes_to_iam_not_to_the_sms_host(void **state)
{
    (void)state;
    sms_endpoints ep;
    char err[400];
    int sms_before = iam_requests(sms_host), iam_before = iam_requests(iam_host);
    assert_int_equal(sms_endpoints_resolve(NULL, smsemu_url(sms_host), NULL, smsemu_url(iam_host), &ep,
                                           err, sizeof err), 0);
    sms_client *c = password_client(ep.iam);
    sms_call_error e = { 0 };
    assert_int_equal(sms_client_login(c, &e), 0);
    sms_call_error_free(&e);
    sms_client_free(c);
    assert_int_equal(iam_requests(iam_host), iam_before + 1);
    assert_int_equal(iam_requests(sms_host), sms_before);

    /* and with nothing at all: the global IAM endpoint (unreachable here), not the SMS host */
    c = password_client(NULL);
    assert_int_equal(sms_client_login(c, &e), -1);
    assert_non_null(e.message);
    sms_call_error_free(&e);
    sms_client_free(c);
    assert_int_equal(iam_requests(sms_host), sms_before);
}

static sms_client *aksk_client(const char *region, const char *project_id)
{
    sms_client_opts o = { .endpoint = smsemu_url(sms_host), .iam_endpoint = smsemu_url(sms_host),
                          .ak = SMSEMU_AK, .sk = SMSEMU_SK, .region = region, .project_id = project_id,
                          .audit_path = "", .max_read_retries = -1 };
    sms_client *c = sms_client_new(&o, NULL);
    assert_non_null(c);
    return c;
}

static void test_aksk_looks_the_project_up_once_by_region(void **state)
{
    (void)state;
    int before = iam_requests(sms_host);
    sms_client *c = aksk_client(SMSEMU_PROJECT, NULL);
    sms_call_error e = { 0 };
    sms_overview ov;
    assert_int_equal(sms_show_overview(c, &ov, &e), 0);     /* the emulator needs X-Project-Id */
    sms_server_list l;
    assert_int_equal(sms_list_servers(c, NULL, &l, &e), 0);
    sms_free(&SMS_T_SERVER_LIST, &l);
    sms_client_free(c);
    assert_int_equal(iam_requests(sms_host), before + 1);   /* once */

    c = aksk_client("ap-southeast-1", NULL);                  /* not a project of the account */
    assert_int_equal(sms_show_overview(c, &ov, &e), -1);
    assert_int_equal(e.kind, SMS_E_AUTH);
    assert_non_null(strstr(e.message, "HUAWEICLOUD_SDK_PROJECT_ID"));
    sms_call_error_free(&e);
    sms_client_free(c);

    c = aksk_client(NULL, NULL);                              /* nothing to look it up by */
    assert_int_equal(sms_show_overview(c, &ov, &e), -1);
    assert_non_null(strstr(e.message, "HUAWEICLOUD_SDK_PROJECT_ID"));
    assert_int_equal(e.attempts, 0);                          /* refused before sending */
    sms_call_error_free(&e);
    sms_client_free(c);
    assert_int_equal(iam_requests(sms_host), before + 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regions_give_the_official_endpoints),
        cmocka_unit_test(test_login_goes_to_iam_not_to_the_sms_host),
        cmocka_unit_test(test_aksk_looks_the_project_up_once_by_region),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

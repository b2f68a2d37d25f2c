/* regions.c - the region table of regions.h.
 * SMS: huaweicloud-sdk-go-v3 services/sms/v3/region/region.go (ap-southeast-1,
 * ap-southeast-3, my-kualalumpur-1, ru-moscow-1), huaweicloud-sdk-python-v3
 * huaweicloudsdksms/v3/region/sms_region.py (+ eu-west-101), huaweicloud-sdk-nodejs-v3
 * SmsRegion (+ cn-north-4). IAM: huaweicloud-sdk-go-v3 core/auth/internal/iam_endpoint.go
 * and services/iam/v3/region/region.go (eu-west-101). */
#include "api/regions.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define IAM(r) "https://iam." r ".myhuaweicloud.com"

static const sms_region regions[] = {
    { "ap-southeast-1", "https://sms.ap-southeast-1.myhuaweicloud.com", IAM("ap-southeast-1") },
    { "ap-southeast-3", "https://sms.ap-southeast-3.myhuaweicloud.com", IAM("ap-southeast-3") },
    { "cn-north-4", "https://sms.cn-north-4.myhuaweicloud.com", IAM("cn-north-4") },
    { "my-kualalumpur-1", "https://sms.my-kualalumpur-1.myhuaweicloud.com", IAM("my-kualalumpur-1") },
    { "ru-moscow-1", "https://sms-api.ru-moscow-1.myhuaweicloud.com", IAM("ru-moscow-1") },
    { "eu-west-101", "https://sms.eu-west-101.myhuaweicloud.eu", "https://iam.eu-west-101.myhuaweicloud.eu" },
    { "cn-north-1", NULL, IAM("cn-north-1") },       { "cn-north-2", NULL, IAM("cn-north-2") },
    { "cn-north-9", NULL, IAM("cn-north-9") },       { "cn-east-2", NULL, IAM("cn-east-2") },
    { "cn-east-3", NULL, IAM("cn-east-3") },         { "cn-east-4", NULL, IAM("cn-east-4") },
    { "cn-east-5", NULL, IAM("cn-east-5") },         { "cn-south-1", NULL, IAM("cn-south-1") },
    { "cn-south-2", NULL, IAM("cn-south-2") },       { "cn-southwest-2", NULL, IAM("cn-southwest-2") },
    { "ap-southeast-2", NULL, IAM("ap-southeast-2") }, { "ap-southeast-4", NULL, IAM("ap-southeast-4") },
    { "af-south-1", NULL, IAM("af-south-1") },       { "sa-brazil-1", NULL, IAM("sa-brazil-1") },
    { "la-south-2", NULL, IAM("la-south-2") },       { "la-north-2", NULL, IAM("la-north-2") },
    { "na-mexico-1", NULL, IAM("na-mexico-1") },     { "eu-west-0", NULL, IAM("eu-west-0") },
    { "me-east-1", NULL, IAM("me-east-1") },         { "ae-ad-1", NULL, IAM("ae-ad-1") },
    { "tr-west-1", NULL, IAM("tr-west-1") },
};

const sms_region *sms_regions(size_t *n)
{
    *n = sizeof regions / sizeof regions[0];
    return regions;
}

const sms_region *sms_region_find(const char *id)
{
    for (size_t i = 0; id && i < sizeof regions / sizeof regions[0]; i++)
        if (strcmp(regions[i].id, id) == 0)
            return &regions[i];
    return NULL;
}

static void list_sms_regions(char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof regions / sizeof regions[0] && at < len; i++)
        if (regions[i].sms) {
            int n = snprintf(buf + at, len - at, "%s%s", at ? ", " : "", regions[i].id);
            at += n > 0 ? (size_t)n : 0;
        }
}

static bool given(const char *s) { return s && *s; }

int sms_endpoints_resolve(const char *region, const char *sms_explicit, const char *iam_explicit,
                          const char *iam_env, sms_endpoints *out, char *err, size_t errlen)
{
    const sms_region *r = given(region) ? sms_region_find(region) : NULL;
    char known[300];
    memset(out, 0, sizeof *out);
    if (given(region) && !r && !(given(sms_explicit) && given(iam_explicit))) {
        list_sms_regions(known, sizeof known);
        snprintf(err, errlen, "region \"%.60s\" is not in the SDKs' region lists (SMS: %s); give --endpoint "
                 "and --iam-endpoint for it", region, known);
        return -1;
    }
    out->sms = given(sms_explicit) ? sms_explicit : r ? r->sms : NULL;
    if (!out->sms) {
        list_sms_regions(known, sizeof known);
        if (r)
            snprintf(err, errlen, "the SDKs list no SMS endpoint in region %s (SMS: %s); give --endpoint", region, known);
        else
            snprintf(err, errlen, "no SMS endpoint: use --region (%s), --endpoint, SMS_ENDPOINT or a config "
                     "context (or --demo to try it)", known);
        return -1;
    }
    if (given(iam_explicit))
        out->iam = iam_explicit, out->iam_source = "explicit";
    else if (r)
        out->iam = r->iam, out->iam_source = "region";
    else if (given(iam_env))
        out->iam = iam_env, out->iam_source = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
    else
        out->iam = SMS_IAM_GLOBAL_ENDPOINT, out->iam_source = "global";
    return 0;
}

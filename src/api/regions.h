/* regions.h - SMS and IAM endpoints by region name, from the official SDKs' region lists
 * (data, not a pattern: a region SMS does not serve is an error, as in the SDKs).
 *
 * Precedence: an explicit endpoint wins; else the region's; else, for IAM only, the SDK's
 * HUAWEICLOUD_SDK_IAM_ENDPOINT, else the global https://iam.myhuaweicloud.com. The IAM
 * endpoint is never derived from the SMS endpoint. */
#ifndef SMS_API_REGIONS_H
#define SMS_API_REGIONS_H

#include <stddef.h>

#define SMS_IAM_GLOBAL_ENDPOINT "https://iam.myhuaweicloud.com"

typedef struct sms_region {
    const char *id;
    const char *sms;                /* NULL: SMS is not offered there (per the SDKs) */
    const char *iam;
} sms_region;

const sms_region *sms_region_find(const char *id);
const sms_region *sms_regions(size_t *n);

typedef struct sms_endpoints {
    const char *sms, *iam;          /* static strings or the explicit ones passed in */
    const char *iam_source;         /* "explicit", "region", "HUAWEICLOUD_SDK_IAM_ENDPOINT", "global" */
} sms_endpoints;

/* 0 with *out filled; -1 with a message naming the supported regions. iam_env is the
 * value of HUAWEICLOUD_SDK_IAM_ENDPOINT (NULL when unset). */
int sms_endpoints_resolve(const char *region, const char *sms_explicit, const char *iam_explicit,
                          const char *iam_env, sms_endpoints *out, char *err, size_t errlen);

#endif

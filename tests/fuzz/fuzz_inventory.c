/* fuzz_inventory.c - the inventory CSV: refused with "FILE:LINE: ...", or hosts that
 * each have a name or an address and are found again by them. */
#include "fuzz_util.h"
#include "model/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sms_inventory inv;
    char err[512] = "";
    if (sms_inventory_parse((const char *)data, size, "inv", &inv, err, sizeof err) != 0) {
        FUZZ_CHECK(fuzz_located(err, "inv"));
        return 0;
    }
    for (size_t i = 0; i < inv.n_hosts; i++) {
        const sms_inventory_host *h = &inv.hosts[i];
        FUZZ_CHECK(h->name || h->ip);
        FUZZ_CHECK(h->line >= 1);
        if (h->name)
            FUZZ_CHECK(sms_inventory_find_name(&inv, h->name) != NULL);
        if (h->ip)
            FUZZ_CHECK(sms_inventory_find_ip(&inv, h->ip) != NULL);
    }
    sms_inventory_free(&inv);
    return 0;
}

/* inventory.h - the hosts that are supposed to be migrated, parsed from a CSV buffer.
 * Pure (no I/O): the caller reads the file; the parser is also a fuzz target.
 *
 * Format, one host per line:
 *     # comment (also after a value: "web-01, 10.0.0.5   # rack 4")
 *     web-01                  a name
 *     10.0.0.5                an address (IPv4 or IPv6)
 *     web-01,10.0.0.5         both, in either order
 * Blank lines and comments are skipped; a first line "name,ip" (any case, any order) is a
 * header. Anything else is an error naming FILE:LINE: more than two fields, two names or
 * two addresses on one line, an empty field, a name with characters outside
 * [A-Za-z0-9._-] or longer than 255 bytes, a NUL byte, or a name or address already
 * given on an earlier line. */
#ifndef SMS_MODEL_INVENTORY_H
#define SMS_MODEL_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#define SMS_INVENTORY_MAX_HOSTS 100000

typedef struct sms_inventory_host {
    char *name;                     /* NULL when the line gave only an address */
    char *ip;                       /* NULL when the line gave only a name */
    int line;                       /* 1-based line in the file */
} sms_inventory_host;

typedef struct sms_inventory {
    sms_inventory_host *hosts; size_t n_hosts;
    /* private: hash lookups (inventory.c), host index + 1 per slot, 0 = empty */
    uint32_t *name_slots, *ip_slots; size_t n_slots;
} sms_inventory;

/* Parse len bytes of buf (need not be NUL-terminated). `file` names the source in
 * messages. 0 ok; -1 with "FILE:LINE: what is wrong" in err (*out left empty). */
int sms_inventory_parse(const char *buf, size_t len, const char *file, sms_inventory *out,
                        char *err, size_t errlen);
void sms_inventory_free(sms_inventory *inv);

/* The host with this name (case-insensitive) or address, or NULL. */
const sms_inventory_host *sms_inventory_find_name(const sms_inventory *inv, const char *name);
const sms_inventory_host *sms_inventory_find_ip(const sms_inventory *inv, const char *ip);

#endif

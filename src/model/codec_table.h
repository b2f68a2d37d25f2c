/* codec_table.h - private to src/model: the field tables behind the sms_type descriptors.
 * types.c defines one table per struct of model.h; codec.c walks them. Nothing outside
 * src/model includes this file. */
#ifndef SMS_CODEC_TABLE_H
#define SMS_CODEC_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include "model/codec.h"

typedef enum sms_kind {
    SMS_K_STR,      /* char *                                                         */
    SMS_K_JSON,     /* char *: any JSON value kept as compact text (strings verbatim)  */
    SMS_K_I32,      /* int32_t; numbers sent as strings accepted                       */
    SMS_K_I64,      /* int64_t; idem                                                   */
    SMS_K_SIZE,     /* int64_t bytes; a string may carry a unit ("3.30GiB")            */
    SMS_K_DBL,      /* double, finite                                                  */
    SMS_K_BOOL,     /* bool; "true"/"false" strings accepted                           */
    SMS_K_OBJ,      /* embedded struct of type `sub`; bool flag at `aux`               */
    SMS_K_ARR,      /* array of `sub` structs: pointer at `off`, size_t count at `aux` */
    SMS_K_STRARR,   /* char ** at `off`, size_t count at `aux`                         */
} sms_kind;

enum {
    SMS_F_REQ = 1u << 0,        /* request mode: key must be present                  */
    SMS_F_NONEMPTY = 1u << 1,   /* request mode: string or array must not be empty    */
    SMS_F_ITEMWISE = 1u << 2,   /* response mode, array: a bad item becomes the item
                                   type's placeholder (bad_item) instead of failing all */
    SMS_F_OMIT_ZERO = 1u << 3,  /* encode: an optional number left at 0 is not sent   */
};

typedef struct sms_field {
    const char *key;
    sms_kind kind;
    size_t off;
    size_t aux;                 /* has_ flag (OBJ) or element count (ARR, STRARR)      */
    size_t max_len;             /* characters, for STR/JSON/STRARR items; 0 = default  */
    size_t cap;                 /* array: most elements accepted                        */
    int64_t lo, hi;             /* documented range (I32/I64/SIZE), checked in request
                                   mode when lo < hi; the C type's range always holds */
    unsigned flags;
    const sms_type *sub;
} sms_field;

struct sms_type {
    const char *name;
    size_t size;
    const sms_field *fields;
    size_t n_fields;
    const char *wrap;           /* body is {"<wrap>": {...}} (IAM token), else NULL    */
    /* Extra request-mode rule that a field table cannot say; 0 ok, -1 with msg set. */
    int (*check)(const void *obj, char *path, size_t pathsz, char *msg, size_t msgsz);
    /* Table of every member, for copy and free, when `fields` covers only some of them
     * (SMS_T_SERVER and SMS_T_REGISTER share struct sms_server); NULL = `fields`. */
    const sms_type *storage;
    /* Fills a zeroed item that could not be decoded (SMS_F_ITEMWISE): the item's id when
     * it was readable, else NULL and a key that stands for it ("#<hash of its JSON>.<k>"),
     * and why ("name: invalid UTF-8"). 0 ok, -1 OOM. */
    int (*bad_item)(void *obj, const char *id, const char *key, const char *why);
};

/* Array elements in one document, all arrays together. The per-array caps multiply
 * (servers x disks x partitions), and "{}," (3 bytes of input) becomes a struct of up
 * to a few hundred bytes: this bounds what a hostile body can make us allocate. A page
 * of 200 fully described servers needs a few tens of thousands. */
#define SMS_MAX_ELEMENTS 262144

#define SMS_DEFAULT_STR_MAX 255     /* the API reference: "Strings are 0-255 chars unless noted" */

#endif

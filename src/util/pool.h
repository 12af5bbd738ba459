/*
 * util/pool.h - interned strings with dense ids, and a map of 64-bit keys.
 *
 * Datasets repeat a few hundred names (models, configurations, devices)
 * millions of times; interning keeps one copy of each and lets the rest of
 * the code compare and group by small integers.
 */
#ifndef FRM_UTIL_POOL_H
#define FRM_UTIL_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "frm/error.h"

#define FRMI_NONE UINT32_MAX

/*
 * String pool.  Strings are copied into chunks that never move, so the
 * pointers frmi_pool_str returns stay valid until frmi_pool_release.
 */
typedef struct frmi_pool {
    char **chunks;
    size_t n_chunks, chunk_used, chunk_size;
    const char **strs;          /* id -> string */
    uint32_t n_strs, cap_strs;
    uint32_t *slots;            /* open addressing: id + 1, 0 = empty */
    size_t n_slots;
} frmi_pool;

void frmi_pool_init(frmi_pool *p);
void frmi_pool_release(frmi_pool *p);

/* The id of `s`, adding it when new.  FRMI_NONE on allocation failure. */
uint32_t frmi_pool_intern(frmi_pool *p, const char *s);
/* The id of `s`, or FRMI_NONE when it was never interned. */
uint32_t frmi_pool_find(const frmi_pool *p, const char *s);
const char *frmi_pool_str(const frmi_pool *p, uint32_t id);

/* Map from a non-zero 64-bit key to a 64-bit value. */
typedef struct frmi_map {
    uint64_t *keys;             /* 0 = empty slot */
    uint64_t *values;
    size_t n, n_slots;
} frmi_map;

void frmi_map_init(frmi_map *m);
void frmi_map_release(frmi_map *m);
/* Pointer to the value stored under `key`, or NULL. */
uint64_t *frmi_map_get(const frmi_map *m, uint64_t key);
/* Stores `value` under `key` (replacing any); FRM_E_NOMEM on failure. */
frm_code frmi_map_put(frmi_map *m, uint64_t key, uint64_t value);

#endif

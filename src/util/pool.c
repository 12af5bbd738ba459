/*
 * util/pool.c - interned strings and a 64-bit hash map.
 */
#include "util/pool.h"

#include <stdlib.h>
#include <string.h>

enum { CHUNK_MIN = 64 * 1024 };

/* FNV-1a: short keys, good enough spread for names. */
static uint64_t hash_str(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* splitmix64 finaliser: spreads structured keys such as (a << 32 | b). */
static uint64_t hash_u64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

void frmi_pool_init(frmi_pool *p)
{
    memset(p, 0, sizeof *p);
}

void frmi_pool_release(frmi_pool *p)
{
    for (size_t i = 0; i < p->n_chunks; i++)
        free(p->chunks[i]);
    free(p->chunks);
    free(p->strs);
    free(p->slots);
    frmi_pool_init(p);
}

static uint32_t pool_lookup(const frmi_pool *p, const char *s, size_t *slot)
{
    size_t mask = p->n_slots - 1;
    size_t i = (size_t)hash_str(s) & mask;
    while (p->slots[i]) {
        uint32_t id = p->slots[i] - 1;
        if (strcmp(p->strs[id], s) == 0) {
            *slot = i;
            return id;
        }
        i = (i + 1) & mask;
    }
    *slot = i;
    return FRMI_NONE;
}

static int pool_grow_slots(frmi_pool *p)
{
    size_t n = p->n_slots ? p->n_slots * 2 : 64;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return -1;
    for (uint32_t id = 0; id < p->n_strs; id++) {
        size_t i = (size_t)hash_str(p->strs[id]) & (n - 1);
        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = id + 1;
    }
    free(p->slots);
    p->slots = slots;
    p->n_slots = n;
    return 0;
}

static char *pool_copy(frmi_pool *p, const char *s, size_t len)
{
    if (p->n_chunks == 0 || p->chunk_size - p->chunk_used < len + 1) {
        size_t size = len + 1 > CHUNK_MIN ? len + 1 : CHUNK_MIN;
        char **chunks = realloc(p->chunks, (p->n_chunks + 1) * sizeof *chunks);
        if (!chunks)
            return NULL;
        p->chunks = chunks;
        if (!(chunks[p->n_chunks] = malloc(size)))
            return NULL;
        p->n_chunks++;
        p->chunk_used = 0;
        p->chunk_size = size;
    }
    char *dst = p->chunks[p->n_chunks - 1] + p->chunk_used;
    memcpy(dst, s, len + 1);
    p->chunk_used += len + 1;
    return dst;
}

uint32_t frmi_pool_find(const frmi_pool *p, const char *s)
{
    size_t slot;
    return p->n_slots ? pool_lookup(p, s, &slot) : FRMI_NONE;
}

uint32_t frmi_pool_intern(frmi_pool *p, const char *s)
{
    size_t slot;
    uint32_t id = frmi_pool_find(p, s);
    if (id != FRMI_NONE)
        return id;
    /* keep the load factor under one half */
    if ((size_t)(p->n_strs + 1) * 2 > p->n_slots && pool_grow_slots(p) != 0)
        return FRMI_NONE;
    if (p->n_strs == FRMI_NONE - 1)
        return FRMI_NONE;
    if (p->n_strs == p->cap_strs) {
        uint32_t cap = p->cap_strs ? p->cap_strs * 2 : 64;
        const char **strs = realloc(p->strs, (size_t)cap * sizeof *strs);
        if (!strs)
            return FRMI_NONE;
        p->strs = strs;
        p->cap_strs = cap;
    }
    char *copy = pool_copy(p, s, strlen(s));
    if (!copy)
        return FRMI_NONE;
    pool_lookup(p, s, &slot);
    id = p->n_strs++;
    p->strs[id] = copy;
    p->slots[slot] = id + 1;
    return id;
}

const char *frmi_pool_str(const frmi_pool *p, uint32_t id)
{
    return id < p->n_strs ? p->strs[id] : NULL;
}

void frmi_map_init(frmi_map *m)
{
    memset(m, 0, sizeof *m);
}

void frmi_map_release(frmi_map *m)
{
    free(m->keys);
    free(m->values);
    frmi_map_init(m);
}

static size_t map_slot(const uint64_t *keys, size_t n_slots, uint64_t key)
{
    size_t mask = n_slots - 1;
    size_t i = (size_t)hash_u64(key) & mask;
    while (keys[i] && keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

uint64_t *frmi_map_get(const frmi_map *m, uint64_t key)
{
    if (!m->n_slots || key == 0)
        return NULL;
    size_t i = map_slot(m->keys, m->n_slots, key);
    return m->keys[i] ? &m->values[i] : NULL;
}

static frm_code map_grow(frmi_map *m)
{
    size_t n = m->n_slots ? m->n_slots * 2 : 64;
    uint64_t *keys = calloc(n, sizeof *keys);
    uint64_t *values = malloc(n * sizeof *values);
    if (!keys || !values) {
        free(keys);
        free(values);
        return FRM_E_NOMEM;
    }
    for (size_t i = 0; i < m->n_slots; i++) {
        if (m->keys[i]) {
            size_t j = map_slot(keys, n, m->keys[i]);
            keys[j] = m->keys[i];
            values[j] = m->values[i];
        }
    }
    free(m->keys);
    free(m->values);
    m->keys = keys;
    m->values = values;
    m->n_slots = n;
    return FRM_OK;
}

frm_code frmi_map_put(frmi_map *m, uint64_t key, uint64_t value)
{
    if (key == 0)
        return FRM_E_ARGUMENT;
    if ((m->n + 1) * 2 > m->n_slots && map_grow(m) != FRM_OK)
        return FRM_E_NOMEM;
    size_t i = map_slot(m->keys, m->n_slots, key);
    if (!m->keys[i]) {
        m->keys[i] = key;
        m->n++;
    }
    m->values[i] = value;
    return FRM_OK;
}

/*
 * tests/test_pool.c - the string pool and the 64-bit map (util/pool.h).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/pool.h"

static void ids_are_dense_and_stable(void **state)
{
    (void)state;
    frmi_pool p;
    frmi_pool_init(&p);
    /* nothing interned yet: every lookup misses */
    assert_int_equal(frmi_pool_find(&p, "resnet50"), FRMI_NONE);
    assert_null(frmi_pool_str(&p, 0));

    /* ids are handed out 0, 1, 2 ... in order of first appearance */
    assert_int_equal(frmi_pool_intern(&p, "resnet50"), 0);
    assert_int_equal(frmi_pool_intern(&p, "mobilenetv3"), 1);
    assert_int_equal(frmi_pool_intern(&p, ""), 2);
    assert_int_equal(frmi_pool_intern(&p, "vit_b_16"), 3);
    /* the same text gives the same id, and no new one is used */
    assert_int_equal(frmi_pool_intern(&p, "mobilenetv3"), 1);
    assert_int_equal(frmi_pool_intern(&p, "resnet50"), 0);
    assert_int_equal(frmi_pool_intern(&p, ""), 2);
    assert_int_equal(frmi_pool_intern(&p, "efficientnet_b0"), 4);

    assert_int_equal(frmi_pool_find(&p, "vit_b_16"), 3);
    assert_int_equal(frmi_pool_find(&p, ""), 2);
    /* a prefix or an extension of a known string is a different string */
    assert_int_equal(frmi_pool_find(&p, "resnet"), FRMI_NONE);
    assert_int_equal(frmi_pool_find(&p, "resnet500"), FRMI_NONE);

    assert_string_equal(frmi_pool_str(&p, 0), "resnet50");
    assert_string_equal(frmi_pool_str(&p, 1), "mobilenetv3");
    assert_string_equal(frmi_pool_str(&p, 2), "");
    assert_string_equal(frmi_pool_str(&p, 4), "efficientnet_b0");
    assert_null(frmi_pool_str(&p, 5));
    assert_null(frmi_pool_str(&p, FRMI_NONE));

    frmi_pool_release(&p);
    /* a released pool is empty and usable again, ids restarting at 0 */
    assert_int_equal(frmi_pool_find(&p, "resnet50"), FRMI_NONE);
    assert_int_equal(frmi_pool_intern(&p, "again"), 0);
    frmi_pool_release(&p);
}

static void strings_are_copied(void **state)
{
    (void)state;
    frmi_pool p;
    frmi_pool_init(&p);
    char buf[32] = "convnext_tiny";
    uint32_t id = frmi_pool_intern(&p, buf);
    assert_int_equal(id, 0);
    assert_ptr_not_equal(frmi_pool_str(&p, id), buf);
    /* changing the caller's buffer does not change the pool */
    strcpy(buf, "something_else");
    assert_string_equal(frmi_pool_str(&p, id), "convnext_tiny");
    assert_int_equal(frmi_pool_find(&p, "something_else"), FRMI_NONE);
    assert_int_equal(frmi_pool_intern(&p, buf), 1);
    frmi_pool_release(&p);
}

static void pointers_survive_growth(void **state)
{
    (void)state;
    enum { N = 100000 };
    frmi_pool p;
    frmi_pool_init(&p);
    const char **seen = malloc(N * sizeof *seen);
    assert_non_null(seen);
    char name[32];
    /* 100k strings of ~12 bytes: over a megabyte in 64 KiB chunks, a 256k-slot
     * table and a 128k-entry id array, each grown many times on the way. */
    for (uint32_t i = 0; i < N; i++) {
        snprintf(name, sizeof name, "model-%u", (unsigned)i);
        uint32_t id = frmi_pool_intern(&p, name);
        if (id != i)
            fail_msg("string %u got id %u", (unsigned)i, (unsigned)id);
        seen[i] = frmi_pool_str(&p, id);
    }
    /* A string longer than a whole chunk gets a chunk of its own. */
    size_t big_len = 200000;
    char *big = malloc(big_len + 1);
    assert_non_null(big);
    memset(big, 'x', big_len);
    big[big_len] = '\0';
    assert_int_equal(frmi_pool_intern(&p, big), N);
    assert_int_equal(frmi_pool_intern(&p, "after-big"), N + 1);

    for (uint32_t i = 0; i < N; i++) {
        snprintf(name, sizeof name, "model-%u", (unsigned)i);
        /* the pointer handed out when the string was new is still the one in use */
        if (frmi_pool_str(&p, i) != seen[i] || strcmp(seen[i], name) != 0)
            fail_msg("string %u moved or changed: \"%s\"", (unsigned)i, seen[i]);
        if (frmi_pool_find(&p, name) != i || frmi_pool_intern(&p, name) != i)
            fail_msg("string %u no longer found under its id", (unsigned)i);
    }
    assert_int_equal(strlen(frmi_pool_str(&p, N)), big_len);
    assert_int_equal(frmi_pool_find(&p, big), N);
    assert_string_equal(frmi_pool_str(&p, N + 1), "after-big");
    assert_int_equal(frmi_pool_find(&p, "model-100000"), FRMI_NONE);
    /* no duplicates crept in: the next new string takes the next id */
    assert_int_equal(frmi_pool_intern(&p, "model-100000"), N + 2);
    free(big);
    free(seen);
    frmi_pool_release(&p);
}

static void map_put_get_replace(void **state)
{
    (void)state;
    enum { N = 100000 };
    frmi_map m;
    frmi_map_init(&m);
    assert_null(frmi_map_get(&m, 1));

    /* Keys shaped like the dataset's (config + 1) << 32 | model, which share
     * low bits, plus their values; value i * 3 tells each apart. */
    for (uint64_t i = 0; i < N; i++) {
        uint64_t key = ((i % 100) + 1) << 32 | (i / 100);
        assert_int_equal(frmi_map_put(&m, key, i * 3), FRM_OK);
    }
    assert_int_equal(m.n, N);
    for (uint64_t i = 0; i < N; i++) {
        uint64_t key = ((i % 100) + 1) << 32 | (i / 100);
        uint64_t *v = frmi_map_get(&m, key);
        if (!v || *v != i * 3)
            fail_msg("key %#llx: expected %llu", (unsigned long long)key,
                     (unsigned long long)(i * 3));
    }
    /* replacing keeps the count and changes only the value */
    for (uint64_t i = 0; i < N; i += 2) {
        uint64_t key = ((i % 100) + 1) << 32 | (i / 100);
        assert_int_equal(frmi_map_put(&m, key, UINT64_MAX - i), FRM_OK);
    }
    assert_int_equal(m.n, N);
    for (uint64_t i = 0; i < N; i++) {
        uint64_t key = ((i % 100) + 1) << 32 | (i / 100);
        uint64_t want = i % 2 == 0 ? UINT64_MAX - i : i * 3;
        uint64_t *v = frmi_map_get(&m, key);
        if (!v || *v != want)
            fail_msg("key %#llx after replace: expected %llu", (unsigned long long)key,
                     (unsigned long long)want);
    }
    /* the returned pointer writes through */
    uint64_t *v = frmi_map_get(&m, (uint64_t)1 << 32);
    assert_non_null(v);
    *v = 42;
    assert_int_equal(*frmi_map_get(&m, (uint64_t)1 << 32), 42);

    /* keys never put are absent: model 1000 does not exist, nor config 101 */
    assert_null(frmi_map_get(&m, (uint64_t)1 << 32 | 1000));
    assert_null(frmi_map_get(&m, (uint64_t)101 << 32));
    assert_null(frmi_map_get(&m, 7));
    /* the extreme key works like any other */
    assert_int_equal(frmi_map_put(&m, UINT64_MAX, 5), FRM_OK);
    assert_int_equal(*frmi_map_get(&m, UINT64_MAX), 5);
    assert_int_equal(m.n, N + 1);
    frmi_map_release(&m);
    assert_null(frmi_map_get(&m, UINT64_MAX));
}

static void map_rejects_key_zero(void **state)
{
    (void)state;
    frmi_map m;
    frmi_map_init(&m);
    /* 0 marks an empty slot, so it cannot be a key, on an empty map or not */
    assert_int_equal(frmi_map_put(&m, 0, 1), FRM_E_ARGUMENT);
    assert_int_equal(m.n, 0);
    assert_int_equal(frmi_map_put(&m, 9, 10), FRM_OK);
    assert_int_equal(frmi_map_put(&m, 0, 1), FRM_E_ARGUMENT);
    assert_null(frmi_map_get(&m, 0));
    assert_int_equal(m.n, 1);
    assert_int_equal(*frmi_map_get(&m, 9), 10);
    frmi_map_release(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_are_dense_and_stable),
        cmocka_unit_test(strings_are_copied),
        cmocka_unit_test(pointers_survive_growth),
        cmocka_unit_test(map_put_get_replace),
        cmocka_unit_test(map_rejects_key_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * tests/test_zoo_counts.c - frm_zoo_counts_at: a zoo model's counts at any
 * input size, held to the published figures and to the file path (write
 * the model with frm_zoo_write, profile the file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static void published_counts_at_own_size(void **state)
{
    (void)state;
    for (size_t i = 0; i < frm_zoo_count(); i++) {
        const frm_zoo_info *z = frm_zoo_at(i);
        frm_zoo_counts c;
        frm_error err;
        assert_int_equal(frm_zoo_counts_at(z->name, 0, &c, &err), FRM_OK);
        if (c.macs != z->macs || c.params != z->params)
            fail_msg("%s: %llu MACs, %llu params; published %llu, %llu", z->name,
                     (unsigned long long)c.macs, (unsigned long long)c.params,
                     (unsigned long long)z->macs, (unsigned long long)z->params);
        assert_int_equal(c.resolution, z->resolution);
    }
}

/* Counts from memory equal those of the file frm zoo writes, field by field. */
static void same_as_through_a_file(const char *name, int resolution)
{
    frm_zoo_counts c;
    frm_error err;
    assert_int_equal(frm_zoo_counts_at(name, resolution, &c, &err), FRM_OK);
    char path[1200];
    snprintf(path, sizeof path, "%s/%s-%d.onnx", tu_tmpdir(), name, resolution);
    frm_zoo_options opt = FRM_ZOO_OPTIONS_INIT;
    opt.resolution = resolution;
    assert_int_equal(frm_zoo_write(name, path, &opt, &err), FRM_OK);
    frm_profile *p;
    assert_int_equal(frm_profile_file(path, NULL, &p, &err), FRM_OK);
    assert_int_equal(c.macs, p->macs);
    assert_int_equal(c.flops, p->flops);
    assert_int_equal(c.params, p->params);
    assert_int_equal(c.weights_bytes, p->weights_bytes);
    assert_int_equal(c.activations_peak_bytes, p->activations_peak_bytes);
    assert_int_equal(c.resolution, resolution);
    frm_profile_free(p);
    unlink(path);
}

static void other_sizes(void **state)
{
    (void)state;
    frm_zoo_counts c;
    frm_error err;
    /* AI Hub profiles inception_v3 at 224: far fewer MACs than at its own 299 */
    assert_int_equal(frm_zoo_counts_at("inception_v3", 224, &c, &err), FRM_OK);
    assert_int_equal(c.macs, 2837921120ULL);
    assert_int_equal(c.params, 23834568);
    same_as_through_a_file("inception_v3", 224);
    same_as_through_a_file("mobilenetv2_100", 160);
    same_as_through_a_file("squeezenet1_1", 227);
}

static void errors(void **state)
{
    (void)state;
    frm_zoo_counts c;
    frm_error err;
    assert_int_equal(frm_zoo_counts_at("nosuch", 224, &c, &err), FRM_E_ARGUMENT);
    assert_string_equal(err.message, "no zoo model named 'nosuch' (frm zoo --list names them)");
    assert_int_equal(frm_zoo_counts_at("resnet50", 8, &c, &err), FRM_E_ARGUMENT);
    assert_int_equal(frm_zoo_counts_at("deit_tiny_patch16_224", 100, &c, &err), FRM_E_ARGUMENT);
    assert_non_null(strstr(err.message, "deit_tiny_patch16_224 at 100x100"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(published_counts_at_own_size),
        cmocka_unit_test(other_sizes),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

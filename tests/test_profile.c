/*
 * tests/test_profile.c - frm_profile_file and `frm profile` end to end
 * (docs/profile.md): small models built with the ONNX writer, profiled, and
 * every count compared with a hand calculation written beside it.
 *
 * The rules (include/frm/profile.h, src/onnx/count.c):
 *   MACs   Conv          numel(Y) * prod(W.dims[1:])       = numel(Y) * Cin/group * kH * kW
 *          ConvTranspose numel(X) * prod(W.dims[1:])       = numel(X) * Cout/group * kH * kW
 *          Gemm, MatMul  numel(Y) * K
 *   FLOPs  2 * MACs, + numel(Y) for the bias of Conv/ConvTranspose/Gemm,
 *          + numel(Y) for each element-wise/activation/normalisation/... node
 *   params floating-point initializer elements less BatchNormalization's
 *          running mean and variance (traced through Identity)
 *   weights_bytes          all initializer bytes
 *   activations            output elements of Conv/ConvTranspose/Gemm/MatMul
 *   activations_peak_bytes liveness peak of node outputs in file order
 *
 * Malformed files are checked through the library and through the CLI:
 * both must name the file and what is wrong with it, never crash.
 */
#include "testutil_onnx.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onnx/onnx.pb-c.h"
#include "onnx/infer.h"

/* --- helpers ------------------------------------------------------------- */

/* A float initializer of zeros. */
static void weight(frmi_onnx_builder *b, const char *name, int rank, const int64_t *dims)
{
    frmi_onnx_initializer_f32(b, name, rank, dims, NULL);
}

/* Node `name` is known, its first output has the dims (...), and its
 * counts are macs / flops. */
#define expect_node_counts(p, name, macs, flops, ...) \
    expect_node_counts_at((p), (name), (macs), (flops), INTS(__VA_ARGS__), __FILE__, __LINE__)
#define expect_node_counts_scalar(p, name, macs, flops) \
    expect_node_counts_at((p), (name), (macs), (flops), 0, NULL, __FILE__, __LINE__)
static void expect_node_counts_at(const frm_profile *p, const char *name, uint64_t macs,
                                  uint64_t flops, int rank, const int64_t *dims, const char *file,
                                  int line)
{
    tu_expect_node(p, name, T_ANY, rank, dims, file, line);
    const frm_node_profile *n = tu_find_node(p, name);
    if (n->macs != macs || n->flops != flops) {
        print_error("%s:%d: node %s: macs %llu flops %llu, expected macs %llu flops %llu\n", file,
                    line, name, (unsigned long long)n->macs, (unsigned long long)n->flops,
                    (unsigned long long)macs, (unsigned long long)flops);
        _fail(file, line);
    }
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (len)
        assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/*
 * The library and the CLI both reject `path`: the library with `code` and
 * a message naming the file and containing `what`; `frm profile` with exit
 * status 1, nothing on stdout, and the same on stderr.
 */
static void expect_rejected(const char *path, frm_code code, const char *what)
{
    frm_error err;
    frm_profile *p = NULL;
    frm_code rc = frm_profile_file(path, NULL, &p, &err);
    if (rc != code)
        fail_msg("%s: code %d (%s), expected %d", path, (int)rc, rc ? err.message : "ok", (int)code);
    assert_null(p);
    assert_int_equal(err.code, code);
    assert_contains(err.message, path);
    assert_contains(err.message, what);

    tu_run r = tu_frm(NULL, NULL, "profile", path, NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    assert_contains(r.err, path);
    assert_contains(r.err, what);
    assert_contains(r.err, err.message);
    tu_run_free(&r);
}

/* --- Conv ---------------------------------------------------------------- */

/*
 * x (input, dims xd) -> Conv "conv" (weight w of dims wd, bias b when
 * `bias`) -> y (graph output).  The node handle is returned for attributes.
 */
static frmi_onnx_builder *conv_model(const int64_t xd[4], const int64_t wd[4], int bias,
                                     frmi_onnx_node **conv)
{
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", 4, xd);
    weight(b, "w", 4, wd);
    if (bias)
        weight(b, "b", 1, &wd[0]);
    *conv = tu_node_named(b, "Conv", "conv", bias ? "x w b" : "x w", "y");
    tu_output(b, "y");
    return b;
}

static void conv_plain(void **state)
{
    (void)state;
    frmi_onnx_node *n;
    frmi_onnx_builder *b = conv_model(DIMS(1, 3, 8, 8), DIMS(4, 3, 3, 3), 0, &n);
    frm_profile *p = tu_profile(b, "conv_plain.onnx");
    /* out 8 - 3 + 1 = 6: Y [1,4,6,6] = 144; MACs 144 * 3*3*3 = 144*27 = 3888;
     * FLOPs 2 * 3888 = 7776 (no bias) */
    expect_node_counts(p, "conv", 3888, 7776, 1, 4, 6, 6);
    assert_int_equal(p->macs, 3888);
    assert_int_equal(p->flops, 7776);
    assert_int_equal(p->params, 108);               /* 4*3*3*3 */
    assert_int_equal(p->weights_bytes, 432);        /* 108 * 4 */
    assert_int_equal(p->activations, 144);          /* numel(Y) */
    assert_int_equal(p->activations_peak_bytes, 576); /* Y, a graph output: 144 * 4 */
    assert_int_equal(p->partial, 0);
    assert_int_equal(p->n_unknown, 0);
    assert_int_equal(p->n_nodes_total, 1);
    assert_string_equal(p->model, "conv_plain");
    assert_int_equal(p->opset, 17);
    assert_int_equal(p->n_inputs, 1);               /* initializers are not inputs */
    assert_string_equal(p->inputs[0].name, "x");
    assert_int_equal(p->inputs[0].elem_type, T_FLOAT);
    assert_int_equal(p->n_outputs, 1);
    assert_shape(&p->outputs[0], T_ANY, 1, 4, 6, 6);
    assert_int_equal(p->n_ops, 1);
    assert_string_equal(p->ops[0].op, "Conv");
    assert_int_equal(p->ops[0].count, 1);
    assert_int_equal(p->ops[0].macs, 3888);
    assert_int_equal(p->ops[0].flops, 7776);
    frm_profile_free(p);
}

static void conv_bias(void **state)
{
    (void)state;
    frmi_onnx_node *n;
    frmi_onnx_builder *b = conv_model(DIMS(1, 3, 8, 8), DIMS(4, 3, 3, 3), 1, &n);
    frm_profile *p = tu_profile(b, "conv_bias.onnx");
    /* as conv_plain, plus one add per output element: 7776 + 144 = 7920 */
    expect_node_counts(p, "conv", 3888, 7920, 1, 4, 6, 6);
    assert_int_equal(p->flops, 7920);
    assert_int_equal(p->params, 112);               /* 108 + 4 */
    assert_int_equal(p->weights_bytes, 448);        /* 112 * 4 */
    frm_profile_free(p);

    /* an omitted bias ("") is no bias: FLOPs 2 * 3888 = 7776 */
    b = tu_model(17);
    tu_input(b, "x", INTS(1, 3, 8, 8));
    weight(b, "w", INTS(4, 3, 3, 3));
    tu_node_named(b, "Conv", "conv", "x w -", "y");
    tu_output(b, "y");
    p = tu_profile(b, "conv_no_bias.onnx");
    expect_node_counts(p, "conv", 3888, 7776, 1, 4, 6, 6);
    frm_profile_free(p);
}

static void conv_stride_pads(void **state)
{
    (void)state;
    frmi_onnx_node *n;
    frmi_onnx_builder *b = conv_model(DIMS(1, 3, 8, 8), DIMS(6, 3, 3, 3), 0, &n);
    frmi_onnx_attr_ints(n, "strides", INTS(2, 2));
    /* begin H 1, begin W 0, end H 2, end W 1 */
    frmi_onnx_attr_ints(n, "pads", INTS(1, 0, 2, 1));
    frm_profile *p = tu_profile(b, "conv_stride.onnx");
    /* H: floor((8 + 1 + 2 - 3) / 2) + 1 = 4 + 1 = 5;
     * W: floor((8 + 0 + 1 - 3) / 2) + 1 = 3 + 1 = 4;
     * Y [1,6,5,4] = 120; MACs 120 * 27 = 3240 */
    expect_node_counts(p, "conv", 3240, 6480, 1, 6, 5, 4);
    assert_int_equal(p->activations, 120);
    frm_profile_free(p);

    /* symmetric pads 1: floor((8 + 2 - 3) / 2) + 1 = 3 + 1 = 4; Y [1,6,4,4] = 96;
     * MACs 96 * 27 = 2592 */
    b = conv_model(DIMS(1, 3, 8, 8), DIMS(6, 3, 3, 3), 0, &n);
    frmi_onnx_attr_ints(n, "strides", INTS(2, 2));
    frmi_onnx_attr_ints(n, "pads", INTS(1, 1, 1, 1));
    p = tu_profile(b, "conv_stride_sym.onnx");
    expect_node_counts(p, "conv", 2592, 5184, 1, 6, 4, 4);
    frm_profile_free(p);
}

static void conv_dilation(void **state)
{
    (void)state;
    frmi_onnx_node *n;
    frmi_onnx_builder *b = conv_model(DIMS(1, 3, 8, 8), DIMS(2, 3, 3, 3), 0, &n);
    frmi_onnx_attr_ints(n, "dilations", INTS(2, 2));
    frm_profile *p = tu_profile(b, "conv_dilation.onnx");
    /* keff = (3 - 1) * 2 + 1 = 5; out 8 - 5 + 1 = 4; Y [1,2,4,4] = 32;
     * MACs 32 * 27 = 864 (dilation does not change the products per output) */
    expect_node_counts(p, "conv", 864, 1728, 1, 2, 4, 4);
    frm_profile_free(p);
}

static void conv_grouped(void **state)
{
    (void)state;
    frmi_onnx_node *n;
    frmi_onnx_builder *b = conv_model(DIMS(1, 4, 6, 6), DIMS(8, 2, 3, 3), 0, &n);
    frmi_onnx_attr_int(n, "group", 2);
    frmi_onnx_attr_ints(n, "pads", INTS(1, 1, 1, 1));
    frm_profile *p = tu_profile(b, "conv_group.onnx");
    /* out 6 + 2 - 3 + 1 = 6; Y [1,8,6,6] = 288; MACs 288 * (4/2)*3*3 = 288*18 = 5184 */
    expect_node_counts(p, "conv", 5184, 10368, 1, 8, 6, 6);
    assert_int_equal(p->params, 144);               /* 8*2*3*3 */
    frm_profile_free(p);
}

static void conv_depthwise(void **state)
{
    (void)state;
    frmi_onnx_node *n;
    frmi_onnx_builder *b = conv_model(DIMS(1, 4, 6, 6), DIMS(4, 1, 3, 3), 0, &n);
    frmi_onnx_attr_int(n, "group", 4);
    frmi_onnx_attr_ints(n, "pads", INTS(1, 1, 1, 1));
    frm_profile *p = tu_profile(b, "conv_dw.onnx");
    /* Y [1,4,6,6] = 144; MACs 144 * (4/4)*3*3 = 144*9 = 1296 */
    expect_node_counts(p, "conv", 1296, 2592, 1, 4, 6, 6);
    assert_int_equal(p->params, 36);                /* 4*1*3*3 */
    frm_profile_free(p);
}

static void conv_auto_pad(void **state)
{
    (void)state;
    frmi_onnx_node *n;
    frmi_onnx_builder *b = conv_model(DIMS(1, 2, 7, 7), DIMS(3, 2, 3, 3), 0, &n);
    frmi_onnx_attr_string(n, "auto_pad", "SAME_UPPER");
    frmi_onnx_attr_ints(n, "strides", INTS(2, 2));
    frm_profile *p = tu_profile(b, "conv_same.onnx");
    /* SAME: out = ceil(7 / 2) = 4; Y [1,3,4,4] = 48; MACs 48 * 2*3*3 = 48*18 = 864 */
    expect_node_counts(p, "conv", 864, 1728, 1, 3, 4, 4);
    frm_profile_free(p);

    b = conv_model(DIMS(1, 2, 7, 7), DIMS(3, 2, 3, 3), 0, &n);
    frmi_onnx_attr_string(n, "auto_pad", "VALID");
    frmi_onnx_attr_ints(n, "strides", INTS(2, 2));
    p = tu_profile(b, "conv_valid.onnx");
    /* VALID: out = floor((7 - 3) / 2) + 1 = 3; Y [1,3,3,3] = 27; MACs 27 * 18 = 486 */
    expect_node_counts(p, "conv", 486, 972, 1, 3, 3, 3);
    frm_profile_free(p);

    /* SAME_LOWER gives the same size as SAME_UPPER: ceil(7 / 2) = 4 */
    b = conv_model(DIMS(1, 2, 7, 7), DIMS(3, 2, 3, 3), 0, &n);
    frmi_onnx_attr_string(n, "auto_pad", "SAME_LOWER");
    frmi_onnx_attr_ints(n, "strides", INTS(2, 2));
    p = tu_profile(b, "conv_same_lower.onnx");
    expect_node_counts(p, "conv", 864, 1728, 1, 3, 4, 4);
    frm_profile_free(p);
}

static void conv_1x1(void **state)
{
    (void)state;
    frmi_onnx_node *n;
    frmi_onnx_builder *b = conv_model(DIMS(1, 3, 8, 8), DIMS(5, 3, 1, 1), 0, &n);
    frm_profile *p = tu_profile(b, "conv_1x1.onnx");
    /* Y [1,5,8,8] = 320; MACs 320 * 3*1*1 = 960 */
    expect_node_counts(p, "conv", 960, 1920, 1, 5, 8, 8);
    assert_int_equal(p->params, 15);                /* 5*3 */
    frm_profile_free(p);
}

static void conv_batch_symbolic(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    frmi_onnx_input(b, "x", T_FLOAT, INTS(-1, 3, 8, 8), (const char *const[]){ "batch", NULL, NULL, NULL });
    weight(b, "w", INTS(4, 3, 3, 3));
    weight(b, "b", INTS(4));
    tu_node_named(b, "Conv", "conv", "x w b", "y");
    tu_output(b, "y");
    const char *path = tu_save(b, "conv_batch.onnx");

    frm_profile_options opt = FRM_PROFILE_OPTIONS_INIT;
    opt.per_node = 1;
    frm_profile *p = tu_profile_file(path, &opt);
    /* batch 1 (the default): Y [1,4,6,6] = 144; MACs 144*27 = 3888;
     * FLOPs 2*3888 + 144 = 7920 */
    expect_node_counts(p, "conv", 3888, 7920, 1, 4, 6, 6);
    assert_shape(&p->inputs[0], T_ANY, 1, 3, 8, 8);
    frm_profile_free(p);

    opt.batch = 2;
    p = tu_profile_file(path, &opt);
    /* batch 2: Y [2,4,6,6] = 288; MACs 288*27 = 7776; FLOPs 2*7776 + 288 = 15840 */
    expect_node_counts(p, "conv", 7776, 15840, 2, 4, 6, 6);
    assert_shape(&p->inputs[0], T_ANY, 2, 3, 8, 8);
    assert_int_equal(p->macs, 7776);
    assert_int_equal(p->activations, 288);
    assert_int_equal(p->activations_peak_bytes, 1152);  /* 288 * 4 */
    assert_int_equal(p->params, 112);               /* weights do not scale: 108 + 4 */
    frm_profile_free(p);

    /* batch 0 is refused */
    frm_error err;
    opt.batch = 0;
    p = (frm_profile *)&err;
    assert_int_equal(frm_profile_file(path, &opt, &p, &err), FRM_E_ARGUMENT);
    assert_null(p);
    assert_contains(err.message, "batch");
}

/*
 * Only the leading dim takes the batch: a fixed batch is kept (and
 * recorded), a contradicting --batch is refused, and any other symbolic
 * dim must be given.
 */
static void batch_and_symbolic_dims(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    frmi_onnx_input(b, "x", T_FLOAT, INTS(4, 3, 8, 8), NULL);
    weight(b, "w", INTS(4, 3, 3, 3));
    tu_node_named(b, "Conv", "conv", "x w", "y");
    tu_output(b, "y");
    const char *fixed = tu_save(b, "conv_fixed4.onnx");
    frm_profile_options opt = FRM_PROFILE_OPTIONS_INIT;
    frm_profile *p = tu_profile_file(fixed, &opt);
    /* batch 4 as the file says: Y [4,4,6,6] = 576 outputs of 27 MACs */
    assert_int_equal(p->batch, 4);
    assert_int_equal(p->macs, 576 * 27);
    frm_profile_free(p);
    frm_error err;
    opt.batch = 2;
    opt.batch_given = 1;
    assert_int_equal(frm_profile_file(fixed, &opt, &p, &err), FRM_E_ARGUMENT);
    assert_contains(err.message, "input 'x' has a fixed batch of 4 (shape 4x3x8x8); --batch 2 "
                                 "contradicts it");
    opt.batch = 4;
    p = tu_profile_file(fixed, &opt);
    assert_int_equal(p->batch, 4);
    frm_profile_free(p);

    b = tu_model(17);
    frmi_onnx_input(b, "x", T_FLOAT, INTS(-1, 3, -1, -1),
                    (const char *const[]){"N", NULL, "height", "width"});
    weight(b, "w", INTS(4, 3, 3, 3));
    tu_node_named(b, "Conv", "conv", "x w", "y");
    tu_output(b, "y");
    const char *open_hw = tu_save(b, "conv_open_hw.onnx");
    opt = (frm_profile_options)FRM_PROFILE_OPTIONS_INIT;
    assert_int_equal(frm_profile_file(open_hw, &opt, &p, &err), FRM_E_ARGUMENT);
    assert_contains(err.message, "input 'x' has shape Nx3xheightxwidth: dimension 2 ('height') "
                                 "is symbolic");
    assert_contains(err.message, "--input x=");
    /* given, it is used as given: [2,3,10,10] -> Y [2,4,8,8] */
    frm_input_shape shape;
    assert_int_equal(frm_input_shape_parse("x=2x3x10x10", &shape, &err), FRM_OK);
    opt.inputs = &shape;
    opt.n_inputs = 1;
    p = tu_profile_file(open_hw, &opt);
    assert_int_equal(p->batch, 2);
    assert_int_equal(p->macs, 2 * 4 * 8 * 8 * 27);
    frm_profile_free(p);
}

static void conv_input_override(void **state)
{
    (void)state;
    frm_error err;
    frm_input_shape shape;
    assert_int_equal(frm_input_shape_parse("x=1x3x32x32", &shape, &err), FRM_OK);
    assert_string_equal(shape.name, "x");
    assert_int_equal(shape.rank, 4);
    assert_int_equal(shape.dims[0], 1);
    assert_int_equal(shape.dims[1], 3);
    assert_int_equal(shape.dims[2], 32);
    assert_int_equal(shape.dims[3], 32);
    frm_input_shape comma;
    assert_int_equal(frm_input_shape_parse("x=1,3,32,32", &comma, &err), FRM_OK);
    assert_int_equal(comma.rank, 4);
    assert_int_equal(comma.dims[3], 32);
    frm_input_shape bad;
    assert_int_equal(frm_input_shape_parse("bad", &bad, &err), FRM_E_ARGUMENT);
    assert_int_equal(frm_input_shape_parse("x=", &bad, &err), FRM_E_ARGUMENT);
    assert_int_equal(frm_input_shape_parse("x=1x", &bad, &err), FRM_E_ARGUMENT);
    assert_int_equal(frm_input_shape_parse("x=1xax3", &bad, &err), FRM_E_ARGUMENT);
    assert_int_equal(frm_input_shape_parse("x=-1x3", &bad, &err), FRM_E_ARGUMENT);

    frmi_onnx_node *n;
    frmi_onnx_builder *b = conv_model(DIMS(1, 3, 8, 8), DIMS(4, 3, 3, 3), 0, &n);
    const char *path = tu_save(b, "conv_override.onnx");
    frm_profile_options opt = FRM_PROFILE_OPTIONS_INIT;
    opt.per_node = 1;
    opt.inputs = &shape;
    opt.n_inputs = 1;
    frm_profile *p = tu_profile_file(path, &opt);
    /* x is 1x3x32x32 instead of 1x3x8x8: out 32 - 3 + 1 = 30; Y [1,4,30,30] = 3600;
     * MACs 3600 * 27 = 97200 */
    assert_shape(&p->inputs[0], T_ANY, 1, 3, 32, 32);
    expect_node_counts(p, "conv", 97200, 194400, 1, 4, 30, 30);
    assert_int_equal(p->macs, 97200);
    frm_profile_free(p);

    /* an override of an input the model does not have */
    frm_input_shape other;
    assert_int_equal(frm_input_shape_parse("nope=1x3", &other, &err), FRM_OK);
    opt.inputs = &other;
    p = (frm_profile *)&err;
    assert_int_equal(frm_profile_file(path, &opt, &p, &err), FRM_E_ARGUMENT);
    assert_null(p);
    assert_contains(err.message, "nope");
    assert_contains(err.message, "no input of that name");
}

/* --- ConvTranspose --------------------------------------------------------- */

static void conv_transpose(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 4, 5, 5));
    weight(b, "w", INTS(4, 3, 3, 3));              /* Cin 4, Cout/group 3 */
    weight(b, "bias", INTS(3));
    weight(b, "wg", INTS(4, 2, 3, 3));             /* group 2: Cout = 2*2 = 4 */
    frmi_onnx_node *n = tu_node_named(b, "ConvTranspose", "up", "x w bias", "y");
    frmi_onnx_attr_ints(n, "strides", INTS(2, 2));
    frmi_onnx_attr_ints(n, "pads", INTS(1, 1, 1, 1));
    frmi_onnx_attr_ints(n, "output_padding", INTS(1, 1));
    n = tu_node_named(b, "ConvTranspose", "upg", "x wg", "z");
    frmi_onnx_attr_ints(n, "strides", INTS(2, 2));
    frmi_onnx_attr_int(n, "group", 2);
    tu_output(b, "y");
    tu_output(b, "z");
    frm_profile *p = tu_profile(b, "conv_t.onnx");
    /* out = stride*(in - 1) + output_padding + (k - 1)*d + 1 - pad_begin - pad_end
     *     = 2*4 + 1 + 3 - 1 - 1 = 10; Y [1,3,10,10] = 300;
     * MACs = numel(X) * Cout/group*kH*kW = (1*4*5*5) * 3*3*3 = 100 * 27 = 2700;
     * FLOPs 2*2700 + 300 (bias) = 5700 */
    expect_node_counts(p, "up", 2700, 5700, 1, 3, 10, 10);
    /* group 2, no pads: out = 2*4 + 0 + 3 = 11; Z [1,4,11,11] = 484;
     * MACs = 100 * 2*3*3 = 1800; FLOPs 3600 */
    expect_node_counts(p, "upg", 1800, 3600, 1, 4, 11, 11);
    assert_int_equal(p->macs, 4500);                /* 2700 + 1800 */
    assert_int_equal(p->flops, 9300);               /* 5700 + 3600 */
    assert_int_equal(p->activations, 784);          /* 300 + 484 */
    assert_int_equal(p->params, 183);               /* 108 + 3 + 72 */
    frm_profile_free(p);
}

/* --- Gemm and MatMul --------------------------------------------------------- */

static void gemm_transposed(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "a", INTS(8, 2));                   /* transA: M 2, K 8 */
    weight(b, "bw", INTS(5, 8));                    /* transB: N 5, K 8 */
    weight(b, "c", INTS(5));
    frmi_onnx_node *n = tu_node_named(b, "Gemm", "fc", "a bw c", "y");
    frmi_onnx_attr_int(n, "transA", 1);
    frmi_onnx_attr_int(n, "transB", 1);
    tu_input(b, "a2", INTS(2, 8));
    weight(b, "bw2", INTS(8, 5));
    tu_node_named(b, "Gemm", "fc2", "a2 bw2", "y2");  /* no C, no transposes */
    tu_output(b, "y");
    tu_output(b, "y2");
    frm_profile *p = tu_profile(b, "gemm.onnx");
    /* Y [2,5] = 10; MACs 10 * K 8 = 80; FLOPs 2*80 + 10 (C) = 170 */
    expect_node_counts(p, "fc", 80, 170, 2, 5);
    /* Y2 [2,5] = 10; MACs 80; FLOPs 160 (no bias) */
    expect_node_counts(p, "fc2", 80, 160, 2, 5);
    assert_int_equal(p->macs, 160);
    assert_int_equal(p->flops, 330);
    assert_int_equal(p->params, 85);                /* 40 + 5 + 40 */
    assert_int_equal(p->activations, 20);
    const frm_op_total *t = tu_find_op(p, "Gemm");
    assert_int_equal(t->count, 2);
    assert_int_equal(t->macs, 160);
    assert_int_equal(t->flops, 330);
    frm_profile_free(p);
}

static void matmul_broadcast(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "a", INTS(2, 1, 4, 5));
    tu_input(b, "b", INTS(3, 5, 6));
    tu_node_named(b, "MatMul", "mm", "a b", "y");
    tu_output(b, "y");
    frm_profile *p = tu_profile(b, "matmul.onnx");
    /* batch dims [2,1] and [3] broadcast to [2,3]: Y [2,3,4,6] = 144;
     * MACs 2*3*4*6 * 5 = 144 * 5 = 720; FLOPs 1440 */
    expect_node_counts(p, "mm", 720, 1440, 2, 3, 4, 6);
    assert_int_equal(p->macs, 720);
    assert_int_equal(p->activations, 144);
    assert_int_equal(p->params, 0);                 /* no initializers */
    assert_int_equal(p->weights_bytes, 0);
    frm_profile_free(p);
}

static void matmul_1d(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "v", INTS(5));
    tu_input(b, "m", INTS(5, 6));
    tu_input(b, "t", INTS(2, 4, 5));
    tu_node_named(b, "MatMul", "vm", "v m", "y1");
    tu_node_named(b, "MatMul", "tv", "t v", "y2");
    tu_node_named(b, "MatMul", "vv", "v v", "y3");
    tu_output(b, "y1");
    tu_output(b, "y2");
    tu_output(b, "y3");
    frm_profile *p = tu_profile(b, "matmul1d.onnx");
    /* [5] x [5,6]: [1,5] x [5,6] = [1,6], 1 dropped: [6]; MACs 6 * 5 = 30 */
    expect_node_counts(p, "vm", 30, 60, 6);
    /* [2,4,5] x [5]: [2,4,5] x [5,1] = [2,4,1], 1 dropped: [2,4]; MACs 8 * 5 = 40 */
    expect_node_counts(p, "tv", 40, 80, 2, 4);
    /* [5] x [5]: a scalar (numel 1); MACs 1 * 5 = 5 */
    expect_node_counts_scalar(p, "vv", 5, 10);
    assert_int_equal(p->macs, 75);                  /* 30 + 40 + 5 */
    assert_int_equal(p->activations, 15);           /* 6 + 8 + 1 */
    frm_profile_free(p);
}

/* --- params ---------------------------------------------------------------- */

/* x [1,2,4,4] -> Conv (w [2,2,1,1]) -> c; the caller adds the rest. */
static frmi_onnx_builder *conv_1x1_model(void)
{
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 2, 4, 4));
    weight(b, "w", INTS(2, 2, 1, 1));
    tu_node_named(b, "Conv", "conv", "x w", "c");
    return b;
}

static void params_without_bn(void **state)
{
    (void)state;
    frmi_onnx_builder *b = conv_1x1_model();
    tu_output(b, "c");
    frm_profile *p = tu_profile(b, "params_plain.onnx");
    assert_int_equal(p->params, 4);                 /* 2*2*1*1 */
    assert_int_equal(p->weights_bytes, 16);         /* 4 * 4 */
    /* C [1,2,4,4] = 32; MACs 32 * 2 = 64 */
    assert_int_equal(p->macs, 64);
    frm_profile_free(p);
}

static void params_with_bn(void **state)
{
    (void)state;
    frmi_onnx_builder *b = conv_1x1_model();
    weight(b, "gamma", INTS(2));
    weight(b, "beta", INTS(2));
    weight(b, "mean", INTS(2));
    weight(b, "var", INTS(2));
    tu_node_named(b, "BatchNormalization", "bn", "c gamma beta mean var", "y");
    tu_output(b, "y");
    frm_profile *p = tu_profile(b, "params_bn.onnx");
    /* w 4 + gamma 2 + beta 2; mean and var are buffers */
    assert_int_equal(p->params, 8);
    /* all five initializers: (4 + 2*4) * 4 = 48 */
    assert_int_equal(p->weights_bytes, 48);
    /* conv 32*2 = 64 MACs, 128 FLOPs; BN one per element: 32 */
    expect_node_counts(p, "conv", 64, 128, 1, 2, 4, 4);
    expect_node_counts(p, "bn", 0, 32, 1, 2, 4, 4);
    assert_int_equal(p->flops, 160);
    assert_int_equal(p->activations, 32);           /* BN's output is not counted */
    frm_profile_free(p);
}

static void params_bn_shared_var(void **state)
{
    (void)state;
    frmi_onnx_builder *b = conv_1x1_model();
    weight(b, "gamma", INTS(2));
    weight(b, "beta", INTS(2));
    weight(b, "mean", INTS(2));
    weight(b, "ones", INTS(2));
    tu_node_named(b, "BatchNormalization", "bn", "c gamma beta mean ones", "y");
    tu_input(b, "z", INTS(2));
    tu_node_named(b, "Mul", "scale", "z ones", "s");  /* "ones" also serves a Mul */
    tu_output(b, "y");
    tu_output(b, "s");
    frm_profile *p = tu_profile(b, "params_shared.onnx");
    /* w 4 + gamma 2 + beta 2 + ones 2 (used elsewhere, stays a parameter) = 10;
     * mean 2 excluded */
    assert_int_equal(p->params, 10);
    assert_int_equal(p->weights_bytes, 48);         /* (4 + 4*2) * 4 */
    expect_node_counts(p, "scale", 0, 2, 2);
    frm_profile_free(p);
}

static void params_bn_through_identity(void **state)
{
    (void)state;
    frmi_onnx_builder *b = conv_1x1_model();
    weight(b, "gamma", INTS(2));
    weight(b, "beta", INTS(2));
    weight(b, "mean0", INTS(2));
    weight(b, "var0", INTS(2));
    tu_node_named(b, "Identity", "id1", "mean0", "mean1");
    tu_node_named(b, "Identity", "id2", "mean1", "mean2");  /* two hops */
    tu_node_named(b, "Identity", "id3", "var0", "var1");
    tu_node_named(b, "BatchNormalization", "bn", "c gamma beta mean2 var1", "y");
    tu_output(b, "y");
    frm_profile *p = tu_profile(b, "params_identity.onnx");
    /* w 4 + gamma 2 + beta 2 = 8; mean0 and var0 reach BN 3/4 through Identity */
    assert_int_equal(p->params, 8);
    assert_int_equal(p->weights_bytes, 48);
    assert_int_equal(p->partial, 0);
    frm_profile_free(p);

    /* gamma reached through an Identity stays a parameter */
    b = conv_1x1_model();
    weight(b, "gamma0", INTS(2));
    weight(b, "beta", INTS(2));
    weight(b, "mean", INTS(2));
    weight(b, "var", INTS(2));
    tu_node_named(b, "Identity", "id", "gamma0", "gamma");
    tu_node_named(b, "BatchNormalization", "bn", "c gamma beta mean var", "y");
    tu_output(b, "y");
    p = tu_profile(b, "params_identity_gamma.onnx");
    assert_int_equal(p->params, 8);                 /* 4 + 2 + 2 */
    frm_profile_free(p);
}

static void params_int64_initializer(void **state)
{
    (void)state;
    frmi_onnx_builder *b = conv_1x1_model();
    frmi_onnx_initializer_i64(b, "shape", INTS(2), DIMS(1, 32));
    tu_node_named(b, "Reshape", "flat", "c shape", "y");
    tu_output(b, "y");
    frm_profile *p = tu_profile(b, "params_i64.onnx");
    /* int64 "shape" is no parameter: params = w 4 */
    assert_int_equal(p->params, 4);
    /* but its bytes count: 4*4 + 2*8 = 32 */
    assert_int_equal(p->weights_bytes, 32);
    expect_node_counts(p, "flat", 0, 0, 1, 32);
    frm_profile_free(p);
}

/* --- activations and the liveness peak --------------------------------------- */

static void peak_branching(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 4, 8, 8));
    tu_node_named(b, "Relu", "a", "x", "ta");
    tu_node_named(b, "Sigmoid", "b", "ta", "tb");
    tu_node_named(b, "Tanh", "c", "ta", "tc");
    tu_node_named(b, "Add", "d", "tb tc", "td");
    tu_output(b, "td");
    frm_profile *p = tu_profile(b, "peak_branch.onnx");
    /* every tensor is 1*4*8*8 = 256 floats = 1024 B.
     *   a runs: ta live                       1024
     *   b runs: ta tb                         2048
     *   c runs: ta tb tc                      3072 (peak); ta freed (last read) -> 2048
     *   d runs: tb tc td                      3072; tb tc freed -> 1024 (td is an output)
     * x is a graph input: not counted. */
    assert_int_equal(p->activations_peak_bytes, 3072);
    /* one FLOP per element for each of the four nodes: 4 * 256 = 1024 */
    assert_int_equal(p->flops, 1024);
    assert_int_equal(p->macs, 0);
    assert_int_equal(p->activations, 0);            /* no Conv/Gemm/MatMul */
    expect_node_counts(p, "d", 0, 256, 1, 4, 8, 8);
    frm_profile_free(p);
}

static void peak_frees_dead_outputs(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 256));
    tu_node_named(b, "Relu", "a", "x", "ta");
    tu_node_named(b, "Sigmoid", "dead", "ta", "td");  /* read by no one, no graph output */
    tu_node_named(b, "Tanh", "b", "ta", "tb");
    tu_node_named(b, "Neg", "y", "tb", "ty");
    tu_output(b, "ty");
    frm_profile *p = tu_profile(b, "peak_dead.onnx");
    /* each tensor 256 floats = 1024 B.
     *   a:    ta                  1024
     *   dead: ta td               2048 (peak); td has no reader -> freed: 1024
     *   b:    ta tb               2048; ta freed -> 1024
     *   y:    tb ty               2048; tb freed -> 1024
     * Were td kept, b would see ta td tb = 3072. */
    assert_int_equal(p->activations_peak_bytes, 2048);
    frm_profile_free(p);
}

static void peak_outputs_and_double_reads(void **state)
{
    (void)state;
    /* an intermediate tensor that is also a graph output stays live */
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 256));
    tu_node_named(b, "Relu", "a", "x", "ta");
    tu_node_named(b, "Sigmoid", "b", "ta", "tb");
    tu_node_named(b, "Neg", "c", "tb", "tc");
    tu_output(b, "ta");
    tu_output(b, "tc");
    frm_profile *p = tu_profile(b, "peak_output_live.onnx");
    /* each tensor 1024 B.
     *   a: ta                1024
     *   b: ta tb             2048; ta is a graph output: kept
     *   c: ta tb tc          3072 (peak); tb freed -> 2048
     * Were ta freed after b, the peak would be 2048. */
    assert_int_equal(p->activations_peak_bytes, 3072);
    frm_profile_free(p);

    /* a node reading one tensor twice frees it once */
    b = tu_model(17);
    tu_input(b, "x", INTS(1, 256));
    tu_node_named(b, "Relu", "a", "x", "ta");
    tu_node_named(b, "Mul", "sq", "ta ta", "tb");
    tu_node_named(b, "Neg", "c", "tb", "tc");
    tu_node_named(b, "Abs", "d", "tc", "td");
    tu_output(b, "td");
    p = tu_profile(b, "peak_double_read.onnx");
    /*   a:  ta               1024
     *   sq: ta tb            2048 (peak); ta freed once -> 1024
     *   c:  tb tc            2048; tb freed -> 1024
     *   d:  tc td            2048; tc freed -> 1024 */
    assert_int_equal(p->activations_peak_bytes, 2048);
    assert_int_equal(p->flops, 1024);               /* 4 nodes * 256 */
    frm_profile_free(p);
}

static void nodes_out_of_order(void **state)
{
    (void)state;
    /* the file lists the consumer first; frm runs a topological order */
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 256));
    tu_node_named(b, "Neg", "last", "tb", "tc");
    tu_node_named(b, "Relu", "first", "x", "ta");
    tu_node_named(b, "Sigmoid", "middle", "ta", "tb");
    tu_output(b, "tc");
    frm_profile *p = tu_profile(b, "out_of_order.onnx");
    assert_int_equal(p->partial, 0);
    expect_node_counts(p, "last", 0, 256, 1, 256);
    assert_int_equal(p->flops, 768);                /* 3 * 256 */
    /* order first, middle, last:
     *   first:  ta           1024
     *   middle: ta tb        2048 (peak); ta freed -> 1024
     *   last:   tb tc        2048; tb freed -> 1024 */
    assert_int_equal(p->activations_peak_bytes, 2048);
    /* nodes are listed in the file's order */
    assert_string_equal(p->nodes[0].name, "last");
    assert_string_equal(p->nodes[1].name, "first");
    frm_profile_free(p);
}

static void unnamed_nodes(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 4));
    const char *in[] = { "x" }, *out[] = { "r" }, *in2[] = { "r" }, *out2[] = { "y" };
    assert_non_null(frmi_onnx_node_add(b, "Relu", NULL, 1, in, 1, out));
    assert_non_null(frmi_onnx_node_add(b, "Bogus", NULL, 1, in2, 1, out2));
    tu_output(b, "y");
    frm_profile *p = tu_profile(b, "unnamed.onnx");
    /* a node without a name is called "Op#index" */
    expect_node_counts(p, "Relu#0", 0, 4, 1, 4);
    assert_int_equal(p->n_unknown, 1);
    assert_string_equal(p->unknown[0].name, "Bogus#1");
    frm_profile_free(p);
}

static void peak_and_activations(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 3, 4, 4));
    weight(b, "w", INTS(2, 3, 1, 1));
    weight(b, "fw", INTS(32, 10));
    weight(b, "mw", INTS(10, 3));
    tu_node_named(b, "Conv", "conv", "x w", "c");
    frmi_onnx_attr_int(tu_node_named(b, "Flatten", "flat", "c", "f"), "axis", 1);
    tu_node_named(b, "Gemm", "fc", "f fw", "g");
    tu_node_named(b, "Relu", "relu", "g", "r");
    tu_node_named(b, "MatMul", "mm", "r mw", "y");
    tu_output(b, "y");
    frm_profile *p = tu_profile(b, "activations.onnx");
    /* conv  C [1,2,4,4] = 32,  MACs 32 * 3 = 96
     * flat  F [1,32]
     * fc    G [1,10] = 10,     MACs 10 * 32 = 320
     * relu  R [1,10]           10 FLOPs
     * mm    Y [1,3] = 3,       MACs 3 * 10 = 30 */
    expect_node_counts(p, "conv", 96, 192, 1, 2, 4, 4);
    expect_node_counts(p, "flat", 0, 0, 1, 32);
    expect_node_counts(p, "fc", 320, 640, 1, 10);
    expect_node_counts(p, "relu", 0, 10, 1, 10);
    expect_node_counts(p, "mm", 30, 60, 1, 3);
    assert_int_equal(p->macs, 446);                 /* 96 + 320 + 30 */
    assert_int_equal(p->flops, 902);                /* 2*446 + 10 */
    /* Conv, Gemm and MatMul outputs: 32 + 10 + 3 = 45 (Flatten and Relu not counted) */
    assert_int_equal(p->activations, 45);
    /*   conv: c                 128
     *   flat: c f               256 (peak); c freed -> 128
     *   fc:   f g               168; f freed -> 40
     *   relu: g r                80; g freed -> 40
     *   mm:   r y                52; r freed -> 12 */
    assert_int_equal(p->activations_peak_bytes, 256);
    assert_int_equal(p->params, 356);               /* 6 + 320 + 30 */
    assert_int_equal(p->weights_bytes, 1424);       /* 356 * 4 */
    frm_profile_free(p);
}

/* --- shape subgraphs ------------------------------------------------------------ */

static void shape_subgraph(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    frmi_onnx_input(b, "x", T_FLOAT, INTS(-1, 3, 4), (const char *const[]){ "N", NULL, NULL });
    frmi_onnx_initializer_i64(b, "zero", 0, NULL, DIMS(0));
    frmi_onnx_initializer_i64(b, "axes", INTS(1), DIMS(0));
    frmi_onnx_initializer_i64(b, "minus1", INTS(1), DIMS(-1));
    weight(b, "w", INTS(12, 5));
    tu_node_named(b, "Shape", "shape", "x", "s");
    frmi_onnx_attr_int(tu_node_named(b, "Gather", "gather", "s zero", "s0"), "axis", 0);
    tu_node_named(b, "Unsqueeze", "unsq", "s0 axes", "s0u");
    frmi_onnx_attr_int(tu_node_named(b, "Concat", "concat", "s0u minus1", "shp"), "axis", 0);
    tu_node_named(b, "Reshape", "reshape", "x shp", "r");
    tu_node_named(b, "MatMul", "mm", "r w", "y");
    tu_output(b, "y");
    frm_profile *p = tu_profile_batch(b, "shape_subgraph.onnx", 2);
    assert_int_equal(p->n_unknown, 0);
    assert_int_equal(p->partial, 0);
    /* x [2,3,4]: Shape [3] = (2,3,4); Gather index 0: scalar 2; Unsqueeze [1] = (2);
     * Concat with (-1): [2] = (2,-1); Reshape x: [2, 24/2] = [2,12] */
    expect_node_counts(p, "shape", 0, 0, 3);
    expect_node_counts_scalar(p, "gather", 0, 0);
    expect_node_counts(p, "unsq", 0, 0, 1);
    expect_node_counts(p, "concat", 0, 0, 2);
    expect_node_counts(p, "reshape", 0, 0, 2, 12);
    /* MatMul [2,12] x [12,5] = [2,5] = 10; MACs 10 * 12 = 120 */
    expect_node_counts(p, "mm", 120, 240, 2, 5);
    assert_int_equal(p->macs, 120);
    assert_int_equal(p->params, 60);                /* w 12*5; the int64 are not params */
    assert_int_equal(p->weights_bytes, 264);        /* 8 + 8 + 8 + 60*4 */
    frm_profile_free(p);
}

/* --- external data ------------------------------------------------------------------ */

/* x [1,3,8,8] -> Conv (w [4,3,3,3] = 432 B, b [4] = 16 B) -> y */
static frmi_onnx_builder *ext_model(void)
{
    frmi_onnx_node *n;
    return conv_model(DIMS(1, 3, 8, 8), DIMS(4, 3, 3, 3), 1, &n);
}

static void external_data(void **state)
{
    (void)state;
    char inline_path[4200], ext_path[4200], data_path[4200];
    const char *dir = tu_subdir("ext");
    snprintf(inline_path, sizeof inline_path, "%s/inline.onnx", dir);
    snprintf(ext_path, sizeof ext_path, "%s/ext.onnx", dir);
    snprintf(data_path, sizeof data_path, "%s/weights.bin", dir);
    tu_write_model(ext_model(), inline_path, NULL);
    frmi_onnx_write_options wo = { "weights.bin", 64 };  /* w (432 B) goes out, b (16 B) stays */
    tu_write_model(ext_model(), ext_path, &wo);
    struct stat st;
    assert_int_equal(stat(data_path, &st), 0);
    assert_int_equal(st.st_size, 432);

    frm_profile *pi = tu_profile_file(inline_path, NULL);
    frm_profile *pe = tu_profile_file(ext_path, NULL);
    assert_int_equal(pi->params, 112);              /* 108 + 4 */
    assert_int_equal(pi->weights_bytes, 448);       /* 112 * 4 */
    assert_int_equal(pe->params, pi->params);
    assert_int_equal(pe->weights_bytes, pi->weights_bytes);
    assert_int_equal(pe->macs, pi->macs);
    assert_int_equal(pe->macs, 3888);               /* 144 * 27 */
    assert_int_equal(pe->flops, pi->flops);
    assert_int_equal(pe->activations_peak_bytes, pi->activations_peak_bytes);
    frm_profile_free(pi);
    frm_profile_free(pe);

    /* weights.bin cut short: 100 of 432 bytes */
    assert_int_equal(truncate(data_path, 100), 0);
    expect_rejected(ext_path, FRM_E_MODEL, "initializer 'w'");
    expect_rejected(ext_path, FRM_E_MODEL, "runs past the end");
    expect_rejected(ext_path, FRM_E_MODEL, "weights.bin");

    /* weights.bin gone */
    assert_int_equal(unlink(data_path), 0);
    expect_rejected(ext_path, FRM_E_MODEL, "initializer 'w'");
    expect_rejected(ext_path, FRM_E_MODEL, data_path);
}

/* --- malformed files --------------------------------------------------------------- */

/* Profiles `len` bytes of `data` written to `path`: either a profile or an
 * FRM_E_MODEL naming the file.  Returns the code; err gets the message. */
static frm_code profile_bytes(const char *path, const uint8_t *data, size_t len, frm_error *err)
{
    write_bytes(path, data, len);
    frm_profile *p = NULL;
    frm_code rc = frm_profile_file(path, NULL, &p, err);
    if (rc == FRM_OK) {
        assert_non_null(p);
        frm_profile_free(p);
    } else {
        assert_null(p);
        if (rc != FRM_E_MODEL)
            fail_msg("%zu bytes: code %d: %s", len, (int)rc, err->message);
        assert_contains(err->message, path);
    }
    return rc;
}

static void malformed_truncated(void **state)
{
    (void)state;
    const char *good = tu_save(ext_model(), "trunc_good.onnx");
    size_t len;
    uint8_t *data = tu_read_bytes(good, &len);
    assert_non_null(data);
    assert_true(len > 500);
    const char *path = tu_path("trunc.onnx");
    int truncated = 0, failed = 0;
    frm_error err;
    for (size_t cut = 0; cut < len; cut++) {
        if (profile_bytes(path, data, cut, &err) != FRM_OK) {
            failed++;
            truncated += strstr(err.message, "truncated") != NULL ||
                         strstr(err.message, "past the end") != NULL;
        }
    }
    assert_true(failed > 0);
    assert_true(truncated > 0);

    /* through the CLI: a cut in the middle of the weights */
    write_bytes(path, data, len / 2);
    expect_rejected(path, FRM_E_MODEL, "not a valid ONNX model");
    expect_rejected(path, FRM_E_MODEL, "past the end");
    /* a cut of the last byte */
    write_bytes(path, data, len - 1);
    expect_rejected(path, FRM_E_MODEL, "not a valid ONNX model");
    free(data);

    /* a model with weights over 32 KiB (kept in the file, not copied) */
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 64, 8, 8));
    weight(b, "big", INTS(64, 64, 3, 3));           /* 36864 floats = 147456 B */
    tu_node_named(b, "Conv", "conv", "x big", "y");
    tu_output(b, "y");
    good = tu_save(b, "trunc_big_good.onnx");
    data = tu_read_bytes(good, &len);
    assert_non_null(data);
    assert_true(len > 147456);
    frm_profile *p = tu_profile_file(good, NULL);
    assert_int_equal(p->params, 36864);
    assert_int_equal(p->weights_bytes, 147456);
    /* Y [1,64,6,6] = 2304; MACs 2304 * 64*3*3 = 2304 * 576 = 1327104 */
    assert_int_equal(p->macs, 1327104);
    frm_profile_free(p);
    for (size_t cut = 0; cut < len; cut += cut < 256 || len - cut < 256 ? 1 : 997)
        profile_bytes(path, data, cut, &err);
    write_bytes(path, data, len - 1000);
    expect_rejected(path, FRM_E_MODEL, "past the end");
    free(data);
}

static void malformed_garbage(void **state)
{
    (void)state;
    /* '{' = 0x7b: field 15, wire type 3 (a group), which ONNX never uses */
    const char *json = tu_write("model.json", "{\"model\": \"resnet50\", \"params\": 25557032}\n");
    expect_rejected(json, FRM_E_MODEL, "not a valid ONNX model");
    expect_rejected(json, FRM_E_MODEL, "wire type");

    /* ir_version (field 1, a varint) sent as a length-delimited field */
    const char *wrong = tu_path("wrong_wire.onnx");
    write_bytes(wrong, "\x0a\x01\x41", 3);
    expect_rejected(wrong, FRM_E_MODEL, "not a valid ONNX model");
    expect_rejected(wrong, FRM_E_MODEL, "wrong type");

    /* a valid message with no graph */
    const char *nograph = tu_path("no_graph.onnx");
    write_bytes(nograph, "\x08\x08", 2);            /* ir_version = 8 */
    expect_rejected(nograph, FRM_E_MODEL, "no graph");

    /* random bytes must never crash */
    const char *rnd = tu_path("random.onnx");
    uint8_t buf[512];
    uint32_t s = 12345;
    frm_error err;
    for (int round = 0; round < 200; round++) {
        size_t n = 1 + (size_t)(round * 7 % 512);
        for (size_t i = 0; i < n; i++) {
            s = s * 1103515245u + 12345u;
            buf[i] = (uint8_t)(s >> 16);
        }
        profile_bytes(rnd, buf, n, &err);
    }
}

static void malformed_empty_and_missing(void **state)
{
    (void)state;
    const char *empty = tu_write("empty.onnx", "");
    expect_rejected(empty, FRM_E_MODEL, "the file is empty");

    const char *missing = tu_path("does-not-exist.onnx");
    expect_rejected(missing, FRM_E_IO, "cannot open");
    expect_rejected(missing, FRM_E_IO, "No such file");

    /* a folder is no model */
    const char *dir = tu_subdir("a-folder.onnx");
    expect_rejected(dir, FRM_E_IO, "not a regular file");

    /* nor a FIFO nobody writes to: refused at once, not waited on */
    const char *fifo = tu_path("pipe.onnx");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    expect_rejected(fifo, FRM_E_IO, "not a regular file");
}

/* Serializes `b` (freed), lets `edit` change the unpacked model, packs it
 * back into tu_tmpdir()/file. */
static const char *save_edited(frmi_onnx_builder *b, const char *file,
                               void (*edit)(Onnx__ModelProto *m))
{
    frm_error err;
    uint8_t *bytes;
    size_t len;
    assert_int_equal(frmi_onnx_serialize(b, &bytes, &len, &err), FRM_OK);
    frmi_onnx_builder_free(b);
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, bytes);
    assert_non_null(m);
    free(bytes);
    edit(m);
    size_t size = onnx__model_proto__get_packed_size(m);
    uint8_t *out = malloc(size + 1);
    assert_non_null(out);
    assert_int_equal(onnx__model_proto__pack(m, out), size);
    onnx__model_proto__free_unpacked(m, NULL);
    const char *path = tu_path(file);
    write_bytes(path, out, size);
    free(out);
    return path;
}

static void huge_dims(Onnx__ModelProto *m)
{
    Onnx__TensorProto *t = m->graph->initializer[0];
    assert_int_equal(t->n_dims, 2);
    t->dims[0] = (int64_t)1 << 40;
    t->dims[1] = (int64_t)1 << 40;
}

static void rename_second_initializer(Onnx__ModelProto *m)
{
    assert_int_equal(m->graph->n_initializer, 2);
    strcpy(m->graph->initializer[1]->name, "w");    /* "v" -> "w": same length */
}

static void malformed_absurd_dims(void **state)
{
    (void)state;
    /* an initializer of 2^40 x 2^40 elements */
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 1));
    weight(b, "huge", INTS(1, 1));
    tu_node_named(b, "Add", "add", "x huge", "y");
    tu_output(b, "y");
    const char *path = save_edited(b, "huge_init.onnx", huge_dims);
    expect_rejected(path, FRM_E_MODEL, "initializer 'huge'");
    expect_rejected(path, FRM_E_MODEL, "more than 2^63");

    /* declared input dims of 2^40 x 2^40 x 2^40: the nodes are unknown, no crash */
    b = tu_model(17);
    tu_input(b, "x", INTS((int64_t)1 << 40, (int64_t)1 << 40, (int64_t)1 << 40));
    tu_node_named(b, "Relu", "relu", "x", "r");
    tu_node_named(b, "Sigmoid", "sig", "r", "y");
    tu_output(b, "y");
    frm_profile *p = tu_profile(b, "huge_input.onnx");
    assert_int_equal(p->partial, 1);
    expect_unknown(p, "relu", "2^63");
    expect_unknown(p, "sig", "unknown shape");
    assert_int_equal(p->flops, 0);
    assert_int_equal(p->activations_peak_bytes, 0);
    frm_profile_free(p);

    /* large but representable: 2^40 x 2^21 = 2^61 elements; counts stay exact */
    b = tu_model(17);
    tu_input(b, "x", INTS((int64_t)1 << 40, (int64_t)1 << 21));
    tu_node_named(b, "Relu", "relu", "x", "y");
    tu_output(b, "y");
    p = tu_profile(b, "large_input.onnx");
    assert_int_equal(p->partial, 0);
    expect_node_counts(p, "relu", 0, (uint64_t)1 << 61, (int64_t)1 << 40, (int64_t)1 << 21);
    assert_int_equal(p->flops, (uint64_t)1 << 61);
    /* 2^61 floats = 2^63 bytes: beyond int64, within the uint64 total */
    assert_int_equal(p->activations_peak_bytes, (uint64_t)1 << 63);
    frm_profile_free(p);

    /* a Conv whose MACs pass 2^64: 2^40 x 2^21 outputs... reported unknown */
    b = tu_model(17);
    tu_input(b, "x", INTS(1, 1 << 20, (int64_t)1 << 21, (int64_t)1 << 21));
    tu_input(b, "w", INTS(1 << 10, 1 << 20, 1, 1));
    tu_node_named(b, "Conv", "conv", "x w", "y");
    tu_output(b, "y");
    p = tu_profile(b, "overflow_conv.onnx");
    /* Y [1, 2^10, 2^21, 2^21] = 2^52 elements; MACs 2^52 * 2^20 = 2^72 > 2^64 */
    assert_int_equal(p->partial, 1);
    expect_unknown(p, "conv", "2^64");
    assert_int_equal(p->macs, 0);
    frm_profile_free(p);
}

static void malformed_cycle(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 4));
    tu_node_named(b, "Add", "first", "x d", "c");
    tu_node_named(b, "Add", "second", "c x", "d");
    tu_output(b, "d");
    const char *path = tu_save(b, "cycle.onnx");
    expect_rejected(path, FRM_E_MODEL, "cycle");
    expect_rejected(path, FRM_E_MODEL, "'first' (Add)");

    /* a node reading its own output */
    b = tu_model(17);
    tu_input(b, "x", INTS(1, 4));
    tu_node_named(b, "Add", "self", "x s", "s");
    tu_output(b, "s");
    path = tu_save(b, "self_loop.onnx");
    expect_rejected(path, FRM_E_MODEL, "cycle through node 'self'");
}

static void malformed_missing_input(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 4));
    tu_node_named(b, "Relu", "relu", "x", "r");
    tu_node_named(b, "Add", "adder", "r ghost", "y");
    tu_output(b, "y");
    const char *path = tu_save(b, "missing_input.onnx");
    expect_rejected(path, FRM_E_MODEL, "node 'adder' (Add) reads 'ghost'");
    expect_rejected(path, FRM_E_MODEL, "no graph input, initializer or node output");

    /* a graph output no node produces */
    b = tu_model(17);
    tu_input(b, "x", INTS(1, 4));
    tu_node_named(b, "Relu", "relu", "x", "r");
    tu_output(b, "r");
    tu_output(b, "phantom");
    path = tu_save(b, "missing_output.onnx");
    expect_rejected(path, FRM_E_MODEL, "graph output 'phantom' is not produced by any node");
}

static void malformed_name_collisions(void **state)
{
    (void)state;
    /* two nodes write y */
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 4));
    tu_node_named(b, "Relu", "one", "x", "y");
    tu_node_named(b, "Sigmoid", "two", "x", "y");
    tu_output(b, "y");
    const char *path = tu_save(b, "two_producers.onnx");
    expect_rejected(path, FRM_E_MODEL, "tensor 'y' is the output of two nodes, 'one' and 'two'");

    /* a node writes an initializer */
    b = tu_model(17);
    tu_input(b, "x", INTS(1, 4));
    weight(b, "w", INTS(1, 4));
    tu_node_named(b, "Relu", "clobber", "x", "w");
    tu_node_named(b, "Add", "add", "x w", "y");
    tu_output(b, "y");
    path = tu_save(b, "writes_initializer.onnx");
    expect_rejected(path, FRM_E_MODEL, "node 'clobber' writes tensor 'w', which is also a graph initializer");

    /* a node writes a graph input */
    b = tu_model(17);
    tu_input(b, "x", INTS(1, 4));
    tu_input(b, "z", INTS(1, 4));
    tu_node_named(b, "Relu", "clobber", "x", "z");
    tu_output(b, "z");
    path = tu_save(b, "writes_input.onnx");
    expect_rejected(path, FRM_E_MODEL, "which is also a graph input");

    /* two initializers named w: the writer refuses them, so the second is
     * renamed in the serialized model */
    b = tu_model(17);
    weight(b, "w", INTS(4));
    frmi_onnx_initializer_f32(b, "w", INTS(4), NULL);
    frm_error err;
    uint8_t *bytes = NULL;
    size_t len;
    assert_int_equal(frmi_onnx_serialize(b, &bytes, &len, &err), FRM_E_ARGUMENT);
    assert_contains(err.message, "declared twice");
    frmi_onnx_builder_free(b);

    b = tu_model(17);
    tu_input(b, "x", INTS(4));
    weight(b, "w", INTS(4));
    weight(b, "v", INTS(4));
    tu_node_named(b, "Add", "add", "x w", "y");
    tu_output(b, "y");
    path = save_edited(b, "two_initializers.onnx", rename_second_initializer);
    expect_rejected(path, FRM_E_MODEL, "two initializers are named 'w'");
}

static void unsupported_op(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 8));
    weight(b, "w", INTS(8, 4));
    tu_node_named(b, "Relu", "relu", "x", "r");
    tu_node_named(b, "FooBar", "foo", "r", "f");
    tu_node_named(b, "Relu", "after", "f", "g");
    tu_node_named(b, "MatMul", "mm", "r w", "y");
    tu_output(b, "g");
    tu_output(b, "y");
    const char *path = tu_save(b, "unsupported.onnx");
    frm_profile_options opt = FRM_PROFILE_OPTIONS_INIT;
    opt.per_node = 1;
    frm_profile *p = tu_profile_file(path, &opt);
    assert_int_equal(p->partial, 1);
    assert_int_equal(p->n_unknown, 2);
    assert_string_equal(p->unknown[0].name, "foo");
    assert_string_equal(p->unknown[0].op, "FooBar");
    assert_contains(p->unknown[0].reason, "not supported");
    assert_contains(p->unknown[0].reason, "FooBar");
    assert_string_equal(p->unknown[1].name, "after");
    assert_string_equal(p->unknown[1].op, "Relu");
    assert_contains(p->unknown[1].reason, "unknown shape");
    expect_unknown(p, "foo", "not supported");
    expect_unknown(p, "after", "'f'");
    /* the rest is counted: Relu 8 FLOPs; MatMul [1,8] x [8,4] = [1,4], MACs 4 * 8 = 32 */
    expect_node_counts(p, "relu", 0, 8, 1, 8);
    expect_node_counts(p, "mm", 32, 64, 1, 4);
    assert_int_equal(p->macs, 32);
    assert_int_equal(p->flops, 72);                 /* 8 + 64 */
    assert_int_equal(p->n_nodes_total, 4);
    assert_int_equal(tu_find_op(p, "FooBar")->count, 1);
    assert_int_equal(tu_find_op(p, "Relu")->count, 2);
    assert_int_equal(tu_find_node(p, "foo")->output.rank, -1);
    frm_profile_free(p);

    /* an op in another domain is unknown too */
    b = tu_model(17);
    tu_input(b, "x", INTS(1, 8));
    const char *in[] = { "x" }, *out[] = { "y" };
    assert_non_null(frmi_onnx_node_add_domain(b, "com.example", "Relu", "custom", 1, in, 1, out));
    tu_output(b, "y");
    p = tu_profile(b, "custom_domain.onnx");
    assert_int_equal(p->partial, 1);
    assert_string_equal(p->unknown[0].op, "com.example:Relu");
    assert_contains(p->unknown[0].reason, "not supported");
    frm_profile_free(p);

    /* through the CLI: not an error (status 0), the table says PARTIAL and why */
    tu_run r = tu_frm(NULL, NULL, "profile", path, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "PARTIAL");
    assert_contains(r.out, "2 of 4 nodes not counted");
    assert_contains(r.out, "foo (FooBar): operator FooBar is not supported");
    assert_contains(r.out, "after (Relu)");
    assert_string_equal(r.err, "");
    tu_run_free(&r);
}

static void cli_continues_past_bad_model(void **state)
{
    (void)state;
    frmi_onnx_node *n;
    const char *good = tu_save(conv_model(DIMS(1, 3, 8, 8), DIMS(4, 3, 3, 3), 0, &n), "good.onnx");
    const char *bad = tu_write("bad.onnx", "this is not a model");
    tu_run r = tu_frm(NULL, NULL, "profile", good, bad, "--format", "csv", NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, bad);
    assert_contains(r.err, "not a valid ONNX model");
    char expect[8192];
    /* params 108, weights 432, MACs 3888, FLOPs 7776, activations 144, peak 576 */
    snprintf(expect, sizeof expect,
             "model,file,opset,params,weights_bytes,macs,flops,activations,activations_peak_bytes,"
             "unknown_nodes\ngood,%s,17,108,432,3888,7776,144,576,0\n", good);
    assert_string_equal(r.out, expect);
    tu_run_free(&r);

    /* the other order too */
    r = tu_frm(NULL, NULL, "profile", "--format", "csv", bad, good, NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, expect);
    tu_run_free(&r);
}

/* --- CLI output ---------------------------------------------------------------- */

static json_t *object_get(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        fail_msg("no key '%s'", key);
    return v;
}

static long long int_of(json_t *o, const char *key)
{
    json_t *v = object_get(o, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static void cli_json(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 3, 8, 8));
    weight(b, "w", INTS(4, 3, 3, 3));
    weight(b, "bias", INTS(4));
    tu_node_named(b, "Conv", "conv", "x w bias", "c");
    tu_node_named(b, "Relu", "relu", "c", "r");
    tu_node_named(b, "FooBar", "foo", "r", "f");
    tu_output(b, "r");
    tu_output(b, "f");
    const char *path = tu_save(b, "small.onnx");
    frm_profile_options opt = FRM_PROFILE_OPTIONS_INIT;
    opt.per_node = 1;
    frm_profile *p = tu_profile_file(path, &opt);
    /* conv: C [1,4,6,6] = 144, MACs 144 * 27 = 3888, FLOPs 2*3888 + 144 = 7920;
     * relu: 144 FLOPs; foo unknown */
    assert_int_equal(p->macs, 3888);
    assert_int_equal(p->flops, 8064);               /* 7920 + 144 */
    assert_int_equal(p->params, 112);

    tu_run r = tu_frm(NULL, NULL, "profile", "--format", "json", path, NULL);
    assert_int_equal(r.status, 0);
    json_error_t jerr;
    json_t *root = json_loads(r.out, 0, &jerr);
    if (!root)
        fail_msg("JSON: %s at line %d: %s", jerr.text, jerr.line, r.out);
    assert_true(json_is_array(root));
    assert_int_equal(json_array_size(root), 1);
    json_t *o = json_array_get(root, 0);
    assert_string_equal(json_string_value(object_get(o, "model")), "small");
    assert_string_equal(json_string_value(object_get(o, "file")), path);
    assert_int_equal(int_of(o, "opset"), 17);
    assert_int_equal(int_of(o, "batch"), p->batch);
    assert_int_equal(int_of(o, "params"), p->params);
    assert_int_equal(int_of(o, "weights_bytes"), p->weights_bytes);
    assert_int_equal(int_of(o, "macs"), p->macs);
    assert_int_equal(int_of(o, "flops"), p->flops);
    assert_int_equal(int_of(o, "activations"), p->activations);
    assert_int_equal(int_of(o, "activations_peak_bytes"), p->activations_peak_bytes);
    assert_true(json_is_true(object_get(o, "partial")));
    json_t *by_op = object_get(o, "by_op");
    assert_true(json_is_object(by_op));
    assert_int_equal(json_object_size(by_op), 3);   /* Conv, FooBar, Relu */
    json_t *conv = object_get(by_op, "Conv");
    assert_int_equal(int_of(conv, "count"), 1);
    assert_int_equal(int_of(conv, "macs"), 3888);
    assert_int_equal(int_of(conv, "flops"), 7920);
    json_t *relu = object_get(by_op, "Relu");
    assert_int_equal(int_of(relu, "count"), 1);
    assert_int_equal(int_of(relu, "macs"), 0);
    assert_int_equal(int_of(relu, "flops"), 144);
    json_t *unknown = object_get(o, "unknown_nodes");
    assert_true(json_is_array(unknown));
    assert_int_equal(json_array_size(unknown), 1);
    json_t *u = json_array_get(unknown, 0);
    assert_string_equal(json_string_value(object_get(u, "name")), "foo");
    assert_string_equal(json_string_value(object_get(u, "op")), "FooBar");
    assert_string_equal(json_string_value(object_get(u, "reason")), p->unknown[0].reason);
    assert_null(json_object_get(o, "nodes"));       /* only with --per-node */
    json_decref(root);
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "profile", "--format", "json", "--per-node", path, NULL);
    assert_int_equal(r.status, 0);
    root = json_loads(r.out, 0, &jerr);
    if (!root)
        fail_msg("JSON: %s at line %d: %s", jerr.text, jerr.line, r.out);
    o = json_array_get(root, 0);
    json_t *nodes = object_get(o, "nodes");
    assert_true(json_is_array(nodes));
    assert_int_equal(json_array_size(nodes), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *nd = json_array_get(nodes, i);
        const frm_node_profile *np = &p->nodes[i];
        assert_string_equal(json_string_value(object_get(nd, "name")), np->name);
        assert_string_equal(json_string_value(object_get(nd, "op")), np->op);
        assert_int_equal(int_of(nd, "macs"), np->macs);
        assert_int_equal(int_of(nd, "flops"), np->flops);
        json_t *shape = object_get(nd, "output_shape");
        if (np->output.rank < 0) {
            assert_true(json_is_null(shape));
        } else {
            assert_int_equal(json_array_size(shape), np->output.rank);
            for (int k = 0; k < np->output.rank; k++)
                assert_int_equal(json_integer_value(json_array_get(shape, k)), np->output.dims[k]);
        }
    }
    json_t *first = json_array_get(nodes, 0);
    assert_string_equal(json_string_value(object_get(first, "name")), "conv");
    assert_string_equal(json_string_value(object_get(first, "op")), "Conv");
    json_t *shape = object_get(first, "output_shape");
    assert_int_equal(json_array_size(shape), 4);
    assert_int_equal(json_integer_value(json_array_get(shape, 3)), 6);
    assert_int_equal(int_of(first, "macs"), 3888);
    assert_int_equal(int_of(first, "flops"), 7920);
    assert_true(json_is_null(object_get(json_array_get(nodes, 2), "output_shape")));
    json_decref(root);
    tu_run_free(&r);
    frm_profile_free(p);
}

static void cli_csv_and_table(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    frmi_onnx_input(b, "x", T_FLOAT, INTS(-1, 64), NULL);
    weight(b, "w", INTS(64, 360));
    tu_node_named(b, "MatMul", "mm", "x w", "y");
    tu_output(b, "y");
    const char *path = tu_save(b, "wide.onnx");

    /* batch 2: Y [2,360] = 720; MACs 720 * 64 = 46080; FLOPs 92160;
     * params 64*360 = 23040; weights 92160 B; activations 720; peak 720*4 = 2880 B */
    tu_run r = tu_frm(NULL, NULL, "profile", "--batch", "2", "--format", "csv", path, NULL);
    assert_int_equal(r.status, 0);
    char expect[8192];
    snprintf(expect, sizeof expect,
             "model,file,opset,params,weights_bytes,macs,flops,activations,activations_peak_bytes,"
             "unknown_nodes\nwide,%s,17,23040,92160,46080,92160,720,2880,0\n", path);
    assert_string_equal(r.out, expect);
    tu_run_free(&r);

    /* the same through -i: x=2x64 */
    r = tu_frm(NULL, NULL, "profile", "-i", "x=2x64", "-f", "csv", path, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, expect);
    tu_run_free(&r);

    /* per-node CSV */
    r = tu_frm(NULL, NULL, "profile", "--batch", "2", "--format", "csv", "--per-node", path, NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "model,node,op,output_shape,macs,flops,known\n"
                               "wide,mm,MatMul,2x360,46080,92160,1\n");
    tu_run_free(&r);

    /* the table (default): human units */
    r = tu_frm(NULL, NULL, "profile", "--batch", "2", path, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "model");
    assert_contains(r.out, "params");
    assert_contains(r.out, "wide");
    assert_contains(r.out, "23.0k");                /* params 23040 */
    assert_contains(r.out, "46.1k");                /* MACs 46080 */
    assert_contains(r.out, "92.2k");                /* FLOPs 92160 */
    assert_contains(r.out, " 720 ");                /* activations, exact below 10000 */
    assert_contains(r.out, "2.81 KiB");             /* peak 2880 / 1024 = 2.8125 */
    assert_contains(r.out, "90.0 KiB");             /* weights 92160 / 1024 = 90 */
    assert_contains(r.out, "2x64");                 /* the input shape */
    assert_true(strstr(r.out, "PARTIAL") == NULL);
    tu_run_free(&r);

    /* table with --per-node: per-op totals and the heaviest nodes */
    r = tu_frm(NULL, NULL, "profile", "--per-node", path, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "heaviest nodes");
    assert_contains(r.out, "MatMul");
    assert_contains(r.out, "23.0k");                /* batch 1: MACs 360 * 64 = 23040 */
    tu_run_free(&r);
}

static void cli_usage_errors(void **state)
{
    (void)state;
    frmi_onnx_node *n;
    const char *path = tu_save(conv_model(DIMS(1, 3, 8, 8), DIMS(4, 3, 3, 3), 0, &n), "usage.onnx");
    static const char *const cases[][3] = {
        { "--batch", "0", "--batch" },
        { "--batch", "x", "--batch" },
        { "--input", "bad", "--input" },
        { "--input", "x=1xq", "--input" },
        { "--format", "xml", "xml" },
        { "--top", "-1", "--top" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_run r = tu_frm(NULL, NULL, "profile", cases[i][0], cases[i][1], path, NULL);
        if (r.status != 2)
            fail_msg("%s %s: status %d: %s", cases[i][0], cases[i][1], r.status, r.err);
        assert_contains(r.err, cases[i][2]);
        assert_string_equal(r.out, "");
        tu_run_free(&r);
    }
    tu_run r = tu_frm(NULL, NULL, "profile", NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "no model files");
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "profile", "--frobnicate", path, NULL);
    assert_int_equal(r.status, 2);
    tu_run_free(&r);

    /* --input naming an input the model lacks: the model fails (status 1) */
    r = tu_frm(NULL, NULL, "profile", "--input", "nope=1x3x8x8", path, NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "nope");
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "profile", "--help", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "usage: frm profile");
    tu_run_free(&r);
}

/* The operator table is searched by bsearch: every operator docs/profile.md
 * promises must be found, which fails when the table is out of order. */
static void every_documented_op_is_found(void **state)
{
    (void)state;
    static const char *const ops[] = {
        "Abs", "Add", "And", "AveragePool", "BatchNormalization", "Cast", "Ceil", "Clip",
        "Concat", "Constant", "ConstantOfShape", "Conv", "ConvTranspose", "Div", "Dropout",
        "Elu", "Equal", "Erf", "Exp", "Expand", "Flatten", "Floor", "Gather", "Gelu", "Gemm",
        "GlobalAveragePool", "GlobalMaxPool", "Greater", "GreaterOrEqual", "HardSigmoid",
        "HardSwish", "Identity", "LayerNormalization", "LeakyRelu", "Less", "LessOrEqual",
        "Log", "LogSoftmax", "MatMul", "Max", "MaxPool", "Mean", "Min", "Mod", "Mul", "Neg",
        "Not", "Or", "Pad", "Pow", "Range", "Reciprocal", "ReduceL2", "ReduceMax",
        "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "Relu", "Reshape", "Resize",
        "Shape", "Sigmoid", "Slice", "Softmax", "Softplus", "Split", "Sqrt", "Squeeze", "Sub",
        "Sum", "Tanh", "Transpose", "Unsqueeze", "Upsample", "Where", "Xor",
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (!frmi_infer_lookup(ops[i]))
            fail_msg("no shape inference found for %s", ops[i]);
    }
    assert_null(frmi_infer_lookup("FooBar"));
    assert_null(frmi_infer_lookup("conv"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conv_plain),
        cmocka_unit_test(conv_bias),
        cmocka_unit_test(conv_stride_pads),
        cmocka_unit_test(conv_dilation),
        cmocka_unit_test(conv_grouped),
        cmocka_unit_test(conv_depthwise),
        cmocka_unit_test(conv_auto_pad),
        cmocka_unit_test(conv_1x1),
        cmocka_unit_test(conv_batch_symbolic),
        cmocka_unit_test(batch_and_symbolic_dims),
        cmocka_unit_test(conv_input_override),
        cmocka_unit_test(conv_transpose),
        cmocka_unit_test(gemm_transposed),
        cmocka_unit_test(matmul_broadcast),
        cmocka_unit_test(matmul_1d),
        cmocka_unit_test(params_without_bn),
        cmocka_unit_test(params_with_bn),
        cmocka_unit_test(params_bn_shared_var),
        cmocka_unit_test(params_bn_through_identity),
        cmocka_unit_test(params_int64_initializer),
        cmocka_unit_test(peak_branching),
        cmocka_unit_test(peak_frees_dead_outputs),
        cmocka_unit_test(peak_outputs_and_double_reads),
        cmocka_unit_test(nodes_out_of_order),
        cmocka_unit_test(unnamed_nodes),
        cmocka_unit_test(peak_and_activations),
        cmocka_unit_test(shape_subgraph),
        cmocka_unit_test(external_data),
        cmocka_unit_test(malformed_truncated),
        cmocka_unit_test(malformed_garbage),
        cmocka_unit_test(malformed_empty_and_missing),
        cmocka_unit_test(malformed_absurd_dims),
        cmocka_unit_test(malformed_cycle),
        cmocka_unit_test(malformed_missing_input),
        cmocka_unit_test(malformed_name_collisions),
        cmocka_unit_test(unsupported_op),
        cmocka_unit_test(cli_continues_past_bad_model),
        cmocka_unit_test(cli_json),
        cmocka_unit_test(cli_csv_and_table),
        cmocka_unit_test(cli_usage_errors),
        cmocka_unit_test(every_documented_op_is_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * tests/test_infer_shape.c - shape inference and constant propagation of
 * the data-movement operators (src/onnx/infer_shape.c) and the broadcasting
 * element-wise ones (src/onnx/infer_elementwise.c), end to end: small
 * models built with the ONNX writer are profiled with per_node, and every
 * node's first output (every output, for Split) is compared with a shape
 * worked out by hand in the comment beside it.
 *
 * Constant contents cannot be read from a profile directly; a test shows
 * them by feeding the constant to ConstantOfShape (a "probe"), whose output
 * shape is the constant itself: probe(c) has shape c.
 */
#include "testutil_onnx.h"

/* --- model building ---------------------------------------------------- */

/* A 1-D int64 initializer. */
static void i64_vec(frmi_onnx_builder *b, const char *name, int count, const int64_t *v)
{
    int64_t len = count;
    frmi_onnx_initializer_i64(b, name, 1, &len, v);
}

/* A rank-0 int64 initializer. */
static void i64_scalar(frmi_onnx_builder *b, const char *name, int64_t v)
{
    int64_t unused = 0;
    frmi_onnx_initializer_i64(b, name, 0, &unused, &v);
}

/* A 1-D float initializer. */
static void f32_vec(frmi_onnx_builder *b, const char *name, int count, const float *v)
{
    int64_t len = count;
    frmi_onnx_initializer_f32(b, name, 1, &len, v);
}

/* A Constant node holding an int64 tensor of the given shape. */
static void const_i64(frmi_onnx_builder *b, const char *name, int rank, const int64_t *dims,
                      const int64_t *data)
{
    frmi_onnx_node *n = tu_node(b, "Constant", "", name);
    frmi_onnx_attr_tensor_i64(n, "value", rank, dims, data);
}

/* probe(c): a ConstantOfShape named `name` whose shape is c's contents. */
static void probe(frmi_onnx_builder *b, const char *c, const char *name)
{
    tu_node(b, "ConstantOfShape", c, name);
}

/* --- tests ---------------------------------------------------------------- */

/*
 * PyTorch's x.view(x.size(0), -1) and x.view(b, d1 // 2, ...) exported
 * as shape subgraphs.  x: [2,3,4,5].
 */
static void pytorch_flatten_pattern(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    tu_input(b, "x", INTS(2, 3, 4, 5));
    int64_t zero = 0, two = 2, one = 1, minus1 = -1;
    tu_node(b, "Shape", "x", "s");                    /* [4] = (2,3,4,5) */
    const_i64(b, "i0", 0, NULL, &zero);               /* scalar 0 */
    tu_node(b, "Gather", "s i0", "g0");               /* scalar: s[0] = 2 */
    const_i64(b, "ax0", 1, &one, &zero);              /* [0] */
    tu_node(b, "Unsqueeze", "g0 ax0", "u0");          /* [1] = (2) */
    const_i64(b, "m1", 1, &one, &minus1);             /* [1] = (-1) */
    frmi_onnx_attr_int(tu_node(b, "Concat", "u0 m1", "cat"), "axis", 0);  /* (2,-1) */
    tu_node(b, "Reshape", "x cat", "flat");           /* 120 / 2 = 60: [2,60] */

    /* x.view(b, c // ... ): s[2] = 4, 4 / 2 = 2 -> (2, 2, -1) -> [2,2,30] */
    const_i64(b, "i2", 0, NULL, &two);
    tu_node(b, "Gather", "s i2", "g2");               /* scalar 4 */
    const_i64(b, "c2", 0, NULL, &two);
    tu_node(b, "Div", "g2 c2", "half");               /* scalar 4 / 2 = 2 */
    tu_node(b, "Unsqueeze", "half ax0", "uh");        /* [1] = (2) */
    frmi_onnx_attr_int(tu_node(b, "Concat", "u0 uh m1", "cat3"), "axis", 0);  /* (2,2,-1) */
    tu_node(b, "Reshape", "x cat3", "r3");            /* 120 / (2*2) = 30: [2,2,30] */

    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "s", T_INT64, 4);
    expect_node_scalar(p, "g0", T_INT64);
    expect_node(p, "u0", T_INT64, 1);
    expect_node(p, "cat", T_INT64, 2);
    expect_node(p, "flat", T_FLOAT, 2, 60);
    expect_node_scalar(p, "half", T_INT64);
    expect_node(p, "cat3", T_INT64, 3);
    expect_node(p, "r3", T_FLOAT, 2, 2, 30);
    assert_int_equal(p->n_unknown, 0);
    assert_false(p->partial);
    frm_profile_free(p);
}

/* Shape(start, end) of opset 15, and the Shape subgraph of a rank-0 input. */
static void shape_start_end(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(15);
    tu_input(b, "x", INTS(2, 3, 4, 5));
    tu_node(b, "Shape", "x", "all");                            /* (2,3,4,5): [4] */
    frmi_onnx_attr_int(tu_node(b, "Shape", "x", "tail"), "start", -2);  /* (4,5): [2] */
    frmi_onnx_node *n = tu_node(b, "Shape", "x", "mid");
    frmi_onnx_attr_int(n, "start", 1);
    frmi_onnx_attr_int(n, "end", -1);                           /* (3,4): [2] */
    n = tu_node(b, "Shape", "x", "none");
    frmi_onnx_attr_int(n, "start", 10);                         /* clamped to 4 */
    frmi_onnx_attr_int(n, "end", -10);                          /* clamped to 0: [0] */
    probe(b, "tail", "p_tail");                                 /* [4,5] */
    probe(b, "mid", "p_mid");                                   /* [3,4] */
    probe(b, "none", "p_none");                                 /* scalar */
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "all", T_INT64, 4);
    expect_node(p, "tail", T_INT64, 2);
    expect_node(p, "mid", T_INT64, 2);
    expect_node(p, "none", T_INT64, 0);
    expect_node(p, "p_tail", T_FLOAT, 4, 5);
    expect_node(p, "p_mid", T_FLOAT, 3, 4);
    expect_node_scalar(p, "p_none", T_FLOAT);
    frm_profile_free(p);
}

static void slice_opset13(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    tu_input(b, "x", INTS(2, 3, 4, 5));
    i64_vec(b, "one", INTS(1));
    i64_vec(b, "max", INTS(INT64_MAX));
    i64_vec(b, "min", INTS(INT64_MIN));
    i64_vec(b, "neg1", INTS(-1));
    i64_vec(b, "ax1", INTS(1));
    i64_vec(b, "ax2", INTS(2));
    i64_vec(b, "st_m1", INTS(-1));

    /* axis 1 (3): [1, INT64_MAX -> 3) = 2 elements: [2,2,4,5] */
    tu_node(b, "Slice", "x one max ax1", "a");
    /* axis 2 (4): start -1 -> 3, end INT64_MIN -> clamp -1, step -1:
     * 3,2,1,0 = 4 elements: [2,3,4,5] */
    tu_node(b, "Slice", "x neg1 min ax2 st_m1", "rev");
    /* axes (3, -3=1), steps (2, 3): axis 3 (5): [0, -1+5=4) step 2 -> 0,2 = 2;
     * axis 1 (3): [1, 100 -> 3) step 3 -> 1 = 1: [2,1,4,2] */
    i64_vec(b, "s2", INTS(0, 1));
    i64_vec(b, "e2", INTS(-1, 100));
    i64_vec(b, "a2", INTS(3, -3));
    i64_vec(b, "p2", INTS(2, 3));
    tu_node(b, "Slice", "x s2 e2 a2 p2", "strided");
    /* no axes: starts/ends apply to axes 0..: axis 0 (2): [1, -1+2=1) = 0: [0,3,4,5] */
    tu_node(b, "Slice", "x one neg1", "empty");
    /* step INT64_MIN from the end: one element (index 4 of axis 3): [2,3,4,1] */
    i64_vec(b, "a3", INTS(3));
    tu_node(b, "Slice", "x neg1 min a3 min", "huge_step");

    /* Shape -> Slice contents: s = (2,3,4,5) */
    tu_node(b, "Shape", "x", "s");
    i64_vec(b, "m3", INTS(-3));
    tu_node(b, "Slice", "s m3 max", "s_tail");           /* (3,4,5) */
    i64_vec(b, "zero", INTS(0));
    i64_vec(b, "st_m2", INTS(-2));
    tu_node(b, "Slice", "s neg1 min zero st_m2", "s_rev");  /* indices 3,1: (5,3) */
    probe(b, "s_tail", "p_tail");                           /* [3,4,5] */
    probe(b, "s_rev", "p_rev");                             /* [5,3] */

    i64_vec(b, "z1", INTS(0));
    tu_node(b, "Slice", "x one max ax1 z1", "zero_step");  /* step 0: unknown */
    /* reversed slice of an empty axis: start and end clamp to -1: [0,3,4,5] */
    i64_vec(b, "ax0", INTS(0));
    tu_node(b, "Slice", "empty neg1 min ax0 st_m1", "empty_rev");

    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "a", T_FLOAT, 2, 2, 4, 5);
    expect_node(p, "rev", T_FLOAT, 2, 3, 4, 5);
    expect_node(p, "strided", T_FLOAT, 2, 1, 4, 2);
    expect_node(p, "empty", T_FLOAT, 0, 3, 4, 5);
    expect_node(p, "huge_step", T_FLOAT, 2, 3, 4, 1);
    expect_node(p, "s_tail", T_INT64, 3);
    expect_node(p, "s_rev", T_INT64, 2);
    expect_node(p, "p_tail", T_FLOAT, 3, 4, 5);
    expect_node(p, "p_rev", T_FLOAT, 5, 3);
    expect_unknown(p, "zero_step", "step 0");
    expect_node(p, "empty_rev", T_FLOAT, 0, 3, 4, 5);
    frm_profile_free(p);
}

/* Slice-1: starts, ends and axes are attributes. */
static void slice_opset9(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(9);
    tu_input(b, "x", INTS(2, 3, 4, 5));
    frmi_onnx_node *n = tu_node(b, "Slice", "x", "y");
    /* axis 0 (2): [1, 1000 -> 2) = 1; axis 3 (5): [-2+5=3, -1+5=4) = 1: [1,3,4,1] */
    frmi_onnx_attr_ints(n, "starts", INTS(1, -2));
    frmi_onnx_attr_ints(n, "ends", INTS(1000, -1));
    frmi_onnx_attr_ints(n, "axes", INTS(0, 3));
    /* no axes: axes 0, 1; axis 1 (3): [0, 2) = 2: [2,2,4,5] */
    n = tu_node(b, "Slice", "x", "z");
    frmi_onnx_attr_ints(n, "starts", INTS(0, 0));
    frmi_onnx_attr_ints(n, "ends", INTS(2, 2));
    /* ends of the wrong length */
    n = tu_node(b, "Slice", "x", "bad");
    frmi_onnx_attr_ints(n, "starts", INTS(0, 0));
    frmi_onnx_attr_ints(n, "ends", INTS(2));
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "y", T_FLOAT, 1, 3, 4, 1);
    expect_node(p, "z", T_FLOAT, 2, 2, 4, 5);
    expect_unknown(p, "bad", "ends has 1 values, starts has 2");
    frm_profile_free(p);
}

/* Split-11 takes `split` as an attribute; x: [2,6,4]. */
static void split_opset11(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(11);
    tu_input(b, "x", INTS(2, 6, 4));
    frmi_onnx_node *n = tu_node(b, "Split", "x", "a0 a1 a2");
    frmi_onnx_attr_int(n, "axis", 1);
    frmi_onnx_attr_ints(n, "split", INTS(1, 2, 3));       /* 1+2+3 = 6 */
    /* no split: 6 / 3 = 2 each */
    frmi_onnx_attr_int(tu_node(b, "Split", "x", "b0 b1 b2"), "axis", -2);
    /* axis 2 has 4: not divisible into 3 */
    frmi_onnx_attr_int(tu_node(b, "Split", "x", "c0 c1 c2"), "axis", 2);
    /* split summing to 5, not 6 */
    n = tu_node(b, "Split", "x", "d0 d1");
    frmi_onnx_attr_int(n, "axis", 1);
    frmi_onnx_attr_ints(n, "split", INTS(2, 3));
    frm_profile *p = tu_profile(b, NULL);
    expect_output(p, "a0", T_FLOAT, 2, 1, 4);
    expect_output(p, "a1", T_FLOAT, 2, 2, 4);
    expect_output(p, "a2", T_FLOAT, 2, 3, 4);
    expect_output(p, "b0", T_FLOAT, 2, 2, 4);
    expect_output(p, "b2", T_FLOAT, 2, 2, 4);
    expect_unknown(p, "c0", "does not split evenly");
    expect_unknown(p, "d0", "split sums to 5 but axis 1 has 6");
    frm_profile_free(p);
}

/* Split-13 takes `split` as an input; Split-18 adds num_outputs. */
static void split_opset13_18(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    tu_input(b, "x", INTS(2, 6, 4));
    i64_vec(b, "sp", INTS(4, 2));
    frmi_onnx_attr_int(tu_node(b, "Split", "x sp", "a0 a1"), "axis", 1);  /* [2,4,4] [2,2,4] */
    tu_node(b, "Split", "x", "b0 b1");                                    /* axis 0: 2/2 = 1 */
    /* Shape -> Split contents: (2,6,4) into (2) and (6,4) */
    tu_node(b, "Shape", "x", "s");
    i64_vec(b, "sp2", INTS(1, 2));
    tu_node(b, "Split", "s sp2", "s0 s1");
    probe(b, "s1", "p1");                                              /* [6,4] */
    frm_profile *p = tu_profile(b, NULL);
    expect_output(p, "a0", T_FLOAT, 2, 4, 4);
    expect_output(p, "a1", T_FLOAT, 2, 2, 4);
    expect_output(p, "b0", T_FLOAT, 1, 6, 4);
    expect_output(p, "b1", T_FLOAT, 1, 6, 4);
    expect_output(p, "s0", T_INT64, 1);
    expect_output(p, "s1", T_INT64, 2);
    expect_node(p, "p1", T_FLOAT, 6, 4);
    frm_profile_free(p);

    b = tu_model(18);
    tu_input(b, "x", INTS(10, 3));
    /* ceil(10 / 4) = 3: 3, 3, 3, 1 */
    frmi_onnx_attr_int(tu_node(b, "Split", "x", "c0 c1 c2 c3"), "num_outputs", 4);
    /* num_outputs disagreeing with the outputs */
    frmi_onnx_attr_int(tu_node(b, "Split", "x", "d0 d1"), "num_outputs", 3);
    p = tu_profile(b, NULL);
    expect_output(p, "c0", T_FLOAT, 3, 3);
    expect_output(p, "c2", T_FLOAT, 3, 3);
    expect_output(p, "c3", T_FLOAT, 1, 3);
    expect_unknown(p, "d0", "num_outputs is 3 but the node has 2 outputs");
    frm_profile_free(p);
}

/* Squeeze / Unsqueeze: axes attribute in opset 11, input in opset 13. */
static void squeeze_unsqueeze(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(11);
    tu_input(b, "x", INTS(1, 3, 1, 5));
    frmi_onnx_attr_ints(tu_node(b, "Squeeze", "x", "sq"), "axes", INTS(0, -2));  /* [3,5] */
    tu_node(b, "Squeeze", "x", "sq_all");                                        /* [3,5] */
    frmi_onnx_attr_ints(tu_node(b, "Squeeze", "x", "sq_bad"), "axes", INTS(1));  /* size 3 */
    /* output rank 2 + 2 = 4: axes 0 and -1 = 3: [1,3,5,1] */
    frmi_onnx_attr_ints(tu_node(b, "Unsqueeze", "sq", "us"), "axes", INTS(0, -1));
    /* 1 twice */
    frmi_onnx_attr_ints(tu_node(b, "Unsqueeze", "sq", "us_dup"), "axes", INTS(1, -3));
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "sq", T_FLOAT, 3, 5);
    expect_node(p, "sq_all", T_FLOAT, 3, 5);
    expect_unknown(p, "sq_bad", "cannot squeeze axis 1 of size 3");
    expect_node(p, "us", T_FLOAT, 1, 3, 5, 1);
    expect_unknown(p, "us_dup", "axis 1 repeated");
    frm_profile_free(p);

    b = tu_model(13);
    tu_input(b, "x", INTS(1, 3, 1, 5));
    i64_vec(b, "a02", INTS(0, 2));
    i64_vec(b, "a1", INTS(1));
    tu_node(b, "Squeeze", "x a02", "sq");              /* [3,5] */
    tu_node(b, "Squeeze", "x", "sq_all");              /* [3,5] */
    tu_node(b, "Unsqueeze", "sq a1", "us");            /* [3,1,5] */
    tu_node(b, "Unsqueeze", "sq", "us_none");          /* axes input missing */
    /* contents pass through: Shape(sq) = (3,5) -> [1,2] -> (3,5) */
    tu_node(b, "Shape", "sq", "s");
    i64_vec(b, "a0", INTS(0));
    tu_node(b, "Unsqueeze", "s a0", "s_u");            /* [1,2] */
    tu_node(b, "Squeeze", "s_u a0", "s_back");         /* [2] = (3,5) */
    probe(b, "s_back", "p");                           /* [3,5] */
    p = tu_profile(b, NULL);
    expect_node(p, "sq", T_FLOAT, 3, 5);
    expect_node(p, "sq_all", T_FLOAT, 3, 5);
    expect_node(p, "us", T_FLOAT, 3, 1, 5);
    expect_unknown(p, "us_none", "axes");
    expect_node(p, "s_u", T_INT64, 1, 2);
    expect_node(p, "p", T_FLOAT, 3, 5);
    frm_profile_free(p);
}

static void pad(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(11);
    tu_input(b, "x", INTS(1, 3, 4, 5));
    /* begin (0,0,1,2), end (0,0,3,-1): [1, 3, 4+1+3=8, 5+2-1=6] */
    i64_vec(b, "pads", INTS(0, 0, 1, 2, 0, 0, 3, -1));
    tu_node(b, "Pad", "x pads", "y");
    /* cropping below zero: 4 - 3 - 2 = -1 */
    i64_vec(b, "crop", INTS(0, 0, -3, 0, 0, 0, -2, 0));
    tu_node(b, "Pad", "x crop", "neg");
    i64_vec(b, "short", INTS(1, 1));
    tu_node(b, "Pad", "x short", "bad");               /* 2 values for rank 4 */
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "y", T_FLOAT, 1, 3, 8, 6);
    expect_unknown(p, "neg", "pads make axis 2 negative");
    expect_unknown(p, "bad", "pads has 2 values, expected 8");
    frm_profile_free(p);

    /* Pad-2: an attribute */
    b = tu_model(10);
    tu_input(b, "x", INTS(1, 3, 4, 5));
    /* [1,3,8,9] */
    frmi_onnx_attr_ints(tu_node(b, "Pad", "x", "y"), "pads", INTS(0, 0, 2, 2, 0, 0, 2, 2));
    p = tu_profile(b, NULL);
    expect_node(p, "y", T_FLOAT, 1, 3, 8, 9);
    frm_profile_free(p);

    /* Pad-18: axes (2, -1=3): begin (1, 0), end (1, 4): [1,3,6,9] */
    b = tu_model(18);
    tu_input(b, "x", INTS(1, 3, 4, 5));
    i64_vec(b, "pads", INTS(1, 0, 1, 4));
    i64_vec(b, "axes", INTS(2, -1));
    tu_node(b, "Pad", "x pads - axes", "y");
    p = tu_profile(b, NULL);
    expect_node(p, "y", T_FLOAT, 1, 3, 6, 9);
    frm_profile_free(p);
}

static void resize(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    tu_input(b, "x", INTS(1, 3, 4, 5));
    /* scales (1,1,2,1.5): [1, 3, 4*2=8, floor(5*1.5=7.5)=7] */
    f32_vec(b, "scales", 4, (const float[]){ 1.0f, 1.0f, 2.0f, 1.5f });
    tu_node(b, "Resize", "x - scales", "up");
    /* sizes given: [1,3,9,10] */
    i64_vec(b, "sizes", INTS(1, 3, 9, 10));
    tu_node(b, "Resize", "x - - sizes", "sized");
    tu_node(b, "Resize", "x", "neither");
    tu_node(b, "Resize", "x - scales sizes", "both");
    /* Shape -> Slice -> Concat makes sizes, as exporters do:
     * (1,3) ++ (8,16) -> [1,3,8,16] */
    tu_node(b, "Shape", "x", "s");
    i64_vec(b, "zero", INTS(0));
    i64_vec(b, "two", INTS(2));
    tu_node(b, "Slice", "s zero two", "nc");
    i64_vec(b, "hw", INTS(8, 16));
    frmi_onnx_attr_int(tu_node(b, "Concat", "nc hw", "sz"), "axis", 0);
    tu_node(b, "Resize", "x - - sz", "from_shape");
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "up", T_FLOAT, 1, 3, 8, 7);
    expect_node(p, "sized", T_FLOAT, 1, 3, 9, 10);
    expect_unknown(p, "neither", "neither scales nor sizes");
    expect_unknown(p, "both", "both scales and sizes");
    expect_node(p, "from_shape", T_FLOAT, 1, 3, 8, 16);
    frm_profile_free(p);

    /* Resize-11: an empty scales tensor stands for "use sizes" */
    b = tu_model(11);
    tu_input(b, "x", INTS(1, 3, 4, 5));
    f32_vec(b, "roi", 0, NULL);
    f32_vec(b, "noscales", 0, NULL);
    i64_vec(b, "sizes", INTS(1, 3, 7, 7));
    tu_node(b, "Resize", "x roi noscales sizes", "y");  /* [1,3,7,7] */
    p = tu_profile(b, NULL);
    expect_node(p, "y", T_FLOAT, 1, 3, 7, 7);
    frm_profile_free(p);

    /* Resize-10 (X, scales) and Upsample-9 */
    b = tu_model(10);
    tu_input(b, "x", INTS(1, 3, 4, 5));
    f32_vec(b, "scales", 4, (const float[]){ 1.0f, 1.0f, 0.5f, 3.0f });
    tu_node(b, "Resize", "x scales", "y");              /* [1,3,2,15] */
    p = tu_profile(b, NULL);
    expect_node(p, "y", T_FLOAT, 1, 3, 2, 15);
    frm_profile_free(p);

    b = tu_model(9);
    tu_input(b, "x", INTS(1, 3, 4, 5));
    f32_vec(b, "scales", 4, (const float[]){ 1.0f, 1.0f, 2.0f, 2.0f });
    tu_node(b, "Upsample", "x scales", "y");            /* [1,3,8,10] */
    p = tu_profile(b, NULL);
    expect_node(p, "y", T_FLOAT, 1, 3, 8, 10);
    frm_profile_free(p);

    /* Resize-18: axes, and a keep_aspect_ratio_policy frm does not follow */
    b = tu_model(18);
    tu_input(b, "x", INTS(1, 3, 4, 5));
    i64_vec(b, "hw", INTS(6, 2));
    frmi_onnx_node *n = tu_node(b, "Resize", "x - - hw", "y");
    frmi_onnx_attr_ints(n, "axes", INTS(2, 3));         /* [1,3,6,2] */
    n = tu_node(b, "Resize", "x - - hw", "keep");
    frmi_onnx_attr_ints(n, "axes", INTS(2, 3));
    frmi_onnx_attr_string(n, "keep_aspect_ratio_policy", "not_larger");
    p = tu_profile(b, NULL);
    expect_node(p, "y", T_FLOAT, 1, 3, 6, 2);
    expect_unknown(p, "keep", "keep_aspect_ratio_policy");
    frm_profile_free(p);
}

static void range_and_constant_of_shape(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    i64_scalar(b, "two", 2);
    i64_scalar(b, "eleven", 11);
    i64_scalar(b, "three", 3);
    i64_scalar(b, "ten", 10);
    i64_scalar(b, "one", 1);
    i64_scalar(b, "m4", -4);
    tu_node(b, "Range", "two eleven three", "r");      /* ceil(9/3) = 3: (2,5,8) */
    tu_node(b, "Range", "ten one m4", "down");         /* ceil(-9/-4) = 3: (10,6,2) */
    tu_node(b, "Range", "ten one three", "none");      /* ceil(-9/3) < 0: 0 */
    i64_scalar(b, "zero", 0);
    tu_node(b, "Range", "two eleven zero", "bad");     /* delta 0 */
    probe(b, "r", "p_r");                              /* [2,5,8] */
    probe(b, "down", "p_down");                        /* [10,6,2] */
    frmi_onnx_attr_tensor_i64(tu_node(b, "ConstantOfShape", "down", "c7"), "value", 1,
                              (const int64_t[]){ 1 }, (const int64_t[]){ 7 });  /* int64 [10,6,2] */
    frmi_onnx_initializer_f32(b, "f0", 0, NULL, (const float[]){ 0.5f });
    frmi_onnx_initializer_f32(b, "f1", 0, NULL, (const float[]){ 2.0f });
    frmi_onnx_initializer_f32(b, "fd", 0, NULL, (const float[]){ 0.4f });
    tu_node(b, "Range", "f0 f1 fd", "fr");             /* ceil(1.5/0.4 = 3.75) = 4: float [4] */
    i64_vec(b, "neg", INTS(2, -1));
    tu_node(b, "ConstantOfShape", "neg", "negshape");
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "r", T_INT64, 3);
    expect_node(p, "down", T_INT64, 3);
    expect_node(p, "none", T_INT64, 0);
    expect_unknown(p, "bad", "delta is 0");
    expect_node(p, "p_r", T_FLOAT, 2, 5, 8);
    expect_node(p, "p_down", T_FLOAT, 10, 6, 2);
    expect_node(p, "c7", T_INT64, 10, 6, 2);
    expect_node(p, "fr", T_FLOAT, 4);
    expect_unknown(p, "negshape", "negative");
    frm_profile_free(p);
}

static void expand(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    tu_input(b, "x", INTS(3, 1));
    i64_vec(b, "shape", INTS(2, 1, 4));
    tu_node(b, "Expand", "x shape", "y");              /* (3,1) with (2,1,4): [2,3,4] */
    i64_vec(b, "bad", INTS(2, 4, 4));
    tu_node(b, "Expand", "x bad", "no");               /* 3 vs 4 */
    /* contents: (5) expanded to [3] = (5,5,5) */
    i64_vec(b, "five", INTS(5));
    i64_vec(b, "three", INTS(3));
    tu_node(b, "Expand", "five three", "fives");
    probe(b, "fives", "p");                            /* [5,5,5] */
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "y", T_FLOAT, 2, 3, 4);
    expect_unknown(p, "no", "does not broadcast");
    expect_node(p, "fives", T_INT64, 3);
    expect_node(p, "p", T_FLOAT, 5, 5, 5);
    frm_profile_free(p);
}

/* The exporters' "replace -1 by 1" idiom: Where(Equal(t, -1), 1, t). */
static void where_equal(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    tu_input(b, "x", INTS(3, 1));
    const_i64(b, "t", 1, (const int64_t[]){ 3 }, (const int64_t[]){ 2, -1, 5 });
    int64_t m1 = -1, one = 1;
    const_i64(b, "m1", 0, NULL, &m1);
    const_i64(b, "one", 0, NULL, &one);
    tu_node(b, "Equal", "t m1", "eq");                 /* bool [3] = (0,1,0) */
    tu_node(b, "Where", "eq one t", "w");              /* int64 [3] = (2,1,5) */
    probe(b, "w", "p");                                /* [2,1,5] */
    tu_node(b, "Expand", "x w", "y");                  /* (3,1) with (2,1,5): [2,3,5] */
    /* Where broadcasting shapes: cond [3,1], X [1,4], Y [2,1,1] -> [2,3,4] */
    tu_input(b, "c", INTS(3, 1));
    tu_input(b, "xx", INTS(1, 4));
    tu_input(b, "yy", INTS(2, 1, 1));
    tu_node(b, "Where", "c xx yy", "wb");
    tu_node(b, "Less", "xx yy", "lt");                 /* bool [2,1,4] */
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "eq", T_BOOL, 3);
    expect_node(p, "w", T_INT64, 3);
    expect_node(p, "p", T_FLOAT, 2, 1, 5);
    expect_node(p, "y", T_FLOAT, 2, 3, 5);
    expect_node(p, "wb", T_FLOAT, 2, 3, 4);
    expect_node(p, "lt", T_BOOL, 2, 1, 4);
    frm_profile_free(p);
}

static void gather(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    tu_input(b, "x", INTS(2, 3, 4, 5));
    tu_node(b, "Shape", "x", "s");                               /* (2,3,4,5) */
    i64_vec(b, "negs", INTS(-1, -3));
    tu_node(b, "Gather", "s negs", "g");                         /* (s[3], s[1]) = (5,3) */
    probe(b, "g", "p");                                          /* [5,3] */
    /* data [4,6], indices [2,2], axis 1: [4] + [2,2] = [4,2,2] */
    tu_input(b, "d", INTS(4, 6));
    int64_t id[2] = { 2, 2 };
    frmi_onnx_initializer_i64(b, "idx", 2, id, (const int64_t[]){ 0, -1, 2, 3 });
    frmi_onnx_attr_int(tu_node(b, "Gather", "d idx", "g2"), "axis", 1);
    /* axis -2 = 0 with a scalar index: [6] */
    i64_scalar(b, "k", 3);
    frmi_onnx_attr_int(tu_node(b, "Gather", "d k", "g3"), "axis", -2);
    i64_vec(b, "far", INTS(6));
    frmi_onnx_attr_int(tu_node(b, "Gather", "d far", "oob"), "axis", 1);  /* 6 >= 6 */
    i64_vec(b, "farneg", INTS(-7));
    frmi_onnx_attr_int(tu_node(b, "Gather", "d farneg", "oob2"), "axis", 1);  /* -7 < -6 */
    frmi_onnx_attr_int(tu_node(b, "Gather", "d k", "badaxis"), "axis", 2);
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "g", T_INT64, 2);
    expect_node(p, "p", T_FLOAT, 5, 3);
    expect_node(p, "g2", T_FLOAT, 4, 2, 2);
    expect_node(p, "g3", T_FLOAT, 6);
    expect_unknown(p, "oob", "index 6 out of range for axis 1 of size 6");
    expect_unknown(p, "oob2", "index -7 out of range");
    expect_unknown(p, "badaxis", "axis 2 out of range for rank 2");
    frm_profile_free(p);
}

static void transpose(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    tu_input(b, "x", INTS(2, 3, 4, 5));
    /* [2,4,5,3] */
    frmi_onnx_attr_ints(tu_node(b, "Transpose", "x", "t"), "perm", INTS(0, 2, 3, 1));
    tu_node(b, "Transpose", "x", "rev");                                       /* [5,4,3,2] */
    frmi_onnx_attr_ints(tu_node(b, "Transpose", "x", "dup"), "perm", INTS(0, 1, 1, 2));
    frmi_onnx_attr_ints(tu_node(b, "Transpose", "x", "short"), "perm", INTS(1, 0));
    /* contents: ((1,2,3),(4,5,6)) transposed = ((1,4),(2,5),(3,6)), flattened
     * by Reshape to (1,4,2,5,3,6) */
    const_i64(b, "m", 2, (const int64_t[]){ 2, 3 }, (const int64_t[]){ 1, 2, 3, 4, 5, 6 });
    tu_node(b, "Transpose", "m", "mt");                                        /* [3,2] */
    i64_vec(b, "six", INTS(6));
    tu_node(b, "Reshape", "mt six", "mflat");
    probe(b, "mflat", "p");                                                    /* [1,4,2,5,3,6] */
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "t", T_FLOAT, 2, 4, 5, 3);
    expect_node(p, "rev", T_FLOAT, 5, 4, 3, 2);
    expect_unknown(p, "dup", "perm repeats axis 1");
    expect_unknown(p, "short", "perm has 2 values for rank 4");
    expect_node(p, "mt", T_INT64, 3, 2);
    expect_node(p, "p", T_FLOAT, 1, 4, 2, 5, 3, 6);
    frm_profile_free(p);
}

static void flatten_and_reshape(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(14);
    tu_input(b, "x", INTS(2, 3, 4, 5));
    frmi_onnx_attr_int(tu_node(b, "Flatten", "x", "f2"), "axis", 2);    /* [2*3, 4*5] = [6,20] */
    frmi_onnx_attr_int(tu_node(b, "Flatten", "x", "fm1"), "axis", -1);  /* [24,5] */
    frmi_onnx_attr_int(tu_node(b, "Flatten", "x", "f0"), "axis", 0);    /* [1,120] */
    frmi_onnx_attr_int(tu_node(b, "Flatten", "x", "f4"), "axis", 4);    /* [120,1] */
    tu_node(b, "Flatten", "x", "fdef");                                 /* axis 1: [2,60] */
    frmi_onnx_attr_int(tu_node(b, "Flatten", "x", "f5"), "axis", 5);    /* out of range */
    i64_vec(b, "t1", INTS(0, -1, 5));
    tu_node(b, "Reshape", "x t1", "r1");                             /* (2, 120/(2*5)=12, 5) */
    i64_vec(b, "t2", INTS(-1, -1));
    tu_node(b, "Reshape", "x t2", "r2");                             /* two -1 */
    i64_vec(b, "t3", INTS(7, -1));
    tu_node(b, "Reshape", "x t3", "r3");                             /* 120 % 7 != 0 */
    i64_vec(b, "t4", INTS(4, 0, 10));
    /* 0 elements != 120 */
    frmi_onnx_attr_int(tu_node(b, "Reshape", "x t4", "r4"), "allowzero", 1);
    i64_vec(b, "t5", INTS(6, 0, 0, 5));
    tu_node(b, "Reshape", "x t5", "r5");                             /* 0 copies: (6,3,4,5) */
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "f2", T_FLOAT, 6, 20);
    expect_node(p, "fm1", T_FLOAT, 24, 5);
    expect_node(p, "f0", T_FLOAT, 1, 120);
    expect_node(p, "f4", T_FLOAT, 120, 1);
    expect_node(p, "fdef", T_FLOAT, 2, 60);
    expect_unknown(p, "f5", "axis 5 out of range for rank 4");
    expect_node(p, "r1", T_FLOAT, 2, 12, 5);
    expect_unknown(p, "r2", "two -1 dims");
    expect_unknown(p, "r3", "cannot reshape 120 elements");
    expect_unknown(p, "r4", "cannot reshape 120 elements to 0");
    expect_unknown(p, "r5", "cannot reshape 120 elements to 360");
    frm_profile_free(p);
}

/* Arithmetic on shapes: Mul, Sub, Div (truncating), Mod, Cast, Concat. */
static void shape_arithmetic(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    tu_input(b, "x", INTS(2, 3, 4, 5));
    tu_node(b, "Shape", "x", "s");                     /* (2,3,4,5) */
    i64_vec(b, "k", INTS(3, 2, 1, 4));
    tu_node(b, "Mul", "s k", "mul");                   /* (6,6,4,20) */
    tu_node(b, "Sub", "mul k", "sub");                 /* (3,4,3,16) */
    i64_vec(b, "d", INTS(-2));
    tu_node(b, "Div", "s d", "div");                   /* (2,3,4,5)/-2 = (-1,-1,-2,-2) */
    tu_node(b, "Mul", "div d", "back");                /* (2,2,4,4) */
    i64_vec(b, "m", INTS(3));
    tu_node(b, "Mod", "s m", "mod");                   /* (2,0,1,2) */
    tu_node(b, "Max", "mod k", "mx");                  /* (3,2,1,4) */
    frmi_onnx_attr_int(tu_node(b, "Cast", "s", "sf"), "to", T_FLOAT);  /* float (2,3,4,5) */
    f32_vec(b, "half", 1, (const float[]){ 1.5f });
    tu_node(b, "Mul", "sf half", "sfh");               /* (3,4.5,6,7.5) */
    frmi_onnx_attr_int(tu_node(b, "Cast", "sfh", "si"), "to", T_INT64);  /* truncates: (3,4,6,7) */
    i64_vec(b, "z", INTS(0));
    tu_node(b, "Div", "s z", "divz");                  /* shape [4], contents unknown */
    probe(b, "sub", "p_sub");
    probe(b, "back", "p_back");
    probe(b, "mod", "p_mod");
    probe(b, "mx", "p_mx");
    probe(b, "si", "p_si");
    probe(b, "divz", "p_divz");                        /* input not constant */
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "p_sub", T_FLOAT, 3, 4, 3, 16);
    expect_node(p, "p_back", T_FLOAT, 2, 2, 4, 4);
    expect_node(p, "p_mod", T_FLOAT, 2, 0, 1, 2);
    expect_node(p, "p_mx", T_FLOAT, 3, 2, 1, 4);
    expect_node(p, "sf", T_FLOAT, 4);
    expect_node(p, "p_si", T_FLOAT, 3, 4, 6, 7);
    expect_node(p, "divz", T_INT64, 4);
    expect_unknown(p, "p_divz", "not a constant");
    frm_profile_free(p);
}

static void concat_and_identity(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    tu_input(b, "x", INTS(2, 3));
    tu_input(b, "y", INTS(2, 5));
    tu_input(b, "z", INTS(3, 3));
    frmi_onnx_attr_int(tu_node(b, "Concat", "x y", "c1"), "axis", -1);  /* [2,8] */
    frmi_onnx_attr_int(tu_node(b, "Concat", "x z", "c0"), "axis", 0);   /* [5,3] */
    frmi_onnx_attr_int(tu_node(b, "Concat", "x y", "bad"), "axis", 0);  /* 3 vs 5 */
    tu_node(b, "Concat", "x y", "noaxis");
    tu_node(b, "Identity", "c1", "id");                              /* [2,8] */
    tu_node(b, "Dropout", "c1", "dr mask");                          /* [2,8], bool mask */
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "c1", T_FLOAT, 2, 8);
    expect_node(p, "c0", T_FLOAT, 5, 3);
    expect_unknown(p, "bad", "input 1 dim 1 is 5, input 0 has 3");
    expect_unknown(p, "noaxis", "axis");
    expect_node(p, "id", T_FLOAT, 2, 8);
    expect_node(p, "dr", T_FLOAT, 2, 8);
    expect_output(p, "mask", T_BOOL, 2, 8);
    frm_profile_free(p);
}

/* Constant's other attributes. */
static void constant_attrs(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    /* int64 [3] */
    frmi_onnx_attr_ints(tu_node(b, "Constant", "", "ci"), "value_ints", INTS(3, 1, 2));
    frmi_onnx_attr_int(tu_node(b, "Constant", "", "c1"), "value_int", 4);        /* int64 scalar */
    frmi_onnx_attr_floats(tu_node(b, "Constant", "", "cf"), "value_floats", 2,
                          (const float[]){ 1.0f, 2.0f });                       /* float [2] */
    frmi_onnx_attr_float(tu_node(b, "Constant", "", "cs"), "value_float", 1.0f);  /* float scalar */
    tu_node(b, "Constant", "", "empty");                                          /* no value */
    probe(b, "ci", "p");                                                          /* [3,1,2] */
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "ci", T_INT64, 3);
    expect_node_scalar(p, "c1", T_INT64);
    expect_node(p, "cf", T_FLOAT, 2);
    expect_node_scalar(p, "cs", T_FLOAT);
    expect_unknown(p, "empty", "no value attribute");
    expect_node(p, "p", T_FLOAT, 3, 1, 2);
    frm_profile_free(p);
}

/*
 * Constants with no elements but huge dims: nothing to copy, and nothing
 * may loop over a huge dim or overflow computing strides.
 * e: [2^60, 0] (a huge outer dim), f: [0, 2^60, 2^60] (strides past 2^63).
 */
static void empty_constants_with_huge_dims(void **state)
{
    (void)state;
    const int64_t big = (int64_t)1 << 60;
    frmi_onnx_builder *b = tu_model(13);
    frmi_onnx_initializer_i64(b, "e", 2, (const int64_t[]){ big, 0 }, NULL);
    frmi_onnx_initializer_i64(b, "f", 3, (const int64_t[]){ 0, big, big }, NULL);
    frmi_onnx_attr_int(tu_node(b, "Concat", "e e", "cat"), "axis", 1);   /* [2^60, 0] */
    frmi_onnx_attr_int(tu_node(b, "Split", "e", "s0 s1"), "axis", 1);    /* [2^60, 0] each */
    i64_vec(b, "i0", INTS(0));
    tu_node(b, "Gather", "e i0", "g");                                   /* [1, 0] */
    /* [0, 2^60, 2^60] */
    frmi_onnx_attr_ints(tu_node(b, "Transpose", "f", "t"), "perm", INTS(0, 2, 1));
    tu_node(b, "Add", "f f", "sum");                                     /* [0, 2^60, 2^60] */
    tu_node(b, "Where", "f f f", "w");                                   /* [0, 2^60, 2^60] */
    i64_vec(b, "shape", INTS(1, 1, 1));
    tu_node(b, "Expand", "f shape", "x");                                /* [0, 2^60, 2^60] */
    i64_vec(b, "st", INTS(0));
    i64_vec(b, "en", INTS(1));
    i64_vec(b, "ax", INTS(2));
    tu_node(b, "Slice", "f st en ax", "sl");                             /* [0, 2^60, 1] */
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "cat", T_INT64, big, 0);
    expect_output(p, "s1", T_INT64, big, 0);
    expect_node(p, "g", T_INT64, 1, 0);
    expect_node(p, "t", T_INT64, 0, big, big);
    expect_node(p, "sum", T_INT64, 0, big, big);
    expect_node(p, "w", T_INT64, 0, big, big);
    expect_node(p, "x", T_INT64, 0, big, big);
    expect_node(p, "sl", T_INT64, 0, big, 1);
    frm_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pytorch_flatten_pattern),
        cmocka_unit_test(shape_start_end),
        cmocka_unit_test(slice_opset13),
        cmocka_unit_test(slice_opset9),
        cmocka_unit_test(split_opset11),
        cmocka_unit_test(split_opset13_18),
        cmocka_unit_test(squeeze_unsqueeze),
        cmocka_unit_test(pad),
        cmocka_unit_test(resize),
        cmocka_unit_test(range_and_constant_of_shape),
        cmocka_unit_test(expand),
        cmocka_unit_test(where_equal),
        cmocka_unit_test(gather),
        cmocka_unit_test(transpose),
        cmocka_unit_test(flatten_and_reshape),
        cmocka_unit_test(shape_arithmetic),
        cmocka_unit_test(concat_and_identity),
        cmocka_unit_test(constant_attrs),
        cmocka_unit_test(empty_constants_with_huge_dims),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

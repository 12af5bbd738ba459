/*
 * tests/test_infer_nn.c - shape inference of the neural-network operators
 * (src/onnx/infer_nn.c), end to end: small models built with the ONNX
 * writer, profiled with per_node, each node's output shape compared with
 * a hand calculation written beside it.
 *
 * Notation in the comments: in = input size, k = kernel, d = dilation,
 * s = stride, pb/pe = begin/end pads, keff = (k - 1) * d + 1.
 */
#include "testutil_onnx.h"

/* --- Conv ---------------------------------------------------------------- */

static void conv_stride_pad(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 3, 224, 224));
    tu_input(b, "w", INTS(64, 3, 3, 3));
    tu_input(b, "bias", INTS(64));
    frmi_onnx_node *n = tu_node(b, "Conv", "x w bias", "y");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(1, 1, 1, 1));
    frm_profile *p = tu_profile(b, NULL);
    /* floor((224 + 1 + 1 - 3) / 2) + 1 = floor(223 / 2) + 1 = 112 */
    expect_node(p, "y", T_FLOAT, 1, 64, 112, 112);
    frm_profile_free(p);
}

static void conv_dilation(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(2, 8, 20, 30));
    tu_input(b, "w", INTS(16, 8, 3, 3));
    frmi_onnx_node *n = tu_node(b, "Conv", "x w", "y");
    frmi_onnx_attr_ints(n, "dilations", 2, DIMS(2, 2));
    frm_profile *p = tu_profile(b, NULL);
    /* keff = 2 * 2 + 1 = 5; H: 20 - 5 + 1 = 16; W: 30 - 5 + 1 = 26 */
    expect_node(p, "y", T_FLOAT, 2, 16, 16, 26);
    frm_profile_free(p);
}

static void conv_group_asymmetric_pads(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 32, 10, 10));
    tu_input(b, "w", INTS(64, 8, 3, 3));
    frmi_onnx_node *n = tu_node(b, "Conv", "x w", "y");
    frmi_onnx_attr_int(n, "group", 4);
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(0, 1, 2, 3));
    frm_profile *p = tu_profile(b, NULL);
    /* channels: 8 x group 4 = 32 = C; 64 % 4 == 0.
     * H: 10 + 0 + 2 - 3 + 1 = 10; W: 10 + 1 + 3 - 3 + 1 = 12 */
    expect_node(p, "y", T_FLOAT, 1, 64, 10, 12);
    frm_profile_free(p);
}

static void conv_same_upper_and_valid(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 3, 15, 16));
    tu_input(b, "w", INTS(4, 3, 3, 3));
    tu_input(b, "x1", INTS(1, 1, 17));
    tu_input(b, "w1", INTS(2, 1, 4));
    frmi_onnx_node *n = tu_node(b, "Conv", "x w", "same");
    frmi_onnx_attr_string(n, "auto_pad", "SAME_UPPER");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    n = tu_node(b, "Conv", "x w", "lower");
    frmi_onnx_attr_string(n, "auto_pad", "SAME_LOWER");
    /* pads are ignored under auto_pad */
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(5, 5, 5, 5));
    n = tu_node(b, "Conv", "x1 w1", "valid");
    frmi_onnx_attr_string(n, "auto_pad", "VALID");
    frmi_onnx_attr_ints(n, "strides", 1, DIMS(3));
    frm_profile *p = tu_profile(b, NULL);
    /* SAME: ceil(15 / 2) = 8, ceil(16 / 2) = 8 */
    expect_node(p, "same", T_FLOAT, 1, 4, 8, 8);
    /* SAME, stride 1: ceil(15 / 1) = 15, 16 */
    expect_node(p, "lower", T_FLOAT, 1, 4, 15, 16);
    /* 1-D VALID: floor((17 - 4) / 3) + 1 = 4 + 1 = 5 */
    expect_node(p, "valid", T_FLOAT, 1, 2, 5);
    frm_profile_free(p);
}

static void conv_3d(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(11);
    tu_input(b, "x", INTS(1, 2, 8, 9, 10));
    tu_input(b, "w", INTS(3, 2, 3, 3, 3));
    frmi_onnx_node *n = tu_node(b, "Conv", "x w", "y");
    frmi_onnx_attr_ints(n, "kernel_shape", 3, DIMS(3, 3, 3));
    frmi_onnx_attr_ints(n, "strides", 3, DIMS(1, 2, 3));
    frmi_onnx_attr_ints(n, "pads", 6, DIMS(1, 1, 1, 1, 1, 1));
    frm_profile *p = tu_profile(b, NULL);
    /* D: (8 + 2 - 3) / 1 + 1 = 8; H: floor((9 + 2 - 3) / 2) + 1 = 5;
     * W: floor((10 + 2 - 3) / 3) + 1 = 4 */
    expect_node(p, "y", T_FLOAT, 1, 3, 8, 5, 4);
    frm_profile_free(p);
}

static void conv_errors(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 3, 8, 8));
    tu_input(b, "w4", INTS(4, 4, 3, 3));
    tu_input(b, "w3", INTS(6, 3, 3, 3));
    tu_input(b, "small", INTS(1, 1, 2, 2));
    tu_input(b, "wsmall", INTS(1, 1, 3, 3));
    tu_input(b, "x2", INTS(3, 8));
    tu_input(b, "bias5", INTS(5));
    tu_node(b, "Conv", "x w4", "channels");
    frmi_onnx_node *n = tu_node(b, "Conv", "x w3", "stride0");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(0, 1));
    n = tu_node(b, "Conv", "x w3", "kernel3");
    frmi_onnx_attr_ints(n, "kernel_shape", 3, DIMS(3, 3, 3));
    n = tu_node(b, "Conv", "x w3", "kernel5");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(5, 5));
    n = tu_node(b, "Conv", "x w3", "group0");
    frmi_onnx_attr_int(n, "group", 0);
    n = tu_node(b, "Conv", "x w3", "group4");
    frmi_onnx_attr_int(n, "group", 4);
    n = tu_node(b, "Conv", "x w3", "badpad");
    frmi_onnx_attr_string(n, "auto_pad", "SAME");
    n = tu_node(b, "Conv", "x w3", "negpad");
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(0, -1, 0, 0));
    n = tu_node(b, "Conv", "x w3", "hugepad");
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(INT64_MAX, 0, INT64_MAX, 0));
    n = tu_node(b, "Conv", "x w3", "hugedil");
    frmi_onnx_attr_ints(n, "dilations", 2, DIMS(INT64_MAX, 1));
    tu_node(b, "Conv", "small wsmall", "toosmall");
    tu_node(b, "Conv", "x2 w3", "rank2");
    tu_node(b, "Conv", "x w3 bias5", "bias");
    tu_node(b, "Conv", "x", "noweight");
    frm_profile *p = tu_profile(b, NULL);
    expect_unknown(p, "channels", "input channels 3 do not match weight 4 x group 1");
    expect_unknown(p, "stride0", "strides has value 0");
    expect_unknown(p, "kernel3", "kernel_shape has 3 values for 2 spatial dims");
    expect_unknown(p, "kernel5", "kernel_shape 5 does not match weight dim 3");
    expect_unknown(p, "group0", "group 0 is not positive");
    /* 3 x 4 = 12 != 3 */
    expect_unknown(p, "group4", "input channels 3 do not match weight 3 x group 4");
    expect_unknown(p, "badpad", "auto_pad 'SAME' is not");
    expect_unknown(p, "negpad", "pads has value -1");
    expect_unknown(p, "hugepad", "pads overflow");
    expect_unknown(p, "hugedil", "overflows");
    /* padded 2 < keff 3 */
    expect_unknown(p, "toosmall", "kernel extent 3 is larger than padded input 2");
    expect_unknown(p, "rank2", "input has rank 2");
    expect_unknown(p, "bias", "bias has shape [5] for 6 output channels");
    expect_unknown(p, "noweight", "input 2 is missing");
    frm_profile_free(p);
}

/* --- ConvTranspose --------------------------------------------------------- */

static void conv_transpose(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 16, 7, 7));
    tu_input(b, "w", INTS(16, 4, 3, 3));
    tu_input(b, "x2", INTS(1, 4, 10, 10));
    tu_input(b, "w2", INTS(4, 2, 3, 3));
    tu_input(b, "x3", INTS(1, 4, 5, 6));
    tu_input(b, "w3", INTS(4, 3, 3, 3));
    tu_input(b, "w2k", INTS(4, 3, 2, 2));
    frmi_onnx_node *n = tu_node(b, "ConvTranspose", "x w", "padded");
    frmi_onnx_attr_int(n, "group", 2);
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(1, 1, 1, 1));
    frmi_onnx_attr_ints(n, "output_padding", 2, DIMS(1, 1));
    n = tu_node(b, "ConvTranspose", "x2 w2", "shaped");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    frmi_onnx_attr_ints(n, "output_shape", 2, DIMS(20, 21));
    n = tu_node(b, "ConvTranspose", "x3 w3", "same");
    frmi_onnx_attr_string(n, "auto_pad", "SAME_UPPER");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    n = tu_node(b, "ConvTranspose", "x3 w2k", "same_short");
    frmi_onnx_attr_string(n, "auto_pad", "SAME_LOWER");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(3, 1));
    n = tu_node(b, "ConvTranspose", "x2 w2", "dilated");
    frmi_onnx_attr_ints(n, "dilations", 2, DIMS(2, 3));
    tu_node(b, "ConvTranspose", "x w2", "mismatch");
    frm_profile *p = tu_profile(b, NULL);
    /* M = 4 x group 2 = 8; 2 * (7 - 1) + 1 + 3 - 1 - 1 = 14 */
    expect_node(p, "padded", T_FLOAT, 1, 8, 14, 14);
    /* output_shape wins: M = 2 */
    expect_node(p, "shaped", T_FLOAT, 1, 2, 20, 21);
    /* SAME: 5 * 2 = 10, 6 * 2 = 12; M = 3 */
    expect_node(p, "same", T_FLOAT, 1, 3, 10, 12);
    /* SAME wants in * stride, reached by cutting pads off the full output
     * stride * (in - 1) + k; pads cannot be negative, so where k < stride
     * the full output is all there is.
     * H: full 3 * (5 - 1) + 2 = 14, below 5 * 3 = 15: stays 14.
     * W: full 1 * (6 - 1) + 2 = 7, above 6 * 1 = 6: cut to 6.  M = 3. */
    expect_node(p, "same_short", T_FLOAT, 1, 3, 14, 6);
    /* H: 1 * 9 + (2 * 2 + 1) = 14; W: 9 + (2 * 3 + 1) = 16 */
    expect_node(p, "dilated", T_FLOAT, 1, 2, 14, 16);
    /* W[0] = 4 but C = 16 */
    expect_unknown(p, "mismatch", "input channels 16 do not match weight dim 0 (4)");
    frm_profile_free(p);
}

/* --- pooling ----------------------------------------------------------------- */

static void max_pool_ceil_mode(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 1, 6, 6));
    tu_input(b, "x5", INTS(1, 1, 5, 5));
    frmi_onnx_node *n = tu_node(b, "MaxPool", "x", "floor");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(3, 3));
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    n = tu_node(b, "MaxPool", "x", "ceil");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(3, 3));
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    frmi_onnx_attr_int(n, "ceil_mode", 1);
    n = tu_node(b, "MaxPool", "x5", "drop");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(2, 2));
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(1, 0, 1, 0));
    frmi_onnx_attr_int(n, "ceil_mode", 1);
    frm_profile *p = tu_profile(b, NULL);
    /* floor((6 - 3) / 2) + 1 = 2 */
    expect_node(p, "floor", T_FLOAT, 1, 1, 2, 2);
    /* ceil(3 / 2) + 1 = 3; last window starts at (3 - 1) * 2 = 4 < 6: kept */
    expect_node(p, "ceil", T_FLOAT, 1, 1, 3, 3);
    /* H: ceil((5 + 1 + 1 - 2) / 2) + 1 = 4, but the last window would start
     * at 3 * 2 = 6 >= 5 + 1 (in the end pad): dropped, 3.
     * W: ceil((5 - 2) / 2) + 1 = 3; start 2 * 2 = 4 < 5: kept (floor gives 2). */
    expect_node(p, "drop", T_FLOAT, 1, 1, 3, 3);
    frm_profile_free(p);
}

static void pool_variants(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(1, 2, 7, 7));
    tu_input(b, "x10", INTS(1, 1, 10, 10));
    tu_input(b, "g", INTS(2, 5, 7, 9));
    frmi_onnx_node *n = tu_node(b, "AveragePool", "x", "avg");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(3, 3));
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    frmi_onnx_attr_string(n, "auto_pad", "SAME_LOWER");
    n = tu_node(b, "MaxPool", "x10", "dilated indices");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(3, 3));
    frmi_onnx_attr_ints(n, "dilations", 2, DIMS(2, 1));
    n = tu_node(b, "MaxPool", "x10", "nokernel");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    n = tu_node(b, "MaxPool", "x10", "longpads");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(3, 3));
    frmi_onnx_attr_ints(n, "pads", 3, DIMS(1, 1, 1));
    tu_node(b, "GlobalAveragePool", "g", "gap");
    tu_node(b, "GlobalMaxPool", "x10", "gmp");
    frm_profile *p = tu_profile(b, NULL);
    /* SAME: ceil(7 / 2) = 4 */
    expect_node(p, "avg", T_FLOAT, 1, 2, 4, 4);
    /* H: keff 5: 10 - 5 + 1 = 6; W: 10 - 3 + 1 = 8; Indices the same in int64 */
    expect_node(p, "dilated", T_FLOAT, 1, 1, 6, 8);
    expect_output(p, "indices", T_INT64, 1, 1, 6, 8);
    expect_unknown(p, "nokernel", "attribute 'kernel_shape' is missing");
    expect_unknown(p, "longpads", "pads has 3 values for 2 spatial dims");
    expect_node(p, "gap", T_FLOAT, 2, 5, 1, 1);
    expect_node(p, "gmp", T_FLOAT, 1, 1, 1, 1);
    frm_profile_free(p);
}

/* --- normalisation, softmax, unary ------------------------------------------ */

static void norms_and_softmax(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "x", INTS(2, 3, 4, 4));
    tu_input(b, "c", INTS(3));
    tu_input(b, "s", INTS(2, 3, 4));
    tu_input(b, "ln_w", INTS(3, 4));
    tu_node(b, "BatchNormalization", "x c c c c", "bn");
    frmi_onnx_node *n = tu_node(b, "LayerNormalization", "s ln_w", "ln mean inv");
    frmi_onnx_attr_int(n, "axis", -2);
    n = tu_node(b, "LayerNormalization", "s ln_w", "ln_bad");
    frmi_onnx_attr_int(n, "axis", 3);
    n = tu_node(b, "Softmax", "s", "sm");
    frmi_onnx_attr_int(n, "axis", 1);
    tu_node(b, "LogSoftmax", "x", "lsm");
    n = tu_node(b, "Softmax", "s", "sm_bad");
    frmi_onnx_attr_int(n, "axis", 3);
    tu_node(b, "Relu", "x", "relu");
    tu_node(b, "Sigmoid", "s", "sig");
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "bn", T_FLOAT, 2, 3, 4, 4);
    expect_node(p, "ln", T_FLOAT, 2, 3, 4);
    /* axis -2 = 1: dims 1 and 2 become 1 */
    expect_output(p, "mean", T_FLOAT, 2, 1, 1);
    expect_output(p, "inv", T_FLOAT, 2, 1, 1);
    expect_unknown(p, "ln_bad", "axis 3 is out of range for rank 3");
    expect_node(p, "sm", T_FLOAT, 2, 3, 4);
    expect_node(p, "lsm", T_FLOAT, 2, 3, 4, 4);
    expect_unknown(p, "sm_bad", "axis 3 is out of range for rank 3");
    expect_node(p, "relu", T_FLOAT, 2, 3, 4, 4);
    expect_node(p, "sig", T_FLOAT, 2, 3, 4);
    frm_profile_free(p);
}

static void batch_norm_training_outputs(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(15);
    tu_input(b, "x", INTS(2, 3, 4, 4));
    tu_input(b, "c", INTS(3));
    frmi_onnx_node *n = tu_node(b, "BatchNormalization", "x c c c c", "y rmean rvar");
    frmi_onnx_attr_int(n, "training_mode", 1);
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "y", T_FLOAT, 2, 3, 4, 4);
    /* one value per channel: [C] = [3] */
    expect_output(p, "rmean", T_FLOAT, 3);
    expect_output(p, "rvar", T_FLOAT, 3);
    frm_profile_free(p);
}

/* --- Gemm and MatMul ---------------------------------------------------------- */

static void gemm(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "a", INTS(4, 3));
    tu_input(b, "b", INTS(5, 4));
    tu_input(b, "bt", INTS(4, 5));
    tu_input(b, "c", INTS(5));
    tu_input(b, "cbad", INTS(3, 4));
    tu_input(b, "a3", INTS(2, 4, 3));
    frmi_onnx_node *n = tu_node(b, "Gemm", "a b c", "tt");
    frmi_onnx_attr_int(n, "transA", 1);
    frmi_onnx_attr_int(n, "transB", 1);
    n = tu_node(b, "Gemm", "a bt", "t0");
    frmi_onnx_attr_int(n, "transA", 1);
    tu_node(b, "Gemm", "a bt", "kbad");
    n = tu_node(b, "Gemm", "a b cbad", "cbad_y");
    frmi_onnx_attr_int(n, "transA", 1);
    frmi_onnx_attr_int(n, "transB", 1);
    tu_node(b, "Gemm", "a3 bt", "rank3");
    frm_profile *p = tu_profile(b, NULL);
    /* A^T: [3, 4] (M 3, K 4); B^T: [4, 5] (K 4, N 5); C [5] broadcasts */
    expect_node(p, "tt", T_FLOAT, 3, 5);
    /* A^T [3, 4] x B [4, 5] */
    expect_node(p, "t0", T_FLOAT, 3, 5);
    /* A [4, 3]: K 3; B [4, 5]: K 4 */
    expect_unknown(p, "kbad", "A has K 3 but B has K 4");
    expect_unknown(p, "cbad_y", "C of shape [3,4] does not broadcast to [3,5]");
    expect_unknown(p, "rank3", "A has rank 3");
    frm_profile_free(p);
}

static void matmul(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    tu_input(b, "a4", INTS(2, 1, 3, 4));
    tu_input(b, "b3", INTS(5, 4, 6));
    tu_input(b, "v", INTS(4));
    tu_input(b, "m", INTS(2, 4, 3));
    tu_input(b, "t", INTS(2, 3, 4));
    tu_input(b, "b2", INTS(3, 4, 6));
    tu_node(b, "MatMul", "a4 b3", "batched");
    tu_node(b, "MatMul", "v m", "vec_left");
    tu_node(b, "MatMul", "t v", "vec_right");
    tu_node(b, "MatMul", "v v", "dot");
    tu_node(b, "MatMul", "t t", "kbad");
    tu_node(b, "MatMul", "t b2", "batchbad");
    frm_profile *p = tu_profile(b, NULL);
    /* batch [2, 1] with [5] -> [2, 5]; [3, 4] x [4, 6] -> [3, 6] */
    expect_node(p, "batched", T_FLOAT, 2, 5, 3, 6);
    /* [4] -> [1, 4]; batch [2]; [1, 4] x [4, 3] = [1, 3]; the 1 dropped */
    expect_node(p, "vec_left", T_FLOAT, 2, 3);
    /* [4] -> [4, 1]; [2, 3, 4] x [4, 1] = [2, 3, 1]; the 1 dropped */
    expect_node(p, "vec_right", T_FLOAT, 2, 3);
    /* [4] . [4] -> scalar */
    expect_node_scalar(p, "dot", T_FLOAT);
    /* [2, 3, 4] x [2, 3, 4]: K of A is 4 (last dim), K of B is 3 (dim -2) */
    expect_unknown(p, "kbad", "A has K 4 but B has K 3");
    /* batch [2] vs [3] */
    expect_unknown(p, "batchbad", "do not broadcast");
    frm_profile_free(p);
}

/* --- reductions --------------------------------------------------------------- */

static void reduce_attribute_axes(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    tu_input(b, "x", INTS(2, 3, 4));
    frmi_onnx_initializer_i64(b, "ax1", 1, DIMS(1), DIMS(1));
    frmi_onnx_node *n = tu_node(b, "ReduceMean", "x", "keep");
    frmi_onnx_attr_ints(n, "axes", 1, DIMS(1));
    n = tu_node(b, "ReduceMean", "x", "drop");
    frmi_onnx_attr_ints(n, "axes", 1, DIMS(-1));
    frmi_onnx_attr_int(n, "keepdims", 0);
    tu_node(b, "ReduceMax", "x", "all");
    n = tu_node(b, "ReduceMin", "x", "all_drop");
    frmi_onnx_attr_int(n, "keepdims", 0);
    n = tu_node(b, "ReduceMean", "x", "badaxis");
    frmi_onnx_attr_ints(n, "axes", 1, DIMS(3));
    /* opset 13: ReduceSum takes its axes as input 1 */
    n = tu_node(b, "ReduceSum", "x ax1", "sum13");
    frmi_onnx_attr_int(n, "keepdims", 0);
    n = tu_node(b, "ReduceSum", "x", "noop");
    frmi_onnx_attr_int(n, "noop_with_empty_axes", 1);
    tu_node(b, "ReduceSum", "x x", "axes_not_const");
    frm_profile *p = tu_profile(b, NULL);
    /* [2, 3, 4] reduced over 1, kept: [2, 1, 4] */
    expect_node(p, "keep", T_FLOAT, 2, 1, 4);
    /* over -1 = 2, dropped: [2, 3] */
    expect_node(p, "drop", T_FLOAT, 2, 3);
    /* no axes: everything, kept: [1, 1, 1] */
    expect_node(p, "all", T_FLOAT, 1, 1, 1);
    expect_node_scalar(p, "all_drop", T_FLOAT);
    expect_unknown(p, "badaxis", "axis 3 is out of range for rank 3");
    /* over 1, dropped: [2, 4] */
    expect_node(p, "sum13", T_FLOAT, 2, 4);
    /* empty axes with noop: identity */
    expect_node(p, "noop", T_FLOAT, 2, 3, 4);
    expect_unknown(p, "axes_not_const", "input 'x' is not a constant");
    frm_profile_free(p);
}

static void reduce_input_axes(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(18);
    tu_input(b, "x", INTS(2, 3, 4));
    frmi_onnx_initializer_i64(b, "ax02", 1, DIMS(2), DIMS(0, 2));
    frmi_onnx_initializer_i64(b, "empty", 1, DIMS(0), NULL);
    frmi_onnx_node *n = tu_node(b, "ReduceMean", "x ax02", "mean18");
    frmi_onnx_attr_int(n, "keepdims", 0);
    tu_node(b, "ReduceL2", "x ax02", "l2");
    n = tu_node(b, "ReduceMax", "x empty", "empty_noop");
    frmi_onnx_attr_int(n, "noop_with_empty_axes", 1);
    tu_node(b, "ReduceProd", "x empty", "empty_all");
    frm_profile *p = tu_profile(b, NULL);
    /* over 0 and 2, dropped: [3] */
    expect_node(p, "mean18", T_FLOAT, 3);
    /* kept: [1, 3, 1] */
    expect_node(p, "l2", T_FLOAT, 1, 3, 1);
    expect_node(p, "empty_noop", T_FLOAT, 2, 3, 4);
    expect_node(p, "empty_all", T_FLOAT, 1, 1, 1);
    frm_profile_free(p);
}

/*
 * Contents through the unary ops and reductions: each result is used as
 * the axes of a ReduceSum, which is only known when the contents are.
 */
static void constant_contents(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(13);
    tu_input(b, "x", INTS(2, 3, 4));
    frmi_onnx_initializer_i64(b, "m1", 1, DIMS(1), DIMS(-1));
    frmi_onnx_initializer_i64(b, "m2", 1, DIMS(1), DIMS(-2));
    frmi_onnx_initializer_i64(b, "three", 2, DIMS(2, 3), DIMS(0, 2, 1, 0, 1, 1));
    tu_node(b, "Neg", "m1", "neg");         /* [1] */
    tu_node(b, "Abs", "m2", "abs");         /* [2] */
    frmi_onnx_node *n = tu_node(b, "ReduceMax", "three", "rmax");
    frmi_onnx_attr_ints(n, "axes", 1, DIMS(1));    /* rows: max(0,2,1) = 2, max(0,1,1) = 1 */
    frmi_onnx_attr_int(n, "keepdims", 0);
    n = tu_node(b, "ReduceSum", "three", "rsum");
    frmi_onnx_attr_int(n, "keepdims", 0);          /* all: 0+2+1+0+1+1 = 5 */
    n = tu_node(b, "ReduceSum", "x neg", "by_neg");
    frmi_onnx_attr_int(n, "keepdims", 1);
    tu_node(b, "ReduceSum", "x abs", "by_abs");
    tu_node(b, "ReduceSum", "x rmax", "by_rmax");
    tu_node(b, "Shape", "x", "shape");         /* [2, 3, 4] */
    tu_node(b, "ReduceMin", "shape", "smin");  /* [2] */
    tu_node(b, "ReduceSum", "x smin", "by_shape");
    frm_profile *p = tu_profile(b, NULL);
    expect_node(p, "neg", T_INT64, 1);
    expect_node(p, "rmax", T_INT64, 2);
    expect_node_scalar(p, "rsum", T_INT64);
    /* axes = -(-1) = 1: [2, 1, 4] */
    expect_node(p, "by_neg", T_FLOAT, 2, 1, 4);
    /* axes = |-2| = 2: [2, 3, 1] */
    expect_node(p, "by_abs", T_FLOAT, 2, 3, 1);
    /* axes = [2, 1]: [2, 1, 1] */
    expect_node(p, "by_rmax", T_FLOAT, 2, 1, 1);
    /* axes = min(2, 3, 4) = 2: [2, 3, 1] */
    expect_node(p, "by_shape", T_FLOAT, 2, 3, 1);
    frm_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conv_stride_pad),
        cmocka_unit_test(conv_dilation),
        cmocka_unit_test(conv_group_asymmetric_pads),
        cmocka_unit_test(conv_same_upper_and_valid),
        cmocka_unit_test(conv_3d),
        cmocka_unit_test(conv_errors),
        cmocka_unit_test(conv_transpose),
        cmocka_unit_test(max_pool_ceil_mode),
        cmocka_unit_test(pool_variants),
        cmocka_unit_test(norms_and_softmax),
        cmocka_unit_test(batch_norm_training_outputs),
        cmocka_unit_test(gemm),
        cmocka_unit_test(matmul),
        cmocka_unit_test(reduce_attribute_axes),
        cmocka_unit_test(reduce_input_axes),
        cmocka_unit_test(constant_contents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

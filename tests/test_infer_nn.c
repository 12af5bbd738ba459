/*
 * tests/test_infer_nn.c - shape inference of the neural-network operators
 * (src/onnx/infer_nn.c), end to end: small models built with the ONNX
 * writer, profiled with per_node, each node's output shape compared with
 * a hand calculation written beside it.
 *
 * Notation in the comments: in = input size, k = kernel, d = dilation,
 * s = stride, pb/pe = begin/end pads, keff = (k - 1) * d + 1.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/writer.h"

enum { T_FLOAT = 1, T_INT64 = 7 };

#define DIMS(...) ((const int64_t[]){ __VA_ARGS__ })
#define NDIMS(...) ((int)(sizeof(DIMS(__VA_ARGS__)) / sizeof(int64_t)))
#define INTS(...) NDIMS(__VA_ARGS__), DIMS(__VA_ARGS__)

/* --- helpers ------------------------------------------------------------- */

static frmi_onnx_builder *model(int64_t opset)
{
    frmi_onnx_builder *b = frmi_onnx_builder_new("g", opset);
    assert_non_null(b);
    return b;
}

/* A float graph input of the given shape. */
static void input(frmi_onnx_builder *b, const char *name, int rank, const int64_t *dims)
{
    frmi_onnx_input(b, name, T_FLOAT, rank, dims, NULL);
}

/* A graph output without a declared shape, so nothing is filled in for it
 * (the declared type is a placeholder; inference sets the real one). */
static void output(frmi_onnx_builder *b, const char *name)
{
    frmi_onnx_output(b, name, T_FLOAT, -1, NULL, NULL);
}

/*
 * A node whose inputs and outputs are space-separated names ("-" is an
 * omitted input); the node is named after its first output, and every
 * output is declared a graph output.
 */
static frmi_onnx_node *node(frmi_onnx_builder *b, const char *op, const char *ins,
                            const char *outs)
{
    char buf[2][256];
    const char *in[8], *out[8];
    int n_in = 0, n_out = 0, k;
    char *tok;

    snprintf(buf[0], sizeof buf[0], "%s", ins);
    snprintf(buf[1], sizeof buf[1], "%s", outs);
    for (tok = strtok(buf[0], " "); tok && n_in < 8; tok = strtok(NULL, " "))
        in[n_in++] = strcmp(tok, "-") == 0 ? "" : tok;
    for (tok = strtok(buf[1], " "); tok && n_out < 8; tok = strtok(NULL, " "))
        out[n_out++] = tok;
    frmi_onnx_node *n = frmi_onnx_node_add(b, op, out[0], n_in, in, n_out, out);
    assert_non_null(n);
    for (k = 0; k < n_out; k++)
        output(b, out[k]);
    return n;
}

/* Writes the model, frees the builder and profiles the file per node. */
static frm_profile *profile(frmi_onnx_builder *b)
{
    static int count;
    char path[1024];
    frm_error err;
    frm_profile *p = NULL;
    frm_profile_options opt = FRM_PROFILE_OPTIONS_INIT;
    frm_code rc;

    snprintf(path, sizeof path, "%s/m%d.onnx", tu_tmpdir(), ++count);
    rc = frmi_onnx_write(b, path, NULL, &err);
    frmi_onnx_builder_free(b);
    if (rc != FRM_OK)
        fail_msg("write %s: %s", path, err.message);
    opt.per_node = 1;
    rc = frm_profile_file(path, &opt, &p, &err);
    if (rc != FRM_OK)
        fail_msg("profile %s: %s", path, err.message);
    assert_non_null(p);
    return p;
}

static const char *reason_of(const frm_profile *p, const char *name)
{
    for (size_t i = 0; i < p->n_unknown; i++)
        if (strcmp(p->unknown[i].name, name) == 0)
            return p->unknown[i].reason;
    return NULL;
}

static const frm_node_profile *find_node(const frm_profile *p, const char *name)
{
    for (size_t i = 0; i < p->n_nodes; i++)
        if (p->nodes[i].name && strcmp(p->nodes[i].name, name) == 0)
            return &p->nodes[i];
    fail_msg("no node '%s'", name);
    return NULL;
}

static const frm_tensor_shape *find_output(const frm_profile *p, const char *name)
{
    for (size_t i = 0; i < p->n_outputs; i++)
        if (strcmp(p->outputs[i].name, name) == 0)
            return &p->outputs[i];
    fail_msg("no graph output '%s'", name);
    return NULL;
}

static void same_shape(const frm_tensor_shape *t, int elem_type, int rank, const int64_t *dims,
                       const char *what, const char *file, int line)
{
    int ok = t->rank == rank && (elem_type < 0 || t->elem_type == elem_type);
    for (int i = 0; ok && i < rank; i++)
        ok = t->dims[i] == dims[i];
    if (ok)
        return;
    print_error("%s:%d: %s: type %d rank %d [", file, line, what, t->elem_type, t->rank);
    for (int i = 0; i < t->rank; i++)
        print_error("%s%lld", i ? "," : "", (long long)t->dims[i]);
    print_error("], expected type %d rank %d [", elem_type, rank);
    for (int i = 0; i < rank; i++)
        print_error("%s%lld", i ? "," : "", (long long)dims[i]);
    print_error("]\n");
    _fail(file, line);
}

/* Node `name` is known and its first output has the shape (and, unless -1, type). */
#define expect_node(p, name, type, ...) \
    expect_node_at((p), (name), (type), INTS(__VA_ARGS__), __FILE__, __LINE__)
/* Rank-0 output. */
#define expect_node_scalar(p, name, type) \
    expect_node_at((p), (name), (type), 0, NULL, __FILE__, __LINE__)
static void expect_node_at(const frm_profile *p, const char *name, int type, int rank,
                           const int64_t *dims, const char *file, int line)
{
    const frm_node_profile *n = find_node(p, name);
    if (!n->known) {
        print_error("%s:%d: node %s unknown: %s\n", file, line, name, reason_of(p, name));
        _fail(file, line);
    }
    same_shape(&n->output, type, rank, dims, name, file, line);
}

/* Graph output `name` (any output of a node) has the shape and type. */
#define expect_output(p, name, type, ...) \
    same_shape(find_output((p), (name)), (type), INTS(__VA_ARGS__), (name), __FILE__, __LINE__)

/* Node `name` is unknown with a reason containing `text`. */
static void expect_unknown(const frm_profile *p, const char *name, const char *text)
{
    const frm_node_profile *n = find_node(p, name);
    const char *reason = reason_of(p, name);
    assert_false(n->known);
    assert_non_null(reason);
    assert_contains(reason, text);
}

/* --- Conv ---------------------------------------------------------------- */

static void conv_stride_pad(void **state)
{
    (void)state;
    frmi_onnx_builder *b = model(17);
    input(b, "x", INTS(1, 3, 224, 224));
    input(b, "w", INTS(64, 3, 3, 3));
    input(b, "bias", INTS(64));
    frmi_onnx_node *n = node(b, "Conv", "x w bias", "y");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(1, 1, 1, 1));
    frm_profile *p = profile(b);
    /* floor((224 + 1 + 1 - 3) / 2) + 1 = floor(223 / 2) + 1 = 112 */
    expect_node(p, "y", T_FLOAT, 1, 64, 112, 112);
    frm_profile_free(p);
}

static void conv_dilation(void **state)
{
    (void)state;
    frmi_onnx_builder *b = model(17);
    input(b, "x", INTS(2, 8, 20, 30));
    input(b, "w", INTS(16, 8, 3, 3));
    frmi_onnx_node *n = node(b, "Conv", "x w", "y");
    frmi_onnx_attr_ints(n, "dilations", 2, DIMS(2, 2));
    frm_profile *p = profile(b);
    /* keff = 2 * 2 + 1 = 5; H: 20 - 5 + 1 = 16; W: 30 - 5 + 1 = 26 */
    expect_node(p, "y", T_FLOAT, 2, 16, 16, 26);
    frm_profile_free(p);
}

static void conv_group_asymmetric_pads(void **state)
{
    (void)state;
    frmi_onnx_builder *b = model(17);
    input(b, "x", INTS(1, 32, 10, 10));
    input(b, "w", INTS(64, 8, 3, 3));
    frmi_onnx_node *n = node(b, "Conv", "x w", "y");
    frmi_onnx_attr_int(n, "group", 4);
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(0, 1, 2, 3));
    frm_profile *p = profile(b);
    /* channels: 8 x group 4 = 32 = C; 64 % 4 == 0.
     * H: 10 + 0 + 2 - 3 + 1 = 10; W: 10 + 1 + 3 - 3 + 1 = 12 */
    expect_node(p, "y", T_FLOAT, 1, 64, 10, 12);
    frm_profile_free(p);
}

static void conv_same_upper_and_valid(void **state)
{
    (void)state;
    frmi_onnx_builder *b = model(17);
    input(b, "x", INTS(1, 3, 15, 16));
    input(b, "w", INTS(4, 3, 3, 3));
    input(b, "x1", INTS(1, 1, 17));
    input(b, "w1", INTS(2, 1, 4));
    frmi_onnx_node *n = node(b, "Conv", "x w", "same");
    frmi_onnx_attr_string(n, "auto_pad", "SAME_UPPER");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    n = node(b, "Conv", "x w", "lower");
    frmi_onnx_attr_string(n, "auto_pad", "SAME_LOWER");
    /* pads are ignored under auto_pad */
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(5, 5, 5, 5));
    n = node(b, "Conv", "x1 w1", "valid");
    frmi_onnx_attr_string(n, "auto_pad", "VALID");
    frmi_onnx_attr_ints(n, "strides", 1, DIMS(3));
    frm_profile *p = profile(b);
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
    frmi_onnx_builder *b = model(11);
    input(b, "x", INTS(1, 2, 8, 9, 10));
    input(b, "w", INTS(3, 2, 3, 3, 3));
    frmi_onnx_node *n = node(b, "Conv", "x w", "y");
    frmi_onnx_attr_ints(n, "kernel_shape", 3, DIMS(3, 3, 3));
    frmi_onnx_attr_ints(n, "strides", 3, DIMS(1, 2, 3));
    frmi_onnx_attr_ints(n, "pads", 6, DIMS(1, 1, 1, 1, 1, 1));
    frm_profile *p = profile(b);
    /* D: (8 + 2 - 3) / 1 + 1 = 8; H: floor((9 + 2 - 3) / 2) + 1 = 5;
     * W: floor((10 + 2 - 3) / 3) + 1 = 4 */
    expect_node(p, "y", T_FLOAT, 1, 3, 8, 5, 4);
    frm_profile_free(p);
}

static void conv_errors(void **state)
{
    (void)state;
    frmi_onnx_builder *b = model(17);
    input(b, "x", INTS(1, 3, 8, 8));
    input(b, "w4", INTS(4, 4, 3, 3));
    input(b, "w3", INTS(6, 3, 3, 3));
    input(b, "small", INTS(1, 1, 2, 2));
    input(b, "wsmall", INTS(1, 1, 3, 3));
    input(b, "x2", INTS(3, 8));
    input(b, "bias5", INTS(5));
    node(b, "Conv", "x w4", "channels");
    frmi_onnx_node *n = node(b, "Conv", "x w3", "stride0");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(0, 1));
    n = node(b, "Conv", "x w3", "kernel3");
    frmi_onnx_attr_ints(n, "kernel_shape", 3, DIMS(3, 3, 3));
    n = node(b, "Conv", "x w3", "kernel5");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(5, 5));
    n = node(b, "Conv", "x w3", "group0");
    frmi_onnx_attr_int(n, "group", 0);
    n = node(b, "Conv", "x w3", "group4");
    frmi_onnx_attr_int(n, "group", 4);
    n = node(b, "Conv", "x w3", "badpad");
    frmi_onnx_attr_string(n, "auto_pad", "SAME");
    n = node(b, "Conv", "x w3", "negpad");
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(0, -1, 0, 0));
    n = node(b, "Conv", "x w3", "hugepad");
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(INT64_MAX, 0, INT64_MAX, 0));
    n = node(b, "Conv", "x w3", "hugedil");
    frmi_onnx_attr_ints(n, "dilations", 2, DIMS(INT64_MAX, 1));
    node(b, "Conv", "small wsmall", "toosmall");
    node(b, "Conv", "x2 w3", "rank2");
    node(b, "Conv", "x w3 bias5", "bias");
    node(b, "Conv", "x", "noweight");
    frm_profile *p = profile(b);
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
    frmi_onnx_builder *b = model(17);
    input(b, "x", INTS(1, 16, 7, 7));
    input(b, "w", INTS(16, 4, 3, 3));
    input(b, "x2", INTS(1, 4, 10, 10));
    input(b, "w2", INTS(4, 2, 3, 3));
    input(b, "x3", INTS(1, 4, 5, 6));
    input(b, "w3", INTS(4, 3, 3, 3));
    input(b, "w2k", INTS(4, 3, 2, 2));
    frmi_onnx_node *n = node(b, "ConvTranspose", "x w", "padded");
    frmi_onnx_attr_int(n, "group", 2);
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(1, 1, 1, 1));
    frmi_onnx_attr_ints(n, "output_padding", 2, DIMS(1, 1));
    n = node(b, "ConvTranspose", "x2 w2", "shaped");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    frmi_onnx_attr_ints(n, "output_shape", 2, DIMS(20, 21));
    n = node(b, "ConvTranspose", "x3 w3", "same");
    frmi_onnx_attr_string(n, "auto_pad", "SAME_UPPER");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    n = node(b, "ConvTranspose", "x3 w2k", "same_short");
    frmi_onnx_attr_string(n, "auto_pad", "SAME_LOWER");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(3, 1));
    n = node(b, "ConvTranspose", "x2 w2", "dilated");
    frmi_onnx_attr_ints(n, "dilations", 2, DIMS(2, 3));
    node(b, "ConvTranspose", "x w2", "mismatch");
    frm_profile *p = profile(b);
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
    frmi_onnx_builder *b = model(17);
    input(b, "x", INTS(1, 1, 6, 6));
    input(b, "x5", INTS(1, 1, 5, 5));
    frmi_onnx_node *n = node(b, "MaxPool", "x", "floor");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(3, 3));
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    n = node(b, "MaxPool", "x", "ceil");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(3, 3));
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    frmi_onnx_attr_int(n, "ceil_mode", 1);
    n = node(b, "MaxPool", "x5", "drop");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(2, 2));
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    frmi_onnx_attr_ints(n, "pads", 4, DIMS(1, 0, 1, 0));
    frmi_onnx_attr_int(n, "ceil_mode", 1);
    frm_profile *p = profile(b);
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
    frmi_onnx_builder *b = model(17);
    input(b, "x", INTS(1, 2, 7, 7));
    input(b, "x10", INTS(1, 1, 10, 10));
    input(b, "g", INTS(2, 5, 7, 9));
    frmi_onnx_node *n = node(b, "AveragePool", "x", "avg");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(3, 3));
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    frmi_onnx_attr_string(n, "auto_pad", "SAME_LOWER");
    n = node(b, "MaxPool", "x10", "dilated indices");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(3, 3));
    frmi_onnx_attr_ints(n, "dilations", 2, DIMS(2, 1));
    n = node(b, "MaxPool", "x10", "nokernel");
    frmi_onnx_attr_ints(n, "strides", 2, DIMS(2, 2));
    n = node(b, "MaxPool", "x10", "longpads");
    frmi_onnx_attr_ints(n, "kernel_shape", 2, DIMS(3, 3));
    frmi_onnx_attr_ints(n, "pads", 3, DIMS(1, 1, 1));
    node(b, "GlobalAveragePool", "g", "gap");
    node(b, "GlobalMaxPool", "x10", "gmp");
    frm_profile *p = profile(b);
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
    frmi_onnx_builder *b = model(17);
    input(b, "x", INTS(2, 3, 4, 4));
    input(b, "c", INTS(3));
    input(b, "s", INTS(2, 3, 4));
    input(b, "ln_w", INTS(3, 4));
    node(b, "BatchNormalization", "x c c c c", "bn");
    frmi_onnx_node *n = node(b, "LayerNormalization", "s ln_w", "ln mean inv");
    frmi_onnx_attr_int(n, "axis", -2);
    n = node(b, "LayerNormalization", "s ln_w", "ln_bad");
    frmi_onnx_attr_int(n, "axis", 3);
    n = node(b, "Softmax", "s", "sm");
    frmi_onnx_attr_int(n, "axis", 1);
    node(b, "LogSoftmax", "x", "lsm");
    n = node(b, "Softmax", "s", "sm_bad");
    frmi_onnx_attr_int(n, "axis", 3);
    node(b, "Relu", "x", "relu");
    node(b, "Sigmoid", "s", "sig");
    frm_profile *p = profile(b);
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
    frmi_onnx_builder *b = model(15);
    input(b, "x", INTS(2, 3, 4, 4));
    input(b, "c", INTS(3));
    frmi_onnx_node *n = node(b, "BatchNormalization", "x c c c c", "y rmean rvar");
    frmi_onnx_attr_int(n, "training_mode", 1);
    frm_profile *p = profile(b);
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
    frmi_onnx_builder *b = model(17);
    input(b, "a", INTS(4, 3));
    input(b, "b", INTS(5, 4));
    input(b, "bt", INTS(4, 5));
    input(b, "c", INTS(5));
    input(b, "cbad", INTS(3, 4));
    input(b, "a3", INTS(2, 4, 3));
    frmi_onnx_node *n = node(b, "Gemm", "a b c", "tt");
    frmi_onnx_attr_int(n, "transA", 1);
    frmi_onnx_attr_int(n, "transB", 1);
    n = node(b, "Gemm", "a bt", "t0");
    frmi_onnx_attr_int(n, "transA", 1);
    node(b, "Gemm", "a bt", "kbad");
    n = node(b, "Gemm", "a b cbad", "cbad_y");
    frmi_onnx_attr_int(n, "transA", 1);
    frmi_onnx_attr_int(n, "transB", 1);
    node(b, "Gemm", "a3 bt", "rank3");
    frm_profile *p = profile(b);
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
    frmi_onnx_builder *b = model(17);
    input(b, "a4", INTS(2, 1, 3, 4));
    input(b, "b3", INTS(5, 4, 6));
    input(b, "v", INTS(4));
    input(b, "m", INTS(2, 4, 3));
    input(b, "t", INTS(2, 3, 4));
    input(b, "b2", INTS(3, 4, 6));
    node(b, "MatMul", "a4 b3", "batched");
    node(b, "MatMul", "v m", "vec_left");
    node(b, "MatMul", "t v", "vec_right");
    node(b, "MatMul", "v v", "dot");
    node(b, "MatMul", "t t", "kbad");
    node(b, "MatMul", "t b2", "batchbad");
    frm_profile *p = profile(b);
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
    frmi_onnx_builder *b = model(13);
    input(b, "x", INTS(2, 3, 4));
    frmi_onnx_initializer_i64(b, "ax1", 1, DIMS(1), DIMS(1));
    frmi_onnx_node *n = node(b, "ReduceMean", "x", "keep");
    frmi_onnx_attr_ints(n, "axes", 1, DIMS(1));
    n = node(b, "ReduceMean", "x", "drop");
    frmi_onnx_attr_ints(n, "axes", 1, DIMS(-1));
    frmi_onnx_attr_int(n, "keepdims", 0);
    node(b, "ReduceMax", "x", "all");
    n = node(b, "ReduceMin", "x", "all_drop");
    frmi_onnx_attr_int(n, "keepdims", 0);
    n = node(b, "ReduceMean", "x", "badaxis");
    frmi_onnx_attr_ints(n, "axes", 1, DIMS(3));
    /* opset 13: ReduceSum takes its axes as input 1 */
    n = node(b, "ReduceSum", "x ax1", "sum13");
    frmi_onnx_attr_int(n, "keepdims", 0);
    n = node(b, "ReduceSum", "x", "noop");
    frmi_onnx_attr_int(n, "noop_with_empty_axes", 1);
    node(b, "ReduceSum", "x x", "axes_not_const");
    frm_profile *p = profile(b);
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
    frmi_onnx_builder *b = model(18);
    input(b, "x", INTS(2, 3, 4));
    frmi_onnx_initializer_i64(b, "ax02", 1, DIMS(2), DIMS(0, 2));
    frmi_onnx_initializer_i64(b, "empty", 1, DIMS(0), NULL);
    frmi_onnx_node *n = node(b, "ReduceMean", "x ax02", "mean18");
    frmi_onnx_attr_int(n, "keepdims", 0);
    node(b, "ReduceL2", "x ax02", "l2");
    n = node(b, "ReduceMax", "x empty", "empty_noop");
    frmi_onnx_attr_int(n, "noop_with_empty_axes", 1);
    node(b, "ReduceProd", "x empty", "empty_all");
    frm_profile *p = profile(b);
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
    frmi_onnx_builder *b = model(13);
    input(b, "x", INTS(2, 3, 4));
    frmi_onnx_initializer_i64(b, "m1", 1, DIMS(1), DIMS(-1));
    frmi_onnx_initializer_i64(b, "m2", 1, DIMS(1), DIMS(-2));
    frmi_onnx_initializer_i64(b, "three", 2, DIMS(2, 3), DIMS(0, 2, 1, 0, 1, 1));
    node(b, "Neg", "m1", "neg");            /* [1] */
    node(b, "Abs", "m2", "abs");            /* [2] */
    frmi_onnx_node *n = node(b, "ReduceMax", "three", "rmax");
    frmi_onnx_attr_ints(n, "axes", 1, DIMS(1));    /* rows: max(0,2,1) = 2, max(0,1,1) = 1 */
    frmi_onnx_attr_int(n, "keepdims", 0);
    n = node(b, "ReduceSum", "three", "rsum");
    frmi_onnx_attr_int(n, "keepdims", 0);          /* all: 0+2+1+0+1+1 = 5 */
    n = node(b, "ReduceSum", "x neg", "by_neg");
    frmi_onnx_attr_int(n, "keepdims", 1);
    node(b, "ReduceSum", "x abs", "by_abs");
    node(b, "ReduceSum", "x rmax", "by_rmax");
    node(b, "Shape", "x", "shape");         /* [2, 3, 4] */
    node(b, "ReduceMin", "shape", "smin");  /* [2] */
    node(b, "ReduceSum", "x smin", "by_shape");
    frm_profile *p = profile(b);
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

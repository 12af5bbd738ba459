/*
 * tests/test_infer_shape.c - shape inference and constant propagation of
 * the data-movement operators (src/onnx/infer_shape.c), end to end: small
 * models built with the ONNX writer are profiled with per_node, and every
 * node's first output (every output, for Split) is compared with a shape
 * worked out by hand in the comment beside it.
 *
 * Constant contents cannot be read from a profile directly; a test shows
 * them by feeding the constant to ConstantOfShape (a "probe"), whose output
 * shape is the constant itself: probe(c) has shape c.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/writer.h"

enum { F32 = 1, I64 = 7, BOOL = 9 };

/* A list of int64 literals as "count, pointer". */
#define V(...) (sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t)), \
               ((const int64_t[]){ __VA_ARGS__ })

/* --- model building ---------------------------------------------------- */

static frmi_onnx_builder *new_model(int64_t opset)
{
    frmi_onnx_builder *b = frmi_onnx_builder_new("shape_test", opset);
    assert_non_null(b);
    return b;
}

static void float_input(frmi_onnx_builder *b, const char *name, size_t rank, const int64_t *dims)
{
    frmi_onnx_input(b, name, F32, (int)rank, dims, NULL);
}

/* A 1-D int64 initializer. */
static void i64_vec(frmi_onnx_builder *b, const char *name, size_t count, const int64_t *v)
{
    int64_t len = (int64_t)count;
    frmi_onnx_initializer_i64(b, name, 1, &len, v);
}

/* A rank-0 int64 initializer. */
static void i64_scalar(frmi_onnx_builder *b, const char *name, int64_t v)
{
    int64_t unused = 0;
    frmi_onnx_initializer_i64(b, name, 0, &unused, &v);
}

static void f32_vec(frmi_onnx_builder *b, const char *name, size_t count, const float *v)
{
    int64_t len = (int64_t)count;
    frmi_onnx_initializer_f32(b, name, 1, &len, v);
}

/*
 * A node; `ins` and `outs` are space-separated names, "-" an omitted
 * input.  The node takes its first output's name, and every output is
 * declared a graph output without a shape.
 */
static frmi_onnx_node *add(frmi_onnx_builder *b, const char *op, const char *ins, const char *outs)
{
    char ib[512], ob[512];
    const char *in[16], *out[16];
    int ni = 0, no = 0;
    snprintf(ib, sizeof ib, "%s", ins);
    snprintf(ob, sizeof ob, "%s", outs);
    for (char *t = strtok(ib, " "); t && ni < 16; t = strtok(NULL, " "))
        in[ni++] = strcmp(t, "-") == 0 ? "" : t;
    for (char *t = strtok(ob, " "); t && no < 16; t = strtok(NULL, " "))
        out[no++] = t;
    frmi_onnx_node *n = frmi_onnx_node_add(b, op, out[0], ni, in, no, out);
    assert_non_null(n);
    for (int k = 0; k < no; k++)
        frmi_onnx_output(b, out[k], F32, -1, NULL, NULL);
    return n;
}

/* A Constant node holding an int64 tensor of the given shape. */
static void const_i64(frmi_onnx_builder *b, const char *name, int rank, const int64_t *dims,
                      const int64_t *data)
{
    frmi_onnx_node *n = add(b, "Constant", "", name);
    frmi_onnx_attr_tensor_i64(n, "value", rank, dims, data);
}

/* probe(c): a ConstantOfShape named `name` whose shape is c's contents. */
static void probe(frmi_onnx_builder *b, const char *c, const char *name)
{
    add(b, "ConstantOfShape", c, name);
}

static frm_profile *run(frmi_onnx_builder *b)
{
    static int seq;
    char path[1024];
    frm_error err;
    frm_profile *p = NULL;
    frm_profile_options opt = FRM_PROFILE_OPTIONS_INIT;

    snprintf(path, sizeof path, "%s/shape%d.onnx", tu_tmpdir(), ++seq);
    frm_code rc = frmi_onnx_write(b, path, NULL, &err);
    frmi_onnx_builder_free(b);
    if (rc != FRM_OK)
        fail_msg("writing %s: %s", path, err.message);
    opt.per_node = 1;
    rc = frm_profile_file(path, &opt, &p, &err);
    if (rc != FRM_OK)
        fail_msg("profiling %s: %s", path, err.message);
    assert_non_null(p);
    return p;
}

/* --- checks -------------------------------------------------------------- */

static void print_shape(const char *label, int type, int rank, const int64_t *dims)
{
    print_error("%s type %d rank %d [", label, type, rank);
    for (int k = 0; k < rank; k++)
        print_error("%s%lld", k ? "," : "", (long long)dims[k]);
    print_error("]\n");
}

static void check_shape(const frm_tensor_shape *t, int type, size_t rank, const int64_t *dims,
                        const char *what, const char *file, int line)
{
    int ok = t->rank == (int)rank && t->elem_type == type;
    for (size_t k = 0; ok && k < rank; k++)
        ok = t->dims[k] == dims[k];
    if (ok)
        return;
    print_error("%s:%d: %s:\n", file, line, what);
    print_shape("  got     ", t->elem_type, t->rank, t->dims);
    print_shape("  expected", type, (int)rank, dims);
    _fail(file, line);
}

static const char *reason(const frm_profile *p, const char *name)
{
    for (size_t k = 0; k < p->n_unknown; k++)
        if (strcmp(p->unknown[k].name, name) == 0)
            return p->unknown[k].reason;
    return NULL;
}

static void check_node(const frm_profile *p, const char *name, int type, size_t rank,
                       const int64_t *dims, const char *file, int line)
{
    for (size_t k = 0; k < p->n_nodes; k++) {
        const frm_node_profile *np = &p->nodes[k];
        if (!np->name || strcmp(np->name, name) != 0)
            continue;
        if (!np->known) {
            const char *why = reason(p, name);
            print_error("%s:%d: node %s unknown: %s\n", file, line, name, why ? why : "?");
            _fail(file, line);
        }
        check_shape(&np->output, type, rank, dims, name, file, line);
        return;
    }
    print_error("%s:%d: no node %s\n", file, line, name);
    _fail(file, line);
}

static void check_output(const frm_profile *p, const char *name, int type, size_t rank,
                         const int64_t *dims, const char *file, int line)
{
    for (size_t k = 0; k < p->n_outputs; k++)
        if (strcmp(p->outputs[k].name, name) == 0) {
            check_shape(&p->outputs[k], type, rank, dims, name, file, line);
            return;
        }
    print_error("%s:%d: no graph output %s\n", file, line, name);
    _fail(file, line);
}

/* Node `name` is known, and its first output has type `type` and shape (...). */
#define expect(p, name, type, ...) check_node((p), (name), (type), V(__VA_ARGS__), __FILE__, __LINE__)
#define expect_scalar(p, name, type) check_node((p), (name), (type), 0, NULL, __FILE__, __LINE__)
#define expect_out(p, name, type, ...) \
    check_output((p), (name), (type), V(__VA_ARGS__), __FILE__, __LINE__)

/* Node `name` is unknown and its reason contains `text`. */
static void expect_unknown(const frm_profile *p, const char *name, const char *text)
{
    const char *why = reason(p, name);
    if (!why)
        fail_msg("node %s is not listed unknown", name);
    assert_contains(why, text);
    assert_true(p->partial);
}

/* --- tests ---------------------------------------------------------------- */

/*
 * PyTorch's x.view(x.size(0), -1) and x.view(b, d1 // 2, ...) exported
 * as shape subgraphs.  x: [2,3,4,5].
 */
static void pytorch_flatten_pattern(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(13);
    float_input(b, "x", V(2, 3, 4, 5));
    int64_t zero = 0, two = 2, one = 1, minus1 = -1;
    add(b, "Shape", "x", "s");                        /* [4] = (2,3,4,5) */
    const_i64(b, "i0", 0, NULL, &zero);               /* scalar 0 */
    add(b, "Gather", "s i0", "g0");                   /* scalar: s[0] = 2 */
    const_i64(b, "ax0", 1, &one, &zero);              /* [0] */
    add(b, "Unsqueeze", "g0 ax0", "u0");              /* [1] = (2) */
    const_i64(b, "m1", 1, &one, &minus1);             /* [1] = (-1) */
    frmi_onnx_attr_int(add(b, "Concat", "u0 m1", "cat"), "axis", 0);   /* (2,-1) */
    add(b, "Reshape", "x cat", "flat");               /* 120 / 2 = 60: [2,60] */

    /* x.view(b, c // ... ): s[2] = 4, 4 / 2 = 2 -> (2, 2, -1) -> [2,2,30] */
    const_i64(b, "i2", 0, NULL, &two);
    add(b, "Gather", "s i2", "g2");                   /* scalar 4 */
    const_i64(b, "c2", 0, NULL, &two);
    add(b, "Div", "g2 c2", "half");                   /* scalar 4 / 2 = 2 */
    add(b, "Unsqueeze", "half ax0", "uh");            /* [1] = (2) */
    frmi_onnx_attr_int(add(b, "Concat", "u0 uh m1", "cat3"), "axis", 0);  /* (2,2,-1) */
    add(b, "Reshape", "x cat3", "r3");                /* 120 / (2*2) = 30: [2,2,30] */

    frm_profile *p = run(b);
    expect(p, "s", I64, 4);
    expect_scalar(p, "g0", I64);
    expect(p, "u0", I64, 1);
    expect(p, "cat", I64, 2);
    expect(p, "flat", F32, 2, 60);
    expect_scalar(p, "half", I64);
    expect(p, "cat3", I64, 3);
    expect(p, "r3", F32, 2, 2, 30);
    assert_int_equal(p->n_unknown, 0);
    assert_false(p->partial);
    frm_profile_free(p);
}

/* Shape(start, end) of opset 15, and the Shape subgraph of a rank-0 input. */
static void shape_start_end(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(15);
    float_input(b, "x", V(2, 3, 4, 5));
    add(b, "Shape", "x", "all");                                /* (2,3,4,5): [4] */
    frmi_onnx_attr_int(add(b, "Shape", "x", "tail"), "start", -2);   /* (4,5): [2] */
    frmi_onnx_node *n = add(b, "Shape", "x", "mid");
    frmi_onnx_attr_int(n, "start", 1);
    frmi_onnx_attr_int(n, "end", -1);                           /* (3,4): [2] */
    n = add(b, "Shape", "x", "none");
    frmi_onnx_attr_int(n, "start", 10);                         /* clamped to 4 */
    frmi_onnx_attr_int(n, "end", -10);                          /* clamped to 0: [0] */
    probe(b, "tail", "p_tail");                                 /* [4,5] */
    probe(b, "mid", "p_mid");                                   /* [3,4] */
    probe(b, "none", "p_none");                                 /* scalar */
    frm_profile *p = run(b);
    expect(p, "all", I64, 4);
    expect(p, "tail", I64, 2);
    expect(p, "mid", I64, 2);
    expect(p, "none", I64, 0);
    expect(p, "p_tail", F32, 4, 5);
    expect(p, "p_mid", F32, 3, 4);
    expect_scalar(p, "p_none", F32);
    frm_profile_free(p);
}

static void slice_opset13(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(13);
    float_input(b, "x", V(2, 3, 4, 5));
    i64_vec(b, "one", V(1));
    i64_vec(b, "max", V(INT64_MAX));
    i64_vec(b, "min", V(INT64_MIN));
    i64_vec(b, "neg1", V(-1));
    i64_vec(b, "ax1", V(1));
    i64_vec(b, "ax2", V(2));
    i64_vec(b, "st_m1", V(-1));

    /* axis 1 (3): [1, INT64_MAX -> 3) = 2 elements: [2,2,4,5] */
    add(b, "Slice", "x one max ax1", "a");
    /* axis 2 (4): start -1 -> 3, end INT64_MIN -> clamp -1, step -1:
     * 3,2,1,0 = 4 elements: [2,3,4,5] */
    add(b, "Slice", "x neg1 min ax2 st_m1", "rev");
    /* axes (3, -3=1), steps (2, 3): axis 3 (5): [0, -1+5=4) step 2 -> 0,2 = 2;
     * axis 1 (3): [1, 100 -> 3) step 3 -> 1 = 1: [2,1,4,2] */
    i64_vec(b, "s2", V(0, 1));
    i64_vec(b, "e2", V(-1, 100));
    i64_vec(b, "a2", V(3, -3));
    i64_vec(b, "p2", V(2, 3));
    add(b, "Slice", "x s2 e2 a2 p2", "strided");
    /* no axes: starts/ends apply to axes 0..: axis 0 (2): [1, -1+2=1) = 0: [0,3,4,5] */
    add(b, "Slice", "x one neg1", "empty");
    /* step INT64_MIN from the end: one element (index 4 of axis 3): [2,3,4,1] */
    i64_vec(b, "a3", V(3));
    add(b, "Slice", "x neg1 min a3 min", "huge_step");

    /* Shape -> Slice contents: s = (2,3,4,5) */
    add(b, "Shape", "x", "s");
    i64_vec(b, "m3", V(-3));
    add(b, "Slice", "s m3 max", "s_tail");               /* (3,4,5) */
    i64_vec(b, "zero", V(0));
    i64_vec(b, "st_m2", V(-2));
    add(b, "Slice", "s neg1 min zero st_m2", "s_rev");   /* indices 3,1: (5,3) */
    probe(b, "s_tail", "p_tail");                        /* [3,4,5] */
    probe(b, "s_rev", "p_rev");                          /* [5,3] */

    i64_vec(b, "z1", V(0));
    add(b, "Slice", "x one max ax1 z1", "zero_step");    /* step 0: unknown */
    /* reversed slice of an empty axis: start and end clamp to -1: [0,3,4,5] */
    i64_vec(b, "ax0", V(0));
    add(b, "Slice", "empty neg1 min ax0 st_m1", "empty_rev");

    frm_profile *p = run(b);
    expect(p, "a", F32, 2, 2, 4, 5);
    expect(p, "rev", F32, 2, 3, 4, 5);
    expect(p, "strided", F32, 2, 1, 4, 2);
    expect(p, "empty", F32, 0, 3, 4, 5);
    expect(p, "huge_step", F32, 2, 3, 4, 1);
    expect(p, "s_tail", I64, 3);
    expect(p, "s_rev", I64, 2);
    expect(p, "p_tail", F32, 3, 4, 5);
    expect(p, "p_rev", F32, 5, 3);
    expect_unknown(p, "zero_step", "step 0");
    expect(p, "empty_rev", F32, 0, 3, 4, 5);
    frm_profile_free(p);
}

/* Slice-1: starts, ends and axes are attributes. */
static void slice_opset9(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(9);
    float_input(b, "x", V(2, 3, 4, 5));
    frmi_onnx_node *n = add(b, "Slice", "x", "y");
    /* axis 0 (2): [1, 1000 -> 2) = 1; axis 3 (5): [-2+5=3, -1+5=4) = 1: [1,3,4,1] */
    frmi_onnx_attr_ints(n, "starts", V(1, -2));
    frmi_onnx_attr_ints(n, "ends", V(1000, -1));
    frmi_onnx_attr_ints(n, "axes", V(0, 3));
    /* no axes: axes 0, 1; axis 1 (3): [0, 2) = 2: [2,2,4,5] */
    n = add(b, "Slice", "x", "z");
    frmi_onnx_attr_ints(n, "starts", V(0, 0));
    frmi_onnx_attr_ints(n, "ends", V(2, 2));
    /* ends of the wrong length */
    n = add(b, "Slice", "x", "bad");
    frmi_onnx_attr_ints(n, "starts", V(0, 0));
    frmi_onnx_attr_ints(n, "ends", V(2));
    frm_profile *p = run(b);
    expect(p, "y", F32, 1, 3, 4, 1);
    expect(p, "z", F32, 2, 2, 4, 5);
    expect_unknown(p, "bad", "ends has 1 values, starts has 2");
    frm_profile_free(p);
}

/* Split-11 takes `split` as an attribute; x: [2,6,4]. */
static void split_opset11(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(11);
    float_input(b, "x", V(2, 6, 4));
    frmi_onnx_node *n = add(b, "Split", "x", "a0 a1 a2");
    frmi_onnx_attr_int(n, "axis", 1);
    frmi_onnx_attr_ints(n, "split", V(1, 2, 3));          /* 1+2+3 = 6 */
    /* no split: 6 / 3 = 2 each */
    frmi_onnx_attr_int(add(b, "Split", "x", "b0 b1 b2"), "axis", -2);
    /* axis 2 has 4: not divisible into 3 */
    frmi_onnx_attr_int(add(b, "Split", "x", "c0 c1 c2"), "axis", 2);
    /* split summing to 5, not 6 */
    n = add(b, "Split", "x", "d0 d1");
    frmi_onnx_attr_int(n, "axis", 1);
    frmi_onnx_attr_ints(n, "split", V(2, 3));
    frm_profile *p = run(b);
    expect_out(p, "a0", F32, 2, 1, 4);
    expect_out(p, "a1", F32, 2, 2, 4);
    expect_out(p, "a2", F32, 2, 3, 4);
    expect_out(p, "b0", F32, 2, 2, 4);
    expect_out(p, "b2", F32, 2, 2, 4);
    expect_unknown(p, "c0", "does not split evenly");
    expect_unknown(p, "d0", "split sums to 5 but axis 1 has 6");
    frm_profile_free(p);
}

/* Split-13 takes `split` as an input; Split-18 adds num_outputs. */
static void split_opset13_18(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(13);
    float_input(b, "x", V(2, 6, 4));
    i64_vec(b, "sp", V(4, 2));
    frmi_onnx_attr_int(add(b, "Split", "x sp", "a0 a1"), "axis", 1);   /* [2,4,4] [2,2,4] */
    add(b, "Split", "x", "b0 b1");                                     /* axis 0: 2/2 = 1 */
    /* Shape -> Split contents: (2,6,4) into (2) and (6,4) */
    add(b, "Shape", "x", "s");
    i64_vec(b, "sp2", V(1, 2));
    add(b, "Split", "s sp2", "s0 s1");
    probe(b, "s1", "p1");                                              /* [6,4] */
    frm_profile *p = run(b);
    expect_out(p, "a0", F32, 2, 4, 4);
    expect_out(p, "a1", F32, 2, 2, 4);
    expect_out(p, "b0", F32, 1, 6, 4);
    expect_out(p, "b1", F32, 1, 6, 4);
    expect_out(p, "s0", I64, 1);
    expect_out(p, "s1", I64, 2);
    expect(p, "p1", F32, 6, 4);
    frm_profile_free(p);

    b = new_model(18);
    float_input(b, "x", V(10, 3));
    /* ceil(10 / 4) = 3: 3, 3, 3, 1 */
    frmi_onnx_attr_int(add(b, "Split", "x", "c0 c1 c2 c3"), "num_outputs", 4);
    /* num_outputs disagreeing with the outputs */
    frmi_onnx_attr_int(add(b, "Split", "x", "d0 d1"), "num_outputs", 3);
    p = run(b);
    expect_out(p, "c0", F32, 3, 3);
    expect_out(p, "c2", F32, 3, 3);
    expect_out(p, "c3", F32, 1, 3);
    expect_unknown(p, "d0", "num_outputs is 3 but the node has 2 outputs");
    frm_profile_free(p);
}

/* Squeeze / Unsqueeze: axes attribute in opset 11, input in opset 13. */
static void squeeze_unsqueeze(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(11);
    float_input(b, "x", V(1, 3, 1, 5));
    frmi_onnx_attr_ints(add(b, "Squeeze", "x", "sq"), "axes", V(0, -2));   /* [3,5] */
    add(b, "Squeeze", "x", "sq_all");                                      /* [3,5] */
    frmi_onnx_attr_ints(add(b, "Squeeze", "x", "sq_bad"), "axes", V(1));   /* size 3 */
    /* output rank 2 + 2 = 4: axes 0 and -1 = 3: [1,3,5,1] */
    frmi_onnx_attr_ints(add(b, "Unsqueeze", "sq", "us"), "axes", V(0, -1));
    frmi_onnx_attr_ints(add(b, "Unsqueeze", "sq", "us_dup"), "axes", V(1, -3));  /* 1 twice */
    frm_profile *p = run(b);
    expect(p, "sq", F32, 3, 5);
    expect(p, "sq_all", F32, 3, 5);
    expect_unknown(p, "sq_bad", "cannot squeeze axis 1 of size 3");
    expect(p, "us", F32, 1, 3, 5, 1);
    expect_unknown(p, "us_dup", "axis 1 repeated");
    frm_profile_free(p);

    b = new_model(13);
    float_input(b, "x", V(1, 3, 1, 5));
    i64_vec(b, "a02", V(0, 2));
    i64_vec(b, "a1", V(1));
    add(b, "Squeeze", "x a02", "sq");                  /* [3,5] */
    add(b, "Squeeze", "x", "sq_all");                  /* [3,5] */
    add(b, "Unsqueeze", "sq a1", "us");                /* [3,1,5] */
    add(b, "Unsqueeze", "sq", "us_none");              /* axes input missing */
    /* contents pass through: Shape(sq) = (3,5) -> [1,2] -> (3,5) */
    add(b, "Shape", "sq", "s");
    i64_vec(b, "a0", V(0));
    add(b, "Unsqueeze", "s a0", "s_u");                /* [1,2] */
    add(b, "Squeeze", "s_u a0", "s_back");             /* [2] = (3,5) */
    probe(b, "s_back", "p");                           /* [3,5] */
    p = run(b);
    expect(p, "sq", F32, 3, 5);
    expect(p, "sq_all", F32, 3, 5);
    expect(p, "us", F32, 3, 1, 5);
    expect_unknown(p, "us_none", "axes");
    expect(p, "s_u", I64, 1, 2);
    expect(p, "p", F32, 3, 5);
    frm_profile_free(p);
}

static void pad(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(11);
    float_input(b, "x", V(1, 3, 4, 5));
    /* begin (0,0,1,2), end (0,0,3,-1): [1, 3, 4+1+3=8, 5+2-1=6] */
    i64_vec(b, "pads", V(0, 0, 1, 2, 0, 0, 3, -1));
    add(b, "Pad", "x pads", "y");
    /* cropping below zero: 4 - 3 - 2 = -1 */
    i64_vec(b, "crop", V(0, 0, -3, 0, 0, 0, -2, 0));
    add(b, "Pad", "x crop", "neg");
    i64_vec(b, "short", V(1, 1));
    add(b, "Pad", "x short", "bad");                   /* 2 values for rank 4 */
    frm_profile *p = run(b);
    expect(p, "y", F32, 1, 3, 8, 6);
    expect_unknown(p, "neg", "pads make axis 2 negative");
    expect_unknown(p, "bad", "pads has 2 values, expected 8");
    frm_profile_free(p);

    /* Pad-2: an attribute */
    b = new_model(10);
    float_input(b, "x", V(1, 3, 4, 5));
    frmi_onnx_attr_ints(add(b, "Pad", "x", "y"), "pads", V(0, 0, 2, 2, 0, 0, 2, 2));  /* [1,3,8,9] */
    p = run(b);
    expect(p, "y", F32, 1, 3, 8, 9);
    frm_profile_free(p);

    /* Pad-18: axes (2, -1=3): begin (1, 0), end (1, 4): [1,3,6,9] */
    b = new_model(18);
    float_input(b, "x", V(1, 3, 4, 5));
    i64_vec(b, "pads", V(1, 0, 1, 4));
    i64_vec(b, "axes", V(2, -1));
    add(b, "Pad", "x pads - axes", "y");
    p = run(b);
    expect(p, "y", F32, 1, 3, 6, 9);
    frm_profile_free(p);
}

static void resize(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(13);
    float_input(b, "x", V(1, 3, 4, 5));
    /* scales (1,1,2,1.5): [1, 3, 4*2=8, floor(5*1.5=7.5)=7] */
    f32_vec(b, "scales", 4, (const float[]){ 1.0f, 1.0f, 2.0f, 1.5f });
    add(b, "Resize", "x - scales", "up");
    /* sizes given: [1,3,9,10] */
    i64_vec(b, "sizes", V(1, 3, 9, 10));
    add(b, "Resize", "x - - sizes", "sized");
    add(b, "Resize", "x", "neither");
    add(b, "Resize", "x - scales sizes", "both");
    /* Shape -> Slice -> Concat makes sizes, as exporters do:
     * (1,3) ++ (8,16) -> [1,3,8,16] */
    add(b, "Shape", "x", "s");
    i64_vec(b, "zero", V(0));
    i64_vec(b, "two", V(2));
    add(b, "Slice", "s zero two", "nc");
    i64_vec(b, "hw", V(8, 16));
    frmi_onnx_attr_int(add(b, "Concat", "nc hw", "sz"), "axis", 0);
    add(b, "Resize", "x - - sz", "from_shape");
    frm_profile *p = run(b);
    expect(p, "up", F32, 1, 3, 8, 7);
    expect(p, "sized", F32, 1, 3, 9, 10);
    expect_unknown(p, "neither", "neither scales nor sizes");
    expect_unknown(p, "both", "both scales and sizes");
    expect(p, "from_shape", F32, 1, 3, 8, 16);
    frm_profile_free(p);

    /* Resize-11: an empty scales tensor stands for "use sizes" */
    b = new_model(11);
    float_input(b, "x", V(1, 3, 4, 5));
    f32_vec(b, "roi", 0, NULL);
    f32_vec(b, "noscales", 0, NULL);
    i64_vec(b, "sizes", V(1, 3, 7, 7));
    add(b, "Resize", "x roi noscales sizes", "y");      /* [1,3,7,7] */
    p = run(b);
    expect(p, "y", F32, 1, 3, 7, 7);
    frm_profile_free(p);

    /* Resize-10 (X, scales) and Upsample-9 */
    b = new_model(10);
    float_input(b, "x", V(1, 3, 4, 5));
    f32_vec(b, "scales", 4, (const float[]){ 1.0f, 1.0f, 0.5f, 3.0f });
    add(b, "Resize", "x scales", "y");                  /* [1,3,2,15] */
    p = run(b);
    expect(p, "y", F32, 1, 3, 2, 15);
    frm_profile_free(p);

    b = new_model(9);
    float_input(b, "x", V(1, 3, 4, 5));
    f32_vec(b, "scales", 4, (const float[]){ 1.0f, 1.0f, 2.0f, 2.0f });
    add(b, "Upsample", "x scales", "y");                /* [1,3,8,10] */
    p = run(b);
    expect(p, "y", F32, 1, 3, 8, 10);
    frm_profile_free(p);

    /* Resize-18: axes, and a keep_aspect_ratio_policy frm does not follow */
    b = new_model(18);
    float_input(b, "x", V(1, 3, 4, 5));
    i64_vec(b, "hw", V(6, 2));
    frmi_onnx_node *n = add(b, "Resize", "x - - hw", "y");
    frmi_onnx_attr_ints(n, "axes", V(2, 3));            /* [1,3,6,2] */
    n = add(b, "Resize", "x - - hw", "keep");
    frmi_onnx_attr_ints(n, "axes", V(2, 3));
    frmi_onnx_attr_string(n, "keep_aspect_ratio_policy", "not_larger");
    p = run(b);
    expect(p, "y", F32, 1, 3, 6, 2);
    expect_unknown(p, "keep", "keep_aspect_ratio_policy");
    frm_profile_free(p);
}

static void range_and_constant_of_shape(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(13);
    i64_scalar(b, "two", 2);
    i64_scalar(b, "eleven", 11);
    i64_scalar(b, "three", 3);
    i64_scalar(b, "ten", 10);
    i64_scalar(b, "one", 1);
    i64_scalar(b, "m4", -4);
    add(b, "Range", "two eleven three", "r");          /* ceil(9/3) = 3: (2,5,8) */
    add(b, "Range", "ten one m4", "down");             /* ceil(-9/-4) = 3: (10,6,2) */
    add(b, "Range", "ten one three", "none");          /* ceil(-9/3) < 0: 0 */
    i64_scalar(b, "zero", 0);
    add(b, "Range", "two eleven zero", "bad");         /* delta 0 */
    probe(b, "r", "p_r");                              /* [2,5,8] */
    probe(b, "down", "p_down");                        /* [10,6,2] */
    frmi_onnx_attr_tensor_i64(add(b, "ConstantOfShape", "down", "c7"), "value", 1,
                              (const int64_t[]){ 1 }, (const int64_t[]){ 7 });  /* int64 [10,6,2] */
    frmi_onnx_initializer_f32(b, "f0", 0, NULL, (const float[]){ 0.5f });
    frmi_onnx_initializer_f32(b, "f1", 0, NULL, (const float[]){ 2.0f });
    frmi_onnx_initializer_f32(b, "fd", 0, NULL, (const float[]){ 0.4f });
    add(b, "Range", "f0 f1 fd", "fr");                 /* ceil(1.5/0.4 = 3.75) = 4: float [4] */
    i64_vec(b, "neg", V(2, -1));
    add(b, "ConstantOfShape", "neg", "negshape");
    frm_profile *p = run(b);
    expect(p, "r", I64, 3);
    expect(p, "down", I64, 3);
    expect(p, "none", I64, 0);
    expect_unknown(p, "bad", "delta is 0");
    expect(p, "p_r", F32, 2, 5, 8);
    expect(p, "p_down", F32, 10, 6, 2);
    expect(p, "c7", I64, 10, 6, 2);
    expect(p, "fr", F32, 4);
    expect_unknown(p, "negshape", "negative");
    frm_profile_free(p);
}

static void expand(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(13);
    float_input(b, "x", V(3, 1));
    i64_vec(b, "shape", V(2, 1, 4));
    add(b, "Expand", "x shape", "y");                  /* (3,1) with (2,1,4): [2,3,4] */
    i64_vec(b, "bad", V(2, 4, 4));
    add(b, "Expand", "x bad", "no");                   /* 3 vs 4 */
    /* contents: (5) expanded to [3] = (5,5,5) */
    i64_vec(b, "five", V(5));
    i64_vec(b, "three", V(3));
    add(b, "Expand", "five three", "fives");
    probe(b, "fives", "p");                            /* [5,5,5] */
    frm_profile *p = run(b);
    expect(p, "y", F32, 2, 3, 4);
    expect_unknown(p, "no", "does not broadcast");
    expect(p, "fives", I64, 3);
    expect(p, "p", F32, 5, 5, 5);
    frm_profile_free(p);
}

/* The exporters' "replace -1 by 1" idiom: Where(Equal(t, -1), 1, t). */
static void where_equal(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(13);
    float_input(b, "x", V(3, 1));
    const_i64(b, "t", 1, (const int64_t[]){ 3 }, (const int64_t[]){ 2, -1, 5 });
    int64_t m1 = -1, one = 1;
    const_i64(b, "m1", 0, NULL, &m1);
    const_i64(b, "one", 0, NULL, &one);
    add(b, "Equal", "t m1", "eq");                     /* bool [3] = (0,1,0) */
    add(b, "Where", "eq one t", "w");                  /* int64 [3] = (2,1,5) */
    probe(b, "w", "p");                                /* [2,1,5] */
    add(b, "Expand", "x w", "y");                      /* (3,1) with (2,1,5): [2,3,5] */
    /* Where broadcasting shapes: cond [3,1], X [1,4], Y [2,1,1] -> [2,3,4] */
    float_input(b, "c", V(3, 1));
    float_input(b, "xx", V(1, 4));
    float_input(b, "yy", V(2, 1, 1));
    add(b, "Where", "c xx yy", "wb");
    add(b, "Less", "xx yy", "lt");                     /* bool [2,1,4] */
    frm_profile *p = run(b);
    expect(p, "eq", BOOL, 3);
    expect(p, "w", I64, 3);
    expect(p, "p", F32, 2, 1, 5);
    expect(p, "y", F32, 2, 3, 5);
    expect(p, "wb", F32, 2, 3, 4);
    expect(p, "lt", BOOL, 2, 1, 4);
    frm_profile_free(p);
}

static void gather(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(13);
    float_input(b, "x", V(2, 3, 4, 5));
    add(b, "Shape", "x", "s");                                   /* (2,3,4,5) */
    i64_vec(b, "negs", V(-1, -3));
    add(b, "Gather", "s negs", "g");                             /* (s[3], s[1]) = (5,3) */
    probe(b, "g", "p");                                          /* [5,3] */
    /* data [4,6], indices [2,2], axis 1: [4] + [2,2] = [4,2,2] */
    float_input(b, "d", V(4, 6));
    int64_t id[2] = { 2, 2 };
    frmi_onnx_initializer_i64(b, "idx", 2, id, (const int64_t[]){ 0, -1, 2, 3 });
    frmi_onnx_attr_int(add(b, "Gather", "d idx", "g2"), "axis", 1);
    /* axis -2 = 0 with a scalar index: [6] */
    i64_scalar(b, "k", 3);
    frmi_onnx_attr_int(add(b, "Gather", "d k", "g3"), "axis", -2);
    i64_vec(b, "far", V(6));
    frmi_onnx_attr_int(add(b, "Gather", "d far", "oob"), "axis", 1);   /* 6 >= 6 */
    i64_vec(b, "farneg", V(-7));
    frmi_onnx_attr_int(add(b, "Gather", "d farneg", "oob2"), "axis", 1);  /* -7 < -6 */
    frmi_onnx_attr_int(add(b, "Gather", "d k", "badaxis"), "axis", 2);
    frm_profile *p = run(b);
    expect(p, "g", I64, 2);
    expect(p, "p", F32, 5, 3);
    expect(p, "g2", F32, 4, 2, 2);
    expect(p, "g3", F32, 6);
    expect_unknown(p, "oob", "index 6 out of range for axis 1 of size 6");
    expect_unknown(p, "oob2", "index -7 out of range");
    expect_unknown(p, "badaxis", "axis 2 out of range for rank 2");
    frm_profile_free(p);
}

static void transpose(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(13);
    float_input(b, "x", V(2, 3, 4, 5));
    frmi_onnx_attr_ints(add(b, "Transpose", "x", "t"), "perm", V(0, 2, 3, 1));  /* [2,4,5,3] */
    add(b, "Transpose", "x", "rev");                                           /* [5,4,3,2] */
    frmi_onnx_attr_ints(add(b, "Transpose", "x", "dup"), "perm", V(0, 1, 1, 2));
    frmi_onnx_attr_ints(add(b, "Transpose", "x", "short"), "perm", V(1, 0));
    /* contents: ((1,2,3),(4,5,6)) transposed = ((1,4),(2,5),(3,6)), flattened
     * by Reshape to (1,4,2,5,3,6) */
    const_i64(b, "m", 2, (const int64_t[]){ 2, 3 }, (const int64_t[]){ 1, 2, 3, 4, 5, 6 });
    add(b, "Transpose", "m", "mt");                                            /* [3,2] */
    i64_vec(b, "six", V(6));
    add(b, "Reshape", "mt six", "mflat");
    probe(b, "mflat", "p");                                                    /* [1,4,2,5,3,6] */
    frm_profile *p = run(b);
    expect(p, "t", F32, 2, 4, 5, 3);
    expect(p, "rev", F32, 5, 4, 3, 2);
    expect_unknown(p, "dup", "perm repeats axis 1");
    expect_unknown(p, "short", "perm has 2 values for rank 4");
    expect(p, "mt", I64, 3, 2);
    expect(p, "p", F32, 1, 4, 2, 5, 3, 6);
    frm_profile_free(p);
}

static void flatten_and_reshape(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(14);
    float_input(b, "x", V(2, 3, 4, 5));
    frmi_onnx_attr_int(add(b, "Flatten", "x", "f2"), "axis", 2);     /* [2*3, 4*5] = [6,20] */
    frmi_onnx_attr_int(add(b, "Flatten", "x", "fm1"), "axis", -1);   /* [24,5] */
    frmi_onnx_attr_int(add(b, "Flatten", "x", "f0"), "axis", 0);     /* [1,120] */
    frmi_onnx_attr_int(add(b, "Flatten", "x", "f4"), "axis", 4);     /* [120,1] */
    add(b, "Flatten", "x", "fdef");                                  /* axis 1: [2,60] */
    frmi_onnx_attr_int(add(b, "Flatten", "x", "f5"), "axis", 5);     /* out of range */
    i64_vec(b, "t1", V(0, -1, 5));
    add(b, "Reshape", "x t1", "r1");                                 /* (2, 120/(2*5)=12, 5) */
    i64_vec(b, "t2", V(-1, -1));
    add(b, "Reshape", "x t2", "r2");                                 /* two -1 */
    i64_vec(b, "t3", V(7, -1));
    add(b, "Reshape", "x t3", "r3");                                 /* 120 % 7 != 0 */
    i64_vec(b, "t4", V(4, 0, 10));
    frmi_onnx_attr_int(add(b, "Reshape", "x t4", "r4"), "allowzero", 1);  /* 0 elements != 120 */
    i64_vec(b, "t5", V(6, 0, 0, 5));
    add(b, "Reshape", "x t5", "r5");                                 /* 0 copies: (6,3,4,5) */
    frm_profile *p = run(b);
    expect(p, "f2", F32, 6, 20);
    expect(p, "fm1", F32, 24, 5);
    expect(p, "f0", F32, 1, 120);
    expect(p, "f4", F32, 120, 1);
    expect(p, "fdef", F32, 2, 60);
    expect_unknown(p, "f5", "axis 5 out of range for rank 4");
    expect(p, "r1", F32, 2, 12, 5);
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
    frmi_onnx_builder *b = new_model(13);
    float_input(b, "x", V(2, 3, 4, 5));
    add(b, "Shape", "x", "s");                         /* (2,3,4,5) */
    i64_vec(b, "k", V(3, 2, 1, 4));
    add(b, "Mul", "s k", "mul");                       /* (6,6,4,20) */
    add(b, "Sub", "mul k", "sub");                     /* (3,4,3,16) */
    i64_vec(b, "d", V(-2));
    add(b, "Div", "s d", "div");                       /* (2,3,4,5)/-2 = (-1,-1,-2,-2) */
    add(b, "Mul", "div d", "back");                    /* (2,2,4,4) */
    i64_vec(b, "m", V(3));
    add(b, "Mod", "s m", "mod");                       /* (2,0,1,2) */
    add(b, "Max", "mod k", "mx");                      /* (3,2,1,4) */
    frmi_onnx_attr_int(add(b, "Cast", "s", "sf"), "to", F32);     /* float (2,3,4,5) */
    f32_vec(b, "half", 1, (const float[]){ 1.5f });
    add(b, "Mul", "sf half", "sfh");                   /* (3,4.5,6,7.5) */
    frmi_onnx_attr_int(add(b, "Cast", "sfh", "si"), "to", I64);   /* truncates: (3,4,6,7) */
    i64_vec(b, "z", V(0));
    add(b, "Div", "s z", "divz");                      /* shape [4], contents unknown */
    probe(b, "sub", "p_sub");
    probe(b, "back", "p_back");
    probe(b, "mod", "p_mod");
    probe(b, "mx", "p_mx");
    probe(b, "si", "p_si");
    probe(b, "divz", "p_divz");                        /* input not constant */
    frm_profile *p = run(b);
    expect(p, "p_sub", F32, 3, 4, 3, 16);
    expect(p, "p_back", F32, 2, 2, 4, 4);
    expect(p, "p_mod", F32, 2, 0, 1, 2);
    expect(p, "p_mx", F32, 3, 2, 1, 4);
    expect(p, "sf", F32, 4);
    expect(p, "p_si", F32, 3, 4, 6, 7);
    expect(p, "divz", I64, 4);
    expect_unknown(p, "p_divz", "not a constant");
    frm_profile_free(p);
}

static void concat_and_identity(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(13);
    float_input(b, "x", V(2, 3));
    float_input(b, "y", V(2, 5));
    float_input(b, "z", V(3, 3));
    frmi_onnx_attr_int(add(b, "Concat", "x y", "c1"), "axis", -1);   /* [2,8] */
    frmi_onnx_attr_int(add(b, "Concat", "x z", "c0"), "axis", 0);    /* [5,3] */
    frmi_onnx_attr_int(add(b, "Concat", "x y", "bad"), "axis", 0);   /* 3 vs 5 */
    add(b, "Concat", "x y", "noaxis");
    add(b, "Identity", "c1", "id");                                  /* [2,8] */
    add(b, "Dropout", "c1", "dr mask");                              /* [2,8], bool mask */
    frm_profile *p = run(b);
    expect(p, "c1", F32, 2, 8);
    expect(p, "c0", F32, 5, 3);
    expect_unknown(p, "bad", "input 1 dim 1 is 5, input 0 has 3");
    expect_unknown(p, "noaxis", "axis");
    expect(p, "id", F32, 2, 8);
    expect(p, "dr", F32, 2, 8);
    expect_out(p, "mask", BOOL, 2, 8);
    frm_profile_free(p);
}

/* Constant's other attributes. */
static void constant_attrs(void **state)
{
    (void)state;
    frmi_onnx_builder *b = new_model(13);
    frmi_onnx_attr_ints(add(b, "Constant", "", "ci"), "value_ints", V(3, 1, 2));  /* int64 [3] */
    frmi_onnx_attr_int(add(b, "Constant", "", "c1"), "value_int", 4);            /* int64 scalar */
    frmi_onnx_attr_floats(add(b, "Constant", "", "cf"), "value_floats", 2,
                          (const float[]){ 1.0f, 2.0f });                       /* float [2] */
    frmi_onnx_attr_float(add(b, "Constant", "", "cs"), "value_float", 1.0f);     /* float scalar */
    add(b, "Constant", "", "empty");                                             /* no value */
    probe(b, "ci", "p");                                                         /* [3,1,2] */
    frm_profile *p = run(b);
    expect(p, "ci", I64, 3);
    expect_scalar(p, "c1", I64);
    expect(p, "cf", F32, 2);
    expect_scalar(p, "cs", F32);
    expect_unknown(p, "empty", "no value attribute");
    expect(p, "p", F32, 3, 1, 2);
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
    frmi_onnx_builder *b = new_model(13);
    frmi_onnx_initializer_i64(b, "e", 2, (const int64_t[]){ big, 0 }, NULL);
    frmi_onnx_initializer_i64(b, "f", 3, (const int64_t[]){ 0, big, big }, NULL);
    frmi_onnx_attr_int(add(b, "Concat", "e e", "cat"), "axis", 1);       /* [2^60, 0] */
    frmi_onnx_attr_int(add(b, "Split", "e", "s0 s1"), "axis", 1);        /* [2^60, 0] each */
    i64_vec(b, "i0", V(0));
    add(b, "Gather", "e i0", "g");                                       /* [1, 0] */
    frmi_onnx_attr_ints(add(b, "Transpose", "f", "t"), "perm", V(0, 2, 1));  /* [0, 2^60, 2^60] */
    add(b, "Add", "f f", "sum");                                         /* [0, 2^60, 2^60] */
    add(b, "Where", "f f f", "w");                                       /* [0, 2^60, 2^60] */
    i64_vec(b, "shape", V(1, 1, 1));
    add(b, "Expand", "f shape", "x");                                    /* [0, 2^60, 2^60] */
    i64_vec(b, "st", V(0));
    i64_vec(b, "en", V(1));
    i64_vec(b, "ax", V(2));
    add(b, "Slice", "f st en ax", "sl");                                 /* [0, 2^60, 1] */
    frm_profile *p = run(b);
    expect(p, "cat", I64, big, 0);
    expect_out(p, "s1", I64, big, 0);
    expect(p, "g", I64, 1, 0);
    expect(p, "t", I64, 0, big, big);
    expect(p, "sum", I64, 0, big, big);
    expect(p, "w", I64, 0, big, big);
    expect(p, "x", I64, 0, big, big);
    expect(p, "sl", I64, 0, big, 1);
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

/*
 * fuzz/seeds.c - writes the starting corpus of the fuzz target: small valid
 * models that reach the reader's tensor handling, the graph checks and the
 * shape inference of convolution, matrix and shape-subgraph operators.
 *
 * usage: profile_fuzz_seeds DIR
 */
#include <stdio.h>
#include <stdlib.h>

#include "onnx/writer.h"

static int save(frmi_onnx_builder *b, const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    frm_error err;
    frm_code rc = frmi_onnx_write(b, path, NULL, &err);
    frmi_onnx_builder_free(b);
    if (rc != FRM_OK) {
        fprintf(stderr, "profile_fuzz_seeds: %s\n", err.message);
        return 1;
    }
    return 0;
}

/* Conv (grouped, padded) -> BatchNormalization -> Relu -> MaxPool ->
 * GlobalAveragePool -> Flatten -> Gemm. */
static int conv_net(const char *dir)
{
    frmi_onnx_builder *b = frmi_onnx_builder_new("conv_net", 13);
    const int64_t x[] = { -1, 4, 8, 8 }, w[] = { 8, 2, 3, 3 }, c8[] = { 8 }, fw[] = { 3, 8 }, c3[] = { 3 };
    const int64_t y[] = { -1, 3 };
    frmi_onnx_input(b, "x", 1, 4, x, NULL);
    frmi_onnx_initializer_f32(b, "w", 4, w, NULL);
    frmi_onnx_initializer_f32(b, "cb", 1, c8, NULL);
    const char *bn_params[] = { "gamma", "beta", "mean", "var" };
    for (int i = 0; i < 4; i++)
        frmi_onnx_initializer_f32(b, bn_params[i], 1, c8, NULL);
    frmi_onnx_initializer_f32(b, "fw", 2, fw, NULL);
    frmi_onnx_initializer_f32(b, "fb", 1, c3, NULL);
    const int64_t pads[] = { 1, 1, 1, 1 }, k2[] = { 2, 2 }, s2[] = { 2, 2 };
    frmi_onnx_node *conv = frmi_onnx_node_add(b, "Conv", "conv", 3, (const char *[]){ "x", "w", "cb" },
                                              1, (const char *[]){ "c" });
    frmi_onnx_attr_int(conv, "group", 2);
    frmi_onnx_attr_ints(conv, "pads", 4, pads);
    frmi_onnx_node_add(b, "BatchNormalization", "bn", 5,
                       (const char *[]){ "c", "gamma", "beta", "mean", "var" }, 1, (const char *[]){ "n" });
    frmi_onnx_node_add(b, "Relu", NULL, 1, (const char *[]){ "n" }, 1, (const char *[]){ "r" });
    frmi_onnx_node *pool = frmi_onnx_node_add(b, "MaxPool", "pool", 1, (const char *[]){ "r" },
                                              1, (const char *[]){ "p" });
    frmi_onnx_attr_ints(pool, "kernel_shape", 2, k2);
    frmi_onnx_attr_ints(pool, "strides", 2, s2);
    frmi_onnx_attr_int(pool, "ceil_mode", 1);
    frmi_onnx_node_add(b, "GlobalAveragePool", NULL, 1, (const char *[]){ "p" }, 1, (const char *[]){ "g" });
    frmi_onnx_node_add(b, "Flatten", NULL, 1, (const char *[]){ "g" }, 1, (const char *[]){ "f" });
    frmi_onnx_node *gemm = frmi_onnx_node_add(b, "Gemm", "fc", 3, (const char *[]){ "f", "fw", "fb" },
                                              1, (const char *[]){ "y" });
    frmi_onnx_attr_int(gemm, "transB", 1);
    frmi_onnx_output(b, "y", 1, 2, y, NULL);
    return save(b, dir, "conv_net");
}

/* PyTorch's flatten through a shape subgraph:
 * Shape -> Gather(0) -> Unsqueeze -> Concat(-1) -> Reshape, then MatMul. */
static int shape_subgraph(const char *dir)
{
    frmi_onnx_builder *b = frmi_onnx_builder_new("shape_subgraph", 13);
    const int64_t x[] = { 2, 3, 4, 5 }, scalar[] = { 0 }, one[] = { 1 }, wdims[] = { 60, 7 };
    const int64_t zero_v = 0, axes_v = 0, minus1_v = -1;
    frmi_onnx_input(b, "x", 1, 4, x, NULL);
    frmi_onnx_initializer_i64(b, "zero", 0, scalar, &zero_v);
    frmi_onnx_initializer_i64(b, "axes", 1, one, &axes_v);
    frmi_onnx_initializer_i64(b, "minus1", 1, one, &minus1_v);
    frmi_onnx_initializer_f32(b, "w", 2, wdims, NULL);
    frmi_onnx_node_add(b, "Shape", NULL, 1, (const char *[]){ "x" }, 1, (const char *[]){ "s" });
    frmi_onnx_node_add(b, "Gather", NULL, 2, (const char *[]){ "s", "zero" }, 1, (const char *[]){ "n" });
    frmi_onnx_node_add(b, "Unsqueeze", NULL, 2, (const char *[]){ "n", "axes" }, 1, (const char *[]){ "n1" });
    frmi_onnx_node *cat = frmi_onnx_node_add(b, "Concat", NULL, 2, (const char *[]){ "n1", "minus1" },
                                             1, (const char *[]){ "shape" });
    frmi_onnx_attr_int(cat, "axis", 0);
    frmi_onnx_node_add(b, "Reshape", NULL, 2, (const char *[]){ "x", "shape" }, 1, (const char *[]){ "flat" });
    frmi_onnx_node_add(b, "MatMul", NULL, 2, (const char *[]){ "flat", "w" }, 1, (const char *[]){ "y" });
    frmi_onnx_output(b, "y", 1, -1, NULL, NULL);
    return save(b, dir, "shape_subgraph");
}

/* Attention-like block: Transpose, batched MatMul, Softmax, Slice, Split,
 * Pad, Resize, LayerNormalization, Where/Equal, Expand, Range. */
static int attention(const char *dir)
{
    frmi_onnx_builder *b = frmi_onnx_builder_new("attention", 17);
    const int64_t x[] = { 1, 4, 6, 8 }, one[] = { 1 }, four[] = { 4 }, two[] = { 2 }, eight[] = { 8 };
    const int64_t starts_v = 1, ends_v = INT64_MAX, split_v[] = { 4, 4 }, pads_v[] = { 0, 0, 1, 1, 0, 0, 1, 1 };
    const float scales_v[] = { 1, 1, 2, 2 };
    frmi_onnx_input(b, "x", 1, 4, x, NULL);
    frmi_onnx_initializer_i64(b, "starts", 1, one, &starts_v);
    frmi_onnx_initializer_i64(b, "ends", 1, one, &ends_v);
    frmi_onnx_initializer_i64(b, "split", 1, two, split_v);
    frmi_onnx_initializer_i64(b, "pads", 1, eight, pads_v);
    frmi_onnx_initializer_f32(b, "scales", 1, four, scales_v);
    frmi_onnx_initializer_f32(b, "gamma", 1, eight, NULL);
    const int64_t perm[] = { 0, 1, 3, 2 };
    frmi_onnx_node *t = frmi_onnx_node_add(b, "Transpose", NULL, 1, (const char *[]){ "x" },
                                           1, (const char *[]){ "xt" });
    frmi_onnx_attr_ints(t, "perm", 4, perm);
    frmi_onnx_node_add(b, "MatMul", NULL, 2, (const char *[]){ "x", "xt" }, 1, (const char *[]){ "att" });
    frmi_onnx_node_add(b, "Softmax", NULL, 1, (const char *[]){ "att" }, 1, (const char *[]){ "p" });
    frmi_onnx_node_add(b, "MatMul", NULL, 2, (const char *[]){ "p", "x" }, 1, (const char *[]){ "o" });
    frmi_onnx_node_add(b, "LayerNormalization", NULL, 2, (const char *[]){ "o", "gamma" },
                       1, (const char *[]){ "ln" });
    frmi_onnx_node_add(b, "Slice", NULL, 3, (const char *[]){ "ln", "starts", "ends" },
                       1, (const char *[]){ "sl" });
    frmi_onnx_node *sp = frmi_onnx_node_add(b, "Split", NULL, 2, (const char *[]){ "ln", "split" },
                                            2, (const char *[]){ "a", "b" });
    frmi_onnx_attr_int(sp, "axis", -1);
    frmi_onnx_node_add(b, "Pad", NULL, 2, (const char *[]){ "a", "pads" }, 1, (const char *[]){ "pa" });
    frmi_onnx_node_add(b, "Resize", NULL, 3, (const char *[]){ "pa", "", "scales" },
                       1, (const char *[]){ "up" });
    frmi_onnx_node_add(b, "Equal", NULL, 2, (const char *[]){ "starts", "ends" }, 1, (const char *[]){ "eq" });
    frmi_onnx_node_add(b, "Where", NULL, 3, (const char *[]){ "eq", "starts", "split" },
                       1, (const char *[]){ "wh" });
    frmi_onnx_output(b, "sl", 1, -1, NULL, NULL);
    frmi_onnx_output(b, "b", 1, -1, NULL, NULL);
    frmi_onnx_output(b, "up", 1, -1, NULL, NULL);
    frmi_onnx_output(b, "wh", 7, -1, NULL, NULL);
    return save(b, dir, "attention");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: profile_fuzz_seeds DIR\n", stderr);
        return 2;
    }
    return conv_net(argv[1]) | shape_subgraph(argv[1]) | attention(argv[1]);
}

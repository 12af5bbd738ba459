/*
 * frm/profile.h - static analysis of ONNX models (docs/profile.md).
 *
 * frm_profile_file reads an ONNX model, infers every tensor's shape and
 * counts, without running the model:
 *
 *   macs         multiply-accumulates of Conv, ConvTranspose, Gemm, MatMul
 *   flops        2 * macs, plus the bias adds of Conv and Gemm, plus one per
 *                output element of element-wise, normalisation, pooling,
 *                activation, reduction, softmax and resize nodes
 *   params       elements of floating-point initializers, less the running
 *                mean and variance of BatchNormalization (PyTorch's count)
 *   weights_bytes          bytes of all initializers
 *   activations            output elements of Conv, ConvTranspose, Gemm and
 *                          MatMul nodes (timm's "activations")
 *   activations_peak_bytes peak bytes of live intermediate tensors while the
 *                          nodes run in the file's order
 *
 * docs/profile.md gives the per-operator rules.  A node whose shapes cannot
 * be inferred is never fatal: it is listed in `unknown`, and `partial` says
 * the totals leave it out.
 */
#ifndef FRM_PROFILE_H
#define FRM_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "frm/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Tensors of higher rank are analysed as unknown shapes. */
#define FRM_PROFILE_MAX_RANK 12

/* A shape given for one graph input, overriding the one in the file. */
typedef struct frm_input_shape {
    char name[256];
    size_t rank;
    int64_t dims[FRM_PROFILE_MAX_RANK];
} frm_input_shape;

/*
 * Parses "NAME=1x3x224x224" (or "NAME=1,3,224,224") into `out`.
 * FRM_E_ARGUMENT with a message on a malformed text or a name of 256 bytes
 * or more.
 */
frm_code frm_input_shape_parse(const char *text, frm_input_shape *out, frm_error *err);

/*
 * Input shapes: an override in `inputs` wins; otherwise a symbolic leading
 * (batch) dimension takes `batch`, a fixed one stays, and any other
 * symbolic dimension is FRM_E_ARGUMENT naming the input: frm never guesses
 * a height or a sequence length.  With `batch_given` (the user asked for a
 * batch), a fixed leading dimension that differs from `batch` is
 * FRM_E_ARGUMENT too.
 */
typedef struct frm_profile_options {
    int64_t batch;                  /* value of a symbolic leading dim; >= 1 */
    const frm_input_shape *inputs;  /* overrides, `n_inputs` of them */
    size_t n_inputs;
    int per_node;                   /* fill frm_profile.nodes */
    int batch_given;                /* `batch` was asked for, not a default */
} frm_profile_options;

#define FRM_PROFILE_OPTIONS_INIT { 1, NULL, 0, 0, 0 }

/* Totals for one operator type ("Conv", or "com.microsoft:Attention"). */
typedef struct frm_op_total {
    const char *op;
    uint64_t count;
    uint64_t macs;
    uint64_t flops;
} frm_op_total;

/* A graph input or output and the shape it was analysed with. */
typedef struct frm_tensor_shape {
    const char *name;
    int elem_type;                  /* ONNX TensorProto.DataType; 0 unknown */
    int rank;                       /* -1 when unknown */
    int64_t dims[FRM_PROFILE_MAX_RANK]; /* -1 for an unknown dim */
} frm_tensor_shape;

typedef struct frm_node_profile {
    const char *name;               /* the node's name, or "Op#index" */
    const char *op;
    frm_tensor_shape output;        /* first output */
    uint64_t macs;
    uint64_t flops;
    int known;                      /* 0: shapes unknown, counts are 0 */
} frm_node_profile;

/* A node the totals leave out, and why. */
typedef struct frm_unknown_node {
    const char *name;
    const char *op;
    const char *reason;
} frm_unknown_node;

typedef struct frm_profile {
    const char *model;              /* file name without folder and ".onnx" */
    const char *file;               /* the path as given */
    int64_t opset;                  /* of the default ONNX domain */
    int64_t ir_version;
    uint64_t params;
    uint64_t weights_bytes;
    uint64_t macs;
    uint64_t flops;
    uint64_t activations;
    uint64_t activations_peak_bytes;
    int partial;                    /* some node is in `unknown` */
    size_t n_nodes_total;           /* nodes in the graph */

    int64_t batch;                  /* the leading dim of the first input of rank >= 1, as
                                       analysed (1 when there is none): the batch that runs */
    size_t n_inputs, n_outputs;
    frm_tensor_shape *inputs;       /* graph inputs that are not initializers */
    frm_tensor_shape *outputs;

    size_t n_ops;
    frm_op_total *ops;              /* sorted by op name */

    size_t n_unknown;
    frm_unknown_node *unknown;      /* in graph order */

    size_t n_nodes;
    frm_node_profile *nodes;        /* per_node only, in graph order */
} frm_profile;

/*
 * Profiles the ONNX model at `path`.  External tensor data is looked up
 * relative to the model's folder and never read.  On success *out is a new
 * profile the caller frees with frm_profile_free; on failure *out is NULL
 * and `err` names the file and what is wrong with it (FRM_E_IO,
 * FRM_E_MODEL, FRM_E_ARGUMENT for a bad override, FRM_E_NOMEM).
 */
frm_code frm_profile_file(const char *path, const frm_profile_options *opt,
                          frm_profile **out, frm_error *err);

/* Frees a profile and every string in it.  NULL is a no-op. */
void frm_profile_free(frm_profile *p);

/* "float", "int64", ... for an ONNX element type; "?" when unknown. */
const char *frm_elem_type_name(int elem_type);

#ifdef __cplusplus
}
#endif

#endif

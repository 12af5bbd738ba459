/*
 * onnx/infer.h - shape inference, one function per ONNX operator.
 *
 * infer.c walks the nodes in topological order and calls the function the
 * operator table names for each node.  A function reads its inputs' shapes
 * (and contents, for shape subgraphs), and sets every output's elem_type,
 * rank and dims, plus cval when all it needs is constant and the result
 * has at most FRMI_CONST_MAX elements.  When it cannot, it returns
 * frmi_unknown(...) with the reason; the driver then marks the node and
 * its outputs unknown.  Inputs are never modified.
 *
 * Operator files:
 *   infer_nn.c           Conv, ConvTranspose, pooling, normalisation, Gemm,
 *                        MatMul, Softmax, reductions, unary element-wise ops
 *   infer_elementwise.c  element-wise binary and variadic ops and Where
 *                        (broadcasting, constant folding), Cast
 *   infer_shape.c        Shape, Constant, ConstantOfShape, Reshape, Concat,
 *                        Split, Slice, Flatten, Transpose, Squeeze,
 *                        Unsqueeze, Gather, Expand, Range, Pad, Resize,
 *                        Identity, Dropout
 * and infer_util.c (infer_util.h), the helpers infer_elementwise.c and
 * infer_shape.c share: contents of small tensors, checked arithmetic,
 * strided walks over broadcast inputs.
 */
#ifndef FRM_ONNX_INFER_H
#define FRM_ONNX_INFER_H

#include "onnx/graph.h"

typedef enum frmi_infer_status {
    FRMI_INFER_NOMEM = -1,
    FRMI_INFER_OK = 0,
    FRMI_INFER_UNKNOWN = 1
} frmi_infer_status;

typedef frmi_infer_status (*frmi_infer_fn)(frmi_graph *g, frmi_node *n);

/* Sets n->reason to the formatted text and returns FRMI_INFER_UNKNOWN
 * (FRMI_INFER_NOMEM when the text cannot be allocated). */
frmi_infer_status frmi_unknown(frmi_graph *g, frmi_node *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Input / output i of n; NULL when i is out of range or the input omitted. */
frmi_value *frmi_in(frmi_graph *g, const frmi_node *n, int i);
frmi_value *frmi_out(frmi_graph *g, const frmi_node *n, int i);

/*
 * Sets output i from tensor `t` (a Constant's value): type, shape and, when
 * small, contents.  A malformed tensor makes the node unknown.
 */
frmi_infer_status frmi_set_tensor(frmi_graph *g, frmi_node *n, int i, const Onnx__TensorProto *t);

/* Rank known and every dim >= 0. */
int frmi_shape_known(const frmi_value *v);

/*
 * Requires input i to exist with a known shape; otherwise returns the
 * UNKNOWN status with a reason naming the input.  Use as
 *   if ((st = frmi_need(g, n, 0, &x)) != FRMI_INFER_OK) return st;
 */
frmi_infer_status frmi_need(frmi_graph *g, frmi_node *n, int i, frmi_value **out);
/* Same, and the input's contents must be known (cval set). */
frmi_infer_status frmi_need_const(frmi_graph *g, frmi_node *n, int i, frmi_value **out);

/* Sets output i's type and shape (cval cleared).  rank > FRMI_MAX_RANK or a
 * negative dim gives UNKNOWN with a reason. */
frmi_infer_status frmi_set_shape(frmi_graph *g, frmi_node *n, int i, int elem_type,
                                 int rank, const int64_t *dims);

/* Numpy broadcasting of two known shapes into out (rank in *out_rank);
 * 0 on success, -1 when they do not broadcast. */
int frmi_broadcast(int ra, const int64_t *a, int rb, const int64_t *b,
                   int *out_rank, int64_t *out);

/* Normalises axis into [0, rank); -1 when out of range. */
int frmi_axis(int64_t axis, int rank);

/* Checked arithmetic for element counts: -1 on overflow or negative inputs. */
int64_t frmi_mul_checked(int64_t a, int64_t b);

/* The inference function for op_type in the default domain, or NULL. */
frmi_infer_fn frmi_infer_lookup(const char *op);

/* infer_nn.c */
frmi_infer_status frmi_infer_conv(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_conv_transpose(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_pool(frmi_graph *g, frmi_node *n);          /* MaxPool, AveragePool */
frmi_infer_status frmi_infer_global_pool(frmi_graph *g, frmi_node *n);   /* GlobalAveragePool, GlobalMaxPool */
frmi_infer_status frmi_infer_batch_norm(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_layer_norm(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_gemm(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_matmul(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_softmax(frmi_graph *g, frmi_node *n);      /* Softmax, LogSoftmax */
frmi_infer_status frmi_infer_reduce(frmi_graph *g, frmi_node *n);       /* ReduceMean, ReduceSum, ReduceMax, ReduceMin */
frmi_infer_status frmi_infer_unary(frmi_graph *g, frmi_node *n);        /* same shape and type: Relu, Sigmoid, ... */

/* infer_elementwise.c */
frmi_infer_status frmi_infer_binary(frmi_graph *g, frmi_node *n);       /* Add, Sub, Mul, Div, Pow, Equal, Less, Greater */
frmi_infer_status frmi_infer_where(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_cast(frmi_graph *g, frmi_node *n);

/* infer_shape.c */
frmi_infer_status frmi_infer_shape_op(frmi_graph *g, frmi_node *n);     /* Shape */
frmi_infer_status frmi_infer_constant(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_constant_of_shape(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_reshape(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_concat(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_split(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_slice(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_flatten(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_transpose(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_squeeze(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_unsqueeze(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_gather(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_expand(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_range(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_pad(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_resize(frmi_graph *g, frmi_node *n);
frmi_infer_status frmi_infer_identity(frmi_graph *g, frmi_node *n);     /* Identity, Dropout (keeps cval) */

#endif

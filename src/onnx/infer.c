/*
 * onnx/infer.c - the shape inference driver, the operator table, and the
 * helpers operator files share.
 */
#include "onnx/infer.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

frmi_infer_status frmi_unknown(frmi_graph *g, frmi_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = len >= 0 ? frmi_graph_alloc(g, (size_t)len + 1) : NULL;
    if (!s)
        return FRMI_INFER_NOMEM;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)len + 1, fmt, ap);
    va_end(ap);
    n->reason = s;
    return FRMI_INFER_UNKNOWN;
}

frmi_value *frmi_in(frmi_graph *g, const frmi_node *n, int i)
{
    if (i < 0 || i >= n->n_in || n->in[i] < 0)
        return NULL;
    return &g->values[n->in[i]];
}

frmi_value *frmi_out(frmi_graph *g, const frmi_node *n, int i)
{
    if (i < 0 || i >= n->n_out || n->out[i] < 0)
        return NULL;
    return &g->values[n->out[i]];
}

int frmi_shape_known(const frmi_value *v)
{
    if (v->rank < 0)
        return 0;
    for (int i = 0; i < v->rank; i++)
        if (v->dims[i] < 0)
            return 0;
    return 1;
}

frmi_infer_status frmi_need(frmi_graph *g, frmi_node *n, int i, frmi_value **out)
{
    frmi_value *v = frmi_in(g, n, i);
    *out = v;
    if (!v)
        return frmi_unknown(g, n, "input %d is missing", i + 1);
    if (!frmi_shape_known(v))
        return frmi_unknown(g, n, "input '%s' has an unknown shape", v->name);
    return FRMI_INFER_OK;
}

frmi_infer_status frmi_need_const(frmi_graph *g, frmi_node *n, int i, frmi_value **out)
{
    frmi_infer_status st = frmi_need(g, n, i, out);
    if (st != FRMI_INFER_OK)
        return st;
    const frmi_value *v = *out;
    if (!v->cval || (int64_t)v->cval->n != frmi_value_numel(v))
        return frmi_unknown(g, n, "input '%s' is not a constant frm can evaluate", v->name);
    return FRMI_INFER_OK;
}

frmi_infer_status frmi_set_shape(frmi_graph *g, frmi_node *n, int i, int elem_type,
                                 int rank, const int64_t *dims)
{
    frmi_value *v = frmi_out(g, n, i);
    if (!v)
        return FRMI_INFER_OK;
    if (rank < 0 || rank > FRMI_MAX_RANK)
        return frmi_unknown(g, n, "output '%s' would have rank %d; frm handles up to %d",
                            v->name, rank, FRMI_MAX_RANK);
    for (int k = 0; k < rank; k++)
        if (dims[k] < 0)
            return frmi_unknown(g, n, "output '%s' would have dim %d = %lld", v->name, k,
                                (long long)dims[k]);
    v->elem_type = elem_type;
    v->rank = rank;
    memcpy(v->dims, dims, (size_t)rank * sizeof dims[0]);
    v->cval = NULL;
    if (frmi_value_numel(v) < 0)
        return frmi_unknown(g, n, "output '%s' would have more than 2^63 elements", v->name);
    return FRMI_INFER_OK;
}

frmi_infer_status frmi_set_tensor(frmi_graph *g, frmi_node *n, int i, const Onnx__TensorProto *t)
{
    frmi_value *v = frmi_out(g, n, i);
    if (!v)
        return FRMI_INFER_OK;
    frm_error err;
    frm_code rc = frmi_graph_load_tensor(g, g->model, t, "value", v, &err);
    if (rc == FRM_E_NOMEM)
        return FRMI_INFER_NOMEM;
    if (rc != FRM_OK) {
        v->rank = -1;
        v->elem_type = 0;
        v->cval = NULL;
        /* The message starts with the file name, which the caller adds again. */
        const char *msg = strstr(err.message, ": ");
        return frmi_unknown(g, n, "%s", msg ? msg + 2 : err.message);
    }
    return FRMI_INFER_OK;
}

int frmi_broadcast(int ra, const int64_t *a, int rb, const int64_t *b,
                   int *out_rank, int64_t *out)
{
    int r = ra > rb ? ra : rb;
    if (ra < 0 || rb < 0 || r > FRMI_MAX_RANK)
        return -1;
    for (int k = 0; k < r; k++) {
        int ia = k - (r - ra), ib = k - (r - rb);
        int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
        if (da == db || db == 1)
            out[k] = da;
        else if (da == 1)
            out[k] = db;
        else
            return -1;
    }
    *out_rank = r;
    return 0;
}

int frmi_axis(int64_t axis, int rank)
{
    if (rank < 0 || axis < -(int64_t)rank || axis >= rank)
        return -1;
    return (int)(axis < 0 ? axis + rank : axis);
}

int64_t frmi_mul_checked(int64_t a, int64_t b)
{
    int64_t r;
    if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r))
        return -1;
    return r;
}

/* --- the operator table ------------------------------------------------------ */

typedef struct op_entry {
    const char *op;
    frmi_infer_fn fn;
} op_entry;

/* Sorted by name for bsearch. */
static const op_entry ops[] = {
    { "Abs", frmi_infer_unary },
    { "Acos", frmi_infer_unary },
    { "Add", frmi_infer_binary },
    { "And", frmi_infer_binary },
    { "Asin", frmi_infer_unary },
    { "Atan", frmi_infer_unary },
    { "AveragePool", frmi_infer_pool },
    { "BatchNormalization", frmi_infer_batch_norm },
    { "Cast", frmi_infer_cast },
    { "Ceil", frmi_infer_unary },
    { "Celu", frmi_infer_unary },
    { "Clip", frmi_infer_unary },
    { "Concat", frmi_infer_concat },
    { "Constant", frmi_infer_constant },
    { "ConstantOfShape", frmi_infer_constant_of_shape },
    { "Conv", frmi_infer_conv },
    { "ConvTranspose", frmi_infer_conv_transpose },
    { "Cos", frmi_infer_unary },
    { "Div", frmi_infer_binary },
    { "Dropout", frmi_infer_identity },
    { "Elu", frmi_infer_unary },
    { "Equal", frmi_infer_binary },
    { "Erf", frmi_infer_unary },
    { "Exp", frmi_infer_unary },
    { "Expand", frmi_infer_expand },
    { "Flatten", frmi_infer_flatten },
    { "Floor", frmi_infer_unary },
    { "Gather", frmi_infer_gather },
    { "Gelu", frmi_infer_unary },
    { "Gemm", frmi_infer_gemm },
    { "GlobalAveragePool", frmi_infer_global_pool },
    { "GlobalMaxPool", frmi_infer_global_pool },
    { "Greater", frmi_infer_binary },
    { "GreaterOrEqual", frmi_infer_binary },
    { "HardSigmoid", frmi_infer_unary },
    { "HardSwish", frmi_infer_unary },
    { "Identity", frmi_infer_identity },
    { "LayerNormalization", frmi_infer_layer_norm },
    { "LeakyRelu", frmi_infer_unary },
    { "Less", frmi_infer_binary },
    { "LessOrEqual", frmi_infer_binary },
    { "Log", frmi_infer_unary },
    { "LogSoftmax", frmi_infer_softmax },
    { "MatMul", frmi_infer_matmul },
    { "Max", frmi_infer_binary },
    { "MaxPool", frmi_infer_pool },
    { "Mean", frmi_infer_binary },
    { "Min", frmi_infer_binary },
    { "Mish", frmi_infer_unary },
    { "Mod", frmi_infer_binary },
    { "Mul", frmi_infer_binary },
    { "Neg", frmi_infer_unary },
    { "Not", frmi_infer_unary },
    { "Or", frmi_infer_binary },
    { "Pad", frmi_infer_pad },
    { "Pow", frmi_infer_binary },
    { "Range", frmi_infer_range },
    { "Reciprocal", frmi_infer_unary },
    { "ReduceL2", frmi_infer_reduce },
    { "ReduceMax", frmi_infer_reduce },
    { "ReduceMean", frmi_infer_reduce },
    { "ReduceMin", frmi_infer_reduce },
    { "ReduceProd", frmi_infer_reduce },
    { "ReduceSum", frmi_infer_reduce },
    { "Relu", frmi_infer_unary },
    { "Reshape", frmi_infer_reshape },
    { "Resize", frmi_infer_resize },
    { "Selu", frmi_infer_unary },
    { "Shape", frmi_infer_shape_op },
    { "Sigmoid", frmi_infer_unary },
    { "Sign", frmi_infer_unary },
    { "Sin", frmi_infer_unary },
    { "Slice", frmi_infer_slice },
    { "Softmax", frmi_infer_softmax },
    { "Softplus", frmi_infer_unary },
    { "Softsign", frmi_infer_unary },
    { "Split", frmi_infer_split },
    { "Sqrt", frmi_infer_unary },
    { "Squeeze", frmi_infer_squeeze },
    { "Sub", frmi_infer_binary },
    { "Sum", frmi_infer_binary },
    { "Tan", frmi_infer_unary },
    { "Tanh", frmi_infer_unary },
    { "Transpose", frmi_infer_transpose },
    { "Unsqueeze", frmi_infer_unsqueeze },
    { "Upsample", frmi_infer_resize },
    { "Where", frmi_infer_where },
    { "Xor", frmi_infer_binary },
};

static int op_compare(const void *key, const void *entry)
{
    return strcmp(key, ((const op_entry *)entry)->op);
}

frmi_infer_fn frmi_infer_lookup(const char *op)
{
    const op_entry *e = bsearch(op, ops, sizeof ops / sizeof ops[0], sizeof ops[0], op_compare);
    return e ? e->fn : NULL;
}

/* When a node stays unknown, a shape the file declares for an output (in
 * value_info or the graph outputs) still lets the nodes after it go on. */
static void fall_back_to_declared(frmi_value *v)
{
    const Onnx__TypeProto *tp = v->declared;
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
        return;
    const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
    if (!tt->shape || tt->shape->n_dim > FRMI_MAX_RANK)
        return;
    for (size_t i = 0; i < tt->shape->n_dim; i++) {
        const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
        if (d->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE || d->dim_value < 0)
            return;
    }
    v->elem_type = tt->has_elem_type ? tt->elem_type : 0;
    v->rank = (int)tt->shape->n_dim;
    for (int i = 0; i < v->rank; i++)
        v->dims[i] = tt->shape->dim[i]->dim_value;
}

/* Marks every output of n unknown; with `declared`, then takes the shape
 * the file declares for it, if any. */
static void forget_outputs(frmi_graph *g, const frmi_node *n, int declared)
{
    for (int k = 0; k < n->n_out; k++) {
        frmi_value *v = frmi_out(g, n, k);
        if (!v)
            continue;
        v->elem_type = 0;
        v->rank = -1;
        v->cval = NULL;
        if (declared)
            fall_back_to_declared(v);
    }
}

frm_code frmi_graph_infer(frmi_graph *g, frm_error *err)
{
    for (size_t pos = 0; pos < g->n_nodes; pos++) {
        frmi_node *n = &g->nodes[g->order[pos]];
        forget_outputs(g, n, 0);
        frmi_infer_fn fn = strchr(n->op, ':') ? NULL : frmi_infer_lookup(n->op);
        frmi_infer_status st;
        if (!fn)
            st = frmi_unknown(g, n, "operator %s is not supported", n->op);
        else
            st = fn(g, n);
        if (st == FRMI_INFER_NOMEM)
            return frmi_nomem(err);
        if (st == FRMI_INFER_OK) {
            for (int k = 0; k < n->n_out; k++) {
                frmi_value *v = frmi_out(g, n, k);
                if (v && v->rank < 0) {
                    st = frmi_unknown(g, n, "no shape for output '%s'", v->name);
                    if (st == FRMI_INFER_NOMEM)
                        return frmi_nomem(err);
                    break;
                }
            }
        }
        n->known = st == FRMI_INFER_OK;
        if (!n->known)
            forget_outputs(g, n, 1);
    }
    return FRM_OK;
}

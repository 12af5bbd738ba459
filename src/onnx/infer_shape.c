/*
 * onnx/infer_shape.c - shape inference for the operators that move data
 * around rather than compute on it: Shape, Constant, ConstantOfShape,
 * Reshape, Concat, Split, Slice, Flatten, Transpose, Squeeze, Unsqueeze,
 * Gather, Expand, Range, Pad, Resize (and Upsample), Identity and Dropout.
 * The broadcasting element-wise operators, Where and Cast are in
 * infer_elementwise.c.
 *
 * Besides shapes, these functions propagate the contents of small tensors
 * (cval), so that the shape subgraphs exporters emit (Shape -> Gather ->
 * Unsqueeze -> Concat -> Reshape, Shape -> Slice -> Concat -> Expand, ...)
 * resolve to constants and the shapes behind them become known.  The
 * conventions for contents are those of infer_util.h.
 *
 * Opset handling follows the ONNX operator changelog: attributes that
 * became inputs (Reshape 5, Slice 10, Pad 11, Resize 11, Split 13,
 * Squeeze/Unsqueeze 13) are read from where the model's opset puts them.
 */
#include "onnx/infer_util.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef frmi_infer_status status;

/* --- small helpers ------------------------------------------------------- */

/* Copies element si of src to element di of dst (same representation). */
static void ccopy(frmi_const *dst, size_t di, const frmi_const *src, size_t si)
{
    if (dst->f)
        dst->f[di] = src->f[si];
    else
        dst->i[di] = src->i[si];
}

/* Output 0 gets x's type, the shape (rank, dims) and x's contents as they
 * are: the operators that only relabel the dims of the same row-major
 * elements (Reshape, Flatten, Squeeze, Unsqueeze, Identity). */
static status set_out_relabelled(frmi_graph *g, frmi_node *n, const frmi_value *x, int rank,
                                 const int64_t *dims)
{
    status s = frmi_set_shape(g, n, 0, x->elem_type, rank, dims);
    if (s != FRMI_INFER_OK)
        return s;
    const frmi_const *c = frmi_cv(x);
    if (c)
        frmi_set_cval(g, n, 0, c);
    return FRMI_INFER_OK;
}

/* A new constant holding src read through a walk over `dims`. */
static frmi_const *walk_copy(frmi_graph *g, const frmi_const *src, int rank,
                             const int64_t *dims, const int64_t *st, int64_t base,
                             size_t ne)
{
    frmi_const *c = frmi_const_new(g, ne, frmi_c_is_float(src));
    if (!c)
        return NULL;
    frmi_walk w;
    frmi_walk_init(&w, rank, dims, st, base);
    for (size_t e = 0; e < ne; e++, frmi_walk_next(&w))
        ccopy(c, e, src, (size_t)w.off);
    return c;
}

/* Sets output 0's cval to a copy of `src` read through a walk, when the
 * output is small enough. */
static status out_walk(frmi_graph *g, frmi_node *n, const frmi_const *src, int rank,
                       const int64_t *dims, const int64_t *st, int64_t base)
{
    int64_t ne = frmi_numel(rank, dims);
    if (!src || ne < 0 || ne > FRMI_CONST_MAX)
        return FRMI_INFER_OK;
    frmi_const *c = walk_copy(g, src, rank, dims, st, base, (size_t)ne);
    if (!c)
        return FRMI_INFER_NOMEM;
    frmi_set_cval(g, n, 0, c);
    return FRMI_INFER_OK;
}

/*
 * Input i as a constant list of integers (a 1-D or scalar tensor).
 * `what` names it in reasons.  *vals may be NULL when *count is 0.
 */
static status const_ints(frmi_graph *g, frmi_node *n, int i, const char *what,
                         const int64_t **vals, size_t *count)
{
    *vals = NULL;
    *count = 0;
    frmi_value *v;
    status s = frmi_need_const(g, n, i, &v);
    if (s != FRMI_INFER_OK)
        return s;
    const frmi_const *c = frmi_cv(v);
    if (!c)
        return frmi_unknown(g, n, "contents of %s do not match its shape", what);
    if (v->rank > 1)
        return frmi_unknown(g, n, "%s must be 1-D, has rank %d", what, v->rank);
    if (c->n > 0 && !c->i)
        return frmi_unknown(g, n, "%s is not an integer tensor", what);
    *vals = c->i;
    *count = c->n;
    return FRMI_INFER_OK;
}

/* Input i as a target shape: a constant list of at most FRMI_MAX_RANK
 * dims, none negative.  `what` names it in reasons. */
static status const_shape(frmi_graph *g, frmi_node *n, int i, const char *what,
                          const int64_t **shape, size_t *count)
{
    status s = const_ints(g, n, i, what, shape, count);
    if (s != FRMI_INFER_OK)
        return s;
    if (*count > FRMI_MAX_RANK)
        return frmi_unknown(g, n, "shape has %zu dims, above %d", *count, FRMI_MAX_RANK);
    for (size_t k = 0; k < *count; k++)
        if ((*shape)[k] < 0)
            return frmi_unknown(g, n, "shape dim %zu is negative (%" PRId64 ")", k, (*shape)[k]);
    return FRMI_INFER_OK;
}

/* --- Shape ----------------------------------------------------------------- */

frmi_infer_status frmi_infer_shape_op(frmi_graph *g, frmi_node *n)
{
    frmi_value *x = frmi_in(g, n, 0);
    if (!x)
        return frmi_unknown(g, n, "input 0 missing");
    if (x->rank < 0 || x->rank > FRMI_MAX_RANK)
        return frmi_unknown(g, n, "input 0 has unknown rank");
    int64_t r = x->rank;
    /* opset 15: start and end select a range of the dims */
    int64_t start = frmi_attr_int_or(n, "start", 0);
    int64_t end = frmi_attr_int_or(n, "end", r);
    if (start < 0)
        start += r;
    if (end < 0)
        end += r;
    start = start < 0 ? 0 : start > r ? r : start;
    end = end < 0 ? 0 : end > r ? r : end;
    int64_t len = end > start ? end - start : 0;

    status s = frmi_set_shape(g, n, 0, FRMI_T_INT64, 1, &len);
    if (s != FRMI_INFER_OK)
        return s;
    for (int64_t k = start; k < end; k++)
        if (x->dims[k] < 0)
            return FRMI_INFER_OK;
    frmi_const *c = frmi_const_new(g, (size_t)len, 0);
    if (!c)
        return FRMI_INFER_NOMEM;
    for (int64_t k = 0; k < len; k++)
        c->i[k] = x->dims[start + k];
    frmi_set_cval(g, n, 0, c);
    return FRMI_INFER_OK;
}

/* --- Constant, ConstantOfShape ----------------------------------------------- */

static double half_to_double(uint32_t h)
{
    uint32_t e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    double v;
    if (e == 0)
        v = ldexp((double)m, -24);
    else if (e == 31)
        v = m ? (double)NAN : (double)INFINITY;
    else
        v = ldexp((double)(m | 0x400u), (int)e - 25);
    return (h & 0x8000u) ? -v : v;
}

static double bits_to_float32(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return (double)f;
}

/* Decodes one element of `type` from its little-endian bits into c[k]. */
static void decode_bits(int type, uint64_t u, frmi_const *c, size_t k)
{
    switch (type) {
    case FRMI_T_FLOAT: c->f[k] = bits_to_float32((uint32_t)u); break;
    case FRMI_T_DOUBLE: {
        double d;
        memcpy(&d, &u, sizeof d);
        c->f[k] = d;
        break;
    }
    case FRMI_T_FLOAT16: c->f[k] = half_to_double((uint32_t)(u & 0xffffu)); break;
    case FRMI_T_BFLOAT16: c->f[k] = bits_to_float32((uint32_t)(u & 0xffffu) << 16); break;
    default: c->i[k] = frmi_wrap_int(type, (int64_t)u); break;
    }
}

/*
 * The type, shape and (when small and stored in the node) contents of a
 * tensor attribute (ConstantOfShape's one-element `value`; Constant's
 * `value` goes through frmi_set_tensor like initializers).  *out stays
 * NULL when the contents are not available: large (the reader left them in
 * the file), external, of a type frm does not keep, or of the wrong length.
 */
static status tensor_read(frmi_graph *g, frmi_node *n, const Onnx__TensorProto *t,
                          const char *what, int *type, int *rank, int64_t *dims,
                          const frmi_const **out)
{
    *out = NULL;
    *rank = 0;
    *type = t->has_data_type ? t->data_type : 0;
    if (*type <= 0)
        return frmi_unknown(g, n, "%s has no data type", what);
    if (t->n_dims > FRMI_MAX_RANK)
        return frmi_unknown(g, n, "%s has rank %zu, above %d", what, t->n_dims, FRMI_MAX_RANK);
    *rank = (int)t->n_dims;
    for (size_t k = 0; k < t->n_dims; k++) {
        if (t->dims[k] < 0)
            return frmi_unknown(g, n, "%s has negative dim %" PRId64, what, t->dims[k]);
        dims[k] = t->dims[k];
    }
    int64_t ne = frmi_numel(*rank, dims);
    if (ne < 0)
        return frmi_unknown(g, n, "%s element count overflows", what);
    if (ne > FRMI_CONST_MAX || !frmi_keepable_type(*type))
        return FRMI_INFER_OK;
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return FRMI_INFER_OK;
    size_t cnt = (size_t)ne;
    size_t esize = frmi_elem_size(*type);
    int is_float = frmi_elem_is_float(*type);

    if (cnt == 0) {
        frmi_const *c = frmi_const_new(g, 0, is_float);
        if (!c)
            return FRMI_INFER_NOMEM;
        *out = c;
        return FRMI_INFER_OK;
    }
    if (t->has_raw_data) {
        if (esize == 0 || esize > 8 || !t->raw_data.data || t->raw_data.len / esize != cnt
            || t->raw_data.len % esize != 0)
            return FRMI_INFER_OK;
        frmi_const *c = frmi_const_new(g, cnt, is_float);
        if (!c)
            return FRMI_INFER_NOMEM;
        for (size_t k = 0; k < cnt; k++) {
            const uint8_t *p = t->raw_data.data + k * esize;
            uint64_t u = 0;
            for (size_t b = 0; b < esize; b++)
                u |= (uint64_t)p[b] << (8 * b);
            /* sign-extend the signed integer types */
            if (*type == FRMI_T_INT8 || *type == FRMI_T_INT16 || *type == FRMI_T_INT32)
                u = (uint64_t)frmi_wrap_int(*type, (int64_t)u);
            decode_bits(*type, u, c, k);
        }
        *out = c;
        return FRMI_INFER_OK;
    }

    /* the typed fields */
    size_t have;
    switch (*type) {
    case FRMI_T_FLOAT: have = t->n_float_data; break;
    case FRMI_T_DOUBLE: have = t->n_double_data; break;
    case FRMI_T_INT64: have = t->n_int64_data; break;
    case FRMI_T_UINT32: case FRMI_T_UINT64: have = t->n_uint64_data; break;
    default: have = t->n_int32_data; break;
    }
    if (have != cnt)
        return FRMI_INFER_OK;
    frmi_const *c = frmi_const_new(g, cnt, is_float);
    if (!c)
        return FRMI_INFER_NOMEM;
    for (size_t k = 0; k < cnt; k++) {
        switch (*type) {
        case FRMI_T_FLOAT: c->f[k] = (double)t->float_data[k]; break;
        case FRMI_T_DOUBLE: c->f[k] = t->double_data[k]; break;
        case FRMI_T_INT64: c->i[k] = t->int64_data[k]; break;
        case FRMI_T_UINT32: case FRMI_T_UINT64:
            c->i[k] = frmi_wrap_int(*type, (int64_t)t->uint64_data[k]);
            break;
        case FRMI_T_FLOAT16: case FRMI_T_BFLOAT16:
            decode_bits(*type, (uint64_t)(uint32_t)t->int32_data[k], c, k);
            break;
        default: c->i[k] = frmi_wrap_int(*type, t->int32_data[k]); break;
        }
    }
    *out = c;
    return FRMI_INFER_OK;
}

/*
 * Output 0 of a Constant given as a list attribute: a FRMI_T_FLOAT or
 * FRMI_T_INT64 scalar (rank 0, count 1) or list (rank 1).  *c gets its
 * contents, already attached, for the caller to fill; NULL when the list
 * is too long to keep or on a failure.
 */
static status constant_out(frmi_graph *g, frmi_node *n, int type, int rank, size_t count,
                           frmi_const **c)
{
    int64_t len = (int64_t)count;
    *c = NULL;
    status s = frmi_set_shape(g, n, 0, type, rank, &len);
    if (s != FRMI_INFER_OK || count > FRMI_CONST_MAX)
        return s;
    *c = frmi_const_new(g, count, type == FRMI_T_FLOAT);
    if (!*c)
        return FRMI_INFER_NOMEM;
    frmi_set_cval(g, n, 0, *c);
    return FRMI_INFER_OK;
}

frmi_infer_status frmi_infer_constant(frmi_graph *g, frmi_node *n)
{
    const Onnx__TensorProto *t;
    int64_t dims[FRMI_MAX_RANK];
    frmi_const *c;
    int type;
    status s;
    int r;

    if ((r = frmi_attr_tensor(n, "value", &t)) != 0) {
        if (r < 0 || !t)
            return frmi_unknown(g, n, "attribute value is not a tensor");
        /* the same checks and loading as initializers (graph.c) */
        return frmi_set_tensor(g, n, 0, t);
    }

    double fv;
    if ((r = frmi_attr_float(n, "value_float", &fv)) != 0) {
        if (r < 0)
            return frmi_unknown(g, n, "attribute value_float is not a float");
        s = constant_out(g, n, FRMI_T_FLOAT, 0, 1, &c);
        if (c)
            c->f[0] = frmi_fit_float(FRMI_T_FLOAT, fv);
        return s;
    }

    const float *fl;
    size_t count;
    if ((r = frmi_attr_floats(n, "value_floats", &fl, &count)) != 0) {
        if (r < 0)
            return frmi_unknown(g, n, "attribute value_floats is not a list of floats");
        s = constant_out(g, n, FRMI_T_FLOAT, 1, count, &c);
        for (size_t e = 0; c && e < count; e++)
            c->f[e] = (double)fl[e];
        return s;
    }

    int64_t iv;
    if ((r = frmi_attr_int(n, "value_int", &iv)) != 0) {
        if (r < 0)
            return frmi_unknown(g, n, "attribute value_int is not an int");
        s = constant_out(g, n, FRMI_T_INT64, 0, 1, &c);
        if (c)
            c->i[0] = iv;
        return s;
    }

    const int64_t *il;
    if ((r = frmi_attr_ints(n, "value_ints", &il, &count)) != 0) {
        if (r < 0)
            return frmi_unknown(g, n, "attribute value_ints is not a list of ints");
        s = constant_out(g, n, FRMI_T_INT64, 1, count, &c);
        for (size_t e = 0; c && e < count; e++)
            c->i[e] = il[e];
        return s;
    }

    const Onnx__AttributeProto *a;
    if (frmi_attr_find(n, "value_string"))
        return frmi_set_shape(g, n, 0, FRMI_T_STRING, 0, dims);
    if ((a = frmi_attr_find(n, "value_strings")) != NULL) {
        dims[0] = (int64_t)a->n_strings;
        return frmi_set_shape(g, n, 0, FRMI_T_STRING, 1, dims);
    }
    if ((a = frmi_attr_find(n, "sparse_value")) != NULL) {
        const Onnx__SparseTensorProto *sp = a->sparse_tensor;
        if (!sp)
            return frmi_unknown(g, n, "attribute sparse_value is not a sparse tensor");
        if (sp->n_dims > FRMI_MAX_RANK)
            return frmi_unknown(g, n, "sparse_value has rank %zu, above %d", sp->n_dims,
                                FRMI_MAX_RANK);
        for (size_t k = 0; k < sp->n_dims; k++)
            dims[k] = sp->dims[k];
        type = sp->values && sp->values->has_data_type ? sp->values->data_type : 0;
        return frmi_set_shape(g, n, 0, type, (int)sp->n_dims, dims);
    }
    return frmi_unknown(g, n, "no value attribute");
}

frmi_infer_status frmi_infer_constant_of_shape(frmi_graph *g, frmi_node *n)
{
    const int64_t *shape;
    size_t count;
    status s = const_shape(g, n, 0, "input 0 (shape)", &shape, &count);
    if (s != FRMI_INFER_OK)
        return s;
    int64_t dims[FRMI_MAX_RANK];
    for (size_t k = 0; k < count; k++)
        dims[k] = shape[k];

    /* value: a one-element tensor; float 0 when absent */
    int type = FRMI_T_FLOAT;
    const frmi_const *val = NULL;
    int have_value = 1;
    const Onnx__TensorProto *t;
    int r = frmi_attr_tensor(n, "value", &t);
    if (r < 0 || (r > 0 && !t))
        return frmi_unknown(g, n, "attribute value is not a tensor");
    if (r > 0) {
        int vrank = 0;
        int64_t vdims[FRMI_MAX_RANK];
        s = tensor_read(g, n, t, "attribute value", &type, &vrank, vdims, &val);
        if (s != FRMI_INFER_OK)
            return s;
        if (frmi_numel(vrank, vdims) != 1)
            return frmi_unknown(g, n, "attribute value must have one element");
        have_value = val != NULL;
    }

    s = frmi_set_shape(g, n, 0, type, (int)count, dims);
    if (s != FRMI_INFER_OK)
        return s;
    int64_t ne = frmi_cval_numel(g, n, (int)count, dims);
    if (!have_value || ne < 0)
        return FRMI_INFER_OK;
    int is_float = val ? frmi_c_is_float(val) : 1;
    frmi_const *c = frmi_const_new(g, (size_t)ne, is_float);
    if (!c)
        return FRMI_INFER_NOMEM;
    for (int64_t e = 0; e < ne; e++) {
        if (!val)
            c->f[e] = 0.0;
        else
            ccopy(c, (size_t)e, val, 0);
    }
    frmi_set_cval(g, n, 0, c);
    return FRMI_INFER_OK;
}

/* --- Reshape, Flatten ---------------------------------------------------------- */

frmi_infer_status frmi_infer_reshape(frmi_graph *g, frmi_node *n)
{
    frmi_value *x = frmi_in(g, n, 0);
    if (!x)
        return frmi_unknown(g, n, "input 0 missing");
    const int64_t *shape;
    size_t count;
    status s;
    if (g->opset < 5 && !frmi_in(g, n, 1)) {
        /* Reshape-1: the target is the `shape` attribute */
        int r = frmi_attr_ints(n, "shape", &shape, &count);
        if (r <= 0)
            return frmi_unknown(g, n, "attribute shape missing");
    } else {
        s = const_ints(g, n, 1, "input 1 (shape)", &shape, &count);
        if (s != FRMI_INFER_OK)
            return s;
    }
    if (count > FRMI_MAX_RANK)
        return frmi_unknown(g, n, "target shape has %zu dims, above %d", count, FRMI_MAX_RANK);

    int allowzero = frmi_attr_int_or(n, "allowzero", 0) != 0;
    int xknown = frmi_shape_known(x);
    int infer_at = -1, has_zero = 0;
    int64_t dims[FRMI_MAX_RANK];
    for (size_t k = 0; k < count; k++) {
        int64_t t = shape[k];
        if (t == -1) {
            if (infer_at >= 0)
                return frmi_unknown(g, n, "reshape target has two -1 dims");
            infer_at = (int)k;
            dims[k] = 1;
        } else if (t == 0 && !allowzero) {
            if (!xknown)
                return frmi_unknown(g, n, "input 0 shape unknown, needed for a 0 in the target");
            if ((int)k >= x->rank)
                return frmi_unknown(g, n, "reshape target dim %zu is 0 but input rank is %d", k,
                                    x->rank);
            dims[k] = x->dims[k];
        } else if (t < 0) {
            return frmi_unknown(g, n, "reshape target dim %zu is negative (%" PRId64 ")", k, t);
        } else {
            if (t == 0)
                has_zero = 1;
            dims[k] = t;
        }
    }
    if (allowzero && has_zero && infer_at >= 0)
        return frmi_unknown(g, n, "reshape target has both 0 and -1 with allowzero");

    int64_t in_ne = xknown ? frmi_numel(x->rank, x->dims) : -1;
    int64_t rest = frmi_numel((int)count, dims);
    if (rest < 0)
        return frmi_unknown(g, n, "reshape target element count overflows");
    if (infer_at >= 0) {
        if (in_ne < 0)
            return frmi_unknown(g, n, "input 0 shape unknown, needed for the -1 in the target");
        if (rest == 0)
            return frmi_unknown(g, n, "cannot infer the -1 dim next to a 0 dim");
        if (in_ne % rest != 0)
            return frmi_unknown(g, n, "cannot reshape %" PRId64 " elements to a multiple of %"
                                PRId64, in_ne, rest);
        dims[infer_at] = in_ne / rest;
    } else if (in_ne >= 0 && in_ne != rest) {
        return frmi_unknown(g, n, "cannot reshape %" PRId64 " elements to %" PRId64, in_ne, rest);
    }

    return set_out_relabelled(g, n, x, (int)count, dims);
}

frmi_infer_status frmi_infer_flatten(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    status s = frmi_need(g, n, 0, &x);
    if (s != FRMI_INFER_OK)
        return s;
    int r = x->rank;
    int64_t axis = frmi_attr_int_or(n, "axis", 1);
    int64_t a = axis < 0 ? axis + r : axis;
    if (a < 0 || a > r)
        return frmi_unknown(g, n, "axis %" PRId64 " out of range for rank %d", axis, r);
    int64_t dims[2];
    dims[0] = frmi_numel((int)a, x->dims);
    dims[1] = frmi_numel(r - (int)a, x->dims + a);
    if (dims[0] < 0 || dims[1] < 0)
        return frmi_unknown(g, n, "element count overflows");
    return set_out_relabelled(g, n, x, 2, dims);
}

/* --- Concat, Split ------------------------------------------------------------ */

frmi_infer_status frmi_infer_concat(frmi_graph *g, frmi_node *n)
{
    if (n->n_in < 1)
        return frmi_unknown(g, n, "no inputs");
    int64_t axis;
    int r = frmi_attr_int(n, "axis", &axis);
    if (r < 0)
        return frmi_unknown(g, n, "attribute axis is not an int");
    if (r == 0) {
        if (g->opset >= 4)
            return frmi_unknown(g, n, "attribute axis missing");
        axis = 1;   /* Concat-1's default */
    }
    frmi_value *x0;
    status s = frmi_need(g, n, 0, &x0);
    if (s != FRMI_INFER_OK)
        return s;
    int rank = x0->rank;
    int a = frmi_axis(axis, rank);
    if (a < 0)
        return frmi_unknown(g, n, "axis %" PRId64 " out of range for rank %d", axis, rank);
    int64_t dims[FRMI_MAX_RANK];
    memcpy(dims, x0->dims, sizeof(int64_t) * (size_t)rank);
    int type = x0->elem_type;
    for (int k = 1; k < n->n_in; k++) {
        frmi_value *v;
        s = frmi_need(g, n, k, &v);
        if (s != FRMI_INFER_OK)
            return s;
        if (v->rank != rank)
            return frmi_unknown(g, n, "input %d has rank %d, input 0 has rank %d", k, v->rank,
                                rank);
        for (int d = 0; d < rank; d++) {
            if (d == a)
                continue;
            if (v->dims[d] != dims[d])
                return frmi_unknown(g, n, "input %d dim %d is %" PRId64 ", input 0 has %" PRId64,
                                    k, d, v->dims[d], dims[d]);
        }
        if (frmi_add_i(dims[a], v->dims[a], &dims[a]) != 0)
            return frmi_unknown(g, n, "concatenated dim overflows");
        if (!type)
            type = v->elem_type;
    }
    s = frmi_set_shape(g, n, 0, type, rank, dims);
    if (s != FRMI_INFER_OK)
        return s;

    /* contents: every input constant, in one representation */
    int64_t ne = frmi_cval_numel(g, n, rank, dims);
    if (ne < 0)
        return FRMI_INFER_OK;
    const frmi_const *c0 = frmi_cv(x0);
    if (!c0)
        return FRMI_INFER_OK;
    for (int k = 0; k < n->n_in; k++) {
        const frmi_const *c = frmi_cv(frmi_in(g, n, k));
        if (!c || (c->n > 0 && c0->n > 0 && frmi_c_is_float(c) != frmi_c_is_float(c0)))
            return FRMI_INFER_OK;
    }
    int is_float = type ? frmi_elem_is_float(type) : frmi_c_is_float(c0);
    for (int k = 0; k < n->n_in; k++) {
        const frmi_const *c = frmi_cv(frmi_in(g, n, k));
        if (c->n > 0 && frmi_c_is_float(c) != is_float)
            return FRMI_INFER_OK;
    }
    frmi_const *res = frmi_const_new(g, (size_t)ne, is_float);
    if (!res)
        return FRMI_INFER_NOMEM;
    /* with ne > 0 every factor below is at most ne */
    int64_t outer = ne ? frmi_numel(a, dims) : 0, inner = frmi_numel(rank - a - 1, dims + a + 1);
    size_t at = 0;
    for (int64_t o = 0; o < outer; o++) {
        for (int k = 0; k < n->n_in; k++) {
            frmi_value *v = frmi_in(g, n, k);
            const frmi_const *c = frmi_cv(v);
            int64_t block = v->dims[a] * inner;
            for (int64_t e = 0; e < block; e++)
                ccopy(res, at++, c, (size_t)(o * block + e));
        }
    }
    frmi_set_cval(g, n, 0, res);
    return FRMI_INFER_OK;
}

frmi_infer_status frmi_infer_split(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    status s = frmi_need(g, n, 0, &x);
    if (s != FRMI_INFER_OK)
        return s;
    int rank = x->rank;
    if (rank == 0)
        return frmi_unknown(g, n, "input 0 is a scalar");
    int64_t axis = frmi_attr_int_or(n, "axis", 0);
    int a = frmi_axis(axis, rank);
    if (a < 0)
        return frmi_unknown(g, n, "axis %" PRId64 " out of range for rank %d", axis, rank);
    int nout = n->n_out;
    if (nout < 1)
        return frmi_unknown(g, n, "no outputs");
    int64_t d = x->dims[a];

    const int64_t *split = NULL;
    size_t count = 0;
    int have = 0;
    const int64_t *attr_split;
    size_t attr_count;
    int ra = frmi_attr_ints(n, "split", &attr_split, &attr_count);
    if (g->opset >= 13 || (frmi_in(g, n, 1) && ra == 0)) {
        /* Split-13: an optional input (Split-1 also took it as an input) */
        if (frmi_in(g, n, 1)) {
            s = const_ints(g, n, 1, "input 1 (split)", &split, &count);
            if (s != FRMI_INFER_OK)
                return s;
            have = count > 0;
        }
    } else if (ra < 0) {
        return frmi_unknown(g, n, "attribute split is not a list of ints");
    } else if (ra > 0) {
        split = attr_split;
        count = attr_count;
        have = count > 0;
    }

    int64_t *sizes = frmi_graph_alloc(g, sizeof(int64_t) * (size_t)nout);
    if (!sizes)
        return FRMI_INFER_NOMEM;
    int64_t num_outputs;
    if (have) {
        if (count != (size_t)nout)
            return frmi_unknown(g, n, "split has %zu values for %d outputs", count, nout);
        int64_t sum = 0;
        for (int k = 0; k < nout; k++) {
            if (split[k] < 0)
                return frmi_unknown(g, n, "split value %d is negative (%" PRId64 ")", k,
                                    split[k]);
            if (frmi_add_i(sum, split[k], &sum) != 0)
                return frmi_unknown(g, n, "split values overflow");
            sizes[k] = split[k];
        }
        if (sum != d)
            return frmi_unknown(g, n, "split sums to %" PRId64 " but axis %d has %" PRId64,
                                sum, a, d);
    } else if (g->opset >= 18 && frmi_attr_int(n, "num_outputs", &num_outputs) == 1) {
        /* Split-18: parts of ceil(d / num_outputs), the last ones smaller */
        if (num_outputs != nout)
            return frmi_unknown(g, n, "num_outputs is %" PRId64 " but the node has %d outputs",
                                num_outputs, nout);
        int64_t chunk = d / nout + (d % nout != 0);
        int64_t left = d;
        for (int k = 0; k < nout; k++) {
            sizes[k] = left < chunk ? left : chunk;
            left -= sizes[k];
        }
    } else {
        if (d % nout != 0)
            return frmi_unknown(g, n, "axis %d of size %" PRId64 " does not split evenly into %d",
                                a, d, nout);
        for (int k = 0; k < nout; k++)
            sizes[k] = d / nout;
    }

    const frmi_const *c = frmi_cv(x);
    int64_t outer = frmi_numel(a, x->dims), inner = frmi_numel(rank - a - 1, x->dims + a + 1);
    int64_t offset = 0;
    for (int k = 0; k < nout; k++) {
        int64_t dims[FRMI_MAX_RANK];
        memcpy(dims, x->dims, sizeof(int64_t) * (size_t)rank);
        dims[a] = sizes[k];
        s = frmi_set_shape(g, n, k, x->elem_type, rank, dims);
        if (s != FRMI_INFER_OK)
            return s;
        if (c && frmi_out(g, n, k)) {
            /* a part of a constant input: ne <= c->n, and when ne > 0 so
             * are outer, sizes[k] and inner */
            int64_t ne = frmi_numel(rank, dims);
            frmi_const *o = frmi_const_new(g, (size_t)ne, frmi_c_is_float(c));
            if (!o)
                return FRMI_INFER_NOMEM;
            size_t at = 0;
            for (int64_t p = 0; ne > 0 && p < outer; p++)
                for (int64_t e = 0; e < sizes[k] * inner; e++)
                    ccopy(o, at++, c, (size_t)((p * d + offset) * inner + e));
            frmi_set_cval(g, n, k, o);
        }
        offset += sizes[k];
    }
    return FRMI_INFER_OK;
}

/* --- Slice ------------------------------------------------------------------ */

frmi_infer_status frmi_infer_slice(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    status s = frmi_need(g, n, 0, &x);
    if (s != FRMI_INFER_OK)
        return s;
    int rank = x->rank;
    const int64_t *starts, *ends, *axes = NULL, *steps = NULL;
    size_t ns, ne, na = 0, nst = 0;

    if (g->opset < 10) {
        if (frmi_attr_ints(n, "starts", &starts, &ns) != 1)
            return frmi_unknown(g, n, "attribute starts missing");
        if (frmi_attr_ints(n, "ends", &ends, &ne) != 1)
            return frmi_unknown(g, n, "attribute ends missing");
        int r = frmi_attr_ints(n, "axes", &axes, &na);
        if (r < 0)
            return frmi_unknown(g, n, "attribute axes is not a list of ints");
        if (r == 0)
            axes = NULL;
    } else {
        s = const_ints(g, n, 1, "input 1 (starts)", &starts, &ns);
        if (s != FRMI_INFER_OK)
            return s;
        s = const_ints(g, n, 2, "input 2 (ends)", &ends, &ne);
        if (s != FRMI_INFER_OK)
            return s;
        if (frmi_in(g, n, 3)) {
            s = const_ints(g, n, 3, "input 3 (axes)", &axes, &na);
            if (s != FRMI_INFER_OK)
                return s;
        }
        if (frmi_in(g, n, 4)) {
            s = const_ints(g, n, 4, "input 4 (steps)", &steps, &nst);
            if (s != FRMI_INFER_OK)
                return s;
            if (nst != ns)
                return frmi_unknown(g, n, "steps has %zu values, starts has %zu", nst, ns);
        }
    }
    if (ne != ns)
        return frmi_unknown(g, n, "ends has %zu values, starts has %zu", ne, ns);
    if (axes && na != ns)
        return frmi_unknown(g, n, "axes has %zu values, starts has %zu", na, ns);
    if (!axes && ns > (size_t)rank)
        return frmi_unknown(g, n, "starts has %zu values for rank %d", ns, rank);

    int64_t dims[FRMI_MAX_RANK], first[FRMI_MAX_RANK], step[FRMI_MAX_RANK];
    int seen[FRMI_MAX_RANK];
    for (int k = 0; k < rank; k++) {
        dims[k] = x->dims[k];
        first[k] = 0;
        step[k] = 1;
        seen[k] = 0;
    }
    for (size_t i = 0; i < ns; i++) {
        int64_t ax = axes ? axes[i] : (int64_t)i;
        int a = frmi_axis(ax, rank);
        if (a < 0)
            return frmi_unknown(g, n, "axis %" PRId64 " out of range for rank %d", ax, rank);
        if (seen[a])
            return frmi_unknown(g, n, "axis %d repeated", a);
        seen[a] = 1;
        int64_t sp = steps ? steps[i] : 1;
        if (sp == 0)
            return frmi_unknown(g, n, "step 0 on axis %d", a);
        int64_t d = x->dims[a];
        int64_t b = starts[i], e = ends[i];
        if (b < 0)
            b += d;
        if (e < 0)
            e += d;
        int64_t len;
        if (sp > 0) {
            b = b < 0 ? 0 : b > d ? d : b;
            e = e < 0 ? 0 : e > d ? d : e;
            len = e > b ? (e - b - 1) / sp + 1 : 0;
        } else {
            /* upper bounds last: an empty axis gives start = end = -1 */
            if (b < 0)
                b = 0;
            if (b > d - 1)
                b = d - 1;
            if (e < -1)
                e = -1;
            if (e > d - 1)
                e = d - 1;
            /* -sp without overflow for INT64_MIN */
            uint64_t usp = (uint64_t)(-(sp + 1)) + 1u;
            len = b > e ? (int64_t)((uint64_t)(b - e - 1) / usp) + 1 : 0;
        }
        dims[a] = len;
        first[a] = b;
        step[a] = sp;
    }
    s = frmi_set_shape(g, n, 0, x->elem_type, rank, dims);
    if (s != FRMI_INFER_OK)
        return s;

    const frmi_const *c = frmi_cv(x);
    int64_t outn = frmi_numel(rank, dims);
    if (!c || outn <= 0)
        return outn == 0 && c ? out_walk(g, n, c, rank, dims, step, 0) : FRMI_INFER_OK;
    int64_t nat[FRMI_MAX_RANK], st[FRMI_MAX_RANK], base = 0;
    frmi_strides_of(rank, x->dims, nat);
    for (int k = 0; k < rank; k++) {
        base += first[k] * nat[k];
        st[k] = dims[k] > 1 ? step[k] * nat[k] : 0;
    }
    return out_walk(g, n, c, rank, dims, st, base);
}

/* --- Transpose, Squeeze, Unsqueeze ---------------------------------------- */

frmi_infer_status frmi_infer_transpose(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    status s = frmi_need(g, n, 0, &x);
    if (s != FRMI_INFER_OK)
        return s;
    int rank = x->rank;
    int perm[FRMI_MAX_RANK], seen[FRMI_MAX_RANK] = { 0 };
    const int64_t *p;
    size_t count;
    int r = frmi_attr_ints(n, "perm", &p, &count);
    if (r < 0)
        return frmi_unknown(g, n, "attribute perm is not a list of ints");
    if (r == 0) {
        for (int k = 0; k < rank; k++)
            perm[k] = rank - 1 - k;
    } else {
        if (count != (size_t)rank)
            return frmi_unknown(g, n, "perm has %zu values for rank %d", count, rank);
        for (int k = 0; k < rank; k++) {
            if (p[k] < 0 || p[k] >= rank)
                return frmi_unknown(g, n, "perm value %" PRId64 " out of range for rank %d",
                                    p[k], rank);
            if (seen[p[k]])
                return frmi_unknown(g, n, "perm repeats axis %" PRId64, p[k]);
            seen[p[k]] = 1;
            perm[k] = (int)p[k];
        }
    }
    int64_t dims[FRMI_MAX_RANK], nat[FRMI_MAX_RANK], st[FRMI_MAX_RANK];
    frmi_strides_of(rank, x->dims, nat);
    for (int k = 0; k < rank; k++) {
        dims[k] = x->dims[perm[k]];
        st[k] = nat[perm[k]];
    }
    s = frmi_set_shape(g, n, 0, x->elem_type, rank, dims);
    if (s != FRMI_INFER_OK)
        return s;
    return out_walk(g, n, frmi_cv(x), rank, dims, st, 0);
}

/* The input of Squeeze / Unsqueeze, and their axes: an attribute before
 * opset 13, an input from 13.  *present says whether any were given. */
static status squeeze_inputs(frmi_graph *g, frmi_node *n, frmi_value **x, const int64_t **axes,
                             size_t *count, int *present)
{
    *axes = NULL;
    *count = 0;
    *present = 0;
    status s = frmi_need(g, n, 0, x);
    if (s != FRMI_INFER_OK)
        return s;
    if (g->opset >= 13) {
        if (!frmi_in(g, n, 1))
            return FRMI_INFER_OK;
        s = const_ints(g, n, 1, "input 1 (axes)", axes, count);
        if (s == FRMI_INFER_OK)
            *present = 1;
        return s;
    }
    int r = frmi_attr_ints(n, "axes", axes, count);
    if (r < 0)
        return frmi_unknown(g, n, "attribute axes is not a list of ints");
    *present = r > 0;
    return FRMI_INFER_OK;
}

frmi_infer_status frmi_infer_squeeze(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    const int64_t *axes;
    size_t count;
    int present;
    status s = squeeze_inputs(g, n, &x, &axes, &count, &present);
    if (s != FRMI_INFER_OK)
        return s;
    int rank = x->rank;
    int drop[FRMI_MAX_RANK] = { 0 };
    if (present) {
        if (count > (size_t)rank)
            return frmi_unknown(g, n, "axes has %zu values for rank %d", count, rank);
        for (size_t i = 0; i < count; i++) {
            int a = frmi_axis(axes[i], rank);
            if (a < 0)
                return frmi_unknown(g, n, "axis %" PRId64 " out of range for rank %d", axes[i],
                                    rank);
            if (drop[a])
                return frmi_unknown(g, n, "axis %d repeated", a);
            if (x->dims[a] != 1)
                return frmi_unknown(g, n, "cannot squeeze axis %d of size %" PRId64, a,
                                    x->dims[a]);
            drop[a] = 1;
        }
    } else {
        for (int k = 0; k < rank; k++)
            drop[k] = x->dims[k] == 1;
    }
    int64_t dims[FRMI_MAX_RANK];
    int out_rank = 0;
    for (int k = 0; k < rank; k++)
        if (!drop[k])
            dims[out_rank++] = x->dims[k];
    return set_out_relabelled(g, n, x, out_rank, dims);
}

frmi_infer_status frmi_infer_unsqueeze(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    const int64_t *axes;
    size_t count;
    int present;
    status s = squeeze_inputs(g, n, &x, &axes, &count, &present);
    if (s != FRMI_INFER_OK)
        return s;
    int rank = x->rank;
    if (!present)
        return frmi_unknown(g, n, g->opset >= 13 ? "input 1 (axes) missing"
                                                 : "attribute axes missing");
    if (count > FRMI_MAX_RANK || rank + (int)count > FRMI_MAX_RANK)
        return frmi_unknown(g, n, "output rank %d + %zu above %d", rank, count, FRMI_MAX_RANK);
    int out_rank = rank + (int)count;
    int ins[FRMI_MAX_RANK] = { 0 };
    for (size_t i = 0; i < count; i++) {
        int a = frmi_axis(axes[i], out_rank);
        if (a < 0)
            return frmi_unknown(g, n, "axis %" PRId64 " out of range for output rank %d",
                                axes[i], out_rank);
        if (ins[a])
            return frmi_unknown(g, n, "axis %d repeated", a);
        ins[a] = 1;
    }
    int64_t dims[FRMI_MAX_RANK];
    for (int k = 0, j = 0; k < out_rank; k++)
        dims[k] = ins[k] ? 1 : x->dims[j++];
    return set_out_relabelled(g, n, x, out_rank, dims);
}

/* --- Gather, Expand ---------------------------------------------------------- */

frmi_infer_status frmi_infer_gather(frmi_graph *g, frmi_node *n)
{
    frmi_value *x, *ix;
    status s = frmi_need(g, n, 0, &x);
    if (s != FRMI_INFER_OK)
        return s;
    s = frmi_need(g, n, 1, &ix);
    if (s != FRMI_INFER_OK)
        return s;
    int r = x->rank, q = ix->rank;
    if (r < 1)
        return frmi_unknown(g, n, "input 0 (data) is a scalar");
    int64_t axis = frmi_attr_int_or(n, "axis", 0);
    int a = frmi_axis(axis, r);
    if (a < 0)
        return frmi_unknown(g, n, "axis %" PRId64 " out of range for rank %d", axis, r);
    if (q + r - 1 > FRMI_MAX_RANK)
        return frmi_unknown(g, n, "output rank %d above %d", q + r - 1, FRMI_MAX_RANK);
    int64_t dims[FRMI_MAX_RANK];
    int out_rank = 0;
    for (int k = 0; k < a; k++)
        dims[out_rank++] = x->dims[k];
    for (int k = 0; k < q; k++)
        dims[out_rank++] = ix->dims[k];
    for (int k = a + 1; k < r; k++)
        dims[out_rank++] = x->dims[k];

    /* constant indices are checked even when the data is not constant */
    const frmi_const *ci = frmi_cv(ix);
    if (ci && ci->n > 0 && !ci->i)
        ci = NULL;
    int64_t d = x->dims[a];
    if (ci) {
        for (size_t k = 0; k < ci->n; k++)
            if (ci->i[k] < -d || ci->i[k] >= d)
                return frmi_unknown(g, n, "index %" PRId64 " out of range for axis %d of size %"
                                    PRId64, ci->i[k], a, d);
    }
    s = frmi_set_shape(g, n, 0, x->elem_type, out_rank, dims);
    if (s != FRMI_INFER_OK)
        return s;

    const frmi_const *c = frmi_cv(x);
    int64_t ne = frmi_cval_numel(g, n, out_rank, dims);
    if (!c || !ci || ne < 0)
        return FRMI_INFER_OK;
    frmi_const *res = frmi_const_new(g, (size_t)ne, frmi_c_is_float(c));
    if (!res)
        return FRMI_INFER_NOMEM;
    /* with ne > 0, outer * indices * inner = ne bounds each factor */
    int64_t outer = ne ? frmi_numel(a, x->dims) : 0;
    int64_t inner = frmi_numel(r - a - 1, x->dims + a + 1);
    size_t at = 0;
    for (int64_t o = 0; o < outer; o++) {
        for (size_t j = 0; j < ci->n; j++) {
            int64_t idx = ci->i[j] < 0 ? ci->i[j] + d : ci->i[j];
            for (int64_t e = 0; e < inner; e++)
                ccopy(res, at++, c, (size_t)((o * d + idx) * inner + e));
        }
    }
    frmi_set_cval(g, n, 0, res);
    return FRMI_INFER_OK;
}

frmi_infer_status frmi_infer_expand(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    status s = frmi_need(g, n, 0, &x);
    if (s != FRMI_INFER_OK)
        return s;
    const int64_t *shape;
    size_t count;
    s = const_shape(g, n, 1, "input 1 (shape)", &shape, &count);
    if (s != FRMI_INFER_OK)
        return s;
    int rank;
    int64_t dims[FRMI_MAX_RANK];
    if (frmi_broadcast(x->rank, x->dims, (int)count, shape, &rank, dims) != 0)
        return frmi_unknown(g, n, "input 0 does not broadcast to the target shape");
    s = frmi_set_shape(g, n, 0, x->elem_type, rank, dims);
    if (s != FRMI_INFER_OK)
        return s;
    const frmi_const *c = frmi_cv(x);
    if (!c)
        return FRMI_INFER_OK;
    int64_t st[FRMI_MAX_RANK];
    frmi_bcast_strides(rank, dims, x->rank, x->dims, st);
    return out_walk(g, n, c, rank, dims, st, 0);
}

/* --- Range -------------------------------------------------------------------- */

frmi_infer_status frmi_infer_range(frmi_graph *g, frmi_node *n)
{
    static const char *const names[3] = { "input 0 (start)", "input 1 (limit)",
                                          "input 2 (delta)" };
    const frmi_const *c[3];
    int type = 0, any_float = 0;
    for (int k = 0; k < 3; k++) {
        frmi_value *v;
        status s = frmi_need_const(g, n, k, &v);
        if (s != FRMI_INFER_OK)
            return s;
        c[k] = frmi_cv(v);
        if (!c[k] || c[k]->n != 1)
            return frmi_unknown(g, n, "%s must be a scalar", names[k]);
        if (!type)
            type = v->elem_type;
        if (frmi_c_is_float(c[k]) || frmi_elem_is_float(v->elem_type))
            any_float = 1;
    }
    int is_float = type ? frmi_elem_is_float(type) : any_float;
    int64_t count;
    int64_t si = 0, di = 0;
    double sf = 0, df = 0;
    if (is_float || any_float) {
        sf = frmi_cget_f(c[0], 0);
        double lf = frmi_cget_f(c[1], 0);
        df = frmi_cget_f(c[2], 0);
        if (!isfinite(sf) || !isfinite(lf) || !isfinite(df))
            return frmi_unknown(g, n, "start, limit or delta is not finite");
        if (df == 0)
            return frmi_unknown(g, n, "delta is 0");
        double diff = type == FRMI_T_FLOAT ? frmi_fit_float(FRMI_T_FLOAT, lf - sf) : lf - sf;
        double cnt = ceil(diff / df);
        if (!(cnt < 9.2e18))
            return frmi_unknown(g, n, "too many elements");
        count = cnt > 0 ? (int64_t)cnt : 0;
    } else {
        int64_t li, diff;
        si = c[0]->i[0];
        li = c[1]->i[0];
        di = c[2]->i[0];
        if (di == 0)
            return frmi_unknown(g, n, "delta is 0");
        if (frmi_sub_i(li, si, &diff) != 0 || (diff == INT64_MIN && di == -1))
            return frmi_unknown(g, n, "limit - start overflows");
        if (diff == 0 || (diff > 0) != (di > 0))
            count = 0;
        else
            count = diff / di + (diff % di != 0);
    }
    status s = frmi_set_shape(g, n, 0, type, 1, &count);
    if (s != FRMI_INFER_OK || count > FRMI_CONST_MAX || !frmi_out(g, n, 0))
        return s;
    frmi_const *res = frmi_const_new(g, (size_t)count, is_float);
    if (!res)
        return FRMI_INFER_NOMEM;
    for (int64_t k = 0; k < count; k++) {
        if (is_float)
            res->f[k] = frmi_fit_float(type, sf + (double)k * df);
        else if (any_float) {
            int64_t v;
            if (frmi_d2i(sf + (double)k * df, &v) != 0)
                return FRMI_INFER_OK;
            res->i[k] = v;
        } else {
            res->i[k] = si + k * di;   /* between start and limit: no overflow */
        }
    }
    frmi_set_cval(g, n, 0, res);
    return FRMI_INFER_OK;
}

/* Resolves the `count` axes of Pad-18 and Resize-18 against `rank` into
 * axes[] (none out of range, none repeated). */
static status axes_list(frmi_graph *g, frmi_node *n, const int64_t *v, size_t count, int rank,
                        int *axes)
{
    if (count > (size_t)rank)
        return frmi_unknown(g, n, "axes has %zu values for rank %d", count, rank);
    int seen[FRMI_MAX_RANK] = { 0 };
    for (size_t i = 0; i < count; i++) {
        int a = frmi_axis(v[i], rank);
        if (a < 0)
            return frmi_unknown(g, n, "axis %" PRId64 " out of range for rank %d", v[i], rank);
        if (seen[a])
            return frmi_unknown(g, n, "axis %d repeated", a);
        seen[a] = 1;
        axes[i] = a;
    }
    return FRMI_INFER_OK;
}

/* --- Pad ------------------------------------------------------------------------ */

frmi_infer_status frmi_infer_pad(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    status s = frmi_need(g, n, 0, &x);
    if (s != FRMI_INFER_OK)
        return s;
    int rank = x->rank;
    const int64_t *pads, *axes_in = NULL;
    size_t np, na = 0;
    if (g->opset < 11) {
        const char *name = g->opset < 2 ? "paddings" : "pads";
        int r = frmi_attr_ints(n, name, &pads, &np);
        if (r != 1)
            return frmi_unknown(g, n, "attribute %s missing", name);
    } else {
        s = const_ints(g, n, 1, "input 1 (pads)", &pads, &np);
        if (s != FRMI_INFER_OK)
            return s;
        if (g->opset >= 18 && frmi_in(g, n, 3)) {
            s = const_ints(g, n, 3, "input 3 (axes)", &axes_in, &na);
            if (s != FRMI_INFER_OK)
                return s;
        }
    }
    int axes[FRMI_MAX_RANK], nax;
    if (axes_in) {
        s = axes_list(g, n, axes_in, na, rank, axes);
        if (s != FRMI_INFER_OK)
            return s;
        nax = (int)na;
    } else {
        for (int k = 0; k < rank; k++)
            axes[k] = k;
        nax = rank;
    }
    if (np != 2 * (size_t)nax)
        return frmi_unknown(g, n, "pads has %zu values, expected %d", np, 2 * nax);
    int64_t dims[FRMI_MAX_RANK];
    memcpy(dims, x->dims, sizeof(int64_t) * (size_t)rank);
    for (int i = 0; i < nax; i++) {
        int a = axes[i];
        int64_t v;
        if (frmi_add_i(dims[a], pads[i], &v) != 0 || frmi_add_i(v, pads[i + nax], &v) != 0)
            return frmi_unknown(g, n, "padded axis %d overflows", a);
        if (v < 0)
            return frmi_unknown(g, n, "pads make axis %d negative (%" PRId64 ")", a, v);
        dims[a] = v;
    }
    return frmi_set_shape(g, n, 0, x->elem_type, rank, dims);
}

/* --- Resize, Upsample --------------------------------------------------------- */

/* floor(d * scale) computed in single precision, as ONNX Runtime does
 * (scales are float tensors); a scale beyond float's range stays double. */
static int scaled_dim(int64_t d, double scale, int64_t *out)
{
    double v = scale > (double)FLT_MAX ? (double)d * scale
                                       : (double)((float)d * (float)scale);
    return frmi_d2i(floor(v), out);
}

frmi_infer_status frmi_infer_resize(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    status s = frmi_need(g, n, 0, &x);
    if (s != FRMI_INFER_OK)
        return s;
    int rank = x->rank;
    int is_upsample = n->op && strcmp(n->op, "Upsample") == 0;
    int64_t dims[FRMI_MAX_RANK];
    memcpy(dims, x->dims, sizeof(int64_t) * (size_t)rank);

    /* which axes scales / sizes refer to (Resize-18 `axes`) */
    int axes[FRMI_MAX_RANK], nax = rank;
    for (int k = 0; k < rank; k++)
        axes[k] = k;
    const int64_t *ax;
    size_t nax_attr;
    int r = is_upsample ? 0 : frmi_attr_ints(n, "axes", &ax, &nax_attr);
    if (r < 0)
        return frmi_unknown(g, n, "attribute axes is not a list of ints");
    if (r > 0) {
        s = axes_list(g, n, ax, nax_attr, rank, axes);
        if (s != FRMI_INFER_OK)
            return s;
        nax = (int)nax_attr;
    }

    /* the scales: an input, or Upsample's attributes */
    double scales[FRMI_MAX_RANK];
    int have_scales = 0;
    int scales_in = is_upsample ? 1 : g->opset < 11 ? 1 : 2;
    if (frmi_in(g, n, scales_in)) {
        frmi_value *v;
        s = frmi_need_const(g, n, scales_in, &v);
        if (s != FRMI_INFER_OK)
            return s;
        const frmi_const *c = frmi_cv(v);
        if (!c)
            return frmi_unknown(g, n, "contents of input %d (scales) do not match its shape",
                                scales_in);
        if (c->n > 0) {
            if (c->n != (size_t)nax)
                return frmi_unknown(g, n, "scales has %zu values, expected %d", c->n, nax);
            for (int i = 0; i < nax; i++)
                scales[i] = frmi_cget_f(c, (size_t)i);
            have_scales = 1;
        }
    } else if (is_upsample) {
        const float *fs;
        size_t count;
        double hs, ws;
        if (frmi_attr_floats(n, "scales", &fs, &count) == 1) {
            if (count != (size_t)rank)
                return frmi_unknown(g, n, "scales has %zu values for rank %d", count, rank);
            for (int i = 0; i < rank; i++)
                scales[i] = (double)fs[i];
            have_scales = 1;
        } else if (frmi_attr_float(n, "height_scale", &hs) == 1
                   && frmi_attr_float(n, "width_scale", &ws) == 1) {
            /* Upsample-1: NCHW */
            if (rank != 4)
                return frmi_unknown(g, n, "height_scale/width_scale need a 4-D input");
            scales[0] = scales[1] = 1.0;
            scales[2] = hs;
            scales[3] = ws;
            have_scales = 1;
        }
    }

    const int64_t *sizes = NULL;
    size_t nsizes = 0;
    if (!is_upsample && g->opset >= 11 && frmi_in(g, n, 3)) {
        s = const_ints(g, n, 3, "input 3 (sizes)", &sizes, &nsizes);
        if (s != FRMI_INFER_OK)
            return s;
    }
    if (nsizes > 0 && have_scales)
        return frmi_unknown(g, n, "both scales and sizes given");

    if (nsizes > 0) {
        if (nsizes != (size_t)nax)
            return frmi_unknown(g, n, "sizes has %zu values, expected %d", nsizes, nax);
        const char *policy;
        size_t plen;
        if (frmi_attr_string(n, "keep_aspect_ratio_policy", &policy, &plen) == 1
            && !(plen == 7 && memcmp(policy, "stretch", 7) == 0))
            return frmi_unknown(g, n, "keep_aspect_ratio_policy other than stretch not supported");
        for (int i = 0; i < nax; i++) {
            if (sizes[i] < 0)
                return frmi_unknown(g, n, "sizes value %d is negative (%" PRId64 ")", i,
                                    sizes[i]);
            dims[axes[i]] = sizes[i];
        }
    } else if (have_scales) {
        /* tf_crop_and_resize scales the region of interest only */
        const frmi_const *roi = NULL;
        const char *ctm;
        size_t clen;
        if (!is_upsample && g->opset >= 11
            && frmi_attr_string(n, "coordinate_transformation_mode", &ctm, &clen) == 1
            && clen == 18 && memcmp(ctm, "tf_crop_and_resize", 18) == 0) {
            frmi_value *v;
            s = frmi_need_const(g, n, 1, &v);
            if (s != FRMI_INFER_OK)
                return s;
            roi = frmi_cv(v);
            if (!roi || roi->n != 2 * (size_t)nax)
                return frmi_unknown(g, n, "roi must have %d values", 2 * nax);
        }
        for (int i = 0; i < nax; i++) {
            double sc = scales[i];
            if (!(sc > 0) || !isfinite(sc))
                return frmi_unknown(g, n, "scale %d is not positive", i);
            int a = axes[i];
            int64_t v;
            if (roi) {
                double w = frmi_cget_f(roi, (size_t)(i + nax)) - frmi_cget_f(roi, (size_t)i);
                double f = floor((double)x->dims[a] * w * sc);
                if (frmi_d2i(f, &v) != 0 || v < 0)
                    return frmi_unknown(g, n, "resized axis %d out of range", a);
            } else if (scaled_dim(x->dims[a], sc, &v) != 0) {
                return frmi_unknown(g, n, "resized axis %d out of range", a);
            }
            dims[a] = v;
        }
    } else {
        return frmi_unknown(g, n, "neither scales nor sizes given");
    }
    return frmi_set_shape(g, n, 0, x->elem_type, rank, dims);
}

/* --- Identity, Dropout ---------------------------------------------------- */

frmi_infer_status frmi_infer_identity(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    status s = frmi_need(g, n, 0, &x);
    if (s != FRMI_INFER_OK)
        return s;
    int is_dropout = n->op && strcmp(n->op, "Dropout") == 0;
    if (n->n_out > (is_dropout ? 2 : 1))
        return frmi_unknown(g, n, "%d outputs", n->n_out);
    s = set_out_relabelled(g, n, x, x->rank, x->dims);
    if (s != FRMI_INFER_OK)
        return s;
    if (is_dropout && n->n_out > 1) {
        /* the mask: bool from Dropout-10, the input's type before */
        int mtype = g->opset >= 10 ? FRMI_T_BOOL : x->elem_type;
        s = frmi_set_shape(g, n, 1, mtype, x->rank, x->dims);
    }
    return s;
}

/*
 * onnx/infer_util.c - the helpers infer_shape.c and infer_elementwise.c
 * share; infer_util.h describes each of them.
 */
#include "onnx/infer_util.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

int64_t frmi_numel(int rank, const int64_t *dims)
{
    int64_t ne = 1;
    for (int k = 0; k < rank; k++)
        if (dims[k] == 0)
            ne = 0;
    if (ne == 0)
        return 0;
    for (int k = 0; k < rank; k++) {
        ne = frmi_mul_checked(ne, dims[k]);
        if (ne < 0)
            return -1;
    }
    return ne;
}

const frmi_const *frmi_cv(const frmi_value *v)
{
    if (!v || !v->cval || !frmi_shape_known(v))
        return NULL;
    const frmi_const *c = v->cval;
    int64_t ne = frmi_value_numel(v);
    if (ne < 0 || (uint64_t)ne != (uint64_t)c->n)
        return NULL;
    if (c->n > 0 && (c->i == NULL) == (c->f == NULL))
        return NULL;
    return c;
}

int frmi_c_is_float(const frmi_const *c)
{
    return c->f != NULL;
}

int frmi_d2i(double x, int64_t *out)
{
    if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
        return -1;
    *out = (int64_t)x;
    return 0;
}

double frmi_cget_f(const frmi_const *c, size_t k)
{
    return c->f ? c->f[k] : (double)c->i[k];
}

int frmi_add_i(int64_t a, int64_t b, int64_t *r)
{
    if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
        return -1;
    *r = a + b;
    return 0;
}

int frmi_sub_i(int64_t a, int64_t b, int64_t *r)
{
    if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b))
        return -1;
    *r = a - b;
    return 0;
}

int64_t frmi_wrap_int(int type, int64_t v)
{
    uint64_t u = (uint64_t)v;
    switch (type) {
    case FRMI_T_BOOL: return v != 0;
    case FRMI_T_INT8: return (int64_t)((u & 0xffu) ^ 0x80u) - 0x80;
    case FRMI_T_UINT8: return (int64_t)(u & 0xffu);
    case FRMI_T_INT16: return (int64_t)((u & 0xffffu) ^ 0x8000u) - 0x8000;
    case FRMI_T_UINT16: return (int64_t)(u & 0xffffu);
    case FRMI_T_INT32: return (int64_t)((u & 0xffffffffu) ^ 0x80000000u) - 0x80000000LL;
    case FRMI_T_UINT32: return (int64_t)(u & 0xffffffffu);
    default: return v;
    }
}

double frmi_fit_float(int type, double x)
{
    if (type != FRMI_T_FLOAT || isnan(x) || isinf(x))
        return x;
    if (fabs(x) > (double)FLT_MAX)
        return x > 0 ? (double)INFINITY : -(double)INFINITY;
    return (double)(float)x;
}

int frmi_keepable_type(int type)
{
    switch (type) {
    case FRMI_T_FLOAT: case FRMI_T_UINT8: case FRMI_T_INT8: case FRMI_T_UINT16:
    case FRMI_T_INT16: case FRMI_T_INT32: case FRMI_T_INT64: case FRMI_T_BOOL:
    case FRMI_T_FLOAT16: case FRMI_T_DOUBLE: case FRMI_T_UINT32: case FRMI_T_UINT64:
    case FRMI_T_BFLOAT16:
        return 1;
    default:
        return 0;
    }
}

void frmi_set_cval(frmi_graph *g, frmi_node *n, int i, const frmi_const *c)
{
    frmi_value *o = frmi_out(g, n, i);
    if (o)
        o->cval = c;
}

int64_t frmi_cval_numel(frmi_graph *g, frmi_node *n, int rank, const int64_t *dims)
{
    int64_t ne = frmi_numel(rank, dims);
    if (ne < 0 || ne > FRMI_CONST_MAX || !frmi_out(g, n, 0))
        return -1;
    return ne;
}

void frmi_strides_of(int rank, const int64_t *dims, int64_t *st)
{
    int64_t s = 1;
    for (int k = rank - 1; k >= 0; k--) {
        st[k] = s;
        if (s > 0)
            s = frmi_mul_checked(s, dims[k] > 0 ? dims[k] : 1);
        if (s < 0)
            s = 0;
    }
}

void frmi_bcast_strides(int out_rank, const int64_t *out_dims, int in_rank,
                        const int64_t *in_dims, int64_t *st)
{
    int64_t nat[FRMI_MAX_RANK];
    frmi_strides_of(in_rank, in_dims, nat);
    for (int k = 0; k < out_rank; k++) {
        int j = k - (out_rank - in_rank);
        if (j < 0 || in_dims[j] != out_dims[k])
            st[k] = 0;
        else
            st[k] = nat[j];
    }
}

void frmi_walk_init(frmi_walk *w, int rank, const int64_t *dims, const int64_t *st,
                    int64_t base)
{
    memset(w, 0, sizeof *w);
    w->rank = rank;
    for (int k = 0; k < rank; k++) {
        w->dims[k] = dims[k];
        w->st[k] = dims[k] > 1 ? st[k] : 0;
        w->idx[k] = 0;
    }
    w->off = base;
}

void frmi_walk_next(frmi_walk *w)
{
    for (int k = w->rank - 1; k >= 0; k--) {
        w->idx[k]++;
        w->off += w->st[k];
        if (w->idx[k] < w->dims[k])
            return;
        w->off -= w->st[k] * w->dims[k];
        w->idx[k] = 0;
    }
}

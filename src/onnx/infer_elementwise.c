/*
 * onnx/infer_elementwise.c - shape inference for the element-wise operators
 * that broadcast their inputs and fold constant ones: the arithmetic,
 * comparison and logical operators (Add, Sub, Mul, Div, Pow, Mod, Max, Min,
 * Sum, Mean, Equal, Less, Greater, LessOrEqual, GreaterOrEqual, And, Or,
 * Xor), Where, and Cast.
 *
 * Besides shapes, these functions compute the contents of small outputs
 * (cval) from constant inputs, so that the arithmetic in the shape
 * subgraphs exporters emit (Shape -> Gather -> Div -> Cast -> Concat, ...)
 * resolves to constants; the conventions are those of infer_util.h.
 */
#include "onnx/infer_util.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef frmi_infer_status status;

/* --- small helpers ------------------------------------------------------- */

/* Element k of c as an integer (truncated toward zero); -1 when it is a
 * floating value that is NaN or out of int64 range. */
static int cget_i(const frmi_const *c, size_t k, int64_t *out)
{
    if (c->i) {
        *out = c->i[k];
        return 0;
    }
    return frmi_d2i(c->f[k], out);
}

/* Checked int64 multiplication: 0 on success, -1 on overflow. */
static int mul_i(int64_t a, int64_t b, int64_t *r)
{
    if (a > 0) {
        if (b > 0 ? a > INT64_MAX / b : b < INT64_MIN / a)
            return -1;
    } else if (a < 0) {
        if (b > 0 ? a < INT64_MIN / b : (b != 0 && b < INT64_MAX / a))
            return -1;
    }
    *r = a * b;
    return 0;
}

/* Whether v fits the integer element type `type` (booleans are 0/1). */
static int fits_int(int type, int64_t v)
{
    switch (type) {
    case FRMI_T_BOOL: return v == 0 || v == 1;
    case FRMI_T_INT8: return v >= INT8_MIN && v <= INT8_MAX;
    case FRMI_T_UINT8: return v >= 0 && v <= UINT8_MAX;
    case FRMI_T_INT16: return v >= INT16_MIN && v <= INT16_MAX;
    case FRMI_T_UINT16: return v >= 0 && v <= UINT16_MAX;
    case FRMI_T_INT32: return v >= INT32_MIN && v <= INT32_MAX;
    case FRMI_T_UINT32: return v >= 0 && v <= (int64_t)UINT32_MAX;
    case FRMI_T_UINT64: return v >= 0;
    default: return 1;
    }
}

/* --- element-wise binary operators --------------------------------------- */

enum {
    B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MOD, B_MAX, B_MIN, B_SUM, B_MEAN,
    B_EQ, B_LT, B_GT, B_LE, B_GE, B_AND, B_OR, B_XOR,
    B_BAND, B_BOR, B_BXOR, B_OTHER
};

static int binary_op(const char *op)
{
    static const struct { const char *name; int op; } ops[] = {
        { "Add", B_ADD }, { "Sub", B_SUB }, { "Mul", B_MUL }, { "Div", B_DIV },
        { "Pow", B_POW }, { "Mod", B_MOD }, { "Max", B_MAX }, { "Min", B_MIN },
        { "Sum", B_SUM }, { "Mean", B_MEAN }, { "Equal", B_EQ }, { "Less", B_LT },
        { "Greater", B_GT }, { "LessOrEqual", B_LE }, { "GreaterOrEqual", B_GE },
        { "And", B_AND }, { "Or", B_OR }, { "Xor", B_XOR },
        { "BitwiseAnd", B_BAND }, { "BitwiseOr", B_BOR }, { "BitwiseXor", B_BXOR },
    };
    if (!op)
        return B_OTHER;
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (strcmp(op, ops[k].name) == 0)
            return ops[k].op;
    return B_OTHER;
}

static int op_variadic(int op)
{
    return op == B_MAX || op == B_MIN || op == B_SUM || op == B_MEAN;
}

static int op_bool_out(int op)
{
    return op >= B_EQ && op <= B_XOR;
}

/* a op b on integers; -1 leaves the result unknown. */
static int op_int(int op, int64_t a, int64_t b, int c_fmod, int64_t *r)
{
    switch (op) {
    case B_ADD: case B_SUM: case B_MEAN: return frmi_add_i(a, b, r);
    case B_SUB: return frmi_sub_i(a, b, r);
    case B_MUL: return mul_i(a, b, r);
    case B_DIV:
        if (b == 0 || (a == INT64_MIN && b == -1))
            return -1;
        *r = a / b;
        return 0;
    case B_MOD:
        if (b == 0 || (a == INT64_MIN && b == -1))
            return -1;
        *r = a % b;
        /* fmod = 0: the result takes the divisor's sign, as in Python */
        if (!c_fmod && *r != 0 && ((*r < 0) != (b < 0)))
            *r += b;
        return 0;
    case B_POW: {
        if (b < 0) {
            if (a == 1 || (a == -1 && b % 2 == 0)) { *r = 1; return 0; }
            if (a == -1) { *r = -1; return 0; }
            return -1;
        }
        int64_t acc = 1, base = a;
        while (b > 0) {
            if ((b & 1) && mul_i(acc, base, &acc) != 0)
                return -1;
            b >>= 1;
            if (b > 0 && mul_i(base, base, &base) != 0)
                return -1;
        }
        *r = acc;
        return 0;
    }
    case B_MAX: *r = a > b ? a : b; return 0;
    case B_MIN: *r = a < b ? a : b; return 0;
    case B_EQ: *r = a == b; return 0;
    case B_LT: *r = a < b; return 0;
    case B_GT: *r = a > b; return 0;
    case B_LE: *r = a <= b; return 0;
    case B_GE: *r = a >= b; return 0;
    case B_AND: *r = (a != 0) && (b != 0); return 0;
    case B_OR: *r = (a != 0) || (b != 0); return 0;
    case B_XOR: *r = (a != 0) != (b != 0); return 0;
    case B_BAND: *r = (int64_t)((uint64_t)a & (uint64_t)b); return 0;
    case B_BOR: *r = (int64_t)((uint64_t)a | (uint64_t)b); return 0;
    case B_BXOR: *r = (int64_t)((uint64_t)a ^ (uint64_t)b); return 0;
    default: return -1;
    }
}

/* a op b in double; -1 leaves the result unknown. */
static int op_float(int op, double a, double b, double *r)
{
    switch (op) {
    case B_ADD: case B_SUM: case B_MEAN: *r = a + b; return 0;
    case B_SUB: *r = a - b; return 0;
    case B_MUL: *r = a * b; return 0;
    case B_DIV:
        if (b == 0)
            return -1;
        *r = a / b;
        return 0;
    case B_MOD:
        if (b == 0)
            return -1;
        *r = fmod(a, b);
        return 0;
    case B_POW: *r = pow(a, b); return 0;
    case B_MAX: *r = (isnan(a) || isnan(b)) ? (double)NAN : (a > b ? a : b); return 0;
    case B_MIN: *r = (isnan(a) || isnan(b)) ? (double)NAN : (a < b ? a : b); return 0;
    case B_EQ: *r = a == b; return 0;
    case B_LT: *r = a < b; return 0;
    case B_GT: *r = a > b; return 0;
    case B_LE: *r = a <= b; return 0;
    case B_GE: *r = a >= b; return 0;
    case B_AND: *r = (a != 0) && (b != 0); return 0;
    case B_OR: *r = (a != 0) || (b != 0); return 0;
    case B_XOR: *r = (a != 0) != (b != 0); return 0;
    default: return -1;
    }
}

/* Folds the inputs of an element-wise node into output 0's cval when all
 * are constant and the output is small.  Failure to fold is not an error. */
static status fold_elementwise(frmi_graph *g, frmi_node *n, int op, int out_type,
                               int rank, const int64_t *dims)
{
    int64_t ne = frmi_cval_numel(g, n, rank, dims);
    if (ne < 0 || op == B_OTHER)
        return FRMI_INFER_OK;
    int any_float = 0;
    for (int k = 0; k < n->n_in; k++) {
        frmi_value *v = frmi_in(g, n, k);
        const frmi_const *c = frmi_cv(v);
        if (!c)
            return FRMI_INFER_OK;
        if (frmi_c_is_float(c) || frmi_elem_is_float(v->elem_type))
            any_float = 1;
    }
    /* integer arithmetic only when every operand is an integer */
    int fmode = any_float;
    int c_fmod = (int)frmi_attr_int_or(n, "fmod", 0);
    if (!fmode && op == B_MEAN)
        return FRMI_INFER_OK;
    int out_float = op_bool_out(op) ? 0
                  : out_type ? frmi_elem_is_float(out_type) : fmode;

    size_t cnt = (size_t)ne;
    size_t cells = cnt > 0 ? cnt : 1;
    int64_t *ai = NULL;
    double *af = NULL;
    if (fmode)
        af = frmi_graph_alloc(g, cells * sizeof *af);
    else
        ai = frmi_graph_alloc(g, cells * sizeof *ai);
    if (!af && !ai)
        return FRMI_INFER_NOMEM;

    for (int k = 0; k < n->n_in; k++) {
        frmi_value *v = frmi_in(g, n, k);
        const frmi_const *c = frmi_cv(v);
        int64_t st[FRMI_MAX_RANK];
        frmi_bcast_strides(rank, dims, v->rank, v->dims, st);
        frmi_walk w;
        frmi_walk_init(&w, rank, dims, st, 0);
        for (size_t e = 0; e < cnt; e++, frmi_walk_next(&w)) {
            size_t at = (size_t)w.off;
            if (fmode) {
                double b = frmi_cget_f(c, at);
                if (k == 0)
                    af[e] = b;
                else if (op_float(op, af[e], b, &af[e]) != 0)
                    return FRMI_INFER_OK;
            } else {
                int64_t b;
                if (cget_i(c, at, &b) != 0)
                    return FRMI_INFER_OK;
                if (k == 0)
                    ai[e] = b;
                else if (op_int(op, ai[e], b, c_fmod, &ai[e]) != 0)
                    return FRMI_INFER_OK;
            }
        }
    }
    if (op == B_MEAN)
        for (size_t e = 0; e < cnt; e++)
            af[e] /= (double)n->n_in;

    frmi_const *res = frmi_const_new(g, cnt, out_float);
    if (!res)
        return FRMI_INFER_NOMEM;
    for (size_t e = 0; e < cnt; e++) {
        if (out_float) {
            res->f[e] = frmi_fit_float(out_type, fmode ? af[e] : (double)ai[e]);
        } else {
            int64_t x;
            if (fmode) {
                if (frmi_d2i(af[e], &x) != 0)
                    return FRMI_INFER_OK;
            } else {
                x = ai[e];
            }
            if (!fits_int(out_type, x))
                return FRMI_INFER_OK;
            res->i[e] = x;
        }
    }
    frmi_set_cval(g, n, 0, res);
    return FRMI_INFER_OK;
}

frmi_infer_status frmi_infer_binary(frmi_graph *g, frmi_node *n)
{
    int op = binary_op(n->op);
    if (n->n_in < 1)
        return frmi_unknown(g, n, "no inputs");
    if (!op_variadic(op) && n->n_in != 2)
        return frmi_unknown(g, n, "needs 2 inputs, has %d", n->n_in);

    int rank = 0, type = 0, type0 = 0;
    int64_t dims[FRMI_MAX_RANK];
    for (int k = 0; k < n->n_in; k++) {
        frmi_value *v;
        status s = frmi_need(g, n, k, &v);
        if (s != FRMI_INFER_OK)
            return s;
        if (k == 0) {
            if (v->rank > FRMI_MAX_RANK)
                return frmi_unknown(g, n, "input 0 rank %d too large", v->rank);
            rank = v->rank;
            memcpy(dims, v->dims, sizeof(int64_t) * (size_t)rank);
            type0 = v->elem_type;
        } else {
            int r2;
            int64_t d2[FRMI_MAX_RANK];
            if (frmi_broadcast(rank, dims, v->rank, v->dims, &r2, d2) != 0)
                return frmi_unknown(g, n, "input %d does not broadcast with input%s before it",
                                    k, k > 1 ? "s" : "");
            rank = r2;
            memcpy(dims, d2, sizeof(int64_t) * (size_t)rank);
        }
        if (!type)
            type = v->elem_type;
    }
    int out_type = op_bool_out(op) ? FRMI_T_BOOL : op == B_POW ? type0 : type;
    status s = frmi_set_shape(g, n, 0, out_type, rank, dims);
    if (s != FRMI_INFER_OK)
        return s;
    return fold_elementwise(g, n, op, out_type, rank, dims);
}

frmi_infer_status frmi_infer_where(frmi_graph *g, frmi_node *n)
{
    if (n->n_in != 3)
        return frmi_unknown(g, n, "needs 3 inputs, has %d", n->n_in);
    frmi_value *v[3];
    for (int k = 0; k < 3; k++) {
        status s = frmi_need(g, n, k, &v[k]);
        if (s != FRMI_INFER_OK)
            return s;
    }
    int r1, rank;
    int64_t d1[FRMI_MAX_RANK], dims[FRMI_MAX_RANK];
    if (frmi_broadcast(v[0]->rank, v[0]->dims, v[1]->rank, v[1]->dims, &r1, d1) != 0)
        return frmi_unknown(g, n, "condition and X do not broadcast");
    if (frmi_broadcast(r1, d1, v[2]->rank, v[2]->dims, &rank, dims) != 0)
        return frmi_unknown(g, n, "Y does not broadcast with condition and X");
    int type = v[1]->elem_type ? v[1]->elem_type : v[2]->elem_type;
    status s = frmi_set_shape(g, n, 0, type, rank, dims);
    if (s != FRMI_INFER_OK)
        return s;

    const frmi_const *c[3];
    for (int k = 0; k < 3; k++)
        if (!(c[k] = frmi_cv(v[k])))
            return FRMI_INFER_OK;
    int64_t ne = frmi_cval_numel(g, n, rank, dims);
    if (ne < 0)
        return FRMI_INFER_OK;
    int out_float = type ? frmi_elem_is_float(type) : frmi_c_is_float(c[1]);
    frmi_const *res = frmi_const_new(g, (size_t)ne, out_float);
    if (!res)
        return FRMI_INFER_NOMEM;
    frmi_walk w[3];
    for (int k = 0; k < 3; k++) {
        int64_t st[FRMI_MAX_RANK];
        frmi_bcast_strides(rank, dims, v[k]->rank, v[k]->dims, st);
        frmi_walk_init(&w[k], rank, dims, st, 0);
    }
    for (size_t e = 0; e < (size_t)ne; e++) {
        int pick = frmi_cget_f(c[0], (size_t)w[0].off) != 0 ? 1 : 2;
        size_t at = (size_t)w[pick].off;
        if (out_float) {
            res->f[e] = frmi_cget_f(c[pick], at);
        } else if (cget_i(c[pick], at, &res->i[e]) != 0) {
            return FRMI_INFER_OK;
        }
        for (int k = 0; k < 3; k++)
            frmi_walk_next(&w[k]);
    }
    frmi_set_cval(g, n, 0, res);
    return FRMI_INFER_OK;
}

/* --- Cast ------------------------------------------------------------------ */

frmi_infer_status frmi_infer_cast(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    status s = frmi_need(g, n, 0, &x);
    if (s != FRMI_INFER_OK)
        return s;
    int64_t to;
    if (frmi_attr_int(n, "to", &to) != 1)
        return frmi_unknown(g, n, "attribute to missing");
    if (to <= 0 || to > 64)
        return frmi_unknown(g, n, "attribute to has unknown type %" PRId64, to);
    int type = (int)to;
    s = frmi_set_shape(g, n, 0, type, x->rank, x->dims);
    if (s != FRMI_INFER_OK)
        return s;

    const frmi_const *c = frmi_cv(x);
    if (!c || !frmi_out(g, n, 0))
        return FRMI_INFER_OK;
    int to_float = type == FRMI_T_FLOAT || type == FRMI_T_DOUBLE;
    int to_int = !frmi_elem_is_float(type) && frmi_keepable_type(type);
    if (!to_float && !to_int)
        return FRMI_INFER_OK;   /* strings, float16 and others: shape only */
    frmi_const *res = frmi_const_new(g, c->n, to_float);
    if (!res)
        return FRMI_INFER_NOMEM;
    for (size_t k = 0; k < c->n; k++) {
        if (to_float) {
            res->f[k] = frmi_fit_float(type, frmi_cget_f(c, k));
        } else if (type == FRMI_T_BOOL) {
            res->i[k] = frmi_cget_f(c, k) != 0;   /* NaN is true too */
        } else {
            int64_t v;
            if (cget_i(c, k, &v) != 0)
                return FRMI_INFER_OK;   /* NaN or out of range: undefined */
            res->i[k] = frmi_wrap_int(type, v);
        }
    }
    frmi_set_cval(g, n, 0, res);
    return FRMI_INFER_OK;
}

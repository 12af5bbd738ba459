/*
 * onnx/infer_nn.c - shape inference for the neural-network operators:
 * convolutions, pooling, normalisation, Gemm, MatMul, Softmax, reductions
 * and the unary element-wise operators.
 *
 * The rules follow the ONNX operator specifications.  Every function either
 * sets all of the node's outputs or says why it cannot; hostile attributes
 * (wrong lengths, zero strides, huge values) give a reason, never a crash
 * or an overflow: sums go through add_checked, products through
 * frmi_mul_checked.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/infer.h"

#define MAX_SPATIAL (FRMI_MAX_RANK - 2)

/* --- small helpers -------------------------------------------------------- */

/* a + b into *r; 0 on overflow. */
static int add_checked(int64_t a, int64_t b, int64_t *r)
{
    if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
        return 0;
    *r = a + b;
    return 1;
}

static int op_is(const frmi_node *n, const char *op)
{
    return n->op != NULL && strcmp(n->op, op) == 0;
}

/* "[1,3,224,224]" into buf (for reasons). */
static const char *dims_text(char *buf, size_t size, int rank, const int64_t *dims)
{
    size_t used = 0;
    int k;

    if (size == 0)
        return "";
    buf[0] = '\0';
    used += (size_t)snprintf(buf, size, "[");
    for (k = 0; k < rank && used < size; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%" PRId64, k ? "," : "", dims[k]);
    if (used < size)
        snprintf(buf + used, size - used, "]");
    return buf;
}

#define DIMS_TEXT_SIZE (FRMI_MAX_RANK * 22 + 4)

/* --- convolution and pooling windows -------------------------------------- */

enum { PAD_NOTSET, PAD_SAME_UPPER, PAD_SAME_LOWER, PAD_VALID };

typedef struct window {
    int ns;                             /* spatial dims */
    int auto_pad;
    int64_t k[MAX_SPATIAL];             /* kernel */
    int64_t s[MAX_SPATIAL];             /* strides */
    int64_t d[MAX_SPATIAL];             /* dilations */
    int64_t pads[2 * MAX_SPATIAL];      /* begin..., end... */
} window;

/*
 * An ints attribute with `count` values, each >= min; absent or empty gives
 * `dflt` everywhere.  `ns` names the spatial dims in the reason.
 */
static frmi_infer_status spatial_ints(frmi_graph *g, frmi_node *n, const char *name, int ns,
                                      int count, int64_t dflt, int64_t min, int64_t *out)
{
    const int64_t *v = NULL;
    size_t c = 0;
    int r = frmi_attr_ints(n, name, &v, &c);
    int k;

    if (r < 0)
        return frmi_unknown(g, n, "attribute '%s' is not a list of ints", name);
    if (r == 0 || c == 0) {
        for (k = 0; k < count; k++)
            out[k] = dflt;
        return FRMI_INFER_OK;
    }
    if (c != (size_t)count)
        return frmi_unknown(g, n, "%s has %zu values for %d spatial dims", name, c, ns);
    for (k = 0; k < count; k++) {
        if (v[k] < min)
            return frmi_unknown(g, n, "%s has value %" PRId64 " (must be >= %" PRId64 ")", name,
                                v[k], min);
        out[k] = v[k];
    }
    return FRMI_INFER_OK;
}

static int str_is(const char *s, size_t len, const char *lit)
{
    return len == strlen(lit) && memcmp(s, lit, len) == 0;
}

static frmi_infer_status read_auto_pad(frmi_graph *g, frmi_node *n, int *mode)
{
    const char *s = NULL;
    size_t len = 0, k;
    int r = frmi_attr_string(n, "auto_pad", &s, &len);
    int printable = 1;

    *mode = PAD_NOTSET;
    if (r == 0)
        return FRMI_INFER_OK;
    if (r < 0)
        return frmi_unknown(g, n, "attribute 'auto_pad' is not a string");
    if (len == 0 || str_is(s, len, "NOTSET"))
        *mode = PAD_NOTSET;
    else if (str_is(s, len, "SAME_UPPER"))
        *mode = PAD_SAME_UPPER;
    else if (str_is(s, len, "SAME_LOWER"))
        *mode = PAD_SAME_LOWER;
    else if (str_is(s, len, "VALID"))
        *mode = PAD_VALID;
    else {
        for (k = 0; k < len; k++)
            if ((unsigned char)s[k] < 0x20 || (unsigned char)s[k] > 0x7e)
                printable = 0;
        if (printable && len <= 32)
            return frmi_unknown(g, n, "auto_pad '%.*s' is not NOTSET, SAME_UPPER, SAME_LOWER"
                                " or VALID", (int)len, s);
        return frmi_unknown(g, n, "auto_pad is not NOTSET, SAME_UPPER, SAME_LOWER or VALID");
    }
    return FRMI_INFER_OK;
}

/*
 * Reads kernel_shape, strides, dilations, pads and auto_pad for `ns`
 * spatial dims.  `wdims` (the weight's spatial dims) gives the kernel when
 * kernel_shape is absent and must agree with it when present; NULL makes
 * kernel_shape required (pooling).  Pads are ignored under auto_pad.
 */
static frmi_infer_status read_window(frmi_graph *g, frmi_node *n, int ns, const int64_t *wdims,
                                     window *w)
{
    frmi_infer_status st;
    const int64_t *v = NULL;
    size_t c = 0;
    int r, k;

    memset(w, 0, sizeof *w);
    w->ns = ns;
    r = frmi_attr_ints(n, "kernel_shape", &v, &c);
    if (r < 0)
        return frmi_unknown(g, n, "attribute 'kernel_shape' is not a list of ints");
    if (r == 0 || c == 0) {
        if (wdims == NULL)
            return frmi_unknown(g, n, "attribute 'kernel_shape' is missing");
        for (k = 0; k < ns; k++) {
            if (wdims[k] < 1)
                return frmi_unknown(g, n, "weight has spatial dim %" PRId64, wdims[k]);
            w->k[k] = wdims[k];
        }
    } else {
        if ((st = spatial_ints(g, n, "kernel_shape", ns, ns, 1, 1, w->k)) != FRMI_INFER_OK)
            return st;
        if (wdims != NULL)
            for (k = 0; k < ns; k++)
                if (w->k[k] != wdims[k])
                    return frmi_unknown(g, n, "kernel_shape %" PRId64 " does not match weight dim %"
                                        PRId64 " (spatial dim %d)", w->k[k], wdims[k], k);
    }
    if ((st = spatial_ints(g, n, "strides", ns, ns, 1, 1, w->s)) != FRMI_INFER_OK)
        return st;
    if ((st = spatial_ints(g, n, "dilations", ns, ns, 1, 1, w->d)) != FRMI_INFER_OK)
        return st;
    if ((st = read_auto_pad(g, n, &w->auto_pad)) != FRMI_INFER_OK)
        return st;
    if (w->auto_pad == PAD_NOTSET) {
        if ((st = spatial_ints(g, n, "pads", ns, 2 * ns, 0, 0, w->pads)) != FRMI_INFER_OK)
            return st;
    }
    return FRMI_INFER_OK;
}

/* (k - 1) * d + 1, the extent of a dilated kernel; -1 on overflow. */
static int64_t effective_kernel(int64_t k, int64_t d)
{
    int64_t e = frmi_mul_checked(k - 1, d);

    if (e < 0 || e == INT64_MAX)
        return -1;
    return e + 1;
}

/*
 * Output size of spatial dim i for input size `in` (Conv, MaxPool,
 * AveragePool).  ceil_mode follows ONNX and PyTorch: the size rounds up,
 * but a last window that would start in the end padding is dropped.
 * auto_pad follows the ONNX text, where ceil_mode changes nothing and
 * SAME gives ceil(in / stride) whatever the dilation.  (ONNX Runtime
 * differs on two rare pooling cases: it rounds VALID up under ceil_mode,
 * and leaves dilation out of SAME's padding.)
 */
static frmi_infer_status window_out(frmi_graph *g, frmi_node *n, const window *w, int i,
                                    int64_t in, int ceil_mode, int64_t *out)
{
    int64_t keff = effective_kernel(w->k[i], w->d[i]);
    int64_t s = w->s[i], pb = w->pads[i], pe = w->pads[i + w->ns];
    int64_t padded, num, o, start_limit, last;

    if (keff < 0)
        return frmi_unknown(g, n, "kernel %" PRId64 " with dilation %" PRId64 " overflows",
                            w->k[i], w->d[i]);
    switch (w->auto_pad) {
    case PAD_SAME_UPPER:
    case PAD_SAME_LOWER:
        o = in / s + (in % s != 0);
        break;
    case PAD_VALID:
        num = in - keff;
        if (num < 0)
            return frmi_unknown(g, n, "kernel extent %" PRId64 " is larger than input dim %" PRId64
                                " (spatial dim %d)", keff, in, i);
        o = num / s + 1;
        break;
    default:
        if (!add_checked(in, pb, &start_limit) || !add_checked(start_limit, pe, &padded))
            return frmi_unknown(g, n, "pads overflow spatial dim %d", i);
        num = padded - keff;
        if (num < 0)
            return frmi_unknown(g, n, "kernel extent %" PRId64 " is larger than padded input %"
                                PRId64 " (spatial dim %d)", keff, padded, i);
        o = num / s + 1;
        if (ceil_mode && num % s != 0) {
            o++;
            /* The last window must start inside the input or the begin pad. */
            last = frmi_mul_checked(o - 1, s);
            if (last < 0 || last >= start_limit)
                o--;
        }
        break;
    }
    if (o < 1)
        return frmi_unknown(g, n, "output spatial dim %d would be %" PRId64 " for input %" PRId64,
                            i, o, in);
    *out = o;
    return FRMI_INFER_OK;
}

/* Where a convolution's inputs are, per operator. */
typedef struct conv_layout {
    int x, w, b;            /* input indices; b -1 when there is no bias */
    int out_type;           /* fixed output type, 0: the input's */
} conv_layout;

static conv_layout conv_layout_of(const frmi_node *n)
{
    conv_layout l = { 0, 1, 2, 0 };

    if (op_is(n, "ConvInteger")) {
        l.b = -1;
        l.out_type = FRMI_T_INT32;
    }
    return l;
}

static frmi_infer_status check_bias(frmi_graph *g, frmi_node *n, int bi, int64_t m)
{
    frmi_value *b = bi >= 0 ? frmi_in(g, n, bi) : NULL;
    char buf[DIMS_TEXT_SIZE];

    if (b == NULL || !frmi_shape_known(b))
        return FRMI_INFER_OK;
    if (b->rank != 1 || b->dims[0] != m)
        return frmi_unknown(g, n, "bias has shape %s for %" PRId64 " output channels",
                            dims_text(buf, sizeof buf, b->rank, b->dims), m);
    return FRMI_INFER_OK;
}

/* X and W present, known, of the same rank >= 3, and the `group`
 * attribute (1 when absent) positive. */
static frmi_infer_status conv_inputs(frmi_graph *g, frmi_node *n, const conv_layout *l,
                                     frmi_value **x, frmi_value **w, int64_t *group)
{
    frmi_infer_status st;
    int r;

    if ((st = frmi_need(g, n, l->x, x)) != FRMI_INFER_OK)
        return st;
    if ((st = frmi_need(g, n, l->w, w)) != FRMI_INFER_OK)
        return st;
    if ((*x)->rank < 3)
        return frmi_unknown(g, n, "input has rank %d; needs N x C x spatial dims", (*x)->rank);
    if ((*w)->rank != (*x)->rank)
        return frmi_unknown(g, n, "weight has rank %d but input has rank %d", (*w)->rank,
                            (*x)->rank);
    r = frmi_attr_int(n, "group", group);
    if (r < 0)
        return frmi_unknown(g, n, "attribute 'group' is not an int");
    if (r == 0)
        *group = 1;
    if (*group < 1)
        return frmi_unknown(g, n, "group %" PRId64 " is not positive", *group);
    return FRMI_INFER_OK;
}

frmi_infer_status frmi_infer_conv(frmi_graph *g, frmi_node *n)
{
    conv_layout l = conv_layout_of(n);
    frmi_value *x, *w;
    frmi_infer_status st;
    window win;
    int64_t group, c, m, dims[FRMI_MAX_RANK];
    int ns, i;

    if ((st = conv_inputs(g, n, &l, &x, &w, &group)) != FRMI_INFER_OK)
        return st;
    ns = x->rank - 2;
    c = x->dims[1];
    m = w->dims[0];
    if (frmi_mul_checked(w->dims[1], group) != c)
        return frmi_unknown(g, n, "input channels %" PRId64 " do not match weight %" PRId64
                            " x group %" PRId64, c, w->dims[1], group);
    if (m % group != 0)
        return frmi_unknown(g, n, "output channels %" PRId64 " are not divisible by group %"
                            PRId64, m, group);
    if ((st = read_window(g, n, ns, w->dims + 2, &win)) != FRMI_INFER_OK)
        return st;
    if ((st = check_bias(g, n, l.b, m)) != FRMI_INFER_OK)
        return st;
    dims[0] = x->dims[0];
    dims[1] = m;
    for (i = 0; i < ns; i++)
        if ((st = window_out(g, n, &win, i, x->dims[i + 2], 0, &dims[i + 2])) != FRMI_INFER_OK)
            return st;
    return frmi_set_shape(g, n, 0, l.out_type ? l.out_type : x->elem_type, x->rank, dims);
}

frmi_infer_status frmi_infer_conv_transpose(frmi_graph *g, frmi_node *n)
{
    conv_layout l = { 0, 1, 2, 0 };
    frmi_value *x, *w;
    frmi_infer_status st;
    window win;
    int64_t group, c, m, in, keff, o, same, outpad[MAX_SPATIAL], dims[FRMI_MAX_RANK];
    const int64_t *oshape = NULL;
    size_t n_oshape = 0;
    int ns, i, r;

    if ((st = conv_inputs(g, n, &l, &x, &w, &group)) != FRMI_INFER_OK)
        return st;
    ns = x->rank - 2;
    c = x->dims[1];
    if (w->dims[0] != c)
        return frmi_unknown(g, n, "input channels %" PRId64 " do not match weight dim 0 (%"
                            PRId64 ")", c, w->dims[0]);
    if (c % group != 0)
        return frmi_unknown(g, n, "input channels %" PRId64 " are not divisible by group %"
                            PRId64, c, group);
    m = frmi_mul_checked(w->dims[1], group);
    if (m < 0)
        return frmi_unknown(g, n, "output channels %" PRId64 " x group %" PRId64 " overflow",
                            w->dims[1], group);
    if ((st = read_window(g, n, ns, w->dims + 2, &win)) != FRMI_INFER_OK)
        return st;
    if ((st = spatial_ints(g, n, "output_padding", ns, ns, 0, 0, outpad)) != FRMI_INFER_OK)
        return st;
    r = frmi_attr_ints(n, "output_shape", &oshape, &n_oshape);
    if (r < 0)
        return frmi_unknown(g, n, "attribute 'output_shape' is not a list of ints");
    if (r > 0 && n_oshape > 0) {
        /* Spatial dims; a full N x C x spatial list is accepted too. */
        if (n_oshape == (size_t)ns + 2)
            oshape += 2;
        else if (n_oshape != (size_t)ns)
            return frmi_unknown(g, n, "output_shape has %zu values for %d spatial dims",
                                n_oshape, ns);
    } else {
        oshape = NULL;
    }
    if ((st = check_bias(g, n, l.b, m)) != FRMI_INFER_OK)
        return st;

    dims[0] = x->dims[0];
    dims[1] = m;
    for (i = 0; i < ns; i++) {
        in = x->dims[i + 2];
        if (oshape != NULL) {
            o = oshape[i];
        } else {
            /* stride * (in - 1) + output_padding + (k - 1) * dil + 1 - pads */
            keff = effective_kernel(win.k[i], win.d[i]);
            if (in < 1)
                return frmi_unknown(g, n, "input spatial dim %d is %" PRId64, i, in);
            o = frmi_mul_checked(win.s[i], in - 1);
            if (keff < 0 || o < 0 || !add_checked(o, outpad[i], &o) || !add_checked(o, keff, &o)
                || !add_checked(o, -win.pads[i], &o) || !add_checked(o, -win.pads[i + ns], &o))
                return frmi_unknown(g, n, "output spatial dim %d overflows", i);
            /*
             * SAME pads the full output down to in * stride; pads cannot be
             * negative, so a kernel shorter than the stride gives less (as
             * ONNX's own shape inference and ONNX Runtime do).
             */
            if (win.auto_pad == PAD_SAME_UPPER || win.auto_pad == PAD_SAME_LOWER) {
                same = frmi_mul_checked(in, win.s[i]);
                if (same >= 0 && same < o)
                    o = same;
            }
        }
        if (o < 1)
            return frmi_unknown(g, n, "output spatial dim %d would be %" PRId64 " for input %"
                                PRId64, i, o, in);
        dims[i + 2] = o;
    }
    return frmi_set_shape(g, n, 0, x->elem_type, x->rank, dims);
}

frmi_infer_status frmi_infer_pool(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    frmi_infer_status st;
    window win;
    int64_t ceil_mode, dims[FRMI_MAX_RANK];
    int ns, i;

    if ((st = frmi_need(g, n, 0, &x)) != FRMI_INFER_OK)
        return st;
    if (x->rank < 3)
        return frmi_unknown(g, n, "input has rank %d; needs N x C x spatial dims", x->rank);
    ns = x->rank - 2;
    if ((st = read_window(g, n, ns, NULL, &win)) != FRMI_INFER_OK)
        return st;
    if (frmi_attr_int(n, "ceil_mode", &ceil_mode) <= 0)
        ceil_mode = 0;
    dims[0] = x->dims[0];
    dims[1] = x->dims[1];
    for (i = 0; i < ns; i++)
        if ((st = window_out(g, n, &win, i, x->dims[i + 2], ceil_mode != 0, &dims[i + 2]))
            != FRMI_INFER_OK)
            return st;
    if ((st = frmi_set_shape(g, n, 0, x->elem_type, x->rank, dims)) != FRMI_INFER_OK)
        return st;
    /* MaxPool's Indices */
    return frmi_set_shape(g, n, 1, FRMI_T_INT64, x->rank, dims);
}

frmi_infer_status frmi_infer_global_pool(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    frmi_infer_status st;
    int64_t dims[FRMI_MAX_RANK];
    int i;

    if ((st = frmi_need(g, n, 0, &x)) != FRMI_INFER_OK)
        return st;
    if (x->rank < 2)
        return frmi_unknown(g, n, "input has rank %d; needs N x C x spatial dims", x->rank);
    dims[0] = x->dims[0];
    dims[1] = x->dims[1];
    for (i = 2; i < x->rank; i++)
        dims[i] = 1;
    return frmi_set_shape(g, n, 0, x->elem_type, x->rank, dims);
}

/* --- normalisation --------------------------------------------------------- */

frmi_infer_status frmi_infer_batch_norm(frmi_graph *g, frmi_node *n)
{
    frmi_value *x, *mean;
    frmi_infer_status st;
    int64_t c;
    int i, type;

    if ((st = frmi_need(g, n, 0, &x)) != FRMI_INFER_OK)
        return st;
    if ((st = frmi_set_shape(g, n, 0, x->elem_type, x->rank, x->dims)) != FRMI_INFER_OK)
        return st;
    /* Training outputs: running (or saved) mean and variance, one per channel. */
    for (i = 1; i < n->n_out; i++) {
        if (frmi_out(g, n, i) == NULL)
            continue;
        if (x->rank < 2)
            return frmi_unknown(g, n, "input has rank %d; needs N x C x ...", x->rank);
        c = x->dims[1];
        mean = frmi_in(g, n, 3);
        type = mean != NULL && mean->elem_type ? mean->elem_type : x->elem_type;
        if ((st = frmi_set_shape(g, n, i, type, 1, &c)) != FRMI_INFER_OK)
            return st;
    }
    return FRMI_INFER_OK;
}

frmi_infer_status frmi_infer_layer_norm(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    frmi_infer_status st;
    int64_t axis, stash, dims[FRMI_MAX_RANK];
    int a, i, type;

    if ((st = frmi_need(g, n, 0, &x)) != FRMI_INFER_OK)
        return st;
    if (frmi_attr_int(n, "axis", &axis) <= 0)
        axis = -1;
    a = frmi_axis(axis, x->rank);
    if (a < 0)
        return frmi_unknown(g, n, "axis %" PRId64 " is out of range for rank %d", axis, x->rank);
    if ((st = frmi_set_shape(g, n, 0, x->elem_type, x->rank, x->dims)) != FRMI_INFER_OK)
        return st;
    /* Mean and InvStdDev: X's shape with the normalised dims set to 1. */
    if (frmi_attr_int(n, "stash_type", &stash) <= 0)
        stash = FRMI_T_FLOAT;
    type = frmi_elem_is_float((int)(stash >= 0 && stash <= 64 ? stash : 0)) ? (int)stash
                                                                          : FRMI_T_FLOAT;
    for (i = 0; i < x->rank; i++)
        dims[i] = i < a ? x->dims[i] : 1;
    for (i = 1; i <= 2; i++)
        if ((st = frmi_set_shape(g, n, i, type, x->rank, dims)) != FRMI_INFER_OK)
            return st;
    return FRMI_INFER_OK;
}

/* --- matrix products ------------------------------------------------------- */

frmi_infer_status frmi_infer_gemm(frmi_graph *g, frmi_node *n)
{
    frmi_value *a, *b, *c;
    frmi_infer_status st;
    int64_t ta, tb, m, ka, kb, nn, dims[2];
    char buf[DIMS_TEXT_SIZE];
    int ok;

    if ((st = frmi_need(g, n, 0, &a)) != FRMI_INFER_OK)
        return st;
    if ((st = frmi_need(g, n, 1, &b)) != FRMI_INFER_OK)
        return st;
    if (a->rank != 2)
        return frmi_unknown(g, n, "A has rank %d; Gemm needs a matrix", a->rank);
    if (b->rank != 2)
        return frmi_unknown(g, n, "B has rank %d; Gemm needs a matrix", b->rank);
    ta = frmi_attr_int_or(n, "transA", 0) != 0;
    tb = frmi_attr_int_or(n, "transB", 0) != 0;
    m = a->dims[ta ? 1 : 0];
    ka = a->dims[ta ? 0 : 1];
    kb = b->dims[tb ? 1 : 0];
    nn = b->dims[tb ? 0 : 1];
    if (ka != kb)
        return frmi_unknown(g, n, "A has K %" PRId64 " but B has K %" PRId64
                            " (transA %d, transB %d)", ka, kb, (int)ta, (int)tb);
    dims[0] = m;
    dims[1] = nn;
    c = frmi_in(g, n, 2);
    if (c != NULL && frmi_shape_known(c)) {
        /* C broadcasts one way to [M, N]. */
        ok = c->rank <= 2;
        if (ok && c->rank == 2)
            ok = (c->dims[0] == 1 || c->dims[0] == m) && (c->dims[1] == 1 || c->dims[1] == nn);
        else if (ok && c->rank == 1)
            ok = c->dims[0] == 1 || c->dims[0] == nn;
        if (!ok)
            return frmi_unknown(g, n, "C of shape %s does not broadcast to [%" PRId64 ",%" PRId64
                                "]", dims_text(buf, sizeof buf, c->rank, c->dims), m, nn);
    }
    return frmi_set_shape(g, n, 0, a->elem_type, 2, dims);
}

frmi_infer_status frmi_infer_matmul(frmi_graph *g, frmi_node *n)
{
    frmi_value *a, *b;
    frmi_infer_status st;
    int64_t pa[FRMI_MAX_RANK + 1], pb[FRMI_MAX_RANK + 1], dims[FRMI_MAX_RANK + 2];
    char ba[DIMS_TEXT_SIZE], bb[DIMS_TEXT_SIZE];
    int type, ra, rb, rank, i;

    if ((st = frmi_need(g, n, 0, &a)) != FRMI_INFER_OK)
        return st;
    if ((st = frmi_need(g, n, 1, &b)) != FRMI_INFER_OK)
        return st;
    if (a->rank < 1 || b->rank < 1)
        return frmi_unknown(g, n, "%s is a scalar; MatMul needs rank >= 1",
                            a->rank < 1 ? "A" : "B");
    /* Numpy promotion: A [K] -> [1, K], B [K] -> [K, 1], dropped after. */
    ra = a->rank;
    rb = b->rank;
    if (ra == 1) {
        pa[0] = 1;
        pa[1] = a->dims[0];
        ra = 2;
    } else {
        memcpy(pa, a->dims, sizeof(int64_t) * (size_t)ra);
    }
    if (rb == 1) {
        pb[0] = b->dims[0];
        pb[1] = 1;
        rb = 2;
    } else {
        memcpy(pb, b->dims, sizeof(int64_t) * (size_t)rb);
    }
    if (pa[ra - 1] != pb[rb - 2])
        return frmi_unknown(g, n, "A has K %" PRId64 " but B has K %" PRId64 " (A %s, B %s)",
                            pa[ra - 1], pb[rb - 2], dims_text(ba, sizeof ba, a->rank, a->dims),
                            dims_text(bb, sizeof bb, b->rank, b->dims));
    if (frmi_broadcast(ra - 2, pa, rb - 2, pb, &rank, dims) != 0)
        return frmi_unknown(g, n, "batch dims of A %s and B %s do not broadcast",
                            dims_text(ba, sizeof ba, a->rank, a->dims),
                            dims_text(bb, sizeof bb, b->rank, b->dims));
    if (a->rank != 1)
        dims[rank++] = pa[ra - 2];
    if (b->rank != 1)
        dims[rank++] = pb[rb - 1];
    if (op_is(n, "MatMulInteger"))
        type = FRMI_T_INT32;
    else
        type = a->elem_type ? a->elem_type : b->elem_type;
    if (rank > FRMI_MAX_RANK)
        return frmi_unknown(g, n, "output rank %d is above %d", rank, FRMI_MAX_RANK);
    for (i = 0; i < rank; i++)
        if (dims[i] < 0)
            return frmi_unknown(g, n, "output dim %d is unknown", i);
    return frmi_set_shape(g, n, 0, type, rank, dims);
}

/* --- softmax and reductions ------------------------------------------------ */

frmi_infer_status frmi_infer_softmax(frmi_graph *g, frmi_node *n)
{
    frmi_value *x;
    frmi_infer_status st;
    int64_t axis;

    if ((st = frmi_need(g, n, 0, &x)) != FRMI_INFER_OK)
        return st;
    /* Before opset 13 the input is coerced to 2-D at `axis`, so axis == rank is allowed. */
    if (frmi_attr_int(n, "axis", &axis) > 0) {
        int64_t hi = g->opset < 13 ? x->rank : x->rank - 1;
        if (axis < -(int64_t)x->rank || axis > hi)
            return frmi_unknown(g, n, "axis %" PRId64 " is out of range for rank %d", axis,
                                x->rank);
    }
    return frmi_set_shape(g, n, 0, x->elem_type, x->rank, x->dims);
}

enum { RED_NONE, RED_SUM, RED_PROD, RED_MAX, RED_MIN, RED_MEAN };

static int reduce_kind(const frmi_node *n)
{
    if (op_is(n, "ReduceSum"))
        return RED_SUM;
    if (op_is(n, "ReduceProd"))
        return RED_PROD;
    if (op_is(n, "ReduceMax"))
        return RED_MAX;
    if (op_is(n, "ReduceMin"))
        return RED_MIN;
    if (op_is(n, "ReduceMean"))
        return RED_MEAN;
    return RED_NONE;
}

/*
 * Contents of a reduction of a small constant: x's elements folded into
 * the output element their kept coordinates name.  Skipped (OK, no cval)
 * where it does not apply.
 */
static frmi_infer_status reduce_const(frmi_graph *g, frmi_node *n, const frmi_value *x,
                                      const int *mask)
{
    const frmi_const *xc = x->cval;
    frmi_value *y = frmi_out(g, n, 0);
    frmi_const *yc;
    int kind = reduce_kind(n), is_float, r = x->rank, a;
    int64_t idx[FRMI_MAX_RANK], ostride[FRMI_MAX_RANK], acc;
    size_t on = 1, k, off, per;
    unsigned char *seen;

    if (y == NULL || xc == NULL || kind == RED_NONE || xc->n == 0)
        return FRMI_INFER_OK;
    if (frmi_value_numel(x) != (int64_t)xc->n)
        return FRMI_INFER_OK;
    is_float = xc->f != NULL;
    if (kind == RED_MEAN && !is_float)
        return FRMI_INFER_OK;
    acc = 1;
    for (a = r - 1; a >= 0; a--) {
        ostride[a] = mask[a] ? 0 : acc;
        if (!mask[a])
            acc *= x->dims[a];
        idx[a] = 0;
    }
    on = (size_t)acc;
    per = xc->n / on;
    yc = frmi_const_new(g, on, is_float);
    if (yc == NULL)
        return FRMI_INFER_NOMEM;
    seen = calloc(on, 1);
    if (seen == NULL)
        return FRMI_INFER_NOMEM;
    for (k = 0; k < xc->n; k++) {
        off = 0;
        for (a = 0; a < r; a++)
            off += (size_t)(idx[a] * ostride[a]);
        if (is_float) {
            double v = xc->f[k], *o = &yc->f[off];
            if (!seen[off])
                *o = v;
            else if (kind == RED_SUM || kind == RED_MEAN)
                *o += v;
            else if (kind == RED_PROD)
                *o *= v;
            else if (kind == RED_MAX)
                *o = v > *o ? v : *o;
            else
                *o = v < *o ? v : *o;
        } else {
            int64_t v = xc->i[k], *o = &yc->i[off];
            if (!seen[off])
                *o = v;
            else if (kind == RED_SUM)
                *o = (int64_t)((uint64_t)*o + (uint64_t)v);
            else if (kind == RED_PROD)
                *o = (int64_t)((uint64_t)*o * (uint64_t)v);
            else if (kind == RED_MAX)
                *o = v > *o ? v : *o;
            else
                *o = v < *o ? v : *o;
        }
        seen[off] = 1;
        for (a = r - 1; a >= 0; a--) {
            if (++idx[a] < x->dims[a])
                break;
            idx[a] = 0;
        }
    }
    free(seen);
    if (kind == RED_MEAN)
        for (k = 0; k < on; k++)
            yc->f[k] /= (double)per;
    y->cval = yc;
    return FRMI_INFER_OK;
}

frmi_infer_status frmi_infer_reduce(frmi_graph *g, frmi_node *n)
{
    frmi_value *x, *av;
    frmi_infer_status st;
    const int64_t *axes = NULL;
    size_t na = 0, k;
    int64_t dims[FRMI_MAX_RANK];
    int mask[FRMI_MAX_RANK], keepdims, noop, rank = 0, i, a, r;

    if ((st = frmi_need(g, n, 0, &x)) != FRMI_INFER_OK)
        return st;
    keepdims = frmi_attr_int_or(n, "keepdims", 1) != 0;
    noop = frmi_attr_int_or(n, "noop_with_empty_axes", 0) != 0;
    /*
     * Axes are an input from opset 18 (ReduceSum: 13) and an attribute
     * before.  Whichever the node has is used, so a model that mixes them
     * up is still read as written.
     */
    if (frmi_in(g, n, 1) != NULL) {
        if ((st = frmi_need_const(g, n, 1, &av)) != FRMI_INFER_OK)
            return st;
        if (av->cval->i == NULL)
            return frmi_unknown(g, n, "axes input is not an integer tensor");
        if (av->rank > 1)
            return frmi_unknown(g, n, "axes input has rank %d; needs 1", av->rank);
        axes = av->cval->i;
        na = av->cval->n;
    } else {
        r = frmi_attr_ints(n, "axes", &axes, &na);
        if (r < 0)
            return frmi_unknown(g, n, "attribute 'axes' is not a list of ints");
        if (r == 0)
            na = 0;
    }
    if (na == 0 && noop) {
        if ((st = frmi_set_shape(g, n, 0, x->elem_type, x->rank, x->dims)) != FRMI_INFER_OK)
            return st;
        if (frmi_out(g, n, 0) != NULL)
            frmi_out(g, n, 0)->cval = x->cval;
        return FRMI_INFER_OK;
    }
    for (i = 0; i < x->rank; i++)
        mask[i] = na == 0;
    for (k = 0; k < na; k++) {
        a = frmi_axis(axes[k], x->rank);
        if (a < 0)
            return frmi_unknown(g, n, "axis %" PRId64 " is out of range for rank %d", axes[k],
                                x->rank);
        mask[a] = 1;
    }
    for (i = 0; i < x->rank; i++) {
        if (!mask[i])
            dims[rank++] = x->dims[i];
        else if (keepdims)
            dims[rank++] = 1;
    }
    if ((st = frmi_set_shape(g, n, 0, x->elem_type, rank, dims)) != FRMI_INFER_OK)
        return st;
    return reduce_const(g, n, x, mask);
}

/* --- unary element-wise ---------------------------------------------------- */

enum { UN_NONE, UN_NEG, UN_ABS, UN_FLOOR, UN_CEIL, UN_SQRT, UN_RELU, UN_NOT, UN_SIGN };

static int unary_kind(const frmi_node *n)
{
    static const struct { const char *op; int kind; } ops[] = {
        { "Neg", UN_NEG }, { "Abs", UN_ABS }, { "Floor", UN_FLOOR }, { "Ceil", UN_CEIL },
        { "Sqrt", UN_SQRT }, { "Relu", UN_RELU }, { "Not", UN_NOT }, { "Sign", UN_SIGN },
    };
    size_t k;

    for (k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (op_is(n, ops[k].op))
            return ops[k].kind;
    return UN_NONE;
}

static int64_t unary_int(int kind, int64_t v)
{
    switch (kind) {
    case UN_NEG:
        return (int64_t)(0u - (uint64_t)v);     /* INT64_MIN stays, without overflow */
    case UN_ABS:
        return v < 0 ? (int64_t)(0u - (uint64_t)v) : v;
    case UN_RELU:
        return v > 0 ? v : 0;
    case UN_NOT:
        return v == 0;
    case UN_SIGN:
        return (v > 0) - (v < 0);
    default:                                    /* Floor, Ceil of integers */
        return v;
    }
}

static double unary_float(int kind, double v)
{
    switch (kind) {
    case UN_NEG:
        return -v;
    case UN_ABS:
        return fabs(v);
    case UN_FLOOR:
        return floor(v);
    case UN_CEIL:
        return ceil(v);
    case UN_SQRT:
        return sqrt(v);
    case UN_RELU:
        return v > 0 ? v : 0.0;
    case UN_SIGN:
        return v > 0 ? 1.0 : v < 0 ? -1.0 : v;  /* NaN and zeros stay */
    default:
        return v;
    }
}

frmi_infer_status frmi_infer_unary(frmi_graph *g, frmi_node *n)
{
    frmi_value *x, *y;
    frmi_infer_status st;
    const frmi_const *xc;
    frmi_const *yc;
    int kind;
    size_t k;

    if ((st = frmi_need(g, n, 0, &x)) != FRMI_INFER_OK)
        return st;
    if ((st = frmi_set_shape(g, n, 0, x->elem_type, x->rank, x->dims)) != FRMI_INFER_OK)
        return st;
    y = frmi_out(g, n, 0);
    xc = x->cval;
    kind = unary_kind(n);
    if (y == NULL || xc == NULL || kind == UN_NONE || (int64_t)xc->n != frmi_value_numel(x))
        return FRMI_INFER_OK;
    if (xc->f != NULL ? kind == UN_NOT : kind == UN_SQRT)
        return FRMI_INFER_OK;
    yc = frmi_const_new(g, xc->n, xc->f != NULL);
    if (yc == NULL)
        return FRMI_INFER_NOMEM;
    for (k = 0; k < xc->n; k++) {
        if (xc->f != NULL)
            yc->f[k] = unary_float(kind, xc->f[k]);
        else
            yc->i[k] = unary_int(kind, xc->i[k]);
    }
    y->cval = yc;
    return FRMI_INFER_OK;
}

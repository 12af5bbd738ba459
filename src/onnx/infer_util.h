/*
 * onnx/infer_util.h - the helpers infer_shape.c and infer_elementwise.c
 * share (implemented in infer_util.c): element counts, the contents of
 * small tensors (cval), checked arithmetic, element-type conversions,
 * setting outputs, and walking a tensor through per-axis strides.
 *
 * Conventions of the functions that propagate contents:
 *   - an input's cval is used only when the input's shape is fully known
 *     and the cval has exactly as many elements as that shape (frmi_cv());
 *   - integers and booleans are kept in cval->i, floating point in
 *     cval->f; arithmetic on integers is checked, and a result that
 *     overflows its element type (or divides by zero) leaves the output's
 *     cval unset while its shape stays known;
 *   - outputs whose element count exceeds FRMI_CONST_MAX get no cval.
 */
#ifndef FRM_ONNX_INFER_UTIL_H
#define FRM_ONNX_INFER_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "onnx/infer.h"

/* Number of elements of a shape; -1 when a dim is negative or on overflow
 * (a zero dim gives 0 whatever the others). */
int64_t frmi_numel(int rank, const int64_t *dims);

/* The contents of v when they can be trusted: v's shape is known and the
 * constant has exactly that many elements, in one representation. */
const frmi_const *frmi_cv(const frmi_value *v);

int frmi_c_is_float(const frmi_const *c);

/* Double to int64 truncating toward zero; -1 when out of range or NaN. */
int frmi_d2i(double x, int64_t *out);

double frmi_cget_f(const frmi_const *c, size_t k);

/* Checked int64 arithmetic: 0 on success, -1 on overflow. */
int frmi_add_i(int64_t a, int64_t b, int64_t *r);
int frmi_sub_i(int64_t a, int64_t b, int64_t *r);

/* v converted to integer type `type` the way a C cast does (two's
 * complement wrap-around); booleans become 0/1. */
int64_t frmi_wrap_int(int type, int64_t v);

/* x rounded to the precision of floating type `type` (float32 only; other
 * types keep the double). */
double frmi_fit_float(int type, double x);

/* Element types whose contents frm keeps. */
int frmi_keepable_type(int type);


void frmi_set_cval(frmi_graph *g, frmi_node *n, int i, const frmi_const *c);

/* The element count of output 0 (of shape rank, dims) when its contents
 * are worth computing: the node has that output and it has at most
 * FRMI_CONST_MAX elements.  -1 otherwise. */
int64_t frmi_cval_numel(frmi_graph *g, frmi_node *n, int rank, const int64_t *dims);

/* Row-major strides of a shape.  They are only followed for tensors with
 * contents (at most FRMI_CONST_MAX elements, or none); past an overflow,
 * possible only for an empty tensor with huge dims, they are 0. */
void frmi_strides_of(int rank, const int64_t *dims, int64_t *st);

/* Strides that read an input of shape in_dims broadcast to out_dims
 * (numpy alignment from the right; broadcast axes get stride 0). */
void frmi_bcast_strides(int out_rank, const int64_t *out_dims, int in_rank,
                        const int64_t *in_dims, int64_t *st);

/*
 * Walks an output shape in row-major order and keeps the matching offset
 * into an input read through per-axis strides.  Axes of size <= 1 must
 * have stride 0, which keeps every offset within the input.
 */
typedef struct frmi_walk {
    int rank;
    int64_t dims[FRMI_MAX_RANK];
    int64_t st[FRMI_MAX_RANK];
    int64_t idx[FRMI_MAX_RANK];
    int64_t off;
} frmi_walk;

void frmi_walk_init(frmi_walk *w, int rank, const int64_t *dims, const int64_t *st,
                    int64_t base);
void frmi_walk_next(frmi_walk *w);

#endif

/*
 * onnx/graph.h - the graph frm analyses: values with inferred shapes and
 * small constant contents, and nodes in topological order.
 *
 * Built from an unpacked ONNX model by frmi_graph_build (graph.c); shapes
 * are filled by frmi_graph_infer (infer.c and the infer_*.c operator
 * files); counts by frmi_graph_count (count.c).
 */
#ifndef FRM_ONNX_GRAPH_H
#define FRM_ONNX_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "frm/error.h"
#include "frm/profile.h"
#include "onnx/reader.h"
#include "util/pool.h"

#define FRMI_MAX_RANK FRM_PROFILE_MAX_RANK

/*
 * Constant propagation keeps tensor contents up to this many elements: enough
 * for shape subgraphs, small enough that a hostile Range or Expand cannot
 * make frm allocate much.
 */
#define FRMI_CONST_MAX 4096

/* ONNX TensorProto.DataType values frm needs by name. */
enum {
    FRMI_T_UNDEFINED = 0, FRMI_T_FLOAT = 1, FRMI_T_UINT8 = 2, FRMI_T_INT8 = 3,
    FRMI_T_UINT16 = 4, FRMI_T_INT16 = 5, FRMI_T_INT32 = 6, FRMI_T_INT64 = 7,
    FRMI_T_STRING = 8, FRMI_T_BOOL = 9, FRMI_T_FLOAT16 = 10, FRMI_T_DOUBLE = 11,
    FRMI_T_UINT32 = 12, FRMI_T_UINT64 = 13, FRMI_T_COMPLEX64 = 14,
    FRMI_T_COMPLEX128 = 15, FRMI_T_BFLOAT16 = 16
};


/*
 * Contents of a small tensor: integers and booleans in `i`, floating point
 * in `f`; exactly one of the two is set.  Owned by the graph's arena.
 */
typedef struct frmi_const {
    size_t n;
    int64_t *i;
    double *f;
} frmi_const;

typedef struct frmi_value {
    const char *name;               /* interned in the graph's pool */
    int elem_type;                  /* 0 while unknown */
    int rank;                       /* -1 while unknown */
    int64_t dims[FRMI_MAX_RANK];    /* -1 for an unknown dim */
    const frmi_const *cval;         /* known contents, or NULL */
    int producer;                   /* node index; -1 for inputs/initializers */
    int is_initializer;
    int is_input;                   /* graph input that is not an initializer */
    int is_output;
    int n_consumers;
    int last_use;                   /* position in `order` of the last reader */
    const Onnx__TypeProto *declared; /* value_info or graph output type, if any */
} frmi_value;

typedef struct frmi_node {
    const char *name;               /* node name, or "Op#index" */
    const char *op;                 /* op_type; "domain:op_type" off ai.onnx */
    const Onnx__NodeProto *proto;   /* for attributes */
    int n_in, n_out;
    int *in;                        /* value indices; -1 for an omitted input */
    int *out;
    int known;                      /* shapes inferred */
    const char *reason;             /* why not, when !known */
    uint64_t macs, flops;
} frmi_node;

typedef struct frmi_arena frmi_arena;

typedef struct frmi_graph {
    frmi_value *values;
    size_t n_values;
    frmi_node *nodes;
    size_t n_nodes;
    int *order;                     /* node indices, topological */
    int64_t opset;                  /* default domain */
    int64_t batch;                  /* symbolic input dims */
    const frmi_onnx_model *model;
    frmi_pool names;
    frmi_map by_name;               /* pool id + 1 -> value index */
    frmi_arena *arena;
} frmi_graph;

/* Allocation from the graph's arena; freed with the graph.  NULL on failure. */
void *frmi_graph_alloc(frmi_graph *g, size_t size);
/* A formatted string in the arena (for reasons); NULL on failure. */
char *frmi_graph_printf(frmi_graph *g, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A new constant of `n` elements, integer or floating; NULL on failure. */
frmi_const *frmi_const_new(frmi_graph *g, size_t n, int is_float);

/*
 * Builds the graph of `model`: interns every name, links producers and
 * consumers, sets input shapes (file, overrides, `batch` for symbolic dims),
 * loads small initializers as constants and orders the nodes.  Fails with
 * FRM_E_MODEL on a missing input, a name produced twice, a cycle, or a
 * malformed initializer; FRM_E_ARGUMENT on an override that names no input.
 * `file` is used in messages only.
 */
frm_code frmi_graph_build(frmi_graph *g, const frmi_onnx_model *model,
                          const frm_profile_options *opt, const char *file,
                          frm_error *err);
void frmi_graph_release(frmi_graph *g);

/*
 * Type, shape and (when small and at hand) contents of tensor `t` into `v`;
 * `what` names it in messages.  FRM_E_MODEL when the tensor is malformed.
 */
frm_code frmi_graph_load_tensor(frmi_graph *g, const frmi_onnx_model *model,
                                const Onnx__TensorProto *t, const char *what,
                                frmi_value *v, frm_error *err);

/* Infers shapes node by node in `order`; FRM_E_NOMEM is the only failure. */
frm_code frmi_graph_infer(frmi_graph *g, frm_error *err);

/* Number of elements of a value with a fully known shape; -1 otherwise or on overflow. */
int64_t frmi_value_numel(const frmi_value *v);

/* --- attributes ---------------------------------------------------------- */

/* The attribute called `name`, of any type, or NULL. */
const Onnx__AttributeProto *frmi_attr_find(const frmi_node *n, const char *name);

/* Each returns 1 and sets *out when the attribute is present with the
 * right type, 0 when absent, -1 when present with another type. */
int frmi_attr_int(const frmi_node *n, const char *name, int64_t *out);
int frmi_attr_float(const frmi_node *n, const char *name, double *out);
int frmi_attr_string(const frmi_node *n, const char *name, const char **out, size_t *len);
int frmi_attr_ints(const frmi_node *n, const char *name, const int64_t **out, size_t *count);
int frmi_attr_floats(const frmi_node *n, const char *name, const float **out, size_t *count);
int frmi_attr_tensor(const frmi_node *n, const char *name, const Onnx__TensorProto **out);

/* An attribute's int with a default: the default when absent or mistyped. */
int64_t frmi_attr_int_or(const frmi_node *n, const char *name, int64_t dflt);

#endif

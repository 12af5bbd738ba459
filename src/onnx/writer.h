/*
 * onnx/writer.h - building ONNX models in C and writing them out.
 *
 * A builder collects one graph: inputs, outputs, nodes with attributes,
 * initializers, and writes an ONNX model (IR version 8, one opset import
 * for the default domain).  Errors are sticky: the first failure (out of
 * memory, a bad argument) is kept, later calls do nothing, and
 * frmi_onnx_write reports it.  Model builders can then call the builder
 * without checking every step.
 *
 * Output is deterministic: the same calls give the same bytes.
 */
#ifndef FRM_ONNX_WRITER_H
#define FRM_ONNX_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "frm/error.h"

typedef struct frmi_onnx_builder frmi_onnx_builder;
typedef struct frmi_onnx_node frmi_onnx_node;

/* A new builder for graph `graph_name` importing the default domain at
 * `opset` (17 for the zoo).  NULL when out of memory. */
frmi_onnx_builder *frmi_onnx_builder_new(const char *graph_name, int64_t opset);
void frmi_onnx_builder_free(frmi_onnx_builder *b);

/* Sets producer_name / producer_version / doc_string of the model. */
void frmi_onnx_set_producer(frmi_onnx_builder *b, const char *name, const char *version);
void frmi_onnx_set_doc(frmi_onnx_builder *b, const char *doc);

/*
 * Graph inputs and outputs.  `dims[i] < 0` writes dimension i as the
 * symbolic dim `dim_params[i]` (or "N" when dim_params is NULL or its entry
 * is NULL).  rank < 0 declares the tensor type without a shape.
 */
void frmi_onnx_input(frmi_onnx_builder *b, const char *name, int elem_type,
                     int rank, const int64_t *dims, const char *const *dim_params);
void frmi_onnx_output(frmi_onnx_builder *b, const char *name, int elem_type,
                      int rank, const int64_t *dims, const char *const *dim_params);

/*
 * Initializers.  The _f32 and _i64 forms copy `data` (numel elements; NULL
 * gives zeros).  frmi_onnx_initializer_f32_fill returns the builder's own
 * buffer for the caller to fill in place, which saves a copy of large
 * weights; NULL after a failure.
 */
void frmi_onnx_initializer_f32(frmi_onnx_builder *b, const char *name, int rank,
                               const int64_t *dims, const float *data);
float *frmi_onnx_initializer_f32_fill(frmi_onnx_builder *b, const char *name, int rank,
                                      const int64_t *dims);
void frmi_onnx_initializer_i64(frmi_onnx_builder *b, const char *name, int rank,
                               const int64_t *dims, const int64_t *data);

/*
 * A node running `op` (default domain) with `n_in` inputs and `n_out`
 * outputs; "" is an omitted optional input.  `name` may be NULL (the node
 * is then unnamed).  Returns a handle for the attribute calls, valid until
 * the builder is freed; NULL after a failure (the attribute calls accept
 * NULL and do nothing).
 */
frmi_onnx_node *frmi_onnx_node_add(frmi_onnx_builder *b, const char *op, const char *name,
                                   int n_in, const char *const *inputs,
                                   int n_out, const char *const *outputs);
/* The same in a non-default domain ("com.microsoft"). */
frmi_onnx_node *frmi_onnx_node_add_domain(frmi_onnx_builder *b, const char *domain,
                                          const char *op, const char *name,
                                          int n_in, const char *const *inputs,
                                          int n_out, const char *const *outputs);

void frmi_onnx_attr_int(frmi_onnx_node *n, const char *name, int64_t v);
void frmi_onnx_attr_ints(frmi_onnx_node *n, const char *name, size_t count, const int64_t *v);
void frmi_onnx_attr_float(frmi_onnx_node *n, const char *name, float v);
void frmi_onnx_attr_floats(frmi_onnx_node *n, const char *name, size_t count, const float *v);
void frmi_onnx_attr_string(frmi_onnx_node *n, const char *name, const char *v);
/* A tensor attribute (Constant's `value`), copied: float or int64 data. */
void frmi_onnx_attr_tensor_f32(frmi_onnx_node *n, const char *name, int rank,
                               const int64_t *dims, const float *data);
void frmi_onnx_attr_tensor_i64(frmi_onnx_node *n, const char *name, int rank,
                               const int64_t *dims, const int64_t *data);

typedef struct frmi_onnx_write_options {
    /* When set, initializers of at least `external_min_bytes` go to this
     * file (a name in the model's folder) per ONNX's external-data rules. */
    const char *external_data;
    size_t external_min_bytes;
} frmi_onnx_write_options;

/*
 * Writes the model to `path` atomically (a temporary file in the same
 * folder, then rename).  Reports the builder's first failure, or the I/O
 * error, naming the path.  `opt` may be NULL.
 */
frm_code frmi_onnx_write(frmi_onnx_builder *b, const char *path,
                         const frmi_onnx_write_options *opt, frm_error *err);

/* The serialized model (no external data) in a new buffer the caller frees. */
frm_code frmi_onnx_serialize(frmi_onnx_builder *b, uint8_t **out, size_t *len, frm_error *err);

#endif

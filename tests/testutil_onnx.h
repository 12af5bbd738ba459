/*
 * tests/testutil_onnx.h - helpers shared by the tests that build ONNX
 * models with the writer (src/onnx/writer.h), profile them and look into
 * the result: test_infer_nn, test_infer_shape, test_profile and
 * test_onnx_writer.
 */
#ifndef FRM_TESTUTIL_ONNX_H
#define FRM_TESTUTIL_ONNX_H

#include "testutil.h"

#include "onnx/writer.h"

/* ONNX element types (TensorProto.DataType) the tests use; T_ANY matches
 * every type in the shape assertions below. */
enum { T_ANY = -1, T_FLOAT = 1, T_INT64 = 7, T_BOOL = 9 };

/* int64 literals: DIMS the array, NDIMS how many, INTS both as "count, array". */
#define DIMS(...) ((const int64_t[]){ __VA_ARGS__ })
#define NDIMS(...) ((int)(sizeof(DIMS(__VA_ARGS__)) / sizeof(int64_t)))
#define INTS(...) NDIMS(__VA_ARGS__), DIMS(__VA_ARGS__)

/* --- files --------------------------------------------------------------- */

/* dir/name in a static buffer reused eight calls later; `dir` may be an
 * earlier result. */
const char *tu_join(const char *dir, const char *name);

/* tu_join(tu_tmpdir(), name). */
const char *tu_path(const char *name);

/* A fresh folder tu_tmpdir()/name; the path is reused 32 calls later. */
const char *tu_subdir(const char *name);

/* The whole of a binary file; the caller frees.  NULL (and *len 0) when it
 * cannot be opened. */
uint8_t *tu_read_bytes(const char *path, size_t *len);

/* --- building models ------------------------------------------------------ */

/* A builder for graph "g" importing the default domain at `opset`. */
frmi_onnx_builder *tu_model(int64_t opset);

/* A float graph input of the given shape. */
void tu_input(frmi_onnx_builder *b, const char *name, int rank, const int64_t *dims);

/* A float graph output without a declared shape: inference fills it in. */
void tu_output(frmi_onnx_builder *b, const char *name);

/*
 * A node with space-separated input and output names ("-" is an omitted
 * input), named after its first output; every output is declared a graph
 * output with tu_output.
 */
frmi_onnx_node *tu_node(frmi_onnx_builder *b, const char *op, const char *ins, const char *outs);

/* The same named `name`, with no output declared a graph output (graph
 * outputs stay live in the activation peak: the caller chooses them). */
frmi_onnx_node *tu_node_named(frmi_onnx_builder *b, const char *op, const char *name,
                              const char *ins, const char *outs);

/*
 * y = Relu(x @ W) saved as tu_tmpdir()/NAME.onnx: x [N, width] with N
 * symbolic, W [width, width] of small nonzero weights.  Something cheap
 * and real for ONNX Runtime to run.  Returns the path.
 */
const char *tu_matmul_relu_model(const char *name, int64_t width);

/* --- writing and profiling ------------------------------------------------- */

/* Writes the model to `path` (external data per `wo`, which may be NULL),
 * frees the builder and returns `path`; fails the test on an error. */
const char *tu_write_model(frmi_onnx_builder *b, const char *path,
                           const frmi_onnx_write_options *wo);

/* tu_write_model to tu_path(file), or to a fresh tu_tmpdir()/modelN.onnx
 * when `file` is NULL. */
const char *tu_save(frmi_onnx_builder *b, const char *file);

/* The profile of the model at `path` (opt may be NULL); fails the test on
 * an error.  The caller frees it with frm_profile_free. */
frm_profile *tu_profile_file(const char *path, const frm_profile_options *opt);

/* tu_save, then the per-node profile with symbolic dims set to `batch`. */
frm_profile *tu_profile_batch(frmi_onnx_builder *b, const char *file, int64_t batch);

/* tu_profile_batch with batch 1. */
frm_profile *tu_profile(frmi_onnx_builder *b, const char *file);

/* --- looking into a profile ------------------------------------------------ */

/* Node `name` (a per-node profile); fails the test when there is none. */
const frm_node_profile *tu_find_node(const frm_profile *p, const char *name);

/* The totals of operator `op`; fails the test when there are none. */
const frm_op_total *tu_find_op(const frm_profile *p, const char *op);

/* --- assertions ---------------------------------------------------------------- */

/* Tensor `t` has the shape (...) and element type `type` (any type for
 * T_ANY), printing both when not. */
#define assert_shape(t, type, ...) \
    tu_assert_shape((t), (type), INTS(__VA_ARGS__), #t, __FILE__, __LINE__)
void tu_assert_shape(const frm_tensor_shape *t, int type, int rank, const int64_t *dims,
                     const char *what, const char *file, int line);

/* Node `name` is known and its first output has the shape (...) and type
 * `type` (any type for T_ANY); expect_node_scalar: rank 0. */
#define expect_node(p, name, type, ...) \
    tu_expect_node((p), (name), (type), INTS(__VA_ARGS__), __FILE__, __LINE__)
#define expect_node_scalar(p, name, type) \
    tu_expect_node((p), (name), (type), 0, NULL, __FILE__, __LINE__)
void tu_expect_node(const frm_profile *p, const char *name, int type, int rank,
                    const int64_t *dims, const char *file, int line);

/* Graph output `name` (any output of any node) has the shape (...) and type. */
#define expect_output(p, name, type, ...) \
    tu_expect_output((p), (name), (type), INTS(__VA_ARGS__), __FILE__, __LINE__)
void tu_expect_output(const frm_profile *p, const char *name, int type, int rank,
                      const int64_t *dims, const char *file, int line);

/* Node `name` is unknown with a reason containing `text`, and the profile
 * is partial. */
#define expect_unknown(p, name, text) tu_expect_unknown((p), (name), (text), __FILE__, __LINE__)
void tu_expect_unknown(const frm_profile *p, const char *name, const char *text,
                       const char *file, int line);

#endif

/*
 * onnx/reader.h - ONNX files in memory: the protobuf-c model without the
 * bulk of its weights.
 *
 * The file is mapped, not read.  Before protobuf-c unpacks it, a pass over
 * the wire format (driven by protobuf-c's own descriptors) leaves out the
 * raw bytes of large tensors, so weights are never copied and their pages
 * are never touched; each tensor left out keeps its place in the file.
 */
#ifndef FRM_ONNX_READER_H
#define FRM_ONNX_READER_H

#include <stddef.h>
#include <stdint.h>

#include "frm/error.h"
#include "onnx/onnx.pb-c.h"

/* Raw tensor data longer than this stays in the file. */
#define FRMI_ONNX_INLINE_MAX 32768

typedef struct frmi_onnx_model {
    Onnx__ModelProto *proto;
    char *path;                     /* as given */
    char *dir;                      /* folder for external data, "." if none */
    uint64_t file_size;
} frmi_onnx_model;

/*
 * Opens and unpacks the model at `path`.  FRM_E_IO when it cannot be read,
 * FRM_E_MODEL (naming the byte offset) when it is not a valid ONNX model.
 * On failure `m` needs no release.
 */
frm_code frmi_onnx_open(frmi_onnx_model *m, const char *path, frm_error *err);
void frmi_onnx_close(frmi_onnx_model *m);

/* Same, from bytes already in memory (the fuzz target); `dir` for external data. */
frm_code frmi_onnx_open_buffer(frmi_onnx_model *m, const uint8_t *data, size_t len,
                               const char *name, const char *dir, frm_error *err);

/* Bytes per element; 0 for unknown types and strings. */
size_t frmi_elem_size(int elem_type);
/* Float, double, float16, bfloat16. */
int frmi_elem_is_float(int elem_type);

/* Where a tensor's contents are. */
typedef enum frmi_data_where {
    FRMI_DATA_INLINE = 0,   /* `bytes` holds the little-endian raw contents */
    FRMI_DATA_TYPED,        /* in the repeated field of its type (float_data ...) */
    FRMI_DATA_IN_FILE,      /* raw contents left in the model file */
    FRMI_DATA_EXTERNAL      /* in an external file beside the model */
} frmi_data_where;

typedef struct frmi_tensor_info {
    int elem_type;
    int rank;
    uint64_t numel;
    uint64_t bytes;                 /* numel * element size */
    frmi_data_where where;
    const uint8_t *raw;             /* FRMI_DATA_INLINE only */
} frmi_tensor_info;

/*
 * Checks tensor `t` of `m` and describes it: dims non-negative and their
 * product within 2^63, stored contents as long as the dims need, external
 * data inside the model's folder and inside its file.  `what` names the
 * tensor in messages ("initializer 'w'").  FRM_E_MODEL on failure.
 */
frm_code frmi_tensor_describe(const frmi_onnx_model *m, const Onnx__TensorProto *t,
                              const char *what, frmi_tensor_info *out, frm_error *err);

#endif

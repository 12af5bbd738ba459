/*
 * onnx/profile_model.h - profiling a model already in memory, for callers
 * that open it themselves (the fuzz target reads from a buffer).
 */
#ifndef FRM_ONNX_PROFILE_MODEL_H
#define FRM_ONNX_PROFILE_MODEL_H

#include "frm/profile.h"
#include "onnx/reader.h"

/* frm_profile_file after the file is open; `path` names the model. */
frm_code frmi_profile_model(const frmi_onnx_model *model, const char *path,
                            const frm_profile_options *opt, frm_profile **out, frm_error *err);

#endif

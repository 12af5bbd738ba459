/*
 * fuzz/profile_fuzz.c - libFuzzer target: bytes -> ONNX reader -> graph ->
 * shape inference -> counts.  Any input must give a profile or an error,
 * never a crash, a leak or a hang.
 */
#include <stddef.h>
#include <stdint.h>

#include "onnx/profile_model.h"
#include "onnx/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    frmi_onnx_model model;
    frm_error err;
    /* A folder that cannot exist: external data is checked, never found. */
    if (frmi_onnx_open_buffer(&model, data, size, "fuzz-input", "/nonexistent/frm-fuzz", &err) != FRM_OK)
        return 0;
    frm_profile_options opt = FRM_PROFILE_OPTIONS_INIT;
    opt.per_node = 1;
    frm_profile *p = NULL;
    if (frmi_profile_model(&model, "fuzz-input", &opt, &p, &err) == FRM_OK)
        frm_profile_free(p);
    frmi_onnx_close(&model);
    return 0;
}

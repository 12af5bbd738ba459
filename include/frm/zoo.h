/*
 * frm/zoo.h - the paper's thirteen architectures, generated as ONNX.
 *
 * Each model is built layer by layer after its original definition
 * (torchvision for the CNNs, timm for DeiT, LeViT and MobileViT), with
 * seeded pseudo-random weights, so a machine without downloads can run the
 * whole study.  Parameter counts follow PyTorch (BatchNormalization
 * unfused) and equal the published ones.  Models are opset 17, with input
 * "input" [batch, 3, R, R] float32 and output "logits" [batch, 1000].
 */
#ifndef FRM_ZOO_H
#define FRM_ZOO_H

#include <stddef.h>
#include <stdint.h>

#include "frm/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct frm_zoo_info {
    const char *name;               /* timm's name (torchvision's for squeezenet1_1) */
    const char *family;             /* the source file's family: "resnet", ... */
    int resolution;                 /* default input size R */
    uint64_t params;                /* published count at the default size */
    uint64_t macs;                  /* published count at batch 1 */
} frm_zoo_info;

/* The models, in the order of docs/zoo.md.  Static data; never freed. */
size_t frm_zoo_count(void);
const frm_zoo_info *frm_zoo_at(size_t i);
/* The model called `name`, or NULL. */
const frm_zoo_info *frm_zoo_find(const char *name);

typedef struct frm_zoo_options {
    int64_t batch;                  /* >= 1 */
    int resolution;                 /* 0: the model's own */
    uint64_t seed;                  /* same seed, same bytes */
} frm_zoo_options;

#define FRM_ZOO_OPTIONS_INIT { 1, 0, 0 }

/*
 * Writes model `name` to `path` (atomically: a temporary file, then
 * rename).  FRM_E_ARGUMENT for an unknown name or a resolution the
 * architecture cannot take, FRM_E_IO naming the path, FRM_E_NOMEM.
 * `opt` may be NULL for the defaults.
 */
frm_code frm_zoo_write(const char *name, const char *path, const frm_zoo_options *opt, frm_error *err);

/* A zoo model's static counts at one input size, batch 1 (as `frm profile` reports them). */
typedef struct frm_zoo_counts {
    uint64_t macs, flops, params, weights_bytes, activations_peak_bytes;
    int resolution;                 /* the input size counted */
} frm_zoo_counts;

/*
 * The counts of model `name` at input size `resolution` (0: its own),
 * computed without writing a file: e.g. inception_v3 at 224 has
 * 2,837,921,120 MACs where its own 299 has 5,713,216,096.  FRM_E_ARGUMENT
 * for an unknown name or a size the architecture cannot take,
 * FRM_E_NOMEM.  Fills `*out`; owns nothing.
 */
frm_code frm_zoo_counts_at(const char *name, int resolution, frm_zoo_counts *out, frm_error *err);

#ifdef __cplusplus
}
#endif

#endif

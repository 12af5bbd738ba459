/*
 * zoo/registry.c - the zoo's models, their published counts, and writing
 * one of them.
 */
#include "frm/zoo.h"

#include <stdlib.h>
#include <string.h>

#include "frm/profile.h"
#include "onnx/profile_model.h"
#include "onnx/reader.h"
#include "util/error.h"
#include "zoo/zoo.h"

typedef struct zoo_entry {
    frm_zoo_info info;
    zoo_build_fn build;
} zoo_entry;

/* The published counts (docs/zoo.md): parameters (PyTorch convention) and MACs at batch 1. */
static const zoo_entry models[] = {
    { { "resnet18", "resnet", 224, 11689512, 1814073344 }, zoo_build_resnet18 },
    { { "resnet50", "resnet", 224, 25557032, 4089184256 }, zoo_build_resnet50 },
    { { "mobilenetv2_100", "mobilenet", 224, 3504872, 300774272 }, zoo_build_mobilenetv2_100 },
    { { "mobilenetv3_large_100", "mobilenet", 224, 5483032, 216589760 }, zoo_build_mobilenetv3_large_100 },
    { { "mnasnet_100", "mobilenet", 224, 4383312, 314415872 }, zoo_build_mnasnet_100 },
    { { "squeezenet1_1", "squeezenet", 224, 1235496, 349151936 }, zoo_build_squeezenet1_1 },
    { { "densenet121", "densenet", 224, 7978856, 2834161664 }, zoo_build_densenet121 },
    { { "efficientnet_b0", "mobilenet", 224, 5288548, 385814752 }, zoo_build_efficientnet_b0 },
    { { "inception_v3", "inception", 299, 23834568, 5713216096 }, zoo_build_inception_v3 },
    { { "convnext_tiny", "convnext", 224, 28589128, 4455531264 }, zoo_build_convnext_tiny },
    { { "deit_tiny_patch16_224", "vit", 224, 5717416, 1253683200 }, zoo_build_deit_tiny_patch16_224 },
    { { "levit_128s", "levit", 224, 7777058, 304660832 }, zoo_build_levit_128s },
    { { "mobilevit_s", "mobilevit", 256, 5578632, 2000831488 }, zoo_build_mobilevit_s },
};

size_t frm_zoo_count(void)
{
    return sizeof models / sizeof models[0];
}

const frm_zoo_info *frm_zoo_at(size_t i)
{
    return i < frm_zoo_count() ? &models[i].info : NULL;
}

static const zoo_entry *find(const char *name)
{
    for (size_t i = 0; name && i < frm_zoo_count(); i++)
        if (strcmp(models[i].info.name, name) == 0)
            return &models[i];
    return NULL;
}

const frm_zoo_info *frm_zoo_find(const char *name)
{
    const zoo_entry *e = find(name);
    return e ? &e->info : NULL;
}

/* Builds model `name` as `opt` says into `net`, ready for zoo_finish; `*out` is its output. */
static frm_code build(const char *name, const frm_zoo_options *opt, int shapes_only, zoo_net *net,
                      zoo_t *out, frm_error *err)
{
    static const frm_zoo_options defaults = FRM_ZOO_OPTIONS_INIT;
    if (!opt)
        opt = &defaults;
    const zoo_entry *e = find(name);
    if (!e)
        return frmi_fail(err, FRM_E_ARGUMENT, "no zoo model named '%s' (frm zoo --list names them)",
                         name ? name : "");
    if (opt->batch < 1 || opt->batch > 1 << 16)
        return frmi_fail(err, FRM_E_ARGUMENT, "%s: batch %lld is out of range (1 to 65536)", name,
                         (long long)opt->batch);
    int res = opt->resolution ? opt->resolution : e->info.resolution;
    if (res < 32 || res > 4096)
        return frmi_fail(err, FRM_E_ARGUMENT, "%s: resolution %d is out of range (32 to 4096)", name, res);
    zoo_t x = zoo_begin(net, name, opt->seed, opt->batch, res);
    net->shapes_only = shapes_only;
    x = e->build(net, x);
    if (!zoo_ok(net)) {
        /* Layer failures are shapes the architecture cannot take. */
        frm_code rc = frmi_fail(err, net->err.code, "%s at %dx%d: %s", name, res, res, net->err.message);
        zoo_discard(net);
        return rc;
    }
    *out = x;
    return FRM_OK;
}

frm_code frm_zoo_write(const char *name, const char *path, const frm_zoo_options *opt, frm_error *err)
{
    if (!path)
        return frmi_fail(err, FRM_E_ARGUMENT, "%s: no output path", name ? name : "");
    zoo_net net;
    zoo_t x;
    frm_code rc = build(name, opt, 0, &net, &x, err);
    return rc != FRM_OK ? rc : zoo_finish(&net, x, path, err);
}

/*
 * Built and profiled in memory: the graph `frm zoo -r R` writes, with its
 * weights left zero (values change no count) and read by the same
 * profiler, so the counts are those of `frm zoo -r R` and `frm profile`,
 * without drawing random weights or writing a file of up to a hundred
 * megabytes.
 */
frm_code frm_zoo_counts_at(const char *name, int resolution, frm_zoo_counts *out, frm_error *err)
{
    memset(out, 0, sizeof *out);
    frm_zoo_options opt = FRM_ZOO_OPTIONS_INIT;
    opt.resolution = resolution;
    zoo_net net;
    zoo_t x;
    frm_code rc = build(name, &opt, 1, &net, &x, err);
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (rc == FRM_OK)
        rc = zoo_finish_buffer(&net, x, &bytes, &len, err);
    if (rc != FRM_OK)
        return rc;
    frmi_onnx_model model;
    rc = frmi_onnx_open_buffer(&model, bytes, len, name, ".", err);
    frm_profile *p = NULL;
    static const frm_profile_options defaults = FRM_PROFILE_OPTIONS_INIT;
    if (rc == FRM_OK) {
        rc = frmi_profile_model(&model, name, &defaults, &p, err);
        frmi_onnx_close(&model);
    }
    free(bytes);
    if (rc != FRM_OK)
        return rc;
    if (p->partial) {
        frm_profile_free(p);
        return frmi_fail(err, FRM_E_MODEL, "%s: internal: the profiler could not count every "
                         "node of the zoo's own model", name);
    }
    *out = (frm_zoo_counts){p->macs, p->flops, p->params, p->weights_bytes,
                            p->activations_peak_bytes,
                            resolution ? resolution : frm_zoo_find(name)->resolution};
    frm_profile_free(p);
    return FRM_OK;
}

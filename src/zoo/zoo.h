/*
 * zoo/zoo.h - the vocabulary the model zoo's architectures are written in.
 *
 * A zoo_net wraps an ONNX builder (onnx/writer.h) with what a network
 * definition needs: tensors that know their shapes, unique node names,
 * seeded weights, and layers (convolution with batch norm and activation,
 * linear, layer norm, attention pieces, squeeze-excite) that add their
 * parameters as initializers.  Architecture files (one per family) call
 * these and never the builder directly; each layer mirrors one PyTorch
 * module, so the parameter count follows PyTorch's convention exactly
 * (BatchNormalization unfused: weight and bias are parameters, running
 * mean and variance are not).
 *
 * Errors are sticky, as in the builder: a layer given a bad shape records
 * the first failure and returns a tensor the later layers ignore; the
 * caller learns of it from zoo_finish.
 *
 * Scalars (Clip bounds, scales, GELU's constants) are Constant nodes, not
 * initializers, so they are not counted as parameters.
 */
#ifndef FRM_ZOO_ZOO_H
#define FRM_ZOO_ZOO_H

#include <stddef.h>
#include <stdint.h>

#include "frm/error.h"
#include "onnx/writer.h"
#include "util/pool.h"

#define ZOO_MAX_RANK 6

/* A tensor of the graph being built: its name and shape.  rank 0 after a
 * failure. */
typedef struct zoo_t {
    const char *name;
    int rank;
    int64_t d[ZOO_MAX_RANK];
} zoo_t;

typedef struct zoo_net {
    frmi_onnx_builder *b;
    frmi_pool names;
    uint64_t rng;                   /* splitmix64 state */
    unsigned counter;               /* for unique names */
    int64_t batch;
    int shapes_only;                /* weights left zero: for counting, not running */
    frm_error err;                  /* first failure; code FRM_OK when none */
} zoo_net;

typedef enum zoo_act {
    ZOO_NONE = 0,
    ZOO_RELU,
    ZOO_RELU6,                      /* Clip(0, 6) */
    ZOO_HSWISH,                     /* HardSwish */
    ZOO_HSIGMOID,                   /* HardSigmoid(alpha 1/6, beta 0.5), PyTorch's */
    ZOO_SIGMOID,
    ZOO_SILU,                       /* x * Sigmoid(x) */
    ZOO_GELU                        /* exact: 0.5 x (1 + erf(x / sqrt 2)); opset 17 has no Gelu */
} zoo_act;

/* --- the net ---------------------------------------------------------------- */

/* Starts a net named `name` at opset 17 with weights from `seed`, and its
 * input "input" [batch, 3, res, res].  Returns the input tensor. */
zoo_t zoo_begin(zoo_net *net, const char *name, uint64_t seed, int64_t batch, int64_t res);
/* Declares `x` ([batch, classes]) the output "logits" and writes the model
 * to `path`; reports the first failure of any layer.  Frees the net. */
frm_code zoo_finish(zoo_net *net, zoo_t x, const char *path, frm_error *err);
/* The same into memory: `*bytes` (the serialised model) is the caller's to free. */
frm_code zoo_finish_buffer(zoo_net *net, zoo_t x, uint8_t **bytes, size_t *len, frm_error *err);
/* Frees a net without writing it. */
void zoo_discard(zoo_net *net);

/* Records a failure (a shape a layer cannot take); returns a dead tensor. */
zoo_t zoo_fail(zoo_net *net, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int zoo_ok(const zoo_net *net);

/* --- parameters ------------------------------------------------------------------ */

/* A float parameter of the given shape, uniform in [-bound, bound]. */
zoo_t zoo_param(zoo_net *net, const char *what, int rank, const int64_t *dims, float bound);
/* A float parameter filled with `value` (BatchNormalization scales, layer scale). */
zoo_t zoo_param_fill(zoo_net *net, const char *what, int rank, const int64_t *dims, float value);
/* An int64 buffer (not a parameter): LeViT's attention-bias indices. */
zoo_t zoo_buffer_i64(zoo_net *net, const char *what, int rank, const int64_t *dims, const int64_t *data);
/* A scalar float Constant node, and a 1-D int64 Constant (shapes, axes). */
zoo_t zoo_scalar(zoo_net *net, float v);
zoo_t zoo_ints(zoo_net *net, size_t n, const int64_t *v);

/* --- layers (each mirrors a PyTorch module) --------------------------------------- */

/* nn.Conv2d: kernel kh x kw, stride sh x sw, padding ph x pw (symmetric),
 * groups, optional bias; He-uniform weights. */
zoo_t zoo_conv2d(zoo_net *net, zoo_t x, int64_t cout, int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                 int64_t ph, int64_t pw, int64_t groups, int bias);
/* Square kernel, padding k/2 ("same" for odd k at stride 1), no bias. */
zoo_t zoo_conv(zoo_net *net, zoo_t x, int64_t cout, int64_t k, int64_t stride, int64_t groups);
/* nn.BatchNorm2d (eps 1e-5): weight 1, bias 0, mean 0, var 1 plus small noise. */
zoo_t zoo_bn(zoo_net *net, zoo_t x);
/* The BatchNorm that closes a residual branch: scale near 0.25 instead of
 * 1 (a mild form of torchvision's zero_init_residual), so the variance of
 * a deep residual network does not double at every addition.  The same
 * parameters as zoo_bn. */
zoo_t zoo_bn_residual(zoo_net *net, zoo_t x);
zoo_t zoo_act_apply(zoo_net *net, zoo_t x, zoo_act act);
/* conv (no bias) -> BatchNorm -> activation: torchvision's Conv2dNormActivation. */
zoo_t zoo_conv_bn_act(zoo_net *net, zoo_t x, int64_t cout, int64_t k, int64_t stride, int64_t groups,
                      zoo_act act);

/* nn.Linear on the last axis: Gemm (transB) for [N, in], MatMul + Add for
 * higher ranks.  Weight [out, in] as PyTorch stores it. */
zoo_t zoo_linear(zoo_net *net, zoo_t x, int64_t out, int bias);
/* nn.LayerNorm over the last axis (weight and bias). */
zoo_t zoo_layernorm(zoo_net *net, zoo_t x, float eps);
/* LayerNorm over the channels of an NCHW tensor (ConvNeXt's LayerNorm2d). */
zoo_t zoo_layernorm2d(zoo_net *net, zoo_t x, float eps);
/* BatchNorm over the last axis of [N, L, C] (LeViT's BatchNorm1d on tokens). */
zoo_t zoo_bn_tokens(zoo_net *net, zoo_t x);

/* Squeeze-excite: global pool, 1x1 conv (bias) to `squeeze`, act, 1x1 conv
 * (bias) back, gate, multiply. */
zoo_t zoo_se(zoo_net *net, zoo_t x, int64_t squeeze, zoo_act act, zoo_act gate);

/* --- element-wise and pooling --------------------------------------------------------- */

zoo_t zoo_add(zoo_net *net, zoo_t a, zoo_t b);
zoo_t zoo_mul(zoo_net *net, zoo_t a, zoo_t b);
zoo_t zoo_scale(zoo_net *net, zoo_t x, float s);         /* x * s */
zoo_t zoo_concat(zoo_net *net, size_t n, const zoo_t *xs, int axis);
/* Splits along `axis` into n parts of `sizes` (NULL: equal parts). */
void zoo_split(zoo_net *net, zoo_t x, int axis, size_t n, const int64_t *sizes, zoo_t *out);
zoo_t zoo_maxpool(zoo_net *net, zoo_t x, int64_t k, int64_t stride, int64_t pad, int ceil_mode);
/* count_include_pad as in PyTorch's AvgPool2d (default true). */
zoo_t zoo_avgpool(zoo_net *net, zoo_t x, int64_t k, int64_t stride, int64_t pad, int count_include_pad);
zoo_t zoo_global_avgpool(zoo_net *net, zoo_t x);          /* [N,C,H,W] -> [N,C,1,1] */
zoo_t zoo_flatten(zoo_net *net, zoo_t x);                  /* [N, ...] -> [N, rest] */
/* Mean over axes (keepdims 0): token pooling [N,L,C] -> [N,C] with axis 1. */
zoo_t zoo_mean(zoo_net *net, zoo_t x, int axis);

/* --- shape and attention plumbing --------------------------------------------------------- */

zoo_t zoo_reshape(zoo_net *net, zoo_t x, int rank, const int64_t *dims);
/* Broadcasts x to `dims` (same rank): a [1, ...] token to the batch. */
zoo_t zoo_expand(zoo_net *net, zoo_t x, int rank, const int64_t *dims);
zoo_t zoo_transpose(zoo_net *net, zoo_t x, int rank, const int64_t *perm);
zoo_t zoo_matmul(zoo_net *net, zoo_t a, zoo_t b);
zoo_t zoo_softmax(zoo_net *net, zoo_t x, int axis);
/* Gather along `axis` with a constant int64 index tensor. */
zoo_t zoo_gather(zoo_net *net, zoo_t x, zoo_t indices, int axis);
/* Slice [start, end) with step along axis. */
zoo_t zoo_slice(zoo_net *net, zoo_t x, int axis, int64_t start, int64_t end, int64_t step);

/*
 * Multi-head self-attention as timm's Attention: qkv Linear(C, 3C, bias),
 * scaled dot product per head (scale head_dim^-0.5), softmax, proj
 * Linear(C, C).  x is [N, L, C].
 */
zoo_t zoo_mhsa(zoo_net *net, zoo_t x, int64_t heads);

/*
 * timm's pre-norm transformer Block: x + mhsa(LN(x)), then
 * x + fc2(act(fc1(LN(x)))) with fc1 widening by `mlp_ratio`.
 */
zoo_t zoo_transformer_block(zoo_net *net, zoo_t x, int64_t heads, int64_t mlp_ratio, zoo_act act,
                            float eps);

/* --- the registry ------------------------------------------------------------------------ */

/* Each architecture file defines builders with this signature: given a
 * started net and its input, return the logits tensor. */
typedef zoo_t (*zoo_build_fn)(zoo_net *net, zoo_t input);

/* resnet.c */
zoo_t zoo_build_resnet18(zoo_net *net, zoo_t x);
zoo_t zoo_build_resnet50(zoo_net *net, zoo_t x);
/* mobilenet.c: the inverted-residual family */
zoo_t zoo_build_mobilenetv2_100(zoo_net *net, zoo_t x);
zoo_t zoo_build_mobilenetv3_large_100(zoo_net *net, zoo_t x);
zoo_t zoo_build_mnasnet_100(zoo_net *net, zoo_t x);
zoo_t zoo_build_efficientnet_b0(zoo_net *net, zoo_t x);
/* squeezenet.c */
zoo_t zoo_build_squeezenet1_1(zoo_net *net, zoo_t x);
/* densenet.c */
zoo_t zoo_build_densenet121(zoo_net *net, zoo_t x);
/* inception.c */
zoo_t zoo_build_inception_v3(zoo_net *net, zoo_t x);
/* convnext.c */
zoo_t zoo_build_convnext_tiny(zoo_net *net, zoo_t x);
/* vit.c */
zoo_t zoo_build_deit_tiny_patch16_224(zoo_net *net, zoo_t x);
/* levit.c */
zoo_t zoo_build_levit_128s(zoo_net *net, zoo_t x);
/* mobilevit.c */
zoo_t zoo_build_mobilevit_s(zoo_net *net, zoo_t x);

#endif

/*
 * zoo/convnext.c - ConvNeXt-Tiny, as timm's convnext_tiny (the same
 * modules, and so the same 28,589,128 parameters, as torchvision's).
 *
 * Stem: Conv2d(3, 96, 4, stride 4, bias) and LayerNorm2d.  Four stages of
 * depths (3, 3, 9, 3) and widths (96, 192, 384, 768); stages 1 to 3 open
 * with a downsample, LayerNorm2d then Conv2d(2, stride 2, bias).
 *
 * Block (timm ConvNeXtBlock, conv_mlp off): depthwise Conv2d(7, pad 3,
 * bias); permute to channels-last; LayerNorm; Mlp = Linear(d, 4d), GELU,
 * Linear(4d, d); layer scale gamma [d]; permute back; residual add.  The
 * gamma multiply is done before the permute back (the same product; timm
 * reshapes gamma to [1, d, 1, 1] after it).
 *
 * Head (NormMlpClassifierHead): global average pool, LayerNorm2d over the
 * pooled [N, 768, 1, 1] (here flatten and LayerNorm, the same parameters
 * and values), Linear(768, 1000).  Every LayerNorm has eps 1e-6.
 */
#include "zoo/zoo.h"

#define LN_EPS 1e-6f
#define MLP_RATIO 4
/* timm's ls_init_value: the layer scale starts at 1e-6. */
#define LAYER_SCALE 1e-6f

static zoo_t convnext_block(zoo_net *net, zoo_t x)
{
    if (!zoo_ok(net))
        return x;
    int64_t d = x.d[1];
    zoo_t y = zoo_conv2d(net, x, d, 7, 7, 1, 1, 3, 3, d, 1);
    y = zoo_transpose(net, y, 4, (const int64_t[]){ 0, 2, 3, 1 });
    y = zoo_layernorm(net, y, LN_EPS);
    y = zoo_linear(net, y, MLP_RATIO * d, 1);
    y = zoo_act_apply(net, y, ZOO_GELU);
    y = zoo_linear(net, y, d, 1);
    y = zoo_mul(net, y, zoo_param_fill(net, "ls_gamma", 1, &d, LAYER_SCALE));
    y = zoo_transpose(net, y, 4, (const int64_t[]){ 0, 3, 1, 2 });
    return zoo_add(net, x, y);
}

zoo_t zoo_build_convnext_tiny(zoo_net *net, zoo_t x)
{
    static const int depths[] = { 3, 3, 9, 3 };
    static const int64_t dims[] = { 96, 192, 384, 768 };

    x = zoo_conv2d(net, x, dims[0], 4, 4, 4, 4, 0, 0, 1, 1);
    x = zoo_layernorm2d(net, x, LN_EPS);
    for (int s = 0; s < 4; s++) {
        if (s > 0) {
            x = zoo_layernorm2d(net, x, LN_EPS);
            x = zoo_conv2d(net, x, dims[s], 2, 2, 2, 2, 0, 0, 1, 1);
        }
        for (int i = 0; i < depths[s]; i++)
            x = convnext_block(net, x);
    }
    x = zoo_flatten(net, zoo_global_avgpool(net, x));
    x = zoo_layernorm(net, x, LN_EPS);
    return zoo_linear(net, x, 1000, 1);
}

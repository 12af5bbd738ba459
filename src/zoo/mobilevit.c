/*
 * zoo/mobilevit.c - MobileViT-S, as timm's mobilevit_s (a ByobNet).
 *
 * Stem: 3x3 stride-2 conv-bn-SiLU to 16.  Stages:
 *   0: inverted residual 16 -> 32, stride 1
 *   1: inverted residual x3 to 64, first stride 2
 *   2: inverted residual to 96 (stride 2), MobileViT block (dim 144, depth 2)
 *   3: inverted residual to 128 (stride 2), MobileViT block (dim 192, depth 4)
 *   4: inverted residual to 160 (stride 2), MobileViT block (dim 240, depth 3)
 * then a 1x1 conv-bn-SiLU to 640, global average pool, Linear(640, 1000).
 *
 * The inverted residual is ByobNet's bottleneck with bottle_in (mid width
 * 4 x in_chs), a depthwise 3x3 and a linear output: 1x1 conv-bn-SiLU,
 * depthwise 3x3 conv-bn-SiLU (carrying the stride), 1x1 conv-bn; the
 * identity shortcut is added only where shapes are kept (downsample ''
 * gives no projection shortcut), and no activation follows the sum.
 *
 * The MobileViT block: 3x3 conv-bn-SiLU (C -> C), 1x1 conv to the
 * transformer dim (no bias, no norm), unfold into 2x2 patches
 * ([B, D, H, W] -> [B*4, H*W/4, D]), transformer blocks (pre-norm ViT
 * blocks: LayerNorm, attention with qkv bias and 4 heads, LayerNorm, MLP
 * with SiLU and ratio 2), LayerNorm, fold back, 1x1 conv-bn-SiLU back to C,
 * concatenation with the block input, and a 3x3 conv-bn-SiLU (2C -> C).
 * All convolutions of ConvBnAct are bias-free; LayerNorm eps is 1e-5.
 */
#include "zoo/zoo.h"

#define PATCH 2    /* patch height and width */
#define HEADS 4
#define MLP_RATIO 2
#define LN_EPS 1e-5f

/* ByobNet BottleneckBlock(bottle_in, linear_out, group size 1). */
static zoo_t inverted_residual(zoo_net *net, zoo_t x, int64_t cout, int64_t stride)
{
    int64_t cin = x.d[1], mid = cin * 4;
    zoo_t y = zoo_conv_bn_act(net, x, mid, 1, 1, 1, ZOO_SILU);
    y = zoo_conv_bn_act(net, y, mid, 3, stride, mid, ZOO_SILU);
    y = zoo_conv_bn_act(net, y, cout, 1, 1, 1, ZOO_NONE);
    if (cin == cout && stride == 1)
        y = zoo_add(net, y, x);
    return y;
}

static zoo_t mobilevit_block(zoo_net *net, zoo_t x, int64_t dim, int depth)
{
    zoo_t shortcut = x;
    int64_t b = net->batch, c = x.d[1], h = x.d[2], w = x.d[3];
    if (!zoo_ok(net))
        return x;
    if (h % PATCH || w % PATCH)
        /* timm interpolates to a multiple of the patch; the zoo's resolutions
         * (multiples of 32) never need it. */
        return zoo_fail(net, "mobilevit: feature map %lldx%lld is not a multiple of the %d-pixel "
                        "patch", (long long)h, (long long)w, PATCH);
    int64_t nh = h / PATCH, nw = w / PATCH, area = PATCH * PATCH, n = nh * nw;

    /* Local representation. */
    zoo_t y = zoo_conv_bn_act(net, x, c, 3, 1, 1, ZOO_SILU);
    y = zoo_conv(net, y, dim, 1, 1, 1);

    /* Unfold: [B, D, nh, ph, nw, pw] -> [B, ph, pw, nh, nw, D] -> [B*P, N, D],
     * the order timm's reshape/transpose pair gives. */
    y = zoo_reshape(net, y, 6, (const int64_t[]){ b, dim, nh, PATCH, nw, PATCH });
    y = zoo_transpose(net, y, 6, (const int64_t[]){ 0, 3, 5, 2, 4, 1 });
    y = zoo_reshape(net, y, 3, (const int64_t[]){ b * area, n, dim });

    /* Global representation. */
    for (int i = 0; i < depth; i++)
        y = zoo_transformer_block(net, y, HEADS, MLP_RATIO, ZOO_SILU, LN_EPS);
    y = zoo_layernorm(net, y, LN_EPS);

    /* Fold: [B, ph, pw, nh, nw, D] -> [B, D, nh, ph, nw, pw] -> [B, D, H, W]. */
    y = zoo_reshape(net, y, 6, (const int64_t[]){ b, PATCH, PATCH, nh, nw, dim });
    y = zoo_transpose(net, y, 6, (const int64_t[]){ 0, 5, 3, 1, 4, 2 });
    y = zoo_reshape(net, y, 4, (const int64_t[]){ b, dim, h, w });

    /* Projection and fusion. */
    y = zoo_conv_bn_act(net, y, c, 1, 1, 1, ZOO_SILU);
    zoo_t cat[2] = { shortcut, y };
    y = zoo_concat(net, 2, cat, 1);
    return zoo_conv_bn_act(net, y, c, 3, 1, 1, ZOO_SILU);
}

zoo_t zoo_build_mobilevit_s(zoo_net *net, zoo_t x)
{
    static const struct {
        int64_t chs, dim;
        int depth;
    } vit[] = { { 96, 144, 2 }, { 128, 192, 4 }, { 160, 240, 3 } };

    x = zoo_conv_bn_act(net, x, 16, 3, 2, 1, ZOO_SILU);
    x = inverted_residual(net, x, 32, 1);
    for (int i = 0; i < 3; i++)
        x = inverted_residual(net, x, 64, i == 0 ? 2 : 1);
    for (size_t s = 0; s < sizeof vit / sizeof vit[0]; s++) {
        x = inverted_residual(net, x, vit[s].chs, 2);
        x = mobilevit_block(net, x, vit[s].dim, vit[s].depth);
    }
    x = zoo_conv_bn_act(net, x, 640, 1, 1, 1, ZOO_SILU);
    x = zoo_flatten(net, zoo_global_avgpool(net, x));
    return zoo_linear(net, x, 1000, 1);
}

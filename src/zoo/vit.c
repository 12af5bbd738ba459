/*
 * zoo/vit.c - DeiT-Tiny, as timm's deit_tiny_patch16_224: a plain
 * VisionTransformer (patch 16, embed 192, depth 12, 3 heads, MLP ratio 4,
 * qkv bias, no distillation token, no layer scale).
 *
 * Patch embed: Conv2d(3, 192, 16, stride 16, bias), flattened to tokens
 * [N, L, 192].  A class token (one parameter [1, 1, 192], expanded to the
 * batch) is prepended and a learned position embedding [1, L + 1, 192] is
 * added; L = (R / 16)^2, so the resolution must be a multiple of 16.
 *
 * Blocks (timm Block): x + Attention(LayerNorm(x)), then
 * x + Mlp(LayerNorm(x)) with Linear(192, 768), GELU, Linear(768, 192).
 * Then a final LayerNorm over all tokens, the class token (x[:, 0]) and
 * head Linear(192, 1000).  LayerNorm eps is 1e-6 throughout.
 */
#include "zoo/zoo.h"

#define PATCH 16
#define EMBED 192
#define DEPTH 12
#define HEADS 3
#define MLP_RATIO 4
#define LN_EPS 1e-6f

zoo_t zoo_build_deit_tiny_patch16_224(zoo_net *net, zoo_t x)
{
    if (!zoo_ok(net))
        return x;
    int64_t res = x.d[2];
    if (x.d[2] % PATCH || x.d[3] % PATCH)
        return zoo_fail(net, "the resolution must be a multiple of the %d-pixel patch, not %lld",
                        PATCH, (long long)res);
    int64_t n = net->batch, grid = res / PATCH, tokens = grid * grid + 1;

    /* Patch embedding: [N, 192, g, g] -> [N, g*g, 192]. */
    x = zoo_conv2d(net, x, EMBED, PATCH, PATCH, PATCH, PATCH, 0, 0, 1, 1);
    x = zoo_reshape(net, x, 3, (const int64_t[]){ n, EMBED, grid * grid });
    x = zoo_transpose(net, x, 3, (const int64_t[]){ 0, 2, 1 });

    /* Class token and position embedding (timm: trunc normal std 0.02 for
     * the position embedding, normal std 1e-6 for the class token). */
    zoo_t cls = zoo_param(net, "cls_token", 3, (const int64_t[]){ 1, 1, EMBED }, 1e-6f);
    zoo_t cat[2] = { zoo_expand(net, cls, 3, (const int64_t[]){ n, 1, EMBED }), x };
    x = zoo_concat(net, 2, cat, 1);
    zoo_t pos = zoo_param(net, "pos_embed", 3, (const int64_t[]){ 1, tokens, EMBED }, 0.02f);
    x = zoo_add(net, x, pos);

    for (int i = 0; i < DEPTH; i++)
        x = zoo_transformer_block(net, x, HEADS, MLP_RATIO, ZOO_GELU, LN_EPS);
    x = zoo_layernorm(net, x, LN_EPS);

    /* x[:, 0]: gather the class token, [N, 1, 192] -> [N, 192]. */
    x = zoo_gather(net, x, zoo_ints(net, 1, (const int64_t[]){ 0 }), 1);
    x = zoo_flatten(net, x);
    return zoo_linear(net, x, 1000, 1);
}

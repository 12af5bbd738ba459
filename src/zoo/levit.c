/*
 * zoo/levit.c - LeViT-128S, as timm's levit_128s (LevitDistilled, the
 * nn.Linear form, both classifier heads): 7,777,058 parameters and
 * 304,660,832 MACs at 224.
 *
 * Stem16: four ConvNorm (Conv2d 3x3 stride 2 padding 1, no bias, then
 * BatchNorm2d) 3 -> 16 -> 32 -> 64 -> 128 with Hardswish between them (not
 * after the last), flattened to tokens [N, L, 128] (L = 14 x 14 at 224).
 *
 * LinearNorm is Linear (no bias) followed by BatchNorm1d over the channels
 * of every token.  Three stages of embed (128, 256, 384), heads (4, 6, 8),
 * depth (2, 3, 4), key_dim 16, attn_ratio 2, mlp_ratio 2:
 *
 *   LevitBlock:  x + Attention(x), then x + Mlp(x).
 *   Attention:   qkv LinearNorm(C, h * (16 + 16 + 32)) viewed [N, L, h, 64]
 *                and split (q 16, k 16, v 32) per head; scores
 *                q @ k^T * 16^-0.5 + attention_biases[:, idxs] (biases
 *                [h, L], idxs an int64 buffer [L, L] of |dy| * W + |dx|),
 *                softmax, @ v, heads concatenated [N, L, h * 32], then
 *                proj = Hardswish -> LinearNorm(h * 32, C).
 *   Mlp:         LinearNorm(C, 2C) -> Hardswish -> LinearNorm(2C, C).
 *
 * Stages 2 and 3 begin with LevitDownsample(in, out): AttentionDownsample
 * with h = in / 16 heads, key_dim 16, attn_ratio 4 (v 64 per head): kv
 * LinearNorm(in, h * (16 + 64)) over all L tokens; q from the tokens of the
 * stride-2 grid (x.view(N, H, W, C)[:, ::2, ::2]) through
 * LinearNorm(in, h * 16); biases [h, L] gathered by idxs [Lq, L] of the
 * absolute offsets between the subsampled and the full grid; proj
 * Hardswish -> LinearNorm(h * 64, out); no residual around it.  Then a
 * residual Mlp(out, 2 out).  The grid goes 14 -> 7 -> 4 ((r - 1) / 2 + 1).
 *
 * Head: mean over tokens, then head and head_dist, each NormLinear
 * (BatchNorm1d(384) -> Linear(384, 1000) with bias), averaged (inference
 * in distillation mode: (x + x_dist) / 2).
 *
 * The token grid is taken from the stem's actual output, so other
 * resolutions give the model timm would build for them where that exists
 * (timm needs R / 16 to match the stem, i.e. R a multiple of 16).
 */
#include <stdlib.h>

#include "zoo/zoo.h"

#define KEY_DIM 16
#define NUM_STAGES 3
#define NUM_CLASSES 1000

static const int64_t embed_dim[NUM_STAGES] = { 128, 256, 384 };
static const int64_t num_heads[NUM_STAGES] = { 4, 6, 8 };
static const int depth[NUM_STAGES] = { 2, 3, 4 };
#define ATTN_RATIO 2            /* in the blocks */
#define MLP_RATIO 2
#define DOWN_ATTN_RATIO 4       /* in AttentionDownsample */
#define DOWN_MLP_RATIO 2

/* Scale of the random attention biases (timm initialises them to zero). */
#define BIAS_BOUND 0.1f

/* LinearNorm: Linear(in, out, bias=False) -> BatchNorm1d(out) on tokens. */
static zoo_t linear_norm(zoo_net *net, zoo_t x, int64_t out)
{
    return zoo_bn_tokens(net, zoo_linear(net, x, out, 0));
}

/* LevitMlp: LinearNorm(C, hidden) -> Hardswish -> LinearNorm(hidden, C). */
static zoo_t levit_mlp(zoo_net *net, zoo_t x, int64_t hidden)
{
    int64_t c = x.d[2];
    zoo_t m = linear_norm(net, x, hidden);
    m = zoo_act_apply(net, m, ZOO_HSWISH);
    return linear_norm(net, m, c);
}

/*
 * attention_bias_idxs: for query position (qy, qx) on the grid subsampled
 * by `stride` and key position (ky, kx) on the full h x w grid,
 * |qy - ky| * w + |qx - kx|.  stride 1 gives Attention's [L, L] table.
 * Returns the buffer [Lq, L] as an int64 initializer (not a parameter).
 */
static zoo_t bias_idxs(zoo_net *net, int64_t h, int64_t w, int64_t stride)
{
    if (!zoo_ok(net))
        return (zoo_t){ 0 };
    int64_t hq = (h - 1) / stride + 1, wq = (w - 1) / stride + 1;
    int64_t lq = hq * wq, lk = h * w;
    int64_t *idx = malloc((size_t)(lq * lk) * sizeof *idx);
    if (!idx)
        return zoo_fail(net, "out of memory for LeViT's attention-bias indices");
    for (int64_t qi = 0; qi < hq; qi++)
        for (int64_t qj = 0; qj < wq; qj++)
            for (int64_t ki = 0; ki < h; ki++)
                for (int64_t kj = 0; kj < w; kj++) {
                    int64_t dy = llabs(qi * stride - ki), dx = llabs(qj * stride - kj);
                    idx[(qi * wq + qj) * lk + ki * w + kj] = dy * w + dx;
                }
    zoo_t t = zoo_buffer_i64(net, "attention_bias_idxs", 2, (const int64_t[]){ lq, lk }, idx);
    free(idx);
    return t;
}

/*
 * The attention core shared by Attention and AttentionDownsample: q
 * [N, heads, Lq, kd], k [N, heads, kd, L], v [N, heads, L, vd]; scores with
 * the gathered biases, softmax, @ v, back to [N, Lq, heads * vd], then the
 * proj (Hardswish -> LinearNorm to `out`).
 */
static zoo_t attend(zoo_net *net, zoo_t q, zoo_t k, zoo_t v, int64_t h, int64_t w, int64_t stride,
                    int64_t out)
{
    int64_t n = q.d[0], heads = q.d[1], lq = q.d[2], vd = v.d[3];
    zoo_t biases = zoo_param(net, "attention_biases", 2, (const int64_t[]){ heads, h * w }, BIAS_BOUND);
    zoo_t ab = zoo_gather(net, biases, bias_idxs(net, h, w, stride), 1); /* [heads, Lq, L] */

    zoo_t attn = zoo_matmul(net, q, k);                                  /* [N, heads, Lq, L] */
    attn = zoo_scale(net, attn, 1.0f / 4.0f);                            /* KEY_DIM ** -0.5 */
    attn = zoo_add(net, attn, ab);
    attn = zoo_softmax(net, attn, 3);

    zoo_t x = zoo_matmul(net, attn, v);                                  /* [N, heads, Lq, vd] */
    x = zoo_transpose(net, x, 4, (const int64_t[]){ 0, 2, 1, 3 });
    x = zoo_reshape(net, x, 3, (const int64_t[]){ n, lq, heads * vd });
    x = zoo_act_apply(net, x, ZOO_HSWISH);
    return linear_norm(net, x, out);
}

/* Attention on an h x w grid of tokens x [N, h*w, C]. */
static zoo_t attention(zoo_net *net, zoo_t x, int64_t h, int64_t w, int64_t heads)
{
    int64_t n = x.d[0], l = x.d[1], c = x.d[2], vd = ATTN_RATIO * KEY_DIM;
    int64_t per_head = 2 * KEY_DIM + vd;
    zoo_t qkv = linear_norm(net, x, heads * per_head);
    qkv = zoo_reshape(net, qkv, 4, (const int64_t[]){ n, l, heads, per_head });
    zoo_t part[3];
    zoo_split(net, qkv, 3, 3, (const int64_t[]){ KEY_DIM, KEY_DIM, vd }, part);
    zoo_t q = zoo_transpose(net, part[0], 4, (const int64_t[]){ 0, 2, 1, 3 });
    zoo_t k = zoo_transpose(net, part[1], 4, (const int64_t[]){ 0, 2, 3, 1 });
    zoo_t v = zoo_transpose(net, part[2], 4, (const int64_t[]){ 0, 2, 1, 3 });
    return attend(net, q, k, v, h, w, 1, c);
}

/* AttentionDownsample (stride 2) from an h x w grid of x [N, h*w, C] to
 * `out` channels on the subsampled grid. */
static zoo_t attention_downsample(zoo_net *net, zoo_t x, int64_t h, int64_t w, int64_t out)
{
    int64_t n = x.d[0], l = x.d[1], c = x.d[2];
    int64_t heads = c / KEY_DIM, vd = DOWN_ATTN_RATIO * KEY_DIM;
    int64_t hq = (h - 1) / 2 + 1, wq = (w - 1) / 2 + 1;

    zoo_t kv = linear_norm(net, x, heads * (KEY_DIM + vd));
    kv = zoo_reshape(net, kv, 4, (const int64_t[]){ n, l, heads, KEY_DIM + vd });
    zoo_t part[2];
    zoo_split(net, kv, 3, 2, (const int64_t[]){ KEY_DIM, vd }, part);
    zoo_t k = zoo_transpose(net, part[0], 4, (const int64_t[]){ 0, 2, 3, 1 });
    zoo_t v = zoo_transpose(net, part[1], 4, (const int64_t[]){ 0, 2, 1, 3 });

    /* q: Downsample (x.view(N, h, w, C)[:, ::2, ::2]) then LinearNorm. */
    zoo_t s = zoo_reshape(net, x, 4, (const int64_t[]){ n, h, w, c });
    s = zoo_slice(net, s, 1, 0, h, 2);
    s = zoo_slice(net, s, 2, 0, w, 2);
    s = zoo_reshape(net, s, 3, (const int64_t[]){ n, hq * wq, c });
    zoo_t q = linear_norm(net, s, heads * KEY_DIM);
    q = zoo_reshape(net, q, 4, (const int64_t[]){ n, hq * wq, heads, KEY_DIM });
    q = zoo_transpose(net, q, 4, (const int64_t[]){ 0, 2, 1, 3 });

    return attend(net, q, k, v, h, w, 2, out);
}

/* NormLinear: BatchNorm1d(C) -> Linear(C, classes, bias) on [N, C]. */
static zoo_t norm_linear(zoo_net *net, zoo_t x, int64_t classes)
{
    int64_t n = x.d[0], c = x.d[1];
    zoo_t t = zoo_reshape(net, x, 3, (const int64_t[]){ n, 1, c });
    t = zoo_bn_tokens(net, t);
    t = zoo_reshape(net, t, 2, (const int64_t[]){ n, c });
    return zoo_linear(net, t, classes, 1);
}

zoo_t zoo_build_levit_128s(zoo_net *net, zoo_t x)
{
    if (!zoo_ok(net))
        return x;
    int64_t n = x.d[0];

    /* Stem16. */
    x = zoo_conv_bn_act(net, x, embed_dim[0] / 8, 3, 2, 1, ZOO_HSWISH);
    x = zoo_conv_bn_act(net, x, embed_dim[0] / 4, 3, 2, 1, ZOO_HSWISH);
    x = zoo_conv_bn_act(net, x, embed_dim[0] / 2, 3, 2, 1, ZOO_HSWISH);
    x = zoo_conv_bn_act(net, x, embed_dim[0], 3, 2, 1, ZOO_NONE);
    if (!zoo_ok(net))
        return x;
    int64_t h = x.d[2], w = x.d[3];
    x = zoo_reshape(net, x, 3, (const int64_t[]){ n, embed_dim[0], h * w });
    x = zoo_transpose(net, x, 3, (const int64_t[]){ 0, 2, 1 });

    for (int s = 0; s < NUM_STAGES; s++) {
        if (s > 0) {
            x = attention_downsample(net, x, h, w, embed_dim[s]);
            h = (h - 1) / 2 + 1;
            w = (w - 1) / 2 + 1;
            x = zoo_add(net, x, levit_mlp(net, x, embed_dim[s] * DOWN_MLP_RATIO));
        }
        for (int b = 0; b < depth[s]; b++) {
            x = zoo_add(net, x, attention(net, x, h, w, num_heads[s]));
            x = zoo_add(net, x, levit_mlp(net, x, embed_dim[s] * MLP_RATIO));
        }
    }

    x = zoo_mean(net, x, 1);                            /* [N, 384] */
    zoo_t y = norm_linear(net, x, NUM_CLASSES);
    zoo_t y_dist = norm_linear(net, x, NUM_CLASSES);
    return zoo_scale(net, zoo_add(net, y, y_dist), 0.5f);
}

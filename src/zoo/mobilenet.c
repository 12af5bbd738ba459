/*
 * zoo/mobilenet.c - the inverted-residual family, as timm builds it with
 * its EfficientNetBuilder: mobilenetv2_100, mobilenetv3_large_100,
 * mnasnet_100 and efficientnet_b0.
 *
 * Every network is a 3x3 stride-2 stem conv-bn-act, a list of stages of
 * blocks, and a head.  The blocks (timm's _efficientnet_blocks.py):
 *
 *   ds  DepthwiseSeparableConv: depthwise kxk conv-bn-act (carrying the
 *       stride), optional squeeze-excite, 1x1 conv-bn (no activation).
 *   ir  InvertedResidual: 1x1 conv-bn-act to mid = make_divisible(in x e),
 *       depthwise kxk conv-bn-act (stride), optional squeeze-excite, 1x1
 *       conv-bn (no activation).
 *   cn  ConvBnAct: kxk conv-bn-act (no skip in these models).
 *
 * ds and ir add the identity when stride is 1, in == out and the stage
 * string does not say noskip.  Padding is symmetric k/2 (timm's default
 * pad_type '', not the tf_ "same" variants); all block convs are bias-free.
 *
 * Squeeze-excite (timm's SqueezeExcite: mean, 1x1 conv with bias, act,
 * 1x1 conv with bias, gate, multiply) takes its reduced width either from
 * the expanded width (MobileNetV3: se_from_exp, make_divisible(mid x 0.25))
 * or from the block input (EfficientNet: round(in x 0.25)).
 *
 * Heads: EfficientNet-class models (v2, MnasNet, EfficientNet) do a 1x1
 * conv-bn-act to 1280, global pool, Linear(1280, 1000).  MobileNetV3 ends
 * its blocks with the cn 1x1 conv-bn-act to 960, then its "efficient head":
 * global pool, 1x1 conv 960 -> 1280 WITH bias and no norm, hard-swish,
 * flatten, Linear(1280, 1000).
 */
#include "zoo/zoo.h"

#include <math.h>

typedef enum blk_type { BLK_DS, BLK_IR, BLK_CN } blk_type;

/* One entry of a timm arch string, e.g. 'ir_r3_k5_s2_e3_c40_se0.25_nre'. */
typedef struct blk_def {
    blk_type type;
    int repeat;
    int64_t k, stride;
    double exp;             /* expansion ratio (ir) */
    int64_t cout;
    double se;              /* 0: no squeeze-excite */
    int relu;               /* _nre: ReLU instead of the model's activation */
    int noskip;
} blk_def;

/* How a model builds its blocks. */
typedef struct mb_cfg {
    zoo_act act;            /* the model's activation */
    int se_from_exp;        /* SE width from the expanded width (else block input) */
    int se_round_div8;      /* SE width rounded by make_divisible (else round()) */
    zoo_act se_act;         /* ZOO_NONE: the block's activation */
    zoo_act se_gate;
} mb_cfg;

/* timm's make_divisible(v, 8): nearest multiple of 8, at least 8, never
 * below 90% of v. */
static int64_t make_divisible(double v)
{
    const int64_t divisor = 8;
    int64_t n = (int64_t)(v + divisor / 2.0) / divisor * divisor;
    if (n < divisor)
        n = divisor;
    if ((double)n < 0.9 * v)
        n += divisor;
    return n;
}

static zoo_t squeeze_excite(zoo_net *net, zoo_t x, const mb_cfg *cfg, const blk_def *d, zoo_act block_act)
{
    /* Without se_from_exp timm divides se_ratio by the expansion ratio, so
     * the reduced width is the block input's share (in x se). */
    double ratio = cfg->se_from_exp ? d->se : d->se / (d->type == BLK_IR ? d->exp : 1.0);
    double v = (double)x.d[1] * ratio;
    int64_t rd = cfg->se_round_div8 ? make_divisible(v) : (int64_t)llround(v);
    return zoo_se(net, x, rd, cfg->se_act != ZOO_NONE ? cfg->se_act : block_act, cfg->se_gate);
}

static zoo_t block(zoo_net *net, zoo_t x, const mb_cfg *cfg, const blk_def *d, int64_t stride)
{
    if (!zoo_ok(net))
        return x;
    int64_t cin = x.d[1];
    zoo_act act = d->relu ? ZOO_RELU : cfg->act;
    zoo_t y = x;
    switch (d->type) {
    case BLK_CN:
        return zoo_conv_bn_act(net, x, d->cout, d->k, stride, 1, act);
    case BLK_DS:
        y = zoo_conv_bn_act(net, y, cin, d->k, stride, cin, act);
        break;
    case BLK_IR: {
        int64_t mid = make_divisible((double)cin * d->exp);
        y = zoo_conv_bn_act(net, y, mid, 1, 1, 1, act);
        y = zoo_conv_bn_act(net, y, mid, d->k, stride, mid, act);
        break;
    }
    }
    if (d->se > 0)
        y = squeeze_excite(net, y, cfg, d, act);
    int skip = stride == 1 && cin == d->cout && !d->noskip;
    y = zoo_conv(net, y, d->cout, 1, 1, 1);
    if (!skip)
        return zoo_bn(net, y);
    return zoo_add(net, zoo_bn_residual(net, y), x);
}

/* Stem, every block of `defs` (the first of each entry carries its stride). */
static zoo_t body(zoo_net *net, zoo_t x, const mb_cfg *cfg, int64_t stem, const blk_def *defs, size_t n)
{
    x = zoo_conv_bn_act(net, x, stem, 3, 2, 1, cfg->act);
    for (size_t i = 0; i < n; i++)
        for (int r = 0; r < defs[i].repeat; r++)
            x = block(net, x, cfg, &defs[i], r == 0 ? defs[i].stride : 1);
    return x;
}

/* EfficientNet class head: conv_head 1x1 conv-bn-act, pool, classifier. */
static zoo_t effnet_head(zoo_net *net, zoo_t x, zoo_act act, int64_t features)
{
    x = zoo_conv_bn_act(net, x, features, 1, 1, 1, act);
    x = zoo_flatten(net, zoo_global_avgpool(net, x));
    return zoo_linear(net, x, 1000, 1);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* timm _gen_mobilenet_v2, multiplier 1.0: ReLU6 throughout. */
zoo_t zoo_build_mobilenetv2_100(zoo_net *net, zoo_t x)
{
    static const blk_def defs[] = {
        { BLK_DS, 1, 3, 1, 1, 16, 0, 0, 0 },    /* ds_r1_k3_s1_c16 */
        { BLK_IR, 2, 3, 2, 6, 24, 0, 0, 0 },    /* ir_r2_k3_s2_e6_c24 */
        { BLK_IR, 3, 3, 2, 6, 32, 0, 0, 0 },    /* ir_r3_k3_s2_e6_c32 */
        { BLK_IR, 4, 3, 2, 6, 64, 0, 0, 0 },    /* ir_r4_k3_s2_e6_c64 */
        { BLK_IR, 3, 3, 1, 6, 96, 0, 0, 0 },    /* ir_r3_k3_s1_e6_c96 */
        { BLK_IR, 3, 3, 2, 6, 160, 0, 0, 0 },   /* ir_r3_k3_s2_e6_c160 */
        { BLK_IR, 1, 3, 1, 6, 320, 0, 0, 0 },   /* ir_r1_k3_s1_e6_c320 */
    };
    static const mb_cfg cfg = { ZOO_RELU6, 0, 0, ZOO_NONE, ZOO_SIGMOID };
    x = body(net, x, &cfg, 32, defs, COUNT(defs));
    return effnet_head(net, x, ZOO_RELU6, 1280);
}

/* timm _gen_mobilenet_v3 ('large', multiplier 1.0): hard-swish except the
 * _nre blocks; SE with ReLU, hard-sigmoid gate, width make_divisible(mid/4). */
zoo_t zoo_build_mobilenetv3_large_100(zoo_net *net, zoo_t x)
{
    static const blk_def defs[] = {
        { BLK_DS, 1, 3, 1, 1, 16, 0, 1, 0 },        /* ds_r1_k3_s1_e1_c16_nre */
        { BLK_IR, 1, 3, 2, 4, 24, 0, 1, 0 },        /* ir_r1_k3_s2_e4_c24_nre */
        { BLK_IR, 1, 3, 1, 3, 24, 0, 1, 0 },        /* ir_r1_k3_s1_e3_c24_nre */
        { BLK_IR, 3, 5, 2, 3, 40, 0.25, 1, 0 },     /* ir_r3_k5_s2_e3_c40_se0.25_nre */
        { BLK_IR, 1, 3, 2, 6, 80, 0, 0, 0 },        /* ir_r1_k3_s2_e6_c80 */
        { BLK_IR, 1, 3, 1, 2.5, 80, 0, 0, 0 },      /* ir_r1_k3_s1_e2.5_c80 */
        { BLK_IR, 2, 3, 1, 2.3, 80, 0, 0, 0 },      /* ir_r2_k3_s1_e2.3_c80 */
        { BLK_IR, 2, 3, 1, 6, 112, 0.25, 0, 0 },    /* ir_r2_k3_s1_e6_c112_se0.25 */
        { BLK_IR, 3, 5, 2, 6, 160, 0.25, 0, 0 },    /* ir_r3_k5_s2_e6_c160_se0.25 */
        { BLK_CN, 1, 1, 1, 1, 960, 0, 0, 0 },       /* cn_r1_k1_s1_c960 */
    };
    static const mb_cfg cfg = { ZOO_HSWISH, 1, 1, ZOO_RELU, ZOO_HSIGMOID };
    x = body(net, x, &cfg, 16, defs, COUNT(defs));
    /* Efficient head: pool first, then conv_head (bias, no norm). */
    x = zoo_global_avgpool(net, x);
    x = zoo_conv2d(net, x, 1280, 1, 1, 1, 1, 0, 0, 1, 1);
    x = zoo_act_apply(net, x, ZOO_HSWISH);
    x = zoo_flatten(net, x);
    return zoo_linear(net, x, 1000, 1);
}

/* timm _gen_mnasnet_b1, multiplier 1.0: ReLU, no SE. */
zoo_t zoo_build_mnasnet_100(zoo_net *net, zoo_t x)
{
    static const blk_def defs[] = {
        { BLK_DS, 1, 3, 1, 1, 16, 0, 0, 1 },    /* ds_r1_k3_s1_c16_noskip */
        { BLK_IR, 3, 3, 2, 3, 24, 0, 0, 0 },    /* ir_r3_k3_s2_e3_c24 */
        { BLK_IR, 3, 5, 2, 3, 40, 0, 0, 0 },    /* ir_r3_k5_s2_e3_c40 */
        { BLK_IR, 3, 5, 2, 6, 80, 0, 0, 0 },    /* ir_r3_k5_s2_e6_c80 */
        { BLK_IR, 2, 3, 1, 6, 96, 0, 0, 0 },    /* ir_r2_k3_s1_e6_c96 */
        { BLK_IR, 4, 5, 2, 6, 192, 0, 0, 0 },   /* ir_r4_k5_s2_e6_c192 */
        { BLK_IR, 1, 3, 1, 6, 320, 0, 0, 1 },   /* ir_r1_k3_s1_e6_c320_noskip */
    };
    static const mb_cfg cfg = { ZOO_RELU, 0, 0, ZOO_NONE, ZOO_SIGMOID };
    x = body(net, x, &cfg, 32, defs, COUNT(defs));
    return effnet_head(net, x, ZOO_RELU, 1280);
}

/* timm _gen_efficientnet ('efficientnet_b0': width 1.0, depth 1.0): SiLU;
 * SE on every block with SiLU, sigmoid gate, width round(in / 4). */
zoo_t zoo_build_efficientnet_b0(zoo_net *net, zoo_t x)
{
    static const blk_def defs[] = {
        { BLK_DS, 1, 3, 1, 1, 16, 0.25, 0, 0 },     /* ds_r1_k3_s1_e1_c16_se0.25 */
        { BLK_IR, 2, 3, 2, 6, 24, 0.25, 0, 0 },     /* ir_r2_k3_s2_e6_c24_se0.25 */
        { BLK_IR, 2, 5, 2, 6, 40, 0.25, 0, 0 },     /* ir_r2_k5_s2_e6_c40_se0.25 */
        { BLK_IR, 3, 3, 2, 6, 80, 0.25, 0, 0 },     /* ir_r3_k3_s2_e6_c80_se0.25 */
        { BLK_IR, 3, 5, 1, 6, 112, 0.25, 0, 0 },    /* ir_r3_k5_s1_e6_c112_se0.25 */
        { BLK_IR, 4, 5, 2, 6, 192, 0.25, 0, 0 },    /* ir_r4_k5_s2_e6_c192_se0.25 */
        { BLK_IR, 1, 3, 1, 6, 320, 0.25, 0, 0 },    /* ir_r1_k3_s1_e6_c320_se0.25 */
    };
    static const mb_cfg cfg = { ZOO_SILU, 0, 0, ZOO_NONE, ZOO_SIGMOID };
    x = body(net, x, &cfg, 32, defs, COUNT(defs));
    return effnet_head(net, x, ZOO_SILU, 1280);
}

/*
 * zoo/inception.c - torchvision's Inception v3 (aux_logits=False,
 * transform_input=False), input 299.
 *
 * Every conv is a BasicConv2d: conv (no bias), BatchNorm (eps 0.001 in
 * torchvision; zoo_bn's 1e-5 changes no count), ReLU.  Stem: 3x3/2 -> 32,
 * 3x3 -> 32, 3x3 pad 1 -> 64, 3x3/2 max pool, 1x1 -> 80, 3x3 -> 192,
 * 3x3/2 max pool.  Then Mixed_5b..5d (InceptionA), 6a (InceptionB),
 * 6b..6e (InceptionC, factorised 1x7 / 7x1), 7a (InceptionD), 7b..7c
 * (InceptionE).  Head: global average pool, flatten, Linear(2048, 1000)
 * (the dropout is an identity at inference and omitted).
 */
#include "zoo/zoo.h"

/* BasicConv2d with a kh x kw kernel, stride s, padding ph x pw. */
static zoo_t basic(zoo_net *net, zoo_t x, int64_t cout, int64_t kh, int64_t kw, int64_t s, int64_t ph, int64_t pw)
{
    zoo_t y = zoo_conv2d(net, x, cout, kh, kw, s, s, ph, pw, 1, 0);
    return zoo_act_apply(net, zoo_bn(net, y), ZOO_RELU);
}

/* Square-kernel BasicConv2d. */
static zoo_t basic_k(zoo_net *net, zoo_t x, int64_t cout, int64_t k, int64_t s, int64_t p)
{
    return basic(net, x, cout, k, k, s, p, p);
}

static zoo_t inception_a(zoo_net *net, zoo_t x, int64_t pool_features)
{
    zoo_t b[4];
    b[0] = basic_k(net, x, 64, 1, 1, 0);
    b[1] = basic_k(net, basic_k(net, x, 48, 1, 1, 0), 64, 5, 1, 2);
    zoo_t d = basic_k(net, x, 64, 1, 1, 0);
    d = basic_k(net, d, 96, 3, 1, 1);
    b[2] = basic_k(net, d, 96, 3, 1, 1);
    b[3] = basic_k(net, zoo_avgpool(net, x, 3, 1, 1, 1), pool_features, 1, 1, 0);
    return zoo_concat(net, 4, b, 1);
}

static zoo_t inception_b(zoo_net *net, zoo_t x)
{
    zoo_t b[3];
    b[0] = basic_k(net, x, 384, 3, 2, 0);
    zoo_t d = basic_k(net, x, 64, 1, 1, 0);
    d = basic_k(net, d, 96, 3, 1, 1);
    b[1] = basic_k(net, d, 96, 3, 2, 0);
    b[2] = zoo_maxpool(net, x, 3, 2, 0, 0);
    return zoo_concat(net, 3, b, 1);
}

static zoo_t conv_1x7(zoo_net *net, zoo_t x, int64_t cout)
{
    return basic(net, x, cout, 1, 7, 1, 0, 3);
}

static zoo_t conv_7x1(zoo_net *net, zoo_t x, int64_t cout)
{
    return basic(net, x, cout, 7, 1, 1, 3, 0);
}

static zoo_t inception_c(zoo_net *net, zoo_t x, int64_t c7)
{
    zoo_t b[4];
    b[0] = basic_k(net, x, 192, 1, 1, 0);
    zoo_t s = basic_k(net, x, c7, 1, 1, 0);
    s = conv_1x7(net, s, c7);
    b[1] = conv_7x1(net, s, 192);
    zoo_t d = basic_k(net, x, c7, 1, 1, 0);
    d = conv_7x1(net, d, c7);
    d = conv_1x7(net, d, c7);
    d = conv_7x1(net, d, c7);
    b[2] = conv_1x7(net, d, 192);
    b[3] = basic_k(net, zoo_avgpool(net, x, 3, 1, 1, 1), 192, 1, 1, 0);
    return zoo_concat(net, 4, b, 1);
}

static zoo_t inception_d(zoo_net *net, zoo_t x)
{
    zoo_t b[3];
    b[0] = basic_k(net, basic_k(net, x, 192, 1, 1, 0), 320, 3, 2, 0);
    zoo_t s = basic_k(net, x, 192, 1, 1, 0);
    s = conv_1x7(net, s, 192);
    s = conv_7x1(net, s, 192);
    b[1] = basic_k(net, s, 192, 3, 2, 0);
    b[2] = zoo_maxpool(net, x, 3, 2, 0, 0);
    return zoo_concat(net, 3, b, 1);
}

/* A 1x3 and a 3x1 conv side by side on x, concatenated (384 + 384). */
static zoo_t split_3x3(zoo_net *net, zoo_t x)
{
    zoo_t p[2] = { basic(net, x, 384, 1, 3, 1, 0, 1), basic(net, x, 384, 3, 1, 1, 1, 0) };
    return zoo_concat(net, 2, p, 1);
}

static zoo_t inception_e(zoo_net *net, zoo_t x)
{
    zoo_t b[4];
    b[0] = basic_k(net, x, 320, 1, 1, 0);
    b[1] = split_3x3(net, basic_k(net, x, 384, 1, 1, 0));
    zoo_t d = basic_k(net, x, 448, 1, 1, 0);
    d = basic_k(net, d, 384, 3, 1, 1);
    b[2] = split_3x3(net, d);
    b[3] = basic_k(net, zoo_avgpool(net, x, 3, 1, 1, 1), 192, 1, 1, 0);
    return zoo_concat(net, 4, b, 1);
}

zoo_t zoo_build_inception_v3(zoo_net *net, zoo_t x)
{
    x = basic_k(net, x, 32, 3, 2, 0);
    x = basic_k(net, x, 32, 3, 1, 0);
    x = basic_k(net, x, 64, 3, 1, 1);
    x = zoo_maxpool(net, x, 3, 2, 0, 0);
    x = basic_k(net, x, 80, 1, 1, 0);
    x = basic_k(net, x, 192, 3, 1, 0);
    x = zoo_maxpool(net, x, 3, 2, 0, 0);
    x = inception_a(net, x, 32);
    x = inception_a(net, x, 64);
    x = inception_a(net, x, 64);
    x = inception_b(net, x);
    x = inception_c(net, x, 128);
    x = inception_c(net, x, 160);
    x = inception_c(net, x, 160);
    x = inception_c(net, x, 192);
    x = inception_d(net, x);
    x = inception_e(net, x);
    x = inception_e(net, x);
    x = zoo_flatten(net, zoo_global_avgpool(net, x));
    return zoo_linear(net, x, 1000, 1);
}

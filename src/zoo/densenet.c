/*
 * zoo/densenet.c - torchvision's DenseNet-121.
 *
 * Stem: 7x7/2 conv (no bias) to 64, BN, ReLU, 3x3/2 max pool.  Four dense
 * blocks of 6, 12, 24 and 16 layers at growth rate 32; a dense layer is
 * BN-ReLU-conv1x1 (to bn_size 4 x growth = 128) then BN-ReLU-conv3x3 (to
 * 32), its output concatenated onto the block's features.  Between blocks
 * a transition halves the channels (BN-ReLU-conv1x1) and the resolution
 * (2x2/2 average pool).  Head: BN, ReLU, global average pool, flatten,
 * Linear(1024, 1000).
 */
#include "zoo/zoo.h"

enum { GROWTH = 32, BN_SIZE = 4 };

static zoo_t bn_relu_conv(zoo_net *net, zoo_t x, int64_t cout, int64_t k)
{
    return zoo_conv(net, zoo_act_apply(net, zoo_bn(net, x), ZOO_RELU), cout, k, 1, 1);
}

static zoo_t dense_block(zoo_net *net, zoo_t x, int layers)
{
    for (int i = 0; i < layers; i++) {
        zoo_t y = bn_relu_conv(net, x, BN_SIZE * GROWTH, 1);
        y = bn_relu_conv(net, y, GROWTH, 3);
        zoo_t parts[2] = { x, y };
        x = zoo_concat(net, 2, parts, 1);
    }
    return x;
}

static zoo_t transition(zoo_net *net, zoo_t x)
{
    x = bn_relu_conv(net, x, x.d[1] / 2, 1);
    return zoo_avgpool(net, x, 2, 2, 0, 1);
}

zoo_t zoo_build_densenet121(zoo_net *net, zoo_t x)
{
    static const int blocks[4] = { 6, 12, 24, 16 };
    x = zoo_act_apply(net, zoo_bn(net, zoo_conv2d(net, x, 64, 7, 7, 2, 2, 3, 3, 1, 0)), ZOO_RELU);
    x = zoo_maxpool(net, x, 3, 2, 1, 0);
    for (int b = 0; b < 4; b++) {
        x = dense_block(net, x, blocks[b]);
        if (b < 3)
            x = transition(net, x);
    }
    x = zoo_act_apply(net, zoo_bn(net, x), ZOO_RELU);
    x = zoo_flatten(net, zoo_global_avgpool(net, x));
    return zoo_linear(net, x, 1000, 1);
}

/*
 * zoo/resnet.c - torchvision's ResNet-18 and ResNet-50.
 *
 * Stem: 7x7/2 conv, BN, ReLU, 3x3/2 max pool.  Four stages of 64, 128,
 * 256 and 512 planes, the first at stride 1 and the rest at stride 2.
 * ResNet-18 stacks BasicBlocks (two 3x3 convs) two to a stage; ResNet-50
 * stacks Bottlenecks (1x1, 3x3, 1x1 with expansion 4) 3, 4, 6, 3 to a
 * stage, with the stride on the 3x3 conv (v1.5).  A block whose stride or
 * width changes takes its shortcut through a 1x1 conv (stride) and BN.
 * Head: global average pool, flatten, Linear(512 * expansion, 1000).
 */
#include "zoo/zoo.h"

/* The downsample path: conv1x1 (no bias) with the block's stride, BN.
 * Built after the main path, so the parameters come in torchvision's order. */
static zoo_t shortcut(zoo_net *net, zoo_t x, int64_t cout, int64_t stride)
{
    if (stride == 1 && x.d[1] == cout)
        return x;
    return zoo_bn(net, zoo_conv(net, x, cout, 1, stride, 1));
}

static zoo_t basic_block(zoo_net *net, zoo_t x, int64_t planes, int64_t stride)
{
    zoo_t y = zoo_conv_bn_act(net, x, planes, 3, stride, 1, ZOO_RELU);
    y = zoo_bn_residual(net, zoo_conv(net, y, planes, 3, 1, 1));
    zoo_t idt = shortcut(net, x, planes, stride);
    return zoo_act_apply(net, zoo_add(net, y, idt), ZOO_RELU);
}

static zoo_t bottleneck(zoo_net *net, zoo_t x, int64_t planes, int64_t stride)
{
    const int64_t expansion = 4;
    zoo_t y = zoo_conv_bn_act(net, x, planes, 1, 1, 1, ZOO_RELU);
    y = zoo_conv_bn_act(net, y, planes, 3, stride, 1, ZOO_RELU);
    y = zoo_bn_residual(net, zoo_conv(net, y, planes * expansion, 1, 1, 1));
    zoo_t idt = shortcut(net, x, planes * expansion, stride);
    return zoo_act_apply(net, zoo_add(net, y, idt), ZOO_RELU);
}

static zoo_t resnet(zoo_net *net, zoo_t x, const int depths[4], int use_bottleneck)
{
    static const int64_t planes[4] = { 64, 128, 256, 512 };
    x = zoo_act_apply(net, zoo_bn(net, zoo_conv2d(net, x, 64, 7, 7, 2, 2, 3, 3, 1, 0)), ZOO_RELU);
    x = zoo_maxpool(net, x, 3, 2, 1, 0);
    for (int s = 0; s < 4; s++)
        for (int i = 0; i < depths[s]; i++) {
            int64_t stride = (s > 0 && i == 0) ? 2 : 1;
            x = use_bottleneck ? bottleneck(net, x, planes[s], stride) : basic_block(net, x, planes[s], stride);
        }
    x = zoo_flatten(net, zoo_global_avgpool(net, x));
    return zoo_linear(net, x, 1000, 1);
}

zoo_t zoo_build_resnet18(zoo_net *net, zoo_t x)
{
    static const int depths[4] = { 2, 2, 2, 2 };
    return resnet(net, x, depths, 0);
}

zoo_t zoo_build_resnet50(zoo_net *net, zoo_t x)
{
    static const int depths[4] = { 3, 4, 6, 3 };
    return resnet(net, x, depths, 1);
}

/*
 * zoo/squeezenet.c - torchvision's SqueezeNet 1.1.
 *
 * Stem: 3x3/2 conv (bias, no padding) to 64, ReLU, 3x3/2 max pool (ceil
 * mode).  Eight Fire modules in three groups separated by ceil-mode max
 * pools; a Fire module squeezes with a 1x1 conv and concatenates a 1x1
 * and a 3x3 expansion, every conv with bias and ReLU.  Classifier: 1x1
 * conv (bias) 512 -> 1000, ReLU, global average pool, flatten (the
 * dropout before it is an identity at inference and omitted).
 */
#include "zoo/zoo.h"

/* nn.Conv2d(bias=True) with square kernel k, stride s, padding p, then ReLU. */
static zoo_t conv_relu(zoo_net *net, zoo_t x, int64_t cout, int64_t k, int64_t s, int64_t p)
{
    return zoo_act_apply(net, zoo_conv2d(net, x, cout, k, k, s, s, p, p, 1, 1), ZOO_RELU);
}

static zoo_t fire(zoo_net *net, zoo_t x, int64_t squeeze, int64_t e1, int64_t e3)
{
    zoo_t s = conv_relu(net, x, squeeze, 1, 1, 0);
    zoo_t parts[2] = { conv_relu(net, s, e1, 1, 1, 0), conv_relu(net, s, e3, 3, 1, 1) };
    return zoo_concat(net, 2, parts, 1);
}

zoo_t zoo_build_squeezenet1_1(zoo_net *net, zoo_t x)
{
    x = conv_relu(net, x, 64, 3, 2, 0);
    x = zoo_maxpool(net, x, 3, 2, 0, 1);
    x = fire(net, x, 16, 64, 64);
    x = fire(net, x, 16, 64, 64);
    x = zoo_maxpool(net, x, 3, 2, 0, 1);
    x = fire(net, x, 32, 128, 128);
    x = fire(net, x, 32, 128, 128);
    x = zoo_maxpool(net, x, 3, 2, 0, 1);
    x = fire(net, x, 48, 192, 192);
    x = fire(net, x, 48, 192, 192);
    x = fire(net, x, 64, 256, 256);
    x = fire(net, x, 64, 256, 256);
    x = conv_relu(net, x, 1000, 1, 1, 0);
    return zoo_flatten(net, zoo_global_avgpool(net, x));
}

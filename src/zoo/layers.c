/*
 * zoo/layers.c - the zoo's vocabulary: tensors with shapes, seeded
 * parameters, and PyTorch-module-shaped layers over the ONNX builder.
 */
#include "zoo/zoo.h"

#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

/* --- the net ---------------------------------------------------------------- */

static const zoo_t dead = { "", 0, { 0 } };

zoo_t zoo_fail(zoo_net *net, const char *fmt, ...)
{
    if (net->err.code == FRM_OK) {
        va_list ap;
        va_start(ap, fmt);
        net->err.code = FRM_E_ARGUMENT;
        vsnprintf(net->err.message, sizeof net->err.message, fmt, ap);
        va_end(ap);
    }
    return dead;
}

int zoo_ok(const zoo_net *net)
{
    return net->err.code == FRM_OK;
}

/* Once a layer failed, every later one returns the dead tensor; a dead
 * input (rank 0) never reaches the builder. */
static int alive(zoo_net *net, int n, const zoo_t *xs)
{
    if (!zoo_ok(net))
        return 0;
    for (int i = 0; i < n; i++)
        if (xs[i].rank == 0) {
            zoo_fail(net, "internal: a layer was given a dead tensor");
            return 0;
        }
    return 1;
}

/* A name used once in the graph: "<what>_<n>", kept in the net's pool. */
static const char *fresh(zoo_net *net, const char *what)
{
    char buf[96];
    snprintf(buf, sizeof buf, "%s_%u", what, net->counter++);
    uint32_t id = frmi_pool_intern(&net->names, buf);
    if (id == FRMI_NONE) {
        if (net->err.code == FRM_OK)
            frmi_nomem(&net->err);
        return "";
    }
    return frmi_pool_str(&net->names, id);
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform in [-1, 1). */
static float uniform(zoo_net *net)
{
    return (float)(splitmix64(&net->rng) >> 40) * (1.0f / 8388608.0f) - 1.0f;
}

zoo_t zoo_begin(zoo_net *net, const char *name, uint64_t seed, int64_t batch, int64_t res)
{
    memset(net, 0, sizeof *net);
    frmi_pool_init(&net->names);
    net->batch = batch;
    /* Each model's weights depend on the seed and its name only, not on
     * which other models are generated with it. */
    net->rng = seed;
    for (const char *p = name; *p; p++)
        net->rng = (net->rng ^ (uint8_t)*p) * 0x100000001b3u;
    net->b = frmi_onnx_builder_new(name, 17);
    if (!net->b) {
        frmi_nomem(&net->err);
        return dead;
    }
    frmi_onnx_set_producer(net->b, "frm zoo", NULL);
    if (batch < 1 || res < 1)
        return zoo_fail(net, "%s: batch and resolution must be positive", name);
    zoo_t x = { "input", 4, { batch, 3, res, res } };
    frmi_onnx_input(net->b, x.name, 1, 4, x.d, NULL);
    return x;
}

void zoo_discard(zoo_net *net)
{
    frmi_onnx_builder_free(net->b);
    frmi_pool_release(&net->names);
    memset(net, 0, sizeof *net);
}

/* Closes the graph with its "logits" output; false (and net->err) when it went wrong. */
static bool close_graph(zoo_net *net, zoo_t x)
{
    if (zoo_ok(net) && (x.rank != 2 || x.d[0] != net->batch || x.d[1] != 1000))
        zoo_fail(net, "internal: the network ends in a tensor of rank %d, not [batch, 1000]", x.rank);
    if (!zoo_ok(net))
        return false;
    frmi_onnx_node_add(net->b, "Identity", "logits", 1, (const char *[]){ x.name },
                       1, (const char *[]){ "logits" });
    frmi_onnx_output(net->b, "logits", 1, 2, x.d, NULL);
    return true;
}

frm_code zoo_finish_buffer(zoo_net *net, zoo_t x, uint8_t **bytes, size_t *len, frm_error *err)
{
    frm_code rc;
    if (close_graph(net, x)) {
        rc = frmi_onnx_serialize(net->b, bytes, len, err);
    } else {
        rc = net->err.code;
        if (err)
            *err = net->err;
    }
    zoo_discard(net);
    return rc;
}

frm_code zoo_finish(zoo_net *net, zoo_t x, const char *path, frm_error *err)
{
    frm_code rc;
    if (close_graph(net, x)) {
        rc = frmi_onnx_write(net->b, path, NULL, err);
    } else {
        rc = net->err.code;
        if (err)
            *err = net->err;
    }
    zoo_discard(net);
    return rc;
}

/* --- nodes ---------------------------------------------------------------------- */

static int64_t numel(zoo_t x)
{
    int64_t n = 1;
    for (int i = 0; i < x.rank; i++)
        n *= x.d[i];
    return n;
}

/* A node with one output of the given shape. */
static zoo_t node1(zoo_net *net, const char *op, int n_in, const char *const *in, int rank,
                   const int64_t *dims, frmi_onnx_node **handle)
{
    zoo_t y = dead;
    y.name = fresh(net, op);
    y.rank = rank;
    if (rank > 0)
        memcpy(y.d, dims, (size_t)rank * sizeof dims[0]);
    frmi_onnx_node *n = frmi_onnx_node_add(net->b, op, y.name, n_in, in, 1, (const char *[]){ y.name });
    if (handle)
        *handle = n;
    return y;
}

static zoo_t unary(zoo_net *net, const char *op, zoo_t x)
{
    if (!alive(net, 1, &x))
        return dead;
    return node1(net, op, 1, (const char *[]){ x.name }, x.rank, x.d, NULL);
}

zoo_t zoo_scalar(zoo_net *net, float v)
{
    if (!zoo_ok(net))
        return dead;
    frmi_onnx_node *n;
    zoo_t y = node1(net, "Constant", 0, NULL, 0, NULL, &n);
    frmi_onnx_attr_tensor_f32(n, "value", 0, NULL, &v);
    y.rank = -1;                /* a scalar: broadcasts against anything */
    return y;
}

zoo_t zoo_ints(zoo_net *net, size_t count, const int64_t *v)
{
    if (!zoo_ok(net))
        return dead;
    frmi_onnx_node *n;
    const int64_t len = (int64_t)count;
    zoo_t y = node1(net, "Constant", 0, NULL, 1, &len, &n);
    frmi_onnx_attr_tensor_i64(n, "value", 1, &len, v);
    return y;
}

/* --- parameters ------------------------------------------------------------------- */

static zoo_t param_shape(zoo_net *net, const char *what, int rank, const int64_t *dims, float **data)
{
    zoo_t p = dead;
    *data = NULL;
    if (!zoo_ok(net))
        return dead;
    if (rank < 1 || rank > ZOO_MAX_RANK)
        return zoo_fail(net, "internal: parameter '%s' of rank %d", what, rank);
    p.name = fresh(net, what);
    p.rank = rank;
    memcpy(p.d, dims, (size_t)rank * sizeof dims[0]);
    *data = frmi_onnx_initializer_f32_fill(net->b, p.name, rank, dims);
    if (!*data && net->err.code == FRM_OK)
        zoo_fail(net, "parameter '%s' could not be added", p.name);
    if (*data && net->shapes_only) {
        /* values do not change a count: zeros, and no random numbers to draw */
        memset(*data, 0, (size_t)numel(p) * sizeof **data);
        *data = NULL;
    }
    return p;
}

zoo_t zoo_param(zoo_net *net, const char *what, int rank, const int64_t *dims, float bound)
{
    float *data;
    zoo_t p = param_shape(net, what, rank, dims, &data);
    if (data)
        for (int64_t i = 0, n = numel(p); i < n; i++)
            data[i] = bound * uniform(net);
    return p;
}

zoo_t zoo_param_fill(zoo_net *net, const char *what, int rank, const int64_t *dims, float value)
{
    float *data;
    zoo_t p = param_shape(net, what, rank, dims, &data);
    if (data)
        for (int64_t i = 0, n = numel(p); i < n; i++)
            data[i] = value;
    return p;
}

/* `value` plus uniform noise of `spread`: BatchNormalization near identity. */
static zoo_t param_near(zoo_net *net, const char *what, int64_t c, float value, float spread)
{
    float *data;
    zoo_t p = param_shape(net, what, 1, &c, &data);
    if (data)
        for (int64_t i = 0; i < c; i++)
            data[i] = value + spread * uniform(net);
    return p;
}

zoo_t zoo_buffer_i64(zoo_net *net, const char *what, int rank, const int64_t *dims, const int64_t *data)
{
    if (!zoo_ok(net))
        return dead;
    zoo_t p = dead;
    p.name = fresh(net, what);
    p.rank = rank;
    memcpy(p.d, dims, (size_t)rank * sizeof dims[0]);
    frmi_onnx_initializer_i64(net->b, p.name, rank, dims, data);
    return p;
}

/* --- layers ------------------------------------------------------------------------- */

zoo_t zoo_conv2d(zoo_net *net, zoo_t x, int64_t cout, int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                 int64_t ph, int64_t pw, int64_t groups, int bias)
{
    if (!alive(net, 1, &x))
        return dead;
    if (x.rank != 4 || groups < 1 || x.d[1] % groups || cout % groups || kh < 1 || kw < 1 || sh < 1 ||
        sw < 1)
        return zoo_fail(net, "conv %lldx%lld to %lld channels (groups %lld) cannot take a %d-d input of %lld channels",
                        (long long)kh, (long long)kw, (long long)cout, (long long)groups, x.rank,
                        (long long)x.d[1]);
    int64_t ho = (x.d[2] + 2 * ph - kh) / sh + 1, wo = (x.d[3] + 2 * pw - kw) / sw + 1;
    if (ho < 1 || wo < 1)
        return zoo_fail(net, "conv %lldx%lld stride %lld leaves no output of a %lldx%lld input",
                        (long long)kh, (long long)kw, (long long)sh, (long long)x.d[2], (long long)x.d[3]);
    const int64_t wd[] = { cout, x.d[1] / groups, kh, kw };
    /* He-uniform: keeps ReLU activations at about unit variance. */
    float bound = sqrtf(6.0f / (float)(wd[1] * kh * kw));
    zoo_t w = zoo_param(net, "conv_w", 4, wd, bound);
    zoo_t b = bias ? zoo_param(net, "conv_b", 1, &cout, 0.01f) : dead;
    const int64_t out[] = { x.d[0], cout, ho, wo };
    frmi_onnx_node *n;
    zoo_t y = node1(net, "Conv", bias ? 3 : 2, (const char *[]){ x.name, w.name, b.name }, 4, out, &n);
    frmi_onnx_attr_ints(n, "kernel_shape", 2, (const int64_t[]){ kh, kw });
    frmi_onnx_attr_ints(n, "strides", 2, (const int64_t[]){ sh, sw });
    frmi_onnx_attr_ints(n, "pads", 4, (const int64_t[]){ ph, pw, ph, pw });
    if (groups != 1)
        frmi_onnx_attr_int(n, "group", groups);
    return y;
}

zoo_t zoo_conv(zoo_net *net, zoo_t x, int64_t cout, int64_t k, int64_t stride, int64_t groups)
{
    return zoo_conv2d(net, x, cout, k, k, stride, stride, k / 2, k / 2, groups, 0);
}

/* BatchNormalization over axis 1 of x, scale near `scale`. */
static zoo_t batch_norm(zoo_net *net, zoo_t x, float scale)
{
    if (!alive(net, 1, &x))
        return dead;
    int64_t c = x.d[1];
    zoo_t gamma = param_near(net, "bn_w", c, scale, 0.05f * scale);
    zoo_t beta = param_near(net, "bn_b", c, 0.0f, 0.05f);
    zoo_t mean = param_near(net, "bn_mean", c, 0.0f, 0.05f);
    zoo_t var = param_near(net, "bn_var", c, 1.0f, 0.05f);
    frmi_onnx_node *n;
    zoo_t y = node1(net, "BatchNormalization", 5,
                    (const char *[]){ x.name, gamma.name, beta.name, mean.name, var.name }, x.rank, x.d, &n);
    frmi_onnx_attr_float(n, "epsilon", 1e-5f);
    return y;
}

zoo_t zoo_bn(zoo_net *net, zoo_t x)
{
    if (zoo_ok(net) && x.rank != 4)
        return zoo_fail(net, "BatchNorm2d needs a 4-d input, not %d-d", x.rank);
    return batch_norm(net, x, 1.0f);
}

zoo_t zoo_bn_residual(zoo_net *net, zoo_t x)
{
    if (zoo_ok(net) && x.rank != 4)
        return zoo_fail(net, "BatchNorm2d needs a 4-d input, not %d-d", x.rank);
    return batch_norm(net, x, 0.25f);
}

zoo_t zoo_bn_tokens(zoo_net *net, zoo_t x)
{
    if (zoo_ok(net) && x.rank != 3)
        return zoo_fail(net, "token BatchNorm needs [N, L, C], not %d-d", x.rank);
    /* As timm: BatchNorm1d over (N * L) rows of C channels. */
    zoo_t flat = zoo_reshape(net, x, 2, (const int64_t[]){ x.d[0] * x.d[1], x.d[2] });
    return zoo_reshape(net, batch_norm(net, flat, 1.0f), 3, x.d);
}

zoo_t zoo_act_apply(zoo_net *net, zoo_t x, zoo_act act)
{
    switch (act) {
    case ZOO_NONE:
        return x;
    case ZOO_RELU:
        return unary(net, "Relu", x);
    case ZOO_RELU6: {
        if (!alive(net, 1, &x))
            return dead;
        zoo_t lo = zoo_scalar(net, 0.0f), hi = zoo_scalar(net, 6.0f);
        return node1(net, "Clip", 3, (const char *[]){ x.name, lo.name, hi.name }, x.rank, x.d, NULL);
    }
    case ZOO_HSWISH:
        return unary(net, "HardSwish", x);
    case ZOO_HSIGMOID: {
        if (!alive(net, 1, &x))
            return dead;
        frmi_onnx_node *n;
        zoo_t y = node1(net, "HardSigmoid", 1, (const char *[]){ x.name }, x.rank, x.d, &n);
        frmi_onnx_attr_float(n, "alpha", 1.0f / 6.0f);
        frmi_onnx_attr_float(n, "beta", 0.5f);
        return y;
    }
    case ZOO_SIGMOID:
        return unary(net, "Sigmoid", x);
    case ZOO_SILU:
        return zoo_mul(net, x, unary(net, "Sigmoid", x));
    case ZOO_GELU: {
        /* 0.70710678 = 1 / sqrt(2) */
        zoo_t e = unary(net, "Erf", zoo_scale(net, x, 0.70710678f));
        zoo_t one_plus = zoo_add(net, e, zoo_scalar(net, 1.0f));
        return zoo_scale(net, zoo_mul(net, x, one_plus), 0.5f);
    }
    }
    return zoo_fail(net, "internal: unknown activation %d", (int)act);
}

zoo_t zoo_conv_bn_act(zoo_net *net, zoo_t x, int64_t cout, int64_t k, int64_t stride, int64_t groups,
                      zoo_act act)
{
    return zoo_act_apply(net, zoo_bn(net, zoo_conv(net, x, cout, k, stride, groups)), act);
}

zoo_t zoo_linear(zoo_net *net, zoo_t x, int64_t out, int bias)
{
    if (!alive(net, 1, &x))
        return dead;
    if (x.rank < 2)
        return zoo_fail(net, "Linear needs at least [N, features], not %d-d", x.rank);
    int64_t in = x.d[x.rank - 1];
    float bound = sqrtf(3.0f / (float)in);
    zoo_t b = dead;
    int64_t dims[ZOO_MAX_RANK];
    memcpy(dims, x.d, sizeof dims);
    dims[x.rank - 1] = out;
    if (x.rank == 2) {
        zoo_t w = zoo_param(net, "fc_w", 2, (const int64_t[]){ out, in }, bound);
        if (bias)
            b = zoo_param(net, "fc_b", 1, &out, 0.01f);
        frmi_onnx_node *n;
        zoo_t y = node1(net, "Gemm", bias ? 3 : 2, (const char *[]){ x.name, w.name, b.name }, 2, dims, &n);
        frmi_onnx_attr_int(n, "transB", 1);
        return y;
    }
    /* MatMul takes the weight as [in, out]: PyTorch's transposed, the same
     * parameters. */
    zoo_t w = zoo_param(net, "fc_w", 2, (const int64_t[]){ in, out }, bound);
    zoo_t y = node1(net, "MatMul", 2, (const char *[]){ x.name, w.name }, x.rank, dims, NULL);
    if (bias)
        y = zoo_add(net, y, zoo_param(net, "fc_b", 1, &out, 0.01f));
    return y;
}

zoo_t zoo_layernorm(zoo_net *net, zoo_t x, float eps)
{
    if (!alive(net, 1, &x))
        return dead;
    int64_t c = x.d[x.rank - 1];
    zoo_t w = param_near(net, "ln_w", c, 1.0f, 0.05f);
    zoo_t b = param_near(net, "ln_b", c, 0.0f, 0.05f);
    frmi_onnx_node *n;
    zoo_t y = node1(net, "LayerNormalization", 3, (const char *[]){ x.name, w.name, b.name }, x.rank, x.d, &n);
    frmi_onnx_attr_int(n, "axis", -1);
    frmi_onnx_attr_float(n, "epsilon", eps);
    return y;
}

zoo_t zoo_layernorm2d(zoo_net *net, zoo_t x, float eps)
{
    if (zoo_ok(net) && x.rank != 4)
        return zoo_fail(net, "LayerNorm2d needs a 4-d input, not %d-d", x.rank);
    zoo_t t = zoo_transpose(net, x, 4, (const int64_t[]){ 0, 2, 3, 1 });
    return zoo_transpose(net, zoo_layernorm(net, t, eps), 4, (const int64_t[]){ 0, 3, 1, 2 });
}

zoo_t zoo_se(zoo_net *net, zoo_t x, int64_t squeeze, zoo_act act, zoo_act gate)
{
    zoo_t s = zoo_global_avgpool(net, x);
    s = zoo_act_apply(net, zoo_conv2d(net, s, squeeze, 1, 1, 1, 1, 0, 0, 1, 1), act);
    s = zoo_act_apply(net, zoo_conv2d(net, s, x.d[1], 1, 1, 1, 1, 0, 0, 1, 1), gate);
    return zoo_mul(net, x, s);
}

/* --- element-wise and pooling ----------------------------------------------------- */

static zoo_t binary(zoo_net *net, const char *op, zoo_t a, zoo_t b)
{
    if (!zoo_ok(net))
        return dead;
    /* A scalar Constant (rank -1) broadcasts to the other side's shape. */
    if (a.rank == 0 || b.rank == 0)
        return zoo_fail(net, "internal: %s given a dead tensor", op);
    int ra = a.rank < 0 ? 0 : a.rank, rb = b.rank < 0 ? 0 : b.rank;
    int r = ra > rb ? ra : rb;
    int64_t dims[ZOO_MAX_RANK];
    for (int k = 0; k < r; k++) {
        int ia = k - (r - ra), ib = k - (r - rb);
        int64_t da = ia >= 0 ? a.d[ia] : 1, db = ib >= 0 ? b.d[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return zoo_fail(net, "%s of shapes that do not broadcast (dim %d: %lld vs %lld)", op, k,
                            (long long)da, (long long)db);
        dims[k] = da == 1 ? db : da;
    }
    zoo_t y = node1(net, op, 2, (const char *[]){ a.name, b.name }, r, dims, NULL);
    if (r == 0)
        y.rank = -1;
    return y;
}

zoo_t zoo_add(zoo_net *net, zoo_t a, zoo_t b)
{
    return binary(net, "Add", a, b);
}

zoo_t zoo_mul(zoo_net *net, zoo_t a, zoo_t b)
{
    return binary(net, "Mul", a, b);
}

zoo_t zoo_scale(zoo_net *net, zoo_t x, float s)
{
    return binary(net, "Mul", x, zoo_scalar(net, s));
}

zoo_t zoo_concat(zoo_net *net, size_t count, const zoo_t *xs, int axis)
{
    if (!alive(net, (int)count, xs))
        return dead;
    if (count == 0 || count > 64 || axis < 0 || axis >= xs[0].rank)
        return zoo_fail(net, "internal: concat of %zu tensors on axis %d", count, axis);
    const char *names[64];
    int64_t dims[ZOO_MAX_RANK];
    memcpy(dims, xs[0].d, sizeof dims);
    dims[axis] = 0;
    for (size_t i = 0; i < count; i++) {
        for (int k = 0; k < xs[0].rank; k++)
            if (k != axis && (xs[i].rank != xs[0].rank || xs[i].d[k] != xs[0].d[k]))
                return zoo_fail(net, "concat of tensors whose dim %d differs", k);
        dims[axis] += xs[i].d[axis];
        names[i] = xs[i].name;
    }
    frmi_onnx_node *n;
    zoo_t y = node1(net, "Concat", (int)count, names, xs[0].rank, dims, &n);
    frmi_onnx_attr_int(n, "axis", axis);
    return y;
}

void zoo_split(zoo_net *net, zoo_t x, int axis, size_t count, const int64_t *sizes, zoo_t *out)
{
    for (size_t i = 0; i < count; i++)
        out[i] = dead;
    if (!alive(net, 1, &x))
        return;
    if (count == 0 || count > 16 || axis < 0 || axis >= x.rank) {
        zoo_fail(net, "internal: split into %zu on axis %d", count, axis);
        return;
    }
    int64_t parts[16], total = 0;
    for (size_t i = 0; i < count; i++) {
        parts[i] = sizes ? sizes[i] : x.d[axis] / (int64_t)count;
        total += parts[i];
    }
    if (total != x.d[axis]) {
        zoo_fail(net, "split of %lld into parts summing to %lld", (long long)x.d[axis], (long long)total);
        return;
    }
    const char *names[16];
    for (size_t i = 0; i < count; i++) {
        out[i] = x;
        out[i].name = fresh(net, "Split");
        out[i].d[axis] = parts[i];
        names[i] = out[i].name;
    }
    zoo_t split = zoo_ints(net, count, parts);
    frmi_onnx_node *n = frmi_onnx_node_add(net->b, "Split", names[0], 2, (const char *[]){ x.name, split.name },
                                           (int)count, names);
    frmi_onnx_attr_int(n, "axis", axis);
}

/* PyTorch's pooled size, ceil mode dropping a window that starts in the
 * right padding. */
static int64_t pooled(int64_t in, int64_t k, int64_t s, int64_t p, int ceil_mode)
{
    int64_t span = in + 2 * p - k;
    int64_t out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    if (ceil_mode && (out - 1) * s >= in + p)
        out--;
    return out;
}

static zoo_t pool(zoo_net *net, const char *op, zoo_t x, int64_t k, int64_t s, int64_t p, int ceil_mode,
                  int count_include_pad)
{
    if (!alive(net, 1, &x))
        return dead;
    if (x.rank != 4 || k < 1 || s < 1 || x.d[2] + 2 * p < k || x.d[3] + 2 * p < k)
        return zoo_fail(net, "%s %lld stride %lld cannot take this input", op, (long long)k, (long long)s);
    const int64_t out[] = { x.d[0], x.d[1], pooled(x.d[2], k, s, p, ceil_mode), pooled(x.d[3], k, s, p, ceil_mode) };
    frmi_onnx_node *n;
    zoo_t y = node1(net, op, 1, (const char *[]){ x.name }, 4, out, &n);
    frmi_onnx_attr_ints(n, "kernel_shape", 2, (const int64_t[]){ k, k });
    frmi_onnx_attr_ints(n, "strides", 2, (const int64_t[]){ s, s });
    frmi_onnx_attr_ints(n, "pads", 4, (const int64_t[]){ p, p, p, p });
    if (ceil_mode)
        frmi_onnx_attr_int(n, "ceil_mode", 1);
    if (count_include_pad && p > 0)
        frmi_onnx_attr_int(n, "count_include_pad", 1);
    return y;
}

zoo_t zoo_maxpool(zoo_net *net, zoo_t x, int64_t k, int64_t stride, int64_t pad, int ceil_mode)
{
    return pool(net, "MaxPool", x, k, stride, pad, ceil_mode, 0);
}

zoo_t zoo_avgpool(zoo_net *net, zoo_t x, int64_t k, int64_t stride, int64_t pad, int count_include_pad)
{
    return pool(net, "AveragePool", x, k, stride, pad, 0, count_include_pad);
}

zoo_t zoo_global_avgpool(zoo_net *net, zoo_t x)
{
    if (!alive(net, 1, &x))
        return dead;
    if (x.rank != 4)
        return zoo_fail(net, "global pooling needs a 4-d input, not %d-d", x.rank);
    const int64_t out[] = { x.d[0], x.d[1], 1, 1 };
    return node1(net, "GlobalAveragePool", 1, (const char *[]){ x.name }, 4, out, NULL);
}

zoo_t zoo_flatten(zoo_net *net, zoo_t x)
{
    if (!alive(net, 1, &x))
        return dead;
    const int64_t out[] = { x.d[0], numel(x) / x.d[0] };
    return node1(net, "Flatten", 1, (const char *[]){ x.name }, 2, out, NULL);
}

zoo_t zoo_mean(zoo_net *net, zoo_t x, int axis)
{
    if (!alive(net, 1, &x))
        return dead;
    if (axis < 0 || axis >= x.rank)
        return zoo_fail(net, "internal: mean over axis %d of a %d-d tensor", axis, x.rank);
    int64_t dims[ZOO_MAX_RANK];
    int r = 0;
    for (int k = 0; k < x.rank; k++)
        if (k != axis)
            dims[r++] = x.d[k];
    frmi_onnx_node *n;
    zoo_t y = node1(net, "ReduceMean", 1, (const char *[]){ x.name }, r, dims, &n);
    frmi_onnx_attr_ints(n, "axes", 1, (const int64_t[]){ axis });
    frmi_onnx_attr_int(n, "keepdims", 0);
    return y;
}

/* --- shape and attention plumbing --------------------------------------------------- */

zoo_t zoo_reshape(zoo_net *net, zoo_t x, int rank, const int64_t *dims)
{
    if (!alive(net, 1, &x))
        return dead;
    zoo_t want = { "", rank, { 0 } };
    if (rank < 1 || rank > ZOO_MAX_RANK)
        return zoo_fail(net, "internal: reshape to rank %d", rank);
    memcpy(want.d, dims, (size_t)rank * sizeof dims[0]);
    if (numel(want) != numel(x))
        return zoo_fail(net, "reshape of %lld elements to %lld", (long long)numel(x), (long long)numel(want));
    zoo_t shape = zoo_ints(net, (size_t)rank, dims);
    return node1(net, "Reshape", 2, (const char *[]){ x.name, shape.name }, rank, dims, NULL);
}

zoo_t zoo_expand(zoo_net *net, zoo_t x, int rank, const int64_t *dims)
{
    if (!alive(net, 1, &x))
        return dead;
    if (rank != x.rank)
        return zoo_fail(net, "internal: expand of a %d-d tensor to rank %d", x.rank, rank);
    for (int k = 0; k < rank; k++)
        if (x.d[k] != dims[k] && x.d[k] != 1)
            return zoo_fail(net, "expand of dim %d from %lld to %lld", k, (long long)x.d[k], (long long)dims[k]);
    zoo_t shape = zoo_ints(net, (size_t)rank, dims);
    return node1(net, "Expand", 2, (const char *[]){ x.name, shape.name }, rank, dims, NULL);
}

zoo_t zoo_transpose(zoo_net *net, zoo_t x, int rank, const int64_t *perm)
{
    if (!alive(net, 1, &x))
        return dead;
    if (rank != x.rank)
        return zoo_fail(net, "internal: transpose of a %d-d tensor with %d axes", x.rank, rank);
    int64_t dims[ZOO_MAX_RANK];
    unsigned seen = 0;
    for (int k = 0; k < rank; k++) {
        if (perm[k] < 0 || perm[k] >= rank || (seen & (1u << perm[k])))
            return zoo_fail(net, "internal: transpose with a bad permutation");
        seen |= 1u << perm[k];
        dims[k] = x.d[perm[k]];
    }
    frmi_onnx_node *n;
    zoo_t y = node1(net, "Transpose", 1, (const char *[]){ x.name }, rank, dims, &n);
    frmi_onnx_attr_ints(n, "perm", (size_t)rank, perm);
    return y;
}

zoo_t zoo_matmul(zoo_net *net, zoo_t a, zoo_t b)
{
    zoo_t in[2] = { a, b };
    if (!alive(net, 2, in))
        return dead;
    if (a.rank < 2 || b.rank < 2 || a.d[a.rank - 1] != b.d[b.rank - 2])
        return zoo_fail(net, "matmul of incompatible shapes");
    /* Batch dims broadcast as numpy's. */
    int ra = a.rank - 2, rb = b.rank - 2, r = ra > rb ? ra : rb;
    int64_t dims[ZOO_MAX_RANK];
    for (int k = 0; k < r; k++) {
        int ia = k - (r - ra), ib = k - (r - rb);
        int64_t da = ia >= 0 ? a.d[ia] : 1, db = ib >= 0 ? b.d[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return zoo_fail(net, "matmul batch dims do not broadcast");
        dims[k] = da == 1 ? db : da;
    }
    dims[r] = a.d[a.rank - 2];
    dims[r + 1] = b.d[b.rank - 1];
    return node1(net, "MatMul", 2, (const char *[]){ a.name, b.name }, r + 2, dims, NULL);
}

zoo_t zoo_softmax(zoo_net *net, zoo_t x, int axis)
{
    if (!alive(net, 1, &x))
        return dead;
    frmi_onnx_node *n;
    zoo_t y = node1(net, "Softmax", 1, (const char *[]){ x.name }, x.rank, x.d, &n);
    frmi_onnx_attr_int(n, "axis", axis);
    return y;
}

zoo_t zoo_gather(zoo_net *net, zoo_t x, zoo_t indices, int axis)
{
    zoo_t in[2] = { x, indices };
    if (!alive(net, 2, in))
        return dead;
    if (axis < 0 || axis >= x.rank || x.rank - 1 + indices.rank > ZOO_MAX_RANK)
        return zoo_fail(net, "internal: gather on axis %d", axis);
    int64_t dims[ZOO_MAX_RANK];
    int r = 0;
    for (int k = 0; k < axis; k++)
        dims[r++] = x.d[k];
    for (int k = 0; k < indices.rank; k++)
        dims[r++] = indices.d[k];
    for (int k = axis + 1; k < x.rank; k++)
        dims[r++] = x.d[k];
    frmi_onnx_node *n;
    zoo_t y = node1(net, "Gather", 2, (const char *[]){ x.name, indices.name }, r, dims, &n);
    frmi_onnx_attr_int(n, "axis", axis);
    return y;
}

zoo_t zoo_slice(zoo_net *net, zoo_t x, int axis, int64_t start, int64_t end, int64_t step)
{
    if (!alive(net, 1, &x))
        return dead;
    if (axis < 0 || axis >= x.rank || step < 1 || start < 0 || start >= x.d[axis])
        return zoo_fail(net, "internal: slice [%lld:%lld:%lld] of axis %d", (long long)start, (long long)end,
                        (long long)step, axis);
    if (end > x.d[axis])
        end = x.d[axis];
    int64_t dims[ZOO_MAX_RANK];
    memcpy(dims, x.d, sizeof dims);
    dims[axis] = (end - start + step - 1) / step;
    zoo_t s = zoo_ints(net, 1, &start), e = zoo_ints(net, 1, &end);
    zoo_t a = zoo_ints(net, 1, (const int64_t[]){ axis }), st = zoo_ints(net, 1, &step);
    return node1(net, "Slice", 5, (const char *[]){ x.name, s.name, e.name, a.name, st.name }, x.rank, dims, NULL);
}

zoo_t zoo_mhsa(zoo_net *net, zoo_t x, int64_t heads)
{
    if (!alive(net, 1, &x))
        return dead;
    if (x.rank != 3 || heads < 1 || x.d[2] % heads)
        return zoo_fail(net, "attention with %lld heads cannot take this input", (long long)heads);
    int64_t n = x.d[0], l = x.d[1], c = x.d[2], hd = c / heads;
    zoo_t qkv = zoo_linear(net, x, 3 * c, 1);
    qkv = zoo_reshape(net, qkv, 5, (const int64_t[]){ n, l, 3, heads, hd });
    qkv = zoo_transpose(net, qkv, 5, (const int64_t[]){ 2, 0, 3, 1, 4 });
    zoo_t parts[3];
    zoo_split(net, qkv, 0, 3, NULL, parts);
    const int64_t per_head[] = { n, heads, l, hd };
    zoo_t q = zoo_reshape(net, parts[0], 4, per_head);
    zoo_t k = zoo_reshape(net, parts[1], 4, per_head);
    zoo_t v = zoo_reshape(net, parts[2], 4, per_head);
    q = zoo_scale(net, q, 1.0f / sqrtf((float)hd));
    zoo_t kt = zoo_transpose(net, k, 4, (const int64_t[]){ 0, 1, 3, 2 });
    zoo_t attn = zoo_softmax(net, zoo_matmul(net, q, kt), -1);
    zoo_t o = zoo_matmul(net, attn, v);
    o = zoo_transpose(net, o, 4, (const int64_t[]){ 0, 2, 1, 3 });
    o = zoo_reshape(net, o, 3, (const int64_t[]){ n, l, c });
    return zoo_linear(net, o, c, 1);
}

zoo_t zoo_transformer_block(zoo_net *net, zoo_t x, int64_t heads, int64_t mlp_ratio, zoo_act act,
                            float eps)
{
    if (!alive(net, 1, &x))
        return dead;
    int64_t dim = x.d[x.rank - 1];
    x = zoo_add(net, x, zoo_mhsa(net, zoo_layernorm(net, x, eps), heads));
    zoo_t m = zoo_linear(net, zoo_layernorm(net, x, eps), dim * mlp_ratio, 1);
    m = zoo_linear(net, zoo_act_apply(net, m, act), dim, 1);
    return zoo_add(net, x, m);
}

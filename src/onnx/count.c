/*
 * onnx/count.c - MACs, FLOPs, parameters, weights and activation memory of
 * an inferred graph (rules in docs/profile.md).
 */
#include "onnx/count.h"

#include <stdlib.h>
#include <string.h>

#include "onnx/infer.h"
#include "util/error.h"

/* Ops counted one FLOP per element of their first output: element-wise
 * arithmetic, activations, comparisons and selection, normalisation,
 * pooling, reductions, softmax and resizing.  Sorted for bsearch. */
static const char *const per_element_ops[] = {
    "Abs", "Acos", "Add", "And", "Asin", "Atan", "AveragePool",
    "BatchNormalization", "Ceil", "Celu", "Clip", "Cos", "Div", "Elu", "Equal",
    "Erf", "Exp", "Floor", "Gelu", "GlobalAveragePool", "GlobalMaxPool",
    "Greater", "GreaterOrEqual", "HardSigmoid", "HardSwish", "LayerNormalization", "LeakyRelu",
    "Less", "LessOrEqual", "Log", "LogSoftmax", "Max", "MaxPool", "Mean", "Min", "Mish", "Mod", "Mul",
    "Neg", "Not", "Or", "Pow", "Reciprocal", "ReduceL2", "ReduceMax",
    "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "Relu", "Resize",
    "Selu", "Sigmoid", "Sign", "Sin", "Softmax", "Softplus", "Softsign",
    "Sqrt", "Sub", "Sum", "Tan", "Tanh", "Upsample", "Where", "Xor",
};

static int str_compare(const void *key, const void *entry)
{
    return strcmp(key, *(const char *const *)entry);
}

static int counts_per_element(const char *op)
{
    return bsearch(op, per_element_ops, sizeof per_element_ops / sizeof per_element_ops[0],
                   sizeof per_element_ops[0], str_compare) != NULL;
}

static int add_u64(uint64_t *acc, uint64_t v)
{
    return __builtin_add_overflow(*acc, v, acc) ? -1 : 0;
}

/* Totals of hostile files may not fit; they stop at the largest value. */
static void sat_add(uint64_t *acc, uint64_t v)
{
    if (__builtin_add_overflow(*acc, v, acc))
        *acc = UINT64_MAX;
}

static uint64_t numel_u(const frmi_value *v)
{
    int64_t n = frmi_value_numel(v);
    return n < 0 ? 0 : (uint64_t)n;
}

/* Product of dims [from, rank). */
static int tail_product(const frmi_value *v, int from, uint64_t *out)
{
    uint64_t p = 1;
    for (int i = from; i < v->rank; i++)
        if (__builtin_mul_overflow(p, (uint64_t)v->dims[i], &p))
            return -1;
    *out = p;
    return 0;
}

/* MACs of one node whose shapes are known; -1 on overflow. */
static int node_macs(frmi_graph *g, const frmi_node *n, uint64_t *macs, int *is_mac_op)
{
    const frmi_value *x = frmi_in(g, n, 0), *w = frmi_in(g, n, 1), *y = frmi_out(g, n, 0);
    uint64_t per = 0, base = 0;
    *macs = 0;
    *is_mac_op = 1;
    if (strcmp(n->op, "Conv") == 0) {
        /* each output element: (Cin / group) * prod(kernel) products */
        if (!w || !y || tail_product(w, 1, &per) != 0)
            return -1;
        base = numel_u(y);
    } else if (strcmp(n->op, "ConvTranspose") == 0) {
        /* each input element scatters into (Cout / group) * prod(kernel) */
        if (!x || !w || tail_product(w, 1, &per) != 0)
            return -1;
        base = numel_u(x);
    } else if (strcmp(n->op, "Gemm") == 0) {
        if (!x || !y || x->rank != 2)
            return -1;
        per = (uint64_t)x->dims[frmi_attr_int_or(n, "transA", 0) ? 0 : 1];
        base = numel_u(y);
    } else if (strcmp(n->op, "MatMul") == 0) {
        if (!x || !y || x->rank < 1)
            return -1;
        per = (uint64_t)x->dims[x->rank - 1];
        base = numel_u(y);
    } else {
        *is_mac_op = 0;
        return 0;
    }
    return __builtin_mul_overflow(base, per, macs) ? -1 : 0;
}

static int node_flops(frmi_graph *g, const frmi_node *n, uint64_t macs, int is_mac_op,
                      uint64_t *flops)
{
    const frmi_value *y = frmi_out(g, n, 0);
    uint64_t out = y ? numel_u(y) : 0;
    if (is_mac_op) {
        if (__builtin_mul_overflow(macs, (uint64_t)2, flops))
            return -1;
        /* Conv and ConvTranspose add bias B (input 3), Gemm adds C (input 3). */
        int has_bias = strcmp(n->op, "MatMul") != 0 && frmi_in(g, n, 2) != NULL;
        return has_bias ? add_u64(flops, out) : 0;
    }
    *flops = counts_per_element(n->op) ? out : 0;
    return 0;
}

/* The tensor behind `v`, looking through Identity nodes. */
static int through_identity(const frmi_graph *g, int v)
{
    for (size_t hops = 0; v >= 0 && hops < g->n_nodes; hops++) {
        int p = g->values[v].producer;
        if (p < 0 || strcmp(g->nodes[p].op, "Identity") != 0 || g->nodes[p].n_in < 1)
            break;
        v = g->nodes[p].in[0];
    }
    return v;
}

/*
 * Sets flag[v] for initializers used only as BatchNormalization's running
 * mean or variance.  PyTorch's exporter shares equal initializers between
 * layers through Identity nodes, so uses are traced through them, and an
 * initializer that also serves elsewhere (a scale of ones shared with a
 * variance of ones) stays a parameter.
 */
static void mark_bn_statistics(const frmi_graph *g, unsigned char *flag)
{
    enum { STAT = 1, OTHER = 2 };
    for (size_t i = 0; i < g->n_nodes; i++) {
        const frmi_node *n = &g->nodes[i];
        if (strcmp(n->op, "Identity") == 0)
            continue;
        int bn = strcmp(n->op, "BatchNormalization") == 0;
        for (int k = 0; k < n->n_in; k++) {
            int v = through_identity(g, n->in[k]);
            if (v >= 0 && g->values[v].is_initializer)
                flag[v] |= bn && (k == 3 || k == 4) ? STAT : OTHER;
        }
    }
    for (size_t v = 0; v < g->n_values; v++)
        flag[v] = flag[v] == STAT;
}

frm_code frmi_graph_count(frmi_graph *g, frmi_counts *c, frm_error *err)
{
    memset(c, 0, sizeof *c);

    /* BatchNormalization's running statistics are buffers, not parameters. */
    unsigned char *bn_stat = calloc(g->n_values + 1, 1);
    /* Sizes of values; 0 when unknown (their node is listed as unknown). */
    uint64_t *bytes = calloc(g->n_values + 1, sizeof *bytes);
    if (!bn_stat || !bytes) {
        free(bn_stat);
        free(bytes);
        return frmi_nomem(err);
    }
    mark_bn_statistics(g, bn_stat);
    for (size_t v = 0; v < g->n_values; v++) {
        const frmi_value *val = &g->values[v];
        int64_t numel = frmi_value_numel(val);
        if (numel < 0)
            continue;
        if (__builtin_mul_overflow((uint64_t)numel, (uint64_t)frmi_elem_size(val->elem_type), &bytes[v]))
            bytes[v] = UINT64_MAX;
        if (!val->is_initializer)
            continue;
        sat_add(&c->weights_bytes, bytes[v]);
        if (frmi_elem_is_float(val->elem_type) && !bn_stat[v])
            c->params += (uint64_t)numel;
    }

    frm_code rc = FRM_OK;
    for (size_t i = 0; i < g->n_nodes && rc == FRM_OK; i++) {
        frmi_node *n = &g->nodes[i];
        n->macs = n->flops = 0;
        if (!n->known)
            continue;
        uint64_t macs, flops = 0;
        int is_mac_op;
        if (node_macs(g, n, &macs, &is_mac_op) != 0 ||
            node_flops(g, n, macs, is_mac_op, &flops) != 0 ||
            add_u64(&c->macs, macs) != 0 || add_u64(&c->flops, flops) != 0 ||
            (is_mac_op && add_u64(&c->activations, numel_u(frmi_out(g, n, 0))) != 0)) {
            n->known = 0;
            if (frmi_unknown(g, n, "its counts exceed 2^64") == FRMI_INFER_NOMEM)
                rc = frmi_nomem(err);
            continue;
        }
        n->macs = macs;
        n->flops = flops;
    }

    /* Liveness over the execution order: a node's outputs are allocated
     * when it runs, and freed after their last reader has run (graph
     * outputs stay to the end); the peak is taken while each node runs,
     * with its inputs and outputs both live. */
    uint64_t live = 0;
    for (size_t pos = 0; pos < g->n_nodes && rc == FRM_OK; pos++) {
        const frmi_node *n = &g->nodes[g->order[pos]];
        for (int k = 0; k < n->n_out; k++)
            if (n->out[k] >= 0)
                sat_add(&live, bytes[n->out[k]]);
        if (live > c->peak_bytes)
            c->peak_bytes = live;
        for (int k = 0; k < n->n_in; k++) {
            int v = n->in[k];
            if (v < 0 || g->values[v].producer < 0 || g->values[v].is_output ||
                g->values[v].last_use != (int)pos)
                continue;
            live = live > bytes[v] ? live - bytes[v] : 0;
            bytes[v] = 0;           /* read twice by this node: free once */
        }
        for (int k = 0; k < n->n_out; k++) {
            int v = n->out[k];
            if (v >= 0 && g->values[v].n_consumers == 0 && !g->values[v].is_output) {
                live = live > bytes[v] ? live - bytes[v] : 0;
                bytes[v] = 0;
            }
        }
    }
    free(bn_stat);
    free(bytes);
    return rc;
}

/*
 * onnx/profile.c - frm_profile_file: reader, graph, inference and counting
 * put together, and the result copied into one frm_profile.
 */
#include "frm/profile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/count.h"
#include "onnx/graph.h"
#include "onnx/profile_model.h"
#include "onnx/reader.h"
#include "util/error.h"
#include "util/pool.h"

/* The profile and the strings it points to, freed together. */
typedef struct profile_box {
    frm_profile pub;
    frmi_pool strings;
} profile_box;

const char *frm_elem_type_name(int t)
{
    static const char *const names[] = {
        "?", "float", "uint8", "int8", "uint16", "int16", "int32", "int64", "string",
        "bool", "float16", "double", "uint32", "uint64", "complex64", "complex128", "bfloat16",
    };
    return t >= 0 && t < (int)(sizeof names / sizeof names[0]) ? names[t] : "?";
}

frm_code frm_input_shape_parse(const char *text, frm_input_shape *out, frm_error *err)
{
    memset(out, 0, sizeof *out);
    const char *eq = text ? strrchr(text, '=') : NULL;
    if (!eq || eq == text)
        return frmi_fail(err, FRM_E_ARGUMENT, "'%s': expected NAME=SHAPE, as in input=1x3x224x224",
                         text ? text : "");
    const char *p = eq + 1;
    if (!*p)
        return frmi_fail(err, FRM_E_ARGUMENT, "'%s': the shape is empty", text);
    while (*p) {
        if (out->rank == FRM_PROFILE_MAX_RANK)
            return frmi_fail(err, FRM_E_ARGUMENT, "'%s': more than %d dims", text, FRM_PROFILE_MAX_RANK);
        if (*p < '0' || *p > '9')
            return frmi_fail(err, FRM_E_ARGUMENT, "'%s': dims must be non-negative integers separated by 'x'",
                             text);
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (errno || v > (long long)1 << 40)
            return frmi_fail(err, FRM_E_ARGUMENT, "'%s': dim %.*s is too large", text, (int)(end - p), p);
        out->dims[out->rank++] = v;
        p = end;
        if (*p == 'x' || *p == ',') {
            p++;
            if (!*p)
                return frmi_fail(err, FRM_E_ARGUMENT, "'%s': a dim is missing after the last separator", text);
        } else if (*p) {
            return frmi_fail(err, FRM_E_ARGUMENT, "'%s': dims must be non-negative integers separated by 'x'",
                             text);
        }
    }
    size_t len = (size_t)(eq - text);
    if (len >= sizeof out->name)
        return frmi_fail(err, FRM_E_ARGUMENT, "'%.40s...': the input name is too long", text);
    memcpy(out->name, text, len);
    out->name[len] = '\0';
    return FRM_OK;
}

static const char *keep(profile_box *box, const char *s, int *oom)
{
    uint32_t id = frmi_pool_intern(&box->strings, s ? s : "");
    if (id == FRMI_NONE) {
        *oom = 1;
        return "";
    }
    return frmi_pool_str(&box->strings, id);
}

static char *model_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".onnx") == 0)
        len -= 5;
    return strndup(base, len);
}

static void copy_shape(profile_box *box, frm_tensor_shape *dst, const frmi_value *v, int *oom)
{
    dst->name = keep(box, v->name, oom);
    dst->elem_type = v->elem_type;
    dst->rank = v->rank;
    for (int i = 0; i < v->rank && i < FRM_PROFILE_MAX_RANK; i++)
        dst->dims[i] = v->dims[i];
}

static int op_total_compare(const void *a, const void *b)
{
    return strcmp(((const frm_op_total *)a)->op, ((const frm_op_total *)b)->op);
}

/* Fills the public profile from the counted graph. */
static frm_code fill(profile_box *box, frmi_graph *g, const frmi_counts *c,
                     const frm_profile_options *opt, frm_error *err)
{
    frm_profile *p = &box->pub;
    int oom = 0;
    p->params = c->params;
    p->weights_bytes = c->weights_bytes;
    p->macs = c->macs;
    p->flops = c->flops;
    p->activations = c->activations;
    p->activations_peak_bytes = c->peak_bytes;
    p->n_nodes_total = g->n_nodes;

    size_t n_in = 0, n_out = 0;
    for (size_t v = 0; v < g->n_values; v++) {
        n_in += g->values[v].is_input;
        n_out += g->values[v].is_output;
    }
    p->inputs = calloc(n_in + 1, sizeof *p->inputs);
    p->outputs = calloc(n_out + 1, sizeof *p->outputs);
    if (!p->inputs || !p->outputs)
        return frmi_nomem(err);
    /* The graph's own order of inputs and outputs, not the value table's. */
    const Onnx__GraphProto *gp = g->model->proto->graph;
    for (size_t i = 0; i < gp->n_input; i++)
        for (size_t v = 0; v < g->n_values; v++)
            if (g->values[v].is_input && strcmp(g->values[v].name, gp->input[i]->name) == 0) {
                copy_shape(box, &p->inputs[p->n_inputs++], &g->values[v], &oom);
                break;
            }
    p->batch = 1;
    for (size_t i = 0; i < p->n_inputs; i++)
        if (p->inputs[i].rank >= 1 && p->inputs[i].dims[0] > 0) {
            p->batch = p->inputs[i].dims[0];
            break;
        }
    for (size_t i = 0; i < gp->n_output; i++)
        for (size_t v = 0; v < g->n_values; v++)
            if (g->values[v].is_output && strcmp(g->values[v].name, gp->output[i]->name) == 0 &&
                p->n_outputs < n_out) {
                copy_shape(box, &p->outputs[p->n_outputs++], &g->values[v], &oom);
                break;
            }

    p->ops = calloc(g->n_nodes + 1, sizeof *p->ops);
    p->unknown = calloc(g->n_nodes + 1, sizeof *p->unknown);
    if (!p->ops || !p->unknown)
        return frmi_nomem(err);
    if (opt->per_node) {
        p->nodes = calloc(g->n_nodes + 1, sizeof *p->nodes);
        if (!p->nodes)
            return frmi_nomem(err);
    }
    for (size_t i = 0; i < g->n_nodes; i++) {
        const frmi_node *n = &g->nodes[i];
        const char *op = keep(box, n->op, &oom);
        size_t k = 0;
        while (k < p->n_ops && p->ops[k].op != op)   /* interned: pointers compare */
            k++;
        if (k == p->n_ops) {
            p->ops[k].op = op;
            p->n_ops++;
        }
        p->ops[k].count++;
        p->ops[k].macs += n->macs;
        p->ops[k].flops += n->flops;
        if (!n->known) {
            frm_unknown_node *u = &p->unknown[p->n_unknown++];
            u->name = keep(box, n->name, &oom);
            u->op = op;
            u->reason = keep(box, n->reason ? n->reason : "shape not inferred", &oom);
        }
        if (p->nodes) {
            frm_node_profile *np = &p->nodes[p->n_nodes++];
            np->name = keep(box, n->name, &oom);
            np->op = op;
            np->macs = n->macs;
            np->flops = n->flops;
            np->known = n->known;
            np->output.rank = -1;
            const frmi_value *y = n->n_out > 0 && n->out[0] >= 0 ? &g->values[n->out[0]] : NULL;
            if (y)
                copy_shape(box, &np->output, y, &oom);
        }
    }
    qsort(p->ops, p->n_ops, sizeof *p->ops, op_total_compare);
    p->partial = p->n_unknown > 0;
    return oom ? frmi_nomem(err) : FRM_OK;
}

frm_code frmi_profile_model(const frmi_onnx_model *model, const char *path,
                            const frm_profile_options *opt, frm_profile **out, frm_error *err)
{
    profile_box *box = calloc(1, sizeof *box);
    if (!box)
        return frmi_nomem(err);
    frmi_pool_init(&box->strings);
    frm_profile *p = &box->pub;
    int oom = 0;
    char *stem = model_stem(path);
    p->model = keep(box, stem ? stem : "", &oom);
    free(stem);
    p->file = keep(box, path, &oom);
    if (oom || !stem) {
        frm_profile_free(p);
        return frmi_nomem(err);
    }
    p->ir_version = model->proto->has_ir_version ? model->proto->ir_version : 0;

    frmi_graph g;
    frmi_counts counts;
    frm_code rc = frmi_graph_build(&g, model, opt, path, err);
    p->opset = g.opset;
    if (rc == FRM_OK)
        rc = frmi_graph_infer(&g, err);
    if (rc == FRM_OK)
        rc = frmi_graph_count(&g, &counts, err);
    if (rc == FRM_OK)
        rc = fill(box, &g, &counts, opt, err);
    frmi_graph_release(&g);
    if (rc != FRM_OK) {
        frm_profile_free(p);
        return rc;
    }
    *out = p;
    return FRM_OK;
}

frm_code frm_profile_file(const char *path, const frm_profile_options *opt,
                          frm_profile **out, frm_error *err)
{
    static const frm_profile_options defaults = FRM_PROFILE_OPTIONS_INIT;
    *out = NULL;
    if (!opt)
        opt = &defaults;
    if (!path)
        return frmi_fail(err, FRM_E_ARGUMENT, "no model file given");
    if (opt->batch < 1)
        return frmi_fail(err, FRM_E_ARGUMENT, "batch must be at least 1, not %lld", (long long)opt->batch);
    for (size_t i = 0; i < opt->n_inputs; i++)
        if (!opt->inputs[i].name[0] || opt->inputs[i].rank > FRM_PROFILE_MAX_RANK)
            return frmi_fail(err, FRM_E_ARGUMENT, "input override %zu is malformed", i + 1);
    frmi_onnx_model model;
    frm_code rc = frmi_onnx_open(&model, path, err);
    if (rc != FRM_OK)
        return rc;
    rc = frmi_profile_model(&model, path, opt, out, err);
    frmi_onnx_close(&model);
    return rc;
}

void frm_profile_free(frm_profile *p)
{
    if (!p)
        return;
    profile_box *box = (profile_box *)p;
    free(p->inputs);
    free(p->outputs);
    free(p->ops);
    free(p->unknown);
    free(p->nodes);
    frmi_pool_release(&box->strings);
    free(box);
}
